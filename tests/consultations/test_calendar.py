"""The calendar of sessions and task activities: the month page per role (only what each may
see, each event linking to its page), month navigation and malformed months, its query count,
and the secret iCalendar feed — no sign-in, parsed back with icalendar, exactly the owner's
visible events in its window, and a reset address making the old one a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from consultations.choices import ConsultationForm, SessionStatus
from consultations.ical import calendar_ics
from consultations.models import CalendarFeed
from consultations.services import consultations as cs, supervision as sv

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        c.force_login(user)
    return c


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def this_month(day: int, hour: int = 9) -> dt.datetime:
    """A moment of the current local month."""
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime(today.year, today.month, day, hour))


MONTH = f"{timezone.localdate():%Y-%m}"


def started_task(cw, *, partners=()):
    year = timezone.localdate().year
    task = sv.task_save(actor=cw.alice, committee=cw.a, category="research", title="普惠托育专题调研",
                        start_year=year, end_year=year + 1, partners=partners)
    sv.team_set(actor=cw.alice, task=task, lead=cw.bob_seat, members=[cw.cindy_seat])
    return sv.task_start(actor=cw.alice, task=task)


def activity(cw, task, starts_at, title="托育机构实地调研"):
    return sv.activity_save(actor=cw.bob, task=task, kind="visit", title=title, starts_at=starts_at,
                            ends_at=starts_at + dt.timedelta(hours=3), place="甲市妇幼保健院")


@pytest.fixture
def month(cw):
    """Events of this month: an announced session (members of A invited), one still being
    prepared (staff only), a counterpart session with 甲市教育局 (carol's department), a
    cancelled one, a task activity, and a session of committee B (ben invited)."""
    announced = cw.invited(cw.session(title="普惠托育专题协商会", starts_at=this_month(10)))
    planned = cw.session(title="筹备中的协商会", starts_at=this_month(12))
    counterpart = cs.consultation_announce(actor=cw.alice, consultation=cw.session(
        title="教育对口协商会", form=ConsultationForm.COUNTERPART, departments=[cw.dept_a], starts_at=this_month(14)))
    cancelled = cw.session(title="取消的协商会", starts_at=this_month(16))
    cs.consultation_cancel(actor=cw.alice, consultation=cancelled, reason="议题调整，另行安排")
    visit = activity(cw, started_task(cw), this_month(18, 14))
    kinds_b = {k.form: k for k in cs.consultation_kinds_install(actor=cw.root, committee=cw.b)}
    start = this_month(20)
    other = cs.consultation_save(actor=cw.root, committee=cw.b, kind=kinds_b["special"], title="乙市专题协商会",
                                 starts_at=start, ends_at=start + dt.timedelta(hours=2), place="乙市政协")
    cs.participants_invite(actor=cw.root, event=other, members=[cw.ben_seat])
    other = cs.consultation_announce(actor=cw.root, consultation=other)
    return {"announced": announced, "planned": planned, "counterpart": counterpart, "visit": visit, "other": other}


def shown(response) -> list[tuple[str, int]]:
    return sorted((e["kind"], e["id"]) for day in response.context["days"] for e in day["events"])


@pytest.mark.parametrize(("role", "visible"), [
    ("alice", ["announced", "planned", "counterpart", "visit"]),
    ("lily", ["announced", "counterpart", "visit"]),
    ("bob", ["announced", "counterpart", "visit"]),
    ("cindy", ["announced", "counterpart", "visit"]),
    ("carol", ["counterpart"]),
    ("ben", ["other"]),
    ("root", ["announced", "planned", "counterpart", "visit", "other"]),
    ("dave", []), ("eve", []),
])
def test_calendar_shows_each_role_what_it_may_see(cw, month, role, visible):
    response = client(getattr(cw, role)).get(f"/consultations/calendar/?month={MONTH}")
    assert response.status_code == 200
    kinds = {"visit": "activity"}
    assert shown(response) == sorted((kinds.get(v, "consultation"), month[v].pk) for v in visible)


def test_calendar_needs_login(cw):
    response = client().get("/consultations/calendar/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/consultations/calendar/")


def test_each_event_links_to_its_page_on_its_day(cw, month):
    response = client(cw.bob).get(f"/consultations/calendar/?month={MONTH}")
    content = response.content.decode()
    assert f'href="/consultations/{month["announced"].pk}/"' in content
    assert f'href="/consultations/tasks/activities/{month["visit"].pk}/"' in content
    cells = {cell["date"].day: [e["title"] for e in cell["events"]]
             for week in response.context["grid"] for cell in week if cell["in_month"]}
    assert (cells[10], cells[14], cells[18]) == (["普惠托育专题协商会"], ["教育对口协商会"], ["托育机构实地调研"])
    assert response.context["event_count"] == 3


def test_month_navigation(cw, month):
    today = timezone.localdate()
    previous = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    following = (today.replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    response = client(cw.bob).get(f"/consultations/calendar/?month={MONTH}")
    assert (response.context["previous_month"], response.context["next_month"]) == (
        f"{previous:%Y-%m}", f"{following:%Y-%m}")
    response = client(cw.bob).get(f"/consultations/calendar/?month={following:%Y-%m}")
    assert response.context["month"] == following
    assert [d for d in response.context["days"] if d["date"].month == following.month] == []
    assert client(cw.bob).get("/consultations/calendar/?month=2026-1").context["month"] == dt.date(2026, 1, 1)


@pytest.mark.parametrize("value", ["2026-13", "abc", "1999-05", "2026-00", "<script>", "2026-05-01", "9" * 200])
def test_a_malformed_month_shows_this_month(cw, value):
    response = client(cw.bob).get("/consultations/calendar/", {"month": value})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_a_multi_day_event_shows_on_each_of_its_days(cw):
    start = this_month(2)
    session = cs.consultation_save(actor=cw.alice, committee=cw.a, kind=cw.kinds_a["grassroots"],
                                   title="请你来协商·三日议事", starts_at=start, ends_at=start + dt.timedelta(days=2),
                                   place="东区社区中心")
    response = client(cw.alice).get(f"/consultations/calendar/?month={MONTH}")
    days = [d["date"].day for d in response.context["days"] if any(e["id"] == session.pk for e in d["events"])]
    assert days == [2, 3, 4]


def test_hostile_titles_are_escaped(cw):
    cw.session(title="<img src=x onerror=alert(1)>协商", starts_at=this_month(11))
    content = client(cw.alice).get(f"/consultations/calendar/?month={MONTH}").content.decode()
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;协商" in content


def _grow(cw, task, start: int, n: int) -> None:
    for i in range(start, start + n):
        day = 1 + i % 27
        cw.invited(cw.session(title=f"第{i}次专题协商会", starts_at=this_month(day)))
        activity(cw, task, this_month(day, 15), title=f"第{i}次实地调研")


def _measure(cw) -> dict[str, int]:
    result = {}
    for role in ("alice", "bob", "lily"):
        c = client(getattr(cw, role))
        c.get(f"/consultations/calendar/?month={MONTH}")
        with CaptureQueriesContext(connection) as queries:
            response = c.get(f"/consultations/calendar/?month={MONTH}")
        assert response.status_code == 200
        result[role] = len(queries.captured_queries)
    return result


def test_calendar_query_count_does_not_grow_from_1_to_10_events(cw):
    task = started_task(cw)
    _grow(cw, task, 0, 1)
    one = _measure(cw)
    _grow(cw, task, 1, 9)
    ten = _measure(cw)
    assert ten == one
    assert client(cw.bob).get(f"/consultations/calendar/?month={MONTH}").context["event_count"] == 20


# --- the subscription address and the feed --------------------------------------------------------------


def subscribe(user) -> str:
    response = client(user).post("/consultations/calendar/", {"action": "create", "month": MONTH})
    assert response.status_code == 302
    return CalendarFeed.objects.get(user=user).token


def feed_events(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_subscription_address_is_made_on_request(cw):
    c = client(cw.bob)
    page = c.get("/consultations/calendar/")
    assert (page.context["feed"], page.context["feed_url"]) == (None, "")
    assert CalendarFeed.objects.count() == 0
    response = c.post("/consultations/calendar/", {"action": "create", "month": MONTH})
    assert response["Location"] == f"/consultations/calendar/?month={MONTH}#subscribe"
    assert flashed(response) == ["Your subscription address is below."]
    token = CalendarFeed.objects.get(user=cw.bob).token
    page = c.get("/consultations/calendar/")
    assert page.context["feed_url"] == f"http://testserver/consultations/calendar/{token}.ics"
    assert page.context["webcal_url"] == f"webcal://testserver/consultations/calendar/{token}.ics"
    c.post("/consultations/calendar/", {"action": "create", "month": MONTH})
    assert list(CalendarFeed.objects.values_list("token", flat=True)) == [token]
    response = client(cw.bob).post("/consultations/calendar/", {"action": "delete"})
    assert flashed(response) == ["Unknown action."]


def test_the_feed_needs_no_login_and_holds_exactly_the_visible_events(cw, month):
    token = subscribe(cw.bob)
    response = client().get(f"/consultations/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = feed_events(response)
    assert sorted(events) == sorted([f"consultation-{month['announced'].pk}@testserver",
                                     f"consultation-{month['counterpart'].pk}@testserver",
                                     f"activity-{month['visit'].pk}@testserver"])
    session = events[f"consultation-{month['announced'].pk}@testserver"]
    assert (str(session["SUMMARY"]), str(session["LOCATION"]), str(session["STATUS"]), str(session["URL"])) == (
        "普惠托育专题协商会", "市政协三楼会议室", "CONFIRMED", f"http://testserver/consultations/{month['announced'].pk}/")
    assert session.decoded("DTSTART") == month["announced"].starts_at
    assert session.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert session.decoded("DTEND") == month["announced"].ends_at
    assert str(session["DESCRIPTION"]).splitlines() == [
        "专题协商 · 甲市政协", "Announced", f"http://testserver/consultations/{month['announced'].pk}/"]
    visit = events[f"activity-{month['visit'].pk}@testserver"]
    assert (str(visit["SUMMARY"]), str(visit["LOCATION"]), str(visit["STATUS"])) == (
        "托育机构实地调研", "甲市妇幼保健院", "CONFIRMED")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Meetings and activities of 王博"
    assert b"DTSTART:" in response.content and b"Z\r\n" in response.content


def test_staff_feed_marks_a_session_in_preparation_tentative(cw, month):
    events = feed_events(client().get(f"/consultations/calendar/{subscribe(cw.alice)}.ics"))
    assert str(events[f"consultation-{month['planned'].pk}@testserver"]["STATUS"]) == "TENTATIVE"
    assert f"consultation-{month['other'].pk}@testserver" not in events
    assert len(events) == 4


def test_the_feed_runs_from_60_days_back_to_a_year_ahead(cw):
    now = timezone.now()
    sessions = {}
    for label, days in (("too old", -61), ("old", -59), ("ahead", 364), ("too far", 366)):
        start = now + dt.timedelta(days=days)
        sessions[label] = cs.consultation_save(actor=cw.alice, committee=cw.a, kind=cw.kinds_a["special"],
                                               title=f"{label}协商会", starts_at=start,
                                               ends_at=start + dt.timedelta(hours=2), place="市政协")
    events = feed_events(client().get(f"/consultations/calendar/{subscribe(cw.alice)}.ics"))
    assert sorted(events) == sorted(f"consultation-{sessions[k].pk}@testserver" for k in ("old", "ahead"))


def test_a_reset_address_makes_the_old_one_a_404(cw, month):
    old = subscribe(cw.bob)
    response = client(cw.bob).post("/consultations/calendar/", {"action": "reset", "month": MONTH})
    assert flashed(response) == ["Your new subscription address is below; the old one no longer works."]
    new = CalendarFeed.objects.get(user=cw.bob).token
    assert new != old
    assert client().get(f"/consultations/calendar/{old}.ics").status_code == 404
    assert client().get(f"/consultations/calendar/{new}.ics").status_code == 200


@pytest.mark.parametrize("token", ["unknown", "x" * 65, "%3Cscript%3E", ""])
def test_an_unknown_token_is_a_404(cw, token):
    subscribe(cw.bob)
    assert client().get(f"/consultations/calendar/{token}.ics").status_code == 404


def test_the_feed_of_a_deactivated_login_is_a_404_and_answers_only_get(cw):
    token = subscribe(cw.bob)
    assert client().post(f"/consultations/calendar/{token}.ics").status_code == 405
    cw.bob.is_active = False
    cw.bob.save()
    assert client().get(f"/consultations/calendar/{token}.ics").status_code == 404


def test_a_cancelled_session_leaves_the_feed(cw):
    session = cw.invited(cw.session(title="普惠托育专题协商会", starts_at=this_month(10)))
    token = subscribe(cw.bob)
    assert len(feed_events(client().get(f"/consultations/calendar/{token}.ics"))) == 1
    cs.consultation_cancel(actor=cw.alice, consultation=session, reason="议题调整，另行安排")
    assert session.__class__.objects.get(pk=session.pk).status == SessionStatus.CANCELLED
    assert feed_events(client().get(f"/consultations/calendar/{token}.ics")) == {}


def test_calendar_ics_renders_each_field(cw):
    start = dt.datetime(2026, 3, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    events = [
        {"kind": "consultation", "id": 12, "title": "网络议政：营商环境", "starts_at": start,
         "ends_at": start + dt.timedelta(hours=2), "place": "", "is_online": True, "label": "网络议政·远程协商",
         "status": "Being prepared", "committee": "甲市政协", "url": "/consultations/12/"},
        {"kind": "activity", "id": 3, "title": "实地视察", "starts_at": start, "ends_at": start,
         "place": "", "is_online": False, "label": "Inspection (视察)", "status": "", "committee": "甲市政协",
         "url": "/consultations/tasks/activities/3/"},
    ]
    body = calendar_ics(events, name="甲市政协协商日程")
    calendar = Calendar.from_ical(body)
    first, second = calendar.walk("VEVENT")
    assert (str(calendar["VERSION"]), str(calendar["X-WR-CALNAME"])) == ("2.0", "甲市政协协商日程")
    assert (str(first["UID"]), str(first["LOCATION"]), str(first["STATUS"]), str(first["URL"])) == (
        "consultation-12@cppcc-portal", "Online", "TENTATIVE", "/consultations/12/")
    assert "DTSTART:20260305T013000Z" in body.decode()
    assert "DTEND:20260305T033000Z" in body.decode()
    assert (str(second["UID"]), "LOCATION" in second, str(second["STATUS"])) == (
        "activity-3@cppcc-portal", False, "CONFIRMED")
    assert str(second["DESCRIPTION"]).splitlines() == ["Inspection (视察) · 甲市政协", "/consultations/tasks/activities/3/"]
    host = Calendar.from_ical(calendar_ics(events[:1], name="x", host="zx.example.cn", base_url="https://zx.example.cn/"))
    assert (str(host.walk("VEVENT")[0]["UID"]), str(host.walk("VEVENT")[0]["URL"])) == (
        "consultation-12@zx.example.cn", "https://zx.example.cn/consultations/12/")
