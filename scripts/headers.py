"""The `_headers` file: HTTP headers for hosts that read it (Netlify, Cloudflare Pages).

Security headers for every path; caching by kind: the content-hashed shared assets
(scripts/shared_assets.py) may be kept for a year and never revalidated, since a changed
file gets a new name; pages and everything else are revalidated on every visit, so a
reader never holds a page that names assets a newer deployment has removed.

Hosts join the values of a header that several matching rules set, so Cache-Control is
set by exactly one rule for any path: never on `/*`.

CSP violation reports (`report-to`, `Reporting-Endpoints`) need an endpoint that receives
them; the site has none, so the policy carries no reporting directive unless one is given.
Permissions-Policy turns off what the site never uses. `interest-cohort` (FLoC, withdrawn)
is left out: desktop Chrome reports an unrecognised feature as an error in its console,
which Lighthouse's Best Practices counts; `browsing-topics` is its successor.
"""
from __future__ import annotations

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
HSTS = "max-age=31536000; includeSubDomains"
PERMISSIONS = ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")
# Cloudflare Pages reads at most this many rules from `_headers`.
MAX_RULES = 100


def permissions_policy() -> str:
    return ", ".join(f"{feature}=()" for feature in PERMISSIONS)


def page_paths(languages: list[str]) -> list[str]:
    """The paths that are pages or per-language files: everything but the shared assets."""
    return ["/", "/index.html", "/404.html", "/sitemap.xml", "/robots.txt"] + [f"/{lang}/*" for lang in languages]


def headers_file(policy: str, immutable_paths: list[str], revalidate_paths: list[str] = (),
                 report_endpoint: str | None = None) -> str:
    """`policy`: the Content-Security-Policy for the header (csp.policy(..., for_header=True)).
    `immutable_paths`: URL paths of content-hashed files (share_assets()["immutable"]).
    `revalidate_paths`: paths whose files must be revalidated (page_paths(languages)).
    `report_endpoint`: an address that receives CSP reports, if the site gets one."""
    rules = 1 + len(immutable_paths) + len(revalidate_paths)
    if rules > MAX_RULES:
        raise ValueError(f"_headers would have {rules} rules; hosts read at most {MAX_RULES}: share fewer files under hashed names "
                         "or group them in folders")
    if report_endpoint:
        policy = f"{policy}; report-to csp"
    lines = ["/*",
             f"  Content-Security-Policy: {policy}",
             "  X-Content-Type-Options: nosniff",
             "  Referrer-Policy: strict-origin-when-cross-origin",
             f"  Strict-Transport-Security: {HSTS}",
             f"  Permissions-Policy: {permissions_policy()}"]
    if report_endpoint:
        lines.append(f'  Reporting-Endpoints: csp="{report_endpoint}"')
    for path in revalidate_paths:
        lines += [path, f"  Cache-Control: {REVALIDATE}"]
    for path in sorted(immutable_paths):
        lines += [path, f"  Cache-Control: {IMMUTABLE}"]
    return "\n".join(lines) + "\n"


def parse_headers_file(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(path pattern, [(header, value)]) in file order: what a host reads, for tests and checks."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        elif rules:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def headers_for(rules, path: str) -> dict[str, str]:
    """The headers a host sends for `path`: every matching rule's, values of one name joined."""
    found: dict[str, list[str]] = {}
    for pattern, headers in rules:
        if pattern == path or (pattern.endswith("*") and path.startswith(pattern[:-1])):
            for name, value in headers:
                found.setdefault(name, []).append(value)
    return {name: ", ".join(values) for name, values in found.items()}
