"""Prose rules: how the acronym is written (acronym-form) and names that use it
(acronym-approval), in the Markdown sources of every language.

Only prose is read: front matter other than title and description, code, embed options,
web addresses, link targets, HTML tags and file names are blanked out first, keeping each
line's length so that a finding points at the right line.

Every pattern here runs in time linear in the line: each starts only at a word's beginning
(a look-behind) or at a delimiter and stops at the next one, so one 300 kB word costs one
pass. Lines over MAX_LINE_CHARS are not read (the source checks refuse them). The acronym is
looked for in text normalised for width and look-alike letters (ＩＰＢＥＳ, Cyrillic ІРВЕЅ),
and names are capped at MAX_NAME_WORDS words.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..content import FRONT_MATTER
from ..limits import MAX_LINE_CHARS, MAX_NAME_WORDS, quoted
from ..mdlines import lines_outside_code
from .findings import Finding, cap_findings, relative

ACRONYM_LIKE = re.compile(r"(?<![\w@./\\-])[Ii][\W_]{0,2}[Pp][\W_]{0,2}[Bb][\W_]{0,2}[Ee][\W_]{0,2}[Ss](?![\w])")
NOT_PROSE = [
    re.compile(r"`[^`]*`"),                                   # inline code
    re.compile(r"\]\([^()]*\)"),                              # link targets
    re.compile(r"<[^<>]+>"),                                  # HTML tags and their attributes
    re.compile(r"\b(?:https?://|www\.)\S+"),                  # web addresses
    re.compile(r"(?<![\w.-])[\w.-]*+@[\w.-]+"),               # e-mail addresses
    re.compile(r"(?<![\w./-])[\w./-]+\.(?:md|pdf|svg|png|jpe?g|webp|yml|yaml|json|ics|xml|html|css|js|py|vtt|mp4|mp3)\b"),  # file names
    re.compile(r"\{[^{}]*\}"),                                # attribute lists
]
# One pass over a line instead of one per pattern: at each place the earliest-listed kind wins.
NOT_PROSE_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in NOT_PROSE))
BLOCK_OPTION = re.compile(r"^ {4,}\S")
CONNECTORS = {"of", "for", "the", "and", "de", "des", "du", "la", "le", "l", "d", "pour", "et", "del", "el", "para", "y",
              "los", "las", "для", "и"}


@lru_cache(maxsize=512)
def prose_lines(text: str) -> tuple[tuple[int, str], ...]:
    """(line number, prose) for every line of a Markdown page."""
    lines = text.splitlines()
    out = []
    match = FRONT_MATTER.match(text)
    start = 0
    if match:
        block_lines = match.group(0).count("\n")
        for number in range(1, block_lines):
            line = lines[number] if number < len(lines) else ""
            if len(line) <= MAX_LINE_CHARS and re.match(r"\s*(title|description|lead)\s*:", line):
                out.append((number + 1, line.split(":", 1)[1]))
        start = block_lines
    in_block = False
    for number, line in lines_outside_code(lines, start):
        if len(line) > MAX_LINE_CHARS:
            continue
        if line.startswith("///"):
            in_block = not line.strip() == "///" and line.strip().startswith("///") and "|" in line
            continue
        if in_block and BLOCK_OPTION.match(line):
            continue
        in_block = False
        out.append((number, NOT_PROSE_ANY.sub(lambda m: " " * len(m.group(0)), line)))
    return tuple(out)


# Letters of other scripts drawn like I, P, B, E and S (Unicode's confusables for them).
LOOK_ALIKES = str.maketrans({
    "\u0406": "I", "\u04c0": "I", "\u0399": "I", "\u0456": "i", "\u0131": "i", "\u03b9": "i",
    "\u0420": "P", "\u03a1": "P", "\u0440": "p", "\u03c1": "p",
    "\u0412": "B", "\u0392": "B",
    "\u0415": "E", "\u0395": "E", "\u0435": "e",
    "\u0405": "S", "\u0455": "s",
})


def normalised(line: str) -> str:
    """`line` with fullwidth and other compatibility forms folded (NFKC) and look-alike
    letters of other scripts mapped to Latin, character for character: a character whose
    fold is not one character is kept, so positions still point into `line`."""
    if line.isascii():
        return line
    if not unicodedata.is_normalized("NFKC", line):
        for char in set(line):
            if ord(char) not in _FOLDS:
                fold = unicodedata.normalize("NFKC", char)
                _FOLDS[ord(char)] = fold if len(fold) == 1 else char
        line = line.translate(_FOLDS)
    return line.translate(LOOK_ALIKES)


_FOLDS: dict[int, str] = {}  # each character's NFKC fold when it is one character, else itself


def check_acronym_form(path: Path, text: str, root: Path, allowed: list[str], severity: str) -> list[Finding]:
    findings = []
    allowed_forms = {a.casefold() for a in allowed}
    for number, line in prose_lines(text):
        for match in ACRONYM_LIKE.finditer(normalised(line)):
            written = line[match.start():match.end()]
            if written == "IPBES" or (written.isascii() and written.casefold() in allowed_forms):
                continue
            hint = "" if written.isascii() else " (with letters of another width or script that look alike)"
            findings.append(Finding("acronym-form", severity, relative(path, root), number,
                                    f"the acronym is written '{quoted(written)}'{hint}; write IPBES"))
    return cap_findings(findings)


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
ARTICLES = {"the", "a", "an", "la", "le", "les", "l", "el", "los", "las", "un", "une", "una", "join"}


def _words(line: str):
    return [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[\w-]+", line)]


def names_using_acronym(line: str, lang: str, organisation_words: list[str]) -> list[str]:
    """Proper names in a line that use the acronym: an organisation word (capitalised, as a
    name's word is) near IPBES in the same clause, with the capitalised words around them."""
    if "IPBES" not in line:
        return []
    if lang in ("zh", "ar"):
        words = "|".join(map(re.escape, organisation_words))
        pattern = (rf"IPBES[^\s，。、；：,.;:]{{0,8}}?(?:{words})|(?:{words})[^\s，。、；：,.;:]{{0,6}}IPBES" if lang == "zh"
                   else rf"(?:{words})(?:\s+\S+){{0,2}}\s+IPBES|IPBES(?:\s+\S+){{0,2}}\s+(?:{words})")
        return [m.group(0).strip() for m in re.finditer(pattern, line)]
    names = []
    for clause in re.split(r"[.,;:!?()|\"“”«»—–]", line):
        words = _words(clause)
        for i, (word, _, _) in enumerate(words):
            if word != "IPBES":
                continue
            near = [j for j in range(max(0, i - 5), min(len(words), i + 6)) if words[j][0] in organisation_words]
            if not near:
                continue
            left, right = min(near + [i]), max(near + [i])
            while left > max(0, i - MAX_NAME_WORDS) and (words[left - 1][0][:1].isupper() or
                                (words[left - 1][0].lower() in CONNECTORS and left > 1 and words[left - 2][0][:1].isupper())):
                left -= 1
            while (right + 1 < min(len(words), i + MAX_NAME_WORDS) and words[right + 1][0][:1].isupper()
                   and words[right + 1][0] != "IPBES"):
                right += 1
            while left < i and (words[left][0].lower() in ARTICLES | CONNECTORS or
                                (left == 0 and words[left][0] not in organisation_words)):
                left += 1
            names.append(clause[words[left][1]:words[right][2]])
    return names


def check_acronym_approval(path: Path, text: str, lang: str, root: Path, options: dict, approvals: list, severity: str) -> list[Finding]:
    known = {n.casefold() for n in options.get("known_names", [])}
    for entry in approvals:
        known.add(str(entry["name"]).casefold())
        known.update(str(a).casefold() for a in entry.get("aliases") or [])
    words_by_lang = options.get("organisation_words") or {}
    organisation_words = words_by_lang.get(lang, [])
    english_words = words_by_lang.get("en", []) if lang != "en" else []
    findings = []
    for number, line in prose_lines(text):
        names = names_using_acronym(line, lang, organisation_words)
        if english_words and "IPBES" in line:  # names are often left in English in a page of another language
            latin = _NOT_ASCII.sub(" ", line)
            names += [n for n in names_using_acronym(latin, "en", english_words) if n not in names]
        for name in names:
            if name.casefold() in known or any(k in name.casefold() for k in known):
                continue
            findings.append(Finding("acronym-approval", severity, relative(path, root), number,
                                    f"'{quoted(name)}' uses the acronym IPBES in a name that has no written approval in brand/approvals.yml; "
                                    "ask the secretariat for written approval, then add the name, who asked and the date to brand/approvals.yml"))
    return cap_findings(findings)
