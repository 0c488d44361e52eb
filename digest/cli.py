"""Command line: parse arguments, run the build, turn errors into messages and exit codes.

Exit codes: 0 built, 1 bad input (every problem printed as path:line: message), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import DigestError, DigestErrors
from .pipeline import build_site
from .site import Settings

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build a static HTML news digest from a folder of articles (.txt and .md).",
        epilog="Example: python build.py --articles articles --output site",
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    parser.add_argument("--articles", type=Path, default=Path("articles"), metavar="DIR",
                        help="folder of article files (default: articles)")
    parser.add_argument("--output", type=Path, default=Path("site"), metavar="DIR",
                        help="folder to write the site into; replaced whole on success (default: site)")
    parser.add_argument("--taxonomy", type=Path, default=None, metavar="FILE",
                        help="taxonomy YAML of topics and people (default: the one shipped with digest)")
    parser.add_argument("--title", default=Settings.site_title, help="site title (default: %(default)s)")
    parser.add_argument("--keep-going", action="store_true",
                        help="publish the good articles when some files are bad; still exits 1")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    try:
        report = build_site(
            args.articles,
            args.output,
            taxonomy_path=args.taxonomy,
            settings=Settings(site_title=args.title),
            keep_going=args.keep_going,
            project_dir=Path.cwd() if (Path.cwd() / "pyproject.toml").exists() else None,
        )
    except DigestError as exc:
        errors = exc.errors if isinstance(exc, DigestErrors) else [exc]
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"Nothing was written: {len(errors)} problem{'s' if len(errors) != 1 else ''}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for skipped in report.skipped:
        print(f"skipped: {skipped}", file=sys.stderr)
    if not args.quiet:
        print(report.summary())
    return EXIT_BAD_INPUT if report.skipped else EXIT_OK
