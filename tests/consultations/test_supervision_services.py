"""Every rule of democratic supervision (民主监督), research (调研) and inspection (视察) tasks
through the services: the task and its kind, the team, starting, activities with attendance,
findings, reports per year, carrying over into the next year, sending a final report back,
conclusion, and the leader instructions and follow-up shared with consultation results.

Cast (tests/consultations/conftest.py): alice and fiona staff of A, lily leader of A, bob and
cindy members of A (bob usually leads), ada member of A1, carol liaison of 甲市教育局, hank of
甲市卫生健康委员会, dave liaison in B, eve an outsider; bea (made here) is staff of B.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consultations.choices import (
    ActivityKind,
    Attendance,
    InstructionLevel,
    InvitationStatus,
    ReportKind,
    SupervisionKind,
    TaskCategory,
    TaskStatus,
    TeamRole,
)
from consultations.models import Activity, FollowUp, Instruction, Participant, Task, TaskReport, TeamMember
from consultations.services import consultations as cs, supervision as sv
from cppcc_portal.core.audit import timeline
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import AuditEntry, Notification
from members.choices import CommitteeRoleKind
from tests.factories import CommitteeRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY = "Only staff of this committee may do this."
REPORT = "湿地保护取得进展，但部分河段仍有违规占用问题，建议持续跟踪。"


def conflict(service, **kwargs) -> str:
    with pytest.raises(Conflict) as caught:
        service(**kwargs)
    return caught.value.message


def invalid(service, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    return caught.value.message_dict


def denied(service, **kwargs) -> str:
    with pytest.raises(PermissionDenied) as caught:
        service(**kwargs)
    return str(caught.value)


def told(title: str) -> list[str]:
    return sorted(Notification.objects.filter(title=title).values_list("recipient__username", flat=True))


def actions(obj) -> list[str]:
    return [e.action for e in reversed(timeline(obj))]


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def bea(cw):
    user = UserFactory(username="bea", full_name="白雅")
    CommitteeRoleFactory(user=user, committee=cw.b, role=CommitteeRoleKind.STAFF)
    return user


YEAR = timezone.localdate().year


def task_args(cw, **overrides) -> dict:
    return {"actor": cw.alice, "committee": cw.a, "category": TaskCategory.SUPERVISION,
            "supervision_kind": SupervisionKind.FOLLOW_UP, "title": "黄河流域生态保护跟踪监督", "start_year": YEAR,
            **overrides}


def task(cw, **overrides) -> Task:
    return sv.task_save(**task_args(cw, **overrides))


def started(cw, **overrides) -> Task:
    t = task(cw, **overrides)
    sv.team_set(actor=cw.alice, task=t, lead=cw.bob_seat, members=[cw.cindy_seat])
    return sv.task_start(actor=cw.alice, task=t)


def moment(year: int = YEAR, month: int = 1, day: int = 15, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def activity(cw, t, *, actor=None, starts_at=None, **fields):
    starts_at = starts_at or moment()
    ends_at = fields.pop("ends_at") if "ends_at" in fields else starts_at + dt.timedelta(hours=4)
    return sv.activity_save(actor=actor or cw.bob, task=t, kind=fields.pop("kind", ActivityKind.INSPECTION),
                            title=fields.pop("title", "沿黄湿地实地视察"), starts_at=starts_at, ends_at=ends_at,
                            place=fields.pop("place", "黄河湿地公园"), **fields)


def report(cw, t, *, kind=ReportKind.ANNUAL, year=YEAR, actor=None, title=None):
    return sv.task_report_submit(actor=actor or cw.bob, task=t, year=year, kind=kind,
                                 title=title or f"{year}年度监督报告", text_=REPORT)


# --- the task ----------------------------------------------------------------------------------------


def test_staff_create_a_collaborative_supervision_topic_with_the_bodies_it_works_with(cw):
    deadline = dt.date(YEAR, 12, 31)
    created = task(cw, supervision_kind=SupervisionKind.COLLABORATIVE, partners=[cw.dept_a, cw.dept_a2, cw.dept_a],
                   end_year=YEAR + 1, organiser=cw.sc_a, deadline=deadline, description="  与法院协同  ",
                   plan="每季度开展一次联合视察")
    assert (created.category, created.supervision_kind, created.status, created.start_year, created.end_year,
            created.organiser, created.deadline, created.description, created.created_by) == (
        TaskCategory.SUPERVISION, SupervisionKind.COLLABORATIVE, TaskStatus.PLANNED, YEAR, YEAR + 1, cw.sc_a,
        deadline, "与法院协同", cw.alice)
    assert sorted(created.partners.values_list("name", flat=True)) == ["甲市卫生健康委员会", "甲市教育局"]
    assert list(created.years) == [YEAR, YEAR + 1]
    assert actions(created) == ["task.create"]


def test_research_and_inspection_have_no_kind_of_supervision_and_run_one_year_by_default(cw):
    research = task(cw, category=TaskCategory.RESEARCH, supervision_kind="", title="农村养老服务体系建设调研")
    inspection = task(cw, category=TaskCategory.INSPECTION, supervision_kind="", title="城区河道治理视察")
    assert [(t.category, t.supervision_kind, t.start_year, t.end_year) for t in (research, inspection)] == [
        (TaskCategory.RESEARCH, "", YEAR, YEAR), (TaskCategory.INSPECTION, "", YEAR, YEAR)]


def test_the_category_kind_years_and_partners_of_a_task_are_checked(cw):
    assert invalid(sv.task_save, **task_args(cw, category="audit")) == {
        "category": ["Choose supervision, research or inspection."]}
    assert invalid(sv.task_save, **task_args(cw, supervision_kind="")) == {
        "supervision_kind": ["Choose one of the four kinds of supervision."]}
    assert invalid(sv.task_save, **task_args(cw, supervision_kind="secret")) == {
        "supervision_kind": ["Choose one of the four kinds of supervision."]}
    assert invalid(sv.task_save, **task_args(cw, category=TaskCategory.RESEARCH)) == {
        "supervision_kind": ["Only supervision topics have a kind of supervision."]}
    assert invalid(sv.task_save, **task_args(cw, start_year=1999)) == {"start_year": ["Give the first year."]}
    assert invalid(sv.task_save, **task_args(cw, start_year=str(YEAR))) == {"start_year": ["Give the first year."]}
    span = {"end_year": ["The last year is from the first year to 4 years later."]}
    assert invalid(sv.task_save, **task_args(cw, end_year=YEAR - 1)) == span
    assert invalid(sv.task_save, **task_args(cw, end_year=YEAR + 5)) == span
    assert invalid(sv.task_save, **task_args(cw, supervision_kind=SupervisionKind.COLLABORATIVE)) == {
        "partners": ["A collaborative supervision names the bodies it works with."]}
    assert invalid(sv.task_save, **task_args(cw, deadline="年底")) == {"deadline": ["Give a date."]}
    # several at once
    assert invalid(sv.task_save, **task_args(cw, supervision_kind=SupervisionKind.COLLABORATIVE, start_year=1999)) == {
        "start_year": ["Give the first year."],
        "partners": ["A collaborative supervision names the bodies it works with."]}
    assert invalid(sv.task_save, **task_args(cw, title="监督")) == {"title": ["At least 4 characters."]}
    assert invalid(sv.task_save, **task_args(cw, title="监" * 121)) == {"title": ["At most 120 characters."]}
    assert invalid(sv.task_save, **task_args(cw, plan="计" * 20001)) == {"plan": ["At most 20000 characters."]}
    assert invalid(sv.task_save, **task_args(cw, partners=[cw.dept_b])) == {
        "partners": ["Choose departments of this committee."]}
    assert invalid(sv.task_save, **task_args(cw, organiser=cw.sc_b)) == {
        "organiser": ["Choose a special committee of this committee."]}
    assert Task.objects.count() == 0
    assert task(cw, end_year=YEAR + 4).end_year == YEAR + 4


def test_only_staff_of_the_committee_create_and_change_tasks(cw):
    for outsider in (cw.bob, cw.lily, cw.carol, cw.eve, cw.dave, bea(cw)):
        assert denied(sv.task_save, **task_args(cw, actor=outsider)) == STAFF_ONLY
    assert denied(sv.task_save, **task_args(cw, committee=cw.a1)) == STAFF_ONLY
    assert sv.task_save(**task_args(cw, actor=cw.fiona, committee=cw.a1)).committee == cw.a1
    mine = task(cw)
    assert denied(sv.task_save, **task_args(cw, actor=cw.bob, committee=None), task=mine) == STAFF_ONLY
    assert Task.objects.count() == 2


def test_a_task_changes_until_it_is_concluded_and_keeps_its_category_once_it_has_activities(cw):
    t = started(cw, end_year=YEAR + 1)
    changed = sv.task_save(**task_args(cw, committee=None, title="黄河流域生态保护和高质量发展跟踪监督",
                                       end_year=YEAR + 1, plan="上半年视察，下半年问询"), task=t)
    assert (changed.title, changed.plan, changed.end_year, changed.status) == (
        "黄河流域生态保护和高质量发展跟踪监督", "上半年视察，下半年问询", YEAR + 1, TaskStatus.ACTIVE)
    activity(cw, t)
    assert invalid(sv.task_save, **task_args(cw, committee=None, category=TaskCategory.RESEARCH, supervision_kind=""),
                   task=t) == {"category": ["Activities exist; the category stays."]}
    report(cw, t, kind=ReportKind.FINAL, year=YEAR + 1)
    sv.task_conclude(actor=cw.alice, task=t)
    assert conflict(sv.task_save, **task_args(cw, committee=None, title="结束后再改名"), task=t) == "The task is concluded."
    assert reload(t).title == "黄河流域生态保护和高质量发展跟踪监督"
    assert actions(t) == ["task.create", "task.team", "task.start", "task.update", "activity.create", "task.report",
                          "task.conclude"]


# --- the team -----------------------------------------------------------------------------------------


def test_the_team_has_one_lead_and_serving_members_of_the_committee(cw):
    t = task(cw)
    assert invalid(sv.team_set, actor=cw.alice, task=t, lead=None, members=[cw.cindy_seat]) == {
        "lead": ["Choose the team lead."]}
    for seat in (cw.ada_seat, cw.ben_seat):
        assert invalid(sv.team_set, actor=cw.alice, task=t, lead=cw.bob_seat, members=[seat]) == {
            "members": ["The team is made of serving members of this committee."]}
    assert invalid(sv.team_set, actor=cw.alice, task=t, lead=cw.ada_seat) == {
        "members": ["The team is made of serving members of this committee."]}
    for outsider in (cw.bob, cw.lily, cw.carol, bea(cw)):
        assert denied(sv.team_set, actor=outsider, task=t, lead=cw.bob_seat) == STAFF_ONLY
    assert TeamMember.objects.count() == 0

    rows = sv.team_set(actor=cw.alice, task=t, lead=cw.bob_seat, members=[cw.cindy_seat, cw.bob_seat, cw.cindy_seat])
    assert [(r.member, r.role) for r in rows] == [(cw.bob_seat, TeamRole.LEAD), (cw.cindy_seat, TeamRole.MEMBER)]
    assert told("You are on the team of 黄河流域生态保护跟踪监督") == ["bob", "cindy"]
    # the team is replaced as a whole: cindy leads alone now
    sv.team_set(actor=cw.alice, task=t, lead=cw.cindy_seat)
    assert list(t.team.values_list("member__name", "role")) == [("崔欣", TeamRole.LEAD)]
    assert AuditEntry.objects.filter(action="task.team", target_id=t.pk).first().changes == {
        "team": {"before": ["崔欣", "王博"], "after": ["崔欣"]}}


def test_a_team_is_at_most_the_maximum_size(cw, monkeypatch):
    monkeypatch.setattr(sv, "MAX_TEAM", 1)
    t = task(cw)
    assert invalid(sv.team_set, actor=cw.alice, task=t, lead=cw.bob_seat, members=[cw.cindy_seat]) == {
        "members": ["At most 1 team members."]}
    assert [r.member for r in sv.team_set(actor=cw.alice, task=t, lead=cw.bob_seat)] == [cw.bob_seat]


def test_a_task_starts_once_with_a_lead(cw):
    t = task(cw)
    assert invalid(sv.task_start, actor=cw.alice, task=t) == {"team": ["Set the team and its lead first."]}
    sv.team_set(actor=cw.alice, task=t, lead=cw.bob_seat)
    assert denied(sv.task_start, actor=cw.bob, task=t) == STAFF_ONLY
    assert sv.task_start(actor=cw.alice, task=t).status == TaskStatus.ACTIVE
    assert conflict(sv.task_start, actor=cw.alice, task=t) == "This is Under way; that step is not possible now."
    assert AuditEntry.objects.get(action="task.start", target_id=t.pk).changes == {
        "status": {"before": "planned", "after": "active"}}


# --- activities and attendance -----------------------------------------------------------------------


def test_the_lead_records_an_activity_and_the_team_is_on_its_list(cw):
    t = started(cw)
    done = activity(cw, t, summary="发现两处违规占用河道")
    assert (done.task, done.kind, done.title, done.place, done.summary, done.created_by) == (
        t, ActivityKind.INSPECTION, "沿黄湿地实地视察", "黄河湿地公园", "发现两处违规占用河道", cw.bob)
    assert sorted(done.participants.values_list("name", "invitation")) == [
        ("崔欣", InvitationStatus.ACCEPTED), ("王博", InvitationStatus.ACCEPTED)]
    assert [e.note for e in timeline(t) if e.action == "activity.create"] == ["沿黄湿地实地视察"]
    changed = sv.activity_save(actor=cw.bob, activity=done, kind=ActivityKind.SEMINAR, title="沿黄湿地保护座谈会",
                               starts_at=done.starts_at, ends_at=done.ends_at, place="市政协会议室")
    assert (changed.kind, changed.title, changed.place, changed.participants.count()) == (
        ActivityKind.SEMINAR, "沿黄湿地保护座谈会", "市政协会议室", 2)


def test_staff_put_the_members_they_choose_on_an_upcoming_activitys_list(cw):
    t = started(cw, end_year=YEAR + 1)  # in the last days of a year, "soon" is next year
    soon = timezone.now() + dt.timedelta(days=3)
    planned = activity(cw, t, actor=cw.alice, starts_at=soon, members=[cw.cindy_seat])
    assert list(planned.participants.values_list("name", "invitation")) == [("崔欣", InvitationStatus.ACCEPTED)]
    nobody = activity(cw, t, actor=cw.alice, starts_at=soon, title="内部碰头会", members=[])
    assert nobody.participants.count() == 0


def test_staff_record_an_activity_that_took_place(cw):
    t = started(cw)
    earlier = timezone.now() - dt.timedelta(hours=3)
    if earlier.year != YEAR:
        pytest.skip("straddles new year")
    done = activity(cw, t, actor=cw.alice, starts_at=earlier, ends_at=earlier + dt.timedelta(hours=2))
    assert sorted(done.participants.values_list("name", flat=True)) == ["崔欣", "王博"]


def test_who_records_activities_and_when(cw):
    t = task(cw)
    sv.team_set(actor=cw.alice, task=t, lead=cw.bob_seat, members=[cw.cindy_seat])
    assert conflict(activity, cw=cw, t=t) == "Activities are recorded while the task is under way."
    sv.task_start(actor=cw.alice, task=t)
    refused = "Staff and the team lead record activities."
    for outsider in (cw.cindy, cw.lily, cw.carol, cw.eve, bea(cw)):
        assert denied(activity, cw=cw, t=t, actor=outsider) == refused
    assert invalid(activity, cw=cw, t=t, kind="party") == {"kind": ["Choose the kind of activity."]}
    assert invalid(activity, cw=cw, t=t, title="视察") == {"title": ["At least 4 characters."]}
    assert invalid(activity, cw=cw, t=t, ends_at=moment(hour=8)) == {
        "ends_at": ["The end must not be before the start."]}
    assert invalid(activity, cw=cw, t=t, starts_at="一月中旬", ends_at="一月下旬") == {
        "starts_at": ["Give the start and end."]}
    assert invalid(activity, cw=cw, t=t, starts_at=moment(YEAR + 1)) == {
        "starts_at": [f"The task runs from {YEAR} to {YEAR}."]}
    assert invalid(activity, cw=cw, t=t, members=[cw.ada_seat]) == {"members": ["Choose members of this committee."]}
    assert (Activity.objects.count(), Participant.objects.count()) == (0, 0)


def test_a_member_signs_in_to_an_activity_and_staff_record_attendance(cw):
    t = started(cw)
    now = timezone.now()
    if now.year != (now - dt.timedelta(minutes=30)).year:
        pytest.skip("straddles new year")
    current = activity(cw, t, starts_at=now - dt.timedelta(minutes=30), title="湿地巡查座谈")
    cindy = current.participants.get(member=cw.cindy_seat)
    bob = current.participants.get(member=cw.bob_seat)
    assert denied(cs.participant_check_in, actor=cw.bob, participant=cindy) == "You can only sign yourself in."
    assert cs.participant_check_in(actor=cw.cindy, participant=cindy).attendance == Attendance.PRESENT
    assert conflict(cs.invitation_respond, actor=cw.bob, participant=bob, accept=False, note="请假") == (
        "This invitation can no longer be answered.")
    assert denied(cs.attendance_record, actor=cw.bob, participant=bob, attendance=Attendance.ABSENT) == STAFF_ONLY
    excused = cs.attendance_record(actor=cw.alice, participant=bob, attendance=Attendance.EXCUSED, note="另有公务")
    assert (excused.attendance, excused.response_note) == (Attendance.EXCUSED, "另有公务")
    assert [e.action for e in timeline(current)] == ["participant.attendance", "participant.check_in"]


# --- findings, reports, carrying over, conclusion -----------------------------------------------------


def test_the_lead_or_staff_write_the_findings(cw):
    t = started(cw)
    assert denied(sv.task_findings_save, actor=cw.cindy, task=t, findings="发现部分河段违规占用问题。") == (
        "Staff and the team lead write the findings.")
    assert invalid(sv.task_findings_save, actor=cw.bob, task=t, findings="问题不少") == {
        "findings": ["At least 10 characters."]}
    assert sv.task_findings_save(actor=cw.bob, task=t, findings="发现部分河段违规占用问题。").findings == (
        "发现部分河段违规占用问题。")
    assert sv.task_findings_save(actor=cw.alice, task=t, findings="发现部分河段违规占用、排污问题。").findings == (
        "发现部分河段违规占用、排污问题。")
    report(cw, t, kind=ReportKind.FINAL)
    sv.task_conclude(actor=cw.alice, task=t, note="圆满完成")
    assert conflict(sv.task_findings_save, actor=cw.bob, task=t, findings="结束之后补充的发现。") == (
        "The task is concluded.")


def test_reports_are_submitted_while_the_task_is_under_way_one_years_report_per_year(cw):
    t = task(cw, end_year=YEAR + 1)
    sv.team_set(actor=cw.alice, task=t, lead=cw.bob_seat, members=[cw.cindy_seat])
    assert conflict(report, cw=cw, t=t) == "Reports are submitted while the task is under way."
    sv.task_start(actor=cw.alice, task=t)
    assert denied(report, cw=cw, t=t, actor=cw.cindy) == "Staff and the team lead submit reports."
    assert denied(report, cw=cw, t=t, actor=cw.lily) == "Staff and the team lead submit reports."
    assert invalid(report, cw=cw, t=t, kind="memo") == {"kind": ["Choose the kind of report."]}
    assert invalid(report, cw=cw, t=t, year=YEAR + 2) == {"year": [f"The task runs from {YEAR} to {YEAR + 1}."]}
    assert invalid(report, cw=cw, t=t, year=YEAR - 1) == {"year": [f"The task runs from {YEAR} to {YEAR + 1}."]}
    assert invalid(report, cw=cw, t=t, title="报告") == {"title": ["At least 4 characters."]}

    interim = report(cw, t, kind=ReportKind.INTERIM, title="阶段性报告")
    annual = report(cw, t)
    assert (annual.task, annual.year, annual.kind, annual.submitted_by) == (t, YEAR, ReportKind.ANNUAL, cw.bob)
    assert reload(t).status == TaskStatus.ACTIVE
    assert invalid(report, cw=cw, t=t, title="重复的年度报告") == {"kind": [f"The report for {YEAR} is already in."]}
    assert report(cw, t, kind=ReportKind.INTERIM, title="第二份阶段性报告").kind == ReportKind.INTERIM
    assert invalid(report, cw=cw, t=t, kind=ReportKind.FINAL, title="最终报告") == {
        "year": [f"The final report is for the task's last year, {YEAR + 1}; carry the task over first if it goes on."]}
    assert told(f"Report submitted: {YEAR}年度监督报告") == ["alice", "fiona"]
    assert list(t.reports.values_list("pk", flat=True))[:2] == [interim.pk, annual.pk]

    final = report(cw, t, kind=ReportKind.FINAL, year=YEAR + 1, title="跟踪监督总报告")
    assert (final.kind, reload(t).status) == (ReportKind.FINAL, TaskStatus.REPORTED)
    assert conflict(report, cw=cw, t=t, kind=ReportKind.INTERIM, year=YEAR + 1, title="再交一份报告") == (
        "Reports are submitted while the task is under way.")
    assert TaskReport.objects.count() == 4
    assert AuditEntry.objects.filter(action="task.report", target_id=t.pk).first().changes == {
        "status": {"before": "active", "after": "reported"}}


def test_carrying_over_needs_the_years_report_and_stops_at_the_longest_span(cw, monkeypatch):
    t = started(cw)
    assert conflict(sv.task_carry_over, actor=cw.alice, task=t, note="明年继续跟踪") == (
        f"Submit the report for {YEAR} before carrying the task over.")
    interim = report(cw, t, kind=ReportKind.INTERIM, title="阶段性报告")
    assert interim.kind == ReportKind.INTERIM
    assert conflict(sv.task_carry_over, actor=cw.alice, task=t, note="明年继续跟踪") == (
        f"Submit the report for {YEAR} before carrying the task over.")
    report(cw, t)
    assert invalid(sv.task_carry_over, actor=cw.alice, task=t, note="继续") == {"note": ["At least 4 characters."]}
    assert denied(sv.task_carry_over, actor=cw.bob, task=t, note="组长想延期") == STAFF_ONLY
    assert reload(t).end_year == YEAR
    Notification.objects.all().delete()

    carried = sv.task_carry_over(actor=cw.alice, task=t, note="问题尚未整改到位，明年继续跟踪")
    assert (carried.start_year, carried.end_year, carried.status) == (YEAR, YEAR + 1, TaskStatus.ACTIVE)
    assert told(f"黄河流域生态保护跟踪监督 goes on in {YEAR + 1}") == ["bob", "cindy"]
    assert AuditEntry.objects.get(action="task.carry_over", target_id=t.pk).changes == {
        "end_year": {"before": YEAR, "after": YEAR + 1}}
    # the next year's report must be in before it is carried again
    assert conflict(sv.task_carry_over, actor=cw.alice, task=t, note="再延一年") == (
        f"Submit the report for {YEAR + 1} before carrying the task over.")
    # an activity in the new year is accepted now
    soon = activity(cw, carried, starts_at=moment(YEAR + 1, 3), title="次年湿地复查")
    assert soon.starts_at.year == YEAR + 1

    monkeypatch.setattr(sv, "MAX_YEARS", 2)
    report(cw, t, year=YEAR + 1)
    assert conflict(sv.task_carry_over, actor=cw.alice, task=t, note="再延一年") == "A task runs at most 2 years."
    assert reload(t).end_year == YEAR + 1


def test_only_a_task_under_way_is_carried_over(cw):
    t = task(cw)
    sv.team_set(actor=cw.alice, task=t, lead=cw.bob_seat)
    assert conflict(sv.task_carry_over, actor=cw.alice, task=t, note="还没开始就延期") == (
        "Only a task under way is carried over.")
    sv.task_start(actor=cw.alice, task=t)
    report(cw, t, kind=ReportKind.FINAL)
    assert conflict(sv.task_carry_over, actor=cw.alice, task=t, note="交了终期报告再延期") == (
        "Only a task under way is carried over.")


def test_staff_conclude_a_reported_task_or_send_the_final_report_back(cw):
    t = started(cw)
    assert conflict(sv.task_conclude, actor=cw.alice, task=t) == "This is Under way; that step is not possible now."
    assert conflict(sv.task_return, actor=cw.alice, task=t, note="还没有终期报告") == (
        "This is Under way; that step is not possible now.")
    final = report(cw, t, kind=ReportKind.FINAL, title="跟踪监督总报告")
    assert invalid(sv.task_return, actor=cw.alice, task=t, note="补充") == {"note": ["At least 4 characters."]}
    assert denied(sv.task_return, actor=cw.lily, task=t, note="领导退回报告") == STAFF_ONLY
    Notification.objects.all().delete()
    returned = sv.task_return(actor=cw.alice, task=t, note="请补充整改数据")
    assert (returned.status, reload(final).kind) == (TaskStatus.ACTIVE, ReportKind.INTERIM)
    assert list(Notification.objects.values_list("recipient__username", "title", "body")) == [
        ("bob", "The final report of 黄河流域生态保护跟踪监督 was sent back", "请补充整改数据")]

    report(cw, t, kind=ReportKind.FINAL, title="跟踪监督总报告（修改稿）")
    assert denied(sv.task_conclude, actor=cw.bob, task=t) == STAFF_ONLY
    assert invalid(sv.task_conclude, actor=cw.alice, task=t, note="结" * 2001) == {"note": ["At most 2000 characters."]}
    concluded = sv.task_conclude(actor=cw.alice, task=t, note="整改到位")
    assert (concluded.status, concluded.concluded_at is not None) == (TaskStatus.CONCLUDED, True)
    assert list(t.reports.values_list("kind", flat=True)) == [ReportKind.INTERIM, ReportKind.FINAL]
    assert conflict(sv.task_conclude, actor=cw.alice, task=t) == "This is Concluded; that step is not possible now."
    assert conflict(sv.team_set, actor=cw.alice, task=t, lead=cw.cindy_seat) == "The task is concluded."
    assert conflict(activity, cw=cw, t=t) == "Activities are recorded while the task is under way."
    assert actions(t)[-4:] == ["task.report", "task.return", "task.report", "task.conclude"]


# --- instructions and follow-up on tasks -----------------------------------------------------------------


def test_instructions_on_a_task_once_it_has_reported_and_the_team_hears(cw):
    t = started(cw)
    args = {"leader_name": "李书记", "level": InstructionLevel.PARTY, "instructed_on": timezone.localdate(),
            "text_": "成效明显，请持续巩固。"}
    assert conflict(cs.instruction_record, actor=cw.lily, target=t, **args) == (
        "Instructions are recorded on a task once it has reported.")
    assert denied(cs.instruction_record, actor=cw.bob, target=t, **args) == (
        "Only staff or leaders of this committee may do this.")
    report(cw, t)  # a year's report is enough while it goes on
    Notification.objects.all().delete()
    instruction = cs.instruction_record(actor=cw.lily, target=t, **args)
    assert (instruction.task, instruction.committee, instruction.level) == (t, cw.a, InstructionLevel.PARTY)
    assert told("A leader instructed on 黄河流域生态保护跟踪监督") == ["bob", "cindy"]
    assert Instruction.objects.count() == 1


def test_follow_up_on_a_task_by_staff_or_its_partner_bodies_once_started(cw):
    t = task(cw, supervision_kind=SupervisionKind.COLLABORATIVE, partners=[cw.dept_a])
    today = timezone.localdate()
    assert conflict(cs.follow_up_add, actor=cw.alice, target=t, noted_on=today, text_="尚未开始的跟踪") == (
        "The task has not started.")
    sv.team_set(actor=cw.alice, task=t, lead=cw.bob_seat)
    sv.task_start(actor=cw.alice, task=t)
    refused = "Only staff or the departments concerned may record follow-up."
    assert denied(cs.follow_up_add, actor=cw.hank, target=t, noted_on=today, department=cw.dept_a2,
                  text_="非协同单位来报") == refused
    assert denied(cs.follow_up_add, actor=cw.bob, target=t, noted_on=today, department=cw.dept_a,
                  text_="组长冒用单位") == refused
    Notification.objects.all().delete()
    entry = cs.follow_up_add(actor=cw.carol, target=t, noted_on=today, department=cw.dept_a,
                             text_="联合排查违规占用三处，已整改两处。")
    assert (entry.task, entry.result, entry.department) == (t, None, cw.dept_a)
    assert told("Follow-up reported on 黄河流域生态保护跟踪监督") == ["alice", "fiona"]
    # "implemented" closes results only; a task stays under way
    cs.follow_up_add(actor=cw.alice, target=t, noted_on=today, implemented=True, text_="全部整改完毕")
    assert (reload(t).status, FollowUp.objects.count()) == (TaskStatus.ACTIVE, 2)
