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


# --- the handling engine's reply details ---------------------------------------------------------


class ResultCategory(models.TextChoices):
    """The result a reply reports (proposals; other kinds may use it by policy)."""

    A = "A", _("A: solved or basically solved (解决或基本解决)")
    B = "B", _("B: being solved or in the plan (列入计划拟解决)")
    C = "C", _("C: kept for reference (留作参考)")
    D = "D", _("D: cannot be adopted for now (因条件限制暂不能采纳)")


class ReplyReview(models.TextChoices):
    RELEASED = "released", _("Released to the submitter")
    PENDING = "pending", _("Awaiting staff review")
    RETURNED = "returned", _("Returned to the department for revision")


# --- proposals (提案) --------------------------------------------------------------------------


class ProposalKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual proposal (个人提案)")
    JOINT = "joint", _("Joint proposal (联名提案)")
    COLLECTIVE = "collective", _("Collective proposal (集体提案)")


class ProposalTiming(models.TextChoices):
    PLENARY = "plenary", _("Plenary session (大会提案)")
    INTERSESSION = "intersession", _("Between sessions (平时提案)")


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    REVISING = "revising", _("Returned for revision")
    FILED = "filed", _("Filed (立案)")
    NOT_FILED = "not_filed", _("Not filed (不立案)")
    MERGED = "merged", _("Merged (并案)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PROPOSAL_TRANSITIONS: dict[str, set[str]] = {
    ProposalStatus.DRAFT: {ProposalStatus.SUBMITTED},
    ProposalStatus.SUBMITTED: {ProposalStatus.FILED, ProposalStatus.NOT_FILED, ProposalStatus.MERGED,
                               ProposalStatus.REVISING, ProposalStatus.WITHDRAWN},
    ProposalStatus.REVISING: {ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN},
    ProposalStatus.FILED: set(),
    ProposalStatus.NOT_FILED: set(),
    ProposalStatus.MERGED: set(),
    ProposalStatus.WITHDRAWN: set(),
}
EDITABLE_PROPOSAL_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.REVISING)


class Conversion(models.TextChoices):
    """What a proposal that is not filed becomes (不立案 转…)."""

    NONE = "", _("Nothing")
    INFORMATION = "information", _("A social-conditions information item (转社情民意)")
    REFERENCE = "reference", _("A letter for reference to departments (转有关部门参考)")


class CoSignerStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired (not answered before submission)")


class BodyKind(models.TextChoices):
    DEMOCRATIC_PARTY = "democratic_party", _("Democratic party")
    PEOPLES_ORGANISATION = "peoples_organisation", _("People's organisation")
    SECTOR = "sector", _("Sector (界别)")
    SPECIAL_COMMITTEE = "special_committee", _("Special committee (专门委员会)")


class GuideStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class SupervisionKind(models.TextChoices):
    MEETING = "meeting", _("Supervision meeting (督办座谈会)")
    SITE_VISIT = "site_visit", _("Site visit (实地视察)")
    CONSULTATION = "consultation", _("Handling consultation (办理协商)")
    FOLLOW_UP = "follow_up", _("Follow-up consultation (跟踪协商)")
    OTHER = "other", _("Other")


class ProcuratorateStatus(models.TextChoices):
    TRANSFERRED = "transferred", _("Transferred as a clue (已移送)")
    ACCEPTED = "accepted", _("Case opened (已立案)")
    DECLINED = "declined", _("Not opened (不立案)")
    RECOMMENDATION = "recommendation", _("Procuratorial recommendation issued (已发出检察建议)")
    CONCLUDED = "concluded", _("Concluded (已办结)")
