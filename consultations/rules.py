"""Who may act on consultation, supervision and information work (django-rules). Seeing is
selectors.py's business; the services check these same rules through services.common."""

import rules

from members.rules import is_superuser
from members.selectors import scope_for


def _committee_id(obj):
    from members.models import Committee

    return obj.pk if isinstance(obj, Committee) else getattr(obj, "committee_id", None)


@rules.predicate
def is_consultation_staff(user, obj=None) -> bool:
    scope = scope_for(user)
    return bool(scope.staff_committee_ids) if obj is None else _committee_id(obj) in scope.staff_committee_ids


@rules.predicate
def is_consultation_leader(user, obj=None) -> bool:
    scope = scope_for(user)
    return bool(scope.leader_committee_ids) if obj is None else _committee_id(obj) in scope.leader_committee_ids


@rules.predicate
def is_committee_member(user, obj=None) -> bool:
    scope = scope_for(user)
    return bool(scope.member_ids) if obj is None else _committee_id(obj) in scope.member_committee_ids


@rules.predicate
def is_item_writer(user, item=None) -> bool:
    return item is not None and item.submitted_by_id == getattr(user, "pk", None)


@rules.predicate
def is_information_officer(user, obj=None) -> bool:
    from .models import InformationOfficer

    qs = InformationOfficer.objects.filter(user=user, is_active=True) if getattr(user, "pk", None) else None
    if qs is None:
        return False
    return qs.exists() if obj is None else qs.filter(committee_id=_committee_id(obj)).exists()


can_run = is_superuser | is_consultation_staff
can_approve = is_superuser | is_consultation_staff | is_consultation_leader

rules.add_perm("consultations.manage", can_run)                       # kinds, plan, sessions, tasks, bulletins
rules.add_perm("consultations.approve_result", can_approve)
rules.add_perm("consultations.record_instruction", can_approve)
rules.add_perm("consultations.propose_topic", can_run | is_committee_member)
rules.add_perm("consultations.review_information", can_run)
rules.add_perm("consultations.sign_off_information", can_approve)
rules.add_perm("consultations.write_information", is_committee_member | is_information_officer)
rules.add_perm("consultations.edit_information", is_item_writer)
rules.add_perm("consultations.view_statistics", can_approve)
