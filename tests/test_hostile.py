"""Hostile article content is shown as text: no script runs and no dialog opens in a browser.

Every payload goes into every place an article can carry text: the title (front matter and
headline), the body (plain text and Markdown), the source, the url, unknown front matter
fields (names and values) and the file name.
"""

import json
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from digest.pipeline import build_site

PAYLOADS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    "<svg onload=alert('svg')>",
    "\"><script>alert('attribute')</script>",
    "'><img src=x onerror=alert('attribute2')>",
    "</textarea><script>alert('textarea')</script>",
    "</title><script>alert('title')</script>",
    "</style><script>alert('style')</script>",
    "<!--<script>alert('comment')</script>-->",
    "<iframe src=javascript:alert('iframe')></iframe>",
    "<a href=\"javascript:alert('link')\">click</a>",
    "&lt;script&gt;alert('entity')&lt;/script&gt;",
    "javascript:alert('scheme')",
    "]]><script>alert('cdata')</script>",
    "{{ 7*7 }}",
    "{% if true %}jinja{% endif %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{# a jinja comment #}",
    "\u2028</script>\u2029<script>alert('separators')</script>",
]
MARKDOWN_PAYLOADS = [
    "[click](javascript:alert('md-link'))",
    "[click](JaVaScRiPt:alert('md-case'))",
    "[click](java&#09;script:alert('md-entity'))",
    "<javascript:alert('md-autolink')>",
    "![picture](x onerror=alert('md-image'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox('md-vb'))",
    "[click](/etc/passwd)",
    "[click](//evil.example/x.js)",
    "`<script>alert('md-code')</script>`",
    "```\n<script>alert('md-fence')</script>\n```",
    "[ref]\n\n[ref]: javascript:alert('md-reference')",
    "<div onmouseover=\"alert('md-html')\">hover</div>",
]
URLS = [
    "javascript:alert('url')",
    " JAVASCRIPT:alert('url-case')",
    "data:text/html,<script>alert('url-data')</script>",
    "https://example.com/\"><script>alert('url-quote')</script>",
    "http://example.com/?q=<img src=x onerror=alert('url-query')>",
    "vbscript:msgbox('url-vb')",
]
FILE_NAMES = ["\"><img src=x onerror=alert('file')>.txt", "{{ 7*7 }}.md", "<script>alert('file2')<script>.txt"]

SAFE_SCHEMES = {"", "http", "https", "mailto"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "math", "base", "frame", "frameset", "img"}


def yaml_text(text: str) -> str:
    return json.dumps(text)  # JSON strings are YAML double-quoted strings


def write_hostile_corpus(folder: Path) -> None:
    """Write two articles per payload; the Markdown payloads and urls take turns among them."""
    assert len(PAYLOADS) >= max(len(MARKDOWN_PAYLOADS), len(URLS)), "every Markdown payload and url must be used"
    folder.mkdir()
    for number, payload in enumerate(PAYLOADS):
        (folder / f"fm-{number:02d}.md").write_text(
            f"---\ntitle: {yaml_text(payload)}\nsource: {yaml_text(payload)}\n"
            f"url: {yaml_text(URLS[number % len(URLS)])}\nnote: {yaml_text(payload)}\n"
            f"{yaml_text('x' + payload)}: value\n---\n"
            f"About Russia: {payload}\n\n## {payload}\n\n{MARKDOWN_PAYLOADS[number % len(MARKDOWN_PAYLOADS)]}\n"
        )
        (folder / f"headline-{number:02d}.txt").write_text(f"{payload}\n\nTurkey said {payload} today.\n\n{payload}\n")
    for name in FILE_NAMES:
        (folder / name).write_text("...\n")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    write_hostile_corpus(root / "articles")
    out_dir = root / "site"
    report = build_site(root / "articles", out_dir)
    assert report.skipped == ()
    return out_dir


class _Elements(HTMLParser):
    """Every start tag and attribute, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def test_every_hostile_input_is_published(hostile_site):
    records = json.loads((hostile_site / "articles.json").read_text())["articles"]
    assert len(records) == 2 * len(PAYLOADS) + len(FILE_NAMES)
    titles = {record["title"] for record in records}
    assert {" ".join(payload.split()) for payload in PAYLOADS} <= titles  # runs of white space become one space
    linked = [record["url"] for record in records if record["url"] and record["url"].startswith(("http://", "https://"))]
    assert all("<" not in url or "example.com" in url for url in linked)


def test_pages_hold_no_script_handler_or_dangerous_link(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > len(PAYLOADS)
    for path in pages:
        parser = _Elements()
        parser.feed(path.read_text())
        name = path.relative_to(hostile_site).as_posix()
        assert parser.script_text == [], f"{name}: inline script {parser.script_text[:1]}"
        for tag, attrs in parser.tags:
            assert tag not in FORBIDDEN_TAGS, f"{name}: <{tag}>"
            for attribute, value in attrs:
                assert not attribute.startswith("on"), f"{name}: <{tag} {attribute}>"
                if attribute in ("href", "src", "action", "formaction") and value is not None:
                    assert urlsplit(value.strip()).scheme.lower() in SAFE_SCHEMES, f"{name}: <{tag} {attribute}={value!r}>"
                    assert tag != "script" or not urlsplit(value).scheme, f"{name}: external script {value!r}"


def test_payloads_are_shown_as_the_text_they_are(hostile_site):
    pages = {path.name: path.read_text() for path in (hostile_site / "articles").iterdir()}
    shown = "\n".join(pages.values())
    assert "{{ 7*7 }}" in shown and "{% if true %}jinja{% endif %}" in shown and ">49<" not in shown
    assert "&lt;script&gt;alert(&#39;script&#39;)&lt;/script&gt;" in shown
    assert "<p id=\"p3\">[click](javascript:alert('md-link'))</p>" in shown
    # A web address is linked with the characters a URL may not hold percent-encoded.
    assert 'href="https://example.com/%22%3E%3Cscript%3Ealert(&#39;url-quote&#39;)%3C/script%3E"' in shown


def test_feeds_and_records_stay_well_formed(hostile_site):
    json.loads((hostile_site / "articles.json").read_text())
    for path in hostile_site.rglob("*.xml"):
        ElementTree.parse(path)


_WATCH = """
window.__calls = [];
for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
  const original = window[name];
  window[name] = function (...args) { window.__calls.push(name + ':' + args.join(',')); return original.apply(this, args); };
}
"""
_DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) if (attr.startsWith('on')) bad.push(el.tagName + ' ' + attr);
    if (['IFRAME', 'OBJECT', 'EMBED', 'SVG', 'BASE', 'IMG'].includes(el.tagName.toUpperCase())) bad.push(el.tagName);
  }
  for (const a of document.querySelectorAll('a[href]'))
    if (!['file:', 'http:', 'https:', 'mailto:'].includes(a.protocol)) bad.push('link ' + a.href);
  for (const s of document.querySelectorAll('script'))
    if (!s.src || new URL(s.src).protocol !== location.protocol) bad.push('script ' + (s.src || s.textContent.slice(0, 40)));
  return {bad, calls: window.__calls, title: document.title};
}"""


def test_no_script_runs_no_dialog_opens_and_titles_show_as_text_in_chromium(browser, hostile_site):
    from browser import open_page

    records = json.loads((hostile_site / "articles.json").read_text())["articles"]
    titles = {record["page"]: record["title"] for record in records if record["source_file"].startswith("fm-")}
    dialogs: list[str] = []
    errors: list[str] = []
    pages = sorted(hostile_site.rglob("*.html"))
    # The search page shows titles from its index, so searching there must stay inert too.
    searched = sorted(pages, key=lambda path: "search" not in path.name)[0]
    with open_page(browser) as page:
        page.add_init_script(_WATCH)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        for path in pages:
            page.goto(path.as_uri(), wait_until="load")
            name = path.relative_to(hostile_site).as_posix()
            if path == searched:
                for search_box in page.locator("input[type=search]").all():
                    for word in ("script", "alert", "onerror", "7*7", "javascript"):
                        search_box.fill(word)
                        page.wait_for_timeout(50)
            result = page.evaluate(_DOM_CHECK)
            assert result["bad"] == [], f"{name}: {result['bad']}"
            assert result["calls"] == [], f"{name}: a payload ran: {result['calls']}"
            if name in titles:
                assert page.locator("h1").inner_text() == titles[name]
                assert result["title"].startswith(titles[name])
        page.wait_for_timeout(100)  # an onerror handler would fire once the image load fails
    assert dialogs == [] and errors == []
    assert len(titles) == len(PAYLOADS)
