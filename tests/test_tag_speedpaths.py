"""The tagger's fast path gives exactly the tags and evidence of its reference path.

The fast path scans the texts of an article joined into one, with a group-less copy of the
expression, and builds the evidence with its own code; the reference path runs the
expression over each text alone and builds the evidence in the plainest way. These tests
hold the two to the same result on the founding articles and on generated text full of the
cases where offsets or case folding go wrong: Turkish dotted and dotless i (lower case of
another length), the long s, the Kelvin sign, decomposed accents, Greek final sigma,
characters outside the Basic Multilingual Plane, the separator itself in the text.

A Mention is a tuple, and equals the plain tuple of its fields, so the comparisons also
check that each path makes Mentions.
"""

import pickle
import random
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.load import load_articles
from digest.model import Alias, Article, Block, Mention, Origins, Taxonomy, Topic
from digest.tag import compile_matcher, find_mentions, tag_article
from digest.taxonomy import is_acronym, load_taxonomy

ARTICLES = Path(__file__).resolve().parent.parent / "articles"


@pytest.fixture(scope="module")
def matcher():
    return compile_matcher(load_taxonomy())


def make_article(*texts: str) -> Article:
    title, *paragraphs = texts
    return Article(
        source_path="x.txt",
        slug="x",
        title=title,
        source=None,
        date=None,
        url=None,
        origins=Origins("none", "none", "none", "none"),
        dateline=None,
        blocks=tuple(Block("paragraph", text, index + 1) for index, text in enumerate(paragraphs)),
        body_html="",
        removed=(),
    )


def make_taxonomy(aliases_by_slug: dict[str, list[str]]) -> Taxonomy:
    return Taxonomy(
        topics=tuple(
            Topic(slug, slug.title(), "actor", tuple(Alias(text, is_acronym(text)) for text in aliases))
            for slug, aliases in aliases_by_slug.items()
        )
    )


def assert_same_tags(article: Article, matcher) -> Article:
    fast = tag_article(article, matcher)
    reference = tag_article(article, matcher, reference=True)
    assert fast.tags == reference.tags
    for tagged in (fast, reference):
        assert all(type(mention) is Mention for tag in tagged.tags for mention in tag.mentions)
    for tag in fast.tags:
        for mention in tag.mentions:
            text = article.title if mention.block == -1 else article.blocks[mention.block].text
            assert text[mention.start:mention.end] == mention.matched
            assert text[mention.sentence_start:].startswith(mention.sentence)
    return fast


def test_founding_articles_have_the_same_tags_on_both_paths(matcher):
    articles = load_articles(ARTICLES).articles
    assert len(articles) == 5
    mentions = sum(tag.count for article in articles for tag in assert_same_tags(article, matcher).tags)
    assert mentions > 100  # the comparison is not between two empty results


# (title, paragraphs...): texts where offsets, case or the joined scan could go wrong.
CASES = [
    (("Turkey and Russia", "Talks in Ankara. Moscow agreed."), "plain"),
    (("Forces enter İdlib", "Offsets after İ must stay right: İdlib, Idlib, Kremlin."), "dotted-capital-i-lowercases-longer"),
    (("I\u0307dlib", "I\u0307brahim Kalın met KALIN and Kalin."), "decomposed-dotted-i"),
    (("Kalın and KALIN", "Dmıtry Peskov, DMITRY PESKOV."), "dotless-i-matches-i"),
    (("Damaſcus", "The Kremlin and the KREMLIN; Damaſcuſ."), "long-s-matches-s"),
    (("\u212aremlin", "Kurds: \u212aurds, PK\u212a, Kalin."), "kelvin-sign"),
    (("Erdog\u0306an", "Recep Tayyip Erdoğan and Çavus\u0327og\u0306lu."), "combining-accents"),
    (("ΟΔΟΣ Syria", "ΣΥΡΙΑ is Greek; Syria is not."), "greek-final-sigma"),
    (("Syria 😀", "Russia 🇷🇺 and Turkey."), "outside-basic-plane"),
    (("Russian", "Federation troops", "the Russian\nFederation"), "no-match-across-texts"),
    (("Syria\x00Russia", "a\x00Turkey\x00b"), "separator-in-text"),
    (("Turkish delight", "Turkish troops, the Christian Democratic Union, Democratic Union."), "ignored-phrases"),
    (("", "", "Syria"), "empty-texts"),
    (("ambassador Assad", "the Turkmen; al-Assad, Al‑Assad, AL-ASSAD's"), "inside-words-and-hyphens"),
    (("Russia", "Mr. Putin met Turkey. Syria waited."), "abbreviation-at-start-of-text"),
    (("Syria said no. _", "Ankara said yes. Moscow? Kremlin… «Idlib» fell!” Kurds."), "sentence-ends-at-end-of-text"),
    (("Syria. ", " Turkey.  Russia", "\n\nKurds\n"), "spaces-around-texts"),
    (("Syria.\x00 Turkey. \x00Russia", "J. Kalin met Peskov. (Idlib) Syria."), "separator-beside-stops"),
]


@pytest.mark.parametrize("texts", [case[0] for case in CASES], ids=[case[1] for case in CASES])
def test_edge_cases_have_the_same_tags_on_both_paths(matcher, texts):
    assert_same_tags(make_article(*texts), matcher)


def test_generated_text_has_the_same_tags_on_both_paths(matcher):
    rng = random.Random(20240605)
    aliases = [alias.text for topic in load_taxonomy().topics for alias in topic.aliases]
    mentions = 0
    for _ in range(400):
        texts = [_generated_text(rng, aliases) for _ in range(rng.randint(1, 6))]
        mentions += sum(tag.count for tag in assert_same_tags(make_article(*texts), matcher).tags)
        for text in texts:
            assert find_mentions(text, matcher, 3) == find_mentions(text, matcher, 3, reference=True)
    assert mentions > 1000


@pytest.mark.parametrize("taken", ["\x00", "\x00\x01\x02\x03"], ids=["first-taken", "all-taken"])
def test_an_alias_holding_the_separator_changes_nothing(taken):
    # An alias may hold the character the fast path joins texts with: it then takes
    # another, or scans the texts one by one.
    taxonomy = make_taxonomy({"syria": ["Syria", f"Sy{taken}ria"], "turkey": ["Turkey"]})
    matcher = compile_matcher(taxonomy)
    assert matcher.separator != "\x00"
    article = make_article(f"Syria{taken}Turkey", "Turkey", f"Sy{taken}ria and Syria.", "")
    fast = assert_same_tags(article, matcher)
    assert sum(tag.count for tag in fast.tags) == 5


def test_the_packaged_taxonomy_takes_the_fast_path(matcher):
    # The fast path finds the ends of sentences in its scan for aliases, which it can only
    # do when no alias can overlap one; else it takes the reference path.
    assert matcher.separator is not None and matcher.evidence_pattern is not None


@pytest.mark.parametrize("aliases", [["D.C. Police", "Syria"], ["U.S.", "Syria"], ["'Aleppo", "Syria"]],
                         ids=["stop-inside", "stop-at-end", "closer-first"])
def test_an_alias_overlapping_the_end_of_a_sentence_changes_nothing(aliases):
    matcher = compile_matcher(make_taxonomy({"one": aliases}))
    assert matcher.evidence_pattern is None
    article = make_article("The D.C. Police. U.S. Syria", "'Aleppo. Syria. U.S. Then D.C. Police came.")
    assert sum(tag.count for tag in assert_same_tags(article, matcher).tags) >= 2


# Texts made of what the fast path treats specially: aliases, the ends of sentences,
# abbreviations, quotes, spaces and the separators it joins texts with.
_PIECES = [
    "Syria", "Turkey", "İdlib", "Kremlin", "Turkish delight", "al-Assad", "Mr.", "J.", "U.S.", ".", "!", "?", "…",
    "”", "’", "»", ")", "«", "“", "(", " ", "  ", "\n", "\u00a0", "—", "_", "a", "\x00", "\x01", "2019",
]
_TEXTS = st.lists(st.lists(st.sampled_from(_PIECES), max_size=16).map("".join), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None, database=None)
@given(_TEXTS)
def test_texts_full_of_sentence_ends_have_the_same_tags_on_both_paths(matcher, texts):
    assert_same_tags(make_article(*texts), matcher)


def test_tagged_articles_survive_pickling_for_the_cache_and_the_workers(matcher):
    tagged = [assert_same_tags(article, matcher) for article in load_articles(ARTICLES).articles]
    copy = pickle.loads(pickle.dumps(tagged, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == tagged
    mentions = [mention for article in copy for tag in article.tags for mention in tag.mentions]
    assert mentions and all(type(mention) is Mention for mention in mentions)
    # A Mention read back hashes as the one written: sets and dict keys of Mentions still work.
    assert set(mentions) == {mention for article in tagged for tag in article.tags for mention in tag.mentions}


def test_matcher_survives_pickling_for_a_process_pool(matcher):
    copy = pickle.loads(pickle.dumps(matcher))
    article = make_article("Putin and Erdogan", "Kremlin spokesman Dmitry Peskov said Syria's army advanced.")
    assert tag_article(article, copy) == tag_article(article, matcher)
    assert tag_article(article, copy).tags


# Pieces of generated text. Letters whose case the regex engine and str.lower() fold
# differently, characters that decompose, and separators of every kind that the patterns
# treat specially.
_SWAPS = {
    "i": "iıİI", "I": "IİıiI", "s": "sſS", "k": "kK\u212a", "'": "'‘’ʼ", "-": "-‐‑",
    " ": [" ", "  ", "\u00a0", "\n", "\t "],
}
_FILLERS = [
    "the", "said", "Turkmen", "ambassador", "Syrians'", "pro-Turkey", "of", "Mr.", "Feb.", "J.", "3.5",
    "İstanbul", "ıi", "Straße", "ǅ", "ΟΔΟΣ", "😀", "Ԁ", "\x00", "_", "2019", "“", "”", "—", "«", "»", "…",
]
_JOINS = [" ", " ", " ", ". ", ", ", "; ", "\n", "\u00a0", "", "-", "'s ", "s ", "_", "2", "? ", "!” "]


def _generated_text(rng: random.Random, aliases: list[str]) -> str:
    words = []
    for _ in range(rng.randint(1, 14)):
        if rng.random() < 0.55:
            words.append(_vary(rng, rng.choice(aliases)))
        else:
            words.append(rng.choice(_FILLERS))
    text = words[0]
    for word in words[1:]:
        text += rng.choice(_JOINS) + word
    return text


def _vary(rng: random.Random, alias: str) -> str:
    chars = []
    for char in alias:
        roll = rng.random()
        if roll < 0.15:
            char = char.swapcase()
        elif roll < 0.3 and char in _SWAPS:
            char = rng.choice(_SWAPS[char])
        chars.append(char)
    text = "".join(chars)
    if rng.random() < 0.2:
        text = text.upper()
    if rng.random() < 0.1:
        text = unicodedata.normalize("NFD", text)
    return text
