"""Planning the views that explain the news: actor × place matrix, timeline, who said what, sources.

Pure planning, like site.py, whose records it builds on: plan_story returns what
site.plan_site adds to topic pages (a small timeline on each front page; their "why this
tag" rows are counted by aliases.py) and the pages of these views. Links are
site-relative out_paths, decided by urls.py. As in site.py, records that restate the
articles' analyses for one page are properties, made when the page is rendered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import NamedTuple

from . import urls
from .analysis import ArticleAnalysis
from .load import make_slug
from .model import Article, Taxonomy
from .quotes import Speaker
from .site import (ArticleItem, Edits, LazyList, Page, Pager, QuoteLine, TopicArticle, TopicEvidence, TopicLink,
                   changed_at, edited_indexes, list_pages, parts_showing)
from .timeline import (
    EVERY_ARTICLE,
    Bins,
    LaneSpec,
    Scale,
    Timeline,
    TimelineEntry,
    bin_entries,
    choose_scale,
    draw_timeline,
)

ALL_LANE = "*"  # the key of the timeline's first lane, every dated article; no topic slug can be "*"


@dataclass(frozen=True)
class SpeakerLink:
    name: str
    out_path: str
    actor: TopicLink | None  # the actor they speak for; None for someone the taxonomy does not list
    quotations: int | None  # None: see without_totals
    articles: int | None

    def without_totals(self) -> SpeakerLink:
        """Return the link without its counts, for numbered pages (see TopicLink.without_totals)."""
        return SpeakerLink(self.name, self.out_path, self.actor.without_totals() if self.actor else None, None, None)


# Voices records hold whole analyses rather than the quotations in them: pages are told apart
# by what their records hold (workers.py), and an analysis by its article's content hash alone.


@dataclass(frozen=True)
class VoicesContext:
    speakers: tuple[SpeakerLink, ...]  # most quoted first
    # The newest articles (a page's worth) with quotations of no known speaker, and how many
    # articles have such quotations in all: the others are on their own pages.
    unknown: tuple[tuple[ArticleItem, ArticleAnalysis], ...]
    unknown_articles: int = 0

    @property
    def newest_item(self) -> ArticleItem | None:
        """The newest article this page quotes, if it quotes any (site.render_order)."""
        return self.unknown[0][0] if self.unknown else None

    @property
    def unattributed(self) -> tuple[QuoteLine, ...]:
        """Quotations whose speaker the digest cannot tell."""
        return tuple(QuoteLine(quotation, item) for item, analysis in self.unknown
                     for quotation in analysis.unattributed)


class QuotedIn(NamedTuple):
    """An article on a speaker's pages: the speaker is at ``position`` in its analysis's speakers.

    One record rather than a plain tuple, which page keys stand for by one token (workers.py).
    """

    item: ArticleItem
    analysis: ArticleAnalysis
    position: int


class PairEntry(NamedTuple):
    """An article on the pages of an actor × place pair: its entries on the actor's and the
    place's pages. One record rather than a plain tuple, as QuotedIn."""

    actor: TopicArticle
    place: TopicArticle


@dataclass(frozen=True)
class PersonContext:
    speaker: SpeakerLink  # without_totals() on numbered pages
    # The articles of this page that quote the speaker, newest first, with the speaker's
    # place in analysis.speakers.
    quoted: tuple[QuotedIn, ...]
    pager: Pager | None = None  # None when every such article is on this page

    @property
    def newest_item(self) -> ArticleItem | None:
        """The newest article of this page, if it shows any (site.render_order)."""
        return self.quoted[0].item if self.quoted else None

    @property
    def groups(self) -> tuple[tuple[ArticleItem, tuple[QuoteLine, ...]], ...]:
        return tuple((item, tuple(QuoteLine(quotation, item) for quotation in analysis.speakers[position][1]))
                     for item, analysis, position in self.quoted)


@dataclass(frozen=True)
class MatrixCell:
    place: TopicLink
    count: int  # articles tagged with both the row's actor and this place
    out_path: str | None  # the pair's page; None when no article has both
    level: int  # 0 to 4: the cell's shade, from the count relative to the fullest cell


@dataclass(frozen=True)
class MatrixRow:
    actor: TopicLink
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True)
class MatrixContext:
    places: tuple[TopicLink, ...]
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class PairArticle:
    item: ArticleItem
    evidence: tuple[TopicEvidence, TopicEvidence]  # the actor's, then the place's


@dataclass(frozen=True)
class PairContext:
    actor: TopicLink
    place: TopicLink
    found: tuple[PairEntry, ...]  # this page's articles
    article_count: int | None = 0  # of the pair; None on numbered pages, whose links are without_totals()
    pager: Pager | None = None  # None when every article of the pair is on this page

    @property
    def newest_item(self) -> ArticleItem | None:
        """The newest article of this page, if it shows any (site.render_order)."""
        return self.found[0].actor.item if self.found else None

    @property
    def entries(self) -> tuple[PairArticle, ...]:
        """Newest first."""
        return tuple(PairArticle(actor.item, (actor.evidence, place.evidence)) for actor, place in self.found)


@dataclass(frozen=True)
class TimelineContext:
    timeline: Timeline | None  # None when no article is dated
    undated_count: int


@dataclass(frozen=True)
class SourceLink:
    name: str
    out_path: str
    count: int | None  # None: see without_totals

    def without_totals(self) -> SourceLink:
        """Return the link without its count, for numbered pages (see TopicLink.without_totals)."""
        return SourceLink(self.name, self.out_path, None)


@dataclass(frozen=True)
class SourcesContext:
    sources: tuple[SourceLink, ...]  # by name
    unknown: SourceLink | None  # the pages of the articles that name no source, if any do


@dataclass(frozen=True)
class SourceContext:
    source: SourceLink  # without_totals() on numbered pages
    items: tuple[ArticleItem, ...]  # this page's, newest first
    pager: Pager | None = None  # None when every article of the source is on this page
    unknown: bool = False  # the articles that name no source, rather than a source's

    @property
    def newest_item(self) -> ArticleItem | None:
        """The newest article of this page, if it lists any (site.render_order)."""
        return self.items[0] if self.items else None


@dataclass(frozen=True)
class StoryPlan:
    """What the story views add to the topic pages of site.py, and their own pages."""

    timelines: dict[str, Timeline | None]  # by topic slug: its articles over time, on its front page
    pages: list[Page]  # the matrix and its pairs, the timeline, the voices, the sources


def plan_story(ordered: list[Article], items: dict[str, ArticleItem], taxonomy: Taxonomy,
               analysed: Mapping[str, ArticleAnalysis], topic_links: dict[str, TopicLink],
               shown: Mapping[str, tuple[TopicArticle, ...]] | None, entries: Mapping[str, Sequence[TopicArticle]],
               page_size: int, edits: Edits | None = None) -> StoryPlan:
    """Return the timelines of site.py's topic pages, and the story views' pages.

    ``analysed`` has each article's analysis by slug; ``shown`` and ``entries`` are
    site.topic_entries: each article's topics and each topic's articles, as site.py lists
    them. Lists longer than ``page_size`` articles are split into pages as site.paginate
    splits them. After ``edits``, the pages they cannot have changed are planned without a
    context (site.plan_pages).
    """
    # Oldest first, as the charts draw them; binned once for the timeline and every topic's own.
    dated = sorted(timeline_entries(ordered), key=attrgetter("date", "out_path"))
    scale = choose_scale(dated)
    # After an edit, the timelines of the edited articles' topics; the whole site's only when
    # a title, a date or an article's topics changed, as its entries are the articles' dates,
    # topics, titles and pages.
    whole = edits is None or edits.retitled or bool(edits.moved) or edits.dates_changed
    topics = [topic for topic in taxonomy.topics if edits is None or topic.slug in edits.topics]
    lanes = [ALL_LANE, *(topic.slug for topic in taxonomy.topics)] if whole else [topic.slug for topic in topics]
    bins = bin_entries(dated, lanes, scale) if scale else {}
    timelines = {}
    for topic in topics:
        timeline = None
        if scale is not None:
            lane = LaneSpec(topic.slug, topic.name, None, topic.kind)
            mine = [entry for found in bins[topic.slug].values() for entry in found]
            timeline = draw_timeline(mine, [lane], scale, show_labels=False, bins=bins)
        timelines[topic.slug] = timeline
    pages = plan_matrix_pages(ordered, taxonomy, topic_links, shown, entries, page_size, edits)
    pages.append(Page(urls.TIMELINE, "timeline.html", "Timeline",
                      plan_timeline(ordered, taxonomy, topic_links, dated, scale, bins) if whole else None,
                      "the timeline"))
    pages += plan_voice_pages(ordered, items, analysed, topic_links, page_size, edits)
    pages += plan_source_pages(ordered, items, page_size, edits)
    return StoryPlan(timelines, pages)


# --------------------------------------------------------------------------- matrix


PAIR_PATH = attrgetter("actor.item.out_path")  # of a PairEntry


def plan_matrix_pages(ordered: list[Article], taxonomy: Taxonomy, topic_links: dict[str, TopicLink],
                      shown: Mapping[str, tuple[TopicArticle, ...]] | None,
                      entries: Mapping[str, Sequence[TopicArticle]], page_size: int,
                      edits: Edits | None = None) -> list[Page]:
    """Return the actor × place matrix and the pages of each pair that has articles, ``page_size`` a page.

    ``shown`` and ``entries`` are site.topic_entries: each article's topics and each
    topic's articles, as their pages list them; a pair's page shows the same. After
    ``edits``, only the pairs of two of the edited articles' topics are planned with their
    articles; the matrix counts articles, which the edits leave as they were.
    """
    places = tuple(topic_links[topic.slug] for topic in taxonomy.places)
    if edits is None:
        both, edited_at = _pair_lists(ordered, shown), {}
    else:
        both, edited_at = _pair_lists_after(taxonomy, entries, edited_indexes(ordered, edits), edits, page_size)
    counts = {pair: len(found) for pair, found in both.items()}
    fullest = max(counts.values(), default=0)
    pages, rows = [], []
    for actor in taxonomy.actors:
        cells = []
        link = topic_links[actor.slug]
        for place in places:
            pair = (actor.slug, place.slug)
            count = counts.get(pair, 0)
            out_path = urls.pair_path(actor.slug, place.slug) if count else None
            level = 0 if not count else max(1, round(4 * count / fullest))
            cells.append(MatrixCell(place, count, out_path, level))
            if not count:
                continue
            numbered = partial(urls.pair_page_path, actor.slug, place.slug)
            parts = []
            if edits is None or (actor.slug in edits.topics and place.slug in edits.topics
                                 or actor.slug in edits.moved or place.slug in edits.moved):
                # The front page counts the pair's articles, and each topic's; a numbered
                # page that shows no edited article is the last build's, unless an edited
                # article entered or left the pair's list (_pair_lists_after).
                parts = parts_showing(both[pair], page_size, out_path, numbered,
                                      None if edits is None else edited_at[pair], with_front=True)
            bare_link, bare_place = link.without_totals(), place.without_totals()
            for part_path, number, part in list_pages(count, page_size, out_path, numbered, parts):
                suffix = f", page {number}" if number else ""
                context = None
                if part is not None:
                    context = (PairContext(link, place, part.items, count, part.pager) if number is None
                               else PairContext(bare_link, bare_place, part.items, None, part.pager))
                pages.append(Page(part_path, "pair.html", f"{link.name} × {place.name}" + suffix, context,
                                  f"the pair '{actor.slug}' × '{place.slug}'" + suffix))
        rows.append(MatrixRow(link, tuple(cells)))
    # The matrix counts the articles of each pair, which only edits that move an article into
    # or out of a topic's list change.
    pages.insert(0, Page(urls.MATRIX, "matrix.html", "Actors × places",
                         MatrixContext(places, tuple(rows)) if edits is None or edits.moved else None,
                         "the actor × place matrix"))
    return pages


def _pair_lists(ordered: list[Article], shown: Mapping[str, tuple[TopicArticle, ...]]
                ) -> dict[tuple[str, str], list[PairEntry]]:
    """Return each pair's articles, newest first, by (actor slug, place slug)."""
    both: dict[tuple[str, str], list[PairEntry]] = {}
    new_entry = tuple.__new__  # a PairEntry in one C call, as site.topic_entries makes its entries
    for article in ordered:
        mine = shown[article.slug]
        actors = [entry for entry in mine if entry.link.kind == "actor"]
        if not actors:
            continue
        places_here = [entry for entry in mine if entry.link.kind == "place"]
        for actor in actors:
            actor_slug = actor.link.slug
            for place in places_here:
                pair = (actor_slug, place.link.slug)
                if pair in both:
                    both[pair].append(new_entry(PairEntry, (actor, place)))
                else:
                    both[pair] = [new_entry(PairEntry, (actor, place))]
    return both


def _pair_lists_after(taxonomy: Taxonomy, entries: Mapping[str, LazyList], edited: list[int], edits: Edits,
                      page_size: int) -> tuple[dict[tuple[str, str], LazyList], dict[tuple[str, str], list[int]]]:
    """Return each pair's articles, from its topics' (site.topic_entries after ``edits``, whose
    keys are the articles' indexes), with where the ``edited`` articles (indexes) are in each,
    and the articles that moved along in a pair's list, of ``page_size`` a page, that an
    edited article may have entered or left (site.moved_from): both its topics are the
    edited articles', one of them among those they entered or left (Edits.moved)."""
    both, edited_at = {}, {}
    held = {topic.slug: set(entries[topic.slug].keys) for topic in taxonomy.topics}
    for actor in taxonomy.actors:
        for place in taxonomy.places:
            indexes = sorted(held[actor.slug] & held[place.slug])
            if indexes:
                pair = (actor.slug, place.slug)
                both[pair] = LazyList(indexes, partial(_pair_entry, entries[actor.slug], entries[place.slug]))
                moved = (actor.slug in edits.moved or place.slug in edits.moved) and (
                    actor.slug in edits.topics and place.slug in edits.topics)
                edited_at[pair] = changed_at(indexes, edited, edits, page_size, moved)
    return both, edited_at


def _pair_entry(actor_entries: LazyList, place_entries: LazyList, index: int) -> PairEntry:
    return tuple.__new__(PairEntry, (actor_entries.make(index), place_entries.make(index)))


# --------------------------------------------------------------------------- timeline


def timeline_entries(ordered: list[Article]) -> list[TimelineEntry]:
    """Return every dated article as a timeline entry, in the first lane and its topics' lanes."""
    return [
        TimelineEntry(article.date, (ALL_LANE, *[tag.slug for tag in article.tags]), article.title,
                      urls.article_path(article.slug))
        for article in ordered if article.date is not None
    ]


def plan_timeline(ordered: list[Article], taxonomy: Taxonomy, topic_links: dict[str, TopicLink],
                  entries: list[TimelineEntry], scale: Scale | None, bins: Bins | None = None) -> TimelineContext:
    """Return the timeline of ``entries`` (``timeline_entries(ordered)``) on ``scale``.

    ``bins`` are the entries' (oldest first), binned for every lane (timeline.bin_entries).
    """
    undated = sum(1 for article in ordered if article.date is None)
    if scale is None:
        return TimelineContext(None, undated)
    lanes = [LaneSpec(ALL_LANE, "All articles", urls.ARCHIVE, EVERY_ARTICLE)]
    lanes += [LaneSpec(topic.slug, topic.name, topic_links[topic.slug].out_path, topic.kind) for topic in taxonomy.topics]
    return TimelineContext(draw_timeline(entries, lanes, scale, bins=bins), undated)


# --------------------------------------------------------------------------- who said what


def plan_voice_pages(ordered: list[Article], items: dict[str, ArticleItem], analysed: Mapping[str, ArticleAnalysis],
                     topic_links: dict[str, TopicLink], page_size: int, edits: Edits | None = None) -> list[Page]:
    """Return the Voices overview and the pages of each speaker, ``page_size`` articles a page,
    from the quotations of each article; after ``edits``, the pages of the speakers the edited
    articles quote, or quoted, with their articles, and the others' pages without a context."""
    speakers: dict[str, Speaker] = {}
    # By speaker slug, newest article first; None for a speaker whose pages an edit cannot have changed.
    said: dict[str, list[QuotedIn] | None] = {}
    counts: dict[str, int] = {}  # quotations, by speaker slug
    quoting: dict[str, int] = {}  # articles, by speaker slug
    edited = edits.slugs if edits is not None else frozenset()
    edited_at: dict[str, list[int]] = {}  # where the edited articles are in each speaker's list
    unknown = []
    new_quoted = tuple.__new__  # a QuotedIn in one C call
    for article in ordered:
        analysis, item = analysed[article.slug], items[article.slug]
        for position, (speaker, count) in enumerate(analysis.voices):
            slug = speaker.slug
            if slug in counts:
                counts[slug] += count
                quoting[slug] += 1
            else:
                # Two spellings of a name the taxonomy does not list can give one slug: one page.
                speakers[slug] = speaker
                counts[slug] = count
                quoting[slug] = 1
                # A speaker's front page counts the articles of the actor they speak for.
                said[slug] = [] if (edits is None or urls.speaker_path(slug) in edits.speakers
                                    or speaker.actor in edits.moved) else None
            rows = said[slug]
            if rows is not None:
                rows.append(new_quoted(QuotedIn, (item, analysis, position)))
            if article.slug in edited:
                edited_at.setdefault(slug, []).append(quoting[slug] - 1)
        if analysis.unattributed_count:
            unknown.append((item, analysis))
    links = []
    pages = []
    for slug, speaker in speakers.items():
        out_path = urls.speaker_path(slug)
        link = SpeakerLink(speaker.name, out_path, topic_links.get(speaker.actor) if speaker.actor else None,
                           counts[slug], quoting[slug])
        links.append(link)
        numbered = partial(urls.speaker_page_path, slug)
        rows = said[slug]
        parts = []
        if rows is not None:
            # The front page counts the speaker's quotations and articles; a numbered page that
            # shows no edited article is the last build's, unless the edit moved their articles.
            parts = parts_showing(rows, page_size, out_path, numbered, None if edits is None or out_path in
                                  edits.regrouped else edited_at.get(slug, ()), with_front=True)
        bare = link.without_totals()
        for part_path, number, part in list_pages(quoting[slug], page_size, out_path, numbered, parts):
            suffix = f", page {number}" if number else ""
            pages.append(Page(part_path, "person.html", speaker.name + suffix,
                              PersonContext(bare if number else link, part.items, part.pager) if part else None,
                              f"the speaker {speaker.name!r}" + suffix))
    links.sort(key=lambda link: (-link.quotations, link.name))
    voices = VoicesContext(tuple(links), tuple(unknown[:page_size]), len(unknown))
    pages.insert(0, Page(urls.VOICES, "voices.html", "Voices", voices, "the Voices overview"))
    return pages


# --------------------------------------------------------------------------- sources


def plan_source_pages(ordered: list[Article], items: dict[str, ArticleItem], page_size: int,
                      edits: Edits | None = None) -> list[Page]:
    """Return the sources overview and the pages of each source, which list its articles,
    ``page_size`` a page; after ``edits``, the pages that show no edited article, and the
    overview, which counts articles, without a context; but the pages of the sources an
    edited article entered or left that moved along, their front pages and the overview."""
    by_source: dict[str, list[ArticleItem]] = {}
    unknown: list[ArticleItem] = []
    edited = edits.articles if edits is not None else frozenset()
    moved = edits.sources_moved if edits is not None else frozenset()
    moving = edits.moving_sources if edits is not None else frozenset()
    edited_at: dict[str | None, list[int]] = {}  # where the edited articles are in each source's list
    indexes: dict[str | None, list[int]] = {}  # of the articles of the sources in ``moved``, among ``ordered``
    for index, article in enumerate(ordered):
        item = items[article.slug]
        found = by_source.setdefault(article.source, []) if article.source else unknown
        if item.out_path in edited:
            edited_at.setdefault(article.source, []).append(len(found))
        if (article.source or None) in moving:
            indexes.setdefault(article.source or None, []).append(index)
        found.append(item)
    if moving:
        # A source's list that an edited article entered or left: its newer articles moved along.
        positions = edited_indexes(ordered, edits)
        for source in moving:
            edited_at[source] = changed_at(indexes.get(source, []), positions, edits, page_size, source in moved)
    slugs = source_slugs(list(by_source))
    links, pages = [], []
    # A page that shows no edited article is the last build's, after an edit that keeps every list.
    for name in sorted(by_source, key=lambda name: (name.casefold(), name)):
        found = by_source[name]
        link = SourceLink(name, urls.source_path(slugs[name]), len(found))
        links.append(link)
        pages += _source_pages(link, found, partial(urls.source_page_path, slugs[name]), f"the source {name!r}",
                               page_size, None if edits is None else edited_at.get(name, ()), unknown=False)
    unknown_link = SourceLink("Source not known", urls.source_path(UNKNOWN_SOURCE), len(unknown)) if unknown else None
    if unknown_link:
        pages += _source_pages(unknown_link, unknown, partial(urls.source_page_path, UNKNOWN_SOURCE),
                               "the articles that name no source", page_size,
                               None if edits is None else edited_at.get(None, ()), unknown=True)
    # The overview counts each source's articles, which only edits that move an article from
    # one source to another change.
    pages.insert(0, Page(urls.SOURCES, "sources.html", "Sources",
                         SourcesContext(tuple(links), unknown_link) if edits is None or moved else None,
                         "the sources overview"))
    return pages


def _source_pages(link: SourceLink, found: list[ArticleItem], numbered: Callable[[int], str], origin: str,
                  page_size: int, edited_at: Sequence[int] | None, unknown: bool) -> list[Page]:
    """Return the pages of one source's articles, ``found`` (``unknown``: of the articles that
    name no source); with ``edited_at`` (where the edited articles are in ``found``), those
    that show none of them without a context. The front page shows the newest, which
    site.moved_from always names: it holds the source's totals."""
    parts = parts_showing(found, page_size, link.out_path, numbered, edited_at, with_front=False)
    bare = link.without_totals()
    pages = []
    for out_path, number, part in list_pages(len(found), page_size, link.out_path, numbered, parts):
        suffix = f", page {number}" if number else ""
        context = SourceContext(bare if number else link, part.items, part.pager, unknown=unknown) if part else None
        pages.append(Page(out_path, "source.html", link.name + suffix, context, origin + suffix))
    return pages


UNKNOWN_SOURCE = "unknown"  # the page slug of the articles that name no source


def source_slugs(names: list[str]) -> dict[str, str]:
    """Return a unique page slug for each source name.

    Names that give the same slug ("Press TV", "Press-TV") are told apart by a hash of the
    name, given to every name but the first in sorted order, so a slug never depends on the
    order the articles were read in. "index" is the overview's and UNKNOWN_SOURCE the page
    of the articles that name no source, so no source gets either.
    """
    claimed = {"index", UNKNOWN_SOURCE}
    slugs = {}
    for name in sorted(names):
        slug = make_slug(name)
        if slug in claimed:
            slug = f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"
        claimed.add(slug)
        slugs[name] = slug
    return slugs
