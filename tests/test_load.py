"""The loader: front matter, what it infers from raw text, and where each value came from."""

import datetime
import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from digest.load import assign_slugs, load_article, load_articles, make_slug, parse_article

RAW = Path(__file__).resolve().parent / "fixtures" / "raw"
ARTICLES = Path(__file__).resolve().parent.parent / "articles"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "articles"


def load_raw(prefix: str):
    path = next(RAW.glob(f"{prefix}_*.txt"))
    article, _ = load_article(path, RAW)
    return article


@pytest.mark.parametrize(
    "prefix, title, title_from, source, source_from",
    [
        ("000", "Turkey intends to coordinate with Russia actions East of the Euphrates river in Syria",
         "first sentence", "OREANDA-NEWS", "source prefix"),
        ("002", "Sands: cooperation with Turkey is in doubt, but this does not apply to the coalition against ISIS",
         "headline", None, "none"),
        ("004", "Russia, Turkey Constantly Coordinating Actions Regarding Syria",
         "headline", "Sputnik International", "site header"),
    ],
    ids=["000-source-prefix", "002-first-line", "004-site-header"],
)
def test_raw_article_metadata_is_inferred_with_its_origin(prefix, title, title_from, source, source_from):
    article = load_raw(prefix)
    assert (article.title, article.origins.title) == (title, title_from)
    assert (article.source, article.origins.source) == (source, source_from)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_raw_articles_give_no_publication_date(prefix):
    # 000 says "on Monday", 002 a dateline without a year, 003 event dates, 004 photo captions.
    article = load_raw(prefix)
    assert article.date is None
    assert article.origins.date == "none"


def test_title_from_first_sentence_is_cut_and_marked():
    article = load_raw("001")
    assert article.origins.title == "first sentence"
    assert article.title.startswith("Russia intends to continue to using working contacts with Turkey")
    assert article.title.endswith("…") and len(article.title) <= 121


def test_source_prefix_is_not_part_of_the_body():
    article = load_raw("000")
    assert article.blocks[0].text.startswith("Turkey intends to coordinate")
    assert "OREANDA" not in article.text
    assert [(removal.rule, removal.text) for removal in article.removed] == [("source-prefix", "OREANDA-NEWS")]


def test_dateline_without_year_is_kept_as_month_and_day():
    article = load_raw("002")
    assert article.dateline.text == "NIZHNY TAGIL, November 25"
    assert (article.dateline.place, article.dateline.month, article.dateline.day) == ("NIZHNY TAGIL", 11, 25)
    assert article.dateline.year is None
    assert article.date is None


def test_dateline_with_agency_is_read_and_agrees_with_the_site_header():
    article = load_raw("004")
    assert article.dateline.place == "MOSCOW"
    assert article.dateline.agency == "Sputnik"
    assert article.source.startswith(article.dateline.agency)


def test_repeated_headline_is_dropped_and_section_headings_are_kept():
    article = load_raw("002")
    assert "Sands:" not in article.text
    rules = {removal.line: removal.rule for removal in article.removed}
    assert rules[1] == "headline" and rules[3] == "repeated-headline"
    headings = [block.text for block in article.blocks if block.kind == "heading"]
    assert headings == [
        "The anti-terrorist operation will be continued",
        "On the supply of s-400 at a military base in Syria",
        "The actions of Ankara",
    ]


@pytest.mark.parametrize(
    "prefix, text, rule",
    [
        ("002", "See also", "see-also"),
        ("002", "© Alexey Nikolsky/press service of the Russian President/TASS", "see-also"),
        ("002", "Putin: Turkey’s attack on the su-24 is a “stab in the back”", "see-also"),
        ("002", "Bombers of Russia in Syria will now be accompanied by fighter jets", "see-also"),
        ("002", "The crash of a military aircraft at the Turkish-Syrian border. Chronicle of events", "see-also"),
        ("004", "- Sputnik International", "masthead"),
        ("004", "World", "masthead"),
        ("004", "Get the latest news from around the world", "masthead"),
        ("004", "© AP Photo / Hassan Ammar", "credit"),
        ("004", "A Syrian national flag waves as vehicles move slowly", "caption"),
        ("004", "Syrians walk past a portrait of President Bashar al-Assad", "caption"),
        ("004", "Ankara Ready to Restore Peace in Syria With Assad at the Helm", "teaser"),
        ("004", "Subscribe", "call-to-action"),
        ("004", "Never miss a story again", "call-to-action"),
        ("004", "Newsfeed", "page-furniture"),
        ("004", "0", "page-furniture"),
        ("004", "To participate in the discussion", "page-furniture"),
        ("004", "log in or register", "page-furniture"),
        ("004", "loader", "page-furniture"),
        ("004", "Chats", "page-furniture"),
        ("004", "Заголовок открываемого материала", "foreign-script"),
    ],
)
def test_boilerplate_is_removed_with_its_rule(prefix, text, rule):
    article = load_raw(prefix)
    matches = [removal for removal in article.removed if removal.text.startswith(text)]
    assert matches, f"{text!r} was not removed"
    assert {removal.rule for removal in matches} == {rule}
    assert not any(block.text.startswith(text) for block in article.blocks)


@pytest.mark.parametrize(
    "prefix, paragraphs, headings",
    [("000", 6, 0), ("001", 7, 0), ("002", 14, 3), ("003", 16, 2), ("004", 5, 0)],
)
def test_real_paragraphs_survive_cleaning(prefix, paragraphs, headings):
    article = load_raw(prefix)
    kinds = [block.kind for block in article.blocks]
    assert (kinds.count("paragraph"), kinds.count("heading")) == (paragraphs, headings)


def test_photo_caption_dates_are_never_the_date():
    article = load_raw("004")
    assert "2016" not in article.text.split("Since 2011")[0]


ARTICLE_FACTS = [
    ("000_e83fb73f7fee90c4.txt", "Turkey plans to cooperate with Russia in Syria", "OREANDA-NEWS",
     datetime.date(2018, 12, 24), "https://www.oreanda.ru/en/gosudarstvo/turkey-plans-to-cooperate-with-russia-in-syria/article1251877/"),
    ("001_d237a528e19c67b1.txt", "The Kremlin commented on the situation in Idlib", "News Front",
     datetime.date(2020, 2, 19), "https://en.news-front.su/2020/02/19/the-kremlin-commented-on-the-situation-in-idlib"),
    ("002_dc4784947763887e.txt",
     "Sands: cooperation with Turkey is in doubt, but this does not apply to the coalition against ISIS", "TASS",
     datetime.date(2015, 11, 25), None),
    ("003_76b3172b96ae87fc.txt", "Kremlin says Putin equally concerned about militant attacks from Idlib", "Press TV",
     datetime.date(2019, 8, 26), "https://www.presstv.ir/Detail/2019/08/26/604531/Syria-Turkey-Russia-Idlib-"),
    ("004_85f44ecf95467035.txt", "Russia, Turkey Constantly Coordinating Actions Regarding Syria",
     "Sputnik International", datetime.date(2017, 1, 20),
     "https://sputniknews.com/middleeast/201701201049816971-russia-turkey-syria/"),
]


@pytest.mark.parametrize("name, title, source, date, url", ARTICLE_FACTS, ids=[row[0][:3] for row in ARTICLE_FACTS])
def test_front_matter_gives_the_researched_facts(name, title, source, date, url):
    article, warnings = load_article(ARTICLES / name, ARTICLES)
    assert (article.title, article.source, article.date, article.url) == (title, source, date, url)
    assert article.origins.title == article.origins.source == article.origins.date == "front matter"
    assert article.origins.url == ("front matter" if url else "none")
    assert warnings == []


@pytest.mark.parametrize("name", [row[0] for row in ARTICLE_FACTS])
def test_articles_keep_the_original_text_byte_for_byte(name):
    original = (RAW / name).read_bytes()
    assert (ARTICLES / name).read_bytes().endswith(b"---\n" + original)
    if SHARED.is_dir():
        assert (SHARED / name).read_bytes() == original


def test_front_matter_headline_matching_title_is_not_repeated_in_body():
    article, _ = load_article(ARTICLES / "004_85f44ecf95467035.txt", ARTICLES)
    assert not any(block.text.startswith("Russia, Turkey Constantly") for block in article.blocks)


def test_loading_never_changes_the_input_files():
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in ARTICLES.iterdir()}
    load_articles(ARTICLES)
    assert before == {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in ARTICLES.iterdir()}


def parse(text: str, name: str = "a.txt"):
    article, warnings = parse_article(text, name)
    return article


@pytest.mark.parametrize(
    "text, date, origin",
    [
        ("Headline here\n\nMOSCOW, Nov. 25, 2015 (Reuters) - Talks went on. More came.\n",
         datetime.date(2015, 11, 25), "dateline"),
        ("Headline here\nPublished: 26 Aug 2019 10:12 GMT\n\nThe army moved. It went on.\n",
         datetime.date(2019, 8, 26), "dateline"),
        ("Headline here\n\nOn August 5, 2019, the army announced an offensive. It went on.\n", None, "none"),
        ("Headline here\n\nThe talks, held on 3 March 2018, failed. It went on.\n", None, "none"),
        ("---\ndate: 2019-08-26\n---\nHeadline here\n\nANKARA, 1 May 2001 /TASS/. It went on.\n",
         datetime.date(2019, 8, 26), "front matter"),
    ],
    ids=["full-dateline", "date-line", "event-date-in-sentence", "date-mid-sentence", "front-matter-wins"],
)
def test_publication_date_comes_only_from_where_pages_state_it(text, date, origin):
    article = parse(text)
    assert (article.date, article.origins.date) == (date, origin)


def test_text_line_starting_with_star_or_hash_is_text_not_markup():
    article = parse("A headline\n\n* – Terrorist organization banned in Russia.\n# not a heading, a hash.\n")
    assert [block.text for block in article.blocks] == [
        "* – Terrorist organization banned in Russia.", "# not a heading, a hash."]
    assert "<li>" not in article.body_html and "<h1" not in article.body_html


def test_hard_wrapped_lines_are_joined_into_one_paragraph():
    article = parse("A headline\n\nThe talks in Astana went on\nfor three days and ended.\nA second paragraph.\n")
    assert [block.text for block in article.blocks] == [
        "The talks in Astana went on for three days and ended.", "A second paragraph."]


def test_markdown_raw_html_is_escaped_and_headline_taken():
    article = parse("# Big <b>news</b>\n\nText with <script>alert(1)</script> and [x](javascript:alert(1)).\n",
                    "a.md")
    assert article.title == "Big <b>news</b>" and article.origins.title == "headline"
    assert "<script>" not in article.body_html and "&lt;script&gt;" in article.body_html
    assert 'href="javascript' not in article.body_html


def test_text_body_html_escapes_everything():
    article = parse("A headline\n\n<img src=x onerror=alert(1)> & {{ 7*7 }} {% raw %}\n")
    assert "<img" not in article.body_html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; {{ 7*7 }}" in article.body_html


def test_articles_are_found_in_path_order_and_hidden_files_skipped(tmp_path):
    for name in ["b.txt", "a.md", "sub/c.txt", ".hidden.txt", ".git/d.txt", "notes.rtf"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Title of {name}\n\nSome text here.\n")
    result = load_articles(tmp_path)
    assert [article.source_path for article in result.articles] == ["a.md", "b.txt", "sub/c.txt"]


def test_colliding_titles_get_distinct_stable_slugs(tmp_path):
    for name in ["a.txt", "b.txt", "c.txt"]:
        (tmp_path / name).write_text("Same headline\n\nSome text here.\n")
    first = [article.slug for article in load_articles(tmp_path).articles]
    second = [article.slug for article in load_articles(tmp_path).articles]
    assert first == second
    assert len(set(first)) == 3 and first[0] == "same-headline"


def test_an_article_with_a_new_slug_is_the_one_replace_makes_and_leaves_the_first_as_it_was(tmp_path):
    (tmp_path / "a.txt").write_text("Same headline\n\nSome text here.\n")
    article = load_articles(tmp_path).articles[0]
    renamed = article.with_slug("same-headline-1a2b3c")
    assert renamed == replace(article, slug="same-headline-1a2b3c")
    assert article.slug == "same-headline"
    with pytest.raises(AttributeError):
        renamed.slug = "another"  # frozen, as the record it was copied from


def test_slugs_made_where_the_files_were_loaded_give_the_same_slugs(tmp_path):
    for name, title in [("a.txt", "Same headline"), ("b.txt", "Same headline"), ("c.txt", "Another")]:
        (tmp_path / name).write_text(f"{title}\n\nSome text here.\n")
    articles = [replace(article, slug="") for article in load_articles(tmp_path).articles]
    made = [make_slug(article.title) for article in articles]
    assert assign_slugs(articles, made) == assign_slugs(articles) == assign_slugs(articles, [""] * 3)
