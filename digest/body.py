"""An article's clean body: plain-text paragraphs and headings, and their HTML.

Plain text is never markup: a line starting with ``*`` or ``#`` is text. Markdown goes
through markdown-it-py with raw HTML off, so nothing an article says can become a tag.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import escape

from .lines import Line, ends_sentence, is_headline_like
from .model import Block

HEADING_WORDS = 15


def block_id(index: int) -> str:
    """Return the HTML id of block ``index``, the anchor that evidence links point to."""
    return f"p{index + 1}"


def blocks_from_text(lines: list[Line]) -> list[Block]:
    """Return the paragraphs and headings of plain text whose removed lines are blank.

    Each non-empty line is a paragraph, except that a line broken inside a sentence (the
    next line goes on in lower case) is joined to the next: hard-wrapped text. A short line
    with no closing punctuation, followed by a paragraph, is a section heading.
    """
    paragraphs: list[tuple[int, str]] = []
    joinable = False
    for line in lines:
        text = " ".join(line.text.split())
        if not text:
            joinable = False
            continue
        if joinable and text[0].islower():
            number, previous = paragraphs[-1]
            paragraphs[-1] = (number, f"{previous} {text}")
        else:
            paragraphs.append((line.number, text))
        joinable = not ends_sentence(text)
    blocks = []
    for position, (number, text) in enumerate(paragraphs):
        followed_by_text = position + 1 < len(paragraphs) and not is_headline_like(
            paragraphs[position + 1][1], HEADING_WORDS
        )
        is_heading = followed_by_text and position > 0 and is_headline_like(text, HEADING_WORDS)
        blocks.append(Block("heading" if is_heading else "paragraph", text, number))
    return blocks


def html_from_blocks(blocks: list[Block]) -> str:
    """Return the HTML of plain-text blocks; headings are h2 under the page's h1 title."""
    parts = []
    for index, block in enumerate(blocks):
        tag = "h2" if block.kind == "heading" else "p"
        parts.append(f'<{tag} id="{block_id(index)}">{escape(block.text)}</{tag}>')
    return "\n".join(parts)


def _make_markdown() -> MarkdownIt:
    markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # An image would load from another site: the digest has no external assets.
    markdown.disable("image")
    return markdown


_MARKDOWN = _make_markdown()


def blocks_and_html_from_markdown(source: str, first_line: int) -> tuple[list[Block], str]:
    """Return the blocks and HTML of a Markdown body that starts at line ``first_line``."""
    tokens = _MARKDOWN.parse(source)
    blocks: list[Block] = []
    for position, token in enumerate(tokens):
        if token.type not in ("heading_open", "paragraph_open"):
            continue
        inline = tokens[position + 1]
        text = " ".join(_plain_text(inline).split())
        if not text:
            continue
        line = first_line + (token.map[0] if token.map else 0)
        kind = "heading" if token.type == "heading_open" else "paragraph"
        _anchor_of(tokens, position).attrSet("id", block_id(len(blocks)))
        blocks.append(Block(kind, text, line))
        if kind == "heading":
            # The page's title is its only h1; body headings start at h2.
            level = min(int(token.tag[1]) + 1, 6)
            token.tag = tokens[_closing_of(tokens, position)].tag = f"h{level}"
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    return blocks, html.strip()


def _anchor_of(tokens: list[Token], position: int) -> Token:
    """Return the token that renders the element for the block opening at ``position``.

    The paragraphs of a tight list are not rendered as <p>, so their list item takes the id.
    """
    token = tokens[position]
    if not token.hidden:
        return token
    for earlier in range(position - 1, -1, -1):
        if tokens[earlier].type == "list_item_open":
            return tokens[earlier]
    return token


def _closing_of(tokens: list[Token], position: int) -> int:
    closing_type = tokens[position].type.replace("_open", "_close")
    for later in range(position + 1, len(tokens)):
        if tokens[later].type == closing_type:
            return later
    raise AssertionError("markdown-it always closes what it opens")


def _plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)
