"""Related articles: the other articles that share the most mentions of the same topics."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass

from .model import Article


@dataclass(frozen=True)
class Related:
    """Another article related to one article, and why."""

    slug: str
    score: int  # sum over shared topics of the smaller of the two mention counts
    shared: tuple[tuple[str, int], ...]  # (topic slug, shared mentions), most shared first


def find_related(articles: list[Article], count: int) -> dict[str, tuple[Related, ...]]:
    """Return, for each article's slug, up to ``count`` related articles, most related first.

    Two articles are related by the topics (actors and places) both mention; each shared
    topic weighs the smaller of its two mention counts, so that a passing mention in one
    article does not count as much as a topic both dwell on. Equal scores go to the article
    nearest in date (undated ones last), then to the slug, so the choice is deterministic.
    """
    if count == 0:
        return {article.slug: () for article in articles}
    mentions = [{tag.slug: tag.count for tag in article.tags} for article in articles]
    # at_least[topic][k - 1] lists the articles that mention the topic k times or more. Two
    # articles share min(a, b) mentions of a topic: the number of these lists that hold both.
    # Counting list entries with Counter.update runs in C, much faster than adding up minima.
    at_least: dict[str, list[list[int]]] = defaultdict(list)
    for number, counts in enumerate(mentions):
        for slug, mentioned in counts.items():
            levels = at_least[slug]
            levels.extend([] for _ in range(mentioned - len(levels)))
            for level in levels[:mentioned]:
                level.append(number)
    related = {}
    for number, article in enumerate(articles):
        scores: Counter[int] = Counter()
        for slug, mine in mentions[number].items():
            for level in at_least[slug][:mine]:
                scores.update(level)
        scores.pop(number, None)
        chosen: list[int] = []
        if scores:
            # Only the articles that score as high as the count-th best can make the list: the
            # date tie-break, which is slower to compute, is left to them.
            cutoff = heapq.nlargest(count, scores.values())[-1]
            contenders = [other for other, score in scores.items() if score >= cutoff]
            chosen = sorted(contenders, key=lambda other: (
                -scores[other], _days_apart(article, articles[other]), articles[other].slug))[:count]
        related[article.slug] = tuple(
            Related(articles[other].slug, scores[other], _shared(mentions[number], mentions[other])) for other in chosen
        )
    return related


def _shared(mine: dict[str, int], theirs: dict[str, int]) -> tuple[tuple[str, int], ...]:
    shared = [(slug, min(count, theirs[slug])) for slug, count in mine.items() if slug in theirs]
    return tuple(sorted(shared, key=lambda pair: (-pair[1], pair[0])))


def _days_apart(article: Article, other: Article) -> float:
    if article.date is None or other.date is None:
        return float("inf")
    return abs((article.date - other.date).days)
