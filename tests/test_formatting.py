"""Babel formats dates and numbers for each page's locale."""
from scripts.formatting import format_date, format_datetime, format_number, jinja_filters


def test_dates_per_locale():
    assert format_date("2019-05-06", "en") == "6 May 2019"
    assert format_date("2019-05-06", "fr") == "6 mai 2019"
    assert format_date("2019-05-06", "es") == "6 de mayo de 2019"
    assert format_date("2019-05-06", "zh") == "2019年5月6日"
    assert format_date("2019-05-06", "ru") == "6 мая 2019\u202fг."
    assert "مايو" in format_date("2019-05-06", "ar")


def test_numbers_per_locale():
    assert format_number(1234567.5, "en") == "1,234,567.5"
    assert format_number(1234567.5, "fr") == "1\u202f234\u202f567,5"
    assert format_number(1234567.5, "ru") == "1\xa0234\xa0567,5"


def test_datetime_in_the_venue_time_zone():
    text = format_datetime("2019-05-06T13:00:00+02:00", "en", "long", "Europe/Paris")
    assert "13:00:00" in text and "6 May 2019" in text


def test_template_filters_are_bound_to_the_page_language():
    assert jinja_filters("fr")["format_date"]("2018-03-23") == "23 mars 2018"
