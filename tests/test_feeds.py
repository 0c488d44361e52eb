"""Atom feeds read by feedparser, sitemap.xml and robots.txt, and the settings they need."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from digest.errors import DigestError
from digest.pipeline import build_site
from digest.site import Settings
from digest.sitemap import sitemap_files
from synthetic import article_text, write_articles

SITE_URL = "https://example.org/news/digest/"


def parse(path: Path):
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path.name}: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10"
    return parsed


def local_file(site: Path, feed_path: str, href: str) -> Path:
    """The file a feed link points to: absolute under SITE_URL, or relative to the feed file."""
    if href.startswith(SITE_URL):
        return site / href[len(SITE_URL):]
    return site / Path(feed_path).parent / href


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The same articles built with and without a site URL: six dated and one undated."""
    folder = tmp_path_factory.mktemp("feeds")
    articles = folder / "articles"
    write_articles(articles, range(6))
    (articles / "undated.md").write_text(article_text(6).replace("date: 2021-03-07\n", ""), encoding="utf-8")
    built = {}
    for name, settings in [("with-url", Settings(site_url=SITE_URL.rstrip("/"), feed_length=5)),
                           ("without-url", Settings(feed_length=5))]:
        build_site(articles, folder / name, settings=settings)
        built[name] = folder / name
    return built


@pytest.mark.parametrize("name", ["with-url", "without-url"])
def test_every_feed_parses_without_error_and_links_to_built_pages(sites, name):
    site = sites[name]
    feeds = [site / "feed.xml", *sorted((site / "feeds").glob("*.xml"))]
    assert len(feeds) == 7  # the digest and each of the six topics
    for feed in feeds:
        parsed = parse(feed)
        feed_path = feed.relative_to(site).as_posix()
        assert parsed.feed.title.startswith("News digest") and parsed.feed.updated
        for entry in parsed.entries:
            assert entry.title and entry.id and entry.updated_parsed and entry.summary
            assert local_file(site, feed_path, entry.link).is_file(), entry.link
        ids = [entry.id for entry in parsed.entries]
        assert len(set(ids)) == len(ids)


def test_with_a_site_url_links_and_ids_are_absolute(sites):
    parsed = parse(sites["with-url"] / "feed.xml")
    assert parsed.feed.id == SITE_URL + "feed.xml"
    assert {link.rel: link.href for link in parsed.feed.links} == {
        "self": SITE_URL + "feed.xml", "alternate": SITE_URL + "index.html"}
    assert all(entry.id == entry.link and entry.link.startswith(SITE_URL + "articles/") for entry in parsed.entries)


def test_without_a_site_url_links_are_relative_and_ids_are_stable_uuids(sites):
    parsed = parse(sites["without-url"] / "feeds" / "russia.xml")
    assert parsed.feed.id.startswith("urn:uuid:")
    assert all(entry.link.startswith("../articles/") and entry.id.startswith("urn:uuid:") for entry in parsed.entries)
    again = parse(sites["without-url"] / "feed.xml")
    with_url = parse(sites["with-url"] / "feed.xml")
    assert [entry.title for entry in again.entries] == [entry.title for entry in with_url.entries]


def test_feed_holds_the_newest_dated_articles_with_source_summary_and_content(sites):
    parsed = parse(sites["with-url"] / "feed.xml")
    # feed_length=5 of the six dated articles; the undated one is left out.
    assert [entry.title for entry in parsed.entries] == [
        f"The {subject} question, report {number}" for number, subject in
        [(5, "railway"), (4, "festival"), (3, "drought"), (2, "election"), (1, "pipeline")]]
    entry = parsed.entries[0]
    assert entry.updated == entry.published == "2021-03-06T00:00:00Z"
    assert entry.author == "Wire 1"
    assert entry.summary == "Reporters looked into the railway today. The story began with a plain statement."
    assert "codeword5" in entry.content[0].value and entry.content[0].type == "text/html"
    assert parsed.feed.updated == "2021-03-06T00:00:00Z"
    assert [tag.term for tag in entry.tags] == ["turkey", "syria"]


@pytest.mark.parametrize("topic, numbers", [("russia", [4, 2, 0]), ("kurds", []), ("syria", [5, 4, 3])],
                         ids=["russia", "no-dated-article", "syria"])
def test_topic_feeds_hold_only_the_topic(sites, topic, numbers):
    parsed = parse(sites["with-url"] / "feeds" / f"{topic}.xml")
    assert [entry.link.rsplit("-", 1)[1] for entry in parsed.entries] == [f"{number}.html" for number in numbers]
    assert parsed.feed.links[1].href == SITE_URL + f"topics/{topic}.html"
    if not numbers:
        assert parsed.feed.updated == "1970-01-01T00:00:00Z"


def test_hostile_text_is_escaped_in_feeds(tmp_path):
    write_articles(tmp_path / "articles", [0])
    # YAML escapes put control characters into a title, which XML cannot hold even escaped.
    title = r"Tom & Jerry <script>alert(1)</script> ]]> 'quoted' \x0b\x1f end"
    (tmp_path / "articles" / "hostile.md").write_text(
        article_text(1, title=title).replace('source: "Wire 1"', 'source: "A <b>bold</b> & co"'), encoding="utf-8")
    build_site(tmp_path / "articles", tmp_path / "site", settings=Settings(site_url=SITE_URL))
    raw = (tmp_path / "site" / "feed.xml").read_text()
    assert "<script>" not in raw and "<b>" not in raw
    entry = next(entry for entry in parse(tmp_path / "site" / "feed.xml").entries if "Jerry" in entry.title)
    assert " ".join(entry.title.split()) == "Tom & Jerry <script>alert(1)</script> ]]> 'quoted' end"
    assert entry.author == "A <b>bold</b> & co"


@pytest.mark.parametrize("page, feeds", [
    ("index.html", ["feed.xml"]),
    ("topics/russia.html", ["../feeds/russia.xml", "../feed.xml"]),
], ids=["index", "topic"])
def test_index_and_topic_pages_announce_their_feeds(sites, page, feeds):
    html = (sites["without-url"] / page).read_text()
    found = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html)
    assert found == feeds
    assert all((sites["without-url"] / Path(page).parent / href).resolve().is_file() for href in found)


def test_sitemap_lists_every_page_at_its_absolute_address(sites):
    site = sites["with-url"]
    tree = ET.parse(site / "sitemap.xml")
    namespace = {"sitemap": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in tree.getroot().findall("sitemap:url/sitemap:loc", namespace)]
    assert all(location.startswith(SITE_URL) for location in locations)
    listed = {location[len(SITE_URL):] for location in locations}
    assert all((site / path).is_file() for path in listed), "a sitemap URL names no file"
    assert listed == {path.relative_to(site).as_posix() for path in site.rglob("*.html")}
    assert len(listed) == len(locations)


def test_a_sitemap_over_the_protocol_limit_becomes_an_index_of_parts():
    files = dict(sitemap_files([f"articles/a{number}.html" for number in range(5)], SITE_URL, max_urls=2))
    assert list(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")] == [
        SITE_URL + f"sitemap-{number}.xml" for number in (1, 2, 3)]
    last = ET.fromstring(files["sitemap-3.xml"])
    assert [loc.text for loc in last.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")] == [
        SITE_URL + "articles/a4.html"]


def test_robots_txt_names_the_sitemap(sites):
    robots = (sites["with-url"] / "robots.txt").read_text()
    assert robots.startswith("User-agent: *\n") and f"Sitemap: {urljoin(SITE_URL, 'sitemap.xml')}\n" in robots


def test_without_a_site_url_there_is_no_sitemap_or_robots_txt(sites):
    assert not (sites["without-url"] / "sitemap.xml").exists()
    assert not (sites["without-url"] / "robots.txt").exists()


@pytest.mark.parametrize("given, kept", [
    ("https://example.org/news", "https://example.org/news/"),
    ("http://localhost:8000/", "http://localhost:8000/"),
    (None, None),
], ids=["slash-added", "kept", "not-configured"])
def test_site_url_names_a_folder(given, kept):
    assert Settings(site_url=given).site_url == kept


@pytest.mark.parametrize("settings, message", [
    ({"site_url": "example.org/news"}, "site_url is 'example.org/news', not a web address"),
    ({"site_url": "ftp://example.org/"}, "not a web address"),
    ({"site_url": "https://example.org/?page=1"}, "not a web address"),
    ({"page_size": 0}, "page_size is 0; use a whole number of at least 1"),
    ({"feed_length": "20"}, "feed_length is '20'"),
    ({"search_shard_size": True}, "search_shard_size is True"),
    ({"related_count": -1}, "related_count is -1"),
], ids=["no-scheme", "ftp", "query", "page-size-0", "text", "bool", "negative"])
def test_bad_settings_are_reported(settings, message):
    with pytest.raises(DigestError, match=re.escape(message)):
        Settings(**settings)
