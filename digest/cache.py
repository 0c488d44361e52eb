"""What a rebuild may reuse: fingerprints of the inputs, and loaded articles keyed by file.

A file is known unchanged when its size and modification time are those it had when it was
loaded, unless that time is too close to when the cache was written for the clock to tell
two edits apart (the file system's clock is coarse); such a file is checked by the hash of
its bytes instead, as git does for "racy" files. Anything that could change how files are
read or tagged (digest's own code, the taxonomy) is part of the cache's key, so a change
there empties the cache instead of serving stale records.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .errors import DigestError
from .analysis import ArticleAnalysis
from .collector import collector_paused
from .model import Article
from .search import PackedWeights

CACHE_FORMAT = 4
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
    article: Article | None  # tagged (workers.without_mentions), without its slug (slugs depend on the other files)
    analysis: ArticleAnalysis | None = None  # analyse_article of ``article``
    # What the files that are not pages hold of the article alone: its record in
    # articles.json (export.article_record) and the weights of its words in the search index
    # (search.article_weights), made where it was loaded.
    record: bytes = b""
    weights: PackedWeights | None = None
    errors: tuple[DigestError, ...] = ()
    warnings: tuple[DigestError, ...] = ()


# Loaded files are kept in shards, by a hash of their path, so that a rebuild after an edit
# rewrites the shard of the edited file and leaves the others as they are.
CACHE_SHARDS = 64


def cache_shard(source_path: str) -> int:
    """Return the shard that keeps the file at ``source_path``."""
    return hashlib.sha1(source_path.encode()).digest()[0] % CACHE_SHARDS


@dataclass
class ArticleCache:
    """Loaded files of the previous build, valid while ``key`` (code and taxonomy) is unchanged.

    Each shard is a file in ``folder``: a small header (format, key, when it was written)
    and then its entries, so that a stale shard is known without reading its entries.
    """

    folder: Path
    key: str
    entries: dict[str, LoadedFile] = field(default_factory=dict)
    written_ns: dict[int, int] = field(default_factory=dict)  # by shard: when it was written

    @classmethod
    def open(cls, folder: Path, key: str) -> ArticleCache:
        """Return the cache kept in ``folder``, without the shards that are missing, stale or unreadable."""
        cache = cls(folder, key)
        for shard in range(CACHE_SHARDS):
            try:
                with open(cache.shard_path(shard), "rb") as stream:
                    header = pickle.load(stream)
                    if header["format"] != CACHE_FORMAT or header["key"] != key:
                        continue
                    with collector_paused():
                        entries = pickle.load(stream)
            except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, AttributeError, ImportError,
                    ValueError, IndexError):
                continue  # a cache is only ever a shortcut: when in doubt, load the files again
            cache.entries.update(entries)
            cache.written_ns[shard] = header["written_ns"]
        return cache

    def shard_path(self, shard: int) -> Path:
        return self.folder / f"shard-{shard:02d}.pickle"

    def find(self, source_path: str, path: Path, status: tuple[int, int, int]) -> LoadedFile | None:
        """Return the cached outcome for a file if the file is unchanged since, else None."""
        entry = self.entries.get(source_path)
        if entry is None:
            return None
        if entry.status == status and not is_racy(status, self.written_ns.get(cache_shard(source_path), 0)):
            return entry
        if entry.content_hash and content_hash(path) == entry.content_hash:
            return replace(entry, status=status)
        return None

    def save(self, loaded: list[LoadedFile]) -> None:
        """Replace the stored entries by ``loaded``, rewriting only the shards that changed.

        A shard is replaced atomically: a half-written one is never read.
        """
        shards: dict[int, dict[str, LoadedFile]] = {shard: {} for shard in range(CACHE_SHARDS)}
        for entry in loaded:
            shards[cache_shard(entry.source_path)][entry.source_path] = entry
        before = {shard: {} for shard in range(CACHE_SHARDS)}
        for source_path, entry in self.entries.items():
            before[cache_shard(source_path)][source_path] = entry
        self.entries = {entry.source_path: entry for entry in loaded}
        self.folder.mkdir(parents=True, exist_ok=True)
        for shard, entries in shards.items():
            kept = before[shard]
            if shard in self.written_ns and kept.keys() == entries.keys() and all(
                    kept[source_path] is entry for source_path, entry in entries.items()):
                continue  # the very records it holds: nothing to write
            self.written_ns[shard] = time.time_ns()
            temporary = self.folder / f".shard-{shard:02d}.{os.getpid()}.tmp"
            with open(temporary, "wb") as stream:
                pickle.dump({"format": CACHE_FORMAT, "key": self.key, "written_ns": self.written_ns[shard]}, stream)
                pickle.dump(entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.shard_path(shard))


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
