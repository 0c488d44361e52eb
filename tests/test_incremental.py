"""Parallel and incremental builds write exactly what a serial full build writes."""

import datetime
import json
import os
import pickle
import random
import re
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from digest.aliases import count_aliases
from digest.cache import cache_shard
from digest.export import KeptRecords
from digest import pipeline, unchanged
from digest.pipeline import build_site, cache_folder
from digest.stored import Stored
from digest.site import Settings, plan_pages, plan_site
from digest.workers import ArticleHashes, page_key
from synthetic import START, SUBJECTS, TOPIC_WORDS, article_text, write_articles

REPO = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def age(folder: Path) -> None:
    """Date every file an hour back: files written just now are "racy" (too new to be proven
    unchanged by their modification time), which would hide the no-change shortcut."""
    an_hour_ago = time.time() - 3600
    for path in folder.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))


@pytest.fixture
def corpus(tmp_path) -> Path:
    """The five founding articles and 120 synthetic ones: several chunks for each worker."""
    folder = tmp_path / "articles"
    shutil.copytree(REPO / "articles", folder)
    write_articles(folder, range(120))
    age(folder)
    return folder


def full_build(articles: Path, where: Path) -> dict[str, bytes]:
    """A serial build from scratch, in a folder of its own (so with a cache of its own)."""
    out_dir = where / "site"
    build_site(articles, out_dir, workers=1)
    return tree(out_dir)


class ArticlesJsonWriters:
    """Which process wrote articles.json in each build: "a helper" or "the build's process"."""

    def __init__(self, told: Path, expected: str):
        self.told = told
        self.expected = expected  # by the test's parameter

    def since_last_asked(self) -> list[str]:
        said = self.told.read_text().splitlines() if self.told.exists() else []
        self.told.unlink(missing_ok=True)
        return said


@pytest.fixture(params=["a helper", "the build's process"])
def articles_json_writers(request, tmp_path, monkeypatch) -> ArticlesJsonWriters:
    """articles.json is written by a helper process when many of its records are read from
    the article cache (as in a full build of a large site), and by the build's own process
    when most of them are the last file's lines (as after an edit): both, in turn."""
    if request.param == "a helper":
        monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 1)
    told = tmp_path / "articles-json-writers"
    here = os.getpid()
    stage = pipeline._stage_articles_json

    def staged(*args):
        with told.open("a") as stream:
            stream.write(("the build's process" if os.getpid() == here else "a helper") + "\n")
        return stage(*args)

    monkeypatch.setattr(pipeline, "_stage_articles_json", staged)
    return ArticlesJsonWriters(told, request.param)


def test_parallel_build_equals_serial_build(corpus, tmp_path, articles_json_writers):
    serial = full_build(corpus, tmp_path / "serial")
    articles_json_writers.since_last_asked()
    build_site(corpus, tmp_path / "parallel" / "site", workers=2)
    assert articles_json_writers.since_last_asked() == [articles_json_writers.expected]
    assert tree(tmp_path / "parallel" / "site") == serial


def test_page_keys_hold_what_related_articles_show(tagged, taxonomy):
    # An article page stands for its related articles by tokens (workers.ArticleHashes):
    # the key must still change with the topics one shares, and with the article it is.
    plan = plan_site(tagged, taxonomy, Settings())
    page = next(page for page in plan.pages if page.template == "article.html" and page.context.related)
    hashes = ArticleHashes(plan.articles)
    key = page_key(page, "", hashes)
    assert page_key(plan_site(list(tagged), taxonomy, Settings()).pages[plan.pages.index(page)], "", hashes) == key
    first = page.context.related[0]
    shared = first.shared[0]
    changed = [
        first._replace(shared=(replace(shared, count=shared.count + 1), *first.shared[1:])),
        first._replace(shared=first.shared[1:]),
        first._replace(shared=(*first.shared, replace(shared, slug="elsewhere"))),
        first._replace(item=next(other.item for other in page.context.related[1:] or [page.context]
                                 if other.item != first.item)),
    ]
    for related in changed:
        context = replace(page.context, related=(related, *page.context.related[1:]))
        assert page_key(replace(page, context=context), "", hashes) != key, related


def test_page_keys_hold_what_the_rows_of_pairs_and_speakers_show(tagged, taxonomy):
    # A row of a pair's or a speaker's page stands for its article by one token: the key must
    # still change with the article, the tag or the speaker the row shows.
    plan = plan_site(tagged, taxonomy, Settings())
    hashes = ArticleHashes(plan.articles)
    pair = next(page for page in plan.pages if page.template == "pair.html")
    person = next(page for page in plan.pages if page.template == "person.html")
    row = pair.context.found[0]
    other = next(page.context for page in plan.pages
                 if page.template == "article.html" and page.context.item.out_path != row.actor.item.out_path
                 and page.context.item.out_path != person.context.quoted[0].item.out_path)
    other_item, other_analysis = other.item, other.analysis
    for changed in [row._replace(actor=row.actor._replace(position=row.actor.position + 1)),
                    row._replace(place=row.place._replace(position=row.place.position + 1)),
                    row._replace(place=row.place._replace(item=other_item))]:
        context = replace(pair.context, found=(changed, *pair.context.found[1:]))
        assert page_key(replace(pair, context=context), "", hashes) != page_key(pair, "", hashes), changed
    quoted = person.context.quoted[0]
    for changed in [quoted._replace(position=quoted.position + 1), quoted._replace(item=other_item),
                    quoted._replace(analysis=other_analysis)]:
        context = replace(person.context, quoted=(changed, *person.context.quoted[1:]))
        assert page_key(replace(person, context=context), "", hashes) != page_key(person, "", hashes), changed


def test_rebuild_after_editing_one_article_equals_a_full_build(corpus, tmp_path, articles_json_writers):
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir, workers=2)
    edited = corpus / "000_e83fb73f7fee90c4.txt"
    edited.write_text(edited.read_text().replace("Turkey plans to cooperate", "Turkey hopes to cooperate")
                      + "\nKurdish officials in Idlib did not comment.\n")
    articles_json_writers.since_last_asked()
    report = build_site(corpus, out_dir, workers=2)
    assert articles_json_writers.since_last_asked() == [articles_json_writers.expected]
    assert report.reloaded == 1 and not report.unchanged
    # Its own page, its date, the lists and topics it is on, its neighbours: not the whole site.
    assert 0 < report.rendered < report.pages / 2
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")
    assert (out_dir / "articles" / "turkey-hopes-to-cooperate-with-russia-in-syria.html").is_file()
    assert not (out_dir / "articles" / "turkey-plans-to-cooperate-with-russia-in-syria.html").exists()


def test_an_edit_reads_the_other_records_back_from_the_previous_articles_json(corpus, tmp_path, monkeypatch):
    out_dir = tmp_path / "incremental" / "site"
    first = build_site(corpus, out_dir, workers=2)
    taken = []
    find = KeptRecords.find

    def counted(self, *args):
        found = find(self, *args)
        taken.append(len(found[1]))
        return found

    monkeypatch.setattr(KeptRecords, "find", counted)
    edited = corpus / "report-001.md"
    edited.write_text(edited.read_text() + "\nAnkara said on Monday that it would answer the Kremlin in writing.\n")
    build_site(corpus, out_dir, workers=2)
    assert taken == [first.articles - 1]
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


def test_an_edit_takes_the_unchanged_lines_of_articles_json_whole(corpus, tmp_path, monkeypatch):
    # The lines before and after the edited article's, each run as one part of the previous file.
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir, workers=2)
    previous = (out_dir / "articles.json").resolve()
    size = previous.stat().st_size
    # The file is written by a process of its own: what it was made of is told through a file.
    told = tmp_path / "parts.json"
    parts_of = pipeline.articles_json_parts

    def kept_parts(*args, **kwargs):
        parts = list(parts_of(*args, **kwargs))
        told.write_text(json.dumps([[type(part) is Stored and part.file.path, len(part) if type(part) is bytes
                                     else part.length] for part in parts]))
        return iter(parts)

    monkeypatch.setattr(pipeline, "articles_json_parts", kept_parts)
    edited = corpus / "report-060.md"
    edited.write_text(edited.read_text() + "\nAnkara said on Monday that it would answer the Kremlin in writing.\n")
    report = build_site(corpus, out_dir, workers=2)
    parts = json.loads(told.read_text())
    runs = [length for path, length in parts if path == str(previous)]
    assert len(runs) == 2
    assert sum(runs) > 0.9 * size
    assert len(parts) < 10 and report.articles == 125
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


def test_an_unchanged_article_whose_slug_changed_gets_a_new_line_in_articles_json(corpus, tmp_path):
    # A new file with the same title, sorting first, takes the plain slug from an unchanged one.
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir, workers=2)
    (corpus / "aaa-same-title.md").write_text(article_text(7, title="The harbour question, report 60"))
    build_site(corpus, out_dir, workers=2)
    slugs = [record["slug"] for record in json.loads((out_dir / "articles.json").read_text())["articles"]]
    assert "the-harbour-question-report-60" in slugs and len(set(slugs)) == len(slugs) == 126
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


def test_a_previous_articles_json_cut_short_is_not_read(corpus, tmp_path):
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir)
    articles_json = out_dir / "articles.json"
    articles_json.write_bytes(articles_json.read_bytes()[:1000])
    edited = corpus / "report-001.md"
    edited.write_text(edited.read_text() + "\nAnkara said on Monday that it would answer the Kremlin in writing.\n")
    build_site(corpus, out_dir)
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


def test_an_edit_renders_only_the_numbered_page_of_a_list_that_holds_the_article(corpus, tmp_path):
    # Numbered pages do not show the counts of their whole list (a topic's mentions, a
    # source's articles), and do not change when those do.
    settings = Settings(page_size=4)
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir, settings=settings)
    numbered = {path: path.stat().st_ino for folder in ("topics", "sources", "matrix", "voices")
                for path in (out_dir / folder).glob("*/*.html")}
    assert len(numbered) > 50
    # A report on an actor and a place, in the middle of the lists: not on their front pages.
    records = json.loads((out_dir / "articles.json").read_text())["articles"]
    record = [record for record in records if len(record["topics"]) >= 2 and record["source"]][len(records) // 2]
    # More mentions of the topics it has, and no other topic: the totals of those topics change.
    names = " and ".join(topic["evidence"][0]["matched"] for topic in record["topics"])
    edited = corpus / record["source_file"]
    edited.write_text(edited.read_text() + f"\nAgain, {names}.\n")
    report = build_site(corpus, out_dir, settings=settings)
    assert tree(out_dir) == tree(build_site(corpus, tmp_path / "fresh" / "site", settings=settings, workers=1).out_dir)
    slug = record["slug"]
    changed = [path for path, inode in numbered.items() if path.stat().st_ino != inode]
    assert changed and all(f"{slug}.html" in path.read_text() for path in changed), changed
    assert report.rendered < 40


def test_an_edit_renders_of_the_archive_only_the_pages_that_list_the_article(corpus, tmp_path):
    # The year and archive pages count each date's articles, and show none of them: an
    # edit leaves them as they were. Its date's page and its month's show it.
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir)
    archive = {path: path.stat().st_ino for path in (out_dir / "archive").rglob("*.html")}
    records = json.loads((out_dir / "articles.json").read_text())["articles"]
    record = next(record for record in records if record["date"] and record["source_file"].endswith(".md"))
    edited = corpus / record["source_file"]
    edited.write_text(edited.read_text() + "\nNobody said more.\n")
    build_site(corpus, out_dir)
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")
    year, month, day = record["date"].split("-")
    rendered = {path.relative_to(out_dir).as_posix() for path, inode in archive.items() if path.stat().st_ino != inode}
    assert rendered == {f"archive/{year}/{month}/index.html", f"archive/{year}/{month}/{day}.html"}


def test_an_edit_writes_again_only_the_feeds_that_list_the_article(corpus, tmp_path):
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir)
    feeds = {path: path.stat().st_ino for path in [out_dir / "feed.xml", *(out_dir / "feeds").glob("*.xml")]}
    records = json.loads((out_dir / "articles.json").read_text())["articles"]
    newest = max((record for record in records if record["date"]), key=lambda record: record["date"])
    edited = corpus / newest["source_file"]
    edited.write_text(edited.read_text() + "\nOne more paragraph about Idlib.\n")
    build_site(corpus, out_dir)
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")
    page = f"{newest['slug']}.html"
    listing = {path for path in feeds if page in path.read_text()}
    assert out_dir / "feed.xml" in listing and len(listing) < len(feeds)
    assert {path for path, inode in feeds.items() if path.stat().st_ino != inode} == listing


@pytest.mark.parametrize("change", ["add", "delete", "rename"])
def test_rebuild_after_adding_deleting_or_renaming_equals_a_full_build(corpus, tmp_path, change):
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir)
    target = corpus / "001_d237a528e19c67b1.txt"
    if change == "add":
        (corpus / "new.txt").write_text("A new headline on Idlib\n\nRussia and Turkey talked about Idlib.\n")
    elif change == "delete":
        target.unlink()
    else:
        target.rename(corpus / "zzz-renamed.txt")
    report = build_site(corpus, out_dir)
    assert report.reloaded == (0 if change == "delete" else 1)
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


def test_no_change_rebuild_writes_nothing(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    before = {path: path.stat().st_ino for path in out_dir.rglob("*")}
    report = build_site(corpus, out_dir)
    assert report.unchanged and report.reloaded == 0
    assert {path: path.stat().st_ino for path in out_dir.rglob("*")} == before
    assert "Nothing changed" in report.summary()


def test_a_missing_output_file_is_not_taken_for_no_change(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    expected = tree(out_dir)
    (out_dir / "index.html").unlink()
    report = build_site(corpus, out_dir)
    assert not report.unchanged and report.reloaded == 0
    assert tree(out_dir) == expected


# workers=2: the search index's helper process is started, and told there is nothing to make.
@pytest.mark.parametrize("workers", [None, 2])
def test_files_touched_but_not_changed_are_taken_over_whole(corpus, tmp_path, workers):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir, workers=workers)
    expected = tree(out_dir)
    inodes = {path: path.stat().st_ino for path in out_dir.rglob("*.*") if path.name != ".digest-manifest.json"}
    time.sleep(0.01)
    for path in corpus.iterdir():
        path.touch()  # as a checkout does: new times, the same bytes
    report = build_site(corpus, out_dir, workers=workers)
    assert not report.unchanged and report.reloaded == 0 and report.rendered == 0
    assert tree(out_dir) == expected
    assert {path: path.stat().st_ino for path in out_dir.rglob("*.*") if path.name != ".digest-manifest.json"} == inodes


@pytest.mark.parametrize("workers", [None, 2])
def test_a_missing_file_that_is_not_a_page_is_made_again_with_the_others(corpus, tmp_path, workers):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir, workers=workers)
    expected = tree(out_dir)
    (out_dir / "search" / "index.js").unlink()
    articles_json = (out_dir / "articles.json").stat().st_ino
    report = build_site(corpus, out_dir, workers=workers)
    assert report.rendered == 0 and tree(out_dir) == expected
    assert (out_dir / "articles.json").stat().st_ino != articles_json, "written anew, not through the old file"


def test_a_changed_template_or_setting_rebuilds_every_page(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    templates = tmp_path / "theme"
    templates.mkdir()
    (templates / "base.html").write_text(
        (REPO / "templates" / "base.html").read_text().replace("Skip to content", "Skip to the news"))
    report = build_site(corpus, out_dir, templates_dir=templates)
    assert not report.unchanged
    assert all("Skip to the news" in path.read_text() for path in out_dir.rglob("*.html"))


def test_a_topic_described_anew_in_the_taxonomy_is_shown_anew(corpus, tmp_path):
    # Page keys stand for a topic by its slug alone: the taxonomy's text is in every key.
    taxonomy = tmp_path / "taxonomy.yaml"
    original = (REPO / "digest" / "data" / "taxonomy.yaml").read_text()
    taxonomy.write_text(original)
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir, taxonomy_path=taxonomy)
    old = "The Russian state, its government and armed forces."
    taxonomy.write_text(original.replace(old, "Russia's state and army."))
    build_site(corpus, out_dir, taxonomy_path=taxonomy)
    assert "Russia&#39;s state and army" in (out_dir / "topics" / "russia.html").read_text()
    assert tree(out_dir) == tree(build_site(corpus, tmp_path / "fresh" / "site", taxonomy_path=taxonomy,
                                            workers=1).out_dir)


def test_builds_in_one_process_leave_no_file_open(corpus, tmp_path):
    # As digest serve builds, again and again: the staging folders' handles are closed.
    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    before = open_files()
    for edit in range(3):
        (corpus / "report-001.md").write_text((corpus / "report-001.md").read_text() + f"\nEdit {edit}.\n")
        assert build_site(corpus, out_dir).rendered > 0
    assert open_files() == before


def test_a_summary_length_other_than_the_cached_one_equals_a_full_build(corpus, tmp_path):
    # The cache keeps each article's summary, and its search weights, cut for the setting of
    # the build that loaded it: another setting loads the files again.
    shorter = Settings(summary_length=80)
    build_site(corpus, tmp_path / "site", workers=2)
    assert build_site(corpus, tmp_path / "site", workers=2, settings=shorter).reloaded == 125
    fresh = tmp_path / "fresh" / "site"
    build_site(corpus, fresh, workers=1, settings=shorter)
    assert tree(tmp_path / "site") == tree(fresh)


def test_a_corrupt_cache_is_ignored(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    expected = tree(out_dir)
    for shard in (cache_folder(out_dir) / "articles").glob("shard-*.pickle"):
        shard.write_bytes(b"not a pickle")
    (cache_folder(out_dir) / "build.json").write_text("{")
    report = build_site(corpus, out_dir)
    assert report.reloaded == 125 and tree(out_dir) == expected


def test_a_corrupt_shard_costs_only_its_own_files(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    expected = tree(out_dir)
    largest = max((cache_folder(out_dir) / "articles").glob("shard-*.pickle"), key=lambda shard: shard.stat().st_size)
    kept = [path for path in corpus.rglob("*") if path.is_file()
            and f"shard-{cache_shard(path.relative_to(corpus).as_posix()):02d}.pickle" == largest.name]
    largest.write_bytes(largest.read_bytes()[:40])
    (cache_folder(out_dir) / "build.json").unlink()
    report = build_site(corpus, out_dir)
    assert report.reloaded == len(kept) > 0 and tree(out_dir) == expected


def test_an_edit_rewrites_only_the_shard_of_the_edited_file(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    folder = cache_folder(out_dir) / "articles"
    written = {shard.name: shard.stat().st_mtime_ns for shard in folder.glob("shard-*.pickle")}
    edited = sorted(corpus.glob("*.md"))[0]
    edited.write_text(edited.read_text() + "\nOne more paragraph about Idlib.\n")
    build_site(corpus, out_dir)
    rewritten = [shard.name for shard in folder.glob("shard-*.pickle") if shard.stat().st_mtime_ns != written[shard.name]]
    assert rewritten == [f"shard-{cache_shard(edited.relative_to(corpus).as_posix()):02d}.pickle"]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_shard_of_an_edited_file_is_written_once(corpus, tmp_path, monkeypatch, workers):
    # The process that loads the file writes its shard; the build then keeps what it read
    # back, and writes no shard of its own (ArticleCache._writer is how it would).
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir, workers=workers)
    written_again = []
    writer = pipeline.ArticleCache._writer
    monkeypatch.setattr(pipeline.ArticleCache, "_writer",
                        lambda cache, shard: written_again.append(shard) or writer(cache, shard))
    for edited in sorted(corpus.glob("*.txt"))[:3]:
        edited.write_text(edited.read_text() + "\nOne more paragraph about Idlib.\n")
    report = build_site(corpus, out_dir, workers=workers)
    assert report.reloaded == 3
    assert written_again == []
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


def test_a_cache_from_other_code_is_not_used(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    for shard in (cache_folder(out_dir) / "articles").glob("shard-*.pickle"):
        with shard.open("rb") as stream:
            header, rest = pickle.load(stream), stream.read()
        header["key"] = "from another version of digest"
        shard.write_bytes(pickle.dumps(header) + rest)
    (cache_folder(out_dir) / "build.json").unlink()
    assert build_site(corpus, out_dir).reloaded == 125


def test_bad_files_are_reported_again_when_nothing_changed(corpus, tmp_path):
    (corpus / "broken.txt").write_text("---\ndate: 2019-02-30\n---\nText.\n")
    age(corpus)
    out_dir = tmp_path / "site"
    first = build_site(corpus, out_dir, keep_going=True)
    second = build_site(corpus, out_dir, keep_going=True)
    assert second.unchanged
    assert [str(error) for error in second.skipped] == [str(error) for error in first.skipped]
    assert "2019-02-30" in str(second.skipped[0])


# ---------------------------------------------------------------- the previous site, kept


def kept_site(out_dir: Path) -> Path:
    return cache_folder(out_dir) / "previous-site"


def edit(corpus: Path, name: str, sentence: str) -> None:
    path = corpus / name
    path.write_text(path.read_text() + f"\n{sentence}\n")


@pytest.mark.parametrize("workers", [1, 2])
def test_rebuilds_that_update_the_kept_previous_site_equal_full_builds(corpus, tmp_path, workers):
    # Each rebuild is made in the site the one before it replaced, which holds most pages
    # already: an edit, another edit, the first undone, an article added, one deleted.
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir, workers=workers)
    original = (corpus / "report-001.md").read_text()
    changes = [
        lambda: edit(corpus, "report-001.md", "Ankara said on Monday that it would answer the Kremlin in writing."),
        lambda: edit(corpus, "report-060.md", "Kurdish officials in Idlib did not comment."),
        lambda: (corpus / "report-001.md").write_text(original),
        lambda: write_articles(corpus, [130]),
        lambda: (corpus / "001_d237a528e19c67b1.txt").unlink(),
    ]
    folders = [out_dir.stat().st_ino]
    for number, change in enumerate(changes):
        change()
        report = build_site(corpus, out_dir, workers=workers)
        assert 0 < report.rendered < report.pages / 4
        folders.append(out_dir.stat().st_ino)
        if number > 0:  # the site is made in the folder of the one before the last
            assert folders[-1] == folders[-3] != folders[-2]
        assert tree(out_dir) == full_build(corpus, tmp_path / f"fresh-{number}"), number
        assert folders_under(out_dir) == folders_under(tmp_path / f"fresh-{number}" / "site")


def folders_under(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_dir()}


def test_the_live_site_is_never_written_through_the_kept_one(corpus, tmp_path):
    # The kept site's unchanged pages are hard links to the live site's files: updating the
    # kept site replaces them, and the site it swaps out is still the one it was.
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    edit(corpus, "report-001.md", "Ankara said on Monday that it would answer the Kremlin in writing.")
    build_site(corpus, out_dir)
    shared = {path.relative_to(kept_site(out_dir)).as_posix() for path in kept_site(out_dir).rglob("*.html")
              if path.stat().st_nlink > 1}
    assert len(shared) > 100
    live = tree(out_dir)
    edit(corpus, "report-002.md", "Kurdish officials in Idlib did not comment.")
    report = build_site(corpus, out_dir)
    assert report.rendered > 0
    swapped_out = tree(kept_site(out_dir))
    assert swapped_out == {out_path: content for out_path, content in live.items() if out_path.endswith(".html")}


def test_a_page_unchanged_over_several_rebuilds_keeps_its_file(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    first = {path: path.stat().st_ino for path in out_dir.rglob("*.html")}
    for number in range(3):
        edit(corpus, "report-001.md", f"Ankara said on Monday that it would answer the Kremlin in {number + 2} ways.")
        build_site(corpus, out_dir)
    kept = [path for path, inode in first.items() if path.exists() and path.stat().st_ino == inode]
    assert len(kept) > len(first) * 3 / 4


@pytest.mark.parametrize("tamper", ["file removed", "file added", "folder replaced"])
def test_a_kept_site_that_is_not_the_one_recorded_is_not_used(corpus, tmp_path, tamper):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    edit(corpus, "report-001.md", "Ankara said on Monday that it would answer the Kremlin in writing.")
    build_site(corpus, out_dir)
    kept = kept_site(out_dir)
    page = sorted(kept.glob("articles/*.html"))[0]
    if tamper == "file removed":
        page.unlink()
    elif tamper == "file added":
        (kept / "articles" / "stray.html").write_text("stray")
    else:
        shutil.copytree(kept, tmp_path / "copy")
        shutil.rmtree(kept)
        (tmp_path / "copy").rename(kept)
    edit(corpus, "report-060.md", "Kurdish officials in Idlib did not comment.")
    build_site(corpus, out_dir)
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


def test_no_previous_site_is_kept_after_a_build_that_rendered_most_pages(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    edit(corpus, "report-001.md", "Ankara said on Monday that it would answer the Kremlin in writing.")
    build_site(corpus, out_dir)
    assert kept_site(out_dir).is_dir()
    # Every page changes: kept, the replaced site would be a second site's worth of files.
    build_site(corpus, out_dir, settings=Settings(site_title="Another digest"))
    assert not kept_site(out_dir).exists()


def test_a_site_swapped_in_by_a_build_that_died_before_its_record_is_not_taken_for_the_recorded_one(
        corpus, tmp_path, monkeypatch):
    # The record is written after the swap. Were the site it does not describe taken for the
    # one it does, a page with the key the record gives would be taken over from it as is.
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    before = (corpus / "report-001.md").read_text()
    edit(corpus, "report-001.md", "Ankara said on Monday that it would answer the Kremlin in writing.")

    def killed(path, record):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "write_build_record", killed)
    with pytest.raises(KeyboardInterrupt):
        build_site(corpus, out_dir)
    monkeypatch.undo()
    assert "answer the Kremlin" in (out_dir / "articles.json").read_text()
    (corpus / "report-001.md").write_text(before)  # the pages the record describes, again
    build_site(corpus, out_dir)
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


# ---------------------------------------------------------------- pages an edit cannot change


def build_record(out_dir: Path) -> dict:
    return json.loads((cache_folder(out_dir) / "build.json").read_text())


def append_to(name: str, text: str):
    def change(corpus: Path) -> None:
        path = corpus / name
        path.write_text(path.read_text() + f"\n{text}\n")
    return change


def replace_in(name: str, old: str, new: str):
    def change(corpus: Path) -> None:
        path = corpus / name
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))
    return change


QUOTE = '"The talks will go on," said Maria Jones.'


def added_on(date: datetime.date):
    """An article added to the corpus, dated ``date``: one more synthetic report, under another name."""
    def change(corpus: Path) -> None:
        (corpus / f"added-{date.isoformat()}.md").write_text(article_text(131, date=date))
    return change

# (the change, whether it leaves every list's membership and order as they were)
EDITS = {
    "a file touched, not changed": (lambda corpus: (corpus / "report-010.md").touch(), True),
    "a sentence naming no topic": (append_to("report-010.md", "Nobody said more."), True),
    # Report 10 names Turkey three times: a fourth is at the same mention level.
    "a mention at the same level": (append_to("report-010.md", "Officials spoke of Turkey again."), True),
    "a quoted speaker": (append_to("report-010.md", QUOTE), True),
    # The founding article 002 quotes Dmitry Peskov 14 times, and names Russia often enough
    # for the highest level.
    "another quotation of a speaker": (append_to("002_dc4784947763887e.txt", '"We will see," Peskov said.'), True),
    # Reports 20 to 29 quote her (see the test): an older one moves each of her pages' articles along.
    "an older article quoting a speaker": (append_to("report-005.md", QUOTE), True),
    "two articles and a founding one": (lambda corpus: [append_to(name, "Nobody said more.")(corpus) for name in (
        "report-010.md", "report-011.md", "000_e83fb73f7fee90c4.txt")], True),
    # Report 10 names Russia twice: a third mention is the next level, which ranks its
    # related articles, and the lists of those it may enter or leave, anew.
    "a mention at the next level": (append_to("report-010.md", "Officials spoke of Russia again."), True),
    # Report 10 names Turkey three times: two is the level below, which other lists may drop it for.
    "a mention fewer, at the level below": (replace_in("report-010.md", "of Turkey again. Officials spoke of Turkey again.",
                                                       "of Turkey again."), True),
    # A topic it did not name, or no longer names: that topic's list, and its pairs', move along
    # from the article's place; their totals change.
    "a topic it did not have": (append_to("report-010.md", "Officials spoke of Idlib."), True),
    "an actor it no longer names": (replace_in("report-010.md", "Officials spoke of Russia again. " * 2, ""), True),
    # Another source: its list and the old one's move along from the article's place, and a
    # new one gets its pages.
    "another source": (replace_in("report-010.md", "Wire 2", "Wire 9"), True),
    "another source named by others": (replace_in("report-010.md", "Wire 2", "Wire 3"), True),
    # A new name that takes the page slug of "Wire 2", which gets another: every page is keyed.
    "a source that takes another's page": (replace_in("report-010.md", "Wire 2", "WIRE 2"), False),
    # Another date moves the article in each list that holds it, from its old place to its new one.
    "another date": (replace_in("report-010.md", "2021-03-11", "2021-03-12"), True),
    "a date months later, in another month": (replace_in("report-010.md", "2021-03-11", "2021-05-30"), True),
    "a date years earlier, in another year": (replace_in("report-100.md", "2021-06-09", "2019-12-31"), True),
    # The first undated article gives every page a link to the Undated page: all are keyed.
    "no date any more": (replace_in("report-100.md", "date: 2021-06-09\n", ""), False),
    # Reports 20 to 29 quote her: it moves past five of them, in her list too.
    "an earlier date for an article quoting a speaker": (replace_in("report-025.md", "2021-03-26", "2021-03-18"),
                                                         True),
    "a date and a topic it did not have": (lambda corpus: [
        replace_in("report-010.md", "2021-03-11", "2021-04-02")(corpus),
        append_to("report-010.md", "Officials spoke of Idlib.")(corpus)], True),
    # With undated articles already, the Undated page and every page's link to it are there.
    "no date any more, beside an undated one": (replace_in("report-100.md", "date: 2021-06-09\n", ""), True),
    "a date for an undated one": (replace_in("report-050.md", "title:", "date: 2021-01-05\ntitle:"), True),
    # An article added enters each list that holds it: the newest, one among older ones, two.
    "an article added": (lambda corpus: write_articles(corpus, [130]), True),
    "an article added among older ones": (added_on(START + datetime.timedelta(days=100)), True),
    "two articles added": (lambda corpus: [write_articles(corpus, [130]),
                                           added_on(START + datetime.timedelta(days=60))(corpus)], True),
    # An article deleted leaves each list that held it: one, one quoting a speaker, the newest.
    "an article deleted": (lambda corpus: (corpus / "report-060.md").unlink(), True),
    "an article quoting a speaker deleted": (lambda corpus: (corpus / "report-024.md").unlink(), True),
    "the newest article deleted": (lambda corpus: (corpus / "report-119.md").unlink(), True),
    "two articles deleted": (lambda corpus: [(corpus / f"report-0{number}.md").unlink() for number in (59, 60)],
                             True),
    "five articles deleted": (lambda corpus: [(corpus / f"report-{number:03d}.md").unlink()
                                              for number in (100, 103, 104, 111, 117)], True),
    # Reports 10 and 12 have the same title: the later path's slug has a suffix, which the
    # removed article's page had; without report 10, report 12 would have the plain slug.
    "the second of two of the same title deleted": (lambda corpus: (corpus / "report-012.md").unlink(), True),
    "the first of two of the same title deleted": (lambda corpus: (corpus / "report-010.md").unlink(), False),
    # A file renamed, with the same page and place in each list, is an edit of the article it was.
    "a file renamed": (lambda corpus: (corpus / "report-060.md").rename(corpus / "renamed-060.md"), True),
    # Dated anew too, it is one removed and one added, at the same page. Report 119, the newest,
    # is among the articles shown for its aliases: taken out of their rows, then put back.
    "the newest file renamed and dated anew": (lambda corpus: [
        (corpus / "report-119.md").rename(corpus / "renamed-119.md"),
        replace_in("renamed-119.md", "2021-06-28", "2021-06-29")(corpus)], True),
    "an article deleted and another added": (lambda corpus: [(corpus / "report-024.md").unlink(),
                                                             write_articles(corpus, [130])], True),
    # An article added and another dated anew: left to a full plan.
    "an article added and another dated anew": (lambda corpus: [
        write_articles(corpus, [130]), replace_in("report-010.md", "2021-03-11", "2021-03-12")(corpus)], False),
    # One article dated anew at a time: two are left to a full plan.
    "two articles dated anew": (lambda corpus: [replace_in("report-010.md", "2021-03-11", "2021-03-12")(corpus),
                                                replace_in("report-100.md", "2021-06-09", "2021-06-10")(corpus)],
                                False),
    # Report 10 names Turkey three times: once by another of its names, at the same level.
    "an alias it did not use": (replace_in("report-010.md", "of Turkey again. Officials spoke of Kurds",
                                           "of Ankara again. Officials spoke of Kurds"), True),
    # Report 119, the newest, is among the articles shown for the alias "Kurds", which has more.
    "a shown article's alias put another way": (replace_in("report-119.md", "of Kurds again", "of YPG again"), True),
    # The timeline shows titles: planned again, as the pages that list the article are.
    "a title that keeps its slug": (replace_in("report-010.md", "report 10", "Report 10"), True),
    # A new slug renames its page: the pages that link it, and its list's pages that moved.
    "another title": (replace_in("report-010.md", "report 10", "report ten"), True),
    # Report 119, the newest, is among the articles shown for its aliases: by its new page.
    "another title for the newest": (replace_in("report-119.md", "report 119", "report 119 and more"), True),
    # Report 11 has that date: the slug puts it first among the two.
    "a date and a title": (lambda corpus: [replace_in("report-010.md", "2021-03-11", "2021-03-12")(corpus),
                                           replace_in("report-010.md", "The orchestra", "An aardvark")(corpus)],
                           True),
    # Reports 10 and 12 had the same title: the later path's slug had a suffix (load.assign_slugs).
    "a title for one of two that had the same": (replace_in("report-012.md", "report 10", "report twelve"), True),
    # Report 10 takes the plain slug that report 11 had, which gets a suffix: every page is keyed.
    "the title of another": (replace_in("report-010.md", "The orchestra question, report 10",
                                        "The glacier question, report 11"), False),
}
# The edits that change mention levels, and so other articles' related lists.
RERANKING = {"a mention at the next level", "a mention fewer, at the level below", "a topic it did not have",
             "an actor it no longer names"}
# The edits that change an article's date or slug, which rank related articles too: other
# articles' lists may keep it, or not.
REORDERING = {"another title", "another title for the newest", "a date and a title",
              "a title for one of two that had the same", "another date",
              "a date months later, in another month", "a date years earlier, in another year",
              "a date and a topic it did not have", "no date any more, beside an undated one",
              "an earlier date for an article quoting a speaker", "a date for an undated one"}
# The edits that add articles, which enter the related lists of others, as do new levels.
ADDING = {"an article added", "an article added among older ones", "two articles added",
          "the newest file renamed and dated anew", "an article deleted and another added"}
# The edits that delete an article, which leaves other articles' related lists.
REMOVING = {"an article deleted", "an article quoting a speaker deleted", "the newest article deleted",
            "two articles deleted", "five articles deleted", "the second of two of the same title deleted",
            "the newest file renamed and dated anew", "an article deleted and another added"}
# The edits made to a site whose report 12 has the title of report 10.
SAME_TITLE = {"a title for one of two that had the same", "the second of two of the same title deleted",
              "the first of two of the same title deleted"}
# The edits that take two articles out of each list, or one out and one in, from its middle.
TWO_MOVED = {"two articles deleted", "five articles deleted", "an article deleted and another added"}
# The edits made to a site whose reports 50 and 51 have no date; to one whose report 12
# has the title of report 10.
UNDATED_FIRST = {"no date any more, beside an undated one", "a date for an undated one"}
# The edits whose alias rows are counted again: the last build's do not name the article that
# takes the place of the one the edit takes out (aliases.updated_aliases).
ROWS_COUNTED_AGAIN = {"a shown article's alias put another way", "a date years earlier, in another year",
                      "no date any more, beside an undated one", "the newest article deleted",
                      "five articles deleted"}


@pytest.mark.parametrize("edit_name", EDITS)
def test_pages_an_edit_cannot_change_keep_the_keys_a_full_build_makes(corpus, tmp_path, monkeypatch, edit_name):
    # Pages an edit cannot have changed keep their last key without it being made again
    # (unchanged.py). A full build makes every key: the two must agree on each page. Short
    # pages give every list numbered pages, which hold no totals.
    change, lists_kept = EDITS[edit_name]
    settings = Settings(page_size=4)
    for number in range(20, 30):
        append_to(f"report-{number:03d}.md", QUOTE)(corpus)
    if edit_name in UNDATED_FIRST:
        replace_in("report-050.md", "date: 2021-04-20\n", "")(corpus)
        replace_in("report-051.md", "date: 2021-04-21\n", "")(corpus)
    if edit_name in SAME_TITLE:
        replace_in("report-012.md", "The bakery question, report 12", "The orchestra question, report 10")(corpus)
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir, settings=settings)
    told, planned = [], []
    find = pipeline.unchanged_pages
    monkeypatch.setattr(pipeline, "unchanged_pages", lambda *args: told.append(find(*args)) or told[-1])
    monkeypatch.setattr(pipeline, "plan_pages", lambda *args: planned.append((args, plan_pages(*args))) or planned[-1][1])
    updated = []
    update = pipeline.updated_aliases
    monkeypatch.setattr(pipeline, "updated_aliases", lambda *args: updated.append(update(*args)) or updated[-1])
    # The slugs that articles removed had are tried the likeliest first: the first order is the one.
    monkeypatch.setattr(unchanged, "MAX_EARLIER_ORDERS", 1)
    change(corpus)
    report = build_site(corpus, out_dir, settings=settings)
    fresh = tmp_path / "fresh" / "site"
    build_site(corpus, fresh, settings=settings, workers=1)
    assert build_record(out_dir)["page_keys"] == build_record(fresh)["page_keys"]
    assert tree(out_dir) == tree(fresh)
    known = told[0] if told else {}  # not asked when the edit may have changed a list
    (inputs, choices, unplanned, edits), focused = planned[0]
    if lists_kept:
        # Most pages were not keyed; of the others, those that show no edited article were not rendered.
        assert len(known) > report.pages / 2
        assert report.rendered < report.pages - len(known)
        # Planned for the edit, the pages are a full plan's, with the records of a few alone.
        full = plan_pages(inputs, choices, unplanned)
        assert [(page.out_path, page.template, page.title, page.origin) for page in focused] == [
            (page.out_path, page.template, page.title, page.origin) for page in full]
        assert all(page.context is None or page.context == whole.context for page, whole in zip(focused, full))
        # Every page keyed was planned; a few planned (other days of the article's month) were not keyed.
        # Two articles that enter or leave each list, in two months, move more of it.
        share = 2 if edit_name in TWO_MOVED else 3
        assert report.pages - len(known) <= sum(page.context is not None for page in focused) < len(focused) / share
        # The topics' alias rows are the last build's, updated for the edit, rather than counted again.
        assert (updated == [None]) == (edit_name in ROWS_COUNTED_AGAIN)
        assert inputs.aliases == count_aliases(inputs.ordered, inputs.items, inputs.analysed,
                                               [topic.slug for topic in inputs.taxonomy.topics])
        # Ranked again for the edited article, whose level changed: other articles' lists with it.
        assert bool(edits.relevelled) == (edit_name in RERANKING | REORDERING | ADDING)
        if edit_name not in REORDERING | ADDING | REMOVING:
            assert bool(edits.reranked - edits.slugs) == (edit_name in RERANKING)
        # An article dated or named anew moved in each of its lists: it alone.
        assert (edits.reordered is not None) == (edit_name in REORDERING)
        assert bool(edits.added) == (edit_name in ADDING)
        assert bool(edits.removed) == (edit_name in REMOVING)
    else:
        assert known == {} and edits is None


def search_inputs_sent(monkeypatch) -> list:
    """The search inputs each build makes from then on (pipeline.search_input)."""
    made = []
    search_input = pipeline.search_input
    monkeypatch.setattr(pipeline, "search_input", lambda *args: made.append(search_input(*args)) or made[-1])
    return made


def test_after_an_edit_the_search_index_is_sent_the_edited_articles_alone(corpus, tmp_path, monkeypatch):
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir, workers=2)
    sent = search_inputs_sent(monkeypatch)
    append_to("report-010.md", "Officials spoke of Turkey again.")(corpus)
    append_to("report-020.md", QUOTE)(corpus)
    build_site(corpus, out_dir, workers=2)
    assert len(sent[-1].numbers) == len(sent[-1].records) == 2
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")
    # A new title gives the article a new slug: its entry is sent, with its new page.
    replace_in("report-010.md", "report 10", "report ten")(corpus)
    build_site(corpus, out_dir, workers=2)
    assert len(sent[-1].numbers) == len(sent[-1].records) == 1
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh-2")
    # One that another article had takes its slug, and gives it another: every article is sent.
    replace_in("report-009.md", "The wildfire question, report 9", "The typhoon question, report 20")(corpus)
    build_site(corpus, out_dir, workers=2)
    assert sent[-1].numbers is None and len(sent[-1].records) == 125
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh-3")


@pytest.mark.parametrize("steps", [
    # After reports 11 to 15: those between its two places move by one; then past most articles.
    [(replace_in("report-010.md", "2021-03-11", "2021-03-16"), 6),
     (replace_in("report-010.md", "2021-03-16", "2021-06-30"), None)],
    # Older than reports 115 to 119 alone: each newer article moves up by one; the newest; older than most.
    [(added_on(START + datetime.timedelta(days=115)), 6), (lambda corpus: write_articles(corpus, [130]), 1),
     (added_on(START + datetime.timedelta(days=10)), None)],
    # Reports 118 and 119 alone are newer: they move down by one; then the newest; then older than most.
    [(lambda corpus: (corpus / "report-117.md").unlink(), 2),
     (lambda corpus: (corpus / "report-119.md").unlink(), 0),
     (lambda corpus: (corpus / "report-010.md").unlink(), None)],
], ids=["an article dated anew", "articles added", "articles deleted"])
def test_the_search_index_is_sent_the_articles_whose_numbers_an_edit_changed(corpus, tmp_path, monkeypatch, steps):
    # The index numbers the articles oldest first. When most numbers change, the lists are
    # made again from every article's entry (postings.updates).
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir, workers=2)
    sent = search_inputs_sent(monkeypatch)
    for number, (change, count) in enumerate(steps):
        change(corpus)
        build_site(corpus, out_dir, workers=2)
        if count is None:
            assert sent[-1].numbers is None
        else:
            assert len(sent[-1].numbers) == len(sent[-1].records) == count
        assert tree(out_dir) == full_build(corpus, tmp_path / f"fresh-{number}")


def test_search_lists_kept_from_an_older_build_are_sent_every_article(corpus, tmp_path, monkeypatch):
    # The edited articles alone would be put in lists that lack the last build's edit.
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir, workers=2)
    kept = cache_folder(out_dir) / "search.pickle"
    older = kept.read_bytes()
    append_to("report-010.md", "Nobody said more.")(corpus)
    build_site(corpus, out_dir, workers=2)
    kept.write_bytes(older)  # as a copy of the cache put back would
    sent = search_inputs_sent(monkeypatch)
    append_to("report-020.md", QUOTE)(corpus)
    build_site(corpus, out_dir, workers=2)
    assert sent[-1].numbers is None
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


def test_an_edit_plans_only_the_article_pages_that_show_the_edited_article(corpus, tmp_path, monkeypatch):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    planned = []
    plan = pipeline.plan_pages

    def planning(*args):
        pages = plan(*args)
        planned.extend(page.out_path for page in pages if page.out_path.startswith("articles/") and page.context)
        return pages

    monkeypatch.setattr(pipeline, "plan_pages", planning)
    append_to("report-010.md", "Nobody said more.")(corpus)
    build_site(corpus, out_dir)
    site = tree(out_dir)
    edited = next(out_path for out_path in site if out_path.endswith("-report-10.html"))
    link = f'href="{edited.removeprefix("articles/")}"'.encode()
    shown = {out_path for out_path, content in site.items() if out_path.startswith("articles/") and link in content}
    assert len(shown) >= 3  # its two neighbours and an article that lists it as related
    assert sorted(planned) == sorted(shown | {edited})


def test_a_page_removed_from_the_site_by_hand_is_made_again_after_an_edit(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    next((out_dir / "articles").glob("*-report-100.html")).unlink()  # a page the edit cannot change
    append_to("report-010.md", "Nobody said more.")(corpus)
    build_site(corpus, out_dir)
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


@pytest.mark.parametrize("kept_ranking", ["removed", "another build's"])
def test_an_edit_of_mention_levels_without_the_last_ranking_plans_every_page(corpus, tmp_path, monkeypatch, kept_ranking):
    # Ranked again from the last build's ranking, the related lists tell which pages changed.
    # Without it (lost, or replaced by a build that did not finish), nothing tells: every
    # page is planned and keyed.
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    kept = cache_folder(out_dir) / "related.pickle"
    if kept_ranking == "removed":
        kept.unlink()
    else:
        fingerprint, chosen = pickle.loads(kept.read_bytes())
        kept.write_bytes(pickle.dumps(("another build", chosen)))
    planned = []
    monkeypatch.setattr(pipeline, "plan_pages", lambda *args: planned.append(args) or plan_pages(*args))
    append_to("report-010.md", "Officials spoke of Russia again.")(corpus)  # the next level (see EDITS)
    build_site(corpus, out_dir)
    assert planned[0][3] is None
    assert tree(out_dir) == full_build(corpus, tmp_path / "fresh")


def test_a_new_speaker_is_given_pages_after_an_edit_that_keys_few(corpus, tmp_path):
    out_dir = tmp_path / "site"
    build_site(corpus, out_dir)
    append_to("report-010.md", QUOTE)(corpus)
    build_site(corpus, out_dir)
    assert "Maria Jones" in (out_dir / "voices" / "maria-jones.html").read_text()
    assert "Maria Jones" in (out_dir / "voices" / "index.html").read_text()


# ---------------------------------------------------------------- random edits


def random_edit(rng, corpus: Path) -> str:
    """Make one edit of a kind a user makes, at random, to the corpus; return what it was."""
    reports = sorted(corpus.glob("report-*.md")) + sorted(corpus.glob("added-*.md"))
    path = rng.choice(reports)
    text = path.read_text()
    kind = rng.choice(["date", "date", "title", "title", "title of another", "topic", "no topic", "source",
                       "quote", "sentence", "added", "added", "deleted", "renamed", "no date"])
    if kind in ("date", "no date"):
        found = re.search(r"^date: (.*)\n", text, re.M)
        day = START + datetime.timedelta(days=rng.randint(-30, 160))
        if kind == "date":
            text = text[:found.start()] + f"date: {day.isoformat()}\n" + text[found.end():] if found else text.replace(
                "title:", f"date: {day.isoformat()}\ntitle:", 1)
        elif found:
            text = text[:found.start()] + text[found.end():]
    elif kind == "title":
        text = re.sub(r'^title: "(.*)"$', lambda found: f'title: "{found.group(1)} {rng.choice(SUBJECTS)}"', text,
                      count=1, flags=re.M)
    elif kind == "title of another":
        title = re.search(r'^title: ".*"$', rng.choice(reports).read_text(), re.M).group()
        text = re.sub(r'^title: ".*"$', lambda _: title, text, count=1, flags=re.M)
    elif kind == "topic":
        text += f"\nOfficials spoke of {rng.choice(TOPIC_WORDS)} again.\n"
    elif kind == "no topic":
        text = text.replace(f"Officials spoke of {rng.choice(TOPIC_WORDS)} again.", "", 1)
    elif kind == "source":
        text = re.sub(r'^source: ".*"$', f'source: "Wire {rng.randint(0, 6)}"', text, count=1, flags=re.M)
    elif kind == "quote":
        text += f'\n"We will see," said {rng.choice(["Maria Jones", "Omar Haddad"])}.\n'
    elif kind == "sentence":
        text += "\nNobody said more.\n"
    elif kind == "added":
        number = rng.randint(200, 999)
        path = corpus / f"added-{number}.md"
        text = article_text(number, date=START + datetime.timedelta(days=rng.randint(-30, 160)))
    elif kind == "deleted":
        path.unlink()
        return f"{kind} {path.name}"
    elif kind == "renamed":
        renamed = path.rename(corpus / f"added-{rng.randint(1000, 1999)}.md")
        return f"{kind} {path.name} {renamed.name}"
    path.write_text(text)
    return f"{kind} {path.name}"


@pytest.mark.parametrize("seed", range(int(os.environ.get("DIGEST_RANDOM_EDIT_SEEDS", "3"))))
def test_rebuilds_after_random_edits_equal_full_builds(corpus, tmp_path, monkeypatch, seed):
    # One or two edits at a time, of every kind the edit paths tell apart (unchanged.find_edits),
    # each rebuild held to a full build's site, byte for byte; short pages give every list
    # numbered pages.
    rng = random.Random(seed)
    settings = Settings(page_size=3)
    out_dir = tmp_path / "incremental" / "site"
    build_site(corpus, out_dir, settings=settings, workers=2)
    found = []
    find_edits = pipeline.find_edits
    monkeypatch.setattr(pipeline, "find_edits", lambda *args: found.append(find_edits(*args)) or found[-1])
    for step in range(8):
        edits = [random_edit(rng, corpus) for _ in range(rng.choice([1, 1, 1, 2]))]
        build_site(corpus, out_dir, settings=settings, workers=rng.choice([1, 2]))
        fresh = tmp_path / f"fresh-{step}" / "site"
        build_site(corpus, fresh, settings=settings, workers=1)
        assert tree(out_dir) == tree(fresh), (step, edits)
        shutil.rmtree(fresh.parent)
    # The fresh builds found no edits; of the rebuilds, some took the edit path.
    assert any(edits is not None for edits in found)
