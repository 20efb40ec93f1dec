"""Brand rules: each fails on a bad fixture and passes on a good one; the real site is
clean; a deliberately broken copy fails with findings naming the right files."""
from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter

from scripts import ROOT
from scripts.brand import text
from scripts.brand.covers import check_cover_image
from scripts.brand.files import check_colours, check_logo_copies
from scripts.brand.logos import load_templates, render_svg
from scripts.brand.rules import load_rules
from scripts.brand.run import check_site, check_sources, logo_files, run_checks
from scripts.build import build_site
from scripts.errors import BuildError

PARTNERS = ["unep", "unesco", "fao", "undp"]
LOGOS = logo_files(ROOT)
TEMPLATES = load_templates({name: LOGOS[name] for name in PARTNERS})
THRESHOLD = float(load_rules(ROOT).options["cover-image-logo"]["threshold"])


def photo(seed: int, size=(1200, 800)) -> Image.Image:
    """A photograph-like background: blurred overlapping shapes in random colours."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, s = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(20, 300)
        draw.ellipse([x, y, x + s, y + s * rng.uniform(0.3, 1.5)], fill=tuple(rng.randrange(256) for _ in range(3)))
    return image.filter(ImageFilter.GaussianBlur(3))


def background(kind: str, seed: int) -> Image.Image:
    if kind == "flat":
        return Image.new("RGB", (1200, 800), (40 + seed * 20 % 200, 90, 160))
    if kind == "cover":
        return Image.open(sorted((ROOT / "docs/media/covers").glob("*.jpg"))[seed % 6]).convert("RGB").resize((1200, 800))
    return photo(seed)


def composite(base: Image.Image, logo: str, fraction: float, where: tuple[float, float], quality: int, grey: bool) -> Image.Image:
    mark = render_svg(LOGOS[logo].read_bytes(), int(base.width * fraction))
    x = int((base.width - mark.width) * where[0])
    y = int((base.height - mark.height) * where[1])
    base = base.copy()
    base.paste(mark, (x, y), mark)
    if grey:
        base = base.convert("L")
    buffer = io.BytesIO()
    base.convert("RGB" if not grey else "L").save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer)


CASES = [  # logo, fraction of the width, position, background, JPEG quality, greyscale
    ("unep", 0.05, (0.02, 0.03), "flat", 40, False), ("unesco", 0.08, (0.9, 0.9), "photo", 40, False),
    ("fao", 0.12, (0.5, 0.1), "cover", 60, False), ("undp", 0.2, (0.1, 0.8), "photo", 40, True),
    ("unep", 0.3, (0.7, 0.4), "cover", 40, True), ("unesco", 0.5, (0.3, 0.6), "flat", 90, False),
    ("fao", 0.45, (0.95, 0.05), "photo", 75, False), ("undp", 0.06, (0.5, 0.5), "cover", 40, False),
    ("unesco", 0.15, (0.0, 1.0), "photo", 40, True), ("fao", 0.07, (1.0, 0.0), "flat", 40, True),
    ("undp", 0.35, (0.4, 0.3), "photo", 50, False), ("unep", 0.1, (0.2, 0.95), "cover", 40, False),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{int(c[1] * 100)}pc-{c[3]}-q{c[4]}{'-grey' if c[5] else ''}" for c in CASES])
def test_a_partner_logo_in_a_cover_image_is_found(tmp_path, case):
    logo, fraction, where, kind, quality, grey = case
    image = composite(background(kind, CASES.index(case)), logo, fraction, where, quality, grey)
    path = tmp_path / "cover.jpg"
    image.save(path)
    findings = check_cover_image(path, TEMPLATES, THRESHOLD, "error", "cover.jpg")
    assert len(findings) == 1 and findings[0].rule == "cover-image-logo", f"{case}: not found"


@pytest.mark.parametrize("source", [*sorted((ROOT / "docs/media/covers").glob("*.jpg")), "photo-1", "photo-2", "photo-3", "ipbes-only", "ipbes-only-grey"],
                         ids=lambda s: s if isinstance(s, str) else s.name)
def test_no_false_alarm_on_clean_images(tmp_path, source):
    if isinstance(source, Path):
        path = source
    else:
        image = photo(int(source[-1])) if source.startswith("photo") else composite(background("cover", 2), "ipbes", 0.2, (0.1, 0.1), 40, source.endswith("grey"))
        path = tmp_path / "clean.jpg"
        image.save(path)
    assert check_cover_image(path, TEMPLATES, THRESHOLD, "error", "x") == []


@pytest.mark.parametrize("line,flagged", [
    ("The Ipbes secretariat.", "Ipbes"), ("Ask I.P.B.E.S. for it.", "I.P.B.E.S"), ("An I-PBES project.", "I-PBES"),
    ("ipbes said so.", "ipbes"), ("生物多样性平台（Ipbes）。", "Ipbes"), ("Доклад I.P.B.E.S.", "I.P.B.E.S"),
    ("IPBES is an independent body.", None), ("Say “ip-bes”: ip as in hip.", None), ("See `ipbes-site check`.", None),
    ("Visit https://ipbes.example.org/x today.", None), ("Download ipbes-factsheet-africa-en.pdf now.", None),
    ("[the page](ipbes-thing.md)", None), ("Write to press@ipbes.example.org.", None),
])
def test_acronym_form(tmp_path, line, flagged):
    page = tmp_path / "page.md"
    body = f"---\ndescription: fine\n---\n\n# Title\n\n{line}\n"
    findings = text.check_acronym_form(page, body, tmp_path, ["ip-bes"], "error")
    if flagged:
        assert [(f.line, f.message) for f in findings] == [(7, f"the acronym is written '{flagged}'; write IPBES")]
    else:
        assert findings == []


def test_acronym_in_code_blocks_and_embed_options_is_not_prose(tmp_path):
    body = "# T\n\n```sh\nipbes-site build\n```\n\n/// video | Title\n    id: ipbes/x\n///\n"
    assert text.check_acronym_form(tmp_path / "p.md", body, tmp_path, [], "error") == []


@pytest.mark.parametrize("lang,line,name", [
    ("en", "Join the Friends of IPBES Alliance today.", "Friends of IPBES Alliance"),
    ("en", "The IPBES Youth Network meets in May.", "IPBES Youth Network"),
    ("fr", "Le Réseau des jeunes de l'IPBES se réunit.", "Réseau des jeunes de l'IPBES"),
    ("es", "La Red de Amigos de IPBES publica.", "Red de Amigos de IPBES"),
    ("zh", "IPBES青年网络发布了报告。", "IPBES青年网络"),
    ("en", "The IPBES Bureau agreed.", None), ("en", "The IPBES stakeholder network grows.", None),
    ("en", "The IPBES Stakeholder Network grows.", None), ("fr", "Le réseau de parties prenantes de l'IPBES.", None),
])
def test_names_that_use_the_acronym_need_approval(tmp_path, lang, line, name):
    settings = load_rules(ROOT)
    page = tmp_path / "page.md"
    findings = text.check_acronym_approval(page, f"# T\n\n{line}\n", lang, tmp_path, settings.options["acronym-approval"], [], "error")
    if name:
        assert len(findings) == 1 and findings[0].line == 3 and f"'{name}'" in findings[0].message
        assert "brand/approvals.yml" in findings[0].message
        approved = [{"name": name, "who": "x", "approved": "2027-01-01"}]
        assert text.check_acronym_approval(page, f"# T\n\n{line}\n", lang, tmp_path, settings.options["acronym-approval"], approved, "error") == []
    else:
        assert findings == []


def test_colour_literals_outside_the_tokens(tmp_path):
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "x.css").write_text(".a { color: var(--ipbes-color-brand-teal-deep); }\n.b { color: #fff; }\n"
                                                  ".c { background: rgba(0, 0, 0, .5); }\n.d { border: 1px solid teal; }\n", encoding="utf-8")
    (tmp_path / "overrides" / "x.html").write_text('<a href="#top" id="x">&#8594;</a>\n<p style="color: red">x</p>\n', encoding="utf-8")
    findings = check_colours(tmp_path, ["overrides/**/*.css", "overrides/**/*.html"], "error")
    assert sorted((f.file, f.line) for f in findings) == [("overrides/x.css", 2), ("overrides/x.css", 3), ("overrides/x.css", 4), ("overrides/x.html", 2)]


def test_the_project_uses_colours_only_through_tokens():
    settings = load_rules(ROOT)
    assert check_colours(ROOT, settings.options["colour-tokens"]["scan"], "error") == []


def test_modified_logo_copies_are_found(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "unep.svg").write_bytes(LOGOS["unep"].read_bytes())
    recoloured = LOGOS["unesco"].read_text(encoding="utf-8").replace("#1D2320", "#AA3300").replace("#FFFFFF", "#FFEECC")
    (docs / "partner.svg").write_text(recoloured, encoding="utf-8")
    stretched = render_svg(LOGOS["ipbes"].read_bytes(), 300).resize((420, 250))
    stretched.save(docs / "badge.png")
    photo(4).save(docs / "landscape.jpg")
    findings = check_logo_copies(tmp_path, LOGOS, "error", 0.8, [docs])
    assert sorted((f.file, f.message.split(" logo")[0]) for f in findings) == [
        ("docs/badge.png", "a modified copy of the IPBES"), ("docs/partner.svg", "a modified copy of the UNESCO")]


def test_the_real_sources_and_site_check_clean(site):
    assert [f.text() for f in run_checks(ROOT, site)] == []


def _broken_site(project: Path) -> list[str]:
    """A partner logo pasted on a cover image; the back cover statement removed in French."""
    cover = project / "docs/media/covers/africa.jpg"
    composite(Image.open(cover).convert("RGB"), "unesco", 0.2, (0.8, 0.2), 85, False).save(cover)
    from babel.messages.pofile import write_po
    from scripts.i18n import catalog_path, read_catalog
    from scripts.publications import STATEMENT
    po = catalog_path(project / "locales", "fr")
    catalog = read_catalog(po, "fr")
    catalog[STATEMENT].string = ""
    with open(po, "wb") as handle:
        write_po(handle, catalog, width=100)
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", languages=["en", "fr"], report=lambda *_: None)
    return [str(p) for p in error.value.problems]


def test_a_broken_copy_fails_with_findings_naming_the_right_files(project):
    problems = _broken_site(project)
    joined = "\n".join(problems)
    assert "docs/media/covers/africa.jpg: cover-image-logo: contains a partner logo (most like UNESCO" in joined
    for lang in ("en", "fr"):
        assert f"docs/{lang}/factsheets/africa.md:4: front-cover-logo: the PDF's front cover shows covers/africa.jpg, which contains a partner logo" in joined
    for key in ("africa", "global"):
        assert f"site/fr/factsheets/{key}/index.html: back-cover-partners: the institutional statement is not translated into 'fr'" in joined
        assert f"docs/fr/factsheets/{key}.md:4: back-cover-partners: the institutional statement is not translated into 'fr'" in joined
    assert "site/en/factsheets/global" not in joined, "English is not broken"
    assert not (project / "site").exists(), "nothing was published"


def test_web_covers_with_a_partner_logo_in_front_or_one_missing_at_the_back(project):
    template = project / "overrides/factsheet.html"
    page = template.read_text(encoding="utf-8")
    page = page.replace('<p class="ipbes-cover__kind">', "<img src=\"{{ 'assets/ipbes/logos/fao.svg' | url }}\" alt=\"\">\n      <p class=\"ipbes-cover__kind\">", 1)
    template.write_text(page, encoding="utf-8")
    partners = project / "data/partners.yml"
    partners.write_text(partners.read_text(encoding="utf-8").split("  undp:")[0], encoding="utf-8")
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", languages=["ru"], report=lambda *_: None)
    joined = "\n".join(str(p) for p in error.value.problems)
    assert "site/ru/factsheets/africa/index.html: front-cover-logo: the FAO logo is on the front cover" in joined
    assert "site/ru/factsheets/africa/index.html: back-cover-partners: the back cover lacks the logo of UNDP" in joined
    assert "docs/ru/factsheets/africa.md:4: back-cover-partners: the PDF's back cover lacks the logo of UNDP" in joined


def _cli(project: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.cli", "check", *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_cli_formats_and_exit_codes(project):
    assert _cli(project, "--sources-only").returncode == 0
    (project / "docs/en/about.md").write_text((project / "docs/en/about.md").read_text(encoding="utf-8") + "\nThe Ipbes way.\n", encoding="utf-8")
    cover = project / "docs/media/covers/global.jpg"
    composite(Image.open(cover).convert("RGB"), "fao", 0.25, (0.1, 0.7), 80, False).save(cover)
    line = len((project / "docs/en/about.md").read_text(encoding="utf-8").splitlines())
    result = _cli(project, "--sources-only")
    assert result.returncode == 1
    assert f"docs/en/about.md:{line}: acronym-form: the acronym is written 'Ipbes'; write IPBES\n" in result.stdout
    assert "docs/media/covers/global.jpg: cover-image-logo: contains a partner logo" in result.stdout
    report = json.loads(_cli(project, "--sources-only", "--format", "json").stdout)
    assert {"rule", "severity", "file", "line", "message"} == set(report["findings"][0])
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert by_rule["acronym-form"]["file"] == "docs/en/about.md" and by_rule["acronym-form"]["line"] == line
    assert by_rule["cover-image-logo"]["line"] is None and by_rule["cover-image-logo"]["file"] == "docs/media/covers/global.jpg"
    github = _cli(project, "--sources-only", "--format", "github").stdout
    assert f"::error file=docs/en/about.md,line={line},title=acronym-form::the acronym is written 'Ipbes'; write IPBES" in github
    (project / "brand/rules.yml").write_text("rules: [oops\n", encoding="utf-8")
    broken = _cli(project)
    assert broken.returncode == 2 and "brand/rules.yml:2: not valid YAML" in broken.stderr
    assert _cli(project, "--site", "no-such-dir").returncode == 2


def test_warnings_print_but_do_not_fail(project):
    rules = project / "brand/rules.yml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("acronym-form:            # the acronym is written IPBES\n    severity: error",
                                                                "acronym-form:            # the acronym is written IPBES\n    severity: warning"), encoding="utf-8")
    (project / "docs/en/about.md").write_text((project / "docs/en/about.md").read_text(encoding="utf-8") + "\nThe Ipbes way.\n", encoding="utf-8")
    result = _cli(project, "--sources-only")
    assert result.returncode == 0 and "acronym-form" in result.stdout and "0 error(s), 1 warning(s)" in result.stderr


@pytest.mark.parametrize("lang", ["en", "fr", "es", "zh", "ar", "ru"])
def test_the_rules_page_explains_every_rule_in_the_page_language(site, lang):
    from scripts.brand.rules import HOW_TO_FIX, TEXTS
    from scripts.i18n import gettext
    page = (site / lang / "brand-rules" / "index.html").read_text(encoding="utf-8")
    locales = ROOT / "locales"
    for rule_id, texts in TEXTS.items():
        assert f"<code>{rule_id}</code>" in page
        for message in (texts.title, texts.fix):
            translated = gettext(locales, lang, message)
            assert lang == "en" or translated != message, f"{lang}: {message!r} is not translated"
            assert translated.replace("'", "&#39;") in page or translated in page, f"{lang}: {translated!r}"
    assert gettext(locales, lang, HOW_TO_FIX) in page


def test_a_modified_logo_in_the_built_site_is_found(tmp_path, site):
    import shutil
    copy = tmp_path / "site"
    shutil.copytree(site / "es", copy / "es")
    shutil.copytree(site / "assets", copy / "assets")  # the theme files every language shares, names hashed
    logo = next((copy / "assets" / "ipbes" / "logos").glob("fao.*.svg"))
    logo.write_text(logo.read_text(encoding="utf-8").replace("#1D2320", "#0000FF"), encoding="utf-8")
    from scripts.brand.files import check_site_logo_files
    findings = check_site_logo_files(copy, ROOT, LOGOS, "error", lambda p: p.relative_to(tmp_path).as_posix())
    assert [(f.file, f.message) for f in findings] == [(f"site/assets/ipbes/logos/{logo.name}", "differs from brand/logos/fao.svg; logos are published unmodified")]
