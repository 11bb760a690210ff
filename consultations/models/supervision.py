"""Democratic supervision (民主监督) topics of the four kinds, research (调研) and inspection
(视察) tasks: a team, a plan, activities (models.consultation.Activity), reports per year,
leader instructions and follow-up, possibly across several years."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Committee, Department, Member, SpecialCommittee

from ..choices import ReportKind, SupervisionKind, TaskCategory, TaskStatus, TeamRole


class Task(models.Model):
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="duty_tasks")
    category = models.CharField(_("category"), max_length=12, choices=TaskCategory.choices)
    supervision_kind = models.CharField(_("kind of supervision"), max_length=16, choices=SupervisionKind.choices,
                                        blank=True, default=SupervisionKind.NONE)
    title = models.CharField(_("topic"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    plan = models.TextField(_("work plan"), blank=True)
    organiser = models.ForeignKey(SpecialCommittee, verbose_name=_("organiser"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="duty_tasks")
    partners = models.ManyToManyField(Department, verbose_name=_("working with"), blank=True,
                                      related_name="duty_tasks",
                                      help_text=_("Collaborative supervision: courts, procuratorate, inspection bodies."))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year (planned)"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.PLANNED)
    findings = models.TextField(_("findings"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_year", "-id"]
        indexes = [models.Index(fields=["committee", "category", "-start_year"], name="task_committee_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="task_years_order",
                                   violation_error_message=_("The last year must not be before the first.")),
            models.CheckConstraint(
                condition=(Q(category="supervision") & ~Q(supervision_kind=""))
                | (~Q(category="supervision") & Q(supervision_kind="")),
                name="task_supervision_kind",
                violation_error_message=_("A supervision topic has one of the four kinds; research and inspection "
                                          "have none.")),
        ]
        verbose_name = _("supervision or research task")
        verbose_name_plural = _("supervision and research tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class TeamMember(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="team")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="task_roles")
    role = models.CharField(_("role"), max_length=8, choices=TeamRole.choices, default=TeamRole.MEMBER)

    class Meta:
        ordering = ["role", "id"]  # "lead" sorts before "member"
        constraints = [
            models.UniqueConstraint(fields=["task", "member"], name="team_member_unique",
                                    violation_error_message=_("This member is already on the team.")),
            models.UniqueConstraint(fields=["task"], condition=Q(role="lead"), name="team_one_lead",
                                    violation_error_message=_("The team already has a lead.")),
        ]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return str(self.member)


class TaskReport(models.Model):
    """A task's report for a year (interim, the year's, or final)."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task"], condition=Q(kind="final"), name="task_one_final_report",
                                    violation_error_message=_("The task already has a final report.")),
        ]
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")

    def __str__(self) -> str:
        return self.title
