"""Related articles: shared topics weighted by mentions, ties broken by date nearness."""

import datetime
import re

import pytest

from digest.model import Article, Origins, TopicTag
from digest.related import find_related


def make_article(slug: str, date: str | None, **counts: int) -> Article:
    """An article dated ``date`` ("2020-01-31" or None) that mentions each topic ``counts`` times."""
    return Article(
        source_path=f"{slug}.txt", slug=slug, title=slug, source=None,
        date=datetime.date.fromisoformat(date) if date else None, url=None,
        origins=Origins("front matter", "none", "front matter", "none"), dateline=None,
        blocks=(), body_html="", removed=(),
        tags=tuple(TopicTag(topic, count, ()) for topic, count in counts.items()),
    )


def related_slugs(articles: list[Article], slug: str, count: int = 5) -> list[str]:
    return [related.slug for related in find_related(articles, count)[slug]]


@pytest.mark.parametrize("others, expected", [
    ([make_article("b", "2020-01-01", russia=5), make_article("c", "2020-01-01", russia=1)], ["b", "c"]),
    # The smaller of two counts is what two articles share: 3 and 9 mentions share 3, not 27.
    ([make_article("b", "2020-01-01", russia=9), make_article("c", "2020-01-01", russia=2, idlib=2)], ["c", "b"]),
    # Several shared topics add up.
    ([make_article("b", "2020-01-01", russia=2), make_article("c", "2020-01-01", russia=1, idlib=2)], ["c", "b"]),
    # Equal scores: the article nearest in date first, whether older or newer.
    ([make_article("b", "2019-01-01", russia=2), make_article("c", "2020-02-15", russia=2),
      make_article("d", "2020-03-05", russia=2)], ["d", "c", "b"]),
    # Equal scores and no date: after every dated one.
    ([make_article("b", None, russia=2), make_article("c", "2001-01-01", russia=2)], ["c", "b"]),
    # Equal scores, equal distance: the slug decides, so the order never depends on input order.
    ([make_article("z", "2020-03-03", russia=2), make_article("y", "2020-02-28", russia=2)], ["y", "z"]),
    # Nothing in common: not related at all.
    ([make_article("b", "2020-03-01", kurds=4), make_article("c", "2020-03-01", russia=1)], ["c"]),
], ids=["more-mentions", "smaller-count-counts", "topics-add-up", "nearest-date", "undated-last", "slug-breaks-ties",
        "nothing-shared"])
def test_related_articles_rank_by_shared_mentions_then_date(others, expected):
    article = make_article("a", "2020-03-01", russia=3, idlib=3)
    assert related_slugs([article, *others], "a") == expected
    assert related_slugs([*reversed(others), article], "a") == expected, "input order changed the result"


def test_related_lists_are_cut_to_the_count_and_explain_the_shared_topics():
    articles = [make_article(f"n{number}", f"2020-01-{number + 1:02d}", russia=number + 1, syria=1)
                for number in range(8)]
    related = find_related(articles, 3)["n7"]
    assert [item.slug for item in related] == ["n6", "n5", "n4"]
    assert related[0].score == 8 and related[0].shared == (("russia", 7), ("syria", 1))
    assert find_related(articles, 0)["n7"] == ()


def test_article_pages_list_their_related_articles(built_site):
    page = (built_site / "articles" / "turkey-plans-to-cooperate-with-russia-in-syria.html").read_text()
    section = re.search(r'<section class="related".*?</section>', page, re.S).group()
    links = re.findall(r'<a href="([^"]+)">', section)
    # It shares all six topics with the Press TV article, and at most four with any other.
    assert links[0] == "kremlin-says-putin-equally-concerned-about-militant-attacks-from-idlib.html"
    assert len(links) == 4 and all((built_site / "articles" / link).is_file() for link in links)
    assert "Both mention Turkey, Syria, Idlib, Kurds, Russia, Euphrates" in section
