"""The search index's inverted lists, kept between builds and updated for what changed.

Merging every article's word weights into one list a word is most of the time the search
index takes: about three million steps in Python at 10,000 articles. Articles are numbered
oldest first, so an edit leaves every article's number as it was, and a new article, the
newest, takes the next one. A build therefore keeps the lists (each word's article numbers
and weights, and the JSON they are written as) beside the article cache, and the next build
gives the articles whose weights changed their new ones: only the lists of the words an
edit added, removed or weighed differently change. When more than a quarter of the numbers
would change (an article dated before most others was added, or the settings changed), the
lists are made again from nothing; either way they are the same, and so is the index
(tests/test_postings.py).

The articles' records, which the index lists beside the words, are kept with the lists, and
so is the key of the articles they were made from (unchanged.articles_key). After an edit
of those very articles, the build sends the edited articles' entries alone, rather than the
entries of every article: at 10,000 articles, making and sending those took 0.2 s of the
build's process, which is busy planning then (pipeline._search_index_helper).
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import sub
from pathlib import Path

from .kept import UNREADABLE, keep, read_kept
from .model import Article
from .search import PackedWeights, SearchInput
from .site import Edits
from .stored import Stored

FORMAT = 2
# Beyond this share of the articles changed, updating the lists costs more than making them.
UPDATE_LIMIT = 0.25


def updates(changed: int, count: int) -> bool:
    """Return whether the lists of ``count`` articles, ``changed`` of them changed, are
    updated (Postings.update) rather than made again, from every article's weights."""
    return changed <= UPDATE_LIMIT * max(count, 1)


def edited_entries(ordered: Sequence[Article], edits: Edits) -> set[str] | None:
    """Return the slugs of the articles, ``ordered`` newest first, whose entries ``edits``
    changed: the edited articles', and those of the articles whose numbers moved (numbered
    oldest first), which a moved article passed, or which are newer than one added or
    removed. None when so many changed that the lists are made again from every article's
    entry (updates)."""
    slugs = set(edits.slugs)
    if edits.reordered is not None:
        slugs.update(ordered[place].slug for place in edits.reordered.passed())
    elif edits.added:
        oldest = max(place for place, article in enumerate(ordered) if article.slug in edits.added)
        slugs.update(article.slug for article in ordered[:oldest + 1])
    for removed in edits.removed:
        slugs.update(article.slug for article in ordered[:removed.place])
    return slugs if updates(len(slugs), len(ordered)) else None


@dataclass
class Postings:
    """For each word, the articles that hold it (by number) and its weight in each.

    ``documents`` say what each number's weights were made from (its file and content):
    equal identities mean equal weights under one ``key`` (digest's code, the taxonomy and
    the settings).
    """

    key: str
    documents: list[str | None] = field(default_factory=list)
    terms_of: list[str] = field(default_factory=list)  # each number's words, as PackedWeights keeps them
    numbers: dict[str, array] = field(default_factory=dict)  # word -> its articles, ascending
    weights: dict[str, array] = field(default_factory=dict)  # word -> its weight in each
    encoded: dict[str, str] = field(default_factory=dict)  # word -> its list as the index writes it
    records: list[list] = field(default_factory=list)  # each number's record in the index (search.item_record)
    # The articles key (unchanged.articles_key) of the articles the lists were made from, or
    # "" when some weights have no identity and may not be taken for unchanged.
    made_from: str = ""

    @classmethod
    def load(cls, path: Path | None, key: str) -> Postings:
        """Return the lists kept at ``path`` by a build with the same ``key``; empty ones if none."""
        kept = read_kept(path) if path is not None else None
        try:
            if kept["format"] == FORMAT and kept["key"] == key:
                return cls(key, kept["documents"], kept["terms_of"], kept["numbers"], kept["weights"],
                           kept["encoded"], kept["records"], kept["made_from"])
        except UNREADABLE:
            pass  # only ever a shortcut: the lists are made again
        return cls(key)

    def save(self, path: Path) -> None:
        """Keep the lists at ``path`` for the next build, replacing the file atomically."""
        keep(path, {"format": FORMAT, "key": self.key, "documents": self.documents, "terms_of": self.terms_of,
                    "numbers": self.numbers, "weights": self.weights, "encoded": self.encoded,
                    "records": self.records, "made_from": self.made_from})

    def changed_input(self, changes: SearchInput) -> SearchInput:
        """Return the input the lists were made from, with the entries of ``changes`` in place
        of those of their numbers; the weights of the others are None, as update() needs
        only those of the articles that changed. ``changes`` are of as many articles as the
        input: more than the lists', after articles were added, fewer after some were removed."""
        count = changes.count
        identities = [*self.documents[:count], *[None] * (count - len(self.documents))]
        records = [*self.records[:count], *[None] * (count - len(self.records))]
        weights: list[PackedWeights | Stored | None] = [None] * count
        for number, identity, record, packed in zip(changes.numbers, changes.identities, changes.records,
                                                    changes.weights):
            identities[number], records[number], weights[number] = identity, record, packed
        return SearchInput(identities, records, weights)

    def update(self, made: SearchInput, made_from: str = "") -> None:
        """Make the lists those of ``made``, article number by number, with their identities;
        ``made_from`` is the articles key of the articles it was made from.

        An identity of None is never taken for unchanged. Weights kept in the article cache
        (Stored) are read back only for the articles that changed.
        """
        documents, weights = made.identities, made.weights
        changed = [number for number in range(max(len(documents), len(self.documents)))
                   if number >= len(documents) or number >= len(self.documents)
                   or documents[number] is None or documents[number] != self.documents[number]]
        # Made again only from every article's weights: an input of the changed ones alone
        # (changed_input) is updated however many they are.
        if not updates(len(changed), len(documents)) and all(weight is not None for weight in weights):
            self.documents, self.terms_of = [], []
            self.numbers, self.weights, self.encoded = {}, {}, {}
            changed = list(range(len(documents)))
        touched: set[str] = set()
        kept = len(self.documents)  # the numbers whose weights are in the lists
        for number in changed:
            if number >= len(documents):  # the newest articles, gone
                touched.update(self._take_out(number))
        self.documents = list(documents)
        del self.terms_of[len(documents):]
        self.terms_of += [""] * (len(documents) - len(self.terms_of))
        for number in changed:
            if number < len(documents):
                packed = PackedWeights.of(weights[number])
                if number < kept:
                    touched.update(self._replace(number, packed))
                else:
                    touched.update(self._put_in(number, packed.items()))
                self.terms_of[number] = packed[0]
        for term in touched:
            numbers = self.numbers.get(term)
            if not numbers:
                self.numbers.pop(term, None)
                self.weights.pop(term, None)
                self.encoded.pop(term, None)
                continue
            # [number, weight, ...], each number as the gap from the one before (the first from 0).
            gaps = map(sub, numbers, chain((0,), numbers))
            self.encoded[term] = json.dumps(list(chain.from_iterable(zip(gaps, self.weights[term]))),
                                            separators=(",", ":"))
        self.records = made.records
        self.made_from = made_from if None not in documents else ""

    def _take_out(self, number: int) -> list[str]:
        terms = self.terms_of[number].split("\n") if self.terms_of[number] else []
        for term in terms:
            numbers = self.numbers[term]
            position = bisect_left(numbers, number)
            del numbers[position]
            del self.weights[term][position]
        return terms

    def _replace(self, number: int, packed: PackedWeights) -> list[str]:
        """Give article ``number`` the weights ``packed`` in place of its own; return the words
        whose lists changed.

        An edit changes the weights of the words it adds or removes and leaves the others as
        they were: their lists, the longest among them, are then neither changed nor written
        again.
        """
        old = {}
        for term in self.terms_of[number].split("\n") if self.terms_of[number] else ():
            old[term] = bisect_left(self.numbers[term], number)
        touched = []
        for term, weight in packed.items():
            position = old.pop(term, None)
            if position is None:
                touched += self._put_in(number, ((term, weight),))
            elif self.weights[term][position] != weight:
                self.weights[term][position] = weight
                touched.append(term)
        for term, position in old.items():
            del self.numbers[term][position]
            del self.weights[term][position]
            touched.append(term)
        return touched

    def _put_in(self, number: int, weights: Iterable[tuple[str, int]]) -> list[str]:
        terms = []
        for term, weight in weights:
            terms.append(term)
            numbers = self.numbers.get(term)
            if numbers is None:
                self.numbers[term] = array("I", (number,))
                self.weights[term] = array("I", (weight,))
            elif not numbers or numbers[-1] < number:  # a new article, or any article of a build from nothing
                numbers.append(number)
                self.weights[term].append(weight)
            else:
                position = bisect_left(numbers, number)
                numbers.insert(position, number)
                self.weights[term].insert(position, weight)
        return terms
