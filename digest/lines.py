"""Line-level reading of plain news text: the shapes that tell a headline from a sentence."""

from __future__ import annotations

from typing import NamedTuple

# A sentence ends in one of _SENTENCE_ENDS, then any closing quotes and brackets. Both tests
# read the end of the line only: a regular expression searched each line from its start.
_SENTENCE_ENDS = (".", "!", "?", "…")
_CLOSING_MARKS = "\"'»”’)]"
_CLAUSE_ENDS = (",", ";", ":", "–", "—", "-")


class Line(NamedTuple):
    """One line of an article body with its 1-based line number in the file."""

    # A named tuple rather than a frozen dataclass: it is made for every line of every
    # article, and is twice as quick to make.

    number: int
    text: str  # without the line end and trailing white space; "" for a blank line


def ends_sentence(text: str) -> bool:
    """Return True when ``text`` ends as a sentence does: ``.``, ``!``, ``?`` or ``…``."""
    return text.strip().rstrip(_CLOSING_MARKS).endswith(_SENTENCE_ENDS)


def word_count(text: str) -> int:
    return len(text.split())


def is_headline_like(text: str, max_words: int = 30) -> bool:
    """Return True for a line that reads as a headline: short, no closing punctuation."""
    text = text.strip()
    # The cheapest tests first: most lines are sentences, and counting words splits the line.
    return (
        len(text) <= 250
        and not ends_sentence(text)
        and not text.endswith(_CLAUSE_ENDS)
        and 1 <= word_count(text) <= max_words
        and _starts_like_a_title(text)
    )


def normalized(text: str) -> str:
    """Return ``text`` folded for comparing two lines: case, white space and quotes ignored."""
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.casefold().split())


def _starts_like_a_title(text: str) -> bool:
    for char in text:
        if char.isalpha():
            return char.isupper()
        if char.isdigit():
            return True
    return False
