"""The tagger finds taxonomy aliases as whole words, with evidence, on synthetic and real articles."""

from pathlib import Path

import pytest

from digest.model import Alias, Article, Block, Origins, Taxonomy, Topic
from digest.sentences import sentence_around
from digest.tag import compile_matcher, find_mentions, tag_article
from digest.taxonomy import is_acronym, load_taxonomy

RAW = Path(__file__).parent / "fixtures" / "raw"


def make_article(*paragraphs: str, title: str = "") -> Article:
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


def make_taxonomy(aliases_by_slug: dict[str, list[str]], ignored: tuple[str, ...] = ()) -> Taxonomy:
    return Taxonomy(
        topics=tuple(
            Topic(slug, slug.title(), "actor", tuple(Alias(text, is_acronym(text)) for text in aliases))
            for slug, aliases in aliases_by_slug.items()
        ),
        ignored=tuple(Alias(text, is_acronym(text)) for text in ignored),
    )


# Small on purpose, so that each rule is tested alone: no "Syrian" alias here, for instance.
# "Russian" comes before "Russian Federation" to show that the order of the file does not
# decide which of two overlapping aliases wins.
SYNTHETIC = make_taxonomy(
    {
        "russia": ["Russia", "Russian", "Russian Federation"],
        "turkey": ["Turkey", "Turk", "Turkish"],
        "syria": ["Syria", "al-Assad"],
        "kurds": ["Kurds", "YPG", "PKK", "Kurdistan Workers' Party", "People’s Protection Units"],
        "idlib": ["Idlib", "İdlib"],
    },
    ignored=("Turkish delight",),
)


@pytest.fixture(scope="module")
def synthetic_matcher():
    return compile_matcher(SYNTHETIC)


@pytest.fixture(scope="module")
def default_matcher():
    return compile_matcher(load_taxonomy())


# (text, [(topic slug, matched text, start offset)])
RULE_CASES = [
    ("Syrian troops", [], "not-inside-longer-word"),
    ("Turkmen villages", [], "not-prefix-of-word"),
    ("the ProRussia bloc", [], "not-suffix-of-word"),
    ("Russia2024 and _Russia", [], "digits-and-underscore-are-word"),
    ("Syria.", [("syria", "Syria", 0)], "before-full-stop"),
    ("the Turkish-Russian border", [("turkey", "Turkish", 4), ("russia", "Russian", 12)], "hyphenated-compound"),
    ("Idlib-based militants", [("idlib", "Idlib", 0)], "hyphen-suffix"),
    ("pro-Turkey groups", [("turkey", "Turkey", 4)], "hyphen-prefix"),
    ("Turkey's army", [("turkey", "Turkey", 0)], "possessive"),
    ("Turkey’s army", [("turkey", "Turkey", 0)], "possessive-curly"),
    ("the Kurds' demands", [("kurds", "Kurds", 4)], "plural-possessive"),
    ("Kurdistan Workers’ Party", [("kurds", "Kurdistan Workers’ Party", 0)], "curly-apostrophe-in-text"),
    ("People's Protection Units", [("kurds", "People's Protection Units", 0)], "straight-apostrophe-for-curly-alias"),
    ("Kurdistan Workers' party", [("kurds", "Kurdistan Workers' party", 0)], "later-word-any-case"),
    ("the Russian\u00a0Federation", [("russia", "Russian\u00a0Federation", 4)], "no-break-space"),
    ("the Russian\nFederation", [("russia", "Russian\nFederation", 4)], "line-break"),
    ("the Russian   Federation", [("russia", "Russian   Federation", 4)], "space-run"),
    ("the Russian Federation", [("russia", "Russian Federation", 4)], "longest-match-wins"),
    ("a roast turkey", [], "lower-case-is-not-the-name"),
    ("RUSSIA WARNS TURKEY", [("russia", "RUSSIA", 0), ("turkey", "TURKEY", 13)], "all-caps-headline"),
    ("YPG and PKK's fighters", [("kurds", "YPG", 0), ("kurds", "PKK", 8)], "acronym"),
    ("ypg, Ypg, pkk", [], "acronym-only-in-capitals"),
    ("Al-Assad and al‑Assad", [("syria", "Al-Assad", 0), ("syria", "al‑Assad", 13)], "lower-case-alias-any-case"),
    ("Turkish delight, Turkish troops", [("turkey", "Turkish", 17)], "ignored-phrase"),
    ("Şam – İdlib, Idlib", [("idlib", "İdlib", 6), ("idlib", "Idlib", 13)], "dotted-capital-i-offsets"),
    ("I\u0307dlib, Idlib", [("idlib", "I\u0307dlib", 0), ("idlib", "Idlib", 8)], "decomposed-dotted-i"),
    ("«Russia»", [("russia", "Russia", 1)], "guillemets"),
]


@pytest.mark.parametrize(
    "text, expected", [case[:2] for case in RULE_CASES], ids=[case[2] for case in RULE_CASES]
)
def test_find_mentions_follows_matching_rules(synthetic_matcher, text, expected):
    found = find_mentions(text, synthetic_matcher)
    assert [(slug, mention.matched, mention.start) for slug, mention in found] == expected
    for _, mention in found:
        assert text[mention.start:mention.end] == mention.matched


# Behaviour that depends on the packaged taxonomy's data rather than on the rules alone.
DEFAULT_CASES = [
    ("Syrian Democratic Forces", [("kurds", "Syrian Democratic Forces")], "sdf-full-name-is-kurds"),
    ("Bashar al-Assad", [("syria", "Bashar al-Assad")], "full-name-one-mention"),
    ("Recep Tayyip Erdoğan", [("turkey", "Recep Tayyip Erdoğan")], "erdogan-with-breve"),
    ("Ibrahim Kalyn said", [("turkey", "Ibrahim Kalyn")], "kalyn-spelling"),
    ("MOSCOW (Sputnik) —", [("russia", "MOSCOW")], "dateline"),
    ("the Christian Democratic Union", [], "german-party-is-not-kurdish"),
    ("the party Democratic Union", [("kurds", "Democratic Union")], "democratic-union"),
    ("Euphrates Shield", [("euphrates", "Euphrates")], "euphrates-operation"),
    ("a Turkmen militia", [], "turkmen"),
]


@pytest.mark.parametrize(
    "text, expected", [case[:2] for case in DEFAULT_CASES], ids=[case[2] for case in DEFAULT_CASES]
)
def test_default_taxonomy_matches(default_matcher, text, expected):
    assert [(slug, mention.matched) for slug, mention in find_mentions(text, default_matcher)] == expected


def test_tag_article_records_title_and_block_evidence(synthetic_matcher):
    article = make_article(
        "Nothing here.",
        "Talks went on. Then Turkey spoke. Russia and Turkey agreed.",
        title="Turkey and Russia",
    )
    tagged = tag_article(article, synthetic_matcher)
    turkey = tagged.tag("turkey")
    assert [(m.block, m.start, m.sentence) for m in turkey.mentions] == [
        (-1, 0, "Turkey and Russia"),
        (1, 20, "Then Turkey spoke."),
        (1, 45, "Russia and Turkey agreed."),
    ]
    assert turkey.count == 3
    assert [m.sentence_start for m in turkey.mentions] == [0, 15, 34]


def test_tag_article_orders_tags_by_taxonomy_and_keeps_the_rest(synthetic_matcher):
    article = make_article("Idlib lies in Syria, near Turkey.")
    tagged = tag_article(article, synthetic_matcher)
    assert [tag.slug for tag in tagged.tags] == ["turkey", "syria", "idlib"]
    assert all(tag.count == len(tag.mentions) for tag in tagged.tags)
    assert tagged.blocks == article.blocks and article.tags == ()


def test_tag_article_without_mentions_has_no_tags(synthetic_matcher):
    assert tag_article(make_article("Weather is fine.", title="Rain"), synthetic_matcher).tags == ()


# Which topics each real article mentions.
CORPUS = {
    "000_e83fb73f7fee90c4.txt": {"russia", "turkey", "syria", "kurds", "idlib", "euphrates"},
    "001_d237a528e19c67b1.txt": {"russia", "turkey", "syria", "idlib"},
    "002_dc4784947763887e.txt": {"russia", "turkey", "syria"},
    "003_76b3172b96ae87fc.txt": {"russia", "turkey", "syria", "kurds", "idlib", "euphrates"},
    "004_85f44ecf95467035.txt": {"russia", "turkey", "syria"},
}


def build_from_lines(path: Path) -> Article:
    """Each non-empty line as a paragraph: enough for tags, and independent of the loader."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return make_article(*lines)


def build_with_loader(path: Path) -> Article:
    load = pytest.importorskip("digest.load")
    if not hasattr(load, "load_article"):
        pytest.skip("digest.load.load_article is not written yet")
    loaded = load.load_article(path, RAW)
    # load_article returns (article, problems) while its API settles; take the article.
    return loaded[0] if isinstance(loaded, tuple) else loaded


@pytest.mark.parametrize("build", [build_from_lines, build_with_loader], ids=["lines", "loader"])
@pytest.mark.parametrize("file_name", sorted(CORPUS), ids=[name[:3] for name in sorted(CORPUS)])
def test_corpus_tags_and_evidence(default_matcher, file_name, build):
    article = tag_article(build(RAW / file_name), default_matcher)
    assert {tag.slug for tag in article.tags} == CORPUS[file_name]
    for tag in article.tags:
        assert tag.count == len(tag.mentions) > 0
        for mention in tag.mentions:
            text = article.title if mention.block == -1 else article.blocks[mention.block].text
            assert text[mention.start:mention.end] == mention.matched
            assert mention.matched in mention.sentence
            start, end = sentence_around(text, mention.start)
            assert (mention.sentence_start, mention.sentence) == (start, text[start:end])
