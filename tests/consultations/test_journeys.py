"""The issue's three journeys, each end to end through the services: a consultation from topic
collection to an implemented result, an information item from submission to adoption by the
higher committee, and a supervision topic across two years."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consultations.choices import (
    AdoptionLevel,
    Attendance,
    InformationStatus,
    InstructionLevel,
    InvitationStatus,
    IssueStatus,
    Recipient,
    ReportKind,
    ResultStatus,
    SessionStatus,
    SpeechKind,
    SpeechStatus,
    SupervisionKind,
    TaskCategory,
    TaskStatus,
    TopicSource,
    TopicStatus,
)
from consultations.models import Adoption, InformationItem
from consultations.selectors import credit_shares
from consultations.services import consultations as cs, information as info, supervision as sv
from proposals.choices import CaseKind, Conversion
from proposals.models import Assignment
from proposals.services import proposals as ps

pytestmark = pytest.mark.django_db


def test_consultation_from_member_topic_to_implemented_result(cw):
    year = timezone.localdate().year
    recommended = cs.topic_propose(actor=cw.bob, committee=cw.a, year=year, title="加快发展普惠托育服务",
                                   description="全市托育机构供给不足，收费偏高，建议开展专题协商。",
                                   source=TopicSource.MEMBER)
    assert recommended.recommended_by == cw.bob_seat
    topic = cs.topic_review(actor=cw.alice, topic=recommended, approve=True, note="列入年度协商计划")
    plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=year, title=f"{year}年度协商工作计划")
    topic = cs.plan_schedule(actor=cw.alice, plan=plan, topic=topic, month=6, kind=cw.kinds_a["special"])
    plan = cs.plan_publish(actor=cw.alice, plan=plan)
    assert (topic.status, topic.plan, plan.status) == (TopicStatus.SCHEDULED, plan, "published")

    session = cw.session(topics=[topic], departments=[cw.dept_a], starts_at=timezone.now() - dt.timedelta(minutes=30))
    cs.participants_invite(actor=cw.alice, event=session, members=[cw.bob_seat, cw.cindy_seat],
                           guests=[{"name": "李教授", "organisation": "甲市大学", "role": "expert"}])
    session = cs.consultation_announce(actor=cw.alice, consultation=session)
    bob_place = session.participants.get(member=cw.bob_seat)
    cindy_place = session.participants.get(member=cw.cindy_seat)
    cs.invitation_respond(actor=cw.bob, participant=bob_place, accept=True)
    cs.invitation_respond(actor=cw.cindy, participant=cindy_place, accept=False, note="出差在外")
    speech = cs.speech_register(actor=cw.bob, consultation=session, kind=SpeechKind.ORAL, title="关于托育补贴的建议",
                                text_="建议对普惠托育机构按托位给予运营补贴，并纳入民生实事。")
    written = cs.speech_register(actor=cw.cindy, consultation=session, kind=SpeechKind.WRITTEN,
                                 title="书面意见：托育人才培养", text_="建议职业院校开设婴幼儿托育专业，扩大人才供给。")
    session = cs.consultation_open(actor=cw.alice, consultation=session)
    cs.participant_check_in(actor=cw.bob, participant=bob_place)
    cs.speech_record(actor=cw.alice, speech=speech, order=1)
    session = cs.consultation_close(actor=cw.alice, consultation=session, summary="会议形成共识。")

    places = {p.name: p.attendance for p in session.participants.all()}
    assert places == {"王博": Attendance.PRESENT, "崔欣": Attendance.EXCUSED, "李教授": Attendance.ABSENT}
    speech.refresh_from_db()
    written.refresh_from_db()
    assert (speech.status, written.status) == (SpeechStatus.DELIVERED, SpeechStatus.REGISTERED)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DONE

    result = cs.result_save(actor=cw.alice, consultation=session, title="关于加快发展普惠托育服务的协商报告",
                            text_="一、现状与问题……二、对策建议：加大财政补贴，扩大普惠托位供给，加强人才培养。",
                            departments=[cw.dept_a])
    result = cs.result_approve(actor=cw.lily, result=result)
    result = cs.result_send(actor=cw.alice, result=result, recipients=[Recipient.PARTY, Recipient.GOVERNMENT,
                                                                        Recipient.DEPARTMENTS])
    instruction = cs.instruction_record(actor=cw.lily, target=result, leader_name="王市长", leader_title="市长",
                                        level=InstructionLevel.GOVERNMENT, instructed_on=timezone.localdate(),
                                        text_="请市教育局牵头研究落实。")
    cs.follow_up_add(actor=cw.carol, target=result, noted_on=timezone.localdate(), department=cw.dept_a,
                     text_="已制定普惠托育补贴办法，新增托位800个。")
    cs.follow_up_add(actor=cw.alice, target=result, noted_on=timezone.localdate(), implemented=True,
                     text_="各项建议均已落实，成果办结。")
    result.refresh_from_db()
    assert (result.status, result.instructions.get(), result.follow_ups.count()) == (ResultStatus.CLOSED,
                                                                                     instruction, 2)


def test_information_from_county_member_to_adoption_by_the_city(cw):
    # ada, a member of the county committee A1 below the city committee A, writes it
    item = cw.information(actor=cw.ada, committee=cw.a1, title="东区老旧小区加装电梯推进缓慢")
    assert item.authors.get().share == 1
    item = cw.signed_off(item, staff=cw.fiona, leader=cw.fiona)
    issue = info.issue_create(actor=cw.fiona, bulletin=cw.bulletin_a1, title="老旧小区改造专刊")
    info.issue_add_items(actor=cw.fiona, issue=issue, items=[item])
    issue = info.issue_send(actor=cw.fiona, issue=issue, recipients=[Recipient.PARTY, Recipient.HIGHER],
                            signed_by="东区政协主席")
    item.refresh_from_db()
    assert (issue.status, issue.number, item.status) == (IssueStatus.SENT, 1, InformationStatus.SENT)
    assert list(item.adoptions.values_list("level", flat=True)) == [AdoptionLevel.COMMITTEE]

    # the city committee receives its own copy in its queue
    copy = InformationItem.objects.get(forwarded_from=item)
    assert (copy.committee, copy.status, [a.member for a in copy.authors.all()]) == (
        cw.a, InformationStatus.SUBMITTED, [cw.ada_seat])
    copy = cw.signed_off(copy)
    city_issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    info.issue_add_items(actor=cw.alice, issue=city_issue, items=[copy])
    info.issue_send(actor=cw.alice, issue=city_issue, recipients=[Recipient.PARTY, Recipient.GOVERNMENT])
    assert sorted(item.adoptions.values_list("level", flat=True)) == [AdoptionLevel.COMMITTEE, AdoptionLevel.HIGHER]
    assert list(copy.adoptions.values_list("level", flat=True)) == [AdoptionLevel.COMMITTEE]

    cs.instruction_record(actor=cw.alice, target=copy, leader_name="李书记", level=InstructionLevel.PARTY,
                          instructed_on=timezone.localdate(), text_="请住建局研究解决。")
    credits = credit_shares(member_ids=[cw.ada_seat.pk], year=timezone.localdate().year)
    # ada wrote both the original and (as its author) the city's copy: each adoption and the
    # instruction earns her whole share
    assert sorted((r["event"], r["level"], r["share"]) for r in credits) == [
        ("adoption", "committee", 1), ("adoption", "committee", 1), ("adoption", "higher", 1),
        ("instruction", "party", 1)]


def test_information_passed_to_a_department_is_handled_on_the_engine(cw):
    item = cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))
    assert [a.share for a in item.authors.all()] == [pytest.approx(0.5), pytest.approx(0.5)]
    item = info.information_pass_to_department(actor=cw.alice, item=item, lead_department=cw.dept_a)
    assert item.case.kind == CaseKind.INFORMATION
    assert Assignment.objects.get(case=item.case).department == cw.dept_a
    assert (item.case.submitter, list(item.case.co_submitters.all())) == (cw.bob_seat, [cw.cindy_seat])


def test_proposal_not_filed_as_information_is_picked_up_once(cw):
    proposal = cw.submitted()
    ps.proposal_not_file(actor=cw.alice, proposal=proposal, reason="内容更适合以社情民意信息反映",
                         conversion=Conversion.INFORMATION)
    assert info.information_intake_converted() == 1
    assert info.information_intake_converted() == 0
    item = InformationItem.objects.get(source_proposal=proposal)
    assert (item.status, item.committee, [a.member for a in item.authors.all()]) == (
        InformationStatus.SUBMITTED, cw.a, [cw.bob_seat])


def test_follow_up_supervision_across_two_years(cw):
    year = timezone.localdate().year
    task = sv.task_save(actor=cw.alice, committee=cw.a, category=TaskCategory.SUPERVISION,
                        supervision_kind=SupervisionKind.FOLLOW_UP, title="黄河流域生态保护跟踪监督",
                        start_year=year, end_year=year, plan="每季度开展一次实地视察")
    sv.team_set(actor=cw.alice, task=task, lead=cw.bob_seat, members=[cw.cindy_seat])
    task = sv.task_start(actor=cw.alice, task=task)
    start = timezone.make_aware(dt.datetime(year, 1, 15, 9))
    activity = sv.activity_save(actor=cw.bob, task=task, kind="inspection", title="沿黄湿地实地视察",
                                starts_at=start, ends_at=start + dt.timedelta(hours=4), place="黄河湿地公园")
    assert sorted(activity.participants.values_list("name", flat=True)) == ["崔欣", "王博"]
    cindy = activity.participants.get(member=cw.cindy_seat)
    cs.attendance_record(actor=cw.alice, participant=cindy, attendance=Attendance.PRESENT)
    sv.task_report_submit(actor=cw.bob, task=task, year=year, kind=ReportKind.ANNUAL, title=f"{year}年度监督报告",
                          text_="湿地保护取得进展，但部分河段仍有违规占用问题，建议持续跟踪。")
    task = sv.task_carry_over(actor=cw.alice, task=task, note="问题尚未整改到位，明年继续跟踪")
    assert (task.start_year, task.end_year, task.status) == (year, year + 1, TaskStatus.ACTIVE)
    with pytest.raises(ValidationError):
        sv.task_report_submit(actor=cw.bob, task=task, year=year, kind=ReportKind.FINAL, title="终期报告",
                              text_="最终报告的年份必须是任务的最后一年，这里写错了年份。")
    sv.task_report_submit(actor=cw.bob, task=task, year=year + 1, kind=ReportKind.FINAL, title="跟踪监督总报告",
                          text_="两年跟踪监督，违规占用问题全部整改，湿地面积恢复。")
    cs.instruction_record(actor=cw.lily, target=task, leader_name="李书记", level=InstructionLevel.PARTY,
                          instructed_on=timezone.localdate(), text_="成效明显，请持续巩固。")
    task = sv.task_conclude(actor=cw.alice, task=task)
    assert task.status == TaskStatus.CONCLUDED
    assert list(task.reports.values_list("year", "kind")) == [(year, "annual"), (year + 1, "final")]


def test_invitation_answers_and_attendance_are_checked(cw):
    session = cw.invited()
    place = session.participants.get(member=cw.bob_seat)
    with pytest.raises(ValidationError):
        cs.invitation_respond(actor=cw.bob, participant=place, accept=False, note="")
    with pytest.raises(PermissionDenied):
        cs.invitation_respond(actor=cw.cindy, participant=place, accept=True)
    assert place.invitation == InvitationStatus.PENDING
    assert session.status == SessionStatus.ANNOUNCED
    assert Adoption.objects.count() == 0
