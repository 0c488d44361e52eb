"""An article's clean body: plain-text paragraphs and headings, and their HTML.

Plain text is never markup: a line starting with ``*`` or ``#`` is text. Markdown goes
through markdown-it-py with raw HTML off, so nothing an article says can become a tag.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from markupsafe import escape

from .errors import DigestError
from .lines import Line, ends_sentence, is_headline_like
from .model import Block

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

HEADING_WORDS = 15
# The only links an article may carry. Anything else is shown as the Markdown text it is:
# "javascript:" would run, and a relative or root-relative link points into the digest's own
# site, where the article's neighbours are not.
LINK_SCHEMES = ("http://", "https://", "mailto:")


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
        text = line.text
        # Only white space other than single spaces between words needs tidying (no other space
        # character is printable): quicker to see than splitting every line into words and back.
        if text and (not text.isprintable() or "  " in text or text.startswith(" ") or text.endswith(" ")):
            text = " ".join(text.split())
        if not text:
            joinable = False
            continue
        if joinable and text[0].islower():
            number, previous = paragraphs[-1]
            paragraphs[-1] = (number, f"{previous} {text}")
        else:
            paragraphs.append((line.number, text))
        joinable = not ends_sentence(text)
    # Each paragraph is looked at once, though it decides both its own kind and the one before.
    headline_like = [is_headline_like(text, HEADING_WORDS) for _, text in paragraphs]
    headline_like.append(True)  # after the last paragraph, no text follows
    blocks = []
    for position, (number, text) in enumerate(paragraphs):
        followed_by_text = not headline_like[position + 1]
        is_heading = followed_by_text and position > 0 and headline_like[position]
        blocks.append(Block("heading" if is_heading else "paragraph", text, number))
    return blocks


def html_from_blocks(blocks: list[Block]) -> str:
    """Return the HTML of blocks_from_text's blocks; headings are h2 under the page's h1 title."""
    # Escaped in one call: no block's text holds a line break, so the joined texts split back
    # into the same blocks (escaping each block on its own was most of the time here).
    texts = str(escape("\n".join(block.text for block in blocks))).split("\n")
    parts = []
    for index, (block, text) in enumerate(zip(blocks, texts)):
        tag = "h2" if block.kind == "heading" else "p"
        parts.append(f'<{tag} id="{block_id(index)}">{text}</{tag}>')
    return "\n".join(parts)


@cache
def _markdown() -> MarkdownIt:
    # Imported when the first Markdown body is read, not with digest: a build of plain-text
    # files, or a rebuild that reads none again, spent 30 ms of its start importing it.
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # An image would load from another site: the digest has no external assets.
    markdown.disable("image")
    markdown.validateLink = lambda url: url.strip().lower().startswith(LINK_SCHEMES)
    return markdown


def blocks_and_html_from_markdown(source: str, first_line: int, path: str | None = None) -> tuple[list[Block], str]:
    """Return the blocks and HTML of a Markdown body that starts at line ``first_line`` of ``path``."""
    markdown = _markdown()
    tokens = markdown.parse(source)
    _check_nesting(tokens, first_line, path)
    blocks: list[Block] = []
    previous_level = 1  # the page's title is its only h1
    top_level = min((int(token.tag[1]) for token in tokens if token.type == "heading_open"), default=1)
    for position, token in enumerate(tokens):
        if token.type not in ("heading_open", "paragraph_open"):
            continue
        inline = tokens[position + 1]
        text = " ".join(_plain_text(inline).split())
        closing = tokens[_closing_of(tokens, position)]
        if token.type == "heading_open":
            # The body's top heading level becomes h2, and no heading skips a level, so that the
            # outline stays valid whatever levels the Markdown uses; an empty heading is left out.
            level = min(int(token.tag[1]) - top_level + 2, previous_level + 1, 6)
            token.tag = closing.tag = f"h{level}"
            token.hidden = closing.hidden = not text
            previous_level = level if text else previous_level
        if not text:
            continue
        line = first_line + (token.map[0] if token.map else 0)
        kind = "heading" if token.type == "heading_open" else "paragraph"
        _anchor_of(tokens, position).attrSet("id", block_id(len(blocks)))
        blocks.append(Block(kind, text, line))
    html = markdown.renderer.render(tokens, markdown.options, {})
    return blocks, html.strip()


def _check_nesting(tokens: list[Token], first_line: int, path: str | None) -> None:
    """Raise DigestError where quotes and lists nest deeper than markdown-it renders.

    At its nesting limit markdown-it silently drops the rest of the body; that happens once
    a quote or list opens on the last level but one.
    """
    deepest = _markdown().options["maxNesting"] - 1
    for token in tokens:
        if token.nesting == 1 and token.level >= deepest and token.type not in ("paragraph_open", "heading_open"):
            line = first_line + (token.map[0] if token.map else 0)
            raise DigestError(
                f"Markdown quotes and lists are nested too deeply here (over {deepest // 2} lists or "
                f"{deepest} quotes inside each other), and the rest would be lost; flatten them",
                path, line,
            )


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
