from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class CaseKind(models.TextChoices):
    MICRO_SUGGESTION = "micro_suggestion", _("Micro-suggestion")
    PROPOSAL = "proposal", _("Proposal")
    INFORMATION = "information", _("Social-conditions information")


class CaseStatus(models.TextChoices):
    ROUTING = "routing", _("Being routed")
    TRIAGE = "triage", _("Awaiting staff triage")
    HANDLING = "handling", _("Being handled")
    REPLIED = "replied", _("Replied, awaiting rating")
    CLOSED = "closed", _("Closed")


# The one table of allowed case transitions (STYLE.md: explicit transitions).
CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.ROUTING: {CaseStatus.TRIAGE, CaseStatus.HANDLING},
    CaseStatus.TRIAGE: {CaseStatus.HANDLING},
    CaseStatus.HANDLING: {CaseStatus.HANDLING, CaseStatus.TRIAGE, CaseStatus.REPLIED},
    CaseStatus.REPLIED: {CaseStatus.HANDLING, CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
}
OPEN_CASE_STATUSES = (CaseStatus.ROUTING, CaseStatus.TRIAGE, CaseStatus.HANDLING, CaseStatus.REPLIED)


class HandlingMode(models.TextChoices):
    SINGLE = "single", _("Single unit (单办)")
    LEAD = "lead", _("Lead and co-handling units (主办/会办)")
    SEPARATE = "separate", _("Separate handling (分办)")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit (主办)")
    CO = "co", _("Co-handling unit (会办)")
    SEPARATE = "separate", _("Separate unit (分办)")


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned, not yet accepted")
    ACCEPTED = "accepted", _("Accepted (签收)")
    OBJECTING = "objecting", _("Return requested (申退)")
    REPLIED = "replied", _("Replied")
    RETURNED = "returned", _("Returned (退回)")
    WITHDRAWN = "withdrawn", _("Withdrawn by staff")


OPEN_ASSIGNMENT_STATUSES = (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED, AssignmentStatus.OBJECTING)
ENDED_ASSIGNMENT_STATUSES = (AssignmentStatus.RETURNED, AssignmentStatus.WITHDRAWN)

ASSIGNMENT_TRANSITIONS: dict[str, set[str]] = {
    AssignmentStatus.ASSIGNED: {AssignmentStatus.ACCEPTED, AssignmentStatus.OBJECTING, AssignmentStatus.REPLIED,
                                AssignmentStatus.WITHDRAWN},
    AssignmentStatus.ACCEPTED: {AssignmentStatus.OBJECTING, AssignmentStatus.REPLIED, AssignmentStatus.WITHDRAWN},
    AssignmentStatus.OBJECTING: {AssignmentStatus.ACCEPTED, AssignmentStatus.ASSIGNED, AssignmentStatus.RETURNED},
    AssignmentStatus.REPLIED: {AssignmentStatus.ACCEPTED, AssignmentStatus.WITHDRAWN},
    AssignmentStatus.RETURNED: set(),
    AssignmentStatus.WITHDRAWN: set(),
}


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")
    NONE = "none", _("No rating given")


class ContactMethod(models.TextChoices):
    MEETING = "meeting", _("Face to face (面谈)")
    PHONE = "phone", _("Phone (电话)")
    FORUM = "forum", _("Forum (座谈)")
    LETTER = "letter", _("Letter (书信)")
    ONLINE = "online", _("Online / WeChat")


class RequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("request status", "Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RoutingMethod(models.TextChoices):
    RULE = "rule", _("Routing rule")
    LEARNED = "learned", _("Learned recommendation")
    MANUAL = "manual", _("Staff")
    TRIAGE = "triage", _("Sent to triage")


class FollowKind(models.TextChoices):
    LEAD = "lead", _("Takes the lead (领办)")
    SUPERVISE = "supervise", _("Supervises (督办)")
    FOLLOW = "follow", _("Follows")


class EscalationLevel(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the deadline")
    LIAISON = "liaison", _("Overdue: liaison officer")
    HEAD = "head", _("Overdue: department head")
    STAFF = "staff", _("Overdue: committee staff")
    LEADER = "leader", _("Overdue: supervising leader")


ESCALATION_ORDER = [EscalationLevel.LIAISON, EscalationLevel.HEAD, EscalationLevel.STAFF, EscalationLevel.LEADER]
