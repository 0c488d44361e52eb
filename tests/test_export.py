"""articles.json: valid JSON, one article a line, the same whoever extracted the quotations."""

import json

from digest.export import SCHEMA, article_record, articles_json, articles_json_parts
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


def test_records_made_apart_make_the_same_file(tagged, taxonomy):
    # As a build makes them: each when its article is loaded, before slugs are given out.
    records = {article.source_path: article_record(article, taxonomy) for article in tagged}
    assert articles_json(tagged, taxonomy, "g", records=records) == articles_json(tagged, taxonomy, "g")


def test_the_parts_are_the_file(tagged, taxonomy):
    parts = list(articles_json_parts(tagged, taxonomy, "g"))
    assert len(parts) == 2 * len(tagged) + 2  # the head, each article's keys and its record, the end
    assert b"".join(parts) == articles_json(tagged, taxonomy, "g")


def test_no_articles_is_still_json(taxonomy):
    assert json.loads(articles_json([], taxonomy, "g"))["articles"] == []


def test_each_match_gives_its_sentence_by_offsets_into_its_block(tagged, taxonomy):
    document = json.loads(articles_json(tagged, taxonomy, "g"))
    checked = 0
    for record, article in zip(document["articles"], tagged):
        texts = {-1: record["title"], **{number: block["text"] for number, block in enumerate(record["body"])}}
        mentions = [mention for tag in article.tags for mention in tag.mentions]
        evidence = [found for topic in record["topics"] for found in topic["evidence"]]
        assert len(evidence) == len(mentions)
        for found, mention in zip(evidence, mentions):
            text = texts[found["block"]]
            sentence = text[found["sentence_start"]:found["sentence_end"]]
            assert sentence == mention.sentence
            assert found["sentence_start"] <= found["start"] < found["end"] <= found["sentence_end"]
            assert text[found["start"]:found["end"]] == found["matched"]
            checked += 1
    assert checked > 50
