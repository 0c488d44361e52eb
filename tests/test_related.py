"""Related articles: shared topics weighted by mention levels, ties broken by date nearness."""

import datetime
import random
import re
from dataclasses import replace

import pytest

from digest.model import Article, Origins, TopicTag
from digest import related as related_module
from digest.related import (KeptRanking, Move, find_related, mention_level, rank_related, renumbered, rerank,
                            with_added, without)
from digest.site import newest_first


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
    # The smaller of two levels is what two articles share: 3 and 9 mentions (levels 3 and 5) share 3.
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
    # 8 and 7 mentions are both level 4: the score adds the levels, 4 + 1.
    assert related[0].score == 5 and related[0].shared == (("russia", 4), ("syria", 1))
    assert find_related(articles, 0)["n7"] == ()


@pytest.mark.parametrize("count, level", [(0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (8, 4), (9, 5), (16, 5),
                                          (17, 6), (400, 6)])
def test_mention_counts_fall_into_levels_that_double(count, level):
    assert mention_level(count) == level


def test_counts_of_one_level_weigh_the_same_and_the_date_decides():
    article = make_article("a", "2020-03-01", russia=12)
    others = [make_article("far", "2019-01-01", russia=16), make_article("near", "2020-03-02", russia=9)]
    assert related_slugs([article, *others], "a") == ["near", "far"]


def _pairwise(articles: list[Article], count: int) -> dict[str, list[tuple[str, int]]]:
    """The rule itself, comparing every pair: what find_related must give, only faster."""
    levels = [{tag.slug: mention_level(tag.count) for tag in article.tags} for article in articles]
    related = {}
    for mine, article in zip(levels, articles):
        ranked = []
        for theirs, other in zip(levels, articles):
            score = sum(min(level, theirs[slug]) for slug, level in mine.items() if slug in theirs)
            if other is article or not score:
                continue
            apart = abs((article.date - other.date).days) if article.date and other.date else float("inf")
            ranked.append((-score, apart, other.slug))
        related[article.slug] = [(slug, -score) for score, _, slug in sorted(ranked)[:count]]
    return related


@pytest.mark.parametrize("seed", range(8))
def test_related_lists_are_those_of_comparing_every_pair(seed):
    # Sizes, dates and counts are drawn so that groups of articles with the same levels, ties
    # of score and date, undated articles and articles with no topic all come up, and both
    # ways of looking for the nearest articles are taken (the tier's own list, and all).
    rng = random.Random(seed)
    topics = [f"t{number}" for number in range(rng.randint(1, 5))]
    articles = [
        make_article(f"s{rng.randrange(10 ** 6):06d}-{number}",
                     None if rng.random() < 0.15 else f"2020-01-{rng.randint(1, 28):02d}",
                     **{topic: rng.choice([1, 1, 2, 3, 5, 9, 17, 40]) for topic in topics if rng.random() < 0.6})
        for number in range(rng.choice([5, 40, 300]))
    ]
    count = rng.randint(1, 8)
    found = {slug: [(item.slug, item.score) for item in items] for slug, items in find_related(articles, count).items()}
    assert found == _pairwise(articles, count)


def test_a_kept_ranking_is_taken_only_while_it_is_the_ranking(tmp_path):
    # Builds keep the ranking for the next; each of these changes the related lists or may.
    rng = random.Random(3)
    articles = [make_article(f"a{number:03d}", f"2020-01-{rng.randint(1, 28):02d}",
                             **{topic: rng.choice([1, 2, 3, 9]) for topic in ("russia", "idlib", "kurds")
                                if rng.random() < 0.6})
                for number in range(60)]
    kept = KeptRanking(tmp_path / "related.pickle", "code")
    assert kept(articles, 5) == rank_related(articles, 5)
    same_levels = articles[:3] + [replace(articles[3], tags=tuple(tag._replace(count=tag.count + 1) if tag.count > 3
                                                                  else tag for tag in articles[3].tags))]
    changes = [
        same_levels + articles[4:],
        [replace(articles[0], tags=(TopicTag("russia", 40, ()),))] + articles[1:],
        articles[:1] + [replace(articles[1], date=datetime.date(2019, 5, 5))] + articles[2:],
        articles[:2] + [replace(articles[2], slug="z-renamed")] + articles[3:],
        articles[1:] + articles[:1],
        articles[:-1],
    ]
    for changed in changes:
        assert kept(changed, 5) == rank_related(changed, 5)
        assert kept(articles, 5) == rank_related(articles, 5)
    assert kept(articles, 2) == rank_related(articles, 2)
    assert KeptRanking(tmp_path / "related.pickle", "other code")(articles[:10], 2) == rank_related(articles[:10], 2)
    (tmp_path / "related.pickle").write_bytes(b"not a pickle")
    assert kept(articles, 5) == rank_related(articles, 5)


def test_a_kept_ranking_named_as_the_same_is_taken_without_its_fingerprint(tmp_path, monkeypatch):
    # After an edit, the build knows the ranking's inputs are the last build's, whose
    # fingerprint its record keeps: the kept answer of that fingerprint is taken as it is.
    articles = [make_article(f"a{number}", f"2020-01-{number + 1:02d}", russia=number % 4 + 1, idlib=2)
                for number in range(12)]
    kept = KeptRanking(tmp_path / "related.pickle", "code")
    ranked = kept(articles, 3)
    last = kept.fingerprint
    assert last and ranked == rank_related(articles, 3)
    monkeypatch.setattr("digest.related.mention_level", None)  # not one article's tags is looked at
    assert KeptRanking(tmp_path / "related.pickle", "code")(articles, 3, same_as=last) == ranked
    monkeypatch.undo()
    # Kept by another build since (one that did not finish, say): ranked again, and kept anew.
    other = articles[:-1] + [replace(articles[-1], tags=(TopicTag("kurds", 5, ()),))]
    assert kept(other, 3) == rank_related(other, 3)
    again = KeptRanking(tmp_path / "related.pickle", "code")
    assert again(articles, 3, same_as=last) == ranked and again.fingerprint == last


def random_articles(rng: random.Random, size: int, topics: list[str]) -> list[Article]:
    return [make_article(f"s{rng.randrange(10 ** 6):06d}-{number}",
                         None if rng.random() < 0.15 else f"2020-01-{rng.randint(1, 28):02d}",
                         **{topic: rng.choice([1, 1, 2, 3, 5, 9, 17]) for topic in topics if rng.random() < 0.6})
            for number in range(size)]


def with_counts(rng: random.Random, article: Article, topics: list[str]) -> Article:
    """``article`` mentioning each topic it mentions, and maybe others, a new number of times."""
    counts = {topic: rng.choice([1, 2, 3, 5, 9, 17]) for topic in topics
              if any(tag.slug == topic for tag in article.tags) or rng.random() < 0.2}
    return replace(article, tags=tuple(TopicTag(topic, count, ()) for topic, count in counts.items()))


@pytest.fixture
def ranked_from_all(monkeypatch) -> list:
    """Grows by one each time a list is ranked from every article (a list rerank cannot finish)."""
    calls = []
    ranked_again = related_module._Ranks.ranked_again
    monkeypatch.setattr(related_module._Ranks, "ranked_again",
                        lambda self, *args: calls.append(1) or ranked_again(self, *args))
    return calls


def random_site(seed: int) -> tuple[random.Random, list[str], list[Article], int]:
    """A random generator, topics, articles newest first and a related count, for ``seed``."""
    rng = random.Random(seed)
    topics = [f"t{number}" for number in range(rng.randint(1, 4))]
    articles = newest_first(random_articles(rng, rng.choice([3, 12, 40, 150]), topics))
    return rng, topics, articles, rng.randint(1, 6)


def test_articles_ranked_again_for_new_levels_get_the_lists_of_ranking_every_article(ranked_from_all):
    # An edit that changes one article's mention levels changes the scores of its pairs
    # alone. rerank starts from the last lists; those it cannot finish from them (a full
    # list that an edited article left) are ranked from every article, which must come up.
    lists_changed = 0
    for seed in range(60):
        rng, topics, before, count = random_site(seed)
        changed = sorted(rng.sample(range(len(before)), rng.choice([1, 1, 2, 3])))
        after = list(before)
        for position in changed:
            after[position] = with_counts(rng, before[position], topics)
        old, expected = rank_related(before, count), rank_related(after, count)
        ranked_from_all.clear()
        new, differ = rerank(after, count, old, changed)
        assert new == expected, f"seed {seed}"
        assert differ == {position for position, (was, now) in enumerate(zip(old, expected)) if was != now}
        assert len(ranked_from_all) >= len(changed)  # each edited article's own list, at least
        lists_changed += len(ranked_from_all) > len(changed)
    assert lists_changed >= 5


def test_an_article_dated_or_named_anew_is_ranked_again_from_the_kept_ranking_in_its_new_place(
        tmp_path, ranked_from_all):
    # Its new date or slug moves it in the order, and changes the distance or the order of
    # each of its pairs alone: the kept lists, renumbered, are ranked again for it as for new levels.
    lists_changed = 0
    for seed in range(90):
        rng, _, before, count = random_site(seed)
        was = rng.randrange(len(before))
        changes = rng.choice([{"date"}, {"slug"}, {"date", "slug"}])
        date = rng.choice([None, *(datetime.date(2020, 1, day) for day in range(1, 29))])
        if "date" not in changes or date == before[was].date:
            date = before[was].date
        slug = f"s{rng.randrange(10 ** 6):06d}-renamed" if "slug" in changes else before[was].slug
        edited = replace(before[was], date=date, slug=slug)
        if edited == before[was]:
            continue
        after = newest_first([*before[:was], edited, *before[was + 1:]])
        now = after.index(edited)
        kept = KeptRanking(tmp_path / f"related-{seed}.pickle", "code")
        old = kept(before, count)
        last = kept.fingerprint
        expected = rank_related(after, count)
        ranked_from_all.clear()
        ordinal = before[was].date.toordinal() if before[was].date else None
        moved = Move(was, now, ordinal, before[was].slug)
        assert kept(after, count, same_as=last, changed=[now], moved=moved) == expected, f"seed {seed}"
        assert kept.reranked == {position for position, lists in enumerate(zip(renumbered(old, was, now), expected))
                                 if lists[0] != lists[1]}
        lists_changed += len(ranked_from_all) > 1
    assert lists_changed >= 5


def test_articles_added_are_ranked_from_the_kept_ranking_in_their_places(tmp_path, ranked_from_all):
    # New articles enter other articles' lists as an article whose levels rose does: the kept
    # lists, renumbered with an empty one for each, are ranked again for them alone.
    lists_changed = 0
    for seed in range(60):
        rng, topics, before, count = random_site(seed)
        new = random_articles(rng, rng.choice([1, 1, 2, 3]), topics)
        after = newest_first(before + new)
        added = sorted(after.index(article) for article in new)
        kept = KeptRanking(tmp_path / f"related-{seed}.pickle", "code")
        old = kept(before, count)
        last = kept.fingerprint
        expected = rank_related(after, count)
        ranked_from_all.clear()
        assert kept(after, count, same_as=last, changed=added, added=added) == expected, f"seed {seed}"
        assert kept.reranked == {position for position, lists in enumerate(zip(with_added(old, added)[0], expected))
                                 if lists[0] != lists[1]}
        assert len(ranked_from_all) == len(added)  # an article added leaves no other list
        lists_changed += bool(kept.reranked - set(added))
    assert lists_changed >= 20


def test_an_article_removed_is_taken_out_of_the_kept_ranking(tmp_path, ranked_from_all):
    # The lists that held it lose it: a full one is ranked again from every article, one
    # that was not held every article sharing a topic with its own, and is whole without it.
    lists_changed = 0
    for seed in range(60):
        rng, _, before, count = random_site(seed)
        if len(before) < 2:
            continue
        removed = rng.randrange(len(before))
        after = [*before[:removed], *before[removed + 1:]]
        kept = KeptRanking(tmp_path / f"related-{seed}.pickle", "code")
        old = kept(before, count)
        last = kept.fingerprint
        expected = rank_related(after, count)
        ranked_from_all.clear()
        assert kept(after, count, same_as=last, removed=[removed]) == expected, f"seed {seed}"
        held = {position for position, lists in enumerate(zip(without(old, [removed])[0], expected))
                if lists[0] != lists[1]}
        assert held <= kept.reranked == set(without(old, [removed])[1])
        lists_changed += bool(ranked_from_all)
    assert lists_changed >= 20


def test_articles_removed_added_and_relevelled_at_once_are_ranked_from_the_kept_ranking(tmp_path, monkeypatch):
    # Files deleted, a file renamed (removed and added), an edit beside them: the lists that
    # lost an article are made whole, then ranked again for the articles added or relevelled.
    for seed in range(80):
        rng, topics, before, count = random_site(seed)
        gone = sorted(rng.sample(range(len(before)), min(len(before) - 1, rng.choice([1, 2, 3]))))
        kept_ones = [article for position, article in enumerate(before) if position not in gone]
        edited = rng.randrange(len(kept_ones))
        kept_ones[edited] = with_counts(rng, kept_ones[edited], topics)
        after = newest_first(kept_ones + random_articles(rng, rng.choice([0, 1, 2]), topics))
        added = sorted(position for position, article in enumerate(after) if article not in kept_ones)
        changed = sorted({*added, after.index(kept_ones[edited])})
        ranking = KeptRanking(tmp_path / f"related-{seed}.pickle", "code")
        old = ranking(before, count)
        last = ranking.fingerprint
        expected = rank_related(after, count)
        with monkeypatch.context() as patched:
            patched.setattr(related_module, "_rank", None)  # not ranked from scratch
            assert ranking(after, count, same_as=last, changed=changed, added=added, removed=gone) == expected, seed
        renumbered_old = with_added(without(old, gone)[0], added)[0]
        assert ranking.reranked >= {position for position, (was, now) in enumerate(zip(renumbered_old, expected))
                                    if was != now}


def test_edits_with_too_many_lists_to_mend_rank_every_article_and_tell_which_lists_differ(tmp_path, monkeypatch):
    # Past RERANK_MAX lists, ranking every article costs less; compared with the last answer,
    # renumbered, it still tells which lists differ, so that the build keys those pages alone.
    monkeypatch.setattr(related_module, "RERANK_MAX", 0)
    for seed in range(40):
        rng, topics, before, count = random_site(seed)
        if len(before) < 2:
            continue
        gone = [rng.randrange(len(before))]
        after = [article for position, article in enumerate(before) if position not in gone]
        after[0] = with_counts(rng, after[0], topics)
        ranking = KeptRanking(tmp_path / f"related-{seed}.pickle", "code")
        old = ranking(before, count)
        last = ranking.fingerprint
        expected = rank_related(after, count)
        assert ranking(after, count, same_as=last, changed=[0], removed=gone) == expected
        assert ranking.reranked == {position for position, (was, now) in enumerate(zip(without(old, gone)[0], expected))
                                    if was != now}


def test_a_ranking_renumbered_for_a_moved_article_names_the_same_articles():
    rng = random.Random(3)
    articles = random_articles(rng, 30, ["russia", "idlib"])
    chosen = rank_related(articles, 4)
    for was, now in [(0, 29), (29, 0), (5, 6), (6, 5), (12, 12)]:
        order = [*articles[:was], *articles[was + 1:]]
        order.insert(now, articles[was])
        lists = renumbered(chosen, was, now)
        slugs = {article.slug: [articles[other].slug for other, _, _ in picks]
                 for article, picks in zip(articles, chosen)}
        assert {article.slug: [order[other].slug for other, _, _ in picks]
                for article, picks in zip(order, lists)} == slugs


def test_a_kept_ranking_is_ranked_again_for_the_articles_whose_levels_changed(tmp_path, monkeypatch):
    rng = random.Random(7)
    topics = ["russia", "idlib", "kurds"]
    articles = random_articles(rng, 80, topics)
    kept = KeptRanking(tmp_path / "related.pickle", "code")
    ranked = kept(articles, 4)
    last = kept.fingerprint
    edited = articles[:10] + [with_counts(rng, articles[10], topics)] + articles[11:]
    expected = rank_related(edited, 4)
    monkeypatch.setattr(related_module, "_rank", None)  # not ranked from scratch
    assert kept(edited, 4, same_as=last, changed=[10]) == expected
    assert kept.reranked == {position for position, (was, now) in enumerate(zip(ranked, expected)) if was != now}
    assert 10 in kept.reranked and kept.fingerprint not in ("", last)
    monkeypatch.undo()
    # The kept answer is now the edited one's: named as the last build's, it cannot tell what changed.
    assert KeptRanking(tmp_path / "related.pickle", "code")(edited, 4) == expected
    again = KeptRanking(tmp_path / "related.pickle", "code")
    assert again(articles, 4, same_as=last, changed=[10]) == ranked and again.reranked is None


def test_article_pages_list_their_related_articles(built_site):
    page = (built_site / "articles" / "turkey-plans-to-cooperate-with-russia-in-syria.html").read_text()
    section = re.search(r'<section class="related".*?</section>', page, re.S).group()
    links = re.findall(r'<a href="([^"]+)">', section)
    # It shares all six topics with the Press TV article, and at most four with any other.
    assert links[0] == "kremlin-says-putin-equally-concerned-about-militant-attacks-from-idlib.html"
    assert len(links) == 4 and all((built_site / "articles" / link).is_file() for link in links)
    # Topics that weigh most first: the smaller of the two mention levels, then the name.
    assert "Both mention Syria, Turkey, Idlib, Kurds, Russia, Euphrates" in section
