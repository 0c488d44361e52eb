"""The pieces lists repeat, made in Python: the same HTML as the Jinja macros they replaced."""

import datetime
import gc
import pickle
from dataclasses import replace
from types import SimpleNamespace

import pytest

from digest import urls
from digest.analysis import FieldOrigin, RemovedLine, SentenceMatches, TagEvidence, pack_sentences
from digest.fragments import PageFragments, pack_evidence_rows
from digest.render import make_environment, navigation, render_page
from digest.site import (ArticleItem, Pager, RelatedItem, Settings, TopicArticle, TopicEvidence, TopicLink,
                         plan_site)

# The macros of templates/_macros.html and _story.html, and the loops of base.html,
# article.html, topic.html, pair.html and person.html, as they were before fragments.py made
# these pieces: the reference for every escape, space and line break.
REFERENCE_MACROS = """
{%- macro date_link(item) -%}
{% if item.date %}<a href="{{ link(item.date_out_path) }}"><time datetime="{{ item.date.isoformat() }}">{{ item.date_text }}</time></a>{% else %}<a href="{{ link(item.date_out_path) }}">Undated</a>{% endif %}
{%- endmacro %}

{% macro topic_list(topics, label) -%}
{% if topics %}
<ul class="tags" aria-label="{{ label }}">
{% for topic in topics %}
<li><a class="tag tag-{{ topic.kind }}" href="{{ link(topic.out_path) }}">{{ topic.name }}</a></li>
{% endfor %}
</ul>
{% endif %}
{%- endmacro %}

{% macro article_card(item, heading_level=2) -%}
<article class="card">
<h{{ heading_level }} class="card-title"><a href="{{ link(item.out_path) }}">{{ item.title }}</a></h{{ heading_level }}>
<p class="meta">{{ date_link(item) }}{% if item.source %} · <span class="source">{{ item.source }}</span>{% endif %} · {{ item.reading_minutes }} min read</p>
{% if item.summary %}<p class="summary">{{ item.summary }}</p>{% endif %}
{{ topic_list(item.topics, "Topics of " ~ item.title) }}
</article>
{%- endmacro %}

{% macro evidence_sentences(evidence) -%}
<ul class="evidence">
{% for sentence in evidence.sentences %}
<li><blockquote>{% for text, is_match in sentence.parts %}{% if is_match %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</blockquote> <a class="evidence-link" href="{{ link(sentence.out_path) }}">{{ sentence.where }}</a></li>
{% endfor %}
</ul>
{%- endmacro %}

{% macro alias_counts(aliases) -%}
{% for alias, count in aliases %}<q>{{ alias }}</q> × {{ count }}{% if not loop.last %}, {% endif %}{% endfor %}
{%- endmacro %}

{% macro matched_articles(articles) -%}
<ul class="alias-articles">{% for item, count in articles %}<li><a href="{{ link(item.out_path) }}">{{ item.title }}</a> × {{ count }}</li>{% endfor %}</ul>
{%- endmacro %}

{% macro pair_entry(entry) -%}
<div class="topic-entry">
{{ article_card(entry.item) }}
<p class="aliases">{% for evidence in entry.evidence %}{{ evidence.topic.name }}: {{ alias_counts(evidence.aliases) }} · {% endfor %}<a href="{{ link(entry.item.out_path ~ "#why-tags") }}">the sentences</a></p>
</div>
{%- endmacro %}

{% macro quote_list(lines, show_article=False, show_speaker=True) -%}
<ul class="quotes">
{% for line in lines %}
<li><blockquote class="quote">{{ line.text }}</blockquote>
<p class="quote-source">{% if show_speaker %}{% if line.speaker_out_path %}<a class="speaker" href="{{ link(line.speaker_out_path) }}">{{ line.speaker }}</a>{% else %}Speaker not known{% endif %} · {% endif %}<span class="attribution">“{{ line.attribution }}”</span>{% if line.how != "named" %} ({{ line.how }}){% endif %} · <a href="{{ link(line.out_path) }}">{% if show_article %}{{ line.article.title }}, {% endif %}{{ line.where }}</a></p></li>
{% endfor %}
</ul>
{%- endmacro %}

{% macro navigation(nav) -%}
<ul>
{% for label, target in nav %}
<li><a href="{{ link(target) }}"{% if target == page.out_path %} aria-current="page"{% endif %}>{{ label }}</a></li>
{% endfor %}
</ul>
{%- endmacro %}

{% macro related_list(related_items) -%}
<ul>
{% for related in related_items %}
<li><a href="{{ link(related.item.out_path) }}">{{ related.item.title }}</a> <span class="meta">{{ related.item.date_text }}{% if related.item.source %} · {{ related.item.source }}{% endif %}</span>
<span class="shared">Both mention {{ related.shared|map(attribute="name")|join(", ") }}</span></li>
{% endfor %}
</ul>
{%- endmacro %}

{% macro evidence_section(evidence) -%}
<section class="topic-evidence">
<h3><a href="{{ link(evidence.topic.out_path) }}">{{ evidence.topic.name }}</a> <span class="count">{{ evidence.topic.count }} mention{{ "s" if evidence.topic.count != 1 }}</span></h3>
<p class="aliases">Matched {{ alias_counts(evidence.aliases) }}</p>
{{ evidence_sentences(evidence) }}
</section>
{%- endmacro %}

{% macro field_table_body(fields) -%}
<tbody>
{% for field in fields %}
<tr><th scope="row">{{ field.name }}</th><td>{{ field.value }}</td><td>{{ field.origin }}</td></tr>
{% endfor %}
</tbody>
{%- endmacro %}

{% macro removed_table_body(removed_lines) -%}
<tbody>
{% for removed in removed_lines %}
<tr><td>{{ removed.line }}</td><td>{{ removed.text }}</td><td><span class="rule">{{ removed.rule }}</span>: {{ removed.reason }}</td></tr>
{% endfor %}
</tbody>
{%- endmacro %}

{% macro topic_entry(entry) -%}
{% set evidence = entry.evidence %}
<div class="topic-entry">
{{ article_card(entry.item) }}
<details>
<summary>{{ evidence.topic.name }} in this article: {{ alias_counts(evidence.aliases) }}</summary>
{{ evidence_sentences(evidence) }}
</details>
</div>
{%- endmacro %}

{% macro quoted_in(item, lines, number) -%}
<section class="quoted-in" aria-labelledby="in-{{ number }}">
<h2 id="in-{{ number }}"><a href="{{ link(item.out_path) }}">{{ item.title }}</a></h2>
<p class="meta">{{ date_link(item) }}{% if item.source %} · <span class="source">{{ item.source }}</span>{% endif %}</p>
{{ quote_list(lines, show_speaker=False) }}
</section>
{%- endmacro %}
"""

HOSTILE = "<script>alert('x')</script> & \"{{ 1 }}\" {% if %}"
PAGES = ["index.html", "topics/russia.html", "topics/russia/3.html", "archive/2019/08/26.html",
         "archive/2019/08/index.html", "articles/a.html", "matrix/russia/idlib.html"]

TOPICS = (
    TopicLink("Russia", "russia", "actor", "topics/russia.html", 3),
    TopicLink(HOSTILE, "odd", "place", "topics/odd.html", 1),
)
ITEMS = {
    "dated": ArticleItem("Kremlin says", "articles/a.html", datetime.date(2019, 8, 26), "26 August 2019",
                         "archive/2019/08/26.html", "Press TV", "The Kremlin said.", 2, TOPICS),
    "undated": ArticleItem("No date", "articles/b.html", None, "Undated", "archive/undated.html",
                           None, "", 1, ()),
    "hostile": ArticleItem(HOSTILE, "articles/c.html", datetime.date(2015, 11, 25), "25 November 2015",
                           "archive/2015/11/25.html", HOSTILE, HOSTILE, 12, TOPICS[1:]),
}
# The sentences of an analysis (the title, paragraph 3, paragraph 1): fragments.py reads them
# as they are, the reference macro through TopicEvidence.sentences. The last sentence has
# empty matches, matches side by side and a match at each end.
def found(*sentences: SentenceMatches) -> TagEvidence:
    """An analysis's evidence with these sentences."""
    return TagEvidence("russia", (), pack_sentences(sentences))


EVIDENCE = TopicEvidence(TOPICS[0], (("Russia", 1), (HOSTILE, 2)), "articles/a.html", found(
    SentenceMatches(-1, f"Russia said {HOSTILE}", ((0, 6),)),
    SentenceMatches(2, "In Moscow & <b>", ((3, 9),)),
    SentenceMatches(0, f"{HOSTILE}<i>&Idlib",
                    ((0, 0), (0, 8), (8, 14), (14, 14), (len(HOSTILE) + 4, len(HOSTILE) + 9))),
))
QUOTES = (
    SimpleNamespace(text=HOSTILE, out_path="articles/a.html#p2", where="paragraph 2", attribution="he said",
                    how="named", speaker="Dmitry Peskov", speaker_out_path="voices/dmitry-peskov.html",
                    article=ITEMS["dated"]),
    SimpleNamespace(text="We will", out_path="articles/c.html#p1", where="paragraph 1", attribution=HOSTILE,
                    how="the last speaker named, in paragraph 1", speaker=None, speaker_out_path=None,
                    article=ITEMS["hostile"]),
)


def reference(out_path: str, macro: str, *args) -> str:
    """Return what reference ``macro`` gives for ``args`` on a page at ``out_path``."""
    macros = make_environment().from_string(REFERENCE_MACROS).make_module({"page": SimpleNamespace(out_path=out_path)})
    return getattr(macros, macro)(*args)


@pytest.mark.parametrize("out_path", PAGES)
@pytest.mark.parametrize("name", sorted(ITEMS))
@pytest.mark.parametrize("heading_level", [2, 3])
def test_card_is_the_macros_card(name, out_path, heading_level):
    item = ITEMS[name]
    expected = reference(out_path, "article_card", item, heading_level)
    assert PageFragments(out_path).card(item, heading_level) == expected
    # Made once per item and level, then only linked again: a second page gets its own links.
    assert PageFragments(out_path).card(item, heading_level) == expected


@pytest.mark.parametrize("out_path", PAGES)
def test_date_link_and_topic_list_are_the_macros(out_path):
    html = PageFragments(out_path)
    for item in ITEMS.values():
        assert html.date_link(item) == reference(out_path, "date_link", item)
        assert html.topic_list(item.topics, HOSTILE) == reference(out_path, "topic_list", item.topics, HOSTILE)


@pytest.mark.parametrize("out_path", PAGES)
def test_evidence_list_is_the_macros_list(out_path):
    expected = reference(out_path, "evidence_sentences", EVIDENCE)
    assert PageFragments(out_path).evidence_list(EVIDENCE) == expected


def test_alias_list_is_the_macros_list():
    aliases = (("Turkey", 3), (HOSTILE, 1))
    assert PageFragments.alias_list(aliases) == reference("index.html", "alias_counts", aliases)
    assert PageFragments.alias_list(()) == ""


@pytest.mark.parametrize("out_path", PAGES)
@pytest.mark.parametrize("show_article, show_speaker", [(False, True), (True, True), (False, False)])
def test_quotation_list_is_the_macros_list(out_path, show_article, show_speaker):
    expected = reference(out_path, "quote_list", QUOTES, show_article, show_speaker)
    assert PageFragments(out_path).quotation_list(QUOTES, show_article, show_speaker) == expected


@pytest.mark.parametrize("out_path", PAGES)
def test_matched_articles_and_pair_entries_are_the_templates(out_path):
    articles = ((ITEMS["dated"], 3), (ITEMS["hostile"], 1))
    html = PageFragments(out_path)
    assert html.matched_articles(articles) == reference(out_path, "matched_articles", articles)
    evidence = (SimpleNamespace(topic=TOPICS[0], aliases=(("Kremlin", 2),)),
                SimpleNamespace(topic=TOPICS[1], aliases=((HOSTILE, 1), ("Idlib", 4))))
    for item in ITEMS.values():
        entry = SimpleNamespace(item=item, evidence=evidence)
        assert html.pair_entry(entry) == reference(out_path, "pair_entry", entry)


def test_a_card_is_made_again_for_another_record_with_the_same_page():
    # Cards are kept by record: an edited article (a new record, same out_path) gets a new card.
    first = ITEMS["dated"]
    edited = ArticleItem(**{**first.__dict__, "title": "Kremlin says again"})
    assert "Kremlin says again" not in PageFragments("index.html").card(first)
    assert "Kremlin says again" in PageFragments("index.html").card(edited)


def test_a_sentence_list_is_made_again_for_another_analysis():
    # The rows are kept by the analysis's evidence: an edited article (a new analysis) gets new rows.
    edited = TopicEvidence(EVIDENCE.topic, EVIDENCE.aliases, EVIDENCE.article_out_path,
                           found(SentenceMatches(4, "Russia again", ((0, 6),))))
    assert "again" not in PageFragments("index.html").evidence_list(EVIDENCE)
    assert "Russia</mark> again" in PageFragments("index.html").evidence_list(edited)


@pytest.mark.parametrize("out_path", PAGES + ["search.html", "topics/index.html", "archive/undated.html"])
def test_navigation_is_the_layouts_list(out_path):
    nav = navigation(has_undated=True) + ((HOSTILE, "topics/odd.html"),)
    assert PageFragments(out_path).navigation(nav) == reference(out_path, "navigation", nav)


@pytest.mark.parametrize("out_path", PAGES)
def test_link_is_the_templates_link(out_path):
    html = PageFragments(out_path)
    environment = make_environment()
    targets = [out_path, f"{out_path}#p3", "index.html", "articles/a.html#why-tags", "assets/style.css",
               "topics/russia/3.html", "matrix/russia/idlib.html#x", "odd & <name>.html"]
    for target in targets:
        expected = environment.from_string("{{ link(target) }}").render(page=SimpleNamespace(out_path=out_path),
                                                                        target=target)
        assert html.link(target) == urls.relative_url(out_path, target)
        assert html._href(target) == expected


@pytest.mark.parametrize("out_path", PAGES)
def test_rows_made_where_the_article_is_loaded_give_the_same_list(out_path):
    packed = EVIDENCE.found._replace(packed_rows=pack_evidence_rows(EVIDENCE.found))
    with_rows = TopicEvidence(EVIDENCE.topic, EVIDENCE.aliases, EVIDENCE.article_out_path, packed)
    assert PageFragments(out_path).evidence_list(with_rows) == reference(out_path, "evidence_sentences", EVIDENCE)
    unreadable = packed._replace(packed_sentences=b"not a pickle")  # the rows alone are read
    assert PageFragments(out_path).evidence_section(replace(with_rows, found=unreadable)) == reference(
        out_path, "evidence_section", EVIDENCE)


def test_a_pair_entry_does_not_read_the_sentences_back():
    # Pairs show the aliases; the sentences, read back from the cache, are left to the article's page.
    unreadable = TagEvidence("russia", (("Russia", 2),), b"not a pickle")
    entry = TopicArticle(ITEMS["dated"], TOPICS[0], SimpleNamespace(evidence=(unreadable,)), 0)
    pair_entry = SimpleNamespace(item=entry.item, evidence=(entry.evidence,))
    assert "<q>Russia</q> × 2" in PageFragments("index.html").pair_entry(pair_entry)
    with pytest.raises(pickle.UnpicklingError):
        entry.evidence.matches


@pytest.mark.parametrize("out_path", PAGES)
def test_article_pieces_are_the_templates_loops(out_path):
    html = PageFragments(out_path)
    related = (RelatedItem(ITEMS["dated"], TOPICS), RelatedItem(ITEMS["undated"], ()),
               RelatedItem(ITEMS["hostile"], TOPICS[1:]))
    assert html.related_list(related) == reference(out_path, "related_list", related)
    for topic in TOPICS:  # 3 mentions, and 1
        evidence = TopicEvidence(topic, EVIDENCE.aliases, EVIDENCE.article_out_path, EVIDENCE.found)
        assert html.evidence_section(evidence) == reference(out_path, "evidence_section", evidence)
    fields = (FieldOrigin("Title", HOSTILE, "front matter"), FieldOrigin(HOSTILE, "x & y", HOSTILE))
    removed = (RemovedLine(3, HOSTILE, "share-links", "Share on <b>"), RemovedLine(12, "Menu", HOSTILE, HOSTILE))
    for rows in (fields, ()):
        assert html.field_table_body(rows) == reference(out_path, "field_table_body", rows)
    for rows in (removed, ()):
        assert html.removed_table_body(rows) == reference(out_path, "removed_table_body", rows)


@pytest.mark.parametrize("out_path", PAGES)
def test_topic_entries_and_quoted_in_are_the_templates_loops(out_path):
    html = PageFragments(out_path)
    for item in ITEMS.values():
        entry = SimpleNamespace(item=item, evidence=EVIDENCE)
        assert html.topic_entry(entry) == reference(out_path, "topic_entry", entry)
        assert html.quoted_in(item, QUOTES, 7) == reference(out_path, "quoted_in", item, QUOTES, 7)


@pytest.mark.parametrize("out_path", PAGES)
def test_lists_of_entries_are_the_entries_line_by_line(out_path):
    # Templates place a list with a line break after it, only when it is not empty: the loop's HTML.
    html = PageFragments(out_path)
    evidence = (EVIDENCE, TopicEvidence(TOPICS[1], ((HOSTILE, 1),), "articles/c.html", found(*EVIDENCE.matches[1:])))
    topic_entries = [SimpleNamespace(item=item, evidence=EVIDENCE) for item in ITEMS.values()]
    pair_entries = [SimpleNamespace(item=item, evidence=evidence) for item in ITEMS.values()]
    for count in (0, 1, 3):
        assert html.topic_entries(topic_entries[:count]) == "\n".join(
            reference(out_path, "topic_entry", entry) for entry in topic_entries[:count])
        assert html.pair_entries(pair_entries[:count]) == "\n".join(
            reference(out_path, "pair_entry", entry) for entry in pair_entries[:count])
    for count in (0, 1, 2):
        assert html.evidence_sections(evidence[:count]) == "\n".join(
            reference(out_path, "evidence_section", one) for one in evidence[:count])


PAGERS = [
    Pager(None, 41, 60, None, None),
    Pager(None, 41, 60, "pages/2.html", None),
    Pager(1, 1, 20, None, "pages/2.html"),
    Pager(2, 21, 40, "topics/russia/1.html", "topics/russia.html"),
    Pager(3, 41, 60, "a&b/<c>.html", "x/y/z.html"),
]


@pytest.mark.parametrize("out_path", PAGES)
@pytest.mark.parametrize("pager", PAGERS)
def test_pager_nav_is_the_macro_themes_import(out_path, pager):
    # The macro stays in templates/_macros.html for themes: the two must agree.
    imported = make_environment().from_string(
        '{% from "_macros.html" import pager_nav with context %}{{ pager_nav(pager) }}')
    expected = imported.render(page=SimpleNamespace(out_path=out_path), pager=pager)
    assert PageFragments(out_path).pager_nav(pager) == expected


def test_pages_of_lists_leave_no_garbage_for_the_cycle_collector(tagged, taxonomy):
    """Rendering a page of a list frees what it made as it goes, by reference counts.

    A template that imports a macro with context makes a reference cycle of it for each
    page, which the cycle collector then has to find: about 0.9 s of each rendering process
    at 10,000 articles, when the pages of lists imported pager_nav.
    """
    plan = plan_site(tagged, taxonomy, Settings(page_size=1))
    listed = [page for page in plan.pages
              if getattr(page.context, "pager", None) is not None and not getattr(page.context, "timeline", None)]
    assert {page.template for page in listed} >= {"index.html", "topic.html", "pair.html", "person.html"}
    environment = make_environment()
    nav = navigation(has_undated=False)
    for page in listed[:2]:  # compiled first: loading a template makes cycles of its own
        render_page(environment, page, nav, "Digest")
    gc.collect()
    gc.disable()
    try:
        for page in listed:
            assert 'class="pager"' in render_page(environment, page, nav, "Digest") or page.context.pager.number is None
        assert gc.collect() == 0
    finally:
        gc.enable()
