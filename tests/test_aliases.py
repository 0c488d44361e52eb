"""The topics' alias rows, counted from the articles or updated from the last build's after an edit."""

from __future__ import annotations

import json
import random
from types import SimpleNamespace

import pytest

from digest.aliases import ALIAS_ARTICLES_SHOWN, Recount, aliases_record, count_aliases, recount, updated_aliases

TOPICS = ("east", "west")
ALIASES = ("first", "second", "third")


def made_up_site(rng: random.Random, size: int) -> tuple[list, dict, dict]:
    """Articles newest first, with their items and analyses by slug, as count_aliases reads them."""
    ordered = [SimpleNamespace(slug=f"a{number}") for number in range(size)]
    items = {article.slug: SimpleNamespace(out_path=f"articles/{article.slug}.html") for article in ordered}
    analysed = {article.slug: analysis(rng, rng.sample(TOPICS, rng.randint(0, len(TOPICS)))) for article in ordered}
    return ordered, items, analysed


def analysis(rng: random.Random, topics: list[str]) -> SimpleNamespace:
    """An analysis whose evidence for each of ``topics`` holds one alias or more."""
    evidence = []
    for topic in topics:
        counts = {alias: rng.randint(1, 3) for alias in rng.sample(ALIASES, rng.randint(1, len(ALIASES)))}
        evidence.append(SimpleNamespace(slug=topic, aliases=tuple(sorted(counts.items(), key=lambda pair: -pair[1]))))
    return SimpleNamespace(evidence=tuple(evidence))


@pytest.mark.parametrize("seed", range(300))
def test_rows_updated_after_an_edit_are_the_rows_counted_again(seed):
    rng = random.Random(seed)
    ordered, items, analysed = made_up_site(rng, rng.choice([5, 12, 30, 60]))
    before = count_aliases(ordered, items, analysed, TOPICS)
    kept = json.loads(json.dumps(aliases_record(before)))  # as the build record keeps them
    recounts = []
    for article in rng.sample(ordered, rng.randint(1, 3)):
        # An edit keeps the article's topics (unchanged.find_edits); their aliases may change.
        edited = analysis(rng, [found.slug for found in analysed[article.slug].evidence])
        recounts += recount(items[article.slug].out_path, analysed[article.slug], edited)
        analysed[article.slug] = edited
    after = count_aliases(ordered, items, analysed, TOPICS)
    updated = updated_aliases(kept, recounts, [items[article.slug] for article in ordered])

    # The last build's rows do not name the article after the newest shown, which an edit
    # that takes a shown article out of a row may show in its place: then they are counted again.
    unknown = any(
        not change.after and row.article_count > ALIAS_ARTICLES_SHOWN
        and change.out_path in {item.out_path for item, _ in row.articles}
        for change in recounts for row in before[change.topic] if row.alias == change.alias)
    assert updated == after or (unknown and updated is None)


def test_an_article_newer_than_the_shown_ones_is_shown_first_and_the_oldest_shown_goes():
    size = ALIAS_ARTICLES_SHOWN + 5
    ordered = [SimpleNamespace(slug=f"a{number}") for number in range(size)]
    items = {article.slug: SimpleNamespace(out_path=f"{article.slug}.html") for article in ordered}
    uses = SimpleNamespace(evidence=(SimpleNamespace(slug="east", aliases=(("first", 1),)),))
    analysed = {article.slug: uses for article in ordered}
    analysed["a0"] = SimpleNamespace(evidence=(SimpleNamespace(slug="east", aliases=(("second", 2),)),))
    kept = aliases_record(count_aliases(ordered, items, analysed, ["east"]))
    both = SimpleNamespace(evidence=(SimpleNamespace(slug="east", aliases=(("first", 4), ("second", 2))),))
    listed = [items[article.slug] for article in ordered]

    [row, _] = updated_aliases(kept, recount("a0.html", analysed["a0"], both), listed)["east"]

    assert (row.alias, row.count, row.article_count) == ("first", size - 1 + 4, size)
    assert row.articles == ((items["a0"], 4), *[(items[f"a{number}"], 1) for number in range(1, ALIAS_ARTICLES_SHOWN)])


def test_a_row_whose_next_newest_is_unknown_is_counted_again():
    # The alias matched in 14 articles, the newest 10 of them shown. An older one starts to
    # use it, and a shown one stops: the article that takes its place is not among those kept.
    size = ALIAS_ARTICLES_SHOWN + 5
    ordered = [SimpleNamespace(slug=f"a{number}") for number in range(size)]
    items = {article.slug: SimpleNamespace(out_path=f"{article.slug}.html") for article in ordered}
    first = SimpleNamespace(evidence=(SimpleNamespace(slug="east", aliases=(("first", 1),)),))
    second = SimpleNamespace(evidence=(SimpleNamespace(slug="east", aliases=(("second", 1),)),))
    analysed = {article.slug: first for article in ordered} | {f"a{size - 1}": second}
    kept = aliases_record(count_aliases(ordered, items, analysed, ["east"]))
    recounts = recount(f"a{size - 1}.html", second, first) + recount("a3.html", first, second)

    assert updated_aliases(kept, recounts, [items[article.slug] for article in ordered]) is None


@pytest.mark.parametrize("kept, recounts", [
    (None, []),  # the last build kept none
    ({"east": []}, None),  # an edit whose changes of aliases are not told
    ({"east": [["first", 1, 1, [["a0.html", 1]]]]}, [Recount("a0.html", "north", "first", 0, 1)]),  # another taxonomy
    ({"east": [["first", 1, 1, [["gone.html", 1]]]]}, []),  # an article this build does not have
    ({"east": [["first", "1", 1]]}, []),  # a record of another form
    ({"east": [["first", 1, 1, [["a0.html", 1]]]]}, [Recount("a0.html", "east", "first", 3, 0)]),  # other counts
])
def test_rows_that_cannot_be_updated_are_counted_again(kept, recounts):
    assert updated_aliases(kept, recounts, [SimpleNamespace(out_path="a0.html")]) is None
