"""Every meaningful write to the organisation directory.

Each service is keyword-only, takes the acting user as ``actor``, validates, runs in one
transaction and records an audit entry. Views, API, admin, import and demo commands call these.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cppcc_portal.core import audit
from cppcc_portal.core.errors import Conflict

from .choices import LEVEL_RANK, CommitteeRoleKind
from .models import (
    Committee,
    CommitteeRole,
    Department,
    Liaison,
    Member,
    Sector,
    Session,
    SpecialCommittee,
    Studio,
    Term,
    User,
)
from .rules import can_manage, committee_id_of
from .selectors import forget_scope

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

COMMITTEE_FIELDS = ["name", "short_name", "level", "parent", "region_code", "address", "phone", "is_active"]
TERM_FIELDS = ["committee", "number", "start_date", "end_date", "is_current"]
SESSION_FIELDS = ["term", "number", "start_date", "end_date", "place"]
SECTOR_FIELDS = ["committee", "name", "kind", "order", "is_active"]
SPECIAL_COMMITTEE_FIELDS = ["committee", "name", "is_proposals_committee", "order"]
MEMBER_FIELDS = [
    "committee", "term", "sector", "special_committees", "name", "gender", "ethnicity", "birth_date",
    "role", "party", "workplace", "title", "phone", "contact_point", "started_on", "ceased_on",
]
DEPARTMENT_FIELDS = ["committee", "name", "short_name", "kind", "head_name", "phone", "email", "address", "is_active"]
LIAISON_FIELDS = ["department", "title", "phone", "is_head", "is_active"]
STUDIO_FIELDS = [
    "committee", "name", "sector", "lead_member", "members", "address", "phone",
    "contact_person", "online_url", "description", "is_active",
]


def ensure_can_manage(actor, obj) -> None:
    """The last guard: pages and API already restrict what they offer."""
    if not can_manage(actor, obj):
        raise PermissionDenied(_("You may not change the directory of this committee."))


def _check_mobile(phone: str, field: str = "phone") -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not MOBILE_RE.match(phone):
        raise ValidationError({field: _("Enter an 11-digit mainland mobile number, e.g. 13800138000.")})
    return phone


def _same_committee(committee: Committee, **related) -> None:
    errors = {}
    for field, obj in related.items():
        if obj is None:
            continue
        items = obj if isinstance(obj, (list, tuple, set)) else [obj]
        for item in items:
            if committee_id_of(item) != committee.pk:
                errors[field] = _("%(item)s does not belong to %(committee)s.") % {"item": item, "committee": committee}
    if errors:
        raise ValidationError(errors)


# --- committees -----------------------------------------------------------------------------


def _check_parent(level: str, parent: Committee | None, committee: Committee | None = None) -> None:
    if parent is None:
        return
    if LEVEL_RANK[parent.level] >= LEVEL_RANK[level]:
        raise ValidationError({"parent": _("A committee must sit below a committee of a higher level.")})
    if committee is not None and committee.pk and parent.path.startswith(committee.path):
        raise ValidationError({"parent": _("A committee cannot sit below itself or a committee below it.")})


def committee_create(*, actor, name: str, level: str, parent: Committee | None = None, short_name: str = "",
                     region_code: str = "", address: str = "", phone: str = "", is_active: bool = True) -> Committee:
    """Side effects: the committee row, its materialised path, an audit entry."""
    if parent is None:
        if not getattr(actor, "is_superuser", False):
            raise PermissionDenied(_("Only a system administrator may create a top-level committee."))
    else:
        ensure_can_manage(actor, parent)
    _check_parent(level, parent)
    with transaction.atomic():
        committee = Committee(name=name.strip(), short_name=short_name.strip(), level=level, parent=parent,
                              region_code=region_code, address=address, phone=phone, is_active=is_active)
        audit.create_audited(actor=actor, obj=committee, action="committee.create", fields=COMMITTEE_FIELDS)
        committee.path = f"{parent.path if parent else '/'}{committee.pk}/"
        committee.save(update_fields=["path"])
    forget_scope(actor)  # the tree changed: a grant "and the committees below" now reaches further
    return committee


def committee_update(*, actor, committee: Committee, **changes) -> Committee:
    """Moving a committee re-roots the paths of every committee below it."""
    ensure_can_manage(actor, committee)
    parent = changes.get("parent", committee.parent)
    if "parent" in changes and parent != committee.parent:
        if parent is None and not getattr(actor, "is_superuser", False):
            raise PermissionDenied(_("Only a system administrator may create a top-level committee."))
        if parent is not None:
            ensure_can_manage(actor, parent)
    _check_parent(changes.get("level", committee.level), parent, committee)
    with transaction.atomic():
        old_path = committee.path
        audit.update_audited(actor=actor, obj=committee, action="committee.update", changes=changes)
        new_path = f"{committee.parent.path if committee.parent else '/'}{committee.pk}/"
        if new_path != old_path:
            for sub in Committee.objects.select_for_update().filter(path__startswith=old_path):
                sub.path = new_path + sub.path[len(old_path):]
                sub.save(update_fields=["path"])
            committee.path = new_path
    forget_scope(actor)
    return committee


# --- terms and sessions ---------------------------------------------------------------------


def _make_current(term: Term) -> None:
    Term.objects.filter(committee_id=term.committee_id, is_current=True).exclude(pk=term.pk).update(is_current=False)


def term_create(*, actor, committee: Committee, number: int, start_date: dt.date,
                end_date: dt.date | None = None, is_current: bool = False) -> Term:
    """Making a term current makes the committee's other terms not current."""
    ensure_can_manage(actor, committee)
    with transaction.atomic():
        term = Term(committee=committee, number=number, start_date=start_date, end_date=end_date, is_current=is_current)
        if is_current:
            _make_current(term)
        return audit.create_audited(actor=actor, obj=term, action="term.create", fields=TERM_FIELDS)


def term_update(*, actor, term: Term, **changes) -> Term:
    ensure_can_manage(actor, term)
    changes.pop("committee", None)
    with transaction.atomic():
        if changes.get("is_current"):
            _make_current(term)
        return audit.update_audited(actor=actor, obj=term, action="term.update", changes=changes)


def session_create(*, actor, term: Term, number: int, start_date: dt.date, end_date: dt.date, place: str = "") -> Session:
    ensure_can_manage(actor, term)
    with transaction.atomic():
        session = Session(term=term, number=number, start_date=start_date, end_date=end_date, place=place)
        return audit.create_audited(actor=actor, obj=session, action="session.create", fields=SESSION_FIELDS)


def session_update(*, actor, session: Session, **changes) -> Session:
    ensure_can_manage(actor, session)
    changes.pop("term", None)
    with transaction.atomic():
        return audit.update_audited(actor=actor, obj=session, action="session.update", changes=changes)


# --- sectors and special committees -----------------------------------------------------------


def sector_create(*, actor, committee: Committee, name: str, kind: str, order: int = 0, is_active: bool = True) -> Sector:
    ensure_can_manage(actor, committee)
    with transaction.atomic():
        sector = Sector(committee=committee, name=name.strip(), kind=kind, order=order, is_active=is_active)
        return audit.create_audited(actor=actor, obj=sector, action="sector.create", fields=SECTOR_FIELDS)


def sector_update(*, actor, sector: Sector, **changes) -> Sector:
    ensure_can_manage(actor, sector)
    changes.pop("committee", None)
    with transaction.atomic():
        return audit.update_audited(actor=actor, obj=sector, action="sector.update", changes=changes)


def special_committee_create(*, actor, committee: Committee, name: str, is_proposals_committee: bool = False,
                             order: int = 0) -> SpecialCommittee:
    ensure_can_manage(actor, committee)
    with transaction.atomic():
        obj = SpecialCommittee(committee=committee, name=name.strip(),
                               is_proposals_committee=is_proposals_committee, order=order)
        return audit.create_audited(actor=actor, obj=obj, action="special_committee.create",
                                    fields=SPECIAL_COMMITTEE_FIELDS)


def special_committee_update(*, actor, special_committee: SpecialCommittee, **changes) -> SpecialCommittee:
    ensure_can_manage(actor, special_committee)
    changes.pop("committee", None)
    with transaction.atomic():
        return audit.update_audited(actor=actor, obj=special_committee, action="special_committee.update",
                                    changes=changes)


# --- logins ---------------------------------------------------------------------------------


def _login_for(*, name: str, phone: str, username: str = "", email: str = "", password: str | None = None) -> User:
    """The login a member or liaison uses: found by user name (default: the mobile number) and
    reused when the same person holds another seat, else created. A new login without a
    password cannot sign in until staff set one."""
    username = (username or phone or "").strip()
    if not username:
        raise ValidationError({"phone": _("A mobile number (or a user name) is needed to create the login.")})
    user = User.objects.filter(username=username).first()
    if user is not None:
        if user.full_name and user.full_name != name:
            raise ValidationError({"username": _("The user name %(u)s already belongs to %(n)s.") % {"u": username, "n": user.full_name}})
        return user
    user = User(username=username, full_name=name, phone=phone, email=(email or "").strip())
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_reset_password(*, actor, user: User) -> str:
    """Give ``user`` a new random password (returned once, to be passed on by staff)."""
    seats = [*user.memberships.all(), *(liaison.department for liaison in user.liaisons.select_related("department"))]
    if not getattr(actor, "is_superuser", False) and not any(can_manage(actor, seat) for seat in seats):
        raise PermissionDenied(_("You may not reset this user's password."))
    password = "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(10))
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor=actor, action="user.reset_password", target=user)
    return password


# --- members --------------------------------------------------------------------------------


def member_create(*, actor, committee: Committee, term: Term, sector: Sector, name: str, phone: str = "",
                  username: str = "", email: str = "", password: str | None = None,
                  special_committees: Iterable[SpecialCommittee] = (), started_on: dt.date | None = None,
                  **fields) -> Member:
    """Side effects: a login (created or reused), the member row, an audit entry."""
    ensure_can_manage(actor, committee)
    special_committees = list(special_committees)
    _same_committee(committee, term=term, sector=sector, special_committees=special_committees)
    phone = _check_mobile(phone)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the member's name.")})
    with transaction.atomic():
        user = _login_for(name=name, phone=phone, username=username, email=email, password=password)
        if Member.objects.filter(user=user, committee=committee, term=term).exists():
            raise ValidationError({"phone": _("%(name)s already has a seat on %(committee)s in this term.") % {"name": name, "committee": committee}})
        member = Member(user=user, committee=committee, term=term, sector=sector, name=name, phone=phone,
                        started_on=started_on or term.start_date, **fields)
        member.full_clean()
        member.save()
        member.special_committees.set(special_committees)
        audit.record(actor=actor, action="member.create", target=member,
                     changes=audit.diff({}, audit.snapshot(member, MEMBER_FIELDS)))
        forget_scope(user)
    return member


def member_update(*, actor, member: Member, **changes) -> Member:
    ensure_can_manage(actor, member)
    changes.pop("committee", None)
    if "phone" in changes:
        changes["phone"] = _check_mobile(changes["phone"])
    _same_committee(member.committee, term=changes.get("term"), sector=changes.get("sector"),
                    special_committees=list(changes.get("special_committees", [])))
    with transaction.atomic():
        return audit.update_audited(actor=actor, obj=member, action="member.update", changes=changes)


def member_cease(*, actor, member: Member, ceased_on: dt.date, reason: str = "") -> Member:
    """A member who leaves keeps their record; their seat ends on ``ceased_on``."""
    ensure_can_manage(actor, member)
    if member.ceased_on is not None:
        raise Conflict(_("%(name)s already ceased on %(date)s.") % {"name": member.name, "date": member.ceased_on})
    with transaction.atomic():
        return audit.update_audited(actor=actor, obj=member, action="member.cease",
                                    changes={"ceased_on": ceased_on}, note=reason)


# --- departments and liaisons ----------------------------------------------------------------


def department_create(*, actor, committee: Committee, name: str, **fields) -> Department:
    ensure_can_manage(actor, committee)
    with transaction.atomic():
        department = Department(committee=committee, name=(name or "").strip(), **fields)
        return audit.create_audited(actor=actor, obj=department, action="department.create", fields=DEPARTMENT_FIELDS)


def department_update(*, actor, department: Department, **changes) -> Department:
    ensure_can_manage(actor, department)
    changes.pop("committee", None)
    with transaction.atomic():
        return audit.update_audited(actor=actor, obj=department, action="department.update", changes=changes)


def liaison_create(*, actor, department: Department, name: str, phone: str, username: str = "", email: str = "",
                   password: str | None = None, title: str = "", is_head: bool = False) -> Liaison:
    """Side effects: a login (created or reused), the liaison row, an audit entry."""
    ensure_can_manage(actor, department)
    phone = _check_mobile(phone)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the liaison officer's name.")})
    with transaction.atomic():
        user = _login_for(name=name, phone=phone, username=username, email=email, password=password)
        if Liaison.objects.filter(user=user, department=department).exists():
            raise ValidationError({"phone": _("%(name)s is already a liaison officer of %(dept)s.") % {"name": name, "dept": department}})
        liaison = Liaison(user=user, department=department, title=title, phone=phone, is_head=is_head)
        audit.create_audited(actor=actor, obj=liaison, action="liaison.create", fields=LIAISON_FIELDS)
        forget_scope(user)
    return liaison


def liaison_update(*, actor, liaison: Liaison, **changes) -> Liaison:
    ensure_can_manage(actor, liaison)
    changes.pop("department", None)
    if "phone" in changes:
        changes["phone"] = _check_mobile(changes["phone"])
    with transaction.atomic():
        return audit.update_audited(actor=actor, obj=liaison, action="liaison.update", changes=changes)


# --- studios --------------------------------------------------------------------------------


def studio_create(*, actor, committee: Committee, name: str, address: str, members: Iterable[Member] = (),
                  **fields) -> Studio:
    ensure_can_manage(actor, committee)
    members = list(members)
    _same_committee(committee, sector=fields.get("sector"), lead_member=fields.get("lead_member"), members=members)
    with transaction.atomic():
        studio = Studio(committee=committee, name=(name or "").strip(), address=address, **fields)
        studio.full_clean()
        studio.save()
        studio.members.set(members)
        audit.record(actor=actor, action="studio.create", target=studio,
                     changes=audit.diff({}, audit.snapshot(studio, STUDIO_FIELDS)))
    return studio


def studio_update(*, actor, studio: Studio, **changes) -> Studio:
    ensure_can_manage(actor, studio)
    changes.pop("committee", None)
    _same_committee(studio.committee, sector=changes.get("sector"), lead_member=changes.get("lead_member"),
                    members=list(changes.get("members", [])))
    with transaction.atomic():
        return audit.update_audited(actor=actor, obj=studio, action="studio.update", changes=changes)


# --- staff and leader grants -------------------------------------------------------------------


def committee_role_grant(*, actor, user: User, committee: Committee, role: str,
                         includes_subordinates: bool = False) -> CommitteeRole:
    ensure_can_manage(actor, committee)
    if role not in CommitteeRoleKind.values:
        raise ValidationError({"role": _("Choose committee staff or leader.")})
    with transaction.atomic():
        grant, created = CommitteeRole.objects.get_or_create(
            user=user, committee=committee, role=role, defaults={"includes_subordinates": includes_subordinates}
        )
        if not created and grant.includes_subordinates != includes_subordinates:
            audit.update_audited(actor=actor, obj=grant, action="committee_role.update",
                                 changes={"includes_subordinates": includes_subordinates})
        elif created:
            audit.record(actor=actor, action="committee_role.grant", target=grant,
                         changes=audit.diff({}, audit.snapshot(grant, ["user", "committee", "role", "includes_subordinates"])))
        forget_scope(user)
    return grant


def committee_role_revoke(*, actor, grant: CommitteeRole) -> None:
    ensure_can_manage(actor, grant)
    with transaction.atomic():
        audit.record(actor=actor, action="committee_role.revoke", target=grant)
        grant.delete()
        forget_scope(grant.user)


