"""Long lists split into pages: the index and topic pages, numbered from the oldest article."""

import re
from pathlib import Path

import pytest

from browser import open_page, serve_folder
from digest.pipeline import build_site
from digest.site import Settings, paginate
from synthetic import SUBJECTS, write_articles

PAGE_SIZE = 3


def numbered(number: int) -> str:
    return f"pages/{number}.html"


@pytest.mark.parametrize("count, size, front_count, page_sizes, front_older", [
    (3, 4, 3, [], None),
    (4, 4, 4, [], None),
    (5, 4, 5, [], None),
    (7, 4, 7, [], None),
    (8, 4, 4, [4, 4], "pages/1.html"),
    (9, 4, 5, [4, 4, 1], "pages/1.html"),
    (11, 4, 7, [4, 4, 3], "pages/1.html"),
    (12, 4, 4, [4, 4, 4], "pages/2.html"),
    (0, 4, 0, [], None),
    (2, 1, 1, [1, 1], "pages/1.html"),
    (3, 1, 1, [1, 1, 1], "pages/2.html"),
], ids=["fits", "exactly-one-page", "one-over", "front-shows-all", "two-full", "short-newest", "short-newest-3",
        "three-full", "empty", "page-size-one", "page-size-one-3"])
def test_pages_count_from_the_oldest_and_the_front_page_is_never_short(
        count, size, front_count, page_sizes, front_older):
    items = list(range(count, 0, -1))  # newest first: item n is the n-th oldest
    parts = paginate(items, size, "index.html", numbered)
    front, pages = parts[0], parts[1:]
    assert front.out_path == "index.html" and len(front.items) == front_count
    assert front.items == tuple(items[:front_count])
    assert [len(part.items) for part in pages] == page_sizes
    for number, part in enumerate(pages, start=1):
        assert part.out_path == numbered(number)
        # Page n holds the n-th run of `size` items counted from the oldest, newest first.
        assert part.items == tuple(range(min(number * size, count), (number - 1) * size, -1))
        assert part.pager.older_out_path == (numbered(number - 1) if number > 1 else None)
        assert part.pager.newer_out_path == (numbered(number + 1) if number < len(pages) else "index.html")
    assert (front.pager.older_out_path if front.pager else None) == front_older


@pytest.mark.parametrize("count", [5, 9, 12, 13, 30], ids=["5", "9", "12", "13", "30"])
def test_going_older_from_the_front_page_shows_every_item_once(count):
    parts = {part.out_path: part for part in paginate(list(range(count, 0, -1)), 4, "index.html", numbered)}
    seen, path = [], "index.html"
    while path:
        seen += parts[path].items
        path = parts[path].pager.older_out_path if parts[path].pager else None
    assert seen == list(range(count, 0, -1))


def build(articles_dir: Path, out_dir: Path) -> Path:
    build_site(articles_dir, out_dir, settings=Settings(page_size=PAGE_SIZE))
    return out_dir


def main_of(path: Path) -> str:
    return re.search(r"<main.*</main>", path.read_text(), re.S).group()


def article_links(path: Path) -> list[str]:
    return re.findall(r'class="card-title"><a href="([^"]+)"', path.read_text())


@pytest.fixture(scope="module")
def paginated_site(tmp_path_factory) -> Path:
    """Eleven made-up articles with three to a page: four numbered pages, the newest short."""
    folder = tmp_path_factory.mktemp("paginated")
    write_articles(folder / "articles", range(11))
    return build(folder / "articles", folder / "site")


def test_full_pages_keep_their_articles_when_newer_ones_are_added(tmp_path, paginated_site):
    before = {name: main_of(paginated_site / name) for name in ["pages/1.html", "pages/2.html", "pages/3.html"]}
    write_articles(tmp_path / "articles", range(11))
    for added in [11, 12]:  # the first fills page 4, the second starts page 5
        write_articles(tmp_path / "articles", [added])
        after = build(tmp_path / "articles", tmp_path / f"site-{added}")
        for name, main in before.items():
            assert main_of(after / name) == main, f"{name} changed when article {added} was added"
    assert len(article_links(after / "pages/4.html")) == PAGE_SIZE
    assert len(article_links(after / "pages/5.html")) == 1


def test_index_and_numbered_pages_link_newer_and_older(paginated_site):
    index = (paginated_site / "index.html").read_text()
    assert len(article_links(paginated_site / "index.html")) == 5  # pages 4 (short) and 3
    assert 'href="pages/2.html" rel="next">Older articles' in index
    page_1 = (paginated_site / "pages/1.html").read_text()
    assert 'href="2.html" rel="prev">Newer articles' in page_1 and "Older articles" not in page_1
    assert 'href="../index.html" rel="prev">Newer articles' in (paginated_site / "pages/4.html").read_text()
    assert "<h1>Page 2</h1>" in (paginated_site / "pages/2.html").read_text()
    assert "Articles 4 to 6, counted from the oldest" in (paginated_site / "pages/2.html").read_text()


def test_topic_pages_are_paginated_too(paginated_site):
    # Russia is in the made-up articles 0, 2, 4, 6, 8 and 10 (see synthetic.topics_of).
    assert len(article_links(paginated_site / "topics/russia.html")) == PAGE_SIZE
    oldest = paginated_site / "topics/russia/1.html"
    assert article_links(oldest) == [f"../../articles/the-{subject}-question-report-{number}.html"
                                     for subject, number in [("festival", 4), ("election", 2), ("harbour", 0)]]
    assert "<h1>Russia, page 1</h1>" in oldest.read_text()
    assert len(article_links(paginated_site / "topics/russia/2.html")) == PAGE_SIZE
    assert not (paginated_site / "topics/kurds").exists(), "a topic that fits its front page has no numbered pages"


def test_every_pager_link_names_a_built_page(paginated_site):
    pages = [path for path in paginated_site.rglob("*.html") if 'class="pager"' in path.read_text()]
    names = {path.relative_to(paginated_site).as_posix() for path in pages}
    assert {"index.html", "pages/1.html", "pages/4.html", "topics/russia.html", "topics/russia/2.html"} <= names
    for path in pages:
        for href in re.findall(r'<nav class="pager".*?</nav>', path.read_text(), re.S)[0].split('href="')[1:]:
            assert (path.parent / href.split('"')[0]).resolve().is_file(), f"{path}: {href}"


def walk_newer(page, start: str) -> list[str]:
    """Follow "Older articles" to the oldest page, then "Newer articles" back; return the headings."""
    page.goto(start)
    while page.get_by_role("link", name="Older articles").count():
        page.get_by_role("link", name="Older articles").click()
    headings = [page.locator("h1").inner_text()]
    while page.get_by_role("link", name="Newer articles").count():
        page.get_by_role("link", name="Newer articles").click()
        headings.append(page.locator("h1").inner_text())
    return headings


def test_readers_page_through_over_http_and_from_file_urls(browser, paginated_site):
    with serve_folder(paginated_site, prefix="/digest/") as base, open_page(browser) as page:
        assert walk_newer(page, base + "index.html") == ["Page 1", "Page 2", "Page 3", "Page 4", "News digest"]
        assert page.url == base + "index.html"
    with open_page(browser) as page:
        start = (paginated_site / "topics" / "russia.html").as_uri()
        assert walk_newer(page, start) == ["Russia, page 1", "Russia, page 2", "Russia"]
        assert page.url == start


@pytest.fixture(scope="module")
def long_lists_site(tmp_path_factory) -> Path:
    """Forty made-up articles (ten from each of four wires), eight that quote one speaker and
    seven that name no source; three to a page."""
    folder = tmp_path_factory.mktemp("long-lists")
    articles = folder / "articles"
    write_articles(articles, range(40))
    for number in range(8):
        (articles / f"quote-{number}.md").write_text(
            f'---\ntitle: "Statement number {number}"\nsource: "Wire 9"\ndate: 2022-01-{number + 1:02d}\n---\n'
            f'"We will not leave the city," Recep Tayyip Erdogan said on day {number}.\n')
    for number in range(7):
        (articles / f"unsourced-{number}.md").write_text(
            f'---\ntitle: "Unsourced note {number}"\ndate: 2022-02-{number + 1:02d}\n---\n'
            f"A note about Syria, number {number}.\n")
    return build(articles, folder / "site")


def walk_older(site: Path, front: str) -> list[tuple[str, list[str]]]:
    """Follow "Older articles" from ``front`` to the oldest page; return each page with the
    articles it links to (site-relative, in order, each once)."""
    walked, path = [], site / front
    while path:
        main = main_of(path)
        linked = []
        for href in re.findall(r'href="([^"#]*articles/[^"#/]+\.html)', main):
            target = (path.parent / href).resolve().relative_to(site.resolve()).as_posix()
            if target not in linked:
                linked.append(target)
        walked.append((path.relative_to(site).as_posix(), linked))
        older = re.search(r'href="([^"]+)" rel="next">Older articles', main)
        path = (path.parent / older.group(1)).resolve() if older else None
    return walked


def report(number: int) -> str:
    return f"articles/the-{SUBJECTS[number % len(SUBJECTS)]}-question-report-{number}.html"


@pytest.mark.parametrize("front, heading, expected", [
    ("sources/wire-0.html", "Wire 0", [report(number) for number in range(0, 40, 4)]),
    ("sources/unknown.html", "Source not known", [f"articles/unsourced-note-{number}.html" for number in range(7)]),
    ("voices/recep-tayyip-erdogan.html", "Recep Tayyip Erdogan",
     [f"articles/statement-number-{number}.html" for number in range(8)]),
    # Russia is in the even-numbered articles, Idlib in 15 to 30 (see synthetic.topics_of).
    ("matrix/russia/idlib.html", "Russia × Idlib", [report(number) for number in range(16, 31, 2)]),
], ids=["source", "no-source", "speaker", "pair"])
def test_sources_speakers_and_pairs_are_paginated_like_topics(long_lists_site, front, heading, expected):
    walked = walk_older(long_lists_site, front)
    assert len(walked) > 1, f"{front} has no older pages"
    assert all(len(linked) <= 2 * PAGE_SIZE - 1 for _, linked in walked)
    listed = [target for _, linked in walked for target in linked]
    assert sorted(listed) == sorted(expected), "each article of the list once, on one of its pages"
    for number, (path, _) in enumerate(reversed(walked[1:]), start=1):
        assert path == front.removesuffix(".html") + f"/{number}.html"
        assert re.search(rf"<h1>.*{re.escape(heading.split(' × ')[-1])}.*, page {number}</h1>",
                         (long_lists_site / path).read_text()), path


def test_the_voices_page_lists_the_newest_quotations_without_a_speaker_only(tmp_path):
    articles = tmp_path / "articles"
    for number in range(2 * PAGE_SIZE + 1):
        (articles / f"said-{number}.md").parent.mkdir(exist_ok=True)
        (articles / f"said-{number}.md").write_text(
            f'---\ntitle: "Someone spoke {number}"\ndate: 2022-03-{number + 1:02d}\n---\n'
            f'"Nothing is decided yet, number {number}," the spokesman said.\n')
    site = build(articles, tmp_path / "site")
    voices = main_of(site / "voices" / "index.html")
    shown = re.findall(r"Nothing is decided yet, number (\d+)", voices)
    assert shown == [str(number) for number in range(2 * PAGE_SIZE, PAGE_SIZE, -1)]
    assert f"in {2 * PAGE_SIZE + 1} articles" in voices


def test_why_this_tag_names_the_newest_articles_of_each_alias_and_counts_the_rest(long_lists_site):
    table = re.search(r'<table class="alias-table">.*?</table>', (long_lists_site / "topics/russia.html").read_text(),
                      re.S).group()
    row = re.search(r"<q>Russia</q>.*?</tr>", table, re.S).group()  # in the even-numbered articles 0 to 38
    named = re.findall(r'href="\.\./articles/the-\w+-question-report-(\d+)\.html"', row)
    assert named == [str(number) for number in range(38, 18, -2)]  # the ten newest
    assert "and 10 older articles" in row
