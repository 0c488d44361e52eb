"""Tests of the browser harness (tests/browser.py) on a tiny hand-made site.

They prove that the crawler can fail: every planted defect is found, exactly once, both over
http (served under a sub-path) and via file://, and the clean site yields no problem at all.
"""

import urllib.error
import urllib.request

import pytest

from browser import crawl_folder, crawl_site, open_page, serve_folder

HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{up}css/style.css"><link rel="icon" href="{up}img/icon.svg">
<script src="{up}js/site.js" defer></script></head>
<body><header id="top"><nav><a href="{up}index.html">Home</a>
<a href="{up}articles/one.html">One</a> <a href="{up}articles/two.html#details">Two</a></nav></header>
<main>"""
FOOT = "</main></body></html>\n"


def page(title, body, up=""):
    return HEAD.format(title=title, up=up) + body + FOOT


CLEAN_SITE = {
    "index.html": page(
        "Home",
        '<h1>Home</h1><img src="img/icon.svg" alt="logo">'
        '<p><a href="https://example.org/source">a source</a> <a href="mailto:news@example.org">mail</a>'
        ' <a href="#top">top</a> <a href="articles/one.html#intro">intro</a></p>',
    ),
    "articles/one.html": page(
        "One",
        '<h1 id="intro">One</h1><p><a href="two.html">next</a> <a href="#intro">here</a>'
        ' <a href="../index.html#top">home</a></p>',
        up="../",
    ),
    "articles/two.html": page(
        "Two",
        '<h1>Two</h1><section id="details"><p><a href="one.html#intro">back</a></p></section>',
        up="../",
    ),
    "css/style.css": "body { font-family: sans-serif; }\n",
    "js/site.js": "document.documentElement.dataset.js = 'ok';\n",
    "img/icon.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16"/></svg>\n',
}


def with_change(path, old, new, site=CLEAN_SITE):
    assert old in site[path], (path, old)
    return {**site, path: site[path].replace(old, new, 1)}


# The second variant: one broken link, one root-absolute link, one missing #anchor.
DEFECTIVE_SITE = with_change(
    "articles/one.html",
    '<a href="two.html">next</a>',
    '<a href="two.html#no-such-section">next</a> <a href="/articles/two.html">abs</a>',
    site=with_change("index.html", '<a href="#top">top</a>', '<a href="articles/missing.html">gone</a>'),
)
DEFECTIVE_EXPECTED = {
    ("broken-link", "index.html", "articles/missing.html"),
    ("absolute-link", "articles/one.html", "/articles/two.html"),
    ("missing-anchor", "articles/one.html", "two.html#no-such-section"),
}


def write_site(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def found(report):
    """The problems as (kind, page relative to the site root, target) triples."""
    return {(p.kind, p.page.removeprefix(report.site_root), p.target) for p in report.problems}


def crawl_http(browser, site, prefix="/news/digest/"):
    with serve_folder(site, prefix=prefix) as base, open_page(browser) as pg:
        return crawl_site(pg, base + "index.html")


def crawl_file(browser, site):
    with open_page(browser) as pg:
        return crawl_folder(pg, site)


@pytest.fixture
def clean_site(tmp_path):
    return write_site(tmp_path / "site", CLEAN_SITE)


# --------------------------------------------------------------------------- clean site


def test_clean_site_over_http_sub_path(browser, clean_site):
    report = crawl_http(browser, clean_site)
    report.assert_clean()
    assert sorted(u.removeprefix(report.site_root) for u in report.pages) == [
        "articles/one.html",
        "articles/two.html",
        "index.html",
    ]
    assert report.site_root.endswith("/news/digest/")
    assert [r.raw for r in report.external_links] == ["https://example.org/source"]
    tags = {(r.tag, r.attr) for r in report.refs}
    assert {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")} <= tags


def test_no_favicon_is_not_a_failed_request(browser, tmp_path):
    # Without <link rel=icon>, Chromium asks for <origin>/favicon.ico, outside the sub-path.
    files = {path: text.replace('<link rel="icon" href="img/icon.svg">', "") for path, text in CLEAN_SITE.items()}
    crawl_http(browser, write_site(tmp_path / "site", files)).assert_clean()


def test_clean_site_over_file(browser, clean_site):
    report = crawl_file(browser, clean_site)
    report.assert_clean()
    assert len(report.pages) == 3
    assert report.pages[0] == (clean_site / "index.html").resolve().as_uri()


def test_clean_site_reachable_crawl_over_file(browser, clean_site):
    with open_page(browser) as pg:
        report = crawl_site(pg, (clean_site / "index.html").as_uri())
    report.assert_clean()
    assert len(report.pages) == 3


# --------------------------------------------------------------------------- planted defects


@pytest.mark.parametrize("mode", ["http", "file"])
def test_defective_site_reports_exactly_the_planted_defects(browser, tmp_path, mode):
    site = write_site(tmp_path / "site", DEFECTIVE_SITE)
    report = crawl_http(browser, site) if mode == "http" else crawl_file(browser, site)
    assert found(report) == DEFECTIVE_EXPECTED, report.summary()
    assert not report.ok
    with pytest.raises(AssertionError, match="missing-anchor"):
        report.assert_clean()


# One defect per row: (path, old text, new text, expected over http, expected over file://).
DEFECTS = [
    pytest.param(
        "articles/two.html", "<h1>Two</h1>", "<h1>Two</h1><script>console.error('boom')</script>",
        {("console-error", "articles/two.html")}, {("console-error", "articles/two.html")},
        id="console-error",
    ),
    pytest.param(
        "articles/two.html", "<h1>Two</h1>", "<h1>Two</h1><script>renderSparkline()</script>",
        {("page-error", "articles/two.html")}, {("page-error", "articles/two.html")},
        id="uncaught-exception",
    ),
    pytest.param(
        "articles/one.html", "<h1 id=\"intro\">One</h1>", '<h1 id="intro">One</h1><img src="../img/nope.png" alt="">',
        {("broken-resource", "articles/one.html", "../img/nope.png")},
        {("broken-resource", "articles/one.html", "../img/nope.png")},
        id="missing-image",
    ),
    pytest.param(
        "index.html", '<link rel="stylesheet" href="css/style.css">', '<link rel="stylesheet" href="css/gone.css">',
        {("broken-resource", "index.html", "css/gone.css")}, {("broken-resource", "index.html", "css/gone.css")},
        id="missing-css",
    ),
    pytest.param(
        "index.html", '<a href="#top">top</a>', '<a href="articles/">all</a>',
        {("broken-link", "index.html", "articles/")}, {("broken-link", "index.html", "articles/")},
        id="folder-without-index",
    ),
    pytest.param(
        "index.html", '<a href="#top">top</a>', '<a href="../../outside.html">out</a>',
        {("outside-site", "index.html", "../../outside.html")},
        {("outside-site", "index.html", "../../outside.html")},
        id="climbs-out-of-site",
    ),
    pytest.param(
        "index.html", '<a href="#top">top</a>', '<a href="http://localhost:8000/index.html">dev</a>',
        {("absolute-link", "index.html", "http://localhost:8000/index.html")},
        {("absolute-link", "index.html", "http://localhost:8000/index.html")},
        id="dev-server-link",
    ),
    pytest.param(
        "index.html", '<a href="#top">top</a>', '<a href="//cdn.example.org/x.html">x</a>',
        {("absolute-link", "index.html", "//cdn.example.org/x.html")},
        {("absolute-link", "index.html", "//cdn.example.org/x.html")},
        id="protocol-relative",
    ),
    pytest.param(
        "articles/two.html", "<h1>Two</h1>", '<h1>Two</h1><img src="https://cdn.example.org/a.png" alt="">',
        {("external-resource", "articles/two.html", "https://cdn.example.org/a.png")},
        {("external-resource", "articles/two.html", "https://cdn.example.org/a.png")},
        id="external-image",
    ),
]


@pytest.mark.parametrize("path, old, new, expected_http, expected_file", DEFECTS)
def test_each_defect_is_reported_once(browser, tmp_path, path, old, new, expected_http, expected_file):
    site = write_site(tmp_path / "site", with_change(path, old, new))
    for mode, report, expected in [
        ("http", crawl_http(browser, site), expected_http),
        ("file", crawl_file(browser, site), expected_file),
    ]:
        got = found(report)
        if all(len(e) == 2 for e in expected):  # (kind, page): the target is the page or a script
            got = {(kind, pg) for kind, pg, _ in got}
        assert got == expected, f"{mode}: {report.summary()}"


def test_directory_link_works_over_http_but_not_file(browser, tmp_path):
    files = with_change("index.html", '<a href="#top">top</a>', '<a href="articles/">all</a>')
    files["articles/index.html"] = page("All", "<h1>All</h1>", up="../")
    site = write_site(tmp_path / "site", files)
    crawl_http(browser, site).assert_clean()
    assert found(crawl_file(browser, site)) == {("broken-link", "index.html", "articles/")}


def test_fetch_breaks_only_under_file(browser, tmp_path):
    script = "<script>fetch('../data.json').then(r => r.json()).then(d => { document.title = d.t; });</script>"
    files = with_change("articles/two.html", "<h1>Two</h1>", "<h1>Two</h1>" + script)
    files["data.json"] = '{"t": "Two"}'
    site = write_site(tmp_path / "site", files)
    crawl_http(browser, site).assert_clean()
    kinds = {kind for kind, pg, _ in found(crawl_file(browser, site)) if pg == "articles/two.html"}
    assert "failed-request" in kinds


def test_crawl_folder_visits_unlinked_pages(browser, tmp_path):
    files = {**CLEAN_SITE, "orphan.html": page("Orphan", '<a href="nowhere.html">x</a>')}
    site = write_site(tmp_path / "site", files)
    with open_page(browser) as pg:
        reachable = crawl_site(pg, (site / "index.html").as_uri())
    reachable.assert_clean()
    assert found(crawl_file(browser, site)) == {("broken-link", "orphan.html", "nowhere.html")}


def test_max_pages_truncates_and_fails(browser, clean_site):
    with serve_folder(clean_site) as base, open_page(browser) as pg:
        report = crawl_site(pg, base + "index.html", max_pages=2)
    assert report.truncated and len(report.pages) == 2 and not report.ok
    assert "TRUNCATED" in report.summary()


# --------------------------------------------------------------------------- serve_folder


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_folder_serves_only_under_the_prefix(clean_site):
    with serve_folder(clean_site, prefix="some/sub/path") as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/some/sub/path/")
        origin = base.removesuffix("some/sub/path/")
        assert status(base) == 200  # index.html
        assert status(base + "articles/one.html") == 200
        assert status(base.rstrip("/")) == 200  # redirected to the prefix
        assert status(origin + "index.html") == 404
        assert status(base + "articles/") == 404  # no listing for a folder without index.html
        assert status(base + "missing.html") == 404
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base, timeout=2)

