"""Property-based tests: random front matter, text and bytes give a page or a DigestError, nothing else.

The budget (max_examples) keeps the whole module to a few seconds; raise it locally with
``--hypothesis-seed`` and a larger ``FUZZ_EXAMPLES`` to search harder.
"""

import os
from html.parser import HTMLParser

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.body import blocks_and_html_from_markdown
from digest.errors import DigestError
from digest.frontmatter import KNOWN_FIELDS
from digest.load import assign_slugs, decode_article, parse_article
from digest.render import make_environment, navigation, render_page
from digest.site import Settings, plan_site
from digest.tag import compile_matcher, tag_article
from digest.taxonomy import load_taxonomy

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TAXONOMY = load_taxonomy()
MATCHER = compile_matcher(TAXONOMY)
ENVIRONMENT = make_environment()

# Pieces that steer random text into the loader's rules: headers, datelines, boilerplate,
# Markdown syntax, template syntax, aliases of the taxonomy and markup.
PIECES = [
    "- Sputnik International", "Published: 26 Aug 2019", "MOSCOW (Sputnik) —", "MOSCOW, Nov. 25, 2015 (Reuters) -",
    "NIZHNY TAGIL, November 25.", "OREANDA-NEWS   ", "See also", "© Photo: AP", "Subscribe to our newsletter",
    "Russia", "Turkey's", "YPG", "Erdogan", "Idlib", "the Kremlin", "# ", "## ", "> ", "- ", "1. ", "```", "---", "...",
    "[a](javascript:x)", "<script>", "{{ x }}", "{% y %}", "</textarea>", "*", "_", "`", "\\", "&amp;", "\t", "  ",
    ".", "?", "!", ":", "\u00a0", "\u2019", "\u202e", "\ufeff", "\r\n", "\r", "\x00", "\x85", "\u2028",
]
text_pieces = st.one_of(st.text(min_size=1, max_size=40), st.sampled_from(PIECES))
article_text = st.lists(st.lists(text_pieces, min_size=1, max_size=6).map("".join), min_size=1, max_size=12).map("\n".join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                    st.dates().map(str), st.sampled_from(["2019-02-30", "2019-08-26", "2019-08-26T25:00", "http://x"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                      max_leaves=6)
field_names = st.one_of(st.sampled_from(KNOWN_FIELDS), st.text(max_size=10))
yaml_front_matter = st.dictionaries(field_names, values, max_size=5).map(
    lambda fields: yaml.safe_dump(fields, allow_unicode=True, sort_keys=False))
front_matter = st.one_of(st.just(None), yaml_front_matter, article_text)


@st.composite
def article_files(draw) -> tuple[str, bytes]:
    """A file name and the bytes of an article file: random front matter, text and encoding."""
    name = draw(st.sampled_from(["a.txt", "a.md"]))
    block = draw(front_matter)
    text = draw(article_text)
    if block is not None:
        text = f"---\n{block.rstrip(chr(10))}\n---\n{text}"
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "binary"]))
    if encoding == "binary":
        return name, draw(st.binary(max_size=300))
    return name, text.encode(encoding, errors="replace")


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.unsafe: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "svg", "img"):
            self.unsafe.append(tag)
        self.unsafe += [f"{tag} {name}" for name, value in attrs if name.startswith("on")]
        self.unsafe += [f"{tag} {name}={value}" for name, value in attrs
                        if name == "href" and value and ":" in value.split("/")[0]
                        and not value.startswith(("http://", "https://", "mailto:"))]


def page_or_error(name: str, raw: bytes) -> str | None:
    """Return the article page built from the file, or None when the file is a DigestError."""
    try:
        text, _ = decode_article(raw, name)
        article, _ = parse_article(text, name)
    except DigestError as error:
        assert str(error).startswith(name) and "; " in str(error), f"error without a fix: {error}"
        return None
    tagged = tag_article(assign_slugs([article])[0], MATCHER)
    blocks = [tagged.title] + [block.text for block in tagged.blocks]
    for tag in tagged.tags:
        for mention in tag.mentions:
            assert blocks[mention.block + 1][mention.start:mention.end] == mention.matched
    plan = plan_site([tagged], TAXONOMY, Settings())
    page = next(page for page in plan.pages if page.out_path.startswith("articles/"))
    return render_page(ENVIRONMENT, page, navigation(plan.has_undated), "Fuzz")


@FUZZ
@given(article_files())
def test_random_article_file_gives_a_page_or_a_clear_error(file):
    name, raw = file
    html = page_or_error(name, raw)
    if html is not None:
        parser = _Markup()
        parser.feed(html)
        assert parser.unsafe == []


@FUZZ
@given(st.text(alphabet=st.sampled_from("[]()<>*_`#>-+!\\&;:/ \n\tajs1."), max_size=300))
def test_random_markdown_syntax_gives_blocks_or_a_clear_error(source):
    try:
        blocks, html = blocks_and_html_from_markdown(source, 1, "a.md")
    except DigestError as error:
        assert str(error).startswith("a.md:")
        return
    parser = _Markup()
    parser.feed(html)
    assert parser.unsafe == []
    assert all(block.text.strip() for block in blocks)


@pytest.mark.parametrize("raw", [b"", b"\xff\xfe", b"\xfe\xff\x00", b"---\n---\n", b"\r\r\r", b"---\n- a\n---\nx"],
                         ids=["empty", "utf16-bom-only", "odd-utf16", "empty-front-matter", "bare-cr", "list-front-matter"])
def test_edge_files_found_by_fuzzing_give_a_page_or_a_clear_error(raw):
    page_or_error("a.md", raw)
