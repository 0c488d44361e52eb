"""Builds that cannot run as asked: another build of the same site at once, or a system that
refuses a write. Each stops with a message and exit code 3, and leaves a whole site."""

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from digest import pipeline
from digest.cli import EXIT_CANNOT_RUN, main
from digest.lock import SiteBusy, build_lock
from digest.pipeline import build_site, cache_folder

REPO = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def lock_holder():
    """Start a process that holds the build lock of a site, as a build in progress does;
    return a function that starts it for an output folder. Each is killed at the end."""
    started = []

    def hold(out_dir: Path) -> subprocess.Popen:
        script = textwrap.dedent(f"""
            import sys
            from pathlib import Path
            from digest.lock import build_lock
            from digest.pipeline import cache_folder
            out_dir = Path({str(out_dir)!r})
            with build_lock(cache_folder(out_dir), out_dir):
                print("holding", flush=True)
                sys.stdin.read()
        """)
        holder = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  cwd=REPO, text=True)
        started.append(holder)
        assert holder.stdout.readline() == "holding\n"
        return holder

    yield hold
    for holder in started:
        holder.kill()
        holder.wait()


def test_a_build_of_a_site_another_build_holds_stops_and_names_that_process(tmp_path, articles_dir, lock_holder,
                                                                          capsys):
    out_dir = tmp_path / "site"
    build_site(articles_dir, out_dir)
    (articles_dir / "new.md").write_text("---\ntitle: Talks in Sochi\n---\nRussia and Turkey met in Sochi.\n")
    holder = lock_holder(out_dir)
    before = tree(out_dir)
    cache_before = tree(cache_folder(out_dir))

    code = main(["build", "--articles", str(articles_dir), "--output", str(out_dir)])

    err = capsys.readouterr().err
    assert code == EXIT_CANNOT_RUN == 3
    assert f"{out_dir}: another build is writing this site (process {holder.pid}); wait for it to end" in err
    assert "Traceback" not in err
    assert tree(out_dir) == before
    assert tree(cache_folder(out_dir)) == cache_before
    assert not list(tmp_path.glob(".site.*"))  # no staging folder begun


def test_the_lock_of_a_killed_build_is_gone_with_it(tmp_path, articles_dir, lock_holder):
    out_dir = tmp_path / "site"
    holder = lock_holder(out_dir)
    with pytest.raises(SiteBusy):
        build_site(articles_dir, out_dir)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()

    report = build_site(articles_dir, out_dir)

    assert report.articles == 5 and (out_dir / "index.html").is_file()


def test_processes_a_build_forked_do_not_hold_its_site_once_it_is_killed(tmp_path):
    # A build's workers may take a moment to end after it is killed: the site is free meanwhile.
    out_dir = tmp_path / "site"
    script = textwrap.dedent(f"""
        import os, sys, time
        from pathlib import Path
        from digest.lock import build_lock
        from digest.pipeline import cache_folder
        out_dir = Path({str(out_dir)!r})
        with build_lock(cache_folder(out_dir), out_dir):
            worker = os.fork()
            if worker == 0:
                time.sleep(60)
                os._exit(0)
            print(worker, flush=True)
            sys.stdin.read()
    """)
    build = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=REPO,
                             text=True)
    worker = int(build.stdout.readline())
    try:
        with pytest.raises(SiteBusy):
            with build_lock(cache_folder(out_dir), out_dir):
                pass
        build.kill()
        build.wait()
        os.kill(worker, 0)  # still alive
        with build_lock(cache_folder(out_dir), out_dir):
            pass
    finally:
        build.kill()
        os.kill(worker, signal.SIGKILL)


def test_other_sites_build_while_one_is_held(tmp_path, articles_dir, lock_holder):
    lock_holder(tmp_path / "site")
    report = build_site(articles_dir, tmp_path / "other")
    assert report.articles == 5


def test_two_builds_started_at_once_give_one_whole_site_and_no_traceback(tmp_path, articles_dir):
    out_dir = tmp_path / "site"
    build_site(articles_dir, out_dir)
    with (articles_dir / "sochi.md").open("w") as stream:
        stream.write("---\ntitle: Talks in Sochi\n---\nRussia and Turkey met in Sochi, and spoke of Idlib.\n")
    command = [sys.executable, str(REPO / "build.py"), "--articles", str(articles_dir), "--output", str(out_dir)]
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    finished = [(run.wait(timeout=120), run.stderr.read()) for run in runs]

    # Which one gets the site first is up to the machine; the other stops, or runs after it.
    assert all(code in (0, 3) for code, _ in finished), finished
    assert 0 in [code for code, _ in finished]
    for code, err in finished:
        assert "Traceback" not in err
        if code == 3:
            assert "another build is writing this site" in err
    fresh = tmp_path / "fresh"
    build_site(articles_dir, fresh)
    assert tree(out_dir) == tree(fresh)


def test_a_write_the_system_refuses_stops_the_build_with_exit_3_and_the_site_whole(tmp_path, articles_dir,
                                                                                  monkeypatch, capsys):
    out_dir = tmp_path / "site"
    build_site(articles_dir, out_dir)
    before = tree(out_dir)
    (articles_dir / "new.md").write_text("---\ntitle: Talks in Sochi\n---\nRussia and Turkey met in Sochi.\n")
    real_stage_file = pipeline.stage_file

    def disk_full(folder, out_path, content):
        if out_path == "feed.xml":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder / out_path))
        return real_stage_file(folder, out_path, content)

    monkeypatch.setattr(pipeline, "stage_file", disk_full)

    code = main(["build", "--articles", str(articles_dir), "--output", str(out_dir)])

    err = capsys.readouterr().err
    assert code == EXIT_CANNOT_RUN
    assert "feed.xml: No space left on device; free some space on that disk, then build again" in err
    assert "Nothing half-built was published" in err
    assert "Traceback" not in err
    assert tree(out_dir) == before
    monkeypatch.undo()
    assert main(["build", "--articles", str(articles_dir), "--output", str(out_dir), "-q"]) == 0
    assert (out_dir / "articles" / "talks-in-sochi.html").is_file()


def test_a_preview_outlives_a_rebuild_the_system_refuses(tmp_path, capsys):
    from digest.console import Console
    from digest.serve import PreviewState, _Preview, _rebuild

    def disk_full(project, site_dir):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(site_dir / "index.html"))

    preview = _Preview(PreviewState(4))
    project = object()
    assert _rebuild(project, lambda: project, disk_full, tmp_path, preview, Console(), "an article") is project
    assert preview.state == PreviewState(4, (f"{tmp_path / 'index.html'}: No space left on device; "
                                             "free some space on that disk, then build again",))
    assert "still serving the last good build" in capsys.readouterr().out
