"""What a rebuild may reuse: fingerprints of the inputs, and loaded articles keyed by file.

A file is known unchanged when its size and modification time are those it had when it was
loaded, unless that time is too close to when the cache was written for the clock to tell
two edits apart (the file system's clock is coarse); such a file is checked by the hash of
its bytes instead, as git does for "racy" files. Anything that could change how files are
read or tagged (digest's own code, the taxonomy) is part of the cache's key, so a change
there empties the cache instead of serving stale records.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .errors import DigestError
from .analysis import ArticleAnalysis
from .collector import collector_paused
from .model import Article
from .processes import is_running
from .search import PackedWeights
from .stored import Stored, StoredFile, contents

CACHE_FORMAT = 6
RACY_NS = 2_000_000_000  # a file changed this close to a cache write may not show it in its mtime


def fingerprint(*parts: object) -> str:
    """Return a stable digest of ``parts`` (bytes, or anything with a deterministic repr)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def code_fingerprint() -> str:
    """Return a digest of digest's own source and data, so that an upgrade invalidates caches."""
    package = Path(__file__).resolve().parent
    files = sorted(path for pattern in ("*.py", "data/*.yaml") for path in package.glob(pattern))
    return fingerprint(__version__, *(path.read_bytes() for path in files))


def folder_fingerprint(folders: list[Path]) -> str:
    """Return a digest of every file below ``folders`` (templates and assets), names and bytes."""
    parts: list[object] = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return fingerprint(*parts)


def file_status(path: Path) -> tuple[int, int, int]:
    """Return (size, modification time in ns, inode): what changes when a file is edited."""
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns, status.st_ino


def content_hash(path: Path) -> str:
    """Return the sha256 of a file's bytes ("" if it cannot be read: loading will say why)."""
    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return ""


def is_racy(status: tuple[int, int, int], written_ns: int) -> bool:
    """Return True when a file's mtime is too close to ``written_ns`` to prove it unchanged."""
    return status[1] >= written_ns - RACY_NS


@dataclass(frozen=True)
class LoadedFile:
    """The outcome of loading and tagging one article file."""

    source_path: str
    status: tuple[int, int, int]  # file_status() when it was loaded
    content_hash: str
    article: Article | None  # tagged (workers.as_kept), with the slug it wants (slugs depend on the other files)
    analysis: ArticleAnalysis | None = None  # analyse_article of ``article``
    # What the files that are not pages hold of the article alone: its record in
    # articles.json (export.article_record) and the weights of its words in the search index
    # (search.article_weights), made where it was loaded; Stored once in the cache.
    record: bytes | Stored = b""
    weights: PackedWeights | Stored | None = None
    wanted_slug: str = ""  # load.make_slug of the title: the slug it gets unless another article has it
    errors: tuple[DigestError, ...] = ()
    warnings: tuple[DigestError, ...] = ()


# Loaded files are kept in shards, by a hash of their path, so that a rebuild after an edit
# rewrites the shard of the edited file and leaves the others as they are.
CACHE_SHARDS = 64


@functools.cache  # asked for each file two or three times a build
def cache_shard(source_path: str) -> int:
    """Return the shard that keeps the file at ``source_path``."""
    return hashlib.sha1(source_path.encode()).digest()[0] % CACHE_SHARDS


@dataclass
class ArticleCache:
    """Loaded files of the previous build, valid while ``key`` (code and taxonomy) is unchanged.

    Each shard is a file in ``folder``: a small header (format and key), the bytes kept
    apart (stored.py: records, search weights, bodies, evidence sentences and the details
    of analyses), its entries, which stand for those bytes by where they lie, and where the
    entries start. A stale shard is known from its header alone, and the entries are read
    without the bytes apart, which are read back where they are used from the file, held
    open until close().
    """

    folder: Path
    key: str
    entries: dict[str, LoadedFile] = field(default_factory=dict)
    written_ns: dict[int, int] = field(default_factory=dict)  # by shard: when it was written
    files: list[StoredFile] = field(default_factory=list)  # open, for the Stored values of the entries
    writers: dict[int, _ShardWriter] = field(default_factory=dict)  # shards being written by save()
    rewritten: dict[int, dict[str, LoadedFile]] = field(default_factory=dict)  # by read_shard(): their entries

    @classmethod
    def open(cls, folder: Path, key: str) -> ArticleCache:
        """Return the cache kept in ``folder``, without the shards that are missing, stale or unreadable."""
        cache = cls(folder, key)
        _remove_abandoned_shards(folder)
        for shard in range(CACHE_SHARDS):
            try:
                cache._take(shard, *cache._read(shard))
            except _UNREADABLE:
                continue  # a cache is only ever a shortcut: when in doubt, load the files again
        return cache

    def _read(self, shard: int) -> tuple[StoredFile, dict]:
        """Return a shard's file, open for its Stored values, and what it keeps; raise one of
        _UNREADABLE if it is missing, stale or damaged."""
        path = self.shard_path(shard)
        stream = open(path, "rb")
        stored_file = StoredFile(os.dup(stream.fileno()), str(path))
        try:
            with stream:
                header = pickle.load(stream)
                if header["format"] != CACHE_FORMAT or header["key"] != self.key:
                    raise ValueError("made by other code or for another taxonomy")
                end = stream.seek(-8, os.SEEK_END)
                stream.seek(int.from_bytes(stream.read(8), "little"))
                unpickler = pickle.Unpickler(stream)
                unpickler.persistent_load = functools.partial(Stored, stored_file)
                with collector_paused():
                    kept = unpickler.load()
                if stream.tell() != end:
                    raise ValueError("cut short or written over")
        except BaseException:
            stored_file.close()
            raise
        return stored_file, kept

    def _take(self, shard: int, stored_file: StoredFile, kept: dict) -> None:
        self.files.append(stored_file)
        self.entries.update(kept["entries"])
        self.written_ns[shard] = kept["written_ns"]

    def close(self) -> None:
        """Close the files the entries' Stored values are read from, which can then be read
        no more, and remove the shards begun and not saved."""
        for writer in self.writers.values():
            writer.abandon()
        self.writers.clear()
        for stored_file in self.files:
            stored_file.close()
        self.files.clear()

    def release(self) -> None:
        """Let go of the entries, whose values the build holds by now: the files their Stored
        values are read from stay open until close()."""
        self.entries = {}
        self.rewritten = {}

    def shard_path(self, shard: int) -> Path:
        return self.folder / f"shard-{shard:02d}.pickle"

    def unchanged(self, files: Iterable[tuple[str, Path]], statuses: Iterable[tuple[int, int, int]]
                  ) -> dict[str, LoadedFile]:
        """Return the cached outcome of each of ``files`` (source path, path) that is unchanged
        since, by source path; ``statuses`` are their file_status()."""
        # A file older than every shard is racy for none: its own shard is looked up only
        # for the others. One loop for all the files: a call for each took three times as long.
        never_racy_before = min(self.written_ns.values(), default=0) - RACY_NS
        written_ns = self.written_ns
        entries = self.entries
        found = {}
        for (source_path, path), status in zip(files, statuses):
            entry = entries.get(source_path)
            if entry is None:
                continue
            if entry.status == status and (status[1] < never_racy_before or not is_racy(
                    status, written_ns.get(cache_shard(source_path), 0))):
                found[source_path] = entry
            elif entry.content_hash and content_hash(path) == entry.content_hash:
                found[source_path] = replace(entry, status=status)
        return found

    def entry(self, source_path: str) -> LoadedFile | None:
        """Return what the cache holds for the file, changed since or not."""
        return self.entries.get(source_path)

    def missing(self, source_paths: Iterable[str]) -> dict[str, LoadedFile]:
        """Return what the cache holds for the files that are not among ``source_paths``: the
        files of the last build that are gone, by source path."""
        found = set(source_paths)
        return {source_path: entry for source_path, entry in self.entries.items() if source_path not in found}

    def write_shard(self, shard: int, entries: Iterable[LoadedFile]) -> None:
        """Write shard ``shard`` anew, to keep ``entries``: each one's bytes apart are written as
        it comes, so that an iterator that loads the files never holds all their bytes.

        A worker process calls this with the files it loads (workers.load_files), and writes
        their bytes where they will be read from, instead of sending them to the build to write:
        at 10,000 articles, 600 MB through a pipe and back out. It changes nothing in this
        object, which is the worker's copy: read_shard() then reads the shard in the build.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        writer = _ShardWriter(self.shard_path(shard), self.key)
        try:
            kept = {}
            for entry in entries:
                kept[entry.source_path] = writer.keep(entry)
            writer.finish(kept, time.time_ns())
        except BaseException:
            writer.abandon()
            raise
        finally:
            writer.file.close()

    def read_shard(self, shard: int) -> dict[str, LoadedFile]:
        """Take shard ``shard``, as write_shard() left it, for this cache's and return its entries."""
        try:
            stored_file, kept = self._read(shard)
        except _UNREADABLE as exc:
            raise OSError(f"{self.shard_path(shard)} could not be read back once written ({exc}); build again") \
                from exc
        self._take(shard, stored_file, kept)
        self.rewritten[shard] = kept["entries"]
        return kept["entries"]

    def save(self, loaded: list[LoadedFile]) -> list[LoadedFile]:
        """Replace the stored entries by ``loaded``, rewriting only the shards that changed
        (not those write_shard() wrote for them); return ``loaded`` as kept: their bytes apart
        read back from the shards where they are used.

        A shard is replaced atomically: a half-written one is never read. Values read from a
        shard that is replaced stay readable: the file it was is held open until close().
        """
        shards: dict[int, dict[str, LoadedFile]] = {shard: {} for shard in range(CACHE_SHARDS)}
        for entry in loaded:
            shards[cache_shard(entry.source_path)][entry.source_path] = entry
        before = {shard: {} for shard in range(CACHE_SHARDS)}
        for source_path, entry in self.entries.items():
            before[cache_shard(source_path)][source_path] = entry
        before.update(self.rewritten)  # their entries exactly: self.entries may hold deleted files'
        kept: dict[str, LoadedFile] = {}
        for shard, entries in shards.items():
            previous = before[shard]
            if shard in self.written_ns and shard not in self.writers and previous.keys() == entries.keys() and all(
                    previous[source_path] is entry for source_path, entry in entries.items()):
                kept.update(entries)  # the very records it holds: nothing to write
                continue
            writer = self._writer(shard)
            shard_kept = {source_path: writer.keep(entry) for source_path, entry in entries.items()}
            self.written_ns[shard] = time.time_ns()
            writer.finish(shard_kept, self.written_ns[shard])
            del self.writers[shard]
            kept.update(shard_kept)
        self.entries = kept
        return [kept[entry.source_path] for entry in loaded]

    def _writer(self, shard: int) -> _ShardWriter:
        writer = self.writers.get(shard)
        if writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            writer = self.writers[shard] = _ShardWriter(self.shard_path(shard), self.key)
            self.files.append(writer.file)
        return writer


class _ShardWriter:
    """A shard being written: its header, then the bytes apart of each entry as it comes, and
    at the end its entries and where they start."""

    def __init__(self, path: Path, key: str):
        self.path = path
        self.temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
        self.stream = open(self.temporary, "wb")
        self.file = StoredFile(os.open(self.temporary, os.O_RDONLY), str(path))
        self.stream.write(pickle.dumps({"format": CACHE_FORMAT, "key": key}))
        self.position = self.stream.tell()
        self.kept: dict[str, LoadedFile] = {}  # by source path, the entries whose bytes are in this file

    def keep(self, entry: LoadedFile) -> LoadedFile:
        """Return ``entry`` with its bytes apart in this shard."""
        if self.kept.get(entry.source_path) is entry:
            return entry
        kept = self.kept[entry.source_path] = _kept(entry, self._keep_apart)
        return kept

    def _keep_apart(self, value: bytes | Stored) -> Stored:
        if type(value) is Stored and value.file is self.file:
            return value
        data = contents(value)
        stored = Stored.at(self.file, self.position, len(data))
        self.stream.write(data)
        self.position += len(data)
        return stored

    def finish(self, entries: dict[str, LoadedFile], written_ns: int) -> None:
        """Write the entries and put the shard in place."""
        pickler = pickle.Pickler(self.stream, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = _place_in_shard
        pickler.dump({"written_ns": written_ns, "entries": entries})
        self.stream.write(self.position.to_bytes(8, "little"))
        self.stream.close()
        os.replace(self.temporary, self.path)

    def abandon(self) -> None:
        self.stream.close()
        self.temporary.unlink(missing_ok=True)


# What reading a shard raises when it is missing, stale or damaged.
_UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, AttributeError, ImportError,
               ValueError, IndexError)


def _remove_abandoned_shards(folder: Path) -> None:
    """Remove the shards that builds began in ``folder`` and did not live to finish.

    A build that fails removes its own (ArticleCache.close); one that is killed cannot, and
    its shards would be left behind: the bytes apart of every file it had loaded, gigabytes
    on a large site. Each is named after the process that wrote it, which may still be
    building: those are left alone.
    """
    for temporary in folder.glob(".shard-*.tmp"):
        if not is_running(temporary.name.split(".")[2]):
            temporary.unlink(missing_ok=True)


def _place_in_shard(value: object) -> int | None:
    # Every Stored in a shard's entries lies in that shard's file: where.
    if type(value) is Stored:
        return value.place
    return None


def _kept(entry: LoadedFile, keep_apart: Callable[[bytes | Stored], Stored]) -> LoadedFile:
    """Return ``entry`` with its bytes apart (stored.py) passed through ``keep_apart``."""
    if entry.article is None:
        return entry
    body_html = entry.article.body_html
    article = replace(entry.article, body_html=keep_apart(body_html.encode() if type(body_html) is str else body_html))
    analysis = entry.analysis
    if analysis is not None:
        analysis = replace(analysis, packed_details=keep_apart(analysis.packed_details), evidence=tuple(
            found._replace(packed_sentences=keep_apart(found.packed_sentences),
                           packed_rows=keep_apart(found.packed_rows) if found.packed_rows else found.packed_rows)
            for found in analysis.evidence))
    weights = entry.weights
    if weights is not None:
        weights = keep_apart(weights if type(weights) is Stored else weights.to_bytes())
    record = keep_apart(entry.record) if entry.record else entry.record
    return replace(entry, article=article, analysis=analysis, record=record, weights=weights)


def read_build_record(path: Path, manifest: str | None) -> dict | None:
    """Return what the last build recorded about the site whose manifest hashes to ``manifest``."""
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or manifest is None or record.get("manifest") != manifest:
        return None
    return record


def write_build_record(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record, sort_keys=True))
    os.replace(temporary, path)
