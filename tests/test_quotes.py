"""Quotations and their speakers: the styles of the corpus, "he said", and broken quotation marks."""

import random

import pytest

from digest.load import parse_article
from digest.quotes import INHERITED, NAMED, PRONOUN, ROLE, UNKNOWN, extract_quotations, find_quoted_spans
from digest.tag import compile_matcher, tag_article
from digest.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def matcher(taxonomy):
    return compile_matcher(taxonomy)


def quotations_of(paragraphs, taxonomy, matcher):
    """Quotations of an article made of ``paragraphs`` (one line each; a short unpunctuated
    line followed by a paragraph is a heading)."""
    text = "---\ntitle: A test article\n---\n" + "\n\n".join(paragraphs) + "\n"
    article, errors = parse_article(text, "test.txt")
    assert not errors
    return extract_quotations(tag_article(article, matcher), taxonomy)


# (paragraphs, [(speaker or None, quoted text, how), ...])
CASES = {
    "comma-then-name-said": (
        ['"We will fight to the end," Peskov said.'],
        [("Dmitry Peskov", "We will fight to the end", NAMED)],
    ),
    "curly-dash-said-name": (
        ["“We were satisfied with the agreements”, – said Peskov, in response to a question."],
        [("Dmitry Peskov", "We were satisfied with the agreements", NAMED)],
    ),
    "name-said-colon-before": (
        ["Peskov said: “Nothing has changed.”"],
        [("Dmitry Peskov", "Nothing has changed.", NAMED)],
    ),
    "name-after-role-after-verb": (
        ["“Of course”, – assured reporters the President’s press Secretary Dmitry Peskov, answering the question."],
        [("Dmitry Peskov", "Of course", NAMED)],
    ),
    "said-that-then-quotation": (
        ["Peskov stressed that the operation is conducted “in strict compliance with international law.”"],
        [("Dmitry Peskov", "in strict compliance with international law.", NAMED)],
    ),
    "spelling-variant-is-normalised": (
        ['"New coordination work will begin," Kalyn added.'],
        [("Ibrahim Kalin", "New coordination work will begin", NAMED)],
    ),
    "guillemets": (
        ["Peskov said: «Nothing has changed»."],
        [("Dmitry Peskov", "Nothing has changed", NAMED)],
    ),
    "he-said-resolves-to-the-paragraph-before": (
        ["This was stated on Monday by the representative of the President of Turkey Ibrahim Kalyn in Ankara.",
         '"We will continue to fight terrorists," he said.'],
        [("Ibrahim Kalin", "We will continue to fight terrorists", PRONOUN)],
    ),
    "he-said-skips-a-person-named-but-not-speaking": (
        ['"We will cooperate with Russia," Kalyn added.',
         'Ankara criticized Syrian President Bashar al-Assad. "The truce is violated," he said.'],
        [("Ibrahim Kalin", "We will cooperate with Russia", NAMED),
         ("Ibrahim Kalin", "The truce is violated", PRONOUN)],
    ),
    "he-said-looks-no-further-than-the-paragraph-before": (
        ['"We will fight," Peskov said.', "The talks went on for days in Ankara.", '"We will win," he said.'],
        [("Dmitry Peskov", "We will fight", NAMED), (None, "We will win", UNKNOWN)],
    ),
    "the-spokesman-resolves-like-he": (
        ["Kremlin spokesman Dmitry Peskov told reporters on Friday that talks go on.",
         "The spokesman stressed that “there is constant coordination.”"],
        [("Dmitry Peskov", "there is constant coordination.", ROLE)],
    ),
    "a-role-naming-an-actor-skips-other-actors-speakers": (
        ['"The talks go on," Erdogan said.', '"So they do," said Peskov. The Turkish president said that troops '
                                             'would enter “very soon.”'],
        [("Recep Tayyip Erdogan", "The talks go on", NAMED), ("Dmitry Peskov", "So they do", NAMED),
         ("Recep Tayyip Erdogan", "very soon.", ROLE)],
    ),
    "a-role-with-no-speaker-of-its-actor-stays-unknown": (
        ['"The talks go on," Peskov said.', "The Turkish president said that troops would enter “very soon.”"],
        [("Dmitry Peskov", "The talks go on", NAMED), (None, "very soon.", UNKNOWN)],
    ),
    "a-heading-names-the-speaker": (
        ["Troops go on.", "Turkish soldiers will enter the safe zone soon: Erdogan",
         "The Turkish president said that the army would enter the zone “very soon.”"],
        [("Recep Tayyip Erdogan", "very soon.", ROLE)],
    ),
    "a-possessive-names-the-actor-of-a-role": (
        ['"We talk every day," Ibrahim Kalin said. Erdogan\'s spokesman added: "No change."'],
        [("Ibrahim Kalin", "We talk every day", NAMED), ("Ibrahim Kalin", "No change.", ROLE)],
    ),
    "russian-style-attribution-inside-the-quotation": (
        ["Peskov could not answer. “Had no such information, he said. – I recommend to ask our military”."],
        [("Dmitry Peskov", "Had no such information … I recommend to ask our military", PRONOUN)],
    ),
    "russian-style-role-inside-an-unclosed-quotation": (
        ["“No, this was not discussed”, – said Peskov.",
         "“Aircraft continue to work, – said the representative of the Kremlin. And safety comes first."],
        [("Dmitry Peskov", "No, this was not discussed", NAMED),
         ("Dmitry Peskov", "Aircraft continue to work … And safety comes first.", ROLE)],
    ),
    "nested-straight-quotes": (
        ['"In the fight against "Daesh" [the group "Islamic state", IG] no steps back," Kalyn said.'],
        [("Ibrahim Kalin", 'In the fight against "Daesh" [the group "Islamic state", IG] no steps back', NAMED)],
    ),
    "nested-quotation-cut-short-by-the-attribution": (
        ["“There is no such thing as a “further from the border,” there is – “Syrian airspace”, – said Peskov."],
        [("Dmitry Peskov", "There is no such thing as a “further from the border,” there is – “Syrian airspace”",
          NAMED)],
    ),
    "stray-opening-mark-does-not-swallow-the-rest": (
        ['The operation against the forces " went on. Later, "We will win," Peskov said.'],
        [("Dmitry Peskov", "We will win", NAMED)],
    ),
    "unclosed-quotation-stops-at-its-paragraph": (
        ["Peskov said: “We will fight. We will win.", 'Another "scare" phrase, and "We lost," Erdogan said.'],
        [("Dmitry Peskov", "We will fight. We will win.", NAMED), ("Recep Tayyip Erdogan", "We lost", NAMED)],
    ),
    "two-quotations-around-one-attribution": (
        ["“We are making progress,” Erdogan said, adding, “we are putting the issue on track.”"],
        [("Recep Tayyip Erdogan", "We are making progress", NAMED),
         ("Recep Tayyip Erdogan", "we are putting the issue on track.", NAMED)],
    ),
    "a-quotation-beside-an-attributed-one": (
        ["“The operation is lawful.” “There is no such border,” said Peskov."],
        [("Dmitry Peskov", "The operation is lawful.", INHERITED), ("Dmitry Peskov", "There is no such border", NAMED)],
    ),
    "a-full-name-the-taxonomy-does-not-list": (
        ["“We will talk,” said Deputy Foreign Minister Sedat Onal.", '"Tomorrow," Onal added.'],
        [("Sedat Onal", "We will talk", NAMED), ("Sedat Onal", "Tomorrow", NAMED)],
    ),
    "a-name-and-a-scare-quote-are-not-quotations": (
        ['The first offensive dubbed "Euphrates Shield" began in August, code-named “Operation Olive Branch,” '
         "with the declared aim of stopping the advance."],
        [],
    ),
    "a-verb-that-does-not-hand-over-is-no-attribution": (
        ['Erdogan announced his intention to start the operation against the party "Democratic Union".'],
        [],
    ),
    "a-capital-after-a-closing-full-stop-starts-a-new-sentence": (
        ["“The talks are over.” He said nothing more about them, Peskov told reporters."],
        [],
    ),
    "a-subject-that-names-no-one-is-not-looked-past": (
        ["The Kremlin says that Russian President Vladimir Putin is concerned “very much.”"],
        [],
    ),
    "an-em-dash-leads-out-of-a-russian-style-attribution": (
        ["Peskov could not answer. “Had no such information, he said. — I recommend to ask our military”."],
        [("Dmitry Peskov", "Had no such information … I recommend to ask our military", PRONOUN)],
    ),
    "reported-speech-ending-in-its-verb-names-the-speaker": (
        ["After the talks in Ankara on Friday, the press secretary Dmitry Peskov said", "«They do», he said."],
        [("Dmitry Peskov", "They do", PRONOUN)],
    ),
    "marks-without-a-speech-verb-name-no-speaker": (
        ["The talks went on, as the «Olive Branch» did.", '"They do," he said.'],
        [(None, "They do", UNKNOWN)],
    ),
    "marks-alone-never-crash": (
        ['" “ ” « » „ "', '"', "”Stray closing marks” only”"],
        [],
    ),
}


@pytest.mark.parametrize("paragraphs, expected", CASES.values(), ids=CASES.keys())
def test_quotation_and_speaker(paragraphs, expected, taxonomy, matcher):
    found = quotations_of(paragraphs, taxonomy, matcher)
    assert [(q.speaker.name if q.speaker else None, q.text, q.how) for q in found] == expected


def test_resolved_speaker_names_the_block_it_came_from(taxonomy, matcher):
    first, second = quotations_of(['"We will fight," Peskov said.', '"And win," he said.'], taxonomy, matcher)
    assert first.resolved_from is None
    assert (second.block, second.resolved_from) == (1, 0)


def test_speaker_carries_the_actor_they_speak_for(taxonomy, matcher):
    quotes = quotations_of(['"Yes," Peskov said.', '"No," said Erdogan.', '"Maybe," Sedat Onal said.'],
                           taxonomy, matcher)
    assert [(q.speaker.slug, q.speaker.actor) for q in quotes] == [
        ("dmitry-peskov", "russia"), ("recep-tayyip-erdogan", "turkey"), ("sedat-onal", None)]


def test_offsets_point_at_the_quoted_words(taxonomy, matcher):
    text = 'Then "We will fight," Peskov said.'
    (quote,) = quotations_of([text], taxonomy, matcher)
    assert text[quote.start:quote.end] == "We will fight,"


def test_a_paragraph_repeated_in_another_article_is_read_by_that_article(taxonomy, matcher):
    # What a paragraph's text alone says is kept by text and shared between articles; who
    # "he" is, and which surnames are known, must still come from each article.
    said = '"We will win," he said.'
    for named, speaker in (("Peskov", "Dmitry Peskov"), ("Erdogan", "Recep Tayyip Erdogan")):
        quotes = quotations_of([f'"We will fight," {named} said.', said], taxonomy, matcher)
        assert quotes[1].speaker.name == speaker
    # An unclosed mark is a quotation only where a known speaker leads into it.
    unclosed = "Onal said: “We will fight. We will win."
    named = quotations_of(["“We will talk,” said Deputy Foreign Minister Sedat Onal.", unclosed], taxonomy, matcher)
    assert [(q.speaker.name, q.text) for q in named] == [("Sedat Onal", "We will talk"),
                                                         ("Sedat Onal", "We will fight. We will win.")]
    assert quotations_of([unclosed], taxonomy, matcher) == ()
    assert quotations_of(['"Tomorrow," Onal added.'], taxonomy, matcher) == ()


def test_random_marks_never_crash_nor_leave_their_paragraph(taxonomy, matcher):
    # Fragments of the corpus's styles shuffled with every kind of mark: whatever comes out
    # must lie inside one paragraph and be quoted from it.
    pieces = ['"', "“", "”", "«", "»", "„", ", – said Peskov.", " he said.", "Kalyn added", " We will ",
              "fight", ", ", ". ", "Peskov said: ", "the spokesman stressed that ", " – ", "Erdogan"]
    generator = random.Random(4)
    for _ in range(300):
        paragraphs = ["".join(generator.choice(pieces) for _ in range(generator.randint(1, 14))).strip() or "x"
                      for _ in range(generator.randint(1, 3))]
        paragraphs = [p if p[0].isalnum() or p[0] in "\"“«„" else "A " + p for p in paragraphs]
        text = "---\ntitle: Random\n---\n" + "\n\n".join(paragraphs) + "\n"
        article, _ = parse_article(text, "random.txt")
        article = tag_article(article, matcher)
        for quote in extract_quotations(article, taxonomy):
            block = article.blocks[quote.block].text
            assert 0 <= quote.start <= quote.end <= len(block)
            assert all(part.strip(" …”") in block for part in quote.text.split(" … "))


@pytest.mark.parametrize("text, spans", [
    ('He said "yes" and "no".', [(8, 12), (18, 21)]),
    ("“A “B” C”", [(0, 8)]),
    ('A " b "c" d', [(6, 8)]),  # the first mark is stray: the text after it is read again
    ("“Never closed", []),
    ("closed” only", []),
], ids=["two-pairs", "nested", "stray-then-pair", "unclosed-dropped", "stray-closing"])
def test_find_quoted_spans(text, spans):
    assert [(span.open, span.close) for span in find_quoted_spans(text)] == spans
