"""Frozen records that flow through the build: files -> Article -> tagged Article -> pages.

Records are never changed after they are built; a later stage makes a new one with
``dataclasses.replace``. The records an article holds by the dozen (Block, Mention) are
named tuples instead: they are made, pickled to the build cache and read back from it
several times faster.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar

from .stored import Stored

Record = TypeVar("Record")


def record_of(kind: type[Record], fields: dict[str, Any]) -> Record:
    """Return the frozen dataclass ``kind`` holding ``fields`` (every one of its fields, by
    name), made as unpickling makes a record: its fields set at once.

    For records made by the thousand in every build. A frozen dataclass's __init__ sets its
    fields one by one, and dataclasses.replace() calls it with every field by name: six
    times as long for an Article, and list items took 0.1 s against 0.06 at 10,000 articles.
    """
    made = object.__new__(kind)
    made.__dict__.update(fields)
    return made

# Where a metadata value came from. Shown on article pages and written to articles.json.
FROM_FRONT_MATTER = "front matter"
FROM_HEADLINE = "headline"  # a first line that reads as a headline (no closing punctuation)
FROM_FIRST_SENTENCE = "first sentence"
FROM_SOURCE_PREFIX = "source prefix"  # "OREANDA-NEWS  Turkey intends ..."
FROM_SITE_HEADER = "site header"  # "- Sputnik International" above the headline
FROM_DATELINE = "dateline"  # "MOSCOW (Sputnik) —", "NIZHNY TAGIL, November 25."
FROM_FILE_NAME = "file name"
FROM_NONE = "none"

BlockKind = Literal["paragraph", "heading"]
TopicKind = Literal["actor", "place"]


class Block(NamedTuple):
    """One paragraph or section heading of an article's clean body, as plain text."""

    kind: BlockKind
    text: str  # plain text, never markup; escaped when rendered
    line: int  # 1-based line of the source file where the block starts


class Removal(NamedTuple):
    """A line the loader removed from the body as web boilerplate, and the rule that did it.

    A named tuple, like TopicTag: a build holds every article's, and reads them back from its
    cache; a named tuple is a third of the memory of a frozen dataclass, and unpickles faster.
    """

    rule: str  # a rule id from load.BOILERPLATE_RULES, e.g. "see-also"
    line: int  # 1-based line of the source file
    text: str


@dataclass(frozen=True)
class Origins:
    """Where each metadata field came from: one of the FROM_* constants."""

    title: str
    source: str
    date: str
    url: str


@dataclass(frozen=True)
class Dateline:
    """A dateline as printed: the place, and the month and day when it gives them."""

    text: str  # "NIZHNY TAGIL, November 25"
    place: str  # "NIZHNY TAGIL"
    month: int | None = None
    day: int | None = None
    year: int | None = None
    agency: str | None = None  # "Sputnik" in "MOSCOW (Sputnik)"


class Mention(NamedTuple):
    """One match of a taxonomy alias in an article: the evidence for a tag.

    A named tuple rather than a frozen dataclass like the other records, because there are
    about sixteen to a kilobyte of text: the tagger makes one in a single C call
    (tuple.__new__) where a dataclass needs a dict, and one unpickles about twice as fast
    (the build cache, and tagged articles coming back from worker processes). Being a tuple,
    a Mention equals the plain tuple of its fields, and sorts like one.
    """

    alias: str  # the taxonomy alias that matched, as written in the taxonomy
    matched: str  # the text as written in the article ("Turkey's" matches alias "Turkey" as "Turkey")
    block: int  # index into Article.blocks; -1 for the title
    start: int  # offset of the match in that block's text
    end: int
    sentence: str  # the sentence that holds the match
    sentence_start: int  # offset of the sentence in that block's text


class TopicTag(NamedTuple):
    """A topic an article mentions, with every mention as evidence (a named tuple, as Removal)."""

    slug: str
    count: int  # number of mentions
    # Every mention, in text order; a build keeps what it makes of them and drops them once
    # the article is loaded (workers.as_kept), keeping the count.
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class Article:
    """One article, loaded and cleaned; ``tags`` is filled in by the tagger."""

    source_path: str  # POSIX path relative to the articles folder, e.g. "000_e83f.txt"
    slug: str  # unique among the articles of one build; names the article's page
    title: str
    source: str | None
    date: datetime.date | None  # the publication date; None when the text gives no full date
    url: str | None  # the original's address; only http(s) addresses are kept
    origins: Origins
    dateline: Dateline | None
    # The clean body. A build drops the blocks once the article is loaded
    # (workers.as_kept): what it needs of them is made by then.
    blocks: tuple[Block, ...]
    # The clean body as HTML, built from escaped text only; Stored (UTF-8) once in the
    # article cache, read back by the one page that shows it: stored.text(body_html).
    body_html: str | Stored
    removed: tuple[Removal, ...]  # boilerplate taken out of the body, in file order
    extra: tuple[tuple[str, Any], ...] = ()  # front matter fields the digest does not know
    content_hash: str = ""  # sha256 of the file's bytes
    tags: tuple[TopicTag, ...] = ()  # sorted by taxonomy order

    @property
    def text(self) -> str:
        """The clean body as plain text, blocks separated by blank lines."""
        return "\n\n".join(block.text for block in self.blocks)

    def tag(self, slug: str) -> TopicTag | None:
        """Return the tag for topic ``slug``, or None when the article does not mention it."""
        for topic_tag in self.tags:
            if topic_tag.slug == slug:
                return topic_tag
        return None

    def with_slug(self, slug: str) -> Article:
        """Return the article with ``slug``, as dataclasses.replace would: a build gives a new
        slug to each article whose title another one shares (record_of says why not replace)."""
        return record_of(Article, {**self.__dict__, "slug": slug})


@dataclass(frozen=True)
class Alias:
    """A name that stands for a topic in text."""

    text: str  # as written in the taxonomy: "Kremlin", "People's Protection Units"
    exact_case: bool = False  # acronyms (YPG, PKK) match only as written


@dataclass(frozen=True)
class Person:
    """A named person, the aliases they appear under and the actor they speak for."""

    name: str  # "Ibrahim Kalin"
    slug: str
    actor: str  # slug of an actor topic
    aliases: tuple[Alias, ...]


@dataclass(frozen=True)
class Topic:
    """An actor or a place from the taxonomy."""

    slug: str
    name: str
    kind: TopicKind
    aliases: tuple[Alias, ...]  # includes the aliases of the topic's people
    description: str = ""


@dataclass(frozen=True)
class Taxonomy:
    """Every topic and person the tagger knows, in the taxonomy file's order."""

    topics: tuple[Topic, ...]
    people: tuple[Person, ...] = ()
    source_path: str = ""
    # Phrases that contain an alias but are not about its topic ("Turkish delight"): the
    # tagger matches them like aliases so that the longest match hides the alias, then drops them.
    ignored: tuple[Alias, ...] = ()

    def topic(self, slug: str) -> Topic:
        for topic in self.topics:
            if topic.slug == slug:
                return topic
        raise KeyError(slug)

    @property
    def actors(self) -> tuple[Topic, ...]:
        return tuple(topic for topic in self.topics if topic.kind == "actor")

    @property
    def places(self) -> tuple[Topic, ...]:
        return tuple(topic for topic in self.topics if topic.kind == "place")


