"""Management commands: the calendar seed and the demo data, both safe to run again; and the
health endpoint the load balancer polls."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command

from cppcc_portal.core import workdays
from cppcc_portal.core.models import AuditEntry, CalendarDay, CalendarYear
from members.models import Committee, Member, User
from members.selectors import scope_for


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_calendar_loads_the_package_once(db):
    first = run("seed_calendar")
    days, years = CalendarDay.objects.count(), CalendarYear.objects.count()

    second = run("seed_calendar")

    assert first.startswith(f"Calendar: {days} days and {years} years loaded; {days} days covering ")
    assert first.strip().endswith("–2026 in total.")
    assert second.startswith("Calendar: 0 days and 0 years loaded;")
    assert (CalendarDay.objects.count(), CalendarYear.objects.count()) == (days, years)
    assert workdays.add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)


DEMO_ROLES = {
    "admin": ["superuser"],
    "staff": ["staff"],
    "county_staff": ["staff"],
    "leader": ["leader"],
    "member": ["member"],
    "liaison": ["liaison"],
    "liaison2": ["liaison"],
}


def test_demo_data_loads_through_the_services_and_a_second_run_changes_nothing(db, tmp_path):
    logins = tmp_path / "logins.txt"

    output = run("demo_data", "--quiet", "--logins-file", str(logins))

    assert output.startswith("Demo data ready in ")
    for username, roles in DEMO_ROLES.items():
        user = User.objects.get(username=username)
        assert user.check_password("demo12345"), username
        assert scope_for(user).roles == roles, username
    assert "  member        demo12345  member 杨明明 (濮阳市政协, 医药卫生界)" in logins.read_text(encoding="utf-8")
    # every member went through member_create, and every committee has its tree path
    assert Member.objects.count() == AuditEntry.objects.filter(action="member.create").count() == 330
    assert Committee.objects.filter(path="").exists() is False
    counts = (Member.objects.count(), User.objects.count(), AuditEntry.objects.count())

    again = run("demo_data", "--quiet")

    assert " 0 objects created" in again
    assert (Member.objects.count(), User.objects.count(), AuditEntry.objects.count()) == counts


def test_health_answers_without_login_or_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/api/v1/health/")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
