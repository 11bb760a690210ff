"""Committee configuration of the handling engine: categories, routing rules, policies."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cppcc_portal.core import audit, outbox
from cppcc_portal.core.models import OutboxMessage
from members.models import Committee, Department
from members.services import ensure_can_manage

from ..models import Category, HandlingPolicy, RoutingRule

RULE_FIELDS = ["committee", "kind", "name", "priority", "category", "keywords", "place", "lead_department",
               "co_departments", "is_active"]
POLICY_FIELDS = ["committee", "kind", "category", "reply_workdays", "co_opinion_workdays", "objection_workdays",
                 "rating_workdays", "max_rounds", "max_extension_workdays", "reminder_workdays",
                 "escalate_head_after", "escalate_staff_after", "escalate_leader_after", "routing_confidence",
                 "result_categories", "review_replies"]


def category_create(*, actor, committee: Committee, name: str, order: int = 0, is_active: bool = True) -> Category:
    ensure_can_manage(actor, committee)
    with transaction.atomic():
        category = Category(committee=committee, name=(name or "").strip(), order=order, is_active=is_active)
        return audit.create_audited(actor=actor, obj=category, action="category.create",
                                    fields=["committee", "name", "order", "is_active"])


def category_update(*, actor, category: Category, **changes) -> Category:
    ensure_can_manage(actor, category)
    changes.pop("committee", None)
    with transaction.atomic():
        return audit.update_audited(actor=actor, obj=category, action="category.update", changes=changes)


def _check_rule(committee: Committee, *, category=None, place=None, lead_department: Department | None = None,
                co_departments: Iterable[Department] = ()) -> None:
    errors = {}
    if category is not None and category.committee_id != committee.pk:
        errors["category"] = _("Choose a category of this committee.")
    if place is not None and not place.path.startswith(committee.path):
        errors["place"] = _("Choose this committee's area or a place within it.")
    if lead_department is not None and lead_department.committee_id != committee.pk:
        errors["lead_department"] = _("Choose a department of this committee.")
    co = list(co_departments)
    if any(d.committee_id != committee.pk for d in co):
        errors["co_departments"] = _("Choose departments of this committee.")
    elif lead_department is not None and lead_department in co:
        errors["co_departments"] = _("The lead department cannot also be a co-handling department.")
    if errors:
        raise ValidationError(errors)


def routing_rule_create(*, actor, committee: Committee, name: str, lead_department: Department,
                        co_departments: Iterable[Department] = (), **fields) -> RoutingRule:
    """Side effects: the rule, its co-handling departments, an audit entry."""
    ensure_can_manage(actor, committee)
    co = list(co_departments)
    _check_rule(committee, category=fields.get("category"), place=fields.get("place"),
                lead_department=lead_department, co_departments=co)
    with transaction.atomic():
        rule = RoutingRule(committee=committee, name=(name or "").strip(), lead_department=lead_department, **fields)
        rule.full_clean()
        rule.save()
        rule.co_departments.set(co)
        audit.record(actor=actor, action="routing_rule.create", target=rule,
                     changes=audit.diff({}, audit.snapshot(rule, RULE_FIELDS)))
    return rule


def routing_rule_update(*, actor, rule: RoutingRule, **changes) -> RoutingRule:
    ensure_can_manage(actor, rule)
    changes.pop("committee", None)
    _check_rule(rule.committee, category=changes.get("category"), place=changes.get("place"),
                lead_department=changes.get("lead_department", rule.lead_department),
                co_departments=changes.get("co_departments", rule.co_departments.all()))
    with transaction.atomic():
        return audit.update_audited(actor=actor, obj=rule, action="routing_rule.update", changes=changes)


def policy_set(*, actor, committee: Committee, kind: str, category: Category | None = None, **values) -> HandlingPolicy:
    """Create or change the committee's handling policy for ``kind`` (and ``category``)."""
    ensure_can_manage(actor, committee)
    if category is not None and category.committee_id != committee.pk:
        raise ValidationError({"category": _("Choose a category of this committee.")})
    if "result_categories" in values:
        letters = (values["result_categories"] or "").upper()
        if not set(letters) <= set("ABCD") or len(set(letters)) != len(letters):
            raise ValidationError({"result_categories": _("Use each of the letters A, B, C and D at most once.")})
        values["result_categories"] = "".join(sorted(letters))
    with transaction.atomic():
        policy = HandlingPolicy.objects.select_for_update().filter(committee=committee, kind=kind,
                                                                   category=category).first()
        if policy is None:
            policy = HandlingPolicy.builtin(committee_id=committee.pk, kind=kind)
            policy.category = category
            for name, value in values.items():
                setattr(policy, name, value)

            return audit.create_audited(actor=actor, obj=policy, action="policy.create", fields=POLICY_FIELDS)
        return audit.update_audited(actor=actor, obj=policy, action="policy.update", changes=values)


def dead_letter_retry(*, actor, message: OutboxMessage) -> int:
    """Staff put a dead routing message back in the queue."""
    from ..models import Case

    case = Case.objects.filter(pk=message.kwargs.get("case_id")).select_related("committee").first()
    if case is None:
        raise ValidationError(_("The item of this message no longer exists."))
    try:
        ensure_can_manage(actor, case.committee)
    except PermissionDenied:
        raise
    with transaction.atomic():
        count = outbox.retry_dead(ids=[message.pk])
        audit.record(actor=actor, action="case.retry_routing", target=case, note=message.last_error[:500])
    return count
