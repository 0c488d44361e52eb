"""Summaries (the lede, cut on a sentence) and reading time, as every list shows them."""

import pytest

from digest.load import parse_article
from digest.site import Settings, make_item

FRONT = '---\ntitle: "A story"\ndate: 2020-01-02\n---\n'
LEDE = "The first sentence says what happened. The second one adds who said it. A third gives the place."


def item_of(body: str, name: str = "story.txt", **settings):
    article, _ = parse_article(FRONT + body, name)
    return make_item(article, {}, Settings(**settings))


@pytest.mark.parametrize("name, body", [
    ("story.txt", f"{LEDE}\nA second paragraph.\n"),
    ("story.txt", f"MOSCOW (Reuters) - {LEDE}\n"),
    ("story.txt", f"NIZHNY TAGIL, November 25. {LEDE}\n"),
    ("story.txt", f"ANKARA, Dec 24, 2018 (Anadolu) — {LEDE}\n"),
    ("story.md", f"## Background\n\n{LEDE}\n\nMore.\n"),
], ids=["first-paragraph", "agency-dateline", "dateline-without-year", "full-dateline", "after-a-heading"])
def test_summary_is_the_lede_without_its_dateline(name, body):
    assert item_of(body, name).summary == LEDE


@pytest.mark.parametrize("length, summary", [
    (300, LEDE),
    (80, "The first sentence says what happened. The second one adds who said it."),
    (45, "The first sentence says what happened."),
    (40, "The first sentence says what happened."),
], ids=["all", "two-sentences", "one-sentence", "exactly-one"])
def test_summary_is_cut_on_a_sentence_boundary_at_the_configured_length(length, summary):
    assert item_of(f"{LEDE}\n", summary_length=length).summary == summary


def test_a_first_sentence_longer_than_the_length_is_cut_at_a_word():
    summary = item_of("word " * 40 + "end.\n", summary_length=40).summary
    assert summary.endswith("…") and len(summary) <= 41 and not summary[:-1].endswith(" ")


@pytest.mark.parametrize("words, minutes", [(10, 1), (299, 1), (301, 2), (1000, 5)],
                         ids=["short", "just-under-1.5", "just-over-1.5", "long"])
def test_reading_time_comes_from_the_word_count_at_200_a_minute(words, minutes):
    assert item_of("Word " * (words - 1) + "end.\n").reading_minutes == minutes
