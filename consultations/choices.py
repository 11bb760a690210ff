"""States and kinds of consultation, supervision, research and information work, each
workflow beside its explicit transitions table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsultationForm(models.TextChoices):
    """The forms of consultation a committee's own kinds are built on; the form decides what a
    session needs (departments for counterpart consultation, proposals for proposal handling,
    a discussion thread online, a step checklist for grassroots deliberation)."""

    PLENARY = "plenary", _("Plenary session (全体会议)")
    STANDING = "standing", _("Special-topic standing committee meeting (专题议政性常委会议)")
    SPECIAL = "special", _("Special consultation (专题协商)")
    CHAIRMAN = "chairman", _("Chairman's meeting consultation (主席会议协商)")
    COUNTERPART = "counterpart", _("Counterpart consultation (对口协商)")
    SECTOR = "sector", _("Sector consultation (界别协商)")
    PROPOSAL_HANDLING = "proposal_handling", _("Proposal-handling consultation (提案办理协商)")
    EXPERT = "expert", _("Expert consultation (专家协商)")
    MICRO = "micro", _("Micro-consultation (微协商)")
    ONLINE = "online", _("Online / remote consultation (网络议政·远程协商)")
    GRASSROOTS = "grassroots", _("Grassroots deliberation (请你来协商)")


# The eight-step method of township deliberation (协商议事八步法), the default checklist of a
# grassroots kind; a committee edits its own.
GRASSROOTS_STEPS = [
    "征集议题", "确定议题", "调查研究", "制定方案", "组织协商", "形成成果", "成果报送", "跟踪落实",
]


class TopicSource(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned by the party committee and government (党政点题)")
    MEMBER = "member", _("Recommended by members (委员荐题)")
    PUBLIC = "public", _("Raised by the public (群众出题)")


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not adopted")
    SCHEDULED = "scheduled", _("In the plan")
    DONE = "done", _("Consulted")


TOPIC_TRANSITIONS = {
    TopicStatus.PROPOSED: {TopicStatus.APPROVED, TopicStatus.REJECTED},
    TopicStatus.APPROVED: {TopicStatus.SCHEDULED, TopicStatus.REJECTED},
    TopicStatus.REJECTED: set(),
    TopicStatus.SCHEDULED: {TopicStatus.APPROVED, TopicStatus.DONE},
    TopicStatus.DONE: set(),
}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Being prepared")
    ANNOUNCED = "announced", _("Announced")
    OPEN = "open", _("In progress")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


SESSION_TRANSITIONS = {
    SessionStatus.PLANNED: {SessionStatus.ANNOUNCED, SessionStatus.CANCELLED},
    SessionStatus.ANNOUNCED: {SessionStatus.OPEN, SessionStatus.CANCELLED},
    SessionStatus.OPEN: {SessionStatus.HELD},
    SessionStatus.HELD: set(),
    SessionStatus.CANCELLED: set(),
}


class ParticipantRole(models.TextChoices):
    MEMBER = "member", _("Member")
    EXPERT = "expert", _("Expert")
    OFFICIAL = "official", _("Department official")
    PUBLIC = "public", _("Public representative")
    LEADER = "leader", _("Leader")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Not yet answered")
    ACCEPTED = "accepted", _("Will attend")
    DECLINED = "declined", _("Declined")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused absence")
    ABSENT = "absent", _("Absent without excuse")


class SpeechKind(models.TextChoices):
    ORAL = "oral", _("Speech (发言)")
    WRITTEN = "written", _("Written opinion (书面意见)")


class SpeechStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    DELIVERED = "delivered", _("Delivered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ResultStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    CLOSED = "closed", _("Implemented and closed")


RESULT_TRANSITIONS = {
    ResultStatus.DRAFT: {ResultStatus.APPROVED},
    ResultStatus.APPROVED: {ResultStatus.SENT, ResultStatus.DRAFT},
    ResultStatus.SENT: {ResultStatus.CLOSED},
    ResultStatus.CLOSED: set(),
}


class Recipient(models.TextChoices):
    """Where a result or a bulletin is sent."""

    PARTY = "party", _("Party committee")
    GOVERNMENT = "government", _("Government")
    HIGHER = "higher", _("Higher CPPCC committee")
    DEPARTMENTS = "departments", _("Departments concerned")


# --- democratic supervision, research and inspection --------------------------------------------

class TaskCategory(models.TextChoices):
    SUPERVISION = "supervision", _("Democratic supervision (民主监督)")
    RESEARCH = "research", _("Research (调研)")
    INSPECTION = "inspection", _("Inspection (视察)")


class SupervisionKind(models.TextChoices):
    NONE = "", _("—")
    INQUIRY = "inquiry", _("Inquiry (询问式)")
    INVESTIGATIVE = "investigative", _("Investigative (调研视察式)")
    FOLLOW_UP = "follow_up", _("Follow-up across years (跟踪式)")
    COLLABORATIVE = "collaborative", _("Collaborative (协同式)")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    REPORTED = "reported", _("Report submitted")
    CONCLUDED = "concluded", _("Concluded")


TASK_TRANSITIONS = {
    TaskStatus.PLANNED: {TaskStatus.ACTIVE},
    TaskStatus.ACTIVE: {TaskStatus.REPORTED},
    TaskStatus.REPORTED: {TaskStatus.ACTIVE, TaskStatus.CONCLUDED},
    TaskStatus.CONCLUDED: set(),
}


class TeamRole(models.TextChoices):
    LEAD = "lead", _("Team lead")
    MEMBER = "member", _("Team member")


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Field visit")
    INSPECTION = "inspection", _("Inspection")
    SEMINAR = "seminar", _("Seminar")
    INQUIRY = "inquiry", _("Inquiry meeting")
    SURVEY = "survey", _("Survey / questionnaire")
    OTHER = "other", _("Other")


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    ANNUAL = "annual", _("Year's report")
    FINAL = "final", _("Final report")


# --- social-conditions and public-opinion information ------------------------------------------

class InformationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    APPROVED = "approved", _("Edited and approved")
    SIGNED_OFF = "signed_off", _("Signed off")
    COMPILED = "compiled", _("In a bulletin issue")
    SENT = "sent", _("Sent")


INFORMATION_TRANSITIONS = {
    InformationStatus.DRAFT: {InformationStatus.SUBMITTED},
    InformationStatus.SUBMITTED: {InformationStatus.DRAFT, InformationStatus.NOT_ADOPTED, InformationStatus.APPROVED},
    InformationStatus.NOT_ADOPTED: set(),
    InformationStatus.APPROVED: {InformationStatus.SIGNED_OFF, InformationStatus.SUBMITTED},
    InformationStatus.SIGNED_OFF: {InformationStatus.COMPILED, InformationStatus.APPROVED},
    InformationStatus.COMPILED: {InformationStatus.SENT, InformationStatus.SIGNED_OFF},
    InformationStatus.SENT: set(),
}


class AdoptionLevel(models.TextChoices):
    COMMITTEE = "committee", _("This committee")
    HIGHER = "higher", _("Higher committee")
    PROVINCIAL = "provincial", _("Provincial")
    NATIONAL = "national", _("National")


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Being compiled")
    SENT = "sent", _("Sent")


class InstructionLevel(models.TextChoices):
    """Whose leader instructed (批示)."""

    COMMITTEE = "committee", _("CPPCC leader")
    PARTY = "party", _("Party committee leader")
    GOVERNMENT = "government", _("Government leader")
    HIGHER = "higher", _("Higher-level leader")


# --- member studios' work with the public (委员工作室) ---------------------------------------------

class DutyPeriod(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    DAY = "day", _("All day")


class ConcernStatus(models.TextChoices):
    NEW = "new", _("Received")
    ASSIGNED = "assigned", _("With a member")
    REPLIED = "replied", _("Answered")
    CONVERTED = "converted", _("Taken up by a member")
    CLOSED = "closed", _("Closed")


CONCERN_TRANSITIONS = {
    ConcernStatus.NEW: {ConcernStatus.ASSIGNED, ConcernStatus.REPLIED, ConcernStatus.CONVERTED, ConcernStatus.CLOSED},
    ConcernStatus.ASSIGNED: {ConcernStatus.ASSIGNED, ConcernStatus.REPLIED, ConcernStatus.CONVERTED,
                             ConcernStatus.CLOSED},
    ConcernStatus.REPLIED: {ConcernStatus.CONVERTED, ConcernStatus.CLOSED},
    ConcernStatus.CONVERTED: {ConcernStatus.CLOSED},
    ConcernStatus.CLOSED: set(),
}


class ConcernConversion(models.TextChoices):
    MICRO_SUGGESTION = "micro_suggestion", _("A micro-suggestion")
    PROPOSAL = "proposal", _("A proposal draft")
    INFORMATION = "information", _("A social-conditions item")


class StudioActivityKind(models.TextChoices):
    RECEPTION = "reception", _("Reception of the public (接待)")
    VISIT = "visit", _("Visit (走访)")
    SEMINAR = "seminar", _("Seminar (座谈)")
    FOLLOW_UP = "follow_up", _("Quarterly follow-up meeting (季度跟踪会)")
    OTHER = "other", _("Other")
