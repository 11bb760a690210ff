"""Member studios' work with the public (委员工作室): the duty roster, concerns the public
raises on a studio's page (no login) and what became of them, and the studio's activities
(their attendance is a consultations.Participant, like a session's)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, Studio

from ..choices import ConcernConversion, ConcernStatus, DutyPeriod, StudioActivityKind


class DutyShift(models.Model):
    """A member on duty at a studio (委员值班) on a day."""

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="shifts")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="shifts")
    date = models.DateField(_("date"))
    period = models.CharField(_("time"), max_length=12, choices=DutyPeriod.choices, default=DutyPeriod.DAY)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "member", "date", "period"], name="shift_unique",
                                    violation_error_message=_("This member is already on duty then.")),
        ]
        indexes = [models.Index(fields=["studio", "date"], name="shift_studio_date_idx")]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")

    def __str__(self) -> str:
        return f"{self.member} {self.date}"


class Concern(models.Model):
    """A concern the public raised at a studio (群众诉求). Its tracking code opens a public status
    page that shows its progress and never the person's name or phone."""

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.PROTECT, related_name="concerns")
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=30, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    place = models.CharField(_("place"), max_length=100, blank=True)
    description = models.TextField(_("description"))
    photo = models.ImageField(_("photo"), upload_to="concerns/%Y/%m/", blank=True)
    photo_name = models.CharField(max_length=200, blank=True)
    client_hash = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=ConcernStatus.choices, default=ConcernStatus.NEW)
    assigned_to = models.ForeignKey(Member, verbose_name=_("member handling it"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="concerns")
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    reply = models.TextField(_("reply to the person"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    conversion = models.CharField(_("taken up as"), max_length=20, choices=ConcernConversion.choices, blank=True)
    converted_case = models.OneToOneField("proposals.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="concern")
    converted_proposal = models.OneToOneField("proposals.Proposal", null=True, blank=True,
                                              on_delete=models.SET_NULL, related_name="concern")
    converted_information = models.OneToOneField("consultations.InformationItem", null=True, blank=True,
                                                 on_delete=models.SET_NULL, related_name="concern")
    converted_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    converted_at = models.DateTimeField(_("taken up at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.CharField(_("closing note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["studio", "status", "-id"], name="concern_studio_idx"),
            models.Index(fields=["client_hash", "created_at"], name="concern_client_idx"),
        ]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")

    def __str__(self) -> str:
        return self.tracking_code


class StudioActivity(models.Model):
    """A studio's activity: receiving the public, a visit, a seminar, or the quarterly
    follow-up meeting on what the studio sent."""

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=12, choices=StudioActivityKind.choices)
    title = models.CharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # a follow-up meeting reviews one quarter: "2026Q3"
    quarter = models.CharField(_("quarter reviewed"), max_length=6, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")),
                                   name="studio_activity_ends_after_start",
                                   violation_error_message=_("The end must not be before the start.")),
        ]
        verbose_name = _("studio activity")
        verbose_name_plural = _("studio activities")

    def __str__(self) -> str:
        return self.title
