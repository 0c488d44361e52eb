"""A build that dies at any moment leaves the previous site whole, and the next build works."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from browser import serve_folder
from synthetic import write_articles

from digest import pipeline, workers, write
from digest.cli import main
from digest.errors import DigestError
from digest.pipeline import build_site
from digest.write import MANIFEST, write_site

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "articles"
# Enough articles that writing the site takes a second or more, so that the kill lands in it:
# 300 were built in 0.6 s on a fast day, and the build killed half a second in had swapped its site in.
SYNTHETIC_ARTICLES = 1000


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def staged_files(out_dir: Path) -> int:
    # os.walk, unlike rglob, passes over a folder that the running build removes as it counts.
    return sum(len(files) for staging in out_dir.parent.glob(f".{out_dir.name}.building-*")
               for _, _, files in os.walk(staging))


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("big") / "articles"
    write_articles(folder, range(SYNTHETIC_ARTICLES))
    return folder


@pytest.fixture
def previous_site(tmp_path) -> Path:
    out_dir = tmp_path / "site"
    assert main(["--articles", str(ARTICLES), "--output", str(out_dir), "--quiet"]) == 0
    return out_dir


def kill_build(articles: Path, out_dir: Path, when: str) -> int:
    """Start build.py as a user would, SIGKILL it at ``when``; return the files staged by then."""
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "--articles", str(articles), "--output", str(out_dir), "--quiet"],
        cwd=out_dir.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    started = time.monotonic()
    try:
        while time.monotonic() - started < 60 and process.poll() is None:
            staged = staged_files(out_dir)
            if when == "while-writing" and staged >= 20:
                break
            if when == "half-a-second-in" and time.monotonic() - started > 0.5:
                break
            time.sleep(0.005)
        assert process.poll() is None, f"the build ended before it could be killed: {process.stderr.read()!r}"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    return staged


# Half a second in, the build is starting up or loading, depending on the machine.
@pytest.mark.parametrize("when", ["half-a-second-in", "while-writing"])
def test_killed_build_leaves_the_previous_site_and_the_next_build_works(previous_site, big_corpus, when):
    before = tree(previous_site)
    staged = kill_build(big_corpus, previous_site, when)
    if when == "while-writing":
        assert staged >= 20, "the kill did not land while the site was being written"
    assert tree(previous_site) == before
    with serve_folder(previous_site, prefix="/news/digest/") as base:
        for name, content in before.items():
            with urllib.request.urlopen(base + urllib.parse.quote(name)) as response:
                assert response.status == 200 and response.read() == content, name
    # The next build clears what the killed one left and replaces the site whole.
    (big_corpus.parent / "few").mkdir(exist_ok=True)
    for path in sorted(big_corpus.iterdir())[:3]:
        (big_corpus.parent / "few" / path.name).write_bytes(path.read_bytes())
    assert main(["--articles", str(big_corpus.parent / "few"), "--output", str(previous_site), "--quiet"]) == 0
    assert len(list((previous_site / "articles").iterdir())) == 3
    # Only the site and the cache digest keeps beside it: no staging folder is left behind.
    assert sorted(path.name for path in previous_site.parent.iterdir()) == [".digest-cache", "site"]


def test_build_killed_between_the_two_renames_is_restored(tmp_path, monkeypatch):
    out_dir = tmp_path / "site"
    write_site([("index.html", b"old")], out_dir)
    # Where renameat2 is missing, the old site is renamed away before the new one moves in:
    # a kill between the two renames leaves this.
    (tmp_path / "site").rename(tmp_path / ".site.previous-4242")
    (tmp_path / ".site.building-4242").mkdir()
    (tmp_path / ".site.building-4242" / "index.html").write_bytes(b"half")
    with pytest.raises(DigestError):
        write_site(_fail_after([("index.html", b"new")]), out_dir)
    assert (out_dir / "index.html").read_bytes() == b"old"
    monkeypatch.setattr(write, "_exchange", lambda first, second: False)
    write_site([("index.html", b"new")], out_dir)
    assert (out_dir / "index.html").read_bytes() == b"new"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("stage", ["loading", "rendering"])
def test_a_worker_killed_by_the_system_fails_the_build_cleanly(tmp_path, monkeypatch, capsys, stage):
    # As the kernel's out-of-memory killer would: the build says so and stops, rather than
    # wait for ever for the work that died; the previous site stays, and the next build works.
    articles = tmp_path / "articles"
    write_articles(articles, range(20))
    out_dir = tmp_path / "site"
    build_site(articles, out_dir, workers=2)
    before = tree(out_dir)
    for edited in sorted(articles.iterdir()):  # in many of the cache's shards, for both workers to load
        edited.write_text(edited.read_text() + "\nKurdish officials did not comment.\n")
    here = os.getpid()
    # Under the command line, these sizes make it use both cores, as it would for a large site.
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(workers, "RENDER_CHUNK", 2)
    where = {"loading": (workers, "load_file"), "rendering": (workers, "render_page")}[stage]
    do = getattr(*where)

    def killed_in_a_worker(*args, **kwargs):
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        return do(*args, **kwargs)

    monkeypatch.setattr(*where, killed_in_a_worker)
    if stage == "rendering":
        (tmp_path / "templates").mkdir()  # every page differs, so that the worker renders
        (tmp_path / "templates" / "base.html").write_text(
            (REPO / "templates" / "base.html").read_text().replace("</body>", "<!-- new --></body>"))
    capsys.readouterr()
    started = time.monotonic()
    code = main(["--articles", str(articles), "--output", str(out_dir), "--templates", str(tmp_path / "templates"),
                 "--quiet"] if stage == "rendering" else ["--articles", str(articles), "--output", str(out_dir)])
    err = capsys.readouterr().err
    assert code == 3 and time.monotonic() - started < 30
    assert "a worker process of the build was killed by SIGKILL" in err and "run the build again" in err
    assert "Traceback" not in err and "Nothing half-built was published" in err
    assert tree(out_dir) == before
    monkeypatch.undo()
    build_site(articles, out_dir, workers=2)
    assert tree(out_dir) != before
    assert {".digest-cache", "articles", "site"} <= set(os.listdir(tmp_path)) <= {".digest-cache", "articles", "site",
                                                                                   "templates"}


def _fail_after(files):
    yield from files
    raise DigestError("a page could not be rendered")


def test_failure_while_writing_keeps_the_previous_site_and_no_staging(previous_site):
    before = tree(previous_site)
    with pytest.raises(DigestError):
        write_site(_fail_after([("index.html", b"new"), ("articles/x.html", b"x")]), previous_site)
    assert tree(previous_site) == before
    # Only the site and the cache digest keeps beside it: no staging folder is left behind.
    assert sorted(path.name for path in previous_site.parent.iterdir()) == [".digest-cache", "site"]
    assert MANIFEST in before and os.listdir(previous_site)


def _check_a_failure_after_an_edit_keeps_the_previous_site(tmp_path, monkeypatch, name, failing, workers):
    """Build 20 articles, edit one, and rebuild with pipeline.<name> replaced by ``failing``,
    which raises a full disk: the build fails with it, the site stays as it was, nothing is
    left beside it, and the next build works."""
    articles = tmp_path / "articles"
    write_articles(articles, range(20))
    out_dir = tmp_path / "site"
    build_site(articles, out_dir, workers=workers)
    before = tree(out_dir)
    edited = sorted(articles.iterdir())[0]
    edited.write_text(edited.read_text() + "\nKurdish officials did not comment.\n")
    monkeypatch.setattr(pipeline, name, failing)
    with pytest.raises(OSError, match="No space left"):
        build_site(articles, out_dir, workers=workers)
    assert tree(out_dir) == before
    assert sorted(path.name for path in out_dir.parent.iterdir()) == [".digest-cache", "articles", "site"]
    monkeypatch.undo()
    build_site(articles, out_dir, workers=workers)
    assert tree(out_dir) != before


def test_a_search_index_that_fails_in_its_helper_keeps_the_previous_site(tmp_path, monkeypatch):
    # With workers, the index is made by a helper process: what it raises fails the build
    # as if raised here, and the previous site stays as it was.
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    # The helper is forked with it.
    _check_a_failure_after_an_edit_keeps_the_previous_site(tmp_path, monkeypatch, "_write_search_index", full_disk, 2)


def test_articles_json_that_fails_in_its_thread_keeps_the_previous_site(tmp_path, monkeypatch):
    # After an edit, articles.json is mostly the last file's lines, copied by a thread while
    # the build plans: what the thread raises fails the build, and nothing is left half made.
    main_thread = threading.get_ident()
    stage = pipeline._stage_articles_json

    def full_disk(*args):
        assert threading.get_ident() != main_thread
        stage(*args)
        raise OSError(28, "No space left on device")

    _check_a_failure_after_an_edit_keeps_the_previous_site(tmp_path, monkeypatch, "_stage_articles_json", full_disk, 1)


def _wait_until_gone(pattern: str, folder: Path, seconds: float = 60) -> list[Path]:
    deadline = time.monotonic() + seconds
    while (left := sorted(folder.glob(pattern))) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_a_large_replaced_site_is_removed_by_a_process_of_its_own(tmp_path, monkeypatch):
    # Every page changes with the site's title, so the replaced site is not kept for the
    # next build: it is removed, here by a process the build does not wait for.
    monkeypatch.setattr(write, "REMOVE_APART_MIN_FILES", 1)
    out_dir = tmp_path / "site"
    assert main(["--articles", str(ARTICLES), "--output", str(out_dir), "--quiet"]) == 0
    assert main(["--articles", str(ARTICLES), "--output", str(out_dir), "--title", "Euphrates watch",
                 "--quiet"]) == 0
    assert "Euphrates watch" in (out_dir / "index.html").read_text()
    assert _wait_until_gone(".site.*", tmp_path) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == [".digest-cache", "site"]
    fresh = tmp_path / "fresh" / "site"
    assert main(["--articles", str(ARTICLES), "--output", str(fresh), "--title", "Euphrates watch", "--quiet"]) == 0
    assert tree(out_dir) == tree(fresh)


def test_a_replaced_site_whose_removal_was_cut_short_is_cleared_by_the_next_build(previous_site):
    parent = previous_site.parent
    # Removed: one renamed by its remover, now dead (a pid that cannot be a live process's),
    # and one never renamed. Left alone: one whose remover is alive (this process stands for it).
    for name in (".site.replaced-1-2.999999999", ".site.replaced-3-4", f".site.replaced-5-6.{os.getpid()}"):
        (parent / name / "articles").mkdir(parents=True)
        (parent / name / "articles" / "old.html").write_bytes(b"old")
    before = tree(previous_site)
    assert main(["--articles", str(ARTICLES), "--output", str(previous_site), "--title", "Idlib watch",
                 "--quiet"]) == 0
    assert tree(previous_site) != before
    assert sorted(path.name for path in parent.iterdir()) == [
        ".digest-cache", f".site.replaced-5-6.{os.getpid()}", "site"]
