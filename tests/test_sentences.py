import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.sentences import ABBREVIATIONS, cut_at_sentence, sentence_end_at, split_sentences


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("One. Two.", ["One.", "Two."]),
        ("A flag waves, Sunday, Feb. 28, 2016. Next one.", ["A flag waves, Sunday, Feb. 28, 2016.", "Next one."]),
        ('He said "No." Then he left.', ['He said "No."', "Then he left."]),
        ("Mr. Smith met J. Doe. They talked.", ["Mr. Smith met J. Doe.", "They talked."]),
        ("“Of course”, he said. – It ended.", ["“Of course”, he said.", "– It ended."]),
        ("Ends without a stop", ["Ends without a stop"]),
        ("It was 3.5 per cent. Then 4.", ["It was 3.5 per cent.", "Then 4."]),
        ("", []),
    ],
    ids=["simple", "month-abbreviation", "closing-quote", "titles-and-initials", "dash-start", "no-stop",
         "decimal", "empty"],
)
def test_split_sentences(text, sentences):
    assert [text[start:end] for start, end in split_sentences(text)] == sentences


@pytest.mark.parametrize(
    "text, limit, summary",
    [
        ("One two. Three four. Five six.", 20, "One two. Three four."),
        ("One two. Three four. Five six.", 100, "One two. Three four. Five six."),
        ("A very long first sentence with many words.", 20, "A very long first…"),
    ],
)
def test_cut_at_sentence(text, limit, summary):
    assert cut_at_sentence(text, limit) == summary


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("Wait… Then go!  Now? Yes.", ["Wait…", "Then go!", "Now?", "Yes."]),
        ("He asked “Why?!” Nobody knew.", ["He asked “Why?!”", "Nobody knew."]),
        ("It ended (finally). «Next» came.", ["It ended (finally).", "«Next» came."]),
        ("Talks failed. – Then war.", ["Talks failed.", "– Then war."]),
        ("the end. then more", ["the end. then more"]),
        ("A. _B", ["A. _B"]),
        ("Mr. Smith and the U.S. Army. They met.", ["Mr. Smith and the U.S. Army.", "They met."]),
        ("Gen. Mazloum Abdi spoke.", ["Gen. Mazloum Abdi spoke."]),
        ("  Leading space. Trailing space.  ", ["Leading space.", "Trailing space."]),
        ("Russia said so.\nTurkey agreed.", ["Russia said so.", "Turkey agreed."]),
    ],
    ids=["stops", "stops-in-quote", "brackets-and-guillemets", "dash", "lower-case-next", "underscore-next",
         "abbreviations", "title-abbreviation", "outer-spaces", "line-break"],
)
def test_split_sentences_more(text, sentences):
    assert [text[start:end] for start, end in split_sentences(text)] == sentences


def test_sentence_end_at_sees_only_its_part_of_the_text():
    # The tagger scans an article's texts joined into one: a boundary is judged as if its
    # text stood alone, whatever comes before or after it.
    previous, text = "Russia", "Mr. Putin spoke. Turkey answered. _"
    joined = f"{previous}\x00{text}\x00Ankara"
    start, end = len(previous) + 1, len(previous) + 1 + len(text)
    ends = [position for position in range(start, end) if sentence_end_at(joined, position, start, end)]
    assert ends == [joined.index(". Turkey")]  # "Mr." is an abbreviation, and "_" is no capital
    assert sentence_end_at(joined, start + 2, 0, end) is not None  # the word would be "Russia\x00Mr"
    assert sentence_end_at(joined, end - 3, start, len(joined)) is not None  # the next letter would be "A"
    spoke = sentence_end_at(joined, joined.index(". Turkey"), start, end)
    assert (spoke.end(1), spoke.end()) == (joined.index(". Turkey") + 1, joined.index("Turkey"))


# The splitter as it was first written, a loop over each candidate in Python, for the
# expression that now does most of that work to be held to.
def _plain_split_sentences(text):
    spans = []
    start = len(text) - len(text.lstrip())
    for match in re.finditer(r"""([.!?…][.!?…]*["'»”’)\]]*)\s+(?=["'«“‘(\[]*(?:[–—-]\s)?\w)""", text):
        end = match.end(1)
        if end <= start:
            continue
        next_char = next((char for char in text[match.end():match.end() + 4] if char.isalnum()), None)
        if next_char is None or not (next_char.isupper() or next_char.isdigit()):
            continue
        if text[match.start()] == "." and _plain_is_abbreviation(text, match.start()):
            continue
        spans.append((start, end))
        start = match.end()
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


def _plain_is_abbreviation(text, dot):
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"“‘'":
        word_start -= 1
    word = text[word_start:dot].lower()
    return (len(word) == 1 and word.isalpha()) or word in ABBREVIATIONS


# Stops, closers, openers, spaces of every kind, abbreviations in odd cases, initials, and
# letters whose case changes their length or is neither upper nor lower.
_PIECES = [
    ".", "!", "?", "…", " ", "  ", "\n", "\u00a0", "\x1c", "\u2028", '"', "'", "»", "”", "’", ")", "]", "«", "“",
    "‘", "(", "[", "–", "—", "-", "A", "a", "J", "Mr", "mR", "U.S", "e.g", "approx", "Approxi", "3", "²", "İ", "ǅ",
    "Ⅻ", "\u212a", "ſt", "_", "\x00", "Word", "word",
]


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_split_sentences_matches_the_plain_loop(text):
    assert split_sentences(text) == _plain_split_sentences(text)
