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
import posixpath
import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

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


def _compare_with_commit(root: Path, source: Path, commit: str) -> tuple[bool, int, int, bool]:
    """(commit known, commits since, lines changed, English text changed) for `source`
    against `commit`: four git calls."""
    if not commit_known(root, commit):
        return False, 0, 0, False
    commits, lines = english_changes(root, source, commit)
    then = _git(root, "show", f"{commit}:{source.relative_to(root).as_posix()}").stdout
    return True, commits, lines, content_hash(then) != content_hash(source.read_text(encoding="utf-8"))


def page_state(root: Path, lang: str, page: str, source_language: str = "en", use_git: bool | None = None,
               memo: dict | None = None) -> PageState:
    """`memo`: answers of git shared by the languages of one run (translations of a page
    usually record the same English commit), so each is asked once."""
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
    compared = None
    if use_git and commit:
        memo = {} if memo is None else memo
        if (source, commit) not in memo:
            memo[(source, commit)] = _compare_with_commit(root, source, commit)
        compared = memo[(source, commit)]
    if compared and compared[0]:
        _, state.commits_behind, state.lines_changed, outdated = compared
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


def all_states(root: Path, languages: list[str], source_language: str = "en", cache: Path | None = None) -> list[PageState]:
    """Every page's state in every language. With `cache`, the result is kept under a key of
    the commit checked out and the content of every page, so a build where nothing changed
    asks git nothing (two git calls per page otherwise)."""
    use_git = in_git(root)
    key = None
    if cache is not None:
        digest = hashlib.sha256(f"{STATES}{languages}{source_language}{use_git}".encode())
        if use_git:
            digest.update(_git(root, "rev-parse", "HEAD").stdout.encode())
        for lang in languages:
            for path in sorted((Path(root) / "docs" / lang).rglob("*.md")):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        key = Path(cache) / f"states-{digest.hexdigest()[:24]}.json"
        if key.is_file():
            try:
                return load_states(key)
            except (OSError, ValueError, KeyError, TypeError):
                key.unlink(missing_ok=True)
    memo: dict = {}
    states = [page_state(root, lang, page, source_language, use_git, memo)
              for page in source_pages(root, source_language) for lang in languages if lang != source_language]
    if key is not None:
        try:
            write_states(key, states)
            for old in sorted(key.parent.glob("states-*.json"), key=lambda p: p.stat().st_mtime)[:-8]:
                old.unlink(missing_ok=True)
        except OSError:
            pass
    return states


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
    import os
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(path).with_name(f".{Path(path).name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(as_json(states), ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
    return Path(path)


# --- what to translate first: the worklist -----------------------------------------------

PRIORITIES_FILE = Path("data") / "translation-priorities.yml"
HOME_PAGE = "index.md"
# After the pages the priorities file lists, in this order: the home page, the assessment and
# launch pages, the fact sheets, then every other page in the order of the navigation.
FIRST_FOLDERS = ("assessments/", "factsheets/")
# A language's pages, most useful first: what readers lack, what misleads them, what is unreviewed.
WORK_ORDER = ("missing", "outdated", "machine", "draft", "up-to-date")
LAUNCH_DATA = Path("data") / "assessments.yml"


@dataclass
class WorkItem:
    page: str
    state: str
    title: str
    todo: str
    launch: bool = False           # made from data/assessments.yml, not from a file under docs/
    commits_behind: int | None = None
    lines_changed: int | None = None
    source_commit: str | None = None
    note: str = ""


def page_title(path: Path) -> str | None:
    """A page's title as readers see it: its front matter `title`, else its first `# ` heading."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError:
        return None
    return title_of_text(path, text)


def title_of_text(path: Path, text: str) -> str | None:
    meta, _ = read_front_matter(path, text)
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        return meta["title"].strip()
    match = FRONT_MATTER.match(text)
    fenced = False
    for line in (text[match.end():] if match else text).splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("# "):
            return re.sub(r"\s*\{[^}]*\}\s*$", "", line[2:]).strip() or None
    return None


def page_titles(root: Path, languages: list[str], pages: list[str]) -> dict[tuple[str, str], str]:
    """{(language, page): title} for every version that exists under docs/."""
    found = {}
    for lang in languages:
        for page in pages:
            title = page_title(Path(root) / "docs" / lang / page)
            if title:
                found[(lang, page)] = title
    return found


def launch_pages(root: Path, lang: str, source_language: str = "en") -> dict[str, dict]:
    """The launch pages data/assessments.yml makes ({page: {title, translated}}): an entry with
    a launch day gets a page, in a language once the entry has that language's title."""
    from .datafiles import load_data_file
    path = Path(root) / LAUNCH_DATA
    if not path.is_file():
        return {}
    entries = (load_data_file(path, "assessments data file").data or {}).get("assessments") or {}
    pages = {}
    for key, entry in entries.items() if isinstance(entries, dict) else ():
        if isinstance(entry, dict) and entry.get("launch") and isinstance(entry.get("title"), dict):
            title = entry["title"]
            pages[f"assessments/{key}.md"] = {"title": str(title.get(lang) or title.get(source_language) or key),
                                              "translated": bool(title.get(lang))}
    return pages


def _nav_pages(root: Path) -> list[str]:
    if not (Path(root) / "mkdocs.yml").is_file():
        return []
    from .site_config import load_shared_config
    found, stack = [], [load_shared_config(Path(root) / "mkdocs.yml").data.get("nav") or []]
    while stack:
        item = stack.pop(0)
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            stack[:0] = list(item.values())
    return found


def read_priorities(root: Path, known: set[str]) -> list[str]:
    """The pages data/translation-priorities.yml puts first, in its order (none without the file)."""
    from .datafiles import load_data_file
    path = Path(root) / PRIORITIES_FILE
    if not path.is_file():
        return []
    source = load_data_file(path, "translation priorities file")
    data = source.data if source.data is not None else {}
    how = "write 'pages:' and under it one '- path' line per page, a path under docs/en/ like factsheets/africa.md"
    if not isinstance(data, dict) or set(data) - {"pages"} or not isinstance(data.get("pages") or [], list):
        raise BuildError([Problem(path, 1, f"the file holds one list, 'pages'; {how}")])
    listed, problems = [], []
    for index, page in enumerate(data.get("pages") or []):
        if not isinstance(page, str) or page not in known:
            problems.append(source.problem(("pages", index), f"{page!r} is not a page under docs/en/ nor a launch page; {how}"))
        elif page in listed:
            problems.append(source.problem(("pages", index), f"'{page}' is listed twice; keep the first place only"))
        else:
            listed.append(page)
    if problems:
        raise BuildError(problems)
    return listed


def priority_order(root: Path, pages, source_language: str = "en") -> list[str]:
    """`pages` most useful first: those the priorities file lists, then the default order."""
    root = Path(root)
    known = set(source_pages(root, source_language)) | set(launch_pages(root, source_language, source_language)) | set(pages)
    listed, nav = read_priorities(root, known), _nav_pages(root)

    def rank(page: str):
        if page in listed:
            return (0, listed.index(page), 0, page)
        group = 0 if page == HOME_PAGE else next((i + 1 for i, f in enumerate(FIRST_FOLDERS) if page.startswith(f)), len(FIRST_FOLDERS) + 1)
        return (1, group, nav.index(page) if page in nav else len(nav), page)
    return sorted(pages, key=rank)


def worklist(root: Path, lang: str, states: list[PageState], source_language: str = "en") -> list[WorkItem]:
    """One language's work, most useful first: missing pages (launch pages included) in the
    priority order, then outdated ones, then machine translations and drafts to review."""
    root = Path(root)
    mine = {s.page: s for s in states if s.lang == lang}
    launches = {page: info for page, info in launch_pages(root, lang, source_language).items() if not info["translated"]}
    order = {page: i for i, page in enumerate(priority_order(root, list(mine) + list(launches), source_language))}
    items = []
    for page, state in mine.items():
        if state.state == "up-to-date":
            continue
        title = page_title(root / "docs" / (source_language if state.state == "missing" else lang) / page) or page
        todo = {"missing": f"ipbes-site translations start {lang} {page}",
                "outdated": f"ipbes-site translations --diff {lang} {page}"}.get(
            state.state, f"ipbes-site translations done {lang} {page} --status reviewed")
        items.append(WorkItem(page, state.state, title, todo, False, state.commits_behind, state.lines_changed,
                              state.source_commit, state.note))
    for page, info in launches.items():
        key = page[len("assessments/"):-3]
        items.append(WorkItem(page, "missing", info["title"], f"add '{lang}:' to the title and short_title of '{key}' in {LAUNCH_DATA}", True))
    return sorted(items, key=lambda item: (WORK_ORDER.index(item.state), order[item.page]))


def worklist_text(items: list[WorkItem], lang: str, counts: dict[str, int], catalog: dict | None, language_name: str) -> str:
    heads = {"missing": "Missing: start these", "outdated": "Outdated: the English page changed since",
             "machine": "Machine translations to review", "draft": "Drafts to review"}
    summary = ", ".join(f"{counts.get(state, 0)} {SUMMARY_WORDS[state]}" for state in SHOWN_STATES)
    lines = [f"{language_name} ({lang}): {sum(counts.values())} pages: {summary}"]
    launches = sum(1 for item in items if item.launch)
    if launches:
        lines[0] += f"; {launches} launch page(s) without a {language_name} title"
    if catalog:
        total = sum(catalog.get(k, 0) for k in ("translated", "fuzzy", "untranslated"))
        lines.append(f"interface strings: {catalog.get('translated', 0)} of {total} translated")
    number = 0
    for state in WORK_ORDER[:-1]:
        group = [item for item in items if item.state == state]
        if not group:
            continue
        lines += ["", f"{heads[state]} ({len(group)}):"]
        for item in group:
            number += 1
            detail = ""
            if item.state == "outdated" and item.commits_behind is not None:
                detail = f": {item.commits_behind} commit(s), {item.lines_changed} line(s) changed in English since {item.source_commit[:7]}"
            elif item.note:
                detail = f" ({item.note})"
            lines.append(f"{number:4}. {item.page}  \u201c{item.title}\u201d{detail}")
            lines.append(f"      {item.todo}")
    if not number:
        lines += ["", "Nothing to do: every page is reviewed and up to date."]
    return "\n".join(lines) + "\n"


# --- the dashboard page -------------------------------------------------------------------

DASHBOARD_PAGE = "translations.md"
SHOWN_STATES = ("up-to-date", "draft", "machine", "outdated", "missing")
SUMMARY_WORDS = {"up-to-date": "reviewed", "draft": "draft", "machine": "machine", "outdated": "outdated", "missing": "missing"}
LABELS = {"up-to-date": N_("Reviewed"), "outdated": N_("Outdated"), "missing": N_("Missing"),
          "draft": N_("Draft"), "machine": N_("Machine translation")}
PROGRESS = N_("Progress per language")
STATE = N_("State")
PAGE = N_("Page")
INTERFACE = N_("Interface strings: %(translated)s of %(total)s translated")
LINES_CHANGED = N_("%(lines)s line(s) changed in English")
ORIGINAL = N_("Read the original in %(language)s.")
HOW_LISTED = N_("Each language lists its pages most useful first: missing, outdated, machine translations, drafts, "
                "then reviewed pages. On the command line, %(command)s prints one language's list.")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]|#!])")


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell and link text: HTML escaped, Markdown and the
    cell separator escaped."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def _attr(text: str) -> str:
    return str(text).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def dashboard_markdown(states: list[PageState], catalogs: dict, gettext, language_name, lang: str, root: Path,
                       source_language: str = "en", page_rel: str = DASHBOARD_PAGE) -> str:
    """The dashboard page's tables, in its language `lang`: pages of each state per language,
    then every language's pages by title, most useful first, each linked to its version in
    that language and to the English original. Links inside the page's own language are
    MkDocs links (.md paths, checked by the build); links into another language's build are
    relative URLs."""
    from .languages import language
    from .pages import page_url
    root = Path(root)
    languages = [code for code in dict.fromkeys(s.lang for s in states) if code != source_language]
    pages = list(dict.fromkeys(s.page for s in states))
    titles = page_titles(root, [source_language, *languages], pages)
    order = {page: i for i, page in enumerate(priority_order(root, pages, source_language))}
    counts = totals(states)
    here_dir = posixpath.dirname(page_rel)
    here_url = f"/{lang}/{page_url(page_rel)}"

    def wrap(code: str, text: str) -> str:
        if code == lang:
            return text
        return f'<span lang="{code}" dir="{language(code).direction}">{text}</span>'

    def link(code: str, page: str, text: str, text_lang: str | None = None) -> str:
        """A link to `page` in language `code`; its text is in `text_lang` (default: `code`)."""
        text_lang = text_lang or code
        if code == lang:
            return wrap(text_lang, f"[{_md(text)}]({quote(posixpath.relpath(page, here_dir or '.'))})")
        href = (posixpath.relpath(f"/{code}/{page_url(page)}", here_url) + "/").replace("/./", "/")
        return wrap(text_lang, f'<a href="{_attr(href)}" hreflang="{code}">{_md(text)}</a>')

    from .headings import heading_id

    def anchor(code: str) -> str:
        """Each language's section: its id is the slug of its name, as every heading's is."""
        return heading_id(language_name(code), "-")
    # Column heads: the language's name, or its code where the name does not fit (a phone).
    head = [_md(gettext(STATE))] + [wrap(code, f'[<span class="ipbes-dashboard__name">{_md(language_name(code))}</span>'
                                           f'<span class="ipbes-dashboard__code">{code}</span>](#{anchor(code)})')
                                     for code in languages]
    rows = [f"## {_md(gettext(PROGRESS))}", "", "| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for state in SHOWN_STATES:
        rows.append(f"| {_md(gettext(LABELS[state]))} | " + " | ".join(str(counts.get(code, {}).get(state, 0)) for code in languages) + " |")
    command = f"`ipbes-site translations {lang if lang in languages else (languages[0] if languages else lang)}`"
    rows += ["", _md(gettext(HOW_LISTED)) % {"command": command}]
    original = gettext(ORIGINAL) % {"language": language(source_language).name_in(lang)}
    for code in languages:
        info = language(code)
        cat = catalogs.get(code, {})
        strings = {"translated": cat.get("translated", 0), "total": sum(cat.get(k, 0) for k in ("translated", "fuzzy", "untranslated"))}
        rows += ["", f"## {_md(language_name(code))} {{lang={code} dir={info.direction}}}", "",
                 _md(gettext(INTERFACE) % strings), "",
                 f"| {_md(gettext(PAGE))} | {_md(gettext(STATE))} |", "|---|---|"]
        mine = sorted((s for s in states if s.lang == code), key=lambda s: (WORK_ORDER.index(s.state), order[s.page]))
        for state in mine:
            english = titles.get((source_language, state.page), state.page)
            if state.state == "missing":
                cell = link(source_language, state.page, english)
            else:
                cell = (link(code, state.page, titles.get((code, state.page), english)) + "<br>"
                        + link(source_language, state.page, original, lang))
            label = _md(gettext(LABELS[state.state]))
            if state.state == "outdated" and state.lines_changed is not None:
                label += "<br>" + _md(gettext(LINES_CHANGED) % {"lines": state.lines_changed})
            rows.append(f"| {cell} | {label} |")
    return '\n\n<div class="ipbes-dashboard" markdown>\n\n' + "\n".join(rows) + "\n\n</div>\n"


# --- a pull request's summary: the pages it touches, before and after ---------------------

def _show(root: Path, rev: str, path: str) -> str | None:
    found = _git(root, "show", f"{rev}:{path}")
    return found.stdout if found.returncode == 0 else None


def resolve_range(root: Path, revisions: str) -> tuple[str, str]:
    """(base, head) commits of `A...B` (B against its merge base with A, as a pull request
    is), `A..B`, or `A` (against HEAD). ValueError says what git does not know."""
    if "..." in revisions:
        first, _, last = revisions.partition("...")
    else:
        first, _, last = revisions.partition("..")
    first, last = first or "HEAD", last or "HEAD"
    commits = []
    for rev in (first, last):
        found = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        if found.returncode != 0:
            raise ValueError(f"'{rev}' is not a commit in this clone; give a range like origin/main...HEAD "
                             "(in a shallow clone, fetch the history first: fetch-depth: 0)")
        commits.append(found.stdout.strip())
    if "..." in revisions:
        base = _git(root, "merge-base", *commits)
        if base.returncode != 0:
            raise ValueError(f"'{first}' and '{last}' share no history; compare them with {first}..{last}")
        commits[0] = base.stdout.strip()
    return commits[0], commits[1]


def changed_pages(root: Path, base: str, head: str, languages: list[str]) -> list[str]:
    """Pages (paths under docs/<lang>/) whose file in any language changed from base to head."""
    names = _git(root, "diff", "--name-only", "-z", "--no-renames", base, head, "--", "docs").stdout.split("\0")
    found = []
    for name in names:
        parts = name.split("/", 2)
        if len(parts) == 3 and parts[0] == "docs" and parts[1] in languages and parts[2].endswith(".md"):
            found.append(parts[2])
    return list(dict.fromkeys(found))


def state_at(root: Path, rev: str, lang: str, page: str, source_language: str = "en") -> PageState | None:
    """A translation's state in commit `rev`, read from git alone (None: no English page there)."""
    root = Path(root)
    source_rel, target_rel = f"docs/{source_language}/{page}", f"docs/{lang}/{page}"
    english = _show(root, rev, source_rel)
    if english is None:
        return None
    text = _show(root, rev, target_rel)
    if text is None:
        return PageState(page, lang, "missing")
    meta, _ = read_front_matter(root / target_rel, text)
    record = provenance(meta) or {}
    state = PageState(page, lang, "up-to-date", record.get("status"), list(record.get("translators") or []),
                      source_commit=record.get("source_commit"))
    if not record:
        state.state, state.history = "draft", "none"
        return state
    commit = record.get("source_commit")
    if commit and commit_known(root, commit):
        outdated = content_hash(_show(root, commit, source_rel) or "") != content_hash(english)
        if outdated:
            state.commits_behind = int(_git(root, "rev-list", "--count", f"{commit}..{rev}", "--", source_rel).stdout.strip() or 0)
            numstat = _git(root, "diff", "-w", "--ignore-blank-lines", "--numstat", commit, rev, "--", source_rel).stdout
            state.lines_changed = sum(int(a) + int(r) for a, r, _ in (row.split("\t", 2) for row in numstat.splitlines())
                                      if a.isdigit() and r.isdigit())
    elif record.get("source_hash"):
        state.history = "content-hash"
        outdated = content_hash(english) != record["source_hash"]
    else:
        state.history = "none"
        outdated = False
    if outdated:
        state.state = "outdated"
    elif state.status in ("draft", "machine"):
        state.state = state.status
    return state


def changes_markdown(root: Path, revisions: str, languages: list[str], source_language: str = "en") -> str:
    """A Markdown table for a pull request's job summary: every page whose English or
    translated file changed in `revisions`, with each language's state before and after."""
    from .languages import language
    root = Path(root)
    base, head = resolve_range(root, revisions)
    targets = [code for code in languages if code != source_language]
    pages = changed_pages(root, base, head, languages)
    lines = ["### Translations of the pages this change touches", ""]
    if not pages:
        return "\n".join(lines + [f"No page under docs/ changed between `{base[:7]}` and `{head[:7]}`.", ""])
    lines += [f"{len(pages)} page(s) changed between `{base[:7]}` and `{head[:7]}`; "
              "a cell reads *before → after* where the state changed.", "",
              "| Page | " + " | ".join(f"{language(code).name_in('en')} ({code})" for code in [source_language, *targets]) + " |",
              "|---" * (len(targets) + 2) + "|"]

    def word(state: PageState | None) -> str:
        return "—" if state is None else SUMMARY_WORDS[state.state]

    for page in priority_order(root, pages, source_language):
        before_en, after_en = _show(root, base, f"docs/{source_language}/{page}"), _show(root, head, f"docs/{source_language}/{page}")
        english = ("added" if before_en is None else "removed" if after_en is None
                   else "unchanged" if before_en == after_en else
                   "white space only" if content_hash(before_en) == content_hash(after_en) else "changed")
        title = title_of_text(root / "docs" / source_language / page, after_en or before_en or "") or page
        cells = [f"{_md(title)}<br>`{page}`", english]
        for code in targets:
            before, after = state_at(root, base, code, page, source_language), state_at(root, head, code, page, source_language)
            cell = word(after) if word(before) == word(after) else f"{word(before)} → **{word(after)}**"
            if after is not None and after.state == "outdated" and after.lines_changed is not None:
                cell += f" ({after.commits_behind} commit(s), {after.lines_changed} line(s) behind)"
            cells.append(cell)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
