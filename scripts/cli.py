"""`ipbes-site`: the one command line; the Makefile only calls it."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import BuildError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ipbes-site", description="Build and check the multilingual IPBES outreach site.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: current directory)")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build every language into site/")
    build.add_argument("--out", type=Path, help="output directory (default: site/)")
    build.add_argument("--lang", action="append", help="build only this language (repeatable)")
    build.add_argument("--jobs", type=int, help="parallel language builds (default: CPU count)")
    build.add_argument("--engine-only", action="store_true", help="stop after the engine: each language's raw output, for `assemble` to finish (CI's one job per language)")
    build.add_argument("--now", help="the build's clock, an ISO 8601 date-time with offset (default: now); embargoed content appears once the clock passes its embargo")

    assemble = commands.add_parser("assemble", help="join language folders built separately with `build --engine-only` (one CI job each) into site/, finish, check and publish it")
    assemble.add_argument("--from", dest="parts", type=Path, required=True, help="a folder holding one built folder per language (<lang>/)")
    assemble.add_argument("--out", type=Path, help="output directory (default: site/)")

    serve = commands.add_parser("serve", help="preview one language with live reload")
    serve.add_argument("--lang", default="en")
    serve.add_argument("--addr", default="127.0.0.1:8000")

    check = commands.add_parser("check", help="check the brand rules on the sources and, where one is built, the site")
    check.add_argument("--format", choices=["text", "json", "github"], default="text", help="text lines, one JSON object, or GitHub annotations")
    check.add_argument("--site", type=Path, help="the built site to check (default: site/ when it exists)")
    check.add_argument("--sources-only", action="store_true", help="check the sources only, not a built site")

    translations = commands.add_parser(
        "translations", help="translation status of every page and language; one language's worklist; start or finish a translation",
        usage="ipbes-site translations [LANG | start LANG PAGE | done LANG PAGE] [options]")
    translations.add_argument("action", nargs="?", metavar="LANG|start|done",
                              help="a language (like es): its worklist, most useful first; start: create a translation from "
                                   "the English page; done: record that it caught up")
    translations.add_argument("lang", nargs="?", help=argparse.SUPPRESS)
    translations.add_argument("page", nargs="?", help="with start or done: the page's path under docs/<lang>/, like about.md")
    translations.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                              help="markdown goes with --changed (a table for a pull request's job summary)")
    translations.add_argument("--diff", nargs=2, metavar=("LANG", "PAGE"), help="show the English changes since the translation's recorded revision")
    translations.add_argument("--changed", metavar="REVISIONS",
                              help="the pages whose English or translated files changed in this git range (like origin/main...HEAD), "
                                   "with each language's state before and after")
    translations.add_argument("--status", choices=["draft", "machine", "reviewed"], help="with done: the translation's status")
    translations.add_argument("--translator", action="append", help="with start or done: a translator's name or handle (repeatable)")

    bench = commands.add_parser("bench", help="measure cold builds against Material + mkdocs-static-i18n on a synthetic corpus, "
                                              "and the brand checks; print the results")
    bench.add_argument("--site", type=Path, help="the built site to check (default: site/)")
    bench.add_argument("--images", type=int, default=24, help="how many images to time the logo detector on")
    bench.add_argument("--pages", type=int, default=300, help="synthetic pages per language (default: 300)")
    bench.add_argument("--runs", type=int, default=3, help="cold builds of each setup, alternating; medians are reported (default: 3)")
    bench.add_argument("--write-page", type=Path, help="write the build results into this page (between its bench markers) when they moved")
    bench.add_argument("--only", choices=["builds", "brand"], help="run one of the two benchmarks")

    commands.add_parser("messages", help="extract interface strings and update the catalogs in locales/")
    config = commands.add_parser("stage", help="stage every language (or --lang) into .build/stage/ and print each staged configuration's path")
    config.add_argument("--lang", action="append")
    config.add_argument("--now", help="the build's clock, as for build")

    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "build":
            from .build import build_site
            build_site(root, args.out, args.lang, args.jobs, now=args.now, engine_only=args.engine_only)
        elif args.command == "assemble":
            from .build import assemble_site
            assemble_site(root, args.parts, args.out)
        elif args.command == "serve":
            from .serve import serve
            serve(root, args.lang, args.addr)
        elif args.command == "check":
            return run_check(root, args)
        elif args.command == "translations":
            return run_translations(root, args)
        elif args.command == "bench":
            return run_bench(root, args)
        elif args.command == "messages":
            from .i18n import update_catalogs
            from .site_config import load_shared_config
            stats = update_catalogs(root, load_shared_config(root / "mkdocs.yml").languages)
            for lang, s in stats.items():
                print(f"{lang}: {s.translated} translated, {s.fuzzy} fuzzy, {s.untranslated} untranslated")
        elif args.command == "stage":
            from .build import stage_only
            for path in stage_only(root, args.lang, args.now):
                print(path)
    except BuildError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"ipbes-site: {len(exc.problems)} problem(s); nothing was published.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ipbes-site: stopped; nothing was published.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of the build, not of the content: the editor gets one line, the details a file
        import traceback
        log = root / ".build" / "last-error.txt"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(traceback.format_exc(), encoding="utf-8")
            where = f"; the details are in {log}"
        except OSError:
            where = ""
        print(f"ipbes-site: internal error ({type(exc).__name__}: {str(exc)[:300]}); nothing was published. "
              f"This is a bug in the build, not in your content: report it{where}", file=sys.stderr)
        return 3
    return 0


TRANSLATION_ACTIONS = ("start", "done")


def run_translations(root: Path, args) -> int:
    import json
    from dataclasses import asdict
    from . import translations as tr
    from .i18n import catalog_stats
    from .languages import language
    from .site_config import load_shared_config
    if args.action in TRANSLATION_ACTIONS:
        if not (args.lang and args.page):
            print(f"ipbes-site translations {args.action}: give a language and a page, like: {args.action} fr about.md", file=sys.stderr)
            return 2
        if args.action == "start":
            path = tr.start(root, args.lang, args.page, args.translator)
            print(f"created {path.relative_to(root)}: translate the text, keep the front matter's translation record")
        else:
            path = tr.done(root, args.lang, args.page, args.status, args.translator)
            print(f"{path.relative_to(root)} now matches the English page's current revision")
        return 0
    if args.diff:
        sys.stdout.write(tr.english_diff(root, *args.diff))
        return 0
    shared = load_shared_config(root / "mkdocs.yml")
    if args.changed:
        try:
            sys.stdout.write(tr.changes_markdown(root, args.changed, shared.languages, shared.source_language))
        except ValueError as exc:
            print(f"ipbes-site translations --changed: {exc}", file=sys.stderr)
            return 2
        return 0
    if args.format == "markdown":
        print("ipbes-site translations: --format markdown goes with --changed REVISIONS", file=sys.stderr)
        return 2
    targets = [code for code in shared.languages if code != shared.source_language]
    if args.action and (args.lang or args.page or args.action not in targets):
        print(f"ipbes-site translations: give one language ({', '.join(targets)}) for its worklist, like: translations es; "
              f"or start|done, a language and a page, like: translations start fr about.md", file=sys.stderr)
        return 2
    states = tr.all_states(root, shared.languages, shared.source_language)
    catalogs = {lang: vars(catalog_stats(root / "locales", lang)) for lang in shared.languages}
    if args.action:
        items = tr.worklist(root, args.action, states, shared.source_language)
        counts = tr.totals(states).get(args.action, {})
        if args.format == "json":
            print(json.dumps({"lang": args.action, "totals": counts, "catalog": catalogs[args.action],
                              "worklist": [asdict(item) for item in items]}, ensure_ascii=False, indent=2))
        else:
            info = language(args.action)
            sys.stdout.write(tr.worklist_text(items, args.action, counts, catalogs[args.action],
                                              f"{info.name_in('en').capitalize()}, {info.native_name}"))
        return 0
    if args.format == "json":
        print(json.dumps(tr.as_json(states, catalogs), ensure_ascii=False, indent=2))
        return 0
    for lang, counts in tr.totals(states).items():
        print(f"{lang}: " + ", ".join(f"{n} {state}" for state, n in counts.items()))
        for state in states:
            if state.lang == lang and state.state != "up-to-date":
                detail = ""
                if state.state == "outdated" and state.commits_behind is not None:
                    detail = f": {state.commits_behind} commit(s), {state.lines_changed} line(s) changed in English since {state.source_commit[:7]}"
                elif state.note:
                    detail = f" ({state.note})"
                print(f"  {state.page}: {state.state}{detail}")
        c = catalogs[lang]
        print(f"  interface catalog: {c['translated']} translated, {c['fuzzy']} fuzzy, {c['untranslated']} untranslated")
    return 0


def run_bench(root: Path, args) -> int:
    import datetime as dt
    from . import bench
    if args.only != "brand":
        summary = bench.bench_builds(root, args.pages, args.runs)
        if args.write_page:
            when = f"on {dt.date.today().isoformat()}, {summary['cores']} cores, Python {sys.version.split()[0]}"
            try:
                changed = bench.write_results(args.write_page, bench.build_table(summary), when)
            except (OSError, ValueError) as exc:
                print(f"ipbes-site bench: {exc}", file=sys.stderr)
                return 2
            print(f"{args.write_page}: {'results updated' if changed else 'results unchanged (ratios and preview time the same to one decimal)'}")
    if args.only != "builds":
        bench.bench_brand_checks(root, args.site or root / "site", args.images)
    return 0


def run_check(root: Path, args) -> int:
    """Exit 0 without errors, 1 with errors, 2 for bad usage or input that cannot be read."""
    from .brand.findings import FORMATS
    from .brand.run import run_checks
    site = None if args.sources_only else (args.site or root / "site")
    if args.site and not args.site.is_dir():
        print(f"ipbes-site check: --site {args.site}: no such directory; build the site first (make site)", file=sys.stderr)
        return 2
    try:
        findings = run_checks(root, site if site and site.is_dir() else None, site.name if site else "site")
    except BuildError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("ipbes-site check: the rules or their data cannot be read; fix the files above", file=sys.stderr)
        return 2
    sys.stdout.write(FORMATS[args.format](findings))
    errors = sum(1 for f in findings if f.severity == "error")
    if args.format == "text":
        print(f"ipbes-site check: {errors} error(s), {len(findings) - errors} warning(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
