"""Regenerate the README's screenshots from a real build, in headless Chromium.

    python tests/make_screenshots.py

Builds articles/ into a temporary folder with the default settings, opens it from disk as a
reader would, and writes docs/screenshots/index.png (the front page) and article.png (the
newest article). Not a test: run it after a change that shows, and commit the PNGs.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]  # browser.py, and digest without installing it

from browser import launch_browser, open_page  # noqa: E402

from digest.pipeline import build_site  # noqa: E402

OUT_DIR = REPO / "docs" / "screenshots"
# A laptop window: wide enough for the desktop layout, short enough to show what matters.
VIEWPORT = {"width": 1100, "height": 760}


def make_screenshots(articles_dir: Path = REPO / "articles", out_dir: Path = OUT_DIR) -> list[Path]:
    """Build ``articles_dir`` and return the screenshots written into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        site = Path(temporary) / "site"
        build_site(articles_dir, site)
        with launch_browser() as browser, open_page(browser, viewport=VIEWPORT) as page:
            page.goto((site / "index.html").as_uri())
            written = [out_dir / "index.png"]
            page.screenshot(path=written[-1])
            page.locator("main a[href^='articles/']").first.click()  # the newest article
            page.wait_for_load_state()
            written.append(out_dir / "article.png")
            page.screenshot(path=written[-1])
    return written


if __name__ == "__main__":
    for path in make_screenshots():
        print(f"wrote {path.relative_to(REPO)}")
