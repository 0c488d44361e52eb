"""The only place that decides where pages go, and how one page links to another.

Every out_path is a POSIX path relative to the site root that names a file (never a
folder), so links work from file:// as well as from any sub-path of a web server.
"""

from __future__ import annotations

import datetime
import posixpath
from collections.abc import Iterable
from urllib.parse import quote

INDEX = "index.html"
TOPICS = "topics/index.html"
ARCHIVE = "archive/index.html"
UNDATED = "archive/undated.html"
STYLESHEET = "assets/style.css"
FAVICON = "assets/favicon.svg"
ARTICLES_JSON = "articles.json"
SEARCH = "search.html"
SEARCH_SCRIPT = "assets/search.js"
SEARCH_INDEX = "search/index.js"  # loaded by the search page; names the shards it may load next
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
MATRIX = "matrix/index.html"
TIMELINE = "timeline/index.html"
VOICES = "voices/index.html"
SOURCES = "sources/index.html"


def article_path(slug: str) -> str:
    return f"articles/{slug}.html"


def topic_path(slug: str) -> str:
    return f"topics/{slug}.html"


def pair_path(actor: str, place: str) -> str:
    """Return the page of the articles tagged with both an actor and a place."""
    # A folder per actor: "a-b" + "c" and "a" + "b-c" would share one joined name.
    return f"matrix/{actor}/{place}.html"


def pair_page_path(actor: str, place: str, number: int) -> str:
    """Return the numbered page ``number`` of a pair; page 1 holds its oldest articles."""
    return f"matrix/{actor}/{place}/{number}.html"


def speaker_path(slug: str) -> str:
    return f"voices/{slug}.html"


def speaker_page_path(slug: str, number: int) -> str:
    """Return the numbered page ``number`` of a speaker; page 1 holds the oldest articles that quote them."""
    return f"voices/{slug}/{number}.html"


def source_path(slug: str) -> str:
    return f"sources/{slug}.html"


def source_page_path(slug: str, number: int) -> str:
    """Return the numbered page ``number`` of a source; page 1 holds its oldest articles."""
    return f"sources/{slug}/{number}.html"


def date_path(date: datetime.date) -> str:
    return f"archive/{date:%Y/%m/%d}.html"


def month_path(year: int, month: int) -> str:
    return f"archive/{year:04d}/{month:02d}/index.html"


def year_path(year: int) -> str:
    return f"archive/{year:04d}/index.html"


def topic_feed_path(slug: str) -> str:
    # Beside topics/ rather than in it, so that a feed can never take a page's place.
    return f"feeds/{slug}.xml"


def index_page_path(number: int) -> str:
    """Return the numbered page ``number`` of the index; page 1 holds the oldest articles."""
    return f"pages/{number}.html"


def topic_page_path(slug: str, number: int) -> str:
    """Return the numbered page ``number`` of a topic; page 1 holds its oldest articles."""
    return f"topics/{slug}/{number}.html"


def search_terms_path(shard: int) -> str:
    return f"search/terms-{shard}.js"


def search_docs_path(shard: int) -> str:
    return f"search/docs-{shard}.js"


def sitemap_part_path(number: int) -> str:
    return f"sitemap-{number}.xml"


def root_prefix(from_path: str) -> str:
    """Return the relative URL of the site root from ``from_path``: "" or "../" repeated."""
    return "../" * from_path.count("/")


def absolute_url(site_url: str, out_path: str) -> str:
    """Return the address of ``out_path`` on a site published at ``site_url`` (which ends in "/")."""
    return site_url + quote(out_path, safe="/#")


def relative_url(from_path: str, to_path: str) -> str:
    """Return the link from page ``from_path`` to ``to_path`` (both site-relative POSIX paths).

    A fragment on ``to_path`` ("articles/x.html#p3") is kept; a link to the page itself
    is just its fragment, or its file name.
    """
    return relative_urls(from_path, (to_path,))[0]


def relative_urls(from_path: str, to_paths: Iterable[str]) -> list[str]:
    """Return relative_url(from_path, to_path) for each of ``to_paths``, for the many links of one page."""
    folder = from_path.rpartition("/")[0]
    links = []
    for to_path in to_paths:
        target, _, fragment = to_path.partition("#")
        if not fragment:
            links.append(_relative_path(target, folder))
        elif target == from_path:
            links.append(f"#{fragment}")
        else:
            links.append(f"{_relative_path(target, folder)}#{fragment}")
    return links


# Not kept per (target, folder): fragments.py keeps the links pages make again and again,
# by folder, and of the 245,000 made here in a build of 10,000 articles 112 were asked for
# again. Kept, they held 65,536 entries in each process that renders.
def _relative_path(target: str, folder: str) -> str:
    """Return posixpath.relpath(target, folder or "."), without its os.getcwd() and normpath calls.

    Only for the plain paths urls.py makes (no "", ".", ".." or empty parts, no leading or
    trailing "/"), for which the result is the same; anything else goes to posixpath.
    """
    if not (_is_plain(target) and (not folder or _is_plain(folder))):
        return posixpath.relpath(target, folder or ".")
    if not folder:
        return target
    if target.startswith(folder) and target[len(folder):len(folder) + 1] == "/":
        return target[len(folder) + 1:]  # in the page's folder or below it: no need to split
    start, parts = folder.split("/"), target.split("/")
    common = 0
    for mine, theirs in zip(start, parts):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + parts[common:]) or "."


def _is_plain(path: str) -> bool:
    """Return whether ``path`` surely has no empty, "." or ".." part and no "/" at either end.

    A part that only starts with a dot (".well-known") is reported as not plain too: such a
    path takes posixpath's slower way, with the same result.
    """
    return bool(path) and path[0] not in "./" and path[-1] != "/" and "//" not in path and "/." not in path


def check_out_path(out_path: str) -> str:
    """Return ``out_path`` if it stays inside the site folder; raise ValueError otherwise."""
    if _is_plain(out_path) and "\\" not in out_path:
        return out_path  # normpath would give it back as it is: checked three times a page
    normal = posixpath.normpath(out_path)
    if (
        not out_path
        or out_path.startswith("/")
        or "\\" in out_path
        or normal != out_path
        or normal == ".."
        or normal.startswith("../")
        or any(part in ("", ".", "..") for part in out_path.split("/"))
    ):
        raise ValueError(f"page path {out_path!r} would leave the site folder")
    return out_path
