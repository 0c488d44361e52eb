"""The pieces lists repeat, made in Python: the same HTML as the Jinja macros they replaced."""

import datetime
from types import SimpleNamespace

import pytest

from digest.fragments import PageFragments
from digest.render import make_environment
from digest.site import ArticleItem, EvidenceSentence, TopicLink

# The macros of templates/_macros.html and _story.html, and the loops of topic.html and
# pair.html, as they were before fragments.py made these pieces: the reference for every
# escape, space and line break.
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
EVIDENCE = SimpleNamespace(sentences=(
    EvidenceSentence((("Russia", True), (" said ", False), (HOSTILE, False)), "articles/a.html", "title"),
    EvidenceSentence((("In ", False), ("Moscow", True), (" & <b>", False)), "articles/a.html#p3", "paragraph 3"),
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
