"""The handling engine's models, shared by micro-suggestions, proposals and information items:
a Case is handled through Assignments to departments, each with a working-day deadline clock,
replies, feedback, return requests (申退), extensions, follow-ups and once-only escalations."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.models import StoredUpload
from members.models import Committee, Department, Member

from ..choices import (
    AssignmentRole,
    AssignmentStatus,
    CaseKind,
    CaseStatus,
    ContactMethod,
    EscalationLevel,
    FollowKind,
    HandlingMode,
    Rating,
    ReplyReview,
    RequestStatus,
    ResultCategory,
)


class Category(models.Model):
    """A subject category of a committee (城乡建设, 教育, 医疗卫生 …), for routing and statistics."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="case_categories")
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["committee", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="category_unique_name")]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class HandlingPolicy(models.Model):
    """A committee's handling rules for one kind of item (optionally one category).

    The most specific policy wins: (committee, kind, category) over (committee, kind).
    Without any, the defaults below apply.
    """

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="handling_policies")
    kind = models.CharField(_("item kind"), max_length=20, choices=CaseKind.choices)
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="policies")
    reply_workdays = models.PositiveSmallIntegerField(_("working days to reply"), default=10)
    co_opinion_workdays = models.PositiveSmallIntegerField(_("working days for co-handlers' opinions"), default=5)
    objection_workdays = models.PositiveSmallIntegerField(_("working days to ask for a return (申退)"), default=3)
    rating_workdays = models.PositiveSmallIntegerField(_("working days for the member to rate"), default=10)
    max_rounds = models.PositiveSmallIntegerField(_("handling rounds at most"), default=2,
                                                  help_text=_("An unsatisfied rating re-opens the item until this many rounds."))
    max_extension_workdays = models.PositiveSmallIntegerField(_("extension at most (working days)"), default=10)
    reminder_workdays = models.PositiveSmallIntegerField(_("remind this many working days before the deadline"),
                                                         default=2)
    escalate_head_after = models.PositiveSmallIntegerField(_("escalate to the department head after (working days overdue)"), default=2)
    escalate_staff_after = models.PositiveSmallIntegerField(_("escalate to committee staff after (working days overdue)"), default=5)
    escalate_leader_after = models.PositiveSmallIntegerField(_("escalate to the supervising leader after (working days overdue)"), default=10)
    routing_confidence = models.FloatField(_("confidence needed to route by recommendation"), default=0.8)
    result_categories = models.CharField(
        _("result categories a reply reports"), max_length=8, blank=True, default="",
        help_text=_("Empty: replies report no result category; \"ABC\" or \"ABCD\" for proposals."))
    review_replies = models.BooleanField(_("staff review replies before the submitter sees them"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "kind", "category"], name="policy_unique"),
            models.UniqueConstraint(fields=["committee", "kind"], condition=Q(category__isnull=True),
                                    name="policy_unique_default"),
            models.CheckConstraint(condition=Q(reply_workdays__gte=1), name="policy_reply_workdays_positive",
                                   violation_error_message=_("Allow at least one working day to reply.")),
            models.CheckConstraint(condition=Q(max_rounds__gte=1), name="policy_rounds_positive",
                                   violation_error_message=_("Allow at least one round of handling.")),
            models.CheckConstraint(
                condition=Q(escalate_head_after__lte=models.F("escalate_staff_after"))
                & Q(escalate_staff_after__lte=models.F("escalate_leader_after")),
                name="policy_escalation_order",
                violation_error_message=_("Escalation goes head, then staff, then leader: the days must not decrease."),
            ),
            models.CheckConstraint(condition=Q(routing_confidence__gte=0) & Q(routing_confidence__lte=1),
                                   name="policy_confidence_range",
                                   violation_error_message=_("Confidence is between 0 and 1.")),
        ]
        verbose_name = _("handling policy")
        verbose_name_plural = _("handling policies")

    def __str__(self) -> str:
        return f"{self.committee} · {self.get_kind_display()}" + (f" · {self.category}" if self.category_id else "")

    @classmethod
    def builtin(cls, *, committee_id: int, kind: str) -> HandlingPolicy:
        """The policy a committee has before it writes its own: the field defaults, with the
        kind's usual numbers (a proposal: three months to reply, six at most)."""
        return cls(committee_id=committee_id, kind=kind, **KIND_DEFAULTS.get(kind, {}))


# A proposal's usual numbers in working days: three months ≈ 60 working days to reply, the
# final reply within six months ≈ 60 more by extension; co-handlers' opinions within a month.
KIND_DEFAULTS: dict[str, dict] = {
    CaseKind.PROPOSAL: {
        "reply_workdays": 60, "co_opinion_workdays": 20, "objection_workdays": 5, "rating_workdays": 20,
        "max_extension_workdays": 60, "reminder_workdays": 10, "escalate_head_after": 5,
        "escalate_staff_after": 10, "escalate_leader_after": 20, "result_categories": "ABC",
    },
}


class Case(models.Model):
    """Anything the committee hands to departments and follows to a rated reply."""

    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="cases")
    title = models.CharField(_("title"), max_length=120)
    content = models.TextField(_("content"))
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="cases")
    place = models.ForeignKey(Committee, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text=_("The district or township the item concerns."))
    address = models.CharField(_("address"), max_length=200, blank=True)
    submitter = models.ForeignKey(Member, verbose_name=_("submitted by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="submitted_cases")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by (login)"),
                                     on_delete=models.PROTECT, related_name="+")
    co_submitters = models.ManyToManyField(Member, verbose_name=_("co-submitters"), blank=True,
                                           related_name="co_submitted_cases")
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.ROUTING)
    handling_mode = models.CharField(_("handling mode"), max_length=16, choices=HandlingMode.choices, blank=True)
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    # The earliest deadline among open assignments (denormalised for the lists and the sweep).
    due_date = models.DateField(_("due"), null=True, blank=True)
    rating = models.CharField(_("final rating"), max_length=16, choices=Rating.choices, blank=True)
    result_category = models.CharField(_("result category"), max_length=1, choices=ResultCategory.choices,
                                       blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True,
                                      help_text=_("For category B: the day the follow-up recorded it implemented."))
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["committee", "kind", "-id"], name="case_committee_list_idx"),
            models.Index(fields=["committee", "kind", "status", "-id"], name="case_status_list_idx"),
            models.Index(fields=["submitted_by", "kind", "-id"], name="case_submitter_list_idx"),
            models.Index(fields=["due_date"], name="case_open_due_idx",
                         condition=Q(status__in=["handling", "replied"])),
        ]
        verbose_name = _("handled item")
        verbose_name_plural = _("handled items")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.status == CaseStatus.HANDLING and self.due_date is not None and self.due_date < timezone.localdate()


class CaseAttachment(StoredUpload):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    purpose = models.CharField(max_length=16, default="submission",
                               choices=[("submission", _("Submission")), ("reply", _("Reply letter"))])

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

class Assignment(models.Model):
    """One department's part in handling a case in one round, with its deadline clock.

    The clock is (clock_start, clock_workdays): the deadline is ``clock_workdays`` working days
    after ``clock_start``. A pause stores what was left; resuming restarts the clock on the day
    it resumes; an extension adds working days; a calendar change recomputes ``due_date``
    from the clock. ``deadline_log`` keeps each step for showing how the deadline came about.
    """

    case = models.ForeignKey(Case, verbose_name=_("item"), on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="assignments")
    role = models.CharField(_("role"), max_length=16, choices=AssignmentRole.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ASSIGNED)
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    clock_start = models.DateField(_("deadline counted from"))
    clock_workdays = models.PositiveSmallIntegerField(_("working days allowed"))
    paused_at = models.DateField(_("deadline paused since"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    objection_until = models.DateField(_("return may be requested until"), null=True, blank=True)
    extended_workdays = models.PositiveSmallIntegerField(_("extended by (working days)"), default=0)
    deadline_log = models.JSONField(_("how the deadline was computed"), default=list, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["case", "round", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "department", "round"],
                condition=~Q(status__in=["returned", "withdrawn"]),
                name="assignment_one_active_per_department",
            ),
            models.UniqueConstraint(
                fields=["case", "round"], condition=Q(role="lead") & ~Q(status__in=["returned", "withdrawn"]),
                name="assignment_one_lead",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_date"], name="assignment_inbox_idx"),
            models.Index(fields=["department", "due_date", "id"], name="assignment_open_inbox_idx",
                         condition=Q(status__in=["assigned", "accepted", "objecting"])),
            models.Index(fields=["due_date"], name="assignment_open_due_idx",
                         condition=Q(status__in=["assigned", "accepted"])),
        ]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.case} → {self.department} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in ("assigned", "accepted", "objecting")

    @property
    def is_overdue(self) -> bool:
        return (self.status in ("assigned", "accepted") and self.due_date is not None
                and self.due_date < timezone.localdate())

    @property
    def replies_to_member(self) -> bool:
        return self.role in (AssignmentRole.LEAD, AssignmentRole.SEPARATE)


class Reply(models.Model):
    """A department's answer: to the member (lead or separate unit), or a co-handler's opinion
    to the lead unit."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("round"))
    is_opinion = models.BooleanField(_("co-handler's opinion"), default=False)
    text = models.TextField(_("reply"))
    attachment = models.ForeignKey(CaseAttachment, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    result_category = models.CharField(_("result category"), max_length=1, choices=ResultCategory.choices,
                                       blank=True)
    may_publish = models.BooleanField(_("may be published"), default=False)
    review_status = models.CharField(_("review"), max_length=16, choices=ReplyReview.choices,
                                     default=ReplyReview.RELEASED)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("replied at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Two liaisons replying at once: one reply per assignment and round wins (a reply
            # staff returned for revision makes room for the revised one).
            models.UniqueConstraint(fields=["assignment", "round"], condition=~Q(review_status="returned"),
                                    name="reply_once_per_round"),
        ]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.assignment.department}: {self.text[:30]}"

    @property
    def is_released(self) -> bool:
        return self.review_status == ReplyReview.RELEASED


class Feedback(models.Model):
    """The member's rating of one reply."""

    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="feedback")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback")
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return self.get_rating_display()


class ContactRecord(models.Model):
    """A department's contact with the member while handling (面谈, 电话, 座谈, 书信)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="contacts")
    method = models.CharField(_("method"), max_length=16, choices=ContactMethod.choices)
    contacted_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contacted_on", "id"]
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.contacted_on}"


class ObjectionRequest(models.Model):
    """A department asks to return an item (申退); the deadline pauses until staff decide."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="objections")
    reason = models.TextField(_("reason"))
    suggested_department = models.ForeignKey(Department, verbose_name=_("suggested department"), null=True,
                                             blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(status="pending"),
                                    name="objection_one_pending"),
        ]
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")

    def __str__(self) -> str:
        return f"{self.assignment} ({self.get_status_display()})"


class ExtensionRequest(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    workdays = models.PositiveSmallIntegerField(_("working days requested"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(status="pending"),
                                    name="extension_one_pending"),
            models.CheckConstraint(condition=Q(workdays__gte=1), name="extension_positive",
                                   violation_error_message=_("Ask for at least one working day.")),
        ]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.assignment} +{self.workdays} ({self.get_status_display()})"


class Follow(models.Model):
    """A leader or member takes up (领办/督办) or follows a case and is told of every step."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_cases")
    kind = models.CharField(_("kind"), max_length=16, choices=FollowKind.choices, default=FollowKind.FOLLOW)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="follow_unique")]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} {self.case}"


class Escalation(models.Model):
    """A reminder or escalation sent for an assignment; unique so each level fires once."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="escalations")
    round = models.PositiveSmallIntegerField()
    level = models.CharField(_("level"), max_length=16, choices=EscalationLevel.choices)
    due_date = models.DateField(_("deadline at the time"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round", "level"], name="escalation_once_per_level")
        ]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.assignment} {self.get_level_display()}"




class ProgressNote(models.Model):
    """A follow-up entry after the reply ("from replied to implemented"): what was done by when,
    until the item is recorded implemented (category B items above all)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="progress_notes")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    noted_on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    implemented = models.BooleanField(_("implemented"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["noted_on", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.noted_on} {self.text[:30]}"
