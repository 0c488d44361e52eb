"""Pure planning: sort, group and link the tagged articles into the pages of the site.

Nothing here reads or writes files. Every page's context is a small frozen record; links
in it are site-relative out_paths that the renderer turns into relative URLs.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import groupby
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from . import urls
from .boilerplate import BOILERPLATE_RULES
from .body import block_id
from .dates import format_date, format_month, format_month_day
from .errors import DigestError
from .header import find_dateline
from .model import Article, Mention, Taxonomy, Topic, TopicTag
from .related import Related, find_related
from .sentences import cut_at_sentence

if TYPE_CHECKING:  # story.py plans from this module's records, so it is imported late
    from .story import AliasRow, QuoteLine
    from .timeline import Timeline

WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Settings:
    """What the user may choose about the planned site."""

    site_title: str = "News digest"
    description: str = ""  # one sentence about the site, for search engines and link previews
    language: str = "en"  # the pages' lang attribute, a BCP 47 tag: screen readers pick their voice by it
    summary_length: int = 300  # characters of the lede shown in lists, cut on a sentence
    # Where the site is published, e.g. "https://example.org/news/". Feeds need it for
    # absolute links; sitemap.xml and robots.txt are written only when it is set.
    site_url: str | None = None
    page_size: int = 20  # articles on the index and on a topic page before older ones go to numbered pages
    feed_length: int = 20  # newest dated articles in each Atom feed
    related_count: int = 5  # related articles listed on each article page
    search_shard_size: int = 1000  # articles the search index holds in one file; more are split into shards

    def __post_init__(self) -> None:
        if not _LANGUAGE_TAG.fullmatch(str(self.language)):
            raise DigestError(f"setting language is {self.language!r}; use a language tag such as en, de or pt-BR")
        for name, least in _LEAST_VALUES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise DigestError(f"setting {name} is {value!r}; use a whole number of at least {least}")
        if self.site_url is not None:
            parts = urlsplit(str(self.site_url))
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
                raise DigestError(
                    f"setting site_url is {self.site_url!r}, not a web address; use the address the site "
                    "is published at, such as https://example.org/news/"
                )
            # The address names a folder: without the slash, "news" + "index.html" would run together.
            if not self.site_url.endswith("/"):
                object.__setattr__(self, "site_url", self.site_url + "/")


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_LEAST_VALUES = {"summary_length": 40, "page_size": 1, "feed_length": 1, "related_count": 0, "search_shard_size": 1}


@dataclass(frozen=True)
class TopicLink:
    name: str
    slug: str
    kind: str
    out_path: str
    count: int  # mentions, or articles on the topics overview


@dataclass(frozen=True)
class ArticleItem:
    """How an article appears in every list: the index, topic, date and archive pages."""

    title: str
    out_path: str
    date: datetime.date | None
    date_text: str  # "24 December 2018", or "Undated"
    date_out_path: str  # the date's page, or the Undated page
    source: str | None
    summary: str
    reading_minutes: int
    topics: tuple[TopicLink, ...]


@dataclass(frozen=True)
class EvidenceSentence:
    """A sentence that mentions a topic, split so that each matched alias can be highlighted."""

    parts: tuple[tuple[str, bool], ...]  # (text, is_match)
    out_path: str  # the paragraph on the article page: "articles/x.html#p3"
    where: str  # "title" or "paragraph 3"


@dataclass(frozen=True)
class TopicEvidence:
    topic: TopicLink
    aliases: tuple[tuple[str, int], ...]  # alias as written in the taxonomy, matches
    sentences: tuple[EvidenceSentence, ...]


@dataclass(frozen=True)
class FieldOrigin:
    name: str
    value: str
    origin: str


@dataclass(frozen=True)
class RemovedLine:
    line: int
    text: str
    rule: str
    reason: str


@dataclass(frozen=True)
class RelatedItem:
    """An article related to the one on the page, with the topics they share."""

    item: ArticleItem
    shared: tuple[TopicLink, ...]  # count: the mentions the two articles share


@dataclass(frozen=True)
class ArticleContext:
    article: Article
    item: ArticleItem
    fields: tuple[FieldOrigin, ...]
    evidence: tuple[TopicEvidence, ...]
    removed: tuple[RemovedLine, ...]
    previous: ArticleItem | None  # the next older article
    next: ArticleItem | None  # the next newer article
    related: tuple[RelatedItem, ...] = ()  # most related first
    quotations: tuple[QuoteLine, ...] = ()  # who said what, in text order (story.py)


@dataclass(frozen=True)
class Pager:
    """Where one page of a long list sits among the others.

    Numbered pages count from the oldest article, so a full page keeps its address and its
    articles when newer ones are added; the front page shows the newest.
    """

    number: int | None  # None on the front page
    first: int  # position of the page's oldest article, counted from the oldest (1-based)
    last: int  # position of its newest article
    older_out_path: str | None
    newer_out_path: str | None  # the next numbered page; from the newest one, the front page


@dataclass(frozen=True)
class ListContext:
    """A page that lists articles: the index, a date, the Undated page."""

    heading: str
    intro: str
    items: tuple[ArticleItem, ...]
    pager: Pager | None = None  # only on a list split into pages


@dataclass(frozen=True)
class TopicArticle:
    item: ArticleItem
    evidence: TopicEvidence


@dataclass(frozen=True)
class TopicContext:
    topic: Topic
    link: TopicLink
    article_count: int
    mention_count: int
    aliases: tuple[tuple[str, int], ...]  # every alias that matched, with its matches, most first
    entries: tuple[TopicArticle, ...]
    feed_out_path: str = ""  # the topic's Atom feed
    pager: Pager | None = None  # only on a topic split into pages
    alias_rows: tuple[AliasRow, ...] = ()  # why this tag: each alias, its matches and articles (story.py)
    timeline: Timeline | None = None  # the topic's articles over time, on its front page (story.py)


@dataclass(frozen=True)
class SearchContext:
    """The search page; without scripting it lists the newest articles instead of results."""

    items: tuple[ArticleItem, ...]
    root_url: str  # the site root relative to the page, prefixed to the out_paths of the index
    index_out_path: str
    script_out_path: str


@dataclass(frozen=True)
class TopicsContext:
    groups: tuple[tuple[str, tuple[TopicLink, ...]], ...]  # ("Actors", links), ("Places", links)


@dataclass(frozen=True)
class DayGroup:
    date: datetime.date
    date_text: str
    out_path: str
    items: tuple[ArticleItem, ...]


@dataclass(frozen=True)
class MonthGroup:
    year: int
    month: int
    name: str  # "December 2018"
    out_path: str
    year_out_path: str
    days: tuple[DayGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(day.items) for day in self.days)


@dataclass(frozen=True)
class YearGroup:
    year: int
    out_path: str
    months: tuple[MonthGroup, ...]

    @property
    def count(self) -> int:
        return sum(month.count for month in self.months)


@dataclass(frozen=True)
class ArchiveContext:
    years: tuple[YearGroup, ...]  # newest first
    undated_count: int


@dataclass(frozen=True)
class YearContext:
    year: YearGroup


@dataclass(frozen=True)
class MonthContext:
    month: MonthGroup


@dataclass(frozen=True)
class Page:
    out_path: str  # POSIX, relative to the site root, ends in .html
    template: str
    title: str
    context: object  # one of the *Context records above
    origin: str  # what asked for this page, named when two pages claim one out_path


@dataclass(frozen=True)
class SitePlan:
    pages: tuple[Page, ...]
    articles: tuple[Article, ...]  # newest first, undated last
    has_undated: bool


def newest_first(articles: list[Article]) -> list[Article]:
    """Return the articles newest first, undated last; the slug breaks ties so output is stable."""
    return sorted(articles, key=lambda article: (
        article.date is None, -(article.date.toordinal() if article.date else 0), article.slug,
    ))


def plan_site(articles: list[Article], taxonomy: Taxonomy, settings: Settings) -> SitePlan:
    """Return every page of the site, after checking that no two pages claim one path."""
    ordered = newest_first(articles)
    topic_links = {topic.slug: topic for topic in taxonomy.topics}
    items = {article.slug: make_item(article, topic_links, settings) for article in ordered}
    listed = tuple(items[article.slug] for article in ordered)
    pages = plan_index_pages(listed, settings)
    pages += plan_article_pages(ordered, items, taxonomy, find_related(ordered, settings.related_count))
    pages += plan_topic_pages(ordered, items, taxonomy, settings.page_size)
    pages += plan_archive_pages(ordered, items)
    pages.append(Page(urls.SEARCH, "search.html", "Search", SearchContext(
        listed[:settings.page_size], urls.root_prefix(urls.SEARCH), urls.SEARCH_INDEX, urls.SEARCH_SCRIPT,
    ), "the search page"))
    from .story import plan_story  # story builds on this module's records: imported here to keep one direction

    pages = plan_story(pages, ordered, items, taxonomy)
    check_collisions(pages)
    return SitePlan(tuple(pages), tuple(ordered), any(article.date is None for article in ordered))


Listed = TypeVar("Listed")


@dataclass(frozen=True)
class PagePart:
    """The part of a long list that one page shows."""

    out_path: str
    items: tuple  # newest first
    pager: Pager | None  # None when the list fits on one page


def paginate(items: Sequence[Listed], page_size: int, front_path: str,
             numbered_path: Callable[[int], str]) -> list[PagePart]:
    """Return the front page and the numbered pages of ``items``, which come newest first.

    Numbered pages count from the oldest, ``page_size`` items each (the newest may be
    short), so that a page keeps its address and its articles when newer ones are added.
    The front page shows the newest numbered page, with the one before it when it is
    short, so that it never shows fewer than ``page_size`` items. While the front page
    shows every item there are no numbered pages: nothing would link to them.
    """
    oldest_first = list(reversed(items))
    chunks = [oldest_first[start:start + page_size] for start in range(0, len(oldest_first), page_size)]
    count = len(chunks)
    oldest_on_front = count if chunks and len(chunks[-1]) == page_size else count - 1
    if oldest_on_front <= 1:
        return [PagePart(front_path, tuple(items), None)]
    first_position = (oldest_on_front - 1) * page_size + 1
    parts = [PagePart(front_path, tuple(reversed(oldest_first[first_position - 1:])), Pager(
        None, first_position, len(items),
        numbered_path(oldest_on_front - 1), None,
    ))]
    for number, chunk in enumerate(chunks, start=1):
        first = (number - 1) * page_size + 1
        parts.append(PagePart(numbered_path(number), tuple(reversed(chunk)), Pager(
            number, first, first + len(chunk) - 1,
            numbered_path(number - 1) if number > 1 else None,
            numbered_path(number + 1) if number < count else front_path,
        )))
    return parts


def plan_index_pages(listed: tuple[ArticleItem, ...], settings: Settings) -> list[Page]:
    pages = []
    for part in paginate(listed, settings.page_size, urls.INDEX, urls.index_page_path):
        if part.pager is None or part.pager.number is None:
            context = ListContext(settings.site_title, f"{len(listed)} articles, newest first.", part.items, part.pager)
            pages.append(Page(part.out_path, "index.html", settings.site_title, context, "the index"))
            continue
        number = part.pager.number
        # No count of all articles here: it would change this page each time an article is added.
        context = ListContext(f"Page {number}", f"Articles {part.pager.first} to {part.pager.last}, counted from "
                              "the oldest; newest first.", part.items, part.pager)
        pages.append(Page(part.out_path, "index.html", f"Page {number}", context, f"page {number} of the index"))
    return pages


def make_item(article: Article, topics: dict[str, Topic], settings: Settings) -> ArticleItem:
    lede = _lede(article)
    words = sum(len(block.text.split()) for block in article.blocks)
    return ArticleItem(
        title=article.title,
        out_path=urls.article_path(article.slug),
        date=article.date,
        date_text=format_date(article.date) if article.date else "Undated",
        date_out_path=urls.date_path(article.date) if article.date else urls.UNDATED,
        source=article.source,
        summary=cut_at_sentence(lede, settings.summary_length) if lede else "",
        reading_minutes=max(1, round(words / WORDS_PER_MINUTE)),
        topics=tuple(_topic_link(topics[tag.slug], tag.count) for tag in article.tags),
    )


def _lede(article: Article) -> str:
    """Return the first paragraph's text, after the dateline ("MOSCOW (Reuters) -") that opens it.

    A dateline says where the story was filed, not what it says.
    """
    paragraphs = [block.text for block in article.blocks if block.kind == "paragraph"]
    if not paragraphs:
        return ""
    found = find_dateline(paragraphs[0])
    return paragraphs[0][found[1]:] if found else paragraphs[0]


def _topic_link(topic: Topic, count: int) -> TopicLink:
    return TopicLink(topic.name, topic.slug, topic.kind, urls.topic_path(topic.slug), count)


def plan_article_pages(ordered: list[Article], items: dict[str, ArticleItem], taxonomy: Taxonomy,
                       related: dict[str, tuple[Related, ...]] | None = None) -> list[Page]:
    pages = []
    # Reading order is oldest to newest; undated articles come after every dated one.
    chronological = [article for article in reversed(ordered) if article.date] + [a for a in ordered if not a.date]
    for position, article in enumerate(chronological):
        previous = chronological[position - 1] if position > 0 else None
        following = chronological[position + 1] if position + 1 < len(chronological) else None
        context = ArticleContext(
            article=article,
            item=items[article.slug],
            fields=_field_origins(article),
            evidence=tuple(
                make_evidence(article, tag, _topic_link(taxonomy.topic(tag.slug), tag.count)) for tag in article.tags
            ),
            removed=tuple(
                RemovedLine(removal.line, removal.text, removal.rule, BOILERPLATE_RULES.get(removal.rule, removal.rule))
                for removal in article.removed
            ),
            previous=items[previous.slug] if previous else None,
            next=items[following.slug] if following else None,
            related=tuple(
                RelatedItem(items[other.slug],
                            tuple(_topic_link(taxonomy.topic(slug), shared) for slug, shared in other.shared))
                for other in (related or {}).get(article.slug, ())
            ),
        )
        pages.append(Page(urls.article_path(article.slug), "article.html", article.title, context,
                          f"article {article.source_path}"))
    return pages


def _field_origins(article: Article) -> tuple[FieldOrigin, ...]:
    dateline = article.dateline
    fields = [
        FieldOrigin("Title", article.title, article.origins.title),
        FieldOrigin("Source", article.source or "Unknown", article.origins.source),
        FieldOrigin("Date", format_date(article.date) if article.date else "Undated", article.origins.date),
        FieldOrigin("Original", article.url or "Not given", article.origins.url),
    ]
    if dateline is not None:
        shown = dateline.text
        if dateline.month and dateline.day and not dateline.year:
            shown += f" (gives {format_month_day(dateline.month, dateline.day)}, no year)"
        fields.append(FieldOrigin("Dateline", shown, "first paragraph"))
    fields.append(FieldOrigin("File", article.source_path, "articles folder"))
    return tuple(fields)


def make_evidence(article: Article, tag: TopicTag, link: TopicLink) -> TopicEvidence:
    """Return the sentences that mention a topic, each once, with every match highlighted."""
    aliases: dict[str, int] = {}
    by_sentence: dict[tuple[int, int], list[Mention]] = {}
    for mention in tag.mentions:
        aliases[mention.alias] = aliases.get(mention.alias, 0) + 1
        by_sentence.setdefault((mention.block, mention.sentence_start), []).append(mention)
    sentences = []
    for (block, sentence_start), mentions in sorted(by_sentence.items()):
        sentence = mentions[0].sentence
        parts: list[tuple[str, bool]] = []
        cursor = 0
        for mention in sorted(mentions, key=lambda mention: mention.start):
            start, end = mention.start - sentence_start, mention.end - sentence_start
            if start < cursor:
                continue
            parts += [(sentence[cursor:start], False), (sentence[start:end], True)]
            cursor = end
        parts.append((sentence[cursor:], False))
        anchor = urls.article_path(article.slug) + (f"#{block_id(block)}" if block >= 0 else "")
        where = "title" if block < 0 else f"paragraph {block + 1}"
        sentences.append(EvidenceSentence(tuple(part for part in parts if part[0]), anchor, where))
    return TopicEvidence(link, tuple(sorted(aliases.items(), key=lambda pair: (-pair[1], pair[0]))), tuple(sentences))


def plan_topic_pages(ordered: list[Article], items: dict[str, ArticleItem], taxonomy: Taxonomy,
                     page_size: int = Settings.page_size) -> list[Page]:
    pages = []
    overview: dict[str, list[TopicLink]] = {"actor": [], "place": []}
    for topic in taxonomy.topics:
        tagged = [(article, tag) for article in ordered if (tag := article.tag(topic.slug)) is not None]
        link = _topic_link(topic, len(tagged))
        overview[topic.kind].append(link)
        aliases: dict[str, int] = {}
        entries = []
        for article, tag in tagged:
            evidence = make_evidence(article, tag, link)
            for alias, count in evidence.aliases:
                aliases[alias] = aliases.get(alias, 0) + count
            entries.append(TopicArticle(items[article.slug], evidence))
        context = TopicContext(
            topic=topic,
            link=link,
            article_count=len(tagged),
            mention_count=sum(tag.count for _, tag in tagged),
            aliases=tuple(sorted(aliases.items(), key=lambda pair: (-pair[1], pair[0]))),
            entries=tuple(entries),
            feed_out_path=urls.topic_feed_path(topic.slug),
        )
        numbered = partial(urls.topic_page_path, topic.slug)
        for part in paginate(context.entries, page_size, link.out_path, numbered):
            number = part.pager.number if part.pager else None
            pages.append(Page(
                part.out_path, "topic.html", topic.name if number is None else f"{topic.name}, page {number}",
                replace(context, entries=part.items, pager=part.pager),
                f"topic '{topic.slug}' in the taxonomy" + (f", page {number}" if number else ""),
            ))
    groups = (("Actors", tuple(overview["actor"])), ("Places", tuple(overview["place"])))
    pages.append(Page(urls.TOPICS, "topics.html", "Topics", TopicsContext(groups), "the topics overview"))
    return pages


def plan_archive_pages(ordered: list[Article], items: dict[str, ArticleItem]) -> list[Page]:
    dated = [article for article in ordered if article.date]
    undated = [items[article.slug] for article in ordered if not article.date]
    years = []
    pages = []
    for year, in_year in groupby(dated, key=lambda article: article.date.year):
        months = []
        for month, in_month in groupby(list(in_year), key=lambda article: article.date.month):
            days = []
            for date, on_day in groupby(list(in_month), key=lambda article: article.date):
                day = DayGroup(date, format_date(date), urls.date_path(date),
                               tuple(items[article.slug] for article in on_day))
                days.append(day)
                pages.append(Page(day.out_path, "date.html", day.date_text,
                                  ListContext(day.date_text, _count_text(len(day.items)), day.items),
                                  f"date {date.isoformat()}"))
            group = MonthGroup(year, month, format_month(year, month), urls.month_path(year, month), urls.year_path(year),
                               tuple(days))
            months.append(group)
            pages.append(Page(group.out_path, "month.html", group.name, MonthContext(group), f"month {year}-{month:02d}"))
        year_group = YearGroup(year, urls.year_path(year), tuple(months))
        years.append(year_group)
        pages.append(Page(year_group.out_path, "year.html", str(year), YearContext(year_group), f"year {year}"))
    pages.append(Page(urls.ARCHIVE, "archive.html", "Archive", ArchiveContext(tuple(years), len(undated)), "the archive"))
    if undated:
        pages.append(Page(urls.UNDATED, "date.html", "Undated",
                          ListContext("Undated", "Articles whose text gives no full publication date. "
                                      + _count_text(len(undated)), tuple(undated)), "the Undated page"))
    return pages


def _count_text(count: int) -> str:
    return f"{count} article." if count == 1 else f"{count} articles."


def check_collisions(pages: list[Page]) -> None:
    """Raise DigestError naming both claimants when two pages would be written to one path."""
    claimed: dict[str, Page] = {}
    for page in pages:
        urls.check_out_path(page.out_path)
        if page.out_path in claimed:
            raise DigestError(
                f"{claimed[page.out_path].origin} and {page.origin} would both be written to "
                f"{page.out_path}; rename one of them"
            )
        claimed[page.out_path] = page
