"""Planning the views that explain the news: actor × place matrix, timeline, who said what, sources.

Pure planning, like site.py, whose records it builds on: plan_story takes the pages
site.plan_site has planned and returns them with the quotations added to article pages and
"why this tag" and a small timeline added to topic pages, followed by the pages of these
views. Links are site-relative out_paths, decided by urls.py.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace

from . import urls
from .body import block_id
from .load import make_slug
from .model import Article, Taxonomy, Topic
from .quotes import INHERITED, NAMED, Quotation, Speaker, extract_quotations
from .site import ArticleItem, Page, TopicEvidence, TopicLink, make_evidence
from .timeline import EVERY_ARTICLE, LaneSpec, Timeline, TimelineEntry, choose_scale, draw_timeline

ALL_LANE = "*"  # the key of the timeline's first lane, every dated article; no topic slug can be "*"


@dataclass(frozen=True)
class QuoteLine:
    """A quotation as pages show it, linked to its paragraph and its speaker's page."""

    text: str
    out_path: str  # the paragraph on the article page: "articles/x.html#p3"
    where: str  # "paragraph 3"
    attribution: str  # as written: "he said"
    how: str  # how the speaker was told, for readers: "“he”: the speaker named in paragraph 1"
    speaker: str | None  # the speaker's name; None when the digest cannot tell
    speaker_out_path: str | None
    article: ArticleItem


@dataclass(frozen=True)
class SpeakerLink:
    name: str
    out_path: str
    actor: TopicLink | None  # the actor they speak for; None for someone the taxonomy does not list
    quotations: int
    articles: int


@dataclass(frozen=True)
class VoicesContext:
    speakers: tuple[SpeakerLink, ...]  # most quoted first
    unattributed: tuple[QuoteLine, ...]  # quotations whose speaker the digest cannot tell


@dataclass(frozen=True)
class PersonContext:
    speaker: SpeakerLink
    groups: tuple[tuple[ArticleItem, tuple[QuoteLine, ...]], ...]  # newest article first


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
    entries: tuple[PairArticle, ...]  # newest first


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
    articles: tuple[tuple[ArticleItem, int], ...]  # each article it matched in, with its matches


def plan_story(pages: list[Page], ordered: list[Article], items: dict[str, ArticleItem],
               taxonomy: Taxonomy) -> list[Page]:
    """Return ``pages`` with quotations and topic evidence filled in, then the story views' pages."""
    topic_links = {topic.slug: _topic_link(topic, _count_tagged(ordered, topic.slug)) for topic in taxonomy.topics}
    quotations = {article.slug: extract_quotations(article, taxonomy) for article in ordered}
    lines = {article.slug: quote_lines(article, quotations[article.slug], items[article.slug])
             for article in ordered}
    entries = timeline_entries(ordered)
    scale = choose_scale(entries)
    planned = []
    for page in pages:
        context = page.context
        if page.template == "article.html":
            context = replace(context, quotations=lines[context.article.slug])
        elif page.template == "topic.html" and page.out_path == urls.topic_path(context.topic.slug):
            tagged = [article for article in ordered if article.tag(context.topic.slug)]
            timeline = None
            if scale is not None:
                lane = LaneSpec(context.topic.slug, context.topic.name, None, context.topic.kind)
                timeline = draw_timeline([entry for entry in entries if context.topic.slug in entry.lanes], [lane],
                                         scale, show_labels=False)
            context = replace(context, alias_rows=alias_rows(tagged, items, context.topic.slug), timeline=timeline)
        planned.append(replace(page, context=context) if context is not page.context else page)
    planned += plan_matrix_pages(ordered, items, taxonomy, topic_links)
    planned.append(Page(urls.TIMELINE, "timeline.html", "Timeline",
                        plan_timeline(ordered, taxonomy, topic_links), "the timeline"))
    planned += plan_voice_pages(ordered, quotations, lines, topic_links)
    planned += plan_source_pages(ordered, items)
    return planned


def _topic_link(topic: Topic, count: int) -> TopicLink:
    return TopicLink(topic.name, topic.slug, topic.kind, urls.topic_path(topic.slug), count)


def _count_tagged(articles: list[Article], slug: str) -> int:
    return sum(1 for article in articles if article.tag(slug) is not None)


# --------------------------------------------------------------------------- why this tag


def alias_rows(tagged: list[Article], items: dict[str, ArticleItem], slug: str) -> tuple[AliasRow, ...]:
    """Return each alias that tagged ``tagged`` with topic ``slug``, most matches first."""
    per_article: dict[str, list[tuple[ArticleItem, int]]] = {}
    for article in tagged:
        counts = Counter(mention.alias for mention in article.tag(slug).mentions)
        for alias, count in counts.items():
            per_article.setdefault(alias, []).append((items[article.slug], count))
    rows = [AliasRow(alias, sum(count for _, count in found), tuple(found)) for alias, found in per_article.items()]
    return tuple(sorted(rows, key=lambda row: (-row.count, row.alias)))


# --------------------------------------------------------------------------- matrix


def plan_matrix_pages(ordered: list[Article], items: dict[str, ArticleItem], taxonomy: Taxonomy,
                      topic_links: dict[str, TopicLink]) -> list[Page]:
    """Return the actor × place matrix and a page for each pair that has articles."""
    places = tuple(topic_links[topic.slug] for topic in taxonomy.places)
    both = {
        (actor.slug, place.slug): [article for article in ordered if article.tag(actor.slug) and article.tag(place.slug)]
        for actor in taxonomy.actors for place in taxonomy.places
    }
    fullest = max((len(found) for found in both.values()), default=0)
    pages, rows = [], []
    for actor in taxonomy.actors:
        cells = []
        for place in places:
            found = both[(actor.slug, place.slug)]
            out_path = urls.pair_path(actor.slug, place.slug) if found else None
            level = 0 if not found else max(1, round(4 * len(found) / fullest))
            cells.append(MatrixCell(place, len(found), out_path, level))
            if found:
                pages.append(_pair_page(topic_links[actor.slug], place, found, items, taxonomy))
        rows.append(MatrixRow(topic_links[actor.slug], tuple(cells)))
    pages.insert(0, Page(urls.MATRIX, "matrix.html", "Actors × places", MatrixContext(places, tuple(rows)),
                         "the actor × place matrix"))
    return pages


def _pair_page(actor: TopicLink, place: TopicLink, found: list[Article], items: dict[str, ArticleItem],
               taxonomy: Taxonomy) -> Page:
    entries = tuple(
        PairArticle(items[article.slug], (
            make_evidence(article, article.tag(actor.slug), actor),
            make_evidence(article, article.tag(place.slug), place),
        ))
        for article in found
    )
    return Page(urls.pair_path(actor.slug, place.slug), "pair.html", f"{actor.name} × {place.name}",
                PairContext(actor, place, entries), f"the pair '{actor.slug}' × '{place.slug}'")


# --------------------------------------------------------------------------- timeline


def timeline_entries(ordered: list[Article]) -> list[TimelineEntry]:
    """Return every dated article as a timeline entry, in the first lane and its topics' lanes."""
    return [
        TimelineEntry(article.date, (ALL_LANE, *(tag.slug for tag in article.tags)), article.title,
                      urls.article_path(article.slug))
        for article in ordered if article.date is not None
    ]


def plan_timeline(ordered: list[Article], taxonomy: Taxonomy,
                  topic_links: dict[str, TopicLink]) -> TimelineContext:
    entries = timeline_entries(ordered)
    scale = choose_scale(entries)
    undated = sum(1 for article in ordered if article.date is None)
    if scale is None:
        return TimelineContext(None, undated)
    lanes = [LaneSpec(ALL_LANE, "All articles", urls.ARCHIVE, EVERY_ARTICLE)]
    lanes += [LaneSpec(topic.slug, topic.name, topic_links[topic.slug].out_path, topic.kind) for topic in taxonomy.topics]
    return TimelineContext(draw_timeline(entries, lanes, scale), undated)


# --------------------------------------------------------------------------- who said what


def quote_lines(article: Article, quotations: tuple[Quotation, ...], item: ArticleItem) -> tuple[QuoteLine, ...]:
    """Return an article's quotations as pages show them."""
    lines = []
    for quotation in quotations:
        speaker = quotation.speaker
        lines.append(QuoteLine(
            text=quotation.text,
            out_path=f"{urls.article_path(article.slug)}#{block_id(quotation.block)}",
            where=f"paragraph {quotation.block + 1}",
            attribution=quotation.attribution,
            how=_how(quotation),
            speaker=speaker.name if speaker else None,
            speaker_out_path=urls.speaker_path(speaker.slug) if speaker else None,
            article=item,
        ))
    return tuple(lines)


def _how(quotation: Quotation) -> str:
    if quotation.speaker is None:
        return "the attribution names no one the digest can tell"
    if quotation.how == NAMED:
        return "named"
    if quotation.how == INHERITED:
        return "beside a quotation attributed to them"
    where = ("earlier in this paragraph" if quotation.resolved_from == quotation.block
             else f"in paragraph {quotation.resolved_from + 1}")
    return f"the last speaker named, {where}"


def plan_voice_pages(ordered: list[Article], quotations: dict[str, tuple[Quotation, ...]],
                     lines: dict[str, tuple[QuoteLine, ...]], topic_links: dict[str, TopicLink]) -> list[Page]:
    """Return the Voices overview and a page per speaker; ``lines`` are ``quotations`` as shown."""
    speakers: dict[str, Speaker] = {}
    said: dict[str, list[QuoteLine]] = {}
    unattributed = []
    for article in ordered:
        for quotation in quotations[article.slug]:
            speaker = quotation.speaker
            if speaker is None:
                continue
            # Two spellings of a name the taxonomy does not list can give one slug: one page.
            speakers.setdefault(speaker.slug, speaker)
        for line in lines[article.slug]:
            if line.speaker_out_path is None:
                unattributed.append(line)
            else:
                said.setdefault(line.speaker_out_path, []).append(line)
    links = []
    pages = []
    for slug, speaker in speakers.items():
        out_path = urls.speaker_path(slug)
        found = said[out_path]
        by_article: dict[str, list[QuoteLine]] = {}
        for line in found:
            by_article.setdefault(line.article.out_path, []).append(line)
        link = SpeakerLink(speaker.name, out_path, topic_links.get(speaker.actor) if speaker.actor else None,
                           len(found), len(by_article))
        links.append(link)
        groups = tuple((quoted[0].article, tuple(quoted)) for quoted in by_article.values())
        pages.append(Page(out_path, "person.html", speaker.name, PersonContext(link, groups),
                          f"the speaker {speaker.name!r}"))
    links.sort(key=lambda link: (-link.quotations, link.name))
    pages.insert(0, Page(urls.VOICES, "voices.html", "Voices", VoicesContext(tuple(links), tuple(unattributed)),
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
