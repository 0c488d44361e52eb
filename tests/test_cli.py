"""The command line as people run it: sub-commands, help, exit codes, output, themes."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from digest.cli import COMMANDS, main
from digest.config import config_keys
from digest.console import PROGRESS_THRESHOLD, Console, ProgressBar
from digest.pipeline import build_site

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "articles"


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch, articles_dir):
    """A project folder with the five articles, as the current folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- help, version, exit codes ------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help_with_an_example(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: digest {command}")
    assert re.search(rf"examples:\n  (digest {command}|\S.*\| digest {command})", out), out


def test_top_help_lists_every_command_and_the_exit_codes(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert re.search(rf"^    {command} ", out, re.MULTILINE), command
    assert "Exit codes: 0 done, 1 bad input" in out


def test_version(capsys):
    assert main(["--version"]) == 0
    assert re.fullmatch(r"digest \d+\.\d+\.\d+\n", capsys.readouterr().out)


USAGE_ERRORS = [
    ("unknown-command", ["biuld"]),
    ("unknown-option", ["build", "--no-such-option"]),
    ("port-not-a-number", ["serve", "--port", "eighty"]),
    ("setting-below-its-least", ["build", "--summary-length", "3"]),
    ("quiet-and-verbose", ["build", "--quiet", "--verbose"]),
]


@pytest.mark.parametrize("argv", [case[1] for case in USAGE_ERRORS], ids=[case[0] for case in USAGE_ERRORS])
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "error" in capsys.readouterr().err


def test_bad_configuration_exits_1_naming_file_and_line(project, capsys):
    (project / "digest.yaml").write_text("site_title: News\nsummary_lenght: 200\n")
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "error: digest.yaml:2: unknown key 'summary_lenght'; did you mean 'summary_length'?" in err
    assert not (project / "site").exists()


def test_installed_command_and_python_m_digest_run_the_same_cli(tmp_path):
    result = subprocess.run([sys.executable, "-m", "digest", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("digest ")


# --- build: configuration, flags, output --------------------------------------------------


def test_build_without_sub_command_reads_digest_yaml_and_flags_override_it(project, capsys):
    (project / "digest.yaml").write_text("site_title: From the file\noutput: public\n")
    assert main(["--quiet"]) == 0
    assert "<title>From the file</title>" in (project / "public" / "index.html").read_text()
    assert main(["build", "--title", "From the flag", "--output", "flagged", "--quiet"]) == 0
    assert "<title>From the flag</title>" in (project / "flagged" / "index.html").read_text()
    assert capsys.readouterr().out == ""


def test_quiet_prints_nothing_and_verbose_prints_inputs_and_stage_times(project, capsys):
    assert main(["build", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["build", "--verbose", "--output", "another-site"]) == 0
    out = capsys.readouterr().out
    assert "configuration: none (digest.yaml not found), defaults used" in out
    for stage in ("load", "plan", "write"):
        assert re.search(rf"^  {stage}: \d+\.\d\d s$", out, re.MULTILINE), stage
    assert re.search(r"^Built 5 articles into another-site: \d+ pages \(\d+ files\) in \d+\.\d\d s$", out,
                     re.MULTILINE)
    assert main(["build", "--verbose", "--output", "another-site"]) == 0
    assert re.search(r"^Nothing changed: another-site is up to date with 5 articles", capsys.readouterr().out,
                     re.MULTILINE)


def test_warnings_are_shown_once_at_the_end_and_counted_in_the_summary(project, capsys):
    (project / "articles" / "extra.txt").write_text("---\ntitle: Extra\nauthour: Me\n---\nRussia said so.\n")
    assert main(["build"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("warning: ") == 1
    assert "articles/extra.txt:3: unknown front matter field 'authour'" in captured.err
    assert captured.out.strip().endswith("; 1 warning above")


def test_build_reports_progress_for_every_stage(tmp_path):
    calls = []
    build_site(ARTICLES, tmp_path / "site", progress=lambda stage, done, total: calls.append((stage, done, total)))
    stages = [stage for stage, _, _ in calls]
    assert list(dict.fromkeys(stages)) == ["load", "plan", "write"]  # "load" reads and tags
    load = [(done, total) for stage, done, total in calls if stage == "load"]
    assert load[0] == (0, 5) and load[-1] == (5, 5)


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(
    "total, terminal, quiet, drawn",
    [(PROGRESS_THRESHOLD, True, False, True), (PROGRESS_THRESHOLD - 1, True, False, False),
     (PROGRESS_THRESHOLD, False, False, False), (PROGRESS_THRESHOLD, True, True, False)],
    ids=["long-build-on-terminal", "short-build", "piped", "quiet"],
)
def test_progress_bar_only_for_long_builds_on_a_terminal(total, terminal, quiet, drawn):
    err = FakeTerminal() if terminal else io.StringIO()
    progress = Console(quiet=quiet, err=err, out=io.StringIO()).progress()
    for done in range(total + 1):
        progress("load", done, total)
    progress.finish()
    text = err.getvalue()
    assert (f"load {total}/{total}" in text) == drawn
    if drawn:
        assert f"[{'#' * 24}] 100%" in text and text.endswith("\r\x1b[K")  # the bar is cleared at the end


def test_progress_reports_stage_times_to_the_verbose_output():
    times = []
    progress = ProgressBar(None, times.append)
    progress("load", 0, 2)
    progress("tag", 0, 2)
    progress.finish()
    assert [line.split(":")[0] for line in times] == ["  load", "  tag"]


def test_console_shows_each_warning_once_per_run():
    err = io.StringIO()
    console = Console(err=err, out=io.StringIO())
    console.warn("a.txt:1: odd")
    console.warn("a.txt:1: odd")
    assert console.show_warnings() == 1
    console.warn("a.txt:1: odd")  # the same warning from a later rebuild of a preview
    assert console.show_warnings() == 0
    assert err.getvalue() == "warning: a.txt:1: odd\n"


# --- themes -------------------------------------------------------------------------------


def test_a_template_or_the_css_in_templates_overrides_only_that_file(project, built_site):
    templates = project / "templates"
    (templates / "assets").mkdir(parents=True)
    (templates / "assets" / "style.css").write_text("body { color: teal; }\n")
    (templates / "index.html").write_text(
        '{% extends "_list.html" %}\n{% block title %}My own front page · {{ site_title }}{% endblock %}\n')
    assert main(["build", "--quiet"]) == 0
    themed, default = files_of(project / "site"), files_of(built_site)
    assert themed["assets/style.css"] == b"body { color: teal; }\n"
    assert "<title>My own front page · News digest</title>" in themed["index.html"].decode()
    changed = sorted(name for name in default if themed.get(name) != default[name])
    assert changed == ["assets/style.css", "index.html"]


# --- documentation ------------------------------------------------------------------------


def test_readme_shows_the_current_digest_help(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "100")
    main(["--help"])
    shown = capsys.readouterr().out
    readme = (REPO / "README.md").read_text()
    block = re.search(r"```console\n\$ digest --help\n(.*?)```", readme, re.DOTALL)
    assert block, "README has no ```console block starting with '$ digest --help'"
    assert block.group(1) == shown, "README's digest --help is out of date: paste the new output"


def test_readme_documents_every_configuration_key():
    readme = (REPO / "README.md").read_text()
    missing = [key for key in config_keys() if not re.search(rf"^\| `{key}` \|", readme, re.MULTILINE)]
    assert not missing, f"README's configuration table lacks {missing}"


def test_readme_lists_every_template_with_its_context():
    readme = (REPO / "README.md").read_text()
    templates = sorted(path.name for path in (REPO / "templates").glob("*.html"))
    missing = [name for name in templates if not re.search(rf"^\| `{re.escape(name)}` \|", readme, re.MULTILINE)]
    assert not missing, f"README's template table lacks {missing}"
