"""Design tokens: valid DTCG, every stand-in labelled, and every text/background pair readable."""
from __future__ import annotations

import json

import pytest

from scripts import ROOT
from scripts.errors import BuildError
from scripts.tokens import contrast_ratio, flatten, load_tokens, resolve, tokens_css

PAIRS = json.loads((ROOT / "brand" / "contrast-pairs.json").read_text(encoding="utf-8"))["pairs"]
MINIMUM = {"text": 4.5, "large": 3.0, "ui": 3.0}


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)


@pytest.mark.parametrize("pair", PAIRS, ids=[p["where"] for p in PAIRS])
def test_every_pair_the_theme_uses_meets_wcag_aa(pair):
    tokens = flatten(load_tokens(ROOT / "brand" / "tokens.json"))
    ratio = contrast_ratio(resolve(tokens, pair["fg"]), resolve(tokens, pair["bg"]))
    assert ratio >= MINIMUM[pair["kind"]], f"{pair['where']}: {ratio:.2f}:1"


def test_the_footer_copyright_pair_is_checked():
    assert any(p["fg"] == "material.md-footer-fg-color--lighter" for p in PAIRS)


def test_brand_colours_say_they_are_stand_ins():
    tokens = flatten(load_tokens(ROOT / "brand" / "tokens.json"))
    brand = {name: t for name, t in tokens.items() if name.startswith("color.brand.")}
    assert {"color.brand.dark-grey", "color.brand.light-green", "color.brand.teal"} <= set(brand)
    for name, token in brand.items():
        assert "STAND-IN" in token["$description"], name
    assert tokens["color.brand.teal"]["$value"] == "#009390"


def test_changing_a_token_changes_the_stylesheet(tmp_path):
    data = json.loads((ROOT / "brand" / "tokens.json").read_text(encoding="utf-8"))
    data["color"]["brand"]["teal"]["$value"] = "#123456"
    assert "--ipbes-color-brand-teal: #123456;" in tokens_css(data)


def test_bad_alias_names_the_file_and_line(tmp_path):
    text = (ROOT / "brand" / "tokens.json").read_text(encoding="utf-8").replace("{color.brand.dark-grey}", "{color.brand.nope}", 1)
    path = tmp_path / "tokens.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError) as error:
        load_tokens(path)
    message = str(error.value)
    assert "tokens.json:" in message and "color.brand.nope" in message and "does not exist" in message
    line = int(message.split("tokens.json:")[1].split(":")[0])
    assert "{color.brand.nope}" in text.splitlines()[line - 1]


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "tokens.json"
    path.write_text('{\n  "color": {\n    "a": {"$value": "#FFFFFF",}\n  }\n}\n', encoding="utf-8")
    with pytest.raises(BuildError) as error:
        load_tokens(path)
    assert "tokens.json:3: not valid JSON" in str(error.value)
