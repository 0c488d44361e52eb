"""Sentence boundaries in plain news text, for evidence, titles and summaries."""

from __future__ import annotations

import re

# Words that end in a full stop without ending a sentence. Lower-cased, without the dot.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen col lt maj capt sgt adm gov sen rep pres st jr sr vs etc approx
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    inc ltd corp co dept est fig al u.s u.k u.n e.g i.e
    """.split()
)

# A candidate boundary: terminal punctuation, then any closing quotes or brackets (group 1,
# the end of the sentence), then white space, before what may start the next sentence: a
# word character after any opening quote, bracket or dash. One expression rather than one
# per part, because the tagger splits every paragraph that names a topic.
_BOUNDARY = re.compile(r"""([.!?…][.!?…]*["'»”’)\]]*)\s+(?=["'«“‘(\[]*(?:[–—-]\s)?\w)""")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of each sentence in ``text``, without surrounding spaces.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes) followed by
    white space and a capital letter, digit or opening quote, unless the word before the
    dot is a known abbreviation or a single initial ("Feb. 28", "J. Smith").
    """
    spans: list[tuple[int, int]] = []
    start = len(text) - len(text.lstrip())
    for match in _BOUNDARY.finditer(text):
        end = match.end(1)
        if end <= start:
            continue
        next_char = _first_letter(text, match.end())
        if next_char is None or not (next_char.isupper() or next_char.isdigit()):
            continue
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        spans.append((start, end))
        start = match.end()
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


def sentence_around(text: str, offset: int) -> tuple[int, int]:
    """Return the (start, end) of the sentence of ``text`` that holds ``offset``."""
    for start, end in split_sentences(text):
        if start <= offset < end:
            return start, end
    return 0, len(text)


def first_sentence(text: str) -> str:
    """Return the first sentence of ``text``, or "" when it has none."""
    spans = split_sentences(text)
    if not spans:
        return ""
    start, end = spans[0]
    return text[start:end]


def _first_letter(text: str, position: int) -> str | None:
    for char in text[position:position + 4]:
        if char.isalnum():
            return char
    return None


def _is_abbreviation(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"“‘'":
        word_start -= 1
    word = text[word_start:dot].lower()
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. Smith"
    return word in ABBREVIATIONS


def cut_at_sentence(text: str, max_chars: int) -> str:
    """Return the longest run of whole sentences of ``text`` within ``max_chars``.

    The first sentence is always kept; when it alone is too long it is cut at a word and
    marked with an ellipsis.
    """
    spans = split_sentences(text)
    if not spans:
        return ""
    kept_end = spans[0][1]
    for start, end in spans[1:]:
        if end - spans[0][0] > max_chars:
            break
        kept_end = end
    summary = text[spans[0][0]:kept_end]
    if len(summary) > max_chars:
        summary = summary[:max_chars].rsplit(" ", 1)[0].rstrip(",;:–—- ") + "…"
    return summary
