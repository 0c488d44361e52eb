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
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))
# The word that ends where the search ends (its endpos): what precedes a full stop.
_WORD_BEFORE_END = re.compile(r"""[^\s("“‘']*\Z""")

# A candidate boundary: a stop, then any more stops and closing quotes or brackets (group 1
# ends at the end of the sentence), then white space, before what may start the next
# sentence: a word character after any opening quote, bracket or dash. Group 2 is the first
# letter or digit within four characters of the next sentence, the one that must be a
# capital or a digit. One expression rather than one per part, because the tagger splits
# every paragraph that names a topic.
STOPS = ".!?…"
CLOSERS = "\"'»”’)]"
_OPENERS = "\"'«“‘(["
_AFTER_STOP = f"[{re.escape(STOPS)}]*[{re.escape(CLOSERS)}]*"
_BEFORE_NEXT = rf"\s+(?=[{re.escape(_OPENERS)}]*(?:[–—-]\s)?\w)"
_BOUNDARY = re.compile(rf"([{re.escape(STOPS)}]{_AFTER_STOP}){_BEFORE_NEXT}(?=(?:[\W_]{{0,3}}([^\W_]))?)")

# The same candidates, as alternatives for the tagger to add to its own expression and find
# in its one scan of the text (digest/tag.py). One per stop, so that each starts with a
# character, as the tagger's alternatives do: the regex engine then skips in C to the next
# character that can start one. Each ends in an empty group, which tells its matches from
# the tagger's; sentence_end_at says whether one ends a sentence.
ENDS_OF_SENTENCES = "|".join(f"{re.escape(stop)}{_AFTER_STOP}{_BEFORE_NEXT}()" for stop in STOPS)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of each sentence in ``text``, without surrounding spaces.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes) followed by
    white space and a capital letter, digit or opening quote, unless the word before the
    dot is a known abbreviation or a single initial ("Feb. 28", "J. Smith").
    """
    spans: list[tuple[int, int]] = []
    start = len(text) - len(text.lstrip())
    for boundary in _BOUNDARY.finditer(text):
        if _ends_sentence(text, boundary, 0):
            spans.append((start, boundary.end(1)))
            start = boundary.end()
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


def sentence_end_at(text: str, position: int, text_start: int, text_end: int) -> re.Match[str] | None:
    """Return the candidate boundary that starts at ``position`` (as found by ENDS_OF_SENTENCES)
    if it ends a sentence of text[text_start:text_end], as split_sentences would split that
    part alone; else None. The sentence ends at its end(1), and the next starts at its end()."""
    boundary = _BOUNDARY.match(text, position, text_end)
    if boundary is not None and _ends_sentence(text, boundary, text_start):
        return boundary
    return None


def _ends_sentence(text: str, boundary: re.Match[str], text_start: int) -> bool:
    # The next letter or digit must be a capital or a digit, and a full stop must end no
    # abbreviation. The part of the text ends where the boundary's search did (its endpos).
    next_char = boundary.group(2)
    if next_char is None or not (next_char.isupper() or next_char.isdigit()):
        return False
    dot = boundary.start()
    return text[dot] != "." or not _is_abbreviation(text, dot, text_start)


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


def _is_abbreviation(text: str, dot: int, text_start: int) -> bool:
    # The word before the dot runs back to white space, an opening quote or bracket, or the
    # start of the text. Only its end is looked at: a word longer than every abbreviation is
    # none of them (str.lower() never makes a word shorter).
    window_start = max(text_start, dot - _LONGEST_ABBREVIATION - 1)
    word = _WORD_BEFORE_END.search(text, window_start, dot).group()
    if len(word) > _LONGEST_ABBREVIATION:
        return False
    word = word.lower()
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
