"""Which pages of the last build an edit cannot have changed, so that their keys need not be made.

A page's key (workers.page_key) digests its whole context: at 10,000 articles, keying all
20,309 pages took as long as planning them, and a one-article rebuild changes a few dozen.

This answers only for edits that leave the lists of articles (the index, the dates) as they
were: the same files, each with the same slug and date, but for one edited article whose
date or slug (from its title) may change, as long as no other article's slug changes with
it, or for articles added or removed. A file renamed (or replaced by a file of another
name) whose article keeps the slug and date it had is an edit of that article; otherwise it
is one removed and one added. The one that moved went, in each list that holds it, from its
old place to its new one: the items between the two moved by one
(site.shifted), and those pages are keyed, as are its old and new dates' pages, months and
years, the archive, the pages of its old and new neighbours and every page of the speakers
it quotes. An article added enters each of its lists, and one removed leaves them: their
pages from its place to the newest move along (site.moved_from), and are keyed with the same
pages of dates, neighbours and speakers. An edited article's source may change, as long as
no other source's page slug changes with it (a slug depends on every name): the two sources'
lists move along from the article's place, and their pages that moved are keyed, with the
sources overview. Its mention levels (related.mention_level) may change: they rank related
articles, which are then ranked again from the last build's ranking (related.rerank), and
the pages whose related articles changed with them are keyed. So may its topics: the lists
of the topics it now names or no longer names (Edits.moved), and of their pairs that hold it
or held it, move along, and their pages that moved are keyed, as are the front pages that
count those topics' articles (the topics overview, the matrix, each pair of such a topic,
each speaker for such an actor). Then a page's context can change only through a record of
an edited article it shows, or through the totals, on the front page of a topic, a pair or a
speaker, that count the edited article (or every page of a speaker whom it starts or stops
quoting). The year and archive pages, which count the articles of each date, cannot change
but with a date, or articles added or removed. For anything else (two articles dated
or named anew, articles added or removed with one of those, a title that gives another
article another slug, a source name that gives another source another slug) every page is
keyed, as before. Pages of a kind not named here (the overviews, the timeline, the search
page: a few dozen) are always keyed.

What the last build was made from is told by its record's ``others_key`` (a digest of each
article's source path, slug and content hash, in order) and by the article cache's entries
for the files this build loads again: they are the files as they were before the edit,
unless a build that did not finish wrote them, which the digest then tells.
"""

from __future__ import annotations

import hashlib
import itertools
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Collection, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from . import urls
from .aliases import recount, relisted
from .analysis import ArticleAnalysis
from .cache import LoadedFile
from .load import make_slug, suffixed_slugs
from .model import Article
from .related import Choice, mention_level
from .site import (ROW_PATH, ArchiveContext, ArticleContext, Edits, ListContext, MonthContext, Page,
                   Pager, Removed, Reordered, TopicContext, YearContext, order_key, reading_order)
from .story import PAIR_PATH, PairContext, PersonContext, SourceContext, source_slugs


def articles_key(inputs_common: str, ordered: Iterable[Article], hashes: Mapping[str, str] | None = None,
                 paths: Mapping[str, str] | None = None) -> str:
    """Return the digest of the articles that the build record keeps as ``others_key``.

    ``hashes`` replace the content hash of the articles they name, by source path, and
    ``paths`` their source path.
    """
    hashes, paths = hashes or {}, paths or {}
    # Joined by NULs, which no path, slug or hash holds, rather than fingerprint()'s repr of
    # tuples: half the time, a hundredth of a second a build at 10,000 articles.
    fields = []
    for article in ordered:
        path = article.source_path
        fields += (paths.get(path, path), article.slug, hashes.get(path, article.content_hash))
    return hashlib.sha256("\0".join([inputs_common, *fields]).encode()).hexdigest()


def find_edits(previous_key: object, current_key: str, inputs_common: str, ordered: Sequence[Article],
               analyses: Mapping[str, ArticleAnalysis], before: Mapping[str, LoadedFile | None],
               gone: Mapping[str, LoadedFile] | None = None) -> Edits | None:
    """Return what the edits since the last build touch, or None when they may have changed
    which articles a list holds, or their order, but for the lists of the topics that an
    edited article now names or no longer names (Edits.moved), their pairs', those of the
    sources it now names or no longer names (Edits.sources_moved), the order of an article
    whose date or slug changed, one at most (Edits.reordered), and the lists that articles
    added entered (Edits.added) or that articles removed left (Edits.removed).

    ``previous_key`` is the last build record's ``others_key``, and ``current_key`` this
    build's (articles_key); ``ordered`` this build's articles, newest first, with
    ``analyses`` by source path; ``before`` the cache's entry, before this build, for each
    file it loaded again (None for a file it did not hold: an article added); ``gone`` its
    entries for the files this build does not find.
    """
    gone = {source_path: entry for source_path, entry in (gone or {}).items() if entry.article is not None}
    if any(entry is not None and (entry.article is None or entry.analysis is None) for entry in before.values()) \
            or any(entry.analysis is None for entry in gone.values()):
        return None
    added = {source_path for source_path, entry in before.items() if entry is None}
    # A file renamed, or replaced by one of another name, is an edit of the article it was.
    renamed = _renamed(ordered, added, gone)
    if renamed:
        before = {**before, **{source_path: gone[was] for source_path, was in renamed.items()}}
        gone = {source_path: entry for source_path, entry in gone.items() if source_path not in renamed.values()}
        added = added.difference(renamed)
    old_hashes = {source_path: entry.content_hash for source_path, entry in before.items() if entry is not None}
    candidates = _earlier_orders(ordered, before, added, gone)
    if candidates is None:
        return None  # more than one article dated or named anew, or one with others added or removed: a full plan
    for reordered, removed, earlier in candidates:
        if (articles_key(inputs_common, earlier, old_hashes, renamed) if before or gone else current_key) \
                == previous_key:
            break
    else:
        return None  # other files or slugs, another order, or a cache the last site was not built from
    slugs, articles, topics, speakers, regrouped, relevelled, moved = set(), set(), set(), set(), set(), set(), set()
    sources_moved: set[str | None] = set()
    retitled = False
    recounts = []
    for article in ordered:
        if article.source_path not in before:
            continue
        entry = before[article.source_path]
        old = entry.article if entry is not None else None  # None: added
        moved_in_order = reordered is not None and reordered.slug == article.slug  # in each of its lists
        if old is None:
            sources_moved.add(article.source or None)
        elif old.source != article.source:
            sources_moved.update((old.source or None, article.source or None))
        had, has = _topics(old) if old else [], _topics(article)
        # The date and slug rank related articles too.
        if old is None or had != has or _levels(old) != _levels(article) or moved_in_order:
            relevelled.add(article.slug)
        moved.update(set(had).symmetric_difference(has))
        retitled = retitled or old is None or old.title != article.title
        slugs.add(article.slug)
        articles.add(urls.article_path(article.slug))
        topics.update(had, has)
        if old is None or moved_in_order:
            old_path = urls.article_path(reordered.old_slug if moved_in_order else article.slug)
            recounts += relisted(old_path, urls.article_path(article.slug), entry and entry.analysis,
                                 analyses[article.source_path])
        else:
            recounts += recount(urls.article_path(article.slug), entry.analysis, analyses[article.source_path])
        quoted = {speaker.slug: speaker for speaker, _ in entry.analysis.voices} if entry else {}
        quoting = {speaker.slug: speaker for speaker, _ in analyses[article.source_path].voices}
        for slug in quoted.keys() | quoting.keys():
            speakers.add(urls.speaker_path(slug))
            if quoted.get(slug) != quoting.get(slug) or moved_in_order:  # quoted before or after only, or named anew
                regrouped.add(urls.speaker_path(slug))
    # Each removed article left each of its lists, and its speakers'. What it matched is taken
    # out of the alias rows first: a file renamed and dated anew is removed and added at one page.
    removed_recounts = []
    for gone_one in removed:
        entry = gone[gone_one.source_path]
        sources_moved.add(entry.article.source or None)
        moved.update(_topics(entry.article))
        topics.update(_topics(entry.article))
        retitled = True
        old_path = urls.article_path(gone_one.slug)
        removed_recounts += relisted(old_path, old_path, entry.analysis, None)
        for speaker, _ in entry.analysis.voices:
            speakers.add(urls.speaker_path(speaker.slug))
            regrouped.add(urls.speaker_path(speaker.slug))
    if sources_moved and not _source_slugs_kept(ordered, before, gone):
        return None  # a source named anew, or no longer, gave another source another page slug
    # The articles beside the one that moved or left, in the order their pages link them, link others now.
    left = [reordered.old_slug] if reordered is not None else [gone_one.slug for gone_one in removed]
    neighbours = frozenset().union(*(_neighbours(earlier, slug) for slug in left))
    return Edits(frozenset(slugs), frozenset(articles), frozenset(topics), frozenset(speakers), frozenset(regrouped),
                 retitled, tuple(removed_recounts + recounts), frozenset(relevelled), moved=frozenset(moved),
                 sources_moved=frozenset(sources_moved), reordered=reordered,
                 added=frozenset(article.slug for article in ordered if article.source_path in added),
                 removed=removed, neighbours=neighbours)


def _renamed(ordered: Sequence[Article], added: Collection[str], gone: Mapping[str, LoadedFile]) -> dict[str, str]:
    """Return the files ``added`` that take the place of a file ``gone`` with the slug that
    file wanted and its date, and so its page and its place in every list: a file renamed,
    or replaced by one of another name. By source path, the source path of each one's."""
    if not added or not gone:
        return {}
    places = {(entry.wanted_slug or entry.article.slug, entry.article.date): source_path
              for source_path, entry in sorted(gone.items(), reverse=True)}  # the first path of two alike
    found = {}
    for article in ordered:
        if article.source_path in added:
            was = places.pop((article.slug, article.date), None)
            if was is not None:
                found[article.source_path] = was
    return found


def _earlier_orders(ordered: Sequence[Article], before: Mapping[str, LoadedFile | None], added: Collection[str],
                    gone: Mapping[str, LoadedFile]
                    ) -> Iterable[tuple[Reordered | None, tuple[Removed, ...], Sequence[Article]]] | None:
    """Return what the last build's order may have been, with the article that moved in it
    since, or the articles removed since (with each of the slugs each may have had, the
    likeliest first, MAX_EARLIER_ORDERS at most): the order that the last build's others_key
    tells. None when more than one article moved, or one moved with articles ``added`` or
    removed."""
    candidates = _reordered(ordered, before)
    if candidates is None or (added or gone) and candidates != [None]:
        return None
    if not gone:
        if added:
            return [(None, (), [article for article in ordered if article.source_path not in added])]
        return [(reordered, (), ordered if reordered is None else _order_before(ordered, reordered))
                for reordered in candidates]
    kept = [article for article in ordered if article.source_path not in added]
    # A slug that an article kept has now, it had then: no article removed had it.
    taken = {article.slug for article in kept}
    ways = [[replace(entry.article, slug=slug) for slug in _slugs_had(entry, source_path, taken)]
            for source_path, entry in sorted(gone.items())]
    return itertools.islice(_orders_without(ordered, kept, ways), MAX_EARLIER_ORDERS)


# How many of the orders that the last build may have had, with the slugs the removed
# articles may have had, are tried against its others_key, each in a few milliseconds at
# 10,000 articles. The first is nearly always the one: each removed article with the slug
# its title gives, or the first suffix when another article has that slug.
MAX_EARLIER_ORDERS = 64


def _orders_without(ordered: Sequence[Article], kept: Sequence[Article], ways: Sequence[Sequence[Article]]
                    ) -> Iterator[tuple[None, tuple[Removed, ...], list[Article]]]:
    """Yield the orders of the articles ``kept`` with the articles removed put back, each in
    one of its ``ways`` (with one of the slugs it may have had), and the removed articles'
    places in them and in ``ordered``."""
    for removed in itertools.product(*ways):
        if len({article.slug for article in removed}) < len(removed):
            continue  # two articles of one build never share a slug
        earlier = list(kept)
        for article in removed:
            insort(earlier, article, key=order_key)
        yield None, tuple(sorted(
            (Removed(article.slug, article.source_path, article.date,
                     bisect_left(ordered, order_key(article), key=order_key),
                     bisect_left(earlier, order_key(article), key=order_key)) for article in removed),
            key=lambda gone_one: gone_one.was)), earlier


def _slugs_had(entry: LoadedFile, source_path: str, taken: Container[str] = ()) -> list[str]:
    """Return the slugs that the file at ``source_path`` may have had, as the cache's ``entry``
    tells: the one it wanted (load.make_slug of its title), unless it is among the slugs
    ``taken`` by others, or one that assign_slugs gave it when another article wanted that
    one too."""
    wanted = entry.wanted_slug or entry.article.slug
    suffixed = suffixed_slugs(wanted, source_path)
    return suffixed if wanted in taken else [wanted, *suffixed]


def _reordered(ordered: Sequence[Article], before: Mapping[str, LoadedFile | None]
               ) -> list[Reordered | None] | None:
    """Return what the edited article of ``ordered`` whose date or slug changed since
    ``before`` may have been, as Reordered records: one for each slug it may have had
    (_slugs_had). [None] if no date or slug changed; None if more than one did.

    The cache keeps the slug that each file wanted (load.make_slug of its title); the one it
    had may have been suffixed, when another article wanted it too (load.assign_slugs). The
    last build's others_key tells which, if any.
    """
    found = None
    for now, article in enumerate(ordered):
        entry = before.get(article.source_path)
        if entry is None:
            continue
        named_anew = entry.article.title != article.title and entry.wanted_slug != make_slug(article.title)
        if entry.article.date != article.date or named_anew:
            if found is not None:
                return None
            found = (now, article, entry.article.date,
                     _slugs_had(entry, article.source_path) if named_anew else [article.slug])
    if found is None:
        return [None]
    now, article, date, slugs = found
    others = [*ordered[:now], *ordered[now + 1:]]
    return [Reordered(article.slug, slug, article.source or None, date,
                      bisect_left(others, order_key(replace(article, date=date, slug=slug)), key=order_key),
                      now) for slug in slugs]


def _neighbours(ordered: Sequence[Article], slug: str) -> frozenset[str]:
    """Return the slugs of the articles that the page of the article ``slug`` links as before
    and after it, among ``ordered`` (newest_first)."""
    chronological = reading_order(ordered)
    at = next(position for position, article in enumerate(chronological) if article.slug == slug)
    return frozenset(article.slug for article in chronological[max(at - 1, 0):at + 2] if article.slug != slug)


def _order_before(ordered: Sequence[Article], reordered: Reordered) -> list[Article]:
    """Return ``ordered`` as the last build had it, before ``reordered`` moved."""
    article = ordered[reordered.now]
    others = [*ordered[:reordered.now], *ordered[reordered.now + 1:]]
    return [*others[:reordered.was], replace(article, date=reordered.before, slug=reordered.old_slug),
            *others[reordered.was:]]


def _source_slugs_kept(ordered: Sequence[Article], before: Mapping[str, LoadedFile | None],
                       gone: Mapping[str, LoadedFile]) -> bool:
    """Return whether each source that the articles name, before the edits ``before`` and the
    removal of the files ``gone``, and after, has the same page slug: a slug depends on every
    name (story.source_slugs)."""
    counts = Counter(article.source for article in ordered if article.source)
    after = set(counts)
    for article in ordered:
        if article.source_path in before:
            entry = before[article.source_path]
            counts[article.source] -= 1
            if entry is not None:  # else added
                counts[entry.article.source] += 1
    for entry in gone.values():
        counts[entry.article.source] += 1
    earlier = {name for name, count in counts.items() if name and count > 0}
    if earlier == after:
        return True
    slugs_after, slugs_before = source_slugs(list(after)), source_slugs(list(earlier))
    return all(slugs_after[name] == slugs_before[name] for name in after & earlier)


def _is_front(pager: Pager | None) -> bool:
    return pager is None or pager.number is None


def _topics(article: Article) -> list[str]:
    return [tag.slug for tag in article.tags]


def _levels(article: Article) -> list[int]:
    return [mention_level(tag.count) for tag in article.tags]


def unchanged_articles(ordered: Sequence[Article], choices: Sequence[Sequence[Choice]], edits: Edits,
                       lost: Collection[str]) -> frozenset[str]:
    """Return the slugs of the articles whose pages ``edits`` cannot have changed: those that
    show no edited article, neither as themselves, as their neighbours, nor among their
    related articles, and whose related articles the edits left as they were; but those
    whose pages the last site has ``lost`` (out_paths).

    ``ordered`` are the articles newest first, and ``choices`` their related articles
    (related.rank_related), the same as before the edits but for the articles ``edits.reranked``.
    """
    edited = edits.slugs
    changed = set(edited) | edits.reranked
    changed |= edits.neighbours  # the articles beside one that moved or left
    chronological = reading_order(ordered)
    for position, article in enumerate(chronological):
        if article.slug in edited:
            changed.update(neighbour.slug for neighbour in chronological[max(position - 1, 0):position + 2])
    positions = {position for position, article in enumerate(ordered) if article.slug in edited}
    for article, chosen in zip(ordered, choices):
        for other, _, _ in chosen:
            if other in positions:
                changed.add(article.slug)
                break
    if lost:
        changed.update(article.slug for article in ordered if urls.article_path(article.slug) in lost)
    return frozenset([article.slug for article in ordered]).difference(changed)


def unchanged_pages(pages: Sequence[Page], edits: Edits, previous_keys: Mapping[str, str]) -> dict[str, str]:
    """Return the pages whose context ``edits`` cannot have changed, with the key they had then.

    ``previous_keys`` are the last build's, made with this build's common key: the caller
    checks that. A page without a context (unchanged_articles) is one of them.
    """
    edited, topics, speakers, regrouped = edits.articles, edits.topics, edits.speakers, edits.regrouped
    moves, dates_changed, moving_sources = edits.moves, edits.dates_changed, edits.moving_sources
    shown_in = edits.shown_in

    known = {}
    for page in pages:
        key = previous_keys.get(page.out_path)
        if key is None:
            continue
        context = page.context
        kind = type(context)
        if context is None:
            pass  # not planned, for what the edits cannot have changed (site.plan_pages)
        elif kind is ArticleContext:
            # Its neighbours are the last build's (the same order), and its related articles
            # too unless the edits ranked them anew (Edits.reranked).
            if (context.item.out_path in edited or (context.previous and context.previous.out_path in edited)
                    or (context.next and context.next.out_path in edited) or shown_in(context.related, ROW_PATH)
                    or context.article.slug in edits.reranked
                    or context.article.slug in edits.neighbours):
                continue
        elif kind is ListContext:
            # The index, a date, the Undated page: the same articles, in the same order; but
            # for an article dated or named anew, which moved those planned (site.plan_index_pages).
            if shown_in(context.items) or dates_changed:
                continue
        elif kind is SourceContext:
            # The same articles in the same order, but in the lists of the sources an edited
            # article left or entered: those moved along (story.plan_source_pages).
            if shown_in(context.items) or (None if context.unknown else context.source.name) in moving_sources:
                continue
        elif kind is MonthContext:
            if any(shown_in(day.items) for day in context.month.days) or dates_changed:
                continue
        elif kind is YearContext or kind is ArchiveContext:
            # How many articles each date has, which only an article dated anew or added changes.
            if dates_changed:
                continue
        elif kind is TopicContext:
            # The front page of a topic, a pair or a speaker holds totals (and a topic's, its
            # alias rows and timeline) that count every article of the list. Its numbered pages
            # hold none (site.Pager): the same articles as before, unless an edit regrouped them.
            # A list that holds no edited article is not looked through.
            # A topic's list that an edited article entered or left moves along from there.
            if context.topic.slug in topics and (_is_front(context.pager) or moves(context.topic.slug)
                                                 or shown_in(context.entries, ROW_PATH)):
                continue
        elif kind is PairContext:
            # A pair's front page counts each of its topics' articles too, and its list moves
            # along when an edited article entered or left it (story._pair_lists_after).
            either_moved = moves(context.actor.slug) or moves(context.place.slug)
            if context.actor.slug in topics and context.place.slug in topics and (
                    _is_front(context.pager) or either_moved or shown_in(context.found, PAIR_PATH)) or (
                    either_moved and _is_front(context.pager)):
                continue
        elif kind is PersonContext:
            out_path = context.speaker.out_path
            # A speaker's front page counts the articles of the actor they speak for.
            actor = context.speaker.actor
            if out_path in regrouped or out_path in speakers and (
                    _is_front(context.pager) or shown_in(context.quoted, ROW_PATH)) or (
                    actor is not None and actor.slug in edits.moved and _is_front(context.pager)):
                continue
        else:
            continue  # a page that gathers the whole site
        known[page.out_path] = key
    return known
