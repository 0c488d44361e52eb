"""Atom feeds (RFC 4287): one for the whole digest and one per topic.

With a site URL, every link and id is absolute, so that a feed reader can follow it. Without
one, links are relative to the feed file (valid Atom, fine for a reader that opened the file
from the site) and ids are name-based UUIDs, because an Atom id must be an absolute IRI.
Undated articles are left out: an entry needs a date, and inventing one would misplace it.
"""

from __future__ import annotations

import datetime
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from . import __version__, stored, urls
from .model import Article, Taxonomy
from .site import ArticleItem, Settings

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
# The updated time of a feed with no dated entry: a fixed time, since the build's own time
# would make the output differ from run to run.
NO_DATE = "1970-01-01T00:00:00Z"
# Characters XML 1.0 cannot hold at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class FeedEntry(NamedTuple):
    """What a feed shows of an article: all that its key (workers.value_key) is made of."""

    article: Article
    item: ArticleItem


@dataclass(frozen=True)
class Feed:
    out_path: str
    title: str
    page_out_path: str  # the HTML page the feed follows
    entries: tuple[FeedEntry, ...]  # newest first, dated only


def plan_feeds(articles: Sequence[Article], items: Mapping[str, ArticleItem], taxonomy: Taxonomy,
               settings: Settings) -> list[Feed]:
    """Return the digest's feed and one feed per topic, each with its newest dated ``articles``
    (which come newest first), as ``items`` (by slug) show them."""
    length = settings.feed_length
    newest: list[FeedEntry] = []
    about: dict[str, list[FeedEntry]] = {topic.slug: [] for topic in taxonomy.topics}
    # One pass, newest first, for every feed: a topic's feed is full after its newest articles.
    for article in articles:
        if article.date is None:
            continue
        feeds = [about[tag.slug] for tag in article.tags if len(about[tag.slug]) < length]
        if len(newest) < length:
            feeds.append(newest)
        if feeds:
            entry = FeedEntry(article, items[article.slug])
            for entries in feeds:
                entries.append(entry)
    return [Feed(urls.FEED, settings.site_title, urls.INDEX, tuple(newest))] + [
        Feed(urls.topic_feed_path(topic.slug), f"{settings.site_title}: {topic.name}", urls.topic_path(topic.slug),
             tuple(about[topic.slug]))
        for topic in taxonomy.topics
    ]


def feed_xml(feed: Feed, taxonomy: Taxonomy, settings: Settings) -> bytes:
    """Return the Atom document of ``feed``."""
    root = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, "xml:lang": "en"})
    _text(root, "title", feed.title)
    _link(root, "self", _href(feed.out_path, feed.out_path, settings), "application/atom+xml")
    _link(root, "alternate", _href(feed.out_path, feed.page_out_path, settings), "text/html")
    _text(root, "id", _id(feed.out_path, settings))
    _text(root, "updated", _timestamp(feed.entries[0].article.date) if feed.entries else NO_DATE)
    # A feed-level author lets an entry whose source is unknown stay valid Atom.
    ET.SubElement(ET.SubElement(root, "author"), "name").text = _clean(settings.site_title)
    _text(root, "generator", "digest").set("version", __version__)
    for entry in feed.entries:
        _entry(root, feed, entry, taxonomy, settings)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _entry(root: ET.Element, feed: Feed, shown: FeedEntry, taxonomy: Taxonomy, settings: Settings) -> None:
    article, item = shown
    entry = ET.SubElement(root, "entry")
    _text(entry, "title", article.title)
    page_href = _href(feed.out_path, item.out_path, settings)
    _link(entry, "alternate", page_href, "text/html")
    if article.url and article.url.lower().startswith(("http://", "https://")):
        _link(entry, "via", article.url, "text/html")
    _text(entry, "id", _id(item.out_path, settings))
    _text(entry, "published", _timestamp(article.date))
    _text(entry, "updated", _timestamp(article.date))
    if article.source:
        ET.SubElement(ET.SubElement(entry, "author"), "name").text = _clean(article.source)
    for tag in article.tags:
        topic = taxonomy.topic(tag.slug)
        ET.SubElement(entry, "category", {"term": topic.slug, "label": _clean(topic.name)})
    if item.summary:
        _text(entry, "summary", item.summary).set("type", "text")
    content = _text(entry, "content", stored.text(article.body_html))
    content.set("type", "html")
    if settings.site_url:
        # Links in a Markdown body are relative to the article page. Only an absolute base is
        # given: feedparser, for one, carries a relative xml:base over into the next entry.
        content.set("xml:base", page_href)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _clean(text)
    return element


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "type": media_type, "href": _clean(href)})


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _href(feed_path: str, out_path: str, settings: Settings) -> str:
    if settings.site_url:
        return urls.absolute_url(settings.site_url, out_path)
    return urls.relative_url(feed_path, out_path)


def _id(out_path: str, settings: Settings) -> str:
    if settings.site_url:
        return urls.absolute_url(settings.site_url, out_path)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'digest:' + out_path)}"


def _timestamp(date: datetime.date | None) -> str:
    # Articles carry a calendar date, not a time; Atom wants a time, so the day starts at midnight UTC.
    assert date is not None, "undated articles are never in a feed"
    return f"{date.isoformat()}T00:00:00Z"
