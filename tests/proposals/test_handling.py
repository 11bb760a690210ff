"""The handling engine after routing: departments accept, ask to return (申退), ask for more
time, reply (lead and co-handling units, separate units); the member rates; unrated items
close by themselves; overdue items are reminded and escalated once per level; a change of the
working-day calendar moves open deadlines. Only the right people may take each step.

Dates: ``clock.start`` is the real date (the day items are routed); ``clock.move_to`` moves
the engine's today. Every expected date is computed with the calendar (workdays.add_workdays).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cppcc_portal.core import services as calendar, workdays
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import AuditEntry, Notification
from proposals import selectors
from proposals.choices import (
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    FollowKind,
    HandlingMode,
    Rating,
    RequestStatus,
    RoutingMethod,
)
from proposals.models import (
    Assignment,
    Case,
    ContactRecord,
    Escalation,
    ExtensionRequest,
    Feedback,
    ObjectionRequest,
    Reply,
    RoutingDecision,
)
from proposals.services import handling

TITLE = "学校门口交通拥堵"
HOSPITAL = ("看病排队太久", "市人民医院挂号窗口排长队，老年人等候时间过长，建议增加自助机。")
STREETLIGHT = ("幸福小区路灯不亮", "幸福小区的路灯坏了三个月，晚上老人孩子出行很不方便。")
NOT_HANDLED_NOW = "This item is not being handled by your department now."


def add(day: dt.date, n: int) -> dt.date:
    return workdays.add_workdays(day, n)


def titles_for(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def state(case: Case) -> tuple:
    case.refresh_from_db()
    return case.status, case.round, case.due_date


def lead_and_co(h) -> tuple[Case, Assignment, Assignment]:
    """An item of bob's routed by the 医院就医 rule: 卫健委 (hank) leads, 住建局 (jack) co-handles."""
    case = h.route(h.submit(*HOSPITAL))
    return case, h.open_assignment(case, h.dept_a2), h.open_assignment(case, h.dept_a3)


def separate(h) -> tuple[Case, Assignment, Assignment]:
    case = h.route(h.submit(*STREETLIGHT))
    handling.case_route(actor=h.alice, case=case, lead_department=h.dept_a2, co_departments=[h.dept_a3],
                        handling_mode=HandlingMode.SEPARATE)
    return case, h.open_assignment(case, h.dept_a2), h.open_assignment(case, h.dept_a3)


# --- accepting and contacting ------------------------------------------------------------------------


def test_liaison_accepts_the_assignment_and_the_member_is_told(h):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)

    handling.assignment_accept(actor=h.carol, assignment=assignment)

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED
    assert assignment.accepted_at is not None
    assert AuditEntry.objects.get(action="assignment.accept").note == "甲市教育局"
    assert titles_for(h.bob) == ["Your item has been assigned to 甲市教育局", "甲市教育局 has accepted your item"]


def test_accepting_twice_is_a_conflict(h):
    assignment = h.open_assignment(h.submit_routed(), h.dept_a)
    handling.assignment_accept(actor=h.carol, assignment=assignment)

    with pytest.raises(Conflict) as caught:
        handling.assignment_accept(actor=h.ivan, assignment=assignment)

    assert caught.value.message == "This assignment is Accepted (签收); that step is not possible now."


def test_contact_with_the_member_is_recorded_and_cannot_be_in_the_future(h, clock):
    assignment = h.open_assignment(h.submit_routed(), h.dept_a)

    record = handling.contact_record(actor=h.carol, assignment=assignment, method="phone", contacted_on=clock.today,
                                     note="电话沟通了错峰放学方案")
    with pytest.raises(ValidationError) as caught:
        handling.contact_record(actor=h.carol, assignment=assignment, method="phone",
                                contacted_on=clock.today + dt.timedelta(days=1))

    assert (record.method, record.contacted_on, record.created_by) == ("phone", clock.today, h.carol)
    assert caught.value.message_dict == {"contacted_on": ["The date cannot be in the future."]}
    assert ContactRecord.objects.count() == 1


# --- lead and co-handling units, separate units ----------------------------------------------------------


def test_co_handlers_opinion_goes_to_the_lead_unit_not_to_the_member(h):
    case, lead, co = lead_and_co(h)

    opinion = handling.assignment_reply(actor=h.jack, assignment=co, text="建议在门诊楼增设停车引导。")

    assert (opinion.is_opinion, opinion.round, opinion.created_by) == (True, 1, h.jack)
    co.refresh_from_db()
    assert co.status == AssignmentStatus.REPLIED
    assert state(case)[0] == CaseStatus.HANDLING
    told = Notification.objects.get(recipient=h.hank, title__contains="opinion")
    assert (told.title, told.body) == ("甲市住房和城乡建设局 sent its opinion on: 看病排队太久", "建议在门诊楼增设停车引导。")
    assert titles_for(h.bob) == ["Your item has been assigned to 甲市卫生健康委员会、甲市住房和城乡建设局"]
    assert AuditEntry.objects.filter(action="assignment.opinion").count() == 1


def test_only_the_lead_units_reply_moves_the_item_to_replied(h):
    case, lead, co = lead_and_co(h)
    handling.assignment_reply(actor=h.jack, assignment=co, text="建议在门诊楼增设停车引导。")

    reply = handling.assignment_reply(actor=h.hank, assignment=lead, text="已增设十台自助挂号机。")

    assert reply.is_opinion is False
    case.refresh_from_db()
    assert (case.status, case.due_date) == (CaseStatus.REPLIED, None)
    assert case.replied_at is not None
    assert "甲市卫生健康委员会 replied to your item: 看病排队太久" in titles_for(h.bob)
    assert AuditEntry.objects.get(action="case.replied").changes == {"status": {"before": "handling", "after": "replied"}}


def test_lead_reply_without_the_co_opinion_still_replies_and_the_co_handler_is_then_too_late(h):
    case, lead, co = lead_and_co(h)

    handling.assignment_reply(actor=h.hank, assignment=lead, text="已增设十台自助挂号机。")
    with pytest.raises(Conflict) as caught:
        handling.assignment_reply(actor=h.jack, assignment=co, text="迟到的意见")

    assert state(case)[0] == CaseStatus.REPLIED
    assert caught.value.message == NOT_HANDLED_NOW
    assert Reply.objects.filter(case=case).count() == 1


def test_separate_units_must_both_reply_before_the_member_rates(h, clock):
    case, first, second = separate(h)

    handling.assignment_reply(actor=h.hank, assignment=first, text="卫健委答复")
    assert state(case) == (CaseStatus.HANDLING, 1, second.due_date)

    handling.assignment_reply(actor=h.jack, assignment=second, text="住建局答复")
    assert state(case) == (CaseStatus.REPLIED, 1, None)


def test_separate_replies_are_rated_one_by_one_and_the_lowest_rating_stands(h):
    case, first, second = separate(h)
    handling.assignment_reply(actor=h.hank, assignment=first, text="卫健委答复")
    handling.assignment_reply(actor=h.jack, assignment=second, text="住建局答复")
    one, two = Reply.objects.filter(case=case).order_by("id")

    handling.case_rate(actor=h.bob, reply=one, rating=Rating.SATISFIED)
    assert state(case)[0] == CaseStatus.REPLIED
    handling.case_rate(actor=h.bob, reply=two, rating=Rating.BASICALLY)

    case.refresh_from_db()
    assert (case.status, case.rating) == (CaseStatus.CLOSED, Rating.BASICALLY)


def test_one_department_replies_once_per_round(h):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)
    handling.assignment_reply(actor=h.carol, assignment=assignment, text="第一次答复")

    with pytest.raises(Conflict) as caught:
        handling.assignment_reply(actor=h.ivan, assignment=assignment, text="第二次答复")

    assert caught.value.message == NOT_HANDLED_NOW
    assert list(Reply.objects.values_list("text", flat=True)) == ["第一次答复"]


def test_reply_needs_text(h):
    assignment = h.open_assignment(h.submit_routed(), h.dept_a)

    with pytest.raises(ValidationError) as caught:
        handling.assignment_reply(actor=h.carol, assignment=assignment, text="   ")

    assert caught.value.message_dict == {"text": ["This field is required."]}


# --- return requests (申退) --------------------------------------------------------------------------------


def test_return_request_inside_the_window_pauses_the_deadline(h, clock):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)
    due = add(clock.start, 10)
    assert assignment.objection_until == add(clock.start, 3)
    clock.move_to(add(clock.start, 2))

    request = handling.assignment_object(actor=h.carol, assignment=assignment, reason="不属于我局职责",
                                         suggested_department=h.dept_a2)

    assert (request.status, request.reason, request.suggested_department, request.requested_by) == (
        RequestStatus.PENDING, "不属于我局职责", h.dept_a2, h.carol)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.paused_at, assignment.clock_start, assignment.clock_workdays) == (
        AssignmentStatus.OBJECTING, clock.today, clock.today, 8)
    assert assignment.due_date == due
    assert assignment.deadline_log[-1] == {"on": clock.today.isoformat(), "event": "return requested", "remaining": 8,
                                           "explanation": "Deadline paused with 8 working days left."}
    assert "甲市教育局 asks to return an item" in titles_for(h.alice)
    # a paused deadline is not chased
    assert sum(handling.sweep_deadlines(now=add(due, 10)).values()) == 0


def test_return_can_be_requested_on_the_last_day_of_the_window(h, clock):
    assignment = h.open_assignment(h.submit_routed(), h.dept_a)
    clock.move_to(assignment.objection_until)

    handling.assignment_object(actor=h.carol, assignment=assignment, reason="不属于我局职责")

    assert ObjectionRequest.objects.count() == 1


def test_return_request_after_the_window_is_refused(h, clock):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)
    until = assignment.objection_until
    clock.move_to(add(until, 1))

    with pytest.raises(Conflict) as caught:
        handling.assignment_object(actor=h.carol, assignment=assignment, reason="不属于我局职责")

    assert caught.value.message == f"A return could be requested until {until.isoformat()}."
    assignment.refresh_from_db()
    assert (assignment.status, assignment.paused_at, ObjectionRequest.objects.count()) == (
        AssignmentStatus.ASSIGNED, None, 0)


def test_a_second_return_request_while_one_is_pending_is_a_conflict(h):
    assignment = h.open_assignment(h.submit_routed(), h.dept_a)
    handling.assignment_object(actor=h.carol, assignment=assignment, reason="不属于我局职责")

    with pytest.raises(Conflict) as caught:
        handling.assignment_object(actor=h.ivan, assignment=assignment, reason="再次申请")

    assert caught.value.message == "This assignment is Return requested (申退); that step is not possible now."


def test_approved_return_with_a_new_department_assigns_it_afresh(h, alice, clock):
    case = h.submit_routed()
    old = h.open_assignment(case, h.dept_a)
    request = handling.assignment_object(actor=h.carol, assignment=old, reason="不属于我局职责")
    clock.move_to(add(clock.start, 2))

    handling.objection_decide(actor=alice, objection=request, approve=True, note="同意退回", new_department=h.dept_a2)

    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_note) == (RequestStatus.APPROVED, alice, "同意退回")
    old.refresh_from_db()
    assert old.status == AssignmentStatus.RETURNED
    new = h.open_assignment(case, h.dept_a2)
    assert (new.role, new.status, new.round, new.due_date) == (
        AssignmentRole.LEAD, AssignmentStatus.ASSIGNED, 1, add(clock.today, 10))
    assert state(case) == (CaseStatus.HANDLING, 1, add(clock.today, 10))
    decision = RoutingDecision.objects.filter(case=case).last()
    assert (decision.method, decision.lead_department, decision.decided_by, decision.reason) == (
        RoutingMethod.MANUAL, h.dept_a2, alice, "Return approved; re-assigned to 甲市卫生健康委员会.")
    assert titles_for(h.hank) == [f"New item assigned: {TITLE}"]
    assert f"Return approved: {TITLE}" in titles_for(h.carol)


def test_approved_return_without_a_new_department_sends_the_item_to_triage(h, alice):
    case = h.submit_routed()
    request = handling.assignment_object(actor=h.carol, assignment=h.open_assignment(case, h.dept_a),
                                         reason="不属于我局职责")

    handling.objection_decide(actor=alice, objection=request, approve=True)

    assert state(case) == (CaseStatus.TRIAGE, 1, None)
    assert list(Assignment.objects.filter(case=case).values_list("status", flat=True)) == [AssignmentStatus.RETURNED]
    handling.case_route(actor=alice, case=case, lead_department=h.dept_a2)
    assert state(case)[0] == CaseStatus.HANDLING


def test_approved_return_of_the_lead_withdraws_the_co_handler_too(h, alice):
    case, lead, co = lead_and_co(h)
    request = handling.assignment_object(actor=h.hank, assignment=lead, reason="应由住建局主办")

    handling.objection_decide(actor=alice, objection=request, approve=True)

    assert state(case)[0] == CaseStatus.TRIAGE
    assert sorted(Assignment.objects.filter(case=case).values_list("role", "status")) == [
        (AssignmentRole.CO, AssignmentStatus.WITHDRAWN), (AssignmentRole.LEAD, AssignmentStatus.RETURNED)]


def test_approved_return_of_a_co_handler_leaves_the_lead_handling(h, alice):
    case, lead, co = lead_and_co(h)
    request = handling.assignment_object(actor=h.jack, assignment=co, reason="与我局无关")

    handling.objection_decide(actor=alice, objection=request, approve=True)

    assert state(case) == (CaseStatus.HANDLING, 1, lead.due_date)
    assert sorted(Assignment.objects.filter(case=case).values_list("role", "status")) == [
        (AssignmentRole.CO, AssignmentStatus.RETURNED), (AssignmentRole.LEAD, AssignmentStatus.ASSIGNED)]


def test_rejected_return_resumes_the_deadline_moved_by_the_paused_working_days(h, alice, clock):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)
    handling.assignment_accept(actor=h.carol, assignment=assignment)
    old_due = assignment.due_date
    clock.move_to(add(clock.start, 2))
    request = handling.assignment_object(actor=h.carol, assignment=assignment, reason="不属于我局职责")
    clock.move_to(add(clock.start, 5))  # staff decide three working days later

    handling.objection_decide(actor=alice, objection=request, approve=False, note="属于教育局职责")

    assignment.refresh_from_db()
    assert (assignment.status, assignment.paused_at, assignment.clock_start, assignment.clock_workdays) == (
        AssignmentStatus.ACCEPTED, None, clock.today, 8)
    assert assignment.due_date == add(clock.today, 8) == add(old_due, 3)
    assert state(case) == (CaseStatus.HANDLING, 1, add(old_due, 3))
    assert assignment.deadline_log[-1]["event"] == "return request rejected"
    assert f"Return rejected: {TITLE}" in titles_for(h.carol)


def test_a_return_request_is_decided_once(h, alice):
    request = handling.assignment_object(actor=h.carol, assignment=h.open_assignment(h.submit_routed(), h.dept_a),
                                         reason="不属于我局职责")
    handling.objection_decide(actor=alice, objection=request, approve=False)

    with pytest.raises(Conflict) as caught:
        handling.objection_decide(actor=alice, objection=request, approve=True)

    assert caught.value.message == "This request has already been decided."


@pytest.mark.parametrize("role", ["lily", "carol", "bob", "dave", "eve"])
def test_only_staff_decide_a_return_request(h, role):
    request = handling.assignment_object(actor=h.carol, assignment=h.open_assignment(h.submit_routed(), h.dept_a),
                                         reason="不属于我局职责")

    with pytest.raises(PermissionDenied) as caught:
        handling.objection_decide(actor=getattr(h, role), objection=request, approve=True)

    assert str(caught.value) == "Only staff of this committee may decide a return request."
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


# --- extensions --------------------------------------------------------------------------------------------


def test_approved_extension_adds_working_days_to_the_deadline(h, alice, clock):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)

    request = handling.extension_request(actor=h.carol, assignment=assignment, workdays_requested=5,
                                         reason="需要协调交警部门")
    handling.extension_decide(actor=alice, extension=request, approve=True, note="同意延期")

    request.refresh_from_db()
    assert (request.status, request.workdays, request.decided_by) == (RequestStatus.APPROVED, 5, alice)
    assignment.refresh_from_db()
    new_due = add(clock.start, 15)
    assert (assignment.clock_workdays, assignment.extended_workdays, assignment.due_date) == (15, 5, new_due)
    assert state(case)[2] == new_due
    assert AuditEntry.objects.get(action="extension.approve").note == (
        f"5 working days; new deadline {new_due.isoformat()}. 同意延期")
    assert "甲市教育局 asks for more time" in titles_for(h.alice)
    assert f"Extension approved: {TITLE}" in titles_for(h.carol)


def test_extensions_respect_the_policy_maximum(h, alice):
    assignment = h.open_assignment(h.submit_routed(), h.dept_a)
    with pytest.raises(ValidationError) as too_many:
        handling.extension_request(actor=h.carol, assignment=assignment, workdays_requested=11, reason="需要更多时间")
    first = handling.extension_request(actor=h.carol, assignment=assignment, workdays_requested=6, reason="需要更多时间")
    handling.extension_decide(actor=alice, extension=first, approve=True)

    with pytest.raises(ValidationError) as over:
        handling.extension_request(actor=h.carol, assignment=assignment, workdays_requested=5, reason="还需要时间")
    last = handling.extension_request(actor=h.carol, assignment=assignment, workdays_requested=4, reason="还需要时间")

    assert too_many.value.message_dict == {
        "workdays": ["Extensions may add at most 10 working days in all; 0 are used."]}
    assert over.value.message_dict == {
        "workdays": ["Extensions may add at most 10 working days in all; 6 are used."]}
    assert last.status == RequestStatus.PENDING


def test_refused_extension_leaves_the_deadline(h, alice):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)
    due = assignment.due_date
    request = handling.extension_request(actor=h.carol, assignment=assignment, workdays_requested=5,
                                         reason="需要协调交警部门")

    handling.extension_decide(actor=alice, extension=request, approve=False, note="期限内可以办结")

    request.refresh_from_db()
    assignment.refresh_from_db()
    assert (request.status, request.decision_note) == (RequestStatus.REJECTED, "期限内可以办结")
    assert (assignment.due_date, assignment.extended_workdays, state(case)[2]) == (due, 0, due)
    assert f"Extension refused: {TITLE}" in titles_for(h.carol)


def test_one_extension_request_at_a_time(h):
    assignment = h.open_assignment(h.submit_routed(), h.dept_a)
    handling.extension_request(actor=h.carol, assignment=assignment, workdays_requested=2, reason="需要更多时间")

    with pytest.raises(Conflict) as caught:
        handling.extension_request(actor=h.ivan, assignment=assignment, workdays_requested=2, reason="需要更多时间")

    assert caught.value.message == "An extension request is already waiting for a decision."


def test_extension_must_ask_for_working_days(h):
    assignment = h.open_assignment(h.submit_routed(), h.dept_a)

    with pytest.raises(ValidationError) as caught:
        handling.extension_request(actor=h.carol, assignment=assignment, workdays_requested=0, reason="需要更多时间")

    assert caught.value.message_dict == {"workdays": ["Ask for at least one working day."]}


def test_extension_approved_while_paused_counts_when_the_deadline_resumes(h, alice, clock):
    assignment = h.open_assignment(h.submit_routed(), h.dept_a)
    extension = handling.extension_request(actor=h.carol, assignment=assignment, workdays_requested=3,
                                           reason="需要更多时间")
    objection = handling.assignment_object(actor=h.carol, assignment=assignment, reason="不属于我局职责")

    handling.extension_decide(actor=alice, extension=extension, approve=True)
    handling.objection_decide(actor=alice, objection=objection, approve=False)

    assignment.refresh_from_db()
    assert (assignment.clock_workdays, assignment.due_date) == (13, add(clock.start, 13))


@pytest.mark.parametrize("role", ["lily", "carol", "bob", "eve"])
def test_only_staff_decide_an_extension(h, role):
    request = handling.extension_request(actor=h.carol, assignment=h.open_assignment(h.submit_routed(), h.dept_a),
                                         workdays_requested=2, reason="需要更多时间")

    with pytest.raises(PermissionDenied) as caught:
        handling.extension_decide(actor=getattr(h, role), extension=request, approve=True)

    assert str(caught.value) == "Only staff of this committee may decide an extension."


# --- rating -------------------------------------------------------------------------------------------


def test_satisfied_rating_closes_the_item(h):
    case = h.replied()

    feedback = handling.case_rate(actor=h.bob, reply=case.replies.get(), rating=Rating.SATISFIED, comment="很满意")

    assert (feedback.rating, feedback.comment, feedback.created_by) == (Rating.SATISFIED, "很满意", h.bob)
    case.refresh_from_db()
    assert (case.status, case.rating, case.due_date, case.round) == (CaseStatus.CLOSED, Rating.SATISFIED, None, 1)
    assert case.closed_at is not None
    assert f"Item closed: {TITLE}" in titles_for(h.carol)
    assert f"Item closed: {TITLE}" not in titles_for(h.bob)  # the one who acted is not told


def test_unsatisfied_rating_reopens_the_item_for_a_second_round(h, clock):
    case = h.replied()
    clock.move_to(add(clock.start, 4))

    handling.case_rate(actor=h.bob, reply=case.replies.get(), rating=Rating.UNSATISFIED, comment="拥堵依旧")

    assert state(case) == (CaseStatus.HANDLING, 2, add(clock.today, 10))
    assert case.replied_at is None
    assert sorted(Assignment.objects.filter(case=case).values_list("round", "status", "due_date")) == [
        (1, AssignmentStatus.REPLIED, add(clock.start, 10)),
        (2, AssignmentStatus.ASSIGNED, add(clock.today, 10)),
    ]
    assert AuditEntry.objects.get(action="case.reopen").note == (
        "Unsatisfied rating: handled again (round 2 of at most 2).")
    reopened = Notification.objects.get(recipient=h.carol, title=f"Item returned for re-handling: {TITLE}")
    assert reopened.body == "拥堵依旧"


def test_unsatisfied_rating_at_the_last_round_closes_the_item_unsatisfied(h):
    case = h.replied()
    handling.case_rate(actor=h.bob, reply=case.replies.get(), rating=Rating.UNSATISFIED, comment="拥堵依旧")
    case.refresh_from_db()
    handling.assignment_reply(actor=h.carol, assignment=h.open_assignment(case, h.dept_a), text="第二次答复")
    second = Reply.objects.get(case=case, round=2)

    handling.case_rate(actor=h.bob, reply=second, rating=Rating.UNSATISFIED, comment="仍未解决")

    case.refresh_from_db()
    assert (case.status, case.round, case.rating) == (CaseStatus.CLOSED, 2, Rating.UNSATISFIED)
    assert list(Feedback.objects.filter(case=case).values_list("rating", flat=True)) == [Rating.UNSATISFIED] * 2


def test_unsatisfied_rating_needs_a_comment(h):
    case = h.replied()

    with pytest.raises(ValidationError) as caught:
        handling.case_rate(actor=h.bob, reply=case.replies.get(), rating=Rating.UNSATISFIED, comment="  ")

    assert caught.value.message_dict == {"comment": ["This field is required."]}
    assert state(case)[0] == CaseStatus.REPLIED


def test_no_rating_is_not_a_choice_for_the_member(h):
    case = h.replied()

    with pytest.raises(ValidationError) as caught:
        handling.case_rate(actor=h.bob, reply=case.replies.get(), rating=Rating.NONE)

    assert caught.value.message_dict == {"rating": ["Choose satisfied, basically satisfied or unsatisfied."]}


def test_a_reply_is_rated_once(h):
    case = h.replied()
    handling.case_rate(actor=h.bob, reply=case.replies.get(), rating=Rating.SATISFIED)

    with pytest.raises(Conflict) as caught:
        handling.case_rate(actor=h.bob, reply=case.replies.get(), rating=Rating.UNSATISFIED, comment="改主意了")

    assert caught.value.message == "This reply cannot be rated now."
    assert Feedback.objects.count() == 1


def test_co_handlers_opinion_is_not_rated(h):
    case, lead, co = lead_and_co(h)
    opinion = handling.assignment_reply(actor=h.jack, assignment=co, text="意见")
    handling.assignment_reply(actor=h.hank, assignment=lead, text="答复")

    with pytest.raises(Conflict):
        handling.case_rate(actor=h.bob, reply=opinion, rating=Rating.SATISFIED)


@pytest.mark.parametrize("role", ["cindy", "carol", "alice", "lily", "eve"])
def test_only_the_submitter_rates(h, role):
    case = h.replied(h.submit_routed(co_submitters=[h.cindy_seat]))

    with pytest.raises(PermissionDenied) as caught:
        handling.case_rate(actor=getattr(h, role), reply=case.replies.get(), rating=Rating.SATISFIED)

    assert str(caught.value) == "Only the member who submitted the item may rate the reply."
    assert Feedback.objects.count() == 0


def test_unrated_item_closes_with_no_rating_after_the_rating_period(h):
    case = h.replied()
    replied_on = timezone.localdate(case.replied_at)
    last_day = add(replied_on, 5)

    assert handling.sweep_unrated(now=last_day) == 0
    assert state(case)[0] == CaseStatus.REPLIED

    assert handling.sweep_unrated(now=last_day + dt.timedelta(days=1)) == 1
    case.refresh_from_db()
    assert (case.status, case.rating) == (CaseStatus.CLOSED, Rating.NONE)
    feedback = Feedback.objects.get(case=case)
    assert (feedback.rating, feedback.created_by) == (Rating.NONE, None)
    assert AuditEntry.objects.get(action="case.close").actor is None
    assert handling.sweep_unrated(now=last_day + dt.timedelta(days=2)) == 0


def test_unrated_sweep_keeps_a_rating_already_given_in_separate_handling(h):
    case, first, second = separate(h)
    handling.assignment_reply(actor=h.hank, assignment=first, text="卫健委答复")
    handling.assignment_reply(actor=h.jack, assignment=second, text="住建局答复")
    handling.case_rate(actor=h.bob, reply=Reply.objects.filter(case=case).earliest("id"), rating=Rating.SATISFIED)
    case.refresh_from_db()

    handling.sweep_unrated(now=add(timezone.localdate(case.replied_at), 6))

    case.refresh_from_db()
    assert (case.status, case.rating) == (CaseStatus.CLOSED, Rating.NONE)
    assert sorted(Feedback.objects.filter(case=case).values_list("rating", flat=True)) == [Rating.NONE, Rating.SATISFIED]


# --- reminders and escalation ----------------------------------------------------------------------------


LEVELS = ("reminder", "liaison", "head", "staff", "leader")


def sweep_twice(now: dt.date) -> dict[str, int]:
    """The sweep, and the sweep again: the second run must find nothing left to send."""
    first = handling.sweep_deadlines(now=now)
    counts = (Escalation.objects.count(), Notification.objects.count(), AuditEntry.objects.count())
    again = handling.sweep_deadlines(now=now)
    assert again == dict.fromkeys(LEVELS, 0)
    assert (Escalation.objects.count(), Notification.objects.count(), AuditEntry.objects.count()) == counts
    return {level: n for level, n in first.items() if n}


def notified(title: str) -> list[str]:
    return sorted(Notification.objects.filter(title=title).values_list("recipient__username", flat=True))


def test_deadline_sweep_reminds_then_escalates_each_level_exactly_once(h, clock):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)
    due = add(clock.start, 10)
    reminder, overdue = f"Reminder: due {due.isoformat()} — {TITLE}", f"Overdue since {due.isoformat()} — {TITLE}"

    assert sweep_twice(add(clock.start, 7)) == {}
    assert sweep_twice(add(clock.start, 8)) == {"reminder": 1}
    assert notified(reminder) == ["carol", "ivan"]
    assert sweep_twice(due) == {}
    assert sweep_twice(add(due, 1)) == {"liaison": 1}
    assert notified(overdue) == ["carol", "ivan"]
    assert sweep_twice(add(due, 2)) == {"head": 1}
    assert notified(overdue) == ["carol", "ivan", "ivan"]
    assert sweep_twice(add(due, 4)) == {}
    assert sweep_twice(add(due, 5)) == {"staff": 1}
    assert notified(overdue) == ["alice", "carol", "fiona", "ivan", "ivan"]
    assert sweep_twice(add(due, 10)) == {"leader": 1}
    assert notified(overdue) == ["alice", "carol", "fiona", "ivan", "ivan", "lily"]
    assert sweep_twice(add(due, 30)) == {}

    assert list(Escalation.objects.filter(assignment=assignment).values_list("level", "round", "due_date")) == [
        (level, 1, due) for level in LEVELS]
    assert list(Notification.objects.filter(title=overdue, recipient=h.lily).values_list("body", flat=True)) == [
        "甲市教育局, Overdue: supervising leader."]
    assert AuditEntry.objects.filter(action="case.escalate", target_id=case.pk).count() == 4


def test_a_late_first_sweep_sends_every_overdue_level_once_and_no_reminder(h, clock):
    h.submit_routed()
    due = add(clock.start, 10)

    assert sweep_twice(add(due, 12)) == {"liaison": 1, "head": 1, "staff": 1, "leader": 1}
    assert Escalation.objects.filter(level="reminder").count() == 0


def test_supervising_follower_receives_the_leader_escalation_and_followers_hear_of_overdue(h, clock):
    case = h.submit_routed()
    handling.case_follow(actor=h.cindy, case=case, kind=FollowKind.SUPERVISE)
    due = add(clock.start, 10)
    overdue = f"Overdue since {due.isoformat()} — {TITLE}"

    sweep_twice(add(clock.start, 8))
    sweep_twice(add(due, 10))

    assert Notification.objects.filter(recipient=h.cindy, title__startswith="Reminder").count() == 0
    # as a follower of every overdue level, and once more as the supervisor of the leader level
    assert notified(overdue).count("cindy") == 4
    assert "lily" not in notified(overdue)


def test_sweep_leaves_replied_and_closed_items_alone(h, clock):
    replied = h.replied()
    closed = h.replied(h.submit_routed("学校操场开放", "建议周末向社区居民开放学校操场，供居民锻炼身体。"))
    handling.case_rate(actor=h.bob, reply=closed.replies.get(), rating=Rating.SATISFIED)

    assert sweep_twice(add(clock.start, 30)) == {}
    assert (state(replied)[0], state(closed)[0]) == (CaseStatus.REPLIED, CaseStatus.CLOSED)


def test_round_two_is_reminded_and_escalated_afresh(h, clock):
    case = h.replied()
    handling.sweep_deadlines(now=add(clock.start, 4))
    clock.move_to(add(clock.start, 5))  # the last day of the rating window
    handling.case_rate(actor=h.bob, reply=case.replies.get(), rating=Rating.UNSATISFIED, comment="拥堵依旧")

    assert sweep_twice(add(clock.today, 8)) == {"reminder": 1}
    assert sorted(Escalation.objects.values_list("round", "level")) == [(2, "reminder")]


# --- the working-day calendar ---------------------------------------------------------------------------


def test_new_holiday_inside_an_open_deadline_moves_it_by_one_working_day(
        h, alice, clock, django_capture_on_commit_callbacks):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)
    old_due = assignment.due_date
    holiday = add(clock.start, 3)

    with django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_day_set(actor=alice, date=holiday, kind="holiday", name="临时放假")

    assignment.refresh_from_db()
    assert not workdays.is_workday(holiday)
    assert assignment.due_date == add(old_due, 1) == add(clock.start, 10)
    assert workdays.workdays_between(old_due, assignment.due_date) == 1
    assert state(case)[2] == assignment.due_date
    assert assignment.deadline_log[-1]["event"] == "working-day calendar changed"
    assert assignment.deadline_log[-1]["due"] == assignment.due_date.isoformat()


def test_make_up_workday_inside_an_open_deadline_brings_it_one_working_day_earlier(
        h, alice, clock, django_capture_on_commit_callbacks):
    case = h.submit_routed()
    old_due = h.open_assignment(case, h.dept_a).due_date
    day_off = next(clock.start + dt.timedelta(days=n) for n in range(1, 30)
                   if (clock.start + dt.timedelta(days=n)).weekday() >= 5
                   and not workdays.is_workday(clock.start + dt.timedelta(days=n)))
    assert day_off < old_due

    with django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_day_set(actor=alice, date=day_off, kind="workday", name="调休上班")

    new_due = state(case)[2]
    assert new_due == add(clock.start, 10)
    assert workdays.workdays_between(new_due, old_due) == 1


def test_calendar_change_after_a_deadline_leaves_it_and_a_paused_deadline_is_left_alone(
        h, alice, clock, django_capture_on_commit_callbacks):
    case = h.submit_routed()
    paused = h.open_assignment(h.submit_routed("学校操场开放", "建议周末向社区居民开放学校操场，供居民锻炼身体。"), h.dept_a)
    handling.assignment_object(actor=h.carol, assignment=paused, reason="不属于我局职责")
    due = state(case)[2]

    with django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_day_set(actor=alice, date=add(due, 1), kind="holiday", name="临时放假")
        calendar.calendar_day_set(actor=alice, date=add(clock.start, 1), kind="holiday", name="临时放假")

    paused.refresh_from_db()
    assert paused.due_date == due  # paused: its remaining days count from when it resumes
    assert state(case)[2] == add(clock.start, 10)


# --- who may take the department's steps --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hank", "dave", "bob", "eve", "alice", "lily"])
def test_only_the_departments_liaisons_accept_or_reply(h, role):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)
    actor = getattr(h, role)
    message = "Only the liaison officers of 甲市教育局 may do this."

    with pytest.raises(PermissionDenied) as accept:
        handling.assignment_accept(actor=actor, assignment=assignment)
    with pytest.raises(PermissionDenied) as reply:
        handling.assignment_reply(actor=actor, assignment=assignment, text="代为答复")
    with pytest.raises(PermissionDenied) as objection:
        handling.assignment_object(actor=actor, assignment=assignment, reason="代为申退")
    with pytest.raises(PermissionDenied) as extension:
        handling.extension_request(actor=actor, assignment=assignment, workdays_requested=2, reason="代为延期")

    assert [str(e.value) for e in (accept, reply, objection, extension)] == [message] * 4
    assignment.refresh_from_db()
    assert (assignment.status, Reply.objects.count(), ObjectionRequest.objects.count(),
            ExtensionRequest.objects.count()) == (AssignmentStatus.ASSIGNED, 0, 0, 0)


def test_every_liaison_of_the_department_and_the_superuser_may_act(h, root):
    first = h.open_assignment(h.submit_routed(), h.dept_a)
    second = h.open_assignment(h.submit_routed("学校操场开放", "建议周末向社区居民开放学校操场，供居民锻炼身体。"), h.dept_a)

    handling.assignment_accept(actor=h.ivan, assignment=first)
    handling.assignment_accept(actor=root, assignment=second)

    assert sorted(Assignment.objects.values_list("status", flat=True)) == [AssignmentStatus.ACCEPTED] * 2


def test_liaison_of_a_withdrawn_assignment_can_no_longer_act(h, alice):
    case = h.submit_routed()
    assignment = h.open_assignment(case, h.dept_a)
    handling.case_route(actor=alice, case=case, lead_department=h.dept_a2)

    with pytest.raises(Conflict) as caught:
        handling.assignment_reply(actor=h.carol, assignment=assignment, text="已处理")

    assert caught.value.message == "This assignment is Withdrawn by staff; that step is not possible now."


def test_follow_is_for_staff_leaders_and_members_of_the_committee(h):
    case = h.submit_routed()

    follow = handling.case_follow(actor=h.lily, case=case, kind=FollowKind.SUPERVISE)
    with pytest.raises(PermissionDenied):
        handling.case_follow(actor=h.carol, case=case)
    with pytest.raises(PermissionDenied):
        handling.case_follow(actor=h.ben, case=case)

    assert (follow.user, follow.kind) == (h.lily, FollowKind.SUPERVISE)
    assert case.follows.count() == 1


# --- rules added after the demo run: late ratings, contact dates, round two, follows --------------------


def test_rating_after_the_rating_period_is_refused_and_the_sweep_closes_it(h, clock):
    case = h.replied()
    clock.move_to(add(clock.start, 6))  # rating_workdays is 5

    with pytest.raises(Conflict) as caught:
        handling.case_rate(actor=h.bob, reply=case.replies.get(), rating=Rating.SATISFIED)

    assert caught.value.message == (
        f"Ratings were due by {add(clock.start, 5).isoformat()}; the item closes without a rating.")
    assert Feedback.objects.count() == 0


def test_contact_cannot_predate_the_assignment(h):
    assignment = h.open_assignment(h.submit_routed(), h.dept_a)
    assigned_on = timezone.localdate(assignment.assigned_at)

    with pytest.raises(ValidationError) as caught:
        handling.contact_record(actor=h.carol, assignment=assignment, method="letter",
                                contacted_on=assigned_on - dt.timedelta(days=1))

    assert caught.value.message_dict == {
        "contacted_on": [f"The item was assigned on {assigned_on.isoformat()}; the contact cannot be earlier."]}
    assert ContactRecord.objects.count() == 0


def test_re_handling_after_an_unsatisfied_rating_cannot_be_returned(h, clock):
    case = h.replied()
    handling.case_rate(actor=h.bob, reply=case.replies.get(), rating=Rating.UNSATISFIED, comment="拥堵依旧")
    case.refresh_from_db()
    second = h.open_assignment(case, h.dept_a)

    with pytest.raises(Conflict) as caught:
        handling.assignment_object(actor=h.carol, assignment=second, reason="不属于本单位职责")

    assert second.objection_until is None
    assert caught.value.message == (
        "This item is being handled again after the member's rating; it cannot be returned.")
    assert ObjectionRequest.objects.count() == 0


def test_following_again_with_the_same_kind_adds_no_timeline_entry(h):
    case = h.submit_routed()

    handling.case_follow(actor=h.lily, case=case, kind=FollowKind.SUPERVISE)
    handling.case_follow(actor=h.lily, case=case, kind=FollowKind.SUPERVISE)
    handling.case_follow(actor=h.lily, case=case, kind=FollowKind.LEAD)

    assert list(AuditEntry.objects.filter(action="case.follow").order_by("id").values_list("note", flat=True)) == [
        "Supervises (督办)", "Takes the lead (领办)"]


def test_lead_reply_ends_open_co_handling_assignments_and_empties_their_inbox(h):
    case, lead, co = lead_and_co(h)

    assert list(selectors.inbox_for(h.jack)) == [co]

    handling.assignment_reply(actor=h.hank, assignment=lead, text="已协调，医院挂号窗口下周起延长服务时间。")

    co.refresh_from_db()
    assert co.status == AssignmentStatus.WITHDRAWN
    assert state(case)[0] == CaseStatus.REPLIED
    assert list(selectors.inbox_for(h.jack)) == []


def test_followers_hear_of_return_requests_and_their_decision(h):
    case = h.submit_routed()
    handling.case_follow(actor=h.lily, case=case, kind=FollowKind.SUPERVISE)
    assignment = h.open_assignment(case, h.dept_a)

    objection = handling.assignment_object(actor=h.carol, assignment=assignment, reason="不属于本单位职责")
    handling.objection_decide(actor=h.alice, objection=objection, approve=False, note="属于教育局职责")

    assert list(Notification.objects.filter(recipient=h.lily).order_by("id").values_list("title", flat=True)) == [
        f"{h.dept_a} asks to return an item", f"Return rejected: {case.title}"]
