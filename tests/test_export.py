"""articles.json: valid JSON, one article a line, the same whoever extracted the quotations."""

import json

from digest.export import SCHEMA, articles_json, articles_json_parts
from digest.quotes import extract_quotations


def test_articles_json_is_json_with_one_article_a_line(tagged, taxonomy):
    content = articles_json(tagged, taxonomy, "digest test")
    document = json.loads(content)
    assert document["schema"] == SCHEMA
    assert [record["slug"] for record in document["articles"]] == [article.slug for article in tagged]
    lines = content.decode().splitlines()
    assert len(lines) == 1 + len(tagged) + 1  # the head, an article a line, the closing brackets
    assert [json.loads(line.rstrip(","))["slug"] for line in lines[1:-1]] == [article.slug for article in tagged]


def test_quotations_given_make_the_same_file(tagged, taxonomy):
    known = {article.slug: extract_quotations(article, taxonomy) for article in tagged}
    assert articles_json(tagged, taxonomy, "g", known) == articles_json(tagged, taxonomy, "g")


def test_the_parts_are_the_file(tagged, taxonomy):
    parts = list(articles_json_parts(tagged, taxonomy, "g"))
    assert len(parts) == len(tagged) + 2
    assert b"".join(parts) == articles_json(tagged, taxonomy, "g")


def test_no_articles_is_still_json(taxonomy):
    assert json.loads(articles_json([], taxonomy, "g"))["articles"] == []
