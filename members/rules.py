"""Who may do what with the organisation directory (django-rules predicates).

Object permissions take the object whose committee decides; ``None`` asks "anywhere".
Seeing an object is not a rule here: it is the restricted querysets in selectors.py.
"""

import rules

from .models import Committee, Liaison, Session
from .selectors import scope_for


def committee_id_of(obj) -> int | None:
    """The committee whose staff decide about ``obj``."""
    if isinstance(obj, Committee):
        return obj.pk
    if isinstance(obj, Liaison):
        return obj.department.committee_id
    if isinstance(obj, Session):
        return obj.term.committee_id
    return getattr(obj, "committee_id", None)


@rules.predicate
def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


@rules.predicate
def is_committee_staff(user, obj=None) -> bool:
    scope = scope_for(user)
    if obj is None:
        return bool(scope.staff_committee_ids)
    return committee_id_of(obj) in scope.staff_committee_ids


@rules.predicate
def is_leader(user, obj=None) -> bool:
    scope = scope_for(user)
    if obj is None:
        return bool(scope.leader_committee_ids)
    return committee_id_of(obj) in scope.leader_committee_ids


@rules.predicate
def is_member(user) -> bool:
    return bool(scope_for(user).member_ids)


@rules.predicate
def is_liaison(user) -> bool:
    return bool(scope_for(user).department_ids)


can_manage = is_superuser | is_committee_staff

# The directory: staff of the object's committee manage it.
for model in ("committee", "term", "session", "sector", "specialcommittee", "member",
              "department", "liaison", "studio", "committeerole"):
    rules.add_perm(f"members.manage_{model}", can_manage)
rules.add_perm("members.import", can_manage)
rules.add_perm("members.view_audit", is_superuser | is_committee_staff | is_leader)
rules.add_perm("core.manage_calendar", is_superuser | is_committee_staff)
