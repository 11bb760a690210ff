"""The consultation API (协商议政) under /api/v1/ × every role: kinds, topics, the annual plan,
sessions, participants, speeches, the online discussion, the calendar and its feed.

- a list holds exactly what the role may see; an object outside it is 404, never 403;
- workflow steps call the services: the allowed role succeeds, a role that sees the object
  but may not act gets 403 with the service's message, bad input is 400 {detail, errors},
  a step the state forbids is 409;
- ids of related objects outside the caller's sight are "not found" (400), never leaked.

The helpers here (``client``, ``codes``, ``build`` …) serve the other test_api_* modules too.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from consultations.choices import Attendance, ConsultationForm, InvitationStatus, SessionStatus, SpeechStatus
from consultations.models import CalendarFeed, ConsultationKind, Material, Participant, Post, Speech, Topic
from consultations.services import consultations as cs
from cppcc_portal.core.models import IdempotencyRecord
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1"
ROLES = ("root", "alice", "fiona", "lily", "bob", "cindy", "carol", "hank", "dave", "ben", "eve", None)
INVALID = "The input is not valid."
STAFF_ONLY = "Only staff of this committee may do this."
NOT_FOUND = ["Not found."]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HOSTILE = "<script>alert('x')</script>&amp;\"'"


# --- helpers shared by the API tests ---------------------------------------------------------------------


def client(w, role, language: str | None = "en"):
    return client_for(getattr(w, role) if role else None, language)


def name_of(role) -> str:
    return role or "anonymous"


def codes(w, roles, method: str, url: str, data=None) -> dict:
    """The status code each role gets for the same request."""
    return {name_of(role): getattr(client(w, role), method)(url, data, format="json").status_code for role in roles}


def rows(response) -> list:
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def seen(w, url: str, names: dict, roles=ROLES) -> dict:
    """For each signed-in role, the names of the objects the list shows (anonymous: the code)."""
    result = {}
    for role in roles:
        response = client(w, role).get(url)
        if role is None:
            result[name_of(role)] = response.status_code
            continue
        assert response.status_code == 200, (role, response.content[:300])
        result[role] = {names.get(row["id"], row["id"]) for row in rows(response)}
    return result


def expect(visible: dict, roles=ROLES) -> dict:
    return {name_of(role): 403 if role is None else visible.get(role, set()) for role in roles}


def malformed(api, url: str):
    return api.post(url, data="{not json", content_type="application/json")


def build(cw):
    """The API world on top of the consultation world (tests/consultations/conftest.py):

    - ``planned``: a session of A still being prepared (staff only)
    - ``announced``: a session of A, bob and cindy invited (``bob_place``, ``cindy_place``)
    - ``counterpart``: an announced counterpart consultation with 甲市教育局 (carol's)
    - ``in_b``: an announced session of committee B (ben's)
    """
    w = cw
    w.planned = w.session(title="筹备中的专题协商会")
    w.announced = w.invited(w.session(title="普惠托育专题协商会"))
    w.counterpart = cs.consultation_announce(actor=w.alice, consultation=w.session(
        form=ConsultationForm.COUNTERPART, title="教育工作对口协商会", departments=[w.dept_a]))
    w.kinds_b = {k.form: k for k in cs.consultation_kinds_install(actor=w.root, committee=w.b)}
    start = timezone.now() + dt.timedelta(days=9)
    w.in_b = cs.consultation_announce(actor=w.root, consultation=cs.consultation_save(
        actor=w.root, committee=w.b, kind=w.kinds_b["special"], title="乙市交通专题协商会", starts_at=start,
        ends_at=start + dt.timedelta(hours=2), place="乙市政协会议室"))
    w.bob_place = w.announced.participants.get(member=w.bob_seat)
    w.cindy_place = w.announced.participants.get(member=w.cindy_seat)
    return w


@pytest.fixture
def aw(cw):
    return build(cw)


def session_payload(w, **overrides) -> dict:
    start = timezone.now() + dt.timedelta(days=20)
    return {"committee": w.a.pk, "kind": w.kinds_a["special"].pk, "title": "城市更新专题协商会",
            "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
            "place": "市政协二楼会议室", **overrides}


# --- kinds -----------------------------------------------------------------------------------------------


def test_kinds_are_listed_to_the_committees_people(aw):
    names = {k.pk: f"A:{k.form}" for k in aw.kinds_a.values()} | {k.pk: f"A1:{k.form}" for k in aw.kinds_a1.values()} \
        | {k.pk: f"B:{k.form}" for k in aw.kinds_b.values()}
    a = {f"A:{f}" for f in ConsultationForm.values}
    a1 = {f"A1:{f}" for f in ConsultationForm.values}
    b = {f"B:{f}" for f in ConsultationForm.values}

    assert seen(aw, f"{API}/consultation-kinds/", names) == expect({
        "root": a | a1 | b, "alice": a, "fiona": a | a1, "lily": a, "bob": a, "cindy": a, "carol": a, "hank": a,
        "dave": b, "ben": b})


def test_kind_representation(aw):
    kind = aw.kinds_a[ConsultationForm.GRASSROOTS]
    body = client(aw, "bob").get(f"{API}/consultation-kinds/{kind.pk}/").json()

    assert body == {"id": kind.pk, "committee": {"id": aw.a.pk, "name": "甲市政协"}, "name": "请你来协商",
                    "form": "grassroots", "form_display": "Grassroots deliberation (请你来协商)",
                    "steps": ["征集议题", "确定议题", "调查研究", "制定方案", "组织协商", "形成成果", "成果报送", "跟踪落实"],
                    "order": 110, "is_active": True}


def test_staff_add_and_change_kinds_others_may_not(aw):
    url = f"{API}/consultation-kinds/"
    data = {"committee": aw.a.pk, "name": "界别协商·季度会", "form": "sector"}

    refused = codes(aw, ("lily", "bob", "carol"), "post", url, data)
    outside = codes(aw, ("dave", "ben", "eve"), "post", url, data)
    created = client(aw, "alice").post(url, data, format="json")
    duplicate = client(aw, "alice").post(url, data, format="json")
    kind = ConsultationKind.objects.get(name="界别协商·季度会")
    renamed = client(aw, "alice").patch(f"{url}{kind.pk}/", {"name": "界别协商·半年会", "is_active": False},
                                        format="json")
    by_member = client(aw, "bob").patch(f"{url}{kind.pk}/", {"name": "改名"}, format="json")

    assert refused == {"lily": 403, "bob": 403, "carol": 403}
    assert outside == {"dave": 400, "ben": 400, "eve": 400}
    assert client(aw, "eve").post(url, data, format="json").json() == {
        "detail": INVALID, "errors": {"committee": NOT_FOUND}}
    assert created.status_code == 201
    assert (created.json()["form"], created.json()["steps"], created.json()["is_active"]) == ("sector", [], True)
    assert duplicate.json() == {"detail": INVALID, "errors": {"name": ["This committee already has a kind of that name."]}}
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["is_active"]) == ("界别协商·半年会", False)
    assert by_member.json() == {"detail": STAFF_ONLY}


def test_a_kind_in_use_keeps_its_form(aw):
    kind = aw.kinds_a["special"]
    response = client(aw, "alice").patch(f"{API}/consultation-kinds/{kind.pk}/", {"form": "expert"}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": "Sessions of this kind exist; its form can no longer change."}


def test_install_adds_only_the_missing_standard_kinds(aw):
    url = f"{API}/consultation-kinds/install/"
    ConsultationKind.objects.filter(committee=aw.a, form="micro").delete()

    again = client(aw, "alice").post(url, {"committee": aw.a.pk}, format="json")
    twice = client(aw, "alice").post(url, {"committee": aw.a.pk}, format="json")

    assert again.status_code == 200
    assert [(k["name"], k["form"]) for k in again.json()] == [("主席微协商", "micro")]
    assert twice.json() == []
    assert codes(aw, ("bob", "eve", None), "post", url, {"committee": aw.a.pk}) == {"bob": 403, "eve": 400,
                                                                                   "anonymous": 403}


def test_kind_input_is_checked(aw):
    api = client(aw, "alice")
    url = f"{API}/consultation-kinds/"

    assert malformed(api, url).status_code == 400
    bad = api.post(url, {"committee": "x", "name": "", "form": "dance", "steps": "one"}, format="json").json()
    long_steps = api.post(url, {"committee": aw.a.pk, "name": "请你来协商二", "form": "grassroots",
                                "steps": [f"第{i}步" for i in range(21)]}, format="json").json()
    repeated = api.post(url, {"committee": aw.a.pk, "name": "请你来协商二", "form": "grassroots",
                              "steps": ["征集", "征集"]}, format="json").json()

    assert sorted(bad["errors"]) == ["committee", "form", "name", "steps"]
    assert long_steps["errors"] == {"steps": ["Ensure this field has no more than 20 elements."]}
    assert repeated["errors"] == {"steps": ["Each step is named once."]}


# --- topics ------------------------------------------------------------------------------------------------


def topic_payload(w, **overrides) -> dict:
    return {"committee": w.a.pk, "year": timezone.localdate().year, "title": "加强城市社区养老服务",
            "description": "社区养老服务设施不足，护理人员短缺，建议政协开展专题协商。", "source": "member", **overrides}


def test_members_recommend_topics_and_staff_enter_the_others(aw):
    url = f"{API}/consultation-topics/"
    member = client(aw, "bob").post(url, topic_payload(aw), format="json")
    staff = client(aw, "alice").post(url, topic_payload(aw, source="assigned", source_detail="市委办公室",
                                                           title="优化营商环境"), format="json")
    staff_as_member = client(aw, "alice").post(url, topic_payload(aw), format="json")
    member_as_assigned = client(aw, "bob").post(url, topic_payload(aw, source="assigned"), format="json")
    liaison = client(aw, "carol").post(url, topic_payload(aw), format="json")
    outsider = client(aw, "eve").post(url, topic_payload(aw), format="json")

    assert member.status_code == 201
    body = member.json()
    assert (body["source"], body["status"], body["recommended_by"], body["submitted_by"]) == (
        "member", "proposed", {"id": aw.bob_seat.pk, "name": "王博"}, "王博")
    assert (staff.status_code, staff.json()["source_detail"], staff.json()["recommended_by"]) == (201, "市委办公室", None)
    assert staff_as_member.json() == {"detail": INVALID,
                                      "errors": {"source": ["Members recommend topics in their own name."]}}
    assert member_as_assigned.json()["errors"] == {"source": ["A member's topic is a member's recommendation."]}
    assert liaison.json() == {"detail": "Only members and staff of this committee may propose topics."}
    assert outsider.json() == {"detail": INVALID, "errors": {"committee": NOT_FOUND}}


def test_topics_are_seen_by_staff_and_once_approved_by_members(aw):
    proposed = cs.topic_propose(actor=aw.bob, committee=aw.a, year=timezone.localdate().year, title="老旧小区改造",
                                description="老旧小区改造进度不一，居民诉求多样，建议协商。", source="member")
    approved = aw.topic(title="普惠托育服务")
    names = {proposed.pk: "proposed", approved.pk: "approved"}

    assert seen(aw, f"{API}/consultation-topics/", names) == expect({
        "root": {"proposed", "approved"}, "alice": {"proposed", "approved"}, "fiona": {"proposed", "approved"},
        "lily": {"proposed", "approved"}, "bob": {"proposed", "approved"}, "cindy": {"approved"}})
    assert client(aw, "cindy").get(f"{API}/consultation-topics/{proposed.pk}/").status_code == 404
    assert seen(aw, f"{API}/consultation-topics/queue/", names, ("alice", "lily", "bob")) == {
        "alice": {"proposed"}, "lily": set(), "bob": set()}


def test_staff_review_topics(aw):
    topic = cs.topic_propose(actor=aw.bob, committee=aw.a, year=timezone.localdate().year, title="老旧小区改造",
                             description="老旧小区改造进度不一，居民诉求多样，建议协商。", source="member")
    url = f"{API}/consultation-topics/{topic.pk}/review/"

    no_reason = client(aw, "alice").post(url, {"approve": False}, format="json")
    by_member = client(aw, "bob").post(url, {"approve": True}, format="json")
    by_leader = client(aw, "lily").post(url, {"approve": True}, format="json")
    by_outsider = client(aw, "eve").post(url, {"approve": True}, format="json")
    approved = client(aw, "alice").post(url, {"approve": True, "note": "列入计划"}, format="json")
    again = client(aw, "alice").post(url, {"approve": True}, format="json")

    assert no_reason.json() == {"detail": INVALID, "errors": {"note": ["This field is required."]}}
    assert (by_member.status_code, by_leader.status_code, by_outsider.status_code) == (403, 403, 404)
    assert (approved.json()["status"], approved.json()["review_note"]) == ("approved", "列入计划")
    assert again.status_code == 409
    assert again.json() == {"detail": "This is Approved; that step is not possible now."}


def test_topic_input_is_checked_and_hostile_text_is_kept_as_text(aw):
    api = client(aw, "bob")
    url = f"{API}/consultation-topics/"

    wrong_types = api.post(url, topic_payload(aw, year="next", kind="x", source=5), format="json").json()
    oversized = api.post(url, topic_payload(aw, description="长" * 5001), format="json").json()
    foreign_kind = api.post(url, topic_payload(aw, kind=aw.kinds_b["special"].pk), format="json").json()
    fractional = api.post(url, topic_payload(aw, committee=aw.a.pk + 0.5), format="json").json()
    huge = api.post(url, topic_payload(aw, committee=10**20), format="json").json()
    hostile = api.post(url, topic_payload(aw, title=f"议题{HOSTILE}"), format="json")

    assert malformed(api, url).json()["detail"] == INVALID
    assert sorted(wrong_types["errors"]) == ["kind", "source", "year"]
    assert oversized["errors"] == {"description": ["Ensure this field has no more than 5000 characters."]}
    assert foreign_kind["errors"] == {"kind": NOT_FOUND}
    assert fractional["errors"] == {"committee": ["Incorrect type. Expected pk value, received float."]}
    assert huge["errors"] == {"committee": NOT_FOUND}
    assert hostile.status_code == 201
    assert Topic.objects.get(pk=hostile.json()["id"]).title == f"议题{HOSTILE}"
    assert hostile.json()["title"] == f"议题{HOSTILE}"


def test_a_topic_submitted_twice_with_one_key_is_created_once(aw):
    api = client(aw, "bob")
    url = f"{API}/consultation-topics/"
    before = Topic.objects.count()

    first = api.post(url, topic_payload(aw), format="json", HTTP_IDEMPOTENCY_KEY="topic-1")
    second = api.post(url, topic_payload(aw), format="json", HTTP_IDEMPOTENCY_KEY="topic-1")
    other = api.post(url, topic_payload(aw, title="另一个议题标题"), format="json", HTTP_IDEMPOTENCY_KEY="topic-1")

    assert (first.status_code, second.status_code, second["Idempotent-Replayed"]) == (201, 201, "true")
    assert second.json() == first.json()
    assert other.status_code == 422
    assert Topic.objects.count() == before + 1
    assert IdempotencyRecord.objects.filter(user=aw.bob).count() == 1


# --- the plan ------------------------------------------------------------------------------------------


def test_plan_is_made_by_staff_and_read_by_members_once_published(aw):
    year = timezone.localdate().year
    topic = aw.topic(title="普惠托育服务")
    other = aw.topic(title="优化营商环境")
    api = client(aw, "alice")

    created = api.post(f"{API}/consultation-plans/", {"committee": aw.a.pk, "year": year,
                                                      "title": f"{year}年度协商计划"}, format="json")
    plan_id = created.json()["id"]
    url = f"{API}/consultation-plans/{plan_id}/"
    before = {role: client(aw, role).get(url).status_code for role in ("lily", "bob", "eve")}
    empty = api.post(f"{url}publish/")
    scheduled = api.post(f"{url}schedule/", {"topic": topic.pk, "month": 6, "kind": aw.kinds_a["special"].pk},
                         format="json")
    api.post(f"{url}schedule/", {"topic": other.pk, "month": 3}, format="json")
    not_in_plan = api.post(f"{url}unschedule/", {"topic": aw.topic(title="未列入计划的议题").pk}, format="json")
    unscheduled = api.post(f"{url}unschedule/", {"topic": other.pk}, format="json")
    by_member = client(aw, "bob").post(f"{url}publish/")
    published = api.post(f"{url}publish/")
    again = api.post(f"{url}publish/")
    after = {role: client(aw, role).get(url).status_code for role in ("lily", "bob", "eve")}
    renamed = api.patch(url, {"title": f"{year}年度政协协商工作计划"}, format="json")

    assert created.status_code == 201
    assert before == {"lily": 404, "bob": 404, "eve": 404}
    assert empty.json() == {"detail": INVALID, "errors": {"topics": ["Schedule at least one topic before publishing."]}}
    assert [(t["title"], t["planned_month"], t["status"], t["kind"]) for t in scheduled.json()["topics"]] == [
        ("普惠托育服务", 6, "scheduled", {"id": aw.kinds_a["special"].pk, "name": "专题协商"})]
    assert not_in_plan.json() == {"detail": INVALID, "errors": {"topic": ["This topic is not in the plan."]}}
    assert [t["title"] for t in unscheduled.json()["topics"]] == ["普惠托育服务"]
    assert by_member.status_code == 404
    assert (published.json()["status"], published.json()["topic_count"]) == ("published", 1)
    assert again.status_code == 409
    assert after == {"lily": 200, "bob": 200, "eve": 404}
    assert renamed.json()["title"] == f"{year}年度政协协商工作计划"


def test_plan_input_is_checked(aw):
    api = client(aw, "alice")
    year = timezone.localdate().year
    api.post(f"{API}/consultation-plans/", {"committee": aw.a.pk, "year": year, "title": "年度协商计划"},
             format="json")

    duplicate = api.post(f"{API}/consultation-plans/", {"committee": aw.a.pk, "year": year, "title": "年度协商计划"},
                         format="json").json()
    out_of_range = api.post(f"{API}/consultation-plans/", {"committee": aw.a.pk, "year": 1900, "title": "年度协商计划"},
                            format="json").json()
    by_member = client(aw, "bob").post(f"{API}/consultation-plans/", {"committee": aw.a.pk, "year": year + 1,
                                                                     "title": "年度协商计划"}, format="json")

    assert duplicate["errors"] == {"year": [f"This committee already has a plan for {year}."]}
    assert out_of_range["errors"] == {"year": ["Ensure this value is greater than or equal to 2000."]}
    assert by_member.json() == {"detail": STAFF_ONLY}


# --- sessions ------------------------------------------------------------------------------------------


SESSIONS = {
    "root": {"planned", "announced", "counterpart", "in_b"},
    "alice": {"planned", "announced", "counterpart"}, "fiona": {"planned", "announced", "counterpart"},
    "lily": {"announced", "counterpart"}, "bob": {"announced", "counterpart"},
    "cindy": {"announced", "counterpart"}, "carol": {"counterpart"}, "ben": {"in_b"},
}


def session_names(w) -> dict:
    return {getattr(w, n).pk: n for n in ("planned", "announced", "counterpart", "in_b")}


def test_sessions_listed_are_exactly_those_each_role_may_see(aw):
    assert seen(aw, f"{API}/consultations/", session_names(aw)) == expect(SESSIONS)


def test_a_session_outside_the_roles_scope_is_404(aw):
    answers, expected = {}, {}
    for role in ROLES:
        for pk, name in session_names(aw).items():
            answers[(name_of(role), name)] = client(aw, role).get(f"{API}/consultations/{pk}/").status_code
            expected[(name_of(role), name)] = 403 if role is None else 200 if name in SESSIONS.get(role, ()) else 404
    assert answers == expected


def test_session_representations(aw):
    row = next(r for r in rows(client(aw, "bob").get(f"{API}/consultations/")) if r["id"] == aw.announced.pk)
    detail = client(aw, "bob").get(f"{API}/consultations/{aw.announced.pk}/").json()
    staff_view = client(aw, "alice").get(f"{API}/consultations/{aw.counterpart.pk}/").json()

    assert {k: v for k, v in row.items() if k not in ("starts_at", "ends_at")} == {
        "id": aw.announced.pk, "committee": {"id": aw.a.pk, "name": "甲市政协"},
        "kind": {"id": aw.kinds_a["special"].pk, "name": "专题协商"}, "form": "special", "title": "普惠托育专题协商会",
        "place": "市政协三楼会议室", "is_online": False, "organiser": None, "status": "announced",
        "status_display": "Announced", "discussion_open": False, "participant_count": 2}
    assert detail["attendance"] == {"invited": 2, "accepted": 0, "declined": 0, "present": 0, "excused": 0,
                                    "absent": 0}
    assert detail["my_participation"] == {"id": aw.bob_place.pk, "role": "member", "invitation": "pending",
                                          "attendance": "", "response_note": "", "checked_in_at": None}
    assert (detail["topics"], detail["departments"], detail["proposals"], detail["steps"]) == ([], [], [], [])
    assert (staff_view["departments"], staff_view["my_participation"]) == ([{"id": aw.dept_a.pk, "name": "甲市教育局"}],
                                                                            None)


def test_staff_prepare_sessions_and_others_may_not(aw):
    url = f"{API}/consultations/"
    topic = aw.topic()

    created = client(aw, "alice").post(url, session_payload(aw, topics=[topic.pk], organiser=aw.sc_a.pk),
                                       format="json")
    refused = codes(aw, ("lily", "bob", "carol"), "post", url, session_payload(aw))
    outside = codes(aw, ("dave", "ben", "eve"), "post", url, session_payload(aw))

    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["topics"], body["organiser"]) == (
        "planned", [{"id": topic.pk, "name": "加快发展普惠托育服务"}], {"id": aw.sc_a.pk, "name": "提案委员会"})
    assert refused == {"lily": 403, "bob": 403, "carol": 403}
    assert outside == {"dave": 400, "ben": 400, "eve": 400}


def test_session_input_is_checked(aw):
    api = client(aw, "alice")
    url = f"{API}/consultations/"
    start = timezone.now() + dt.timedelta(days=3)

    backwards = api.post(url, session_payload(aw, ends_at=(start - dt.timedelta(days=1)).isoformat(),
                                              starts_at=start.isoformat()), format="json").json()
    foreign = api.post(url, session_payload(aw, kind=aw.kinds_b["special"].pk, topics=[999999],
                                            departments=[aw.dept_b.pk]), format="json").json()
    wrong_types = api.post(url, session_payload(aw, starts_at="tomorrow", is_online="maybe", topics="1"),
                           format="json").json()
    too_many = api.post(url, session_payload(aw, topics=list(range(1, 52))), format="json").json()
    no_place = api.post(url, session_payload(aw, place=""), format="json").json()
    counterpart = api.post(url, session_payload(aw, kind=aw.kinds_a["counterpart"].pk), format="json").json()
    hostile = api.post(url, session_payload(aw, title=f"协商会{HOSTILE}"), format="json")

    assert backwards["errors"] == {"ends_at": ["The end must not be before the start."]}
    assert foreign["errors"] == {"kind": NOT_FOUND, "topics": ["Not found: 999999."],
                                 "departments": [f"Not found: {aw.dept_b.pk}."]}
    assert sorted(wrong_types["errors"]) == ["is_online", "starts_at", "topics"]
    assert too_many["errors"] == {"topics": ["Ensure this field has no more than 50 elements."]}
    assert no_place["errors"] == {"place": ["Give the place, or mark the session as online."]}
    assert counterpart["errors"] == {"departments": ["A counterpart consultation names the departments it is held "
                                                     "with."]}
    assert hostile.json()["title"] == f"协商会{HOSTILE}"


def test_a_session_changes_until_it_is_held(aw):
    url = f"{API}/consultations/{aw.planned.pk}/"
    api = client(aw, "alice")

    changed = api.patch(url, {"title": "筹备中的专题协商会（改期）", "place": "市政协一楼报告厅"}, format="json")
    by_member = client(aw, "bob").patch(f"{API}/consultations/{aw.announced.pk}/", {"title": "改个标题吧"},
                                        format="json")
    aw.held(aw.planned)
    late = api.patch(url, {"title": "会后再改标题"}, format="json")

    assert (changed.json()["title"], changed.json()["place"], changed.json()["kind"]["name"]) == (
        "筹备中的专题协商会（改期）", "市政协一楼报告厅", "专题协商")
    assert by_member.json() == {"detail": STAFF_ONLY}
    assert late.status_code == 409
    assert late.json() == {"detail": "This session is Held; it can no longer change."}


def test_a_session_goes_from_announcement_to_held(aw):
    api = client(aw, "alice")
    url = f"{API}/consultations/{aw.planned.pk}/"

    invited = api.post(f"{url}invite/", {"members": [aw.bob_seat.pk], "guests": [
        {"name": "李教授", "organisation": "甲市大学", "role": "expert"}]}, format="json")
    by_member = client(aw, "bob").post(f"{API}/consultations/{aw.announced.pk}/open/")
    announced = api.post(f"{url}announce/")
    twice = api.post(f"{url}announce/")
    opened = api.post(f"{url}open/")
    closed = api.post(f"{url}close/", {"summary": "会议形成三点共识。"}, format="json")

    assert invited.json()["participant_count"] == 2
    assert by_member.json() == {"detail": STAFF_ONLY}
    assert (announced.json()["status"], twice.status_code, opened.json()["status"]) == ("announced", 409, "open")
    assert (closed.json()["status"], closed.json()["summary"]) == ("held", "会议形成三点共识。")
    assert closed.json()["attendance"] == {"invited": 2, "accepted": 0, "declined": 0, "present": 0, "excused": 0,
                                           "absent": 2}
    assert codes(aw, ("eve", "dave", None), "post", f"{url}announce/") == {"eve": 404, "dave": 404, "anonymous": 403}


def test_cancelling_needs_a_reason(aw):
    url = f"{API}/consultations/{aw.announced.pk}/cancel/"

    no_reason = client(aw, "alice").post(url, {}, format="json").json()
    short = client(aw, "alice").post(url, {"reason": "改"}, format="json").json()
    cancelled = client(aw, "alice").post(url, {"reason": "主讲部门临时调整，会议延期"}, format="json")

    assert no_reason["errors"] == {"reason": ["This field is required."]}
    assert short["errors"] == {"reason": ["At least 4 characters."]}
    assert cancelled.json()["status"] == SessionStatus.CANCELLED


def test_invitations_are_checked(aw):
    url = f"{API}/consultations/{aw.announced.pk}/invite/"
    api = client(aw, "alice")

    nobody = api.post(url, {}, format="json").json()
    foreign = api.post(url, {"members": [aw.ben_seat.pk]}, format="json").json()
    guest_as_member = api.post(url, {"guests": [{"name": "张三", "role": "member"}]}, format="json").json()
    nameless = api.post(url, {"guests": [{"name": ""}]}, format="json").json()
    hostile = api.post(url, {"guests": [{"name": f"专家{HOSTILE}"[:60], "role": "public"}]}, format="json")
    again = api.post(url, {"members": [aw.bob_seat.pk, aw.bob_seat.pk]}, format="json")

    assert nobody["errors"] == {"members": ["Choose whom to invite."]}
    assert foreign["errors"] == {"members": [f"Not found: {aw.ben_seat.pk}."]}
    assert list(guest_as_member["errors"]) == ["guests"]
    assert list(nameless["errors"]) == ["guests"]
    assert hostile.status_code == 200
    assert Participant.objects.get(consultation=aw.announced, role="public").name == f"专家{HOSTILE}"[:60]
    assert again.json()["participant_count"] == 3  # bob was invited already


def test_grassroots_steps_and_the_discussion(aw):
    api = client(aw, "alice")
    grassroots = aw.session(form=ConsultationForm.GRASSROOTS, title="社区停车请你来协商")
    url = f"{API}/consultations/{grassroots.pk}/"

    ticked = api.post(f"{url}steps/", {"step": "征集议题", "done_on": timezone.localdate().isoformat(),
                                       "note": "收集居民意见42条"}, format="json")
    unknown = api.post(f"{url}steps/", {"step": "不存在的步骤", "done_on": timezone.localdate().isoformat()},
                       format="json")
    future = api.post(f"{url}steps/", {"step": "确定议题",
                                       "done_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
                      format="json")
    closed_discussion = api.post(f"{url}discussion/", {"open": True}, format="json")

    assert ticked.json()["steps"][0] == {"step": "征集议题", "done_on": timezone.localdate().isoformat(),
                                         "note": "收集居民意见42条"}
    assert [s["done_on"] for s in ticked.json()["steps"][1:]] == [None] * 7
    assert unknown.json()["errors"] == {"step": ["This session has no step of that name."]}
    assert future.json()["errors"] == {"done_on": ["Give the day the step was done (not in the future)."]}
    assert closed_discussion.status_code == 409


def test_materials_are_read_by_whoever_sees_the_session(aw):
    from django.core.files.base import ContentFile

    material = Material(consultation=aw.announced, title="托育服务调研报告", original_name="调研报告.pdf",
                        content_type="application/pdf", size=len(PDF), uploaded_by=aw.alice)
    material.file.save("report.pdf", ContentFile(PDF), save=True)
    url = f"{API}/consultations/{aw.announced.pk}/materials/"

    listed = client(aw, "bob").get(url).json()
    download = client(aw, "cindy").get(f"{url}{material.pk}/")

    assert [(m["id"], m["title"], m["original_name"], m["content_type"], m["size"], m["url"]) for m in listed] == [
        (material.pk, "托育服务调研报告", "调研报告.pdf", "application/pdf", len(PDF), f"{url}{material.pk}/")]
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF)
    assert (download["Content-Disposition"], download["X-Content-Type-Options"]) == (
        "attachment; filename*=utf-8''%E8%B0%83%E7%A0%94%E6%8A%A5%E5%91%8A.pdf", "nosniff")
    assert codes(aw, ("carol", "eve"), "get", url) == {"carol": 404, "eve": 404}
    assert client(aw, "carol").get(f"{url}{material.pk}/").status_code == 404
    assert client(aw, "bob").get(f"{url}999999/").status_code == 404
    assert client(aw, "bob").delete(f"{url}{material.pk}/").json() == {"detail": STAFF_ONLY}
    assert client(aw, "alice").delete(f"{url}{material.pk}/").status_code == 204
    assert Material.objects.filter(consultation=aw.announced).count() == 0


def test_material_uploads_are_checked(aw):
    url = f"{API}/consultations/{aw.announced.pk}/materials/"
    by_member = client(aw, "bob").post(url, {"title": "我的材料", "file": SimpleUploadedFile("a.pdf", PDF)},
                                       format="multipart")
    not_a_document = client(aw, "alice").post(url, {"title": "脚本", "file": SimpleUploadedFile(
        "x.pdf", b"<script>alert(1)</script>", "application/pdf")}, format="multipart")
    no_file = client(aw, "alice").post(url, {"title": "没有文件"}, format="multipart")

    assert by_member.json() == {"detail": STAFF_ONLY}
    assert list(not_a_document.json()["errors"]) == ["file"]
    assert no_file.json()["errors"] == {"file": ["No file was submitted."]}


def test_staff_upload_materials(aw):
    url = f"{API}/consultations/{aw.announced.pk}/materials/"
    upload = client(aw, "alice").post(url, {"title": "托育服务调研报告",
                                            "file": SimpleUploadedFile("调研报告.pdf", PDF, "application/pdf")},
                                      format="multipart")
    material = Material.objects.get(consultation=aw.announced)
    download = client(aw, "bob").get(f"{url}{material.pk}/")

    assert upload.status_code == 201
    assert {k: v for k, v in upload.json().items() if k != "created_at"} == {
        "id": material.pk, "title": "托育服务调研报告", "original_name": "调研报告.pdf", "content_type": "application/pdf",
        "size": len(PDF), "url": f"{url}{material.pk}/"}
    assert b"".join(download.streaming_content) == PDF


def test_timeline_is_for_staff_and_leaders(aw):
    url = f"{API}/consultations/{aw.announced.pk}/timeline/"

    assert codes(aw, ("alice", "lily", "bob", "carol", "eve"), "get", url) == {
        "alice": 200, "lily": 200, "bob": 403, "carol": 404, "eve": 404}
    assert [e["action"] for e in client(aw, "alice").get(url).json()] == [
        "consultation.announce", "participants.invite", "consultation.create"]


def test_mine_lists_the_callers_invitations(aw):
    cs.participants_invite(actor=aw.alice, event=aw.planned, members=[aw.bob_seat])

    mine = rows(client(aw, "bob").get(f"{API}/consultations/mine/"))
    upcoming = rows(client(aw, "bob").get(f"{API}/consultations/mine/?upcoming=true"))
    past = rows(client(aw, "bob").get(f"{API}/consultations/mine/?upcoming=false"))

    assert [(r["id"], r["event"]["kind"], r["event"]["id"], r["event"]["title"], r["invitation"]) for r in mine] == [
        (aw.bob_place.pk, "consultation", aw.announced.pk, "普惠托育专题协商会", "pending")]
    assert ([r["id"] for r in upcoming], past) == ([aw.bob_place.pk], [])
    assert rows(client(aw, "eve").get(f"{API}/consultations/mine/")) == []


# --- participants ---------------------------------------------------------------------------------------


def test_participants_are_seen_by_the_events_staff_and_by_themselves(aw):
    guest = cs.participants_invite(actor=aw.alice, event=aw.planned, members=[aw.bob_seat])[0]
    names = {aw.bob_place.pk: "bob", aw.cindy_place.pk: "cindy", guest.pk: "bob@planned"}

    assert seen(aw, f"{API}/participants/?consultation={aw.announced.pk}", names) == expect({
        "root": {"bob", "cindy"}, "alice": {"bob", "cindy"}, "fiona": {"bob", "cindy"}, "bob": {"bob"},
        "cindy": {"cindy"}})
    assert seen(aw, f"{API}/participants/", names, ("alice", "bob")) == {"alice": {"bob", "cindy", "bob@planned"},
                                                                         "bob": {"bob"}}


def test_an_invitee_answers_their_own_invitation(aw):
    url = f"{API}/participants/{aw.bob_place.pk}/respond/"

    declined_without_reason = client(aw, "bob").post(url, {"accept": False}, format="json").json()
    by_other = client(aw, "cindy").post(url, {"accept": True}, format="json")
    by_staff = client(aw, "alice").post(url, {"accept": True}, format="json")
    accepted = client(aw, "bob").post(url, {"accept": True}, format="json")
    wrong_type = client(aw, "bob").post(url, {"accept": "perhaps"}, format="json").json()

    assert declined_without_reason["errors"] == {"note": ["This field is required."]}
    assert by_other.status_code == 404
    assert by_staff.json() == {"detail": "You can only answer your own invitation."}
    assert (accepted.json()["invitation"], accepted.json()["invitation_display"]) == ("accepted", "Will attend")
    assert wrong_type["errors"] == {"accept": ["Must be a valid boolean."]}


def test_sign_in_opens_with_the_session_and_staff_record_attendance(aw):
    now_on = aw.invited(aw.session(title="正在召开的协商会", starts_at=timezone.now() - dt.timedelta(minutes=30)))
    bob, cindy = (now_on.participants.get(member=seat) for seat in (aw.bob_seat, aw.cindy_seat))
    check_in = f"{API}/participants/{bob.pk}/check-in/"

    early = client(aw, "bob").post(check_in)
    cs.consultation_open(actor=aw.alice, consultation=now_on)
    cs.consultation_open(actor=aw.alice, consultation=aw.announced)
    next_week = client(aw, "bob").post(f"{API}/participants/{aw.bob_place.pk}/check-in/")
    signed = client(aw, "bob").post(check_in)
    twice = client(aw, "bob").post(check_in)
    for_cindy = client(aw, "alice").post(f"{API}/participants/{aw.cindy_place.pk}/check-in/")
    excused_without_reason = client(aw, "alice").post(f"{API}/participants/{cindy.pk}/attendance/",
                                                      {"attendance": "excused"}, format="json").json()
    excused = client(aw, "alice").post(f"{API}/participants/{cindy.pk}/attendance/",
                                       {"attendance": "excused", "note": "因公出差"}, format="json")
    by_member = client(aw, "bob").post(f"{API}/participants/{bob.pk}/attendance/", {"attendance": "present"},
                                       format="json")
    unknown = client(aw, "alice").post(f"{API}/participants/{cindy.pk}/attendance/", {"attendance": ""},
                                       format="json").json()

    assert early.status_code == 409
    assert early.json() == {"detail": "Sign-in opens when the session begins."}
    assert next_week.json() == {"detail": "Sign-in is open from two hours before the start until an hour after "
                                          "the end."}
    assert (signed.json()["attendance"], signed.json()["invitation"]) == (Attendance.PRESENT, InvitationStatus.ACCEPTED)
    assert twice.status_code == 409
    assert for_cindy.json()["attendance"] == Attendance.PRESENT
    assert excused_without_reason["errors"] == {"note": ["Give the reason for the excused absence."]}
    assert (excused.json()["attendance"], excused.json()["response_note"]) == ("excused", "因公出差")
    assert by_member.json() == {"detail": STAFF_ONLY}
    assert list(unknown["errors"]) == ["attendance"]


def test_staff_take_someone_off_the_list(aw):
    assert client(aw, "bob").delete(f"{API}/participants/{aw.bob_place.pk}/").json() == {"detail": STAFF_ONLY}
    assert client(aw, "eve").delete(f"{API}/participants/{aw.bob_place.pk}/").status_code == 404
    assert client(aw, "alice").delete(f"{API}/participants/{aw.bob_place.pk}/").status_code == 204
    assert list(aw.announced.participants.values_list("name", flat=True)) == ["崔欣"]


# --- speeches ----------------------------------------------------------------------------------------------


def speech_payload(w, **overrides) -> dict:
    return {"consultation": w.announced.pk, "kind": "oral", "title": "关于托育补贴的建议",
            "text": "建议对普惠托育机构按托位给予运营补贴，并纳入民生实事项目。", **overrides}


def test_participants_register_speeches_and_staff_record_them(aw):
    url = f"{API}/speeches/"
    registered = client(aw, "bob").post(url, speech_payload(aw), format="json")
    speech_id = registered.json()["id"]
    not_invited = client(aw, "lily").post(url, speech_payload(aw), format="json")
    outsider = client(aw, "eve").post(url, speech_payload(aw), format="json")
    for_someone = client(aw, "alice").post(url, speech_payload(aw, participant=aw.cindy_place.pk,
                                                                kind="written", title="书面意见：托育人才"),
                                           format="json")
    recorded_by_member = client(aw, "bob").post(f"{url}{speech_id}/record/", {"order": 1}, format="json")
    recorded = client(aw, "alice").post(f"{url}{speech_id}/record/", {"order": 1}, format="json")
    bad_order = client(aw, "alice").post(f"{url}{speech_id}/record/", {"order": 1000}, format="json").json()

    assert registered.status_code == 201
    assert (registered.json()["participant"], registered.json()["status"]) == (
        {"id": aw.bob_place.pk, "name": "王博"}, "registered")
    assert not_invited.json() == {"detail": "Only participants of this session may speak or hand in opinions."}
    assert outsider.json() == {"detail": INVALID, "errors": {"consultation": NOT_FOUND}}
    assert (for_someone.status_code, for_someone.json()["participant"]["name"]) == (201, "崔欣")
    assert recorded_by_member.json() == {"detail": STAFF_ONLY}
    assert (recorded.json()["status"], recorded.json()["order"]) == (SpeechStatus.DELIVERED, 1)
    assert bad_order["errors"] == {"order": ["Ensure this value is less than or equal to 999."]}


def test_speeches_are_listed_with_their_session_and_withdrawn_by_the_speaker(aw):
    speech = cs.speech_register(actor=aw.bob, consultation=aw.announced, kind="oral", title="关于托育补贴的建议",
                                text_="建议对普惠托育机构按托位给予运营补贴。")
    names = {speech.pk: "speech"}

    listed = seen(aw, f"{API}/speeches/?consultation={aw.announced.pk}", names)
    by_other = client(aw, "cindy").post(f"{API}/speeches/{speech.pk}/withdraw/")
    withdrawn = client(aw, "bob").post(f"{API}/speeches/{speech.pk}/withdraw/")
    again = client(aw, "bob").post(f"{API}/speeches/{speech.pk}/withdraw/")

    assert listed == expect({role: {"speech"} for role in ("root", "alice", "fiona", "lily", "bob", "cindy")})
    assert by_other.json() == {"detail": "You can only withdraw your own speech."}
    assert withdrawn.json()["status"] == SpeechStatus.WITHDRAWN
    assert again.status_code == 409


def test_a_speech_submitted_twice_with_one_key_is_registered_once(aw):
    api = client(aw, "bob")
    first = api.post(f"{API}/speeches/", speech_payload(aw), format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    second = api.post(f"{API}/speeches/", speech_payload(aw), format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    long_key = api.post(f"{API}/speeches/", speech_payload(aw), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101)

    assert (first.status_code, second.status_code, second.json()) == (201, 201, first.json())
    assert long_key.status_code == 400
    assert Speech.objects.filter(consultation=aw.announced).count() == 1


def test_speech_input_is_checked(aw):
    api = client(aw, "bob")
    short = api.post(f"{API}/speeches/", speech_payload(aw, text="太短"), format="json").json()
    oversized = api.post(f"{API}/speeches/", speech_payload(aw, text="长" * 20001), format="json").json()
    kind = api.post(f"{API}/speeches/", speech_payload(aw, kind="song"), format="json").json()
    others_place = api.post(f"{API}/speeches/", speech_payload(aw, participant=aw.cindy_place.pk),
                            format="json").json()

    assert short["errors"] == {"text": ["At least 10 characters."]}
    assert oversized["errors"] == {"text": ["Ensure this field has no more than 20000 characters."]}
    assert list(kind["errors"]) == ["kind"]
    assert others_place["errors"] == {"participant": NOT_FOUND}


# --- the online discussion ------------------------------------------------------------------------------


@pytest.fixture
def online(aw):
    session = aw.session(form=ConsultationForm.ONLINE, title="网络议政：城市停车", place="")
    session = aw.invited(session)
    return cs.consultation_open(actor=aw.alice, consultation=session)


def test_participants_post_while_the_discussion_is_open(aw, online):
    url = f"{API}/posts/"
    posted = client(aw, "bob").post(url, {"consultation": online.pk, "text": f"建议增加夜间共享车位{HOSTILE}"},
                                    format="json")
    not_invited = client(aw, "lily").post(url, {"consultation": online.pk, "text": "领导也想说两句"}, format="json")
    twice = [client(aw, "cindy").post(url, {"consultation": online.pk, "text": "同意"}, format="json",
                                      HTTP_IDEMPOTENCY_KEY="post-1") for _ in range(2)]
    cs.discussion_set(actor=aw.alice, consultation=online, open_=False)
    closed = client(aw, "bob").post(url, {"consultation": online.pk, "text": "补充一条意见"}, format="json")

    assert posted.status_code == 201
    assert (posted.json()["author"], posted.json()["participant"]["name"], posted.json()["text"]) == (
        "王博", "王博", f"建议增加夜间共享车位{HOSTILE}")
    assert not_invited.json() == {"detail": "Only participants of this session may take part in the discussion."}
    assert [r.status_code for r in twice] == [201, 201]
    assert Post.objects.filter(consultation=online, author=aw.cindy).count() == 1
    assert closed.status_code == 409
    assert closed.json() == {"detail": "The discussion is closed."}


def test_hidden_posts_are_listed_to_staff_only(aw, online):
    kept = cs.post_add(actor=aw.bob, consultation=online, text_="建议增加夜间共享车位")
    hidden = cs.post_add(actor=aw.cindy, consultation=online, text_="与议题无关的广告内容")
    names = {kept.pk: "kept", hidden.pk: "hidden"}

    by_member = client(aw, "bob").post(f"{API}/posts/{hidden.pk}/hide/")
    hid = client(aw, "alice").post(f"{API}/posts/{hidden.pk}/hide/")
    listed = seen(aw, f"{API}/posts/?consultation={online.pk}", names)
    shown = client(aw, "alice").post(f"{API}/posts/{hidden.pk}/show/")

    assert by_member.json() == {"detail": STAFF_ONLY}
    assert hid.json()["is_hidden"] is True
    assert listed == expect({"root": {"kept", "hidden"}, "alice": {"kept", "hidden"}, "fiona": {"kept", "hidden"},
                             "lily": {"kept"}, "bob": {"kept"}, "cindy": {"kept"}})
    assert shown.json()["is_hidden"] is False


# --- the calendar and its feed ------------------------------------------------------------------------------


def test_calendar_lists_the_sessions_each_role_may_see(aw):
    today = timezone.localdate()
    url = f"{API}/calendar/?start={today.isoformat()}&end={(today + dt.timedelta(days=30)).isoformat()}"
    titles = {}
    for role in ("alice", "bob", "carol", "ben", "eve"):
        titles[role] = [e["title"] for e in client(aw, role).get(url).json()]

    assert titles == {"alice": ["筹备中的专题协商会", "普惠托育专题协商会", "教育工作对口协商会"],
                      "bob": ["普惠托育专题协商会", "教育工作对口协商会"], "carol": ["教育工作对口协商会"],
                      "ben": ["乙市交通专题协商会"], "eve": []}
    event = client(aw, "bob").get(url).json()[0]
    assert {k: v for k, v in event.items() if k not in ("starts_at", "ends_at", "id")} == {
        "kind": "consultation", "title": "普惠托育专题协商会", "place": "市政协三楼会议室", "is_online": False,
        "label": "专题协商", "status": "Announced", "state": "announced", "committee": "甲市政协",
        "url": f"/consultations/{aw.announced.pk}/"}
    assert client(aw, None).get(url).status_code == 403


@pytest.mark.parametrize(("query", "errors"), [
    ("", {"start": ["This field is required."], "end": ["This field is required."]}),
    ("start=2026-13-01&end=2026-12-01", {"start": ["Enter a date as YYYY-MM-DD, or a date and time."]}),
    ("start=2026-03-01&end=2026-02-01", {"end": ["The end must be after the start."]}),
    ("start=2026-01-01&end=2027-03-01", {"end": ["At most 400 days at a time."]}),
    ("start=1900-01-01&end=1900-02-01", {"start": ["Enter a date from 2000 to 2100."],
                                         "end": ["Enter a date from 2000 to 2100."]}),
    ("start=<script>&end=2026-01-01", {"start": ["Enter a date as YYYY-MM-DD, or a date and time."]}),
])
def test_calendar_dates_are_checked(aw, query, errors):
    response = client(aw, "alice").get(f"{API}/calendar/?{query}")

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID, "errors": errors}


def test_calendar_takes_date_and_time_bounds(aw):
    start = timezone.localtime(aw.in_b.starts_at)
    naive = client(aw, "ben").get(f"{API}/calendar/", {
        "start": start.replace(tzinfo=None).isoformat(),
        "end": (start + dt.timedelta(minutes=1)).replace(tzinfo=None).isoformat()})
    aware = client(aw, "ben").get(f"{API}/calendar/", {
        "start": (start + dt.timedelta(hours=3)).isoformat(), "end": (start + dt.timedelta(days=1)).isoformat()})

    assert [e["title"] for e in naive.json()] == ["乙市交通专题协商会"]
    assert aware.json() == []


def test_calendar_feed_address_is_the_callers_own_and_can_be_replaced(aw):
    api = client(aw, "bob")
    first = api.get(f"{API}/calendar-feed/").json()
    same = api.get(f"{API}/calendar-feed/").json()
    token = CalendarFeed.objects.get(user=aw.bob).token
    replaced = api.post(f"{API}/calendar-feed/").json()
    new_token = CalendarFeed.objects.get(user=aw.bob).token

    assert first == same == {"url": f"http://testserver/consultations/calendar/{token}.ics"}
    assert replaced == {"url": f"http://testserver/consultations/calendar/{new_token}.ics"}
    assert new_token != token
    assert client(aw, None).get(f"{API}/calendar-feed/").status_code == 403


# --- the schema ---------------------------------------------------------------------------------------------


def test_schema_describes_every_consultation_endpoint(db):
    paths = client_for(None).get("/api/schema/?format=json").json()["paths"]
    prefixes = ("/api/v1/consultation", "/api/v1/participants/", "/api/v1/speeches/", "/api/v1/posts/",
                "/api/v1/instructions/", "/api/v1/duty-tasks/", "/api/v1/task-activities/", "/api/v1/information",
                "/api/v1/bulletin")
    described = {path: sorted(paths[path]) for path in paths
                 if path.startswith(prefixes) or path in ("/api/v1/calendar/", "/api/v1/calendar-feed/")}
    get, post, read, write = ["get"], ["post"], ["get"], ["get", "patch"]
    lists = ["get", "post"]

    assert described == {
        "/api/v1/calendar/": get, "/api/v1/calendar-feed/": ["get", "post"], "/api/v1/consultation-statistics/": get,
        "/api/v1/consultation-kinds/": lists, "/api/v1/consultation-kinds/{id}/": write,
        "/api/v1/consultation-kinds/install/": post,
        "/api/v1/consultation-topics/": lists, "/api/v1/consultation-topics/{id}/": read,
        "/api/v1/consultation-topics/{id}/review/": post, "/api/v1/consultation-topics/queue/": get,
        "/api/v1/consultation-plans/": lists, "/api/v1/consultation-plans/{id}/": write,
        **{f"/api/v1/consultation-plans/{{id}}/{a}/": post for a in ("schedule", "unschedule", "publish")},
        "/api/v1/consultations/": lists, "/api/v1/consultations/{id}/": write,
        **{f"/api/v1/consultations/{{id}}/{a}/": post for a in (
            "announce", "open", "close", "cancel", "invite", "steps", "discussion")},
        "/api/v1/consultations/{id}/materials/": lists,
        "/api/v1/consultations/{id}/materials/{material_id}/": ["delete", "get"],
        "/api/v1/consultations/{id}/timeline/": get, "/api/v1/consultations/mine/": get,
        "/api/v1/participants/": get, "/api/v1/participants/{id}/": ["delete", "get"],
        **{f"/api/v1/participants/{{id}}/{a}/": post for a in ("respond", "check-in", "attendance")},
        "/api/v1/speeches/": lists, "/api/v1/speeches/{id}/": read,
        **{f"/api/v1/speeches/{{id}}/{a}/": post for a in ("record", "withdraw")},
        "/api/v1/posts/": lists, "/api/v1/posts/{id}/": read,
        **{f"/api/v1/posts/{{id}}/{a}/": post for a in ("hide", "show")},
        "/api/v1/consultation-results/": lists, "/api/v1/consultation-results/{id}/": write,
        **{f"/api/v1/consultation-results/{{id}}/{a}/": post for a in (
            "approve", "return", "send", "instruct", "follow-up")},
        "/api/v1/instructions/": get, "/api/v1/instructions/{id}/": read,
        "/api/v1/duty-tasks/": lists, "/api/v1/duty-tasks/{id}/": write,
        **{f"/api/v1/duty-tasks/{{id}}/{a}/": post for a in (
            "team", "start", "findings", "report", "carry-over", "conclude", "return", "instruct", "follow-up")},
        "/api/v1/duty-tasks/{id}/activities/": get,
        "/api/v1/task-activities/": lists, "/api/v1/task-activities/{id}/": write,
        "/api/v1/information/": lists, "/api/v1/information/{id}/": ["delete", "get", "patch"],
        **{f"/api/v1/information/{{id}}/{a}/": post for a in (
            "submit", "withdraw", "reject", "approve", "sign-off", "reopen", "adopt", "instruct", "pass")},
        **{f"/api/v1/information/{a}/": get for a in ("mine", "review-queue", "credits")},
        "/api/v1/information/intake/": post,
        "/api/v1/information-officers/": lists, "/api/v1/information-officers/{id}/": write,
        "/api/v1/bulletins/": lists, "/api/v1/bulletins/{id}/": write,
        "/api/v1/bulletin-issues/": lists, "/api/v1/bulletin-issues/{id}/": read,
        **{f"/api/v1/bulletin-issues/{{id}}/{a}/": post for a in ("add-items", "remove-item", "send")},
        "/api/v1/bulletin-issues/{id}/pdf/": get,
    }
    pdf = paths["/api/v1/bulletin-issues/{id}/pdf/"]["get"]["responses"]["200"]["content"]
    assert list(pdf) == ["application/pdf"]


def test_schema_names_the_consultation_choice_sets(db):
    schemas = client_for(None).get("/api/schema/?format=json").json()["components"]["schemas"]

    assert schemas["ConsultationStatusEnum"]["enum"] == ["planned", "announced", "open", "held", "cancelled"]
    assert schemas["InformationStatusEnum"]["enum"] == ["draft", "submitted", "not_adopted", "approved",
                                                        "signed_off", "compiled", "sent"]
    assert schemas["AttendanceEnum"]["enum"] == ["", "present", "excused", "absent"]
    assert schemas["ConsultationList"]["properties"]["status"] == {"$ref": "#/components/schemas/ConsultationStatusEnum"}


def test_schema_generation_has_no_warnings(tmp_path):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"), stderr=out)

    assert (tmp_path / "schema.yml").read_text(encoding="utf-8").startswith("openapi: 3")
