"""The built five-article site in headless Chromium, as readers open it."""

from browser import crawl_folder, crawl_site, open_page, serve_folder


def test_every_link_resolves_over_http_under_a_sub_path(browser, built_site):
    with serve_folder(built_site, prefix="/news/digest/") as base, open_page(browser) as page:
        report = crawl_site(page, base + "index.html")
    report.assert_clean()
    html_files = {path.relative_to(built_site).as_posix() for path in built_site.rglob("*.html")}
    assert len(report.pages) == len(html_files), "some pages are not reachable from the index"


def test_every_link_resolves_from_file_urls(browser, built_site):
    with open_page(browser) as page:
        report = crawl_folder(page, built_site)
    report.assert_clean()
    assert len(report.pages) == len(list(built_site.rglob("*.html")))


def test_skip_link_is_first_and_moves_focus_to_main(browser, built_site):
    with open_page(browser) as page:
        page.goto((built_site / "index.html").as_uri())
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        assert focused == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"


def test_article_page_shows_evidence_and_provenance(browser, built_site):
    with open_page(browser) as page:
        page.goto((built_site / "articles" / "turkey-plans-to-cooperate-with-russia-in-syria.html").as_uri())
        assert page.locator("h1").inner_text() == "Turkey plans to cooperate with Russia in Syria"
        marks = page.locator(".topic-evidence mark").all_inner_texts()
        assert "Kurdish" in marks and "Euphrates" in marks and "Idlib" in marks
        page.get_by_role("link", name="Kurds").first.click()
        assert page.url.endswith("topics/kurds.html")
        assert page.locator("h1").inner_text() == "Kurds"
        assert page.locator(".topic-entry").count() == 2


def test_pages_fit_a_phone_screen(browser, built_site):
    with open_page(browser, viewport={"width": 360, "height": 740}) as page:
        for name in ["index.html", "articles/sands-cooperation-with-turkey-is-in-doubt-but-this-does-not-apply-to-the.html",
                     "topics/russia.html", "archive/index.html"]:
            page.goto((built_site / name).as_uri())
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 360px"
