"""Planning the pages: orders, groups, counts, links and path collisions."""

import datetime
from dataclasses import FrozenInstanceError, fields, is_dataclass, replace

import pytest

from digest.errors import DigestError
from digest.analysis import analyse_article
from digest.site import ArticleItem, Page, Settings, check_collisions, list_items, plan_site


@pytest.fixture(scope="module")
def plan(tagged, taxonomy):
    return plan_site(tagged, taxonomy, Settings())


def pages_by_path(plan):
    return {page.out_path: page for page in plan.pages}


def test_index_lists_articles_newest_first(plan):
    dates = [item.date for item in pages_by_path(plan)["index.html"].context.items]
    assert dates == sorted(dates, reverse=True) and len(dates) == 5


@pytest.mark.parametrize("slug, count", [("russia", 5), ("turkey", 5), ("syria", 5), ("kurds", 2), ("idlib", 3),
                                         ("euphrates", 2)])
def test_topic_pages_count_their_articles(plan, slug, count):
    context = pages_by_path(plan)[f"topics/{slug}.html"].context
    assert context.article_count == count == len(context.entries)


def test_topics_overview_groups_actors_and_places(plan):
    groups = dict(pages_by_path(plan)["topics/index.html"].context.groups)
    assert [link.name for link in groups["Actors"]] == ["Russia", "Turkey", "Syria", "Kurds"]
    assert [link.name for link in groups["Places"]] == ["Idlib", "Euphrates"]


def test_every_date_has_a_page_and_the_archive_groups_years_and_months(plan):
    paths = pages_by_path(plan)
    for day in ["2015/11/25", "2017/01/20", "2018/12/24", "2019/08/26", "2020/02/19"]:
        assert f"archive/{day}.html" in paths
        assert f"archive/{day[:7]}/index.html" in paths and f"archive/{day[:4]}/index.html" in paths
    years = [year.year for year in paths["archive/index.html"].context.years]
    assert years == [2020, 2019, 2018, 2017, 2015]
    assert "archive/undated.html" not in paths and not plan.has_undated


def test_previous_and_next_follow_dates(plan):
    paths = pages_by_path(plan)
    oldest = next(page for page in plan.pages if page.template == "article.html" and page.context.article.date
                  == datetime.date(2015, 11, 25))
    assert oldest.context.previous is None
    assert oldest.context.next.date == datetime.date(2017, 1, 20)
    newest = paths[oldest.context.next.out_path]
    assert newest.context.previous.out_path == oldest.out_path


def test_undated_articles_get_the_undated_page_and_go_last(tagged, taxonomy):
    undated = replace(tagged[0], date=None, slug="undated-one")
    plan = plan_site([*tagged, undated], taxonomy, Settings())
    paths = pages_by_path(plan)
    assert plan.has_undated
    assert [item.out_path for item in paths["archive/undated.html"].context.items] == ["articles/undated-one.html"]
    assert paths["index.html"].context.items[-1].out_path == "articles/undated-one.html"


def test_evidence_highlights_the_matched_alias(plan):
    page = pages_by_path(plan)["articles/turkey-plans-to-cooperate-with-russia-in-syria.html"]
    kurds = next(evidence for evidence in page.context.evidence if evidence.topic.slug == "kurds")
    highlighted = {text for sentence in kurds.sentences for text, is_match in sentence.parts if is_match}
    assert "Kurdish" in highlighted and "Kurds" in highlighted
    assert all(sentence.out_path.startswith(page.out_path + "#p") for sentence in kurds.sentences)


def test_two_pages_claiming_one_path_is_an_error_naming_both():
    pages = [Page("topics/index.html", "topic.html", "x", None, "topic 'index' in the taxonomy"),
             Page("topics/index.html", "topics.html", "Topics", None, "the topics overview")]
    with pytest.raises(DigestError, match="topic 'index' in the taxonomy and the topics overview"):
        check_collisions(pages)


def test_list_items_are_the_records_their_fields_make(tagged, taxonomy):
    # Items are made without the dataclass's __init__ (site._ItemMaker): each must still be
    # the frozen record its fields make, equal and hashed alike.
    analyses = {article.source_path: analyse_article(article, taxonomy, Settings.summary_length) for article in tagged}
    for item in list_items(tagged, analyses, taxonomy, Settings()):
        made = ArticleItem(**{field.name: getattr(item, field.name) for field in fields(ArticleItem)})
        assert item == made and hash(item) == hash(made) and repr(item) == repr(made)
        assert vars(item) == vars(made)
        with pytest.raises(FrozenInstanceError):
            item.title = "Another"


@pytest.mark.parametrize("seed", range(4))
def test_the_pages_planned_after_articles_enter_or_leave_a_list_are_those_that_changed(seed):
    # After an edit that moves articles into or out of a topic's list, only the pages that
    # moved_from names are planned: each other page must be as it was, its items and its pager.
    import random

    from digest.site import moved_from, paginate, parts_showing
    rng = random.Random(seed)
    for _ in range(400):
        size = rng.randint(1, 5)
        keys = set(rng.sample(range(200), rng.randint(0, 40)))  # indexes among every article, newest first
        edited = rng.sample(range(200), rng.choice([1, 1, 2, 3]))
        before = sorted(keys)
        after = sorted(keys.symmetric_difference(key for key in edited if rng.random() < 0.8))
        numbered = "page-{}.html".format

        def pages(items):
            return {part.out_path: (part.items, part.pager) for part in paginate(items, size, "front.html", numbered)}

        old, new = pages(before), pages(after)
        changed = {out_path for out_path, part in new.items() if old.get(out_path) != part}
        planned = {part.out_path for part in parts_showing(after, size, "front.html", numbered,
                                                           moved_from(after, edited, size), with_front=True)}
        assert changed <= planned, (size, before, after, edited)


@pytest.mark.parametrize("seed", range(4))
def test_the_pages_planned_after_an_article_is_dated_anew_are_those_that_changed(seed):
    # Its new date moves it from one place among the articles to another: in each list that
    # holds it, or that it entered or left with its date, only the pages changed_at names
    # are planned; each other page must be as it was, its items and its pager.
    import random

    from digest.site import Edits, Reordered, changed_at, paginate, parts_showing
    rng = random.Random(seed)
    planned_pages = changed_pages = 0
    for _ in range(400):
        size = rng.randint(1, 5)
        count = rng.randint(1, 200)
        earlier = list(range(count))  # articles by name, newest first
        was, now = rng.randrange(count), rng.randrange(count)
        later = [*earlier[:was], *earlier[was + 1:]]
        later.insert(now, was)  # the article named ``was`` is now at ``now``
        chosen = {name for name in earlier if rng.random() < rng.random()}
        kind = rng.choice(["holds it", "holds it", "entered", "left"])
        before = chosen | {was} if kind in ("holds it", "left") else chosen - {was}
        after = chosen | {was} if kind in ("holds it", "entered") else chosen - {was}
        edits = Edits(frozenset(["a"]), frozenset(), frozenset(), frozenset(), frozenset(),
                      reordered=Reordered("a", "a", None, None, was, now))
        numbered = "page-{}.html".format

        def pages(order, names):
            return {part.out_path: (part.items, part.pager)
                    for part in paginate([name for name in order if name in names], size, "front.html", numbered)}

        old, new = pages(earlier, before), pages(later, after)
        changed = {out_path for out_path, part in new.items() if old.get(out_path) != part}
        indexes = [place for place, name in enumerate(later) if name in after]
        at = changed_at(indexes, [now], edits, size, entered_or_left=kind != "holds it")
        listed = [name for name in later if name in after]
        planned = {part.out_path for part in parts_showing(listed, size, "front.html", numbered, at,
                                                           with_front=kind != "holds it")}
        assert changed <= planned, (size, kind, was, now, sorted(before))
        if kind == "holds it":  # no more: those that changed, and the article's own, changed or not
            own = {part.out_path for part in parts_showing(listed, size, "front.html", numbered,
                                                           [indexes.index(now)], False)}
            assert planned <= changed | own
        planned_pages += len(planned)
        changed_pages += len(changed)
    assert planned_pages < 2 * changed_pages  # not every page


def _articles_shown(value, found: list) -> None:
    """Put in ``found`` every ArticleItem that ``value``, a page's context, holds at any depth."""
    if isinstance(value, ArticleItem):
        found.append(value)
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            _articles_shown(getattr(value, field.name), found)
    elif isinstance(value, (tuple, list)):
        for part in value:
            _articles_shown(part, found)


def test_pages_render_by_the_newest_article_they_show(tagged, taxonomy):
    # The order changes no page, only how soon a worker meets an article again: it must put
    # each page at the newest article the page shows, whatever kind of page it is.
    from digest.site import ArticleContext, render_order

    plan = plan_site(tagged, taxonomy, Settings(page_size=2))
    item_of = {page.context.article.slug: page.context.item for page in plan.pages
               if isinstance(page.context, ArticleContext)}
    listed = [item_of[article.slug] for article in plan.articles]
    position = {id(item): place for place, item in enumerate(listed)}

    def newest_shown(page):
        if isinstance(page.context, ArticleContext):  # its neighbours and related articles are links, not the page's
            return position[id(page.context.item)]
        found = []
        _articles_shown(page.context, found)
        return min((position[id(item)] for item in found), default=-1)

    expected = sorted(range(len(plan.pages)), key=lambda index: newest_shown(plan.pages[index]))
    assert render_order(plan.pages, listed) == expected
    placed = {plan.pages[index].template for index in expected if newest_shown(plan.pages[index]) >= 0}
    assert {"article.html", "index.html", "date.html", "month.html", "topic.html", "pair.html", "person.html",
            "source.html", "search.html"} <= placed
