"""What each user may see: one restricted queryset per model, used by pages and the API.

A user's scope is computed once per request from their CommitteeRole, Member and Liaison rows
and cached on the user object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet

from .choices import CommitteeRoleKind
from .models import (
    Committee,
    CommitteeRole,
    Department,
    Liaison,
    Member,
    Sector,
    Session,
    SpecialCommittee,
    Studio,
    Term,
)


@dataclass(frozen=True)
class Scope:
    is_superuser: bool = False
    staff_committee_ids: frozenset[int] = field(default_factory=frozenset)
    leader_committee_ids: frozenset[int] = field(default_factory=frozenset)
    member_committee_ids: frozenset[int] = field(default_factory=frozenset)
    member_ids: frozenset[int] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    liaison_committee_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def oversight_committee_ids(self) -> frozenset[int]:
        """Committees whose whole directory the user reads (staff and leaders)."""
        return self.staff_committee_ids | self.leader_committee_ids

    @property
    def committee_ids(self) -> frozenset[int]:
        return self.oversight_committee_ids | self.member_committee_ids | self.liaison_committee_ids

    @property
    def roles(self) -> list[str]:
        roles = []
        if self.is_superuser:
            roles.append("superuser")
        if self.staff_committee_ids:
            roles.append("staff")
        if self.leader_committee_ids:
            roles.append("leader")
        if self.member_ids:
            roles.append("member")
        if self.department_ids:
            roles.append("liaison")
        return roles


ANONYMOUS_SCOPE = Scope()


def _expand(grants: list[CommitteeRole]) -> set[int]:
    ids = {g.committee_id for g in grants}
    wide = [g.committee.path for g in grants if g.includes_subordinates and g.committee.path]
    if wide:
        query = reduce(or_, (Q(path__startswith=p) for p in wide))
        ids |= set(Committee.objects.filter(query).values_list("pk", flat=True))
    return ids


def scope_for(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    grants = list(CommitteeRole.objects.filter(user=user).select_related("committee"))
    staff = [g for g in grants if g.role == CommitteeRoleKind.STAFF]
    leader = [g for g in grants if g.role == CommitteeRoleKind.LEADER]
    seats = list(Member.active_seats().filter(user=user).values_list("pk", "committee_id"))
    desks = list(
        Liaison.objects.filter(user=user, is_active=True, department__is_active=True).values_list(
            "department_id", "department__committee_id"
        )
    )
    scope = Scope(
        is_superuser=user.is_superuser,
        staff_committee_ids=frozenset(_expand(staff)),
        leader_committee_ids=frozenset(_expand(leader)),
        member_committee_ids=frozenset(c for _, c in seats),
        member_ids=frozenset(m for m, _ in seats),
        department_ids=frozenset(d for d, _ in desks),
        liaison_committee_ids=frozenset(c for _, c in desks),
    )
    user._portal_scope = scope
    return scope


def forget_scope(user) -> None:
    """Call after changing a user's grants within the same request."""
    if hasattr(user, "_portal_scope"):
        del user._portal_scope


def _by_committee(qs: QuerySet, user, ids_attr: str = "committee_ids", lookup: str = "committee_id__in") -> QuerySet:
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(**{lookup: getattr(scope, ids_attr)})


def committees_for(user) -> QuerySet[Committee]:
    return _by_committee(Committee.objects.select_related("parent"), user, lookup="pk__in")


def manageable_committees_for(user) -> QuerySet[Committee]:
    """Committees whose directory the user may change (staff grants)."""
    return _by_committee(Committee.objects.all(), user, "staff_committee_ids", "pk__in")


def terms_for(user) -> QuerySet[Term]:
    return _by_committee(Term.objects.select_related("committee"), user)


def sessions_for(user) -> QuerySet[Session]:
    return _by_committee(
        Session.objects.select_related("term__committee"), user, lookup="term__committee_id__in"
    )


def sectors_for(user) -> QuerySet[Sector]:
    return _by_committee(Sector.objects.select_related("committee"), user)


def special_committees_for(user) -> QuerySet[SpecialCommittee]:
    return _by_committee(SpecialCommittee.objects.select_related("committee"), user)


def members_for(user) -> QuerySet[Member]:
    """Staff and leaders see every member of their committees; a member sees the roster of
    the committees they sit on; a department liaison sees no roster."""
    qs = Member.objects.select_related("committee", "term__committee", "sector", "user")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(
        Q(committee_id__in=scope.oversight_committee_ids) | Q(committee_id__in=scope.member_committee_ids)
    )


def departments_for(user) -> QuerySet[Department]:
    """Staff, leaders and members see their committees' departments; a liaison sees their own."""
    qs = Department.objects.select_related("committee").annotate(
        liaison_count=Count("liaisons", filter=Q(liaisons__is_active=True))
    ).order_by("committee", "name")  # Meta.ordering is dropped from GROUP BY queries
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(
        Q(committee_id__in=scope.oversight_committee_ids | scope.member_committee_ids)
        | Q(pk__in=scope.department_ids)
    )


def liaisons_for(user) -> QuerySet[Liaison]:
    qs = Liaison.objects.select_related("user", "department__committee")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(
        Q(department__committee_id__in=scope.oversight_committee_ids) | Q(department_id__in=scope.department_ids)
    )


def studios_for(user) -> QuerySet[Studio]:
    return _by_committee(
        Studio.objects.select_related("committee", "sector", "lead_member").annotate(
            member_count=Count("members", distinct=True)
        ).order_by("committee", "name"),  # Meta.ordering is dropped from GROUP BY queries
        user,
    )


def committee_roles_for(user) -> QuerySet[CommitteeRole]:
    return _by_committee(
        CommitteeRole.objects.select_related("user", "committee").order_by("committee", "role", "id"), user,
        "staff_committee_ids",
    )


def committee_role_users(committee: Committee, role: str) -> QuerySet:
    """Active users holding ``role`` on ``committee`` directly or through a grant on a
    committee above it that includes the committees below (for notifications)."""
    from .models import User

    ancestors = [int(p) for p in committee.path.strip("/").split("/") if p]
    return User.objects.filter(
        Q(committee_roles__committee=committee, committee_roles__role=role)
        | Q(committee_roles__committee_id__in=ancestors, committee_roles__role=role,
            committee_roles__includes_subordinates=True),
        is_active=True,
    ).distinct()


def department_users(department: Department, *, heads_only: bool = False) -> QuerySet:
    """The logins of a department's active liaison officers (or only its heads)."""
    from .models import User

    filters = {"liaisons__department": department, "liaisons__is_active": True}
    if heads_only:
        filters["liaisons__is_head"] = True
    return User.objects.filter(is_active=True, **filters).distinct()


# --- the duty record ------------------------------------------------------------------------------


def duty_entries_for(user) -> QuerySet:
    """Staff and leaders see the entries of their committees' members; a member their own."""
    from .models import DutyEntry

    qs = DutyEntry.objects.select_related("member", "committee", "source_type").prefetch_related("evidence")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(Q(committee_id__in=scope.oversight_committee_ids) | Q(member_id__in=scope.member_ids))


def duty_scores_for(user) -> QuerySet:
    """Staff see the scores of their committees (under draft rules too, to try them out);
    leaders see them once the year's rules are published, and a member their own then."""
    from .choices import RuleSetStatus
    from .models import AssessmentRuleSet, DutyScore

    qs = DutyScore.objects.select_related("member__sector", "member__user", "committee")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    published = AssessmentRuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).values_list("committee_id", "year")
    public = Q(pk__in=[])
    for committee_id, year in published.filter(committee_id__in=scope.member_committee_ids
                                                | scope.leader_committee_ids):
        public |= Q(committee_id=committee_id, year=year)
    return qs.filter(Q(committee_id__in=scope.staff_committee_ids)
                     | (Q(committee_id__in=scope.leader_committee_ids) & public)
                     | (Q(member_id__in=scope.member_ids) & public))


def rule_sets_for(user) -> QuerySet:
    """Staff see their committees' rules; leaders and members the published ones."""
    from .choices import RuleSetStatus
    from .models import AssessmentRuleSet

    qs = AssessmentRuleSet.objects.select_related("committee").prefetch_related("rules")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(Q(committee_id__in=scope.staff_committee_ids)
                     | Q(committee_id__in=scope.leader_committee_ids | scope.member_committee_ids,
                         status=RuleSetStatus.PUBLISHED))


def recompute_jobs_for(user) -> QuerySet:
    from .models import RecomputeJob

    return _by_committee(RecomputeJob.objects.select_related("committee"), user, "staff_committee_ids")
