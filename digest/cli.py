"""Command line: ``digest build|serve|check|new``; arguments in, exit codes out.

Without a sub-command, digest builds: ``python build.py --output public`` is ``digest build
--output public``. Exit codes: 0 done, 1 bad input (every problem printed as
``path:line: message``), 2 usage, 3 the build could not run (the site busy with another
build, or a file the system would not read or write), 130 interrupted.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import traceback
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .config import CONFIG_NAME, PATH_KEYS, Project, check_setting, load_project, setting_types
from .console import Console
from .errors import DigestError, DigestErrors, system_error
from .lock import SiteBusy
from .pipeline import BuildReport, build_site
from .site import Settings
from .workers import WorkerDied

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE, EXIT_CANNOT_RUN, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
COMMANDS = ("build", "serve", "check", "new")
DEFAULT_PORT = 8000

_DESCRIPTION = "Turn a folder of news articles (.txt and .md) into a static HTML news digest."
_EPILOG = f"""\
Without a command, digest builds: `python build.py` in a clone is `digest build`.
Settings come from {CONFIG_NAME} in the current folder (or --config FILE); flags override it.
Exit codes: 0 done, 1 bad input (each problem as path:line: message), 2 usage,
3 the build could not run (another build of the site, a file the system refused), 130 interrupted.

examples:
  digest build                         build articles/ into site/
  digest serve                         preview on http://127.0.0.1:{DEFAULT_PORT}/, rebuilt on every change
  digest check --json > report.json    list what to fix in the articles, without building
  pbpaste | digest new --title "..."   add an article from the text of a page
  digest COMMAND --help                the options of one command
"""

_EXAMPLES = {
    "build": """\
examples:
  digest build
  digest build --articles ~/news --output public --title "Syria watch"
  python build.py --output public      the same, from a clone without installing
""",
    "serve": f"""\
Builds into a temporary folder (or --output DIR), serves it on 127.0.0.1 and rebuilds when
articles/, the taxonomy, {CONFIG_NAME} or templates/ change; open pages reload themselves.
Press Ctrl-C to stop.

examples:
  digest serve
  digest serve --port 8001             when port {DEFAULT_PORT} is taken
""",
    "check": """\
Reports undated and untagged articles, aliases that never matched, topics with no
articles, duplicate-looking articles, boilerplate left in bodies and front matter problems.
Exits 1 when a file would stop the build (or, with --strict, on any finding).

examples:
  digest check
  digest check --json > report.json
""",
    "new": """\
The body is read from standard input: paste the text of the page (end with Ctrl-D), or pipe it.

examples:
  digest new --title "Kremlin comments on Idlib" --date 2019-08-26 --source TASS \\
             --url https://example.org/kremlin-idlib < page.txt
  xclip -o | digest new --date 2020-02-19 --source Sputnik
""",
}


def make_parser(prog: str = "digest") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=_DESCRIPTION, epilog=_EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")

    project = argparse.ArgumentParser(add_help=False)
    project.add_argument("--config", type=Path, metavar="FILE",
                         help=f"configuration file (default: {CONFIG_NAME} in the current folder, if any)")
    project.add_argument("--articles", type=Path, metavar="DIR",
                         help=f"folder of article files (default: {PATH_KEYS['articles']})")
    project.add_argument("--taxonomy", type=Path, metavar="FILE",
                         help="taxonomy YAML of topics and people (default: the one shipped with digest)")

    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("--templates", type=Path, metavar="DIR",
                      help=f"your templates and assets, used before digest's own (default: {PATH_KEYS['templates']})")
    _add_setting_flags(site)
    site.add_argument("--keep-going", action="store_true",
                      help="publish the good articles when some files are bad; still exits 1")

    output = argparse.ArgumentParser(add_help=False)
    loudness = output.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", "-q", action="store_true", help="print only warnings and errors")
    loudness.add_argument("--verbose", "-v", action="store_true",
                          help="also print the configuration used and the time of each stage")

    def add_command(name: str, help_text: str, parents: list) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, description=help_text, epilog=_EXAMPLES[name],
                                   parents=parents, formatter_class=argparse.RawDescriptionHelpFormatter)

    build = add_command("build", "build the site (the default command)", [project, site, output])
    build.add_argument("--output", type=Path, metavar="DIR",
                       help=f"folder to write the site into; replaced whole on success (default: {PATH_KEYS['output']})")
    build.set_defaults(run=run_build)

    serve = add_command("serve", "preview the site on this computer, rebuilt on every change",
                        [project, site, output])
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                       help=f"port on 127.0.0.1 (default: {DEFAULT_PORT}; 0 picks a free one)")
    serve.add_argument("--output", type=Path, metavar="DIR",
                       help="build into this folder instead of a temporary one")
    serve.set_defaults(run=run_serve)

    check = add_command("check", "report problems in the articles and the taxonomy, without building", [project])
    check.add_argument("--json", action="store_true", help="print the report as JSON (schema digest-check/1)")
    check.add_argument("--strict", action="store_true", help="exit 1 on any finding, not only on bad files")
    check.set_defaults(run=run_check)

    new = add_command("new", "create an article file from options and the text on standard input", [])
    new.add_argument("--config", type=Path, metavar="FILE",
                     help=f"configuration file that names the articles folder (default: {CONFIG_NAME})")
    new.add_argument("--articles", type=Path, metavar="DIR",
                     help=f"folder to create the file in (default: {PATH_KEYS['articles']})")
    new.add_argument("--title", metavar="TEXT", help="the headline (default: found in the text, as a build would)")
    new.add_argument("--date", metavar="YYYY-MM-DD", help="the publication date")
    new.add_argument("--source", metavar="TEXT", help="the publisher, e.g. Reuters")
    new.add_argument("--url", metavar="URL", help="the address of the original")
    new.set_defaults(run=run_new)
    return parser


def _add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """Add a flag per setting (--summary-length for summary_length), so that any key can be overridden."""
    defaults = {field.name: field.default for field in dataclasses.fields(Settings)}
    converters = {int: (int, "N"), float: (float, "NUMBER"), str: (str, "TEXT")}
    for key, expected in setting_types().items():
        flags = [f"--{key.replace('_', '-')}"] + (["--title"] if key == "site_title" else [])
        shown = {None: "not set", "": "empty"}.get(defaults[key], defaults[key])
        help_text = f"{key} in {CONFIG_NAME} (default: {shown})"
        plain = _plain_type(expected)
        if plain is bool:
            parser.add_argument(*flags, dest=key, action=argparse.BooleanOptionalAction, help=help_text)
        elif plain in converters:
            convert, metavar = converters[plain]
            parser.add_argument(*flags, dest=key, type=convert, metavar=metavar, help=help_text)
        # Lists and other shapes are set in the configuration file only.


def _plain_type(expected: Any) -> Any:
    """Return int for ``int`` and for ``int | None``; other unions and generics as they are."""
    options = [option for option in getattr(expected, "__args__", (expected,)) if option is not type(None)]
    return options[0] if len(options) == 1 else expected


def run() -> NoReturn:
    """Run the command line as a program and exit with its code, without tearing down.

    Python frees every object of a large build one by one on its way out, and then looks
    for cycles among them all: ten seconds after a 10,000-article build. The operating
    system takes the memory back at once. Everything the build writes is flushed and
    closed by then, and digest registers nothing to run at exit.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    prog = "build.py" if Path(sys.argv[0]).name == "build.py" else "digest"
    parser = make_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    console = Console(quiet=getattr(args, "quiet", False), verbose=getattr(args, "verbose", False))
    try:
        problem = _check_setting_flags(args)
        if problem:
            print(f"{prog} {args.command}: error: {problem}", file=sys.stderr)
            return EXIT_USAGE
        return args.run(args, console)
    except (SiteBusy, WorkerDied, OSError) as exc:
        # Not the input's fault: the same command may succeed later, as it stands.
        if console.verbose and isinstance(exc, OSError):
            traceback.print_exc()  # where in digest the system said no
        console.error(str(system_error(exc) if isinstance(exc, OSError) else exc))
        if args.command == "build":
            print("Nothing half-built was published: the output folder holds a whole site.", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except DigestError as exc:
        errors = exc.errors if isinstance(exc, DigestErrors) else [exc]
        for error in errors:
            console.error(str(error))
        if args.command == "build":
            count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
            print(f"Nothing was written: {count}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Interrupted; the previous site is left as it was." if args.command == "build" else "Interrupted.",
              file=sys.stderr)
        return EXIT_INTERRUPTED


def _check_setting_flags(args: argparse.Namespace) -> str | None:
    """Return what is wrong with a setting given as a flag (--summary-length 5), or None."""
    for key in setting_types():
        value = getattr(args, key, None)
        if value is None:
            continue
        try:
            check_setting(key, value)
        except DigestError as exc:
            return f"argument --{key.replace('_', '-')}: {exc.message}"
    return None


def project_of(args: argparse.Namespace) -> Project:
    """Return the project: the configuration file, overridden by the flags that were given."""
    overrides = {key: getattr(args, key, None) for key in (*PATH_KEYS, *setting_types())}
    return load_project(args.config, overrides)


def build_project(project: Project, out_dir: Path, console: Console, keep_going: bool) -> BuildReport:
    """Build ``project`` into ``out_dir``; warnings are kept on the console for the end."""
    progress = console.progress()
    try:
        report = build_site(
            project.articles_dir,
            out_dir,
            taxonomy_path=project.taxonomy_path,
            settings=project.settings,
            keep_going=keep_going,
            project_dir=project.root,
            templates_dir=project.templates_dir,
            progress=progress,
        )
    finally:
        progress.finish()
    for warning in report.warnings:
        console.warn(warning)
    for skipped in report.skipped:
        console.warn(skipped, label="skipped")
    return report


def describe_project(project: Project, console: Console) -> None:
    """Print, when verbose, where each input of the build comes from."""
    console.detail(f"configuration: {project.config_path or 'none (' + CONFIG_NAME + ' not found), defaults used'}")
    console.detail(f"articles: {project.articles_dir}")
    console.detail(f"taxonomy: {project.taxonomy_path or 'the one shipped with digest'}")
    found = "found" if project.templates_dir.is_dir() else "not found, digest's own used"
    console.detail(f"templates: {project.templates_dir} ({found})")


def summary_line(report: BuildReport, warnings: int) -> str:
    """Return the build's last line: counts, time and, when there were any, warnings."""
    suffix = f"; {warnings} warning{'s' if warnings != 1 else ''} above" if warnings else ""
    return report.summary() + suffix


def run_build(args: argparse.Namespace, console: Console) -> int:
    project = project_of(args)
    describe_project(project, console)
    out_dir = args.output or project.out_dir
    report = build_project(project, out_dir, console, args.keep_going)
    warnings = console.show_warnings()
    console.info(summary_line(report, warnings))
    return EXIT_BAD_INPUT if report.skipped else EXIT_OK


def run_serve(args: argparse.Namespace, console: Console) -> int:
    from .serve import serve

    return serve(
        lambda: project_of(args),
        lambda project, out_dir: build_project(project, out_dir, console, args.keep_going),
        port=args.port,
        out_dir=args.output,
        console=console,
    )


def run_check(args: argparse.Namespace, console: Console) -> int:
    from .check import check_project

    project = project_of(args)
    report = check_project(project.articles_dir, project.taxonomy_path)
    print(report.to_json() if args.json else report.format_text(), end="")
    if report.errors or (args.strict and report.findings):
        return EXIT_BAD_INPUT
    return EXIT_OK


def run_new(args: argparse.Namespace, console: Console) -> int:
    from .new import new_article

    project = load_project(args.config, {"articles": args.articles})
    if sys.stdin.isatty():
        print("Paste the article's text, then press Ctrl-D on a line of its own:", file=sys.stderr)
    path, warnings = new_article(project.articles_dir, sys.stdin.read(), title=args.title, date=args.date,
                                 source=args.source, url=args.url)
    for warning in warnings:
        console.warn(warning)
    console.show_warnings()
    console.info(f"Created {path}")
    return EXIT_OK
