"""The API of consultation results (协商成果), leader instructions (批示), democratic supervision
and research tasks with their activities, and the statistics of the work, × every role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consultations.choices import ResultStatus, TaskStatus
from consultations.models import Instruction, Result, Task
from consultations.services import consultations as cs, supervision as sv
from tests.consultations.test_api import API, INVALID, NOT_FOUND, STAFF_ONLY, build, client, codes, expect, rows, seen

pytestmark = pytest.mark.django_db

STAFF_OR_LEADER = "Only staff or leaders of this committee may do this."
TEXT = "一、现状与问题……二、对策建议：加大财政补贴，扩大普惠托位供给，加强托育人才培养。"


@pytest.fixture
def aw(cw):
    w = build(cw)
    cs.consultation_open(actor=w.alice, consultation=w.announced)
    w.held = cs.consultation_close(actor=w.alice, consultation=w.announced, summary="会议形成共识。")
    return w


def result_of(w, **fields) -> Result:
    return cs.result_save(actor=w.alice, consultation=w.held, title=fields.pop("title", "关于发展普惠托育的协商报告"),
                          text_=TEXT, departments=fields.pop("departments", [w.dept_a]))


def sent(w, result=None) -> Result:
    result = result or result_of(w)
    result = cs.result_approve(actor=w.lily, result=result)
    return cs.result_send(actor=w.alice, result=result, recipients=["party", "government", "departments"])


# --- results ---------------------------------------------------------------------------------------------


def test_staff_write_results_of_held_sessions(aw):
    url = f"{API}/consultation-results/"
    data = {"consultation": aw.held.pk, "title": "关于发展普惠托育的协商报告", "text": TEXT,
            "departments": [aw.dept_a.pk]}

    created = client(aw, "alice").post(url, data, format="json")
    by_member = client(aw, "bob").post(url, data, format="json")
    by_leader = client(aw, "lily").post(url, data, format="json")
    outside = codes(aw, ("carol", "eve", "dave"), "post", url, data)
    too_early = client(aw, "alice").post(url, {**data, "consultation": aw.counterpart.pk}, format="json")
    short = client(aw, "alice").post(url, {**data, "text": "太短的报告"}, format="json")
    foreign_department = client(aw, "alice").post(url, {**data, "departments": [aw.dept_b.pk]}, format="json")

    assert created.status_code == 201
    body = created.json()
    assert {k: v for k, v in body.items() if not k.endswith("_at")} == {
        "id": body["id"], "committee": {"id": aw.a.pk, "name": "甲市政协"},
        "consultation": {"id": aw.held.pk, "name": "普惠托育专题协商会"}, "title": "关于发展普惠托育的协商报告",
        "status": "draft", "status_display": "Draft", "recipients": [], "instruction_count": 0, "text": TEXT,
        "departments": [{"id": aw.dept_a.pk, "name": "甲市教育局"}], "approved_by": "", "instructions": [],
        "follow_ups": []}
    assert (by_member.json(), by_leader.json()) == ({"detail": STAFF_ONLY}, {"detail": STAFF_ONLY})
    assert outside == {"carol": 400, "eve": 400, "dave": 400}
    assert too_early.status_code == 409
    assert too_early.json() == {"detail": "A result is written once the session has been held."}
    assert short.json() == {"detail": INVALID, "errors": {"text": ["At least 20 characters."]}}
    assert foreign_department.json()["errors"] == {"departments": [f"Not found: {aw.dept_b.pk}."]}


def test_results_are_seen_by_the_committee_and_once_sent_by_members_and_departments(aw):
    draft = result_of(aw, title="草稿中的协商报告")
    delivered = sent(aw, result_of(aw))
    names = {draft.pk: "draft", delivered.pk: "sent"}

    assert seen(aw, f"{API}/consultation-results/", names) == expect({
        "root": {"draft", "sent"}, "alice": {"draft", "sent"}, "fiona": {"draft", "sent"},
        "lily": {"draft", "sent"}, "bob": {"sent"}, "cindy": {"sent"}, "carol": {"sent"}})
    assert client(aw, "bob").get(f"{API}/consultation-results/{draft.pk}/").status_code == 404


def test_a_result_is_approved_returned_and_sent(aw):
    result = result_of(aw)
    url = f"{API}/consultation-results/{result.pk}/"

    changed = client(aw, "alice").patch(url, {"title": "关于加快发展普惠托育服务的协商报告"}, format="json")
    approved = client(aw, "lily").post(f"{url}approve/", {"note": "同意报送"}, format="json")
    late_change = client(aw, "alice").patch(url, {"title": "批准后再改标题"}, format="json")
    short_reason = client(aw, "lily").post(f"{url}return/", {"note": "改"}, format="json")
    returned = client(aw, "lily").post(f"{url}return/", {"note": "请补充数据"}, format="json")
    client(aw, "alice").post(f"{url}approve/", {}, format="json")
    by_leader = client(aw, "lily").post(f"{url}send/", {"recipients": ["party"]}, format="json")
    by_member = client(aw, "bob").post(f"{url}send/", {"recipients": ["party"]}, format="json")
    nowhere = client(aw, "alice").post(f"{url}send/", {"recipients": []}, format="json")
    bogus = client(aw, "alice").post(f"{url}send/", {"recipients": ["moon"]}, format="json")
    delivered = client(aw, "alice").post(f"{url}send/", {"recipients": ["party", "departments"]}, format="json")
    twice = client(aw, "alice").post(f"{url}send/", {"recipients": ["party"]}, format="json")

    assert changed.json()["title"] == "关于加快发展普惠托育服务的协商报告"
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("approved", "孙丽丽")
    assert late_change.json() == {"detail": "Only a draft result can be changed."}
    assert short_reason.json()["errors"] == {"note": ["At least 4 characters."]}
    assert (returned.json()["status"], returned.json()["approved_by"]) == ("draft", "")
    assert by_leader.json() == {"detail": STAFF_ONLY}
    assert by_member.status_code == 404
    assert nowhere.json()["errors"] == {"recipients": ["This list may not be empty."]}
    assert list(bogus.json()["errors"]) == ["recipients"]
    assert (delivered.json()["status"], delivered.json()["recipients"]) == ("sent", ["party", "departments"])
    assert twice.status_code == 409


def test_instructions_and_follow_up_until_implemented(aw):
    result = sent(aw)
    url = f"{API}/consultation-results/{result.pk}/"
    today = timezone.localdate().isoformat()
    instruction = {"leader_name": "王市长", "leader_title": "市长", "level": "government", "instructed_on": today,
                   "text": "请市教育局牵头研究落实。"}

    by_member = client(aw, "bob").post(f"{url}instruct/", instruction, format="json")
    future = client(aw, "lily").post(f"{url}instruct/", {
        **instruction, "instructed_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}, format="json")
    instructed = client(aw, "lily").post(f"{url}instruct/", instruction, format="json")
    liaison = client(aw, "carol").post(f"{url}follow-up/", {"noted_on": today, "department": aw.dept_a.pk,
                                                           "text": "已制定普惠托育补贴办法，新增托位800个。"},
                                       format="json")
    liaison_without_department = client(aw, "carol").post(f"{url}follow-up/", {"noted_on": today,
                                                                               "text": "我局正在落实"}, format="json")
    liaison_closing = client(aw, "carol").post(f"{url}follow-up/", {
        "noted_on": today, "department": aw.dept_a.pk, "text": "全部落实", "implemented": True}, format="json")
    other_department = client(aw, "hank").post(f"{url}follow-up/", {"noted_on": today, "text": "我局正在落实"},
                                               format="json")
    closed = client(aw, "alice").post(f"{url}follow-up/", {"noted_on": today, "implemented": True,
                                                          "text": "各项建议均已落实，成果办结。"}, format="json")
    after = client(aw, "alice").post(f"{url}follow-up/", {"noted_on": today, "text": "办结后再记一笔"},
                                     format="json")
    detail = client(aw, "bob").get(url).json()

    assert by_member.json() == {"detail": STAFF_OR_LEADER}
    assert future.json()["errors"] == {"instructed_on": ["Give the day of the instruction (not in the future)."]}
    assert instructed.status_code == 201
    assert {k: v for k, v in instructed.json().items() if k not in ("id", "created_at")} == {
        "leader_name": "王市长", "leader_title": "市长", "level": "government", "level_display": "Government leader",
        "instructed_on": today, "text": "请市教育局牵头研究落实。"}
    assert (liaison.status_code, liaison.json()["department"], liaison.json()["recorded_by"]) == (
        201, {"id": aw.dept_a.pk, "name": "甲市教育局"}, "陈卡萝")
    assert liaison_without_department.json() == {"detail": "Only staff or the departments concerned may record "
                                                           "follow-up."}
    assert liaison_closing.json() == {"detail": "Staff close a result as implemented."}
    assert other_department.status_code == 404
    assert closed.status_code == 201
    assert after.status_code == 409
    assert (detail["status"], detail["instruction_count"], [f["text"] for f in detail["follow_ups"]]) == (
        ResultStatus.CLOSED, 1, ["已制定普惠托育补贴办法，新增托位800个。", "各项建议均已落实，成果办结。"])
    assert [i["leader_name"] for i in detail["instructions"]] == ["王市长"]


def test_result_input_is_checked(aw):
    result = result_of(aw)
    url = f"{API}/consultation-results/{result.pk}/"

    malformed = client(aw, "alice").post(f"{url}approve/", data="[1,", content_type="application/json")
    listed_body = client(aw, "alice").post(f"{url}return/", [1, 2], format="json")
    oversized = client(aw, "alice").patch(url, {"text": "长" * 50001}, format="json")
    hostile = client(aw, "alice").patch(url, {"title": "<img src=x onerror=alert(1)>报告"}, format="json")

    assert malformed.status_code == 400
    assert listed_body.json()["errors"] == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
    assert oversized.json()["errors"] == {"text": ["Ensure this field has no more than 50000 characters."]}
    assert hostile.json()["title"] == "<img src=x onerror=alert(1)>报告"


# --- instructions ----------------------------------------------------------------------------------------


def test_instructions_are_listed_to_the_committees_staff_and_leaders(aw):
    result = sent(aw)
    instruction = cs.instruction_record(actor=aw.lily, target=result, leader_name="李书记", level="party",
                                        instructed_on=timezone.localdate(), text_="成效明显，请持续推进。")
    names = {instruction.pk: "instruction"}

    assert seen(aw, f"{API}/instructions/", names) == expect({
        role: {"instruction"} for role in ("root", "alice", "fiona", "lily")})
    body = client(aw, "lily").get(f"{API}/instructions/{instruction.pk}/").json()
    assert (body["on"], body["committee"], body["recorded_by"]) == (
        {"kind": "result", "id": result.pk, "title": "关于发展普惠托育的协商报告"}, {"id": aw.a.pk, "name": "甲市政协"},
        "孙丽丽")
    assert [r["id"] for r in rows(client(aw, "alice").get(f"{API}/instructions/?on=result&level=party"))] == [
        instruction.pk]
    assert rows(client(aw, "alice").get(f"{API}/instructions/?on=task")) == []
    assert client(aw, "bob").get(f"{API}/instructions/{instruction.pk}/").status_code == 404
    assert client(aw, "alice").post(f"{API}/instructions/", {}, format="json").status_code == 405


# --- supervision and research -----------------------------------------------------------------------------


def task_payload(w, **overrides) -> dict:
    return {"committee": w.a.pk, "category": "supervision", "supervision_kind": "follow_up",
            "title": "黄河流域生态保护跟踪监督", "plan": "每季度开展一次实地视察", "start_year": timezone.localdate().year,
            **overrides}


def make_task(w, **fields) -> Task:
    year = timezone.localdate().year
    values = {"category": "supervision", "supervision_kind": "follow_up", "title": "黄河流域生态保护跟踪监督",
              "start_year": year, "end_year": year, **fields}
    return sv.task_save(actor=w.alice, committee=w.a, **values)


def started(w, task=None) -> Task:
    task = task or make_task(w)
    sv.team_set(actor=w.alice, task=task, lead=w.bob_seat, members=[w.cindy_seat])
    return sv.task_start(actor=w.alice, task=task)


def test_staff_create_tasks_and_the_kinds_are_checked(aw):
    url = f"{API}/duty-tasks/"
    year = timezone.localdate().year

    created = client(aw, "alice").post(url, task_payload(aw), format="json")
    by_member = client(aw, "bob").post(url, task_payload(aw), format="json")
    outsider = client(aw, "eve").post(url, task_payload(aw), format="json")
    no_kind = client(aw, "alice").post(url, task_payload(aw, supervision_kind=""), format="json")
    research_with_kind = client(aw, "alice").post(url, task_payload(aw, category="research"), format="json")
    collaborative = client(aw, "alice").post(url, task_payload(aw, supervision_kind="collaborative"), format="json")
    backwards = client(aw, "alice").post(url, task_payload(aw, end_year=year - 1), format="json")
    research = client(aw, "alice").post(url, task_payload(aw, category="research", supervision_kind="",
                                                          title="乡村振兴专题调研"), format="json")

    assert created.status_code == 201
    body = created.json()
    assert (body["category"], body["supervision_kind"], body["status"], body["start_year"], body["end_year"],
            body["team"], body["reports"]) == ("supervision", "follow_up", "planned", year, year, [], [])
    assert by_member.json() == {"detail": STAFF_ONLY}
    assert outsider.json()["errors"] == {"committee": NOT_FOUND}
    assert no_kind.json()["errors"] == {"supervision_kind": ["Choose one of the four kinds of supervision."]}
    assert research_with_kind.json()["errors"] == {"supervision_kind": ["Only supervision topics have a kind of "
                                                                        "supervision."]}
    assert collaborative.json()["errors"] == {"partners": ["A collaborative supervision names the bodies it works "
                                                           "with."]}
    assert backwards.json()["errors"] == {"end_year": ["The last year is from the first year to 4 years later."]}
    assert (research.status_code, research.json()["category_display"]) == (201, "Research (调研)")


def test_tasks_are_seen_by_the_committee_the_team_and_partners_once_started(aw):
    planned = make_task(aw, title="计划中的调研课题", category="research", supervision_kind="")
    on_team = make_task(aw, title="已组队的视察", category="inspection", supervision_kind="")
    sv.team_set(actor=aw.alice, task=on_team, lead=aw.bob_seat)
    under_way = started(aw, make_task(aw, supervision_kind="collaborative", partners=[aw.dept_a]))
    names = {planned.pk: "planned", on_team.pk: "team", under_way.pk: "under_way"}
    every = {"planned", "team", "under_way"}

    assert seen(aw, f"{API}/duty-tasks/", names) == expect({
        "root": every, "alice": every, "fiona": every, "lily": every, "bob": {"team", "under_way"},
        "cindy": {"under_way"}, "carol": {"under_way"}})
    assert [r["id"] for r in rows(client(aw, "alice").get(f"{API}/duty-tasks/?category=research"))] == [planned.pk]


def test_a_follow_up_supervision_runs_across_two_years(aw):
    year = timezone.localdate().year
    task = make_task(aw)
    url = f"{API}/duty-tasks/{task.pk}/"
    api = client(aw, "alice")

    foreign_lead = api.post(f"{url}team/", {"lead": aw.ben_seat.pk}, format="json")
    too_soon = api.post(f"{url}start/")
    team = api.post(f"{url}team/", {"lead": aw.bob_seat.pk, "members": [aw.cindy_seat.pk]}, format="json")
    api.post(f"{url}start/")
    findings_by_member = client(aw, "cindy").post(f"{url}findings/", {"findings": "部分河段仍有违规占用问题。"},
                                                  format="json")
    findings = client(aw, "bob").post(f"{url}findings/", {"findings": "部分河段仍有违规占用问题。"}, format="json")
    annual = client(aw, "bob").post(f"{url}report/", {"year": year, "kind": "annual", "title": f"{year}年度监督报告",
                                                      "text": "湿地保护取得进展，但部分河段仍有违规占用问题，建议持续跟踪。"},
                                    format="json")
    carried = api.post(f"{url}carry-over/", {"note": "问题尚未整改到位，明年继续跟踪"}, format="json")
    wrong_year = client(aw, "bob").post(f"{url}report/", {"year": year, "kind": "final", "title": "终期报告",
                                                          "text": "最终报告的年份必须是任务的最后一年，这里写错了年份。"},
                                        format="json")
    final = client(aw, "bob").post(f"{url}report/", {"year": year + 1, "kind": "final", "title": "跟踪监督总报告",
                                                     "text": "两年跟踪监督，违规占用问题全部整改，湿地面积恢复。"},
                                   format="json")
    returned = api.post(f"{url}return/", {"note": "请补充整改数据"}, format="json")
    client(aw, "bob").post(f"{url}report/", {"year": year + 1, "kind": "final", "title": "跟踪监督总报告（修改）",
                                             "text": "两年跟踪监督，违规占用问题全部整改，湿地面积恢复三成。"}, format="json")
    instructed = client(aw, "lily").post(f"{url}instruct/", {"leader_name": "李书记", "level": "party",
                                                             "instructed_on": timezone.localdate().isoformat(),
                                                             "text": "成效明显，请持续巩固。"}, format="json")
    followed = api.post(f"{url}follow-up/", {"noted_on": timezone.localdate().isoformat(),
                                             "text": "相关部门已建立长效机制"}, format="json")
    concluded_by_lead = client(aw, "bob").post(f"{url}conclude/", {}, format="json")
    concluded = api.post(f"{url}conclude/", {"note": "圆满完成"}, format="json")
    after = api.post(f"{url}findings/", {"findings": "结题后再改调研发现。"}, format="json")

    assert foreign_lead.json()["errors"] == {"lead": NOT_FOUND}
    assert too_soon.json()["errors"] == {"team": ["Set the team and its lead first."]}
    assert [(m["member"]["name"], m["role"]) for m in team.json()["team"]] == [("王博", "lead"), ("崔欣", "member")]
    assert findings_by_member.json() == {"detail": "Staff and the team lead write the findings."}
    assert findings.json()["findings"] == "部分河段仍有违规占用问题。"
    assert annual.status_code == 201
    assert (carried.json()["end_year"], carried.json()["status"]) == (year + 1, TaskStatus.ACTIVE)
    assert list(wrong_year.json()["errors"]) == ["year"]
    assert final.json()["status"] == TaskStatus.REPORTED
    assert returned.json()["status"] == TaskStatus.ACTIVE
    assert instructed.status_code == 201
    assert followed.json()["text"] == "相关部门已建立长效机制"
    assert concluded_by_lead.json() == {"detail": STAFF_ONLY}
    assert concluded.json()["status"] == TaskStatus.CONCLUDED
    assert after.status_code == 409
    detail = client(aw, "cindy").get(url).json()
    assert [(r["year"], r["kind"], r["title"]) for r in detail["reports"]] == [
        (year, "annual", f"{year}年度监督报告"), (year + 1, "interim", "跟踪监督总报告"),
        (year + 1, "final", "跟踪监督总报告（修改）")]
    assert [i["leader_name"] for i in detail["instructions"]] == ["李书记"]
    assert codes(aw, ("eve", "dave", "hank"), "post", f"{url}conclude/", {}) == {"eve": 404, "dave": 404,
                                                                                 "hank": 404}


def test_task_changes_until_concluded(aw):
    task = make_task(aw)
    url = f"{API}/duty-tasks/{task.pk}/"

    changed = client(aw, "alice").patch(url, {"title": "黄河流域生态保护民主监督", "partners": [aw.dept_a.pk]},
                                        format="json")
    by_member = client(aw, "bob").patch(url, {"title": "改个标题吧"}, format="json")

    assert (changed.json()["title"], changed.json()["partners"], changed.json()["supervision_kind"]) == (
        "黄河流域生态保护民主监督", [{"id": aw.dept_a.pk, "name": "甲市教育局"}], "follow_up")
    assert by_member.status_code == 404  # a planned task is the committee's alone


# --- activities ----------------------------------------------------------------------------------------


def soon() -> dt.datetime:
    """A start a task running this year and next covers (staff put the team on the list of an
    activity not yet over)."""
    return (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)


def two_years(w, **fields) -> Task:
    return make_task(w, end_year=timezone.localdate().year + 1, **fields)


def activity_payload(w, task, **overrides) -> dict:
    start = soon()
    return {"task": task.pk, "kind": "inspection", "title": "沿黄湿地实地视察", "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=4)).isoformat(), "place": "黄河湿地公园", **overrides}


def test_staff_and_the_team_lead_record_activities(aw):
    task = started(aw, two_years(aw))
    url = f"{API}/task-activities/"

    by_lead = client(aw, "bob").post(url, activity_payload(aw, task), format="json")
    by_member = client(aw, "cindy").post(url, activity_payload(aw, task), format="json")
    outsider = client(aw, "eve").post(url, activity_payload(aw, task), format="json")
    planned = client(aw, "alice").post(url, activity_payload(aw, make_task(aw, title="尚未开始的监督")), format="json")
    out_of_years = client(aw, "alice").post(url, activity_payload(aw, task, starts_at="2001-01-01T09:00:00+08:00",
                                                                   ends_at="2001-01-01T12:00:00+08:00"), format="json")
    backwards = client(aw, "alice").post(url, activity_payload(aw, task, ends_at="2001-01-01T12:00:00+08:00"),
                                         format="json")
    chosen = client(aw, "alice").post(url, activity_payload(aw, task, title="专题座谈会", kind="seminar",
                                                             members=[aw.cindy_seat.pk]), format="json")
    activity_id = by_lead.json()["id"]
    renamed = client(aw, "bob").patch(f"{url}{activity_id}/", {"summary": "发现三处违规占用。"}, format="json")
    renamed_by_member = client(aw, "cindy").patch(f"{url}{activity_id}/", {"summary": "我来改"}, format="json")

    assert by_lead.status_code == 201
    assert [(p["name"], p["invitation"], p["activity"]["id"]) for p in by_lead.json()["participants"]] == [
        ("王博", "accepted", activity_id), ("崔欣", "accepted", activity_id)]
    assert by_member.json() == {"detail": "Staff and the team lead record activities."}
    assert outsider.json()["errors"] == {"task": NOT_FOUND}
    assert planned.json() == {"detail": "Activities are recorded while the task is under way."}
    assert list(out_of_years.json()["errors"]) == ["starts_at"]
    assert backwards.json()["errors"] == {"ends_at": ["The end must not be before the start."]}
    assert [p["name"] for p in chosen.json()["participants"]] == ["崔欣"]
    assert renamed.json()["summary"] == "发现三处违规占用。"
    assert renamed_by_member.json() == {"detail": "Staff and the team lead record activities."}


def test_activities_are_seen_with_their_task(aw):
    task = started(aw, two_years(aw))
    start = soon()
    first = sv.activity_save(actor=aw.alice, task=task, kind="visit", title="第一次实地走访", starts_at=start,
                             ends_at=start + dt.timedelta(hours=2))
    second = sv.activity_save(actor=aw.alice, task=task, kind="seminar", title="第二次座谈会",
                              starts_at=start + dt.timedelta(days=30), ends_at=start + dt.timedelta(days=30, hours=2))
    names = {first.pk: "first", second.pk: "second"}
    both = {"first", "second"}

    assert seen(aw, f"{API}/task-activities/", names) == expect({
        "root": both, "alice": both, "fiona": both, "lily": both, "bob": both, "cindy": both})
    assert [a["title"] for a in client(aw, "cindy").get(f"{API}/duty-tasks/{task.pk}/activities/").json()] == [
        "第一次实地走访", "第二次座谈会"]
    assert client(aw, "carol").get(f"{API}/duty-tasks/{task.pk}/activities/").status_code == 404
    assert [r["id"] for r in rows(client(aw, "alice").get(f"{API}/task-activities/?kind=seminar"))] == [second.pk]


def test_activity_attendance_is_recorded_on_its_participants(aw):
    task = started(aw, two_years(aw))
    start = soon()
    activity = sv.activity_save(actor=aw.alice, task=task, kind="visit", title="第一次实地走访", starts_at=start,
                                ends_at=start + dt.timedelta(hours=2))
    cindy = activity.participants.get(member=aw.cindy_seat)

    recorded = client(aw, "alice").post(f"{API}/participants/{cindy.pk}/attendance/", {"attendance": "absent"},
                                        format="json")
    by_lead = client(aw, "bob").post(f"{API}/participants/{cindy.pk}/attendance/", {"attendance": "present"},
                                     format="json")

    assert (recorded.json()["attendance"], recorded.json()["activity"]) == ("absent", {"id": activity.pk,
                                                                                      "name": "第一次实地走访"})
    assert by_lead.status_code == 404  # the lead sees his own place, not cindy's


# --- statistics ------------------------------------------------------------------------------------------


def test_statistics_are_for_staff_and_leaders(aw):
    result = sent(aw)
    cs.instruction_record(actor=aw.lily, target=result, leader_name="李书记", level="party",
                          instructed_on=timezone.localdate(), text_="请持续推进。")
    url = f"{API}/consultation-statistics/"
    year = timezone.localdate().year

    figures = client(aw, "alice").get(url).json()
    narrowed = client(aw, "lily").get(url, {"committee": aw.a.pk, "year": year}).json()

    assert (figures["year"], figures["sessions"]["held"], figures["results"]["sent"],
            figures["instructions"]["total"]) == (year, 1, 1, 1)
    assert narrowed["committee_ids"] == [aw.a.pk]
    assert codes(aw, ("bob", "carol", "eve", None), "get", url) == {"bob": 403, "carol": 403, "eve": 403,
                                                                    "anonymous": 403}
    assert client(aw, "alice").get(url, {"year": "soon"}).json() == {
        "detail": INVALID, "errors": {"year": ["Enter a year from 2000 to 2100."]}}
    assert client(aw, "alice").get(url, {"committee": aw.b.pk}).json() == {
        "detail": INVALID, "errors": {"committee": ["Not found."]}}
    assert client(aw, "alice").get(url, {"committee": "9" * 30}).json()["errors"] == {"committee": ["Not found."]}


def test_the_statistics_schema_describes_the_real_answer(aw):
    from consultations.api.serializers import ConsultationStatisticsSerializer

    def shape(value):
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items()}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return [shape(value[0])]
        return None

    def described(serializer):
        fields = {}
        for name, field in serializer.fields.items():
            child = getattr(field, "child", None)
            if hasattr(field, "fields"):
                fields[name] = described(field)
            elif child is not None and hasattr(child, "fields"):
                fields[name] = [described(child)]
            else:
                fields[name] = None
        return fields

    sent(aw)
    started(aw)
    answer = client(aw, "alice").get(f"{API}/consultation-statistics/").json()

    assert shape(answer) == described(ConsultationStatisticsSerializer())


def test_instruction_targets_are_kept_apart(aw):
    task = started(aw)
    assert Instruction.objects.count() == 0
    response = client(aw, "lily").post(f"{API}/duty-tasks/{task.pk}/instruct/", {
        "leader_name": "李书记", "level": "party", "instructed_on": timezone.localdate().isoformat(),
        "text": "请抓紧推进。"}, format="json")

    assert response.json() == {"detail": "Instructions are recorded on a task once it has reported."}
