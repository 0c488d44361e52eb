"""The story views on the five founding articles, and the timeline's geometry from 5 to 5,000 articles."""

import datetime
import hashlib
import json
from dataclasses import replace

import pytest

from digest import urls
from digest.aliases import ALIAS_ARTICLES_SHOWN
from digest.load import load_articles
from digest.site import Settings, plan_site
from digest.tag import compile_matcher, tag_article
from digest.story import source_slugs, timeline_entries
from digest.timeline import DAY, MONTH, YEAR, LaneSpec, choose_scale, draw_timeline
from synthetic import SUBJECTS, topics_of, write_articles


@pytest.fixture(scope="module")
def pages(tagged, taxonomy):
    return {page.out_path: page for page in plan_site(tagged, taxonomy, Settings()).pages}


# --------------------------------------------------------------------------- matrix


@pytest.mark.parametrize("actor, place, count", [
    ("russia", "idlib", 3), ("turkey", "idlib", 3), ("syria", "idlib", 3), ("kurds", "idlib", 2),
    ("russia", "euphrates", 2), ("turkey", "euphrates", 2), ("syria", "euphrates", 2), ("kurds", "euphrates", 2),
], ids=lambda value: str(value))
def test_matrix_counts_articles_tagged_with_both(pages, actor, place, count):
    rows = {row.actor.slug: row for row in pages[urls.MATRIX].context.rows}
    cell = next(cell for cell in rows[actor].cells if cell.place.slug == place)
    assert cell.count == count
    assert cell.out_path == urls.pair_path(actor, place)
    pair = pages[cell.out_path].context
    assert len(pair.entries) == count
    assert all(evidence.sentences for entry in pair.entries for evidence in entry.evidence)


def test_matrix_has_actors_as_rows_and_places_as_columns(pages):
    context = pages[urls.MATRIX].context
    assert [row.actor.name for row in context.rows] == ["Russia", "Turkey", "Syria", "Kurds"]
    assert [place.name for place in context.places] == ["Idlib", "Euphrates"]
    assert len([path for path in pages if path.startswith("matrix/") and path != urls.MATRIX]) == 8


# --------------------------------------------------------------------------- who said what


def speakers_by_file(pages):
    found = {}
    for page in pages.values():
        if page.template == "article.html":
            found[page.context.article.source_path[:3]] = [line.speaker for line in page.context.quotations]
    return found


@pytest.mark.parametrize("speaker, files", [
    ("Dmitry Peskov", {"001", "002", "003", "004"}),
    ("Ibrahim Kalin", {"000"}),
    ("Recep Tayyip Erdogan", {"003"}),
], ids=["peskov", "kalin", "erdogan"])
def test_speakers_are_quoted_in_their_articles(pages, speaker, files):
    assert {name for name, speakers in speakers_by_file(pages).items() if speaker in speakers} == files


def test_kalin_has_three_quotations_including_the_one_after_he_said(pages):
    (article,) = [page.context for page in pages.values()
                  if page.template == "article.html" and page.context.article.source_path.startswith("000")]
    lines = article.quotations
    assert [line.speaker for line in lines] == ["Ibrahim Kalin"] * 3
    assert [line.attribution for line in lines] == ["he said", "Kalyn added", "he said"]
    assert lines[0].how == "the last speaker named, in paragraph 1"


@pytest.mark.parametrize("slug, actor, quotations, articles", [
    ("dmitry-peskov", "russia", 17, 4), ("ibrahim-kalin", "turkey", 3, 1), ("recep-tayyip-erdogan", "turkey", 3, 1),
], ids=["peskov", "kalin", "erdogan"])
def test_each_speaker_has_a_page_linked_to_their_actor(pages, slug, actor, quotations, articles):
    person = pages[urls.speaker_path(slug)].context
    assert person.speaker.actor.out_path == urls.topic_path(actor)
    assert (person.speaker.quotations, person.speaker.articles) == (quotations, articles)
    assert len(person.groups) == articles


def test_voices_lists_every_speaker_most_quoted_first(pages):
    voices = pages[urls.VOICES].context
    assert [speaker.name for speaker in voices.speakers] == ["Dmitry Peskov", "Ibrahim Kalin", "Recep Tayyip Erdogan"]
    assert voices.unattributed == ()


def test_articles_json_carries_the_quotations(built_site):
    document = json.loads((built_site / "articles.json").read_text())
    by_file = {article["source_file"][:3]: article["quotes"] for article in document["articles"]}
    assert [quote["person"] for quote in by_file["000"]] == ["ibrahim-kalin"] * 3
    assert {quote["actor"] for quote in by_file["003"]} == {"russia", "turkey"}


# --------------------------------------------------------------------------- sources and why this tag


def test_each_source_has_a_page_listing_its_articles(pages):
    sources = pages[urls.SOURCES].context
    assert [(source.name, source.count) for source in sources.sources] == [
        ("News Front", 1), ("OREANDA-NEWS", 1), ("Press TV", 1), ("Sputnik International", 1), ("TASS", 1)]
    for source in sources.sources:
        assert [item.source for item in pages[source.out_path].context.items] == [source.name]


def test_source_slugs_stay_unique_and_never_take_the_overview():
    assert source_slugs(["Press TV", "Press-TV", "Index"]) == {
        "Index": "index-" + hashlib.sha256(b"Index").hexdigest()[:6],
        "Press TV": "press-tv",
        "Press-TV": "press-tv-" + hashlib.sha256(b"Press-TV").hexdigest()[:6],
    }


def test_why_this_tag_lists_each_alias_with_its_articles(pages):
    turkey = pages[urls.topic_path("turkey")].context
    rows = {row.alias: row for row in turkey.alias_rows}
    assert sum(row.count for row in turkey.alias_rows) == turkey.mention_count
    assert {item.title for item, _ in rows["Kalyn"].articles} == {"Turkey plans to cooperate with Russia in Syria"}
    assert rows["Turkey"].count == sum(count for _, count in rows["Turkey"].articles)


# --------------------------------------------------------------------------- timeline


def test_timeline_runs_2015_to_2020_with_a_lane_per_topic(pages):
    timeline = pages[urls.TIMELINE].context.timeline
    assert timeline.unit == DAY
    assert [tick.label for tick in timeline.ticks if tick.label] == ["2015", "2016", "2017", "2018", "2019", "2020"]
    assert [lane.name for lane in timeline.lanes] == ["All articles", "Russia", "Turkey", "Syria", "Kurds", "Idlib",
                                                      "Euphrates"]
    assert [lane.count for lane in timeline.lanes] == [5, 5, 5, 5, 2, 3, 2]
    every = timeline.lanes[0].marks
    assert all(mark.out_path.startswith("articles/") for mark in every)
    assert [mark.x for mark in every] == sorted(mark.x for mark in every)
    assert len(timeline.rows) == 5 and all(len(row.articles) == 1 for row in timeline.rows)


def test_topic_pages_carry_a_small_timeline_on_the_same_axis(pages):
    kurds = pages[urls.topic_path("kurds")].context.timeline
    main = pages[urls.TIMELINE].context.timeline
    assert [lane.count for lane in kurds.lanes] == [2]
    assert [tick.label for tick in kurds.ticks] == [tick.label for tick in main.ticks]


def synthetic(tagged, count, years):
    """``count`` dated copies of the founding articles spread over ``years`` years from 2000."""
    days = years * 365
    return [replace(tagged[number % len(tagged)], slug=f"a{number}",
                    date=datetime.date(2000, 1, 1) + datetime.timedelta(days=number * 7919 % days))
            for number in range(count)]


@pytest.mark.parametrize("count, years, unit", [(5, 5, DAY), (5000, 5, MONTH), (5000, 40, YEAR), (60, 3, DAY),
                                                 (200, 3, MONTH)], ids=lambda value: str(value))
def test_timeline_bins_to_stay_readable(tagged, taxonomy, count, years, unit):
    articles = synthetic(tagged, count, years)
    entries = timeline_entries(articles)
    lanes = [LaneSpec("*", "All", None, "all")] + [LaneSpec(t.slug, t.name, None, t.kind) for t in taxonomy.topics]
    scale = choose_scale(entries)
    timeline = draw_timeline(entries, lanes, scale)
    assert timeline.unit == unit
    assert sum(mark.count for mark in timeline.lanes[0].marks) == count
    for lane in timeline.lanes:
        assert len(lane.marks) <= 160  # never more marks than a lane can show apart
        for mark in lane.marks:
            assert timeline.plot_left <= mark.x - (mark.width / 2 if mark.shape == "dot" else 0)
            assert mark.x + (mark.width / 2 if mark.shape == "dot" else mark.width) <= timeline.plot_right + 0.1
            assert lane.y <= mark.y and mark.y + (0 if mark.shape == "dot" else mark.height) <= lane.y + lane.height
        if unit != DAY:  # bars of one lane never overlap
            edges = [(mark.x, mark.x + mark.width) for mark in lane.marks]
            assert all(right <= following_left for (_, right), (following_left, _) in zip(edges, edges[1:]))
    assert len([tick for tick in timeline.ticks if tick.label]) <= 12
    assert len(timeline.rows) == len(timeline.lanes[0].marks)


def test_why_this_tag_names_the_newest_articles_of_each_alias_and_counts_them_all(tmp_path, taxonomy):
    write_articles(tmp_path, range(40))
    matcher = compile_matcher(taxonomy)
    articles = [tag_article(article, matcher) for article in load_articles(tmp_path).articles]
    pages = {page.out_path: page for page in plan_site(articles, taxonomy, Settings()).pages}
    russia = pages[urls.topic_path("russia")].context
    (row,) = [row for row in russia.alias_rows if row.alias == "Russia"]
    mentioning = [number for number in reversed(range(40)) if "Russia" in topics_of(number)]  # newest first
    assert row.article_count == len(mentioning) > ALIAS_ARTICLES_SHOWN
    assert [(item.title, count) for item, count in row.articles] == [
        (f"The {SUBJECTS[number % len(SUBJECTS)]} question, report {number}", topics_of(number)["Russia"])
        for number in mentioning[:ALIAS_ARTICLES_SHOWN]]
    assert row.count == sum(topics_of(number)["Russia"] for number in mentioning)
    assert russia.aliases == tuple((row.alias, row.count) for row in russia.alias_rows)
    assert [row.count for row in russia.alias_rows] == sorted((row.count for row in russia.alias_rows), reverse=True)
