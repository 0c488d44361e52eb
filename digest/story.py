"""Planning the views that explain the news: actor × place matrix, timeline, who said what, sources.

Pure planning, like site.py, whose records it builds on: plan_story returns what
site.plan_site adds to topic pages ("why this tag" and a small timeline on each front page)
and the pages of these views. Links are site-relative out_paths, decided by urls.py. As in
site.py, records that restate the articles' analyses for one page are properties, made
when the page is rendered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter

from . import urls
from .analysis import ArticleAnalysis
from .load import make_slug
from .model import Article, Taxonomy
from .quotes import Speaker
from .site import ArticleItem, Page, QuoteLine, TopicArticle, TopicEvidence, TopicLink
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
    quotations: int
    articles: int


# Voices records hold whole analyses rather than the quotations in them: pages are told apart
# by what their records hold (workers.py), and an analysis by its article's content hash alone.


@dataclass(frozen=True)
class VoicesContext:
    speakers: tuple[SpeakerLink, ...]  # most quoted first
    unknown: tuple[tuple[ArticleItem, ArticleAnalysis], ...]  # articles with quotations of no known speaker

    @property
    def unattributed(self) -> tuple[QuoteLine, ...]:
        """Quotations whose speaker the digest cannot tell."""
        return tuple(QuoteLine(quotation, item) for item, analysis in self.unknown
                     for quotation in analysis.unattributed)


@dataclass(frozen=True)
class PersonContext:
    speaker: SpeakerLink
    # Each article that quotes the speaker, newest first, with the speaker's place in analysis.speakers.
    quoted: tuple[tuple[ArticleItem, ArticleAnalysis, int], ...]

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
    found: tuple[tuple[TopicArticle, TopicArticle], ...]  # each article on the actor's and the place's pages

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
    count: int


@dataclass(frozen=True)
class SourcesContext:
    sources: tuple[SourceLink, ...]  # by name
    unknown: tuple[ArticleItem, ...]  # articles that name no source


@dataclass(frozen=True)
class SourceContext:
    source: SourceLink
    items: tuple[ArticleItem, ...]  # newest first


@dataclass(frozen=True)
class AliasRow:
    """Why a topic tags what it tags: one alias, how often it matched, and where."""

    alias: str
    count: int
    tagged: tuple[TopicArticle, ...]  # every article of the topic, newest first

    @property
    def articles(self) -> tuple[tuple[ArticleItem, int], ...]:
        """Each article the alias matched in, with its matches."""
        found = []
        for entry in self.tagged:
            for alias, count in entry.found.aliases:
                if alias == self.alias:
                    found.append((entry.item, count))
        return tuple(found)


@dataclass(frozen=True)
class StoryPlan:
    """What the story views add to the topic pages of site.py, and their own pages."""

    topic_extras: dict[str, tuple[tuple[AliasRow, ...], Timeline | None]]  # by topic slug: why this tag, timeline
    pages: list[Page]  # the matrix and its pairs, the timeline, the voices, the sources


def plan_story(ordered: list[Article], items: dict[str, ArticleItem], taxonomy: Taxonomy,
               analysed: Mapping[str, ArticleAnalysis], topic_links: dict[str, TopicLink],
               entries: dict[str, list[TopicArticle]], shown: Mapping[str, tuple[TopicArticle, ...]],
               aliases: Mapping[str, tuple[tuple[str, int], ...]]) -> StoryPlan:
    """Return the extras of site.py's topic pages, and the story views' pages.

    ``analysed`` has each article's analysis by slug; ``entries`` has the articles of each
    topic and ``shown`` those of each article's topics, as site.py lists them; ``aliases``
    has each topic's aliases with their matches.
    """
    # Oldest first, as the charts draw them; binned once for the timeline and every topic's own.
    dated = sorted(timeline_entries(ordered), key=attrgetter("date", "out_path"))
    scale = choose_scale(dated)
    bins = bin_entries(dated, [ALL_LANE, *(topic.slug for topic in taxonomy.topics)], scale) if scale else {}
    extras = {}
    for topic in taxonomy.topics:
        timeline = None
        if scale is not None:
            lane = LaneSpec(topic.slug, topic.name, None, topic.kind)
            mine = [entry for found in bins[topic.slug].values() for entry in found]
            timeline = draw_timeline(mine, [lane], scale, show_labels=False, bins=bins)
        extras[topic.slug] = (alias_rows(aliases[topic.slug], entries[topic.slug]), timeline)
    pages = plan_matrix_pages(ordered, taxonomy, topic_links, shown)
    pages.append(Page(urls.TIMELINE, "timeline.html", "Timeline",
                      plan_timeline(ordered, taxonomy, topic_links, dated, scale, bins), "the timeline"))
    pages += plan_voice_pages(ordered, items, analysed, topic_links)
    pages += plan_source_pages(ordered, items)
    return StoryPlan(extras, pages)


# --------------------------------------------------------------------------- why this tag


def alias_rows(aliases: tuple[tuple[str, int], ...], tagged: list[TopicArticle]) -> tuple[AliasRow, ...]:
    """Return a row for each alias that tagged ``tagged`` (one topic's articles), most matches first.

    ``aliases`` are the topic's (site.topic_entries): each alias with its matches, most first.
    """
    everyone = tuple(tagged)
    return tuple(AliasRow(alias, count, everyone) for alias, count in aliases)


# --------------------------------------------------------------------------- matrix


def plan_matrix_pages(ordered: list[Article], taxonomy: Taxonomy, topic_links: dict[str, TopicLink],
                      shown: Mapping[str, tuple[TopicArticle, ...]]) -> list[Page]:
    """Return the actor × place matrix and a page for each pair that has articles.

    ``shown`` has each article's topics as their pages list it: a pair's page shows the same.
    """
    places = tuple(topic_links[topic.slug] for topic in taxonomy.places)
    both: dict[tuple[str, str], list[tuple[TopicArticle, TopicArticle]]] = {}
    for article in ordered:
        mine = shown[article.slug]
        actors = [entry for entry in mine if entry.link.kind == "actor"]
        places_here = [entry for entry in mine if entry.link.kind == "place"]
        for actor in actors:
            for place in places_here:
                pair = (actor.link.slug, place.link.slug)
                if pair in both:
                    both[pair].append((actor, place))
                else:
                    both[pair] = [(actor, place)]
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
                pages.append(Page(out_path, "pair.html", f"{link.name} × {place.name}",
                                  PairContext(link, place, tuple(found)), f"the pair '{actor.slug}' × '{place.slug}'"))
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
                     topic_links: dict[str, TopicLink]) -> list[Page]:
    """Return the Voices overview and a page per speaker, from the quotations of each article."""
    speakers: dict[str, Speaker] = {}
    said: dict[str, list[tuple[ArticleItem, ArticleAnalysis, int]]] = {}  # by speaker slug, newest article first
    counts: dict[str, int] = {}  # quotations, by speaker slug
    unknown = []
    for article in ordered:
        analysis, item = analysed[article.slug], items[article.slug]
        for position, (speaker, quotations) in enumerate(analysis.speakers):
            if speaker.slug in said:
                said[speaker.slug].append((item, analysis, position))
                counts[speaker.slug] += len(quotations)
            else:
                # Two spellings of a name the taxonomy does not list can give one slug: one page.
                speakers[speaker.slug] = speaker
                said[speaker.slug] = [(item, analysis, position)]
                counts[speaker.slug] = len(quotations)
        if analysis.unattributed:
            unknown.append((item, analysis))
    links = []
    pages = []
    for slug, speaker in speakers.items():
        out_path = urls.speaker_path(slug)
        link = SpeakerLink(speaker.name, out_path, topic_links.get(speaker.actor) if speaker.actor else None,
                           counts[slug], len(said[slug]))
        links.append(link)
        pages.append(Page(out_path, "person.html", speaker.name, PersonContext(link, tuple(said[slug])),
                          f"the speaker {speaker.name!r}"))
    links.sort(key=lambda link: (-link.quotations, link.name))
    pages.insert(0, Page(urls.VOICES, "voices.html", "Voices", VoicesContext(tuple(links), tuple(unknown)),
                         "the Voices overview"))
    return pages


# --------------------------------------------------------------------------- sources


def plan_source_pages(ordered: list[Article], items: dict[str, ArticleItem]) -> list[Page]:
    """Return the sources overview and a page per source, which lists its articles."""
    by_source: dict[str, list[ArticleItem]] = {}
    for article in ordered:
        if article.source:
            by_source.setdefault(article.source, []).append(items[article.slug])
    slugs = source_slugs(list(by_source))
    links, pages = [], []
    for name in sorted(by_source, key=lambda name: (name.casefold(), name)):
        link = SourceLink(name, urls.source_path(slugs[name]), len(by_source[name]))
        links.append(link)
        pages.append(Page(link.out_path, "source.html", name, SourceContext(link, tuple(by_source[name])),
                          f"the source {name!r}"))
    unknown = tuple(items[article.slug] for article in ordered if not article.source)
    pages.insert(0, Page(urls.SOURCES, "sources.html", "Sources", SourcesContext(tuple(links), unknown),
                         "the sources overview"))
    return pages


def source_slugs(names: list[str]) -> dict[str, str]:
    """Return a unique page slug for each source name.

    Names that give the same slug ("Press TV", "Press-TV") are told apart by a hash of the
    name, given to every name but the first in sorted order, so a slug never depends on the
    order the articles were read in. "index" is the overview's, so no source gets it.
    """
    claimed = {"index"}
    slugs = {}
    for name in sorted(names):
        slug = make_slug(name)
        if slug in claimed:
            slug = f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"
        claimed.add(slug)
        slugs[name] = slug
    return slugs
