"""Corrections to Material for MkDocs' output that its configuration and overrides cannot make.

Material's JavaScript fetches `sitemap.xml` next to every `<link rel="alternate">` in a
page, expecting those links to point at language roots. This site's hreflang links point at
each page's own translations (what search engines need), so each page load would fire one
request per language to a sitemap that does not exist (404s, and on a preview host,
requests to the production origin). Restricting Material's selector to links that opt in
(`data-md-sitemap`, which none do) stops those requests; the language switcher here is
plain links and needs none of it. The build fails if the pattern is no longer found, so an
upgrade of Material cannot silently undo the fix.
"""
from __future__ import annotations

from pathlib import Path

ALTERNATE_SELECTOR = 'M("link[rel=alternate]")'
OPT_IN_SELECTOR = 'M("link[rel=alternate][data-md-sitemap]")'


class MaterialChanged(RuntimeError):
    pass


def patch_alternate_sitemap_fetch(site_dir: Path) -> Path | None:
    """None when the output has no Material bundle at all (another engine built it)."""
    bundles = sorted(Path(site_dir).glob("assets/javascripts/bundle.*.min.js"))
    if not bundles:
        return None
    if len(bundles) != 1:
        raise MaterialChanged(f"expected one Material bundle in {site_dir}/assets/javascripts, found {len(bundles)}")
    bundle = bundles[0]
    text = bundle.read_text(encoding="utf-8")
    if OPT_IN_SELECTOR in text:
        return bundle
    if text.count(ALTERNATE_SELECTOR) != 1:
        raise MaterialChanged(f"{bundle.name}: Material's alternate-link selector was not found once; review scripts/material_fixes.py for this Material version")
    text = text.replace(ALTERNATE_SELECTOR, OPT_IN_SELECTOR)
    text = text.replace("//# sourceMappingURL=", "//# patched by ipbes-site; original map: ")
    bundle.write_text(text, encoding="utf-8")
    return bundle
