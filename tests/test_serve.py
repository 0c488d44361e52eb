"""digest serve in a subprocess on a free port: edits rebuild the site and reload open pages.

Every wait is bounded, and every server is stopped (Ctrl-C, then kill) whatever happens.
"""

import contextlib
import json
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from browser import open_page
from digest.serve import inject_reload_script, snapshot

REPO = Path(__file__).resolve().parent.parent
ARTICLE = "000_e83fb73f7fee90c4.txt"
ARTICLE_PAGE = "articles/turkey-plans-to-cooperate-with-russia-in-syria.html"
WAIT_SECONDS = 20


@pytest.fixture
def project(tmp_path, articles_dir):
    return tmp_path


@contextlib.contextmanager
def serving(project: Path, *args: str):
    """Run ``digest serve --port 0`` in ``project``; yield (base URL, site folder, process, output lines)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "--port", "0", *args],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        found = re.search(r"Serving (.*) at (http://127\.0\.0\.1:\d+/)",
                          wait_for_line(lines, r"Serving .* at http://127\.0\.0\.1:\d+/"))
        yield found.group(2), Path(found.group(1)), process, lines
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for_line(lines: queue.Queue, pattern: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line matching {pattern!r} within {WAIT_SECONDS} s; output: {''.join(seen)}")


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def wait_for_state(base: str, condition) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        state = json.loads(fetch(base + "__digest__/state"))
        if condition(state):
            return state
        time.sleep(0.1)
    raise AssertionError(f"the preview did not reach the expected state within {WAIT_SECONDS} s: {state}")


def test_edits_to_articles_templates_and_config_are_rebuilt_and_served(project):
    out_dir = project / "preview"
    with serving(project, "--output", str(out_dir)) as (base, _, process, lines):
        served = fetch(base + "index.html")
        assert "data-digest-serve" in served  # the reload script, in served pages only...
        assert "data-digest-serve" not in (out_dir / "index.html").read_text()  # ...never in the files
        build = wait_for_state(base, lambda state: True)["build"]

        article = project / "articles" / ARTICLE
        article.write_text(article.read_text() + "\nA sentence added while the preview runs.\n")
        build = wait_for_state(base, lambda state: state["build"] > build)["build"]
        assert "A sentence added while the preview runs." in fetch(base + ARTICLE_PAGE)
        wait_for_line(lines, rf"articles/{ARTICLE} changed: rebuilt 5 articles")

        (project / "templates").mkdir()
        (project / "templates" / "index.html").write_text('{% extends "_list.html" %}\n'
                                                          '{% block title %}Themed{% endblock %}\n')
        build = wait_for_state(base, lambda state: state["build"] > build)["build"]
        assert "<title>Themed</title>" in fetch(base + "index.html")

        (project / "digest.yaml").write_text("site_title: Configured\n")
        build = wait_for_state(base, lambda state: state["build"] > build)["build"]
        assert "Configured" in fetch(base + ARTICLE_PAGE)

        good = article.read_text()
        article.write_text("---\ndate: 2019-02-30\n---\nBroken.\n")
        state = wait_for_state(base, lambda state: state["errors"])
        assert state["build"] == build and "is not a real date" in state["errors"][0]
        assert "A sentence added" in fetch(base + ARTICLE_PAGE)  # the last good build is still served
        article.write_text(good)
        wait_for_state(base, lambda state: state["build"] > build and not state["errors"])

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        wait_for_line(lines, r"^Stopped\.$")


def test_default_preview_folder_is_temporary_and_removed_on_stop(project):
    with serving(project) as (base, folder, process, _):
        assert "News digest" in fetch(base)  # "/" serves index.html
        assert (folder / "index.html").is_file()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    assert not (project / "site").exists(), "serve must not write the project's site folder"
    assert not folder.exists() and not folder.parent.exists()


def test_a_taken_port_is_named_with_the_fix(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "digest", "serve", "--port", str(port)],
                                cwd=project, capture_output=True, text=True, timeout=WAIT_SECONDS)
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"--port {port + 1}" in result.stderr


def test_open_page_reloads_itself_after_an_edit(browser, project):
    with serving(project) as (base, _, _, _), open_page(browser) as page:
        page.goto(base + ARTICLE_PAGE)
        article = project / "articles" / ARTICLE
        article.write_text(article.read_text() + "\nThe reader sees this without pressing reload.\n")
        page.wait_for_function("document.body.innerText.includes('without pressing reload')",
                               timeout=WAIT_SECONDS * 1000)
        article.write_text("---\ndate: 2019-02-30\n---\nBroken.\n")
        banner = page.wait_for_selector("[role=alert]", timeout=WAIT_SECONDS * 1000)
        assert "the build failed" in banner.inner_text() and "is not a real date" in banner.inner_text()


@pytest.mark.parametrize(
    "page, expected",
    [(b"<html><body><p>x</p></body></html>", b"<p>x</p><script data-digest-serve>"),
     (b"<p>no body tag</p>", b"<p>no body tag</p><script data-digest-serve>")],
    ids=["before-body-end", "appended"],
)
def test_reload_script_goes_before_the_end_of_the_body(page, expected):
    injected = inject_reload_script(page, 7)
    assert expected in injected and b"var build = 7," in injected
    assert injected.count(b"<script") == 1


def test_snapshot_sees_edits_and_ignores_hidden_files(tmp_path):
    (tmp_path / "a.txt").write_text("one")
    before = snapshot([tmp_path, tmp_path / "missing.yaml"])
    (tmp_path / ".a.txt.swp").write_text("editor state")
    assert snapshot([tmp_path]) == before
    (tmp_path / "a.txt").write_text("one, two")
    assert snapshot([tmp_path]) != before
