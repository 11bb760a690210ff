"""The member studios' pages: the public list and studio page with the concern form (no
sign-in; junk, bursts and hostile input refused through the form with the service's message by
the field), the thank-you and public status pages (never a name or phone), and the studio
members' work — the studio page for those who run it (concerns, roster, activities), a
concern's handling, an activity's attendance and quarterly follow-up, and the list of
concerns — per role, with each step, bad input and the query counts of every list."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.choices import Attendance, ConcernConversion, ConcernStatus, StudioActivityKind
from consultations.models import Concern, DutyShift, StudioActivity
from consultations.services import consultations as cs, studios as ss
from consultations.studio_forms import FORM_SALT
from proposals.choices import CaseKind
from proposals.models import Assignment, Category
from proposals.services import handling
from tests.factories import StudioFactory

pytestmark = pytest.mark.django_db

TEXT = "小区门口路灯坏了一个多月，晚上老人出行很不安全。"
PHONE = "13912345678"


def client(user=None, **defaults) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en", **defaults)
    if user is not None:
        c.force_login(user)
    return c


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def token(studio, age: float = 30) -> str:
    """The signed timestamp the page hands out, ``age`` seconds ago."""
    return signing.dumps({"s": studio.pk, "t": time.time() - age}, salt=FORM_SALT, compress=True)


def form_data(studio, **change) -> dict:
    data = {"name": "李大爷", "phone": PHONE, "place": "幸福小区3号楼", "description": TEXT, "website": "",
            "issued": token(studio)}
    data.update(change)
    return data


def raise_concern(studio, n: int = 0, **fields) -> Concern:
    values = {"phone": PHONE, "name": "李大爷", "place": "幸福小区3号楼", "description": f"第{n}件：{TEXT}",
              "client": f"198.51.100.{n % 250}", "seconds_to_fill": 20}
    values.update(fields)
    return ss.concern_submit(studio=studio, **values)


def png(size=(4, 4)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def queries(c: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = c.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


# --- the public: the list of studios and a studio's page ---------------------------------------------


def test_the_list_of_studios_is_public_and_shows_the_active_ones(cw):
    StudioFactory(committee=cw.a, name="已停用工作室", sector=cw.sector_a, is_active=False)
    response = client().get("/studios/public/")
    assert response.status_code == 200
    assert [s.name for s in response.context["object_list"]] == ["医药卫生界委员工作室", "教育界委员工作室",
                                                                 "经济界委员工作室"]
    assert f'href="/studios/{cw.studio_a.pk}/public/"' in response.content.decode()
    assert "/manage/" not in response.content.decode()


def test_the_list_of_studios_links_a_runner_to_their_studios_work(cw):
    content = client(cw.bob).get("/studios/public/").content.decode()
    assert [s.name for s in client(cw.bob).get("/studios/public/").context["object_list"] if s.is_mine] == [
        "医药卫生界委员工作室"]
    assert f'href="/studios/{cw.studio_a.pk}/manage/"' in content
    assert f'href="/studios/{cw.studio_b.pk}/manage/"' not in content


def test_a_studios_public_page_needs_no_login_and_shows_this_weeks_duty(cw):
    studio = cw.studio_a
    studio.phone, studio.online_url, studio.description = "0371-66668888", "https://example.org/studio", "倾听群众心声"
    studio.save()
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    ss.shift_add(actor=cw.alice, studio=studio, member=cw.bob_seat, date=monday, period="morning")
    ss.shift_add(actor=cw.alice, studio=studio, member=cw.bob_seat, date=monday + dt.timedelta(days=14))
    response = client().get(f"/studios/{studio.pk}/public/")
    assert response.status_code == 200
    days = response.context["duty_days"]
    assert [(d["date"], [(s.member.name, s.period) for s in d["shifts"]]) for d in days] == [
        (monday, [("王博", "morning")])]
    content = response.content.decode()
    for text in ("医药卫生界委员工作室", "人民路1号", "0371-66668888", "https://example.org/studio", "倾听群众心声"):
        assert text in content
    assert 'name="website"' in content and 'name="issued"' in content
    assert 'enctype="multipart/form-data"' in content and "csrfmiddlewaretoken" in content
    assert "13900000001" not in content  # the member's own phone is not public


@pytest.mark.parametrize("state", ["inactive", "unknown"])
def test_an_inactive_or_unknown_studio_has_no_public_page(cw, state):
    pk = 999999
    if state == "inactive":
        pk = StudioFactory(committee=cw.a, name="已停用工作室", sector=cw.sector_a, is_active=False).pk
    assert client().get(f"/studios/{pk}/public/").status_code == 404
    assert client().post(f"/studios/{pk}/public/", form_data(cw.studio_a)).status_code == 404


# --- the public: raising a concern ------------------------------------------------------------------------


def test_a_concern_sent_from_the_public_page_gets_a_tracking_code(cw):
    studio = cw.studio_a
    c = client(REMOTE_ADDR="203.0.113.5")
    response = c.post(f"/studios/{studio.pk}/public/", form_data(studio))
    concern = Concern.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/studios/{studio.pk}/public/thanks/")
    assert (concern.studio, concern.name, concern.phone, concern.place, concern.description, concern.status,
            concern.client_hash) == (studio, "李大爷", PHONE, "幸福小区3号楼", TEXT, ConcernStatus.NEW,
                                     ss.client_hash("203.0.113.5"))
    thanks = c.get(response["Location"])
    assert thanks.status_code == 200
    assert thanks.context["code"] == concern.tracking_code
    content = thanks.content.decode()
    assert f'<p class="tracking-code" id="tracking-code">{concern.tracking_code}</p>' in content
    assert f'href="/studios/status/{concern.tracking_code}/"' in content
    assert (thanks["X-Robots-Tag"], thanks["Cache-Control"]) == ("noindex", "private, no-store")
    assert PHONE not in content and "李大爷" not in content


def test_the_thank_you_page_shows_nothing_to_someone_else(cw):
    raise_concern(cw.studio_a)
    response = client().get(f"/studios/{cw.studio_a.pk}/public/thanks/")
    assert (response.status_code, response["Location"]) == (302, f"/studios/{cw.studio_a.pk}/public/")


def test_the_client_is_the_remote_address_not_a_forwarded_header(cw):
    c = client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.9.9.9")
    c.post(f"/studios/{cw.studio_a.pk}/public/", form_data(cw.studio_a))
    assert Concern.objects.get().client_hash == ss.client_hash("203.0.113.5")


def test_a_concern_with_a_photo(cw):
    studio = cw.studio_a
    data = form_data(studio, photo=SimpleUploadedFile("路灯.png", png(), content_type="image/png"))
    response = client().post(f"/studios/{studio.pk}/public/", data)
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert (concern.photo_name, concern.photo.name.endswith(".png")) == ("路灯.png", True)

    photo = client(cw.bob).get(f"/studios/concerns/{concern.pk}/photo/")
    assert (photo.status_code, photo["Content-Type"], photo["X-Content-Type-Options"]) == (200, "image/png",
                                                                                            "nosniff")
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    for role in ("eve", "cindy", "carol", "dave"):
        assert client(getattr(cw, role)).get(f"/studios/concerns/{concern.pk}/photo/").status_code == 404, role
    anonymous = client().get(f"/studios/concerns/{concern.pk}/photo/")
    assert (anonymous.status_code, anonymous["Location"]) == (
        302, f"/accounts/login/?next=/studios/concerns/{concern.pk}/photo/")


def test_a_concern_without_a_photo_has_none_to_serve(cw):
    concern = raise_concern(cw.studio_a)
    assert client(cw.bob).get(f"/studios/concerns/{concern.pk}/photo/").status_code == 404


TOO_FAST = "The form was sent too quickly. Please try again."


@pytest.mark.parametrize(("change", "errors"), [
    ({"website": "http://spam.example"}, {"description": [TOO_FAST]}),
    ({"issued": "__fresh__"}, {"description": [TOO_FAST]}),
    ({"issued": ""}, {"description": [TOO_FAST]}),
    ({"issued": "forged:token"}, {"description": [TOO_FAST]}),
    ({"phone": "", "description": ""}, {
        "phone": ["Give a mobile number (11 digits) or a landline with its area code."],
        "description": ["Describe the concern in at least 10 characters."]}),
    ({"description": "   路灯坏了   "}, {"description": ["Describe the concern in at least 10 characters."]}),
    ({"phone": "12345"}, {"phone": ["Give a mobile number (11 digits) or a landline with its area code."]}),
    ({"description": "灯" * 2001}, {"description": ["At most 2000 characters."]}),
    ({"name": "名" * 31, "place": "地" * 101}, {"name": ["At most 30 characters."],
                                                 "place": ["At most 100 characters."]}),
    ({"photo": "pdf"}, {"photo": ["Attach a photo (JPEG or PNG)."]}),
    ({"photo": "script"}, {"photo": [
        "evil.png is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, Excel or PowerPoint "
        "document."]}),
])
def test_junk_is_refused_through_the_form_with_the_services_message(cw, change, errors):
    studio = cw.studio_a
    if change.get("issued") == "__fresh__":
        change["issued"] = token(studio, age=0.5)
    if change.get("photo") == "pdf":
        change["photo"] = SimpleUploadedFile("照片.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    elif change.get("photo") == "script":
        change["photo"] = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client().post(f"/studios/{studio.pk}/public/", form_data(studio, **change))
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert Concern.objects.count() == 0


def test_a_refused_form_keeps_its_time_so_a_quick_correction_is_not_too_fast(cw):
    studio = cw.studio_a
    issued = token(studio, age=30)
    response = client().post(f"/studios/{studio.pk}/public/", form_data(studio, phone="12345", issued=issued))
    assert f'value="{issued}"' in response.content.decode()
    forged = client().post(f"/studios/{studio.pk}/public/", form_data(studio, issued="forged"))
    assert forged.context["form"].data["issued"] != "forged"


def test_a_hostile_script_is_escaped_where_it_is_shown(cw):
    studio = cw.studio_a
    hostile = "<script>alert('x')</script>路灯坏了很久没人修理"
    refused = client().post(f"/studios/{studio.pk}/public/", form_data(studio, phone="bad", description=hostile,
                                                                name="<b>x</b>"))
    content = refused.content.decode()
    assert "<script>alert(" not in content and "&lt;script&gt;alert(" in content
    assert "<b>x</b>" not in content
    response = client().post(f"/studios/{studio.pk}/public/", form_data(studio, description=hostile, name="<b>x</b>"))
    concern = Concern.objects.get()
    assert (response.status_code, concern.description, concern.name) == (302, hostile, "<b>x</b>")
    detail = client(cw.bob).get(f"/studios/concerns/{concern.pk}/").content.decode()
    assert "<script>alert(" not in detail and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in detail
    assert "<b>x</b>" not in detail and "&lt;b&gt;x&lt;/b&gt;" in detail


def test_one_client_is_limited_to_five_concerns_an_hour(cw):
    studio = cw.studio_a
    c = client(REMOTE_ADDR="203.0.113.77")
    for n in range(ss.INTAKE_LIMIT):
        response = c.post(f"/studios/{studio.pk}/public/", form_data(studio, description=f"第{n}个问题：{TEXT}"))
        assert response.status_code == 302, n
    response = c.post(f"/studios/{studio.pk}/public/", form_data(studio, description=f"又一个问题：{TEXT}"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"description": [
        "Too many concerns from this device in an hour. Please try again later or call the studio."]}
    assert Concern.objects.count() == ss.INTAKE_LIMIT
    other = client(REMOTE_ADDR="203.0.113.78").post(f"/studios/{studio.pk}/public/",
                                                     form_data(studio, description=f"又一个问题：{TEXT}"))
    assert (other.status_code, Concern.objects.count()) == (302, ss.INTAKE_LIMIT + 1)


def test_the_same_concern_twice_is_refused(cw):
    studio = cw.studio_a
    assert client(REMOTE_ADDR="203.0.113.1").post(f"/studios/{studio.pk}/public/", form_data(studio)).status_code == 302
    response = client(REMOTE_ADDR="203.0.113.2").post(f"/studios/{studio.pk}/public/", form_data(studio))
    assert response.context["form"].errors == {"description": [
        "This concern was already received; its tracking code was shown when you sent it."]}
    assert Concern.objects.count() == 1


def test_the_concern_form_keeps_csrf_protection(cw):
    response = client(enforce_csrf_checks=True).post(f"/studios/{cw.studio_a.pk}/public/", form_data(cw.studio_a))
    assert response.status_code == 403
    assert Concern.objects.count() == 0


# --- the public: the status page -----------------------------------------------------------------------


def test_the_lookup_form_leads_to_the_status_page(cw):
    concern = raise_concern(cw.studio_a)
    c = client()
    page = c.get("/studios/status/")
    assert (page.status_code, page["X-Robots-Tag"]) == (200, "noindex")
    response = c.get("/studios/status/", {"code": f" {concern.tracking_code.lower()[:5]} {concern.tracking_code[5:]}"})
    assert (response.status_code, response["Location"]) == (302, f"/studios/status/{concern.tracking_code}/")


@pytest.mark.parametrize("code", ["ZZZZZZZZZZ", "<script>", "", "A" * 30])
def test_the_lookup_form_says_when_no_concern_has_the_code(cw, code):
    raise_concern(cw.studio_a)
    response = client().get("/studios/status/", {"code": code})
    assert response.status_code == 200
    expected = ["This field is required."] if not code else (
        ["Ensure this value has at most 20 characters (it has 30)."] if len(code) > 20
        else ["No concern has this tracking code. Check it and try again."])
    assert response.context["form"].errors == {"code": expected}
    assert "<script>" not in response.content.decode().split("</head>")[1]


def test_the_status_page_shows_progress_and_never_the_persons_data(cw):
    concern = raise_concern(cw.studio_a, name="李大爷", phone="13912345678", place="幸福小区3号楼")
    response = client().get(f"/studios/status/{concern.tracking_code}/")
    assert response.status_code == 200
    assert (response["X-Robots-Tag"], response["Cache-Control"]) == ("noindex", "private, no-store")
    content = response.content.decode()
    for private in ("13912345678", "李大爷", "幸福小区3号楼", TEXT):
        assert private not in content, private
    assert response.context["status"]["status"] == ConcernStatus.NEW
    assert '<span class="badge red" id="concern-state">Received</span>' in content
    assert "医药卫生界委员工作室" in content

    ss.concern_reply(actor=cw.bob, concern=concern, reply="已联系社区，路灯本周修复。")
    content = client().get(f"/studios/status/{concern.tracking_code.lower()}/").content.decode()
    assert "已联系社区，路灯本周修复。" in content
    assert '<span class="badge ok" id="concern-state">Answered</span>' in content
    assert "13912345678" not in content and "李大爷" not in content


def test_the_status_page_follows_the_concern_to_a_departments_reply(cw):
    concern = raise_concern(cw.studio_a)
    concern = ss.concern_convert(actor=cw.bob, concern=concern, to=ConcernConversion.MICRO_SUGGESTION,
                                 title="幸福小区门口路灯损坏亟待维修", category=cw.cat_city)
    content = client().get(f"/studios/status/{concern.tracking_code}/").content.decode()
    assert "took your concern up as a micro-suggestion." in content and "No department has replied yet." in content
    handling.case_route(actor=cw.alice, case=concern.converted_case, lead_department=cw.dept_a3)
    handling.assignment_reply(actor=cw.jack, assignment=Assignment.objects.get(case=concern.converted_case),
                              text="已安排维修队更换路灯，本周内完成。")
    response = client().get(f"/studios/status/{concern.tracking_code}/")
    assert [(r["department"], r["text"]) for r in response.context["status"]["replies"]] == [
        ("甲市住房和城乡建设局", "已安排维修队更换路灯，本周内完成。")]
    content = response.content.decode()
    assert "已安排维修队更换路灯，本周内完成。" in content and "13912345678" not in content


@pytest.mark.parametrize("code", ["ZZZZZZZZZZ", "<script>alert(1)", "a" * 200])
def test_an_unknown_code_is_a_404_page(cw, code):
    raise_concern(cw.studio_a)
    response = client().get(f"/studios/status/{code}/")
    assert response.status_code == 404
    assert response["X-Robots-Tag"] == "noindex"
    assert [t.name for t in response.templates][0] == "studios/concern_not_found.html"
    assert "<script>alert(1)" not in response.content.decode()


def test_the_not_found_page_speaks_chinese_to_a_chinese_browser(cw):
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/studios/status/ZZZZZZZZZZ/")
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in response.content.decode()


# --- the studio's runners: the studio's work page ------------------------------------------------------

RUNNERS = ("root", "alice", "fiona", "bob")
NOT_RUNNERS = ("lily", "cindy", "carol", "jack", "dave", "ada", "ben", "eve")


@pytest.mark.parametrize("role", RUNNERS + NOT_RUNNERS)
def test_the_studio_work_page_is_for_those_who_run_the_studio(cw, role):
    response = client(getattr(cw, role)).get(f"/studios/{cw.studio_a.pk}/manage/")
    assert response.status_code == (200 if role in RUNNERS else 404)


def test_the_studio_work_pages_need_a_login(cw):
    concern = raise_concern(cw.studio_a)
    for url in (f"/studios/{cw.studio_a.pk}/manage/", "/studios/concerns/", f"/studios/concerns/{concern.pk}/"):
        response = client().get(url)
        assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


def test_the_studio_lead_runs_the_studio_and_staff_below_reach_a_county_studio(cw):
    cw.studio_a1.lead_member = cw.ada_seat
    cw.studio_a1.save()
    assert client(cw.ada).get(f"/studios/{cw.studio_a1.pk}/manage/").status_code == 200
    assert client(cw.fiona).get(f"/studios/{cw.studio_a1.pk}/manage/").status_code == 200
    assert client(cw.alice).get(f"/studios/{cw.studio_a1.pk}/manage/").status_code == 404


def test_the_studio_work_page_lists_concerns_with_a_status_filter(cw):
    first = raise_concern(cw.studio_a, 1)
    second = raise_concern(cw.studio_a, 2)
    raise_concern(cw.studio_b, 3)
    ss.concern_reply(actor=cw.bob, concern=second, reply="已转交社区处理。")
    c = client(cw.bob)
    response = c.get(f"/studios/{cw.studio_a.pk}/manage/")
    assert [x.pk for x in response.context["concerns"]] == [second.pk, first.pk]
    assert [(s["value"], s["count"]) for s in response.context["statuses"]] == [
        ("new", 1), ("assigned", 0), ("replied", 1), ("converted", 0), ("closed", 0)]
    assert [x.pk for x in c.get(f"/studios/{cw.studio_a.pk}/manage/?status=new").context["concerns"]] == [first.pk]
    assert [x.pk for x in c.get(f"/studios/{cw.studio_a.pk}/manage/?status=bogus").context["concerns"]] == [
        second.pk, first.pk]
    content = response.content.decode()
    assert f'href="/studios/concerns/{first.pk}/"' in content
    assert PHONE not in content  # the list shows no contact details


def test_the_roster_shows_this_week_and_the_next_four(cw):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    for days in (0, 8, 34, 35):
        ss.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=monday + dt.timedelta(days=days))
    weeks = client(cw.bob).get(f"/studios/{cw.studio_a.pk}/manage/").context["weeks"]
    assert [(w["start"], [d["date"] for d in w["days"]]) for w in weeks] == [
        (monday, [monday]), (monday + dt.timedelta(days=7), [monday + dt.timedelta(days=8)]),
        (monday + dt.timedelta(days=14), []), (monday + dt.timedelta(days=21), []),
        (monday + dt.timedelta(days=28), [monday + dt.timedelta(days=34)])]


def shift_post(studio, **change) -> dict:
    data = {"action": "shift_add", "shift-member": studio.members.get().pk,
            "shift-date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "shift-period": "morning",
            "shift-note": "接待群众来访"}
    data.update(change)
    return data


def test_a_studio_member_adds_and_removes_a_shift(cw):
    c = client(cw.bob)
    url = f"/studios/{cw.studio_a.pk}/manage/"
    day = timezone.localdate() + dt.timedelta(days=3)
    response = c.post(url, shift_post(cw.studio_a))
    shift = DutyShift.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"{url}#roster")
    assert (shift.studio, shift.member, shift.date, shift.period, shift.note) == (
        cw.studio_a, cw.bob_seat, day, "morning", "接待群众来访")
    assert flashed(response) == [f"王博 is on duty on {day:%Y-%m-%d} (Morning)."]

    again = c.post(url, shift_post(cw.studio_a))
    assert again.status_code == 200
    assert again.context["shift_form"].errors == {"date": ["This member is already on duty then."]}

    removed = c.post(url, {"action": "shift_remove", "shift": shift.pk})
    assert removed.status_code == 302
    assert DutyShift.objects.count() == 0
    assert flashed(removed) == [f"王博 is no longer on duty on {day:%Y-%m-%d}."]


@pytest.mark.parametrize(("change", "errors"), [
    ({"shift-member": "cindy"}, {"member": ["Select a valid choice. That choice is not one of the available "
                                            "choices."]}),
    ({"shift-date": "2026-02-30"}, {"date": ["Enter a valid date."]}),
    ({"shift-date": "far"}, {"date": ["Give a day within a year from today."]}),
    ({"shift-period": "night"}, {"period": ["Select a valid choice. night is not one of the available choices."]}),
    ({"shift-note": "注" * 201}, {"note": ["Ensure this value has at most 200 characters (it has 201)."]}),
])
def test_a_shift_with_bad_input_is_refused(cw, change, errors):
    if change.get("shift-member") == "cindy":
        change["shift-member"] = cw.cindy_seat.pk
    if change.get("shift-date") == "far":
        change["shift-date"] = (timezone.localdate() + dt.timedelta(days=500)).isoformat()
    response = client(cw.bob).post(f"/studios/{cw.studio_a.pk}/manage/", shift_post(cw.studio_a, **change))
    assert response.status_code == 200
    assert response.context["shift_form"].errors == errors
    assert DutyShift.objects.count() == 0


def test_a_shift_of_another_studio_cannot_be_removed_here(cw):
    cw.studio_b.members.add(cw.ben_seat)
    other = ss.shift_add(actor=cw.ben, studio=cw.studio_b, member=cw.ben_seat, date=timezone.localdate())
    c = client(cw.bob)
    assert c.post(f"/studios/{cw.studio_a.pk}/manage/", {"action": "shift_remove", "shift": other.pk}).status_code \
        == 404
    assert c.post(f"/studios/{cw.studio_a.pk}/manage/", {"action": "shift_remove", "shift": "x"}).status_code == 404
    assert c.post(f"/studios/{cw.studio_b.pk}/manage/", {"action": "shift_remove", "shift": other.pk}).status_code \
        == 404
    assert DutyShift.objects.filter(pk=other.pk).exists()


def test_an_unknown_action_is_refused(cw):
    response = client(cw.bob).post(f"/studios/{cw.studio_a.pk}/manage/", {"action": "explode"})
    assert (response.status_code, flashed(response)) == (302, ["Unknown action."])


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def activity_post(**change) -> dict:
    start = timezone.now() + dt.timedelta(days=2)
    data = {"action": "activity", "activity-kind": "reception", "activity-title": "委员接待日",
            "activity-starts_at": local(start), "activity-ends_at": local(start + dt.timedelta(hours=2)),
            "activity-place": "工作室接待室", "activity-summary": "", "activity-quarter": ""}
    data.update(change)
    return data


def test_a_studio_member_records_an_activity_with_the_studios_members(cw):
    response = client(cw.bob).post(f"/studios/{cw.studio_a.pk}/manage/", activity_post())
    activity = StudioActivity.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/studios/activities/{activity.pk}/")
    assert (activity.studio, activity.kind, activity.title, activity.place, activity.quarter, activity.created_by) == (
        cw.studio_a, "reception", "委员接待日", "工作室接待室", "", cw.bob)
    assert [p.member for p in activity.participants.all()] == [cw.bob_seat]


@pytest.mark.parametrize(("change", "errors"), [
    ({"activity-kind": "follow_up", "activity-quarter": ""}, {"quarter": [
        "Give the quarter the meeting reviews, like 2026Q3."]}),
    ({"activity-kind": "follow_up", "activity-quarter": "Q3"}, {"quarter": [
        "Give the quarter the meeting reviews, like 2026Q3."]}),
    ({"activity-title": "接待"}, {"title": ["At least 4 characters."]}),
    ({"activity-kind": "party"}, {"kind": ["Select a valid choice. party is not one of the available choices."]}),
    ({"activity-ends_at": "2000-01-01T10:00"}, {"ends_at": ["The end must not be before the start."]}),
    ({"activity-starts_at": "tomorrow"}, {"starts_at": ["Enter a valid date/time."]}),
])
def test_an_activity_with_bad_input_is_refused(cw, change, errors):
    response = client(cw.bob).post(f"/studios/{cw.studio_a.pk}/manage/", activity_post(**change))
    assert response.status_code == 200
    assert response.context["activity_form"].errors == errors
    assert response.context["open_action"] == "activity"
    assert StudioActivity.objects.count() == 0


# --- one concern -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", RUNNERS + NOT_RUNNERS)
def test_a_concern_is_for_the_studios_runners(cw, role):
    concern = raise_concern(cw.studio_a)
    response = client(getattr(cw, role)).get(f"/studios/concerns/{concern.pk}/")
    assert response.status_code == (200 if role in RUNNERS else 404)


def test_the_concern_page_shows_the_text_contact_and_the_steps_a_member_may_take(cw):
    concern = raise_concern(cw.studio_a, name="李大爷", phone="13912345678")
    response = client(cw.bob).get(f"/studios/concerns/{concern.pk}/")
    content = response.content.decode()
    assert f"第0件：{TEXT}" in content and "13912345678" in content and "李大爷" in content
    assert sorted(response.context["forms"]) == ["assign", "close", "convert", "reply"]
    staff = client(cw.alice).get(f"/studios/concerns/{concern.pk}/")
    assert sorted(staff.context["forms"]) == ["assign", "close", "reply"]  # staff take nothing up in their name
    assert [row["action"] for row in response.context["timeline"]] == ["Concern received"]


def post_step(c, concern, action, **fields):
    return c.post(f"/studios/concerns/{concern.pk}/",
                  {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}})


def test_staff_assign_a_concern_to_a_studio_member(cw):
    concern = raise_concern(cw.studio_a)
    response = post_step(client(cw.alice), concern, "assign", member=cw.bob_seat.pk)
    concern.refresh_from_db()
    assert (response.status_code, concern.status, concern.assigned_to) == (302, ConcernStatus.ASSIGNED, cw.bob_seat)
    assert flashed(response) == ["The concern is given to 王博."]
    refused = post_step(client(cw.alice), concern, "assign", member=cw.cindy_seat.pk)
    assert refused.context["forms"]["assign"].errors == {"member": [
        "Select a valid choice. That choice is not one of the available choices."]}


def test_a_member_answers_the_person(cw):
    concern = raise_concern(cw.studio_a)
    c = client(cw.bob)
    empty = post_step(c, concern, "reply", reply="")
    assert empty.context["forms"]["reply"].errors == {"reply": ["This field is required."]}
    short = post_step(c, concern, "reply", reply="好的")
    assert short.context["forms"]["reply"].errors == {"reply": ["At least 4 characters."]}
    response = post_step(c, concern, "reply", reply="<b>已联系</b>社区，路灯本周修复。")
    concern.refresh_from_db()
    assert (response.status_code, concern.status, concern.reply, concern.replied_by) == (
        302, ConcernStatus.REPLIED, "<b>已联系</b>社区，路灯本周修复。", cw.bob)
    content = c.get(f"/studios/concerns/{concern.pk}/").content.decode()
    assert "&lt;b&gt;已联系&lt;/b&gt;社区" in content


def test_a_studio_member_takes_a_concern_up_as_a_micro_suggestion(cw):
    concern = raise_concern(cw.studio_a)
    c = client(cw.bob)
    response = post_step(c, concern, "convert", to="micro_suggestion", title="幸福小区门口路灯损坏亟待维修",
                         category=cw.cat_city.pk)
    concern.refresh_from_db()
    case = concern.converted_case
    assert (response.status_code, concern.status, concern.conversion, case.kind, case.title, case.submitter,
            case.category) == (302, ConcernStatus.CONVERTED, "micro_suggestion", CaseKind.MICRO_SUGGESTION,
                               "幸福小区门口路灯损坏亟待维修", cw.bob_seat, cw.cat_city)
    assert flashed(response) == ["The concern is taken up as A micro-suggestion in your name."]
    page = c.get(f"/studios/concerns/{concern.pk}/")
    assert page.context["became_url"] == f"/micro-suggestions/{case.pk}/"
    assert f'href="/micro-suggestions/{case.pk}/" id="became-link"' in page.content.decode()
    assert sorted(page.context["forms"]) == ["close", "reply"]


@pytest.mark.parametrize(("to", "url"), [("proposal", "/proposals/{pk}/"), ("information", "/information/{pk}/")])
def test_a_concern_becomes_a_proposal_draft_or_an_information_item(cw, to, url):
    concern = raise_concern(cw.studio_a)
    post_step(client(cw.bob), concern, "convert", to=to, title="关于加快老旧小区路灯改造的建议")
    concern.refresh_from_db()
    item = concern.converted_proposal if to == "proposal" else concern.converted_information
    assert (concern.status, concern.conversion, item.title) == (ConcernStatus.CONVERTED, to, "关于加快老旧小区路灯改造的建议")
    assert client(cw.bob).get(f"/studios/concerns/{concern.pk}/").context["became_url"] == url.format(pk=item.pk)


@pytest.mark.parametrize(("fields", "errors"), [
    ({"to": "micro_suggestion", "title": "路灯"}, {"title": ["At least 6 characters."]}),
    ({"to": "letter", "title": "幸福小区门口路灯损坏"}, {"to": [
        "Select a valid choice. letter is not one of the available choices."]}),
    ({"to": "micro_suggestion", "title": "幸福小区门口路灯损坏", "category": "other"}, {"category": [
        "Select a valid choice. That choice is not one of the available choices."]}),
])
def test_taking_a_concern_up_with_bad_input_is_refused(cw, fields, errors):
    if fields.get("category") == "other":
        fields["category"] = Category.objects.create(committee=cw.b, name="外事侨务", order=1).pk
    concern = raise_concern(cw.studio_a)
    response = post_step(client(cw.bob), concern, "convert", **fields)
    assert response.status_code == 200
    assert response.context["forms"]["convert"].errors == errors
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NEW


def test_only_a_member_of_the_studio_takes_a_concern_up(cw):
    concern = raise_concern(cw.studio_a)
    response = post_step(client(cw.alice), concern, "convert", to="micro_suggestion", title="幸福小区门口路灯损坏")
    assert (response.status_code, flashed(response)) == (302, [
        "A member of the studio takes a concern up in their own name."])
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NEW


def test_closing_a_concern_without_an_answer_needs_a_note(cw):
    concern = raise_concern(cw.studio_a)
    c = client(cw.bob)
    refused = post_step(c, concern, "close", note="")
    assert refused.context["forms"]["close"].errors == {"note": ["Say why it is closed without an answer."]}
    response = post_step(c, concern, "close", note="重复反映，已并入前一件。")
    concern.refresh_from_db()
    assert (response.status_code, concern.status, concern.close_note) == (302, ConcernStatus.CLOSED,
                                                                          "重复反映，已并入前一件。")
    page = c.get(f"/studios/concerns/{concern.pk}/")
    assert page.context["forms"] == {}
    late = post_step(c, concern, "reply", reply="已联系社区处理。")
    assert (late.status_code, flashed(late)) == (302, ["This concern is closed."])
    assert [row["action"] for row in page.context["timeline"]] == ["Closed", "Concern received"]


def test_an_unknown_concern_step_is_refused(cw):
    concern = raise_concern(cw.studio_a)
    response = client(cw.bob).post(f"/studios/concerns/{concern.pk}/", {"action": "delete"})
    assert (response.status_code, flashed(response)) == (302, ["Unknown action."])


def test_a_concern_of_another_studio_cannot_be_handled(cw):
    concern = raise_concern(cw.studio_b)
    response = post_step(client(cw.bob), concern, "reply", reply="已联系社区处理。")
    assert response.status_code == 404
    concern.refresh_from_db()
    assert (concern.status, concern.reply) == (ConcernStatus.NEW, "")


# --- the list of concerns ---------------------------------------------------------------------------------


@pytest.fixture
def spread(cw):
    """Concerns at studio A (bob's), the county studio A1 and committee B's studio."""
    return {"a": raise_concern(cw.studio_a, 1, place="幸福小区"),
            "a_2": raise_concern(cw.studio_a, 2, phone="13800001111", place="光明路"),
            "a1": raise_concern(cw.studio_a1, 3, place="东区菜市场"), "b": raise_concern(cw.studio_b, 4, place="乙市")}


@pytest.mark.parametrize(("role", "visible"), [
    ("root", ["a", "a_2", "a1", "b"]), ("alice", ["a", "a_2"]), ("fiona", ["a", "a_2", "a1"]), ("bob", ["a", "a_2"]),
    ("lily", []), ("cindy", []), ("carol", []), ("ada", []), ("dave", []), ("eve", []),
])
def test_the_concern_list_shows_each_role_the_studios_it_runs(cw, spread, role, visible):
    response = client(getattr(cw, role)).get("/studios/concerns/")
    assert response.status_code == 200
    assert sorted(c.pk for c in response.context["object_list"]) == sorted(spread[v].pk for v in visible)


def test_the_concern_list_filters(cw, spread):
    ss.concern_reply(actor=cw.bob, concern=spread["a_2"], reply="已转交社区处理。")
    c = client(cw.fiona)

    def pks(query):
        return sorted(x.pk for x in c.get(f"/studios/concerns/?{query}").context["object_list"])

    today = timezone.localdate()
    assert pks("status=replied") == [spread["a_2"].pk]
    assert pks(f"studio={cw.studio_a1.pk}") == [spread["a1"].pk]
    assert pks(f"studio={cw.studio_b.pk}") == sorted(x.pk for x in (spread["a"], spread["a_2"], spread["a1"]))
    assert pks(f"received_after={today + dt.timedelta(days=1)}") == []
    assert pks(f"received_after={today}&received_before={today}") == sorted(
        x.pk for x in (spread["a"], spread["a_2"], spread["a1"]))
    assert pks("q=幸福小区") == [spread["a"].pk]
    assert pks("q=13800001111") == [spread["a_2"].pk]
    assert pks(f"q={spread['a1'].tracking_code.lower()}") == [spread["a1"].pk]
    response = c.get(f"/studios/concerns/?studio={cw.studio_b.pk}")
    assert response.context["filter"].form.errors == {"studio": [
        "Select a valid choice. That choice is not one of the available choices."]}


def test_the_concern_list_escapes_hostile_text(cw):
    raise_concern(cw.studio_a, description="<script>alert(1)</script>路灯坏了很久没有人修理")
    content = client(cw.bob).get("/studios/concerns/").content.decode()
    assert "<script>alert(1)" not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# --- one studio activity ---------------------------------------------------------------------------------


def studio_activity(cw, *, kind=StudioActivityKind.RECEPTION, quarter="", start=None, actor=None):
    start = start or timezone.now() - dt.timedelta(minutes=30)
    return ss.studio_activity_save(actor=actor or cw.bob, studio=cw.studio_a, kind=kind, title="委员接待日活动",
                                   starts_at=start, ends_at=start + dt.timedelta(hours=2), place="工作室接待室",
                                   quarter=quarter)


@pytest.mark.parametrize(("role", "status"), [
    ("root", 200), ("alice", 200), ("fiona", 200), ("lily", 200), ("bob", 200), ("cindy", 200), ("carol", 404),
    ("ada", 404), ("dave", 404), ("ben", 404), ("eve", 404),
])
def test_a_studio_activity_is_seen_within_its_committee(cw, role, status):
    activity = studio_activity(cw)
    assert client(getattr(cw, role)).get(f"/studios/activities/{activity.pk}/").status_code == status


def test_staff_record_attendance_and_add_members(cw):
    activity = studio_activity(cw)
    [bob_place] = activity.participants.all()
    c = client(cw.alice)
    response = c.post(f"/studios/activities/{activity.pk}/", {
        "action": "attendance", "participant": bob_place.pk, f"att-{bob_place.pk}-attendance": "excused",
        f"att-{bob_place.pk}-note": ""})
    assert response.context["places"][0].form.errors == {"note": ["Give the reason for the excused absence."]}
    response = c.post(f"/studios/activities/{activity.pk}/", {
        "action": "attendance", "participant": bob_place.pk, f"att-{bob_place.pk}-attendance": "excused",
        f"att-{bob_place.pk}-note": "外出开会"})
    bob_place.refresh_from_db()
    assert (response.status_code, bob_place.attendance, bob_place.response_note) == (302, Attendance.EXCUSED,
                                                                                     "外出开会")
    assert flashed(response) == ["Attendance of 王博 is recorded."]


def test_staff_add_members_to_a_coming_activity(cw):
    activity = studio_activity(cw, start=timezone.now() + dt.timedelta(days=1))
    c = client(cw.alice)
    response = c.post(f"/studios/activities/{activity.pk}/", {"action": "invite", "invite-members": [cw.cindy_seat.pk]})
    assert (response.status_code, flashed(response)) == (302, ["The participants are added."])
    assert sorted(p.name for p in activity.participants.all()) == ["崔欣", "王博"]
    listed = c.get(f"/studios/activities/{activity.pk}/").context["invite_form"].fields["members"].queryset
    assert cw.cindy_seat not in listed and cw.bob_seat not in listed
    refused = c.post(f"/studios/activities/{activity.pk}/", {"action": "invite", "invite-members": [cw.ben_seat.pk]})
    assert refused.context["invite_form"].errors == {"members": [
        f"Select a valid choice. {cw.ben_seat.pk} is not one of the available choices."]}


def test_a_member_of_the_studio_signs_in_and_keeps_the_attendance(cw):
    activity = studio_activity(cw)
    [bob_place] = activity.participants.all()
    c = client(cw.bob)
    page = c.get(f"/studios/activities/{activity.pk}/")
    assert (page.context["is_staff"], page.context["invite_form"], page.context["can_run"]) == (False, None, True)
    response = c.post(f"/studios/activities/{activity.pk}/", {"action": "check_in", "participant": bob_place.pk})
    bob_place.refresh_from_db()
    assert (response.status_code, bob_place.attendance, bob_place.checked_in_at is not None) == (
        302, Attendance.PRESENT, True)
    assert flashed(response) == ["王博 is signed in."]
    c.get(response["Location"])  # the message is shown
    # the studio keeps its own activities' attendance (not only committee staff)
    recorded = c.post(f"/studios/activities/{activity.pk}/", {
        "action": "attendance", "participant": bob_place.pk, f"att-{bob_place.pk}-attendance": "absent",
        f"att-{bob_place.pk}-note": ""})
    assert flashed(recorded) == ["Attendance of 王博 is recorded."]
    bob_place.refresh_from_db()
    assert bob_place.attendance == Attendance.ABSENT


def test_a_participant_of_another_activity_is_not_found_here(cw):
    activity, other = studio_activity(cw), studio_activity(cw)
    [place] = other.participants.all()
    c = client(cw.alice)
    assert c.post(f"/studios/activities/{activity.pk}/", {"action": "check_in", "participant": place.pk}) \
        .status_code == 404
    assert c.post(f"/studios/activities/{activity.pk}/", {"action": "remove", "participant": "x"}).status_code == 404


def test_a_studio_member_changes_the_activity(cw):
    activity = studio_activity(cw)
    start = timezone.localtime(activity.starts_at)
    response = client(cw.bob).post(f"/studios/activities/{activity.pk}/", {
        "action": "edit", "edit-kind": "visit", "edit-title": "走访幸福小区", "edit-starts_at": local(start),
        "edit-ends_at": local(start + dt.timedelta(hours=1)), "edit-place": "幸福小区",
        "edit-summary": "走访了解路灯问题。", "edit-quarter": ""})
    activity.refresh_from_db()
    assert (response.status_code, activity.kind, activity.title, activity.summary) == (
        302, "visit", "走访幸福小区", "走访了解路灯问题。")
    assert client(cw.cindy).get(f"/studios/activities/{activity.pk}/").context["edit_form"] is None


def this_quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def test_a_follow_up_meeting_lists_the_quarters_concerns_and_how_each_stands(cw):
    taken = raise_concern(cw.studio_a, 1)
    taken = ss.concern_convert(actor=cw.bob, concern=taken, to=ConcernConversion.MICRO_SUGGESTION,
                               title="幸福小区门口路灯损坏亟待维修", category=cw.cat_city)
    answered = raise_concern(cw.studio_a, 2)
    ss.concern_reply(actor=cw.bob, concern=answered, reply="已转交社区处理。")
    raise_concern(cw.studio_b, 3)
    meeting = studio_activity(cw, kind=StudioActivityKind.FOLLOW_UP, quarter=this_quarter())
    response = client(cw.bob).get(f"/studios/activities/{meeting.pk}/")
    rows = response.context["quarter_concerns"]
    assert [(c.pk, c.status, c.became_url, c.became_state) for c in rows] == [
        (taken.pk, "converted", f"/micro-suggestions/{taken.converted_case_id}/",
         taken.converted_case.get_status_display()),
        (answered.pk, "replied", "", "")]
    assert f'href="/micro-suggestions/{taken.converted_case_id}/"' in response.content.decode()
    assert client(cw.cindy).get(f"/studios/activities/{meeting.pk}/").context["quarter_concerns"] is None
    reception = studio_activity(cw)
    assert client(cw.bob).get(f"/studios/activities/{reception.pk}/").context["quarter_concerns"] is None


# --- query counts: every list costs the same with 1 row as with 10 ---------------------------------------


def _grow(cw, start: int, n: int, meeting) -> None:
    from members import services as directory

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    for i in range(start, start + n):
        seat = directory.member_create(actor=cw.alice, committee=cw.a, term=cw.term_a, sector=cw.sector_a,
                                       name=f"委员{i:02d}", phone=f"1380000{i:04d}", username=f"m{i:02d}")
        cw.studio_a.members.add(seat)
        ss.shift_add(actor=cw.alice, studio=cw.studio_a, member=seat, date=monday + dt.timedelta(days=i % 7))
        concern = raise_concern(cw.studio_a, i)
        ss.concern_assign(actor=cw.alice, concern=concern, member=seat)
        if i % 2:
            ss.concern_convert(actor=cw.bob, concern=concern, to=ConcernConversion.MICRO_SUGGESTION,
                               title=f"第{i}件群众反映的路灯问题", category=cw.cat_city)
        studio_activity(cw, actor=cw.alice)
        cs.participants_invite(actor=cw.alice, event=meeting, members=[seat])
        StudioFactory(committee=cw.a, name=f"第{i}委员工作室", sector=cw.sector_a)


def _measure(cw, meeting) -> dict[str, int]:
    pages = {
        "studio index (public)": (None, "/studios/public/"),
        "studio index (runner)": ("bob", "/studios/public/"),
        "studio page (public)": (None, f"/studios/{cw.studio_a.pk}/public/"),
        "studio work": ("bob", f"/studios/{cw.studio_a.pk}/manage/"),
        "studio work (staff)": ("alice", f"/studios/{cw.studio_a.pk}/manage/"),
        "concerns (member)": ("bob", "/studios/concerns/"),
        "concerns (staff)": ("fiona", "/studios/concerns/"),
        "follow-up meeting (staff)": ("alice", f"/studios/activities/{meeting.pk}/"),
        "follow-up meeting (member)": ("bob", f"/studios/activities/{meeting.pk}/"),
    }
    result = {}
    for name, (role, url) in pages.items():
        c = client(getattr(cw, role) if role else None)
        c.get(url)
        result[name] = queries(c, url)
    return result


def test_the_studio_pages_cost_the_same_queries_with_1_and_10_rows(cw):
    meeting = studio_activity(cw, kind=StudioActivityKind.FOLLOW_UP, quarter=this_quarter(), actor=cw.alice,
                              start=timezone.now() + dt.timedelta(days=1))
    _grow(cw, 0, 1, meeting)
    one = _measure(cw, meeting)
    _grow(cw, 1, 9, meeting)
    ten = _measure(cw, meeting)
    assert ten == one
    page = client(cw.alice).get(f"/studios/activities/{meeting.pk}/")
    assert (len(page.context["places"]), len(page.context["quarter_concerns"])) == (11, 10)
    assert len(client(cw.bob).get("/studios/concerns/").context["object_list"]) == 10
    assert sum(len(d["shifts"]) for d in client().get(f"/studios/{cw.studio_a.pk}/public/").context["duty_days"]) \
        == 10


def test_the_studio_work_page_pages_its_concerns_keeping_the_filter(cw):
    concerns = [raise_concern(cw.studio_a, n) for n in range(21)]
    c = client(cw.bob)
    first = c.get(f"/studios/{cw.studio_a.pk}/manage/?status=new")
    assert len(first.context["concerns"]) == 20
    assert 'href="?status=new&amp;page=2#concerns"' in first.content.decode()
    second = c.get(f"/studios/{cw.studio_a.pk}/manage/?status=new&page=2")
    assert [x.pk for x in second.context["concerns"]] == [concerns[0].pk]


def test_an_oversized_photo_is_refused_by_the_field(cw, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    studio = cw.studio_a
    big = SimpleUploadedFile("大图.png", png(size=(400, 400)) + b"\0" * 2048, content_type="image/png")
    response = client().post(f"/studios/{studio.pk}/public/", form_data(studio, photo=big))
    assert response.status_code == 200
    assert response.context["form"].errors == {"photo": ["大图.png is larger than 0 MB."]}
    assert Concern.objects.count() == 0
