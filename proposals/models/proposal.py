"""Proposals (提案): writing, co-signing, review and the key-proposal and procuratorial links.

Until it is filed a proposal lives here alone. Filing (立案) creates its handling ``Case`` on
the shared engine; proposals merged into it (并案) point at the same case, so one handling
answers every proposer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.models import StoredUpload
from members.models import Committee, Department, Member, Sector, Session, SpecialCommittee, Term

from ..choices import (
    BodyKind,
    Conversion,
    CoSignerStatus,
    GuideStatus,
    ProcuratorateStatus,
    ProposalKind,
    ProposalStatus,
    ProposalTiming,
    SupervisionKind,
)
from .handling import Case, Category


class TopicGuide(models.Model):
    """A year's topic guide (选题指南): suggested topics staff publish before members write."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="topic_guides")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=GuideStatus.choices, default=GuideStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "-year"]
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="topic_guide_one_per_year")]
        verbose_name = _("topic guide")
        verbose_name_plural = _("topic guides")

    def __str__(self) -> str:
        return self.title


class GuideTopic(models.Model):
    guide = models.ForeignKey(TopicGuide, verbose_name=_("topic guide"), on_delete=models.CASCADE,
                              related_name="topics")
    title = models.CharField(_("topic"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["guide", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["guide", "title"], name="guide_topic_unique_title")]
        verbose_name = _("suggested topic")
        verbose_name_plural = _("suggested topics")

    def __str__(self) -> str:
        return self.title


class ProposalBody(models.Model):
    """A body that submits collective proposals (集体提案): a democratic party, a people's
    organisation, a sector or a special committee, through the users it authorises."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="proposal_bodies")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=BodyKind.choices)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="proposal_bodies")
    special_committee = models.ForeignKey(SpecialCommittee, verbose_name=_("special committee"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="proposal_bodies")
    authorised_users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("authorised users"),
                                              blank=True, related_name="proposal_bodies")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["committee", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="proposal_body_unique_name")]
        verbose_name = _("proposing body")
        verbose_name_plural = _("proposing bodies")

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="proposals")
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="proposals")
    session = models.ForeignKey(Session, verbose_name=_("plenary session"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="proposals")
    year = models.PositiveSmallIntegerField(_("year"))
    timing = models.CharField(_("submitted"), max_length=16, choices=ProposalTiming.choices,
                              default=ProposalTiming.INTERSESSION)
    kind = models.CharField(_("kind"), max_length=16, choices=ProposalKind.choices, default=ProposalKind.INDIVIDUAL)
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("subject (案由)"))
    analysis = models.TextField(_("analysis and reasoning"))
    suggestions = models.TextField(_("concrete suggestions"))
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="proposals")
    topic = models.ForeignKey(GuideTopic, verbose_name=_("guide topic"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="proposals")
    proposer = models.ForeignKey(Member, verbose_name=_("first proposer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="proposals")
    body = models.ForeignKey(ProposalBody, verbose_name=_("proposing body"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="proposals")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"),
                                     on_delete=models.PROTECT, related_name="proposals")
    status = models.CharField(_("status"), max_length=16, choices=ProposalStatus.choices,
                              default=ProposalStatus.DRAFT)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    review_note = models.TextField(_("review note"), blank=True,
                                   help_text=_("The reason for not filing, or what to revise; the proposer sees it."))
    conversion = models.CharField(_("converted into"), max_length=16, choices=Conversion.choices, blank=True)
    reference_departments = models.ManyToManyField(Department, verbose_name=_("sent for reference to"), blank=True,
                                                   related_name="reference_proposals")
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged")
    case = models.ForeignKey(Case, verbose_name=_("handling"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="proposals")
    is_key = models.BooleanField(_("key proposal (重点提案)"), default=False)
    key_leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("supervising leaders"),
                                         blank=True, related_name="supervised_proposals")
    key_plan = models.TextField(_("supervision plan"), blank=True)
    key_marked_at = models.DateTimeField(_("marked key at"), null=True, blank=True)
    # jieba keywords with TF-IDF weights, computed on save of the text, for similarity.
    keywords = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "term", "year", "number"], condition=Q(number__isnull=False),
                                    name="proposal_unique_number"),
            models.CheckConstraint(
                condition=(Q(kind="collective") & Q(body__isnull=False) & Q(proposer__isnull=True))
                | (~Q(kind="collective") & Q(body__isnull=True) & Q(proposer__isnull=False)),
                name="proposal_author_matches_kind",
                violation_error_message=_("A collective proposal has a proposing body; others a first proposer."),
            ),
        ]
        indexes = [
            models.Index(fields=["committee", "status", "-id"], name="proposal_status_list_idx"),
            models.Index(fields=["committee", "year", "number"], name="proposal_number_idx"),
            models.Index(fields=["submitted_by", "-id"], name="proposal_author_list_idx"),
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return f"{self.number_label} {self.title}".strip()

    @property
    def number_label(self) -> str:
        return _("No. %(n)s") % {"n": f"{self.number:04d}"} if self.number else ""

    @property
    def author_name(self) -> str:
        if self.body_id:
            return self.body.name
        return self.proposer.name if self.proposer_id else ""

    @property
    def text(self) -> str:
        """The whole proposal as one text: what departments read and similarity compares."""
        return "\n\n".join(part for part in (self.reason, self.analysis, self.suggestions) if part)


class CoSigner(models.Model):
    """A member invited to co-sign a joint proposal (联名); only confirmed signers count."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosigners")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="cosign_invitations")
    status = models.CharField(_("status"), max_length=16, choices=CoSignerStatus.choices,
                              default=CoSignerStatus.INVITED)
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["proposal", "invited_at", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="cosigner_unique")]
        indexes = [models.Index(fields=["member", "status"], name="cosigner_invitations_idx")]
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")

    def __str__(self) -> str:
        return f"{self.member} ({self.get_status_display()})"


class ProposalAttachment(StoredUpload):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="proposals/%Y/%m/")

    class Meta:
        ordering = ["id"]
        verbose_name = _("proposal attachment")
        verbose_name_plural = _("proposal attachments")


class ProposalSequence(models.Model):
    """The last number given per committee, term and year; locked while filing so numbers run
    without gaps or repeats."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "term", "year"], name="proposal_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.committee_id}/{self.term_id}/{self.year}: {self.last}"


class SupervisionActivity(models.Model):
    """A leader's supervision of a key proposal: a meeting, a site visit, a consultation."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supervision_activities")
    kind = models.CharField(_("kind"), max_length=16, choices=SupervisionKind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    summary = models.TextField(_("summary"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("supervision activity")
        verbose_name_plural = _("supervision activities")

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"


class ProcuratorateTransfer(models.Model):
    """A proposal passed to the procuratorate as a public-interest-litigation clue, and what
    came of it (the two-way link)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="procuratorate_transfer")
    procuratorate = models.ForeignKey(Department, verbose_name=_("procuratorate"), on_delete=models.PROTECT,
                                      related_name="proposal_clues")
    transferred_on = models.DateField(_("transferred on"))
    clue = models.TextField(_("the clue"))
    status = models.CharField(_("status"), max_length=16, choices=ProcuratorateStatus.choices,
                              default=ProcuratorateStatus.TRANSFERRED)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("procuratorate transfer")
        verbose_name_plural = _("procuratorate transfers")

    def __str__(self) -> str:
        return f"{self.proposal} → {self.procuratorate}"
