"""The only place that decides where pages go, and how one page links to another.

Every out_path is a POSIX path relative to the site root that names a file (never a
folder), so links work from file:// as well as from any sub-path of a web server.
"""

from __future__ import annotations

import datetime
import posixpath

INDEX = "index.html"
TOPICS = "topics/index.html"
ARCHIVE = "archive/index.html"
UNDATED = "archive/undated.html"
STYLESHEET = "assets/style.css"
FAVICON = "assets/favicon.svg"
ARTICLES_JSON = "articles.json"


def article_path(slug: str) -> str:
    return f"articles/{slug}.html"


def topic_path(slug: str) -> str:
    return f"topics/{slug}.html"


def date_path(date: datetime.date) -> str:
    return f"archive/{date:%Y/%m/%d}.html"


def month_path(year: int, month: int) -> str:
    return f"archive/{year:04d}/{month:02d}/index.html"


def year_path(year: int) -> str:
    return f"archive/{year:04d}/index.html"


def relative_url(from_path: str, to_path: str) -> str:
    """Return the link from page ``from_path`` to ``to_path`` (both site-relative POSIX paths).

    A fragment on ``to_path`` ("articles/x.html#p3") is kept; a link to the page itself
    is just its fragment, or its file name.
    """
    target, _, fragment = to_path.partition("#")
    suffix = f"#{fragment}" if fragment else ""
    if target == from_path and fragment:
        return suffix
    start = posixpath.dirname(from_path) or "."
    return posixpath.relpath(target, start) + suffix


def check_out_path(out_path: str) -> str:
    """Return ``out_path`` if it stays inside the site folder; raise ValueError otherwise."""
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
