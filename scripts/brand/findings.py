"""A finding of a brand rule, and the three ways `ipbes-site check` prints findings."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..limits import MAX_FINDINGS_PER_RULE, more_of_the_same


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    file: str          # relative to the repository root (or to the checked site's parent)
    line: int | None   # None for images and PDFs
    message: str

    def text(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.rule}: {self.message}"


def relative(path: Path, root: Path) -> str:
    path, root = Path(path).resolve(), Path(root).resolve()
    for base in (root, root.parent):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def cap_findings(findings: list[Finding], limit: int = MAX_FINDINGS_PER_RULE) -> list[Finding]:
    """At most `limit` findings of one rule in one file, then one finding that counts the rest
    (3,000 repetitions of a name print 20 lines and a count, not 3,000)."""
    counts: dict[tuple[str, str], int] = {}
    kept, first = [], {}
    for finding in findings:
        key = (finding.file, finding.rule)
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, finding)
        if counts[key] <= limit:
            kept.append(finding)
    for key, count in counts.items():
        if count > limit:
            f = first[key]
            kept.append(Finding(f.rule, f.severity, f.file, None, more_of_the_same(count - limit)))
    return kept


def as_text(findings: list[Finding]) -> str:
    return "".join(f.text() + "\n" for f in findings)


def as_json(findings: list[Finding]) -> str:
    return json.dumps({"findings": [asdict(f) for f in findings]}, ensure_ascii=False, indent=2) + "\n"


def as_github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: an annotation per finding."""
    def escape(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    lines = []
    for f in findings:
        level = "error" if f.severity == "error" else "warning"
        location = f"file={escape(f.file)}" + (f",line={f.line}" if f.line else "")
        lines.append(f"::{level} {location},title={escape(f.rule)}::{escape(f.message)}")
    return "".join(line + "\n" for line in lines)


FORMATS = {"text": as_text, "json": as_json, "github": as_github}
