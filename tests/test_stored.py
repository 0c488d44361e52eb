"""The article cache keeps each file's bytes apart on disk and reads them back where used."""

import os
import pickle
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from digest import stored
from digest.cache import ArticleCache, cache_shard, file_status
from digest.search import PackedWeights
from digest.stored import Stored, StoredFile
from digest.tag import compile_matcher
from digest.taxonomy import load_taxonomy
from digest.workers import load_file
from digest.write import stage_file

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def loaded(tmp_path):
    """The founding articles, loaded as a build loads them."""
    folder = tmp_path / "articles"
    shutil.copytree(REPO / "articles", folder)
    taxonomy = load_taxonomy()
    matcher = compile_matcher(taxonomy)
    return [load_file(path, folder, taxonomy, matcher, 300) for path in sorted(folder.iterdir())]


@pytest.fixture
def cache(tmp_path):
    opened = ArticleCache.open(tmp_path / "cache", "key")
    yield opened
    opened.close()


def saved_cache(folder: Path, entries) -> None:
    """Keep ``entries`` in a cache in ``folder``, as a build before this one did."""
    cache = ArticleCache.open(folder, "key")
    cache.save(entries)
    cache.close()


def apart(entry) -> dict[str, object]:
    """What the cache keeps apart of ``entry``, read back."""
    return {
        "record": stored.contents(entry.record),
        "weights": tuple(PackedWeights.of(entry.weights)),
        "body_html": stored.text(entry.article.body_html),
        "evidence": [found.sentences for found in entry.analysis.evidence],
        "details": (entry.analysis.fields, entry.analysis.removed, entry.analysis.quotations),
    }


def test_kept_files_read_back_what_was_loaded(loaded, cache, tmp_path):
    # One shard written as a worker writes it, where its files are loaded; the others by save().
    shard = cache_shard(loaded[0].source_path)
    cache.write_shard(shard, iter([entry for entry in loaded if cache_shard(entry.source_path) == shard]))
    written = cache.read_shard(shard)
    shard_file = os.stat(cache.shard_path(shard))
    kept = cache.save([written.get(entry.source_path, entry) for entry in loaded])
    assert (os.stat(cache.shard_path(shard)).st_ino, os.stat(cache.shard_path(shard)).st_mtime_ns) == (
        shard_file.st_ino, shard_file.st_mtime_ns), "save() wrote again the shard written where it was loaded"
    for entry, kept_entry in zip(loaded, kept):
        assert type(kept_entry.record) is Stored and type(kept_entry.article.body_html) is Stored
        assert type(kept_entry.analysis.packed_details) is Stored
        assert apart(kept_entry) == apart(entry)
        assert kept_entry.article.tags == entry.article.tags and kept_entry.article.title == entry.article.title
    cache.close()
    reopened = ArticleCache.open(tmp_path / "cache", "key")
    try:
        assert sorted(reopened.entries) == sorted(entry.source_path for entry in loaded)
        for entry in loaded:
            assert apart(reopened.entries[entry.source_path]) == apart(entry)
    finally:
        reopened.close()


def test_values_of_a_replaced_shard_stay_readable_until_the_cache_is_closed(loaded, tmp_path):
    saved_cache(tmp_path / "cache", loaded)
    cache = ArticleCache.open(tmp_path / "cache", "key")
    before = dict(cache.entries)
    cache.save(loaded)  # fresh objects: every shard is written again, copying the old values
    for entry in loaded:
        assert apart(before[entry.source_path]) == apart(entry)
    cache.close()
    with pytest.raises(ValueError, match="closed"):
        stored.contents(before[loaded[0].source_path].record)


def test_a_shard_written_where_its_files_were_loaded_is_not_written_again_for_a_file_deleted(loaded, tmp_path):
    # The shard's files: one edited (loaded again by a worker), one deleted since the last build.
    edited = loaded[0]
    shard = cache_shard(edited.source_path)
    deleted_path = next(name for name in (f"gone-{number}.txt" for number in range(10_000))
                        if cache_shard(name) == shard)
    saved_cache(tmp_path / "cache", [edited, replace(loaded[1], source_path=deleted_path)])
    cache = ArticleCache.open(tmp_path / "cache", "key")
    try:
        cache.write_shard(shard, iter([edited]))
        written = cache.read_shard(shard)
        identity = os.stat(cache.shard_path(shard)).st_ino
        cache.save([written[edited.source_path]])
        assert os.stat(cache.shard_path(shard)).st_ino == identity
        assert sorted(cache.entries) == [edited.source_path]
    finally:
        cache.close()


def test_a_shard_whose_loading_fails_is_not_begun_and_the_old_one_stays(loaded, tmp_path):
    saved_cache(tmp_path / "cache", loaded)
    cache = ArticleCache.open(tmp_path / "cache", "key")
    shard = cache_shard(loaded[0].source_path)
    before = cache.shard_path(shard).read_bytes()

    def loading():  # as a worker's files, the second of which cannot be read
        yield loaded[0]
        raise OSError(5, "Input/output error")

    with pytest.raises(OSError):
        cache.write_shard(shard, loading())
    cache.close()
    assert cache.shard_path(shard).read_bytes() == before
    assert not [name for name in os.listdir(tmp_path / "cache") if name.endswith(".tmp")]


def test_a_stored_value_is_never_pickled(loaded, cache):
    # It means a place in a file held open by this process: nothing anywhere else.
    kept = cache.save(loaded)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(kept[0].record)


def test_a_stored_value_keeps_its_offset_and_length_whatever_their_size(tmp_path):
    # Both are packed in one int: a large site's articles.json runs past 4 GiB, and one run of
    # its lines can be most of it.
    file = StoredFile(-1, str(tmp_path / "never-opened"))
    for offset, length in [(0, 0), (1, 255), (5 << 32, 3 << 30), (1 << 45, (1 << 40) - 1)]:
        value = Stored.at(file, offset, length)
        assert (value.offset, value.length) == (offset, length)
    for offset, length in [(0, 1 << 40), (-1, 3), (3, -1)]:
        with pytest.raises(ValueError, match="can be kept apart"):
            Stored.at(file, offset, length)


def test_a_file_staged_from_kept_parts_holds_their_bytes(loaded, cache, tmp_path):
    # articles.json is written so, its records read back from the cache as it is written.
    records = [file.record for file in cache.save(loaded)]
    assert all(type(record) is Stored for record in records)
    expected = b"[" + b"|".join(record.read() for record in records) + b"]"
    parts = [b"[", *(part for record in records for part in (record, b"|"))][:-1] + [b"]"]
    stage_file(tmp_path / "site", "all.json", iter(parts))
    assert (tmp_path / "site" / "all.json").read_bytes() == expected


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_large_parts_are_copied_file_to_file_with_the_same_bytes(tmp_path, monkeypatch, kernel_copy):
    # A run of lines taken whole from the previous articles.json: copied by the kernel, or
    # read and written where it cannot copy between the two files.
    source = tmp_path / "previous.json"
    data = bytes(range(256)) * (3 << 12)  # 3 MiB
    source.write_bytes(data)
    if not kernel_copy:
        def unsupported(*args):
            raise OSError(18, "Invalid cross-device link")
        monkeypatch.setattr(os, "copy_file_range", unsupported)
    file = StoredFile(os.open(source, os.O_RDONLY), str(source))
    try:
        parts = [b"{", Stored.at(file, 5, len(data) - 10), b",", Stored.at(file, 1, 2), b"}"]
        stage_file(tmp_path / "site", "all.json", iter(parts))
        assert (tmp_path / "site" / "all.json").read_bytes() == b"{" + data[5:-5] + b"," + data[1:3] + b"}"
        with pytest.raises(OSError, match="cut short"):
            stage_file(tmp_path / "site", "short.json", iter([Stored.at(file, len(data) - (2 << 20), 4 << 20)]))
    finally:
        file.close()


def test_a_shard_cut_short_is_not_read(loaded, tmp_path):
    saved_cache(tmp_path / "cache", loaded)
    for shard in (tmp_path / "cache").glob("shard-*.pickle"):
        data = shard.read_bytes()
        shard.write_bytes(data[:len(data) // 2])
    reopened = ArticleCache.open(tmp_path / "cache", "key")
    assert reopened.entries == {} and reopened.files == []


def test_shards_of_a_build_that_was_killed_are_removed_by_the_next(loaded, tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = folder / f".shard-07.{dead.stdout.strip()}.tmp"
    live = folder / f".shard-08.{os.getppid()}.tmp"  # a build still running in another process
    for path in (abandoned, live):
        path.write_bytes(b"half a shard")
    ArticleCache.open(folder, "key").close()
    assert not abandoned.exists() and live.exists()


def test_files_are_taken_from_the_cache_only_when_proven_unchanged(loaded, tmp_path):
    # Their status proves a file unchanged unless it was written too close to its shard for
    # the clock to tell (a "racy" file): then, and when its status changed, its bytes decide.
    folder = tmp_path / "articles"
    paths = {entry.source_path: folder / entry.source_path for entry in loaded}
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for path in paths.values():
        os.utime(path, ns=(an_hour_ago, an_hour_ago))
    racy, touched, edited, kept, *_ = sorted(paths)
    os.utime(paths[racy], ns=(time.time_ns(), time.time_ns()))
    entries = [replace(entry, status=file_status(paths[entry.source_path])) for entry in loaded]
    saved_cache(tmp_path / "cache", entries)
    os.utime(paths[touched], ns=(an_hour_ago + 10**9, an_hour_ago + 10**9))
    text = paths[edited].read_bytes()
    paths[edited].write_bytes(text.replace(b"the", b"thx", 1))  # the same size, a new mtime
    files = sorted(paths.items())
    cache = ArticleCache.open(tmp_path / "cache", "key")
    try:
        found = cache.unchanged(files, [file_status(path) for _, path in files])
        assert sorted(found) == sorted(set(paths) - {edited})
        assert found[kept] is cache.entry(kept)
        assert found[touched].status == file_status(paths[touched]) and found[racy].status == entries[0].status
        paths[racy].write_bytes(paths[racy].read_bytes().replace(b"the", b"thx", 1))
        os.utime(paths[racy], ns=entries[0].status[1:2] * 2)  # the same status as cached
        assert racy not in cache.unchanged(files, [file_status(path) for _, path in files])
        assert cache.unchanged([("new.md", folder / "new.md")], [(1, 2, 3)]) == {}
    finally:
        cache.close()
