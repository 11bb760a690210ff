"""What each user sees of consultation, supervision and information work (consultations/
selectors.py): sessions in each status, invitations, topics, plans, results and instructions,
tasks and activities, information drafts and submitted items, issues, the calendar, and the
small lists (kinds, bulletins, officers).

Cast (tests/consultations/conftest.py): alice staff of A, fiona staff of A and A1, lily leader
of A, bob and cindy members of A, ada member of A1, olga information officer of A, carol
liaison of 甲市教育局, hank of 甲市卫生健康委员会, dave liaison in B, ben member of B, eve an
outsider, root the superuser.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consultations import selectors
from consultations.choices import (
    ConsultationForm,
    InstructionLevel,
    Recipient,
    ReportKind,
    SupervisionKind,
    TaskCategory,
    TopicSource,
)
from consultations.models import Activity
from consultations.services import consultations as cs, information as info, supervision as sv

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
RESULT_TEXT = "一、现状与问题……二、对策建议：加大财政补贴，扩大普惠托位供给，加强人才培养。"


def titles(qs) -> list[str]:
    return sorted(o.title for o in qs)


def users(cw, names: str):
    return {name: getattr(cw, name) for name in names.split()}


# --- sessions --------------------------------------------------------------------------------------------


@pytest.fixture
def sessions(cw):
    """One session of A in each status, counterpart sessions with 甲市教育局, a session carol is
    invited to as a guest, and two sessions of A1."""
    cw.session(title="筹备中的协商会")
    cw.invited(cw.session(title="已通知的协商会"))
    cs.consultation_open(actor=cw.alice, consultation=cw.invited(cw.session(title="进行中的协商会")))
    cw.held(cw.session(title="已举行的协商会"))
    cs.consultation_cancel(actor=cw.alice, consultation=cw.invited(cw.session(title="已取消的协商会")),
                           reason="议题调整，会议取消")
    cw.session(title="筹备中的对口协商会", form=ConsultationForm.COUNTERPART, departments=[cw.dept_a])
    counterpart = cw.session(title="已通知的对口协商会", form=ConsultationForm.COUNTERPART, departments=[cw.dept_a])
    cw.invited(counterpart, members=[cw.cindy_seat])
    guest = cw.session(title="邀请联络员的协商会")
    cs.participants_invite(actor=cw.alice, event=guest, guests=[{"name": "陈卡萝", "role": "official",
                                                                 "user": cw.carol}])
    cs.consultation_announce(actor=cw.alice, consultation=guest)
    starts = timezone.now() + dt.timedelta(days=7)
    for title in ("东区筹备中的协商会", "东区已通知的协商会"):
        a1 = cs.consultation_save(actor=cw.fiona, committee=cw.a1, kind=cw.kinds_a1["special"], title=title,
                                  starts_at=starts, ends_at=starts + dt.timedelta(hours=2), place="东区政协会议室")
    cs.participants_invite(actor=cw.fiona, event=a1, members=[cw.ada_seat])
    cs.consultation_announce(actor=cw.fiona, consultation=a1)
    return cw


A_ALL = ["已举行的协商会", "已取消的协商会", "已通知的协商会", "已通知的对口协商会", "筹备中的协商会", "筹备中的对口协商会",
         "进行中的协商会", "邀请联络员的协商会"]
A_SHOWN = ["已举行的协商会", "已取消的协商会", "已通知的协商会", "已通知的对口协商会", "进行中的协商会", "邀请联络员的协商会"]


def test_who_sees_which_sessions(sessions):
    cw = sessions
    expected = {
        "root": sorted(A_ALL + ["东区已通知的协商会", "东区筹备中的协商会"]),
        "alice": A_ALL,                                                        # staff: being prepared too
        "fiona": sorted(A_ALL + ["东区已通知的协商会", "东区筹备中的协商会"]),  # and the committees below
        "lily": A_SHOWN,                                                       # leaders: once announced
        "bob": A_SHOWN,
        "cindy": A_SHOWN,
        "ada": ["东区已通知的协商会"],
        "carol": ["已通知的对口协商会", "邀请联络员的协商会"],                   # counterpart or invited
        "hank": [], "dave": [], "ben": [], "eve": [],
    }
    seen = {name: titles(selectors.consultations_for(user)) for name, user in
            users(cw, "root alice fiona lily bob cindy ada carol hank dave ben eve").items()}
    assert seen == expected


def test_a_session_counts_its_participants(sessions):
    counts = {c.title: c.participant_count for c in selectors.consultations_for(sessions.alice)}
    assert (counts["已通知的协商会"], counts["已通知的对口协商会"], counts["筹备中的协商会"]) == (2, 1, 0)


def test_my_invitations_leave_out_sessions_still_being_prepared(cw):
    prepared = cw.session(title="筹备中的协商会")
    cs.participants_invite(actor=cw.alice, event=prepared, members=[cw.bob_seat])
    cw.invited(cw.session(title="已通知的协商会"))
    past = cw.session(title="上月的协商会", starts_at=timezone.now() - dt.timedelta(days=30))
    cw.held(past)
    mine = selectors.my_participations(cw.bob)
    assert [p.consultation.title for p in mine] == ["上月的协商会", "已通知的协商会"]
    assert [p.consultation.title for p in selectors.my_participations(cw.bob, upcoming=True)] == ["已通知的协商会"]
    assert [p.consultation.title for p in selectors.my_participations(cw.bob, upcoming=False)] == ["上月的协商会"]
    assert list(selectors.my_participations(cw.eve)) == []
    assert list(selectors.my_participations(cw.alice)) == []


# --- topics and plans ---------------------------------------------------------------------------------


def test_who_sees_which_topics_and_which_wait_for_a_decision(cw):
    cw.topic(title="党政点题：普惠托育", status="proposed")
    cw.topic(title="已批准的议题")
    rejected = cw.topic(title="未采用的议题", status="proposed")
    cs.topic_review(actor=cw.alice, topic=rejected, approve=False, note="与去年重复")
    cs.topic_propose(actor=cw.bob, committee=cw.a, year=YEAR, title="委员荐题：停车难",
                     description="老旧小区停车难问题突出，建议开展协商。", source=TopicSource.MEMBER)
    plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=YEAR, title="年度协商工作计划")
    cs.plan_schedule(actor=cw.alice, plan=plan, topic=cw.topic(title="列入计划的议题"), month=6)
    cs.topic_propose(actor=cw.fiona, committee=cw.a1, year=YEAR, title="东区的议题",
                     description="东区托育机构供给不足，建议开展专题协商。", source=TopicSource.ASSIGNED)

    every_a = ["党政点题：普惠托育", "列入计划的议题", "委员荐题：停车难", "已批准的议题", "未采用的议题"]
    seen = {name: titles(selectors.topics_for(user)) for name, user in
            users(cw, "root alice fiona lily bob cindy ada carol dave eve").items()}
    assert seen == {
        "root": sorted(every_a + ["东区的议题"]), "alice": every_a, "fiona": sorted(every_a + ["东区的议题"]),
        "lily": every_a,
        "bob": ["列入计划的议题", "委员荐题：停车难", "已批准的议题"],   # approved, planned, and his own
        "cindy": ["列入计划的议题", "已批准的议题"],
        "ada": [], "carol": [], "dave": [], "eve": [],
    }
    assert titles(selectors.topic_queue(cw.alice)) == ["党政点题：普惠托育", "委员荐题：停车难"]
    assert titles(selectors.topic_queue(cw.fiona)) == ["东区的议题", "党政点题：普惠托育", "委员荐题：停车难"]
    assert titles(selectors.topic_queue(cw.lily)) == []
    assert titles(selectors.topic_queue(cw.bob)) == []


def test_a_plan_is_staffs_until_published(cw):
    plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=YEAR, title="年度协商工作计划")
    cs.plan_schedule(actor=cw.alice, plan=plan, topic=cw.topic(), month=6)
    cs.plan_save(actor=cw.alice, committee=cw.a, year=YEAR + 1, title="下年度协商工作计划")
    cs.plan_publish(actor=cw.alice, plan=plan)
    seen = {name: titles(selectors.plans_for(user)) for name, user in
            users(cw, "alice lily bob carol eve").items()}
    assert seen == {"alice": ["下年度协商工作计划", "年度协商工作计划"], "lily": ["年度协商工作计划"],
                    "bob": ["年度协商工作计划"], "carol": [], "eve": []}
    assert [p.topic_count for p in selectors.plans_for(cw.alice)] == [0, 1]


# --- results and instructions ----------------------------------------------------------------------------


def test_who_sees_which_results_and_instructions(cw):
    def result(title, departments=()):
        return cs.result_save(actor=cw.alice, consultation=cw.held(cw.session(title=f"{title}的会")), title=title,
                              text_=RESULT_TEXT, departments=departments)

    result("草稿成果")
    cs.result_approve(actor=cw.lily, result=result("已批准的成果"))
    sent = cs.result_send(actor=cw.alice, result=cs.result_approve(actor=cw.lily, result=result(
        "已报送的成果", [cw.dept_a])), recipients=[Recipient.PARTY, Recipient.DEPARTMENTS])
    other = cs.result_send(actor=cw.alice, result=cs.result_approve(actor=cw.lily, result=result("卫健的成果", [
        cw.dept_a2])), recipients=[Recipient.DEPARTMENTS])
    cs.follow_up_add(actor=cw.alice, target=other, noted_on=timezone.localdate(), implemented=True, text_="全部落实")
    cs.instruction_record(actor=cw.lily, target=sent, leader_name="王市长", level=InstructionLevel.GOVERNMENT,
                          instructed_on=timezone.localdate(), text_="请抓好落实。")

    every = ["卫健的成果", "已批准的成果", "已报送的成果", "草稿成果"]
    seen = {name: titles(selectors.results_for(user)) for name, user in
            users(cw, "root alice fiona lily bob ada carol hank dave eve").items()}
    assert seen == {"root": every, "alice": every, "fiona": every, "lily": every,
                    "bob": ["卫健的成果", "已报送的成果"],          # sent or closed
                    "ada": [], "carol": ["已报送的成果"], "hank": ["卫健的成果"], "dave": [], "eve": []}
    assert {r.title: r.instruction_count for r in selectors.results_for(cw.alice)}["已报送的成果"] == 1
    assert [i.leader_name for i in selectors.instructions_for(cw.lily)] == ["王市长"]
    assert [i.leader_name for i in selectors.instructions_for(cw.alice)] == ["王市长"]
    assert list(selectors.instructions_for(cw.bob)) == []
    assert list(selectors.instructions_for(cw.carol)) == []


# --- tasks and activities ------------------------------------------------------------------------------


def test_who_sees_which_tasks_and_activities(cw):
    def task(title, *, lead=None, partners=(), start=False, committee=None, actor=None):
        t = sv.task_save(actor=actor or cw.alice, committee=committee or cw.a, category=TaskCategory.SUPERVISION,
                         supervision_kind=SupervisionKind.COLLABORATIVE if partners else SupervisionKind.INQUIRY,
                         partners=partners, title=title, start_year=YEAR)
        if lead is not None:
            sv.team_set(actor=actor or cw.alice, task=t, lead=lead)
        if start:
            t = sv.task_start(actor=actor or cw.alice, task=t)
        return t

    task("bob牵头的筹备任务", lead=cw.bob_seat)
    under_way = task("崔欣牵头的进行中任务", lead=cw.cindy_seat, start=True)
    task("无人牵头的筹备任务")
    task("与教育局协同的进行中任务", lead=cw.cindy_seat, partners=[cw.dept_a], start=True)
    task("与教育局协同的筹备任务", partners=[cw.dept_a])
    task("东区的进行中任务", lead=cw.ada_seat, start=True, committee=cw.a1, actor=cw.fiona)
    when = timezone.make_aware(dt.datetime(YEAR, 1, 15, 9))
    sv.activity_save(actor=cw.cindy, task=under_way, kind="visit", title="实地走访", starts_at=when,
                     ends_at=when + dt.timedelta(hours=2))

    every_a = sorted(["bob牵头的筹备任务", "与教育局协同的筹备任务", "与教育局协同的进行中任务", "无人牵头的筹备任务",
                      "崔欣牵头的进行中任务"])
    seen = {name: titles(selectors.tasks_for(user)) for name, user in
            users(cw, "root alice fiona lily bob cindy ada carol hank dave eve").items()}
    assert seen == {
        "root": sorted(every_a + ["东区的进行中任务"]), "alice": every_a, "fiona": sorted(every_a + ["东区的进行中任务"]),
        "lily": every_a,
        "bob": ["bob牵头的筹备任务", "与教育局协同的进行中任务", "崔欣牵头的进行中任务"],  # started, or his team
        "cindy": ["与教育局协同的进行中任务", "崔欣牵头的进行中任务"],
        "ada": ["东区的进行中任务"],
        "carol": ["与教育局协同的进行中任务"],   # a partner, once started
        "hank": [], "dave": [], "eve": [],
    }
    assert {t.title: t.activity_count for t in selectors.tasks_for(cw.alice)}["崔欣牵头的进行中任务"] == 1
    assert [a.title for a in selectors.activities_for(cw.bob)] == ["实地走访"]
    assert list(selectors.activities_for(cw.carol)) == []
    assert list(selectors.activities_for(cw.eve)) == []


# --- information -----------------------------------------------------------------------------------------


@pytest.fixture
def items(cw):
    """bob's draft (with cindy), submitted, approved, signed-off, sent and passed items; olga's
    submitted item; ada's A1 item; cindy's draft."""
    cw.information(title="王博的草稿信息", co_authors=[cw.cindy_seat], submit=False)
    cw.information(title="王博已提交的信息", co_authors=[cw.cindy_seat])
    info.information_approve(actor=cw.alice, item=cw.information(title="王博已审核的信息"))
    signed = cw.signed_off(cw.information(title="王博已签发的信息"))
    sent = cw.signed_off(cw.information(title="王博已报送的信息"))
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    info.issue_add_items(actor=cw.alice, issue=issue, items=[sent])
    info.issue_send(actor=cw.alice, issue=issue, recipients=[Recipient.PARTY])
    info.information_pass_to_department(actor=cw.alice, item=signed, lead_department=cw.dept_a)
    cw.information(actor=cw.olga, title="欧佳已提交的信息")
    cw.information(actor=cw.ada, committee=cw.a1, title="东区吴艾达的信息")
    cw.information(actor=cw.cindy, title="崔欣的草稿信息", submit=False)
    info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a, title="编辑中的一期")
    return cw


def test_who_sees_which_information(items):
    cw = items
    submitted_a = ["欧佳已提交的信息", "王博已审核的信息", "王博已报送的信息", "王博已提交的信息", "王博已签发的信息"]
    seen = {name: titles(selectors.information_for(user)) for name, user in
            users(cw, "root alice fiona lily bob cindy olga ada carol hank dave eve").items()}
    assert seen == {
        "root": sorted(submitted_a + ["东区吴艾达的信息"]),
        "alice": sorted(submitted_a),                                   # no drafts
        "fiona": sorted(submitted_a + ["东区吴艾达的信息"]),
        "lily": ["王博已审核的信息", "王博已报送的信息", "王博已签发的信息"],  # approved onwards
        "bob": ["王博已审核的信息", "王博已报送的信息", "王博已提交的信息", "王博已签发的信息", "王博的草稿信息"],
        "cindy": ["崔欣的草稿信息", "王博已提交的信息"],                   # her own draft; bob's draft not yet
        "olga": ["欧佳已提交的信息"],
        "ada": ["东区吴艾达的信息"],
        "carol": ["王博已签发的信息"],                                     # passed to her department
        "hank": [], "dave": [], "eve": [],
    }


def test_my_information_and_the_review_queue(items):
    cw = items
    assert titles(selectors.my_information(cw.bob)) == [
        "王博已审核的信息", "王博已报送的信息", "王博已提交的信息", "王博已签发的信息", "王博的草稿信息"]
    assert titles(selectors.my_information(cw.cindy)) == ["崔欣的草稿信息", "王博已提交的信息"]
    assert titles(selectors.my_information(cw.alice)) == []
    # submitted (to review), approved (to sign off), signed off (to compile)
    assert titles(selectors.information_review_queue(cw.alice)) == [
        "欧佳已提交的信息", "王博已审核的信息", "王博已提交的信息", "王博已签发的信息"]
    assert titles(selectors.information_review_queue(cw.fiona)) == [
        "东区吴艾达的信息", "欧佳已提交的信息", "王博已审核的信息", "王博已提交的信息", "王博已签发的信息"]
    assert titles(selectors.information_review_queue(cw.lily)) == ["王博已审核的信息", "王博已签发的信息"]
    assert titles(selectors.information_review_queue(cw.bob)) == []


def test_a_forwarded_copy_is_seen_by_the_higher_committee_and_its_authors(cw):
    item = cw.signed_off(cw.information(actor=cw.ada, committee=cw.a1, title="东区老旧小区加装电梯"),
                         staff=cw.fiona, leader=cw.fiona)
    issue = info.issue_create(actor=cw.fiona, bulletin=cw.bulletin_a1)
    info.issue_add_items(actor=cw.fiona, issue=issue, items=[item])
    info.issue_send(actor=cw.fiona, issue=issue, recipients=[Recipient.HIGHER])
    committees = lambda user: sorted(i.committee.name for i in selectors.information_for(user))  # noqa: E731
    assert committees(cw.alice) == ["甲市政协"]
    assert committees(cw.ada) == ["甲市东区政协", "甲市政协"]
    assert committees(cw.fiona) == ["甲市东区政协", "甲市政协"]
    assert committees(cw.bob) == []
    assert [i.forwarded_from for i in selectors.information_review_queue(cw.alice)] == [item]


def test_who_sees_which_issues_bulletins_and_officers(items):
    cw = items
    seen = {name: sorted((i.title, i.status) for i in selectors.issues_for(user)) for name, user in
            users(cw, "alice lily bob cindy ada carol dave eve").items()}
    both = [("", "sent"), ("编辑中的一期", "draft")]
    assert seen == {"alice": both, "lily": both, "bob": [("", "sent")], "cindy": [("", "sent")], "ada": [],
                    "carol": [], "dave": [], "eve": []}
    assert [i.item_count for i in selectors.issues_for(cw.bob)] == [1]
    assert [b.committee for b in selectors.bulletins_for(cw.alice)] == [cw.a]
    assert sorted(b.committee.name for b in selectors.bulletins_for(cw.fiona)) == ["甲市东区政协", "甲市政协"]
    assert list(selectors.bulletins_for(cw.bob)) == []
    assert [o.user for o in selectors.officers_for(cw.alice)] == [cw.olga]
    assert list(selectors.officers_for(cw.lily)) == []
    assert list(selectors.officers_for(cw.olga)) == []


def test_kinds_are_seen_in_ones_own_committees(cw):
    assert selectors.kinds_for(cw.bob).count() == 11
    assert {k.committee for k in selectors.kinds_for(cw.carol)} == {cw.a}
    assert selectors.kinds_for(cw.fiona).count() == 22
    assert selectors.kinds_for(cw.eve).count() == 0
    assert selectors.kinds_for(cw.ben).count() == 0


# --- the calendar -----------------------------------------------------------------------------------------


def test_the_calendar_holds_the_sessions_and_activities_a_user_may_see_in_time_order(cw):
    now = timezone.now()
    if (now + dt.timedelta(days=10)).year != now.year:
        pytest.skip("the window straddles new year")
    prepared = cw.session(title="筹备中的协商会", starts_at=now + dt.timedelta(days=5))
    announced = cw.invited(cw.session(title="已通知的协商会", starts_at=now + dt.timedelta(days=7)))
    cs.consultation_cancel(actor=cw.alice, consultation=cw.invited(cw.session(
        title="已取消的协商会", starts_at=now + dt.timedelta(days=6))), reason="议题调整，会议取消")
    cw.invited(cw.session(title="下个月的协商会", starts_at=now + dt.timedelta(days=40)))
    task = sv.task_save(actor=cw.alice, committee=cw.a, category=TaskCategory.RESEARCH, title="托育服务专题调研",
                        start_year=YEAR)
    sv.team_set(actor=cw.alice, task=task, lead=cw.bob_seat)
    task = sv.task_start(actor=cw.alice, task=task)
    visit = sv.activity_save(actor=cw.bob, task=task, kind="visit", title="托育机构走访",
                             starts_at=now + dt.timedelta(days=3), ends_at=now + dt.timedelta(days=3, hours=2),
                             place="城东托育中心")
    sv.task_report_submit(actor=cw.bob, task=task, year=YEAR, kind=ReportKind.INTERIM, title="调研阶段报告",
                          text_="已走访托育机构十家，形成初步意见，下一步开展问卷调查。")

    start, end = now, now + dt.timedelta(days=10)
    bob = selectors.calendar_events(cw.bob, start, end)
    assert [(e["kind"], e["title"]) for e in bob] == [("activity", "托育机构走访"), ("consultation", "已通知的协商会")]
    assert bob[1] == {
        "kind": "consultation", "id": announced.pk, "title": "已通知的协商会", "starts_at": announced.starts_at,
        "ends_at": announced.ends_at, "place": "市政协三楼会议室", "is_online": False, "label": "专题协商",
        "status": "Announced", "state": "announced", "committee": "甲市政协", "url": f"/consultations/{announced.pk}/"}
    assert bob[0] == {
        "kind": "activity", "id": visit.pk, "title": "托育机构走访", "starts_at": visit.starts_at,
        "ends_at": visit.ends_at, "place": "城东托育中心", "is_online": False, "label": "Research (调研)",
        "status": "", "state": "", "committee": "甲市政协", "url": f"/consultations/tasks/activities/{visit.pk}/"}
    assert [e["title"] for e in selectors.calendar_events(cw.alice, start, end)] == [
        "托育机构走访", "筹备中的协商会", "已通知的协商会"]
    assert [e["id"] for e in selectors.calendar_events(cw.alice, start, end) if e["kind"] == "consultation"] == [
        prepared.pk, announced.pk]
    assert selectors.calendar_events(cw.eve, start, end) == []
    assert selectors.calendar_events(cw.carol, start, end) == []
    # an event overlapping the start of the window counts
    assert [e["title"] for e in selectors.calendar_events(cw.bob, visit.starts_at + dt.timedelta(hours=1), end)] == [
        "托育机构走访", "已通知的协商会"]
    assert Activity.objects.count() == 1
