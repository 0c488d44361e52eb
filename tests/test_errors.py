"""Each broken file gives one clear message naming the file, the line and the fix."""

import shutil
from pathlib import Path

import pytest

from digest.cli import main
from digest.errors import DigestError, DigestErrors
from digest.load import load_article, load_articles

BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken"

CASES = [
    ("impossible-date.txt", 3, "date '2019-02-30' is not a real date; use YYYY-MM-DD"),
    ("malformed-yaml.txt", 4, "front matter is not valid YAML"),
    ("not-a-mapping.txt", 2, "front matter is not a mapping"),
    ("unclosed.txt", 1, "is never closed; add a line '---'"),
    ("title-is-a-list.txt", 3, "title is a list, not text"),
    ("date-not-a-date.txt", 2, "date 'last tuesday' is not a date; use YYYY-MM-DD"),
    ("empty.txt", None, "file is empty"),
    ("only-front-matter.txt", 4, "file has front matter but no text"),
    ("binary.txt", None, "file is binary"),
]


@pytest.mark.parametrize("name, line, message", CASES, ids=[case[0] for case in CASES])
def test_broken_file_error_names_file_line_and_fix(name, line, message):
    with pytest.raises(DigestError) as caught:
        load_article(BROKEN / name, BROKEN)
    error = caught.value
    errors = error.errors if isinstance(error, DigestErrors) else [error]
    shown = str(errors[0])
    assert shown.startswith(f"broken/{name}:" + (f"{line}:" if line else ""))
    assert message in shown


def test_every_bad_file_is_reported_in_one_run():
    result = load_articles(BROKEN)
    named = {error.path for error in result.errors}
    assert named == {f"broken/{name}" for name, _, _ in CASES}
    assert result.articles == ()


def test_build_with_bad_files_exits_1_and_writes_nothing(tmp_path, capsys):
    articles = tmp_path / "articles"
    shutil.copytree(BROKEN, articles)
    (articles / "good.txt").write_text("A good headline\n\nA good paragraph.\n")
    out_dir = tmp_path / "site"
    assert main(["--articles", str(articles), "--output", str(out_dir)]) == 1
    err = capsys.readouterr().err
    assert err.count("error: ") == len(CASES)
    assert "Traceback" not in err
    assert not out_dir.exists()


def test_keep_going_publishes_good_articles_and_still_exits_1(tmp_path, capsys):
    articles = tmp_path / "articles"
    shutil.copytree(BROKEN, articles)
    (articles / "good.txt").write_text("A good headline\n\nA good paragraph.\n")
    out_dir = tmp_path / "site"
    assert main(["--articles", str(articles), "--output", str(out_dir), "--keep-going"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("skipped: ") == len(CASES)
    assert f"{len(CASES)} skipped" in captured.out
    assert (out_dir / "articles" / "a-good-headline.html").is_file()


def test_unknown_front_matter_field_is_kept_with_a_warning(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("---\ntitle: T\nauthour: Someone\n---\nBody text.\n")
    article, warnings = load_article(path, tmp_path)
    assert article.extra == (("authour", "Someone"),)
    assert len(warnings) == 1 and str(warnings[0]).startswith(f"{tmp_path.name}/a.txt:3: unknown front matter field")


@pytest.mark.parametrize(
    "raw, expected_title, warns",
    [
        (b"\xef\xbb\xbfA headline with BOM\n\nText.\n", "A headline with BOM", False),
        (b"A headline\r\n\r\nText with CRLF.\r\n", "A headline", False),
        ("Caf\u00e9 society news\n\nText.\n".encode("cp1252"), "Caf\u00e9 society news", True),
    ],
    ids=["bom", "crlf", "windows-1252"],
)
def test_encodings_and_line_ends_are_read(tmp_path, raw, expected_title, warns):
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    article, warnings = load_article(path, tmp_path)
    assert article.title == expected_title
    assert bool(warnings) == warns
