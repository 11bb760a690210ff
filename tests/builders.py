"""Rows in bulk for query-count tests: ``BUILDERS[kind](committee, term, n)`` adds n rows of
that kind to committee C, each with the related rows its list shows (liaisons of a
department, members of a studio, special committees of a member)."""

from __future__ import annotations

import datetime as dt

from cppcc_portal.core import notifications
from cppcc_portal.core.models import CalendarDay, CalendarYear
from tests.factories import (
    CommitteeFactory,
    CommitteeRoleFactory,
    DepartmentFactory,
    LiaisonFactory,
    MemberFactory,
    SectorFactory,
    SessionFactory,
    SpecialCommitteeFactory,
    StudioFactory,
    TermFactory,
)


def _members(committee, term, n):
    specials = list(committee.special_committees.all()[:2]) or [
        SpecialCommitteeFactory(committee=committee) for _ in range(2)]
    for _ in range(n):
        member = MemberFactory(committee=committee, term=term, sector=SectorFactory(committee=committee))
        member.special_committees.set(specials)


def _studios(committee, term, n):
    for _ in range(n):
        lead = MemberFactory(committee=committee, term=term)
        StudioFactory(committee=committee, lead_member=lead, members=[lead])


def _departments(committee, term, n):
    for _ in range(n):
        LiaisonFactory(department=DepartmentFactory(committee=committee))


def _sessions(committee, term, n):
    for _ in range(n):
        SessionFactory(term=term)


def _notifications(committee, term, n):
    sam = committee.roles.get(user__username="sam").user
    for i in range(n):
        notifications.notify(recipients=[sam], title=f"通知{i}", url="/members/")


def _calendar_days(committee, term, n):
    start = CalendarDay.objects.count()
    for i in range(start, start + n):
        CalendarDay.objects.create(date=dt.date(2026, 3, 2) + dt.timedelta(days=i), kind="holiday", name=f"假日{i}",
                                   source="staff")


def _calendar_years(committee, term, n):
    start = CalendarYear.objects.count()
    for i in range(start, start + n):
        CalendarYear.objects.create(year=2030 + i, source="staff")


BUILDERS = {
    "committees": lambda c, t, n: [CommitteeFactory(parent=c, level="county") for _ in range(n)],
    "terms": lambda c, t, n: [TermFactory(committee=c) for _ in range(n)],
    "sessions": _sessions,
    "sectors": lambda c, t, n: [SectorFactory(committee=c) for _ in range(n)],
    "special-committees": lambda c, t, n: [SpecialCommitteeFactory(committee=c) for _ in range(n)],
    "members": _members,
    "departments": _departments,
    "liaisons": _departments,
    "studios": _studios,
    "committee-roles": lambda c, t, n: [CommitteeRoleFactory(committee=c) for _ in range(n)],
    "notifications": _notifications,
    "calendar/days": _calendar_days,
    "calendar/years": _calendar_years,
}
