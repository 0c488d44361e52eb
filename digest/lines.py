"""Line-level reading of plain news text: the shapes that tell a headline from a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"""[.!?…]["'»”’)\]]*$""")
_CLAUSE_END = re.compile(r"[,;:–—-]$")


@dataclass(frozen=True)
class Line:
    """One line of an article body with its 1-based line number in the file."""

    number: int
    text: str  # without the line end and trailing white space; "" for a blank line


def ends_sentence(text: str) -> bool:
    """Return True when ``text`` ends as a sentence does: ``.``, ``!``, ``?`` or ``…``."""
    return bool(_SENTENCE_END.search(text.strip()))


def word_count(text: str) -> int:
    return len(text.split())


def is_headline_like(text: str, max_words: int = 30) -> bool:
    """Return True for a line that reads as a headline: short, no closing punctuation."""
    text = text.strip()
    words = word_count(text)
    return (
        1 <= words <= max_words
        and len(text) <= 250
        and not ends_sentence(text)
        and not _CLAUSE_END.search(text)
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
