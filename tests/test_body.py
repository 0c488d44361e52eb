"""Article bodies as HTML: Markdown headings keep a valid outline and links stay safe."""

import pytest

from digest.body import blocks_and_html_from_markdown
from digest.errors import DigestError


@pytest.mark.parametrize("source, tags", [
    ("## A\n\ntext", ["h2"]),
    ("# A\n\n## B\n\n### C", ["h2", "h3", "h4"]),
    ("#### Deep first\n\n## Then shallow", ["h2", "h2"]),
    ("## A\n\n##### Skips three", ["h2", "h3"]),
    ("## A\n\n#\n\n### B", ["h2", "h3"]),
], ids=["h2-starts-the-body", "levels-kept", "deep-first-is-h2", "no-skipped-level", "empty-heading-left-out"])
def test_markdown_headings_start_at_h2_and_never_skip_a_level(source, tags):
    _, html = blocks_and_html_from_markdown(source, 1)
    found = [part[:2] for part in html.split("<")[1:] if part[:1] == "h" and part[1:2].isdigit()]
    assert found == tags, html


@pytest.mark.parametrize("source, linked", [
    ("[a](https://example.com/x)", True),
    ("[a](HTTP://example.com/x)", True),
    ("[a](mailto:desk@example.com)", True),
    ("<https://example.com>", True),
    ("[a](javascript:alert(1))", False),
    ("[a](java&#09;script:alert(1))", False),
    ("[a](data:text/html,x)", False),
    ("[a](/etc/passwd)", False),
    ("[a](../other.html)", False),
    ("[a](//evil.example/x)", False),
    ("[a](#p1)", False),
    ("![a](https://example.com/x.png)", True),  # not loaded: a link to the picture
], ids=["https", "upper-case-http", "mailto", "autolink", "javascript", "entity-in-scheme", "data", "root-relative",
        "relative", "protocol-relative", "fragment", "image"])
def test_only_web_and_mail_links_are_kept(source, linked):
    _, html = blocks_and_html_from_markdown(source, 1)
    assert ("<a href=" in html) == linked, html
    assert "<img" not in html


def test_markdown_nested_past_the_renderers_limit_is_an_error_at_its_line():
    deep = "".join("  " * level + f"- level {level}\n" for level in range(12))
    with pytest.raises(DigestError, match=r"^a\.md:12: Markdown quotes and lists are nested too deeply"):
        blocks_and_html_from_markdown("Intro.\n\n" + deep, 1, "a.md")
    blocks, _ = blocks_and_html_from_markdown("Intro.\n\n" + deep[: deep.index("  " * 9)], 1, "a.md")
    assert [block.text for block in blocks][-1] == "level 8"
