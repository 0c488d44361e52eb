"""Each broken file gives one clear message naming the file, the line and the fix."""

import re
import shutil
from pathlib import Path

import pytest

from digest.cli import main
from digest.errors import DigestError, DigestErrors
from digest.load import load_article, load_articles, parse_article

BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken"
ARTICLES = Path(__file__).resolve().parent.parent / "articles"

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
    ("duplicate-field.txt", 4, "front matter field 'title' is given twice (first on line 2); keep one"),
    ("nested-markdown.md", 5, "Markdown quotes and lists are nested too deeply here"),
    ("yaml-alias.txt", 4, "front matter uses the alias *lol; write the value out"),
    ("yaml-tag.txt", 3, "front matter uses the tag !!python/object/apply:os.system; remove it"),
    ("yaml-too-deep.txt", 3, "front matter nests values more than 32 levels deep"),
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
        ("Espa\u00f1a a\u00f1o news\n\nText.\n".encode("latin-1"), "Espa\u00f1a a\u00f1o news", True),
        ("UTF-16 headline \u00e9\n\nText.\n".encode("utf-16"), "UTF-16 headline \u00e9", True),
        (b"A head\x07line\x0c\n\nText\x1b[2J.\n", "A headline", True),
    ],
    ids=["bom", "crlf", "windows-1252", "latin-1", "utf-16", "control-characters"],
)
def test_encodings_and_line_ends_are_read(tmp_path, raw, expected_title, warns):
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    article, warnings = load_article(path, tmp_path)
    assert article.title == expected_title
    assert bool(warnings) == warns


def test_yaml_tag_is_never_executed(tmp_path):
    with pytest.raises(DigestError):
        load_article(BROKEN / "yaml-tag.txt", BROKEN)
    assert not Path("/tmp/digest-pwned").exists()


# Made at test time rather than committed: 50 MB of fixture would weigh on every clone.
GENERATED = [
    ("huge.txt", lambda: "A headline about a dump\n\n" + "A sentence of filler text.\n" * 1_900_000, None,
     "file is 51.3 MB, more than the 2 MB an article may be"),
    ("long-line.txt", lambda: "A headline\n\nA first paragraph.\n" + "word " * 210_000 + "\n", 4,
     "line is 1,050,000 characters long, more than the 100,000 a line may hold"),
]


@pytest.mark.parametrize("name, make, line, message", GENERATED, ids=[case[0] for case in GENERATED])
def test_oversized_file_error_names_file_line_and_fix(tmp_path, name, make, line, message):
    path = tmp_path / name
    path.write_text(make())
    with pytest.raises(DigestError) as caught:
        load_article(path, tmp_path)
    assert str(caught.value).startswith(f"{tmp_path.name}/{name}:" + (f"{line}:" if line else ""))
    assert message in str(caught.value)


def test_keep_going_reports_every_bad_file_of_every_kind_in_one_run(tmp_path, capsys):
    articles = tmp_path / "articles"
    shutil.copytree(BROKEN, articles)
    for name, make, _, _ in GENERATED:
        (articles / name).write_text(make())
    (tmp_path / "elsewhere.txt").write_text("A file outside the articles folder.\n")
    (articles / "link-out.txt").symlink_to(tmp_path / "elsewhere.txt")
    (articles / "good.txt").write_text("A good headline\n\nA good paragraph.\n")
    out_dir = tmp_path / "site"
    assert main(["--articles", str(articles), "--output", str(out_dir), "--keep-going"]) == 1
    captured = capsys.readouterr()
    skipped = [line for line in captured.err.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == len(CASES) + len(GENERATED) + 1
    assert "Traceback" not in captured.err
    assert all(re.match(r"skipped: articles/[^:]+(:\d+)?: .+; .+", line) for line in skipped), skipped
    assert [path.name for path in (out_dir / "articles").iterdir()] == ["a-good-headline.html"]


@pytest.mark.parametrize("taxonomy, message", [
    ("duplicate_slug.yaml", "duplicate_slug.yaml:5: duplicate topic slug 'russia' (also line 2)"),
    ("empty_alias.yaml", "empty_alias.yaml:7: an alias of topic 'Russia' is empty"),
], ids=["duplicate-slug", "empty-alias"])
def test_bad_taxonomy_stops_the_build_with_its_line(tmp_path, capsys, taxonomy, message):
    out_dir = tmp_path / "site"
    taxonomy_path = Path(__file__).resolve().parent / "fixtures" / "taxonomy" / taxonomy
    args = ["--articles", str(ARTICLES), "--output", str(out_dir), "--taxonomy", str(taxonomy_path)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out_dir.exists()


def test_topic_slug_that_claims_another_page_is_an_error_naming_both(tmp_path, capsys):
    taxonomy_path = tmp_path / "taxonomy.yaml"
    taxonomy_path.write_text("topics:\n  - slug: index\n    name: Index\n    kind: place\n    aliases: [Turkey]\n")
    out_dir = tmp_path / "site"
    assert main(["--articles", str(ARTICLES), "--output", str(out_dir), "--taxonomy", str(taxonomy_path)]) == 1
    err = capsys.readouterr().err
    assert "topic 'index'" in err and "the topics overview" in err and "topics/index.html" in err
    assert not out_dir.exists()


@pytest.mark.parametrize("front_matter, line, message", [
    ("date: !!timestamp 2019-02-30", 2, "uses the tag !!timestamp"),
    ("flags: !!set {a, b}", 2, "uses the tag !!set"),
    ("n: 0b_", 2, "front matter value cannot be read"),
    ("a: {[x]: y}", 2, "front matter value cannot be read (found unhashable key)"),
    ("<<: {title: x}", 2, "front matter value cannot be read"),
], ids=["bad-timestamp-tag", "set-tag", "unconvertible-number", "list-as-key", "merge-key"])
def test_yaml_that_pyyaml_cannot_construct_is_a_clear_error(front_matter, line, message):
    with pytest.raises(DigestError) as caught:
        parse_article(f"---\n{front_matter}\n---\nBody text.\n", "a.txt")
    assert str(caught.value).startswith(f"a.txt:{line}: ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_fields_become_plain_json_values():
    article, _ = parse_article("---\nscore: .nan\nlimits: {1: -.inf}\n---\nBody text.\n", "a.txt")
    assert article.extra == (("score", "nan"), ("limits", {"1": "-inf"}))


def test_unreadable_file_is_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("A headline\n\nText.\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)  # chmod cannot stop root, who runs CI
    with pytest.raises(DigestError, match=r"locked\.txt: file cannot be read \(Permission denied\); check"):
        load_article(path, tmp_path)
