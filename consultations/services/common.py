"""What the consultation, supervision and information services share: who may act, text
checks, moving along a transitions table, the timeline and telling people."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from cppcc_portal.core import audit
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.notifications import notify
from members.choices import CommitteeRoleKind
from members.models import Committee
from members.selectors import committee_role_users, scope_for

URLS = {
    "consultation": "/consultations/{id}/",
    "topic": "/consultations/topics/{id}/",
    "result": "/consultations/results/{id}/",
    "task": "/consultations/tasks/{id}/",
    "activity": "/consultations/tasks/activities/{id}/",
    "informationitem": "/information/{id}/",
    "bulletinissue": "/information/issues/{id}/",
    "concern": "/studios/concerns/{id}/",
    "studioactivity": "/studios/activities/{id}/",
}


def url_of(obj) -> str:
    return URLS.get(obj._meta.model_name, "/").format(id=obj.pk)


def committee_id_of(obj) -> int | None:
    if isinstance(obj, Committee):
        return obj.pk
    return getattr(obj, "committee_id", None)


def is_staff(user, obj) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or committee_id_of(obj) in scope.staff_committee_ids


def is_leader(user, obj) -> bool:
    return committee_id_of(obj) in scope_for(user).leader_committee_ids


def ensure_staff(actor, obj) -> None:
    if not is_staff(actor, obj):
        raise PermissionDenied(_("Only staff of this committee may do this."))


def ensure_staff_or_leader(actor, obj) -> None:
    if not (is_staff(actor, obj) or is_leader(actor, obj)):
        raise PermissionDenied(_("Only staff or leaders of this committee may do this."))


def member_seat(actor, committee_id: int):
    """The actor's serving seat on the committee, or None."""
    from members.models import Member

    return Member.active_seats().filter(user=actor, committee_id=committee_id).select_related("user").first()


def text(value, field: str, *, required: bool = True, max_length: int = 2000, min_length: int = 0) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if value and len(value) < min_length:
        raise ValidationError({field: _("At least %(n)d characters.") % {"n": min_length}})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return value


def move(obj, to: str, transitions: dict, *, field: str = "status") -> str:
    """Move ``obj`` along its transitions table (the caller holds the row lock)."""
    before = getattr(obj, field)
    if to not in transitions[before]:
        raise Conflict(_("This is %(state)s; that step is not possible now.")
                       % {"state": getattr(obj, f"get_{field}_display")()})
    setattr(obj, field, to)
    return before


def lock(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def log(obj, *, actor, action: str, note: str = "", changes: dict | None = None) -> None:
    audit.record(actor=actor, action=action, target=obj, note=note, changes=changes)


def tell(obj, users: Iterable, title: str, body: str = "", *, actor=None, kind: str = "consultation") -> None:
    actor_pk = getattr(actor, "pk", None)
    notify(recipients=[u for u in users if u is not None and u.pk != actor_pk], title=title, body=body,
           url=url_of(obj), kind=kind)


def staff_of(committee: Committee) -> list:
    return list(committee_role_users(committee, CommitteeRoleKind.STAFF))


def leaders_of(committee: Committee) -> list:
    return list(committee_role_users(committee, CommitteeRoleKind.LEADER))


def touch_duty(member_ids, when=None) -> None:
    """Mark these members' duty record of the year of ``when`` (a date or datetime; default
    today) for syncing, inside the caller's transaction (members.duty)."""
    from django.utils import timezone

    from members.duty import duty_touch

    if when is None:
        year = timezone.localdate().year
    elif hasattr(when, "tzinfo"):
        year = timezone.localtime(when).year if timezone.is_aware(when) else when.year
    else:
        year = when.year
    duty_touch(member_ids=[m for m in member_ids if m], year=year)


def event_start(event):
    return getattr(event, "starts_at", None)


def check_committee(objs: Iterable, committee_id: int, field: str, message: str) -> list:
    objs = list(dict.fromkeys(o for o in objs if o is not None))
    if any(getattr(o, "committee_id", None) != committee_id for o in objs):
        raise ValidationError({field: message})
    return objs
