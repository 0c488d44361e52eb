"""Parse, format and group dates."""

from __future__ import annotations

import datetime
import re

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
# "Sept" is common in news copy; every other abbreviation is the first three letters.
_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS, 1)}
_MONTH_NUMBERS.update({name[:3].lower(): number for number, name in enumerate(MONTHS, 1)})
_MONTH_NUMBERS["sept"] = 9

MONTH_PATTERN = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_MONTH_DAY_YEAR = re.compile(rf"({MONTH_PATTERN})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_PATTERN})(?:,?\s+(\d{{4}}))?", re.IGNORECASE)


def parse_month(name: str) -> int | None:
    """Return the month number for an English month name or abbreviation, or None."""
    return _MONTH_NUMBERS.get(name.rstrip(".").lower())


def parse_iso_date(text: str) -> datetime.date:
    """Return the date of an ISO 8601 date or date-time string; raise ValueError otherwise.

    A date-time keeps its calendar date as written: the time zone is not applied, so the
    date a publisher printed is the date the digest shows, wherever the build runs.
    """
    match = _ISO.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
    year, month, day = (int(group) for group in match.groups())
    return datetime.date(year, month, day)  # raises ValueError for 2019-02-30


def parse_written_date(text: str) -> tuple[int | None, int, int] | None:
    """Return (year or None, month, day) for "November 25", "25 Nov 2015" or "Nov. 25, 2015".

    The whole of ``text`` must be the date. Impossible days give None.
    """
    text = text.strip()
    match = _MONTH_DAY_YEAR.fullmatch(text)
    if match:
        month_name, day, year = match.groups()
    else:
        match = _DAY_MONTH_YEAR.fullmatch(text)
        if match is None:
            return None
        day, month_name, year = match.groups()
    month = parse_month(month_name)
    if month is None:
        return None
    try:
        # A leap year, so that "February 29" without a year is still a real day.
        datetime.date(int(year) if year else 2000, month, int(day))
    except ValueError:
        return None
    return (int(year) if year else None, month, int(day))


def format_date(date: datetime.date) -> str:
    """Return a date as readers see it: "24 December 2018"."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def format_month(year: int, month: int) -> str:
    """Return "December 2018"."""
    return f"{MONTHS[month - 1]} {year}"


def format_month_day(month: int, day: int) -> str:
    """Return "25 November" for a dateline that gives no year."""
    return f"{day} {MONTHS[month - 1]}"
