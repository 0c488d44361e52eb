"""Pure planning: sort, group and link the tagged articles into the pages of the site.

Nothing here reads or writes files. Every page's context is a small frozen record; links
in it are site-relative out_paths that the renderer turns into relative URLs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby

from . import urls
from .boilerplate import BOILERPLATE_RULES
from .body import block_id
from .dates import format_date, format_month, format_month_day
from .errors import DigestError
from .model import Article, Mention, Taxonomy, Topic, TopicTag
from .sentences import cut_at_sentence

WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Settings:
    """What the user may choose about the planned site."""

    site_title: str = "News digest"
    summary_length: int = 300  # characters of the lede shown in lists, cut on a sentence


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
class ArticleContext:
    article: Article
    item: ArticleItem
    fields: tuple[FieldOrigin, ...]
    evidence: tuple[TopicEvidence, ...]
    removed: tuple[RemovedLine, ...]
    previous: ArticleItem | None  # the next older article
    next: ArticleItem | None  # the next newer article


@dataclass(frozen=True)
class ListContext:
    """A page that lists articles: the index, a date, the Undated page."""

    heading: str
    intro: str
    items: tuple[ArticleItem, ...]


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
    pages: list[Page] = [
        Page(urls.INDEX, "index.html", settings.site_title,
             ListContext(settings.site_title, f"{len(ordered)} articles, newest first.", listed), "the index"),
    ]
    pages += plan_article_pages(ordered, items, taxonomy)
    pages += plan_topic_pages(ordered, items, taxonomy)
    pages += plan_archive_pages(ordered, items)
    check_collisions(pages)
    return SitePlan(tuple(pages), tuple(ordered), any(article.date is None for article in ordered))


def make_item(article: Article, topics: dict[str, Topic], settings: Settings) -> ArticleItem:
    paragraphs = [block.text for block in article.blocks if block.kind == "paragraph"]
    words = sum(len(block.text.split()) for block in article.blocks)
    return ArticleItem(
        title=article.title,
        out_path=urls.article_path(article.slug),
        date=article.date,
        date_text=format_date(article.date) if article.date else "Undated",
        date_out_path=urls.date_path(article.date) if article.date else urls.UNDATED,
        source=article.source,
        summary=cut_at_sentence(paragraphs[0], settings.summary_length) if paragraphs else "",
        reading_minutes=max(1, round(words / WORDS_PER_MINUTE)),
        topics=tuple(_topic_link(topics[tag.slug], tag.count) for tag in article.tags),
    )


def _topic_link(topic: Topic, count: int) -> TopicLink:
    return TopicLink(topic.name, topic.slug, topic.kind, urls.topic_path(topic.slug), count)


def plan_article_pages(ordered: list[Article], items: dict[str, ArticleItem], taxonomy: Taxonomy) -> list[Page]:
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


def plan_topic_pages(ordered: list[Article], items: dict[str, ArticleItem], taxonomy: Taxonomy) -> list[Page]:
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
        )
        pages.append(Page(link.out_path, "topic.html", topic.name, context, f"topic '{topic.slug}' in the taxonomy"))
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
