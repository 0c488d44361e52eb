"""Both cores: load and tag article files, and render pages, in worker processes.

Workers are forked after the taxonomy is compiled and the site is planned, so they inherit
the matcher, the plan and the compiled templates instead of receiving them. Output does
not depend on which worker did what: loading returns results in file order, and every page
is written to its own path.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .cache import LoadedFile, content_hash, file_status
from .errors import DigestError, DigestErrors
from .load import load_article
from .render import render_page
from .tag import Matcher, tag_article
from .analysis import ArticleAnalysis
from .model import Article
from .write import stage_file, stage_unchanged

# Below these, starting processes costs more than it saves.
PARALLEL_MIN_FILES = 200
PARALLEL_MIN_PAGES = 400
LOAD_CHUNK = 50
RENDER_CHUNK = 100

# What the forked workers inherit; set just before a pool starts.
_job: dict = {}


def available_workers() -> int:
    """Return how many processes this machine lets the build use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def load_files(paths: Sequence[Path], folder: Path, matcher: Matcher, workers: int,
               on_done: Callable[[int], None] = lambda done: None) -> list[LoadedFile]:
    """Return the loaded and tagged ``paths``, in their order, using ``workers`` processes."""
    _job.update(folder=folder, matcher=matcher)
    chunks = [paths[start:start + LOAD_CHUNK] for start in range(0, len(paths), LOAD_CHUNK)]
    results: list[LoadedFile] = []
    for chunk_results in _map(_load_chunk, chunks, workers):
        results.extend(chunk_results)
        on_done(len(results))
    return results


def _load_chunk(paths: Sequence[Path]) -> list[LoadedFile]:
    return [load_file(path, _job["folder"], _job["matcher"]) for path in paths]


def load_file(path: Path, folder: Path, matcher: Matcher) -> LoadedFile:
    """Return one file loaded and tagged, or the errors that keep it out."""
    source_path = path.relative_to(folder).as_posix()
    # Taken before reading: a file edited while it is read is read again next time.
    try:
        status = file_status(path)
    except OSError:
        status = (-1, -1, -1)
    try:
        article, warnings = load_article(path, folder)
    except DigestErrors as exc:
        return LoadedFile(source_path, status, content_hash(path), None, tuple(exc.errors))
    except DigestError as exc:
        return LoadedFile(source_path, status, content_hash(path), None, (exc,))
    return LoadedFile(source_path, status, article.content_hash, tag_article(article, matcher), (), tuple(warnings))


def render_pages(pages: Sequence, environment, plan, site_title: str, staging, previous_keys: dict[str, str],
                 common_key: str, workers: int,
                 on_done: Callable[[int], None] = lambda done: None) -> tuple[dict[str, str], int]:
    """Write every page into the staging folder, using ``workers`` processes.

    A page whose key (``common_key`` and its context) is the one it had in the previous
    build is taken over from the previous site instead of being rendered again. Returns the
    key of every page, and how many pages were rendered.
    """
    _job.update(pages=pages, environment=environment, plan=plan, site_title=site_title, staging=staging,
                previous_keys=previous_keys, common_key=common_key,
                content_hashes={article.source_path: article.content_hash for article in plan.articles})
    chunks = [range(start, min(start + RENDER_CHUNK, len(pages))) for start in range(0, len(pages), RENDER_CHUNK)]
    keys: dict[str, str] = {}
    rendered = 0
    for chunk_keys, chunk_rendered in _map(_render_chunk, chunks, workers, ordered=False):
        keys.update(chunk_keys)
        rendered += chunk_rendered
        on_done(len(keys))
    return keys, rendered


def _render_chunk(indices: range) -> tuple[dict[str, str], int]:
    pages, staging, previous_keys = _job["pages"], _job["staging"], _job["previous_keys"]
    keys: dict[str, str] = {}
    rendered = 0
    for index in indices:
        page = pages[index]
        key = page_key(page, _job["common_key"], _job["content_hashes"])
        keys[page.out_path] = key
        if previous_keys.get(page.out_path) == key and stage_unchanged(staging.folder, staging.out_dir, page.out_path):
            continue
        html = render_page(_job["environment"], page, _job["plan"], _job["site_title"])
        stage_file(staging.folder, page.out_path, html.encode())
        rendered += 1
    return keys, rendered


class _KeyPickler(pickle.Pickler):
    """Pickles a page's context, with each article and its analysis stood for by its content hash.

    An article's record, and what analysis.py derives from it alone, follow from its file's
    content (with the taxonomy, the settings and digest's code, which are in the common key),
    so the hash tells them apart as surely as their pickles would, for a fraction of the cost.
    """

    def __init__(self, stream, content_hashes: dict[str, str]):
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.content_hashes = content_hashes

    def persistent_id(self, obj):
        kind = type(obj)
        if kind is Article:
            return f"article:{obj.slug}:{obj.content_hash}"
        if kind is ArticleAnalysis:
            return f"analysis:{obj.source_path}:{self.content_hashes[obj.source_path]}"
        return None


def page_key(page, common_key: str, content_hashes: dict[str, str]) -> str:
    """Return a digest of all a page's HTML depends on: the common inputs and its context.

    ``content_hashes`` maps each article's source path to the hash of its file.
    """
    stream = io.BytesIO()
    _KeyPickler(stream, content_hashes).dump((page.out_path, page.template, page.title, page.context))
    return hashlib.sha1(common_key.encode() + stream.getvalue()).hexdigest()


def _map(function, chunks: list, workers: int, ordered: bool = True) -> Iterator:
    """Yield function(chunk) for each chunk, in a pool of forked processes when that pays."""
    if workers <= 1 or len(chunks) <= 1:
        yield from map(function, chunks)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(min(workers, len(chunks))) as pool:
        results = pool.imap(function, chunks) if ordered else pool.imap_unordered(function, chunks)
        yield from results
