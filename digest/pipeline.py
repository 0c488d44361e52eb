"""build_site(): load -> tag -> plan -> render -> write, top to bottom."""

from __future__ import annotations

import gc
import shutil
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

from . import __version__, urls
from .aliases import aliases_record, updated_aliases
from .errors import DigestError, DigestErrors
from .export import KeptRecords, Placed, articles_json_parts
from .feeds import feed_xml, plan_feeds
from .collector import collector_paused
from .cache import (
    ArticleCache,
    LoadedFile,
    code_fingerprint,
    file_status,
    fingerprint,
    folder_fingerprint,
    is_racy,
    read_build_record,
    write_build_record,
)
from .load import assign_slugs, find_article_paths
from .lock import build_lock
from .related import KeptRanking, Move
from .render import find_asset, make_environment, navigation, template_search_path
from .postings import Postings, edited_entries
from .search import SearchInput, index_files, search_input
from .site import Reordered, Settings, list_items, newest_first, plan_inputs, plan_pages, render_order
from .sitemap import render_sitemap
from .stored import Stored, receive, send
from .tag import compile_matcher
from .taxonomy import load_taxonomy
from .unchanged import articles_key, find_edits, unchanged_articles, unchanged_pages
from .workers import (PARALLEL_MIN_FILES, PARALLEL_MIN_PAGES, ArticleHashes, Conversation, Helper, available_workers,
                      load_files, render_pages, value_key)
from .write import (
    abandon_staging,
    check_output_folder,
    commit_staging,
    files_under,
    folder_identity,
    make_folders,
    open_staging,
    manifest_hash,
    read_manifest,
    stage_file,
    stage_unchanged,
)

ASSETS = (urls.STYLESHEET, urls.FAVICON, urls.SEARCH_SCRIPT)

# progress(stage, done, total): how far a build is, for a progress bar: "load" (read and tag the
# files that changed), "plan", "write" (render and write the pages).
Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the summary line."""

    articles: int
    pages: int  # HTML pages of the site
    files: int  # every file of the site, pages included
    seconds: float
    out_dir: Path
    skipped: tuple[DigestError, ...] = ()  # bad files left out under keep_going
    warnings: tuple[DigestError, ...] = field(default=())
    unchanged: bool = False  # the inputs were those of the site already built: nothing was written
    reloaded: int = 0  # article files read and tagged again (the others came from the cache)
    rendered: int = 0  # pages rendered (the others were unchanged and taken over from the previous site)

    def summary(self) -> str:
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        if self.unchanged:
            return (
                f"Nothing changed: {self.out_dir} is up to date with {self.articles} articles{skipped} "
                f"({self.pages} pages); checked in {self.seconds:.2f} s"
            )
        return (
            f"Built {self.articles} articles{skipped} into {self.out_dir}: "
            f"{self.pages} pages ({self.files} files) in {self.seconds:.2f} s"
        )


def cache_folder(out_dir: Path) -> Path:
    """Return where builds into ``out_dir`` keep their cache: beside it, never inside.

    Inside, it would be published, and would make two builds of one input differ.
    """
    out_dir = out_dir.resolve()
    return out_dir.parent / ".digest-cache" / out_dir.name


def build_site(
    articles_dir: Path,
    out_dir: Path,
    *,
    taxonomy_path: Path | None = None,
    settings: Settings = Settings(),
    keep_going: bool = False,
    project_dir: Path | None = None,
    templates_dir: Path | None = None,
    progress: Progress = _no_progress,
    workers: int | None = None,
) -> BuildReport:
    """Build the site for the articles in ``articles_dir`` into ``out_dir``; return a report.

    Bad article files stop the build before anything is written, all of them reported in
    one DigestErrors; with ``keep_going`` they are left out and listed in the report.
    Templates and assets in ``templates_dir`` replace digest's own of the same name.
    ``workers`` processes share the work (default: every core, for sites large enough to
    gain from it). When nothing that the site depends on has changed since the build that
    made ``out_dir``, nothing is written; articles unchanged since the last build are taken
    from a cache instead of being read and tagged again. Either way the site is the one a
    full build would write, byte for byte.
    """
    # The articles and the plan, made with the cycle collector paused (collector.py), live
    # until the build ends and hold no cycles. Frozen, they are left out of every later
    # collection (a tenth of a build's time went to walking them), and forked workers do not
    # touch their pages of memory to walk them again.
    with ExitStack() as cleanup:
        try:
            return _build_site(articles_dir, out_dir, taxonomy_path, settings, keep_going, project_dir,
                               templates_dir, progress, workers, cleanup)
        finally:
            gc.unfreeze()


def _build_site(articles_dir: Path, out_dir: Path, taxonomy_path: Path | None, settings: Settings, keep_going: bool,
                project_dir: Path | None, templates_dir: Path | None, progress: Progress,
                workers: int | None, cleanup: ExitStack) -> BuildReport:
    started = time.perf_counter()
    protected = {"the articles folder": articles_dir}
    if project_dir is not None:
        protected["the project folder"] = project_dir
    present = check_output_folder(out_dir, protected)
    cache_dir = cache_folder(out_dir)
    cleanup.enter_context(build_lock(cache_dir, out_dir))
    taxonomy = load_taxonomy(taxonomy_path)
    template_dirs = template_search_path(templates_dir)
    if not articles_dir.is_dir():
        raise DigestError("articles folder does not exist; create it or pass another folder", articles_dir)
    with collector_paused():  # a path and a status a file, 20,000 records at 10,000 articles
        found, link_errors = find_article_paths(articles_dir)
        statuses = [file_status(path) for _, path in found]
    code = code_fingerprint()
    taxonomy_key = fingerprint(code, Path(taxonomy.source_path).read_bytes() if taxonomy.source_path else b"")
    # What every page depends on, besides its own context; the article files come on top.
    inputs_common = fingerprint(taxonomy_key, folder_fingerprint(template_dirs), settings)
    inputs = fingerprint(
        inputs_common, keep_going,
        [(source_path, status) for (source_path, _), status in zip(found, statuses)],
        [str(error) for error in link_errors],
    )
    previous = read_build_record(cache_dir / "build.json", manifest_hash(out_dir))
    if previous is not None and previous.get("site") != folder_identity(out_dir):
        # Another folder with the same files: the site of a build killed after its swap, say,
        # which the record, written after the swap, does not describe.
        previous = None
    if _is_up_to_date(previous, inputs, statuses, out_dir, present):
        return _unchanged_report(previous, out_dir, time.perf_counter() - started)
    # Pages of the last site that are gone from it (removed by hand, say): made again, never taken over.
    lost_pages = set(previous.get("page_keys", {})).difference(present) if previous else set()
    del present  # every file of the site, 50 MiB at 100,000 articles: needed by the check alone

    parallel = (workers or available_workers()) > 1 and (workers is not None or len(found) >= PARALLEL_MIN_PAGES)
    search_kept = cache_dir / "search.pickle"
    # The search index is made in a process of its own, forked now while this one holds
    # little: forked later, it started with every article in its resident memory, and was the
    # largest process of a build. It reads the lists it keeps while this one reads the cache.
    searcher = Helper(partial(_search_index_helper, kept=search_kept, key=inputs_common)) if parallel else None
    if searcher is not None:
        cleanup.callback(searcher.stop)

    # What a loaded file depends on besides its own bytes: the summary's length, as its search
    # weights are made from the summary, and the body they are made from is not kept.
    cache = ArticleCache.open(cache_dir / "articles", fingerprint(taxonomy_key, settings.summary_length))
    cleanup.callback(cache.close)  # what the build reads from it is in the site by then
    loaded: dict[str, LoadedFile] = cache.unchanged(found, statuses)  # by source path
    to_load = [source_path for source_path, _ in found if source_path not in loaded]
    # The cache's entries for the files loaded again: the files as the last build read them,
    # which tell what an edit changed (unchanged.py). Not kept after many edits, which
    # would gain little from them.
    reloading = to_load if len(to_load) * 10 <= len(found) else []
    before = {source_path: cache.entry(source_path) for source_path in reloading}
    gone = cache.missing(source_path for source_path, _ in found)  # the last build's files no longer there
    matcher = compile_matcher(taxonomy)
    reloaded = len(to_load)
    progress("load", 0, reloaded)
    load_workers = workers or (available_workers() if reloaded >= PARALLEL_MIN_FILES else 1)
    with collector_paused():
        fresh = load_files(found, loaded, articles_dir, taxonomy, matcher, settings.summary_length, load_workers,
                           cache, on_done=lambda done: progress("load", done, reloaded))
    loaded.update(fresh)
    # As kept: the bytes that only a page or a file uses are read back from the cache there.
    files = cache.save([loaded[source_path] for source_path, _ in found])
    del loaded, fresh
    errors = [*link_errors, *(error for file in files for error in file.errors)]
    warnings = [warning for file in files for warning in file.warnings]
    if errors and not keep_going:
        raise DigestErrors(errors)
    loaded_articles = [file for file in files if file.article is not None]
    # Each file's slug was made from its title where it was loaded: 40 µs an article here.
    articles = assign_slugs([file.article for file in loaded_articles], [file.wanted_slug for file in loaded_articles])

    ordered = newest_first(articles)
    # The files that are not pages follow from the articles and the common inputs alone.
    others_key = articles_key(inputs_common, ordered)
    take_over = previous is not None and previous.get("others_key") == others_key
    # Made before the workers fork: made after, each record counted into them would copy the
    # page of memory it is on, shared with the workers until then.
    weights = {file.source_path: file.weights for file in files if file.weights}
    records = {file.source_path: file.record for file in files if file.record}
    analyses = {file.source_path: file.analysis for file in files if file.analysis is not None}
    edits = (find_edits(previous.get("others_key"), others_key, inputs_common, ordered, analyses, before, gone)
             if previous else None)
    del before, gone
    # Unchanged records are read back from the previous site's articles.json rather than from the cache.
    kept_records = KeptRecords(cache_dir / "articles-json.pickle", cache.key)
    previous_manifest = previous.get("manifest") if previous else None
    previous_json, unchanged_lines = kept_records.find(
        previous_manifest, out_dir / urls.ARTICLES_JSON,
        {file.source_path: file.content_hash for file in files if file.record},
        {article.source_path: article.slug for article in articles})
    if previous_json is not None:
        cleanup.callback(previous_json.close)
    # Records that articles.json cannot take from the previous one, read from the cache.
    records_to_read = len(records) - len(unchanged_lines)
    records.update(unchanged_lines)
    del unchanged_lines
    # The build now holds what it needs of each file. The rest of the cache's entries (a
    # file's status and wanted slug) and the paths, half a kilobyte a file, go before
    # planning makes its records, and before the workers fork.
    del files, loaded_articles, found, statuses, to_load
    cache.release()
    kept_site = cache_dir / "previous-site"
    held = _kept_site_pages(previous, kept_site)
    if held is None and kept_site.exists():
        shutil.rmtree(kept_site, ignore_errors=True)
    staging = open_staging(out_dir, reuse=kept_site if held is not None else None, held=held)
    layout: dict[str, Placed] = {}
    other_paths: list[str] = []
    feed_keys: dict[str, str] = {}
    writer: Helper | None = None
    json_copier: Future | None = None

    def write_search_index() -> list[str]:
        made = search_input(ordered, analyses, taxonomy, settings, weights, items)
        return _write_search_index(Postings.load(search_kept, inputs_common), made, others_key, staging.folder,
                                   settings.search_shard_size, search_kept)

    def write_other_files() -> None:
        # The assets, feeds and sitemap (and articles.json, when no helper writes it), made
        # before this process renders its share of the pages, or taken over with the search
        # index from the previous site when they would be the same.
        if take_over and _take_over(staging, previous["other_paths"]):
            other_paths.extend(previous["other_paths"])
            feed_keys.update(previous.get("feed_keys", {}))
            return
        other_paths.extend(ASSETS)
        for out_path in ASSETS:
            stage_file(staging.folder, out_path, find_asset(template_dirs, out_path).read_bytes())
        if json_copier is not None:
            layout.update(json_copier.result())
        elif writer is None:
            layout.update(_stage_articles_json(staging.folder, ordered, taxonomy, records))
        other_paths.append(urls.ARTICLES_JSON)
        previous_feed_keys = previous.get("feed_keys", {}) if previous else {}
        make_folders(staging.folder, [feed.out_path for feed in feeds])
        for feed in feeds:
            # Keyed as a page is: after an edit, only the feeds that list the article change.
            key = feed_keys[feed.out_path] = value_key(feed, common_key, hashes)
            if previous_feed_keys.get(feed.out_path) != key or not stage_unchanged(staging, feed.out_path):
                stage_file(staging.folder, feed.out_path, feed_xml(feed, taxonomy, settings))
            other_paths.append(feed.out_path)
        for out_path, content in render_sitemap(page_paths, settings):
            stage_file(staging.folder, out_path, content)
            other_paths.append(out_path)
        if take_over:  # the previous site lacks one of them: the search index is made here too
            other_paths.extend(write_search_index())

    try:
        if parallel and not take_over and records_to_read >= PARALLEL_MIN_FILES:
            # articles.json needs the articles and their records, not the plan: a process
            # of its own writes it while this one plans, on the core that planning leaves
            # to the search index, rather than while the pages render. At 10,000 articles
            # it is a fifth of a gigabyte. After an edit or a few, the file is mostly runs of
            # the last one's lines, which the kernel copies: this process writes it then, as
            # forking one of its size cost more (each page of memory it touched afterwards was
            # copied: 0.2 s of CPU in a one-article rebuild of 10,000 articles).
            writer = Helper(lambda conversation: _stage_articles_json(staging.folder, ordered, taxonomy, records))
            cleanup.callback(writer.stop)
        elif not take_over and records_to_read < len(records):
            # Mostly runs of the last file's lines, which the kernel copies without holding
            # the interpreter: a thread has it copy them (0.1-0.15 s for the 180 MB of 10,000
            # articles) while this one plans. It ends before any worker forks.
            json_copier = cleanup.enter_context(ThreadPoolExecutor(1)).submit(
                _stage_articles_json, staging.folder, ordered, taxonomy, records)
        with collector_paused():
            listed = list_items(ordered, analyses, taxonomy, settings)
            items = dict(zip([article.slug for article in ordered], listed))
            # After an edit, the topics' alias rows are the last build's, updated for it.
            aliases = updated_aliases(previous.get("aliases"), edits.recounts, listed) if edits is not None else None
            to_plan = plan_inputs(ordered, taxonomy, settings, analyses, items, aliases)
            del listed, aliases
        nav = navigation(to_plan.has_undated)
        # Everything a page's HTML depends on besides its own context.
        common_key = fingerprint(inputs_common, [(label, target) for label, target in nav], settings.site_title)
        environment = make_environment(template_dirs, settings)
        # Compiled templates are kept beside the article cache: compiling them took a fifth of a
        # second, each build. Jinja keys them by name and source; digest's code, which sets the
        # environment's options, keys the folder.
        environment.bytecode_cache = FileSystemBytecodeCache(str(_template_cache(cache_dir / "templates", code)))
        previous_keys = previous.get("page_keys", {}) if previous else {}
        if edits is not None and previous.get("pages_key") != common_key:
            edits = None  # every page may have changed
        make_folders(staging.folder, [urls.SEARCH_INDEX])
        if searcher is not None:
            # The index needs the articles, not the plan: it is made while this process plans.
            kept_from = searcher.receive()  # the articles key of the lists it keeps
            if take_over:
                searcher.send(None)
            else:
                # After an edit of the articles the kept lists were made from (find_edits
                # proves the others the same), only the entries it changed are sent.
                lists_kept = edits is not None and kept_from == previous.get("others_key")
                only = edited_entries(ordered, edits) if lists_kept else None
                made = search_input(ordered, analyses, taxonomy, settings, weights, items, only)
                searcher.send((staging.folder, settings.search_shard_size, others_key,
                               made._replace(weights=send(made.weights))))
                del made
        progress("plan", 0, 1)  # no bar, but timed apart for --verbose
        with collector_paused():
            # After an edit, the ranking's inputs are the last build's (find_edits proves it),
            # but for the mention levels of the articles it names, the date and slug of one that
            # moved, and the articles added or removed: those alone are ranked again.
            ranking = KeptRanking(cache_dir / "related.pickle", code)
            if edits is None:
                choices = ranking(ordered, settings.related_count)
            else:
                relevelled = [position for position, article in enumerate(ordered)
                              if article.slug in edits.relevelled]
                choices = ranking(ordered, settings.related_count, same_as=previous.get("related_key"),
                                  changed=relevelled, moved=_move(edits.reordered),
                                  added=[place for place in relevelled if ordered[place].slug in edits.added],
                                  removed=[removed.was for removed in edits.removed])
            if edits is not None and ranking.reranked is None:
                edits = None  # ranked without the last answer to compare with: any article's list may differ
            elif edits is not None and ranking.reranked:
                edits = replace(edits, reranked=frozenset(ordered[position].slug for position in ranking.reranked))
            # After an edit, the article pages it cannot have changed are not planned: making
            # their related articles and contexts took 0.15 s of the 0.5 s that planning
            # takes at 10,000 articles. They are taken from the last site, which holds them.
            unplanned = unchanged_articles(ordered, choices, edits, lost_pages) if edits is not None else frozenset()
            # So are the other pages it cannot have changed (the lists that do not hold the
            # article, the pages that count articles alone), but when the last site lost some.
            pages = plan_pages(to_plan, choices, unplanned, edits if not lost_pages else None)
        for name in sorted({page.template for page in pages}):
            environment.get_template(name)  # compiled once, before the workers fork
        page_paths = [page.out_path for page in pages]
        make_folders(staging.folder, page_paths)
        # After an edit, the pages it cannot have changed keep their keys without making them.
        known = unchanged_pages(pages, edits, previous_keys) if edits is not None else {}
        # Forking a worker to key, render or link a few dozen pages would cost more than it
        # saves; without a kept site, every page is linked from the live one.
        render_workers = workers or (available_workers() if _pages_to_do(pages, staging.held, known)
                                     >= PARALLEL_MIN_PAGES else 1)
        hashes = ArticleHashes(ordered)
        # Before the workers fork: after, going through every article would copy each page
        # of memory it touched, shared with them until then.
        feeds = plan_feeds(ordered, items, taxonomy, settings)
        if json_copier is not None:
            json_copier.exception()  # done before render_pages may fork: a forked thread would be lost
        progress("write", 0, len(pages))
        page_keys, rendered = render_pages(
            pages, environment, nav, settings.site_title, staging, previous_keys, known, common_key, hashes,
            render_workers, on_done=lambda done: progress("write", done, len(pages)), meanwhile=write_other_files,
            order=render_order(pages, to_plan.listed))
        if writer is not None:
            layout.update(writer.result())
        if searcher is not None:
            other_paths += searcher.result()
        elif not take_over:
            other_paths += write_search_index()
        out_paths = page_paths + other_paths
        if len(set(out_paths)) != len(out_paths):
            twice = sorted(out_path for out_path, count in Counter(out_paths).items() if count > 1)
            raise DigestError(f"two outputs would be written to {twice[0]}; rename one of them")
        written_ns = time.time_ns()
        articles_json_size = (staging.folder / urls.ARTICLES_JSON).stat().st_size if layout else 0
        # Kept when the two sites share most pages: after a build that rendered most of them
        # again, updating it would cost the next build as much as a new folder, and keeping
        # it would take up a second site's room.
        keep = (kept_site, previous_keys.keys()) if previous is not None and rendered * 4 <= len(page_paths) else None
        manifest = commit_staging(staging, out_paths, keep_previous=keep)
    except BaseException:
        if json_copier is not None:
            json_copier.cancel() or json_copier.exception()  # not writing into the staging folder as it goes
        for helper in (writer, searcher):
            if helper is not None:
                helper.stop()
        abandon_staging(staging)
        raise
    if layout:
        kept_records.save(manifest, articles_json_size, layout)
    else:  # taken over from the previous site, or written without a record
        kept_records.carry(previous_manifest, manifest)
    write_build_record(cache_dir / "build.json", {
        "manifest": manifest,
        "inputs": inputs,
        "written_ns": written_ns,
        "articles": len(articles),
        "pages": len(page_paths),
        "files": len(out_paths),
        "skipped": [_error_record(error) for error in errors],
        "warnings": [_error_record(warning) for warning in warnings],
        "pages_key": common_key,
        "page_keys": page_keys,
        "feed_keys": feed_keys,
        "site": folder_identity(out_dir),
        "previous_site": _kept_site_record(kept_site, previous_keys, page_keys),
        "others_key": others_key,
        "related_key": ranking.fingerprint,
        "aliases": aliases_record(to_plan.aliases),
        "other_paths": other_paths,
    })
    return BuildReport(
        articles=len(articles),
        pages=len(page_paths),
        files=len(out_paths),
        seconds=time.perf_counter() - started,
        out_dir=out_dir,
        skipped=tuple(errors),
        warnings=tuple(warnings),
        reloaded=reloaded,
        rendered=rendered,
    )


def _move(reordered: Reordered | None) -> Move | None:
    """Return KeptRanking's ``moved`` for an article dated or named anew, if any."""
    if reordered is None:
        return None
    return Move(reordered.was, reordered.now, reordered.before.toordinal() if reordered.before else None,
                reordered.old_slug)


def _search_index_helper(conversation: Conversation, kept: Path, key: str) -> list[str]:
    """Stage the search index and return its out_paths: the task of a Helper.

    It reads the lists kept by the last build while the build reads its cache, and tells it
    the articles key they were made from. Then it waits for None (the index is taken over
    from the previous site) or the staging folder, the shard size, the articles key and the
    SearchInput, its weights sent (stored.send): that of every article, or after an edit of
    the articles the lists were made from, that of the edited ones.
    """
    postings = Postings.load(kept, key)
    conversation.send(postings.made_from)
    request = conversation.receive()
    if request is None:
        return []
    folder, size, made_from, made = request
    weights, files = receive(made.weights)
    made = made._replace(weights=weights)
    try:
        return _write_search_index(postings, made if made.numbers is None else postings.changed_input(made),
                                   made_from, folder, size, kept)
    finally:
        for stored_file in files:
            stored_file.close()


def _write_search_index(postings: Postings, made: SearchInput, made_from: str, folder: Path, size: int,
                        kept: Path) -> list[str]:
    """Bring ``postings`` up to date with ``made``, made from the articles whose articles key
    is ``made_from``, keep them at ``kept``, stage the index files in ``folder``, ``size``
    articles a shard; return their out_paths."""
    postings.update(made, made_from)
    postings.save(kept)
    written = []
    for out_path, content in index_files(postings, size):
        stage_file(folder, out_path, content)
        written.append(out_path)
    return written


def _kept_site_pages(previous: dict | None, folder: Path) -> dict[str, str] | None:
    """Return the pages of the site kept at ``folder`` by the last build (write.keep_previous_site),
    with their keys, or None if it is missing, is not the one the build recorded, or does
    not hold exactly those pages."""
    kept = previous.get("previous_site") if previous is not None else None
    if not isinstance(kept, dict) or kept.get("identity") != folder_identity(folder):
        return None
    try:
        pages = {out_path: key for out_path, key in {**previous["page_keys"], **kept["differs"]}.items()
                 if key is not None}
        if set(files_under(folder)) != pages.keys():
            return None
    except (KeyError, TypeError, OSError):  # a record of another form, or a folder that went away
        return None
    return pages


def _kept_site_record(folder: Path, kept_keys: dict[str, str], page_keys: dict[str, str]) -> dict | None:
    """Return what the build record says of the site kept at ``folder``, whose pages had
    ``kept_keys``: its identity, and its keys where they differ from the new site's
    ``page_keys`` (None for a page it lacks), as most are the same."""
    identity = folder_identity(folder)
    if identity is None:
        return None
    differs: dict[str, str | None] = {out_path: key for out_path, key in kept_keys.items()
                                      if page_keys.get(out_path) != key}
    differs.update((out_path, None) for out_path in page_keys if out_path not in kept_keys)
    return {"identity": identity, "differs": differs}


def _take_over(staging, out_paths: list[str]) -> bool:
    """Stage the previous site's copies of ``out_paths``; return False, staging none of them,
    if any is missing."""
    make_folders(staging.folder, out_paths)
    taken = []
    for out_path in out_paths:
        if not stage_unchanged(staging, out_path):
            # Unlinked rather than written over: a staged copy shares its bytes with the
            # previous site's file until the swap.
            for staged in taken:
                (staging.folder / staged).unlink()
            return False
        taken.append(out_path)
    return True


def _pages_to_do(pages, held: Mapping[str, str], known: Mapping[str, str]) -> int:
    """Return how many ``pages`` must be keyed, rendered or linked: all but those whose
    ``known`` key a reused staging folder ``held`` already."""
    return sum(1 for page in pages if held.get(page.out_path, "") != known.get(page.out_path))


def _template_cache(folder: Path, code: str) -> Path:
    """Return the folder for templates compiled by this code, after removing other code's."""
    current = folder / code[:16]
    if folder.is_dir():
        for stale in folder.iterdir():
            if stale != current:
                shutil.rmtree(stale, ignore_errors=True)
    current.mkdir(parents=True, exist_ok=True)
    return current


def _is_up_to_date(previous: dict | None, inputs: str, statuses: list, out_dir: Path, present: set[str]) -> bool:
    """Return True when ``out_dir`` was built from exactly these inputs and is still whole.

    ``present`` are the files it holds (check_output_folder).
    """
    if previous is None or previous.get("inputs") != inputs:
        return False
    written_ns = previous.get("written_ns", 0)
    if any(is_racy(status, written_ns) for status in statuses):
        return False  # edited too close to the last build for the clock to prove otherwise
    return (read_manifest(out_dir) or set()) <= present


def _unchanged_report(previous: dict, out_dir: Path, seconds: float) -> BuildReport:
    return BuildReport(
        articles=previous["articles"],
        pages=previous["pages"],
        files=previous["files"],
        seconds=seconds,
        out_dir=out_dir,
        skipped=tuple(DigestError(*fields) for fields in previous["skipped"]),
        warnings=tuple(DigestError(*fields) for fields in previous["warnings"]),
        unchanged=True,
    )


def _error_record(error: DigestError) -> list:
    return [error.message, error.path, error.line]


def _stage_articles_json(folder: Path, articles: list, taxonomy,
                         records: dict[str, bytes | Stored]) -> dict[str, Placed]:
    """Stage articles.json in ``folder``; return where each article's line lies in it.

    ``records`` are what it holds of each article, by source path, made where it was
    loaded: every article of a build has one (its blocks, which a record is made from, are
    not kept), or its line in the previous articles.json (export.KeptLine). The file,
    hundreds of megabytes on a large site, is written in parts.
    """
    layout: dict[str, Placed] = {}
    stage_file(folder, urls.ARTICLES_JSON, articles_json_parts(articles, taxonomy, f"digest {__version__}",
                                                               records=records, layout=layout))
    return layout
