"""Every rule of consultation (协商议政) through the services: the committee's kinds, topics from
three sources, the annual plan, sessions (announce, open, close, cancel, the grassroots
checklist), participants and attendance, materials, speeches, the online discussion, results,
leader instructions and follow-up. A refusal says exactly why and leaves nothing half-written.

Cast (tests/consultations/conftest.py): alice and fiona staff of A, lily leader of A, bob and
cindy members of A, ada member of A1, carol liaison of 甲市教育局, hank of 甲市卫生健康委员会,
dave liaison in B, ben member of B, eve an outsider; bea (made here) is staff of B.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations.choices import (
    GRASSROOTS_STEPS,
    Attendance,
    ConsultationForm,
    InstructionLevel,
    InvitationStatus,
    ParticipantRole,
    PlanStatus,
    Recipient,
    ResultStatus,
    SessionStatus,
    SpeechKind,
    SpeechStatus,
    TopicSource,
    TopicStatus,
)
from consultations.models import (
    CalendarFeed,
    Consultation,
    ConsultationKind,
    ConsultationPlan,
    FollowUp,
    Instruction,
    Material,
    Participant,
    Post,
    Result,
    Speech,
    Topic,
)
from consultations.services import consultations as cs
from cppcc_portal.core.audit import timeline
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import AuditEntry, Notification
from members.choices import CommitteeRoleKind
from tests.factories import CommitteeRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY = "Only staff of this committee may do this."
STAFF_OR_LEADER = "Only staff or leaders of this committee may do this."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
RESULT_TEXT = "一、现状与问题……二、对策建议：加大财政补贴，扩大普惠托位供给，加强人才培养。"


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
    """The object's timeline, oldest first."""
    return [e.action for e in reversed(timeline(obj))]


def bea(cw):
    """Staff of committee B."""
    user = UserFactory(username="bea", full_name="白雅")
    CommitteeRoleFactory(user=user, committee=cw.b, role=CommitteeRoleKind.STAFF)
    return user


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def now_session(cw, **fields):
    """A session that began half an hour ago (so members may sign in)."""
    return cw.session(starts_at=timezone.now() - dt.timedelta(minutes=30), **fields)


def when(consultation) -> str:
    return timezone.localtime(consultation.starts_at).strftime("%Y-%m-%d %H:%M")


def pdf(name: str = "背景材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def sent_result(cw, *, departments=None):
    session = cw.held()
    result = cs.result_save(actor=cw.alice, consultation=session, title="关于加快发展普惠托育服务的协商报告",
                            text_=RESULT_TEXT, departments=[cw.dept_a] if departments is None else departments)
    result = cs.result_approve(actor=cw.lily, result=result)
    return cs.result_send(actor=cw.alice, result=result, recipients=[Recipient.PARTY, Recipient.DEPARTMENTS])


# --- kinds -------------------------------------------------------------------------------------------


def test_the_standard_kinds_are_installed_once_with_the_grassroots_checklist(cw):
    assert ConsultationKind.objects.filter(committee=cw.a).count() == 11
    assert cs.consultation_kinds_install(actor=cw.alice, committee=cw.a) == []
    assert ConsultationKind.objects.filter(committee=cw.a).count() == 11
    grassroots = cw.kinds_a[ConsultationForm.GRASSROOTS]
    assert (grassroots.name, grassroots.steps, grassroots.order) == ("请你来协商", GRASSROOTS_STEPS, 110)
    assert cw.kinds_a[ConsultationForm.SPECIAL].steps == []
    assert denied(cs.consultation_kinds_install, actor=cw.bob, committee=cw.a) == STAFF_ONLY
    assert denied(cs.consultation_kinds_install, actor=bea(cw), committee=cw.a) == STAFF_ONLY
    # fiona's reach includes A1, alice's does not
    assert denied(cs.consultation_kinds_install, actor=cw.alice, committee=cw.a1) == STAFF_ONLY


def test_a_kind_is_named_once_per_committee_with_a_form_and_a_clean_checklist(cw):
    before = ConsultationKind.objects.count()
    assert invalid(cs.consultation_kind_save, actor=cw.alice, committee=cw.a, name="专题协商", form="special") == {
        "name": ["This committee already has a kind of that name."]}
    assert invalid(cs.consultation_kind_save, actor=cw.alice, committee=cw.a, name="茶话协商", form="tea") == {
        "form": ["Choose one of the forms of consultation."]}
    assert invalid(cs.consultation_kind_save, actor=cw.alice, committee=cw.a, name="协", form="special") == {
        "name": ["At least 2 characters."]}
    assert invalid(cs.consultation_kind_save, actor=cw.alice, committee=cw.a, name="协" * 61, form="special") == {
        "name": ["At most 60 characters."]}
    assert invalid(cs.consultation_kind_save, actor=cw.alice, committee=cw.a, name="村民议事", form="grassroots",
                   steps=["议题", "议题"]) == {"steps": ["Each step is named once."]}
    assert invalid(cs.consultation_kind_save, actor=cw.alice, committee=cw.a, name="村民议事", form="grassroots",
                   steps=[f"第{i}步" for i in range(21)]) == {"steps": ["At most 20 steps of at most 40 characters each."]}
    assert invalid(cs.consultation_kind_save, actor=cw.alice, committee=cw.a, name="村民议事", form="grassroots",
                   steps=42) == {"steps": ["Give the steps as a list, one per line."]}
    assert denied(cs.consultation_kind_save, actor=cw.lily, committee=cw.a, name="村民议事", form="grassroots") \
        == STAFF_ONLY
    assert ConsultationKind.objects.count() == before

    village = cs.consultation_kind_save(actor=cw.alice, committee=cw.a, name="村民议事", form="grassroots",
                                        steps="提出议题\n\n  商议  \n公示")
    assert village.steps == ["提出议题", "商议", "公示"]
    default = cs.consultation_kind_save(actor=cw.alice, committee=cw.a, name="社区议事", form="grassroots")
    assert default.steps == GRASSROOTS_STEPS
    # the same name in another committee is fine
    assert cs.consultation_kind_save(actor=cw.fiona, committee=cw.a1, name="村民议事", form="micro").committee == cw.a1


def test_a_kinds_form_stays_once_sessions_of_it_exist(cw):
    kind = cw.kinds_a[ConsultationForm.SPECIAL]
    renamed = cs.consultation_kind_save(actor=cw.alice, kind=kind, name="专题协商会", form="expert")
    assert (renamed.name, renamed.form) == ("专题协商会", "expert")
    cs.consultation_kind_save(actor=cw.alice, kind=kind, name="专题协商", form="special")
    cw.session()
    assert conflict(cs.consultation_kind_save, actor=cw.alice, kind=kind, name="专题协商", form="expert") == (
        "Sessions of this kind exist; its form can no longer change.")
    retired = cs.consultation_kind_save(actor=cw.alice, kind=kind, name="专题协商", form="special", is_active=False)
    assert (reload(kind).form, retired.is_active) == ("special", False)
    assert AuditEntry.objects.filter(action="consultation_kind.update", target_id=kind.pk).first().changes == {
        "is_active": {"before": True, "after": False}}


# --- topics -------------------------------------------------------------------------------------------


def test_a_member_recommends_a_topic_in_their_own_name_and_staff_hear_of_it(cw):
    year = timezone.localdate().year
    topic = cs.topic_propose(actor=cw.bob, committee=cw.a, year=year, title="加快发展普惠托育服务",
                             description="全市托育机构供给不足，收费偏高，建议开展专题协商。", source=TopicSource.MEMBER,
                             source_detail="  医药卫生界委员工作室  ")
    assert (topic.status, topic.source, topic.recommended_by, topic.submitted_by, topic.source_detail, topic.year) == (
        TopicStatus.PROPOSED, TopicSource.MEMBER, cw.bob_seat, cw.bob, "医药卫生界委员工作室", year)
    assert told("A member recommends a consultation topic: 加快发展普惠托育服务") == ["alice", "fiona"]
    assert actions(topic) == ["topic.propose"]


def test_staff_enter_assigned_and_public_topics_and_nobody_is_told(cw):
    assigned = cw.topic(status="proposed", source=TopicSource.ASSIGNED, source_detail="市委办公室")
    public = cw.topic(status="proposed", title="老旧小区停车难", source=TopicSource.PUBLIC, source_detail="委员工作室")
    assert [(t.source, t.recommended_by, t.status) for t in (assigned, public)] == [
        (TopicSource.ASSIGNED, None, TopicStatus.PROPOSED), (TopicSource.PUBLIC, None, TopicStatus.PROPOSED)]
    assert Notification.objects.count() == 0


def test_who_proposes_a_topic_and_from_which_source(cw):
    year = timezone.localdate().year
    args = {"committee": cw.a, "year": year, "title": "加快发展普惠托育服务",
            "description": "全市托育机构供给不足，收费偏高，建议开展专题协商。"}
    refused = "Only members and staff of this committee may propose topics."
    for outsider in (cw.carol, cw.eve, cw.dave, cw.ben, cw.ada, cw.lily):
        assert denied(cs.topic_propose, actor=outsider, source=TopicSource.MEMBER, **args) == refused
    assert denied(cs.topic_propose, actor=bea(cw), source=TopicSource.ASSIGNED, **args) == refused
    assert invalid(cs.topic_propose, actor=cw.bob, source=TopicSource.ASSIGNED, **args) == {
        "source": ["A member's topic is a member's recommendation."]}
    assert invalid(cs.topic_propose, actor=cw.alice, source=TopicSource.MEMBER, **args) == {
        "source": ["Members recommend topics in their own name."]}
    assert invalid(cs.topic_propose, actor=cw.alice, source="rumour", **args) == {
        "source": ["Choose where the topic comes from."]}
    assert Topic.objects.count() == 0


def test_a_topic_needs_a_sound_text_a_near_year_and_the_committees_kind_and_organiser(cw):
    year = timezone.localdate().year
    base = {"actor": cw.alice, "committee": cw.a, "year": year, "title": "加快发展普惠托育服务",
            "description": "全市托育机构供给不足，收费偏高，建议开展专题协商。", "source": TopicSource.ASSIGNED}
    assert invalid(cs.topic_propose, **{**base, "title": "   "}) == {"title": ["This field is required."]}
    assert invalid(cs.topic_propose, **{**base, "title": "托育"}) == {"title": ["At least 4 characters."]}
    assert invalid(cs.topic_propose, **{**base, "title": "托" * 121}) == {"title": ["At most 120 characters."]}
    assert invalid(cs.topic_propose, **{**base, "description": "太短的描述"}) == {
        "description": ["At least 10 characters."]}
    assert invalid(cs.topic_propose, **{**base, "description": "述" * 5001}) == {
        "description": ["At most 5000 characters."]}
    assert invalid(cs.topic_propose, **{**base, "source_detail": "来" * 121}) == {
        "source_detail": ["At most 120 characters."]}
    span = {"year": [f"Choose a year from {year - 1} to {year + 2}."]}
    for bad in (year - 2, year + 3, str(year), None):
        assert invalid(cs.topic_propose, **{**base, "year": bad}) == span
    assert invalid(cs.topic_propose, **{**base, "kind": cw.kinds_a1["special"]}) == {
        "kind": ["Choose a kind of this committee."]}
    assert invalid(cs.topic_propose, **{**base, "organiser": cw.sc_b}) == {
        "organiser": ["Choose a special committee of this committee."]}
    assert Topic.objects.count() == 0
    # script tags are kept as text (the pages escape them), not dropped or run
    hostile = cs.topic_propose(**{**base, "title": "<script>alert(1)</script>"})
    assert hostile.title == "<script>alert(1)</script>"


def test_staff_approve_a_topic_or_say_why_it_is_not_adopted(cw):
    topic = cs.topic_propose(actor=cw.bob, committee=cw.a, year=timezone.localdate().year, title="加快发展普惠托育服务",
                             description="全市托育机构供给不足，收费偏高，建议开展专题协商。", source=TopicSource.MEMBER)
    assert invalid(cs.topic_review, actor=cw.alice, topic=topic, approve=False, note=" ") == {
        "note": ["This field is required."]}
    for outsider in (cw.bob, cw.lily, cw.carol, cw.eve, bea(cw)):
        assert denied(cs.topic_review, actor=outsider, topic=topic, approve=True) == STAFF_ONLY
    assert reload(topic).status == TopicStatus.PROPOSED

    rejected = cs.topic_review(actor=cw.alice, topic=topic, approve=False, note="与去年议题重复")
    assert (rejected.status, rejected.review_note, rejected.reviewed_by) == (TopicStatus.REJECTED, "与去年议题重复",
                                                                            cw.alice)
    assert list(Notification.objects.filter(recipient=cw.bob).values_list("title", "body")) == [
        ("Your topic was not adopted: 加快发展普惠托育服务", "与去年议题重复")]
    assert conflict(cs.topic_review, actor=cw.alice, topic=topic, approve=True) == (
        "This is Not adopted; that step is not possible now.")

    approved = cw.topic()
    assert conflict(cs.topic_review, actor=cw.alice, topic=approved, approve=True) == (
        "This is Approved; that step is not possible now.")
    assert AuditEntry.objects.get(action="topic.review", target_id=topic.pk).changes == {
        "status": {"before": "proposed", "after": "rejected"}}


def test_a_scheduled_topic_cannot_be_reviewed_again(cw):
    plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=timezone.localdate().year, title="年度协商工作计划")
    topic = cs.plan_schedule(actor=cw.alice, plan=plan, topic=cw.topic(), month=6)
    with pytest.raises(Conflict):
        cs.topic_review(actor=cw.alice, topic=topic, approve=True)
    assert (reload(topic).status, reload(topic).plan) == (TopicStatus.SCHEDULED, plan)


# --- the annual plan ---------------------------------------------------------------------------------


def test_one_plan_per_committee_and_year_written_by_staff(cw):
    year = timezone.localdate().year
    plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=year, title=f"{year}年度协商工作计划", introduction="围绕中心")
    assert (plan.status, plan.year, plan.introduction) == (PlanStatus.DRAFT, year, "围绕中心")
    assert invalid(cs.plan_save, actor=cw.alice, committee=cw.a, year=year, title="另一份计划") == {
        "year": [f"This committee already has a plan for {year}."]}
    assert invalid(cs.plan_save, actor=cw.alice, committee=cw.a, year=1999, title="远古的计划") == {
        "year": ["Give the plan's year."]}
    assert invalid(cs.plan_save, actor=cw.alice, committee=cw.a, year=None, title="没有年份的计划") == {
        "year": ["Give the plan's year."]}
    assert invalid(cs.plan_save, actor=cw.alice, committee=cw.a, year=year + 1, title="计划") == {
        "title": ["At least 4 characters."]}
    assert denied(cs.plan_save, actor=cw.bob, committee=cw.a, year=year + 1, title="委员的协商计划") == STAFF_ONLY
    assert denied(cs.plan_save, actor=cw.lily, plan=plan, title="领导改的协商计划") == STAFF_ONLY
    renamed = cs.plan_save(actor=cw.alice, plan=plan, title=f"{year}年度政协协商计划")
    assert (renamed.title, ConsultationPlan.objects.count()) == (f"{year}年度政协协商计划", 1)
    assert actions(plan) == ["plan.create", "plan.update"]


def test_an_approved_topic_of_the_plans_year_is_scheduled_in_a_month(cw):
    year = timezone.localdate().year
    plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=year, title="年度协商工作计划")
    topic = cw.topic()
    assert invalid(cs.plan_schedule, actor=cw.alice, plan=plan, topic=topic, month=13) == {
        "month": ["The month is between 1 and 12."]}
    assert invalid(cs.plan_schedule, actor=cw.alice, plan=plan, topic=topic, month=0) == {
        "month": ["The month is between 1 and 12."]}
    assert invalid(cs.plan_schedule, actor=cw.alice, plan=plan, topic=topic, month=6, kind=cw.kinds_a1["special"]) \
        == {"kind": ["Choose a kind of this committee."]}
    assert invalid(cs.plan_schedule, actor=cw.alice, plan=plan, topic=topic, month=6, organiser=cw.sc_b) == {
        "organiser": ["Choose a special committee of this committee."]}
    next_year = cw.topic(title="明年的托育议题", year=year + 1)
    assert invalid(cs.plan_schedule, actor=cw.alice, plan=plan, topic=next_year, month=6) == {
        "topic": [f"The topic is for {year + 1}, the plan for {year}."]}
    elsewhere = cs.topic_propose(actor=cw.fiona, committee=cw.a1, year=year, title="东区的托育议题",
                                 description="东区托育机构供给不足，建议开展专题协商。", source=TopicSource.ASSIGNED)
    assert invalid(cs.plan_schedule, actor=cw.alice, plan=plan, topic=elsewhere, month=6) == {
        "topic": ["Choose a topic of this committee."]}
    proposed = cw.topic(title="尚未审核的议题", status="proposed")
    assert conflict(cs.plan_schedule, actor=cw.alice, plan=plan, topic=proposed, month=6) == (
        "This is Proposed; that step is not possible now.")
    assert denied(cs.plan_schedule, actor=cw.bob, plan=plan, topic=topic, month=6) == STAFF_ONLY
    assert plan.topics.count() == 0

    scheduled = cs.plan_schedule(actor=cw.alice, plan=plan, topic=topic, month=6, kind=cw.kinds_a["special"],
                                 organiser=cw.sc_a)
    assert (scheduled.status, scheduled.plan, scheduled.planned_month, scheduled.kind, scheduled.organiser) == (
        TopicStatus.SCHEDULED, plan, 6, cw.kinds_a["special"], cw.sc_a)
    moved = cs.plan_schedule(actor=cw.alice, plan=plan, topic=topic, month=9)
    assert (moved.status, moved.planned_month, moved.kind) == (TopicStatus.SCHEDULED, 9, cw.kinds_a["special"])
    assert [e.note for e in timeline(topic) if e.action == "topic.schedule"] == [f"{year}-09", f"{year}-06"]


def test_a_topic_leaves_the_plan_unless_a_session_is_on_it(cw):
    plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=timezone.localdate().year, title="年度协商工作计划")
    topic = cs.plan_schedule(actor=cw.alice, plan=plan, topic=cw.topic(), month=6)
    assert denied(cs.plan_unschedule, actor=cw.lily, topic=topic) == STAFF_ONLY
    back = cs.plan_unschedule(actor=cw.alice, topic=topic)
    assert (back.status, back.plan, back.planned_month) == (TopicStatus.APPROVED, None, None)
    assert conflict(cs.plan_unschedule, actor=cw.alice, topic=topic) == "This is Approved; that step is not possible now."

    topic = cs.plan_schedule(actor=cw.alice, plan=plan, topic=topic, month=7)
    cw.session(topics=[topic])
    assert conflict(cs.plan_unschedule, actor=cw.alice, topic=topic) == (
        "A session on this topic exists; it stays in the plan.")
    assert (reload(topic).status, reload(topic).planned_month) == (TopicStatus.SCHEDULED, 7)


def test_a_plan_is_published_once_with_a_topic_and_leaders_are_told(cw):
    plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=timezone.localdate().year, title="年度协商工作计划")
    assert invalid(cs.plan_publish, actor=cw.alice, plan=plan) == {
        "topics": ["Schedule at least one topic before publishing."]}
    assert reload(plan).status == PlanStatus.DRAFT
    cs.plan_schedule(actor=cw.alice, plan=plan, topic=cw.topic(), month=6)
    assert denied(cs.plan_publish, actor=cw.lily, plan=plan) == STAFF_ONLY
    published = cs.plan_publish(actor=cw.alice, plan=plan)
    assert (published.status, published.published_at is not None) == (PlanStatus.PUBLISHED, True)
    assert told("The consultation plan is published: 年度协商工作计划") == ["lily"]
    assert conflict(cs.plan_publish, actor=cw.alice, plan=plan) == "The plan is already published."
    assert told("The consultation plan is published: 年度协商工作计划") == ["lily"]
    assert actions(plan) == ["plan.create", "plan.publish"]


# --- sessions ------------------------------------------------------------------------------------------


def session_args(cw, **overrides):
    starts = timezone.now() + dt.timedelta(days=7)
    return {"actor": cw.alice, "committee": cw.a, "kind": cw.kinds_a["special"], "title": "普惠托育专题协商会",
            "starts_at": starts, "ends_at": starts + dt.timedelta(hours=3), "place": "市政协三楼会议室", **overrides}


def test_a_new_session_is_being_prepared_with_its_topics(cw):
    topic = cw.topic()
    session = cw.session(topics=[topic], organiser=cw.sc_a, description="  围绕托育  ")
    assert (session.status, session.committee, session.created_by, session.is_online, session.organiser,
            session.description, list(session.topics.all()), session.steps) == (
        SessionStatus.PLANNED, cw.a, cw.alice, False, cw.sc_a, "围绕托育", [topic], [])
    assert actions(session) == ["consultation.create"]


def test_every_session_field_is_checked_at_once(cw):
    starts = timezone.now() + dt.timedelta(days=7)
    errors = invalid(cs.consultation_save, **session_args(
        cw, title="会", starts_at=starts, ends_at=starts - dt.timedelta(minutes=1), place="",
        topics=[cw.topic(status="proposed")], departments=[cw.dept_b], organiser=cw.sc_b, description="述" * 10001))
    assert errors == {
        "title": ["Give a title of 4 to 120 characters."], "ends_at": ["The end must not be before the start."],
        "place": ["Give the place, or mark the session as online."],
        "topics": ["Choose approved topics of this committee."],
        "departments": ["Choose active departments of this committee."],
        "organiser": ["Choose a special committee of this committee."],
        "description": ["At most 10000 characters."]}
    assert invalid(cs.consultation_save, **session_args(cw, ends_at=starts + dt.timedelta(days=32))) == {
        "ends_at": ["A session lasts at most a month; make several for a longer activity."]}
    assert invalid(cs.consultation_save, **session_args(cw, starts_at="明天上午")) == {
        "starts_at": ["Give the start and end."]}
    assert invalid(cs.consultation_save, **session_args(cw, place="址" * 201)) == {
        "place": ["At most 200 characters."]}
    assert invalid(cs.consultation_save, **session_args(cw, title="题" * 121)) == {
        "title": ["Give a title of 4 to 120 characters."]}
    assert invalid(cs.consultation_save, **session_args(cw, kind=cw.kinds_a1["special"])) == {
        "kind": ["Choose an active kind of this committee."]}
    retired = cs.consultation_kind_save(actor=cw.alice, kind=cw.kinds_a["expert"], name="专家协商", form="expert",
                                        is_active=False)
    assert invalid(cs.consultation_save, **session_args(cw, kind=retired)) == {
        "kind": ["Choose an active kind of this committee."]}
    assert Consultation.objects.count() == 0


def test_only_staff_of_the_committee_prepare_sessions(cw):
    for outsider in (cw.bob, cw.lily, cw.carol, cw.eve, cw.dave, bea(cw)):
        assert denied(cs.consultation_save, **session_args(cw, actor=outsider)) == STAFF_ONLY
    # fiona's reach includes the committees below
    assert cs.consultation_save(**session_args(cw, actor=cw.fiona, committee=cw.a1,
                                               kind=cw.kinds_a1["special"])).committee == cw.a1
    assert denied(cs.consultation_save, **session_args(cw, committee=cw.a1, kind=cw.kinds_a1["special"])) == STAFF_ONLY
    assert Consultation.objects.count() == 1


def test_the_form_decides_what_a_session_needs(cw):
    assert invalid(cs.consultation_save, **session_args(cw, kind=cw.kinds_a["counterpart"])) == {
        "departments": ["A counterpart consultation names the departments it is held with."]}
    assert invalid(cs.consultation_save, **session_args(cw, kind=cw.kinds_a["proposal_handling"])) == {
        "proposals": ["A proposal-handling consultation names the proposals it handles."]}
    submitted = cw.submitted()
    assert invalid(cs.consultation_save, **session_args(cw, kind=cw.kinds_a["proposal_handling"],
                                                        proposals=[submitted])) == {
        "proposals": ["Choose filed proposals of this committee."]}
    filed = cw.filed(lead=cw.dept_a, title="关于加强校园周边交通安全管理的建议")
    handling = cs.consultation_save(**session_args(cw, kind=cw.kinds_a["proposal_handling"], proposals=[filed]))
    assert list(handling.proposals.all()) == [filed]
    counterpart = cs.consultation_save(**session_args(cw, kind=cw.kinds_a["counterpart"],
                                                      departments=[cw.dept_a, cw.dept_a]))
    assert list(counterpart.departments.all()) == [cw.dept_a]
    online = cs.consultation_save(**session_args(cw, kind=cw.kinds_a["online"], place=""))
    assert (online.is_online, online.place) == (True, "")
    remote = cs.consultation_save(**session_args(cw, place="", is_online=True))
    assert remote.is_online is True


def test_a_grassroots_deliberation_ticks_off_its_checklist(cw):
    session = cw.session(form=ConsultationForm.GRASSROOTS, title="请你来协商：小区停车")
    assert session.steps == [{"step": s, "done_on": None, "note": ""} for s in GRASSROOTS_STEPS]
    today = timezone.localdate()
    ticked = cs.step_complete(actor=cw.alice, consultation=session, step="征集议题", done_on=today, note="收集12条")
    assert ticked.steps[0] == {"step": "征集议题", "done_on": today.isoformat(), "note": "收集12条"}
    assert ticked.steps[1] == {"step": "确定议题", "done_on": None, "note": ""}
    assert invalid(cs.step_complete, actor=cw.alice, consultation=session, step="吃饭", done_on=today) == {
        "step": ["This session has no step of that name."]}
    assert invalid(cs.step_complete, actor=cw.alice, consultation=session, step="确定议题",
                   done_on=today + dt.timedelta(days=1)) == {
        "done_on": ["Give the day the step was done (not in the future)."]}
    assert invalid(cs.step_complete, actor=cw.alice, consultation=session, step="确定议题", done_on="today") == {
        "done_on": ["Give the day the step was done (not in the future)."]}
    assert invalid(cs.step_complete, actor=cw.alice, consultation=session, step="确定议题", done_on=today,
                   note="注" * 501) == {"note": ["At most 500 characters."]}
    assert denied(cs.step_complete, actor=cw.bob, consultation=session, step="确定议题", done_on=today) == STAFF_ONLY
    cs.consultation_cancel(actor=cw.alice, consultation=session, reason="议题已由社区解决")
    assert conflict(cs.step_complete, actor=cw.alice, consultation=session, step="确定议题", done_on=today) == (
        "The session is cancelled.")
    assert reload(session).steps[1] == {"step": "确定议题", "done_on": None, "note": ""}
    assert [e.note for e in timeline(session) if e.action == "consultation.step"] == [
        f"征集议题 {today.isoformat()} 收集12条"]


def test_moving_an_announced_session_tells_the_invitees_and_a_held_one_stays(cw):
    session = cw.invited(cw.session(departments=[cw.dept_a], form=ConsultationForm.COUNTERPART))
    Notification.objects.all().delete()
    later = session.starts_at + dt.timedelta(days=1)
    moved = cs.consultation_save(**session_args(cw, kind=cw.kinds_a["counterpart"], departments=[cw.dept_a],
                                                starts_at=later, ends_at=later + dt.timedelta(hours=2)),
                                 consultation=session)
    title = f"Changed: 普惠托育专题协商会, {when(moved)} at 市政协三楼会议室"
    assert told(title) == ["bob", "carol", "cindy", "ivan"]
    # a change of the title alone tells nobody
    cs.consultation_save(**session_args(cw, kind=cw.kinds_a["counterpart"], departments=[cw.dept_a], starts_at=later,
                                        ends_at=later + dt.timedelta(hours=2), title="普惠托育对口协商会"),
                         consultation=session)
    assert Notification.objects.count() == 4
    assert invalid(cs.consultation_save, **session_args(cw, kind=cw.kinds_a["special"]), consultation=session) == {
        "kind": ["Keep a kind of the same form once the session exists."]}

    held = cw.held()
    assert conflict(cs.consultation_save, **session_args(cw, title="改个标题的协商会"), consultation=held) == (
        "This session is Held; it can no longer change.")
    assert reload(held).title == "普惠托育专题协商会"


def test_announcing_invites_and_tells_the_counterpart_department_once(cw):
    session = cw.session(form=ConsultationForm.COUNTERPART, departments=[cw.dept_a])
    cs.participants_invite(actor=cw.alice, event=session, members=[cw.bob_seat, cw.cindy_seat],
                           guests=[{"name": "李教授", "organisation": "甲市大学", "role": "expert"}])
    cindy_place = session.participants.get(member=cw.cindy_seat)
    assert Notification.objects.count() == 0  # nobody hears of a session being prepared
    for outsider in (cw.bob, cw.lily, cw.carol, cw.eve, bea(cw)):
        assert denied(cs.consultation_announce, actor=outsider, consultation=session) == STAFF_ONLY
    announced = cs.consultation_announce(actor=cw.alice, consultation=session)
    assert announced.status == SessionStatus.ANNOUNCED
    title = f"You are invited: 普惠托育专题协商会, {when(session)} at 市政协三楼会议室"
    assert told(title) == ["bob", "carol", "cindy", "ivan"]
    assert conflict(cs.consultation_announce, actor=cw.alice, consultation=session) == (
        "This is Announced; that step is not possible now.")
    assert told(title) == ["bob", "carol", "cindy", "ivan"]
    assert actions(session) == ["consultation.create", "participants.invite", "consultation.announce"]
    assert reload(cindy_place).invitation == InvitationStatus.PENDING


def test_a_session_opens_after_the_notice_and_is_held_once_open(cw):
    session = cw.session()
    assert conflict(cs.consultation_open, actor=cw.alice, consultation=session) == (
        "This is Being prepared; that step is not possible now.")
    assert conflict(cs.consultation_close, actor=cw.alice, consultation=session) == (
        "This is Being prepared; that step is not possible now.")
    session = cw.invited(session)
    assert conflict(cs.consultation_close, actor=cw.alice, consultation=session) == (
        "This is Announced; that step is not possible now.")
    assert denied(cs.consultation_open, actor=cw.bob, consultation=session) == STAFF_ONLY
    opened = cs.consultation_open(actor=cw.alice, consultation=session)
    assert (opened.status, opened.discussion_open) == (SessionStatus.OPEN, False)
    assert denied(cs.consultation_close, actor=cw.lily, consultation=session) == STAFF_ONLY
    assert invalid(cs.consultation_close, actor=cw.alice, consultation=session, summary="纪" * 20001) == {
        "summary": ["At most 20000 characters."]}
    held = cs.consultation_close(actor=cw.alice, consultation=session, summary="会议形成共识。")
    assert (held.status, held.summary, held.held_at is not None) == (SessionStatus.HELD, "会议形成共识。", True)
    assert conflict(cs.consultation_close, actor=cw.alice, consultation=session) == (
        "This is Held; that step is not possible now.")
    assert conflict(cs.consultation_cancel, actor=cw.alice, consultation=session, reason="会议已经开完") == (
        "This is Held; that step is not possible now.")
    assert actions(session) == ["consultation.create", "participants.invite", "consultation.announce",
                                "consultation.open", "consultation.close"]
    assert AuditEntry.objects.filter(action="consultation.close", target_id=session.pk).get().changes == {
        "status": {"before": "open", "after": "held"}}


def test_attendance_is_settled_when_the_session_closes(cw):
    session = now_session(cw)
    dan = cw_member(cw, "邓丹", "dan", "13800000011")
    eli = cw_member(cw, "易力", "eli", "13800000012")
    cs.participants_invite(actor=cw.alice, event=session, members=[cw.bob_seat, cw.cindy_seat, dan, eli],
                           guests=[{"name": "李教授", "role": "expert"}])
    session = cs.consultation_announce(actor=cw.alice, consultation=session)
    place = {p.name: p for p in session.participants.all()}
    cs.invitation_respond(actor=cw.bob, participant=place["王博"], accept=True)
    cs.invitation_respond(actor=cw.cindy, participant=place["崔欣"], accept=False, note="出差在外")
    cs.invitation_respond(actor=dan.user, participant=place["邓丹"], accept=True)
    session = cs.consultation_open(actor=cw.alice, consultation=session)
    cs.participant_check_in(actor=cw.bob, participant=place["王博"])
    # eli never answered, but staff record an excused absence before the close
    cs.attendance_record(actor=cw.alice, participant=place["易力"], attendance=Attendance.EXCUSED, note="住院治疗")
    cs.consultation_close(actor=cw.alice, consultation=session)
    assert {p.name: (p.invitation, p.attendance) for p in session.participants.all()} == {
        "王博": (InvitationStatus.ACCEPTED, Attendance.PRESENT),    # signed in
        "崔欣": (InvitationStatus.DECLINED, Attendance.EXCUSED),    # declined with a reason
        "邓丹": (InvitationStatus.ACCEPTED, Attendance.ABSENT),     # accepted but never came
        "易力": (InvitationStatus.PENDING, Attendance.EXCUSED),     # recorded by staff, kept
        "李教授": (InvitationStatus.PENDING, Attendance.ABSENT),
    }
    # staff may correct it afterwards
    fixed = cs.attendance_record(actor=cw.alice, participant=place["邓丹"], attendance=Attendance.EXCUSED,
                                 note="临时接到紧急任务")
    assert (fixed.attendance, fixed.response_note) == (Attendance.EXCUSED, "临时接到紧急任务")
    assert AuditEntry.objects.filter(action="participant.attendance").first().changes == {
        "attendance": {"before": "absent", "after": "excused"}}


def test_scheduled_topics_are_consulted_when_the_session_is_held(cw):
    plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=timezone.localdate().year, title="年度协商工作计划")
    scheduled = cs.plan_schedule(actor=cw.alice, plan=plan, topic=cw.topic(), month=6)
    unplanned = cw.topic(title="计划外的议题")
    cw.held(cw.session(topics=[scheduled, unplanned]))
    assert (reload(scheduled).status, reload(unplanned).status) == (TopicStatus.DONE, TopicStatus.APPROVED)


def test_cancelling_needs_a_reason_and_tells_the_invitees_only_once_announced(cw):
    quiet = cw.session(title="未通知即取消的协商会")
    cs.participants_invite(actor=cw.alice, event=quiet, members=[cw.bob_seat])
    assert invalid(cs.consultation_cancel, actor=cw.alice, consultation=quiet, reason="改期") == {
        "reason": ["At least 4 characters."]}
    assert denied(cs.consultation_cancel, actor=cw.bob, consultation=quiet, reason="委员想取消会议") == STAFF_ONLY
    cancelled = cs.consultation_cancel(actor=cw.alice, consultation=quiet, reason="议题调整，会议取消")
    assert cancelled.status == SessionStatus.CANCELLED
    assert Notification.objects.count() == 0

    loud = cw.invited()
    Notification.objects.all().delete()
    cs.consultation_cancel(actor=cw.alice, consultation=loud, reason="议题调整，会议取消")
    assert told("Cancelled: 普惠托育专题协商会") == ["bob", "cindy"]
    assert Notification.objects.filter(title="Cancelled: 普惠托育专题协商会").first().body == "议题调整，会议取消"
    assert conflict(cs.consultation_announce, actor=cw.alice, consultation=loud) == (
        "This is Cancelled; that step is not possible now.")
    assert conflict(cs.consultation_cancel, actor=cw.alice, consultation=loud, reason="再取消一次") == (
        "This is Cancelled; that step is not possible now.")


# --- participants and attendance ------------------------------------------------------------------


def cw_member(cw, name: str, username: str, phone: str):
    from members import services as directory

    return directory.member_create(actor=cw.alice, committee=cw.a, term=cw.term_a, sector=cw.sector_a, name=name,
                                   phone=phone, username=username)


def test_invitations_are_for_serving_members_of_the_committee_and_named_guests(cw):
    session = cw.session()
    rows = cs.participants_invite(actor=cw.alice, event=session, members=[cw.bob_seat, cw.bob_seat],
                                  guests=[{"name": " 李教授 ", "organisation": "甲市大学", "role": "expert"},
                                          {"name": "陈局长", "role": "official", "department": cw.dept_a,
                                           "user": cw.carol}])
    assert [(p.name, p.role, p.invitation, p.member, p.user, p.department) for p in rows] == [
        ("王博", ParticipantRole.MEMBER, InvitationStatus.PENDING, cw.bob_seat, cw.bob, None),
        ("李教授", ParticipantRole.EXPERT, InvitationStatus.PENDING, None, None, None),
        ("陈局长", ParticipantRole.OFFICIAL, InvitationStatus.PENDING, None, cw.carol, cw.dept_a)]
    # inviting bob again adds nobody
    assert cs.participants_invite(actor=cw.alice, event=session, members=[cw.bob_seat]) == []
    assert session.participants.count() == 3

    assert invalid(cs.participants_invite, actor=cw.alice, event=session, members=[cw.ada_seat]) == {
        "members": ["Invite serving members of this committee."]}
    assert invalid(cs.participants_invite, actor=cw.alice, event=session, members=[cw.ben_seat]) == {
        "members": ["Invite serving members of this committee."]}
    assert invalid(cs.participants_invite, actor=cw.alice, event=session) == {"members": ["Choose whom to invite."]}
    assert invalid(cs.participants_invite, actor=cw.alice, event=session, guests=[{"name": "  "}]) == {
        "guests": ["Give each guest's name (at most 60 characters)."]}
    assert invalid(cs.participants_invite, actor=cw.alice, event=session, guests=[{"name": "名" * 61}]) == {
        "guests": ["Give each guest's name (at most 60 characters)."]}
    assert invalid(cs.participants_invite, actor=cw.alice, event=session, guests=[{"name": "王五", "role": "member"}]) \
        == {"guests": ["A guest takes part as an expert, department official, public representative or leader."]}
    assert invalid(cs.participants_invite, actor=cw.alice, event=session,
                   guests=[{"name": "刘局长", "role": "official", "department": cw.dept_b}]) == {
        "guests": ["Choose a department of this committee."]}
    for outsider in (cw.bob, cw.lily, cw.carol, bea(cw)):
        assert denied(cs.participants_invite, actor=outsider, event=session, members=[cw.cindy_seat]) == STAFF_ONLY
    assert session.participants.count() == 3


def test_an_invitation_to_an_announced_session_tells_the_new_invitee_and_a_held_one_takes_nobody(cw, monkeypatch):
    session = cw.invited(members=[cw.bob_seat])
    cs.participants_invite(actor=cw.alice, event=session, members=[cw.cindy_seat])
    assert told(f"You are invited: 普惠托育专题协商会, {when(session)} at 市政协三楼会议室") == ["bob", "cindy"]

    monkeypatch.setattr(cs, "MAX_PARTICIPANTS", 3)
    dan = cw_member(cw, "邓丹", "dan", "13800000011")
    assert invalid(cs.participants_invite, actor=cw.alice, event=session, members=[dan],
                   guests=[{"name": "李教授"}]) == {"members": ["At most 3 participants."]}
    held = cw.held()
    assert conflict(cs.participants_invite, actor=cw.alice, event=held, members=[dan]) == (
        "This is over; nobody more can be invited.")
    assert held.participants.count() == 2


def test_a_participant_who_signed_in_or_spoke_is_not_removed(cw):
    session = now_session(cw)
    cs.participants_invite(actor=cw.alice, event=session, members=[cw.bob_seat, cw.cindy_seat],
                           guests=[{"name": "李教授"}])
    cs.consultation_announce(actor=cw.alice, consultation=session)
    cs.consultation_open(actor=cw.alice, consultation=session)
    bob = session.participants.get(member=cw.bob_seat)
    cindy = session.participants.get(member=cw.cindy_seat)
    guest = session.participants.get(name="李教授")
    cs.participant_check_in(actor=cw.bob, participant=bob)
    cs.speech_register(actor=cw.cindy, consultation=session, kind=SpeechKind.WRITTEN, title="书面意见：托育人才",
                       text_="建议职业院校开设婴幼儿托育专业，扩大人才供给。")
    assert conflict(cs.participant_remove, actor=cw.alice, participant=bob) == (
        "王博 has signed in or spoken; record their attendance instead.")
    assert conflict(cs.participant_remove, actor=cw.alice, participant=cindy) == (
        "崔欣 has signed in or spoken; record their attendance instead.")
    assert denied(cs.participant_remove, actor=cw.bob, participant=guest) == STAFF_ONLY
    cs.participant_remove(actor=cw.alice, participant=guest)
    assert sorted(session.participants.values_list("name", flat=True)) == ["崔欣", "王博"]
    cs.consultation_close(actor=cw.alice, consultation=session)
    assert conflict(cs.participant_remove, actor=cw.alice, participant=reload(cindy)) == (
        "This is over; its list of participants stays as it was.")
    assert [e.note for e in timeline(session) if e.action == "participants.remove"] == ["李教授"]


def test_an_invitee_answers_their_own_invitation_while_the_session_is_announced_or_open(cw):
    session = cw.session()
    cs.participants_invite(actor=cw.alice, event=session, members=[cw.bob_seat, cw.cindy_seat])
    bob = session.participants.get(member=cw.bob_seat)
    assert conflict(cs.invitation_respond, actor=cw.bob, participant=bob, accept=True) == (
        "This invitation can no longer be answered.")
    cs.consultation_announce(actor=cw.alice, consultation=session)
    for other in (cw.cindy, cw.alice, cw.eve):
        assert denied(cs.invitation_respond, actor=other, participant=bob, accept=True) == (
            "You can only answer your own invitation.")
    assert invalid(cs.invitation_respond, actor=cw.bob, participant=bob, accept=False, note="理" * 301) == {
        "note": ["At most 300 characters."]}
    Notification.objects.all().delete()
    declined = cs.invitation_respond(actor=cw.bob, participant=bob, accept=False, note="出差在外")
    assert (declined.invitation, declined.response_note, declined.responded_at is not None) == (
        InvitationStatus.DECLINED, "出差在外", True)
    assert list(Notification.objects.values_list("recipient__username", "title", "body").order_by("recipient")) == [
        ("alice", "王博 asks for leave from 普惠托育专题协商会", "出差在外"),
        ("fiona", "王博 asks for leave from 普惠托育专题协商会", "出差在外")]
    accepted = cs.invitation_respond(actor=cw.bob, participant=bob, accept=True)
    assert (accepted.invitation, accepted.response_note) == (InvitationStatus.ACCEPTED, "")
    assert Notification.objects.count() == 2
    assert [e.action for e in timeline(session)][:2] == ["invitation.accept", "invitation.decline"]

    cs.consultation_open(actor=cw.alice, consultation=session)
    cs.consultation_close(actor=cw.alice, consultation=session)
    assert conflict(cs.invitation_respond, actor=cw.bob, participant=bob, accept=False, note="补请假") == (
        "This invitation can no longer be answered.")
    assert reload(bob).invitation == InvitationStatus.ACCEPTED


def test_signing_in_opens_with_the_session_and_only_once(cw):
    session = now_session(cw)
    cs.participants_invite(actor=cw.alice, event=session, members=[cw.bob_seat, cw.cindy_seat])
    cs.consultation_announce(actor=cw.alice, consultation=session)
    bob = session.participants.get(member=cw.bob_seat)
    cindy = session.participants.get(member=cw.cindy_seat)
    assert conflict(cs.participant_check_in, actor=cw.bob, participant=bob) == "Sign-in opens when the session begins."
    assert conflict(cs.participant_check_in, actor=cw.alice, participant=bob) == (
        "Sign-in opens when the session begins.")
    cs.consultation_open(actor=cw.alice, consultation=session)
    assert denied(cs.participant_check_in, actor=cw.cindy, participant=bob) == "You can only sign yourself in."
    assert denied(cs.participant_check_in, actor=cw.lily, participant=bob) == "You can only sign yourself in."
    signed = cs.participant_check_in(actor=cw.bob, participant=bob)
    assert (signed.attendance, signed.invitation, signed.checked_in_at is not None) == (
        Attendance.PRESENT, InvitationStatus.ACCEPTED, True)
    at = timezone.localtime(signed.checked_in_at).strftime("%H:%M")
    assert conflict(cs.participant_check_in, actor=cw.bob, participant=bob) == f"Already signed in at {at}."
    assert conflict(cs.invitation_respond, actor=cw.bob, participant=bob, accept=False, note="想请假") == (
        "You have already signed in.")
    cs.consultation_close(actor=cw.alice, consultation=session)
    assert conflict(cs.participant_check_in, actor=cw.cindy, participant=cindy) == (
        "Sign-in opens when the session begins.")
    # staff sign a latecomer in after the close
    late = cs.participant_check_in(actor=cw.alice, participant=cindy)
    assert (late.attendance, late.invitation) == (Attendance.PRESENT, InvitationStatus.ACCEPTED)
    assert [e.note for e in timeline(session) if e.action == "participant.check_in"] == ["崔欣", "王博"]


def test_a_member_signs_in_only_near_the_time_of_the_session(cw):
    session = cw.invited(cw.session())  # a week ahead
    cs.consultation_open(actor=cw.alice, consultation=session)
    bob = session.participants.get(member=cw.bob_seat)
    assert conflict(cs.participant_check_in, actor=cw.bob, participant=bob) == (
        "Sign-in is open from two hours before the start until an hour after the end.")
    assert reload(bob).checked_in_at is None
    # staff may sign for them at any time while it is in progress
    assert cs.participant_check_in(actor=cw.alice, participant=bob).attendance == Attendance.PRESENT


def test_attendance_is_recorded_by_staff_with_a_reason_for_an_excused_absence(cw):
    session = cw.invited()
    bob = session.participants.get(member=cw.bob_seat)
    assert invalid(cs.attendance_record, actor=cw.alice, participant=bob, attendance=Attendance.EXCUSED) == {
        "note": ["Give the reason for the excused absence."]}
    assert invalid(cs.attendance_record, actor=cw.alice, participant=bob, attendance=Attendance.UNKNOWN) == {
        "attendance": ["Choose present, excused or absent."]}
    assert invalid(cs.attendance_record, actor=cw.alice, participant=bob, attendance="late") == {
        "attendance": ["Choose present, excused or absent."]}
    for outsider in (cw.bob, cw.lily, cw.carol, bea(cw)):
        assert denied(cs.attendance_record, actor=outsider, participant=bob, attendance=Attendance.PRESENT) == STAFF_ONLY
    assert reload(bob).attendance == Attendance.UNKNOWN
    # a reason given when declining is enough
    cindy = session.participants.get(member=cw.cindy_seat)
    cindy = cs.invitation_respond(actor=cw.cindy, participant=cindy, accept=False, note="出差在外")
    excused = cs.attendance_record(actor=cw.alice, participant=cindy, attendance=Attendance.EXCUSED)
    assert (excused.attendance, excused.response_note) == (Attendance.EXCUSED, "出差在外")


# --- materials -------------------------------------------------------------------------------------


def test_material_needs_a_title_an_accepted_file_and_staff(cw, monkeypatch):
    session = cw.session()
    assert invalid(cs.material_add, actor=cw.alice, consultation=session, title="空文件", upload=None) == {
        "file": ["Choose a file."]}
    assert invalid(cs.material_add, actor=cw.alice, consultation=session, title="脚本",
                   upload=SimpleUploadedFile("x.html", b"<script>alert(1)</script>")) == {
        "file": ["x.html is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, Excel or PowerPoint "
                 "document."]}
    assert invalid(cs.material_add, actor=cw.alice, consultation=session, title="材", upload=pdf()) == {
        "title": ["At least 2 characters."]}
    for outsider in (cw.bob, cw.lily, cw.carol, bea(cw)):
        assert denied(cs.material_add, actor=outsider, consultation=session, title="委员材料", upload=pdf()) \
            == STAFF_ONLY
    monkeypatch.setattr(cs, "MAX_MATERIALS", 0)
    assert invalid(cs.material_add, actor=cw.alice, consultation=session, title="第一份材料", upload=pdf()) == {
        "file": ["At most 0 documents."]}
    assert (Material.objects.count(), AuditEntry.objects.filter(action="material.add").count()) == (0, 0)


def test_staff_give_participants_background_material(cw, monkeypatch, settings):
    session = cw.session()
    material = cs.material_add(actor=cw.alice, consultation=session, title="托育服务调研报告", upload=pdf())
    assert (material.title, material.original_name, material.content_type, material.size) == (
        "托育服务调研报告", "背景材料.pdf", "application/pdf", len(PDF))
    assert material.file.read() == PDF
    monkeypatch.setattr(cs, "MAX_MATERIALS", 1)
    assert invalid(cs.material_add, actor=cw.alice, consultation=session, title="第二份材料", upload=pdf()) == {
        "file": ["At most 1 documents."]}
    assert Material.objects.count() == 1
    assert denied(cs.material_delete, actor=cw.bob, material=material) == STAFF_ONLY
    cs.material_delete(actor=cw.alice, material=material)
    assert Material.objects.count() == 0
    assert [e.action for e in timeline(session)][:2] == ["material.delete", "material.add"]


# --- speeches and the discussion ---------------------------------------------------------------------


def test_participants_register_speeches_and_written_opinions_until_the_session_is_held(cw):
    session = cw.invited()
    bob = session.participants.get(member=cw.bob_seat)
    cindy = session.participants.get(member=cw.cindy_seat)
    args = {"consultation": session, "title": "关于托育补贴的建议", "text_": "建议对普惠托育机构按托位给予运营补贴。"}
    for outsider in (cw.eve, cw.lily, cw.carol, cw.alice):
        assert denied(cs.speech_register, actor=outsider, kind=SpeechKind.ORAL, **args) == (
            "Only participants of this session may speak or hand in opinions.")
    assert denied(cs.speech_register, actor=cw.cindy, kind=SpeechKind.ORAL, participant=bob, **args) == (
        "You can only register in your own name.")
    assert invalid(cs.speech_register, actor=cw.bob, kind="song", **args) == {
        "kind": ["Choose a speech or a written opinion."]}
    assert invalid(cs.speech_register, actor=cw.bob, kind=SpeechKind.ORAL, **{**args, "text_": "太短"}) == {
        "text": ["At least 10 characters."]}
    assert invalid(cs.speech_register, actor=cw.bob, kind=SpeechKind.ORAL, **{**args, "title": "建议"}) == {
        "title": ["At least 4 characters."]}
    assert invalid(cs.speech_register, actor=cw.bob, kind=SpeechKind.ORAL, **{**args, "text_": "言" * 20001}) == {
        "text": ["At most 20000 characters."]}
    other = cw.invited(cw.session(title="另一场协商会"))
    assert invalid(cs.speech_register, actor=cw.alice, kind=SpeechKind.ORAL,
                   participant=other.participants.get(member=cw.bob_seat), **args) == {
        "participant": ["Choose a participant of this session."]}
    assert Speech.objects.count() == 0

    speech = cs.speech_register(actor=cw.bob, kind=SpeechKind.ORAL, **args)
    assert (speech.participant, speech.kind, speech.status, speech.order) == (
        bob, SpeechKind.ORAL, SpeechStatus.REGISTERED, None)
    cs.invitation_respond(actor=cw.cindy, participant=cindy, accept=False, note="出差在外")
    assert conflict(cs.speech_register, actor=cw.cindy, kind=SpeechKind.ORAL, **args) == (
        "You declined this session; hand in a written opinion instead.")
    written = cs.speech_register(actor=cw.cindy, kind=SpeechKind.WRITTEN, **args)
    assert written.kind == SpeechKind.WRITTEN
    cs.consultation_open(actor=cw.alice, consultation=session)
    cs.consultation_close(actor=cw.alice, consultation=session)
    assert conflict(cs.speech_register, actor=cw.bob, kind=SpeechKind.WRITTEN, **args) == (
        "The session is over; speeches are recorded by staff.")
    # staff record a speech for a participant afterwards
    recorded = cs.speech_register(actor=cw.alice, kind=SpeechKind.ORAL, participant=bob, **args)
    assert recorded.participant == bob
    assert [e.note for e in timeline(session) if e.action == "speech.register"] == [
        "王博: 关于托育补贴的建议", "崔欣: 关于托育补贴的建议", "王博: 关于托育补贴的建议"]


def test_staff_record_speeches_and_speakers_withdraw_their_own_before_delivery(cw):
    session = cw.invited()
    speech = cs.speech_register(actor=cw.bob, consultation=session, kind=SpeechKind.ORAL, title="关于托育补贴的建议",
                                text_="建议对普惠托育机构按托位给予运营补贴。")
    assert denied(cs.speech_withdraw, actor=cw.cindy, speech=speech) == "You can only withdraw your own speech."
    assert denied(cs.speech_record, actor=cw.bob, speech=speech) == STAFF_ONLY
    for bad in (0, 1000, "1"):
        assert invalid(cs.speech_record, actor=cw.alice, speech=speech, order=bad) == {
            "order": ["The order is a number from 1 to 999."]}
    ordered = cs.speech_record(actor=cw.alice, speech=speech, delivered=False, order=2)
    assert (ordered.order, ordered.status, ordered.delivered_at) == (2, SpeechStatus.REGISTERED, None)
    delivered = cs.speech_record(actor=cw.alice, speech=speech)
    assert (delivered.status, delivered.delivered_at is not None) == (SpeechStatus.DELIVERED, True)
    assert conflict(cs.speech_withdraw, actor=cw.bob, speech=speech) == (
        "Only a speech not yet delivered can be withdrawn.")

    second = cs.speech_register(actor=cw.bob, consultation=session, kind=SpeechKind.WRITTEN, title="补充书面意见",
                                text_="建议将托育服务纳入社区公共服务设施配建。")
    withdrawn = cs.speech_withdraw(actor=cw.bob, speech=second)
    assert withdrawn.status == SpeechStatus.WITHDRAWN
    assert conflict(cs.speech_record, actor=cw.alice, speech=second) == "This speech was withdrawn."
    assert conflict(cs.speech_withdraw, actor=cw.bob, speech=second) == (
        "Only a speech not yet delivered can be withdrawn.")


def test_an_online_sessions_discussion_is_open_while_it_is_in_progress(cw):
    session = cw.invited(cw.session(form=ConsultationForm.ONLINE, place=""))
    assert conflict(cs.post_add, actor=cw.bob, consultation=session, text_="我先说两句") == "The discussion is closed."
    assert conflict(cs.discussion_set, actor=cw.alice, consultation=session, open_=True) == (
        "The discussion opens while the session is in progress.")
    session = cs.consultation_open(actor=cw.alice, consultation=session)
    assert session.discussion_open is True
    post = cs.post_add(actor=cw.bob, consultation=session, text_="<b>建议</b>增加托位补贴")
    assert (post.participant, post.author, post.text, post.is_hidden) == (
        session.participants.get(member=cw.bob_seat), cw.bob, "<b>建议</b>增加托位补贴", False)
    staff_post = cs.post_add(actor=cw.alice, consultation=session, text_="请大家围绕议题发言")
    assert staff_post.participant is None
    for outsider in (cw.eve, cw.carol, cw.lily, cw.ben):
        assert denied(cs.post_add, actor=outsider, consultation=session, text_="我也想说") == (
            "Only participants of this session may take part in the discussion.")
    assert invalid(cs.post_add, actor=cw.bob, consultation=session, text_="好") == {"text": ["At least 2 characters."]}
    assert invalid(cs.post_add, actor=cw.bob, consultation=session, text_="言" * 5001) == {
        "text": ["At most 5000 characters."]}
    assert denied(cs.post_hide, actor=cw.bob, post=post) == STAFF_ONLY
    assert cs.post_hide(actor=cw.alice, post=post).is_hidden is True
    assert cs.post_hide(actor=cw.alice, post=post, hidden=False).is_hidden is False

    assert denied(cs.discussion_set, actor=cw.bob, consultation=session, open_=False) == STAFF_ONLY
    cs.discussion_set(actor=cw.alice, consultation=session, open_=False)
    assert conflict(cs.post_add, actor=cw.cindy, consultation=session, text_="讨论关了吗") == "The discussion is closed."
    cs.discussion_set(actor=cw.alice, consultation=session, open_=True)
    session = cs.consultation_close(actor=cw.alice, consultation=session)
    assert session.discussion_open is False
    assert conflict(cs.post_add, actor=cw.bob, consultation=session, text_="会后补充") == "The discussion is closed."
    assert Post.objects.count() == 2


# --- results, instructions, follow-up --------------------------------------------------------------


def test_a_result_is_written_once_the_session_is_held(cw):
    session = cw.invited()
    args = {"title": "关于加快发展普惠托育服务的协商报告", "text_": RESULT_TEXT}
    assert conflict(cs.result_save, actor=cw.alice, consultation=session, **args) == (
        "A result is written once the session has been held.")
    cs.consultation_open(actor=cw.alice, consultation=session)
    assert conflict(cs.result_save, actor=cw.alice, consultation=session, **args) == (
        "A result is written once the session has been held.")
    session = cs.consultation_close(actor=cw.alice, consultation=session)
    assert invalid(cs.result_save, actor=cw.alice, consultation=session, title="报告", text_=RESULT_TEXT) == {
        "title": ["At least 4 characters."]}
    assert invalid(cs.result_save, actor=cw.alice, consultation=session, title=args["title"], text_="太短的报告") == {
        "text": ["At least 20 characters."]}
    assert invalid(cs.result_save, actor=cw.alice, consultation=session, title=args["title"], text_="报" * 50001) == {
        "text": ["At most 50000 characters."]}
    assert invalid(cs.result_save, actor=cw.alice, consultation=session, departments=[cw.dept_b], **args) == {
        "departments": ["Choose departments of this committee."]}
    for outsider in (cw.bob, cw.lily, cw.carol, bea(cw)):
        assert denied(cs.result_save, actor=outsider, consultation=session, **args) == STAFF_ONLY
    assert Result.objects.count() == 0

    result = cs.result_save(actor=cw.alice, consultation=session, departments=[cw.dept_a, cw.dept_a], **args)
    assert (result.status, result.committee, result.created_by, list(result.departments.all())) == (
        ResultStatus.DRAFT, cw.a, cw.alice, [cw.dept_a])
    changed = cs.result_save(actor=cw.alice, result=result, title="关于普惠托育服务的协商报告", text_=RESULT_TEXT,
                             departments=[cw.dept_a2])
    assert (changed.title, list(changed.departments.all())) == ("关于普惠托育服务的协商报告", [cw.dept_a2])
    assert actions(result) == ["result.create", "result.update"]


def test_a_result_is_approved_by_a_leader_or_staff_returned_with_a_reason_and_changed_only_as_a_draft(cw):
    result = cs.result_save(actor=cw.alice, consultation=cw.held(), title="关于加快发展普惠托育服务的协商报告",
                            text_=RESULT_TEXT)
    for outsider in (cw.bob, cw.carol, cw.eve, bea(cw)):
        assert denied(cs.result_approve, actor=outsider, result=result) == STAFF_OR_LEADER
    approved = cs.result_approve(actor=cw.lily, result=result, note="同意报送")
    assert (approved.status, approved.approved_by) == (ResultStatus.APPROVED, cw.lily)
    assert conflict(cs.result_approve, actor=cw.lily, result=result) == (
        "This is Approved; that step is not possible now.")
    assert conflict(cs.result_save, actor=cw.alice, result=result, title="改一改标题的报告", text_=RESULT_TEXT) == (
        "Only a draft result can be changed.")
    assert invalid(cs.result_return, actor=cw.lily, result=result, note="改") == {"note": ["At least 4 characters."]}
    assert denied(cs.result_return, actor=cw.bob, result=result, note="委员想退回") == STAFF_OR_LEADER
    returned = cs.result_return(actor=cw.lily, result=result, note="请补充数据支撑")
    assert (returned.status, returned.approved_by, returned.approved_at) == (ResultStatus.DRAFT, None, None)
    assert conflict(cs.result_return, actor=cw.lily, result=result, note="再退一次") == (
        "This is Draft; that step is not possible now.")
    assert cs.result_approve(actor=cw.alice, result=result).approved_by == cw.alice
    assert actions(result) == ["result.create", "result.approve", "result.return", "result.approve"]


def test_only_an_approved_result_is_sent_once_and_the_departments_and_leaders_hear(cw):
    result = cs.result_save(actor=cw.alice, consultation=cw.held(), title="关于加快发展普惠托育服务的协商报告",
                            text_=RESULT_TEXT, departments=[cw.dept_a])
    assert conflict(cs.result_send, actor=cw.alice, result=result, recipients=[Recipient.PARTY]) == (
        "This is Draft; that step is not possible now.")
    cs.result_approve(actor=cw.lily, result=result)
    Notification.objects.all().delete()  # the invitations
    assert invalid(cs.result_send, actor=cw.alice, result=result, recipients=[]) == {
        "recipients": ["Choose where the result is sent."]}
    assert invalid(cs.result_send, actor=cw.alice, result=result, recipients=["media"]) == {
        "recipients": ["Choose where the result is sent."]}
    assert denied(cs.result_send, actor=cw.lily, result=result, recipients=[Recipient.PARTY]) == STAFF_ONLY
    assert Notification.objects.count() == 0
    sent = cs.result_send(actor=cw.alice, result=result, recipients=[Recipient.PARTY, Recipient.GOVERNMENT,
                                                                      Recipient.DEPARTMENTS, Recipient.PARTY])
    assert (sent.status, sent.recipients, sent.sent_at is not None) == (
        ResultStatus.SENT, ["party", "government", "departments"], True)
    assert told("A consultation result concerns you: 关于加快发展普惠托育服务的协商报告") == ["carol", "ivan"]
    assert told("Consultation result sent: 关于加快发展普惠托育服务的协商报告") == ["lily"]
    assert conflict(cs.result_send, actor=cw.alice, result=result, recipients=[Recipient.PARTY]) == (
        "This is Sent; that step is not possible now.")
    assert Notification.objects.count() == 3
    assert timeline(result).first().note == "Party committee、Government、Departments concerned"


def test_sending_to_the_departments_concerned_needs_them_named(cw):
    result = cs.result_save(actor=cw.alice, consultation=cw.held(), title="关于加快发展普惠托育服务的协商报告",
                            text_=RESULT_TEXT)
    cs.result_approve(actor=cw.lily, result=result)
    assert invalid(cs.result_send, actor=cw.alice, result=result, recipients=[Recipient.DEPARTMENTS]) == {
        "recipients": ["Name the departments concerned first."]}
    assert reload(result).status == ResultStatus.APPROVED


def test_instructions_are_recorded_on_a_sent_result_by_staff_or_leaders(cw):
    session = cw.held()
    draft = cs.result_save(actor=cw.alice, consultation=session, title="关于加快发展普惠托育服务的协商报告",
                           text_=RESULT_TEXT)
    today = timezone.localdate()
    args = {"leader_name": "王市长", "level": InstructionLevel.GOVERNMENT, "instructed_on": today,
            "text_": "请市教育局牵头研究落实。"}
    assert conflict(cs.instruction_record, actor=cw.lily, target=draft, **args) == (
        "Instructions are recorded on a result once it is sent.")
    cs.result_approve(actor=cw.lily, result=draft)
    assert conflict(cs.instruction_record, actor=cw.lily, target=draft, **args) == (
        "Instructions are recorded on a result once it is sent.")
    result = cs.result_send(actor=cw.alice, result=draft, recipients=[Recipient.GOVERNMENT])
    assert invalid(cs.instruction_record, actor=cw.lily, target=result, **{**args, "level": "mayor"}) == {
        "level": ["Choose whose leader instructed."]}
    assert invalid(cs.instruction_record, actor=cw.lily, target=result,
                   **{**args, "instructed_on": today + dt.timedelta(days=1)}) == {
        "instructed_on": ["Give the day of the instruction (not in the future)."]}
    assert invalid(cs.instruction_record, actor=cw.lily, target=result, **{**args, "leader_name": "王"}) == {
        "leader_name": ["At least 2 characters."]}
    assert invalid(cs.instruction_record, actor=cw.lily, target=result, **{**args, "text_": ""}) == {
        "text": ["This field is required."]}
    for outsider in (cw.bob, cw.carol, cw.eve, bea(cw)):
        assert denied(cs.instruction_record, actor=outsider, target=result, **args) == STAFF_OR_LEADER
    assert Instruction.objects.count() == 0
    instruction = cs.instruction_record(actor=cw.lily, target=result, leader_title="市长", **args)
    assert (instruction.result, instruction.committee, instruction.level, instruction.leader_title,
            instruction.recorded_by) == (result, cw.a, InstructionLevel.GOVERNMENT, "市长", cw.lily)
    assert timeline(result).first().note == "王市长：请市教育局牵头研究落实。"


def test_follow_up_is_recorded_on_a_sent_result_by_staff_or_the_departments_concerned(cw):
    today = timezone.localdate()
    session = cw.held()
    draft = cs.result_save(actor=cw.alice, consultation=session, title="关于加快发展普惠托育服务的协商报告",
                           text_=RESULT_TEXT, departments=[cw.dept_a])
    assert conflict(cs.follow_up_add, actor=cw.alice, target=draft, noted_on=today, text_="已着手研究落实") == (
        "Follow-up is recorded on a sent result until it is closed.")
    cs.result_approve(actor=cw.lily, result=draft)
    result = cs.result_send(actor=cw.alice, result=draft, recipients=[Recipient.DEPARTMENTS])
    refused = "Only staff or the departments concerned may record follow-up."
    assert denied(cs.follow_up_add, actor=cw.hank, target=result, noted_on=today, department=cw.dept_a2,
                  text_="我们也来报进展") == refused
    assert denied(cs.follow_up_add, actor=cw.carol, target=result, noted_on=today, text_="未写明单位") == refused
    assert denied(cs.follow_up_add, actor=cw.carol, target=result, noted_on=today, department=cw.dept_a2,
                  text_="冒用别的单位") == refused
    for outsider in (cw.bob, cw.lily, cw.eve, cw.dave):
        assert denied(cs.follow_up_add, actor=outsider, target=result, noted_on=today, department=cw.dept_a,
                      text_="外人来报进展") == refused
    assert invalid(cs.follow_up_add, actor=cw.alice, target=result, noted_on=today + dt.timedelta(days=1),
                   text_="明天的进展") == {"noted_on": ["Give the day (not in the future)."]}
    assert invalid(cs.follow_up_add, actor=cw.alice, target=result, noted_on=today, text_="短") == {
        "text": ["At least 4 characters."]}
    assert invalid(cs.follow_up_add, actor=cw.alice, target=result, noted_on=today, department=cw.dept_b,
                   text_="别的委员会的单位") == {"department": ["Choose a department of this committee."]}
    # a department does not close the result itself, and nothing is left behind
    assert denied(cs.follow_up_add, actor=cw.carol, target=result, noted_on=today, department=cw.dept_a,
                  implemented=True, text_="全部落实") == "Staff close a result as implemented."
    assert (FollowUp.objects.count(), reload(result).status) == (0, ResultStatus.SENT)

    entry = cs.follow_up_add(actor=cw.carol, target=result, noted_on=today, department=cw.dept_a,
                             text_="已制定普惠托育补贴办法，新增托位800个。")
    assert (entry.result, entry.department, entry.implemented, entry.recorded_by) == (result, cw.dept_a, False,
                                                                                     cw.carol)
    assert told("Follow-up reported on 关于加快发展普惠托育服务的协商报告") == ["alice", "fiona"]
    closing = cs.follow_up_add(actor=cw.alice, target=result, noted_on=today, implemented=True, text_="全部落实办结")
    assert (closing.implemented, reload(result).status, reload(result).closed_at is not None) == (
        True, ResultStatus.CLOSED, True)
    assert conflict(cs.follow_up_add, actor=cw.alice, target=result, noted_on=today, text_="办结后再记") == (
        "Follow-up is recorded on a sent result until it is closed.")
    assert actions(result)[-4:] == ["result.send", "follow_up.add", "follow_up.add", "result.close"]
    # an instruction may still come after it is closed
    cs.instruction_record(actor=cw.alice, target=reload(result), leader_name="李书记", level=InstructionLevel.PARTY,
                          instructed_on=today, text_="成效明显")
    assert Instruction.objects.count() == 1


def test_follow_up_and_instructions_only_on_results_tasks_and_items(cw):
    session = cw.held()
    today = timezone.localdate()
    assert invalid(cs.follow_up_add, actor=cw.alice, target=session, noted_on=today, text_="会议的进展") == {
        "target": ["Follow-up is recorded on results and tasks."]}
    assert invalid(cs.instruction_record, actor=cw.alice, target=session, leader_name="王市长",
                   level=InstructionLevel.GOVERNMENT, instructed_on=today, text_="好的同意") == {
        "target": ["Instructions are recorded on results, information items and tasks."]}


def test_a_calendar_feed_token_is_made_once_and_replaced_on_request(cw):
    token = cs.calendar_feed_token(actor=cw.bob)
    assert len(token) >= 40
    assert cs.calendar_feed_token(actor=cw.bob) == token
    fresh = cs.calendar_feed_token(actor=cw.bob, reset=True)
    assert fresh != token
    assert list(CalendarFeed.objects.values_list("user__username", "token")) == [("bob", fresh)]
    assert cs.calendar_feed_token(actor=cw.cindy) not in (token, fresh)
    assert CalendarFeed.objects.count() == 2


def test_a_refused_step_leaves_nothing_half_written(cw):
    session = cw.invited()
    counts = (Participant.objects.count(), AuditEntry.objects.count(), Notification.objects.count())
    with pytest.raises(ValidationError):
        cs.participants_invite(actor=cw.alice, event=session, members=[cw.ada_seat],
                               guests=[{"name": "李教授"}])
    with pytest.raises(Conflict):
        cs.consultation_announce(actor=cw.alice, consultation=session)
    with pytest.raises(Conflict):
        cs.result_save(actor=cw.alice, consultation=session, title="关于普惠托育服务的协商报告", text_=RESULT_TEXT)
    assert (Participant.objects.count(), AuditEntry.objects.count(), Notification.objects.count()) == counts
    assert Result.objects.count() == 0
    assert sent_result(cw).status == ResultStatus.SENT
