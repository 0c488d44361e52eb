import datetime
import posixpath

import pytest

from digest import urls


@pytest.mark.parametrize(
    "from_path, to_path, url",
    [
        ("index.html", "articles/a.html", "articles/a.html"),
        ("articles/a.html", "index.html", "../index.html"),
        ("archive/2018/12/24.html", "topics/russia.html", "../../../topics/russia.html"),
        ("articles/a.html", "articles/a.html#p3", "#p3"),
        ("articles/a.html", "articles/b.html#p1", "b.html#p1"),
        ("archive/2018/index.html", "archive/2018/12/index.html", "12/index.html"),
    ],
)
def test_relative_url(from_path, to_path, url):
    assert urls.relative_url(from_path, to_path) == url


# Pages at every depth of the site, and paths that are not plain, which must take posixpath's way.
RELATIVE_FROM = ["index.html", "search.html", "articles/a.html", "topics/russia.html", "topics/russia/3.html",
                 "archive/2018/index.html", "archive/2018/12/index.html", "archive/2018/12/24.html",
                 "matrix/russia/idlib.html", "a/b/c/d/e.html", "ab/c.html", "a/bc.html"]
RELATIVE_TO = RELATIVE_FROM + ["assets/style.css", "archive/2018/12/25.html", "archive/2019/01/index.html",
                               "topics/russia", "topics", "a/b", "a/b/c/d/f.html", "abc/d.html", "a/b.html",
                               "./a.html", "a/./b.html", "a//b.html", "a/../b.html", "../x.html", "a/", "/abs/x.html",
                               ".", "..", "a/..", "..a/b.html", "a.b/c..html", ".well-known/x.html",
                               "a/.b/c.html"]


@pytest.mark.parametrize("from_path", RELATIVE_FROM + ["x/./y.html", "x//y.html", "x/../y.html", "/abs/y.html",
                                                      ".well-known/y.html", "a/.b/y.html"])
def test_relative_url_is_posixpath_relpath(from_path):
    for to_path in RELATIVE_TO:
        expected = posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
        assert urls.relative_url(from_path, to_path) == expected, (from_path, to_path)
        if to_path != from_path:
            assert urls.relative_url(from_path, to_path + "#p1") == expected + "#p1", (from_path, to_path)
    with_fragments = [path + suffix for path in RELATIVE_TO + [from_path] for suffix in ("", "#p2")]
    assert urls.relative_urls(from_path, with_fragments) == [urls.relative_url(from_path, path)
                                                             for path in with_fragments]


@pytest.mark.parametrize("out_path", ["../x.html", "/etc/passwd", "a/../../b.html", "a//b.html", "a\\b.html", "", "./a"])
def test_check_out_path_refuses_paths_leaving_the_site(out_path):
    with pytest.raises(ValueError):
        urls.check_out_path(out_path)


def test_page_paths_are_files_not_folders():
    paths = [urls.INDEX, urls.TOPICS, urls.ARCHIVE, urls.UNDATED, urls.article_path("a"), urls.topic_path("b"),
             urls.date_path(datetime.date(2019, 8, 26)), urls.month_path(2019, 8), urls.year_path(2019)]
    assert all(path.endswith(".html") for path in paths)
    assert urls.date_path(datetime.date(2019, 8, 26)) == "archive/2019/08/26.html"
