"""Per-article analysis: independent of the slug and the other articles, and what planning uses."""

import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from digest.analysis import analyse_article
from digest.load import load_articles
from digest.site import Settings, plan_site
from digest.tag import compile_matcher, tag_article
from digest.taxonomy import load_taxonomy

ARTICLES = Path(__file__).resolve().parent.parent / "articles"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def tagged(taxonomy):
    matcher = compile_matcher(taxonomy)
    return [tag_article(article, matcher) for article in load_articles(ARTICLES).articles]


def test_analysis_does_not_depend_on_the_slug(tagged, taxonomy):
    # A build may analyse an article in a worker before its slug is final (titles can collide).
    article = tagged[0]
    assert analyse_article(replace(article, slug="renamed-after-a-collision"), taxonomy) == \
        analyse_article(article, taxonomy)


def test_analysis_survives_pickling_to_and_from_a_worker(tagged, taxonomy):
    analysis = analyse_article(tagged[0], taxonomy)
    assert pickle.loads(pickle.dumps(analysis)) == analysis


def test_plan_from_given_analyses_equals_plan_that_makes_them(tagged, taxonomy):
    analyses = {article.source_path: analyse_article(article, taxonomy) for article in tagged}
    assert plan_site(tagged, taxonomy, Settings(), analyses) == plan_site(tagged, taxonomy, Settings())


def test_analyses_cut_for_another_summary_length_are_cut_again(tagged, taxonomy):
    settings = Settings(summary_length=60)
    analyses = {article.source_path: analyse_article(article, taxonomy) for article in tagged}  # cut at 300
    given, made = plan_site(tagged, taxonomy, settings, analyses), plan_site(tagged, taxonomy, settings)
    items = [page.context.item for page in given.pages if page.template == "article.html"]
    assert items == [page.context.item for page in made.pages if page.template == "article.html"]
    assert all(len(item.summary) <= 61 for item in items)


def test_plan_keeps_the_analyses_for_the_other_outputs(tagged, taxonomy):
    # articles.json lists the quotations: it can take them from the plan rather than read them again.
    planned = plan_site(tagged, taxonomy, Settings())
    assert set(planned.analyses) == {article.source_path for article in tagged}
    assert any(analysis.quotations for analysis in planned.analyses.values())


def test_what_planning_counts_agrees_with_the_quotations_pages_show(tagged, taxonomy):
    # The Voices pages are planned from the counts alone; the quotations are read back by the pages.
    analyses = [analyse_article(article, taxonomy) for article in tagged]
    assert sum(count for analysis in analyses for _, count in analysis.voices) > 5
    for analysis in analyses:
        assert analysis.voices == tuple((speaker, len(said)) for speaker, said in analysis.speakers)
        assert analysis.unattributed_count == len(analysis.unattributed)
        assert sum(count for _, count in analysis.voices) + analysis.unattributed_count == len(analysis.quotations)
        assert [field.name for field in analysis.fields][:4] == ["Title", "Source", "Date", "Original"]
