"""articles.json: every record of the build for tools downstream, in a stable schema.

The schema is documented in the README ("articles.json"); a change that removes or renames
a key must bump SCHEMA.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import NamedTuple

from . import urls
from .kept import UNREADABLE, keep, read_kept
from .model import Article, Taxonomy
from .quotes import Quotation, extract_quotations
from .stored import Stored, StoredFile, contents, place_of

SCHEMA = "digest-articles/2"
LAYOUT_FORMAT = 2  # of what KeptRecords keeps


def articles_json(articles: list[Article], taxonomy: Taxonomy, generator: str,
                  quotations: Mapping[str, Sequence[Quotation]] | None = None,
                  records: Mapping[str, bytes | Stored] | None = None) -> bytes:
    """Return articles.json for ``articles`` (already in the index's order): articles_json_parts, joined."""
    return b"".join(map(contents, articles_json_parts(articles, taxonomy, generator, quotations, records)))


def articles_json_parts(articles: list[Article], taxonomy: Taxonomy, generator: str,
                        quotations: Mapping[str, Sequence[Quotation]] | None = None,
                        records: Mapping[str, bytes | Stored] | None = None,
                        layout: dict[str, Placed] | None = None) -> Iterator[bytes | Stored]:
    """Yield articles.json in parts, two an article at most, for a writer that can take them
    one by one (write.stage_file): records kept in the article cache come as they are kept, Stored.

    ``quotations`` are extract_quotations of the articles, by slug, for a caller that has
    them already; any missing are extracted here. ``records`` are article_record of the
    articles, by source path, made where they were loaded (in a worker process, or kept in
    the article cache): encoding the records is most of the work, and each depends on its
    article alone. The file is compact, one article a line:
    json.dumps encodes in C only without ``indent``, several times faster on what is tens
    of megabytes for 1,000 articles, and the lines keep it readable in a pager and diffs per
    article. Each part is encoded to UTF-8 on its own: the text of the whole file, one string,
    would take twice its size in memory or more.

    ``layout``, if given, is filled with where each article's record lies in the file, by
    source path, for the next build to read unchanged records back from it. A record may be
    the article's line of the previous file (a KeptLine, from KeptRecords.find): where it is
    the line the article gets here, it is taken whole, and a run of such lines as one Stored
    part, which write.stage_file has the kernel copy.
    """
    topics = [
        {"slug": topic.slug, "name": topic.name, "kind": topic.kind, "page": urls.topic_path(topic.slug)}
        for topic in taxonomy.topics
    ]
    head = f'{{"schema":{_encode(SCHEMA)},"generator":{_encode(generator)},"topics":{_encode(topics)}'
    opening = f'{head},"articles":['.encode()
    yield opening
    position = len(opening)
    known = quotations or {}
    made = records or {}
    # A run of lines taken whole from the previous file, next to each other there: its bytes
    # from run_start to run_end in run_file.
    run_file: StoredFile | None = None
    run_start = run_end = 0
    first = True  # the first line begins with a newline, the others with a comma too
    new_placed = tuple.__new__  # a Placed in one C call, for each of 100,000 lines
    for article in articles:
        record = made.get(article.source_path) or article_record(article, taxonomy, known.get(article.slug))
        if type(record) is KeptLine and record.first is first:
            # Its slug is the article's (KeptRecords.find), and it begins as the line here
            # does: it is the same line, keys and all, which need not be made again.
            line = record
            start, line_length = line.offset, line.length
            keys_length = line.keys_length
            length = line_length - keys_length
            if run_file is line.file and run_end == start:
                run_end = start + line_length
            else:
                if run_file is not None:
                    yield Stored.at(run_file, run_start, run_end - run_start)
                run_file, run_start, run_end = line.file, start, start + line_length
        else:
            keys = b"%s{\"slug\":%s,\"page\":%s," % (b"\n" if first else b",\n", _encode(article.slug).encode(),
                                                       _encode(urls.article_path(article.slug)).encode())
            keys_length = len(keys)
            if type(record) is KeptLine:
                record = record.record()
            length = record.length if type(record) is Stored else len(record)
            if run_file is not None:
                yield Stored.at(run_file, run_start, run_end - run_start)
                run_file = None
            yield keys
            yield record
        if layout is not None:
            layout[article.source_path] = new_placed(Placed, (article.content_hash, article.slug, position,
                                                              keys_length, length))
        position += keys_length + length
        first = False
    if run_file is not None:
        yield Stored.at(run_file, run_start, run_end - run_start)
    yield b"\n]}\n"


class Placed(NamedTuple):
    """Where an article's line lies in articles.json: its keys, then its record."""

    content_hash: str  # the article's, which the record follows from
    slug: str  # which the keys hold
    offset: int  # of the line: the separator before it, then the keys
    keys_length: int
    record_length: int


class KeptLine(Stored):
    """An article's line in the previous articles.json: its keys, ``keys_length`` bytes, then
    its record. The keys begin with the separator: a comma, but before the ``first`` line."""

    __slots__ = ("keys_length", "first")

    def __init__(self, file: StoredFile, offset: int, length: int, keys_length: int, first: bool):
        super().__init__(file, place_of(offset, length))
        self.keys_length = keys_length
        self.first = first

    def record(self) -> Stored:
        return Stored.at(self.file, self.offset + self.keys_length, self.length - self.keys_length)


class KeptRecords:
    """The records of the articles.json of the last build, to be read back from that file.

    An edit changes a record or two: the others are read from the previous site's file in
    the order they are written, rather than from the article cache in no order at all. At
    100,000 articles the file is 1.8 GB, and the cache's shards are seldom still in memory
    when the next build comes: reading its records scattered over them took half a minute.
    The layout of the file is kept beside the article cache with the manifest of the site
    it belongs to and the key of the cache (digest's code and the taxonomy, which records
    depend on); a record is taken when its article's content hash is the same.
    """

    def __init__(self, path: Path, key: str):
        self.path = path
        self.key = key

    def find(self, manifest: str | None, articles_json: Path, hashes: Mapping[str, str],
             slugs: Mapping[str, str]) -> tuple[StoredFile | None, dict[str, KeptLine]]:
        """Return the previous articles.json, open, and the lines of it to take, by source
        path, for the articles whose content hashes are ``hashes`` and slugs ``slugs``, both
        by source path; (None, {}) if none.

        ``manifest`` is the hash of the manifest of the site that holds ``articles_json``.
        """
        kept = read_kept(self.path)
        try:
            if (manifest is None or kept["format"] != LAYOUT_FORMAT or kept["manifest"] != manifest
                    or kept["key"] != self.key):
                return None, {}
            layout, size = kept["layout"], kept["size"]
            fd = os.open(articles_json, os.O_RDONLY)
        except UNREADABLE:
            return None, {}  # only ever a shortcut: records come from the article cache
        file = StoredFile(fd, str(articles_json))
        if os.fstat(fd).st_size != size:
            file.close()
            return None, {}
        first = min((placed[2] for placed in layout.values()), default=0)  # the first line's offset
        taken = {source_path: KeptLine(file, offset, keys_length + record_length, keys_length, offset == first)
                 for source_path, (content_hash, slug, offset, keys_length, record_length) in layout.items()
                 if hashes.get(source_path) == content_hash and slugs.get(source_path) == slug}
        return file, taken

    def carry(self, manifest: str | None, new_manifest: str) -> None:
        """Keep the layout of the site of ``manifest`` for the site of ``new_manifest``, which
        took its articles.json over."""
        kept = read_kept(self.path)
        try:
            if (manifest is None or kept["format"] != LAYOUT_FORMAT or kept["manifest"] != manifest
                    or kept["key"] != self.key):
                return
            size, layout = kept["size"], kept["layout"]
        except UNREADABLE:
            return
        self.save(new_manifest, size, layout)

    def save(self, manifest: str, size: int, layout: dict[str, Placed]) -> None:
        """Keep ``layout`` of the articles.json of ``size`` bytes, in the site of ``manifest``."""
        keep(self.path, {"format": LAYOUT_FORMAT, "manifest": manifest, "key": self.key, "size": size,
                         "layout": {source_path: tuple(placed) for source_path, placed in layout.items()}})


def article_record(article: Article, taxonomy: Taxonomy, quotations: Sequence[Quotation] | None = None) -> bytes:
    """Return an article's record in articles.json, UTF-8, without its opening brace and the
    two keys that follow from its slug ("slug" and "page").

    Without them it depends on the article and the taxonomy alone, not on the other articles
    (which decide the slug), so it can be made when the article is loaded and kept with it.
    ``quotations`` are extract_quotations of the article, if the caller has them.
    """
    return _encode(_article_record(article, taxonomy, quotations))[1:].encode()


def _encode(value: object) -> str:
    return _ENCODER.encode(value)


# default=str: front matter fields digest does not know may be YAML dates or times. One
# encoder for every value: json.dumps with options makes a new one each call, which took ten
# times as long as encoding the slug and the page of an article.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def _article_record(article: Article, taxonomy: Taxonomy, quotations: Sequence[Quotation] | None) -> dict:
    return {
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
                        "sentence_start": mention.sentence_start,
                        "sentence_end": mention.sentence_start + len(mention.sentence),
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
            for quotation in (extract_quotations(article, taxonomy) if quotations is None else quotations)
        ],
        "extra": {key: value for key, value in article.extra},
    }
