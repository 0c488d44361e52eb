"""Both cores: load and tag article files, and render pages, in worker processes.

Workers are forked after the taxonomy is compiled and the site is planned, so they inherit
the matcher, the plan and the compiled templates instead of receiving them. Output does
not depend on which worker did what: loading returns results by file, and every page
is written to its own path.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime
import hashlib
import io
import multiprocessing
import multiprocessing.connection
import operator
import os
import pickle
import signal
from dataclasses import replace
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from . import urls
from .cache import ArticleCache, LoadedFile, cache_shard, content_hash, file_status
from .errors import DigestError, DigestErrors
from .export import article_record
from .fragments import with_evidence_rows
from .load import load_article, make_slug
from .render import render_page
from .search import article_weights
from .site import ArticleItem, RelatedItem, TopicArticle, TopicLink
from .story import PairEntry, QuotedIn
from .tag import Matcher, tag_article
from .analysis import ArticleAnalysis, analyse_article
from .model import Article, Taxonomy, Topic
from .write import stage_file, stage_unchanged

# Below these, starting processes costs more than it saves.
PARALLEL_MIN_FILES = 200
PARALLEL_MIN_PAGES = 400
RENDER_CHUNK = 100

# What the forked workers inherit; set just before they are forked.
_job: dict = {}


def available_workers() -> int:
    """Return how many processes this machine lets the build use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def load_files(files: Sequence[tuple[str, Path]], found: Mapping[str, LoadedFile], folder: Path,
               taxonomy: Taxonomy, matcher: Matcher, summary_length: int, workers: int, cache: ArticleCache,
               on_done: Callable[[int], None] = lambda done: None) -> dict[str, LoadedFile]:
    """Load, tag and analyse the ``files`` (source path, path) that are not in ``found``
    (those the cache holds unchanged, by source path), using ``workers`` processes; return
    them by source path, as kept in ``cache``, with the files of ``found`` that share a shard
    with them.

    ``matcher`` is compile_matcher(taxonomy), compiled once for all the workers. Work goes
    by the cache's shards: the process that loads a shard's files writes the shard, with
    the files of ``found`` it keeps (ArticleCache.write_shard), and the build reads it back.
    Those files come back as the shard now keeps them: given as found, they would differ
    from its entries, and ArticleCache.save would write the shard a second time.
    """
    by_shard: dict[int, list[tuple[str, Path]]] = {}
    for source_path, path in files:
        by_shard.setdefault(cache_shard(source_path), []).append((source_path, path))
    counts = {shard: sum(1 for source_path, _ in listed if source_path not in found)
              for shard, listed in by_shard.items()}
    # The fullest first, so that no worker is left with a long shard while the others are done.
    work = sorted((shard for shard, count in counts.items() if count), key=lambda shard: (-counts[shard], shard))
    _job.update(folder=folder, taxonomy=taxonomy, matcher=matcher, summary_length=summary_length, found=found,
                cache=cache, by_shard=by_shard)
    loaded: dict[str, LoadedFile] = {}
    done = 0

    def read_back(shard: int) -> None:
        nonlocal done
        entries = cache.read_shard(shard)
        for source_path, _ in by_shard[shard]:
            loaded[source_path] = entries[source_path]
        done += counts[shard]
        on_done(done)

    # This process reads each shard back as it is written, and leaves the loading to the workers.
    _shared(_load_shard, work, workers, on_chunk=read_back, take_part=False)
    return loaded


def _load_shard(shard: int) -> int:
    found = _job["found"]
    read_ahead(path for source_path, path in _job["by_shard"][shard] if source_path not in found)
    _job["cache"].write_shard(shard, (
        found.get(source_path) or load_file(path, _job["folder"], _job["taxonomy"], _job["matcher"],
                                            _job["summary_length"])
        for source_path, path in _job["by_shard"][shard]))
    return shard


def read_ahead(paths: Iterable[Path]) -> None:
    """Have the kernel start reading ``paths`` now, all at once, for them to be read one by one after.

    Read one by one, each file waits for the disk in its turn, where the kernel can fetch
    many at a time. On this project's machine, whose page cache keeps little for long, a
    build mostly reads its articles from the disk: reading the 10,000 files of the bench's
    corpus after the cache was dropped took 1.18-1.27 s one by one and 0.29-0.41 s asked
    for ahead, 156 at a time; the asking costs 0.02 s when they are cached. A file that
    cannot be opened is left to be reported when it is read.
    """
    if not hasattr(os, "posix_fadvise"):
        return
    for path in paths:
        try:
            # Not blocking: a file swapped for a named pipe since it was listed must not stop the build here.
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(descriptor)


def load_file(path: Path, folder: Path, taxonomy: Taxonomy, matcher: Matcher, summary_length: int) -> LoadedFile:
    """Return one file loaded, tagged and analysed (analysis.py), or the errors that keep it out."""
    source_path = path.relative_to(folder).as_posix()
    # Taken before reading: a file edited while it is read is read again next time.
    try:
        status = file_status(path)
    except OSError:
        status = (-1, -1, -1)
    try:
        article, warnings = load_article(path, folder)
    except DigestErrors as exc:
        return LoadedFile(source_path, status, content_hash(path), None, errors=tuple(exc.errors))
    except DigestError as exc:
        return LoadedFile(source_path, status, content_hash(path), None, errors=(exc,))
    tagged = tag_article(article, matcher)
    analysis = with_evidence_rows(analyse_article(tagged, taxonomy, summary_length))
    slug = make_slug(article.title)
    return LoadedFile(source_path, status, article.content_hash, as_kept(tagged, slug), analysis,
                      article_record(tagged, taxonomy, analysis.quotations),
                      article_weights(tagged, analysis, taxonomy), slug, warnings=tuple(warnings))


def as_kept(article: Article, slug: str) -> Article:
    """Return ``article`` as a build keeps it once loaded: its tags' counts but not their
    Mentions, no blocks, and ``slug``, the one it gets unless another article claims it.
    assign_slugs then makes a new record only for the articles whose slugs collide: making
    one for every article cost a rebuild of 10,000 articles 50 ms.

    Everything a build makes from the Mentions and the blocks (the evidence and quotations
    of the analysis, the article's record in articles.json, its search weights) is made as
    the file is loaded; its page shows the body as HTML. Kept, they would be half of what a
    rebuild reads back from the cache, and of what a build holds in memory.
    """
    return replace(article, blocks=(), tags=tuple(tag._replace(mentions=()) for tag in article.tags), slug=slug)


def render_pages(pages: Sequence, environment, nav: tuple[tuple[str, str], ...], site_title: str, staging,
                 previous_keys: Mapping[str, str],
                 known: Mapping[str, str], common_key: str, hashes: ArticleHashes, workers: int,
                 on_done: Callable[[int], None] = lambda done: None,
                 meanwhile: Callable[[], None] | None = None,
                 order: Sequence[int] | None = None) -> tuple[dict[str, str], int]:
    """Write every page into the staging folder, using ``workers`` processes, in ``order``
    (indexes of ``pages``; site.render_order) or else as they come.

    A page whose key (``common_key`` and its context) is the one it had in the previous
    build is taken over from the previous site instead of being rendered again, or left as it
    is in a reused staging folder that holds it with that key (write.open_staging). ``known``
    are the keys of pages known to be unchanged (unchanged.unchanged_pages), which are not
    made again. Returns the key of every page and how many pages were rendered. ``hashes``
    are ArticleHashes of the site's articles. ``meanwhile`` is work for this process before it
    renders its share (see _shared). ``nav`` is the site's render.navigation().
    """
    _job.update(pages=pages, environment=environment, nav=nav, site_title=site_title, staging=staging,
                previous_keys=previous_keys, known=known, common_key=common_key, hashes=hashes)
    order = range(len(pages)) if order is None else order
    chunks = [order[start:start + RENDER_CHUNK] for start in range(0, len(order), RENDER_CHUNK)]
    done = 0

    def count(chunk: Sequence[int]) -> None:
        nonlocal done
        done += len(chunk)
        on_done(done)

    keys: dict[str, str] = {}
    rendered = 0
    for chunk_keys, chunk_rendered in _shared(_render_chunk, chunks, workers, meanwhile, count):
        keys.update(chunk_keys)
        rendered += chunk_rendered
    return {page.out_path: keys[page.out_path] for page in pages}, rendered  # in the plan's order, whatever ``order``


def _render_chunk(indices: Sequence[int]) -> tuple[dict[str, str], int]:
    pages, staging, previous_keys, known = _job["pages"], _job["staging"], _job["previous_keys"], _job["known"]
    held = staging.held
    keys: dict[str, str] = {}
    rendered = 0
    for index in indices:
        page = pages[index]
        key = known.get(page.out_path) or page_key(page, _job["common_key"], _job["hashes"])
        keys[page.out_path] = key
        if held.get(page.out_path) == key:
            continue  # the reused staging folder holds this very page
        if previous_keys.get(page.out_path) == key and stage_unchanged(staging, page.out_path):
            continue
        if page.context is None:  # not planned, as the live site held it when the build began
            raise DigestError(f"{page.out_path} was removed from the site while the build ran; build again",
                              staging.out_dir)
        html = render_page(_job["environment"], page, _job["nav"], _job["site_title"])
        stage_file(staging.folder, page.out_path, html.encode())
        rendered += 1
    return keys, rendered


class Helper:
    """A forked process that does one task beside this one, with inputs sent later if need be.

    ``task(conversation)`` runs there at once; it may wait for inputs this process sends
    with ``conversation.receive()``, and tell this one what it needs to know first with
    ``conversation.send()``, read here by ``receive()``. What it returns, or raises, comes
    back through ``result()``. Forked while this process holds little, a helper can be sent the little
    it needs: forked from a build that has read every article, it starts with all of that in
    its resident memory (the search index, made that way, was the largest process of a build).
    """

    def __init__(self, task: Callable[[Conversation], object]):
        context = multiprocessing.get_context("fork")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_help, args=(task, theirs, os.getpid()), daemon=True)
        self._process.start()
        theirs.close()

    def send(self, value: object) -> None:
        self._connection.send(value)

    def receive(self) -> object:
        """Return what the task sent with Conversation.send(), or raise what it raised before."""
        kind, value = self._next()
        if kind == "sent":
            return value
        self.stop()
        if kind == "raised":
            raise value
        raise RuntimeError("a helper of the build ended without saying what the build waited for")

    def result(self) -> object:
        """Return what the task returned, or raise what it raised."""
        try:
            kind, value = self._next()
            self._process.join(timeout=10)  # it has answered, and is on its way out
        finally:
            self.stop()
        if kind == "raised":
            raise value
        return value

    def _next(self) -> tuple[str, object]:
        try:
            return self._connection.recv()
        except EOFError:
            self._process.join(timeout=10)
            self.stop()
            raise WorkerDied.of(self._process) from None

    def stop(self) -> None:
        """End the process, done or not."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._connection.close()


def _die_with(parent: int) -> None:
    """Have the kernel end this process when ``parent`` ends (Linux; elsewhere, nothing).

    A build killed outright would otherwise leave its helper writing into a staging folder
    that the next build removes.
    """
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # ended before the request was made
        os._exit(1)


_PR_SET_PDEATHSIG = 1


class Conversation:
    """The task's end of a Helper's pipe."""

    def __init__(self, connection):
        self._connection = connection

    def receive(self) -> object:
        return self._connection.recv()

    def send(self, value: object) -> None:
        self._connection.send(("sent", value))


def _help(task: Callable[[Conversation], object], connection, parent: int) -> None:
    _die_with(parent)
    try:
        answer = ("returned", task(Conversation(connection)))
    except BaseException as exc:  # sent back whole: the build reports it as if raised there
        answer = ("raised", exc)
    try:
        connection.send(answer)
    except Exception:  # an answer that cannot be pickled
        connection.send(("raised", RuntimeError(repr(answer[1]))))
    connection.close()


class ArticleHashes:
    """How page keys stand for the records that follow from one article: by its content hash.

    An article's record, what analysis.py derives from it alone, and how lists show it (its
    ArticleItem, made by site._ItemMaker from the article, its analysis and the settings)
    follow from its file's content and its slug, given the taxonomy, the settings and
    digest's code, which are in the common key. So the hash tells them apart as surely as
    their pickles would, for a fraction of the cost: most pages list dozens of articles. A
    TopicLink follows from its topic's slug and its count in the same way, a TopicArticle
    from its article and the position of its tag, a PairEntry from its two TopicArticles, a
    QuotedIn from its article and the speaker's position, and a RelatedItem from its article
    and the slugs and counts of its links.
    """

    def __init__(self, articles: Sequence[Article]):
        by_source_path = {article.source_path: article.content_hash for article in articles}
        by_out_path = {urls.article_path(article.slug): article.content_hash for article in articles}

        def entry_token(entry: TopicArticle) -> str:
            return f"entry:{entry.item.out_path}:{by_out_path[entry.item.out_path]}:{entry.position}"

        # By type; the other types are added as keys meet them (_token_for).
        self.tokens: dict[type, Callable[[object], object] | None] = {
            TopicLink: lambda link: f"link:{link.slug}:{link.count}",
            ArticleItem: lambda item: f"item:{item.out_path}:{by_out_path[item.out_path]}",
            TopicArticle: entry_token,
            # A row of a pair's or a speaker's page: one token rather than a tuple and three records.
            PairEntry: lambda pair: f"pair:{entry_token(pair.actor)}:{entry_token(pair.place)}",
            QuotedIn: lambda quoted: (f"quoted:{quoted.item.out_path}:{by_out_path[quoted.item.out_path]}:"
                                      f"{by_source_path[quoted.analysis.source_path]}:{quoted.position}"),
            # Five to an article page: each one token rather than a record, a tuple and links.
            RelatedItem: lambda related: f"related:{related.item.out_path}:{by_out_path[related.item.out_path]}:" + (
                ",".join([f"{link.slug}:{link.count}" for link in related.shared])),
            Article: lambda article: f"article:{article.slug}:{article.content_hash}",
            ArticleAnalysis: lambda analysis: f"analysis:{analysis.source_path}:{by_source_path[analysis.source_path]}",
            # The taxonomy is in the common key: a topic's slug tells it apart, without the
            # dozen aliases that every page of the topic would otherwise pickle.
            Topic: lambda topic: f"topic:{topic.slug}",
        }


class _KeyPickler(pickle.Pickler):
    """Pickles a page's context as the values a page key depends on.

    Records stand for themselves by persistent ids: their class's name and their fields, or
    for an article's records, a token (ArticleHashes). Pickled the usual way, each record
    would name its class as a global, which the pickler imports again every time: that was
    two thirds of the cost of a key. Dates stand as their ISO text for the same reason.
    """

    def __init__(self, stream, hashes: ArticleHashes):
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        # Without the memo, equal values give equal bytes whether or not they are one object:
        # records read from the cache share fewer strings than records just made.
        self.fast = True
        self.tokens = hashes.tokens

    def persistent_id(self, obj):
        kind = type(obj)
        token = self.tokens.get(kind, _UNKNOWN)
        if token is _UNKNOWN:
            token = self.tokens[kind] = _token_for(kind)
        return None if token is None else token(obj)


_UNKNOWN = object()


def _token_for(kind: type) -> Callable[[object], object] | None:
    """Return how a value of ``kind`` stands in a page key, or None to pickle it as it is."""
    if kind is datetime.date:
        return datetime.date.isoformat
    if dataclasses.is_dataclass(kind):
        names = tuple(field.name for field in dataclasses.fields(kind))
    elif issubclass(kind, tuple) and hasattr(kind, "_fields"):  # a named tuple
        names = kind._fields
    else:
        return None
    name = f"{kind.__module__}.{kind.__qualname__}"
    if not names:
        return lambda obj: (name,)
    fields = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (name, fields(obj))
    return lambda obj: (name, *fields(obj))


def page_key(page, common_key: str, hashes: ArticleHashes) -> str:
    """Return a digest of all a page's HTML depends on: the common inputs and its context.

    ``hashes`` are those of the plan's articles.
    """
    return value_key((page.out_path, page.template, page.title, page.context), common_key, hashes)


def value_key(value: object, common_key: str, hashes: ArticleHashes) -> str:
    """Return a digest of ``value`` and the common inputs, its records standing as in a page key."""
    stream = io.BytesIO()
    _KeyPickler(stream, hashes).dump(value)
    return hashlib.sha1(common_key.encode() + stream.getvalue()).hexdigest()


def _shared(function, chunks: list, workers: int, meanwhile: Callable[[], None] | None = None,
            on_chunk: Callable[[object], None] = lambda chunk: None, take_part: bool = True) -> list:
    """Return function(chunk) for each chunk, in no set order, this process taking its share
    beside ``workers`` - 1 forked ones, or leaving it all to ``workers`` forked ones unless
    ``take_part``; ``meanwhile`` runs here first. ``on_chunk(chunk)`` is called here as each
    chunk is done, wherever it was.

    Each process takes the next chunk no one has taken, so that none is left with the long
    ones. This process takes part, rather than wait for a pool: a process forked after the
    plan is made pays to touch each of its records for the first time (its pages of memory
    are copied as their counts change), where this one finds them at hand, and it made them.
    Keying the pages of a rebuild of 10,000 articles cost a forked worker half as much again.
    A process that dies, even while it holds the shared counter, is reported here as
    WorkerDied, where a pool would wait for its work for ever.
    """
    if workers <= 1 or len(chunks) <= 1:
        if meanwhile is not None:
            meanwhile()
        results = []
        for chunk in chunks:
            results.append(function(chunk))
            on_chunk(chunk)
        return results
    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)  # how many chunks have been taken, by any process
    helpers = []
    try:
        for _ in range(min(workers, len(chunks)) - (1 if take_part else 0)):
            answers, theirs = context.Pipe(duplex=False)
            process = context.Process(target=_take_chunks, args=(function, chunks, taken, theirs, os.getpid()),
                                      daemon=True)
            process.start()
            theirs.close()
            helpers.append((process, answers))
        if meanwhile is not None:
            meanwhile()
        results = []
        process_of = {answers: process for process, answers in helpers}
        running = list(process_of)

        def hear_from(ready: list) -> None:
            for answers in ready:
                while answers in running and answers.poll():
                    if (theirs := _hear(answers, process_of[answers], chunks, on_chunk)) is not None:
                        results.extend(theirs)
                        running.remove(answers)

        def check_helpers() -> None:
            # One that is done exits with 0 after its last message.
            dead = next((process for process, _ in helpers if process.exitcode not in (None, 0)), None)
            if dead is not None:
                raise WorkerDied.of(dead)

        while take_part and (index := _take(taken, check_helpers)) < len(chunks):
            results.append(function(chunks[index]))
            on_chunk(chunks[index])
            hear_from(list(running))
        while running:
            # Waited for in turns rather than one by one: a process killed while it held
            # the counter's lock leaves the others waiting for it, and only its exit says so.
            ready = multiprocessing.connection.wait(running, timeout=_PATIENCE)
            if not ready:
                check_helpers()
            hear_from(ready)
        return results
    finally:
        for process, answers in helpers:
            if process.is_alive():
                process.terminate()
            process.join()
            answers.close()


def _take(taken, check_helpers: Callable[[], None] = lambda: None) -> int:
    """Return the index of the next chunk, taking it.

    ``check_helpers()`` raises if a process sharing the counter has died: killed while it
    held the lock, it would never let it go, and this process would wait for ever. The lock
    is held for a microsecond, so a second without it is reason enough to look.
    """
    lock = taken.get_lock()
    while not lock.acquire(timeout=_PATIENCE):
        check_helpers()
    try:
        index = taken.value
        taken.value = index + 1
    finally:
        lock.release()
    return index


_PATIENCE = 1.0  # seconds


class WorkerDied(RuntimeError):
    """A worker process of the build ended before its work was done: killed, most likely by
    the system for want of memory. Not the input's fault: the same build may succeed again."""

    @classmethod
    def of(cls, process: multiprocessing.process.BaseProcess) -> WorkerDied:
        code = process.exitcode
        if code is not None and code < 0:
            try:
                how = f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
            if -code == signal.SIGKILL:
                how += " (the system may have run short of memory)"
        elif code is not None:
            how = f"ended with exit code {code}"
        else:
            how = "stopped answering"
        return cls(f"a worker process of the build {how} before its work was done; run the build again")


def _take_chunks(function, chunks: list, taken, answers, parent: int) -> None:
    """A helper of _shared: it tells of each chunk it does as it is done, and sends their
    results at the end. Sent one by one, they would fill the pipe while the build runs
    ``meanwhile``, and stop this process until it is done."""
    _die_with(parent)
    try:
        results = []
        while (index := _take(taken)) < len(chunks):
            results.append(function(chunks[index]))
            answers.send(("done", index))
        answers.send(("returned", results))
    except BaseException as exc:  # sent back whole: the build reports it as if raised there
        answers.send(("raised", exc))
    answers.close()


def _hear(answers, process, chunks: list, on_chunk: Callable[[object], None]) -> list | None:
    """Take the next message of ``process``, a helper of _shared, from ``answers``: return
    its results if it sent them, else None; raise what it raised, or WorkerDied if it died."""
    try:
        kind, value = answers.recv()
    except EOFError:
        process.join(timeout=_PATIENCE)  # to say how it ended
        raise WorkerDied.of(process) from None
    if kind == "raised":
        raise value
    if kind == "done":
        on_chunk(chunks[value])
        return None
    return value
