"""Terminology: the official forms of IPBES's names and terms in the six languages
(`locales/glossary.yml`), checked on translated pages against their English source.

Matching is loose on purpose, as the check only warns: case and white space are ignored,
and in inflected languages each word may end differently (Пленума, Plénières), so a word
matches on its beginning.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .datafiles import load_data_file, missing_languages
from .errors import BuildError

GLOSSARY_FILE = Path("locales") / "glossary.yml"


@dataclass(frozen=True)
class Term:
    key: str
    forms: dict
    wrong: dict


def load_glossary(root: Path, languages: list[str]) -> list[Term]:
    source = load_data_file(Path(root) / GLOSSARY_FILE, "glossary")
    terms = (source.data or {}).get("terms") if isinstance(source.data, dict) else None
    if not isinstance(terms, dict):
        raise BuildError([source.problem(("terms",), "expected 'terms:' with one entry per term")])
    problems, result = [], []
    for key, entry in terms.items():
        entry = entry or {}
        missing = missing_languages(entry, languages)
        if missing:
            problems.append(source.problem(("terms", key), f"term '{key}' has no official form for {', '.join(missing)}"))
            continue
        result.append(Term(key, {lang: entry[lang] for lang in languages}, dict(entry.get("wrong") or {})))
    if problems:
        raise BuildError(problems)
    return result


def _pattern(form: str, lang: str) -> re.Pattern:
    """The form, case and white space aside; in inflected languages each word by its beginning."""
    if lang in ("zh",):
        return re.compile(re.escape(form))
    if lang == "ar":
        # Arabic attaches "and", "for", "with" and the article to the word (والمكتب, للاجتماع):
        # the first word matches without its article, wherever it starts.
        words = form.split()
        first = words[0][2:] if words[0].startswith("ال") and len(words[0]) > 4 else words[0]
        return re.compile(r"\s+".join([re.escape(first)] + [re.escape(w) for w in words[1:]]))
    words = form.split()
    parts = []
    for word in words:
        stem = word if len(word) <= 4 or lang in ("en", "ar") else word[: max(4, len(word) - 2)]
        parts.append(re.escape(stem) + r"\w*")
    return re.compile(r"(?<!\w)" + r"\s+".join(parts), re.I)


def term_findings(english: str, translated_lines, lang: str, terms: list[Term]) -> list[tuple[int | None, str]]:
    """(line, message) for every wrong variant used and every official form missing."""
    text = " ".join(line for _, line in translated_lines)
    found = []
    for term in terms:
        for variant in term.wrong.get(lang, []):
            pattern = re.compile(re.escape(variant), re.I)
            for number, line in translated_lines:
                if pattern.search(line):
                    found.append((number, f"'{variant}' is not the official form of '{term.forms['en']}'; write '{term.forms[lang]}'"))
        if _pattern(term.forms["en"], "en").search(english) and not _pattern(term.forms[lang], lang).search(text):
            found.append((None, f"the English page uses '{term.forms['en']}', but this translation lacks its official form '{term.forms[lang]}'"))
    return found
