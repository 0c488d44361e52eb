"""Browser helpers for tests: launch Debian's Chromium, serve a folder, crawl a built site.

Not a test module. Typical use (the `browser` fixture in conftest.py calls launch_browser)::

    from browser import crawl_folder, crawl_site, open_page, serve_folder

    def test_site_works(browser, built_site):
        with serve_folder(built_site, prefix="/news/digest/") as base, open_page(browser) as page:
            crawl_site(page, base + "index.html").assert_clean()
        with open_page(browser) as page:
            crawl_folder(page, built_site).assert_clean()   # every page, via file://

The crawler reports each defect once, as a Problem with a `kind`:
  broken-link        <a href> target missing (HTTP status != 200, no such file, a directory)
  broken-resource    the same for <link href>, <script src>, <img src|srcset>, <source>, <iframe>
  absolute-link      "/x", "//host/x", "file:..." or an absolute URL to the site itself:
                     the site must use relative links only
  outside-site       a relative link that climbs out of the site folder
  missing-anchor     "page.html#frag" where the target page has no id (or <a name>) "frag"
  external-resource  a <link>/<script>/<img>... loaded from another host (the site must be
                     self-contained; plain <a href> links to other sites are fine)
  console-error      console.error(...) and other error-level console messages
  page-error         an uncaught exception
  failed-request     a request that failed or got HTTP >= 400 (e.g. fetch() under file://)
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

CHROMIUM = os.environ.get("DIGEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # No internet here: make every non-local host fail at once instead of waiting for DNS.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0"}
SKIPPED_SCHEMES = {"mailto", "tel", "javascript", "data", "blob", "about", "sms"}


class BrowserUnavailable(RuntimeError):
    """Chromium or the playwright package is missing."""


# --------------------------------------------------------------------------- browser


def install_debian_chromium() -> None:
    """Install Debian's Chromium when the tests run as root on a fresh machine.

    This keeps the README's one test command enough for a new machine; a user who is not
    root gets the apt command to run instead.
    """
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return
    print("Installing Debian's chromium for the browser tests (apt-get)...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdin=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-liberation"],
                   check=True, env=env, stdin=subprocess.DEVNULL)


@contextlib.contextmanager
def launch_browser(executable_path: str = CHROMIUM, headless: bool = True) -> Iterator:
    """Start headless Chromium through Playwright; yield a playwright Browser, close it after."""
    if executable_path == "/usr/bin/chromium" and not os.path.isfile(executable_path):
        install_debian_chromium()
    if not (os.path.isfile(executable_path) and os.access(executable_path, os.X_OK)):
        raise BrowserUnavailable(
            f"Chromium not found at {executable_path}: run `apt-get install chromium "
            "fonts-liberation` (.ci/run does), or set DIGEST_SKIP_BROWSER=1 to skip browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable(
            "the `playwright` package is missing: python -m pip install -e '.[test]'"
        ) from exc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable_path, headless=headless, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_page(browser, **context_options) -> Iterator:
    """A page in a fresh browser context (no shared cache or storage), closed after."""
    context = browser.new_context(**context_options)
    try:
        yield context.new_page()
    finally:
        context.close()


# --------------------------------------------------------------------------- http server


class _PrefixHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` under a URL prefix only; 404 elsewhere and for bare directories."""

    prefix = "/"

    def send_head(self):
        path = urlsplit(self.path).path
        if path == self.prefix.rstrip("/") and path:
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if not path.startswith(self.prefix):
            self.send_error(404, "outside the served prefix")
            return None
        return super().send_head()

    def translate_path(self, path):
        return super().translate_path("/" + path[len(self.prefix) :])

    def list_directory(self, path):
        # Real static hosts do not list folders: a link to a folder without index.html is broken.
        self.send_error(404, "directory without index.html")
        return None

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve_folder(folder: str | os.PathLike, prefix: str = "/some/sub/path/") -> Iterator[str]:
    """Serve `folder` at http://127.0.0.1:<free port><prefix>; yield that base URL (ends in "/").

    Only paths under the prefix exist, so a root-relative link ("/x.html") gets a 404, as on a
    host that serves the site from a sub-path. The server runs in a thread and is shut down on exit.
    """
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    root = Path(folder).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder to serve: {root}")
    handler = type("Handler", (_PrefixHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="serve_folder", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Ref:
    """One URL found in a page: `raw` is the attribute text, `url` the resolved URL."""

    page: str
    tag: str
    attr: str
    raw: str
    url: str


@dataclass(frozen=True)
class Problem:
    kind: str
    page: str
    target: str
    detail: str = ""

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        if self.target == self.page:
            return f"{self.kind} on {self.page}{extra}"
        return f"{self.kind}: {self.target!r} on {self.page}{extra}"


@dataclass
class CrawlReport:
    start_url: str
    site_root: str
    pages: list[str] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    external_links: list[Ref] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.truncated and bool(self.pages)

    def of_kind(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]

    def summary(self) -> str:
        lines = [
            f"crawled {len(self.pages)} page(s) from {self.start_url}"
            + (" (TRUNCATED: max_pages reached)" if self.truncated else "")
            + f", {len(self.refs)} refs, {len(self.problems)} problem(s)"
        ]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)

    def assert_clean(self) -> None:
        assert self.ok, self.summary()


# --------------------------------------------------------------------------- crawler

_COLLECT_JS = """() => {
  const refs = [];
  const add = (el, attr, raw) => { if (raw !== null) refs.push([el.tagName.toLowerCase(), attr, raw]); };
  for (const el of document.querySelectorAll('a[href], area[href], link[href]'))
    add(el, 'href', el.getAttribute('href'));
  for (const el of document.querySelectorAll(
      'script[src], img[src], iframe[src], source[src], video[src], audio[src], embed[src], track[src]'))
    add(el, 'src', el.getAttribute('src'));
  for (const el of document.querySelectorAll('img[srcset], source[srcset]'))
    for (const part of el.getAttribute('srcset').split(',')) {
      const u = part.trim().split(/\\s+/)[0];
      if (u) add(el, 'srcset', u);
    }
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id)
    .concat([...document.querySelectorAll('a[name]')].map(e => e.getAttribute('name')));
  const icon = !!document.querySelector('link[rel~="icon" i]');
  return {base: document.baseURI, refs, ids, icon};
}"""


class _IdParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is not None and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


def _ids_in_html(text: str) -> set[str]:
    parser = _IdParser()
    parser.feed(text)
    parser.close()
    return parser.ids


@dataclass
class _Target:
    ok: bool
    detail: str = ""
    is_html: bool = False


def _is_html_path(path: str) -> bool:
    return path.endswith("/") or path.lower().endswith((".html", ".htm"))


def _page_key(url: str) -> str:
    """Visit key: no fragment, and "dir/" is the same page as "dir/index.html"."""
    parts = urlsplit(urldefrag(url)[0])
    path = unquote(parts.path)
    if path.endswith("/"):
        path += "index.html"
    return parts._replace(path=path).geturl()


class _Crawler:
    def __init__(self, page, start_url: str, site_root: Path | None, settle_ms: int, allow_external_resources: bool):
        self.page = page
        self.start_url = start_url
        self.is_file = start_url.startswith("file:")
        self.root_url = urljoin(start_url, ".")
        if self.is_file:
            self.site_root = (site_root or Path(url2pathname(urlsplit(self.root_url).path))).resolve()
            self.root_url = self.site_root.as_uri().rstrip("/") + "/"
        else:
            self.site_root = None
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(start_url))
        self.settle_ms = settle_ms
        self.allow_external_resources = allow_external_resources
        self.report = CrawlReport(start_url=start_url, site_root=self.root_url)
        self.targets: dict[str, _Target] = {}
        self.ids: dict[str, set[str]] = {}
        self.current = start_url
        self.failed: dict[str, dict[str, str]] = {}  # page -> failed request url -> detail
        self.page_refs: dict[str, list[Ref]] = {}
        self.icon_declared: dict[str, bool] = {}
        self.seen_problems: set[Problem] = set()

    # ---- problems
    def add(self, kind: str, page: str, target: str, detail: str = "") -> None:
        problem = Problem(kind, page, target, detail)
        if problem not in self.seen_problems:
            self.seen_problems.add(problem)
            self.report.problems.append(problem)

    # ---- browser events
    def on_console(self, msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        if msg.text.startswith("Failed to load resource"):
            # Chromium logs every failed load once here (even its automatic /favicon.ico request,
            # which is no Playwright network event): record it with the failed requests.
            self.failed.setdefault(self.current, {}).setdefault(url, msg.text)
        else:
            self.add("console-error", self.current, url, msg.text)

    def on_page_error(self, error) -> None:
        self.add("page-error", self.current, self.current, f"{error.name}: {error.message}")

    def on_request_failed(self, request) -> None:
        # A request the browser dropped because the crawl moved on to the next page is not a
        # defect of the site; a resource that is really missing is still caught by the HEAD
        # check of every resource and by the 404 it returns.
        if "ERR_ABORTED" in (request.failure or ""):
            return
        self.failed.setdefault(self.current, {}).setdefault(request.url, request.failure or "failed")

    def on_response(self, response) -> None:
        if response.status >= 400:
            self.failed.setdefault(self.current, {}).setdefault(response.url, f"HTTP {response.status}")

    # ---- targets
    def inside_site(self, url: str) -> bool:
        if self.is_file:
            path = Path(url2pathname(urlsplit(url).path))
            try:
                path.resolve().relative_to(self.site_root)
            except ValueError:
                return False
            return True
        return url.startswith(self.root_url)

    def check_target(self, url: str) -> _Target:
        """Does this internal URL (no fragment) resolve to a file? Cached."""
        if url in self.targets:
            return self.targets[url]
        if self.is_file:
            path = Path(url2pathname(urlsplit(url).path))
            if path.is_dir():
                target = _Target(False, "is a directory: only a web server turns it into index.html")
            elif not path.is_file():
                target = _Target(False, "no such file")
            else:
                target = _Target(True, is_html=_is_html_path(path.name))
        else:
            target = self.fetch_status(url)
        self.targets[url] = target
        return target

    def fetch_status(self, url: str) -> _Target:
        request = self.page.context.request
        try:
            response = request.fetch(url, method="HEAD", max_redirects=5, timeout=15_000)
            if response.status in (405, 501):
                response = request.fetch(url, method="GET", max_redirects=5, timeout=15_000)
        except Exception as exc:  # connection refused, timeout, ...
            return _Target(False, f"request failed: {exc}")
        if response.status != 200:
            return _Target(False, f"HTTP {response.status}")
        content_type = response.headers.get("content-type", "")
        return _Target(True, is_html=content_type.startswith(("text/html", "application/xhtml")))

    def ids_of(self, url: str) -> set[str]:
        key = _page_key(url)
        if key not in self.ids:
            if self.is_file:
                text = Path(url2pathname(urlsplit(url).path)).read_text(encoding="utf-8", errors="replace")
            else:
                text = self.page.context.request.get(url, timeout=15_000).text()
            self.ids[key] = _ids_in_html(text)
        return self.ids[key]

    # ---- one reference
    def check_ref(self, ref: Ref, queue: list[str]) -> None:
        raw = ref.raw.strip()
        kind = "broken-link" if ref.tag in ("a", "area") else "broken-resource"
        parts = urlsplit(raw)
        scheme = parts.scheme.lower()
        if not raw or scheme in SKIPPED_SCHEMES:
            return
        if raw.startswith("//"):
            self.add("absolute-link", ref.page, raw, "protocol-relative URL: use a relative link")
            return
        if raw.startswith("/") or raw.startswith("\\"):
            self.add("absolute-link", ref.page, raw, "root-relative URL: use a relative link")
            return
        if scheme == "file":
            self.add("absolute-link", ref.page, raw, "file: URL: use a relative link")
            return
        if scheme:  # absolute URL: to this site (bad), to a dev server (bad) or external
            host = (parts.hostname or "").lower()
            if (not self.is_file and ref.url.startswith(self.origin + "/")) or host in LOCAL_HOSTS:
                self.add("absolute-link", ref.page, raw, "absolute URL to this site: use a relative link")
            elif ref.tag in ("a", "area") or self.allow_external_resources:
                self.report.external_links.append(ref)
            else:
                self.add("external-resource", ref.page, raw, "the site must be self-contained")
            return
        url, fragment = urldefrag(ref.url)
        if not self.inside_site(url):
            self.add("outside-site", ref.page, raw, "resolves outside the site folder")
            return
        target = self.check_target(url)
        if not target.ok:
            self.add(kind, ref.page, raw, target.detail)
            return
        if fragment and target.is_html and fragment.lower() != "top":
            if unquote(fragment) not in self.ids_of(url) and fragment not in self.ids_of(url):
                self.add("missing-anchor", ref.page, raw, f"no id {unquote(fragment)!r} on the target page")
        if ref.tag in ("a", "area") and target.is_html:
            queue.append(url)

    # ---- one page
    def visit(self, url: str, queue: list[str]) -> None:
        self.current = url
        response = self.page.goto(url, wait_until="load", timeout=30_000)
        if self.settle_ms:
            self.page.wait_for_timeout(self.settle_ms)
        if response is not None and response.status != 200:
            self.add("broken-link", url, url, f"HTTP {response.status} for a crawled page")
            return
        data = self.page.evaluate(_COLLECT_JS)
        self.targets.setdefault(url, _Target(True, is_html=True))
        self.ids[_page_key(url)] = set(data["ids"])
        self.icon_declared[url] = data["icon"]
        refs = [Ref(url, tag, attr, raw, urljoin(data["base"], raw.strip())) for tag, attr, raw in data["refs"]]
        self.page_refs[url] = refs
        self.report.refs.extend(refs)
        for ref in refs:
            self.check_ref(ref, queue)
        self.flush_failed(url)

    def flush_failed(self, page_url: str) -> None:
        reported = {p.target for p in self.report.problems if p.page == page_url}
        referenced = {urldefrag(r.url)[0]: r.raw for r in self.page_refs.get(page_url, [])}
        for url, detail in self.failed.pop(page_url, {}).items():
            if url in referenced and referenced[url] in reported:
                continue  # already reported as a broken or external resource of this page
            if urlsplit(url).path == "/favicon.ico" and url not in referenced and not self.icon_declared.get(page_url):
                continue  # Chromium's own guess at <origin>/favicon.ico, outside the sub-path
            self.add("failed-request", page_url, url, detail)

    def run(self, seeds: Iterable[str], max_pages: int) -> CrawlReport:
        page = self.page
        handlers = [
            ("console", self.on_console),
            ("pageerror", self.on_page_error),
            ("requestfailed", self.on_request_failed),
            ("response", self.on_response),
        ]
        for event, handler in handlers:
            page.on(event, handler)
        try:
            queue = [self.start_url, *seeds]
            visited: set[str] = set()
            while queue:
                url = urldefrag(queue.pop(0))[0]
                key = _page_key(url)
                if key in visited:
                    continue
                if len(visited) >= max_pages:
                    self.report.truncated = True
                    break
                visited.add(key)
                self.report.pages.append(url)
                self.visit(url, queue)
            # Events that arrived late (after the page was read) still count.
            self.page.evaluate("0")  # a round trip, so that pending events are delivered
            for page_url in list(self.failed):
                self.flush_failed(page_url)
        finally:
            for event, handler in handlers:
                page.remove_listener(event, handler)
        return self.report


def crawl_site(
    page,
    start_url: str,
    *,
    max_pages: int = 1000,
    settle_ms: int = 50,
    site_root: str | os.PathLike | None = None,
    seed_urls: Iterable[str] = (),
    allow_external_resources: bool = False,
) -> CrawlReport:
    """Visit every page reachable by <a href> from `start_url` (same site only) and check every ref.

    `start_url` is http(s):// (e.g. from serve_folder) or file://. The site is the folder of
    `start_url` (or `site_root` for file://); links that leave it are reported. Over http a
    target must answer 200 (redirects followed); over file:// it must be an existing file inside
    the site folder. Fragments must exist as an id on the target page. `seed_urls` are visited
    too even if nothing links to them. At most `max_pages` pages are opened (report.truncated).
    """
    root = Path(site_root) if site_root is not None else None
    crawler = _Crawler(page, start_url, root, settle_ms, allow_external_resources)
    return crawler.run(seed_urls, max_pages)


def crawl_folder(page, folder: str | os.PathLike, *, max_pages: int = 5000, settle_ms: int = 50) -> CrawlReport:
    """Open every .html/.htm file under `folder` via file:// (index.html first) and check it."""
    root = Path(folder).resolve()
    index = root / "index.html"
    if not index.is_file():
        raise FileNotFoundError(f"no index.html in {root}")
    pages = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".html", ".htm") and p.is_file())
    return crawl_site(
        page,
        index.as_uri(),
        max_pages=max_pages,
        settle_ms=settle_ms,
        site_root=root,
        seed_urls=[p.as_uri() for p in pages if p != index],
    )
