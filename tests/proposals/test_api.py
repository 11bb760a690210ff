"""The micro-suggestion and handling API under /api/v1/ × every role.

- a list holds exactly what the role may see; an object outside it is 404, never 403;
- workflow steps: the one allowed role succeeds; a role that sees the object but may not act
  gets 403; bad input is 400 with field errors in the caller's language; a step the object's
  state forbids is 409;
- ``Idempotency-Key`` replays the first answer; a different body under the same key is 422;
- every list costs the same number of queries for 1 row as for 10;
- the OpenAPI schema describes every endpoint.

Roles: root (superuser), alice (staff of A), fiona (staff of A and below), lily (leader of A),
bob (member of A, the submitter), cindy (another member of A), carol (liaison of 甲市教育局),
hank (liaison of 甲市卫生健康委员会), dave (liaison of department B, committee B), ben (member
of B), eve (outsider), None (anonymous).
"""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from cppcc_portal.core import outbox, workdays
from cppcc_portal.core.models import OutboxMessage
from proposals.choices import AssignmentStatus, RequestStatus
from proposals.models import Case, Category, Follow, HandlingPolicy, Reply, RoutingRule
from proposals.services import config, handling, micro_suggestions
from tests.conftest import client_for

ROLES = ("root", "alice", "fiona", "lily", "bob", "cindy", "carol", "hank", "dave", "ben", "eve", None)
API = "/api/v1"
STREETLIGHT = ("幸福小区路灯不亮", "幸福小区的路灯坏了三个月，晚上老人孩子出行很不方便。")
HOSPITAL = ("看病排队太久", "市人民医院挂号窗口排长队，老年人等候时间过长，建议增加自助机。")
PLAYGROUND = ("学校操场开放", "建议周末向社区居民开放学校操场，供居民锻炼身体。")


def zh(message: str, **params) -> str:
    """``message`` as a caller asking for Simplified Chinese reads it."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    assert text != message, f"no Chinese translation of {message!r}"
    return text % params if params else text


def client(h, role, language: str | None = None):
    return client_for(getattr(h, role) if role else None, language)


def name_of(role) -> str:
    return role or "anonymous"


@pytest.fixture
def flow(h, clock):
    """One object of every kind the API lists:

    - ``handling``: bob's, 甲市教育局 (carol) leads; carol asked for an extension (pending)
    - ``returning``: bob's, 甲市教育局; carol asked to return it (申退, pending)
    - ``triage``: bob's, no rule fits
    - ``cindys``: cindy's, 卫健委 (hank) leads, 住建局 (jack) co-handles
    - ``stuck``: bob's, its routing message failed until it became a dead letter
    - ``in_b``: ben's in committee B, routed by root to 乙市交通运输局 (dave)
    """
    f = h
    f.triage = h.route(h.submit(*STREETLIGHT))  # first, before rule decisions teach the recommendation
    f.handling = h.submit_routed()
    f.asg_handling = h.open_assignment(f.handling, h.dept_a)
    f.extension = handling.extension_request(actor=h.carol, assignment=f.asg_handling, workdays_requested=3,
                                             reason="需要协调交警部门")
    f.returning = h.submit_routed(*PLAYGROUND)
    f.asg_returning = h.open_assignment(f.returning, h.dept_a)
    f.objection = handling.assignment_object(actor=h.carol, assignment=f.asg_returning, reason="操场开放属街道职责")
    f.cindys = h.route(h.submit(*HOSPITAL, member=h.cindy_seat))
    f.cindys_lead = h.open_assignment(f.cindys, h.dept_a2)
    f.cindys_co = h.open_assignment(f.cindys, h.dept_a3)
    f.stuck = h.submit("公交站台没有遮阳棚", "人民路公交站台没有遮阳棚，夏天候车很热，建议加装。")
    f.dead = OutboxMessage.objects.get(key=micro_suggestions.route_key(f.stuck.pk))
    for _ in range(5):
        outbox.mark_failed(f.dead.pk, "OperationalError: server closed the connection unexpectedly")
    f.in_b = h.route(micro_suggestions.micro_suggestion_submit(
        actor=h.ben, member=h.ben_seat, title="公交线路太少", content="新区只有一条公交线路，建议增开班次和线路。"))
    handling.case_route(actor=h.root, case=f.in_b, lead_department=h.dept_b)
    f.asg_b = h.open_assignment(f.in_b, h.dept_b)
    return f


# --- what each role sees ----------------------------------------------------------------------------

A_CASES = "handling returning triage cindys stuck"
A_ASSIGNMENTS = "asg_handling asg_returning cindys_lead cindys_co"
A_CATEGORIES = "cat_edu cat_health cat_city"
A_RULES = "rule_school rule_hospital rule_east"


def table(**rows: str) -> dict:
    return {None if role == "anonymous" else role: set(names.split()) for role, names in rows.items()}


VISIBLE = {
    "micro-suggestions": table(
        root=f"{A_CASES} in_b", alice=A_CASES, fiona=A_CASES, lily=A_CASES, bob=A_CASES, cindy=A_CASES,
        carol="handling returning", hank="cindys", dave="in_b", ben="in_b", eve=""),
    "assignments": table(
        root=f"{A_ASSIGNMENTS} asg_b", alice=A_ASSIGNMENTS, fiona=A_ASSIGNMENTS, lily=A_ASSIGNMENTS, bob="", cindy="",
        carol="asg_handling asg_returning", hank="cindys_lead", dave="asg_b", ben="", eve=""),
    "assignments/inbox": table(
        root="", alice="", fiona="", lily="", bob="", cindy="", carol="asg_handling asg_returning", hank="cindys_lead",
        dave="asg_b", ben="", eve=""),
    "return-requests": table(
        root="objection", alice="objection", fiona="objection", lily="objection", bob="", cindy="", carol="objection",
        hank="", dave="", ben="", eve=""),
    "extension-requests": table(
        root="extension", alice="extension", fiona="extension", lily="extension", bob="", cindy="", carol="extension",
        hank="", dave="", ben="", eve=""),
    "categories": table(
        root=f"{A_CATEGORIES} cat_b", alice=A_CATEGORIES, fiona=A_CATEGORIES, lily=A_CATEGORIES, bob=A_CATEGORIES,
        cindy=A_CATEGORIES, carol=A_CATEGORIES, hank=A_CATEGORIES, dave="cat_b", ben="cat_b", eve=""),
    "routing-rules": table(
        root=A_RULES, alice=A_RULES, fiona=A_RULES, lily=A_RULES, bob="", cindy="", carol="", hank="", dave="", ben="",
        eve=""),
    "handling-policies": table(
        root="policy", alice="policy", fiona="policy", lily="policy", bob="", cindy="", carol="", hank="", dave="",
        ben="", eve=""),
    "dead-letters": table(
        root="dead", alice="dead", fiona="dead", lily="", bob="", cindy="", carol="", hank="", dave="", ben="", eve=""),
}


def names_by_id(f, names: set[str]) -> dict[int, str]:
    return {getattr(f, n).pk: n for n in names}


@pytest.mark.parametrize("endpoint", list(VISIBLE))
def test_list_holds_exactly_what_each_role_may_see(flow, endpoint):
    everything = names_by_id(flow, set().union(*VISIBLE[endpoint].values()))
    seen, expected = {}, {}
    for role in ROLES:
        response = client(flow, role).get(f"{API}/{endpoint}/")
        if role is None:
            assert response.status_code == 403
            continue
        assert response.status_code == 200, (role, response.content)
        seen[role] = {everything.get(row["id"], row["id"]) for row in response.json()["results"]}
        expected[role] = VISIBLE[endpoint][role]
    assert seen == expected


@pytest.mark.parametrize("endpoint", [e for e in VISIBLE if e != "assignments/inbox"])
def test_object_outside_the_roles_scope_is_404(flow, endpoint):
    everything = VISIBLE[endpoint]["root"]
    answers, expected = {}, {}
    for role in ROLES:
        for name in sorted(everything):
            code = client(flow, role).get(f"{API}/{endpoint}/{getattr(flow, name).pk}/").status_code
            answers[(name_of(role), name)] = code
            expected[(name_of(role), name)] = 403 if role is None else 200 if name in VISIBLE[endpoint][role] else 404
    assert answers == expected


def test_list_representation_of_a_micro_suggestion(flow, clock):
    body = client(flow, "carol").get(f"{API}/micro-suggestions/").json()

    due = workdays.add_workdays(clock.start, 10)
    (row,) = [r for r in body["results"] if r["id"] == flow.handling.pk]
    assert {k: v for k, v in row.items() if not k.endswith("_at")} == {
        "id": flow.handling.pk, "title": "学校门口交通拥堵", "status": "handling",
        "status_display": zh("Being handled"), "committee": {"id": flow.a.pk, "name": "甲市政协"},
        "category": {"id": flow.cat_edu.pk, "name": "教育"}, "submitter": {"id": flow.bob_seat.pk, "name": "王博"},
        "handling_mode": "single", "round": 1, "due_date": due.isoformat(), "is_overdue": False, "rating": "",
    }
    assert (body["next"], body["previous"]) == (None, None)


def test_automatic_routing_decision_names_no_person(flow):
    body = client(flow, "alice").get(f"{API}/micro-suggestions/{flow.handling.pk}/").json()
    root = client(flow, "root").get(f"{API}/micro-suggestions/{flow.in_b.pk}/").json()

    assert [(d["method"], d["decided_by"]) for d in body["routing_decisions"]] == [("rule", "")]
    assert [(d["method"], d["decided_by"]) for d in root["routing_decisions"]] == [
        ("triage", ""), ("manual", "系统管理员")]


def test_co_handlers_opinion_is_shown_to_departments_and_staff_but_not_to_the_member(flow):
    handling.assignment_reply(actor=flow.jack, assignment=flow.cindys_co, text="住建局意见")
    handling.assignment_reply(actor=flow.hank, assignment=flow.cindys_lead, text="卫健委答复")

    def texts(role):
        body = client(flow, role).get(f"{API}/micro-suggestions/{flow.cindys.pk}/").json()
        return [(r["text"], r["is_opinion"]) for r in body["replies"]]

    everything = [("住建局意见", True), ("卫健委答复", False)]
    assert {role: texts(role) for role in ("alice", "lily", "hank", "cindy", "bob")} == {
        "alice": everything, "lily": everything, "hank": everything,
        "cindy": [("卫健委答复", False)], "bob": [("卫健委答复", False)]}


# --- workflow steps ----------------------------------------------------------------------------------


def attempt(f, roles, method: str, url: str, data=None) -> dict:
    """The status code each role gets; denied roles must leave nothing changed."""
    codes = {}
    for role in roles:
        response = getattr(client(f, role), method)(url, data, format="json")
        codes[name_of(role)] = response.status_code
    return codes


def test_members_submit_and_everyone_else_is_told_only_members_can(flow):
    payload = {"title": "菜市场周边占道经营", "content": "菜市场周边占道经营严重，早高峰通行困难，建议规范管理。"}
    before = Case.objects.count()

    codes = attempt(flow, ("alice", "fiona", "lily", "carol", "hank", "dave", "eve", "root", None),
                    "post", f"{API}/micro-suggestions/", payload)
    refused = client(flow, "alice", "zh-hans").post(f"{API}/micro-suggestions/", payload, format="json")
    created = {role: client(flow, role).post(f"{API}/micro-suggestions/", payload, format="json")
               for role in ("bob", "cindy", "ben")}

    assert codes == {"alice": 404, "fiona": 404, "lily": 404, "carol": 404, "hank": 404, "dave": 404, "eve": 404,
                     "root": 404, "anonymous": 403}
    assert refused.json() == {"detail": zh("Only serving members can submit micro-suggestions.")}
    assert {role: r.status_code for role, r in created.items()} == {"bob": 201, "cindy": 201, "ben": 201}
    body = created["bob"].json()
    assert (body["status"], body["title"], body["submitter"], body["committee"], body["assignments"]) == (
        "routing", "菜市场周边占道经营", {"id": flow.bob_seat.pk, "name": "王博"},
        {"id": flow.a.pk, "name": "甲市政协"}, [])
    assert created["ben"].json()["committee"] == {"id": flow.b.pk, "name": "乙市政协"}
    assert Case.objects.count() == before + 3


def test_submission_field_errors_are_in_the_callers_language(flow):
    api = client(flow, "bob", "zh-hans")

    empty = api.post(f"{API}/micro-suggestions/", {}, format="json")
    short = api.post(f"{API}/micro-suggestions/", {"title": "路灯", "content": STREETLIGHT[1]}, format="json")
    foreign = api.post(f"{API}/micro-suggestions/", {"title": STREETLIGHT[0], "content": STREETLIGHT[1],
                                                      "category": flow.cat_b.pk}, format="json")
    not_mine = api.post(f"{API}/micro-suggestions/", {"title": STREETLIGHT[0], "content": STREETLIGHT[1],
                                                       "member": flow.cindy_seat.pk}, format="json")

    assert (empty.status_code, short.status_code, foreign.status_code, not_mine.status_code) == (400, 400, 400, 400)
    assert empty.json() == {"detail": zh("The input is not valid."),
                            "errors": {"title": [zh("This field is required.")],
                                       "content": [zh("This field is required.")]}}
    assert short.json()["errors"] == {
        "title": [zh("Ensure this field has at least {min_length} characters.").format(min_length=4)]}
    assert foreign.json()["errors"] == {
        "category": [zh('Invalid pk "{pk_value}" - object does not exist.').format(pk_value=flow.cat_b.pk)]}
    assert not_mine.json()["errors"] == {"member": [zh("This is not your seat.")]}
    assert Case.objects.filter(title=STREETLIGHT[0]).count() == 1  # the triage item of the flow, nothing new


def test_submission_with_an_upload_through_the_api(flow):
    from tests.proposals.test_micro_suggestions import png_with_exif, upload

    response = client(flow, "bob").post(
        f"{API}/micro-suggestions/",
        {"title": STREETLIGHT[0], "content": STREETLIGHT[1], "attachments": [upload("路灯.png", png_with_exif())]},
        format="multipart")
    refused = client(flow, "bob", "zh-hans").post(
        f"{API}/micro-suggestions/",
        {"title": STREETLIGHT[0], "content": STREETLIGHT[1], "attachments": [upload("setup.exe", b"MZ" + b"\0" * 64)]},
        format="multipart")

    assert response.status_code == 201
    assert [(a["original_name"], a["content_type"]) for a in response.json()["attachments"]] == [
        ("路灯.png", "image/png")]
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["attachments"]


def test_only_staff_route_and_others_who_see_the_item_get_403(flow):
    url = f"{API}/micro-suggestions/{flow.triage.pk}/route/"
    payload = {"lead_department": flow.dept_a3.pk, "reason": "路灯归住建局"}

    denied = attempt(flow, ("bob", "cindy", "lily", "carol", "hank", "dave", "ben", "eve", None), "post", url, payload)
    routed = client(flow, "alice").post(url, payload, format="json")
    rerouted = client(flow, "fiona").post(url, {"lead_department": flow.dept_a2.pk}, format="json")

    assert denied == {"bob": 403, "cindy": 403, "lily": 403, "carol": 404, "hank": 404, "dave": 404, "ben": 404,
                      "eve": 404, "anonymous": 403}
    assert routed.status_code == 200
    assert (routed.json()["status"], [(a["department"]["id"], a["status"]) for a in routed.json()["assignments"]]) == (
        "handling", [(flow.dept_a3.pk, "assigned")])
    assert rerouted.status_code == 200
    assert sorted((a["department"]["id"], a["status"]) for a in rerouted.json()["assignments"]) == sorted(
        [(flow.dept_a3.pk, "withdrawn"), (flow.dept_a2.pk, "assigned")])
    assert [d["decided_by"] for d in rerouted.json()["routing_decisions"]] == ["", "张爱丽", "周菲"]


def test_route_to_a_department_outside_the_committee_is_a_field_error(flow):
    response = client(flow, "alice", "zh-hans").post(f"{API}/micro-suggestions/{flow.triage.pk}/route/",
                                                     {"lead_department": flow.dept_b.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "lead_department": [zh('Invalid pk "{pk_value}" - object does not exist.').format(pk_value=flow.dept_b.pk)]}


def test_routing_a_closed_item_is_a_conflict(flow):
    case = flow.replied(flow.handling)
    handling.case_rate(actor=flow.bob, reply=case.replies.get(), rating="satisfied")

    response = client(flow, "alice", "zh-hans").post(f"{API}/micro-suggestions/{case.pk}/route/",
                                                     {"lead_department": flow.dept_a2.pk}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": zh("This item is %(state)s; it can no longer be routed.",
                                            state=zh("Closed"))}


def test_recommendations_are_for_staff(flow):
    url = f"{API}/micro-suggestions/{flow.triage.pk}/recommendations/"

    codes = attempt(flow, ROLES, "get", url)
    body = client(flow, "alice").get(url).json()

    assert codes == {"root": 200, "alice": 200, "fiona": 200, "lily": 404, "bob": 404, "cindy": 404, "carol": 404,
                     "hank": 404, "dave": 404, "ben": 404, "eve": 404, "anonymous": 403}
    assert body == {"rule": None, "candidates": []}
    hospital = client(flow, "alice").get(f"{API}/micro-suggestions/{flow.cindys.pk}/recommendations/").json()
    assert hospital["rule"] == {"id": flow.rule_hospital.pk, "name": "医院就医", "reason": zh(
        "Rule “%(rule)s” (priority %(p)d) matched: %(why)s.", rule="医院就医", p=5,
        why=zh("keywords %(k)s", k="医院、挂号"))}


def test_only_the_submitter_rates_and_a_second_rating_is_a_conflict(flow):
    case = flow.replied(flow.handling)
    reply = case.replies.get()
    url = f"{API}/micro-suggestions/{case.pk}/rate/"
    payload = {"reply": reply.pk, "rating": "satisfied"}

    denied = attempt(flow, ("root", "alice", "lily", "cindy", "carol", "hank", "dave", "eve", None), "post", url,
                     payload)
    rated = client(flow, "bob").post(url, payload, format="json")
    again = client(flow, "bob", "zh-hans").post(url, {"reply": reply.pk, "rating": "unsatisfied", "comment": "不行"},
                                                format="json")

    assert denied == {"root": 403, "alice": 403, "lily": 403, "cindy": 403, "carol": 403, "hank": 404, "dave": 404,
                      "eve": 404, "anonymous": 403}
    assert rated.status_code == 200
    assert (rated.json()["status"], rated.json()["rating"], rated.json()["replies"][0]["feedback"]["rating"]) == (
        "closed", "satisfied", "satisfied")
    assert again.status_code == 409
    assert again.json() == {"detail": zh("This reply cannot be rated now.")}


def test_rating_input_errors(flow):
    case = flow.replied(flow.handling)
    api = client(flow, "bob", "zh-hans")
    url = f"{API}/micro-suggestions/{case.pk}/rate/"
    other_reply = flow.replied(flow.submit_routed(*PLAYGROUND)).replies.get()

    no_comment = api.post(url, {"reply": case.replies.get().pk, "rating": "unsatisfied"}, format="json")
    none = api.post(url, {"reply": case.replies.get().pk, "rating": "none"}, format="json")
    elsewhere = api.post(url, {"reply": other_reply.pk, "rating": "satisfied"}, format="json")

    assert (no_comment.status_code, none.status_code, elsewhere.status_code) == (400, 400, 404)
    assert no_comment.json()["errors"] == {"comment": [zh("This field is required.")]}
    assert none.json()["errors"] == {"rating": [zh('"{input}" is not a valid choice.').format(input="none")]}


def test_staff_leaders_and_members_follow_an_item(flow):
    url = f"{API}/micro-suggestions/{flow.handling.pk}/follow/"

    codes = attempt(flow, ROLES, "post", url, {"kind": "supervise"})
    following = client(flow, "lily").get(f"{API}/micro-suggestions/{flow.handling.pk}/").json()["following"]
    client(flow, "lily").post(f"{API}/micro-suggestions/{flow.handling.pk}/unfollow/")

    assert codes == {"root": 200, "alice": 200, "fiona": 200, "lily": 200, "bob": 200, "cindy": 200, "carol": 403,
                     "hank": 404, "dave": 404, "ben": 404, "eve": 404, "anonymous": 403}
    assert following == "supervise"
    assert sorted(Follow.objects.values_list("user__username", flat=True)) == [
        "alice", "bob", "cindy", "fiona", "root"]


def test_timeline_is_for_staff_leaders_and_the_submitter(flow):
    url = f"{API}/micro-suggestions/{flow.handling.pk}/timeline/"

    codes = attempt(flow, ROLES, "get", url)
    entries = client(flow, "bob").get(url).json()

    assert codes == {"root": 200, "alice": 200, "fiona": 200, "lily": 200, "bob": 200, "cindy": 403, "carol": 403,
                     "hank": 404, "dave": 404, "ben": 404, "eve": 404, "anonymous": 403}
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("extension.request", "陈卡萝"), ("case.route", ""), ("case.submit", "王博")]


def test_export_holds_the_rows_the_role_sees(flow):
    def rows(role):
        response = client(flow, role).get(f"{API}/micro-suggestions/export/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        sheet = load_workbook(io.BytesIO(response.content)).active
        return sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))

    assert client(flow, None).get(f"{API}/micro-suggestions/export/").status_code == 403
    assert {role: rows(role) for role in ("alice", "carol", "dave", "eve")} == {
        "alice": sorted(getattr(flow, n).pk for n in A_CASES.split()),
        "carol": sorted([flow.handling.pk, flow.returning.pk]),
        "dave": [flow.in_b.pk],
        "eve": [],
    }


def test_inbox_export_holds_the_liaisons_open_work(flow):
    def rows(role):
        response = client(flow, role).get(f"{API}/assignments/inbox/export/")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        return sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))

    assert client(flow, None).get(f"{API}/assignments/inbox/export/").status_code == 403
    assert {role: rows(role) for role in ("carol", "hank", "alice")} == {
        "carol": sorted([flow.handling.pk, flow.returning.pk]), "hank": [flow.cindys.pk], "alice": []}


@pytest.mark.parametrize("endpoint", ["categories", "routing-rules"])
def test_configuration_timeline_is_for_staff_and_leaders(flow, endpoint):
    obj, created = {"categories": (flow.cat_edu, "category.create"),
                    "routing-rules": (flow.rule_school, "routing_rule.create")}[endpoint]

    codes = attempt(flow, ROLES, "get", f"{API}/{endpoint}/{obj.pk}/timeline/")
    entries = client(flow, "lily").get(f"{API}/{endpoint}/{obj.pk}/timeline/").json()

    sees = {"categories": 403, "routing-rules": 404}[endpoint]  # members and liaisons see categories, not rules
    assert codes == {"root": 200, "alice": 200, "fiona": 200, "lily": 200, "bob": sees, "cindy": sees, "carol": sees,
                     "hank": sees, "dave": 404, "ben": 404, "eve": 404, "anonymous": 403}
    assert [(e["action"], e["actor"]) for e in entries] == [(created, "张爱丽")]


def test_statistics_count_what_the_role_sees(flow):
    def by_status(role):
        body = client(flow, role).get(f"{API}/micro-suggestions/statistics/").json()
        return body["total"], {k: v for k, v in body["by_status"].items() if v}

    assert {role: by_status(role) for role in ("alice", "carol", "eve")} == {
        "alice": (5, {"routing": 1, "triage": 1, "handling": 3}),
        "carol": (2, {"handling": 2}),
        "eve": (0, {}),
    }


# --- the department's steps ------------------------------------------------------------------------------

# Staff and the leader see the assignment but may not act for the department (403); members and
# other departments' liaisons do not see it (404).
DEPARTMENT_DENIED = {"alice": 403, "fiona": 403, "lily": 403, "bob": 404, "cindy": 404, "hank": 404, "dave": 404,
                     "ben": 404, "eve": 404, "anonymous": 403}
NOT_LIAISONS = ("alice", "fiona", "lily", "bob", "cindy", "hank", "dave", "ben", "eve", None)


def test_only_the_departments_liaison_accepts(flow):
    url = f"{API}/assignments/{flow.asg_handling.pk}/accept/"

    denied = attempt(flow, NOT_LIAISONS, "post", url)
    accepted = client(flow, "carol").post(url)
    again = client(flow, "carol", "zh-hans").post(url)

    assert denied == DEPARTMENT_DENIED
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    assert again.status_code == 409
    assert again.json() == {"detail": zh("This assignment is %(state)s; that step is not possible now.",
                                         state=zh("Accepted (签收)"))}


def test_return_request_inside_the_window_pauses_and_after_it_is_a_conflict(flow, clock):
    url = f"{API}/assignments/{flow.asg_handling.pk}/return/"
    payload = {"reason": "属于交警部门职责", "suggested_department": flow.dept_a2.pk}

    denied = attempt(flow, NOT_LIAISONS, "post", url, payload)
    missing = client(flow, "carol", "zh-hans").post(url, {}, format="json")
    until = flow.asg_handling.objection_until
    clock.move_to(workdays.add_workdays(until, 1))
    late = client(flow, "carol", "zh-hans").post(url, payload, format="json")
    clock.move_to(until)
    accepted = client(flow, "carol").post(url, payload, format="json")

    assert denied == DEPARTMENT_DENIED
    assert (missing.status_code, missing.json()["errors"]) == (400, {"reason": [zh("This field is required.")]})
    assert (late.status_code, late.json()) == (409, {"detail": zh("A return could be requested until %(d)s.",
                                                                  d=until.isoformat())})
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["paused_at"]) == ("objecting", until.isoformat())


def test_contact_record_date_cannot_be_in_the_future(flow, clock):
    url = f"{API}/assignments/{flow.asg_handling.pk}/contact/"
    payload = {"method": "meeting", "contacted_on": clock.today.isoformat(), "note": "到学校现场座谈"}

    denied = attempt(flow, NOT_LIAISONS, "post", url, payload)
    recorded = client(flow, "carol").post(url, payload, format="json")
    future = client(flow, "carol", "zh-hans").post(
        url, {**payload, "contacted_on": workdays.add_workdays(clock.today, 1).isoformat()}, format="json")

    assert denied == DEPARTMENT_DENIED
    assert recorded.status_code == 200
    assert (future.status_code, future.json()["errors"]) == (
        400, {"contacted_on": [zh("The date cannot be in the future.")]})


def test_reply_once_per_round(flow):
    url = f"{API}/assignments/{flow.asg_handling.pk}/reply/"

    denied = attempt(flow, NOT_LIAISONS, "post", url, {"text": "代为答复"})
    empty = client(flow, "carol", "zh-hans").post(url, {}, format="json")
    replied = client(flow, "carol").post(url, {"text": "已实行错峰放学。"}, format="json")
    again = client(flow, "carol", "zh-hans").post(url, {"text": "再次答复"}, format="json")

    assert denied == DEPARTMENT_DENIED
    assert (empty.status_code, empty.json()["errors"]) == (400, {"text": [zh("This field is required.")]})
    assert (replied.status_code, replied.json()["status"], replied.json()["case"]["status"]) == (
        200, "replied", "replied")
    assert (again.status_code, again.json()) == (409, {"detail": zh(
        "This item is not being handled by your department now.")})
    assert list(Reply.objects.values_list("text", flat=True)) == ["已实行错峰放学。"]


def test_reply_letter_upload_is_cleaned(flow):
    from tests.proposals.test_micro_suggestions import pdf, upload

    response = client(flow, "carol").post(f"{API}/assignments/{flow.asg_handling.pk}/reply/",
                                          {"text": "答复函见附件", "attachment": upload("答复函.pdf", pdf())},
                                          format="multipart")
    refused = client(flow, "hank").post(f"{API}/assignments/{flow.cindys_lead.pk}/reply/",
                                        {"text": "答复函见附件", "attachment": upload("答复函.pdf", pdf(b"<< /S /JavaScript >>\n"))},
                                        format="multipart")

    assert response.status_code == 200
    reply = Reply.objects.get(case=flow.handling)
    assert (reply.attachment.original_name, reply.attachment.purpose) == ("答复函.pdf", "reply")
    assert refused.status_code == 400
    assert Reply.objects.filter(case=flow.cindys).count() == 0


def test_extension_requests_respect_the_policy_and_one_at_a_time(flow):
    url = f"{API}/assignments/{flow.cindys_lead.pk}/extend/"

    too_long = client(flow, "hank", "zh-hans").post(url, {"workdays": 11, "reason": "需要更长时间"}, format="json")
    zero = client(flow, "hank", "zh-hans").post(url, {"workdays": 0, "reason": "需要更长时间"}, format="json")
    asked = client(flow, "hank").post(url, {"workdays": 4, "reason": "需要更长时间"}, format="json")
    pending = client(flow, "carol", "zh-hans").post(f"{API}/assignments/{flow.asg_handling.pk}/extend/",
                                                    {"workdays": 2, "reason": "还需要时间"}, format="json")
    denied = attempt(flow, ("alice", "lily", "bob", "carol", "dave", "eve", None), "post", url,
                     {"workdays": 2, "reason": "代为申请"})

    assert (too_long.status_code, too_long.json()["errors"]) == (400, {"workdays": [zh(
        "Extensions may add at most %(n)d working days in all; %(used)d are used.", n=10, used=0)]})
    assert (zero.status_code, zero.json()["errors"]) == (400, {"workdays": [zh(
        "Ensure this value is greater than or equal to {min_value}.").format(min_value=1)]})
    assert asked.status_code == 200
    assert (pending.status_code, pending.json()) == (409, {"detail": zh(
        "An extension request is already waiting for a decision.")})
    assert denied == {"alice": 403, "lily": 403, "bob": 404, "carol": 404, "dave": 404, "eve": 404, "anonymous": 403}


# --- staff decide requests ----------------------------------------------------------------------------------

DECIDERS_DENIED = {"lily": 403, "carol": 403, "bob": 404, "cindy": 404, "hank": 404, "dave": 404, "ben": 404,
                   "eve": 404, "anonymous": 403}
NOT_DECIDERS = ("lily", "carol", "bob", "cindy", "hank", "dave", "ben", "eve", None)


def test_staff_approve_a_return_naming_the_new_department(flow):
    url = f"{API}/return-requests/{flow.objection.pk}/approve/"

    denied = attempt(flow, NOT_DECIDERS, "post", url, {"new_department": flow.dept_a2.pk})
    approved = client(flow, "alice").post(url, {"new_department": flow.dept_a2.pk, "note": "同意"}, format="json")
    again = client(flow, "fiona", "zh-hans").post(url, {}, format="json")

    assert denied == DECIDERS_DENIED
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["assignment"]["status"], approved.json()["decision_note"]) == (
        RequestStatus.APPROVED, AssignmentStatus.RETURNED, "同意")
    assert (again.status_code, again.json()) == (409, {"detail": zh("This request has already been decided.")})
    assert flow.open_assignment(flow.returning, flow.dept_a2).status == AssignmentStatus.ASSIGNED


def test_staff_reject_a_return_and_the_deadline_resumes(flow, clock):
    url = f"{API}/return-requests/{flow.objection.pk}/reject/"
    clock.move_to(workdays.add_workdays(clock.start, 2))

    denied = attempt(flow, NOT_DECIDERS, "post", url, {"note": "属于教育局职责"})
    rejected = client(flow, "alice").post(url, {"note": "属于教育局职责"}, format="json")

    assert denied == DECIDERS_DENIED
    assert rejected.status_code == 200
    assignment = rejected.json()["assignment"]
    assert (rejected.json()["status"], assignment["status"], assignment["paused_at"], assignment["due_date"]) == (
        RequestStatus.REJECTED, AssignmentStatus.ASSIGNED, None, workdays.add_workdays(clock.start, 12).isoformat())


def test_staff_approve_and_refuse_extensions(flow, clock):
    url = f"{API}/extension-requests/{flow.extension.pk}/approve/"

    denied = attempt(flow, NOT_DECIDERS, "post", url, {})
    approved = client(flow, "alice").post(url, {"note": "同意延期三个工作日"}, format="json")
    again = client(flow, "alice", "zh-hans").post(f"{API}/extension-requests/{flow.extension.pk}/reject/", {},
                                                  format="json")

    assert denied == DECIDERS_DENIED
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["assignment"]["due_date"],
            approved.json()["assignment"]["extended_workdays"]) == (
        RequestStatus.APPROVED, workdays.add_workdays(clock.start, 13).isoformat(), 3)
    assert (again.status_code, again.json()) == (409, {"detail": zh("This request has already been decided.")})


def test_staff_refuse_an_extension(flow):
    response = client(flow, "fiona").post(f"{API}/extension-requests/{flow.extension.pk}/reject/",
                                          {"note": "期限内可以办结"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["assignment"]["extended_workdays"]) == (
        RequestStatus.REJECTED, 0)


# --- configuration ------------------------------------------------------------------------------------------

CONFIG_WRITERS_DENIED = {"lily": 400, "bob": 400, "cindy": 400, "carol": 400, "hank": 400, "dave": 400, "eve": 400,
                         "anonymous": 403}
NOT_MANAGERS = ("lily", "bob", "cindy", "carol", "hank", "dave", "eve", None)


def test_staff_create_categories(flow):
    url = f"{API}/categories/"

    denied = attempt(flow, NOT_MANAGERS, "post", url, {"committee": flow.a.pk, "name": "环境保护"})
    lily = client(flow, "lily", "zh-hans").post(url, {"committee": flow.a.pk, "name": "环境保护"}, format="json")
    created = client(flow, "alice").post(url, {"committee": flow.a.pk, "name": "环境保护", "order": 4}, format="json")
    twice = client(flow, "fiona").post(url, {"committee": flow.a.pk, "name": "环境保护"}, format="json")

    assert denied == CONFIG_WRITERS_DENIED
    assert lily.json()["errors"] == {
        "committee": [zh('Invalid pk "{pk_value}" - object does not exist.').format(pk_value=flow.a.pk)]}
    assert created.status_code == 201
    assert {k: v for k, v in created.json().items() if k != "id"} == {
        "committee": {"id": flow.a.pk, "name": "甲市政协"}, "name": "环境保护", "order": 4, "is_active": True}
    assert twice.status_code == 400
    assert Category.objects.filter(name="环境保护").count() == 1


def test_staff_change_categories_others_who_see_them_get_403(flow):
    url = f"{API}/categories/{flow.cat_edu.pk}/"

    denied = attempt(flow, ("lily", "bob", "cindy", "carol", "hank", "dave", "eve", None), "patch", url, {"order": 9})
    changed = client(flow, "alice").patch(url, {"order": 9}, format="json")

    assert denied == {"lily": 403, "bob": 403, "cindy": 403, "carol": 403, "hank": 403, "dave": 404, "eve": 404,
                      "anonymous": 403}
    assert (changed.status_code, changed.json()["order"]) == (200, 9)


def test_staff_create_and_change_routing_rules(flow):
    url = f"{API}/routing-rules/"
    payload = {"committee": flow.a.pk, "name": "路灯照明", "keywords": "路灯，照明", "priority": 3,
               "lead_department": flow.dept_a3.pk, "co_departments": [flow.dept_a2.pk]}

    denied = attempt(flow, NOT_MANAGERS, "post", url, payload)
    created = client(flow, "alice").post(url, payload, format="json")
    no_condition = client(flow, "alice", "zh-hans").post(
        url, {"committee": flow.a.pk, "name": "空规则", "lead_department": flow.dept_a.pk}, format="json")
    change = f"{url}{flow.rule_school.pk}/"
    change_denied = attempt(flow, ("lily", "bob", "carol", "eve", None), "patch", change, {"is_active": False})
    changed = client(flow, "fiona").patch(change, {"is_active": False}, format="json")

    assert denied == {**CONFIG_WRITERS_DENIED, "eve": 400}
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["keywords"], body["lead_department"], body["co_departments"], body["kind"]) == (
        "路灯照明", "路灯，照明", {"id": flow.dept_a3.pk, "name": "甲市住房和城乡建设局"},
        [{"id": flow.dept_a2.pk, "name": "甲市卫生健康委员会"}], "micro_suggestion")
    assert (no_condition.status_code, no_condition.json()["errors"]) == (400, {"non_field_errors": [zh(
        "A rule needs at least one condition: a category, keywords or a place.")]})
    assert change_denied == {"lily": 403, "bob": 404, "carol": 404, "eve": 404, "anonymous": 403}
    assert (changed.status_code, changed.json()["is_active"]) == (200, False)
    new = flow.route(flow.submit(*STREETLIGHT))
    assert new.routing_decisions.get().rule == RoutingRule.objects.get(name="路灯照明")


def test_staff_set_the_handling_policy(flow):
    url = f"{API}/handling-policies/"
    payload = {"committee": flow.a.pk, "kind": "micro_suggestion", "reply_workdays": 7, "max_rounds": 3}

    denied = attempt(flow, NOT_MANAGERS, "post", url, payload)
    replaced = client(flow, "alice").post(url, payload, format="json")
    disorder = client(flow, "alice", "zh-hans").post(
        url, {**payload, "escalate_head_after": 6, "escalate_staff_after": 5}, format="json")

    assert denied == CONFIG_WRITERS_DENIED
    assert replaced.status_code == 201
    assert (replaced.json()["id"], replaced.json()["reply_workdays"], replaced.json()["max_rounds"],
            replaced.json()["objection_workdays"]) == (flow.policy.pk, 7, 3, 3)
    assert HandlingPolicy.objects.count() == 1
    assert (disorder.status_code, disorder.json()["errors"]) == (400, {"non_field_errors": [zh(
        "Escalation goes head, then staff, then leader: the days must not decrease.")]})


def test_staff_retry_a_dead_letter_which_is_published_after_commit(flow, sent, django_capture_on_commit_callbacks):
    url = f"{API}/dead-letters/{flow.dead.pk}/retry/"

    denied = attempt(flow, ("lily", "bob", "carol", "eve", None), "post", url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        retried = client(flow, "alice").post(url)
    published_inside = list(sent)
    for callback in callbacks:
        callback()

    assert denied == {"lily": 404, "bob": 404, "carol": 404, "eve": 404, "anonymous": 403}
    assert retried.status_code == 200
    assert (retried.json()["status"], retried.json()["failures"]) == ("pending", 0)
    assert published_inside == []
    assert sent == [{"task": "proposals.case_route", "kwargs": {"case_id": flow.stuck.pk, "outbox_id": flow.dead.pk}}]
    flow.dead.refresh_from_db()
    assert flow.dead.status == "published"


# --- Idempotency-Key ---------------------------------------------------------------------------------------------


def test_same_idempotency_key_and_body_replays_the_first_answer(flow):
    api = client(flow, "bob")
    payload = {"title": "菜市场周边占道经营", "content": "菜市场周边占道经营严重，早高峰通行困难，建议规范管理。"}
    before = Case.objects.count()

    first = api.post(f"{API}/micro-suggestions/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-20260601-1")
    second = api.post(f"{API}/micro-suggestions/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-20260601-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] == first.json()["id"]
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Case.objects.count() == before + 1
    assert Case.objects.filter(title="菜市场周边占道经营").count() == 1
    assert OutboxMessage.objects.filter(key=micro_suggestions.route_key(first.json()["id"])).count() == 1


def test_same_idempotency_key_with_another_body_is_422(flow):
    api = client(flow, "bob", "zh-hans")
    payload = {"title": "菜市场周边占道经营", "content": "菜市场周边占道经营严重，早高峰通行困难，建议规范管理。"}
    api.post(f"{API}/micro-suggestions/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    other = api.post(f"{API}/micro-suggestions/", {**payload, "title": "菜市场占道经营"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="k-1")

    assert other.status_code == 422
    assert other.json() == {"detail": zh("This Idempotency-Key was used for a different request.")}
    assert Case.objects.filter(title__startswith="菜市场").count() == 1


def test_idempotency_keys_belong_to_one_user_and_a_refused_attempt_does_not_use_one_up(flow):
    payload = {"title": "菜市场周边占道经营", "content": "菜市场周边占道经营严重，早高峰通行困难，建议规范管理。"}

    refused = client(flow, "bob").post(f"{API}/micro-suggestions/", {**payload, "title": "菜"}, format="json",
                                       HTTP_IDEMPOTENCY_KEY="k-2")
    bobs = client(flow, "bob").post(f"{API}/micro-suggestions/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    cindys = client(flow, "cindy").post(f"{API}/micro-suggestions/", payload, format="json",
                                        HTTP_IDEMPOTENCY_KEY="k-2")

    assert (refused.status_code, bobs.status_code, cindys.status_code) == (400, 201, 201)
    assert bobs.json()["id"] != cindys.json()["id"]
    assert not cindys.has_header("Idempotent-Replayed")


# --- query counts ------------------------------------------------------------------------------------------------

LISTS = {
    "micro-suggestions (staff)": ("alice", "micro-suggestions"),
    "micro-suggestions (member)": ("bob", "micro-suggestions"),
    "micro-suggestions (liaison)": ("carol", "micro-suggestions"),
    "assignments (staff)": ("alice", "assignments"),
    "assignments (liaison)": ("carol", "assignments"),
    "inbox": ("carol", "assignments/inbox"),
    "return-requests": ("alice", "return-requests"),
    "extension-requests": ("alice", "extension-requests"),
    "categories": ("alice", "categories"),
    "routing-rules": ("alice", "routing-rules"),
    "handling-policies": ("alice", "handling-policies"),
    "dead-letters": ("alice", "dead-letters"),
}


def grow(w, n: int, start: int) -> None:
    """``n`` more of everything each list shows, in a committee with no other configuration:
    per row a category with its policy and rule (甲市教育局 leads, 卫健委 co-handles), an item
    routed by that rule with an extension and a return request pending, and an item whose
    routing message is a dead letter."""
    from proposals.models import Assignment

    for i in range(start, start + n):
        category = config.category_create(actor=w.alice, committee=w.a, name=f"类别{i}", order=i)
        config.policy_set(actor=w.alice, committee=w.a, kind="micro_suggestion", category=category, reply_workdays=8)
        config.routing_rule_create(actor=w.alice, committee=w.a, name=f"规则{i}", category=category,
                                   lead_department=w.dept_a, co_departments=[w.dept_a2])
        case = micro_suggestions.micro_suggestion_submit(
            actor=w.bob, member=w.bob_seat, title=f"学校门口交通拥堵{i}", content=f"第{i}小学上下学时段门口车辆拥堵，建议错峰放学。",
            category=category)
        handling.case_route_automatically(case_id=case.pk)
        lead = Assignment.objects.get(case=case, department=w.dept_a)
        handling.extension_request(actor=w.carol, assignment=lead, workdays_requested=2, reason="需要协调")
        handling.assignment_object(actor=w.carol, assignment=lead, reason="属于交警部门职责")
        stuck = micro_suggestions.micro_suggestion_submit(
            actor=w.bob, member=w.bob_seat, title=f"公交站台遮阳棚{i}", content="人民路公交站台没有遮阳棚，夏天候车很热，建议加装。")
        message = OutboxMessage.objects.get(key=micro_suggestions.route_key(stuck.pk))
        for _ in range(5):
            outbox.mark_failed(message.pk, "OperationalError: server closed the connection unexpectedly")


def measure(w) -> dict[str, tuple[int, int]]:
    """(queries, rows) of each list."""
    result = {}
    for label, (role, endpoint) in LISTS.items():
        api = client_for(getattr(w, role))
        api.get(f"{API}/{endpoint}/")  # warm per-process caches (content types, the calendar)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}/{endpoint}/")
        assert response.status_code == 200, label
        result[label] = (len(queries.captured_queries), len(response.json()["results"]))
    return result


def rows_for(n: int) -> dict[str, int]:
    return {
        "micro-suggestions (staff)": 2 * n, "micro-suggestions (member)": 2 * n, "micro-suggestions (liaison)": n,
        "assignments (staff)": 2 * n, "assignments (liaison)": n, "inbox": n, "return-requests": n,
        "extension-requests": n, "categories": n, "routing-rules": n, "handling-policies": n, "dead-letters": n,
    }


def test_list_query_count_does_not_grow_from_1_to_10_rows(world, seeded_calendar):
    grow(world, 1, 0)
    one = measure(world)
    grow(world, 9, 1)
    ten = measure(world)

    assert {label: rows for label, (_, rows) in one.items()} == rows_for(1)
    assert {label: rows for label, (_, rows) in ten.items()} == rows_for(10)
    assert {label: queries for label, (queries, _) in ten.items()} == {
        label: queries for label, (queries, _) in one.items()}


# --- OpenAPI --------------------------------------------------------------------------------------------------------


def test_openapi_schema_describes_every_handling_endpoint(db):
    response = client_for(None).get("/api/schema/?format=json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    prefixes = ("/api/v1/micro-suggestions/", "/api/v1/assignments/", "/api/v1/return-requests/",
                "/api/v1/extension-requests/", "/api/v1/categories/", "/api/v1/routing-rules/",
                "/api/v1/handling-policies/", "/api/v1/dead-letters/")
    described = {path: sorted(paths[path]) for path in paths if path.startswith(prefixes)}
    assert described == {
        "/api/v1/micro-suggestions/": ["get", "post"],
        "/api/v1/micro-suggestions/{id}/": ["get"],
        "/api/v1/micro-suggestions/{id}/follow/": ["post"],
        "/api/v1/micro-suggestions/{id}/rate/": ["post"],
        "/api/v1/micro-suggestions/{id}/recommendations/": ["get"],
        "/api/v1/micro-suggestions/{id}/route/": ["post"],
        "/api/v1/micro-suggestions/{id}/timeline/": ["get"],
        "/api/v1/micro-suggestions/{id}/unfollow/": ["post"],
        "/api/v1/micro-suggestions/export/": ["get"],
        "/api/v1/micro-suggestions/statistics/": ["get"],
        "/api/v1/assignments/": ["get"],
        "/api/v1/assignments/{id}/": ["get"],
        "/api/v1/assignments/{id}/accept/": ["post"],
        "/api/v1/assignments/{id}/contact/": ["post"],
        "/api/v1/assignments/{id}/extend/": ["post"],
        "/api/v1/assignments/{id}/reply/": ["post"],
        "/api/v1/assignments/{id}/return/": ["post"],
        "/api/v1/assignments/inbox/": ["get"],
        "/api/v1/assignments/inbox/export/": ["get"],
        "/api/v1/return-requests/": ["get"],
        "/api/v1/return-requests/{id}/": ["get"],
        "/api/v1/return-requests/{id}/approve/": ["post"],
        "/api/v1/return-requests/{id}/reject/": ["post"],
        "/api/v1/extension-requests/": ["get"],
        "/api/v1/extension-requests/{id}/": ["get"],
        "/api/v1/extension-requests/{id}/approve/": ["post"],
        "/api/v1/extension-requests/{id}/reject/": ["post"],
        "/api/v1/categories/": ["get", "post"],
        "/api/v1/categories/{id}/": ["get", "patch", "put"],
        "/api/v1/categories/{id}/timeline/": ["get"],
        "/api/v1/routing-rules/": ["get", "post"],
        "/api/v1/routing-rules/{id}/": ["get", "patch", "put"],
        "/api/v1/routing-rules/{id}/timeline/": ["get"],
        "/api/v1/handling-policies/": ["get", "post"],
        "/api/v1/handling-policies/{id}/": ["get"],
        "/api/v1/dead-letters/": ["get"],
        "/api/v1/dead-letters/{id}/": ["get"],
        "/api/v1/dead-letters/{id}/retry/": ["post"],
    }
    route = paths["/api/v1/micro-suggestions/{id}/route/"]["post"]
    assert sorted(route["responses"]) == ["200"]
    create = paths["/api/v1/micro-suggestions/"]["post"]
    assert sorted(create["responses"]) == ["201"]
    assert [p["name"] for p in create["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
