"""articles.json: every record of the build for tools downstream, in a stable schema.

The schema is documented in the README ("articles.json"); a change that removes or renames
a key must bump SCHEMA.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from . import urls
from .model import Article, Taxonomy
from .quotes import extract_quotations

SCHEMA = "digest-articles/1"


def articles_json(articles: list[Article], taxonomy: Taxonomy, generator: str) -> bytes:
    """Return articles.json for ``articles`` (already in the index's order)."""
    document = {
        "schema": SCHEMA,
        "generator": generator,
        "topics": [
            {"slug": topic.slug, "name": topic.name, "kind": topic.kind, "page": urls.topic_path(topic.slug)}
            for topic in taxonomy.topics
        ],
        "articles": [_article_record(article, taxonomy) for article in articles],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1, default=str) + "\n").encode()


def _article_record(article: Article, taxonomy: Taxonomy) -> dict:
    return {
        "slug": article.slug,
        "page": urls.article_path(article.slug),
        "source_file": article.source_path,
        "content_sha256": article.content_hash,
        "title": article.title,
        "source": article.source,
        "date": article.date.isoformat() if article.date else None,
        "url": article.url,
        "origins": asdict(article.origins),
        "dateline": asdict(article.dateline) if article.dateline else None,
        "body": [{"kind": block.kind, "text": block.text, "line": block.line} for block in article.blocks],
        "topics": [
            {
                "slug": tag.slug,
                "name": taxonomy.topic(tag.slug).name,
                "kind": taxonomy.topic(tag.slug).kind,
                "count": tag.count,
                "evidence": [
                    {
                        "alias": mention.alias,
                        "matched": mention.matched,
                        "block": mention.block,
                        "start": mention.start,
                        "end": mention.end,
                        "sentence": mention.sentence,
                    }
                    for mention in tag.mentions
                ],
            }
            for tag in article.tags
        ],
        "removed": [{"line": removal.line, "rule": removal.rule, "text": removal.text} for removal in article.removed],
        "quotes": [
            {
                "text": quotation.text,
                "speaker": quotation.speaker.name if quotation.speaker else None,
                "person": quotation.speaker.slug if quotation.speaker else None,
                "actor": quotation.speaker.actor if quotation.speaker else None,
                "attribution": quotation.attribution,
                "how": quotation.how,
                "resolved_from": quotation.resolved_from,
                "block": quotation.block,
                "start": quotation.start,
                "end": quotation.end,
            }
            for quotation in extract_quotations(article, taxonomy)
        ],
        "extra": {key: value for key, value in article.extra},
    }
