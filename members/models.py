"""The organisation a committee runs on: committees, terms and sessions, sectors, special
committees, members, handling departments and their liaisons, member studios, and who may
act for which committee."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    CommitteeLevel,
    CommitteeRoleKind,
    DepartmentKind,
    Gender,
    MemberRole,
    Party,
    SectorKind,
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
