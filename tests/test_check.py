"""digest check: every kind of finding, as text and as JSON, and its exit codes."""

import json

import pytest

from digest.check import KINDS, check_project
from digest.cli import main

TAXONOMY = """\
topics:
  - slug: russia
    name: Russia
    kind: actor
    aliases: [Kremlin, Muscovy]
  - slug: atlantis
    name: Atlantis
    kind: place
"""

LONG_STORY = (
    "Russian officials met in Sochi on Tuesday to discuss grain exports through the Black Sea ports. "
    "The talks lasted six hours and ended without a joint statement from either delegation. "
    "A spokesman said further meetings would be held next month in the capital after consultations. "
    "Observers noted that shipping insurance costs had doubled since the spring and traders were cautious. "
    "Farmers in the south said the harvest was the largest in a decade despite the dry summer weather."
)

ARTICLES = {
    "a-story.txt": f"---\ntitle: Grain talks in Sochi\ndate: 2020-01-02\n---\nRussia and the Kremlin. {LONG_STORY}\n",
    # The same story again, with a newsletter pitch appended: duplicate-looking, not identical.
    "b-copy.txt": f"---\ntitle: Sochi grain talks end\ndate: 2020-01-03\n---\nRussia and the Kremlin. {LONG_STORY}\n\n"
                  "Our reporters cover the region every day for readers like you.\n",
    "c-undated.txt": "Moscow is cold.\n\nThe full text is at www.example.com/cold, the Kremlin said.\n\n"
                     "The Kremlin said nothing about the weather.\n",
    "d-untagged.txt": "---\ntitle: Weather\ndate: 2020-01-04\n---\nIt rained all day in Lisbon and nobody minded.\n",
    "e-bad.txt": "---\ndate: 2019-02-30\n---\nRussia.\n",
    "f-typo.txt": "---\ntitle: Field typo\ndate: 2020-01-05\nautor: Me\n---\nRussia again.\n\nPrinted in Paris.\n",
    "g-furniture.txt": "---\ntitle: Other news\ndate: 2020-01-06\n---\nRussia spoke.\n\nPrinted in Paris.\n",
    "h-furniture.txt": "---\ntitle: More news\ndate: 2020-01-07\n---\nRussia spoke again today.\n\nPrinted in Paris.\n",
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "articles").mkdir()
    for name, text in ARTICLES.items():
        (tmp_path / "articles" / name).write_text(text)
    (tmp_path / "topics.yaml").write_text(TAXONOMY)
    (tmp_path / "digest.yaml").write_text("taxonomy: topics.yaml\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


EXPECTED = [
    ("bad-file", "articles/e-bad.txt", 2, "date '2019-02-30' is not a real date"),
    ("front-matter", "articles/f-typo.txt", 4, "unknown front matter field 'autor'"),
    ("undated", "articles/c-undated.txt", None, "no full publication date"),
    ("untagged", "articles/d-untagged.txt", None, "'Weather' mentions no topic"),
    ("duplicate", "articles/b-copy.txt", None, "of its phrases with articles/a-story.txt"),
    ("boilerplate", "articles/c-undated.txt", 3, "paragraph holds a web address: 'The full text is at www."),
    ("boilerplate", "articles/f-typo.txt", 8, "the paragraph 'printed in paris' recurs in 3 articles"),
    ("unmatched-alias", "topics.yaml", 5, "alias 'Muscovy' of topic 'Russia' never matched"),
    ("empty-topic", "topics.yaml", 6, "topic 'Atlantis' (atlantis) is mentioned in no article"),
]


def test_check_finds_each_kind_with_file_and_line(project):
    report = check_project(project / "articles", project / "topics.yaml")
    found = [(finding.kind, finding.path.replace(f"{project}/", ""), finding.line, finding.message)
             for finding in report.findings]
    assert len(found) == len(EXPECTED), "\n".join(map(str, found))
    for (kind, path, line, message), expected in zip(found, EXPECTED):
        assert (kind, path, line) == expected[:3]
        assert expected[3] in message, message
    assert report.articles == 7


def test_json_report_counts_every_kind_and_exit_code_is_1_for_a_bad_file(project, capsys):
    assert main(["check", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["schema"] == "digest-check/1"
    assert list(document["counts"]) == list(KINDS)
    assert document["counts"]["boilerplate"] == 2 and document["counts"]["untagged"] == 1
    assert {"kind", "path", "line", "message"} == set(document["findings"][0])


def test_readable_report_has_a_section_per_kind_found(project, capsys):
    (project / "articles" / "e-bad.txt").unlink()
    assert main(["check"]) == 0  # findings are advice; only a file the build rejects fails the check
    out = capsys.readouterr().out
    assert out.startswith("Checked 7 articles in articles against topics.yaml; nothing was built.")
    assert "Undated articles (1)\n  articles/c-undated.txt: no full publication date" in out
    assert "Topics with no articles (1)\n  topics.yaml:6: topic 'Atlantis'" in out
    assert "Files the build would reject" not in out
    assert main(["check", "--strict"]) == 1


def test_check_builds_nothing(project):
    main(["check"])
    assert sorted(path.name for path in project.iterdir()) == ["articles", "digest.yaml", "topics.yaml"]


def test_identical_copies_are_reported_once_each_against_the_first(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("one.txt", "two.txt", "three.txt"):
        (folder / name).write_text(f"---\ntitle: Copy {name}\ndate: 2020-01-01\n---\nRussia. {LONG_STORY}\n")
    duplicates = [finding for finding in check_project(folder, None).findings if finding.kind == "duplicate"]
    assert [(finding.path, finding.message.split(";")[0]) for finding in duplicates] == [
        ("articles/three.txt", "has the same text as articles/one.txt"),
        ("articles/two.txt", "has the same text as articles/one.txt"),
    ]
