"""Brand design tokens (brand/tokens.json, DTCG format) turned into the site's CSS.

The generated stylesheet is the only place in the project where a colour literal may
appear: templates and project CSS use the custom properties it defines, so replacing the
stand-in colours with the official ones is an edit of tokens.json and nothing else.
No maintained Python library reads DTCG files and writes Material's variables (Style
Dictionary is a Node tool), so this is a small reader of our own.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import BuildError, Problem

ALIAS = re.compile(r"^\{([^{}]+)\}$")
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def load_tokens(path: Path) -> dict:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as exc:
        raise BuildError([Problem(path, None, f"cannot read the design tokens ({exc.strerror})")])
    except json.JSONDecodeError as exc:
        raise BuildError([Problem(path, exc.lineno, f"not valid JSON ({exc.msg}); fix the syntax at this line")])
    problems = validate_tokens(path, text, data)
    if problems:
        raise BuildError(problems)
    return data


def flatten(data: dict, prefix: tuple[str, ...] = (), inherited_type: str | None = None) -> dict[str, dict]:
    """Every token as 'group.name' -> {'$value', '$type', ...}, with group $type inherited."""
    tokens = {}
    group_type = data.get("$type", inherited_type)
    for key, value in data.items():
        if key.startswith("$") or not isinstance(value, dict):
            continue
        if "$value" in value:
            tokens[".".join(prefix + (key,))] = {**value, "$type": value.get("$type", group_type)}
        else:
            tokens.update(flatten(value, prefix + (key,), group_type))
    return tokens


def resolve(tokens: dict[str, dict], name: str, seen: tuple[str, ...] = ()):
    value = tokens[name]["$value"]
    match = ALIAS.match(value) if isinstance(value, str) else None
    if not match:
        return value
    target = match.group(1)
    if target in seen:
        raise ValueError(f"alias loop: {' -> '.join(seen + (target,))}")
    return resolve(tokens, target, seen + (name,))


def validate_tokens(path: Path, text: str, data: dict) -> list[Problem]:
    problems = []
    tokens = flatten(data)
    for name, token in tokens.items():
        line = _line_of(text, name.rsplit(".", 1)[-1])
        value = token["$value"]
        match = ALIAS.match(value) if isinstance(value, str) else None
        if match and match.group(1) not in tokens:
            problems.append(Problem(path, line, f"token '{name}' refers to '{{{match.group(1)}}}', which does not exist; fix the reference"))
            continue
        try:
            resolved = resolve(tokens, name)
        except ValueError as exc:
            problems.append(Problem(path, line, f"token '{name}': {exc}"))
            continue
        kind = token.get("$type") or (tokens[match.group(1)].get("$type") if match else None)
        if kind == "color" and not (isinstance(resolved, str) and HEX.match(resolved)):
            problems.append(Problem(path, line, f"colour token '{name}' has value {resolved!r}; write it as #RRGGBB"))
    return problems


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if f'"{key}"' in line:
            return number
    return None


def css_value(value) -> str:
    if isinstance(value, list):
        return ", ".join(f'"{v}"' if " " in v else v for v in value)
    return str(value)


def _css_ref(tokens: dict[str, dict], name: str) -> str:
    value = tokens[name]["$value"]
    match = ALIAS.match(value) if isinstance(value, str) else None
    if match and not match.group(1).startswith("material"):
        return f"var(--ipbes-{match.group(1).replace('.', '-')})"
    return css_value(resolve(tokens, name))


def tokens_css(data: dict) -> str:
    """The stylesheet: every primitive token as --ipbes-*, Material's variables as aliases of them."""
    tokens = flatten(data)
    lines = ["/* Generated from brand/tokens.json by ipbes-site; do not edit. Stand-in colours: see the token descriptions. */", ":root {"]
    for name in tokens:
        if name.startswith("material"):
            continue
        lines.append(f"  --ipbes-{name.replace('.', '-')}: {css_value(resolve(tokens, name))};")
    for name in tokens:
        if name.startswith("material."):
            lines.append(f"  --{name.split('.', 1)[1]}: {_css_ref(tokens, name)};")
    lines.append("}")
    languages: dict[str, list[str]] = {}
    for name in tokens:
        if name.startswith("material-by-language."):
            _, code, var = name.split(".", 2)
            languages.setdefault(code, []).append(f"  --{var}: {_css_ref(tokens, name)};")
    for code, declarations in languages.items():
        lines += [f":root:lang({code}) {{", *declarations, "}"]
    return "\n".join(lines) + "\n"


def material_colour(data: dict, variable: str) -> str:
    """The resolved #RRGGBB of a Material variable as the token stylesheet sets it."""
    return resolve(flatten(data), f"material.{variable}")


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.2 contrast ratio of two opaque sRGB colours."""
    high, low = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
