"""Working days of the official Chinese calendar.

Weekends and public holidays are off; make-up workdays (调休) on a weekend are on. The
exceptions live in CalendarDay rows (seeded from the ``chinese-calendar`` package, extended by
staff), so a year the package does not know yet can be entered by hand. Each process keeps the
exceptions in memory and reloads them when the calendar's version in the cache changes, so a
deadline computation costs no query.

Later code calls ``add_workdays`` ("N working days after D"), ``workdays_between`` and
``explain_workdays`` (how a deadline was computed). Apps whose deadlines depend on the calendar
register a recompute callback with ``on_calendar_change``; a calendar edit runs them.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext as _

VERSION_KEY = "cppcc:calendar-version"
# A sanity bound: no deadline in this domain is longer than a few years of working days.
MAX_WORKDAYS = 2000

_lock = threading.Lock()
_loaded: dict = {"version": None}
_recomputers: list[Callable[[dt.date], int]] = []


@dataclass(frozen=True)
class CalendarSnapshot:
    holidays: dict[dt.date, str]
    workdays: dict[dt.date, str]
    known_years: frozenset[int]


def _current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add() so that concurrent first readers agree on one version
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY) or version
    return version


def bump_version() -> None:
    """Make every process reload the calendar on its next computation."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def snapshot() -> CalendarSnapshot:
    from .models import CalendarDay, CalendarYear

    version = _current_version()
    if _loaded["version"] != version:
        with _lock:
            if _loaded["version"] != version:
                holidays: dict[dt.date, str] = {}
                workdays: dict[dt.date, str] = {}
                for day in CalendarDay.objects.only("date", "kind", "name"):
                    target = holidays if day.kind == CalendarDay.Kind.HOLIDAY else workdays
                    target[day.date] = day.name
                years = frozenset(CalendarYear.objects.values_list("year", flat=True))
                _loaded["snapshot"] = CalendarSnapshot(holidays, workdays, years)
                _loaded["version"] = version
    return _loaded["snapshot"]


def is_workday(day: dt.date, cal: CalendarSnapshot | None = None) -> bool:
    cal = cal or snapshot()
    if day in cal.workdays:
        return True
    if day in cal.holidays:
        return False
    return day.weekday() < 5


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (``start`` itself not counted); n=0 gives ``start``."""
    return explain_workdays(start, n).due


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days d with start < d <= end (negative when end is before start), so that
    ``workdays_between(d, add_workdays(d, n)) == n``."""
    if end < start:
        return -workdays_between(end, start)
    cal = snapshot()
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day, cal):
            count += 1
    return count


@dataclass
class Explanation:
    """How a deadline was computed, for showing on an item."""

    start: dt.date
    workdays: int
    due: dt.date
    skipped: list[tuple[dt.date, str]] = field(default_factory=list)
    made_up: list[tuple[dt.date, str]] = field(default_factory=list)
    provisional_years: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "workdays": self.workdays,
            "due": self.due.isoformat(),
            "calendar_days": (self.due - self.start).days,
            "skipped": [{"date": d.isoformat(), "reason": r} for d, r in self.skipped],
            "made_up_workdays": [{"date": d.isoformat(), "name": r} for d, r in self.made_up],
            "provisional_years": self.provisional_years,
        }

    def summary(self) -> str:
        text = _(
            "%(n)d working days after %(start)s is %(due)s (%(days)d calendar days; "
            "%(off)d days off skipped, %(made)d make-up workdays counted)."
        ) % {
            "n": self.workdays,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "days": (self.due - self.start).days,
            "off": len(self.skipped),
            "made": len(self.made_up),
        }
        if self.provisional_years:
            text += " " + _(
                "The official holidays of %(years)s are not yet in the calendar; "
                "only weekends were skipped there."
            ) % {"years": ", ".join(str(y) for y in self.provisional_years)}
        return text


def explain_workdays(start: dt.date, n: int) -> Explanation:
    if n < 0:
        raise ValueError("n must not be negative")
    if n > MAX_WORKDAYS:
        raise ValueError(f"n must be at most {MAX_WORKDAYS}")
    cal = snapshot()
    result = Explanation(start=start, workdays=n, due=start)
    day, counted, years = start, 0, set()
    while counted < n:
        day += dt.timedelta(days=1)
        years.add(day.year)
        if day in cal.workdays:
            result.made_up.append((day, cal.workdays[day]))
            counted += 1
        elif day in cal.holidays:
            result.skipped.append((day, cal.holidays[day] or _("Public holiday")))
        elif day.weekday() >= 5:
            result.skipped.append((day, _("Weekend")))
        else:
            counted += 1
    result.due = day
    result.provisional_years = sorted(y for y in years if y not in cal.known_years)
    return result


def on_calendar_change(callback: Callable[[dt.date], int]) -> Callable[[dt.date], int]:
    """Register ``callback(from_date) -> number of items moved``; apps call this in ready().

    The platform knows nothing of the apps' items; the apps know how to recompute theirs.
    """
    if callback not in _recomputers:
        _recomputers.append(callback)
    return callback


def recompute_open_deadlines(from_date: dt.date) -> int:
    return sum(callback(from_date) for callback in list(_recomputers))
