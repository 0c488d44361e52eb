"""The alias rows of the topic pages: which names tagged a topic's articles, how often, and where.

A full plan counts them from every article's evidence (count_aliases). The build record
keeps them (aliases_record), and after an edit that keeps every list they are the last build's,
updated by what the edit changed of the edited articles' counts (updated_aliases): counting
them again went over every tag of every article, 0.07 s at 10,000 articles, for an edit of one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # site.py plans the topic pages from these rows
    from .analysis import ArticleAnalysis
    from .model import Article
    from .site import ArticleItem

# The articles an alias row names: the newest few. On a large site an alias matches in
# thousands of articles, and the topic's own pages list them all.
ALIAS_ARTICLES_SHOWN = 10


@dataclass(frozen=True)
class AliasRow:
    """Why a topic tags what it tags: one alias, how often it matched, and where."""

    alias: str
    count: int  # matches, in every article
    articles: tuple[tuple[ArticleItem, int], ...]  # the newest articles it matched in, with their matches
    article_count: int  # every article it matched in; more than len(articles) on a large site


class Recount(NamedTuple):
    """An alias whose matches in an article an edit changed (unchanged.find_edits)."""

    out_path: str  # the article's page
    topic: str  # slug
    alias: str
    before: int  # matches, 0 if none
    after: int


Aliases = dict[str, tuple[AliasRow, ...]]  # by topic slug, most matches first


def count_aliases(ordered: Sequence[Article], items: Mapping[str, ArticleItem],
                  analysed: Mapping[str, ArticleAnalysis], topics: Sequence[str]) -> Aliases:
    """Return a row for each alias that tagged the articles of each of ``topics`` (slugs).

    ``ordered`` are the articles newest first, with their items and analyses by slug.
    """
    # topic slug -> alias -> [matches, articles, the newest articles with their matches]
    tallies: dict[str, dict[str, list]] = {slug: {} for slug in topics}
    for article in ordered:
        item = items[article.slug]
        for found in analysed[article.slug].evidence:
            tally = tallies[found.slug]
            for alias, count in found.aliases:
                counted = tally.get(alias)
                if counted is None:
                    tally[alias] = [count, 1, [(item, count)]]
                    continue
                counted[0] += count
                counted[1] += 1
                if len(counted[2]) < ALIAS_ARTICLES_SHOWN:
                    counted[2].append((item, count))
    return {slug: _rows(tally, lambda item: item) for slug, tally in tallies.items()}


def aliases_record(aliases: Aliases) -> dict[str, list]:
    """Return ``aliases`` as the build record keeps them, articles by the out_paths of their pages."""
    return {slug: [[row.alias, row.count, row.article_count, [[item.out_path, count] for item, count in row.articles]]
                   for row in rows] for slug, rows in aliases.items()}


def recount(out_path: str, before: ArticleAnalysis, after: ArticleAnalysis) -> list[Recount]:
    """Return the aliases whose matches in the article at ``out_path`` an edit changed, from
    its analysis ``before`` and ``after`` it."""
    return _recount(out_path, _counted(before), _counted(after))


def relisted(old_path: str, out_path: str, before: ArticleAnalysis | None,
             after: ArticleAnalysis | None) -> list[Recount]:
    """Return recount's answer for an article whose date or page an edit changed, which may
    have moved it among the newest articles of its aliases, that it added (``before``
    None) or removed (``after`` None): every match of ``before`` taken out of its page
    then, ``old_path``, and every match of ``after`` put in, in its new place, ``out_path``."""
    return (_recount(old_path, _counted(before) if before else {}, {})
            + _recount(out_path, {}, _counted(after) if after else {}))


def _counted(analysis: ArticleAnalysis) -> dict[str, dict[str, int]]:
    return {found.slug: dict(found.aliases) for found in analysis.evidence}


def _recount(out_path: str, counted_before: dict[str, dict[str, int]],
             counted_after: dict[str, dict[str, int]]) -> list[Recount]:
    recounts = []
    for topic in sorted(counted_before.keys() | counted_after.keys()):
        was, now = counted_before.get(topic, {}), counted_after.get(topic, {})
        for alias in sorted(was.keys() | now.keys()):
            if was.get(alias, 0) != now.get(alias, 0):
                recounts.append(Recount(out_path, topic, alias, was.get(alias, 0), now.get(alias, 0)))
    return recounts


def updated_aliases(kept: object, recounts: Sequence[Recount] | None,
                    listed: Sequence[ArticleItem]) -> Aliases | None:
    """Return the rows of the last build, ``kept`` (aliases_record), updated by ``recounts``; or
    None when they cannot be: nothing kept, or an article shown that the edit takes out of
    an alias's newest, whose next newest the record does not hold.

    The caller proves that the last build's articles are this build's but for the edits
    (unchanged.find_edits); ``listed`` are this build's items, newest first.
    """
    if not isinstance(kept, dict) or recounts is None:
        return None
    position = {item.out_path: index for index, item in enumerate(listed)}
    try:
        tallies = {slug: {alias: [count, articles, [(out_path, matches) for out_path, matches in newest]]
                          for alias, count, articles, newest in rows} for slug, rows in kept.items()}
        for change in recounts:
            counted = tallies[change.topic].setdefault(change.alias, [0, 0, []])
            newest = counted[2]  # the newest articles of the alias: all of them, or the newest few
            every = len(newest) == counted[1]
            counted[0] += change.after - change.before
            counted[1] += (change.after > 0) - (change.before > 0)
            shown = [index for index, (out_path, _) in enumerate(newest) if out_path == change.out_path]
            if shown and change.after:
                newest[shown[0]] = (change.out_path, change.after)
            elif shown:
                del newest[shown[0]]  # the ones left are still the newest, if fewer
            elif change.after and not change.before and (every or newest and (
                    position[change.out_path] < position[newest[-1][0]])):
                newest.append((change.out_path, change.after))
                newest.sort(key=lambda pair: position[pair[0]])
        for tally in tallies.values():
            for alias, (count, articles, newest) in list(tally.items()):
                if count < 0 or not min(articles, ALIAS_ARTICLES_SHOWN) <= len(newest) <= articles:
                    return None  # not the counts of these articles, or the next newest is not kept
                del newest[ALIAS_ARTICLES_SHOWN:]
                if not articles:
                    del tally[alias]
        return {slug: _rows(tally, lambda out_path: listed[position[out_path]]) for slug, tally in tallies.items()}
    except (KeyError, TypeError, ValueError):  # a record of another version
        return None


def _rows(tally: dict[str, list], item_of: Callable[[object], ArticleItem]) -> tuple[AliasRow, ...]:
    return tuple(AliasRow(alias, count, tuple([(item_of(article), matches) for article, matches in newest]), articles)
                 for alias, (count, articles, newest) in sorted(tally.items(), key=lambda pair: (-pair[1][0], pair[0])))
