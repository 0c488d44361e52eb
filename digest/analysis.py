"""What the pages show of one article that depends on that article alone.

``analyse_article`` is pure: it depends on the tagged article and the taxonomy, never on the
article's slug or on the other articles. A build can therefore run it where it tags the
article (in a worker process) and keep the result with the article in a cache, and planning
the site (site.py, story.py) only has to arrange what it returns. Quotations are most of the
work: about 2 ms an article, against tens of microseconds an article for the planning that
remains. Summaries are cut here for the summary_length given, and again while planning a
site whose setting differs.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from itertools import repeat
from typing import NamedTuple

from .boilerplate import BOILERPLATE_RULES
from .dates import format_date, format_month_day
from .header import find_dateline
from .model import Article, Mention, Taxonomy, TopicTag
from .quotes import Quotation, Speaker, extract_quotations
from .sentences import cut_at_sentence
from .recent import MadeOnce
from .stored import Stored, contents

SUMMARY_LENGTH = 300  # the default of Settings.summary_length


# The records of an analysis are named tuples: a build holds one analysis for each article,
# and reads each back from the cache, and a named tuple is a third of the memory of a frozen
# dataclass (which has a dict) and unpickles twice as fast.


class FieldOrigin(NamedTuple):
    name: str
    value: str
    origin: str


class RemovedLine(NamedTuple):
    line: int
    text: str
    rule: str
    reason: str


class SentenceMatches(NamedTuple):
    """A sentence that mentions a topic, and where in it the matched names are.

    A named tuple: an article has dozens, and the pages that show them make them again from
    TagEvidence.packed_sentences, which takes one C call a sentence for a tuple.
    """

    block: int  # index into Article.blocks; -1 for the title
    sentence: str  # the sentence, the same string as the mentions' own
    matches: tuple[tuple[int, int], ...]  # (start, end) in the sentence, in order, never overlapping

    @property
    def parts(self) -> tuple[tuple[str, bool], ...]:
        """The sentence as (text, is_match) pieces, without empty ones."""
        parts = []
        cursor = 0
        for start, end in self.matches:
            parts += [(self.sentence[cursor:start], False), (self.sentence[start:end], True)]
            cursor = end
        parts.append((self.sentence[cursor:], False))
        return tuple(part for part in parts if part[0])


class TagEvidence(NamedTuple):
    """Why an article has a tag: the names that matched and the sentences that hold them.

    The sentences are kept pickled, and read back when they are asked for. They
    are most of an analysis, and a build reads them only to render the few pages that show
    them: a rebuild reads every analysis back from its cache and plans with the aliases
    alone, and the sentences are sent back from the workers that load the articles as bytes.
    The article cache keeps them apart, read from its file by the page that shows them.
    """

    slug: str  # the topic's
    aliases: tuple[tuple[str, int], ...]  # (alias as written in the taxonomy, matches), most first
    packed_sentences: bytes | Stored  # pack_sentences() of the sentences; Stored once in the article cache
    # The rows of the list of sentences that pages show (fragments.with_evidence_rows), made
    # where the article is loaded: a page then reads them back instead of the sentences.
    packed_rows: bytes | Stored = b""

    @property
    def sentences(self) -> tuple[SentenceMatches, ...]:
        """The sentences that hold the matches, in text order, each once."""
        return _sentences_of(self)


_new_tuple = tuple.__new__


def _unpack_sentences(evidence: TagEvidence) -> tuple[SentenceMatches, ...]:
    return tuple(map(_new_tuple, repeat(SentenceMatches), pickle.loads(contents(evidence.packed_sentences))))


# An article's sentences show on its page and on its topics' pages. The latest read back are
# kept, so that those pages share one tuple (and what fragments.py makes of it) when one
# process renders them, but not every article's: that grew a worker by 400 MiB at 10,000
# articles. A tag's sentences take 7 KB on average.
_sentences_of = MadeOnce(_unpack_sentences, size=1 << 12)


def pack_sentences(sentences: tuple[SentenceMatches, ...]) -> bytes:
    """Return the bytes of TagEvidence.packed_sentences: equal sentences give equal bytes.

    Pickled as plain tuples, a third of the size of the records and read back twice as fast.
    """
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo: the bytes follow from the values, not from which strings are shared
    pickler.dump(tuple(tuple(found) for found in sentences))
    return stream.getvalue()


@dataclass(frozen=True)
class ArticleAnalysis:
    """What pages show of one article, apart from its links to other pages.

    What only the article's own page shows (where each detail came from, the boilerplate
    taken out, the quotations) is kept packed, and read back when a page asks for it: it
    was half of what a build holds of each article (5 KB), for the one page that shows it.
    Planning needs only the speakers and how often each is quoted (``voices``).
    """

    source_path: str  # the article's, to pair the two up again
    lede: str  # the first paragraph, after its dateline: what summaries are cut from
    summary: str  # the lede cut at a sentence to summary_length characters
    summary_length: int  # a site with another setting cuts the lede again
    words: int  # in the body, for the reading time
    evidence: tuple[TagEvidence, ...]  # one per tag, in the order of Article.tags
    # Each speaker (one per slug) in the order of their first quotation, with their quotations' count.
    voices: tuple[tuple[Speaker, int], ...]
    unattributed_count: int  # quotations whose speaker is not known
    packed_details: bytes | Stored  # pack_details(); Stored once in the article cache

    @property
    def fields(self) -> tuple[FieldOrigin, ...]:
        """Where each detail came from."""
        return _details_of(self)[0]

    @property
    def removed(self) -> tuple[RemovedLine, ...]:
        """Boilerplate taken out, with the reason."""
        return _details_of(self)[1]

    @property
    def quotations(self) -> tuple[Quotation, ...]:
        """Who said what, in text order."""
        return _details_of(self)[2]

    @property
    def speakers(self) -> tuple[tuple[Speaker, tuple[Quotation, ...]], ...]:
        """Each speaker of ``voices``, in its order, with their quotations."""
        return _by_speaker(self.quotations)

    @property
    def unattributed(self) -> tuple[Quotation, ...]:
        """The quotations whose speaker is not known."""
        return tuple(quotation for quotation in self.quotations if quotation.speaker is None)


def pack_details(fields: tuple[FieldOrigin, ...], removed: tuple[RemovedLine, ...],
                 quotations: tuple[Quotation, ...]) -> bytes:
    """Return the bytes of ArticleAnalysis.packed_details."""
    return pickle.dumps((fields, removed, quotations), protocol=pickle.HIGHEST_PROTOCOL)


def _unpack_details(analysis: ArticleAnalysis) -> tuple:
    return pickle.loads(contents(analysis.packed_details))


# An article's details show on its page alone, and a person's page reads the quotations of
# the articles it lists: the latest are kept for the next page, not every article's.
_details_of = MadeOnce(_unpack_details, size=1 << 10)


def _by_speaker(quotations: tuple[Quotation, ...]) -> tuple[tuple[Speaker, tuple[Quotation, ...]], ...]:
    by_slug: dict[str, list[Quotation]] = {}
    for quotation in quotations:
        if quotation.speaker is not None:
            by_slug.setdefault(quotation.speaker.slug, []).append(quotation)
    return tuple((said[0].speaker, tuple(said)) for said in by_slug.values())


def analyse_article(article: Article, taxonomy: Taxonomy, summary_length: int = SUMMARY_LENGTH) -> ArticleAnalysis:
    """Return what the pages show of a tagged ``article`` that depends on it alone.

    ``summary_length`` is the setting's, so that the summary is cut here rather than while
    the site is planned; planning cuts it again for another setting.
    """
    lede, words = lede_and_words(article)
    quotations = extract_quotations(article, taxonomy)
    removed = tuple(
        RemovedLine(removal.line, removal.text, removal.rule, BOILERPLATE_RULES.get(removal.rule, removal.rule))
        for removal in article.removed
    )
    return ArticleAnalysis(
        source_path=article.source_path,
        lede=lede,
        summary=summarise(lede, summary_length),
        summary_length=summary_length,
        words=words,
        evidence=tuple(tag_evidence(tag) for tag in article.tags),
        voices=tuple((speaker, len(said)) for speaker, said in _by_speaker(quotations)),
        unattributed_count=sum(1 for quotation in quotations if quotation.speaker is None),
        packed_details=pack_details(_field_origins(article), removed, quotations),
    )


def tag_evidence(tag: TopicTag) -> TagEvidence:
    """Return the sentences that mention a topic, each once, with every match in them."""
    aliases: dict[str, int] = {}
    by_sentence: dict[tuple[int, int], list[Mention]] = {}
    for mention in tag.mentions:
        aliases[mention.alias] = aliases.get(mention.alias, 0) + 1
        by_sentence.setdefault((mention.block, mention.sentence_start), []).append(mention)
    sentences = []
    for (block, sentence_start), mentions in sorted(by_sentence.items()):
        matches = []
        cursor = 0
        for mention in sorted(mentions, key=lambda mention: mention.start):
            start, end = mention.start - sentence_start, mention.end - sentence_start
            if start < cursor:
                continue  # inside a longer match already shown
            matches.append((start, end))
            cursor = end
        sentences.append(SentenceMatches(block, mentions[0].sentence, tuple(matches)))
    return TagEvidence(tag.slug, tuple(sorted(aliases.items(), key=lambda pair: (-pair[1], pair[0]))),
                       pack_sentences(tuple(sentences)))


def summarise(lede: str, summary_length: int) -> str:
    """Return the summary lists show: the lede cut at a sentence to ``summary_length`` characters."""
    return cut_at_sentence(lede, summary_length) if lede else ""


def lede_and_words(article: Article) -> tuple[str, int]:
    """Return the article's lede (see ``_lede``) and the number of words in its body."""
    return _lede(article), sum(len(block.text.split()) for block in article.blocks)


def _lede(article: Article) -> str:
    """Return the first paragraph's text, after the dateline ("MOSCOW (Reuters) -") that opens it.

    A dateline says where the story was filed, not what it says.
    """
    for block in article.blocks:
        if block.kind == "paragraph":
            found = find_dateline(block.text)
            return block.text[found[1]:] if found else block.text
    return ""


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
