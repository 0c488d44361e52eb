"""digest new: an article file from options and standard input, read back as a build reads it."""

import io
import subprocess
import sys

import pytest

from digest.cli import main
from digest.load import load_article

PASTED = """\
MOSCOW (Sputnik) — The Kremlin said on Monday that talks with Ankara would go on.\r
\r
Subscribe to our newsletter\r
\r
Dmitry Peskov added that "all channels: open" # not a comment.\r
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_new(monkeypatch, argv, stdin: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["new", *argv])


def test_new_writes_front_matter_and_the_pasted_body(project, monkeypatch, capsys):
    title = 'Kremlin: "talks go on" #2'
    assert run_new(monkeypatch, ["--title", title, "--date", "2019-08-26", "--source", "Sputnik",
                                 "--url", "https://example.org/x"], PASTED) == 0
    path = project / "articles" / "2019-08-26-kremlin-talks-go-on-2.txt"
    assert capsys.readouterr().out == f"Created {path.relative_to(project)}\n"
    article, warnings = load_article(path, project / "articles")
    assert (article.title, article.source, article.date.isoformat(), article.url) == (
        title, "Sputnik", "2019-08-26", "https://example.org/x")
    assert warnings == []
    assert [removal.rule for removal in article.removed] == ["call-to-action"]  # the build cleans the paste
    assert "\r" not in path.read_text() and path.read_text().startswith('---\ntitle: "Kremlin: \\"talks go on\\" #2"\n')


def test_without_options_the_title_is_found_as_a_build_finds_it(project, monkeypatch):
    assert run_new(monkeypatch, [], "Turkey and Russia agree on patrols\n\nThe two sides met on Friday.\n") == 0
    path = project / "articles" / "turkey-and-russia-agree-on-patrols.txt"
    assert path.read_text() == "Turkey and Russia agree on patrols\n\nThe two sides met on Friday.\n"


def test_new_never_replaces_an_existing_file(project, monkeypatch, capsys):
    assert run_new(monkeypatch, ["--title", "Same", "--date", "2020-01-01"], "First text.\n") == 0
    assert run_new(monkeypatch, ["--title", "Same", "--date", "2020-01-01"], "Second text.\n") == 1
    assert "already exists" in capsys.readouterr().err
    assert (project / "articles" / "2020-01-01-same.txt").read_text().endswith("First text.\n")


@pytest.mark.parametrize(
    "argv, stdin, message",
    [
        (["--title", "T"], " \n\n", "no article text on standard input"),
        (["--date", "2019-02-30"], "Text.\n", "--date '2019-02-30' is not a date; use YYYY-MM-DD"),
        (["--title", "T"], "---\ntitle: Other\n---\nText.\n", "starts with its own front matter"),
    ],
    ids=["empty-input", "impossible-date", "front-matter-twice"],
)
def test_bad_input_exits_1_and_writes_nothing(project, monkeypatch, capsys, argv, stdin, message):
    assert run_new(monkeypatch, argv, stdin) == 1
    assert message in capsys.readouterr().err
    assert not (project / "articles").exists()


def test_new_reads_a_pipe_as_people_use_it(project):
    result = subprocess.run([sys.executable, "-m", "digest", "new", "--title", "Piped", "--articles", "inbox"],
                            input="Piped text about Syria.\n", capture_output=True, text=True, cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "inbox" / "piped.txt").is_file()
