"""The build end to end through the command line, as a user runs it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from digest.cli import main
from digest.write import MANIFEST

REPO = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_build_py_prints_one_summary_line(tmp_path):
    out_dir = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--articles", str(REPO / "articles"), "--output", str(out_dir)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(r"Built 5 articles into .*site: \d+ pages \(\d+ files\) in \d+\.\d\d s", lines[0])
    assert (out_dir / "index.html").is_file()


def test_every_page_kind_is_written(built_site):
    files = tree(built_site)
    expected = [
        "index.html", "topics/index.html", "archive/index.html", "articles.json", "assets/style.css",
        "articles/turkey-plans-to-cooperate-with-russia-in-syria.html", "topics/russia.html", "topics/euphrates.html",
        "archive/2018/12/24.html", "archive/2018/12/index.html", "archive/2018/index.html",
    ]
    assert set(expected) <= set(files)
    assert len([name for name in files if name.startswith("articles/")]) == 5
    assert len([name for name in files if name.startswith("topics/")]) == 7


def test_same_input_gives_byte_identical_output(tmp_path, articles_dir):
    first, second = tmp_path / "one", tmp_path / "two"
    env = {**os.environ, "TZ": "Pacific/Kiritimati", "LC_ALL": "C"}
    for out_dir, extra_env in [(first, {}), (second, env)]:
        subprocess.run([sys.executable, str(REPO / "build.py"), "--articles", str(articles_dir),
                        "--output", str(out_dir), "--quiet"], check=True, env=extra_env or None, cwd=tmp_path)
    assert tree(first) == tree(second)


def test_every_link_is_relative(built_site):
    for name, content in tree(built_site).items():
        if not name.endswith(".html"):
            continue
        for url in re.findall(r'(?:href|src)="([^"]*)"', content.decode()):
            original = url.startswith("https://") and "rel=" in content.decode()
            assert not url.startswith("/"), f"{name}: root-absolute link {url}"
            assert original or "://" not in url, f"{name}: absolute link {url}"


def test_rebuild_replaces_the_site_and_bad_input_keeps_the_old_one(tmp_path, articles_dir, capsys):
    out_dir = tmp_path / "site"
    assert main(["--articles", str(articles_dir), "--output", str(out_dir)]) == 0
    before = tree(out_dir)
    (articles_dir / "000_e83fb73f7fee90c4.txt").unlink()
    assert main(["--articles", str(articles_dir), "--output", str(out_dir)]) == 0
    assert "articles/turkey-plans-to-cooperate-with-russia-in-syria.html" not in tree(out_dir)
    (articles_dir / "broken.txt").write_text("---\ndate: 2019-02-30\n---\nText.\n")
    middle = tree(out_dir)
    assert main(["--articles", str(articles_dir), "--output", str(out_dir)]) == 1
    assert tree(out_dir) == middle != before
    assert "broken.txt:2: date '2019-02-30' is not a real date" in capsys.readouterr().err
    assert not list(tmp_path.glob(".site.*")), "a staging folder was left behind"


@pytest.mark.parametrize("choice", ["articles", "parent-of-articles", "root", "home"])
def test_build_refuses_output_folders_it_must_never_replace(tmp_path, articles_dir, capsys, choice):
    out_dir = {"articles": articles_dir, "parent-of-articles": articles_dir.parent, "root": Path("/"),
               "home": Path.home()}[choice]
    assert main(["--articles", str(articles_dir), "--output", str(out_dir)]) == 1
    assert "choose a folder of its own" in capsys.readouterr().err
    assert (articles_dir / "000_e83fb73f7fee90c4.txt").is_file()


def test_stray_file_in_output_is_reported_not_lost(tmp_path, articles_dir, capsys):
    out_dir = tmp_path / "site"
    assert main(["--articles", str(articles_dir), "--output", str(out_dir)]) == 0
    (out_dir / "notes.txt").write_text("mine")
    assert main(["--articles", str(articles_dir), "--output", str(out_dir)]) == 1
    assert "holds files digest did not write (notes.txt)" in capsys.readouterr().err
    assert (out_dir / "notes.txt").read_text() == "mine"


def test_foreign_non_empty_output_folder_is_refused(tmp_path, articles_dir, capsys):
    out_dir = tmp_path / "docs"
    out_dir.mkdir()
    (out_dir / "thesis.md").write_text("precious")
    assert main(["--articles", str(articles_dir), "--output", str(out_dir)]) == 1
    assert "was not written by digest" in capsys.readouterr().err
    assert (out_dir / "thesis.md").read_text() == "precious" and not (out_dir / MANIFEST).exists()


def test_article_content_is_escaped_everywhere(tmp_path, write_article, capsys):
    write_article("evil.txt", (
        '---\ntitle: "<script>alert(1)</script> {{ 7*7 }}"\nsource: "<img src=x onerror=alert(2)>"\n'
        'url: "javascript:alert(3)"\n---\n<b>Body</b> about Russia {% if true %}.\n'
    ))
    out_dir = tmp_path / "site"
    assert main(["--articles", str(tmp_path / "articles"), "--output", str(out_dir)]) == 0
    assert "is not a web address, so it is shown as text" in capsys.readouterr().err
    pages = {name: content.decode() for name, content in tree(out_dir).items() if name.endswith(".html")}
    for name, text in pages.items():
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>Body" not in text, name
        assert 'href="javascript:' not in text, name
    article_page = next(text for name, text in pages.items() if name.startswith("articles/"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in article_page
    assert "{% if true %}" in article_page


def test_version_and_help_exit_0(capsys):
    assert main(["--version"]) == 0
    assert main(["--help"]) == 0
    assert "`python build.py` in a clone is `digest build`" in capsys.readouterr().out


def test_unknown_option_is_a_usage_error(capsys):
    assert main(["--no-such-option"]) == 2
