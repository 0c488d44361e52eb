import datetime

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


@pytest.mark.parametrize("out_path", ["../x.html", "/etc/passwd", "a/../../b.html", "a//b.html", "a\\b.html", "", "./a"])
def test_check_out_path_refuses_paths_leaving_the_site(out_path):
    with pytest.raises(ValueError):
        urls.check_out_path(out_path)


def test_page_paths_are_files_not_folders():
    paths = [urls.INDEX, urls.TOPICS, urls.ARCHIVE, urls.UNDATED, urls.article_path("a"), urls.topic_path("b"),
             urls.date_path(datetime.date(2019, 8, 26)), urls.month_path(2019, 8), urls.year_path(2019)]
    assert all(path.endswith(".html") for path in paths)
    assert urls.date_path(datetime.date(2019, 8, 26)) == "archive/2019/08/26.html"
