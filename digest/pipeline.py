"""build_site(): load -> tag -> plan -> render -> write, top to bottom."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, urls
from .errors import DigestError, DigestErrors
from .export import articles_json
from .feeds import render_feeds
from .load import load_articles
from .model import Article
from .render import find_asset, make_environment, render_page, template_search_path
from .search import render_search_index
from .site import Settings, SitePlan, plan_site
from .sitemap import render_sitemap
from .tag import compile_matcher, tag_article
from .taxonomy import load_taxonomy
from .write import check_output_folder, write_site

ASSETS = (urls.STYLESHEET, urls.FAVICON, urls.SEARCH_SCRIPT)

# progress(stage, done, total): how far a build is, for a progress bar ("load", "tag", "plan", "write").
Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the summary line."""

    articles: int
    pages: int  # HTML pages written
    files: int  # every file written, pages included
    seconds: float
    out_dir: Path
    skipped: tuple[DigestError, ...] = ()  # bad files left out under keep_going
    warnings: tuple[DigestError, ...] = field(default=())

    def summary(self) -> str:
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        return (
            f"Built {self.articles} articles{skipped} into {self.out_dir}: "
            f"{self.pages} pages ({self.files} files) in {self.seconds:.2f} s"
        )


def build_site(
    articles_dir: Path,
    out_dir: Path,
    *,
    taxonomy_path: Path | None = None,
    settings: Settings = Settings(),
    keep_going: bool = False,
    project_dir: Path | None = None,
    templates_dir: Path | None = None,
    progress: Progress = _no_progress,
) -> BuildReport:
    """Build the site for the articles in ``articles_dir`` into ``out_dir``; return a report.

    Bad article files stop the build before anything is written, all of them reported in
    one DigestErrors; with ``keep_going`` they are left out and listed in the report.
    Templates and assets in ``templates_dir`` replace digest's own of the same name.
    """
    started = time.perf_counter()
    protected = {"the articles folder": articles_dir}
    if project_dir is not None:
        protected["the project folder"] = project_dir
    check_output_folder(out_dir, protected)
    taxonomy = load_taxonomy(taxonomy_path)
    loaded = load_articles(articles_dir, on_file=lambda done, total: progress("load", done, total))
    if loaded.errors and not keep_going:
        raise DigestErrors(list(loaded.errors))
    matcher = compile_matcher(taxonomy)
    articles = []
    for article in loaded.articles:
        progress("tag", len(articles), len(loaded.articles))
        articles.append(tag_article(article, matcher))
    progress("plan", 0, 1)  # no bar, but timed apart from tagging for --verbose
    plan = plan_site(articles, taxonomy, settings)
    template_dirs = template_search_path(templates_dir)
    files = write_site(_render_files(plan, articles, taxonomy, settings, template_dirs, progress), out_dir)
    return BuildReport(
        articles=len(articles),
        pages=len(plan.pages),
        files=files,
        seconds=time.perf_counter() - started,
        out_dir=out_dir,
        skipped=loaded.errors,
        warnings=loaded.warnings,
    )


def _render_files(plan: SitePlan, articles: list[Article], taxonomy, settings: Settings,
                  template_dirs: list[Path], progress: Progress) -> Iterator[tuple[str, bytes]]:
    """Yield (out_path, content) for every file of the site, pages rendered one at a time."""
    environment = make_environment(template_dirs, settings)
    for done, page in enumerate(plan.pages):
        progress("write", done, len(plan.pages))
        yield page.out_path, render_page(environment, page, plan, settings.site_title).encode()
    for asset in ASSETS:
        yield asset, find_asset(template_dirs, asset).read_bytes()
    yield urls.ARTICLES_JSON, articles_json(list(plan.articles), taxonomy, f"digest {__version__}")
    yield from render_feeds(plan, taxonomy, settings)
    yield from render_search_index(plan, settings)
    yield from render_sitemap(plan, settings)
