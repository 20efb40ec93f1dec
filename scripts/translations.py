"""Translation status for regional volunteers: which page is up to date, outdated, missing,
a draft or a machine translation, in every language, and by how much it lags.

A translated page records what it was translated from, as MDN's `sourceCommit` does:

    translation:
      source_commit: 1b05536…   # the English file's commit the translation matches
      source_hash: 3fa2…        # the English text's hash, white space ignored
      status: draft             # draft, machine or reviewed
      translators: [handle]

Git tells how far the English page moved since (commits, lines changed, white-space-only
edits ignored). In a shallow clone the recorded commit may be missing: the content hash
still tells whether the English text changed, and the report says the history is missing.
"""
from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from .content import FRONT_MATTER, read_front_matter
from .errors import BuildError, Problem
from .i18n import N_
from .languages import UN_LANGUAGES

STATUSES = ("draft", "machine", "reviewed")
STATES = ("up-to-date", "outdated", "missing", "draft", "machine")


@dataclass
class PageState:
    page: str
    lang: str
    state: str
    status: str | None = None
    translators: list = field(default_factory=list)
    commits_behind: int | None = None
    lines_changed: int | None = None
    source_commit: str | None = None
    history: str = "git"          # git, content-hash (history missing), none (no provenance)
    note: str = ""


def content_hash(text: str) -> str:
    """The English text's fingerprint with white space ignored, so reflowing a paragraph
    does not make translations outdated."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def in_git(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-inside-work-tree").stdout.strip() == "true"


def last_commit(root: Path, path: Path) -> str | None:
    if not in_git(root):
        return None
    found = _git(root, "log", "-1", "--format=%H", "--", str(Path(path).relative_to(root))).stdout.strip()
    return found or None


def commit_known(root: Path, commit: str) -> bool:
    return _git(root, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0


def english_changes(root: Path, source: Path, commit: str) -> tuple[int, int]:
    """(commits touching the English file since `commit`, lines changed ignoring white space),
    the working tree included, so an edit not yet committed counts too."""
    rel = str(Path(source).relative_to(root))
    commits = _git(root, "rev-list", "--count", f"{commit}..HEAD", "--", rel).stdout.strip()
    numstat = _git(root, "diff", "-w", "--ignore-blank-lines", "--numstat", commit, "--", rel).stdout
    lines = 0
    for row in numstat.splitlines():
        added, removed, _ = row.split("\t", 2)
        lines += int(added) + int(removed) if added.isdigit() and removed.isdigit() else 0
    return int(commits or 0), lines


def provenance(meta: dict) -> dict | None:
    value = meta.get("translation")
    return value if isinstance(value, dict) else None


def check_provenance(path: Path, meta: dict, line: int) -> list[Problem]:
    record = meta.get("translation")
    if record is None:
        return []
    if not isinstance(record, dict):
        return [Problem(path, line, "'translation' must be a mapping: source_commit, source_hash, status, translators")]
    problems = []
    if record.get("status") not in STATUSES:
        problems.append(Problem(path, line, f"translation status {record.get('status')!r} is not one of {', '.join(STATUSES)}"))
    if not isinstance(record.get("translators", []), list):
        problems.append(Problem(path, line, "translation 'translators' must be a list of names or handles"))
    if not record.get("source_commit") and not record.get("source_hash"):
        problems.append(Problem(path, line, "a translation records 'source_commit' or 'source_hash'; run `ipbes-site translations done <lang> <page>`"))
    return problems


def source_pages(root: Path, source_language: str = "en") -> list[str]:
    base = Path(root) / "docs" / source_language
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.md"))


def page_state(root: Path, lang: str, page: str, source_language: str = "en", use_git: bool | None = None) -> PageState:
    root = Path(root)
    source = root / "docs" / source_language / page
    target = root / "docs" / lang / page
    if not target.is_file():
        return PageState(page, lang, "missing")
    meta, _ = read_front_matter(target)
    record = provenance(meta) or {}
    status = record.get("status")
    state = PageState(page, lang, "up-to-date", status, list(record.get("translators") or []),
                      source_commit=record.get("source_commit"))
    if not record:
        state.state, state.history = "draft", "none"
        state.note = "no translation record: counted as a draft; run `ipbes-site translations done` once it matches the English"
        return state
    use_git = in_git(root) if use_git is None else use_git
    commit = record.get("source_commit")
    outdated = False
    if use_git and commit and commit_known(root, commit):
        state.commits_behind, state.lines_changed = english_changes(root, source, commit)
        then = _git(root, "show", f"{commit}:{source.relative_to(root).as_posix()}").stdout
        outdated = content_hash(then) != content_hash(source.read_text(encoding="utf-8"))
        if not outdated:
            state.lines_changed = 0
    elif record.get("source_hash"):
        state.history = "content-hash"
        outdated = content_hash(source.read_text(encoding="utf-8")) != record["source_hash"]
        state.note = ("the recorded commit is not in this clone's history (a shallow clone?); compared by content hash: "
                      "run `git fetch --unshallow` for commits and lines")
    else:
        state.history = "none"
        state.note = "cannot tell: the recorded commit is not in this clone's history and no content hash is recorded"
    if outdated:
        state.state = "outdated"
    elif status in ("draft", "machine"):
        state.state = status
    return state


def all_states(root: Path, languages: list[str], source_language: str = "en") -> list[PageState]:
    use_git = in_git(root)
    return [page_state(root, lang, page, source_language, use_git)
            for page in source_pages(root, source_language) for lang in languages if lang != source_language]


def totals(states: list[PageState]) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for s in states:
        result.setdefault(s.lang, {k: 0 for k in STATES})[s.state] += 1
    return result


def as_json(states: list[PageState], catalogs: dict | None = None) -> dict:
    report = {"pages": [asdict(s) for s in states], "totals": totals(states)}
    if catalogs is not None:
        report["catalogs"] = catalogs
    return report


def _set_record(text: str, record: dict) -> str:
    """The page with its `translation:` block replaced (or added) in the front matter."""
    block = yaml.safe_dump({"translation": record}, allow_unicode=True, sort_keys=False).rstrip("\n")
    match = FRONT_MATTER.match(text)
    if not match:
        return f"---\n{block}\n---\n\n{text}"
    lines = (match.group(1) or "").splitlines()
    kept, skipping = [], False
    for line in lines:
        if re.match(r"translation\s*:", line):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        kept.append(line)
    return "---\n" + "\n".join(kept + [block]) + "\n---\n" + text[match.end():]


TRANSLATABLE_KEYS = ("title", "description", "hero", "key_figures")


def start(root: Path, lang: str, page: str, translators: list[str] | None = None, source_language: str = "en") -> Path:
    """A new translation: the English page, with its provenance, to translate in place. Front
    matter that is language specific is not copied blindly: blog categories become the
    language's own names (mkdocs.yml lists them in the same order), and the keys whose text
    needs translating are listed in the record (`translate:`) until `done` is run."""
    from .site_config import load_shared_config
    from .stage import map_categories
    root = Path(root)
    source, target = root / "docs" / source_language / page, root / "docs" / lang / page
    if lang not in UN_LANGUAGES or lang == source_language:
        raise BuildError([Problem(Path("docs") / lang, None, f"'{lang}' is not a language to translate into; use one of: "
                                                               f"{', '.join(l for l in UN_LANGUAGES if l != source_language)}")])
    if not source.is_file():
        raise BuildError([Problem(source, None, f"no English page '{page}'; give a path under docs/{source_language}/, like about.md")])
    if target.exists():
        raise BuildError([Problem(target, None, "this translation exists already; edit it, then run `ipbes-site translations done`")])
    text = source.read_text(encoding="utf-8-sig")
    meta, problems = read_front_matter(source)
    if problems:
        raise BuildError(problems)
    record = {"source_commit": last_commit(root, source), "source_hash": content_hash(text), "status": "draft",
              "translators": list(translators or [])}
    todo = [key for key in TRANSLATABLE_KEYS if key in meta]
    if todo:
        record["translate"] = todo
    match = FRONT_MATTER.match(text)
    body = text[match.end():] if match else text
    if isinstance(meta.get("categories"), list):
        meta["categories"] = map_categories(load_shared_config(root / "mkdocs.yml"), meta["categories"], source_language, lang)
    meta.pop("translation", None)
    meta["translation"] = record
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---\n" + body,
                      encoding="utf-8")
    return target


def done(root: Path, lang: str, page: str, status: str | None = None, translators: list[str] | None = None,
         source_language: str = "en") -> Path:
    """The translator caught up: record the English file's current commit and hash."""
    root = Path(root)
    source, target = root / "docs" / source_language / page, root / "docs" / lang / page
    if not target.is_file():
        raise BuildError([Problem(target, None, f"no translation here; start one with `ipbes-site translations start {lang} {page}`")])
    if status and status not in STATUSES:
        raise BuildError([Problem(target, None, f"status '{status}' is not one of {', '.join(STATUSES)}")])
    meta, problems = read_front_matter(target)
    if problems:
        raise BuildError(problems)
    record = dict(provenance(meta) or {"status": "draft", "translators": []})
    record["source_commit"] = last_commit(root, source)
    record["source_hash"] = content_hash(source.read_text(encoding="utf-8"))
    record.pop("translate", None)
    if status:
        record["status"] = status
    for name in translators or []:
        if name not in record.setdefault("translators", []):
            record["translators"].append(name)
    target.write_text(_set_record(target.read_text(encoding="utf-8"), record), encoding="utf-8")
    return target


def english_diff(root: Path, lang: str, page: str, source_language: str = "en") -> str:
    state = page_state(root, lang, page, source_language)
    if state.state == "missing":
        return f"docs/{lang}/{page} does not exist yet: start it with `ipbes-site translations start {lang} {page}`\n"
    if state.history != "git" or not state.source_commit:
        return f"cannot show the English changes: {state.note}\n"
    rel = f"docs/{source_language}/{page}"
    return _git(Path(root), "diff", "-w", "--ignore-blank-lines", state.source_commit, "--", rel).stdout or "no change in the English text\n"


def load_states(path: Path) -> list[PageState]:
    import json
    return [PageState(**row) for row in json.loads(Path(path).read_text(encoding="utf-8"))["pages"]]


def write_states(path: Path, states: list[PageState]) -> Path:
    import json
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(as_json(states), ensure_ascii=False), encoding="utf-8")
    return Path(path)


LABELS = {"up-to-date": N_("Up to date"), "outdated": N_("Outdated"), "missing": N_("Missing"),
          "draft": N_("Draft"), "machine": N_("Machine translation")}
PROGRESS = N_("Progress per language")
EVERY_PAGE = N_("Every page")
LANGUAGE = N_("Language")
PAGE = N_("Page")
TRANSLATED_SHARE = N_("Translated")
INTERFACE = N_("Interface strings")


def dashboard_markdown(states: list[PageState], catalogs: dict, gettext, language_name) -> str:
    """The dashboard's tables, in the page's language: progress per language, then every page."""
    languages = list(dict.fromkeys(s.lang for s in states))
    counts = totals(states)
    head = [gettext(LANGUAGE)] + [gettext(LABELS[k]) for k in STATES] + [gettext(TRANSLATED_SHARE), gettext(INTERFACE)]
    rows = [f"## {gettext(PROGRESS)}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for lang in languages:
        c = counts[lang]
        total = sum(c.values())
        share = f"{round(100 * (total - c['missing']) / total)} %" if total else "–"
        cat = catalogs.get(lang, {})
        strings = f"{cat.get('translated', 0)}/{sum(cat.get(k, 0) for k in ('translated', 'fuzzy', 'untranslated'))}"
        rows.append(f"| {language_name(lang)} | " + " | ".join(str(c[k]) for k in STATES) + f" | {share} | {strings} |")
    rows += ["", f"## {gettext(EVERY_PAGE)}", "", "| " + gettext(PAGE) + " | " + " | ".join(language_name(l) for l in languages) + " |",
             "|---|" + "---|" * len(languages)]
    by_page: dict[str, dict[str, PageState]] = {}
    for s in states:
        by_page.setdefault(s.page, {})[s.lang] = s
    for page, row in by_page.items():
        cells = []
        for lang in languages:
            state = row[lang]
            label = gettext(LABELS[state.state])
            if state.state == "outdated" and state.lines_changed is not None:
                label += f" (−{state.lines_changed})"
            cells.append(label)
        rows.append(f"| `{page}` | " + " | ".join(cells) + " |")
    return "\n\n" + "\n".join(rows) + "\n"
