"""``digest new``: an article file from a title, a date, a source and a URL, and pasted text.

The file is a ``.txt`` article with front matter, the form a build reads best: the pasted
page keeps its boilerplate, and the build removes it and shows what it removed. The file is
checked by the loader before it is written, and an existing file is never replaced.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .dates import parse_iso_date
from .errors import DigestError
from .load import _shown_path, make_slug, parse_article

# Long enough to tell articles apart in a listing, short enough for any file system.
FILE_SLUG_LENGTH = 60


def new_article(
    articles_dir: Path,
    body: str,
    *,
    title: str | None = None,
    date: str | None = None,
    source: str | None = None,
    url: str | None = None,
) -> tuple[Path, list[DigestError]]:
    """Write a new article into ``articles_dir``; return its path and the loader's warnings about it.

    The file is named ``YYYY-MM-DD-<slug>.txt`` (``<slug>.txt`` when undated) after the
    title given, or the title a build would find in the text.
    """
    text = compose_article(body, title=title, date=date, source=source, url=url)
    article, _ = parse_article(text, "new.txt", "the new article")  # raises DigestError if a build would
    stem = make_slug(article.title, FILE_SLUG_LENGTH)
    path = articles_dir / (f"{article.date.isoformat()}-{stem}.txt" if article.date else f"{stem}.txt")
    shown = _shown_path(path, articles_dir)
    _, warnings = parse_article(text, path.name, shown)
    articles_dir.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:  # "x": fails rather than replace a file
            file.write(text)
    except FileExistsError as exc:
        raise DigestError("an article file of this name already exists; give another --title, "
                          "or delete or rename the old file", shown) from exc
    return path, warnings


def compose_article(
    body: str,
    *,
    title: str | None = None,
    date: str | None = None,
    source: str | None = None,
    url: str | None = None,
) -> str:
    """Return the file text: front matter from the fields given, then ``body`` with tidy line ends."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise DigestError("no article text on standard input; paste the text of the page and end with "
                          "Ctrl-D, or pipe a file: digest new --title ... < page.txt")
    fields = {"title": title, "source": source, "date": _checked_date(date), "url": url}
    given = {name: value for name, value in fields.items() if value is not None and str(value).strip()}
    text = "\n".join(lines) + "\n"
    if not given:
        return text
    if lines[0].strip() == "---":
        raise DigestError("the text on standard input starts with its own front matter ('---'); "
                          "leave out the options, or the front matter")
    front = "".join(_field_line(name, value) for name, value in given.items())
    return f"---\n{front}---\n{text}"


def _checked_date(date: str | None) -> str | None:
    if date is None:
        return None
    try:
        return parse_iso_date(date).isoformat()
    except ValueError:
        raise DigestError(f"--date '{date}' is not a date; use YYYY-MM-DD, e.g. --date 2019-08-26") from None


def _field_line(name: str, value: str) -> str:
    if name == "date":
        return f"date: {value}\n"  # already checked: plain YYYY-MM-DD, as people write it
    # Quoted by YAML itself: a title may hold ': ', '#' or quotes of its own.
    return yaml.safe_dump({name: " ".join(value.split())}, allow_unicode=True, default_style='"', width=1 << 20,
                          sort_keys=False).replace(f'"{name}": ', f"{name}: ", 1)
