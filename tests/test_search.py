"""The search index built for the browser, and the search page in headless Chromium."""

import json
import math
import re
import unicodedata
from pathlib import Path

import pytest

from browser import open_page, serve_folder
from digest.pipeline import build_site
from digest.analysis import analyse_article
from digest.search import (FIELD_WEIGHTS, SearchDocument, article_weights, build_postings, collect_documents,
                           item_record, search_terms, split_terms, term_order)
from digest.site import plan_site
from digest.site import Settings
from synthetic import article_text, write_articles

SHARD_SIZE = 8
SYNTHETIC = 30


@pytest.mark.parametrize("text, terms", [
    ("Turkey's army", ["turkey", "army"]),
    ("Erdoğan at the ÉLYSÉE", ["erdogan", "at", "the", "elysee"]),
    ("Jebhat al-Nusra_group*", ["jebhat", "al", "nusra", "group"]),
    ("Su-24 shot down in 2015", ["su", "24", "shot", "down", "in", "2015"]),
    ("ﬁnancial Ⅻ", ["financial", "xii"]),
    ("Москва и Анкара", ["москва", "анкара"]),
    ("a I x", []),
], ids=["possessive", "accents", "punctuation", "digits", "compatibility-forms", "cyrillic", "one-letter-words"])
def test_search_terms_fold_case_and_accents(text, terms):
    assert search_terms(text) == terms


def reference_terms(text: str) -> list[str]:
    """search_terms as it was first written: one character at a time, slow but plain."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(char for char in folded if not unicodedata.category(char).startswith("M"))
    return [word for word in re.findall(r"[^\W_]+", folded) if len(word) >= 2]


@pytest.mark.parametrize("text", [
    "snake_case_words a_b __init__ x_", "Ὀδυσσεύς and Ἀθῆναι", "e\u0301te cafe\u0301", "İdlib İZMİR",
    "x² H₂O ½", "٣٤ ١٢٣ أنقرة", "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ", "tab\tand\u00a0nbsp\u2028line", "“Quoted” – dash’s",
    "ﬀ ﬁ ǅ Å", "", "a", "日本語のテキスト", "a\u0300\u0301\u0302b",
])
def test_search_terms_are_those_of_the_first_definition(text):
    assert search_terms(text) == reference_terms(text)


def document(title: str, body: str = "", source: str = "", topics: tuple[str, ...] = ()) -> SearchDocument:
    return SearchDocument(f"articles/{title}.html", title, "1 May 2020", source, "", topics, body)


def test_weights_made_when_articles_are_loaded_give_the_same_postings(tagged, taxonomy):
    # As a build makes them: each article's weights apart, packed, before slugs are given out.
    plan = plan_site(tagged, taxonomy, Settings())
    documents = collect_documents(plan.articles, plan.analyses, taxonomy, Settings())
    packed = {}
    for article in tagged:
        packed[f"articles/{article.slug}.html"] = article_weights(article, analyse_article(article, taxonomy), taxonomy)
    assert build_postings(documents, packed) == build_postings(documents)
    assert sum(len(postings) for postings in build_postings(documents).values()) > 1000


@pytest.mark.parametrize("summary_length", [Settings.summary_length, 40])
def test_documents_show_each_article_as_its_page_lists_it(tagged, taxonomy, summary_length):
    # The index is made without the plan (so that it is made while the site is planned):
    # what a result shows must still be what the article's page shows of it.
    settings = Settings(summary_length=summary_length)
    plan = plan_site(tagged, taxonomy, settings)
    documents = collect_documents(plan.articles, plan.analyses, taxonomy, settings)
    items = [page.context.item for page in plan.pages if page.template == "article.html"]
    by_out_path = {item.out_path: item for item in items}
    assert [document.out_path for document in documents] == [
        f"articles/{article.slug}.html" for article in reversed(plan.articles)]
    assert len(documents) == len(by_out_path) == len(tagged)
    for document in documents:
        item = by_out_path[document.out_path]
        assert (document.title, document.date_text, document.source, document.summary) == (
            item.title, item.date_text, item.source or "", item.summary)
        assert document.topics == tuple(topic.name for topic in item.topics)
        assert item_record(item) == document.record()  # what the index keeps, made from the item alone
    assert any(document.topics for document in documents)


def test_a_word_weighs_more_in_the_title_than_in_the_body():
    postings = build_postings([document("quay", body="harbour " * 3), document("harbour", body="quiet")])
    # [article number as the gap from the last, weight ...]
    assert postings["harbour"] == [0, 3 * FIELD_WEIGHTS["body"], 1, FIELD_WEIGHTS["title"]]


def test_repeating_a_word_stops_counting_after_a_few_times():
    postings = build_postings([document("a", body="harbour " * 50), document("b", body="harbour " * 5)])
    assert postings["harbour"][1] == postings["harbour"][3]


def test_sources_and_topic_names_are_searchable():
    postings = build_postings([document("x", source="Press TV", topics=("Kurds", "Idlib"))])
    assert {"press", "tv", "kurds", "idlib"} <= set(postings)


def test_words_sort_as_javascript_compares_strings():
    # Python compares code points, JavaScript UTF-16 units: a character beyond U+FFFF sorts
    # before U+FFFD in JavaScript. The shards' ranges must follow JavaScript's order.
    assert sorted(["\ufffd", "\U0001F600"], key=term_order) == ["\U0001F600", "\ufffd"]


@pytest.mark.parametrize("shards", [1, 2, 3, 7], ids=["one", "two", "three", "seven"])
def test_words_are_split_into_ordered_ranges_of_similar_size(shards):
    postings = {f"w{number:03d}": [1, 1] * (number % 5 + 1) for number in range(200)}
    ranges = split_terms({term: len(found) for term, found in postings.items()}, shards)
    assert len(ranges) == shards and all(ranges)
    assert [term for part in ranges for term in part] == sorted(postings, key=term_order)
    sizes = [sum(len(postings[term]) for term in part) for part in ranges]
    assert max(sizes) <= 1.3 * sum(sizes) / shards


def read_index(site: Path) -> dict[str, object]:
    """Every digestSearch.add(out_path, data) call in the site's search files, by out_path."""
    calls = {}
    for path in sorted((site / "search").glob("*.js")):
        for line in path.read_text().splitlines()[1:]:
            out_path, payload = re.fullmatch(r'digestSearch\.add\(("[^"]+"),(.*)\);', line).groups()
            calls[json.loads(out_path)] = json.loads(payload)
    return calls


@pytest.fixture(scope="module")
def search_site(tmp_path_factory) -> Path:
    """Thirty made-up articles and two of our own, with the index split every eight articles."""
    folder = tmp_path_factory.mktemp("search")
    articles = folder / "articles"
    write_articles(articles, range(SYNTHETIC))
    (articles / "quay.md").write_text(article_text(
        40, title="Notes from the quay").replace("Reporters looked into the", "Reporters looked into the harbour and"))
    (articles / "hostile.md").write_text(article_text(41, title="<img src=x onerror=alert(1)> & <b>bold</b> tariffs"))
    build_site(articles, folder / "site", settings=Settings(search_shard_size=SHARD_SIZE))
    return folder / "site"


def test_a_small_site_has_one_index_file(built_site):
    assert [path.name for path in (built_site / "search").iterdir()] == ["index.js"]
    index = read_index(built_site)
    assert index["search/index.js"]["count"] == 5
    assert len(index["search/docs-0.js"]) == 5


def test_the_index_stays_compact(built_site):
    # A regression guard: the five articles' bodies hold about 2,200 words.
    per_article = (built_site / "search" / "index.js").stat().st_size / 5
    assert per_article < 3500, f"{per_article:.0f} bytes per article"


def test_a_large_site_splits_the_index_into_shards(search_site):
    index = read_index(search_site)
    manifest = index["search/index.js"]
    count = SYNTHETIC + 2
    shards = math.ceil(count / SHARD_SIZE)
    assert manifest["count"] == count
    assert [out_path for _, out_path in manifest["terms"]] == [f"search/terms-{n}.js" for n in range(shards)]
    assert manifest["docs"] == [f"search/docs-{n}.js" for n in range(shards)]
    assert sorted(path.name for path in (search_site / "search").iterdir()) == sorted(
        ["index.js"] + [f"terms-{n}.js" for n in range(shards)] + [f"docs-{n}.js" for n in range(shards)])
    # Each word is in exactly one shard: the last whose first word is not after it.
    firsts = [first for first, _ in manifest["terms"]]
    for number, (_, out_path) in enumerate(manifest["terms"]):
        for term in index[out_path]["terms"]:
            assert firsts[number] <= term and (number + 1 == shards or term < firsts[number + 1])
    records = [record for out_path in manifest["docs"] for record in index[out_path]]
    assert len(records) == count and records[0][1] == "The harbour question, report 0"  # oldest first


# --------------------------------------------------------------------------- in the browser


def watch_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def result_titles(page) -> list[str]:
    page.wait_for_selector("#search-results li")
    return page.locator("#search-results .card-title").all_inner_texts()


def test_search_box_on_every_page_finds_articles_over_http_under_a_sub_path(browser, built_site):
    with serve_folder(built_site, prefix="/news/digest/") as base, open_page(browser) as page:
        errors = watch_errors(page)
        page.goto(base + "topics/kurds.html")
        page.get_by_role("searchbox", name="Search the digest").fill("kurdish")
        page.keyboard.press("Enter")
        page.wait_for_url(base + "search.html?q=kurdish")
        assert result_titles(page) == ["Kremlin says Putin equally concerned about militant attacks from Idlib",
                                       "Turkey plans to cooperate with Russia in Syria"]
        assert page.locator("#search-status").inner_text() == "2 articles match “kurdish”."
        assert set(page.locator("#search-results .matched mark").all_inner_texts()) == {"kurdish"}
        page.locator("#search-results .card-title a").first.click()
        assert page.url == base + "articles/kremlin-says-putin-equally-concerned-about-militant-attacks-from-idlib.html"
    assert not errors


def test_typing_a_query_from_file_urls_ranks_and_highlights_results(browser, search_site):
    with open_page(browser) as page:
        errors = watch_errors(page)
        page.goto((search_site / "search.html").as_uri())
        page.locator("#search-q").press_sequentially("harbour")
        # The title match ranks above the article that has the word only in its text.
        assert result_titles(page) == ["The harbour question, report 0", "Notes from the quay"]
        assert page.locator("#search-results .card-title mark").all_inner_texts() == ["harbour"]
        page.locator("#search-q").fill("codeword1")
        page.wait_for_function("document.querySelector('#search-status').textContent.startsWith('11 ')")
        # codeword1 itself first; codeword10 ... codeword19 match as words it begins, newest first.
        assert result_titles(page)[:3] == ["The pipeline question, report 1", "The quarry question, report 19",
                                           "The carnival question, report 18"]
        assert page.locator("#search-browse").is_hidden()
    assert not errors


def test_a_query_loads_only_the_shards_it_needs(browser, search_site):
    with open_page(browser) as page:
        page.goto((search_site / "search.html").as_uri() + "?q=codeword2")
        assert result_titles(page)[0] == "The election question, report 2"
        loaded = page.evaluate("[...document.scripts].map(script => script.getAttribute('src'))")
    shards = [src for src in loaded if "search/" in src and "index.js" not in src]
    terms = [src for src in shards if "/terms-" in src]
    assert 1 <= len(terms) < math.ceil((SYNTHETIC + 2) / SHARD_SIZE)
    # The results are articles 2 and 20 to 29, whose records are in shards 0, 2 and 3 of eight each.
    assert sorted(src for src in shards if "/docs-" in src) == ["search/docs-0.js", "search/docs-2.js",
                                                                "search/docs-3.js"]


def test_article_text_in_results_is_shown_as_text(browser, search_site):
    with open_page(browser) as page:
        errors = watch_errors(page)
        page.goto((search_site / "search.html").as_uri() + "?q=tariffs")
        assert "<img src=x onerror=alert(1)> & <b>bold</b> tariffs" in result_titles(page)
        assert page.locator("#search-results img, #search-results b").count() == 0
    assert not errors


def test_results_are_usable_by_keyboard(browser, built_site):
    with open_page(browser) as page:
        page.goto((built_site / "search.html").as_uri())
        page.locator("#search-q").press_sequentially("peskov")
        titles = result_titles(page)
        assert len(titles) >= 2
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.textContent") == titles[0]
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.textContent") == titles[1]
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        assert page.evaluate("document.activeElement.id") == "search-q"
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_url("**/articles/*.html")
        assert page.locator("h1").inner_text() == titles[0]


def test_without_scripting_the_search_page_lists_articles(browser, built_site):
    with open_page(browser, java_script_enabled=False) as page:
        page.goto((built_site / "search.html").as_uri() + "?q=kurds")
        assert page.locator("#search-browse .card").count() == 5
        assert "Searching needs JavaScript" in page.locator("#search-browse").inner_text()
        assert page.locator("#search-results").is_hidden()
