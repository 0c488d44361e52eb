"""What the top of a pasted article states about itself: site, source, headline, dateline.

Each finder looks only where a news page puts that fact (a dateline opens the first
paragraphs, it is never a date in the middle of a sentence), so event dates such as
"On August 5" or a photo caption's "Feb. 28, 2016" are never taken for the publication date.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .dates import MONTH_PATTERN, parse_written_date
from .lines import Line, is_headline_like, normalized
from .model import Dateline
from .sentences import first_sentence

_SITE_HEADER = re.compile(r"^[-–—|•·]\s*([A-Z][\w.&'’]*(?:\s+[A-Z][\w.&'’]*){0,4})\s*$")
_CAPS_WORD = r"[A-Z][A-Z0-9]*(?:[-&.'’][A-Z0-9]+)*\.?"
# An agency's name run into the first line, set off by a wide gap: "OREANDA-NEWS  Turkey ...".
_SOURCE_PREFIX = re.compile(
    rf"^(?P<name>{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{0,3}})(?P<gap>[ \t]*[\u00a0\t][\s\u00a0]*|[ ]{{2,}})(?=[\"“'‘«(\w])"
)
_PLACE = rf"(?P<place>{_CAPS_WORD}(?:[ \u00a0]{_CAPS_WORD}){{0,3}})"
_AGENCY = r"(?:\((?P<agency>[A-Z][\w .&-]{1,30})\)|/(?P<slash_agency>[A-Z][\w .&-]{1,30})/)"
_WRITTEN_DATE = rf"(?P<date>(?:{MONTH_PATTERN}\s+\d{{1,2}}|\d{{1,2}}\s+{MONTH_PATTERN})(?:,?\s+\d{{4}})?)"
_SEPARATOR = r"(?P<separator>[ \u00a0]*(?:[.:]|[—–-]+|/)[ \u00a0]+)"
# "NIZHNY TAGIL, November 25. ", "MOSCOW (Sputnik) — ", "MOSCOW, Nov. 25 (Reuters) - ",
# "ANKARA, 25 November 2015 /TASS/. ", "WASHINGTON — "
_DATELINE = re.compile(
    rf"^{_PLACE}(?:,[ \u00a0]*{_WRITTEN_DATE})?(?:[ \u00a0]*{_AGENCY})?[.]?{_SEPARATOR}(?=[\"“'‘«\w])"
)
_DATE_LINE = re.compile(
    rf"(?i)^(?:(?:published|posted|updated|date)\s*:?\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s+)?"
    rf"(?P<date>{MONTH_PATTERN}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH_PATTERN},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    rf"(?:,?\s+(?:at\s+)?\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,4}}|GMT[+-]?\d*|UTC[+-]?\d*)?)?\s*$"
)
TITLE_LENGTH = 120


@dataclass(frozen=True)
class Found:
    """A value read from the text, with the line it came from and the text to remove, if any."""

    value: str
    index: int  # index into the body's lines
    removed_text: str = ""


def find_site_header(lines: list[Line], first: int) -> Found | None:
    """Return the site name of a "- Site Name" line opening the page, as copied from a browser."""
    match = _SITE_HEADER.match(lines[first].text.strip())
    return Found(match.group(1), first) if match else None


def find_source_prefix(line: Line, index: int) -> Found | None:
    """Return the agency name that opens ``line`` before a wide gap, e.g. "OREANDA-NEWS"."""
    match = _SOURCE_PREFIX.match(line.text)
    if match is None or sum(char.isalpha() for char in match.group("name")) < 2:
        return None
    return Found(match.group("name"), index, removed_text=match.group(0))


def find_headline(lines: list[Line], index: int, later: list[int]) -> bool:
    """Return True when line ``index`` is a headline: it reads as one and text follows it."""
    return bool(later) and is_headline_like(lines[index].text) and len(lines[index].text.split()) >= 2


def find_repeats(lines: list[Line], headline: int, candidates: list[int]) -> list[int]:
    """Return the lines among ``candidates`` that repeat the headline word for word."""
    wanted = normalized(lines[headline].text)
    return [index for index in candidates if normalized(lines[index].text) == wanted]


def find_date_line(text: str) -> datetime.date | None:
    """Return the date of a line that is only a publication date ("Published: 26 Aug 2019")."""
    match = _DATE_LINE.match(text.strip())
    if match is None:
        return None
    written = match.group("date")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", written):
        try:
            return datetime.date.fromisoformat(written)
        except ValueError:
            return None
    parsed = parse_written_date(written.replace(",", ""))
    if parsed is None or parsed[0] is None:
        return None
    return datetime.date(*parsed)


def find_dateline(text: str) -> tuple[Dateline, int] | None:
    """Return the dateline opening a paragraph, and where the paragraph's own text starts.

    A dateline is a place in capitals followed by a date, an agency or a dash. A place
    alone before a full stop is not one ("NATO. The alliance ..." opens a sentence).
    """
    match = _DATELINE.match(text)
    if match is None:
        return None
    agency = match.group("agency") or match.group("slash_agency")
    written = match.group("date")
    separator = match.group("separator").strip()
    if not written and not agency and separator in (".", ":"):
        return None
    year = month = day = None
    if written:
        parsed = parse_written_date(written.replace(",", " "))
        if parsed is None:
            return None
        year, month, day = parsed
    shown = text[: match.start("separator")].strip()
    dateline = Dateline(
        text=shown.rstrip("."), place=match.group("place").replace("\u00a0", " "),
        month=month, day=day, year=year, agency=agency.strip() if agency else None,
    )
    return dateline, match.end()


def title_from_sentence(text: str) -> str:
    """Return a title made from the first sentence of ``text``, cut to about TITLE_LENGTH.

    A long sentence is cut at its last clause break (comma, dash) that leaves a title of
    reasonable length, else at a word, and marked with an ellipsis.
    """
    sentence = first_sentence(text).strip()
    sentence = re.sub(r"[.…]+$", "", sentence).strip()
    if len(sentence) <= TITLE_LENGTH:
        return sentence
    head = sentence[: TITLE_LENGTH + 1]
    clause_breaks = [match.start() for match in re.finditer(r",\s|\s[–—-]\s|;\s", head)]
    clause_breaks = [position for position in clause_breaks if position >= 40]
    if clause_breaks:
        return sentence[: clause_breaks[-1]].rstrip() + "…"
    return head.rsplit(" ", 1)[0].rstrip(",;:–—- ") + "…"
