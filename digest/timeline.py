"""Timeline geometry: dated articles on a time axis, one lane per topic, ready for inline SVG.

Pure arithmetic; the template only draws what this returns. The axis runs from 1 January
of the first year to 1 January after the last, so every year has the same width. To stay
readable from five articles to many thousands, marks are binned by the finest unit that
keeps the busiest lane uncluttered: one dot per day while few days have articles, then one
bar per month (its height is the number of articles), then one bar per year.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from . import urls
from .dates import format_date, format_month

DAY, MONTH, YEAR = "day", "month", "year"
EVERY_ARTICLE = "all"  # the kind of a lane that holds every article rather than a topic's
# The most dots a lane shows before they are binned by month: beyond it, dots crowd.
MAX_DAYS_PER_LANE = 60
# The narrowest month bar, in SVG units, before months give way to years.
MIN_MONTH_WIDTH = 4.0
# At most this many year labels; beyond it every second (third, ...) year is labelled.
MAX_YEAR_LABELS = 12

WIDTH = 720  # SVG units: the width of the main column; narrower screens scroll the chart sideways
LABEL_WIDTH = 124  # lane names, left of the plot
RIGHT_PAD = 12
TOP = 6
LANE_HEIGHT = 30
AXIS_HEIGHT = 26
DOT_RADIUS = 5.0
MAX_RADIUS = LANE_HEIGHT / 2 - 3
# The time axis stops short of the lane band's ends by the largest dot's radius, so that a
# dot on 1 January of the first year stays inside the band.
AXIS_INSET = MAX_RADIUS


@dataclass(frozen=True)
class TimelineEntry:
    """One dated article, and the lanes it shows in."""

    date: datetime.date
    lanes: tuple[str, ...]  # lane keys: "all", topic slugs
    title: str
    out_path: str


@dataclass(frozen=True)
class LaneSpec:
    key: str
    name: str
    out_path: str | None  # the page the lane's name links to
    kind: str  # EVERY_ARTICLE, "actor" or "place": the lane's colour


@dataclass(frozen=True)
class Scale:
    """The axis and the binning shared by every timeline of one site."""

    first_year: int
    last_year: int
    unit: str  # DAY, MONTH or YEAR

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.first_year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.last_year + 1, 1, 1)


@dataclass(frozen=True)
class Mark:
    """A dot (one day) or a bar (a month or a year) that links to what it stands for."""

    shape: str  # "dot" or "bar"
    x: float  # dot: centre; bar: left edge
    y: float  # dot: centre; bar: top edge
    width: float  # dot: diameter
    height: float
    count: int
    label: str  # the mark's accessible name and tooltip
    out_path: str  # the article when the mark stands for one, else the period's archive page

    @property
    def radius(self) -> float:
        return round(self.width / 2, 1)


@dataclass(frozen=True)
class Lane:
    name: str
    out_path: str | None
    kind: str
    y: float  # top edge
    height: float
    middle: float
    count: int  # articles in the lane
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Tick:
    x: float  # where the year starts
    label: str  # the year, or "" when this year goes unlabelled
    label_x: float  # the middle of the year


@dataclass(frozen=True)
class ArticleRef:
    title: str
    out_path: str
    lanes: tuple[str, ...]  # the names of the lanes it shows in


@dataclass(frozen=True)
class PeriodRow:
    """One period of the text alternative, the table under the chart."""

    label: str  # "24 December 2018", "March 2019", "2019"
    out_path: str  # the period's archive page
    counts: tuple[int, ...]  # articles per lane, in lane order
    articles: tuple[ArticleRef, ...]  # by day only: then the table lists each article


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    plot_left: float
    plot_right: float
    axis_y: float
    unit: str
    labelled: bool  # whether lane names are drawn left of the plot
    lanes: tuple[Lane, ...]
    ticks: tuple[Tick, ...]
    rows: tuple[PeriodRow, ...]  # oldest first
    summary: str  # one sentence that says what the chart shows

    @property
    def mark_count(self) -> int:
        return sum(len(lane.marks) for lane in self.lanes)

    @property
    def plot_width(self) -> float:
        return round(self.plot_right - self.plot_left, 1)


def choose_scale(entries: Iterable[TimelineEntry]) -> Scale | None:
    """Return the axis and binning for ``entries``, or None when none is dated."""
    entries = list(entries)
    if not entries:
        return None
    dates = [entry.date for entry in entries]
    first_year, last_year = min(dates).year, max(dates).year
    days: dict[str, set[datetime.date]] = {}
    for entry in entries:
        for lane in entry.lanes:
            if lane in days:
                days[lane].add(entry.date)
            else:
                days[lane] = {entry.date}
    busiest_days = max(map(len, days.values()), default=0)
    if busiest_days <= MAX_DAYS_PER_LANE:
        return Scale(first_year, last_year, DAY)
    months = (last_year - first_year + 1) * 12
    if (WIDTH - LABEL_WIDTH - RIGHT_PAD) / months >= MIN_MONTH_WIDTH:
        return Scale(first_year, last_year, MONTH)
    return Scale(first_year, last_year, YEAR)


# lane key -> start of a period -> the lane's entries in that period, oldest first
Bins = dict[str, dict[datetime.date, list[TimelineEntry]]]


def bin_entries(entries: list[TimelineEntry], keys: list[str], scale: Scale) -> Bins:
    """Return the entries (oldest first) of each lane of ``keys``, by period of ``scale``."""
    by_period: dict[datetime.date, list[TimelineEntry]] = {}
    periods: dict[datetime.date, datetime.date] = {}  # the period of each date, worked out once
    for entry in entries:
        if entry.date not in periods:
            periods[entry.date] = _period_start(entry.date, scale.unit)
        period = periods[entry.date]
        if period in by_period:
            by_period[period].append(entry)
        else:
            by_period[period] = [entry]
    bins: Bins = {key: {} for key in keys}
    for period, in_period in by_period.items():
        for key, found in bins.items():
            if in_lane := [entry for entry in in_period if key in entry.lanes]:
                found[period] = in_lane
    return bins


def draw_timeline(entries: Iterable[TimelineEntry], lanes: list[LaneSpec], scale: Scale, *,
                  show_labels: bool = True, bins: Bins | None = None) -> Timeline:
    """Return the geometry of ``entries`` in ``lanes`` on ``scale``.

    ``show_labels`` False leaves out the lane names, for a one-lane chart under a heading
    that already names it. ``bins``, from ``bin_entries`` for these lanes or more, with
    ``entries`` oldest first, saves binning them again: the charts of a site share them.
    """
    if bins is None:
        entries = sorted(entries, key=attrgetter("date", "out_path"))
        bins = bin_entries(entries, [lane.key for lane in lanes], scale)
    else:
        entries = list(entries)
        bins = {lane.key: bins[lane.key] for lane in lanes}
    left = float(LABEL_WIDTH if show_labels else RIGHT_PAD)
    right = float(WIDTH - RIGHT_PAD)
    span_days = (scale.end - scale.start).days

    def x_of(date: datetime.date) -> float:
        return left + AXIS_INSET + (date - scale.start).days / span_days * (right - left - 2 * AXIS_INSET)

    most = max((len(found) for periods in bins.values() for found in periods.values()), default=1)
    drawn = []
    for position, spec in enumerate(lanes):
        top = TOP + position * LANE_HEIGHT
        marks = tuple(
            _mark(spec, period, found, scale.unit, x_of, top, most)
            for period, found in sorted(bins[spec.key].items())
        )
        count = sum(len(found) for found in bins[spec.key].values())
        drawn.append(Lane(spec.name, spec.out_path, spec.kind, float(top), float(LANE_HEIGHT), top + LANE_HEIGHT / 2,
                          count, marks))
    axis_y = float(TOP + len(lanes) * LANE_HEIGHT)
    return Timeline(
        width=WIDTH,
        height=int(axis_y + AXIS_HEIGHT),
        plot_left=left,
        plot_right=right,
        axis_y=axis_y,
        unit=scale.unit,
        labelled=show_labels,
        lanes=tuple(drawn),
        ticks=_ticks(scale, x_of),
        rows=_rows(bins, lanes, scale.unit),
        summary=_summary(entries, scale.unit),
    )


def _period_start(date: datetime.date, unit: str) -> datetime.date:
    if unit == DAY:
        return date
    if unit == MONTH:
        return date.replace(day=1)
    return datetime.date(date.year, 1, 1)


def _period_end(start: datetime.date, unit: str) -> datetime.date:
    if unit == DAY:
        return start + datetime.timedelta(days=1)
    if unit == MONTH:
        return datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return datetime.date(start.year + 1, 1, 1)


def _period_label(start: datetime.date, unit: str) -> str:
    if unit == DAY:
        return format_date(start)
    if unit == MONTH:
        return format_month(start.year, start.month)
    return str(start.year)


def _period_path(start: datetime.date, unit: str) -> str:
    if unit == DAY:
        return urls.date_path(start)
    if unit == MONTH:
        return urls.month_path(start.year, start.month)
    return urls.year_path(start.year)


def _mark(spec: LaneSpec, period: datetime.date, found: list[TimelineEntry], unit: str, x_of, top: float,
          most: int) -> Mark:
    count = len(found)
    if count == 1:
        label, out_path = f"{found[0].title} ({format_date(found[0].date)})", found[0].out_path
    else:
        label = f"{spec.name}: {count} articles in {_period_label(period, unit)}"
        out_path = _period_path(period, unit)
        if unit == DAY:
            label = f"{spec.name}: {count} articles on {_period_label(period, unit)}"
    if unit == DAY:
        # Area, not radius, grows with the count, so that two articles do not look like four.
        radius = min(MAX_RADIUS, DOT_RADIUS * math.sqrt(count))
        centre = x_of(period) + (x_of(_period_end(period, unit)) - x_of(period)) / 2
        return Mark("dot", round(centre, 1), top + LANE_HEIGHT / 2, round(radius * 2, 1), round(radius * 2, 1),
                    count, label, out_path)
    x0, x1 = x_of(period), x_of(_period_end(period, unit))
    full = LANE_HEIGHT - 8
    height = max(3.0, full * count / most)
    width = max(1.0, x1 - x0 - 1)
    return Mark("bar", round(x0 + 0.5, 1), round(top + 4 + full - height, 1), round(width, 1), round(height, 1),
                count, label, out_path)


def _ticks(scale: Scale, x_of) -> tuple[Tick, ...]:
    years = list(range(scale.first_year, scale.last_year + 2))
    step = math.ceil((len(years) - 1) / MAX_YEAR_LABELS)
    ticks = []
    for year in years:
        start = x_of(datetime.date(year, 1, 1))
        labelled = year <= scale.last_year and (year - scale.first_year) % step == 0
        middle = (start + x_of(datetime.date(year + 1, 1, 1))) / 2 if year <= scale.last_year else start
        ticks.append(Tick(round(start, 1), str(year) if labelled else "", round(middle, 1)))
    return tuple(ticks)


def _rows(bins: dict[str, dict[datetime.date, list[TimelineEntry]]], lanes: list[LaneSpec],
          unit: str) -> tuple[PeriodRow, ...]:
    periods = sorted({period for found in bins.values() for period in found})
    names = {spec.key: spec.name for spec in lanes if spec.kind != EVERY_ARTICLE}
    rows = []
    for period in periods:
        counts = tuple(len(bins[spec.key].get(period, ())) for spec in lanes)
        articles: dict[str, TimelineEntry] = {}
        if unit == DAY:
            for spec in lanes:
                for entry in bins[spec.key].get(period, ()):
                    articles.setdefault(entry.out_path, entry)
        refs = tuple(ArticleRef(entry.title, entry.out_path, tuple(names[lane] for lane in entry.lanes if lane in names))
                     for entry in articles.values())
        rows.append(PeriodRow(_period_label(period, unit), _period_path(period, unit), counts, refs))
    return tuple(rows)


def _summary(entries: list[TimelineEntry], unit: str) -> str:
    if not entries:
        return "No dated articles."
    count = len(entries)
    span = f"from {format_date(entries[0].date)} to {format_date(entries[-1].date)}"
    if count == 1:
        return f"1 dated article, on {format_date(entries[0].date)}."
    how = {
        DAY: "one dot per day with articles, larger where a day has several",
        MONTH: "one bar per month, as tall as the month's number of articles",
        YEAR: "one bar per year, as tall as the year's number of articles",
    }[unit]
    return f"{count} dated articles {span}: {how}."
