"""Social-conditions and public-opinion information (社情民意信息): items by members and
information officers, reviewed, edited, signed off, compiled into numbered bulletin issues,
sent up (a higher committee in the portal receives its own copy) or passed to departments on
the handling engine; adoption per level and leader instructions credit the authors."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Committee, Member

from ..choices import AdoptionLevel, InformationStatus, IssueStatus


class InformationOfficer(models.Model):
    """An information officer (信息员): a login who may submit items to a committee without
    being a member (a township work office, a sector's liaison, a reporter)."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="information_officers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("login"), on_delete=models.CASCADE,
                             related_name="information_desks")
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "user"], name="information_officer_unique")]
        verbose_name = _("information officer")
        verbose_name_plural = _("information officers")

    def __str__(self) -> str:
        return f"{self.user} ({self.committee})"


class Bulletin(models.Model):
    """A committee's information bulletin (《社情民意》, 《政协信息》 …)."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="bulletins")
    name = models.CharField(_("name"), max_length=40)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["committee", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="bulletin_unique_name")]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self) -> str:
        return self.name


class BulletinIssue(models.Model):
    """A numbered issue (期) of a bulletin: its items in order, sent to its recipients."""

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("bulletin"), on_delete=models.PROTECT,
                                 related_name="issues")
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="bulletin_issues")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("issue number"))
    title = models.CharField(_("title"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=IssueStatus.choices, default=IssueStatus.DRAFT)
    recipients = models.JSONField(_("sent to"), default=list, blank=True)
    editor = models.CharField(_("edited by"), max_length=60, blank=True)
    signed_by = models.CharField(_("signed off by"), max_length=60, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("compiled by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "year", "number"], name="bulletin_issue_unique_number"),
        ]
        verbose_name = _("bulletin issue")
        verbose_name_plural = _("bulletin issues")

    def __str__(self) -> str:
        return f"{self.bulletin.name} {self.year}年第{self.number}期"

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}期"


class InformationItem(models.Model):
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="information_items")
    title = models.CharField(_("title"), max_length=120)
    content = models.TextField(_("content as submitted"))
    edited_title = models.CharField(_("edited title"), max_length=120, blank=True)
    edited_content = models.TextField(_("edited text"), blank=True)
    category = models.ForeignKey("proposals.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="information_items")
    status = models.CharField(_("status"), max_length=12, choices=InformationStatus.choices,
                              default=InformationStatus.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_note = models.TextField(_("review note / reason"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed off by"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    issue = models.ForeignKey(BulletinIssue, verbose_name=_("bulletin issue"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="items")
    issue_position = models.PositiveSmallIntegerField(_("position in the issue"), null=True, blank=True)
    # A proposal not filed and converted to information (不立案转社情民意).
    source_proposal = models.OneToOneField("proposals.Proposal", verbose_name=_("from proposal"), null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="information_item")
    # Three-level linkage: the copy a higher committee received points at the item it came from.
    forwarded_from = models.OneToOneField("self", verbose_name=_("forwarded from"), null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="forwarded_copy")
    # Passed to departments for handling on the shared engine.
    case = models.OneToOneField("proposals.Case", verbose_name=_("handling"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="information_item")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["committee", "status", "-id"], name="information_status_idx"),
            models.Index(fields=["submitted_by", "-id"], name="information_submitter_idx"),
        ]
        verbose_name = _("information item")
        verbose_name_plural = _("information items")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.edited_title or self.title

    @property
    def display_content(self) -> str:
        return self.edited_content or self.content


class InformationAuthor(models.Model):
    """One author of an item and their share of its credit (shares of an item add up to 1)."""

    item = models.ForeignKey(InformationItem, verbose_name=_("item"), on_delete=models.CASCADE,
                             related_name="authors")
    member = models.ForeignKey(Member, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="information_authorships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("login"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    share = models.DecimalField(_("share of credit"), max_digits=4, decimal_places=3, default=Decimal("1"),
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))])

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], condition=Q(member__isnull=False),
                                    name="information_author_unique_member",
                                    violation_error_message=_("This member is already an author.")),
            models.CheckConstraint(condition=Q(share__gte=0) & Q(share__lte=1), name="information_author_share_range"),
        ]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name


class Adoption(models.Model):
    """An item adopted (采用) at a level: by this committee's bulletin, a higher committee, the
    provincial or national CPPCC. One per item and level."""

    item = models.ForeignKey(InformationItem, verbose_name=_("item"), on_delete=models.CASCADE,
                             related_name="adoptions")
    level = models.CharField(_("level"), max_length=12, choices=AdoptionLevel.choices)
    adopted_on = models.DateField(_("adopted on"))
    adopted_by = models.CharField(_("adopted by / in"), max_length=120,
                                  help_text=_("The body and publication, e.g. 省政协《社情民意》2026年第12期."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["adopted_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "level"], name="adoption_unique_level",
                                    violation_error_message=_("Adoption at this level is already recorded.")),
        ]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.adopted_on}"
