"""Build and check tooling for the multilingual IPBES outreach website.

Each module is one capability (languages, site configuration, content validation,
tokens, interface strings, pages and alternates, sitemaps, the language chooser, the
whole-site build) as plain functions over files and data; `mkdocs_plugin` is the thin
adapter MkDocs calls and `cli` the one command line (`ipbes-site`).
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cache_dir(root: Path) -> Path:
    """Where content-addressed results (PDFs, posters, cards, check results) are kept.
    IPBES_SITE_CACHE may point several project copies at one cache (the tests do); every
    entry is named by the hash of its inputs, so sharing is safe."""
    import os
    return Path(os.environ.get("IPBES_SITE_CACHE") or Path(root) / ".build" / "cache")
