"""The Jinja environment and render_page(page) -> HTML text."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup

from . import __version__, urls
from .site import Page, SitePlan

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def make_environment(template_dirs: list[Path] | None = None) -> Environment:
    """Return the environment: autoescaping on, and a typo in a template fails the build."""
    environment = Environment(
        loader=FileSystemLoader([str(path) for path in (template_dirs or [TEMPLATES_DIR])]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals["link"] = _link
    environment.globals["generator"] = f"digest {__version__}"
    environment.globals["paths"] = {"index": urls.INDEX, "archive": urls.ARCHIVE, "undated": urls.UNDATED,
                                    "topics": urls.TOPICS}
    return environment


@pass_context
def _link(context, to_path: str) -> str:
    """Return the relative URL from the page being rendered to ``to_path``."""
    return urls.relative_url(context["page"].out_path, to_path)


def navigation(plan: SitePlan) -> tuple[tuple[str, str], ...]:
    """Return (label, out_path) for the links every page carries."""
    links = [("Home", urls.INDEX), ("Topics", urls.TOPICS), ("Archive", urls.ARCHIVE)]
    if plan.has_undated:
        links.append(("Undated", urls.UNDATED))
    return tuple(links)


def render_page(environment: Environment, page: Page, plan: SitePlan, site_title: str) -> str:
    """Return the HTML of one page."""
    template = environment.get_template(page.template)
    return template.render(
        page=page,
        ctx=page.context,
        site_title=site_title,
        nav=navigation(plan),
        stylesheet=urls.STYLESHEET,
        favicon=urls.FAVICON,
        body_html=Markup(page.context.article.body_html) if page.template == "article.html" else "",
    )
