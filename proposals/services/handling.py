"""The handling engine: one set of rules for every item the committee hands to departments
(micro-suggestions now; proposals and information items reuse it unchanged).

Every service locks the case row (``select_for_update``) so concurrent steps serialise, checks
the transition tables in choices.py, writes the item's timeline (the platform audit log, with
who, when and why), and queues notifications after commit. Deadlines are columns computed in
working days; periodic sweeps (``sweep``) find what is due. No countdowns, no ETAs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import audit, outbox, workdays
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.notifications import notify
from members.choices import CommitteeRoleKind
from members.duty import duty_touch
from members.models import Department
from members.selectors import committee_role_users, department_users, scope_for

from ..choices import (
    ASSIGNMENT_TRANSITIONS,
    CASE_TRANSITIONS,
    ESCALATION_ORDER,
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    CaseKind,
    CaseStatus,
    EscalationLevel,
    FollowKind,
    HandlingMode,
    Rating,
    ReplyReview,
    RequestStatus,
    RoutingMethod,
)
from ..models import (
    Assignment,
    Case,
    CaseAttachment,
    ContactRecord,
    Escalation,
    ExtensionRequest,
    Feedback,
    Follow,
    HandlingPolicy,
    ObjectionRequest,
    ProgressNote,
    Reply,
    RoutingDecision,
)
from ..rules import can_act_for_department, can_handle_staff, is_case_submitter
from ..selectors import handling_department_ids
from . import routing

CASE_URLS = {
    CaseKind.MICRO_SUGGESTION: "/micro-suggestions/{id}/",
    CaseKind.PROPOSAL: "/proposals/handling/{id}/",
    CaseKind.INFORMATION: "/information/handling/{id}/",
}
MAX_TEXT = 10000


def case_url(case: Case) -> str:
    return CASE_URLS.get(case.kind, "/cases/{id}/").format(id=case.pk)


def today() -> dt.date:
    return timezone.localdate()


# --- policy ---------------------------------------------------------------------------------


def policy_for(case: Case) -> HandlingPolicy:
    """The most specific policy: the case's category, else the kind's default, else built-in."""
    policies = list(
        HandlingPolicy.objects.filter(committee_id=case.committee_id, kind=case.kind).filter(
            Q(category__isnull=True) | Q(category_id=case.category_id)
        )
    )
    for policy in policies:
        if policy.category_id and policy.category_id == case.category_id:
            return policy
    return policies[0] if policies else HandlingPolicy.builtin(committee_id=case.committee_id, kind=case.kind)


# --- small shared steps --------------------------------------------------------------------------


def _lock(case: Case) -> Case:
    """Re-read ``case`` under a row lock; every step below starts here."""
    return Case.objects.select_for_update().get(pk=case.pk)


def _move(case: Case, to: str) -> None:
    if to not in CASE_TRANSITIONS[case.status]:
        raise Conflict(_("This item is %(state)s; that step is not possible now.") % {"state": case.get_status_display()})
    case.status = to


def _move_assignment(assignment: Assignment, to: str) -> None:
    if to not in ASSIGNMENT_TRANSITIONS[assignment.status]:
        raise Conflict(_("This assignment is %(state)s; that step is not possible now.")
                       % {"state": assignment.get_status_display()})
    assignment.status = to


def _text(value: str, field: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return value


def _log(case: Case, *, actor, action: str, note: str = "", changes: dict | None = None) -> None:
    audit.record(actor=actor, action=action, target=case, note=note, changes=changes)


def _followers(case: Case) -> list:
    return [f.user for f in case.follows.select_related("user")]


def _submitters(case: Case) -> list:
    users = [case.submitted_by]
    users += [m.user for m in case.co_submitters.select_related("user")]
    return users


def _staff(case: Case) -> list:
    return list(committee_role_users(case.committee, CommitteeRoleKind.STAFF))


def _tell(case: Case, users: Iterable, title: str, body: str = "", *, actor=None, followers: bool = True) -> None:
    """Notify ``users`` and the case's followers (who hear of every step), never the person
    who acted. ``followers=False`` only where the followers get the same step in another
    message (the departments' own "new item" notice beside the submitter's "assigned to")."""
    recipients = list(users) + (_followers(case) if followers else [])
    actor_pk = getattr(actor, "pk", None)
    notify(
        recipients=[u for u in recipients if u is not None and u.pk != actor_pk],
        title=title, body=body, url=case_url(case), kind=f"case.{case.kind}",
    )


# --- deadlines ------------------------------------------------------------------------------


def _touch_duty(case: Case) -> None:
    """The submitters' duty record changes with the item (members.duty)."""
    if case.kind == CaseKind.MICRO_SUGGESTION and case.submitter_id:
        duty_touch(member_ids=[case.submitter_id, *case.co_submitters.values_list("pk", flat=True)])


def _start_clock(assignment: Assignment, start: dt.date, workdays_allowed: int, event: str) -> None:
    assignment.clock_start = start
    assignment.clock_workdays = workdays_allowed
    assignment.paused_at = None
    _recompute_due(assignment, event)


def _recompute_due(assignment: Assignment, event: str) -> None:
    explanation = workdays.explain_workdays(assignment.clock_start, assignment.clock_workdays)
    assignment.due_date = explanation.due
    assignment.deadline_log = [*assignment.deadline_log, {
        "on": today().isoformat(), "event": event, "from": assignment.clock_start.isoformat(),
        "workdays": assignment.clock_workdays, "due": explanation.due.isoformat(), "explanation": explanation.summary(),
    }]


def _pause_clock(assignment: Assignment, event: str) -> None:
    now = today()
    used = max(workdays.workdays_between(assignment.clock_start, now), 0)
    remaining = max(assignment.clock_workdays - used, 0)
    assignment.clock_start, assignment.clock_workdays, assignment.paused_at = now, remaining, now
    assignment.deadline_log = [*assignment.deadline_log, {
        "on": now.isoformat(), "event": event, "remaining": remaining,
        "explanation": _("Deadline paused with %(n)d working days left.") % {"n": remaining},
    }]


def _resume_clock(assignment: Assignment, event: str) -> None:
    _start_clock(assignment, today(), assignment.clock_workdays, event)


def _refresh_case_due(case: Case) -> None:
    dues = [
        a.due_date for a in case.assignments.filter(
            round=case.round, status__in=OPEN_ASSIGNMENT_STATUSES, role__in=[AssignmentRole.LEAD, AssignmentRole.SEPARATE]
        ).only("due_date")
        if a.due_date
    ]
    case.due_date = min(dues) if dues else None


def recompute_open_deadlines(from_date: dt.date) -> int:
    """The calendar changed on ``from_date``: move the deadlines it affects (registered with the
    platform calendar in apps.py)."""
    moved = 0
    open_assignments = Assignment.objects.filter(
        status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED], paused_at__isnull=True,
        due_date__gte=from_date,
    )
    for pk, case_id in list(open_assignments.values_list("pk", "case_id")):
        with transaction.atomic():
            # The case first, then the assignment: the order every other step locks in.
            case = Case.objects.select_for_update().get(pk=case_id)
            assignment = Assignment.objects.select_for_update().get(pk=pk)
            if assignment.status not in (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED) or assignment.paused_at:
                continue
            due = workdays.add_workdays(assignment.clock_start, assignment.clock_workdays)
            if due != assignment.due_date:
                _recompute_due(assignment, _("working-day calendar changed"))
                assignment.save(update_fields=["due_date", "deadline_log"])
                _refresh_case_due(case)
                case.save(update_fields=["due_date", "updated_at"])
                moved += 1
    return moved


# --- routing --------------------------------------------------------------------------------


def _new_assignment(case: Case, department: Department, role: str, policy: HandlingPolicy, *,
                    may_return: bool = True) -> Assignment:
    """``may_return=False`` for re-handling after an unsatisfied rating: the department
    accepted the item in an earlier round and cannot ask to return it now."""
    start = today()
    allowed = policy.co_opinion_workdays if role == AssignmentRole.CO else policy.reply_workdays
    assignment = Assignment(case=case, department=department, role=role, round=case.round, assigned_at=timezone.now(),
                            objection_until=workdays.add_workdays(start, policy.objection_workdays) if may_return else None)
    _start_clock(assignment, start, allowed, _("assigned"))
    assignment.save()
    return assignment


def _check_departments(case: Case, lead: Department, co: list[Department]) -> None:
    if lead is None:
        raise ValidationError({"lead_department": _("Choose the lead department.")})
    for department in [lead, *co]:
        if department.committee_id != case.committee_id or not department.is_active:
            raise ValidationError({"lead_department": _("%(d)s is not an active department of this committee.") % {"d": department}})
    if lead in co:
        raise ValidationError({"co_departments": _("The lead department cannot also be a co-handling department.")})
    if len(set(co)) != len(co):
        raise ValidationError({"co_departments": _("A department is listed twice.")})


def _assign(case: Case, *, actor, lead: Department, co: list[Department], mode: str | None, method: str,
            reason: str, rule=None, score: float | None = None, candidates: list | None = None) -> Case:
    """Assign ``case`` (locked) to departments; withdraws the open assignments of the round."""
    _check_departments(case, lead, co)
    mode = mode or (HandlingMode.LEAD if co else HandlingMode.SINGLE)
    if mode not in HandlingMode.values:
        raise ValidationError({"handling_mode": _("Choose a handling mode.")})
    if mode == HandlingMode.SINGLE and co:
        raise ValidationError({"co_departments": _("Single handling has no co-handling departments.")})
    previous_status = case.status
    _move(case, CaseStatus.HANDLING)
    policy = policy_for(case)
    for old in case.assignments.filter(round=case.round, status__in=OPEN_ASSIGNMENT_STATUSES):
        old.status = AssignmentStatus.WITHDRAWN
        old.save(update_fields=["status"])
    role_of_co = AssignmentRole.SEPARATE if mode == HandlingMode.SEPARATE else AssignmentRole.CO
    lead_role = AssignmentRole.SEPARATE if mode == HandlingMode.SEPARATE else AssignmentRole.LEAD
    created = [_new_assignment(case, lead, lead_role, policy)]
    created += [_new_assignment(case, d, role_of_co, policy) for d in co]
    case.handling_mode = mode
    case.routed_at = case.routed_at or timezone.now()
    _refresh_case_due(case)
    case.save()
    decision = RoutingDecision.objects.create(
        case=case, round=case.round, method=method, rule=rule, lead_department=lead, score=score,
        candidates=[c.__dict__ if hasattr(c, "__dict__") else c for c in (candidates or [])],
        reason=reason, decided_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    decision.co_departments.set(co)
    if method in (RoutingMethod.RULE, RoutingMethod.MANUAL):
        routing.learn(case, lead)
    names = "、".join(str(d) for d in [lead, *co])
    _log(case, actor=actor, action="case.route" if previous_status != CaseStatus.HANDLING else "case.reroute",
         note=reason, changes={"status": {"before": previous_status, "after": case.status},
                               "departments": {"before": None, "after": names}})
    for assignment in created:
        _tell(case, department_users(assignment.department),
              _("New item assigned: %(t)s") % {"t": case.title},
              _("%(role)s, due %(due)s.") % {"role": assignment.get_role_display(), "due": assignment.due_date},
              actor=actor, followers=False)
    _tell(case, _submitters(case), _("Your item has been assigned to %(d)s") % {"d": names}, reason, actor=actor)
    return case


def case_route(*, actor, case: Case, lead_department: Department, co_departments: Iterable[Department] = (),
               handling_mode: str | None = None, reason: str = "") -> Case:
    """Staff route (or re-route) an item by hand.

    Side effects: open assignments of the round withdrawn, new assignments with deadlines, a
    routing decision, the learned model updated, timeline entry, notifications.
    """
    if not can_handle_staff(actor, case):
        raise PermissionDenied(_("Only staff of this committee may route this item."))
    reason = _text(reason, "reason", required=False, max_length=1000) or _("Routed by committee staff.")
    with transaction.atomic():
        case = _lock(case)
        if case.status not in (CaseStatus.ROUTING, CaseStatus.TRIAGE, CaseStatus.HANDLING):
            raise Conflict(_("This item is %(state)s; it can no longer be routed.") % {"state": case.get_status_display()})
        return _assign(case, actor=actor, lead=lead_department, co=list(co_departments), mode=handling_mode,
                       method=RoutingMethod.MANUAL, reason=reason)


def case_route_automatically(*, case_id: int, outbox_id: int | None = None) -> Case | None:
    """The routing worker's service: rule, else confident recommendation, else triage.

    Idempotent: a case no longer waiting for routing is left alone, so a redelivered message
    changes nothing. The outbox message is marked done in the same transaction.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.status != CaseStatus.ROUTING:
            outbox.mark_done(outbox_id)
            return case
        proposal = routing.propose(case, threshold=policy_for(case).routing_confidence)
        if proposal.method in ("rule", "learned"):
            _assign(case, actor=None, lead=proposal.lead, co=proposal.co, mode=None, method=proposal.method,
                    reason=proposal.reason, rule=proposal.rule, score=proposal.score, candidates=proposal.candidates)
        else:
            _move(case, CaseStatus.TRIAGE)
            case.save(update_fields=["status", "updated_at"])
            RoutingDecision.objects.create(case=case, round=case.round, method=RoutingMethod.TRIAGE,
                                           score=proposal.score, candidates=[c.__dict__ for c in proposal.candidates],
                                           reason=proposal.reason)
            _log(case, actor=None, action="case.triage", note=proposal.reason,
                 changes={"status": {"before": CaseStatus.ROUTING, "after": CaseStatus.TRIAGE}})
            _tell(case, _staff(case), _("An item awaits triage: %(t)s") % {"t": case.title}, proposal.reason,
                  followers=True)
        outbox.mark_done(outbox_id)
        return case


# --- the department's steps ---------------------------------------------------------------------


def _lock_assignment(actor, assignment: Assignment) -> tuple[Case, Assignment]:
    if not can_act_for_department(actor, assignment):
        raise PermissionDenied(_("Only the liaison officers of %(d)s may do this.") % {"d": assignment.department})
    case = _lock(assignment.case)
    assignment = Assignment.objects.select_for_update().select_related("department").get(pk=assignment.pk)
    if case.status != CaseStatus.HANDLING or assignment.round != case.round:
        raise Conflict(_("This item is not being handled by your department now."))
    return case, assignment


def assignment_accept(*, actor, assignment: Assignment) -> Assignment:
    """The department signs for the item (签收)."""
    with transaction.atomic():
        case, assignment = _lock_assignment(actor, assignment)
        _move_assignment(assignment, AssignmentStatus.ACCEPTED)
        assignment.accepted_at = timezone.now()
        assignment.save(update_fields=["status", "accepted_at"])
        _log(case, actor=actor, action="assignment.accept", note=str(assignment.department))
        _tell(case, _submitters(case), _("%(d)s has accepted your item") % {"d": assignment.department}, actor=actor)
    return assignment


def assignment_object(*, actor, assignment: Assignment, reason: str,
                      suggested_department: Department | None = None) -> ObjectionRequest:
    """Ask to return the item (申退) within the objection window; the deadline pauses until
    staff decide."""
    reason = _text(reason, "reason", max_length=2000)
    with transaction.atomic():
        case, assignment = _lock_assignment(actor, assignment)
        if assignment.objection_until is None:
            raise Conflict(_("This item is being handled again after the member's rating; it cannot be returned."))
        if today() > assignment.objection_until:
            raise Conflict(_("A return could be requested until %(d)s.") % {"d": assignment.objection_until})
        if suggested_department is not None and suggested_department.committee_id != case.committee_id:
            raise ValidationError({"suggested_department": _("Suggest a department of this committee.")})
        _move_assignment(assignment, AssignmentStatus.OBJECTING)
        _pause_clock(assignment, _("return requested"))
        assignment.save(update_fields=["status", "clock_start", "clock_workdays", "paused_at", "deadline_log"])
        request = ObjectionRequest.objects.create(assignment=assignment, reason=reason,
                                                  suggested_department=suggested_department, requested_by=actor)
        _log(case, actor=actor, action="assignment.object", note=reason)
        _tell(case, _staff(case), _("%(d)s asks to return an item") % {"d": assignment.department}, reason,
              actor=actor, followers=True)
    return request


def objection_decide(*, actor, objection: ObjectionRequest, approve: bool, note: str = "",
                     new_department: Department | None = None) -> ObjectionRequest:
    """Staff approve a return (the department leaves; a new one takes over, or the item goes
    back to triage if nobody is left to reply) or reject it (the deadline resumes)."""
    note = _text(note, "note", required=False, max_length=2000)
    with transaction.atomic():
        objection = ObjectionRequest.objects.select_for_update().select_related("assignment__case").get(pk=objection.pk)
        case = objection.assignment.case
        if not can_handle_staff(actor, case):
            raise PermissionDenied(_("Only staff of this committee may decide a return request."))
        if objection.status != RequestStatus.PENDING:
            raise Conflict(_("This request has already been decided."))
        case = _lock(case)
        assignment = Assignment.objects.select_for_update().get(pk=objection.assignment_id)
        objection.decided_by, objection.decided_at, objection.decision_note = actor, timezone.now(), note
        if approve:
            objection.status = RequestStatus.APPROVED
            _move_assignment(assignment, AssignmentStatus.RETURNED)
            assignment.save(update_fields=["status"])
            _log(case, actor=actor, action="objection.approve", note=note or objection.reason)
            if new_department is not None:
                _check_departments(case, new_department, [])
                if case.assignments.filter(round=case.round, department=new_department,
                                           status__in=OPEN_ASSIGNMENT_STATUSES).exists():
                    raise ValidationError({"new_department": _("%(d)s already handles this item.") % {"d": new_department}})
                replacement = _new_assignment(case, new_department, assignment.role, policy_for(case))
                RoutingDecision.objects.create(case=case, round=case.round, method=RoutingMethod.MANUAL,
                                               lead_department=new_department if assignment.role != AssignmentRole.CO else None,
                                               reason=_("Return approved; re-assigned to %(d)s.") % {"d": new_department},
                                               decided_by=actor)
                if assignment.role == AssignmentRole.LEAD:
                    routing.learn(case, new_department)
                _tell(case, department_users(new_department), _("New item assigned: %(t)s") % {"t": case.title},
                      _("%(role)s, due %(due)s.") % {"role": replacement.get_role_display(), "due": replacement.due_date},
                      actor=actor, followers=False)
            elif assignment.role != AssignmentRole.CO and not case.assignments.filter(
                round=case.round, status__in=OPEN_ASSIGNMENT_STATUSES,
                role__in=[AssignmentRole.LEAD, AssignmentRole.SEPARATE],
            ).exists():
                _move(case, CaseStatus.TRIAGE)
                # Withdraw co-handlers too: staff route the whole item again.
                case.assignments.filter(round=case.round, status__in=OPEN_ASSIGNMENT_STATUSES).update(
                    status=AssignmentStatus.WITHDRAWN)
        else:
            objection.status = RequestStatus.REJECTED
            _move_assignment(assignment, AssignmentStatus.ACCEPTED if assignment.accepted_at else AssignmentStatus.ASSIGNED)
            _resume_clock(assignment, _("return request rejected"))
            assignment.save(update_fields=["status", "clock_start", "clock_workdays", "paused_at", "due_date",
                                           "deadline_log"])
            _log(case, actor=actor, action="objection.reject", note=note)
        objection.save()
        _refresh_case_due(case)
        case.save()
        _tell(case, department_users(assignment.department),
              (_("Return approved: %(t)s") if approve else _("Return rejected: %(t)s")) % {"t": case.title}, note,
              actor=actor, followers=True)
    return objection


def contact_record(*, actor, assignment: Assignment, method: str, contacted_on: dt.date, note: str = "") -> ContactRecord:
    """The department records its contact with the member (面谈, 电话, 座谈, 书信)."""
    from ..choices import ContactMethod

    if method not in ContactMethod.values:
        raise ValidationError({"method": _("Choose how the member was contacted.")})
    if contacted_on > today():
        raise ValidationError({"contacted_on": _("The date cannot be in the future.")})
    note = _text(note, "note", required=False, max_length=2000)
    with transaction.atomic():
        case, assignment = _lock_assignment(actor, assignment)
        if contacted_on < timezone.localdate(assignment.assigned_at):
            raise ValidationError({"contacted_on": _("The item was assigned on %(d)s; the contact cannot be earlier.")
                                   % {"d": timezone.localdate(assignment.assigned_at)}})
        record = ContactRecord.objects.create(assignment=assignment, method=method, contacted_on=contacted_on,
                                              note=note, created_by=actor)
        _log(case, actor=actor, action="assignment.contact",
             note=f"{record.get_method_display()} {contacted_on.isoformat()} {note}".strip())
    return record


def _check_result(policy: HandlingPolicy, result_category: str, *, member_facing: bool) -> str:
    letters = policy.result_categories if member_facing else ""
    result_category = (result_category or "").strip().upper()
    if not letters:
        if result_category:
            raise ValidationError({"result_category": _("Replies to this item report no result category.")})
        return ""
    # One letter of the policy's: "" and "AB" are substrings of "ABC" too.
    if len(result_category) != 1 or result_category not in letters:
        choices = "、".join(letters)
        raise ValidationError({"result_category": _("Choose the result category: %(c)s.") % {"c": choices}})
    return result_category


def assignment_reply(*, actor, assignment: Assignment, text: str, attachment: CaseAttachment | None = None,
                     result_category: str = "", may_publish: bool = False) -> Reply:
    """A lead or separate unit replies to the member; a co-handling unit sends its opinion to
    the lead unit. A reply reports a result category where the committee's policy asks for one
    (proposals: A/B/C, optionally D). Where staff review replies, the reply waits for them;
    otherwise, when every unit that answers the member has replied, the item waits for the
    member's rating.

    Side effects: Reply row (one per assignment and round — a second concurrent reply loses
    with a conflict), assignment replied, maybe case replied, timeline, notifications.
    """
    text = _text(text, "text")
    with transaction.atomic():
        case, assignment = _lock_assignment(actor, assignment)
        policy = policy_for(case)
        is_opinion = assignment.role == AssignmentRole.CO
        result_category = _check_result(policy, result_category, member_facing=not is_opinion)
        _move_assignment(assignment, AssignmentStatus.REPLIED)
        assignment.replied_at = timezone.now()
        assignment.save(update_fields=["status", "replied_at"])
        held = policy.review_replies and not is_opinion
        try:
            with transaction.atomic():
                reply = Reply.objects.create(
                    assignment=assignment, case=case, round=case.round, text=text, attachment=attachment,
                    is_opinion=is_opinion, result_category=result_category, may_publish=bool(may_publish),
                    review_status=ReplyReview.PENDING if held else ReplyReview.RELEASED, created_by=actor,
                )
        except IntegrityError:
            raise Conflict(_("Your department has already replied in this round.")) from None
        if reply.is_opinion:
            lead = case.assignments.filter(round=case.round, role=AssignmentRole.LEAD,
                                           status__in=OPEN_ASSIGNMENT_STATUSES).select_related("department").first()
            _log(case, actor=actor, action="assignment.opinion", note=str(assignment.department))
            if lead:
                _tell(case, department_users(lead.department),
                      _("%(d)s sent its opinion on: %(t)s") % {"d": assignment.department, "t": case.title}, text[:500],
                      actor=actor, followers=True)
            return reply
        _log(case, actor=actor, action="assignment.reply",
             note=" ".join(filter(None, [str(assignment.department), result_category])))
        if held:
            _tell(case, _staff(case), _("A reply awaits your review: %(t)s") % {"t": case.title},
                  str(assignment.department), actor=actor, followers=False)
            return reply
        _release(case, reply, actor=actor)
    return reply


def _release(case: Case, reply: Reply, *, actor) -> None:
    """``reply`` reaches the member; the item waits for the rating once no unit that answers
    the member is still working or waiting for review."""
    waiting = case.assignments.filter(round=case.round, status__in=OPEN_ASSIGNMENT_STATUSES,
                                      role__in=[AssignmentRole.LEAD, AssignmentRole.SEPARATE]).exists()
    waiting = waiting or case.replies.filter(round=case.round, review_status=ReplyReview.PENDING).exists()
    if not waiting:
        before = case.status
        _move(case, CaseStatus.REPLIED)
        case.replied_at = timezone.now()
        results = [r.result_category for r in case.replies.filter(round=case.round, is_opinion=False,
                                                                  review_status=ReplyReview.RELEASED)
                   if r.result_category]
        # Separate units may report different results: the item counts as the least solved.
        case.result_category = max(results) if results else ""
        # The lead unit has answered: co-handlers' opinions can no longer shape the reply,
        # so their open assignments end (and leave their inboxes).
        case.assignments.filter(round=case.round, role=AssignmentRole.CO,
                                status__in=OPEN_ASSIGNMENT_STATUSES).update(status=AssignmentStatus.WITHDRAWN)
        _log(case, actor=actor, action="case.replied", changes={"status": {"before": before, "after": case.status}})
    _refresh_case_due(case)
    case.save()
    _touch_duty(case)
    department = reply.assignment.department
    _tell(case, _submitters(case), _("%(d)s replied to your item: %(t)s") % {"d": department, "t": case.title},
          reply.text[:500], actor=actor)


def reply_review(*, actor, reply: Reply, approve: bool, note: str = "") -> Reply:
    """Staff release a reply to the submitter, or return it to the department to revise (the
    department replies again; its deadline is unchanged).

    Side effects: the reply's review fields; released: maybe the case replied (as on an
    unreviewed reply); returned: the assignment back to accepted; timeline, notifications.
    """
    note = _text(note, "note", required=not approve, max_length=2000)
    with transaction.atomic():
        case = _lock(reply.case)
        if not can_handle_staff(actor, case):
            raise PermissionDenied(_("Only staff of this committee may review replies."))
        reply = Reply.objects.select_for_update().select_related("assignment__department").get(pk=reply.pk)
        if reply.review_status != ReplyReview.PENDING or case.status != CaseStatus.HANDLING:
            raise Conflict(_("This reply is not waiting for review."))
        reply.reviewed_by, reply.reviewed_at, reply.review_note = actor, timezone.now(), note
        assignment = Assignment.objects.select_for_update().get(pk=reply.assignment_id)
        if approve:
            reply.review_status = ReplyReview.RELEASED
            reply.save(update_fields=["review_status", "reviewed_by", "reviewed_at", "review_note"])
            _log(case, actor=actor, action="reply.release", note=note or str(assignment.department))
            _release(case, reply, actor=actor)
        else:
            reply.review_status = ReplyReview.RETURNED
            reply.save(update_fields=["review_status", "reviewed_by", "reviewed_at", "review_note"])
            _move_assignment(assignment, AssignmentStatus.ACCEPTED)
            assignment.replied_at = None
            assignment.accepted_at = assignment.accepted_at or timezone.now()
            assignment.save(update_fields=["status", "replied_at", "accepted_at"])
            _log(case, actor=actor, action="reply.return", note=note)
            _tell(case, department_users(assignment.department),
                  _("Your reply was returned for revision: %(t)s") % {"t": case.title}, note, actor=actor,
                  followers=False)
    return reply


def progress_note_add(*, actor, case: Case, noted_on: dt.date, text: str, implemented: bool = False) -> ProgressNote:
    """A follow-up entry after the reply ("from replied to implemented"), by committee staff or
    a department that handled the item; ``implemented`` records the day it was carried out.

    Side effects: the note, the case's ``implemented_on`` (once), timeline, notifications.
    """
    text = _text(text, "text", max_length=4000)
    if noted_on > today():
        raise ValidationError({"noted_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        case = _lock(case)
        departments = set(scope_for(actor).department_ids) & handling_department_ids(case.pk)
        if not (can_handle_staff(actor, case) or departments):
            raise PermissionDenied(_("Only committee staff or a department that handled this item may add progress."))
        if case.status not in (CaseStatus.REPLIED, CaseStatus.CLOSED):
            raise Conflict(_("Progress is recorded after the reply."))
        if case.implemented_on is not None:
            raise Conflict(_("This item was recorded implemented on %(d)s.") % {"d": case.implemented_on})
        if case.replied_at and noted_on < timezone.localdate(case.replied_at):
            raise ValidationError({"noted_on": _("The reply was given on %(d)s; progress cannot be earlier.")
                                   % {"d": timezone.localdate(case.replied_at)}})
        department_id = min(departments) if departments and not can_handle_staff(actor, case) else None
        note = ProgressNote.objects.create(case=case, department_id=department_id, noted_on=noted_on, text=text,
                                           implemented=bool(implemented), created_by=actor)
        if implemented:
            case.implemented_on = noted_on
            case.save(update_fields=["implemented_on", "updated_at"])
        _log(case, actor=actor, action="case.implemented" if implemented else "case.progress",
             note=f"{noted_on.isoformat()} {text[:200]}")
        _tell(case, _submitters(case) + _staff(case),
              (_("Implemented: %(t)s") if implemented else _("Progress on: %(t)s")) % {"t": case.title},
              text[:500], actor=actor)
    return note


def extension_request(*, actor, assignment: Assignment, workdays_requested: int, reason: str) -> ExtensionRequest:
    reason = _text(reason, "reason", max_length=2000)
    if not isinstance(workdays_requested, int) or workdays_requested < 1:
        raise ValidationError({"workdays": _("Ask for at least one working day.")})
    with transaction.atomic():
        case, assignment = _lock_assignment(actor, assignment)
        policy = policy_for(case)
        if assignment.extended_workdays + workdays_requested > policy.max_extension_workdays:
            raise ValidationError({"workdays": _("Extensions may add at most %(n)d working days in all; %(used)d are used.")
                                   % {"n": policy.max_extension_workdays, "used": assignment.extended_workdays}})
        if assignment.status not in (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED):
            raise Conflict(_("Only an item being handled can be extended."))
        if assignment.extensions.filter(status=RequestStatus.PENDING).exists():
            raise Conflict(_("An extension request is already waiting for a decision."))
        request = ExtensionRequest.objects.create(assignment=assignment, workdays=workdays_requested, reason=reason,
                                                  requested_by=actor)
        _log(case, actor=actor, action="extension.request",
             note=_("%(n)d working days: %(r)s") % {"n": workdays_requested, "r": reason})
        _tell(case, _staff(case), _("%(d)s asks for more time") % {"d": assignment.department}, reason, actor=actor,
              followers=True)
    return request


def extension_decide(*, actor, extension: ExtensionRequest, approve: bool, note: str = "") -> ExtensionRequest:
    note = _text(note, "note", required=False, max_length=2000)
    with transaction.atomic():
        extension = ExtensionRequest.objects.select_for_update().select_related("assignment__case").get(pk=extension.pk)
        case = extension.assignment.case
        if not can_handle_staff(actor, case):
            raise PermissionDenied(_("Only staff of this committee may decide an extension."))
        if extension.status != RequestStatus.PENDING:
            raise Conflict(_("This request has already been decided."))
        case = _lock(case)
        assignment = Assignment.objects.select_for_update().get(pk=extension.assignment_id)
        extension.decided_by, extension.decided_at, extension.decision_note = actor, timezone.now(), note
        if approve:
            if assignment.status not in (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED, AssignmentStatus.OBJECTING):
                raise Conflict(_("The assignment is no longer open."))
            extension.status = RequestStatus.APPROVED
            assignment.clock_workdays += extension.workdays
            assignment.extended_workdays += extension.workdays
            if assignment.paused_at:
                assignment.deadline_log = [*assignment.deadline_log, {"on": today().isoformat(),
                                           "event": _("extension approved"), "remaining": assignment.clock_workdays}]
            else:
                _recompute_due(assignment, _("extension of %(n)d working days approved") % {"n": extension.workdays})
            assignment.save(update_fields=["clock_workdays", "extended_workdays", "due_date", "deadline_log"])
            _refresh_case_due(case)
            case.save(update_fields=["due_date", "updated_at"])
            _log(case, actor=actor, action="extension.approve",
                 note=_("%(n)d working days; new deadline %(d)s. %(note)s") % {"n": extension.workdays, "d": assignment.due_date, "note": note})
        else:
            extension.status = RequestStatus.REJECTED
            _log(case, actor=actor, action="extension.reject", note=note)
        extension.save()
        _tell(case, department_users(assignment.department),
              (_("Extension approved: %(t)s") if approve else _("Extension refused: %(t)s")) % {"t": case.title}, note,
              actor=actor, followers=True)
    return extension


# --- the member's rating ------------------------------------------------------------------------


def _finish_round(case: Case, *, actor, policy: HandlingPolicy) -> None:
    """Called with the case locked once every member-facing reply of the round is rated."""
    replies = list(case.replies.filter(round=case.round, is_opinion=False, review_status=ReplyReview.RELEASED)
                   .select_related("feedback", "assignment__department"))
    ratings = [r.feedback.rating for r in replies]
    unhappy = [r for r in replies if r.feedback.rating == Rating.UNSATISFIED]
    if unhappy and case.round < policy.max_rounds:
        _move(case, CaseStatus.HANDLING)
        case.round += 1
        case.replied_at = None
        case.result_category = ""  # the new round's reply reports its own
        for reply in unhappy:
            _new_assignment(case, reply.assignment.department, reply.assignment.role, policy, may_return=False)
        _refresh_case_due(case)
        case.save()
        _log(case, actor=actor, action="case.reopen",
             note=_("Unsatisfied rating: handled again (round %(r)d of at most %(m)d).") % {"r": case.round, "m": policy.max_rounds})
        for reply in unhappy:
            _tell(case, department_users(reply.assignment.department),
                  _("Item returned for re-handling: %(t)s") % {"t": case.title}, reply.feedback.comment,
                  actor=actor, followers=True)
        return
    order = [Rating.UNSATISFIED, Rating.NONE, Rating.BASICALLY, Rating.SATISFIED]
    _close(case, actor=actor, rating=min(ratings, key=order.index) if ratings else Rating.NONE)


def _close(case: Case, *, actor, rating: str, note: str = "") -> None:
    _move(case, CaseStatus.CLOSED)
    case.rating = rating
    case.closed_at = timezone.now()
    case.due_date = None
    case.save()
    case.assignments.filter(status__in=OPEN_ASSIGNMENT_STATUSES).update(status=AssignmentStatus.WITHDRAWN)
    _touch_duty(case)
    _log(case, actor=actor, action="case.close", note=note,
         changes={"status": {"before": CaseStatus.REPLIED, "after": CaseStatus.CLOSED}, "rating": {"before": "", "after": rating}})
    departments = {a.department for a in case.assignments.select_related("department")}
    users = _submitters(case) + [u for d in departments for u in department_users(d)]
    _tell(case, users, _("Item closed: %(t)s") % {"t": case.title}, note or Rating(rating).label, actor=actor)


def rating_due_date(case: Case) -> dt.date | None:
    """The last day the member may rate the replies of the current round."""
    if case.replied_at is None:
        return None
    return workdays.add_workdays(timezone.localdate(case.replied_at), policy_for(case).rating_workdays)


def case_rate(*, actor, reply: Reply, rating: str, comment: str = "") -> Feedback:
    """The member rates a reply. Unsatisfied sends it back to that department for another round
    (up to the committee's limit); when every reply of the round is rated the item closes."""
    if rating not in (Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED):
        raise ValidationError({"rating": _("Choose satisfied, basically satisfied or unsatisfied.")})
    comment = _text(comment, "comment", required=rating == Rating.UNSATISFIED, max_length=2000)
    with transaction.atomic():
        case = _lock(reply.case)
        if not is_case_submitter(actor, case):
            raise PermissionDenied(_("Only the member who submitted the item may rate the reply."))
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        if (case.status != CaseStatus.REPLIED or reply.round != case.round or reply.is_opinion
                or reply.review_status != ReplyReview.RELEASED):
            raise Conflict(_("This reply cannot be rated now."))
        if Feedback.objects.filter(reply=reply).exists():
            raise Conflict(_("This reply has already been rated."))
        rating_due = rating_due_date(case)
        if rating_due is not None and today() > rating_due:
            raise Conflict(_("Ratings were due by %(d)s; the item closes without a rating.") % {"d": rating_due})
        feedback = Feedback.objects.create(reply=reply, case=case, rating=rating, comment=comment, created_by=actor)
        _log(case, actor=actor, action="case.rate", note=f"{feedback.get_rating_display()} {comment}".strip())
        pending = case.replies.filter(round=case.round, is_opinion=False, review_status=ReplyReview.RELEASED,
                                      feedback__isnull=True).exists()
        if not pending:
            _finish_round(case, actor=actor, policy=policy_for(case))
    return feedback


def case_follow(*, actor, case: Case, kind: str = FollowKind.FOLLOW) -> Follow:
    """A leader or member takes up (领办/督办) or follows an item."""
    from ..rules import is_case_leader, is_case_staff, is_committee_member

    if kind not in FollowKind.values:
        raise ValidationError({"kind": _("Choose lead, supervise or follow.")})
    if not (actor.is_superuser or is_case_staff(actor, case) or is_case_leader(actor, case) or is_committee_member(actor, case)):
        raise PermissionDenied(_("You may not follow this item."))
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(case=case, user=actor, defaults={"kind": kind})
        changed = created or follow.kind != kind
        if changed and not created:
            follow.kind = kind
            follow.save(update_fields=["kind"])
        if changed:
            _log(case, actor=actor, action="case.follow", note=follow.get_kind_display())
    return follow


def case_unfollow(*, actor, case: Case) -> None:
    with transaction.atomic():
        deleted, _n = Follow.objects.filter(case=case, user=actor).delete()
        if deleted:
            _log(case, actor=actor, action="case.unfollow")


# --- the periodic sweep ---------------------------------------------------------------------------


def _escalation_recipients(case: Case, assignment: Assignment, level: str) -> list:
    if level in (EscalationLevel.REMINDER, EscalationLevel.LIAISON):
        return list(department_users(assignment.department))
    if level == EscalationLevel.HEAD:
        heads = list(department_users(assignment.department, heads_only=True))
        return heads or list(department_users(assignment.department))
    if level == EscalationLevel.STAFF:
        return _staff(case)
    supervisors = [f.user for f in case.follows.filter(kind__in=[FollowKind.LEAD, FollowKind.SUPERVISE]).select_related("user")]
    return supervisors or list(committee_role_users(case.committee, CommitteeRoleKind.LEADER))


def _due_levels(assignment: Assignment, policy: HandlingPolicy, now: dt.date) -> list[str]:
    levels = []
    due = assignment.due_date
    if due is None:
        return levels
    if now <= due and workdays.workdays_between(now, due) <= policy.reminder_workdays:
        levels.append(EscalationLevel.REMINDER)
    if now > due:
        late = workdays.workdays_between(due, now)
        thresholds = {EscalationLevel.LIAISON: 0, EscalationLevel.HEAD: policy.escalate_head_after,
                      EscalationLevel.STAFF: policy.escalate_staff_after,
                      EscalationLevel.LEADER: policy.escalate_leader_after}
        levels += [level for level in ESCALATION_ORDER if late >= thresholds[level]]
    return levels


def sweep_deadlines(*, now: dt.date | None = None, batch: int = 500) -> dict[str, int]:
    """Remind before deadlines and escalate overdue assignments, each level exactly once per
    assignment and round (a unique constraint makes a second sweep a no-op)."""
    now = now or today()
    horizon = workdays.add_workdays(now, 10)
    sent = dict.fromkeys(EscalationLevel.values, 0)
    candidates = (
        Assignment.objects.filter(status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED],
                                  paused_at__isnull=True, due_date__lte=horizon, case__status=CaseStatus.HANDLING)
        .select_related("case__committee", "department")
        .order_by("due_date", "id")
    )
    done = {(e.assignment_id, e.round, e.level) for e in Escalation.objects.filter(
        assignment__in=candidates).only("assignment_id", "round", "level")}
    policies: dict[tuple, HandlingPolicy] = {}
    for assignment in candidates.iterator(chunk_size=batch):
        case = assignment.case
        key = (case.committee_id, case.kind, case.category_id)
        policy = policies.get(key) or policies.setdefault(key, policy_for(case))
        for level in _due_levels(assignment, policy, now):
            if (assignment.pk, assignment.round, level) in done:
                continue
            try:
                with transaction.atomic():
                    Escalation.objects.create(assignment=assignment, round=assignment.round, level=level,
                                              due_date=assignment.due_date)
                    title = (_("Reminder: due %(d)s — %(t)s") if level == EscalationLevel.REMINDER
                             else _("Overdue since %(d)s — %(t)s")) % {"d": assignment.due_date, "t": case.title}
                    body = _("%(dept)s, %(level)s.") % {"dept": assignment.department, "level": EscalationLevel(level).label}
                    _tell(case, _escalation_recipients(case, assignment, level), title, body,
                          followers=level != EscalationLevel.REMINDER)
                    if level != EscalationLevel.REMINDER:
                        _log(case, actor=None, action="case.escalate", note=body)
            except IntegrityError:
                continue  # another sweep got there first
            sent[level] += 1
    return sent


def sweep_unrated(*, now: dt.date | None = None) -> int:
    """Close items whose member did not rate in time; unrated replies count as no rating."""
    now = now or today()
    closed = 0
    policies: dict[tuple, HandlingPolicy] = {}
    for case in Case.objects.filter(status=CaseStatus.REPLIED, replied_at__isnull=False).select_related("committee").iterator():
        key = (case.committee_id, case.kind, case.category_id)
        policy = policies.get(key) or policies.setdefault(key, policy_for(case))
        if workdays.add_workdays(timezone.localdate(case.replied_at), policy.rating_workdays) >= now:
            continue
        with transaction.atomic():
            locked = _lock(case)
            if locked.status != CaseStatus.REPLIED:
                continue
            for reply in locked.replies.filter(round=locked.round, is_opinion=False, feedback__isnull=True,
                                               review_status=ReplyReview.RELEASED):
                Feedback.objects.create(reply=reply, case=locked, rating=Rating.NONE)
            _finish_round(locked, actor=None, policy=policy)
            closed += 1
    return closed


def attachment_add(*, actor, case: Case, upload, purpose: str = "submission") -> CaseAttachment:
    """``upload`` is a file as uploaded, or one ``clean_upload`` has already checked."""
    from cppcc_portal.core.uploads import CleanFile, clean_upload

    cleaned = upload if isinstance(upload, CleanFile) else clean_upload(upload)
    return CaseAttachment.objects.create(case=case, file=cleaned.file, original_name=cleaned.name,
                                         content_type=cleaned.content_type, size=cleaned.size, purpose=purpose,
                                         uploaded_by=actor)
