"""Member studios' work with the public (委员工作室): the duty roster, concerns raised on a
studio's public page, their handling by the studio's members (assign, reply, take up as a
micro-suggestion, a proposal draft or a social-conditions item), the public status page, and
the studio's activities with attendance and quarterly follow-up meetings."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.uploads import clean_upload
from members.duty import duty_touch
from members.models import Member, Studio
from members.selectors import scope_for
from proposals.choices import CaseStatus, ReplyReview
from proposals.models import Reply
from proposals.services import micro_suggestions, proposals

from ..choices import (
    CONCERN_TRANSITIONS,
    ConcernConversion,
    ConcernStatus,
    DutyPeriod,
    StudioActivityKind,
)
from ..models import Concern, DutyShift, StudioActivity
from . import information
from .common import is_staff, lock, log, move, staff_of, tell, text

# Anonymous intake: per client, at most this many concerns in the window; a form filled
# faster than MIN_FILL_SECONDS is a script.
INTAKE_LIMIT = 5
INTAKE_WINDOW = dt.timedelta(hours=1)
MIN_FILL_SECONDS = 3
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def client_hash(address: str) -> str:
    """A client's address, hashed with the site's secret (the address itself is not kept)."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def is_studio_member(user, studio: Studio) -> bool:
    """A serving member of the studio (its lead or one of its members)."""
    seats = scope_for(user).member_ids
    return bool(seats) and (studio.lead_member_id in seats or studio.members.filter(pk__in=seats).exists())


def can_run_studio(user, studio: Studio) -> bool:
    return is_staff(user, studio) or is_studio_member(user, studio)


def _ensure_runs(actor, studio: Studio) -> None:
    if not can_run_studio(actor, studio):
        raise PermissionDenied(_("Only the studio's members and committee staff may do this."))


def _studio_member(studio: Studio, member: Member | None, field: str = "member") -> Member:
    if member is None or not member.is_active or member.committee_id != studio.committee_id or not (
            member.pk == studio.lead_member_id or studio.members.filter(pk=member.pk).exists()):
        raise ValidationError({field: _("Choose a serving member of this studio.")})
    return member


# --- the duty roster ---------------------------------------------------------------------------------


def shift_add(*, actor, studio: Studio, member: Member, date: dt.date, period: str = DutyPeriod.DAY,
              note: str = "") -> DutyShift:
    _ensure_runs(actor, studio)
    _studio_member(studio, member)
    if period not in DutyPeriod.values:
        raise ValidationError({"period": _("Choose morning, afternoon or all day.")})
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime) or abs((date - timezone.localdate()).days) > 400:
        raise ValidationError({"date": _("Give a day within a year from today.")})
    note = text(note, "note", required=False, max_length=200)
    try:
        with transaction.atomic():
            shift = DutyShift.objects.create(studio=studio, member=member, date=date, period=period, note=note)
            log(studio, actor=actor, action="shift.add", note=f"{member} {date} {shift.get_period_display()}")
            if date <= timezone.localdate():
                duty_touch(member_ids=[member.pk], year=date.year)
    except IntegrityError as exc:
        raise ValidationError({"date": _("This member is already on duty then.")}) from exc
    return shift


def shift_remove(*, actor, shift: DutyShift) -> None:
    _ensure_runs(actor, shift.studio)
    with transaction.atomic():
        log(shift.studio, actor=actor, action="shift.remove", note=f"{shift.member} {shift.date}")
        duty_touch(member_ids=[shift.member_id], year=shift.date.year)
        shift.delete()


# --- concerns from the public ------------------------------------------------------------------------


def concern_submit(*, studio: Studio, phone: str, description: str, name: str = "", place: str = "", photo=None,
                   client: str, seconds_to_fill: float | None = None, website: str = "") -> Concern:
    """Anyone raises a concern at a studio, without an account. Junk is refused: empty or
    oversized text, a filled hidden field (``website``) or a form sent faster than a person
    types, more than INTAKE_LIMIT from one client in an hour, and the same text from the same
    phone twice in a day. Returns the concern with its tracking code.

    Side effects: the concern (and its photo), the studio's members and staff told."""
    if not studio.is_active:
        raise ValidationError({"studio": _("This studio does not take concerns at the moment.")})
    if website or (seconds_to_fill is not None and seconds_to_fill < MIN_FILL_SECONDS):
        raise ValidationError({"description": _("The form was sent too quickly. Please try again.")})
    errors = {}
    phone = re.sub(r"\s", "", phone or "")
    if not PHONE.match(phone):
        errors["phone"] = _("Give a mobile number (11 digits) or a landline with its area code.")
    description = (description or "").strip()
    if len(description) < 10:
        errors["description"] = _("Describe the concern in at least 10 characters.")
    elif len(description) > 2000:
        errors["description"] = _("At most %(n)d characters.") % {"n": 2000}
    name, place = (name or "").strip(), (place or "").strip()
    if len(name) > 30:
        errors["name"] = _("At most %(n)d characters.") % {"n": 30}
    if len(place) > 100:
        errors["place"] = _("At most %(n)d characters.") % {"n": 100}
    cleaned = None
    if photo is not None:
        try:
            cleaned = clean_upload(photo)
        except ValidationError as exc:
            errors["photo"] = exc.messages
        else:
            if not cleaned.content_type.startswith("image/"):
                errors["photo"] = [_("Attach a photo (JPEG or PNG).")]
    if errors:
        raise ValidationError(errors)
    who = client_hash(client)
    now = timezone.now()
    with transaction.atomic():
        # one intake at a time per studio, so that simultaneous sends cannot pass the limit together
        Studio.objects.select_for_update().filter(pk=studio.pk).first()
        if Concern.objects.filter(client_hash=who, created_at__gte=now - INTAKE_WINDOW).count() >= INTAKE_LIMIT:
            raise ValidationError({"description": _("Too many concerns from this device in an hour. "
                                                    "Please try again later or call the studio.")})
        if Concern.objects.filter(phone=phone, description=description, created_at__gte=now - dt.timedelta(days=1)) \
                .exists():
            raise ValidationError({"description": _("This concern was already received; its tracking code was shown "
                                                    "when you sent it.")})
        for _attempt in range(5):
            code = _new_code()
            if not Concern.objects.filter(tracking_code=code).exists():
                break
        concern = Concern(studio=studio, tracking_code=code, name=name, phone=phone, place=place,
                          description=description, client_hash=who, created_at=now)
        if cleaned is not None:
            concern.photo = cleaned.file
            concern.photo_name = cleaned.name
        concern.save()
        log(concern, actor=None, action="concern.submit", note=studio.name)
        tell(concern, _runners(studio), _("A concern was raised at %(s)s") % {"s": studio.name}, description[:200])
    return concern


def _runners(studio: Studio) -> list:
    """The studio's members and its committee's staff."""
    users = [m.user for m in studio.members.select_related("user")]
    if studio.lead_member_id:
        users.append(studio.lead_member.user)
    return users + staff_of(studio.committee)


def _lock(concern: Concern) -> Concern:
    return Concern.objects.select_for_update(of=("self",)).select_related("studio").get(pk=concern.pk)


def concern_assign(*, actor, concern: Concern, member: Member) -> Concern:
    """Give the concern to a member of the studio (usually the one on duty)."""
    _ensure_runs(actor, concern.studio)
    _studio_member(concern.studio, member)
    with transaction.atomic():
        concern = _lock(concern)
        before = move(concern, ConcernStatus.ASSIGNED, CONCERN_TRANSITIONS)
        concern.assigned_to, concern.assigned_at = member, timezone.now()
        concern.save()
        log(concern, actor=actor, action="concern.assign", note=str(member),
            changes={"status": {"before": before, "after": concern.status}})
        tell(concern, [member.user], _("A concern is given to you: %(c)s") % {"c": concern.tracking_code},
             concern.description[:200], actor=actor)
    return concern


def concern_reply(*, actor, concern: Concern, reply: str) -> Concern:
    """Answer the person (shown on the public status page)."""
    _ensure_runs(actor, concern.studio)
    reply = text(reply, "reply", max_length=2000, min_length=4)
    with transaction.atomic():
        concern = _lock(concern)
        before = concern.status
        if concern.status in (ConcernStatus.NEW, ConcernStatus.ASSIGNED):
            move(concern, ConcernStatus.REPLIED, CONCERN_TRANSITIONS)
        elif concern.status == ConcernStatus.CLOSED:
            raise Conflict(_("This concern is closed."))
        concern.reply, concern.replied_at, concern.replied_by = reply, timezone.now(), actor
        concern.save()
        log(concern, actor=actor, action="concern.reply", note=reply[:500],
            changes={"status": {"before": before, "after": concern.status}})
        if concern.assigned_to_id:
            duty_touch(member_ids=[concern.assigned_to_id])
    return concern


def concern_convert(*, actor, concern: Concern, to: str, title: str, category=None) -> Concern:
    """A member of the studio takes the concern up in their own name: as a micro-suggestion
    (submitted and routed at once), a proposal draft (to finish and submit), or a
    social-conditions item (a draft). The link is kept and the public status page follows it.
    The person's name and phone are not copied."""
    if to not in ConcernConversion.values:
        raise ValidationError({"to": _("Choose what the concern becomes.")})
    seat = Member.active_seats().filter(user=actor, committee_id=concern.studio.committee_id).first()
    if seat is None or not is_studio_member(actor, concern.studio):
        raise PermissionDenied(_("A member of the studio takes a concern up in their own name."))
    title = text(title, "title", max_length=120, min_length=6)
    content = concern.description + (f"\n\n（地点：{concern.place}）" if concern.place else "") + \
        f"\n\n（群众通过{concern.studio.name}反映，编号 {concern.tracking_code}）"
    with transaction.atomic():
        concern = _lock(concern)
        before = move(concern, ConcernStatus.CONVERTED, CONCERN_TRANSITIONS)
        if to == ConcernConversion.MICRO_SUGGESTION:
            item = micro_suggestions.micro_suggestion_submit(actor=actor, member=seat, title=title, content=content,
                                                             category=category)
            concern.converted_case = item
        elif to == ConcernConversion.PROPOSAL:
            # a draft: the member writes the analysis and suggestions before submitting it
            draft = proposals.proposal_draft_save(
                actor=actor, member=seat, title=title, reason=concern.description[:2000], analysis=content,
                suggestions="（具体建议待委员补充完善后提交。）", category=category)
            concern.converted_proposal = draft
        else:
            item = information.information_draft_save(actor=actor, committee=concern.studio.committee, title=title,
                                                      content=content, category=category)
            concern.converted_information = item
        concern.conversion, concern.converted_by, concern.converted_at = to, seat, timezone.now()
        concern.assigned_to = concern.assigned_to or seat
        concern.save()
        log(concern, actor=actor, action="concern.convert", note=ConcernConversion(to).label,
            changes={"status": {"before": before, "after": concern.status}})
        duty_touch(member_ids=[seat.pk, concern.assigned_to_id])
    return concern


def concern_close(*, actor, concern: Concern, note: str = "") -> Concern:
    _ensure_runs(actor, concern.studio)
    note = text(note, "note", required=False, max_length=500)
    with transaction.atomic():
        concern = _lock(concern)
        if concern.status in (ConcernStatus.NEW, ConcernStatus.ASSIGNED) and not note:
            raise ValidationError({"note": _("Say why it is closed without an answer.")})
        before = move(concern, ConcernStatus.CLOSED, CONCERN_TRANSITIONS)
        concern.closed_at, concern.close_note = timezone.now(), note
        concern.save()
        log(concern, actor=actor, action="concern.close", note=note,
            changes={"status": {"before": before, "after": concern.status}})
    return concern


def concern_public_status(code: str) -> dict | None:
    """What the public status page shows for a tracking code: never the name, phone or place;
    the studio's answer, and what became of it — for a micro-suggestion, its handling state
    and the departments' released replies."""
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{6,16}", code):
        return None
    concern = Concern.objects.select_related("studio", "converted_case", "converted_proposal__case",
                                             "converted_information").filter(tracking_code=code).first()
    if concern is None:
        return None
    status = {"code": concern.tracking_code, "studio": concern.studio.name, "received_at": concern.created_at,
              "status": concern.status, "status_label": concern.get_status_display(), "reply": concern.reply,
              "replied_at": concern.replied_at, "conversion": concern.conversion,
              "conversion_label": concern.get_conversion_display() if concern.conversion else "",
              "converted_at": concern.converted_at, "handling": None, "replies": []}
    case = concern.converted_case
    if case is None and concern.converted_proposal_id and concern.converted_proposal.case_id:
        case = concern.converted_proposal.case
    if case is None and concern.converted_information_id and concern.converted_information.case_id:
        case = concern.converted_information.case
    if case is not None:
        status["handling"] = case.get_status_display()
        status["closed"] = case.status == CaseStatus.CLOSED
        status["replies"] = [
            {"department": r.assignment.department.name, "text": r.text, "at": r.created_at}
            for r in Reply.objects.filter(case=case, is_opinion=False, review_status=ReplyReview.RELEASED)
            .select_related("assignment__department").order_by("created_at", "id")]
    elif concern.converted_proposal_id:
        status["handling"] = concern.converted_proposal.get_status_display()
    elif concern.converted_information_id:
        status["handling"] = concern.converted_information.get_status_display()
    return status


# --- studio activities -------------------------------------------------------------------------------


def studio_activity_save(*, actor, studio: Studio, activity: StudioActivity | None = None, kind: str, title: str,
                         starts_at: dt.datetime, ends_at: dt.datetime, place: str = "", summary: str = "",
                         quarter: str = "", members: Iterable[Member] | None = None) -> StudioActivity:
    """Record a studio activity; a new one lists the members given (default: the studio's) as
    taking part, whose attendance is then recorded like a session's. A follow-up meeting names
    the quarter it reviews ("2026Q3")."""
    studio = activity.studio if activity else studio
    _ensure_runs(actor, studio)
    if kind not in StudioActivityKind.values:
        raise ValidationError({"kind": _("Choose the kind of activity.")})
    title = text(title, "title", max_length=120, min_length=4)
    place = text(place, "place", required=False, max_length=200)
    summary = text(summary, "summary", required=False, max_length=20000)
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime) or ends_at < starts_at:
        raise ValidationError({"ends_at": _("Give the start and an end not before it.")})
    quarter = (quarter or "").strip().upper()
    if kind == StudioActivityKind.FOLLOW_UP and not re.fullmatch(r"20\d\dQ[1-4]", quarter):
        raise ValidationError({"quarter": _("Give the quarter the meeting reviews, like 2026Q3.")})
    if kind != StudioActivityKind.FOLLOW_UP:
        quarter = ""
    with transaction.atomic():
        if activity is None:
            activity = StudioActivity.objects.create(studio=studio, kind=kind, title=title, starts_at=starts_at,
                                                     ends_at=ends_at, place=place, summary=summary, quarter=quarter,
                                                     created_by=actor)
            people = list(members) if members is not None else list(studio.members.all())
            if people:
                if any(m.committee_id != studio.committee_id for m in people):
                    raise ValidationError({"members": _("Choose members of this committee.")})
                from ..choices import InvitationStatus, ParticipantRole
                from ..models import Participant

                Participant.objects.bulk_create([
                    Participant(studio_activity=activity, member=m, user=m.user, name=m.name,
                                role=ParticipantRole.MEMBER, invitation=InvitationStatus.ACCEPTED)
                    for m in dict.fromkeys(people)])
            action = "studio_activity.create"
        else:
            activity = lock(activity)
            activity.kind, activity.title, activity.place, activity.summary = kind, title, place, summary
            activity.starts_at, activity.ends_at, activity.quarter = starts_at, ends_at, quarter
            activity.save()
            action = "studio_activity.update"
        log(studio, actor=actor, action=action, note=title)
        duty_touch(member_ids=list(activity.participants.values_list("member_id", flat=True)),
                   year=timezone.localtime(starts_at).year)
    return activity


def quarter_concerns(studio: Studio, quarter: str):
    """The concerns a studio received in a quarter ("2026Q3"), for its follow-up meeting."""
    if not re.fullmatch(r"20\d\dQ[1-4]", quarter or ""):
        raise ValidationError({"quarter": _("Give the quarter the meeting reviews, like 2026Q3.")})
    year, q = int(quarter[:4]), int(quarter[-1])
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return studio.concerns.filter(created_at__date__gte=start, created_at__date__lt=end).select_related(
        "assigned_to", "converted_case", "converted_proposal", "converted_information").order_by("created_at", "id")
