"""The Jinja environment and render_page(page) -> HTML text."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup

from . import __version__, stored, urls
from .fragments import PageFragments
from .site import Page, Settings


def _default_templates_dir() -> Path:
    # An installed digest carries its templates inside the package (pyproject.toml maps them
    # there); a source checkout keeps them in the repository's top-level templates/.
    package = Path(__file__).resolve().parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


TEMPLATES_DIR = _default_templates_dir()


def template_search_path(user_dir: Path | None) -> list[Path]:
    """Return the template folders, first match wins: the user's overrides, then digest's own.

    A user overrides one template or asset by putting a file of the same name in their
    folder; everything else still comes from the defaults, so nothing has to be copied.
    """
    if user_dir is None or not user_dir.is_dir() or user_dir.resolve() == TEMPLATES_DIR:
        return [TEMPLATES_DIR]
    return [user_dir, TEMPLATES_DIR]


def find_asset(template_dirs: list[Path], out_path: str) -> Path:
    """Return the file for asset ``out_path`` ("assets/style.css") from the first folder that has it."""
    for folder in template_dirs:
        if (folder / out_path).is_file():
            return folder / out_path
    return TEMPLATES_DIR / out_path


class _Environment(Environment):
    """Jinja's Environment, but a template sees the globals as one plain dict.

    Jinja lays a template's globals over the environment's in a ChainMap, which each render
    copies into the page's context one key at a time, in Python. digest sets its globals
    once, before any template is loaded, so a plain dict holds the same names.
    """

    def make_globals(self, d: dict | None) -> dict:
        return {**self.globals, **(d or {})}


def make_environment(template_dirs: list[Path] | None = None, settings: Settings = Settings()) -> Environment:
    """Return the environment: autoescaping on, and a typo in a template fails the build.

    Every template sees ``settings``, so that a theme can use any of them.
    """
    environment = _Environment(
        loader=FileSystemLoader([str(path) for path in (template_dirs or [TEMPLATES_DIR])]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A build compiles each template once; checking the files for changes before every
        # page (a stat per template, thousands of times) would only slow it down.
        auto_reload=False,
        # A site has a few dozen templates: a plain dict keeps them all, without the locking
        # and reordering of the default LRU cache at every get_template and {% extends %}.
        cache_size=-1,
    )
    environment.globals["link"] = _link
    environment.globals["settings"] = settings
    environment.globals["generator"] = f"digest {__version__}"
    environment.globals["paths"] = {"index": urls.INDEX, "archive": urls.ARCHIVE, "undated": urls.UNDATED,
                                    "topics": urls.TOPICS, "search": urls.SEARCH, "feed": urls.FEED,
                                    "matrix": urls.MATRIX, "timeline": urls.TIMELINE, "voices": urls.VOICES,
                                    "sources": urls.SOURCES}
    return environment


@pass_context
def _link(context, to_path: str) -> str:
    """Return the relative URL from the page being rendered to ``to_path``."""
    return urls.relative_url(context["page"].out_path, to_path)


def navigation(has_undated: bool) -> tuple[tuple[str, str], ...]:
    """Return (label, out_path) for the links every page carries; the Undated page's when ``has_undated``."""
    links = [("Home", urls.INDEX), ("Topics", urls.TOPICS), ("Archive", urls.ARCHIVE)]
    links += [("Timeline", urls.TIMELINE), ("Actors × places", urls.MATRIX), ("Voices", urls.VOICES),
              ("Sources", urls.SOURCES)]
    if has_undated:
        links.append(("Undated", urls.UNDATED))
    # A link as well as the search box, so that the page can be found without a form.
    links.append(("Search", urls.SEARCH))
    return tuple(links)


def render_page(environment: Environment, page: Page, nav: tuple[tuple[str, str], ...], site_title: str) -> str:
    """Return the HTML of one page; ``nav`` is the site's navigation()."""
    template = environment.get_template(page.template)
    fragments = PageFragments(page.out_path)
    return template.render(
        page=page,
        ctx=page.context,
        site_title=site_title,
        nav=nav,
        stylesheet=urls.STYLESHEET,
        favicon=urls.FAVICON,
        body_html=Markup(stored.text(page.context.article.body_html)) if page.template == "article.html" else "",
        # The pieces that lists repeat by the thousand, made in Python: see fragments.py.
        html=fragments,
        # The same links as the global link(), which finds the page in the context at each
        # call: a page makes dozens of links, and most are to the same few files.
        link=fragments.link,
    )
