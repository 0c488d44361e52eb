import pytest

from digest.sentences import cut_at_sentence, split_sentences


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
