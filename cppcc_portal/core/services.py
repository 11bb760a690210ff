"""Services of the platform: the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit, workdays
from .models import CalendarDay, CalendarSource, CalendarYear

# The package names holidays in English; committees speak of them in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
MIN_YEAR, MAX_YEAR = 2000, 2100


def _after_calendar_change(from_date: dt.date) -> None:
    def run() -> None:
        workdays.bump_version()
        from .tasks import calendar_recompute

        try:
            calendar_recompute.delay(from_date=from_date.isoformat())
        except Exception:
            # Broker down: recompute in-process so open deadlines still move.
            workdays.recompute_open_deadlines(from_date)

    transaction.on_commit(run)


def calendar_seed_from_package(*, actor=None) -> int:
    """Load every year the ``chinese-calendar`` package knows. Days staff entered by hand win.

    Side effects: CalendarDay/CalendarYear rows, calendar version bump, deadline recompute.
    Returns the number of days created.
    """
    from chinese_calendar.constants import holidays, workdays as makeup

    existing = set(CalendarDay.objects.values_list("date", flat=True))
    rows = [
        CalendarDay(date=day, kind=CalendarDay.Kind.HOLIDAY,
                    name=HOLIDAY_NAMES.get(name, name), source=CalendarSource.PACKAGE)
        for day, name in holidays.items() if day not in existing
    ] + [
        CalendarDay(date=day, kind=CalendarDay.Kind.WORKDAY,
                    name=HOLIDAY_NAMES.get(name, name) + "调休", source=CalendarSource.PACKAGE)
        for day, name in makeup.items() if day not in existing
    ]
    years = {d.year for d in holidays} | {d.year for d in makeup}
    with transaction.atomic():
        CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
        known = set(CalendarYear.objects.values_list("year", flat=True))
        CalendarYear.objects.bulk_create(
            [CalendarYear(year=y, source=CalendarSource.PACKAGE) for y in sorted(years - known)],
            ignore_conflicts=True,
        )
        if rows:
            _after_calendar_change(min(r.date for r in rows))
    return len(rows)


def _check_date(date: dt.date) -> None:
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise ValidationError({"date": _("The date must be between %(a)d and %(b)d.") % {"a": MIN_YEAR, "b": MAX_YEAR}})


def calendar_day_set(*, actor, date: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Mark ``date`` as a public holiday or a make-up workday.

    Side effects: audit entry; calendar version bump and open-deadline recompute after commit.
    """
    _check_date(date)
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("Choose a public holiday or a make-up workday.")})
    name = (name or "").strip()
    if len(name) > 50:
        raise ValidationError({"name": _("The name may have at most 50 characters.")})
    if kind == CalendarDay.Kind.WORKDAY and date.weekday() < 5:
        raise ValidationError({"kind": _("%(date)s is a weekday; only a Saturday or Sunday can be a make-up workday.") % {"date": date.isoformat()}})
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        before = audit.snapshot(day, ["kind", "name"]) if day else {}
        if day is None:
            day = CalendarDay(date=date)
        day.kind, day.name, day.source = kind, name, CalendarSource.STAFF
        day.save()
        audit.record(actor=actor, action="calendar_day.set", target=day,
                     changes=audit.diff(before, audit.snapshot(day, ["kind", "name"])))
        _after_calendar_change(date)
    return day


def calendar_day_delete(*, actor, date: dt.date) -> None:
    """Make ``date`` an ordinary day again (a weekday works, a weekend is off)."""
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        if day is None:
            raise ValidationError({"date": _("%(date)s has no calendar entry.") % {"date": date.isoformat()}})
        audit.record(actor=actor, action="calendar_day.delete", target=day,
                     changes=audit.diff(audit.snapshot(day, ["kind", "name"]), {"kind": None, "name": None}))
        day.delete()
        _after_calendar_change(date)


def calendar_year_confirm(*, actor, year: int, note: str = "") -> CalendarYear:
    """Record that ``year``'s official arrangement has been entered in full, so deadlines in it
    are no longer marked provisional."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": _("The year must be between %(a)d and %(b)d.") % {"a": MIN_YEAR, "b": MAX_YEAR}})
    with transaction.atomic():
        entry, created = CalendarYear.objects.get_or_create(
            year=year, defaults={"source": CalendarSource.STAFF, "note": note[:255]}
        )
        if not created and note:
            entry.note = note[:255]
            entry.save(update_fields=["note", "updated_at"])
        audit.record(actor=actor, action="calendar_year.confirm", target=entry, note=note)
        _after_calendar_change(dt.date(year, 1, 1))
    return entry
