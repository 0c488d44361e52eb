"""The story views of the five-article site in headless Chromium: what a reader sees and clicks."""

from browser import open_page

ARTICLE_000 = "articles/turkey-plans-to-cooperate-with-russia-in-syria.html"


def test_matrix_cell_opens_the_articles_of_the_pair(browser, built_site):
    with open_page(browser) as page:
        page.goto((built_site / "matrix" / "index.html").as_uri())
        cells = page.locator("table.matrix tbody tr").evaluate_all(
            "rows => rows.map(row => [...row.children].map(cell => cell.textContent.trim()))")
        assert cells == [["Russia", "3", "2"], ["Turkey", "3", "2"], ["Syria", "3", "2"], ["Kurds", "2", "2"]]
        page.get_by_role("link", name="Turkey × Idlib: 3 articles").click()
        assert page.url.endswith("matrix/turkey/idlib.html")
        assert page.locator("h1").inner_text() == "Turkey × Idlib"
        assert page.locator(".card").count() == 3


def test_timeline_marks_link_to_articles_and_a_table_says_the_same(browser, built_site):
    with open_page(browser) as page:
        page.goto((built_site / "timeline" / "index.html").as_uri())
        chart = page.get_by_role("group", name="Articles over time, by topic", exact=False)
        assert chart.locator("circle").count() == 5 + 5 + 5 + 5 + 2 + 3 + 2
        years = page.locator(".timeline-chart .axis text").all_text_contents()
        assert years == ["2015", "2016", "2017", "2018", "2019", "2020"]
        box = chart.bounding_box()
        assert box["width"] > 600 and box["height"] > 200
        rows = page.locator(".timeline-table tbody tr")
        assert rows.count() == 5
        assert rows.first.locator("th").inner_text() == "25 November 2015"
        # The newest mark of the first lane is the newest article.
        page.locator(".lane-all a.mark").last.click()
        assert page.locator("h1").inner_text() == "The Kremlin commented on the situation in Idlib"


def test_voices_lead_to_a_speaker_and_the_actor_they_speak_for(browser, built_site):
    with open_page(browser) as page:
        page.goto((built_site / "voices" / "index.html").as_uri())
        names = page.locator("table.voices tbody th").all_inner_texts()
        assert names == ["Dmitry Peskov", "Ibrahim Kalin", "Recep Tayyip Erdogan"]
        page.get_by_role("link", name="Ibrahim Kalin").click()
        assert page.locator("h1").inner_text() == "Ibrahim Kalin"
        assert page.locator("blockquote.quote").count() == 3
        page.locator(".intro").get_by_role("link", name="Turkey").click()
        assert page.url.endswith("topics/turkey.html")


def test_article_page_shows_who_is_quoted_and_why(browser, built_site):
    with open_page(browser) as page:
        page.goto((built_site / ARTICLE_000).as_uri())
        quoted = page.locator(".who-said li")
        assert quoted.count() == 3
        assert quoted.locator("a.speaker").all_inner_texts() == ["Ibrahim Kalin"] * 3
        assert "the last speaker named, in paragraph 1" in quoted.first.inner_text()
        quoted.first.get_by_role("link", name="paragraph 2").click()
        assert page.evaluate("location.hash") == "#p2"


def test_topic_page_explains_its_tag_and_shows_its_timeline(browser, built_site):
    with open_page(browser) as page:
        page.goto((built_site / "topics" / "turkey.html").as_uri())
        aliases = page.locator(".alias-table tbody th").all_inner_texts()
        assert {"Turkey", "Kalyn", "Ankara"} <= set(aliases)
        assert page.locator(".topic-timeline circle").count() == 5
        assert page.locator(".topic-timeline .timeline-table tbody tr").count() == 5


def test_each_source_lists_its_articles(browser, built_site):
    with open_page(browser) as page:
        page.goto((built_site / "sources" / "index.html").as_uri())
        assert page.locator("main ul.topic-overview a").all_inner_texts() == [
            "News Front", "OREANDA-NEWS", "Press TV", "Sputnik International", "TASS"]
        page.get_by_role("link", name="TASS").click()
        assert page.locator(".card-title").all_inner_texts() == [
            "Sands: cooperation with Turkey is in doubt, but this does not apply to the coalition against ISIS"]


def test_story_pages_fit_a_phone_screen(browser, built_site):
    with open_page(browser, viewport={"width": 360, "height": 740}) as page:
        for name in ["timeline/index.html", "matrix/index.html", "voices/index.html", "voices/dmitry-peskov.html",
                     "topics/turkey.html", "sources/index.html", ARTICLE_000]:
            page.goto((built_site / name).as_uri())
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 360px"
