"""Consultation (协商议政): a committee's kinds, topics from three sources, the annual plan,
sessions with participants, materials, speeches, the online discussion, results, leader
instructions and implementation follow-up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.models import StoredUpload
from members.models import Committee, Department, Member, SpecialCommittee

from ..choices import (
    ActivityKind,
    Attendance,
    ConsultationForm,
    InstructionLevel,
    InvitationStatus,
    ParticipantRole,
    PlanStatus,
    ResultStatus,
    SessionStatus,
    SpeechKind,
    SpeechStatus,
    TopicSource,
    TopicStatus,
)


class ConsultationKind(models.Model):
    """A kind of consultation in the committee's own words, built on one of the forms."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="consultation_kinds")
    name = models.CharField(_("name"), max_length=60)
    form = models.CharField(_("form"), max_length=20, choices=ConsultationForm.choices)
    steps = models.JSONField(_("step checklist"), default=list, blank=True,
                             help_text=_("For grassroots deliberation: the steps every session goes through."))
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["committee", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="consultation_kind_unique_name")]
        verbose_name = _("consultation kind")
        verbose_name_plural = _("consultation kinds")

    def __str__(self) -> str:
        return self.name


class ConsultationPlan(models.Model):
    """A committee's annual consultation plan (年度协商计划)."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="consultation_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "-year"]
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="consultation_plan_unique_year")]
        verbose_name = _("consultation plan")
        verbose_name_plural = _("consultation plans")

    def __str__(self) -> str:
        return self.title


class Topic(models.Model):
    """A consultation topic (议题) from one of the three sources, reviewed by staff and
    scheduled into the plan."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="consultation_topics")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=12, choices=TopicSource.choices)
    source_detail = models.CharField(_("from"), max_length=120, blank=True,
                                     help_text=_("Who assigned or raised it, e.g. 市委办公室 or a studio."))
    recommended_by = models.ForeignKey(Member, verbose_name=_("recommended by"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="recommended_topics")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                     on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(ConsultationKind, verbose_name=_("proposed kind"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="topics")
    organiser = models.ForeignKey(SpecialCommittee, verbose_name=_("organiser"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="consultation_topics")
    status = models.CharField(_("status"), max_length=12, choices=TopicStatus.choices, default=TopicStatus.PROPOSED)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    plan = models.ForeignKey(ConsultationPlan, verbose_name=_("plan"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="topics")
    planned_month = models.PositiveSmallIntegerField(_("planned month"), null=True, blank=True)
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        ordering = ["-year", "planned_month", "-id"]
        indexes = [models.Index(fields=["committee", "year", "status"], name="topic_committee_year_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(planned_month__isnull=True)
                                   | (Q(planned_month__gte=1) & Q(planned_month__lte=12)),
                                   name="topic_planned_month_range",
                                   violation_error_message=_("The month is between 1 and 12.")),
        ]
        verbose_name = _("consultation topic")
        verbose_name_plural = _("consultation topics")

    def __str__(self) -> str:
        return self.title


class Consultation(models.Model):
    """One consultation session (协商活动): a meeting, an online consultation or a deliberation."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="consultations")
    kind = models.ForeignKey(ConsultationKind, verbose_name=_("kind"), on_delete=models.PROTECT,
                             related_name="consultations")
    title = models.CharField(_("title"), max_length=120)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="consultations")
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    organiser = models.ForeignKey(SpecialCommittee, verbose_name=_("organiser"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="consultations")
    departments = models.ManyToManyField(Department, verbose_name=_("counterpart departments"), blank=True,
                                         related_name="consultations")
    proposals = models.ManyToManyField("proposals.Proposal", verbose_name=_("proposals handled"), blank=True,
                                       related_name="consultations")
    status = models.CharField(_("status"), max_length=12, choices=SessionStatus.choices,
                              default=SessionStatus.PLANNED)
    discussion_open = models.BooleanField(_("discussion open"), default=False)
    # Grassroots deliberation: [{"step": "征集议题", "done_on": "2026-03-02", "note": "…"}, …]
    steps = models.JSONField(_("steps"), default=list, blank=True)
    summary = models.TextField(_("minutes / summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    held_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["committee", "-starts_at"], name="consultation_committee_idx"),
            models.Index(fields=["committee", "status", "-starts_at"], name="consultation_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="consultation_ends_after_start",
                                   violation_error_message=_("The end must not be before the start.")),
        ]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title

    @property
    def form(self) -> str:
        return self.kind.form


class Activity(models.Model):
    """An activity of a supervision, research or inspection task (a visit, a seminar, an
    inquiry meeting), with a date and attendance like a consultation's."""

    task = models.ForeignKey("consultations.Task", verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="activities")
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices, default=ActivityKind.VISIT)
    title = models.CharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.TextField(_("what was found"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="activity_ends_after_start",
                                   violation_error_message=_("The end must not be before the start.")),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    """Someone invited to a consultation or taking part in a task's activity: a member (whose
    attendance counts in their duty record), or an expert, official or public representative
    by name."""

    consultation = models.ForeignKey(Consultation, verbose_name=_("consultation"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="participants")
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="participants")
    studio_activity = models.ForeignKey("consultations.StudioActivity", verbose_name=_("studio activity"), null=True,
                                        blank=True, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(Member, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("login"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="participations")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="participations")
    name = models.CharField(_("name"), max_length=60)
    organisation = models.CharField(_("organisation / title"), max_length=120, blank=True)
    role = models.CharField(_("taking part as"), max_length=12, choices=ParticipantRole.choices,
                            default=ParticipantRole.MEMBER)
    invitation = models.CharField(_("invitation"), max_length=12, choices=InvitationStatus.choices,
                                  default=InvitationStatus.PENDING)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    response_note = models.CharField(_("reason / note"), max_length=300, blank=True)
    attendance = models.CharField(_("attendance"), max_length=12, choices=Attendance.choices, blank=True,
                                  default=Attendance.UNKNOWN)
    checked_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["member", "attendance"], name="participant_member_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(consultation__isnull=False) & Q(activity__isnull=True) & Q(studio_activity__isnull=True))
                | (Q(consultation__isnull=True) & Q(activity__isnull=False) & Q(studio_activity__isnull=True))
                | (Q(consultation__isnull=True) & Q(activity__isnull=True) & Q(studio_activity__isnull=False)),
                name="participant_one_event"),
            models.UniqueConstraint(fields=["studio_activity", "member"], condition=Q(member__isnull=False),
                                    name="participant_unique_member_studio_activity",
                                    violation_error_message=_("This member is already on the list.")),
            models.UniqueConstraint(fields=["consultation", "member"], condition=Q(member__isnull=False),
                                    name="participant_unique_member_consultation",
                                    violation_error_message=_("This member is already invited.")),
            models.UniqueConstraint(fields=["activity", "member"], condition=Q(member__isnull=False),
                                    name="participant_unique_member_activity",
                                    violation_error_message=_("This member is already on the list.")),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name


class Material(StoredUpload):
    """Research material and background documents given to a consultation's participants."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=120)
    file = models.FileField(_("file"), upload_to="consultations/%Y/%m/")

    class Meta:
        ordering = ["id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title


class Speech(models.Model):
    """A speech registered and recorded (发言), or a written opinion (书面意见)."""

    consultation = models.ForeignKey(Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE,
                                     related_name="speeches")
    participant = models.ForeignKey(Participant, verbose_name=_("speaker"), on_delete=models.CASCADE,
                                    related_name="speeches")
    kind = models.CharField(_("kind"), max_length=12, choices=SpeechKind.choices, default=SpeechKind.ORAL)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=12, choices=SpeechStatus.choices,
                              default=SpeechStatus.REGISTERED)
    order = models.PositiveSmallIntegerField(_("speaking order"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """A contribution to an online consultation's discussion while it is open."""

    consultation = models.ForeignKey(Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE,
                                     related_name="posts")
    participant = models.ForeignKey(Participant, verbose_name=_("participant"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField(_("text"))
    is_hidden = models.BooleanField(_("hidden by staff"), default=False)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("discussion post")
        verbose_name_plural = _("discussion posts")

    def __str__(self) -> str:
        return self.text[:40]


class Result(models.Model):
    """A consultation result (协商成果): the report approved and sent to the party committee and
    government, followed until implemented."""

    consultation = models.ForeignKey(Consultation, verbose_name=_("consultation"), on_delete=models.PROTECT,
                                     related_name="results")
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="consultation_results")
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=12, choices=ResultStatus.choices, default=ResultStatus.DRAFT)
    recipients = models.JSONField(_("sent to"), default=list, blank=True)
    departments = models.ManyToManyField(Department, verbose_name=_("departments concerned"), blank=True,
                                         related_name="consultation_results")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["committee", "status", "-id"], name="result_committee_idx")]
        verbose_name = _("consultation result")
        verbose_name_plural = _("consultation results")

    def __str__(self) -> str:
        return self.title


class Instruction(models.Model):
    """A leader's instruction (批示) on a consultation result, an information item or a
    supervision/research report."""

    result = models.ForeignKey(Result, null=True, blank=True, on_delete=models.CASCADE, related_name="instructions")
    information = models.ForeignKey("consultations.InformationItem", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="instructions")
    task = models.ForeignKey("consultations.Task", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="instructions")
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="instructions")
    leader_name = models.CharField(_("leader"), max_length=60)
    leader_title = models.CharField(_("leader's position"), max_length=80, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=InstructionLevel.choices)
    instructed_on = models.DateField(_("instructed on"))
    text = models.TextField(_("instruction"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-instructed_on", "-id"]
        indexes = [models.Index(fields=["committee", "-instructed_on"], name="instruction_committee_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(result__isnull=False) & Q(information__isnull=True) & Q(task__isnull=True))
                | (Q(result__isnull=True) & Q(information__isnull=False) & Q(task__isnull=True))
                | (Q(result__isnull=True) & Q(information__isnull=True) & Q(task__isnull=False)),
                name="instruction_one_target"),
        ]
        verbose_name = _("leader instruction")
        verbose_name_plural = _("leader instructions")

    def __str__(self) -> str:
        return f"{self.leader_name} {self.instructed_on}"


class FollowUp(models.Model):
    """An implementation follow-up entry (落实跟踪) on a result or a task's report."""

    result = models.ForeignKey(Result, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups")
    task = models.ForeignKey("consultations.Task", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="follow_ups")
    noted_on = models.DateField(_("date"))
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("progress"))
    implemented = models.BooleanField(_("implemented"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["noted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(result__isnull=False) & Q(task__isnull=True))
                | (Q(result__isnull=True) & Q(task__isnull=False)),
                name="follow_up_one_target"),
        ]
        verbose_name = _("follow-up entry")
        verbose_name_plural = _("follow-up entries")

    def __str__(self) -> str:
        return f"{self.noted_on} {self.text[:40]}"


class CalendarFeed(models.Model):
    """A user's secret iCalendar feed address, for subscribing on a phone without signing in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
