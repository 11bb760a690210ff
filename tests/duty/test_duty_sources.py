"""What lands in a member's duty record from each kind of action the portal sees, done through
the real services (proposals/duty_sources.py, consultations/duty_sources.py).

Each test acts, then runs the sweep (``duty_sync_dirty``) that follows every action in
production, and asserts the exact entries each member has — kind, role, number of authors,
recorded share, the source row and its day. ``recorded`` also asserts that a full sync of the
committees afterwards changes nothing: the action marked every member whose record it changed.

Cast (tests/consultations/conftest.py): alice staff of 甲市 (A), fiona staff of A and A1, lily
leader of A, bob and cindy members of A, ada member of A1, carol liaison of 甲市教育局; dan
(made here) a third member of A.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from consultations.choices import (
    ActivityKind,
    AdoptionLevel,
    Attendance,
    ConcernConversion,
    DutyPeriod,
    InstructionLevel,
    Recipient,
    ReportKind,
    SpeechKind,
    StudioActivityKind,
    SupervisionKind,
    TaskCategory,
)
from consultations.models import (
    Activity,
    Adoption,
    Concern,
    DutyShift,
    InformationItem,
    Instruction,
    Participant,
    Speech,
    StudioActivity,
    TeamMember,
)
from consultations.services import consultations as cs, information as info, studios, supervision as sv
from members import duty
from members.choices import DutyKind as K, DutyRole
from members.models import DutyEntry
from members.services import studio_update
from proposals.choices import ProposalKind, Rating
from proposals.models import Case, Reply
from proposals.services import handling, proposals as ps
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year
FIRST, CO, NONE = DutyRole.FIRST, DutyRole.CO, DutyRole.NONE
ONE = Decimal("1.000")


def moment(year=YEAR, month=3, day=10, hour=9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def dan(cw):
    return MemberFactory(committee=cw.a, term=cw.term_a, sector=cw.sector_a, name="邓丹",
                         user=UserFactory(username="dan", full_name="邓丹"))


def recorded(cw, *, year=YEAR) -> list[tuple]:
    """Sweep the marks the actions left, check a full sync has nothing to add, and return the
    year's entries as (member, kind, role, authors, share, source, day)."""
    duty.duty_sync_dirty()
    assert duty.duty_sync(year=year, committee_ids=[cw.a.pk, cw.a1.pk]) == {
        "created": 0, "updated": 0, "deleted": 0, "scored": 0}
    return ordered((e.member.name, e.kind, e.role, e.group_size, e.share,
                    e.source_type.get_object_for_this_type(pk=e.source_id), e.occurred_on)
                   for e in DutyEntry.objects.filter(year=year).select_related("member", "source_type"))


def ordered(rows) -> list[tuple]:
    return sorted(rows, key=lambda r: (*r[:5], r[5]._meta.concrete_model.__name__, r[5].pk, r[6]))


# --- proposals and micro-suggestions --------------------------------------------------------------------


def test_a_joint_proposal_counts_for_its_first_proposer_and_confirmed_cosigners(cw):
    third = dan(cw)
    proposal = cw.draft(kind=ProposalKind.JOINT)
    ps.proposal_invite(actor=cw.bob, proposal=proposal, members=[cw.cindy_seat, third])
    ps.cosign_respond(actor=cw.cindy, cosigner=proposal.cosigners.get(member=cw.cindy_seat), accept=True)
    ps.cosign_respond(actor=third.user, cosigner=proposal.cosigners.get(member=third), accept=False,
                      note="本人另有提案")
    assert recorded(cw) == []  # a draft is no duty yet
    ps.proposal_submit(actor=cw.bob, proposal=proposal)
    ps.proposal_file(actor=cw.alice, proposal=proposal)
    ps.proposal_mark_key(actor=cw.alice, proposal=proposal, leaders=[cw.lily], plan="分管副市长牵头督办。")
    proposal.refresh_from_db()
    assert recorded(cw) == ordered(
        [("王博", kind, FIRST, 2, ONE, proposal, TODAY) for kind in (K.PROPOSAL_SUBMITTED, K.PROPOSAL_FILED,
                                                                     K.PROPOSAL_KEY)]
        + [("崔欣", kind, CO, 2, ONE, proposal, TODAY) for kind in (K.PROPOSAL_SUBMITTED, K.PROPOSAL_FILED,
                                                                    K.PROPOSAL_KEY)])
    # no longer key: that entry goes, the others stay
    ps.proposal_unmark_key(actor=cw.alice, proposal=proposal, note="调整重点提案名单")
    assert sorted({(r[0], r[1]) for r in recorded(cw)}) == [
        ("崔欣", K.PROPOSAL_FILED), ("崔欣", K.PROPOSAL_SUBMITTED), ("王博", K.PROPOSAL_FILED),
        ("王博", K.PROPOSAL_SUBMITTED)]


def test_a_proposal_submitted_but_not_filed_counts_as_submitted_only(cw):
    proposal = cw.submitted()
    ps.proposal_not_file(actor=cw.alice, proposal=proposal, reason="属于部门日常工作范畴，建议转为社情民意信息。")
    assert recorded(cw) == [("王博", K.PROPOSAL_SUBMITTED, FIRST, 1, ONE, proposal, TODAY)]


def reply_of(case) -> Reply:
    return Reply.objects.get(case=case, is_opinion=False)


def test_a_micro_suggestion_counts_when_submitted_answered_and_closed_satisfied(cw):
    satisfied = cw.replied(cw.submit_routed(co_submitters=[cw.cindy_seat]))
    handling.case_rate(actor=cw.bob, reply=reply_of(satisfied), rating=Rating.SATISFIED)
    basically = cw.replied(cw.submit_routed("学校周边缺少人行横道", "学校门口车流量大，学生过马路不安全，建议施划人行横道。"))
    handling.case_rate(actor=cw.bob, reply=reply_of(basically), rating=Rating.BASICALLY)
    waiting = cw.submit("社区健身器材损坏", "社区广场健身器材多处损坏，存在安全隐患，建议尽快维修。")
    satisfied, basically, waiting = (Case.objects.get(pk=c.pk) for c in (satisfied, basically, waiting))
    assert recorded(cw) == ordered(
        [("王博", kind, FIRST, 2, ONE, satisfied, TODAY) for kind in (K.MICRO_SUBMITTED, K.MICRO_REPLIED,
                                                                      K.MICRO_SATISFIED)]
        + [("崔欣", kind, CO, 2, ONE, satisfied, TODAY) for kind in (K.MICRO_SUBMITTED, K.MICRO_REPLIED,
                                                                     K.MICRO_SATISFIED)]
        + [("王博", K.MICRO_SUBMITTED, FIRST, 1, ONE, basically, TODAY),
           ("王博", K.MICRO_REPLIED, FIRST, 1, ONE, basically, TODAY),
           ("王博", K.MICRO_SUBMITTED, FIRST, 1, ONE, waiting, TODAY)])


# --- sessions, speeches ---------------------------------------------------------------------------------


def participant(session, member) -> Participant:
    return Participant.objects.get(consultation=session, member=member)


def test_attendance_at_a_held_session_is_present_excused_or_absent(cw):
    third = dan(cw)
    session = cw.invited(cw.session(starts_at=moment()), members=[cw.bob_seat, cw.cindy_seat, third])
    cs.invitation_respond(actor=cw.cindy, participant=participant(session, cw.cindy_seat), accept=False,
                          note="在外地出差")
    cs.consultation_open(actor=cw.alice, consultation=session)
    cs.participant_check_in(actor=cw.alice, participant=participant(session, cw.bob_seat))
    cs.consultation_close(actor=cw.alice, consultation=session, summary="会议围绕议题深入协商。")
    day = dt.date(YEAR, 3, 10)
    assert recorded(cw) == ordered([
        ("王博", K.MEETING_PRESENT, NONE, 1, ONE, participant(session, cw.bob_seat), day),
        ("崔欣", K.MEETING_EXCUSED, NONE, 1, ONE, participant(session, cw.cindy_seat), day),
        ("邓丹", K.MEETING_ABSENT, NONE, 1, ONE, participant(session, third), day)])


def test_an_announced_or_cancelled_session_is_no_attendance(cw):
    cw.invited(cw.session(starts_at=moment(month=4)))
    opened = cs.consultation_open(actor=cw.alice, consultation=cw.invited(cw.session(starts_at=moment(month=5))))
    cs.participant_check_in(actor=cw.alice, participant=participant(opened, cw.bob_seat))
    cancelled = cw.invited(cw.session(starts_at=moment(month=6)))
    cs.consultation_cancel(actor=cw.alice, consultation=cancelled, reason="议题调整，会议取消")
    assert recorded(cw) == []


def test_a_session_counts_in_the_year_it_was_held(cw):
    session = cw.held(cw.session(starts_at=moment(YEAR - 1, 12, 28)))
    assert recorded(cw) == []
    assert recorded(cw, year=YEAR - 1) == ordered([
        ("王博", K.MEETING_ABSENT, NONE, 1, ONE, participant(session, cw.bob_seat), dt.date(YEAR - 1, 12, 28)),
        ("崔欣", K.MEETING_ABSENT, NONE, 1, ONE, participant(session, cw.cindy_seat), dt.date(YEAR - 1, 12, 28))])


SPEECH_TEXT = "建议加大普惠托育机构的财政补贴力度，扩大服务供给。"


def test_speeches_delivered_and_written_opinions_count_withdrawn_ones_do_not(cw):
    third = dan(cw)
    session = cw.invited(cw.session(starts_at=moment()), members=[cw.bob_seat, cw.cindy_seat, third])
    spoken = cs.speech_register(actor=cw.bob, consultation=session, kind=SpeechKind.ORAL, title="关于托育补贴的发言",
                                text_=SPEECH_TEXT)
    written = cs.speech_register(actor=cw.cindy, consultation=session, kind=SpeechKind.WRITTEN,
                                 title="书面意见：托育人才", text_=SPEECH_TEXT)
    cs.speech_register(actor=third.user, consultation=session, kind=SpeechKind.ORAL, title="登记了但没有发言",
                       text_=SPEECH_TEXT)
    withdrawn = cs.speech_register(actor=third.user, consultation=session, kind=SpeechKind.WRITTEN,
                                   title="撤回的书面意见", text_=SPEECH_TEXT)
    cs.speech_withdraw(actor=third.user, speech=withdrawn)
    cs.consultation_open(actor=cw.alice, consultation=session)
    cs.speech_record(actor=cw.alice, speech=spoken)
    for member in (cw.bob_seat, cw.cindy_seat, third):
        cs.participant_check_in(actor=cw.alice, participant=participant(session, member))
    cs.consultation_close(actor=cw.alice, consultation=session)
    day = dt.date(YEAR, 3, 10)
    speeches = [r for r in recorded(cw) if r[1] in (K.SPEECH, K.WRITTEN_OPINION)]
    assert speeches == ordered([("王博", K.SPEECH, NONE, 1, ONE, Speech.objects.get(pk=spoken.pk), day),
                               ("崔欣", K.WRITTEN_OPINION, NONE, 1, ONE, Speech.objects.get(pk=written.pk), day)])


def test_speeches_at_a_cancelled_session_do_not_count(cw):
    session = cw.invited(cw.session(starts_at=moment()))
    cs.speech_register(actor=cw.cindy, consultation=session, kind=SpeechKind.WRITTEN, title="书面意见：托育人才",
                       text_=SPEECH_TEXT)
    assert [r[1] for r in recorded(cw)] == [K.WRITTEN_OPINION]
    cs.consultation_cancel(actor=cw.alice, consultation=session, reason="议题调整，会议取消")
    assert duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk])["deleted"] == 1
    assert DutyEntry.objects.count() == 0


def test_cancelling_a_session_marks_the_speakers_records(cw):
    session = cw.invited(cw.session(starts_at=moment()))
    cs.speech_register(actor=cw.cindy, consultation=session, kind=SpeechKind.WRITTEN, title="书面意见：托育人才",
                       text_=SPEECH_TEXT)
    recorded(cw)
    cs.consultation_cancel(actor=cw.alice, consultation=session, reason="议题调整，会议取消")
    assert recorded(cw) == []


# --- supervision and research ---------------------------------------------------------------------------


def task_args(cw, **overrides) -> dict:
    return {"actor": cw.alice, "committee": cw.a, "category": TaskCategory.SUPERVISION,
            "supervision_kind": SupervisionKind.FOLLOW_UP, "title": "黄河流域生态保护跟踪监督", "start_year": YEAR,
            **overrides}


def test_a_place_on_a_task_counts_in_each_year_it_runs(cw):
    task = sv.task_save(**task_args(cw, start_year=YEAR - 1, end_year=YEAR))
    # the task was set up last spring
    type(task).objects.filter(pk=task.pk).update(created_at=moment(YEAR - 1, 4, 20))
    sv.team_set(actor=cw.alice, task=task, lead=cw.bob_seat, members=[cw.cindy_seat])
    assert recorded(cw) == recorded(cw, year=YEAR - 1) == []  # planned: not under way yet
    sv.task_start(actor=cw.alice, task=task)
    lead, member = (TeamMember.objects.get(task=task, member=m) for m in (cw.bob_seat, cw.cindy_seat))
    assert recorded(cw, year=YEAR - 1) == ordered([
        ("王博", K.TASK_LEAD, NONE, 1, ONE, lead, dt.date(YEAR - 1, 4, 20)),
        ("崔欣", K.TASK_MEMBER, NONE, 1, ONE, member, dt.date(YEAR - 1, 4, 20))])
    assert recorded(cw) == ordered([("王博", K.TASK_LEAD, NONE, 1, ONE, lead, dt.date(YEAR, 1, 1)),
                                   ("崔欣", K.TASK_MEMBER, NONE, 1, ONE, member, dt.date(YEAR, 1, 1))])

    # the team changes: cindy leads now, bob leaves; both years follow
    sv.team_set(actor=cw.alice, task=task, lead=cw.cindy_seat)
    lead = TeamMember.objects.get(task=task)
    assert recorded(cw) == [("崔欣", K.TASK_LEAD, NONE, 1, ONE, lead, dt.date(YEAR, 1, 1))]
    assert recorded(cw, year=YEAR - 1) == [("崔欣", K.TASK_LEAD, NONE, 1, ONE, lead, dt.date(YEAR - 1, 4, 20))]


def test_a_task_carried_over_counts_in_the_next_year_too(cw):
    task = sv.task_save(**task_args(cw))
    sv.team_set(actor=cw.alice, task=task, lead=cw.bob_seat)
    sv.task_start(actor=cw.alice, task=task)
    sv.task_report_submit(actor=cw.bob, task=task, year=YEAR, kind=ReportKind.ANNUAL, title=f"{YEAR}年度监督报告",
                          text_="湿地保护取得进展，但部分河段仍有违规占用问题，建议持续跟踪。")
    lead = TeamMember.objects.get(task=task)
    assert recorded(cw, year=YEAR + 1) == []
    sv.task_carry_over(actor=cw.alice, task=task, note="跟踪监督延续至下一年度")
    assert recorded(cw) == [("王博", K.TASK_LEAD, NONE, 1, ONE, lead, TODAY)]
    assert recorded(cw, year=YEAR + 1) == [("王博", K.TASK_LEAD, NONE, 1, ONE, lead, dt.date(YEAR + 1, 1, 1))]


def test_a_task_recorded_this_year_that_began_last_year_counts_last_year(cw):
    task = sv.task_save(**task_args(cw, start_year=YEAR - 1, end_year=YEAR))
    sv.team_set(actor=cw.alice, task=task, lead=cw.bob_seat)
    sv.task_start(actor=cw.alice, task=task)
    lead = TeamMember.objects.get(task=task)
    # recorded after the year it began in: it counts on that year's last day
    assert recorded(cw, year=YEAR - 1) == [("王博", K.TASK_LEAD, NONE, 1, ONE, lead, dt.date(YEAR - 1, 12, 31))]


def test_presence_at_a_task_activity_counts(cw):
    task = sv.task_save(**task_args(cw))
    sv.team_set(actor=cw.alice, task=task, lead=cw.bob_seat, members=[cw.cindy_seat])
    sv.task_start(actor=cw.alice, task=task)
    activity = sv.activity_save(actor=cw.bob, task=task, kind=ActivityKind.INSPECTION, title="沿黄湿地实地视察",
                                starts_at=moment(), ends_at=moment(hour=12), place="黄河湿地公园")
    places = {p.member_id: p for p in Participant.objects.filter(activity=activity)}
    cs.attendance_record(actor=cw.alice, participant=places[cw.bob_seat.pk], attendance=Attendance.PRESENT)
    cs.attendance_record(actor=cw.alice, participant=places[cw.cindy_seat.pk], attendance=Attendance.ABSENT)
    activities = [r for r in recorded(cw) if r[1] == K.ACTIVITY_PRESENT]
    assert activities == [("王博", K.ACTIVITY_PRESENT, NONE, 1, ONE, places[cw.bob_seat.pk], dt.date(YEAR, 3, 10))]
    assert Activity.objects.count() == 1


# --- social-conditions information ----------------------------------------------------------------------


def sent_in_issue(cw, item, *, bulletin=None, actor=None, recipients=(Recipient.PARTY,)):
    issue = info.issue_create(actor=actor or cw.alice, bulletin=bulletin or cw.bulletin_a)
    info.issue_add_items(actor=actor or cw.alice, issue=issue, items=[item])
    return info.issue_send(actor=actor or cw.alice, issue=issue, recipients=list(recipients))


def test_information_counts_submitted_adopted_per_level_and_instructed_by_the_recorded_shares(cw):
    item = info.information_draft_save(actor=cw.bob, committee=cw.a, title="农村留守老人助餐服务亟待加强",
                                       content="部分乡镇留守老人就餐困难，村级助餐点覆盖不足，建议统筹建设村级老年食堂。",
                                       co_authors=[cw.cindy_seat], shares=["0.7", "0.3"])
    assert recorded(cw) == []  # a draft
    info.information_submit(actor=cw.bob, item=item)
    sent_in_issue(cw, cw.signed_off(InformationItem.objects.get(pk=item.pk)))
    item = InformationItem.objects.get(pk=item.pk)
    info.adoption_record(actor=cw.alice, item=item, level=AdoptionLevel.PROVINCIAL, adopted_on=TODAY,
                         adopted_by="省政协《社情民意》第12期")
    info.adoption_record(actor=cw.alice, item=item, level=AdoptionLevel.NATIONAL, adopted_on=TODAY,
                         adopted_by="全国政协《社情民意》第88期")
    info.adoption_record(actor=cw.alice, item=item, level=AdoptionLevel.HIGHER, adopted_on=TODAY,
                         adopted_by="市委办公室")
    instruction = cs.instruction_record(actor=cw.lily, target=item, leader_name="王市长",
                                        level=InstructionLevel.GOVERNMENT, instructed_on=TODAY, text_="请民政局研究落实。")
    adoptions = {a.level: a for a in Adoption.objects.filter(item=item)}
    kinds = [(K.INFORMATION_SUBMITTED, item), (K.INFORMATION_ADOPTED, adoptions[AdoptionLevel.COMMITTEE]),
             (K.INFORMATION_ADOPTED_HIGHER, adoptions[AdoptionLevel.HIGHER]),
             (K.INFORMATION_ADOPTED_PROVINCIAL, adoptions[AdoptionLevel.PROVINCIAL]),
             (K.INFORMATION_ADOPTED_NATIONAL, adoptions[AdoptionLevel.NATIONAL]),
             (K.INFORMATION_INSTRUCTED, Instruction.objects.get(pk=instruction.pk))]
    assert recorded(cw) == ordered([("王博", kind, FIRST, 2, Decimal("0.700"), source, TODAY) for kind, source in kinds]
                                  + [("崔欣", kind, CO, 2, Decimal("0.300"), source, TODAY) for kind, source in kinds])


def test_information_withdrawn_before_review_leaves_the_record(cw):
    item = cw.information()
    assert [r[1] for r in recorded(cw)] == [K.INFORMATION_SUBMITTED]
    info.information_withdraw(actor=cw.bob, item=item)
    assert recorded(cw) == []


def test_an_item_sent_up_counts_once_on_the_original_with_the_higher_adoption_and_instruction(cw):
    original = cw.signed_off(cw.information(actor=cw.ada, committee=cw.a1, title="东区老旧小区加装电梯推进缓慢"),
                             staff=cw.fiona, leader=cw.fiona)
    sent_in_issue(cw, original, bulletin=cw.bulletin_a1, actor=cw.fiona, recipients=[Recipient.HIGHER])
    copy = InformationItem.objects.get(forwarded_from=original)
    sent_in_issue(cw, cw.signed_off(copy))
    instruction = cs.instruction_record(actor=cw.lily, target=InformationItem.objects.get(pk=copy.pk),
                                        leader_name="王市长", level=InstructionLevel.GOVERNMENT, instructed_on=TODAY,
                                        text_="请住建局牵头推进。")
    adoptions = {a.level: a for a in Adoption.objects.filter(item=original)}
    assert sorted(Adoption.objects.filter(item=copy).values_list("level", flat=True)) == [AdoptionLevel.COMMITTEE]
    assert recorded(cw) == ordered([
        ("吴艾达", K.INFORMATION_SUBMITTED, FIRST, 1, ONE, InformationItem.objects.get(pk=original.pk), TODAY),
        ("吴艾达", K.INFORMATION_ADOPTED, FIRST, 1, ONE, adoptions[AdoptionLevel.COMMITTEE], TODAY),
        ("吴艾达", K.INFORMATION_ADOPTED_HIGHER, FIRST, 1, ONE, adoptions[AdoptionLevel.HIGHER], TODAY),
        ("吴艾达", K.INFORMATION_INSTRUCTED, FIRST, 1, ONE, Instruction.objects.get(pk=instruction.pk), TODAY)])
    assert set(DutyEntry.objects.values_list("committee", flat=True)) == {cw.a1.pk}


# --- studios --------------------------------------------------------------------------------------------


def test_studio_duty_counts_for_shifts_up_to_today_not_future_ones(cw):
    morning = studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=TODAY,
                                period=DutyPeriod.MORNING)
    afternoon = studios.shift_add(actor=cw.bob, studio=cw.studio_a, member=cw.bob_seat, date=TODAY,
                                  period=DutyPeriod.AFTERNOON)
    tomorrow = TODAY + dt.timedelta(days=1)
    studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=tomorrow)
    assert recorded(cw) == ordered([
        ("王博", K.STUDIO_DUTY, NONE, 1, ONE, DutyShift.objects.get(pk=morning.pk), TODAY),
        ("王博", K.STUDIO_DUTY, NONE, 1, ONE, DutyShift.objects.get(pk=afternoon.pk), TODAY)])
    if tomorrow.year != YEAR:
        assert recorded(cw, year=tomorrow.year) == []
    entry = DutyEntry.objects.get(source_id=morning.pk)
    assert (entry.label, entry.url) == ("医药卫生界委员工作室 Morning", f"/studios/{cw.studio_a.pk}/manage/")
    studios.shift_remove(actor=cw.alice, shift=morning)
    assert [r[5] for r in recorded(cw)] == [DutyShift.objects.get(pk=afternoon.pk)]


def test_presence_at_a_studio_activity_counts(cw):
    starts = timezone.now() - dt.timedelta(hours=3)
    activity = studios.studio_activity_save(actor=cw.bob, studio=cw.studio_a, kind=StudioActivityKind.RECEPTION,
                                            title="委员接待群众日", starts_at=starts,
                                            ends_at=starts + dt.timedelta(hours=2), place="幸福社区服务中心",
                                            members=[cw.bob_seat, cw.cindy_seat])
    places = {p.member_id: p for p in Participant.objects.filter(studio_activity=activity)}
    cs.participant_check_in(actor=cw.alice, participant=places[cw.bob_seat.pk])
    cs.attendance_record(actor=cw.alice, participant=places[cw.cindy_seat.pk], attendance=Attendance.ABSENT)
    year = timezone.localtime(starts).year
    assert recorded(cw, year=year) == [("王博", K.STUDIO_ACTIVITY, NONE, 1, ONE, Participant.objects.get(
        pk=places[cw.bob_seat.pk].pk), timezone.localtime(starts).date())]
    entry = DutyEntry.objects.get()
    assert (entry.label, entry.url) == ("委员接待群众日", f"/studios/activities/{activity.pk}/")
    assert StudioActivity.objects.count() == 1


def concern(cw, n: int) -> Concern:
    return studios.concern_submit(studio=cw.studio_a, phone="13912345678", place="幸福小区",
                                  description=f"第{n}件事：小区门口路灯坏了一个多月，晚上出行不安全。",
                                  client=f"203.0.113.{n}", seconds_to_fill=20)


def test_concerns_a_member_answered_or_took_up_count(cw):
    answered = studios.concern_assign(actor=cw.alice, concern=concern(cw, 1), member=cw.bob_seat)
    answered = studios.concern_reply(actor=cw.alice, concern=answered, reply="已联系街道办，本周内修复。")
    converted = studios.concern_convert(actor=cw.bob, concern=concern(cw, 2), to=ConcernConversion.MICRO_SUGGESTION,
                                        title="幸福小区门口路灯损坏亟待维修")
    closed = studios.concern_assign(actor=cw.alice, concern=concern(cw, 3), member=cw.bob_seat)
    studios.concern_close(actor=cw.bob, concern=closed, note="重复反映，已在其他诉求中处理")
    concern(cw, 4)  # still new
    entries = [r for r in recorded(cw) if r[1] == K.CONCERN_HANDLED]
    assert entries == ordered([("王博", K.CONCERN_HANDLED, NONE, 1, ONE, Concern.objects.get(pk=answered.pk), TODAY),
                              ("王博", K.CONCERN_HANDLED, NONE, 1, ONE, Concern.objects.get(pk=converted.pk), TODAY)])
    entry = DutyEntry.objects.get(source_id=answered.pk, kind=K.CONCERN_HANDLED)
    assert (entry.label, entry.url) == (f"医药卫生界委员工作室 {answered.tracking_code}",
                                        f"/studios/concerns/{answered.pk}/")
    # the micro-suggestion it became is bob's too
    assert [r[1] for r in recorded(cw) if r[1] != K.CONCERN_HANDLED] == [K.MICRO_SUBMITTED]


def test_a_concern_taken_up_by_another_studio_member_updates_the_assignees_record(cw):
    studio_update(actor=cw.alice, studio=cw.studio_a, members=[cw.bob_seat, cw.cindy_seat])
    assigned = studios.concern_assign(actor=cw.alice, concern=concern(cw, 1), member=cw.cindy_seat)
    studios.concern_convert(actor=cw.bob, concern=assigned, to=ConcernConversion.MICRO_SUGGESTION,
                            title="幸福小区门口路灯损坏亟待维修")
    assert ("崔欣", K.CONCERN_HANDLED) in {(r[0], r[1]) for r in recorded(cw)}


def test_a_whole_year_sync_copes_with_a_concern_answered_before_assignment(cw):
    studios.concern_reply(actor=cw.alice, concern=concern(cw, 1), reply="已转交社区居委会处理。")
    assert duty.duty_sync(year=YEAR)["created"] == 0
