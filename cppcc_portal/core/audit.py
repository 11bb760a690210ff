"""The audit log: every service that changes something meaningful records it here."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(v) for v in value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` as plain JSON values (foreign keys by their name)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = _plain(list(getattr(obj, name).all())) if obj.pk else []
        else:
            values[name] = _plain(getattr(obj, name))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in after
        if before.get(key) != after.get(key)
    }


def record(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict | None = None,
    note: str = "",
) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_repr=(user.get_full_name() or user.get_username()) if user else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_repr=str(target)[:255],
        changes=changes or {},
        note=note,
    )


def timeline(target: models.Model):
    """The audit entries of one object, newest first."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
    ).select_related("actor")


def create_audited(*, actor, obj: models.Model, action: str, fields: Iterable[str], note: str = ""):
    """Validate (fields and constraints) and insert ``obj``, recording its initial values."""
    obj.full_clean()
    obj.save()
    record(actor=actor, action=action, target=obj, changes=diff({}, snapshot(obj, fields)), note=note)
    return obj


def update_audited(*, actor, obj: models.Model, action: str, changes: dict[str, Any], note: str = ""):
    """Apply ``changes`` (field → new value), validate, save, and record before → after.
    Records no audit entry when no value actually changes."""
    plain = [k for k in changes if not obj._meta.get_field(k).many_to_many]
    m2m = {k: v for k, v in changes.items() if obj._meta.get_field(k).many_to_many}
    before = snapshot(obj, changes)
    for key in plain:
        setattr(obj, key, changes[key])
    obj.full_clean()
    obj.save()
    for key, values in m2m.items():
        getattr(obj, key).set(values)
    changed = diff(before, snapshot(obj, changes))
    if changed:
        record(actor=actor, action=action, target=obj, changes=changed, note=note)
    return obj
