"""A filed proposal on the shared handling engine: the proposal policy's numbers (return
window of 5 working days, 60 to reply, 20 for co-handlers' opinions, extensions up to 60 more),
result categories A/B/C (D by policy; micro-suggestions report none), re-handling after an
unsatisfied rating, escalation to the supervising leaders of a key proposal, staff review of
replies, and progress notes "from replied to implemented".

Proposals are filed by alice; 甲市住房和城乡建设局 (jack) leads, 甲市卫生健康委员会 (hank)
co-handles or handles separately. ``clock.start`` is the day of filing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cppcc_portal.core import workdays
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import Notification
from members.choices import CommitteeRoleKind
from proposals.choices import (
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    FollowKind,
    Rating,
    ReplyReview,
    RequestStatus,
)
from proposals.models import Assignment, Case, Escalation, Follow, ProgressNote, Reply
from proposals.services import config, handling, proposals
from tests.factories import CommitteeRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

TITLE = "No. 0001 关于加快推进城区老旧小区加装电梯的建议"
NOT_HANDLED_NOW = "This item is not being handled by your department now."


def add(day: dt.date, n: int) -> dt.date:
    return workdays.add_workdays(day, n)


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


def case_of(proposal) -> Case:
    return Case.objects.get(pk=proposal.case_id)


def assignment(proposal, department, round_: int = 1) -> Assignment:
    return Assignment.objects.get(case_id=proposal.case_id, department=department, round=round_,
                                  status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED,
                                              AssignmentStatus.OBJECTING])


def single(pp):
    proposal = pp.filed(lead=pp.dept_a3)
    return proposal, assignment(proposal, pp.dept_a3)


def replied(pp, result: str = "B"):
    proposal, lead = single(pp)
    reply = handling.assignment_reply(actor=pp.jack, assignment=lead, text="已列入明年城市更新计划。", result_category=result)
    return proposal, lead, reply


# --- return requests (申退) -------------------------------------------------------------------------


def test_a_unit_asks_to_return_within_five_working_days_and_staff_reassign(pp, clock):
    proposal, lead = single(pp)
    assert lead.objection_until == add(clock.start, 5)
    clock.move_to(add(clock.start, 5))
    objection = handling.assignment_object(actor=pp.jack, assignment=lead, reason="电梯加装审批由卫健委以外的部门负责。",
                                           suggested_department=pp.dept_a2)
    lead.refresh_from_db()
    assert (lead.status, lead.paused_at) == (AssignmentStatus.OBJECTING, clock.today)

    handling.objection_decide(actor=pp.alice, objection=objection, approve=True, new_department=pp.dept_a2)
    objection.refresh_from_db()
    lead.refresh_from_db()
    new = assignment(proposal, pp.dept_a2)
    assert (objection.status, lead.status) == (RequestStatus.APPROVED, AssignmentStatus.RETURNED)
    assert (new.role, new.clock_workdays, new.due_date, new.objection_until) == (
        AssignmentRole.LEAD, 60, add(clock.today, 60), add(clock.today, 5))
    case = case_of(proposal)
    assert (case.status, case.due_date) == (CaseStatus.HANDLING, add(clock.today, 60))
    assert told(f"New item assigned: {TITLE}") == ["hank", "jack"]


def test_a_return_after_the_proposal_window_is_refused(pp, clock):
    _proposal, lead = single(pp)
    clock.move_to(add(clock.start, 6))
    assert conflict(handling.assignment_object, actor=pp.jack, assignment=lead, reason="不属于本单位职责。") == (
        f"A return could be requested until {add(clock.start, 5)}.")
    lead.refresh_from_db()
    assert (lead.status, lead.paused_at) == (AssignmentStatus.ASSIGNED, None)


def test_only_staff_decide_a_proposals_return_request(pp):
    _proposal, lead = single(pp)
    objection = handling.assignment_object(actor=pp.jack, assignment=lead, reason="不属于本单位职责。")
    for user in (pp.lily, pp.bob, pp.jack):
        assert denied(handling.objection_decide, actor=user, objection=objection, approve=True) == (
            "Only staff of this committee may decide a return request.")
    objection.refresh_from_db()
    assert objection.status == RequestStatus.PENDING


# --- extensions ------------------------------------------------------------------------------------


def test_extensions_are_approved_up_to_sixty_working_days_in_all(pp, clock):
    proposal, lead = single(pp)
    first = handling.extension_request(actor=pp.jack, assignment=lead, workdays_requested=40, reason="需协调财政资金。")
    handling.extension_decide(actor=pp.alice, extension=first, approve=True)
    lead.refresh_from_db()
    assert (lead.clock_workdays, lead.extended_workdays, lead.due_date) == (100, 40, add(clock.start, 100))
    assert case_of(proposal).due_date == add(clock.start, 100)

    assert invalid(handling.extension_request, actor=pp.jack, assignment=lead, workdays_requested=21,
                   reason="仍需协调。") == {
        "workdays": ["Extensions may add at most 60 working days in all; 40 are used."]}
    second = handling.extension_request(actor=pp.jack, assignment=lead, workdays_requested=20, reason="仍需协调。")
    handling.extension_decide(actor=pp.alice, extension=second, approve=True)
    lead.refresh_from_db()
    assert (lead.clock_workdays, lead.extended_workdays, lead.due_date) == (120, 60, add(clock.start, 120))
    assert invalid(handling.extension_request, actor=pp.jack, assignment=lead, workdays_requested=1,
                   reason="再延一天。") == {
        "workdays": ["Extensions may add at most 60 working days in all; 60 are used."]}


def test_a_refused_extension_keeps_the_three_month_deadline(pp, clock):
    _proposal, lead = single(pp)
    request = handling.extension_request(actor=pp.jack, assignment=lead, workdays_requested=10, reason="需协调。")
    handling.extension_decide(actor=pp.alice, extension=request, approve=False, note="请按期答复。")
    lead.refresh_from_db()
    assert (lead.clock_workdays, lead.extended_workdays, lead.due_date) == (60, 0, add(clock.start, 60))
    assert told(f"Extension refused: {TITLE}") == ["jack"]


# --- replies and result categories --------------------------------------------------------------------


def test_the_co_handler_sends_an_opinion_then_the_lead_unit_replies_with_a_result(pp):
    proposal = pp.filed(lead=pp.dept_a3, co=[pp.dept_a2])
    lead, co = assignment(proposal, pp.dept_a3), assignment(proposal, pp.dept_a2)
    assert invalid(handling.assignment_reply, actor=pp.hank, assignment=co, text="同意纳入计划。",
                   result_category="A") == {"result_category": ["Replies to this item report no result category."]}
    opinion = handling.assignment_reply(actor=pp.hank, assignment=co, text="建议纳入城市更新项目统筹。")
    assert (opinion.is_opinion, opinion.result_category, case_of(proposal).status) == (True, "", CaseStatus.HANDLING)
    assert told(f"甲市卫生健康委员会 sent its opinion on: {TITLE}") == ["jack"]

    assert invalid(handling.assignment_reply, actor=pp.jack, assignment=lead, text="已列入计划。") == {
        "result_category": ["Choose the result category: A、B、C."]}
    assert invalid(handling.assignment_reply, actor=pp.jack, assignment=lead, text="已列入计划。",
                   result_category="D") == {"result_category": ["Choose the result category: A、B、C."]}
    assert invalid(handling.assignment_reply, actor=pp.jack, assignment=lead, text="已列入计划。",
                   result_category="AB") == {"result_category": ["Choose the result category: A、B、C."]}
    lead.refresh_from_db()
    assert (lead.status, Reply.objects.count()) == (AssignmentStatus.ASSIGNED, 1)

    reply = handling.assignment_reply(actor=pp.jack, assignment=lead, text="已列入计划。", result_category="b",
                                      may_publish=True)
    case = case_of(proposal)
    assert (reply.result_category, reply.may_publish, reply.review_status) == ("B", True, ReplyReview.RELEASED)
    assert (case.status, case.result_category) == (CaseStatus.REPLIED, "B")
    assert told(f"甲市住房和城乡建设局 replied to your item: {TITLE}") == ["bob"]


def test_separate_units_each_reply_and_the_item_counts_as_the_least_solved(pp):
    proposal = pp.filed(lead=pp.dept_a3, co=[pp.dept_a2], mode="separate")
    first, second = assignment(proposal, pp.dept_a3), assignment(proposal, pp.dept_a2)
    handling.assignment_reply(actor=pp.jack, assignment=first, text="已解决。", result_category="A")
    case = case_of(proposal)
    assert (case.status, case.result_category) == (CaseStatus.HANDLING, "")
    handling.assignment_reply(actor=pp.hank, assignment=second, text="留作参考。", result_category="C")
    case = case_of(proposal)
    assert (case.status, case.result_category) == (CaseStatus.REPLIED, "C")
    assert told(f"甲市住房和城乡建设局 replied to your item: {TITLE}") == ["bob"]
    assert told(f"甲市卫生健康委员会 replied to your item: {TITLE}") == ["bob"]


def test_a_committee_may_add_result_category_d(pp):
    config.policy_set(actor=pp.alice, committee=pp.a, kind="proposal", result_categories="DCBA")
    _proposal, lead = single(pp)
    reply = handling.assignment_reply(actor=pp.jack, assignment=lead, text="因条件限制暂不能采纳。", result_category="D")
    assert (reply.result_category, case_of(_proposal).result_category) == ("D", "D")


def test_micro_suggestion_replies_report_no_result_category(pp):
    case = pp.submit_routed()
    lead = pp.open_assignment(case, pp.dept_a)
    assert invalid(handling.assignment_reply, actor=pp.carol, assignment=lead, text="已处理。", result_category="A") == {
        "result_category": ["Replies to this item report no result category."]}
    reply = handling.assignment_reply(actor=pp.carol, assignment=lead, text="已处理。")
    case.refresh_from_db()
    assert (reply.result_category, case.status, case.result_category) == ("", CaseStatus.REPLIED, "")


def test_an_unsatisfied_proposer_gets_a_second_round_with_a_new_reply(pp, clock):
    proposal, lead, reply = replied(pp, "C")
    assert invalid(handling.case_rate, actor=pp.bob, reply=reply, rating=Rating.UNSATISFIED) == {
        "comment": ["This field is required."]}
    handling.case_rate(actor=pp.bob, reply=reply, rating=Rating.UNSATISFIED, comment="答复未回应资金问题。")
    case = case_of(proposal)
    again = assignment(proposal, pp.dept_a3, round_=2)
    assert (case.status, case.round, case.replied_at) == (CaseStatus.HANDLING, 2, None)
    assert (again.role, again.clock_workdays, again.due_date, again.objection_until) == (
        AssignmentRole.LEAD, 60, add(clock.today, 60), None)
    assert told(f"Item returned for re-handling: {TITLE}") == ["jack"]
    assert conflict(handling.assignment_object, actor=pp.jack, assignment=again, reason="不属于本单位职责。") == (
        "This item is being handled again after the member's rating; it cannot be returned.")

    second = handling.assignment_reply(actor=pp.jack, assignment=again, text="已安排专项补贴。", result_category="A")
    case = case_of(proposal)
    assert (case.status, case.result_category, second.round) == (CaseStatus.REPLIED, "A", 2)
    handling.case_rate(actor=pp.bob, reply=second, rating=Rating.UNSATISFIED, comment="仍不满意。")
    case = case_of(proposal)
    assert (case.status, case.round, case.rating) == (CaseStatus.CLOSED, 2, Rating.UNSATISFIED)


def test_co_signers_are_told_of_the_reply_and_only_the_writer_rates(pp):
    draft = pp.draft(kind="joint")
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=draft, members=[pp.cindy_seat])
    proposals.cosign_respond(actor=pp.cindy, cosigner=invite, accept=True)
    proposals.proposal_submit(actor=pp.bob, proposal=draft)
    filed = proposals.proposal_file(actor=pp.alice, proposal=draft, lead_department=pp.dept_a3)
    reply = handling.assignment_reply(actor=pp.jack, assignment=assignment(filed, pp.dept_a3), text="已列入计划。",
                                      result_category="B")
    assert told(f"甲市住房和城乡建设局 replied to your item: {TITLE}") == ["bob", "cindy"]
    assert denied(handling.case_rate, actor=pp.cindy, reply=reply, rating=Rating.SATISFIED) == (
        "Only the member who submitted the item may rate the reply.")


# --- reminders and escalation ---------------------------------------------------------------------------


def test_the_leader_escalation_of_a_key_proposal_goes_to_its_supervising_leaders(pp, clock):
    leo = UserFactory(username="leo", full_name="李奥")
    CommitteeRoleFactory(user=leo, committee=pp.a, role=CommitteeRoleKind.LEADER)
    key, lead = single(pp)
    proposals.proposal_mark_key(actor=pp.alice, proposal=key, leaders=[pp.lily], plan="召开督办座谈会。")
    assert list(Follow.objects.filter(case_id=key.case_id).values_list("user__username", "kind")) == [
        ("lily", FollowKind.SUPERVISE)]
    due = add(clock.start, 60)
    overdue = f"Overdue since {due.isoformat()} — {TITLE}"

    assert handling.sweep_deadlines(now=add(clock.start, 50)) == {
        "reminder": 1, "liaison": 0, "head": 0, "staff": 0, "leader": 0}
    assert told(f"Reminder: due {due.isoformat()} — {TITLE}") == ["jack"]
    assert handling.sweep_deadlines(now=add(due, 19)) == {
        "reminder": 0, "liaison": 1, "head": 1, "staff": 1, "leader": 0}
    assert handling.sweep_deadlines(now=add(due, 20)) == {
        "reminder": 0, "liaison": 0, "head": 0, "staff": 0, "leader": 1}
    assert list(Escalation.objects.filter(assignment=lead).values_list("level", flat=True)) == [
        "reminder", "liaison", "head", "staff", "leader"]
    leader_bodies = Notification.objects.filter(title=overdue, body="甲市住房和城乡建设局, Overdue: supervising leader.")
    assert sorted(leader_bodies.values_list("recipient__username", flat=True)) == ["lily"]
    assert Notification.objects.filter(recipient=leo).count() == 0


def test_without_supervising_leaders_the_leader_escalation_goes_to_every_leader(pp, clock):
    leo = UserFactory(username="leo", full_name="李奥")
    CommitteeRoleFactory(user=leo, committee=pp.a, role=CommitteeRoleKind.LEADER)
    _proposal, _lead = single(pp)
    due = add(clock.start, 60)
    handling.sweep_deadlines(now=add(due, 20))
    leader_bodies = Notification.objects.filter(body="甲市住房和城乡建设局, Overdue: supervising leader.")
    assert sorted(leader_bodies.values_list("recipient__username", flat=True)) == ["leo", "lily"]


# --- staff review of replies ------------------------------------------------------------------------------


@pytest.fixture
def reviewed(pp):
    config.policy_set(actor=pp.alice, committee=pp.a, kind="proposal", review_replies=True)
    return pp


def test_a_reply_awaiting_review_is_held_from_the_proposer(reviewed):
    pp = reviewed
    proposal, lead = single(pp)
    reply = handling.assignment_reply(actor=pp.jack, assignment=lead, text="已研究。", result_category="C")
    case = case_of(proposal)
    assert (reply.review_status, case.status, case.replied_at) == (ReplyReview.PENDING, CaseStatus.HANDLING, None)
    assert told(f"A reply awaits your review: {TITLE}") == ["alice", "fiona"]
    assert Notification.objects.filter(recipient=pp.bob, title__contains="replied").count() == 0
    assert conflict(handling.case_rate, actor=pp.bob, reply=reply, rating=Rating.SATISFIED) == (
        "This reply cannot be rated now.")
    for user in (pp.jack, pp.lily, pp.bob):
        assert denied(handling.reply_review, actor=user, reply=reply, approve=True) == (
            "Only staff of this committee may review replies.")


def test_a_returned_reply_is_written_again_and_the_released_one_replies(reviewed, clock):
    pp = reviewed
    proposal, lead = single(pp)
    reply = handling.assignment_reply(actor=pp.jack, assignment=lead, text="已研究。", result_category="C")
    assert invalid(handling.reply_review, actor=pp.alice, reply=reply, approve=False) == {
        "note": ["This field is required."]}
    handling.reply_review(actor=pp.alice, reply=reply, approve=False, note="请补充具体措施。")
    reply.refresh_from_db()
    lead.refresh_from_db()
    assert (reply.review_status, reply.reviewed_by, reply.review_note) == (
        ReplyReview.RETURNED, pp.alice, "请补充具体措施。")
    assert (lead.status, lead.replied_at, lead.due_date) == (AssignmentStatus.ACCEPTED, None, add(clock.start, 60))
    assert told(f"Your reply was returned for revision: {TITLE}") == ["jack"]
    assert conflict(handling.reply_review, actor=pp.alice, reply=reply, approve=True) == (
        "This reply is not waiting for review.")

    second = handling.assignment_reply(actor=pp.jack, assignment=lead, text="已研究，补充措施如下。", result_category="B")
    assert case_of(proposal).status == CaseStatus.HANDLING
    handling.reply_review(actor=pp.alice, reply=second, approve=True)
    case = case_of(proposal)
    assert (case.status, case.result_category) == (CaseStatus.REPLIED, "B")
    assert told(f"甲市住房和城乡建设局 replied to your item: {TITLE}") == ["bob"]
    assert handling.case_rate(actor=pp.bob, reply=second, rating=Rating.SATISFIED).rating == Rating.SATISFIED
    assert list(Reply.objects.order_by("id").values_list("review_status", flat=True)) == [
        ReplyReview.RETURNED, ReplyReview.RELEASED]


def test_in_separate_handling_the_item_waits_for_every_reply_to_be_released(reviewed):
    pp = reviewed
    proposal = pp.filed(lead=pp.dept_a3, co=[pp.dept_a2], mode="separate")
    first = handling.assignment_reply(actor=pp.jack, assignment=assignment(proposal, pp.dept_a3), text="已解决。",
                                      result_category="A")
    second = handling.assignment_reply(actor=pp.hank, assignment=assignment(proposal, pp.dept_a2), text="已列入计划。",
                                       result_category="B")
    handling.reply_review(actor=pp.alice, reply=first, approve=True)
    assert case_of(proposal).status == CaseStatus.HANDLING
    handling.reply_review(actor=pp.alice, reply=second, approve=True)
    case = case_of(proposal)
    assert (case.status, case.result_category) == (CaseStatus.REPLIED, "B")


# --- progress notes ("from replied to implemented") -----------------------------------------------------------


def test_progress_is_recorded_only_after_the_reply(pp, clock):
    proposal, _lead = single(pp)
    assert conflict(handling.progress_note_add, actor=pp.alice, case=case_of(proposal), noted_on=clock.today,
                    text="已开工。") == "Progress is recorded after the reply."
    assert ProgressNote.objects.count() == 0


def test_progress_is_added_by_staff_or_a_department_that_handled_the_item(pp, clock):
    proposal = pp.filed(lead=pp.dept_a3, co=[pp.dept_a2])
    handling.assignment_reply(actor=pp.jack, assignment=assignment(proposal, pp.dept_a3), text="已列入计划。",
                              result_category="B")
    case = case_of(proposal)
    message = "Only committee staff or a department that handled this item may add progress."
    # hank's co-handling ended unanswered when the lead unit replied.
    for user in (pp.bob, pp.lily, pp.carol, pp.dave, pp.hank):
        assert denied(handling.progress_note_add, actor=user, case=case, noted_on=clock.today, text="已开工。") == message
    by_unit = handling.progress_note_add(actor=pp.jack, case=case, noted_on=clock.today, text="已完成10栋加装。")
    by_staff = handling.progress_note_add(actor=pp.alice, case=case, noted_on=clock.today, text="委员视察进度。")
    assert [(n.department, n.created_by, n.implemented) for n in (by_unit, by_staff)] == [
        (pp.dept_a3, pp.jack, False), (None, pp.alice, False)]
    assert told(f"Progress on: {TITLE}") == ["alice", "bob", "bob", "fiona", "fiona"]


def test_progress_dates_lie_between_the_reply_and_today(pp, clock):
    proposal, _lead, _reply = replied(pp)
    case = case_of(proposal)
    assert invalid(handling.progress_note_add, actor=pp.jack, case=case, noted_on=clock.today + dt.timedelta(days=1),
                   text="已开工。") == {"noted_on": ["The date cannot be in the future."]}
    before = clock.today - dt.timedelta(days=1)
    assert invalid(handling.progress_note_add, actor=pp.jack, case=case, noted_on=before, text="已开工。") == {
        "noted_on": [f"The reply was given on {clock.today}; progress cannot be earlier."]}
    assert invalid(handling.progress_note_add, actor=pp.jack, case=case, noted_on=clock.today, text=" ") == {
        "text": ["This field is required."]}
    assert ProgressNote.objects.count() == 0


def test_implemented_is_recorded_once_and_closes_the_follow_up(pp, clock):
    proposal, _lead, reply = replied(pp)
    handling.case_rate(actor=pp.bob, reply=reply, rating=Rating.SATISFIED)
    case = case_of(proposal)
    assert case.status == CaseStatus.CLOSED
    note = handling.progress_note_add(actor=pp.jack, case=case, noted_on=clock.today, text="全部完成。", implemented=True)
    assert (note.implemented, case_of(proposal).implemented_on) == (True, clock.today)
    assert told(f"Implemented: {TITLE}") == ["alice", "bob", "fiona"]
    message = f"This item was recorded implemented on {clock.today}."
    assert conflict(handling.progress_note_add, actor=pp.alice, case=case, noted_on=clock.today, text="再次完成。",
                    implemented=True) == message
    assert conflict(handling.progress_note_add, actor=pp.jack, case=case, noted_on=clock.today, text="补充。") == message
    assert (ProgressNote.objects.count(), case_of(proposal).implemented_on) == (1, clock.today)
