"""Related articles: the other articles that share the most mentions of the same topics.

Comparing every pair of articles grows with the square of their number (4.7 s for 3,000).
Instead, mention counts are put on a scale of a few levels, and articles with the same
level for every topic form one group: a site has far fewer groups than articles (391 for
1,000 synthetic articles, 1,243 for 10,000). The groups that mention every topic of a
group at least as much score highest against it; they are where a few sets of groups meet,
and they usually hold enough articles. Only when they do not is the group scored against
every group. Each article then looks, in date order, through the groups that score highest.
With a taxonomy of many topics, groups would come near to articles in number, and that
scoring near to the square of it again.
"""

from __future__ import annotations

import hashlib
import pickle
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .kept import UNREADABLE, keep, read_kept
from .model import Article

# Mention counts 1, 2, 3-4, 5-8, 9-16 and 17 or more are levels 1 to 6: each level doubles
# the mentions, so that 40 and 41 mentions weigh the same and articles fall into few groups.
MAX_LEVEL = 6


@dataclass(frozen=True)
class Related:
    """Another article related to one article, and why."""

    slug: str
    score: int  # sum over shared topics of the smaller of the two mention levels
    shared: tuple[tuple[str, int], ...]  # (topic slug, its smaller mention level), the score's terms, highest first


def mention_level(count: int) -> int:
    """Return the level of ``count`` mentions: 0, 1, 2, 3-4, 5-8, 9-16, 17 or more -> 0 to 6."""
    return min(MAX_LEVEL, (count - 1).bit_length() + 1) if count > 0 else 0


def find_related(articles: list[Article], count: int) -> dict[str, tuple[Related, ...]]:
    """Return, for each article's slug, up to ``count`` related articles, most related first.

    Two articles are related by the topics (actors and places) both mention; each shared
    topic weighs the smaller of the two articles' mention levels (see ``mention_level``), so
    that a passing mention in one article does not count as much as a topic both dwell on.
    Equal scores go to the article nearest in date (undated ones last), then to the slug, so
    the choice is deterministic.
    """
    return {
        article.slug: tuple(Related(articles[other].slug, score, shared) for other, score, shared in chosen)
        for article, chosen in zip(articles, rank_related(articles, count))
    }


# (the related article's position in the list, score, shared topics as in Related.shared)
Choice = tuple[int, int, tuple[tuple[str, int], ...]]


def rank_related(articles: list[Article], count: int) -> list[list[Choice]]:
    """Return what ``find_related`` finds, by position: for each article, its related articles' positions."""
    return _rank(_Ranks(articles), count)


def _rank(ranks: _Ranks, count: int) -> list[list[Choice]]:
    chosen: list[list[Choice]] = [[] for _ in ranks.codes]
    if count > 0:
        finder = _Finder(ranks)
        for group in range(len(finder.codes)):
            finder.choose(group, count, chosen)
    return chosen


# Beyond this many articles with new levels, ranking every article again costs less.
RERANK_MAX = 32


class Move(NamedTuple):
    """An article that moved in the order, its date or slug changed: where it was in the last
    answer's order and where it is in this one, with the date (an ordinal, None: undated)
    and slug it had."""

    was: int
    now: int
    ordinal: int | None
    slug: str


def rerank(articles: Sequence[Article], count: int, chosen: Sequence[list[Choice]],
           changed: Collection[int], moved: Move | None = None) -> tuple[list[list[Choice]], set[int]]:
    """Return rank_related(articles, count), and the positions whose lists differ from ``chosen``.

    ``chosen`` is what rank_related returned for the same articles in the same order, with the
    same slugs and dates, the articles at positions ``changed`` aside: their mention levels may
    have been others, and so may the date and slug of the one ``moved`` (already at its new
    place in ``chosen``: renumbered). Only the scores of pairs with a changed article can
    differ, so each other article's list is its last one, with the changed articles scored
    again. That is the answer
    unless one of them dropped from a full list, and fewer than ``count`` of what is left rank
    above the last list's last article: every article not in that list ranks below it. Such a
    list, and the changed articles' own, are ranked again from every article (a few hundredths
    of a second each at 10,000 articles, against a few tenths for ranking them all).
    """
    return _Ranks(articles).rerank(count, chosen, changed, moved)


class _Ranks:
    """The articles' codes, dates and slugs, to score and order any article's related ones."""

    def __init__(self, articles: Sequence[Article]):
        self.topics, self.codes = mention_codes(articles)
        self.ordinals = [article.date.toordinal() if article.date else None for article in articles]
        self.slugs = [article.slug for article in articles]
        self.shared: dict[int, tuple[tuple[str, int], ...]] = {}  # shared_topics, by code

    def fingerprint(self, key: str, count: int) -> str:
        """Return a digest of what rank_related(articles, count) depends on, with ``key``."""
        return hashlib.sha256(pickle.dumps((key, count, self.topics, self.codes, self.ordinals, self.slugs),
                                           protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()

    def key(self, target: int, other: int, score: int) -> tuple[int, float, str]:
        """Return where ``other``, scoring ``score`` against ``target``, ranks in its list: lowest first."""
        here, there = self.ordinals[target], self.ordinals[other]
        return -score, float("inf") if here is None or there is None else abs(here - there), self.slugs[other]

    def shared_of(self, both: int) -> tuple[tuple[str, int], ...]:
        """Return shared_topics of the code ``both``: few codes come up, and each many times."""
        if both not in self.shared:
            self.shared[both] = shared_topics(self.topics, both)
        return self.shared[both]

    def choice(self, target: int, other: int, score: int) -> Choice:
        return other, score, self.shared_of(self.codes[target] & self.codes[other])

    def ranked_again(self, target: int, count: int) -> list[Choice]:
        """Return ``target``'s list, from every article."""
        mine = self.codes[target]
        scores = [(mine & code).bit_count() for code in self.codes]
        scores[target] = 0
        # Only the articles that score at least the count-th best score can make the list.
        floor = max(1, sorted(scores, reverse=True)[min(count, len(scores)) - 1])
        best = sorted((self.key(target, other, score), other) for other, score in enumerate(scores) if score >= floor)
        return [self.choice(target, other, -key[0]) for key, other in best[:count]]

    def refill(self, count: int, chosen: Sequence[list[Choice]], lost: dict[int, int]
               ) -> tuple[list[list[Choice]], set[int]]:
        """Return rank_related's answer for these articles, from ``chosen``, which is its answer
        for them and others since removed, taken out of the lists at the positions ``lost``
        (related.without), each with its length before; and those positions.

        A list that was not full held every article that shares a topic with its own: less
        the removed ones, it is whole. A full one is ranked again from every article."""
        new = list(chosen)
        for target, length in lost.items():
            if length >= count:
                new[target] = self.ranked_again(target, count)
        return new, set(lost)

    def rerank(self, count: int, chosen: Sequence[list[Choice]], changed: Collection[int],
               moved: Move | None = None) -> tuple[list[list[Choice]], set[int]]:
        """What rerank returns, for these articles."""
        if count <= 0:
            return list(chosen), set()
        codes, rank_key, choice = self.codes, self.key, self.choice
        then = self  # with the last answer's dates and slugs, to rank its lists' last articles as it did
        if moved is not None:
            then = copy(self)
            then.ordinals, then.slugs = [*self.ordinals], [*self.slugs]
            then.ordinals[moved.now], then.slugs[moved.now] = moved.ordinal, moved.slug
        changed = sorted(set(changed))
        scores = {other: [(code & codes[other]).bit_count() for code in codes] for other in changed}
        redo = set(changed)
        holders = {target for target, picks in enumerate(chosen) for pick in picks if pick[0] in redo}
        touched = redo | holders | {target for other in changed for target, score in enumerate(scores[other]) if score}
        new = list(chosen)
        differ = set()
        for target in sorted(touched):
            old = chosen[target]
            if target in redo:
                picks = self.ranked_again(target, count)
            else:
                entering = [(other, score) for other in changed if (score := scores[other][target])]
                if target not in holders and len(old) == count:
                    # A full list that holds no changed article takes those that rank above its last.
                    last_number, last_score = old[-1][0], old[-1][1]
                    last = rank_key(target, last_number, last_score)
                    entering = [(other, score) for other, score in entering
                                if score >= last_score and rank_key(target, other, score) < last]
                    if not entering:
                        continue
                candidates = sorted(
                    [(rank_key(target, pick[0], pick[1]), pick) for pick in old if pick[0] not in redo]
                    + [(rank_key(target, other, score), choice(target, other, score)) for other, score in entering])
                if len(old) < count:  # every article that shares a topic with it was in the list
                    picks = [pick for _, pick in candidates[:count]]
                else:
                    last = then.key(target, old[-1][0], old[-1][1])
                    above = [pick for key, pick in candidates if key <= last]
                    picks = above[:count] if len(above) >= count else self.ranked_again(target, count)
            if picks != old:
                new[target] = picks
                differ.add(target)
        return new, differ


class KeptRanking:
    """rank_related, with its answer kept in a file for the next build to take when it would
    be the same: a tenth of what planning a site takes, for what an edit seldom changes.

    The answer depends on each article's slug, date and mention levels, in the order given,
    and on ``count``; ``key`` stands for the rest (digest's code). Fixing a typo, or adding a
    mention of a topic the article names often, changes none of them. An edit that changes
    an article's levels, date or slug, or adds articles, is ranked from the kept answer
    (rerank); one that removes articles takes them out of the lists that held them (refill),
    before the articles it adds or changes are ranked.
    """

    def __init__(self, path: Path, key: str):
        self.path = path
        self.key = key
        self.fingerprint = ""  # of the inputs of the last answer: a build record keeps it
        # The positions whose lists differ from those of the answer ``same_as`` names, or None
        # when that answer was not at hand to tell: set by each call.
        self.reranked: set[int] | None = set()

    def __call__(self, articles: list[Article], count: int, same_as: str | None = None,
                 changed: Collection[int] = (), moved: Move | None = None,
                 added: Sequence[int] = (), removed: Sequence[int] = ()) -> list[list[Choice]]:
        """Return rank_related(articles, count). ``same_as`` is the fingerprint of an earlier
        answer whose inputs these are known to equal (unchanged.find_edits proves it after an
        edit), but for the mention levels of the articles at positions ``changed``, the date
        and slug of the one ``moved``, which is among them, and the articles at positions
        ``added`` (sorted, among them too), which it did not have, and but for the articles at
        its positions ``removed`` (sorted), which these lack: that answer, if kept, is taken
        without going through the articles for theirs, or mended for the lists that held a
        removed article and then ranked again for the changed ones alone. ``reranked`` then
        tells which lists differ from it, renumbered for the edits; also when the lists to
        mend are so many that every article is ranked again."""
        self.reranked = set() if not changed and not removed else None  # same inputs, same answer
        lost: dict[int, int] = {}
        try:
            kept_fingerprint, chosen = read_kept(self.path)
            kept_answer = chosen
            if removed:
                chosen, lost = without(chosen, removed)
            if added:
                chosen, places = with_added(chosen, added)
                lost = {places[position]: length for position, length in lost.items()}
            if len(chosen) != len(articles):
                raise ValueError("kept for other articles")
        except UNREADABLE:  # only ever a shortcut: ranked again
            kept_fingerprint, kept_answer, chosen = "", None, None
        if chosen is not None and moved is not None:
            chosen = renumbered(chosen, moved.was, moved.now)
        if same_as and kept_fingerprint == same_as and not changed and not removed:
            self.fingerprint = same_as
            return chosen
        ranks = _Ranks(articles)
        self.fingerprint = ranks.fingerprint(self.key, count)
        if kept_fingerprint == self.fingerprint:
            # The inputs of the kept answer, as when the articles removed and added have the
            # same slugs, dates and levels: that answer, as it was, not renumbered for the edits.
            if kept_fingerprint == same_as:
                self.reranked = set()
            return kept_answer
        if same_as and kept_fingerprint == same_as and len(lost) <= RERANK_MAX and len(changed) <= RERANK_MAX:
            # The lists that lost a removed article are made whole first, from every article
            # as they are now: then only the changed articles' levels (and the articles added,
            # among them, whose lists are empty) differ from what the lists were ranked with.
            chosen, self.reranked = ranks.refill(count, chosen, lost)
            if changed:
                chosen, differ = ranks.rerank(count, chosen, changed, moved)
                self.reranked |= differ
        else:
            ranked = _rank(ranks, count)
            if same_as and kept_fingerprint == same_as:
                # Too many lists to mend one by one: ranked from every article, and compared
                # with the last answer, renumbered for the edits, to tell which differ.
                self.reranked = {position for position, (was, now) in enumerate(zip(chosen, ranked)) if was != now}
            chosen = ranked
        keep(self.path, (self.fingerprint, chosen))
        return chosen


def without(chosen: Sequence[list[Choice]], removed: Sequence[int]) -> tuple[list[list[Choice]], dict[int, int]]:
    """Return ``chosen`` (rank_related's answer) renumbered for the same articles less those at
    the positions ``removed``, taken out of every list; and the new positions of the lists
    they were taken out of, each with its length before (_Ranks.refill)."""
    gone = set(removed)
    places = {old: new for new, old in enumerate(old for old in range(len(chosen)) if old not in gone)}
    lists, lost = [], {}
    for old, picks in enumerate(chosen):
        if old in gone:
            continue
        kept = [(places[other], score, shared) for other, score, shared in picks if other not in gone]
        if len(kept) < len(picks):
            lost[len(lists)] = len(picks)
        lists.append(kept)
    return lists, lost


def with_added(chosen: Sequence[list[Choice]], added: Sequence[int]) -> tuple[list[list[Choice]], list[int]]:
    """Return ``chosen`` (rank_related's answer) renumbered for the same articles with others
    put in at the positions ``added`` (sorted), whose lists are empty until ranked (rerank);
    and the new position of each list of ``chosen``."""
    taken = set(added)
    places = [position for position in range(len(chosen) + len(added)) if position not in taken]  # of each old one
    lists: list[list[Choice]] = [[] for _ in range(len(chosen) + len(added))]
    for old, picks in enumerate(chosen):
        lists[places[old]] = [(places[other], score, shared) for other, score, shared in picks]
    return lists, places


def renumbered(chosen: Sequence[list[Choice]], was: int, now: int) -> list[list[Choice]]:
    """Return ``chosen`` (rank_related's answer) for the same articles with the one at position
    ``was`` moved to position ``now``, the others in the same order: positions renumbered.

    The ranking keys no article by its position (``_Ranks.key``), so the lists are the same
    but for those of pairs with the moved article, which its new date or slug changes (rerank).
    """
    low, high, step = (now, was, 1) if now < was else (was, now, -1)

    def place(position: int) -> int:
        if position == was:
            return now
        return position + step if low <= position <= high else position

    order = list(range(len(chosen)))
    del order[was]
    order.insert(now, was)  # the old position of each new one
    return [[(place(other), score, shared) for other, score, shared in chosen[old]] for old in order]


def mention_codes(articles: Sequence[Article]) -> tuple[list[str], list[int]]:
    """Return the topics the articles mention, numbered as they come, and each article's code.

    A thermometer code: level l of topic t sets l bits in t's own field of MAX_LEVEL bits, so
    the bits two codes have in common count the smaller level of each topic, and one AND and
    a bit count score two articles. The scores, and so the lists, do not depend on the numbering.
    """
    topics: list[str] = []
    numbers: dict[str, int] = {}  # topic -> its place in topics
    bits: dict[tuple[str, int], int] = {}  # (topic, mentions) -> its bits in a code
    codes = []
    for article in articles:
        code = 0
        for tag in article.tags:
            key = (tag.slug, tag.count)
            if key not in bits:
                if tag.slug not in numbers:
                    numbers[tag.slug] = len(topics)
                    topics.append(tag.slug)
                bits[key] = ((1 << mention_level(tag.count)) - 1) << MAX_LEVEL * numbers[tag.slug]
            code |= bits[key]
        codes.append(code)
    return topics, codes


def shared_topics(topics: Sequence[str], both: int) -> tuple[tuple[str, int], ...]:
    """Return (topic, level) for each topic of the code ``both`` (mention_codes), highest level first."""
    field = (1 << MAX_LEVEL) - 1
    shared = [(slug, level) for number, slug in enumerate(topics)
              if (level := (both >> (MAX_LEVEL * number) & field).bit_count())]
    return tuple(sorted(shared, key=lambda pair: (-pair[1], pair[0])))


class _Finder:
    """The articles of one site, grouped by mention levels and ordered by date and by slug."""

    def __init__(self, ranks: _Ranks):
        self.topics = ranks.topics
        groups: dict[int, list[int]] = defaultdict(list)
        for number, code in enumerate(ranks.codes):
            groups[code].append(number)
        self.codes = list(groups)
        # at_least[(topic, level)]: the groups that mention the topic at that level or above.
        self.at_least: dict[tuple[int, int], set[int]] = defaultdict(set)
        self.levels: list[list[tuple[int, int]]] = []  # each group's (topic, level), topics it mentions
        field = (1 << MAX_LEVEL) - 1
        for group, code in enumerate(self.codes):
            levels = [(topic, level) for topic in range(len(self.topics))
                      if (level := (code >> MAX_LEVEL * topic & field).bit_count())]
            self.levels.append(levels)
            for topic, level in levels:
                for least in range(1, level + 1):
                    self.at_least[(topic, least)].add(group)
        self.shared_of = ranks.shared_of
        self.members = list(groups.values())
        self.sizes = [len(members) for members in self.members]
        size = len(ranks.codes)
        self.group_of = [0] * size
        for group, members in enumerate(self.members):
            for number in members:
                self.group_of[number] = group
        # Dated articles by (date, slug): the nearest in date sit next to each other.
        self.ordinals = ranks.ordinals
        by_slug = sorted(range(size), key=ranks.slugs.__getitem__)
        self.slug_rank = [0] * size
        for rank, number in enumerate(by_slug):
            self.slug_rank[number] = rank
        dated = sorted((number for number in by_slug if self.ordinals[number] is not None),
                       key=self.ordinals.__getitem__)  # stable: slug order within a day
        self.date_rank = [-1] * size
        for rank, number in enumerate(dated):
            self.date_rank[number] = rank
        self.everyone = _Order(dated, [number for number in by_slug if self.ordinals[number] is None], by_slug)

    def choose(self, group: int, count: int, chosen: list[list[Choice]]) -> None:
        """Put the related articles of each article of ``group`` in ``chosen``."""
        code = self.codes[group]
        members = self.members[group]
        if not code:  # an article that mentions no topic shares none
            return
        above, tier, tier_size = self._tiers(group, count)
        # Look for the last tier's nearest articles either in a list of the tier's own, or in
        # the list of every article, skipping those of other groups: the first costs the
        # tier's size once for the whole group, the second about count * everyone / tier_size
        # steps for each article of the group.
        everyone = len(self.group_of)
        if not tier:
            order = None
        elif tier_size * tier_size >= len(members) * count * everyone:
            order = self.everyone
        else:
            order = self._order([number for other in tier for number in self.members[other]])
        last = (code & self.codes[next(iter(tier))]).bit_count() if tier else 0
        wanted = tier if order is self.everyone else None
        candidates = [(number, (code & self.codes[other]).bit_count())
                      for other in above for number in self.members[other]]
        shared: dict[int, tuple[tuple[str, int], ...]] = {}  # by group
        for target in members:
            best = [pair for pair in candidates if pair[0] != target]
            if len(best) > 1:
                best.sort(key=lambda pair: (-pair[1], self._distance(target, pair[0]), self.slug_rank[pair[0]]))
            if len(best) < count and order is not None:
                best += [(number, last) for number in self._nearest(target, count - len(best), order, wanted)]
            picks = []
            for number, score in best:
                other = self.group_of[number]
                if other not in shared:
                    shared[other] = self.shared_of(code & self.codes[other])
                picks.append((number, score, shared[other]))
            chosen[target] = picks

    def _tiers(self, group: int, count: int) -> tuple[list[int], set[int], int]:
        """Return the groups whose articles all make the lists of ``group``'s articles; the
        groups of the last tier, whose articles score alike and of which only the nearest in
        date make the lists; and the number of articles in that tier.

        Tiers are groups of one score, highest first, until they hold ``count`` articles
        besides the one whose list it is (its own group scores highest).
        """
        # The groups that mention every topic of this one as much (by level) score highest.
        # They are usually enough, and they are where sets of groups by topic and level meet:
        # no need to score every group.
        top = set.intersection(*[self.at_least[key] for key in self.levels[group]])
        size = sum(map(self.sizes.__getitem__, top))
        if size - 1 > count:
            return [], top, size
        code = self.codes[group]
        scores = [(code & other).bit_count() for other in self.codes]
        above: list[int] = []
        held = -1
        for last in range(code.bit_count(), 0, -1):
            found = _positions(scores, last)
            size = sum(map(self.sizes.__getitem__, found))
            if held + size > count:
                return above, set(found), size
            above += found
            held += size
        return above, set(), 0

    def _order(self, numbers: list[int]) -> _Order:
        dated = sorted((number for number in numbers if self.ordinals[number] is not None),
                       key=self.date_rank.__getitem__)
        by_slug = sorted(numbers, key=self.slug_rank.__getitem__)
        return _Order(dated, [number for number in by_slug if self.ordinals[number] is None], by_slug)

    def _distance(self, target: int, other: int) -> float:
        mine, theirs = self.ordinals[target], self.ordinals[other]
        return float("inf") if mine is None or theirs is None else abs(mine - theirs)

    def _nearest(self, target: int, need: int, order: _Order, groups: set[int] | None) -> list[int]:
        """Return the ``need`` articles of ``order`` nearest in date to ``target``, by slug among equals.

        With ``groups``, only articles of those groups count; the target itself never does.
        """
        group_of, ordinals = self.group_of, self.ordinals

        def wanted(number: int) -> bool:
            return number != target and (groups is None or group_of[number] in groups)

        here = ordinals[target]
        if here is None:  # every article is as far from an undated one: the slug decides
            return _first(order.by_slug, need, wanted)
        found: list[int] = []
        dated = order.dated
        after = bisect_left(dated, self.date_rank[target], key=self.date_rank.__getitem__)
        before = after - 1
        while len(found) < need and (before >= 0 or after < len(dated)):
            # Take every article at the next smallest distance, before and after, in slug order.
            if before < 0:
                gap = ordinals[dated[after]] - here
            elif after >= len(dated):
                gap = here - ordinals[dated[before]]
            else:
                gap = min(here - ordinals[dated[before]], ordinals[dated[after]] - here)
            level = []
            while before >= 0 and here - ordinals[number := dated[before]] == gap:
                if number != target and (groups is None or group_of[number] in groups):
                    level.append(number)
                before -= 1
            while after < len(dated) and ordinals[number := dated[after]] - here == gap:
                if number != target and (groups is None or group_of[number] in groups):
                    level.append(number)
                after += 1
            if len(level) > 1:
                level.sort(key=self.slug_rank.__getitem__)
            found += level
        if len(found) < need:
            found += _first(order.undated, need - len(found), wanted)
        return found[:need]


@dataclass(frozen=True)
class _Order:
    """Some articles (numbers), in the orders that related lists are picked in."""

    dated: list[int]  # dated articles by date, then slug
    undated: list[int]  # undated articles by slug
    by_slug: list[int]  # every article by slug


def _positions(values: list[int], value: int) -> list[int]:
    """Return the positions of ``value`` in ``values``; list.index does the scanning, in C."""
    positions = []
    at = -1
    for _ in range(values.count(value)):
        at = values.index(value, at + 1)
        positions.append(at)
    return positions


def _first(numbers: Sequence[int], need: int, wanted: Callable[[int], bool]) -> list[int]:
    found = []
    for number in numbers:
        if wanted(number):
            found.append(number)
            if len(found) == need:
                break
    return found
