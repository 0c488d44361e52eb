"""Nothing is written outside the output folder, whatever a slug, a field or a link says."""

import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from digest import urls
from digest.cli import main
from digest.errors import DigestError
from digest.load import load_articles
from digest.pipeline import build_site
from digest.workers import read_ahead
from digest.write import check_output_folder, write_site

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "articles"

SECRET = "The secret that lives outside the articles folder."


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def workspace(tmp_path) -> Path:
    """tmp_path/articles with one good article, and tmp_path/outside with a secret file."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "good.txt").write_text("A good headline\n\nA good paragraph about Turkey.\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(SECRET + "\n")
    return tmp_path


LINKS = [
    ("file-out.txt", lambda ws: ws / "outside" / "secret.txt", "symbolic link leads out of the articles folder"),
    ("folder-out", lambda ws: ws / "outside", "symbolic link leads out of the articles folder"),
    ("absolute-root", lambda ws: Path("/"), "symbolic link leads out of the articles folder"),
    ("dangling.txt", lambda ws: ws / "articles" / "no-such-file.txt", "symbolic link leads nowhere"),
    ("loop.txt", lambda ws: ws / "articles" / "loop.txt", "symbolic link leads nowhere"),
]


@pytest.mark.parametrize("name, target, message", LINKS, ids=[case[0] for case in LINKS])
def test_symlink_out_of_the_articles_folder_is_reported_not_followed(workspace, capsys, name, target, message):
    (workspace / "articles" / name).symlink_to(target(workspace))
    out_dir = workspace / "site"
    assert main(["--articles", str(workspace / "articles"), "--output", str(out_dir), "--keep-going"]) == 1
    err = capsys.readouterr().err
    assert f"skipped: articles/{name}: {message}" in err and "Traceback" not in err
    published = b"".join(tree(out_dir).values()).decode()
    assert "A good paragraph about Turkey." in published
    assert SECRET not in published


def test_symlink_that_stays_inside_the_articles_folder_is_followed(workspace):
    (workspace / "articles" / "kept").mkdir()
    (workspace / "articles" / "kept" / "story.txt").write_text("A linked headline\n\nA linked paragraph.\n")
    (workspace / "articles" / "alias.txt").symlink_to(Path("kept") / "story.txt")
    (workspace / "articles" / "kept-again").symlink_to("kept")
    result = load_articles(workspace / "articles")
    assert result.errors == ()
    assert [article.source_path for article in result.articles] == ["alias.txt", "good.txt", "kept/story.txt"]


def test_a_pipe_named_like_an_article_is_reported_without_blocking(workspace):
    os.mkfifo(workspace / "articles" / "pipe.txt")
    result = load_articles(workspace / "articles")
    assert [str(error) for error in result.errors] == [
        "articles/pipe.txt: is not a regular file (a pipe, socket or device); remove it"
    ]


def test_reading_ahead_passes_over_what_cannot_be_read_without_blocking(workspace):
    # The loading workers ask the kernel to read a shard's files ahead; one swapped for a
    # named pipe, removed or made a folder since the listing is left for loading to report.
    folder = workspace / "articles"
    os.mkfifo(folder / "pipe.txt")
    (folder / "folder.txt").mkdir()
    paths = [folder / "good.txt", folder / "pipe.txt", folder / "missing.txt", folder / "folder.txt"]
    reading = threading.Thread(target=read_ahead, args=(paths,), daemon=True)
    reading.start()
    reading.join(timeout=10)
    assert not reading.is_alive()


HOSTILE_TITLES = [
    "../../../../etc/passwd", "..", "/etc/cron.d/evil", "..\\..\\windows\\system32", "%2e%2e%2f%2e%2e%2f",
    "．．／．．／", "\u202eexe.txt", "", "   ", "index", "CON", "a" * 500, "/", "~/.ssh/authorized_keys",
    "file:///etc/passwd", "\u0000", "<script>", "?*:|\"<>",
]


def test_no_slug_or_field_leads_outside_the_output_folder(tmp_path):
    articles = tmp_path / "articles"
    (articles / "sub" / "x..").mkdir(parents=True)
    for number, title in enumerate(HOSTILE_TITLES):
        folder = articles / "sub" / "x.." if number % 2 else articles
        (folder / f"t{number}.md").write_text(
            f"---\ntitle: {json.dumps(title)}\nsource: '../../x'\nurl: '../../../etc/passwd'\npath: '/etc/passwd'\n---\n"
            f"Body of {number} about Russia.\n"
        )
    (tmp_path / "elsewhere").mkdir()
    before = sorted(path.name for path in tmp_path.iterdir())
    out_dir = tmp_path / "out" / "site"
    report = build_site(articles, out_dir)
    assert report.articles == len(HOSTILE_TITLES)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*before, "out"])
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [".digest-cache", "site"], (
        "a staging folder was left behind")
    assert list((tmp_path / "elsewhere").iterdir()) == []
    written = [path for path in out_dir.rglob("*")]
    assert all(path.resolve().is_relative_to(out_dir.resolve()) for path in written)
    pages = sorted(path.name for path in (out_dir / "articles").iterdir())
    assert len(pages) == len(HOSTILE_TITLES), "two articles were written to one page"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.html", name) for name in pages), pages


@pytest.mark.parametrize("out_path", [
    "../evil.html", "/etc/evil.html", "articles/../../evil.html", "a\\..\\evil.html", "", ".", "a//b.html",
    "./a.html", "articles/..", "..",
])
def test_out_paths_that_leave_the_site_folder_are_refused(out_path):
    with pytest.raises(ValueError, match="would leave the site folder"):
        urls.check_out_path(out_path)


def test_writer_refuses_a_path_outside_and_keeps_the_previous_site(tmp_path):
    out_dir = tmp_path / "site"
    write_site([("index.html", b"old")], out_dir)
    with pytest.raises(ValueError):
        write_site([("index.html", b"new"), ("../evil.html", b"evil")], out_dir)
    assert tree(out_dir) == {"index.html": b"old", ".digest-manifest.json": (out_dir / ".digest-manifest.json").read_bytes()}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("choice", [
    "project", "parent-of-project", "articles-via-symlink", "parent-of-articles-via-dots", "inside-nothing-but-root",
])
def test_output_folders_that_must_never_be_replaced_are_refused(tmp_path, choice):
    articles = tmp_path / "news" / "articles"
    shutil.copytree(ARTICLES, articles)
    (tmp_path / "link").symlink_to(articles)
    out_dir = {
        "project": REPO,
        "parent-of-project": REPO.parent,
        "articles-via-symlink": tmp_path / "link",
        "parent-of-articles-via-dots": articles / ".." / "..",
        "inside-nothing-but-root": Path("/.."),
    }[choice]
    # No project_dir: the digest's own folder is protected even when run from elsewhere.
    with pytest.raises(DigestError, match="choose a folder of its own"):
        check_output_folder(out_dir, {"the articles folder": articles})
    assert len(list(articles.iterdir())) == len(list(ARTICLES.iterdir()))


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "site").write_text("a file")
    with pytest.raises(DigestError, match="output path is a file"):
        check_output_folder(tmp_path / "site", {})
    assert (tmp_path / "site").read_text() == "a file"


def _slugs(folder: Path) -> dict[str, str]:
    """Return {source file: page} of a build of ``folder``."""
    return {article.source_path: f"articles/{article.slug}.html" for article in load_articles(folder).articles}


COLLISIONS = {
    "titles": {"a.txt": "Turkey's plan\n\nText one.\n", "b.txt": "Turkey s plan\n\nText two.\n",
               "c.md": "# TURKEY’S PLAN!\n\nText three.\n"},
    "file-names": {"news_item.txt": "...\n", "news-item.md": "```\ncode\n```\n", "sub/news item.txt": "...\n"},
}


@pytest.mark.parametrize("case", COLLISIONS, ids=list(COLLISIONS))
def test_colliding_slugs_get_distinct_stable_pages(tmp_path, case):
    folder = tmp_path / "articles"
    for name, text in COLLISIONS[case].items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    first = _slugs(folder)
    assert len(set(first.values())) == len(first), first
    (folder / "zz-unrelated.txt").write_text("An unrelated headline\n\nText.\n")
    second = _slugs(folder)
    assert {name: page for name, page in second.items() if name in first} == first
    report = build_site(folder, tmp_path / "site")
    assert report.articles == len(first) + 1
    assert all((tmp_path / "site" / page).is_file() for page in second.values())


def test_a_title_that_spells_another_articles_suffixed_slug_does_not_take_its_page(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Report\n\nThe first.\n")
    (folder / "z.txt").write_text("Report\n\nThe second, whose slug gets a suffix.\n")
    suffixed = _slugs(folder)["z.txt"]
    # A third file that sorts before z.txt and whose title is z.txt's suffixed slug.
    (folder / "m.txt").write_text(suffixed.removeprefix("articles/").removesuffix(".html").replace("-", " ") + "\n\nThe third.\n")
    pages = _slugs(folder)
    assert pages["m.txt"] == suffixed
    assert len(set(pages.values())) == 3, pages
    assert build_site(folder, tmp_path / "site").articles == 3
