"""The member studios' API (委员工作室) under /api/v1/ × every role.

- the public face works without an account, is throttled per client, refuses junk with a
  clear message by the field (the sixth concern of a client in an hour too), and never shows
  anyone's name or phone;
- the roster, the concerns and the activities: a list holds exactly what the role may see,
  an object outside it is 404, a role that sees it but may not act gets 403 with the
  service's message, bad input is 400 {detail, errors}, a step the state forbids is 409;
- every list costs the same number of queries for 1 row as for 10.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image
from rest_framework.throttling import AnonRateThrottle

from consultations.choices import Attendance, ConcernConversion, ConcernStatus, StudioActivityKind
from consultations.models import Concern, DutyShift, Participant, StudioActivity
from consultations.services import studios
from tests.consultations.test_api import API, HOSTILE, INVALID, client, malformed, rows
from tests.factories import MemberFactory, StudioFactory

pytestmark = pytest.mark.django_db

ROLES = ("root", "alice", "fiona", "lily", "bob", "cindy", "carol", "dave", "eve", None)
PHONE, NAME, PLACE = "13912345678", "李大爷", "幸福小区3号楼"
TEXT = "小区门口路灯坏了一个多月，晚上老人出行很不安全。"
RUNS = "Only the studio's members and committee staff may do this."
TOO_MANY = "Too many concerns from this device in an hour. Please try again later or call the studio."


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def raise_concern(w, *, description=TEXT, client_address="203.0.113.9", studio=None, **fields) -> Concern:
    return studios.concern_submit(studio=studio or w.studio_a, phone=fields.pop("phone", PHONE), name=NAME,
                                  place=PLACE, description=description, client=client_address, **fields)


def expected_status_url(code: str) -> str:
    try:
        path = reverse("concern_status", kwargs={"code": code})
    except NoReverseMatch:
        path = reverse("public-concern-detail", kwargs={"code": code})
    return f"http://testserver{path}"


def names(response) -> list:
    return [row["name"] for row in rows(response)]


def post_concern(data, *, address="198.51.100.7", studio_id=None, w=None, fmt="json", user=None):
    url = f"{API}/public/studios/{studio_id or w.studio_a.pk}/concerns/"
    return client(w, user).post(url, data, format=fmt, REMOTE_ADDR=address)


# --- the public face -------------------------------------------------------------------------------


def test_public_studios_need_no_login_and_show_this_weeks_duty_only(cw):
    today = timezone.localdate()
    studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=today, period="morning")
    studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=today + dt.timedelta(days=14))
    StudioFactory(committee=cw.a, name="已停用工作室", sector=cw.sector_a, is_active=False)
    anonymous = client(cw, None)

    listed = anonymous.get(f"{API}/public/studios/")
    detail = anonymous.get(f"{API}/public/studios/{cw.studio_a.pk}/")

    assert listed.status_code == 200
    assert sorted(names(listed)) == sorted(["医药卫生界委员工作室", "教育界委员工作室", "经济界委员工作室"])
    body = detail.json()
    assert set(body) == {"id", "name", "committee", "sector", "lead_member", "address", "phone", "online_url",
                         "description", "on_duty"}
    assert (body["name"], body["committee"], body["sector"], body["lead_member"]) == (
        "医药卫生界委员工作室", "甲市政协", "医药卫生界", "")
    assert body["on_duty"] == [{"date": today.isoformat(), "period": "morning", "period_display": "Morning",
                                "member": "王博"}]
    assert cw.bob_seat.phone not in detail.content.decode() + listed.content.decode()


def test_public_studio_inactive_or_unknown_is_404(cw):
    retired = StudioFactory(committee=cw.a, name="已停用工作室", sector=cw.sector_a, is_active=False)
    anonymous = client(cw, None)

    assert anonymous.get(f"{API}/public/studios/{retired.pk}/").status_code == 404
    assert anonymous.get(f"{API}/public/studios/999999/").status_code == 404
    assert post_concern({"phone": PHONE, "description": TEXT}, studio_id=retired.pk, w=cw).status_code == 404


def test_anonymous_intake_answers_201_with_code_only_then_refuses_the_sixth(cw):
    answers = [post_concern({"phone": PHONE, "description": f"第{n}个问题：{TEXT}", "name": NAME, "place": PLACE},
                            w=cw) for n in range(studios.INTAKE_LIMIT)]

    assert [a.status_code for a in answers] == [201] * studios.INTAKE_LIMIT
    first = answers[0].json()
    assert set(first) == {"tracking_code", "status_url"}
    assert first["status_url"] == expected_status_url(first["tracking_code"])
    concern = Concern.objects.get(tracking_code=first["tracking_code"])
    assert (concern.studio, concern.name, concern.phone, concern.place, concern.status) == (
        cw.studio_a, NAME, PHONE, PLACE, ConcernStatus.NEW)

    sixth = post_concern({"phone": PHONE, "description": f"又一个问题：{TEXT}"}, w=cw)
    other_client = post_concern({"phone": PHONE, "description": f"又一个问题：{TEXT}"}, w=cw, address="192.0.2.1")

    assert sixth.status_code == 400
    assert sixth.json() == {"detail": INVALID, "errors": {"description": [TOO_MANY]}}
    assert other_client.status_code == 201
    assert Concern.objects.count() == studios.INTAKE_LIMIT + 1


def test_intake_works_for_a_signed_in_visitor_too_without_csrf(cw):
    response = post_concern({"phone": PHONE, "description": TEXT}, w=cw, user="eve")

    assert response.status_code == 201


@pytest.mark.parametrize(("data", "errors"), [
    ({"phone": "", "description": ""}, {"phone": ["Give a mobile number (11 digits) or a landline with its area code."],
                                        "description": ["Describe the concern in at least 10 characters."]}),
    ({"phone": PHONE, "description": "太短了"}, {"description": ["Describe the concern in at least 10 characters."]}),
    ({"phone": PHONE, "description": "路" * 2001}, {"description": ["At most 2000 characters."]}),
    ({"phone": PHONE, "description": TEXT, "name": "名" * 31}, {"name": ["At most 30 characters."]}),
    ({"phone": PHONE, "description": TEXT, "place": "地" * 101}, {"place": ["At most 100 characters."]}),
    ({"phone": "12345", "description": TEXT}, {"phone": ["Give a mobile number (11 digits) or a landline with its "
                                                         "area code."]}),
    ({"phone": PHONE, "description": TEXT, "website": "http://spam.example"},
     {"description": ["The form was sent too quickly. Please try again."]}),
    ({"phone": PHONE, "description": ["a list"]}, {"description": ["Not a valid string."]}),
    ({"description": TEXT}, {"phone": ["This field is required."]}),
])
def test_intake_refuses_junk_with_a_message_by_the_field(cw, data, errors):
    response = post_concern(data, w=cw)

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID, "errors": errors}
    assert Concern.objects.count() == 0


def test_intake_refuses_malformed_json_and_the_same_concern_twice(cw):
    api = client(cw, None)

    bad = malformed(api, f"{API}/public/studios/{cw.studio_a.pk}/concerns/")
    first = post_concern({"phone": PHONE, "description": TEXT}, w=cw)
    again = post_concern({"phone": PHONE, "description": TEXT}, w=cw, address="192.0.2.50")

    assert bad.status_code == 400
    assert (first.status_code, again.status_code) == (201, 400)
    assert again.json()["errors"] == {"description": ["This concern was already received; its tracking code was "
                                                      "shown when you sent it."]}


def test_intake_takes_a_photo_and_refuses_other_files(cw):
    ok = post_concern({"phone": PHONE, "description": TEXT, "photo": png()}, w=cw, fmt="multipart")
    script = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    bad = post_concern({"phone": PHONE, "description": f"另一件事：{TEXT}", "photo": script}, w=cw, fmt="multipart")

    assert ok.status_code == 201
    concern = Concern.objects.get(tracking_code=ok.json()["tracking_code"])
    assert (bool(concern.photo), concern.photo_name) == (True, "photo.png")
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["photo"]


def test_hostile_text_is_kept_verbatim_as_json_text(cw):
    response = post_concern({"phone": PHONE, "description": f"{HOSTILE}{TEXT}", "name": HOSTILE[:30]}, w=cw)

    assert response.status_code == 201
    concern = Concern.objects.get()
    detail = client(cw, "alice").get(f"{API}/concerns/{concern.pk}/")
    assert detail["Content-Type"] == "application/json"
    assert detail.json()["description"] == f"{HOSTILE}{TEXT}"


def test_public_status_by_code_never_shows_name_phone_or_place(cw):
    concern = raise_concern(cw)
    studios.concern_reply(actor=cw.bob, concern=concern, reply="已联系路灯所，本周修复。")
    anonymous = client(cw, None)

    response = anonymous.get(f"{API}/public/concerns/{concern.tracking_code.lower()}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["studio"], body["status"], body["status_label"], body["reply"]) == (
        concern.tracking_code, "医药卫生界委员工作室", "replied", "Answered", "已联系路灯所，本周修复。")
    assert (body["conversion"], body["handling"], body["replies"]) == ("", None, [])
    text = response.content.decode()
    assert [secret for secret in (PHONE, NAME, PLACE, TEXT) if secret in text] == []
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("code", ["ZZZZZZZZZZ", "<script>", "a" * 40, "%20"])
def test_public_status_of_an_unknown_code_is_404(cw, code):
    raise_concern(cw)

    assert client(cw, None).get(f"{API}/public/concerns/{code}/").status_code == 404


def test_public_endpoints_are_throttled_per_client(cw, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    anonymous = client(cw, None)

    codes = [anonymous.get(f"{API}/public/studios/", REMOTE_ADDR="192.0.2.9").status_code for _ in range(3)]
    elsewhere = anonymous.get(f"{API}/public/studios/", REMOTE_ADDR="192.0.2.10").status_code

    assert (codes, elsewhere) == ([200, 200, 429], 200)


# --- the duty roster -------------------------------------------------------------------------------


def test_roster_is_seen_by_those_who_run_the_studio(cw):
    shift = studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=timezone.localdate())
    result = {}
    for role in ROLES:
        response = client(cw, role).get(f"{API}/studio-shifts/")
        result[role] = response.status_code if role is None else [r["id"] for r in rows(response)]

    assert result == {"root": [shift.pk], "alice": [shift.pk], "fiona": [shift.pk], "lily": [], "bob": [shift.pk],
                      "cindy": [], "carol": [], "dave": [], "eve": [], None: 403}
    assert client(cw, "bob").get(f"{API}/studio-shifts/{shift.pk}/").json() == {
        "id": shift.pk, "studio": {"id": cw.studio_a.pk, "name": "医药卫生界委员工作室"},
        "member": {"id": cw.bob_seat.pk, "name": "王博"}, "date": timezone.localdate().isoformat(), "period": "day",
        "period_display": "All day", "note": ""}


def test_putting_a_member_on_duty_per_role(cw):
    today = timezone.localdate()
    result = {}
    for n, role in enumerate(ROLES):
        data = {"studio": cw.studio_a.pk, "member": cw.bob_seat.pk, "date": (today + dt.timedelta(days=n)).isoformat(),
                "period": "afternoon", "note": "接待来访群众"}
        response = client(cw, role).post(f"{API}/studio-shifts/", data, format="json")
        result[role] = response.status_code
        if response.status_code == 403 and role:
            assert response.json() == {"detail": RUNS}

    assert result == {"root": 201, "alice": 201, "fiona": 201, "lily": 403, "bob": 201, "cindy": 403,
                      "carol": 400, "dave": 400, "eve": 400, None: 403}
    assert DutyShift.objects.filter(studio=cw.studio_a, member=cw.bob_seat).count() == 4


@pytest.mark.parametrize(("change", "errors"), [
    ({"member": "cindy"}, {"member": ["Choose a serving member of this studio."]}),
    ({"member": 999999}, {"member": ["Not found."]}),
    ({"member": 1.5}, {"member": ["Incorrect type. Expected pk value, received float."]}),
    ({"studio": "studio_b"}, {"studio": ["Not found."]}),
    ({"date": "tomorrow"}, {"date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
    ({"date": "2000-01-01"}, {"date": ["Give a day within a year from today."]}),
    ({"period": "night"}, {"period": ["\"night\" is not a valid choice."]}),
    ({"note": "x" * 201}, {"note": ["At most 200 characters."]}),
])
def test_roster_bad_input(cw, change, errors):
    data = {"studio": cw.studio_a.pk, "member": cw.bob_seat.pk, "date": timezone.localdate().isoformat()}
    refs = {"cindy": cw.cindy_seat.pk, "studio_b": cw.studio_b.pk}
    data.update({k: refs.get(v, v) if isinstance(v, str) else v for k, v in change.items()})

    response = client(cw, "alice").post(f"{API}/studio-shifts/", data, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID, "errors": errors}


def test_roster_refuses_a_duplicate_and_malformed_json(cw):
    data = {"studio": cw.studio_a.pk, "member": cw.bob_seat.pk, "date": timezone.localdate().isoformat()}
    api = client(cw, "alice")

    assert api.post(f"{API}/studio-shifts/", data, format="json").status_code == 201
    again = api.post(f"{API}/studio-shifts/", data, format="json")
    assert (again.status_code, again.json()["errors"]) == (400, {"date": ["This member is already on duty then."]})
    assert malformed(api, f"{API}/studio-shifts/").status_code == 400


def test_taking_a_shift_off(cw):
    shift = studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=timezone.localdate())
    url = f"{API}/studio-shifts/{shift.pk}/"

    assert {role: client(cw, role).delete(url).status_code for role in ("lily", "cindy", "carol", "dave", "eve")} \
        == {"lily": 404, "cindy": 404, "carol": 404, "dave": 404, "eve": 404}
    assert client(cw, "bob").delete(url).status_code == 204
    assert DutyShift.objects.filter(pk=shift.pk).exists() is False


# --- concerns --------------------------------------------------------------------------------------


def test_concerns_are_seen_by_those_who_run_the_studio_only(cw):
    concern = raise_concern(cw)
    result = {}
    for role in ROLES:
        response = client(cw, role).get(f"{API}/concerns/")
        result[role] = response.status_code if role is None else [r["tracking_code"] for r in rows(response)]
    detail = {role: client(cw, role).get(f"{API}/concerns/{concern.pk}/").status_code for role in ROLES if role}

    code = concern.tracking_code
    assert result == {"root": [code], "alice": [code], "fiona": [code], "lily": [], "bob": [code], "cindy": [],
                      "carol": [], "dave": [], "eve": [], None: 403}
    assert detail == {"root": 200, "alice": 200, "fiona": 200, "lily": 404, "bob": 200, "cindy": 404, "carol": 404,
                      "dave": 404, "eve": 404}
    body = client(cw, "bob").get(f"{API}/concerns/{concern.pk}/").json()
    assert (body["name"], body["phone"], body["place"], body["status"], body["photo_url"]) == (
        NAME, PHONE, PLACE, "new", "")


def test_a_concern_travels_assign_reply_convert_close(cw):
    concern = raise_concern(cw)
    url = f"{API}/concerns/{concern.pk}"
    alice, bob = client(cw, "alice"), client(cw, "bob")

    assigned = alice.post(f"{url}/assign/", {"member": cw.bob_seat.pk}, format="json")
    replied = bob.post(f"{url}/reply/", {"reply": "已转相关部门，请留意回复。"}, format="json")
    staff_converts = alice.post(f"{url}/convert/", {"to": "micro_suggestion", "title": "幸福小区门口路灯损坏亟待维修"},
                                format="json")
    converted = bob.post(f"{url}/convert/", {"to": "micro_suggestion", "title": "幸福小区门口路灯损坏亟待维修",
                                             "category": cw.cat_city.pk}, format="json")
    closed = bob.post(f"{url}/close/", {}, format="json")
    again = bob.post(f"{url}/close/", {}, format="json")

    assert (assigned.status_code, assigned.json()["status"], assigned.json()["assigned_to"]) == (
        200, "assigned", {"id": cw.bob_seat.pk, "name": "王博"})
    assert (replied.status_code, replied.json()["status"], replied.json()["reply"]) == (
        200, "replied", "已转相关部门，请留意回复。")
    assert (staff_converts.status_code, staff_converts.json()) == (
        403, {"detail": "A member of the studio takes a concern up in their own name."})
    concern.refresh_from_db()
    assert converted.status_code == 200
    assert (converted.json()["status"], converted.json()["conversion"], converted.json()["converted_case"]) == (
        "converted", "micro_suggestion", {"id": concern.converted_case_id, "name": "幸福小区门口路灯损坏亟待维修"})
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    assert (again.status_code, again.json()) == (409, {"detail": "This is Closed; that step is not possible now."})
    public = client(cw, None).get(f"{API}/public/concerns/{concern.tracking_code}/").json()
    assert (public["status"], public["conversion"], public["conversion_label"]) == (
        "closed", ConcernConversion.MICRO_SUGGESTION, "A micro-suggestion")


def test_concern_steps_per_role(cw):
    concern = raise_concern(cw)
    url = f"{API}/concerns/{concern.pk}/assign/"
    result = {role: client(cw, role).post(url, {"member": cw.bob_seat.pk}, format="json").status_code
              for role in ("lily", "cindy", "carol", "dave", "eve", None)}

    assert result == {"lily": 404, "cindy": 404, "carol": 404, "dave": 404, "eve": 404, None: 403}
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NEW


@pytest.mark.parametrize(("step", "data", "errors"), [
    ("assign", {"member": "cindy"}, {"member": ["Choose a serving member of this studio."]}),
    ("assign", {"member": "ben"}, {"member": ["Not found."]}),
    ("assign", {}, {"member": ["This field is required."]}),
    ("reply", {"reply": ""}, {"reply": ["This field is required."]}),
    ("reply", {"reply": "好" * 2001}, {"reply": ["At most 2000 characters."]}),
    ("convert", {"to": "letter", "title": "幸福小区门口路灯损坏亟待维修"}, {"to": ["\"letter\" is not a valid choice."]}),
    ("convert", {"to": "micro_suggestion", "title": "太短"}, {"title": ["At least 6 characters."]}),
    ("convert", {"to": "micro_suggestion", "title": "幸福小区门口路灯损坏亟待维修", "category": "cat_b"},
     {"category": ["Not found."]}),
    ("close", {}, {"note": ["Say why it is closed without an answer."]}),
    ("close", {"note": "x" * 501}, {"note": ["At most 500 characters."]}),
])
def test_concern_steps_bad_input(cw, step, data, errors):
    concern = raise_concern(cw)
    refs = {"cindy": cw.cindy_seat.pk, "ben": cw.ben_seat.pk, "cat_b": cw.cat_b.pk}
    data = {k: refs.get(v, v) for k, v in data.items()}

    response = client(cw, "bob").post(f"{API}/concerns/{concern.pk}/{step}/", data, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID, "errors": errors}
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NEW


def test_concern_photo_is_for_the_runners(cw):
    concern = raise_concern(cw, photo=png())
    url = f"{API}/concerns/{concern.pk}/photo/"
    body = client(cw, "bob").get(f"{API}/concerns/{concern.pk}/").json()

    response = client(cw, "bob").get(url)

    assert body["photo_url"] == url
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert {role: client(cw, role).get(url).status_code for role in ("lily", "cindy", "eve")} == {
        "lily": 404, "cindy": 404, "eve": 404}
    plain = raise_concern(cw, description=f"另一件事：{TEXT}")
    assert client(cw, "bob").get(f"{API}/concerns/{plain.pk}/photo/").status_code == 404


def test_concern_and_roster_filters(cw):
    first = raise_concern(cw)
    second = raise_concern(cw, description=f"另一件事：{TEXT}")
    studios.concern_assign(actor=cw.alice, concern=second, member=cw.bob_seat)
    today = timezone.localdate()
    soon = studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=today + dt.timedelta(days=3))
    now = studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=today)
    api = client(cw, "alice")

    def codes(query):
        return [r["tracking_code"] for r in rows(api.get(f"{API}/concerns/?{query}"))]

    def shifts(query):
        return [r["id"] for r in rows(api.get(f"{API}/studio-shifts/?{query}"))]

    assert codes("status=new") == [first.tracking_code]
    assert codes(f"assigned_to={cw.bob_seat.pk}") == [second.tracking_code]
    assert codes(f"studio={cw.studio_a.pk}&received_after={today.isoformat()}") == [second.tracking_code,
                                                                                   first.tracking_code]
    # a studio the caller does not run is not a choice of the shared filter (as on the page)
    assert api.get(f"{API}/concerns/?studio={cw.studio_b.pk}").status_code == 400
    assert shifts("") == [now.pk, soon.pk]
    assert shifts(f"date_from={(today + dt.timedelta(days=1)).isoformat()}") == [soon.pk]
    assert api.get(f"{API}/concerns/?status=bogus").status_code == 400


# --- studio activities -----------------------------------------------------------------------------


def activity_data(w, **change) -> dict:
    starts = timezone.now() - dt.timedelta(hours=1)
    data = {"studio": w.studio_a.pk, "kind": "reception", "title": "委员接待日", "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=2)).isoformat(), "place": "工作室接待室"}
    data.update(change)
    return data


def quarter_now() -> str:
    today = timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def test_recording_a_studio_activity_per_role(cw):
    result = {}
    for role in ROLES:
        response = client(cw, role).post(f"{API}/studio-activities/", activity_data(cw, title=f"接待日{role}"),
                                         format="json")
        result[role] = response.status_code
        if response.status_code == 403 and role:
            assert response.json() == {"detail": RUNS}

    assert result == {"root": 201, "alice": 201, "fiona": 201, "lily": 403, "bob": 201, "cindy": 403, "carol": 403,
                      "dave": 400, "eve": 400, None: 403}
    activity = StudioActivity.objects.get(title="接待日bob")
    body = client(cw, "bob").get(f"{API}/studio-activities/{activity.pk}/").json()
    assert (body["kind"], body["participant_count"], body["summary"]) == ("reception", 1, "")
    assert [(p["member"], p["invitation"], p["attendance"]) for p in body["participants"]] == [
        ({"id": cw.bob_seat.pk, "name": "王博"}, "accepted", "")]


def test_studio_activities_are_read_by_the_committee(cw):
    activity = studios.studio_activity_save(actor=cw.alice, studio=cw.studio_a, kind="visit", title="走访社区卫生站",
                                            starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=1))
    result = {}
    for role in ROLES:
        response = client(cw, role).get(f"{API}/studio-activities/")
        result[role] = response.status_code if role is None else [r["id"] for r in rows(response)]

    assert result == {"root": [activity.pk], "alice": [activity.pk], "fiona": [activity.pk], "lily": [activity.pk],
                      "bob": [activity.pk], "cindy": [activity.pk], "carol": [], "dave": [], "eve": [],
                      None: 403}
    assert client(cw, "dave").get(f"{API}/studio-activities/{activity.pk}/").status_code == 404


def test_changing_a_studio_activity(cw):
    created = client(cw, "bob").post(f"{API}/studio-activities/", activity_data(cw), format="json").json()
    url = f"{API}/studio-activities/{created['id']}/"

    changed = client(cw, "bob").patch(url, {"title": "委员接待日（第二场）", "summary": HOSTILE}, format="json")
    by_cindy = client(cw, "cindy").patch(url, {"title": "改个标题试试"}, format="json")
    by_dave = client(cw, "dave").patch(url, {"title": "改个标题试试"}, format="json")

    assert (changed.status_code, changed.json()["title"], changed.json()["summary"]) == (
        200, "委员接待日（第二场）", HOSTILE)
    assert (by_cindy.status_code, by_cindy.json()) == (403, {"detail": RUNS})
    assert by_dave.status_code == 404


@pytest.mark.parametrize(("change", "errors"), [
    ({"kind": "party"}, {"kind": ["\"party\" is not a valid choice."]}),
    ({"title": "短"}, {"title": ["At least 4 characters."]}),
    ({"ends_at": "2000-01-01T00:00:00+08:00"}, {"ends_at": ["Give the start and an end not before it."]}),
    ({"starts_at": "yesterday"}, {"starts_at": ["Datetime has wrong format. Use one of these formats instead: "
                                                "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}),
    ({"kind": "follow_up"}, {"quarter": ["Give the quarter the meeting reviews, like 2026Q3."]}),
    ({"kind": "follow_up", "quarter": "2026Q5"}, {"quarter": ["Give the quarter the meeting reviews, like 2026Q3."]}),
    ({"members": ["ben"]}, {"members": ["Not found: {ben}."]}),
    ({"members": ["ada"]}, {"members": ["Choose members of this committee."]}),
    ({"studio": 999999}, {"studio": ["Not found."]}),
])
def test_studio_activity_bad_input(cw, change, errors):
    refs = {"ben": cw.ben_seat.pk, "ada": cw.ada_seat.pk}
    change = {k: [refs[x] for x in v] if k == "members" else v for k, v in change.items()}
    errors = {k: [m.format(ben=cw.ben_seat.pk) for m in v] for k, v in errors.items()}

    response = client(cw, "fiona").post(f"{API}/studio-activities/", activity_data(cw, **change), format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID, "errors": errors}
    assert StudioActivity.objects.count() == 0


def test_attendance_of_a_studio_activity_is_kept_by_the_studio_and_staff(cw):
    activity = client(cw, "bob").post(f"{API}/studio-activities/", activity_data(cw), format="json").json()
    url = f"{API}/studio-activities/{activity['id']}"
    bob_place = Participant.objects.get(studio_activity_id=activity["id"], member=cw.bob_seat)

    by_bob = client(cw, "bob").post(f"{url}/invite/", {"members": [cw.cindy_seat.pk]}, format="json")
    invited = client(cw, "alice").post(f"{url}/invite/", {"members": [cw.cindy_seat.pk]}, format="json")
    excused_without_reason = client(cw, "alice").post(
        f"{url}/attendance/", {"participant": bob_place.pk, "attendance": "excused"}, format="json")
    present = client(cw, "alice").post(f"{url}/attendance/", {"participant": bob_place.pk, "attendance": "present"},
                                       format="json")
    other = client(cw, "alice").post(f"{url}/attendance/", {"participant": 999999, "attendance": "present"},
                                     format="json")
    cindy_place = Participant.objects.get(studio_activity_id=activity["id"], member=cw.cindy_seat)
    checked_in = client(cw, "alice").post(f"{url}/check-in/", {"participant": cindy_place.pk}, format="json")

    assert by_bob.status_code == 200  # a member of the studio keeps its list
    assert invited.status_code == 200
    assert excused_without_reason.json()["errors"] == {"note": ["Give the reason for the excused absence."]}
    assert present.status_code == 200
    assert (other.status_code, other.json()["errors"]) == (400, {"participant": ["Not found."]})
    assert checked_in.status_code == 200
    assert [(p["name"], p["attendance"]) for p in checked_in.json()["participants"]] == [
        ("王博", Attendance.PRESENT), ("崔欣", Attendance.PRESENT)]


def test_follow_up_meeting_lists_the_quarters_concerns_for_the_runners(cw):
    concern = raise_concern(cw)
    studios.concern_convert(actor=cw.bob, concern=concern, to=ConcernConversion.MICRO_SUGGESTION,
                            title="幸福小区门口路灯损坏亟待维修", category=cw.cat_city)
    waiting = raise_concern(cw, description=f"另一件事：{TEXT}")
    meeting = client(cw, "bob").post(f"{API}/studio-activities/", activity_data(
        cw, kind=StudioActivityKind.FOLLOW_UP, title="第一季度跟踪会", quarter=quarter_now()), format="json").json()
    reception = client(cw, "bob").post(f"{API}/studio-activities/", activity_data(cw), format="json").json()

    listed = client(cw, "bob").get(f"{API}/studio-activities/{meeting['id']}/concerns/")
    for_cindy = client(cw, "cindy").get(f"{API}/studio-activities/{meeting['id']}/concerns/")
    not_a_meeting = client(cw, "bob").get(f"{API}/studio-activities/{reception['id']}/concerns/")

    concern.refresh_from_db()
    assert listed.status_code == 200
    assert [(r["tracking_code"], r["status"], r["conversion"], r["converted_to"], r["standing"])
            for r in listed.json()] == [
        (concern.tracking_code, "converted", "micro_suggestion",
         {"id": concern.converted_case_id, "name": "幸福小区门口路灯损坏亟待维修"},
         concern.converted_case.get_status_display()),
        (waiting.tracking_code, "new", "", None, "")]
    assert PHONE not in listed.content.decode()
    assert (for_cindy.status_code, for_cindy.json()) == (200, [])
    assert (not_a_meeting.status_code, not_a_meeting.json()) == (
        409, {"detail": "Only a quarterly follow-up meeting reviews the concerns of a quarter."})


# --- query counts ----------------------------------------------------------------------------------


def grow(w, start: int, n: int) -> None:
    """``n`` more of each row the lists show: a studio with a member on duty this week, a
    concern, a shift and a studio activity at studio_a, through the services."""
    today = timezone.localdate()
    for i in range(start, start + n):
        seat = MemberFactory(committee=w.a, term=w.term_a, sector=w.sector_a, name=f"值班委员{i}")
        studio = StudioFactory(committee=w.a, name=f"委员工作室{i}", sector=w.sector_a, members=[seat])
        studios.shift_add(actor=w.alice, studio=studio, member=seat, date=today)
        w.studio_a.members.add(seat)
        studios.shift_add(actor=w.alice, studio=w.studio_a, member=seat, date=today + dt.timedelta(days=1))
        raise_concern(w, description=f"第{i}件事：{TEXT}", client_address=f"192.0.2.{i}")
        studios.studio_activity_save(actor=w.alice, studio=w.studio_a, kind="follow_up", title=f"跟踪会第{i}次",
                                     quarter=quarter_now(), starts_at=timezone.now() - dt.timedelta(hours=i),
                                     ends_at=timezone.now())


LISTS = {
    "public studios": (None, "public/studios/"),
    "shifts (staff)": ("alice", "studio-shifts/"),
    "shifts (member)": ("bob", "studio-shifts/"),
    "concerns (staff)": ("alice", "concerns/"),
    "concerns (member)": ("bob", "concerns/"),
    "activities": ("cindy", "studio-activities/"),
    "follow-up concerns": ("bob", "studio-activities/{meeting}/concerns/"),
}


def measure(w) -> dict:
    meeting = StudioActivity.objects.order_by("id").first().pk
    result = {}
    for label, (role, endpoint) in LISTS.items():
        api = client(w, role)
        url = f"{API}/{endpoint.format(meeting=meeting)}"
        api.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url)
        assert response.status_code == 200, (label, response.content[:300])
        result[label] = (len(queries.captured_queries), len(rows(response)))
    return result


def test_list_query_count_does_not_grow_from_1_to_10_rows(cw):
    grow(cw, 1, 1)
    one = measure(cw)
    grow(cw, 2, 9)
    ten = measure(cw)

    def expected(n):
        return {"public studios": 3 + n, "shifts (staff)": 2 * n, "shifts (member)": n,
                "concerns (staff)": n, "concerns (member)": n, "activities": n, "follow-up concerns": n}

    assert {label: r for label, (_, r) in one.items()} == expected(1)
    assert {label: r for label, (_, r) in ten.items()} == expected(10)
    assert {label: q for label, (q, _) in ten.items()} == {label: q for label, (q, _) in one.items()}


def test_detail_query_count_does_not_grow_with_participants(cw):
    created = client(cw, "alice").post(f"{API}/studio-activities/", activity_data(cw), format="json").json()
    activity = StudioActivity.objects.get(pk=created["id"])

    def count():
        api = client(cw, "alice")
        api.get(f"{API}/studio-activities/{activity.pk}/")
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{API}/studio-activities/{activity.pk}/").status_code == 200
        return len(queries.captured_queries)

    before = count()
    seats = [MemberFactory(committee=cw.a, term=cw.term_a, sector=cw.sector_a) for _ in range(9)]
    from consultations.services import consultations as cs

    cs.participants_invite(actor=cw.alice, event=activity, members=seats)
    assert count() == before
