"""Pure planning: sort, group and link the tagged articles into the pages of the site.

Nothing here reads or writes files. Every page's context is a small frozen record; links
in it are site-relative out_paths that the renderer turns into relative URLs.

Records that only restate one article's analysis (analysis.py) for one page, such as the
sentences of its evidence or the lines of its quotations, are properties, made when a page
shows them: a site of 10,000 articles would hold about a million of them, and planning
would spend most of its time making them. Rendering happens in worker processes, which
share that work.
"""

from __future__ import annotations

import datetime
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple, TypeVar
from urllib.parse import urlsplit

from . import urls
from .aliases import AliasRow, Aliases, Recount, count_aliases
from .collector import collector_paused
from .analysis import (
    SUMMARY_LENGTH,
    ArticleAnalysis,
    FieldOrigin,
    RemovedLine,
    SentenceMatches,
    TagEvidence,
    analyse_article,
    lede_and_words,
    summarise,
)
from .body import block_id
from .dates import format_date, format_month
from .errors import DigestError
from .model import Article, Taxonomy, Topic, record_of
from .quotes import INHERITED, NAMED, Quotation
from .related import Choice, rank_related

if TYPE_CHECKING:  # story.py plans from this module's records, so it is imported late
    from .timeline import Timeline

WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Settings:
    """What the user may choose about the planned site."""

    site_title: str = "News digest"
    description: str = ""  # one sentence about the site, for search engines and link previews
    language: str = "en"  # the pages' lang attribute, a BCP 47 tag: screen readers pick their voice by it
    summary_length: int = SUMMARY_LENGTH  # characters of the lede shown in lists, cut on a sentence
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
    count: int | None  # mentions, or articles on the topics overview; None: see without_totals

    def without_totals(self) -> TopicLink:
        """Return the link without its count, for the numbered pages of a long list.

        They keep their articles when newer ones are added (see Pager), and say nothing of
        the whole list, whose counts change with every article. Their records do not hold
        those counts either, because a page is rendered again whenever what its record holds
        changes (workers.page_key). story.py's SourceLink and SpeakerLink do the same.
        """
        # Not dataclasses.replace, which looks up the fields each call: 6 µs against 1.
        return TopicLink(self.name, self.slug, self.kind, self.out_path, None)


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
    topics: tuple[TopicLink, ...]  # count: the article's mentions of the topic


@dataclass(frozen=True)
class EvidenceSentence:
    """A sentence that mentions a topic, split so that each matched alias can be highlighted."""

    parts: tuple[tuple[str, bool], ...]  # (text, is_match)
    out_path: str  # the paragraph on the article page: "articles/x.html#p3"
    where: str  # "title" or "paragraph 3"


@dataclass(frozen=True)
class TopicEvidence:
    """Why an article has a tag: the names that matched and the sentences that hold them."""

    topic: TopicLink  # count: the article's mentions of the topic
    aliases: tuple[tuple[str, int], ...]  # alias as written in the taxonomy, matches
    article_out_path: str  # the article's page, which the sentences link to
    # The analysis's evidence: its sentences are read back only when a page shows them, which
    # the pages of pairs, showing the aliases, do not.
    found: TagEvidence

    @property
    def matches(self) -> tuple[SentenceMatches, ...]:
        """The analysis's sentences, in text order."""
        return self.found.sentences

    @property
    def sentences(self) -> tuple[EvidenceSentence, ...]:
        """Each sentence, linked to its paragraph."""
        return tuple(
            EvidenceSentence(
                found.parts,
                self.article_out_path + (f"#{block_id(found.block)}" if found.block >= 0 else ""),
                "title" if found.block < 0 else f"paragraph {found.block + 1}",
            )
            for found in self.matches
        )


class RelatedItem(NamedTuple):
    """An article related to the one on the page, with the topics they share.

    A named tuple rather than a frozen dataclass, like TopicArticle: a site holds five an
    article, and tuples are made in half the time.
    """

    item: ArticleItem
    shared: tuple[TopicLink, ...]  # count: the smaller of the two mention levels (related.py); most first


@dataclass(frozen=True)
class QuoteLine:
    """A quotation as pages show it, linked to its paragraph and its speaker's page."""

    quotation: Quotation
    article: ArticleItem

    @property
    def text(self) -> str:
        return self.quotation.text

    @property
    def out_path(self) -> str:
        """The paragraph on the article page: "articles/x.html#p3"."""
        return f"{self.article.out_path}#{block_id(self.quotation.block)}"

    @property
    def where(self) -> str:
        return f"paragraph {self.quotation.block + 1}"

    @property
    def attribution(self) -> str:
        """As written: "he said"."""
        return self.quotation.attribution

    @property
    def how(self) -> str:
        """How the speaker was told, for readers: "the last speaker named, in paragraph 1"."""
        quotation = self.quotation
        if quotation.speaker is None:
            return "the attribution names no one the digest can tell"
        if quotation.how == NAMED:
            return "named"
        if quotation.how == INHERITED:
            return "beside a quotation attributed to them"
        where = ("earlier in this paragraph" if quotation.resolved_from == quotation.block
                 else f"in paragraph {quotation.resolved_from + 1}")
        return f"the last speaker named, {where}"

    @property
    def speaker(self) -> str | None:
        """The speaker's name; None when the digest cannot tell."""
        return self.quotation.speaker.name if self.quotation.speaker else None

    @property
    def speaker_out_path(self) -> str | None:
        return urls.speaker_path(self.quotation.speaker.slug) if self.quotation.speaker else None


@dataclass(frozen=True)
class ArticleContext:
    article: Article
    item: ArticleItem
    analysis: ArticleAnalysis  # what the page shows of the article alone
    previous: ArticleItem | None  # the next older article
    next: ArticleItem | None  # the next newer article
    related: tuple[RelatedItem, ...] = ()  # most related first

    @property
    def newest_item(self) -> ArticleItem:
        """The article this page shows (render_order)."""
        return self.item

    @property
    def fields(self) -> tuple[FieldOrigin, ...]:
        return self.analysis.fields

    @property
    def evidence(self) -> tuple[TopicEvidence, ...]:
        return tuple(TopicEvidence(link, found.aliases, self.item.out_path, found)
                     for link, found in zip(self.item.topics, self.analysis.evidence))

    @property
    def removed(self) -> tuple[RemovedLine, ...]:
        return self.analysis.removed

    @property
    def quotations(self) -> tuple[QuoteLine, ...]:
        """Who said what, in text order."""
        return tuple(QuoteLine(quotation, self.item) for quotation in self.analysis.quotations)


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

    @property
    def newest_item(self) -> ArticleItem | None:
        """The newest article of this page, if it lists any (render_order)."""
        return self.items[0] if self.items else None


class TopicArticle(NamedTuple):
    """An article on the pages of one of its topics.

    A named tuple rather than a frozen dataclass: a site holds one for each tag of each
    article, and tuples are made in half the time. It holds the whole analysis, not only its
    evidence for the topic: pages are told apart by what their records hold (workers.py), and
    an article's analysis is told apart by the article's content hash alone.
    """

    item: ArticleItem
    link: TopicLink  # the topic; count: the article's mentions of it
    analysis: ArticleAnalysis  # the article's
    position: int  # of the topic among the article's tags

    @property
    def found(self) -> TagEvidence:
        """The analysis's evidence for the topic."""
        return self.analysis.evidence[self.position]

    @property
    def evidence(self) -> TopicEvidence:
        found = self.found
        return TopicEvidence(self.link, found.aliases, self.item.out_path, found)


@dataclass(frozen=True)
class TopicContext:
    # The counts and aliases of the whole topic are None and () on numbered pages, and the
    # link is link.without_totals(): they would change those pages with every article.
    topic: Topic
    link: TopicLink
    article_count: int | None
    mention_count: int | None
    aliases: tuple[tuple[str, int], ...]  # every alias that matched, with its matches, most first
    entries: tuple[TopicArticle, ...]
    feed_out_path: str = ""  # the topic's Atom feed
    pager: Pager | None = None  # only on a topic split into pages
    alias_rows: tuple[AliasRow, ...] = ()  # why this tag: each alias, its matches and articles
    timeline: Timeline | None = None  # the topic's articles over time, on its front page (story.py)

    @property
    def newest_item(self) -> ArticleItem | None:
        """The newest article of this page, if it lists any (render_order)."""
        return self.entries[0].item if self.entries else None


@dataclass(frozen=True)
class SearchContext:
    """The search page; without scripting it lists the newest articles instead of results."""

    items: tuple[ArticleItem, ...]
    root_url: str  # the site root relative to the page, prefixed to the out_paths of the index
    index_out_path: str
    script_out_path: str

    @property
    def newest_item(self) -> ArticleItem | None:
        """The newest article of this page, if it lists any (render_order)."""
        return self.items[0] if self.items else None


@dataclass(frozen=True)
class TopicsContext:
    groups: tuple[tuple[str, tuple[TopicLink, ...]], ...]  # ("Actors", links), ("Places", links)


@dataclass(frozen=True)
class DayGroup:
    """A day on its month's page: its articles."""

    date: datetime.date
    date_text: str
    out_path: str
    items: tuple[ArticleItem, ...]


@dataclass(frozen=True)
class MonthGroup:
    """A month on its own page: its days and their articles."""

    year: int
    month: int
    name: str  # "December 2018"
    out_path: str
    year_out_path: str
    days: tuple[DayGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(day.items) for day in self.days)


# The year and archive pages count the articles of each day, and hold no more of them: a page
# is rendered again whenever what its record holds changes (workers.page_key), and these
# would have been, with every edit of any of their thousands of articles.


@dataclass(frozen=True)
class DayCount:
    """A day on the year and archive pages: its page, and how many articles it has."""

    date: datetime.date
    date_text: str
    out_path: str
    count: int


@dataclass(frozen=True)
class MonthCount:
    """A month on the year and archive pages: its page, and its days."""

    year: int
    month: int
    name: str  # "December 2018"
    out_path: str
    days: tuple[DayCount, ...]

    @property
    def count(self) -> int:
        return sum(day.count for day in self.days)


@dataclass(frozen=True)
class YearGroup:
    year: int
    out_path: str
    months: tuple[MonthCount, ...]

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

    @property
    def newest_item(self) -> ArticleItem | None:
        """The newest article of the month (render_order)."""
        return next((day.items[0] for day in self.month.days if day.items), None)


@dataclass(frozen=True)
class Page:
    out_path: str  # POSIX, relative to the site root, ends in .html
    template: str
    title: str
    context: object  # one of the *Context records above; None for a page taken from the last build
    origin: str  # what asked for this page, named when two pages claim one out_path


@dataclass(frozen=True)
class SitePlan:
    pages: tuple[Page, ...]
    articles: tuple[Article, ...]  # newest first, undated last
    has_undated: bool
    analyses: Mapping[str, ArticleAnalysis] = field(default_factory=dict)  # of the articles, by source_path


# What each row of a list stands for, as the out_path of its article's page.
ITEM_PATH = attrgetter("out_path")  # of an ArticleItem
ROW_PATH = attrgetter("item.out_path")  # of a TopicArticle, a QuotedIn, a RelatedItem


class Reordered(NamedTuple):
    """An edited article whose date or slug changed (unchanged.find_edits): it moved, in every
    list that holds it, from the place its old date and slug gave it (newest_first) to the
    place its new ones give it."""

    slug: str
    old_slug: str  # its slug in the last build: its page's name then
    source: str | None  # its source now
    before: datetime.date | None  # its date in the last build
    was: int  # its place in the last build's order (newest_first), from 0
    now: int  # its place in this build's

    def passed(self) -> range:
        """Return the places, in this build's order, of the articles whose place changed: those
        between its two places, and its own."""
        return range(min(self.was, self.now), max(self.was, self.now) + 1)


class Removed(NamedTuple):
    """An article of the last build whose file is gone (unchanged.find_edits): it left every
    list that held it."""

    slug: str
    source_path: str  # of its file, gone
    date: datetime.date | None
    place: int  # how many of this build's articles come before it in newest_first
    was: int  # its place in the last build's order (newest_first), from 0


@dataclass(frozen=True)
class Edits:
    """What an edit of a few articles touches (unchanged.find_edits), for an edit that left
    every list of articles as it was (the same articles in each list, in the same order) but
    the lists of the topics in ``moved`` and of their pairs, of the sources in
    ``sources_moved``, and every list that holds the article ``reordered`` or an article
    ``added``, or held one ``removed``.

    Planning makes, after such an edit, only the records of the pages it can have changed
    (plan_pages), and unchanged.unchanged_pages tells which of those it did.
    """

    slugs: frozenset[str]  # the edited articles'
    articles: frozenset[str]  # the out_paths of their pages
    topics: frozenset[str]  # the slugs of their topics
    speakers: frozenset[str]  # the out_paths of the speakers they quote, or quoted
    # Of those, the speakers whose list of articles, or name, an edit may have changed: the
    # others' numbered pages show the same articles, and no totals.
    regrouped: frozenset[str]
    retitled: bool = True  # whether an edited article's title changed, which the timeline shows
    # The aliases whose matches in an edited article changed, which the alias rows of its
    # topics count (aliases.updated_aliases); None for a caller that does not tell them.
    recounts: tuple[Recount, ...] | None = None
    # The edited articles whose mention levels changed, which rank related articles
    # (related.rerank); and, once ranked, the articles whose related lists changed with them: slugs.
    relevelled: frozenset[str] = frozenset()
    reranked: frozenset[str] = frozenset()
    # The topics that an edited article now names or no longer names (of ``topics``, which
    # holds both): their lists, their pairs' and their totals changed.
    moved: frozenset[str] = frozenset()
    # The sources an edited article now names or no longer names (None: no source), when no
    # other source's page slug changed with them: their lists and totals changed.
    sources_moved: frozenset[str | None] = frozenset()
    # An edited article whose date or slug changed, which moved it in each list that holds it;
    # the speakers who quote it are among ``regrouped``.
    reordered: Reordered | None = None
    # The edited articles that the last build did not have (slugs): they entered each list
    # that holds them, whose topics and sources are among ``moved`` and ``sources_moved``.
    added: frozenset[str] = frozenset()
    # The articles of the last build that are gone, newest first: they left each list
    # that held them, as ``added`` entered theirs. A file renamed and dated anew is one of
    # each (renamed alone, it is an edit of its article).
    removed: tuple[Removed, ...] = ()
    # The articles whose pages linked as before or after them an article that moved or is
    # gone, and now link another (slugs).
    neighbours: frozenset[str] = frozenset()

    @property
    def dates_changed(self) -> bool:
        """Whether the articles of some date changed, which the pages of dates, months and
        years, and the archive, count: an article moved in the order, added or removed."""
        return self.reordered is not None or bool(self.added) or bool(self.removed)

    @property
    def entered_or_left(self) -> bool:
        """Whether an article entered or left the site, and so every list that holds it."""
        return bool(self.added) or bool(self.removed)

    def moves(self, topic: str) -> bool:
        """Return whether the list of ``topic`` (a slug), and of its pairs, moved: an edited
        article entered or left it (moved_from), or it holds one that moved in the order (shifted)."""
        return topic in self.moved or self.reordered is not None and topic in self.topics

    @property
    def moving_sources(self) -> frozenset[str | None]:
        """The sources whose lists moved (None: no source named), as moves() tells: an edited
        article entered or left them (``sources_moved``), or they hold one that moved in the order."""
        return self.sources_moved if self.reordered is None else self.sources_moved | {self.reordered.source}

    def shown_in(self, rows: Iterable, path: Callable[[object], str] = ITEM_PATH) -> bool:
        """Return whether an edited article is among ``rows``, whose articles' out_paths are
        ``path`` of each; looked at by map() and isdisjoint(), in C, as a site of 10,000
        articles has 150,000 rows."""
        return not self.articles.isdisjoint(map(path, rows))


def newest_first(articles: list[Article]) -> list[Article]:
    """Return the articles newest first, undated last; the slug breaks ties so output is stable."""
    return sorted(articles, key=order_key)


def order_key(article: Article) -> tuple[bool, int, str]:
    """Return where ``article`` goes in newest_first: lowest first."""
    return article.date is None, -(article.date.toordinal() if article.date else 0), article.slug


def plan_site(articles: list[Article], taxonomy: Taxonomy, settings: Settings,
              analyses: Mapping[str, ArticleAnalysis] | None = None,
              rank: Callable[[list[Article], int], list[list[Choice]]] = rank_related,
              items: Mapping[str, ArticleItem] | None = None) -> SitePlan:
    """Return every page of the site, after checking that no two pages claim one path.

    ``analyses`` are ``analyse_article`` of these very articles, by source_path, for a caller
    that made them already (in worker processes, or kept in a cache); any missing is made here.
    ``rank`` is rank_related, or one that gives the same (related.KeptRanking). ``items``
    are list_items of the articles, by slug, for a caller that made them already.
    """
    with collector_paused():
        inputs = plan_inputs(newest_first(articles), taxonomy, settings, analyses, items)
        pages = plan_pages(inputs, rank(list(inputs.ordered), settings.related_count))
        return SitePlan(tuple(pages), tuple(inputs.ordered), inputs.has_undated,
                        {article.source_path: inputs.analysed[article.slug] for article in inputs.ordered})


@dataclass(frozen=True)
class PlanInputs:
    """What the pages of the site are planned from (plan_articles_and_dates, plan_topics_and_story).

    Made before the pages, so that a build knows what they all show (render.navigation)
    before it plans them, and which it need not plan (unchanged.unchanged_articles).
    """

    ordered: Sequence[Article]  # newest first, undated last (newest_first)
    taxonomy: Taxonomy
    settings: Settings
    analysed: Mapping[str, ArticleAnalysis]  # by slug
    items: Mapping[str, ArticleItem]  # by slug
    listed: tuple[ArticleItem, ...]  # the items, newest first
    aliases: Aliases  # the alias rows of every topic (aliases.py)

    @property
    def has_undated(self) -> bool:
        return bool(self.ordered) and self.ordered[-1].date is None


def plan_inputs(ordered: Sequence[Article], taxonomy: Taxonomy, settings: Settings,
                analyses: Mapping[str, ArticleAnalysis] | None = None,
                items: Mapping[str, ArticleItem] | None = None, aliases: Aliases | None = None) -> PlanInputs:
    """Return what the plan of ``ordered``, articles newest first (newest_first), is made from.

    ``analyses`` and ``items`` are as plan_site takes them; ``aliases`` are count_aliases of
    the articles, for a caller that has them (aliases.updated_aliases).
    """
    known = analyses or {}
    analysed = {article.slug: known.get(article.source_path) or
                analyse_article(article, taxonomy, settings.summary_length) for article in ordered}
    if items is None:
        make_item = _ItemMaker({topic.slug: topic for topic in taxonomy.topics}, settings)
        items = {article.slug: make_item(article, analysed[article.slug]) for article in ordered}
    if aliases is None:
        aliases = count_aliases(ordered, items, analysed, [topic.slug for topic in taxonomy.topics])
    return PlanInputs(ordered, taxonomy, settings, analysed, items, tuple([items[article.slug] for article in ordered]),
                      aliases)


def plan_pages(inputs: PlanInputs, choices: Sequence[Sequence[Choice]],
               unplanned: Container[str] = frozenset(), edits: Edits | None = None) -> list[Page]:
    """Return every page of the site, after checking that no two claim one path.

    ``choices`` and ``unplanned`` are as plan_articles_and_dates takes them. After ``edits``
    (which leave every list as it was, but those Edits names), the pages they cannot have
    changed are given without a context (None), for a caller that takes them from the last
    build, which holds them: the lists that hold no edited article, the numbered pages that
    show none, and the pages that count articles alone (the year and archive pages, unless
    the articles of a date changed; the overviews of topics, pairs and sources; the
    timeline, unless a title or a date changed). Their out_paths and titles are those of a
    full plan.
    """
    pages = plan_articles_and_dates(inputs, choices, unplanned, edits) + plan_topics_and_story(inputs, edits)
    check_collisions(pages)
    return pages


def plan_articles_and_dates(inputs: PlanInputs, choices: Sequence[Sequence[Choice]],
                            unplanned: Container[str] = frozenset(), edits: Edits | None = None) -> list[Page]:
    """Return the index, the article pages, the archive with its dates, and the search page.

    ``choices`` are rank_related of the articles, with related_count of the settings. The
    pages of the articles whose slugs are ``unplanned`` are given without a context (None),
    for a caller that has them from the last build (unchanged.unchanged_articles); so are
    the other pages ``edits`` cannot have changed (plan_pages).
    """
    ordered, settings, items = inputs.ordered, inputs.settings, inputs.items
    link = _ItemMaker({topic.slug: topic for topic in inputs.taxonomy.topics}, settings).link
    pages = plan_index_pages(inputs.listed, settings, edits)
    related = _related_items(ordered, inputs.listed, link, choices, unplanned)
    pages += plan_article_pages(ordered, items, inputs.analysed, related, unplanned)
    pages += plan_archive_pages(ordered, items, edits)
    pages.append(Page(urls.SEARCH, "search.html", "Search", SearchContext(
        inputs.listed[:settings.page_size], urls.root_prefix(urls.SEARCH), urls.SEARCH_INDEX, urls.SEARCH_SCRIPT,
    ), "the search page"))
    return pages


def plan_topics_and_story(inputs: PlanInputs, edits: Edits | None = None) -> list[Page]:
    """Return the topic pages with their overview, and the story views' pages (story.py);
    after ``edits``, the pages they cannot have changed without a context (plan_pages)."""
    # story builds on this module's records: imported here to keep one direction between the modules
    from .story import plan_story

    ordered, taxonomy, settings, items, analysed = (inputs.ordered, inputs.taxonomy, inputs.settings, inputs.items,
                                                    inputs.analysed)
    shown, entries, edited_at = topic_entries(ordered, taxonomy, inputs.listed, analysed, edits, settings.page_size)
    topic_links = {topic.slug: _topic_link(topic, len(entries[topic.slug])) for topic in taxonomy.topics}
    story = plan_story(ordered, items, taxonomy, analysed, topic_links, shown, entries, settings.page_size, edits)
    return (plan_topic_pages(taxonomy, topic_links, entries, inputs.aliases, settings.page_size, story.timelines,
                             edits, edited_at) + story.pages)


Listed = TypeVar("Listed")


@dataclass(frozen=True)
class PagePart:
    """The part of a long list that one page shows."""

    out_path: str
    items: tuple  # newest first
    pager: Pager | None  # None when the list fits on one page


def paginate(items: Sequence[Listed], page_size: int, front_path: str, numbered_path: Callable[[int], str],
             wanted: Container[int | None] | None = None) -> list[PagePart]:
    """Return the front page and the numbered pages of ``items``, which come newest first;
    with ``wanted``, only those pages (their numbers, None for the front page).

    Numbered pages count from the oldest, ``page_size`` items each (the newest may be
    short), so that a page keeps its address and its articles when newer ones are added.
    The front page shows the newest numbered page, with the one before it when it is
    short, so that it never shows fewer than ``page_size`` items. While the front page
    shows every item there are no numbered pages: nothing would link to them.
    """
    count = numbered_pages(len(items), page_size)
    if not count:
        return [PagePart(front_path, tuple(items), None)] if wanted is None or None in wanted else []
    total = len(items)
    # The item at position p, counted from the oldest from 1, is items[total - p].
    first_on_front = _first_on_front(total, page_size)
    parts = []
    if wanted is None or None in wanted:
        parts.append(PagePart(front_path, tuple(items[:total - first_on_front + 1]), Pager(
            None, first_on_front, total, numbered_path((first_on_front - 1) // page_size), None,
        )))
    for number in range(1, count + 1):
        if wanted is not None and number not in wanted:
            continue
        first = (number - 1) * page_size + 1
        last = min(first + page_size - 1, total)
        parts.append(PagePart(numbered_path(number), tuple(items[total - last:total - first + 1]), Pager(
            number, first, last,
            numbered_path(number - 1) if number > 1 else None,
            numbered_path(number + 1) if number < count else front_path,
        )))
    return parts


def numbered_pages(count: int, page_size: int) -> int:
    """Return how many numbered pages paginate gives a list of ``count`` items: none while
    the front page, which shows the newest full page with the short one after it, shows
    them all."""
    chunks = -(-count // page_size)
    return chunks if _oldest_on_front(count, page_size) > 1 else 0


def _oldest_on_front(count: int, page_size: int) -> int:
    """Return the number of the oldest numbered page whose items the front page of a list of
    ``count`` items shows: the newest, or the one before it when the newest is short."""
    chunks = -(-count // page_size)
    return chunks if count % page_size == 0 else chunks - 1


def _first_on_front(count: int, page_size: int) -> int:
    """Return the position, counted from the oldest from 1, of the oldest item that the front
    page of a list of ``count`` items with numbered pages shows."""
    return (_oldest_on_front(count, page_size) - 1) * page_size + 1


def _pages_showing(count: int, indexes: Iterable[int], page_size: int) -> set[int | None]:
    """Return the numbers of the pages (None: the front page) that paginate gives a list of
    ``count`` items and that show the items at ``indexes`` (newest first, from 0)."""
    indexes = list(indexes)
    if not numbered_pages(count, page_size):
        return {None} if indexes else set()
    first_on_front = _first_on_front(count, page_size)
    shown: set[int | None] = set()
    for index in indexes:
        position = count - index
        shown.add((position - 1) // page_size + 1)
        if position >= first_on_front:
            shown.add(None)
    return shown


def parts_showing(items: Sequence[Listed], page_size: int, front_path: str, numbered_path: Callable[[int], str],
                  edited_at: Iterable[int] | None, with_front: bool) -> list[PagePart]:
    """Return paginate's parts of the pages of ``items`` that an edit can have changed (plan_pages).

    With ``edited_at`` None (no edit, or one that moved the list's items), every page.
    Otherwise the pages that show the items at ``edited_at`` (newest first, from 0), and the
    front page ``with_front``, when it holds totals of the list that an edit can change.
    """
    if edited_at is None:
        return paginate(items, page_size, front_path, numbered_path)
    wanted = _pages_showing(len(items), edited_at, page_size)
    if with_front:
        wanted.add(None)
    return paginate(items, page_size, front_path, numbered_path, wanted)


def list_pages(count: int, page_size: int, front_path: str, numbered_path: Callable[[int], str],
               parts: Iterable[PagePart] = ()) -> list[tuple[str, int | None, PagePart | None]]:
    """Return each page of a list of ``count`` items as paginate splits it: its out_path, its
    number (None: the front page) and its part among ``parts`` (paginate's, of some or all of
    its pages), or None for a page planned without its items (plan_pages)."""
    found = {part.out_path: part for part in parts}
    return [(out_path, number, found.get(out_path)) for number in
            [None, *range(1, numbered_pages(count, page_size) + 1)]
            for out_path in [numbered_path(number) if number else front_path]]


def plan_index_pages(listed: tuple[ArticleItem, ...], settings: Settings, edits: Edits | None = None) -> list[Page]:
    # After an edit that keeps every list, a page that shows no edited article is the last build's;
    # after one that moved or added an article, those whose articles moved along are planned too.
    edited_at = None if edits is None else [index for index, item in enumerate(listed) if item.out_path in edits.articles]
    if edits is not None and edits.dates_changed:
        edited_at = changed_at(range(len(listed)), edited_at, edits, settings.page_size, edits.entered_or_left)
    parts = parts_showing(listed, settings.page_size, urls.INDEX, urls.index_page_path, edited_at, with_front=False)
    pages = []
    for out_path, number, part in list_pages(len(listed), settings.page_size, urls.INDEX, urls.index_page_path, parts):
        if number is None:
            context = ListContext(settings.site_title, f"{len(listed)} articles, newest first.", part.items,
                                  part.pager) if part else None
            pages.append(Page(out_path, "index.html", settings.site_title, context, "the index"))
            continue
        # No count of all articles here: it would change this page each time an article is added.
        context = ListContext(f"Page {number}", f"Articles {part.pager.first} to {part.pager.last}, counted from "
                              "the oldest; newest first.", part.items, part.pager) if part else None
        pages.append(Page(out_path, "index.html", f"Page {number}", context, f"page {number} of the index"))
    return pages


def list_items(articles: Sequence[Article], analyses: Mapping[str, ArticleAnalysis], taxonomy: Taxonomy,
               settings: Settings) -> list[ArticleItem]:
    """Return how each of ``articles`` appears in lists, as plan_site makes it, in their order.

    ``analyses`` are theirs, by source path. For a part of the site made without the plan
    (the search index, search.py) that shows the articles as their pages do.
    """
    make = _ItemMaker({topic.slug: topic for topic in taxonomy.topics}, settings)
    return [make(article, analyses[article.source_path]) for article in articles]


def make_item(article: Article, topics: dict[str, Topic], settings: Settings) -> ArticleItem:
    """Return how ``article`` appears in lists; ``topics`` are the taxonomy's, by slug."""
    lede, words = lede_and_words(article)
    return _ItemMaker(topics, settings).item(article, summarise(lede, settings.summary_length), words)


class _ItemMaker:
    """make_item for a whole site, from the articles' analyses: what items share is made once."""

    def __init__(self, topics: dict[str, Topic], settings: Settings):
        self.topics = topics
        self.settings = settings
        self.links: dict[tuple[str, int], TopicLink] = {}
        self.dates: dict[datetime.date, tuple[str, str]] = {}  # date -> its text and its page

    def __call__(self, article: Article, analysis: ArticleAnalysis) -> ArticleItem:
        length = self.settings.summary_length
        summary = analysis.summary if analysis.summary_length == length else summarise(analysis.lede, length)
        return self.item(article, summary, analysis.words)

    def item(self, article: Article, summary: str, words: int) -> ArticleItem:
        date = article.date
        if date is None:
            date_text, date_out_path = "Undated", urls.UNDATED
        elif date in self.dates:
            date_text, date_out_path = self.dates[date]
        else:
            date_text, date_out_path = self.dates[date] = format_date(date), urls.date_path(date)
        links = self.links
        return record_of(ArticleItem, dict(
            title=article.title,
            out_path=urls.article_path(article.slug),
            date=date,
            date_text=date_text,
            date_out_path=date_out_path,
            source=article.source,
            summary=summary,
            reading_minutes=max(1, round(words / WORDS_PER_MINUTE)),
            topics=tuple([links.get((tag.slug, tag.count)) or self.link(tag.slug, tag.count) for tag in article.tags]),
        ))

    def link(self, slug: str, count: int) -> TopicLink:
        """Return the link to topic ``slug`` with ``count``; records are frozen, so one serves all."""
        link = self.links.get((slug, count))
        if link is None:
            link = self.links[(slug, count)] = _topic_link(self.topics[slug], count)
        return link


def _topic_link(topic: Topic, count: int) -> TopicLink:
    return TopicLink(topic.name, topic.slug, topic.kind, urls.topic_path(topic.slug), count)


def _related_items(ordered: Sequence[Article], listed: Sequence[ArticleItem], link: Callable[[str, int], TopicLink],
                   choices: Sequence[Sequence[Choice]],
                   unplanned: Container[str] = frozenset()) -> dict[str, tuple[RelatedItem, ...]]:
    """Return each article's related articles, ``choices`` (related.py), as its page lists
    them, by slug; but those of the ``unplanned``. ``listed`` are the items of ``ordered``."""
    shared_links: dict[tuple[tuple[str, int], ...], tuple[TopicLink, ...]] = {}
    new_related = tuple.__new__  # a RelatedItem in one C call, as topic_entries makes its entries
    related = {}
    for article, chosen in zip(ordered, choices):
        if article.slug in unplanned:
            continue
        found = []
        for other, _, shared in chosen:
            links = shared_links.get(shared)
            if links is None:
                links = shared_links[shared] = tuple([link(slug, level) for slug, level in shared])
            found.append(new_related(RelatedItem, (listed[other], links)))
        related[article.slug] = tuple(found)
    return related


def plan_article_pages(ordered: Sequence[Article], items: Mapping[str, ArticleItem],
                       analysed: Mapping[str, ArticleAnalysis], related: Mapping[str, tuple[RelatedItem, ...]],
                       unplanned: Container[str] = frozenset()) -> list[Page]:
    """Return each article's page; those of the ``unplanned`` (slugs) without a context."""
    pages = []
    chronological = reading_order(ordered)
    for position, article in enumerate(chronological):
        item = items[article.slug]
        if article.slug in unplanned:
            pages.append(Page(item.out_path, "article.html", article.title, None, f"article {article.source_path}"))
            continue
        previous = chronological[position - 1] if position > 0 else None
        following = chronological[position + 1] if position + 1 < len(chronological) else None
        context = ArticleContext(
            article=article,
            item=item,
            analysis=analysed[article.slug],
            previous=items[previous.slug] if previous else None,
            next=items[following.slug] if following else None,
            related=related.get(article.slug, ()),
        )
        pages.append(Page(item.out_path, "article.html", article.title, context, f"article {article.source_path}"))
    return pages


def reading_order(ordered: Sequence[Article]) -> list[Article]:
    """Return the articles in the order their pages link them, from ``ordered`` (newest_first):
    oldest to newest, then the undated ones."""
    return [article for article in reversed(ordered) if article.date] + [a for a in ordered if not a.date]


def plan_topic_pages(taxonomy: Taxonomy, topic_links: dict[str, TopicLink], entries: dict[str, list[TopicArticle]],
                     aliases: Mapping[str, tuple[AliasRow, ...]], page_size: int = Settings.page_size,
                     timelines: Mapping[str, Timeline | None] | None = None, edits: Edits | None = None,
                     edited_at: Mapping[str, Sequence[int]] | None = None) -> list[Page]:
    """Return each topic's pages and the topics overview.

    ``entries`` are each topic's articles, newest first, and ``aliases`` a row for each of
    its aliases (both from ``topic_entries``); ``timelines`` give a topic's front page its
    timeline (story.py). After ``edits``, ``entries``, ``aliases`` and ``edited_at`` (where
    the edited articles are in ``entries``) are those of the edited articles' topics, and
    the pages they cannot have changed are planned without a context (plan_pages).
    """
    pages = []
    overview: dict[str, list[TopicLink]] = {"actor": [], "place": []}
    for topic in taxonomy.topics:
        link = topic_links[topic.slug]
        overview[topic.kind].append(link)
        numbered = partial(urls.topic_page_path, topic.slug)
        found = entries.get(topic.slug, ())
        parts = []
        if edits is None or topic.slug in edits.topics:
            # The front page counts every article of the topic; a numbered page that shows no
            # edited article is the last build's.
            parts = parts_showing(found, page_size, link.out_path, numbered,
                                  None if edits is None else edited_at[topic.slug], with_front=True)
        alias_rows = aliases.get(topic.slug, ())
        mentions = sum(row.count for row in alias_rows)  # every mention matched an alias
        timeline = (timelines or {}).get(topic.slug)
        bare = link.without_totals()
        for out_path, number, part in list_pages(link.count, page_size, link.out_path, numbered, parts):
            front = number is None
            context = TopicContext(
                topic=topic,
                link=link if front else bare,
                article_count=len(found) if front else None,
                mention_count=mentions if front else None,
                aliases=tuple([(row.alias, row.count) for row in alias_rows]) if front else (),
                entries=part.items,
                feed_out_path=urls.topic_feed_path(topic.slug),
                pager=part.pager,
                alias_rows=alias_rows if front else (),
                timeline=timeline if front else None,
            ) if part else None
            pages.append(Page(
                out_path, "topic.html", topic.name if front else f"{topic.name}, page {number}",
                context, f"topic '{topic.slug}' in the taxonomy" + (f", page {number}" if number else ""),
            ))
    groups = (("Actors", tuple(overview["actor"])), ("Places", tuple(overview["place"])))
    # Its links count each topic's articles, which only edits that move an article into or out
    # of a topic's list change.
    pages.append(Page(urls.TOPICS, "topics.html", "Topics",
                      TopicsContext(groups) if edits is None or edits.moved else None, "the topics overview"))
    return pages


def topic_entries(ordered: Sequence[Article], taxonomy: Taxonomy, listed: Sequence[ArticleItem],
                  analysed: Mapping[str, ArticleAnalysis], edits: Edits | None = None,
                  page_size: int = Settings.page_size
                  ) -> tuple[dict[str, tuple[TopicArticle, ...]] | None, dict[str, Sequence[TopicArticle]],
                             dict[str, list[int]]]:
    """Return each article's topics as topic pages list them, by article slug; then each
    topic's articles, newest first, by topic slug. ``listed`` are the items of ``ordered``.

    After ``edits``, no article's topics (None): each topic's articles are a LazyList of
    their indexes among ``ordered``, whose entries are made as the few pages that show them
    are planned; then where the edited articles are in the lists of their topics, by topic
    slug (and the articles that moved along, in the lists they entered or left, of
    ``page_size`` a page: moved_from). Making every entry took a quarter of planning after
    an edit, at 10,000 articles.
    """
    if edits is not None:
        return None, *_topic_lists(ordered, taxonomy, listed, analysed, edits, page_size)
    shown = {}
    entries: dict[str, list[TopicArticle]] = {topic.slug: [] for topic in taxonomy.topics}
    new_entry = tuple.__new__  # a TopicArticle in one C call, without the named tuple's __new__
    for article, item in zip(ordered, listed):
        analysis = analysed[article.slug]
        mine = tuple([new_entry(TopicArticle, (item, link, analysis, position))
                      for position, link in enumerate(item.topics)])
        for entry in mine:
            entries[entry.link.slug].append(entry)
        shown[article.slug] = mine
    return shown, entries, {}


def _topic_lists(ordered: Sequence[Article], taxonomy: Taxonomy, listed: Sequence[ArticleItem],
                 analysed: Mapping[str, ArticleAnalysis], edits: Edits, page_size: int
                 ) -> tuple[dict[str, LazyList], dict[str, list[int]]]:
    # By topic slug: the index of each of its articles among ``ordered`` -> the topic's position among its tags
    positions: dict[str, dict[int, int]] = {topic.slug: {} for topic in taxonomy.topics}
    for index, item in enumerate(listed):
        for position, link in enumerate(item.topics):
            positions[link.slug][index] = position
    new_entry = tuple.__new__

    def entry(found: dict[int, int], index: int) -> TopicArticle:
        item, position = listed[index], found[index]
        return new_entry(TopicArticle, (item, item.topics[position], analysed[ordered[index].slug], position))

    edited = edited_indexes(ordered, edits)
    lists = {slug: LazyList(list(found), partial(entry, found)) for slug, found in positions.items()}
    # A list that an edited article entered or left: its newer items move along (moved_from).
    return lists, {slug: changed_at(lists[slug].keys, edited, edits, page_size, slug in edits.moved)
                   for slug in positions if slug in edits.topics}


def edited_indexes(ordered: Sequence[Article], edits: Edits) -> list[int]:
    """Return where the edited articles are among ``ordered``, in order."""
    return [index for index, article in enumerate(ordered) if article.slug in edits.slugs]


def moved_places(edited: list[int], edits: Edits) -> list[int]:
    """Return the places among the articles from which a list that an edited article entered
    or left moved along (moved_from), the edited articles being at ``edited`` (edited_indexes):
    theirs, the place that one moved in the order (Reordered) had, which it left, and those
    of the articles removed.

    An article that left a list from place ``was`` of the last build's order was behind every
    article of the list now at a place up to ``was`` when it moved to a newer place, and
    behind those before ``was`` when it moved to an older one: moved_from(indexes, [was])
    reaches past each of them.
    """
    places = {*edited, *(removed.place for removed in edits.removed)}
    if edits.reordered is not None:
        places.add(edits.reordered.was)
    return sorted(places)


def changed_at(indexes: Sequence[int], edited: list[int], edits: Edits, page_size: int,
               entered_or_left: bool) -> list[int]:
    """Return where in ``indexes``, sorted (newest first), are the items of a list of
    ``page_size`` items a page that ``edits`` can have changed, the edited articles being at
    ``edited`` (edited_indexes) among the articles: the items that moved along in a list that
    an edited article ``entered_or_left`` (moved_from); else the edited articles it holds,
    and the items between the old and new places of one moved in the order (shifted)."""
    if entered_or_left:
        return moved_from(indexes, moved_places(edited, edits), page_size)
    found = indexes_of(indexes, edited)
    reordered = edits.reordered
    if reordered is not None and indexes_of(indexes, [reordered.now]):
        found = sorted({*found, *shifted(indexes, reordered)})
    return found


def shifted(indexes: Sequence[int], reordered: Reordered) -> range:
    """Return where in ``indexes``, sorted (newest first), are the items of a list that holds
    the article ``reordered`` before and after its move whose places the move changed.

    Its list holds as many items as before, so that the items newer and older than both its
    places stay where they were: those between them move by one, towards its old place.
    """
    now = bisect_left(indexes, reordered.now)
    # Where it was in the list: every item now at a place up to ``was`` was ahead of it when
    # it moved to a newer place; when it moved to an older one, those before ``was``.
    was = (bisect_right(indexes, reordered.was) - 1 if reordered.now < reordered.was
           else bisect_left(indexes, reordered.was))
    return range(min(now, was), max(now, was) + 1)


def indexes_of(indexes: Sequence[int], wanted: Iterable[int]) -> list[int]:
    """Return where in ``indexes``, sorted, are those of ``wanted`` that it holds."""
    found = []
    for index in wanted:
        at = bisect_left(indexes, index)
        if at < len(indexes) and indexes[at] == index:
            found.append(at)
    return found


def moved_from(indexes: Sequence[int], edited: Collection[int], page_size: int) -> list[int]:
    """Return where in ``indexes``, sorted (newest first), are the items of a list of
    ``page_size`` items a page that ``edited`` entering or leaving it moved: each edited one
    it holds, every newer item, and those of the pages whose pagers may have changed.

    Pages of lists are numbered from the oldest (paginate): an item that enters or leaves a
    list moves every newer item along, onto other pages, and leaves the older ones where
    they were. The pagers of the newest pages link the pages after them, which each edited
    item may have added or taken away: the newest page and one more for each edited item.
    That is every page of a list short enough for the edits to have made its numbered
    pages, or taken them all away.
    """
    count = len(indexes)
    reach = 0
    for index in edited:
        at = bisect_left(indexes, index)
        reach = max(reach, at + 1 if at < count and indexes[at] == index else at)
    pages = -(-count // page_size)
    reach = max(reach, count - (pages - len(edited) - 1) * page_size)
    return list(range(min(reach, count)))


class LazyList(Sequence):
    """A list of ``keys`` whose items are ``make`` of each key, made as they are read."""

    __slots__ = ("keys", "make")

    def __init__(self, keys: Sequence, make: Callable[[object], object]):
        self.keys = keys
        self.make = make

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.make(key) for key in self.keys[index]]
        return self.make(self.keys[index])


def plan_archive_pages(ordered: list[Article], items: dict[str, ArticleItem], edits: Edits | None = None) -> list[Page]:
    """Return the pages of each date, month and year, the archive and the Undated page.

    After ``edits``, only the pages of the edited articles' months have a context: the year
    and archive pages count the articles of each date, which the edits leave as they were.
    """
    dated = [article for article in ordered if article.date]
    undated = [items[article.slug] for article in ordered if not article.date]
    edited_months = None if edits is None else {
        (article.date.year, article.date.month) for article in dated if article.slug in edits.slugs}
    # An article's new date takes it from one date, month and year to another, and an article
    # added into one: the counts change.
    counts_changed = edits is not None and edits.dates_changed
    if edits is not None:  # the months an article left
        edited_months.update((date.year, date.month) for date in [
            *(removed.date for removed in edits.removed), edits.reordered and edits.reordered.before] if date)
    years = []
    pages = []
    for year, in_year in groupby(dated, key=lambda article: article.date.year):
        months = []
        for month, in_month in groupby(list(in_year), key=lambda article: article.date.month):
            name, out_path, origin = format_month(year, month), urls.month_path(year, month), f"month {year}-{month:02d}"
            if edited_months is not None and (year, month) not in edited_months:
                counts = []
                for date, on_day in groupby(in_month, key=lambda article: article.date):
                    pages.append(Page(urls.date_path(date), "date.html", format_date(date), None,
                                      f"date {date.isoformat()}"))
                    if counts_changed:  # the year's page counts them
                        counts.append(DayCount(date, format_date(date), urls.date_path(date), len(list(on_day))))
                if counts_changed:
                    months.append(MonthCount(year, month, name, out_path, tuple(counts)))
                pages.append(Page(out_path, "month.html", name, None, origin))
                continue
            days, counts = [], []
            for date, on_day in groupby(list(in_month), key=lambda article: article.date):
                day = DayGroup(date, format_date(date), urls.date_path(date),
                               tuple(items[article.slug] for article in on_day))
                days.append(day)
                counts.append(DayCount(day.date, day.date_text, day.out_path, len(day.items)))
                pages.append(Page(day.out_path, "date.html", day.date_text,
                                  ListContext(day.date_text, _count_text(len(day.items)), day.items),
                                  f"date {date.isoformat()}"))
            group = MonthGroup(year, month, name, out_path, urls.year_path(year), tuple(days))
            months.append(MonthCount(year, month, group.name, group.out_path, tuple(counts)))
            pages.append(Page(group.out_path, "month.html", group.name, MonthContext(group), origin))
        year_group = YearGroup(year, urls.year_path(year), tuple(months))
        years.append(year_group)
        pages.append(Page(year_group.out_path, "year.html", str(year),
                          YearContext(year_group) if edits is None or counts_changed else None, f"year {year}"))
    pages.append(Page(urls.ARCHIVE, "archive.html", "Archive",
                      ArchiveContext(tuple(years), len(undated)) if edits is None or counts_changed else None,
                      "the archive"))
    if undated:
        pages.append(Page(urls.UNDATED, "date.html", "Undated",
                          ListContext("Undated", "Articles whose text gives no full publication date. "
                                      + _count_text(len(undated)), tuple(undated))
                          if edits is None or edits.shown_in(undated) or counts_changed else None,
                          "the Undated page"))
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


def render_order(pages: Sequence[Page], listed: Sequence[ArticleItem]) -> list[int]:
    """Return the indexes of ``pages`` in the order to render them: first the pages that list
    no article, then by the newest article each shows (``listed``, newest first, tells which
    is newest), in plan order among equals.

    An article shows on its own page and on a dozen lists: the index, its date, topics,
    pairs, speakers and source. Rendered close together, those pages find what the worker
    made for it (its card, its sentences) still kept (fragments.py keeps the last few
    thousand). Rendered list after list, as planned, a site of 100,000 articles made each
    card again for each list, and read each tag's sentences twice.
    """
    position = {id(item): place for place, item in enumerate(listed)}

    def newest(index: int) -> int:
        item = getattr(pages[index].context, "newest_item", None)
        return -1 if item is None else position.get(id(item), -1)

    return sorted(range(len(pages)), key=newest)
