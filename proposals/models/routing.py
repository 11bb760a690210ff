"""Routing: committee rules that map an item to departments, the decisions taken (each saying
why), and the term statistics behind the learned recommendation."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Committee, Department

from ..choices import CaseKind, RoutingMethod
from .handling import Case, Category


class RoutingRule(models.Model):
    """If the item matches every condition given (category, any keyword, place), it goes to
    the lead department with the co-handling departments. Higher priority is tried first."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="routing_rules")
    kind = models.CharField(_("item kind"), max_length=20, choices=CaseKind.choices, default=CaseKind.MICRO_SUGGESTION)
    name = models.CharField(_("name"), max_length=100)
    priority = models.SmallIntegerField(_("priority"), default=0, help_text=_("Higher is tried first."))
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="routing_rules")
    keywords = models.CharField(_("keywords"), max_length=500, blank=True,
                                help_text=_("Any of these words in the title or content matches; separate with commas."))
    place = models.ForeignKey(Committee, verbose_name=_("place"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+", help_text=_("Matches items about this district and the places below it."))
    lead_department = models.ForeignKey(Department, verbose_name=_("lead department"), on_delete=models.PROTECT,
                                        related_name="lead_rules")
    co_departments = models.ManyToManyField(Department, verbose_name=_("co-handling departments"), blank=True,
                                            related_name="co_rules")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["committee", "-priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "kind", "name"], name="routing_rule_unique_name"),
            models.CheckConstraint(
                condition=Q(category__isnull=False) | ~Q(keywords="") | Q(place__isnull=False),
                name="routing_rule_has_condition",
                violation_error_message=_("A rule needs at least one condition: a category, keywords or a place."),
            ),
        ]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        import re

        return [k for k in (w.strip() for w in re.split(r"[,，、;；\s]+", self.keywords)) if k]


class RoutingDecision(models.Model):
    """Why an item went where it went (or to triage): rule, learned score, or a staff member."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="routing_decisions")
    round = models.PositiveSmallIntegerField(default=1)
    method = models.CharField(_("method"), max_length=16, choices=RoutingMethod.choices)
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    lead_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    co_departments = models.ManyToManyField(Department, blank=True, related_name="+")
    score = models.FloatField(_("confidence"), null=True, blank=True)
    candidates = models.JSONField(_("recommendations"), default=list, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("routing decision")
        verbose_name_plural = _("routing decisions")

    def __str__(self) -> str:
        return f"{self.case_id} {self.method}"


class RoutingTermStat(models.Model):
    """How often a word occurred in items a department received as lead (learned routing)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "term", "department"], name="routing_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term}→{self.department_id}: {self.count}"


class RoutingDepartmentStat(models.Model):
    """How many items (and words) a department received as lead: the priors of the model."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    documents = models.PositiveIntegerField(default=0)
    terms = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "department"], name="routing_department_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department_id}: {self.documents}"
