"""Planning the views that explain the news: actor × place matrix, timeline, who said what, sources.

Pure planning, like site.py, whose records it builds on: plan_story returns what
site.plan_site adds to topic pages (a small timeline on each front page; their "why this
tag" rows are counted by site.topic_entries) and the pages of these views. Links are
site-relative out_paths, decided by urls.py. As in site.py, records that restate the
articles' analyses for one page are properties, made when the page is rendered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import NamedTuple

from . import urls
from .analysis import ArticleAnalysis
from .load import make_slug
from .model import Article, Taxonomy
from .quotes import Speaker
from .site import ArticleItem, Page, PagePart, Pager, QuoteLine, TopicArticle, TopicEvidence, TopicLink, paginate
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


@dataclass(frozen=True)
class StoryPlan:
    """What the story views add to the topic pages of site.py, and their own pages."""

    timelines: dict[str, Timeline | None]  # by topic slug: its articles over time, on its front page
    pages: list[Page]  # the matrix and its pairs, the timeline, the voices, the sources


def plan_story(ordered: list[Article], items: dict[str, ArticleItem], taxonomy: Taxonomy,
               analysed: Mapping[str, ArticleAnalysis], topic_links: dict[str, TopicLink],
               shown: Mapping[str, tuple[TopicArticle, ...]], page_size: int) -> StoryPlan:
    """Return the timelines of site.py's topic pages, and the story views' pages.

    ``analysed`` has each article's analysis by slug, and ``shown`` each article's topics,
    as site.py lists them. Lists longer than ``page_size`` articles are split into pages as
    site.paginate splits them.
    """
    # Oldest first, as the charts draw them; binned once for the timeline and every topic's own.
    dated = sorted(timeline_entries(ordered), key=attrgetter("date", "out_path"))
    scale = choose_scale(dated)
    bins = bin_entries(dated, [ALL_LANE, *(topic.slug for topic in taxonomy.topics)], scale) if scale else {}
    timelines = {}
    for topic in taxonomy.topics:
        timeline = None
        if scale is not None:
            lane = LaneSpec(topic.slug, topic.name, None, topic.kind)
            mine = [entry for found in bins[topic.slug].values() for entry in found]
            timeline = draw_timeline(mine, [lane], scale, show_labels=False, bins=bins)
        timelines[topic.slug] = timeline
    pages = plan_matrix_pages(ordered, taxonomy, topic_links, shown, page_size)
    pages.append(Page(urls.TIMELINE, "timeline.html", "Timeline",
                      plan_timeline(ordered, taxonomy, topic_links, dated, scale, bins), "the timeline"))
    pages += plan_voice_pages(ordered, items, analysed, topic_links, page_size)
    pages += plan_source_pages(ordered, items, page_size)
    return StoryPlan(timelines, pages)


def _is_front(part: PagePart) -> bool:
    """Return True for the first page of a list, the one that shows the list's counts."""
    return part.pager is None or part.pager.number is None


def _page_number(pager: Pager | None) -> str:
    """Return ", page 3" for a numbered page of a list, "" for its front page."""
    return f", page {pager.number}" if pager and pager.number else ""


# --------------------------------------------------------------------------- matrix


def plan_matrix_pages(ordered: list[Article], taxonomy: Taxonomy, topic_links: dict[str, TopicLink],
                      shown: Mapping[str, tuple[TopicArticle, ...]], page_size: int) -> list[Page]:
    """Return the actor × place matrix and the pages of each pair that has articles, ``page_size`` a page.

    ``shown`` has each article's topics as their pages list it: a pair's page shows the same.
    """
    places = tuple(topic_links[topic.slug] for topic in taxonomy.places)
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
    fullest = max((len(found) for found in both.values()), default=0)
    pages, rows = [], []
    for actor in taxonomy.actors:
        cells = []
        for place in places:
            found = both.get((actor.slug, place.slug), [])
            out_path = urls.pair_path(actor.slug, place.slug) if found else None
            level = 0 if not found else max(1, round(4 * len(found) / fullest))
            cells.append(MatrixCell(place, len(found), out_path, level))
            if found:
                link = topic_links[actor.slug]
                bare_link, bare_place = link.without_totals(), place.without_totals()
                numbered = partial(urls.pair_page_path, actor.slug, place.slug)
                for part in paginate(found, page_size, out_path, numbered):
                    title = f"{link.name} × {place.name}" + _page_number(part.pager)
                    context = (PairContext(link, place, part.items, len(found), part.pager) if _is_front(part)
                               else PairContext(bare_link, bare_place, part.items, None, part.pager))
                    pages.append(Page(part.out_path, "pair.html", title, context,
                                      f"the pair '{actor.slug}' × '{place.slug}'" + _page_number(part.pager)))
        rows.append(MatrixRow(topic_links[actor.slug], tuple(cells)))
    pages.insert(0, Page(urls.MATRIX, "matrix.html", "Actors × places", MatrixContext(places, tuple(rows)),
                         "the actor × place matrix"))
    return pages


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
                     topic_links: dict[str, TopicLink], page_size: int) -> list[Page]:
    """Return the Voices overview and the pages of each speaker, ``page_size`` articles a page,
    from the quotations of each article."""
    speakers: dict[str, Speaker] = {}
    said: dict[str, list[QuotedIn]] = {}  # by speaker slug, newest article first
    counts: dict[str, int] = {}  # quotations, by speaker slug
    unknown = []
    new_quoted = tuple.__new__  # a QuotedIn in one C call
    for article in ordered:
        analysis, item = analysed[article.slug], items[article.slug]
        for position, (speaker, count) in enumerate(analysis.voices):
            if speaker.slug in said:
                said[speaker.slug].append(new_quoted(QuotedIn, (item, analysis, position)))
                counts[speaker.slug] += count
            else:
                # Two spellings of a name the taxonomy does not list can give one slug: one page.
                speakers[speaker.slug] = speaker
                said[speaker.slug] = [new_quoted(QuotedIn, (item, analysis, position))]
                counts[speaker.slug] = count
        if analysis.unattributed_count:
            unknown.append((item, analysis))
    links = []
    pages = []
    for slug, speaker in speakers.items():
        out_path = urls.speaker_path(slug)
        link = SpeakerLink(speaker.name, out_path, topic_links.get(speaker.actor) if speaker.actor else None,
                           counts[slug], len(said[slug]))
        links.append(link)
        bare = link.without_totals()
        for part in paginate(said[slug], page_size, out_path, partial(urls.speaker_page_path, slug)):
            pages.append(Page(part.out_path, "person.html", speaker.name + _page_number(part.pager),
                              PersonContext(link if _is_front(part) else bare, part.items, part.pager),
                              f"the speaker {speaker.name!r}" + _page_number(part.pager)))
    links.sort(key=lambda link: (-link.quotations, link.name))
    voices = VoicesContext(tuple(links), tuple(unknown[:page_size]), len(unknown))
    pages.insert(0, Page(urls.VOICES, "voices.html", "Voices", voices, "the Voices overview"))
    return pages


# --------------------------------------------------------------------------- sources


def plan_source_pages(ordered: list[Article], items: dict[str, ArticleItem], page_size: int) -> list[Page]:
    """Return the sources overview and the pages of each source, which list its articles,
    ``page_size`` a page."""
    by_source: dict[str, list[ArticleItem]] = {}
    for article in ordered:
        if article.source:
            by_source.setdefault(article.source, []).append(items[article.slug])
    slugs = source_slugs(list(by_source))
    links, pages = [], []
    for name in sorted(by_source, key=lambda name: (name.casefold(), name)):
        link = SourceLink(name, urls.source_path(slugs[name]), len(by_source[name]))
        links.append(link)
        bare = link.without_totals()
        numbered = partial(urls.source_page_path, slugs[name])
        for part in paginate(by_source[name], page_size, link.out_path, numbered):
            pages.append(Page(part.out_path, "source.html", name + _page_number(part.pager),
                              SourceContext(link if _is_front(part) else bare, part.items, part.pager),
                              f"the source {name!r}" + _page_number(part.pager)))
    unknown = [items[article.slug] for article in ordered if not article.source]
    unknown_link = SourceLink("Source not known", urls.source_path(UNKNOWN_SOURCE), len(unknown)) if unknown else None
    if unknown_link:
        numbered = partial(urls.source_page_path, UNKNOWN_SOURCE)
        for part in paginate(unknown, page_size, unknown_link.out_path, numbered):
            pages.append(Page(part.out_path, "source.html", unknown_link.name + _page_number(part.pager),
                              SourceContext(unknown_link if _is_front(part) else unknown_link.without_totals(),
                                            part.items, part.pager, unknown=True),
                              "the articles that name no source" + _page_number(part.pager)))
    pages.insert(0, Page(urls.SOURCES, "sources.html", "Sources", SourcesContext(tuple(links), unknown_link),
                         "the sources overview"))
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
