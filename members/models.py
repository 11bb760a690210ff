"""The organisation a committee runs on: committees, terms and sessions, sectors, special
committees, members, handling departments and their liaisons, member studios, and who may
act for which committee."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.models import StoredUpload

from .choices import (
    CommitteeLevel,
    CommitteeRoleKind,
    DepartmentKind,
    DutyKind,
    DutyRole,
    Gender,
    JobStatus,
    MemberRole,
    Party,
    RuleSetStatus,
    SectorKind,
    SplitMode,
)

CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals, as terms and sessions are written (第十五届, 三次会议)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens]
    return head + "十" + (CHINESE_NUMERALS[ones] if ones else "")


class User(AbstractUser):
    """A login. What it may do comes from its Member, Liaison and CommitteeRole rows."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def __str__(self) -> str:
        return self.full_name or self.username


class Committee(models.Model):
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=CommitteeLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/1/4/9/" so "this committee and all below it" is one indexed prefix
    # match; maintained by the committee services.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="committee_unique_name_under_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="committee_unique_root_name"
            ),
        ]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]


class Term(models.Model):
    """A term (届) of a committee, e.g. the 15th."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_current = models.BooleanField(_("current term"), default=False)

    class Meta:
        ordering = ["committee", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="term_unique_number"),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(is_current=True),
                name="term_one_current",
                violation_error_message=_("This committee already has a current term."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="term_end_after_start",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]
        verbose_name = _("term")
        verbose_name_plural = _("terms")

    def __str__(self) -> str:
        return f"{self.committee.short_name or self.committee.name}第{chinese_number(self.number)}届"

    @property
    def label(self) -> str:
        return f"第{chinese_number(self.number)}届"


class Session(models.Model):
    """A plenary session (次会议) of a term, e.g. the 3rd session of the 15th committee."""

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session number"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        ordering = ["term", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_number"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="session_end_after_start",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]
        verbose_name = _("plenary session")
        verbose_name_plural = _("plenary sessions")

    def __str__(self) -> str:
        return f"{self.term.label}{chinese_number(self.number)}次会议"


class Sector(models.Model):
    """A sector (界别); each committee keeps its own list, which changes over time."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="sectors"
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=24, choices=SectorKind.choices)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["committee", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="sector_unique_name")]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name


class SpecialCommittee(models.Model):
    """A special committee (专门委员会); the proposals committee reviews proposals."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="special_committees"
    )
    name = models.CharField(_("name"), max_length=60)
    is_proposals_committee = models.BooleanField(_("proposals committee"), default=False)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["committee", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="special_committee_unique_name"),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(is_proposals_committee=True),
                name="special_committee_one_proposals_committee",
                violation_error_message=_("This committee already has a proposals committee."),
            ),
        ]
        verbose_name = _("special committee")
        verbose_name_plural = _("special committees")

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A member's seat on one committee for one term (a person may sit on several)."""

    user = models.ForeignKey(
        User, verbose_name=_("login"), on_delete=models.PROTECT, related_name="memberships"
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="members"
    )
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="members")
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="members")
    special_committees = models.ManyToManyField(
        SpecialCommittee, verbose_name=_("special committees"), blank=True, related_name="members"
    )
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=MemberRole.choices, default=MemberRole.MEMBER)
    party = models.CharField(_("party affiliation"), max_length=16, choices=Party.choices, blank=True)
    workplace = models.CharField(_("workplace"), max_length=120, blank=True)
    title = models.CharField(_("position / title"), max_length=120, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    contact_point = models.CharField(_("contact point"), max_length=200, blank=True)
    started_on = models.DateField(_("active from"))
    ceased_on = models.DateField(_("ceased on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["committee", "sector__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "committee", "term"], name="member_one_seat_per_term"),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=models.F("started_on")),
                name="member_ceased_after_start",
                violation_error_message=_("The date of ceasing must not be before the start date."),
            ),
        ]
        indexes = [
            models.Index(fields=["committee", "sector"]),
            models.Index(fields=["committee", "name"]),
        ]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def active_seats(cls):
        today = timezone.localdate()
        return cls.objects.filter(Q(ceased_on__isnull=True) | Q(ceased_on__gt=today), started_on__lte=today)

    @property
    def is_active(self) -> bool:
        return self.ceased_on is None or self.ceased_on > timezone.localdate()


class Department(models.Model):
    """A handling department (承办单位) of a committee's area."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=DepartmentKind.choices, default=DepartmentKind.GOVERNMENT)
    head_name = models.CharField(_("head"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "name"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="department_unique_name")]
        verbose_name = _("handling department")
        verbose_name_plural = _("handling departments")

    def __str__(self) -> str:
        return self.name


class Liaison(models.Model):
    """A department's liaison officer (联络员), who logs in to handle its items."""

    user = models.ForeignKey(User, verbose_name=_("login"), on_delete=models.CASCADE, related_name="liaisons")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="liaisons"
    )
    title = models.CharField(_("position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_head = models.BooleanField(
        _("department head"), default=False,
        help_text=_("The head (or leader in charge) receives escalations of overdue items."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["department", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="liaison_unique")]
        verbose_name = _("liaison officer")
        verbose_name_plural = _("liaison officers")

    def __str__(self) -> str:
        return f"{self.user} ({self.department})"


class Studio(models.Model):
    """A member studio (委员工作室), named after a sector or a lead member."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="studios"
    )
    name = models.CharField(_("name"), max_length=100)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.SET_NULL, related_name="studios"
    )
    lead_member = models.ForeignKey(
        Member, verbose_name=_("lead member"), null=True, blank=True, on_delete=models.SET_NULL, related_name="led_studios"
    )
    members = models.ManyToManyField(Member, verbose_name=_("members"), blank=True, related_name="studios")
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    online_url = models.URLField(_("online presence"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="studio_unique_name"),
            models.CheckConstraint(
                condition=Q(sector__isnull=False) | Q(lead_member__isnull=False),
                name="studio_has_sector_or_lead",
                violation_error_message=_("A studio is named after a sector or a lead member: choose at least one."),
            ),
        ]
        verbose_name = _("member studio")
        verbose_name_plural = _("member studios")

    def __str__(self) -> str:
        return self.name


class CommitteeRole(models.Model):
    """A staff or leader grant on a committee, optionally covering the committees below it."""

    user = models.ForeignKey(User, verbose_name=_("login"), on_delete=models.CASCADE, related_name="committee_roles")
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=16, choices=CommitteeRoleKind.choices)
    includes_subordinates = models.BooleanField(_("also the committees below"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "committee", "role"], name="committee_role_unique")
        ]
        verbose_name = _("committee role")
        verbose_name_plural = _("committee roles")

    def __str__(self) -> str:
        return f"{self.user} · {self.committee} · {self.get_role_display()}"



# --- the duty record (履职档案) and its assessment (履职量化考核) --------------------------------------


class DutyEntry(models.Model):
    """One thing a member did in a year, with a link to where it happened. Entries the portal
    sees are written by the sync (members.duty) from the sources the apps register; staff add
    what the portal cannot see (``is_manual``), with evidence."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="duty_entries")
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="duty_entries")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=32, choices=DutyKind.choices)
    occurred_on = models.DateField(_("date"))
    role = models.CharField(_("role"), max_length=8, choices=DutyRole.choices, blank=True, default=DutyRole.NONE)
    group_size = models.PositiveSmallIntegerField(_("authors"), default=1)
    share = models.DecimalField(_("recorded share"), max_digits=4, decimal_places=3, default=Decimal("1"))
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    label = models.CharField(_("what"), max_length=200)
    url = models.CharField(_("link"), max_length=300, blank=True)
    is_manual = models.BooleanField(_("recorded by staff"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(User, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["member", "year"], name="duty_entry_member_year_idx"),
            models.Index(fields=["committee", "year", "kind"], name="duty_entry_committee_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["member", "year", "kind", "source_type", "source_id"],
                                    condition=Q(is_manual=False), name="duty_entry_one_per_source"),
            models.CheckConstraint(condition=Q(is_manual=True) | Q(source_type__isnull=False),
                                   name="duty_entry_source_unless_manual"),
        ]
        verbose_name = _("duty record entry")
        verbose_name_plural = _("duty record entries")

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()} · {self.occurred_on}"


class DutyEvidence(StoredUpload):
    entry = models.ForeignKey(DutyEntry, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="duty/%Y/%m/")

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class AssessmentRuleSet(models.Model):
    """A committee's scoring of one year (履职量化考核办法): base score, the total's cap, grade
    thresholds and minimums; the points per kind are its rules."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="assessment_rule_sets")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    base_score = models.DecimalField(_("base score"), max_digits=7, decimal_places=2, default=Decimal("0"))
    max_score = models.DecimalField(_("highest total"), max_digits=7, decimal_places=2, null=True, blank=True)
    # [{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80}, …] highest first
    grades = models.JSONField(_("grades"), default=list, blank=True, encoder=DjangoJSONEncoder)
    # [{"kind": "proposal_submitted", "count": 1}, …]
    minimums = models.JSONField(_("minimums"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT)
    copied_from = models.ForeignKey("self", verbose_name=_("copied from"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField(_("scores computed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["committee", "-year"]
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="rule_set_one_per_year")]
        verbose_name = _("assessment rules")
        verbose_name_plural = _("assessment rules")

    def __str__(self) -> str:
        return self.title


class AssessmentRule(models.Model):
    rule_set = models.ForeignKey(AssessmentRuleSet, verbose_name=_("rules"), on_delete=models.CASCADE,
                                 related_name="rules")
    kind = models.CharField(_("kind"), max_length=32, choices=DutyKind.choices)
    points = models.DecimalField(_("points each"), max_digits=6, decimal_places=2,
                                 help_text=_("Negative for a penalty (an unexcused absence)."))
    cap = models.DecimalField(_("at most per year"), max_digits=7, decimal_places=2, null=True, blank=True,
                              help_text=_("The most (or, for a penalty, the least) this kind adds in a year."))
    split = models.CharField(_("several authors"), max_length=12, choices=SplitMode.choices, default=SplitMode.FULL)
    first_share = models.DecimalField(_("first author's share"), max_digits=4, decimal_places=3,
                                      default=Decimal("0.5"))

    class Meta:
        ordering = ["rule_set", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "kind"], name="rule_one_per_kind",
                                    violation_error_message=_("These rules already score this kind.")),
            models.CheckConstraint(condition=Q(first_share__gte=0) & Q(first_share__lte=1), name="rule_first_share"),
        ]
        verbose_name = _("assessment rule")
        verbose_name_plural = _("assessment rules")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}"


class DutyScore(models.Model):
    """A member's score for a year under the committee's rules (recomputed when entries or rules
    change)."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="duty_scores")
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="duty_scores")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    by_kind = models.JSONField(_("by kind"), default=dict, encoder=DjangoJSONEncoder)
    counts = models.JSONField(_("counts"), default=dict)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    unmet_minimums = models.JSONField(_("minimums not met"), default=list)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["-total", "member_id"]
        indexes = [models.Index(fields=["committee", "year", "-total"], name="duty_score_ranking_idx")]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="duty_score_one_per_year")]
        verbose_name = _("duty score")
        verbose_name_plural = _("duty scores")

    def __str__(self) -> str:
        return f"{self.member} {self.year}: {self.total}"


class DutyDirty(models.Model):
    """A member-year whose entries must be synced again: written in the same transaction as the
    action that changed it (so nothing is lost), cleared by the sync."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="duty_dirty_unique")]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.year}"


class RecomputeJob(models.Model):
    """A full recompute of a committee's year, run by a Celery worker; its progress is shown."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # the rules changed while it ran: it runs once more when it finishes
    again = models.BooleanField(default=False)
    total = models.PositiveIntegerField(_("members"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], condition=Q(status__in=["queued", "running"]),
                                    name="recompute_one_running"),
        ]
        verbose_name = _("recompute job")
        verbose_name_plural = _("recompute jobs")

    def __str__(self) -> str:
        return f"{self.committee} {self.year} {self.status}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.status == JobStatus.DONE else 0)
