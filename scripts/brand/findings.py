"""A finding of a brand rule, and the three ways `ipbes-site check` prints findings."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


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
