"""Shared pytest fixtures."""

import os

import pytest

# --- browser and golden files (helpers in tests/browser.py) -------------------------------


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected output under tests/golden/ instead of comparing with it",
    )


@pytest.fixture(scope="session")
def update_golden(pytestconfig) -> bool:
    return bool(pytestconfig.getoption("--update-golden"))


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (a playwright Browser), shared by the whole session.

    A missing Chromium is an error, not a skip: CI installs it (.ci/run). Set
    DIGEST_SKIP_BROWSER=1 to skip the browser tests on purpose.
    """
    if os.environ.get("DIGEST_SKIP_BROWSER") == "1":
        pytest.skip("DIGEST_SKIP_BROWSER=1: browser tests skipped on request")
    from browser import launch_browser

    with launch_browser() as chromium:
        yield chromium


# --- articles and built sites -------------------------------------------------------------

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "articles"
RAW = Path(__file__).resolve().parent / "fixtures" / "raw"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The five founding articles built once into a fresh folder; tests must not change it."""
    from digest.pipeline import build_site

    out_dir = tmp_path_factory.mktemp("built") / "site"
    build_site(ARTICLES, out_dir)
    return out_dir


@pytest.fixture
def articles_dir(tmp_path) -> Path:
    """A writable copy of the five founding articles."""
    target = tmp_path / "articles"
    shutil.copytree(ARTICLES, target)
    return target


@pytest.fixture
def write_article(tmp_path):
    """Write one article file into tmp_path/articles and return its path."""

    def write(name: str, text: str | bytes) -> Path:
        path = tmp_path / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def taxonomy():
    """The taxonomy shipped with digest (records are frozen, so tests may share it)."""
    from digest.taxonomy import load_taxonomy

    return load_taxonomy()


@pytest.fixture(scope="session")
def tagged(taxonomy):
    """The five founding articles, loaded and tagged once."""
    from digest.load import load_articles
    from digest.tag import compile_matcher, tag_article

    matcher = compile_matcher(taxonomy)
    return [tag_article(article, matcher) for article in load_articles(ARTICLES).articles]
