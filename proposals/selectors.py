"""What each user may see of handled items: one restricted queryset per list, used by pages
and the API alike. Lists are ordered by a unique key so keyset pagination stays flat."""

from __future__ import annotations

from django.db.models import BigIntegerField, Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from cppcc_portal.core.models import OutboxMessage
from members.models import Department
from members.selectors import scope_for

from .choices import OPEN_ASSIGNMENT_STATUSES, CaseKind, CaseStatus, RequestStatus
from .models import (
    Assignment,
    Case,
    Category,
    ExtensionRequest,
    Follow,
    HandlingPolicy,
    ObjectionRequest,
    RoutingRule,
)


def cases_for(user, kind: str | None = CaseKind.MICRO_SUGGESTION) -> QuerySet[Case]:
    """Staff and leaders: their committees' items. Members: their committees' items (to take
    them up) and their own. Liaisons: items assigned to their departments. Followers: what
    they follow. Anyone else: nothing."""
    qs = Case.objects.select_related("committee", "category", "submitter", "place")
    if kind:
        qs = qs.filter(kind=kind)
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    committees = scope.oversight_committee_ids | scope.member_committee_ids
    # One indexed condition for the common case (a committee's items, newest first, walks the
    # (committee, kind, -id) index). The rare extras — own items on a committee the user has
    # left, followed items elsewhere — are fetched as short id lists, and only when present,
    # so an OR does not turn every page into a sort of all visible rows.
    visible = Q(committee_id__in=committees) if committees else Q(pk__in=[])
    extra = set(
        Case.objects.filter(submitted_by=user).exclude(committee_id__in=committees).values_list("pk", flat=True)[:5000]
    )
    extra |= set(
        Follow.objects.filter(user=user).exclude(case__committee_id__in=committees).values_list("case_id", flat=True)[:5000]
    )
    if extra:
        visible |= Q(pk__in=sorted(extra))
    if scope.department_ids:
        visible |= Q(pk__in=Assignment.objects.filter(department_id__in=scope.department_ids).values("case_id"))
    return qs.filter(visible)


def my_cases(user, kind: str = CaseKind.MICRO_SUGGESTION) -> QuerySet[Case]:
    return Case.objects.select_related("committee", "category").filter(kind=kind, submitted_by=user)


def triage_queue(user, kind: str = CaseKind.MICRO_SUGGESTION) -> QuerySet[Case]:
    return staff_cases(user, kind).filter(status=CaseStatus.TRIAGE)


def staff_cases(user, kind: str | None = CaseKind.MICRO_SUGGESTION) -> QuerySet[Case]:
    """Items of the committees the user is staff of (where staff may act)."""
    qs = Case.objects.select_related("committee", "category", "submitter", "place")
    if kind:
        qs = qs.filter(kind=kind)
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(committee_id__in=scope.staff_committee_ids)


def followed_cases(user, kind: str | None = CaseKind.MICRO_SUGGESTION) -> QuerySet[Case]:
    qs = cases_for(user, kind).filter(Exists(Follow.objects.filter(case=OuterRef("pk"), user=user)))
    return qs


def assignments_for(user) -> QuerySet[Assignment]:
    """Assignments the user may see: their departments' (liaison), their committees' (staff,
    leaders), everything (superuser)."""
    qs = Assignment.objects.select_related("case__committee", "case__category", "case__submitter", "department")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(Q(department_id__in=scope.department_ids)
                     | Q(case__committee_id__in=scope.oversight_committee_ids))


def inbox_for(user) -> QuerySet[Assignment]:
    """A liaison's inbox: open assignments of their departments, due dates first."""
    scope = scope_for(user)
    # The assignment's own status decides (the engine ends open assignments when a case leaves
    # handling), so a page is a walk of the partial (department, due_date, id) index.
    return (
        Assignment.objects.select_related("case__committee", "case__category", "case__submitter", "department")
        .filter(department_id__in=scope.department_ids, status__in=OPEN_ASSIGNMENT_STATUSES)
        .order_by("due_date", "id")
    )


def handling_department_ids(case_id: int) -> set[int]:
    """Departments that took part in handling a case (those that returned it or were
    withdrawn by re-routing aside)."""
    from .choices import AssignmentStatus

    return set(Assignment.objects.filter(case_id=case_id)
               .exclude(status__in=[AssignmentStatus.WITHDRAWN, AssignmentStatus.RETURNED])
               .values_list("department_id", flat=True))


def visible_replies(user, case: Case, replies, assignments=None) -> list:
    """The replies of ``case`` that ``user`` may read, for every page and endpoint.
    Co-handlers' opinions are for the departments and the committee (staff, leaders); a reply
    awaiting staff review (or returned by them) only for the committee's staff and the
    department that wrote it; everyone else reads released replies only. ``assignments``: the
    case's assignments when the caller has them already."""
    from .choices import ReplyReview

    scope = scope_for(user)
    assignments = case.assignments.all() if assignments is None else assignments
    departments = {a.department_id for a in assignments} & scope.department_ids
    staff = scope.is_superuser or case.committee_id in scope.staff_committee_ids
    sees_opinions = staff or case.committee_id in scope.oversight_committee_ids or bool(departments)
    return [
        reply for reply in replies
        if (sees_opinions or not reply.is_opinion)
        and (reply.review_status == ReplyReview.RELEASED or staff or reply.assignment.department_id in departments)
    ]


def departments_to_suggest_for(user) -> QuerySet[Department]:
    """Departments a user may name when asking to return an item (申退): besides what the
    directory shows them, a liaison may name any active department of their departments'
    committees (the directory shows a liaison only their own department)."""
    scope = scope_for(user)
    qs = Department.objects.select_related("committee")
    if scope.is_superuser:
        return qs
    return qs.filter(Q(committee_id__in=scope.oversight_committee_ids | scope.member_committee_ids)
                     | Q(pk__in=scope.department_ids)
                     | Q(committee_id__in=scope.liaison_committee_ids, is_active=True))


# What a request's representation shows of its assignment and item, fetched with the row.
_REQUEST_CASE = ("assignment__department", "assignment__case__committee", "assignment__case__category",
                 "assignment__case__submitter")


def objections_for(user) -> QuerySet[ObjectionRequest]:
    scope = scope_for(user)
    qs = ObjectionRequest.objects.select_related(*_REQUEST_CASE, "suggested_department", "requested_by")
    if scope.is_superuser:
        return qs
    return qs.filter(Q(assignment__case__committee_id__in=scope.oversight_committee_ids)
                     | Q(assignment__department_id__in=scope.department_ids))


def extensions_for(user) -> QuerySet[ExtensionRequest]:
    scope = scope_for(user)
    qs = ExtensionRequest.objects.select_related(*_REQUEST_CASE, "requested_by")
    if scope.is_superuser:
        return qs
    return qs.filter(Q(assignment__case__committee_id__in=scope.oversight_committee_ids)
                     | Q(assignment__department_id__in=scope.department_ids))


def pending_requests(user):
    return (objections_for(user).filter(status=RequestStatus.PENDING),
            extensions_for(user).filter(status=RequestStatus.PENDING))


def _committee_scoped(qs: QuerySet, user, attr: str = "committee_ids") -> QuerySet:
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(committee_id__in=getattr(scope, attr))


def categories_for(user) -> QuerySet[Category]:
    return _committee_scoped(Category.objects.select_related("committee"), user)


def routing_rules_for(user) -> QuerySet[RoutingRule]:
    return _committee_scoped(
        RoutingRule.objects.select_related("committee", "category", "place", "lead_department")
        .prefetch_related("co_departments"),
        user, "oversight_committee_ids",
    )


def policies_for(user) -> QuerySet[HandlingPolicy]:
    # Ordered: the list is paginated (HandlingPolicy has no default ordering).
    return _committee_scoped(HandlingPolicy.objects.select_related("committee", "category")
                             .order_by("committee_id", "kind", "category_id", "id"), user, "oversight_committee_ids")


def dead_letters_for(user) -> QuerySet[OutboxMessage]:
    """Routing messages that kept failing, for staff to see and retry."""
    qs = OutboxMessage.objects.filter(status=OutboxMessage.Status.DEAD)
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    case_ids = Case.objects.filter(committee_id__in=scope.staff_committee_ids).values("pk")
    # kwargs->'case_id' is jsonb: compare it as a number, not as json against bigint ids.
    return qs.annotate(case_id=Cast(KeyTextTransform("case_id", "kwargs"), BigIntegerField())).filter(
        case_id__in=case_ids)


# --- proposals ---------------------------------------------------------------------------------

_PROPOSAL_RELATED = ("committee", "term", "session", "category", "proposer__sector", "body", "submitted_by", "case")


def proposals_for(user) -> QuerySet:
    """Staff and leaders: every proposal of their committees but drafts (drafts are private).
    Members: their own (as writer, first proposer or co-signer — invited ones included, so an
    invitee can read what they are asked to sign) and the filed proposals of their committees.
    Liaisons: proposals whose handling reaches their departments, or sent to them for
    reference. Authorised users of a proposing body: its proposals."""
    from .choices import CoSignerStatus, ProposalStatus
    from .models import CoSigner, Proposal

    qs = Proposal.objects.select_related(*_PROPOSAL_RELATED)
    scope = scope_for(user)
    if scope.is_superuser:
        return qs.exclude(status=ProposalStatus.DRAFT)
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    visible = Q(submitted_by=user) | Q(proposer__user=user) | Q(body__authorised_users=user)
    visible |= Q(pk__in=CoSigner.objects.filter(member__user=user).exclude(
        status__in=[CoSignerStatus.DECLINED]).values("proposal_id"))
    if scope.oversight_committee_ids:
        visible |= Q(committee_id__in=scope.oversight_committee_ids) & ~Q(status=ProposalStatus.DRAFT)
    if scope.member_committee_ids:
        visible |= Q(committee_id__in=scope.member_committee_ids, status=ProposalStatus.FILED)
    if scope.department_ids:
        visible |= Q(case__in=Assignment.objects.filter(department_id__in=scope.department_ids).values("case_id"))
        visible |= Q(reference_departments__in=scope.department_ids)
        visible |= Q(procuratorate_transfer__procuratorate_id__in=scope.department_ids)
    return qs.filter(visible).distinct()


def my_proposals(user) -> QuerySet:
    """What the user wrote, first-proposes or co-signs (not invitations), drafts included."""
    from .choices import CoSignerStatus
    from .models import CoSigner, Proposal

    return Proposal.objects.select_related(*_PROPOSAL_RELATED).filter(
        Q(submitted_by=user) | Q(proposer__user=user)
        | Q(pk__in=CoSigner.objects.filter(member__user=user, status=CoSignerStatus.CONFIRMED).values("proposal_id"))
    )


def cosign_invitations_for(user) -> QuerySet:
    from .choices import EDITABLE_PROPOSAL_STATUSES, CoSignerStatus
    from .models import CoSigner

    return (CoSigner.objects.select_related("proposal__committee", "proposal__proposer", "proposal__category", "member")
            .filter(member__user=user, status=CoSignerStatus.INVITED,
                    proposal__status__in=EDITABLE_PROPOSAL_STATUSES)
            .order_by("-invited_at", "-id"))


def proposals_staff(user) -> QuerySet:
    """Proposals of the committees the user is staff of (where staff may act), drafts aside."""
    from .choices import ProposalStatus
    from .models import Proposal

    qs = Proposal.objects.select_related(*_PROPOSAL_RELATED).exclude(status=ProposalStatus.DRAFT)
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(committee_id__in=scope.staff_committee_ids)


def review_queue(user) -> QuerySet:
    from .choices import ProposalStatus

    return proposals_staff(user).filter(status=ProposalStatus.SUBMITTED).order_by("submitted_at", "id")


def supervised_proposals(user) -> QuerySet:
    """Key proposals: those the user supervises (leaders), every key proposal of their
    committees (staff and leaders)."""
    scope = scope_for(user)
    qs = proposals_for(user).filter(is_key=True)
    if scope.is_superuser or scope.oversight_committee_ids:
        return qs
    return qs.filter(key_leaders=user)


def proposal_for_case(user, case_id: int):
    """The filed proposal a handling item belongs to (not one merged into it), if visible."""
    return proposals_for(user).filter(case_id=case_id, merged_into__isnull=True).order_by("id").first()


def topic_guides_for(user) -> QuerySet:
    """Published guides of the user's committees; drafts too where the user is staff."""
    from .choices import GuideStatus
    from .models import TopicGuide

    qs = TopicGuide.objects.select_related("committee").prefetch_related("topics__category")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(Q(committee_id__in=scope.committee_ids, status=GuideStatus.PUBLISHED)
                     | Q(committee_id__in=scope.staff_committee_ids))


def proposal_bodies_for(user) -> QuerySet:
    from .models import ProposalBody

    qs = ProposalBody.objects.select_related("committee", "sector", "special_committee")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(Q(committee_id__in=scope.oversight_committee_ids) | Q(authorised_users=user)).distinct()
