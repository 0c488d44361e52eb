"""The client-side search index, written at build time for templates/assets/search.js.

The index is data in .js files that call ``digestSearch.add(out_path, data)``: the search
page loads them with <script> tags, because fetch() of a .json file fails under file://.
It is an inverted index: each word maps to the articles that hold it, with a weight for
where it appears. Up to ``Settings.search_shard_size`` articles it is one file. Beyond, the
words are split by alphabetical range and the article records by number into shards, and
search/index.js only names them: a query loads the shards of the words it begins and of the
results it shows, never the whole index.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from . import urls
from .analysis import ArticleAnalysis
from .model import Article, Taxonomy
from .site import ArticleItem, Settings, list_items
from .stored import Stored

if TYPE_CHECKING:
    from .postings import Postings

# How much one occurrence of a word weighs in each field. The summary is the lede, which is
# also in the body: a word there counts in both, as it should, since it is what the story is about.
FIELD_WEIGHTS = {"title": 8, "topics": 6, "source": 4, "summary": 2, "body": 1}
# Occurrences counted per field: beyond a few, repeating a word says little more.
COUNT_CAP = 5
MIN_TERM_LENGTH = 2  # "s" of "Turkey's" is not worth an entry

# A word of at least MIN_TERM_LENGTH letters or digits. \w also takes "_", which is made a
# space first: one class is matched much faster than [^\W_], on every word of every article.
_TERM = re.compile(rf"\w{{{MIN_TERM_LENGTH},}}")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass(frozen=True)
class SearchDocument:
    """What the search page shows of one article, and the text it matches against."""

    out_path: str
    title: str
    date_text: str
    source: str
    summary: str
    topics: tuple[str, ...]  # topic names
    body: str

    def record(self) -> list:
        """Return the compact record written to the index: everything shown, not the body."""
        return [self.out_path, self.title, self.date_text, self.source, self.summary, list(self.topics)]

    def fields(self) -> dict[str, str]:
        return {"title": self.title, "topics": " ".join(self.topics), "source": self.source,
                "summary": self.summary, "body": self.body}


def search_terms(text: str) -> list[str]:
    """Return the words of ``text`` as the index stores them: lower case, accents removed.

    assets/search.js folds the query the same way (toLowerCase, NFKD, drop marks, split on
    anything but letters and digits), so that the two always agree.
    """
    folded = text.lower()
    if not folded.isascii():  # ASCII has nothing to decompose: most text of an English digest
        folded = unicodedata.normalize("NFKD", folded)
        # Marks are looked up once per distinct character beyond ASCII, not once per character.
        marks = {ord(char): None for char in set(_NOT_ASCII.findall(folded))
                 if unicodedata.category(char).startswith("M")}
        folded = folded.translate(marks) if marks else folded
    return _TERM.findall(folded.replace("_", " "))


def collect_documents(articles: Sequence[Article], analyses: Mapping[str, ArticleAnalysis], taxonomy: Taxonomy,
                      settings: Settings, without_body: Container[str] = (),
                      items: Mapping[str, ArticleItem] | None = None) -> list[SearchDocument]:
    """Return the documents of ``articles``, which come newest first as the site lists them
    (SitePlan.articles), oldest first: an article keeps its number as newer ones are added.

    ``analyses`` are the articles', by source path. Articles whose source path is in
    ``without_body`` get an empty body: their weights were made already, and the body is
    only read to make them. ``items`` are site.list_items of the articles, by slug, if made.
    """
    return [_document(article, item, "" if article.source_path in without_body else article.text)
            for article, item in _oldest_first(articles, analyses, taxonomy, settings, items)]


def _oldest_first(articles: Sequence[Article], analyses: Mapping[str, ArticleAnalysis], taxonomy: Taxonomy,
                  settings: Settings, items: Mapping[str, ArticleItem] | None) -> list[tuple[Article, ArticleItem]]:
    """Return (article, its list item) for ``articles``, which come newest first, oldest first."""
    oldest_first = list(reversed(articles))
    listed = ([items[article.slug] for article in oldest_first] if items is not None
              else list_items(oldest_first, analyses, taxonomy, settings))
    return list(zip(oldest_first, listed))


def _document(article: Article, item: ArticleItem, body: str) -> SearchDocument:
    return SearchDocument(item.out_path, item.title, item.date_text, item.source or "", item.summary,
                          tuple(topic.name for topic in item.topics), body)


def item_record(item: ArticleItem) -> list:
    """Return the record the index keeps of an article shown as ``item``: SearchDocument.record()
    of its document, made without the document."""
    return [item.out_path, item.title, item.date_text, item.source or "", item.summary,
            [topic.name for topic in item.topics]]


def term_weights(document: SearchDocument) -> dict[str, int]:
    """Return each word of ``document`` with its weight: the fields it is in, and how often in each.

    Each article's weights depend on it alone, so that they can be made apart (in another
    process, or kept from the last build) and merged by build_postings.
    """
    weights: dict[str, int] = {}
    for field, text in document.fields().items():
        field_weight = FIELD_WEIGHTS[field]
        for term, count in Counter(search_terms(text)).items():
            weights[term] = weights.get(term, 0) + field_weight * (count if count < COUNT_CAP else COUNT_CAP)
    return weights


class PackedWeights(tuple):
    """term_weights of one article, packed to be kept with it: its words joined by newlines
    (a word never holds one) and their weights in an array's bytes, in the same order.

    A dict of a few hundred words an article would be ten times the memory, and slower to
    keep in the cache and read back.
    """

    __slots__ = ()

    @classmethod
    def pack(cls, weights: dict[str, int]) -> PackedWeights:
        return cls(("\n".join(weights), array("I", weights.values()).tobytes()))

    def items(self) -> Iterator[tuple[str, int]]:
        terms, weights = self
        return zip(terms.split("\n"), array("I", weights)) if terms else iter(())

    def to_bytes(self) -> bytes:
        """Return the weights as the article cache keeps them apart (stored.py)."""
        terms, weights = self
        return len(weights).to_bytes(4, "little") + weights + terms.encode()

    @classmethod
    def of(cls, value: PackedWeights | Stored) -> PackedWeights:
        """Return ``value``, or the weights it stands for, read back from the article cache."""
        if type(value) is not Stored:
            return value
        data = value.read()
        size = int.from_bytes(data[:4], "little")
        return cls((data[4 + size:].decode(), data[4:4 + size]))


def article_weights(article: Article, analysis: ArticleAnalysis, taxonomy: Taxonomy) -> PackedWeights:
    """Return term_weights of the article's search document, packed.

    They depend on the article alone (with its summary, cut for analysis.summary_length),
    so they can be made when it is loaded and kept with it; search_input takes them
    for an article whose summary length is the site's.
    """
    names = tuple(taxonomy.topic(tag.slug).name for tag in article.tags)
    document = SearchDocument("", article.title, "", article.source or "", analysis.summary, names, article.text)
    return PackedWeights.pack(term_weights(document))


def build_postings(documents: list[SearchDocument],
                   known: Mapping[str, PackedWeights] | None = None) -> dict[str, list[int]]:
    """Return, for each word, the articles that hold it as the index stores them.

    That is [number, weight, number, weight ...], each article's number given as the gap
    from the one before (the first from 0), so that most numbers take a digit or two.
    ``known`` are the documents' weights, by out_path, for those made already. A build
    keeps the lists and updates them (postings.py), and is held to what this makes at once.
    """
    # Each word's list starts with the last article it was found in, taken off at the end:
    # one dict lookup a word and article, for about six million of them at 10,000 articles.
    postings: dict[str, list[int]] = {}
    find = postings.get
    known = known or {}
    for number, document in enumerate(documents):
        weights = known.get(document.out_path) or term_weights(document)
        for term, weight in weights.items():
            found = find(term)
            if found is None:
                postings[term] = [number, number, weight]
            else:
                found += (number - found[0], weight)
                found[0] = number
    return {term: found[1:] for term, found in postings.items()}


def term_order(term: str) -> bytes:
    """Sort key that orders words as JavaScript compares strings: by UTF-16 code unit."""
    return term.encode("utf-16-be")


def split_terms(lengths: Mapping[str, int], shards: int) -> list[list[str]]:
    """Return the words in order, cut into at most ``shards`` ranges of about equal size.

    ``lengths`` are the lengths of the words' lists (build_postings), by word.
    """
    terms = sorted(lengths, key=term_order)
    sizes = [len(term) + 4 * lengths[term] for term in terms]  # about the bytes each takes
    target = sum(sizes) / shards
    ranges: list[list[str]] = [[]]
    filled = 0.0
    for term, size in zip(terms, sizes):
        if ranges[-1] and filled >= target * len(ranges) and len(ranges) < shards:
            ranges.append([])
        ranges[-1].append(term)
        filled += size
    return ranges


class SearchInput(NamedTuple):
    """What the search index is made from, one entry an article, oldest first: an article
    keeps its number as newer ones are added."""

    # What each article's weights were made from (its file and content), or None when they
    # were made here from its body: equal identities mean equal weights (postings.py).
    identities: list[str | None]
    records: list[list]  # SearchDocument.record() of each (item_record)
    weights: list[PackedWeights | Stored]  # article_weights of each, or kept in the article cache
    # None when the entries are those of every article, in order; else, those of a few
    # articles only, whose numbers these are (Postings.changed_input), of ``count`` articles.
    numbers: list[int] | None = None
    count: int = 0


def search_input(articles: Sequence[Article], analyses: Mapping[str, ArticleAnalysis], taxonomy: Taxonomy,
                 settings: Settings, weights: Mapping[str, PackedWeights | Stored] | None = None,
                 items: Mapping[str, ArticleItem] | None = None, only: Container[str] | None = None) -> SearchInput:
    """Return what the index of ``articles`` is made from.

    ``articles`` come newest first, as the site lists them (SitePlan.articles), with their
    ``analyses`` by source path: the index needs nothing else of the plan, so that it can be
    made while the rest of the site is planned. ``weights`` are article_weights of the
    articles, by source path, for those made already; ``items`` their site.list_items, by
    slug, if made. With ``only`` (slugs), the input holds the entries of those articles
    alone, with their numbers.
    """
    weights = weights or {}
    found = SearchInput([], [], [], None if only is None else [], len(articles))
    for number, (article, item) in enumerate(_oldest_first(articles, analyses, taxonomy, settings, items)):
        if only is not None:
            if article.slug not in only:
                continue
            found.numbers.append(number)
        # Most weights were made as the files were loaded: the document, body and all, is
        # made only for the others.
        packed = weights.get(article.source_path)
        if packed is None or analyses[article.source_path].summary_length != settings.summary_length:
            found.identities.append(None)
            found.weights.append(PackedWeights.pack(term_weights(_document(article, item, article.text))))
        else:
            found.identities.append(f"{article.source_path}\x00{article.content_hash}")
            found.weights.append(packed)
        found.records.append(item_record(item))
    return found


def index_files(postings: Postings, size: int) -> Iterator[tuple[str, bytes]]:
    """Yield (out_path, JavaScript) for search/index.js and, beyond ``size`` articles, its shards.

    ``postings`` are the lists of every word, with each article's SearchDocument.record(),
    oldest first.
    """
    records = postings.records
    encoded = postings.encoded
    lengths = {term: 2 * len(numbers) for term, numbers in postings.numbers.items()}
    term_ranges = split_terms(lengths, max(1, math.ceil(len(records) / size)))
    doc_starts = range(0, max(len(records), 1), size)

    # Each shard is made as it is written: together they are the size of the whole index.
    def term_file(number: int) -> tuple[str, str]:
        terms = term_ranges[number]
        # As json.dumps would write {"terms": ..., "postings": [...]}, from each word's list as kept.
        return (urls.search_terms_path(number),
                f'{{"terms":{_json(terms)},"postings":[{",".join([encoded[term] for term in terms])}]}}')

    def doc_file(number: int) -> tuple[str, str]:
        start = doc_starts[number]
        return urls.search_docs_path(number), _json(records[start:start + size])

    manifest = _json({
        "count": len(records),
        # The first word of each range: a word belongs to the last range whose first word is <= it.
        "terms": [[terms[0] if number else "", urls.search_terms_path(number)]
                  for number, terms in enumerate(term_ranges)],
        "docs": [urls.search_docs_path(number) for number in range(len(doc_starts))],
        "docsPerFile": size,
    })
    if len(term_ranges) == len(doc_starts) == 1:
        # One file is enough: it carries the only shards, so the page never asks for them.
        yield urls.SEARCH_INDEX, _script([term_file(0), doc_file(0), (urls.SEARCH_INDEX, manifest)])
        return
    for number in range(len(term_ranges)):
        out_path, payload = term_file(number)
        yield out_path, _script([(out_path, payload)])
    for number in range(len(doc_starts)):
        out_path, payload = doc_file(number)
        yield out_path, _script([(out_path, payload)])
    yield urls.SEARCH_INDEX, _script([(urls.SEARCH_INDEX, manifest)])


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _script(parts: list[tuple[str, str]]) -> bytes:
    """Return the script that adds each (out_path, JSON) of ``parts`` to the index."""
    lines = ["// Search index written by digest: data only, read by assets/search.js."]
    for out_path, encoded in parts:
        # JSON allows these two line separators inside strings; older JavaScript engines do not.
        encoded = encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        lines.append(f"digestSearch.add({json.dumps(out_path)},{encoded});")
    return ("\n".join(lines) + "\n").encode()
