"""Links and anchors are checked on the staged trees before the engine, each problem once,
at the line of the source an editor fixes (scripts/links.py). Small staged trees, no build."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import yaml

from scripts import ROOT
from scripts.links import MAX_BRACKET_WORK, MAX_INLINE_WORK, bracket_work, check_links, inline_work
from scripts.limits import MAX_FINDINGS_PER_RULE, MAX_NESTING

LANGUAGES = ("en", "fr", "es", "zh", "ar", "ru")


def stage_tree(tmp: Path, lang: str, pages: dict[str, tuple[Path, bool]], files: dict[str, bytes] = None) -> Path:
    """A staged tree as stage.py writes it: docs/ with each page's body under a front matter,
    mkdocs.yml with the project's Markdown extensions, manifest.json naming each page's source."""
    out = tmp / "stage" / lang
    extensions = []
    for entry in yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["markdown_extensions"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name == "scripts.embeds.blocks":
            entry = {name: {"lang": lang, "root": os.path.relpath(ROOT, out)}}
        extensions.append(entry)
    (out / "docs").mkdir(parents=True)
    (out / "mkdocs.yml").write_text(yaml.safe_dump({"markdown_extensions": extensions}), encoding="utf-8")
    manifest = {"lang": lang, "pages": {}}
    for rel, (source, fallback) in pages.items():
        text = source.read_text(encoding="utf-8")
        body = text.split("---\n", 2)[2] if text.startswith("---\n") else text
        target = out / "docs" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\nipbes: {lang: " + lang + "}\ntitle: staged\n---\n" + body, encoding="utf-8")
        manifest["pages"][rel] = {"source": str(source), "fallback": fallback}
    for rel, data in (files or {}).items():
        (out / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / "docs" / rel).write_bytes(data)
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


def source(tmp: Path, lang: str, rel: str, body: str, front: str = "title: A page\n") -> Path:
    path = tmp / "docs" / lang / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_a_broken_page_link_names_the_source_line_and_the_fix(tmp_path):
    about = source(tmp_path, "fr", "about.md", "# À propos\n\nVoir [les partenaires](partenaires.md).\n")
    partners = source(tmp_path, "fr", "partners.md", "# Partenaires\n")
    stage = stage_tree(tmp_path, "fr", {"about.md": (about, False), "partners.md": (partners, False)})
    problems = check_links({"fr": stage})
    assert messages(problems) == [f"{about}:{line_of(about, 'partenaires.md')}: link to 'partenaires.md', a page that does not exist "
                                  "(did you mean 'partners.md'?); fix the path or create the page"]


def test_a_broken_anchor_lists_the_headings_there(tmp_path):
    about = source(tmp_path, "en", "about.md", "# About\n\n## Who we are\n\nSee [below](#whoweare) and [there](partners.md#members).\n")
    partners = source(tmp_path, "en", "partners.md", "# Partners\n\n## Our partners\n\n## Join us {#join}\n")
    stage = stage_tree(tmp_path, "en", {"about.md": (about, False), "partners.md": (partners, False)})
    found = messages(check_links({"en": stage}))
    line = line_of(about, "#whoweare")
    assert f"{about}:{line}: anchor '#members' not found in 'partners.md'; link one of the headings' ids there: partners, our-partners, join" in found[0]
    assert f"{about}:{line}: anchor '#whoweare' not found on this page; link one of the headings' ids there: about, who-we-are" in found[1]
    assert len(found) == 2


def test_unicode_heading_ids_attr_list_and_html_ids_are_anchors(tmp_path):
    zh = source(tmp_path, "zh", "about.md", "# 关于\n\n## 关键信息\n\n[跳转](#关键信息) [编码](#%E5%85%B3%E9%94%AE%E4%BF%A1%E6%81%AF)"
                                          " [属性](#自定义) [HTML](#box)\n\n## 其他 {#自定义}\n\n<div id=\"box\">x</div>\n")
    ar = source(tmp_path, "ar", "about.md", "# حول\n\n## الرسائل الرئيسية\n\n[انتقل](#الرسائل-الرئيسية) [صفحة](about.md#الرسائل-الرئيسية)\n")
    ru = source(tmp_path, "ru", "about.md", "# О нас\n\n## Ключевые выводы\n\n[к выводам](#ключевые-выводы) [нет](#kliuchevye-vyvody)\n")
    stages = {lang: stage_tree(tmp_path, lang, {"about.md": (path, False)}) for lang, path in (("zh", zh), ("ar", ar), ("ru", ru))}
    found = messages(check_links(stages))
    assert len(found) == 1 and "anchor '#kliuchevye-vyvody' not found on this page" in found[0] and "ключевые-выводы" in found[0], found


def test_links_in_code_are_not_links(tmp_path):
    page = source(tmp_path, "en", "guide.md", "# Guide\n\nWrite `[text](missing.md)` for a link.\n\n```markdown\n[text](gone.md)\n[x](#nowhere)\n```\n\n"
                                              "    [indented](absent.md)\n\nAnd [a real one](nope.md).\n")
    stage = stage_tree(tmp_path, "en", {"guide.md": (page, False)})
    found = messages(check_links({"en": stage}))
    assert found == [f"{page}:{line_of(page, 'a real one')}: link to 'nope.md', a page that does not exist; fix the path or create the page"]


def test_a_broken_link_of_an_english_page_shown_in_six_languages_is_reported_once(tmp_path):
    english = source(tmp_path, "en", "benchmark.md", "# Benchmark\n\n## Method\n\n[gone](no-such-page.md) [method](#method)\n")
    stages = {lang: stage_tree(tmp_path, lang, {"benchmark.md": (english, lang != "en")}) for lang in LANGUAGES}
    found = messages(check_links(stages))
    assert found == [f"{english}:{line_of(english, 'no-such-page.md')}: link to 'no-such-page.md', a page that does not exist; "
                     "fix the path or create the page"]


def test_a_link_broken_only_where_the_target_is_translated_names_those_languages(tmp_path):
    english = source(tmp_path, "en", "news.md", "# News\n\nRead [the key messages](about.md#key-messages).\n")
    about_en = source(tmp_path, "en", "about.md", "# About\n\n## Key messages\n")
    about_fr = source(tmp_path, "fr", "about.md", "# À propos\n\n## Messages clés\n")
    stages = {"en": stage_tree(tmp_path, "en", {"news.md": (english, False), "about.md": (about_en, False)}),
              "fr": stage_tree(tmp_path, "fr", {"news.md": (english, True), "about.md": (about_fr, False)}),
              "es": stage_tree(tmp_path, "es", {"news.md": (english, True), "about.md": (about_en, True)})}
    found = messages(check_links(stages))
    assert found == [f"{english}:6: anchor '#key-messages' not found in 'about.md' in the fr site; "
                     "link one of the headings' ids there: à-propos, messages-clés; or give the element an id ({#key-messages} after a heading)"]


def test_links_that_leave_the_language_tree_and_web_addresses(tmp_path):
    page = source(tmp_path, "en", "news/posts/launch.md",
                  "# Launch\n\n[out](../../../outside.md) [up](../../about.md) [site](about/) [dir](../)"
                  " [web](https://ipbes.net/x.md) [mail](mailto:a@b.org) [top](#)\n")
    about = source(tmp_path, "en", "about.md", "# About\n")
    index = source(tmp_path, "en", "news/index.md", "# News\n")
    stage = stage_tree(tmp_path, "en", {"news/posts/launch.md": (page, False), "about.md": (about, False), "news/index.md": (index, False)})
    found = messages(check_links({"en": stage}))
    assert sorted(found) == sorted([
        f"{page}:6: link '../../../outside.md' leads outside this language's pages; link a page or file inside docs/<lang>/, or a shared file as '/media/...'",
        f"{page}:6: link '../' is neither a page nor a file; link the page's Markdown file ('../index.md'), as the site's links are made from files",
        f"{page}:6: link 'about/' is neither a page nor a file; link the page's Markdown file, as the site's links are made from files",
    ]), found


def test_images_and_files_docs_rooted_and_relative(tmp_path):
    page = source(tmp_path, "es", "about.md", "# Acerca\n\n![Mapa](/media/covers/map.jpg)\n\n![Otro](/media/covers/no-such-map.jpg)\n\n"
                                              "[PDF](media/report.pdf#page=2) [ics](assessments/x/launch.ics)\n")
    stage = stage_tree(tmp_path, "es", {"about.md": (page, False)},
                       {"media/covers/map.jpg": b"jpg", "media/report.pdf": b"pdf", "assessments/x/launch.ics": b"ics"})
    found = messages(check_links({"es": stage}))
    assert found == [f"{page}:{line_of(page, 'no-such-map')}: link to '/media/covers/no-such-map.jpg', a file that does not exist "
                     "(did you mean '/media/covers/map.jpg'?); fix the path or add the file"], found


def test_reference_links_are_reported_at_their_definition(tmp_path):
    page = source(tmp_path, "en", "about.md", "# About\n\nSee [the report][r] and [again][r].\n\n[r]: reports/ipbes.md\n")
    stage = stage_tree(tmp_path, "en", {"about.md": (page, False)})
    assert messages(check_links({"en": stage})) == [
        f"{page}:8: link to 'reports/ipbes.md', a page that does not exist; fix the path or create the page"]


@pytest.mark.parametrize("body", [
    "[" * 200_000,
    "[" * 50_000 + "x" + "]" * 50_000 + "(a.md)",
    "[a](" * 50_000,
    "[a](<" * 50_000,
    ("[" * 100 + "\n") * 2_000,
])
def test_open_or_nested_brackets_are_refused_in_linear_time(tmp_path, body):
    page = source(tmp_path, "en", "hostile.md", "# Hostile\n\n" + body + "\n")
    stage = stage_tree(tmp_path, "en", {"hostile.md": (page, False)})
    started = time.perf_counter()
    found = messages(check_links({"en": stage}))
    assert time.perf_counter() - started < 5
    assert len(found) == 1 and found[0].startswith(f"{page}:6: cannot check the links of this page: brackets '[' or '(' from this line on")
    assert f"over the limit of {MAX_BRACKET_WORK:,}" in found[0]


def test_the_bracket_limit_counts_the_work_python_markdown_would_do():
    assert bracket_work("[a](b.md) " * 10_000)[0] < 100_000, "closed links cost little"
    under = "[" * 1_400 + "\n"  # 1,400 open brackets: about 1,400²/2 scanned characters
    assert bracket_work(under)[0] < MAX_BRACKET_WORK < bracket_work(under * 2)[0]
    assert bracket_work("\\[" * 100_000)[0] == 0, "escaped brackets are text"
    assert bracket_work("```\n" + "[" * 100_000 + "\n```\n")[0] == 0, "code is not read for links"


def test_the_inline_limit_counts_marks_times_their_paragraph():
    paragraph = "[a](b.md) " * 1_000
    assert inline_work(paragraph)[0] == 1_000 * len(paragraph)
    assert inline_work((paragraph + "\n\n") * 100)[0] == 100 * 1_000 * len(paragraph), "paragraphs are read one by one"
    assert inline_work("[a](b.md) " * 15_000)[0] < MAX_INLINE_WORK < inline_work("[a](b.md) " * 30_000)[0]


def test_deep_nesting_and_many_broken_links_are_problems_not_tracebacks(tmp_path):
    nested = source(tmp_path, "en", "nested.md", "# Nested\n\n" + "".join("    " * i + "- a\n" for i in range(300)))
    many = source(tmp_path, "en", "many.md", "# Many\n\n" + "".join(f"[x](missing-{i}.md)\n\n" for i in range(5_000)))
    emphasis = source(tmp_path, "en", "emphasis.md", "*" * 5_000 + "a" + "*" * 5_000 + "\n")
    long = source(tmp_path, "en", "long.md", "# Long\n\n" + "[fine](#long) " * 10_000 + "\n")
    huge = source(tmp_path, "en", "huge.md", "# Huge\n\n" + "[fine](#huge) " * 60_000 + "\n")
    stage = stage_tree(tmp_path, "en", {"nested.md": (nested, False), "many.md": (many, False), "huge.md": (huge, False),
                                        "emphasis.md": (emphasis, False), "long.md": (long, False)})
    started = time.perf_counter()
    found = messages(check_links({"en": stage}))
    assert time.perf_counter() - started < 20
    depth = 4 * (MAX_NESTING + 1)
    assert f"{nested}:{line_of(nested, ' ' * depth + '- a')}: cannot check the links of this page: lists or quotes are nested more than {MAX_NESTING} deep here" in "\n".join(found)
    assert f"{emphasis}:4: cannot check the links of this page: lists, quotes or emphasis are nested too deeply to read; nest them less" in found
    assert sum(1 for m in found if m.startswith(f"{many}:") and "missing-" in m) == MAX_FINDINGS_PER_RULE
    assert f"{many}: … and {5_000 - MAX_FINDINGS_PER_RULE:,} more of the same in this file" in found
    assert f"{huge}:6: cannot check the links of this page: the paragraph from this line on has so many links" in "\n".join(found)
    assert not any(str(long) in m for m in found), "10,000 links in one paragraph are read"


def test_what_pages_hold_is_kept_for_the_next_build_and_gives_the_same_problems(tmp_path, monkeypatch):
    import scripts.links as links
    about = source(tmp_path, "en", "about.md", "# About\n\n## Who we are\n\n[gone](nope.md) [here](#who-we-are) [no](#nowhere)\n")
    stage = stage_tree(tmp_path, "en", {"about.md": (about, False)})
    store = tmp_path / "cache" / "links.json"
    first = messages(check_links({"en": stage}, store))
    assert len(first) == 2 and store.is_file()
    links._KEPT.clear()  # a new process: only the stored file is left

    def no_parse(*args, **kwargs):
        raise AssertionError("a body the last build read was parsed again")

    monkeypatch.setattr(links, "_parse", no_parse)
    assert messages(check_links({"en": stage}, store)) == first
    monkeypatch.undo()
    links._KEPT.clear()
    store.write_text("[not, a, mapping", encoding="utf-8")  # a damaged store: read again, never a failure
    assert messages(check_links({"en": stage}, store)) == first


def _engine_run(stage: Path, rel: str) -> None:
    """What the engine does with a staged page, as far as Python-Markdown goes: the staged
    extensions with SeenLinks last, run in the staged folder on the text after the front matter."""
    from markdown import Markdown
    import scripts.links as links
    config = yaml.safe_load((stage / "mkdocs.yml").read_text(encoding="utf-8"))
    names, options = list(links.ENGINE_BUILTINS), {}
    for entry in config["markdown_extensions"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        names.append(name)
        if isinstance(entry, dict):
            options[name] = dict(entry[name])
    names.append(links.SEEN_EXTENSION)
    options[links.SEEN_EXTENSION] = {"store": str(stage / links.SEEN_FOLDER)}
    options["scripts.embeds.blocks"]["root"] = str((stage / options["scripts.embeds.blocks"]["root"]).resolve())
    Markdown(extensions=names, extension_configs=options).convert(links._seen_source((stage / "docs" / rel).read_text(encoding="utf-8")))


def test_links_are_taken_from_the_engines_own_parse_of_the_same_text(tmp_path, monkeypatch):
    """After the engine has run, each page's links and ids come from the record its own
    Python-Markdown run wrote (no second parse), with the same problems; a page edited since,
    or a damaged record, is parsed as before."""
    import scripts.links as links
    about = source(tmp_path, "en", "about.md", "# About\n\n## Who we are {#who}\n\n<p id=\"raw\">x</p>\n\n"
                                             "[gone](nope.md) [here](#who) [raw](#raw) [no](#nowhere) [team](team.md#lead)\n")
    team = source(tmp_path, "en", "team.md", "# Team\n\n## Lead\n\n`[code](not-a-link.md)`\n")
    stage = stage_tree(tmp_path, "en", {"about.md": (about, False), "team.md": (team, False)})
    parsed = messages(check_links({"en": stage}))
    assert len(parsed) == 2, parsed
    for rel in ("about.md", "team.md"):
        _engine_run(stage, rel)
    assert len(list((stage / links.SEEN_FOLDER).glob("*.json"))) == 2
    links._KEPT.clear()

    def no_parse(*args, **kwargs):
        raise AssertionError("a page the engine read was parsed again")

    monkeypatch.setattr(links, "_parse", no_parse)
    assert messages(check_links({"en": stage}, seen=True)) == parsed
    staged = stage / "docs" / "about.md"
    staged.write_text(staged.read_text(encoding="utf-8") + "\n[also gone](nope2.md)\n", encoding="utf-8")
    links._KEPT.clear()
    with pytest.raises(AssertionError, match="parsed again"):
        check_links({"en": stage}, seen=True)
    monkeypatch.undo()
    for record in (stage / links.SEEN_FOLDER).glob("*.json"):
        record.write_text('{"links": [1, 2]}', encoding="utf-8")
    links._KEPT.clear()
    assert len(check_links({"en": stage}, seen=True)) == 3


def test_the_build_checks_links_from_the_engines_records(tmp_path, monkeypatch):
    """A real build: the staged configuration lists SeenLinks last, and the engine leaves one
    record per page it converted, keyed by the text it read. (The engine's output cache is
    bypassed: a cached output comes with no engine run, hence no records, and the link
    check then uses its own store or parses.)"""
    import uuid
    import scripts.engine as engine
    import scripts.links as links
    from scripts.build import build_site
    monkeypatch.setattr(engine, "tree_key", lambda stage: uuid.uuid4().hex)
    from tests.conftest import copy_project
    project = copy_project(tmp_path / "project")
    page = project / "docs/fr/about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[vers l'accueil](index.md)\n", encoding="utf-8")
    build_site(project, project / "site", languages=["fr"], report=lambda *_: None)
    stage = project / ".build/stage/fr"
    config = yaml.safe_load((stage / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["markdown_extensions"][-1] == {links.SEEN_EXTENSION: {"store": links.SEEN_FOLDER}}
    key = links.engine_key(links._seen_source((stage / "docs/about.md").read_text(encoding="utf-8")))
    record = json.loads((stage / links.SEEN_FOLDER / f"{key}.json").read_text(encoding="utf-8"))
    assert "index.md" in record["links"] and record["headings"]


def test_an_engine_run_outside_a_staged_tree_writes_no_record(tmp_path, monkeypatch):
    """`mkdocs build -f .build/stage/fr/mkdocs.yml` run from the project root must not leave a
    records folder there: the extension writes only beside a staged tree's manifest."""
    from markdown import Markdown
    import scripts.links as links
    monkeypatch.chdir(tmp_path)
    Markdown(extensions=[links.SEEN_EXTENSION], extension_configs={links.SEEN_EXTENSION: {"store": links.SEEN_FOLDER}}
             ).convert("# Title\n\n[a](b.md)\n")
    assert not (tmp_path / links.SEEN_FOLDER).exists()
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    Markdown(extensions=[links.SEEN_EXTENSION], extension_configs={links.SEEN_EXTENSION: {"store": links.SEEN_FOLDER}}
             ).convert("# Title\n\n[a](b.md)\n")
    assert [json.loads(p.read_text(encoding="utf-8"))["links"] for p in (tmp_path / links.SEEN_FOLDER).glob("*.json")] == [["b.md"]]
