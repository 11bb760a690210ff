"""Who may act on handled items (django-rules). Seeing an item is selectors.py's business."""

import rules

from members.rules import can_manage, is_superuser
from members.selectors import scope_for


@rules.predicate
def is_case_staff(user, case) -> bool:
    return case is not None and case.committee_id in scope_for(user).staff_committee_ids


@rules.predicate
def is_case_leader(user, case) -> bool:
    return case is not None and case.committee_id in scope_for(user).leader_committee_ids


@rules.predicate
def is_case_submitter(user, case) -> bool:
    return case is not None and case.submitted_by_id == getattr(user, "pk", None)


@rules.predicate
def is_assignment_liaison(user, assignment) -> bool:
    return assignment is not None and assignment.department_id in scope_for(user).department_ids


@rules.predicate
def is_committee_member(user, case) -> bool:
    return case is not None and case.committee_id in scope_for(user).member_committee_ids


can_handle_staff = is_superuser | is_case_staff
can_act_for_department = is_superuser | is_assignment_liaison

rules.add_perm("proposals.route_case", can_handle_staff)
rules.add_perm("proposals.decide_request", can_handle_staff)
rules.add_perm("proposals.handle_assignment", can_act_for_department)
rules.add_perm("proposals.rate_case", is_case_submitter)
rules.add_perm("proposals.follow_case", is_superuser | is_case_staff | is_case_leader | is_committee_member)
rules.add_perm("proposals.manage_routing", can_manage)
rules.add_perm("proposals.view_case_timeline", is_superuser | is_case_staff | is_case_leader | is_case_submitter)


@rules.predicate
def is_proposal_staff(user, proposal) -> bool:
    return proposal is not None and proposal.committee_id in scope_for(user).staff_committee_ids


@rules.predicate
def is_proposal_writer(user, proposal) -> bool:
    return proposal is not None and proposal.submitted_by_id == getattr(user, "pk", None)


@rules.predicate
def is_key_leader(user, proposal) -> bool:
    return proposal is not None and proposal.is_key and proposal.key_leaders.filter(pk=getattr(user, "pk", None)).exists()


can_review_proposal = is_superuser | is_proposal_staff

rules.add_perm("proposals.review_proposal", can_review_proposal)
rules.add_perm("proposals.edit_proposal", is_proposal_writer)
rules.add_perm("proposals.supervise_proposal", can_review_proposal | is_key_leader)
