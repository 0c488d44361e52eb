"""Article files -> Article records: front matter, inferred metadata, clean body.

Input files are only read, never changed.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from slugify import slugify

from .body import blocks_and_html_from_markdown, blocks_from_text, html_from_blocks
from .boilerplate import find_boilerplate
from .errors import DigestError, DigestErrors
from .frontmatter import NOT_TEXT, FrontMatter, split_front_matter
from .header import (
    find_date_line,
    find_dateline,
    find_headline,
    find_repeats,
    find_site_header,
    find_source_prefix,
    title_from_sentence,
)
from .lines import Line, normalized, word_count
from .model import (
    FROM_DATELINE,
    FROM_FILE_NAME,
    FROM_FIRST_SENTENCE,
    FROM_FRONT_MATTER,
    FROM_HEADLINE,
    FROM_NONE,
    FROM_SITE_HEADER,
    FROM_SOURCE_PREFIX,
    Article,
    Block,
    Dateline,
    Origins,
    Removal,
)

ARTICLE_SUFFIXES = (".txt", ".md")
SLUG_LENGTH = 80
# A long news feature is under 100 kB. Two megabytes leave room for transcripts and reports
# and keep one file under about two seconds; a bigger file is a dump, not an article.
MAX_ARTICLE_BYTES = 2_000_000
# A whole article pasted as one line is some tens of thousands of characters; a longer line
# is data (an inline image, a script, a minified page), never prose to publish.
MAX_LINE_CHARS = 100_000
# ASCII characters that may not stand in a URL (RFC 3986); pasted addresses carry them, and
# a link is valid only with them percent-encoded. Other non-ASCII text is left for the browser.
_URL_UNSAFE = re.compile(r'[\s"<>\\^`{|}]')
# How far into the text the header facts may stand: a headline's repeat, a date line, a dateline.
HEADER_LINES = 3


@dataclass(frozen=True)
class LoadResult:
    """The articles of a folder, and what was wrong with the files that could not be read."""

    articles: tuple[Article, ...]  # in source_path order, slugs unique
    errors: tuple[DigestError, ...]  # one per bad file (or more, when a file has several problems)
    warnings: tuple[DigestError, ...]


def find_article_paths(folder: Path) -> tuple[list[tuple[str, Path]], list[DigestError]]:
    """Return the article files below ``folder`` as (POSIX path relative to it, path), sorted
    by the relative path, and link errors.

    Sorting by path, not by the listing's order, makes the build independent of the file
    system. Hidden files and folders (".git", editor backups) are skipped. A symbolic link
    is followed only when it stays inside ``folder``: one that leads out of it, or nowhere,
    is an error, so that a build never publishes a file from elsewhere by accident.
    """
    root = Path(os.path.realpath(folder))
    found: list[tuple[str, Path]] = []  # (POSIX path relative to folder, path)
    errors: list[DigestError] = []
    for directory, relative_folder, folders, files in _walk(os.fspath(folder), ""):
        for is_file, entries in ((False, folders), (True, files)):
            for entry in entries:
                # A DirEntry knows whether it is a link without asking the file system again.
                is_article = is_file and entry.name.lower().endswith(ARTICLE_SUFFIXES)
                if entry.name.startswith(".") or not (is_article or entry.is_symlink()):
                    continue
                path = Path(directory, entry.name)
                problem = _link_problem(path, root) if entry.is_symlink() else None
                if problem is None and is_article and not entry.is_file():
                    problem = "is not a regular file (a pipe, socket or device); remove it"
                if problem is not None:
                    errors.append(DigestError(problem, _shown_path(path, folder)))
                elif is_article:
                    found.append((relative_folder + entry.name, path))
    # Relative paths are unique, so the paths themselves are never compared. They are given
    # back too: pathlib's relative_to would cost a build tens of milliseconds a 10,000 files.
    found.sort(key=lambda pair: pair[0])
    return found, errors


def _walk(directory: str, relative_folder: str) -> Iterator[tuple[str, str, list[os.DirEntry], list[os.DirEntry]]]:
    """Yield each folder below ``directory``, itself first: its path, relative path, folders and files.

    As os.walk does: a folder that cannot be listed is left out, and linked folders are not
    entered. Hidden folders are neither listed nor entered; the others come in order of name.
    """
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError:
        return
    folders, files = [], []
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        (folders if is_folder else files).append(entry)
    folders = sorted((entry for entry in folders if not entry.name.startswith(".")), key=lambda entry: entry.name)
    yield directory, relative_folder, folders, files
    for entry in folders:
        if not entry.is_symlink():
            yield from _walk(os.path.join(directory, entry.name), f"{relative_folder}{entry.name}/")


def _link_problem(link: Path, root: Path) -> str | None:
    """Return what is wrong with a symbolic link below ``root``, or None if it may be followed."""
    target = Path(os.path.realpath(link))
    if not os.path.exists(target):
        return f"symbolic link leads nowhere ({os.readlink(link)}); remove it or fix its target"
    if target != root and root not in target.parents:
        return (
            f"symbolic link leads out of the articles folder, to {target}; digest does not follow "
            "it, so that no file from elsewhere is published by accident. Copy the file in instead"
        )
    return None


def load_articles(folder: Path, on_file: Callable[[int, int], None] | None = None) -> LoadResult:
    """Return every article below ``folder``; bad files are reported, not skipped silently.

    ``on_file(done, total)`` is told how far the loading is, for a progress bar.
    """
    if not folder.is_dir():
        raise DigestError("articles folder does not exist; create it or pass another folder", folder)
    articles: list[Article] = []
    found, link_errors = find_article_paths(folder)
    paths = [path for _, path in found]
    errors: list[DigestError] = list(link_errors)
    warnings: list[DigestError] = []
    for done, path in enumerate(paths):
        if on_file is not None:
            on_file(done, len(paths))
        try:
            article, file_warnings = load_article(path, folder)
        except DigestErrors as exc:
            errors.extend(exc.errors)
            continue
        except DigestError as exc:
            errors.append(exc)
            continue
        articles.append(article)
        warnings.extend(file_warnings)
    if on_file is not None:
        on_file(len(paths), len(paths))
    return LoadResult(tuple(assign_slugs(articles)), tuple(errors), tuple(warnings))


def load_article(path: Path, root: Path) -> tuple[Article, list[DigestError]]:
    """Return the article in ``path`` (shown relative to ``root``) and warnings about it."""
    # Worked out once: pathlib's relative_to costs as much as reading a small file.
    source_path = path.relative_to(root).as_posix()
    shown_path = f"{root.name}/{source_path}" if root.name else path.as_posix()  # as _shown_path says it
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise DigestError(
                f"file is {size / 1e6:.1f} MB, more than the {MAX_ARTICLE_BYTES / 1e6:.0f} MB an article may be; "
                "it is probably not an article: keep only the article's text, or split it",
                shown_path,
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DigestError(f"file cannot be read ({exc.strerror}); check that it exists and is readable",
                          shown_path) from exc
    text, warnings = decode_article(raw, shown_path)
    article, parse_warnings = parse_article(text, source_path, shown_path, hashlib.sha256(raw).hexdigest())
    return article, warnings + parse_warnings


def decode_article(raw: bytes, shown_path: str) -> tuple[str, list[DigestError]]:
    """Return the text of an article file with "\\n" line ends, and warnings."""
    if not raw.strip():
        raise DigestError("file is empty; write the article's text in it or delete it", shown_path)
    warnings = []
    is_utf8 = False
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows editors save "Unicode" text as UTF-16, whose ASCII letters hold zero bytes.
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DigestError("file starts like UTF-16 text but is not; save the article as UTF-8 text",
                              shown_path) from exc
        warnings.append(DigestError("file is UTF-16; read it as such. Save it as UTF-8 to be sure", shown_path))
    elif b"\x00" in raw:
        raise DigestError("file is binary, not text; save the article as UTF-8 text", shown_path)
    else:
        try:
            text = raw.decode("utf-8-sig")
            is_utf8 = True
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            text = raw.decode("cp1252", errors="replace")
            warnings.append(DigestError(
                "file is not UTF-8; read it as Windows-1252 (Latin-1). Save it as UTF-8 to be sure",
                shown_path, line,
            ))
    text = text.lstrip("\ufeff")
    if b"\r" in raw:  # the bytes say it at once; searching the text for "\r" reads it all, twice
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = NOT_TEXT.search(text) if not is_utf8 or _may_hold_not_text(raw) else None
    if found:
        warnings.append(DigestError(
            f"file holds {len(NOT_TEXT.findall(text))} control character(s) that are not text, "
            f"the first is U+{ord(found.group()):04X}; they are left out. Remove them to silence this",
            shown_path, text.count("\n", 0, found.start()) + 1,
        ))
        text = NOT_TEXT.sub("", text)
    return text, warnings


# The bytes that start the UTF-8 form of a NOT_TEXT character, but for the C1 controls and
# the noncharacters of U+FDD0 to U+FFFF: the controls other than tab and line ends, DEL, and
# the lead bytes of all characters above U+FFFF.
_NOT_TEXT_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0xF0, 0xF5)])
_C1_CONTROL_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def _may_hold_not_text(utf8: bytes) -> bool:
    """Return False when the UTF-8 bytes of a file hold no NOT_TEXT character, True when they may.

    Searching the text with NOT_TEXT reads it one character at a time; these tests run through
    the bytes in C, twice as fast, and nearly every file passes them.
    """
    return (
        len(utf8.translate(None, _NOT_TEXT_BYTES)) != len(utf8)
        or _C1_CONTROL_UTF8.search(utf8) is not None  # U+0080 to U+009F
        or b"\xef\xb7" in utf8  # U+FDC0 to U+FDFF
        or b"\xef\xbf" in utf8  # U+FFC0 to U+FFFF
    )


def parse_article(
    text: str, source_path: str, shown_path: str | None = None, content_hash: str = ""
) -> tuple[Article, list[DigestError]]:
    """Return the article whose file text is ``text``; ``source_path`` decides Markdown or text.

    Each metadata field is taken, in this order, from the front matter, then from what the
    page states (headline, site header, source prefix, date line, dateline), and is
    otherwise left empty: an article without a full date is undated, never given today's.
    ``content_hash`` (of the file's bytes) is recorded as given.
    """
    shown_path = shown_path or source_path
    _check_line_lengths(text, shown_path)
    front_matter, body = split_front_matter(text, shown_path)
    body_line = front_matter.body_line if front_matter else 1
    warnings = list(front_matter.warnings) if front_matter else []
    lines = [Line(body_line + offset, raw.rstrip()) for offset, raw in enumerate(body.split("\n"))]
    if not any(line.text.strip() for line in lines):
        if front_matter:
            raise DigestError(
                "file has front matter but no text; write the article under the closing '---'",
                shown_path, body_line,
            )
        raise DigestError("file is empty; write the article's text in it or delete it", shown_path)
    is_markdown = source_path.lower().endswith(".md")
    reading = _read_header(lines, front_matter, is_markdown)
    marks = dict(reading.marks)
    marks.update(find_boilerplate(reading.lines, marks, reading.site_name))
    kept = [line if index not in marks else Line(line.number, "") for index, line in enumerate(reading.lines)]
    if is_markdown:
        blocks, body_html = blocks_and_html_from_markdown("\n".join(line.text for line in kept), body_line, shown_path)
    else:
        blocks = blocks_from_text(kept)
        body_html = html_from_blocks(blocks)
    removed = sorted(
        [*reading.prefix_removals, *(Removal(rule, reading.lines[i].number, lines[i].text.strip()) for i, rule in marks.items())],
        key=lambda removal: (removal.line, removal.rule),
    )
    dateline, dateline_end = _find_first_dateline(blocks)
    url = front_matter.url if front_matter else None
    if url and not url.lower().startswith(("http://", "https://")):
        warnings.append(DigestError(
            f"url '{url}' is not a web address, so it is shown as text, not linked; "
            "use one that starts with http:// or https://",
            shown_path,
        ))
    elif url:
        url = _URL_UNSAFE.sub(lambda found: quote(found.group()), url)
    article = _assemble(source_path, front_matter, reading, blocks, dateline, dateline_end)
    # One replace for all that is known only now: each copy of the record costs as much as a
    # whole paragraph's cleaning.
    article = replace(article, body_html=body_html, removed=tuple(removed), url=url, content_hash=content_hash)
    return article, warnings


def _check_line_lengths(text: str, shown_path: str) -> None:
    if len(text) <= MAX_LINE_CHARS:
        return  # no line can be longer than the whole text
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            raise DigestError(
                f"line is {len(line):,} characters long, more than the {MAX_LINE_CHARS:,} a line may hold; "
                "it is probably pasted data (an image, a script): remove it, or break it into paragraphs",
                shown_path, number,
            )


@dataclass(frozen=True)
class _HeaderReading:
    lines: list[Line]  # the body lines, with a source prefix cut off its line
    marks: dict[int, str]  # index into lines -> removal rule
    prefix_removals: list[Removal]
    site_name: str | None
    source_prefix: str | None
    headline: str | None
    date_line: object  # datetime.date | None


def _read_header(lines: list[Line], front_matter: FrontMatter | None, is_markdown: bool) -> _HeaderReading:
    lines = list(lines)
    marks: dict[int, str] = {}
    prefix_removals: list[Removal] = []
    content = [index for index, line in enumerate(lines) if line.text.strip()]
    site = find_site_header(lines, content[0])
    if site is not None:
        for index in content:
            if index != site.index and (index - 1 not in marks or word_count(lines[index].text) > 25):
                break
            marks[index] = "masthead"
    content = [index for index in content if index not in marks]
    source_prefix = headline = date_line = None
    if content:
        first = content[0]
        prefix = None if is_markdown else find_source_prefix(lines[first], first)
        if prefix is not None:
            source_prefix = prefix.value
            line = lines[first]
            lines[first] = Line(line.number, line.text[len(prefix.removed_text):])
            prefix_removals.append(Removal("source-prefix", line.number, prefix.value))
        headline_text = _headline_text(lines[first].text, is_markdown)
        if headline_text is not None and find_headline(lines, first, content[1:]):
            title = front_matter.title if front_matter else None
            if title is None or normalized(title) == normalized(headline_text):
                headline = headline_text
                marks[first] = "headline"
                for index in find_repeats(lines, first, content[1:1 + HEADER_LINES]):
                    marks[index] = "repeated-headline"
        for index in itertools.islice((index for index in content if index not in marks), HEADER_LINES):
            found = find_date_line(lines[index].text)
            if found is not None:
                date_line = found
                marks[index] = "date-line"
                break
    return _HeaderReading(lines, marks, prefix_removals, site.value if site else None, source_prefix, headline, date_line)


def _headline_text(text: str, is_markdown: bool) -> str | None:
    if not is_markdown:
        return text.strip()
    stripped = text.strip()
    if stripped.startswith("# "):
        return stripped[2:].strip().rstrip("#").strip()
    if stripped.startswith("#") or stripped.startswith(("-", "*", ">", "|", "```")):
        return None  # a lower heading, a list, a quote, a table or code is not a headline
    return stripped


def _find_first_dateline(blocks: list[Block]) -> tuple[Dateline | None, int]:
    for block in [block for block in blocks if block.kind == "paragraph"][:HEADER_LINES]:
        found = find_dateline(block.text)
        if found is not None:
            return found
    return None, 0


def _assemble(
    source_path: str,
    front_matter: FrontMatter | None,
    reading: _HeaderReading,
    blocks: list[Block],
    dateline: Dateline | None,
    dateline_end: int,
) -> Article:
    """Return the article record, each field from the first place that states it."""
    stated = front_matter or FrontMatter(None, None, None, None, (), (), 1)
    paragraphs = [block for block in blocks if block.kind == "paragraph"]

    if stated.title:
        title, title_from = stated.title, FROM_FRONT_MATTER
    elif reading.headline:
        title, title_from = reading.headline, FROM_HEADLINE
    elif paragraphs and (sentence_title := title_from_sentence(_lede_text(paragraphs, dateline, dateline_end))):
        title, title_from = sentence_title, FROM_FIRST_SENTENCE
    else:
        title, title_from = Path(source_path).stem.replace("_", " ").replace("-", " "), FROM_FILE_NAME

    if stated.source:
        source, source_from = stated.source, FROM_FRONT_MATTER
    elif reading.site_name:
        source, source_from = reading.site_name, FROM_SITE_HEADER
    elif reading.source_prefix:
        source, source_from = reading.source_prefix, FROM_SOURCE_PREFIX
    elif dateline is not None and dateline.agency:
        source, source_from = dateline.agency, FROM_DATELINE
    else:
        source, source_from = None, FROM_NONE

    if stated.date:
        date, date_from = stated.date, FROM_FRONT_MATTER
    elif reading.date_line:
        date, date_from = reading.date_line, FROM_DATELINE
    elif dateline is not None and dateline.year and dateline.month and dateline.day:
        import datetime

        date, date_from = datetime.date(dateline.year, dateline.month, dateline.day), FROM_DATELINE
    else:
        date, date_from = None, FROM_NONE

    return Article(
        source_path=source_path,
        slug="",
        title=title,
        source=source,
        date=date,
        url=stated.url,
        origins=Origins(title_from, source_from, date_from, FROM_FRONT_MATTER if stated.url else FROM_NONE),
        dateline=dateline,
        blocks=tuple(blocks),
        body_html="",
        removed=(),
        extra=stated.extra,
    )


def _lede_text(paragraphs: list[Block], dateline: Dateline | None, dateline_end: int) -> str:
    """Return the first paragraph's text after its dateline, if it opens with one."""
    text = paragraphs[0].text
    if dateline is not None and text.startswith(dateline.text.split(",")[0]):
        return text[dateline_end:]
    return text


def assign_slugs(articles: list[Article], wanted: list[str] | None = None) -> list[Article]:
    """Return the articles with unique slugs made from their titles.

    When titles collide, the article whose source path sorts first keeps the plain slug and
    each other one gets a suffix from a hash of its own path, so a slug never depends on
    which other files happen to be in the folder, beyond the collision itself. ``wanted``
    are make_slug of the titles, for a caller that made them already ("" where it did not).
    """
    wanted = [slug or make_slug(article.title) for article, slug in zip(articles, wanted or [""] * len(articles))]
    claimed: set[str] = set()
    result = []
    for article, slug in sorted(zip(articles, wanted), key=lambda pair: pair[0].source_path):
        if slug in claimed:
            slug = _suffixed_slug(slug, article.source_path, claimed)
        claimed.add(slug)
        result.append(article if article.slug == slug else article.with_slug(slug))
    return result


def _suffixed_slug(slug: str, source_path: str, claimed: set[str]) -> str:
    """Return ``slug`` with a suffix from the hash of ``source_path`` that no article has claimed.

    A title can spell another article's suffixed slug ("Report 1a2b3c"); a longer piece of
    the hash, and at last a counter, keep the two pages apart.
    """
    for candidate in suffixed_slugs(slug, source_path):
        if candidate not in claimed:
            return candidate
    counter = 2
    while f"{candidate}-{counter}" in claimed:
        counter += 1
    return f"{candidate}-{counter}"


def suffixed_slugs(slug: str, source_path: str) -> list[str]:
    """Return the slugs that assign_slugs tries, in turn, for the file at ``source_path`` that
    wants the slug ``slug`` another article claimed first (before a counter, at last)."""
    digest = hashlib.sha1(source_path.encode()).hexdigest()
    return [f"{slug[: SLUG_LENGTH - length - 1]}-{digest[:length]}" for length in (6, 12, 40)]


def make_slug(text: str, max_length: int = SLUG_LENGTH) -> str:
    """Return the URL slug of ``text``: ASCII, lower case, cut at a word, never empty."""
    slug = slugify(text)
    if len(slug) > max_length:
        cut = slug.rfind("-", 0, max_length + 1)
        slug = slug[: cut if cut > 0 else max_length]
    return slug or "article"


def _shown_path(path: Path, root: Path) -> str:
    """Return the path as the user will recognise it in a message."""
    try:
        return (root.name + "/" + path.relative_to(root).as_posix()) if root.name else path.as_posix()
    except ValueError:
        return path.as_posix()
