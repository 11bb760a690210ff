"""Consultation (协商议政): kinds, topics, the annual plan, sessions and their participants,
materials, speeches, the online discussion, results, leader instructions and follow-up.

Every function is keyword-only, takes the acting user as ``actor``, checks the rule, runs in
one transaction, writes the timeline (the audit log) and tells people after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.uploads import clean_upload
from members.models import Committee, Department, Member, SpecialCommittee
from members.selectors import department_users, scope_for
from proposals.choices import ProposalStatus

from ..choices import (
    GRASSROOTS_STEPS,
    RESULT_TRANSITIONS,
    SESSION_TRANSITIONS,
    TOPIC_TRANSITIONS,
    Attendance,
    ConsultationForm,
    InstructionLevel,
    InvitationStatus,
    ParticipantRole,
    PlanStatus,
    Recipient,
    ResultStatus,
    SessionStatus,
    SpeechKind,
    SpeechStatus,
    TaskStatus,
    TopicSource,
    TopicStatus,
)
from ..models import (
    Activity,
    Consultation,
    ConsultationKind,
    ConsultationPlan,
    FollowUp,
    InformationItem,
    Instruction,
    Material,
    Participant,
    Post,
    Result,
    Speech,
    Task,
    Topic,
)
from .common import (
    check_committee,
    ensure_staff,
    ensure_staff_or_leader,
    is_staff,
    leaders_of,
    lock,
    log,
    member_seat,
    move,
    staff_of,
    tell,
    text,
    touch_duty,
)

# The standard kinds a committee starts with (it renames, adds and retires its own).
DEFAULT_KINDS = [
    ("全体会议协商", ConsultationForm.PLENARY),
    ("专题议政性常委会议", ConsultationForm.STANDING),
    ("专题协商", ConsultationForm.SPECIAL),
    ("主席会议协商", ConsultationForm.CHAIRMAN),
    ("对口协商", ConsultationForm.COUNTERPART),
    ("界别协商", ConsultationForm.SECTOR),
    ("提案办理协商", ConsultationForm.PROPOSAL_HANDLING),
    ("专家协商", ConsultationForm.EXPERT),
    ("主席微协商", ConsultationForm.MICRO),
    ("网络议政·远程协商", ConsultationForm.ONLINE),
    ("请你来协商", ConsultationForm.GRASSROOTS),
]
# A member may sign in from this long before the start until the end.
CHECK_IN_EARLY = dt.timedelta(hours=2)
MAX_PARTICIPANTS = 500
MAX_MATERIALS = 20


# --- kinds -------------------------------------------------------------------------------------


def consultation_kinds_install(*, actor, committee: Committee) -> list[ConsultationKind]:
    """Give a committee the standard kinds it does not have yet (by name); returns those added."""
    ensure_staff(actor, committee)
    with transaction.atomic():
        existing = set(ConsultationKind.objects.filter(committee=committee).values_list("name", flat=True))
        added = []
        for order, (name, form) in enumerate(DEFAULT_KINDS, start=1):
            if name in existing:
                continue
            kind = ConsultationKind.objects.create(
                committee=committee, name=name, form=form, order=order * 10,
                steps=list(GRASSROOTS_STEPS) if form == ConsultationForm.GRASSROOTS else [])
            log(kind, actor=actor, action="consultation_kind.create")
            added.append(kind)
    return added


def _clean_steps(steps) -> list[str]:
    if steps in (None, ""):
        return []
    if isinstance(steps, str):
        steps = steps.splitlines()
    if not isinstance(steps, list | tuple):
        raise ValidationError({"steps": _("Give the steps as a list, one per line.")})
    cleaned = [str(s).strip() for s in steps if str(s).strip()]
    if len(cleaned) > 20 or any(len(s) > 40 for s in cleaned):
        raise ValidationError({"steps": _("At most 20 steps of at most 40 characters each.")})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"steps": _("Each step is named once.")})
    return cleaned


def consultation_kind_save(*, actor, kind: ConsultationKind | None = None, committee: Committee | None = None,
                           name: str, form: str, steps=None, order: int = 0,
                           is_active: bool = True) -> ConsultationKind:
    committee = kind.committee if kind else committee
    ensure_staff(actor, committee)
    name = text(name, "name", max_length=60, min_length=2)
    if form not in ConsultationForm.values:
        raise ValidationError({"form": _("Choose one of the forms of consultation.")})
    steps = _clean_steps(steps)
    if form == ConsultationForm.GRASSROOTS and not steps:
        steps = list(GRASSROOTS_STEPS)
    if ConsultationKind.objects.filter(committee=committee, name=name).exclude(pk=getattr(kind, "pk", None)).exists():
        raise ValidationError({"name": _("This committee already has a kind of that name.")})
    with transaction.atomic():
        if kind is None:
            kind = ConsultationKind.objects.create(committee=committee, name=name, form=form, steps=steps,
                                                   order=order, is_active=is_active)
            log(kind, actor=actor, action="consultation_kind.create")
        else:
            kind = lock(kind)
            if kind.form != form and kind.consultations.exists():
                raise Conflict(_("Sessions of this kind exist; its form can no longer change."))
            before = {"name": kind.name, "form": kind.form, "is_active": kind.is_active}
            kind.name, kind.form, kind.steps, kind.order, kind.is_active = name, form, steps, order, is_active
            kind.save()
            log(kind, actor=actor, action="consultation_kind.update",
                changes={k: {"before": v, "after": getattr(kind, k)} for k, v in before.items()
                         if v != getattr(kind, k)})
    return kind


# --- topics and the plan -------------------------------------------------------------------------


def topic_propose(*, actor, committee: Committee, year: int, title: str, description: str, source: str,
                  source_detail: str = "", kind: ConsultationKind | None = None,
                  organiser: SpecialCommittee | None = None) -> Topic:
    """Enter a topic. Members recommend topics in their own name (source "member"); staff enter
    the ones the party committee and government assign and those the public raised.

    Side effects: the topic, its timeline, staff told of a member's recommendation."""
    title = text(title, "title", max_length=120, min_length=4)
    description = text(description, "description", max_length=5000, min_length=10)
    source_detail = text(source_detail, "source_detail", required=False, max_length=120)
    if source not in TopicSource.values:
        raise ValidationError({"source": _("Choose where the topic comes from.")})
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not this_year - 1 <= year <= this_year + 2:
        raise ValidationError({"year": _("Choose a year from %(a)d to %(b)d.") % {"a": this_year - 1,
                                                                               "b": this_year + 2}})
    seat = None
    if is_staff(actor, committee):
        if source == TopicSource.MEMBER:
            raise ValidationError({"source": _("Members recommend topics in their own name.")})
    else:
        seat = member_seat(actor, committee.pk)
        if seat is None:
            raise PermissionDenied(_("Only members and staff of this committee may propose topics."))
        if source != TopicSource.MEMBER:
            raise ValidationError({"source": _("A member's topic is a member's recommendation.")})
    check_committee([kind], committee.pk, "kind", _("Choose a kind of this committee."))
    check_committee([organiser], committee.pk, "organiser", _("Choose a special committee of this committee."))
    with transaction.atomic():
        topic = Topic.objects.create(committee=committee, year=year, title=title, description=description,
                                     source=source, source_detail=source_detail, recommended_by=seat,
                                     submitted_by=actor, kind=kind, organiser=organiser)
        log(topic, actor=actor, action="topic.propose")
        if seat is not None:
            tell(topic, staff_of(committee), _("A member recommends a consultation topic: %(t)s") % {"t": title},
                 actor=actor)
    return topic


def topic_review(*, actor, topic: Topic, approve: bool, note: str = "") -> Topic:
    """Approve a proposed topic or do not adopt it (with the reason its proposer sees)."""
    ensure_staff(actor, topic)
    note = text(note, "note", required=not approve, max_length=2000)
    with transaction.atomic():
        topic = lock(topic)
        if topic.status == TopicStatus.SCHEDULED:
            # scheduled → approved is the plan's own step back (plan_unschedule), not a review
            raise Conflict(_("This topic is in the plan; take it out of the plan first."))
        before = move(topic, TopicStatus.APPROVED if approve else TopicStatus.REJECTED, TOPIC_TRANSITIONS)
        topic.review_note, topic.reviewed_by, topic.reviewed_at = note, actor, timezone.now()
        topic.save()
        log(topic, actor=actor, action="topic.review", note=note,
            changes={"status": {"before": before, "after": topic.status}})
        tell(topic, [topic.submitted_by], (_("Your topic was approved: %(t)s") if approve
                                           else _("Your topic was not adopted: %(t)s")) % {"t": topic.title},
             note, actor=actor)
    return topic


def plan_save(*, actor, plan: ConsultationPlan | None = None, committee: Committee | None = None,
              year: int | None = None, title: str, introduction: str = "") -> ConsultationPlan:
    committee = plan.committee if plan else committee
    ensure_staff(actor, committee)
    title = text(title, "title", max_length=120, min_length=4)
    introduction = text(introduction, "introduction", required=False, max_length=10000)
    with transaction.atomic():
        if plan is None:
            if not isinstance(year, int) or not 2000 <= year <= 2100:
                raise ValidationError({"year": _("Give the plan's year.")})
            if ConsultationPlan.objects.filter(committee=committee, year=year).exists():
                raise ValidationError({"year": _("This committee already has a plan for %(y)d.") % {"y": year}})
            plan = ConsultationPlan.objects.create(committee=committee, year=year, title=title,
                                                   introduction=introduction)
            log(plan, actor=actor, action="plan.create")
        else:
            plan = lock(plan)
            plan.title, plan.introduction = title, introduction
            plan.save()
            log(plan, actor=actor, action="plan.update")
    return plan


def plan_schedule(*, actor, plan: ConsultationPlan, topic: Topic, month: int,
                  kind: ConsultationKind | None = None, organiser: SpecialCommittee | None = None) -> Topic:
    """Put an approved topic of the plan's year into the plan, in a month, with its kind and
    organiser (moving a scheduled one to another month is the same step)."""
    ensure_staff(actor, plan)
    if topic.committee_id != plan.committee_id:
        raise ValidationError({"topic": _("Choose a topic of this committee.")})
    if topic.year != plan.year:
        raise ValidationError({"topic": _("The topic is for %(a)d, the plan for %(b)d.") % {"a": topic.year,
                                                                                        "b": plan.year}})
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError({"month": _("The month is between 1 and 12.")})
    check_committee([kind], plan.committee_id, "kind", _("Choose a kind of this committee."))
    check_committee([organiser], plan.committee_id, "organiser", _("Choose a special committee of this committee."))
    with transaction.atomic():
        topic = lock(topic)
        before = topic.status
        if topic.status != TopicStatus.SCHEDULED:
            move(topic, TopicStatus.SCHEDULED, TOPIC_TRANSITIONS)
        topic.plan, topic.planned_month = plan, month
        topic.kind = kind or topic.kind
        topic.organiser = organiser or topic.organiser
        topic.save()
        log(topic, actor=actor, action="topic.schedule", note=f"{plan.year}-{month:02d}",
            changes={"status": {"before": before, "after": topic.status}})
    return topic


def plan_unschedule(*, actor, topic: Topic) -> Topic:
    ensure_staff(actor, topic)
    with transaction.atomic():
        topic = lock(topic)
        if topic.consultations.exists():
            raise Conflict(_("A session on this topic exists; it stays in the plan."))
        before = move(topic, TopicStatus.APPROVED, TOPIC_TRANSITIONS)
        topic.plan, topic.planned_month = None, None
        topic.save()
        log(topic, actor=actor, action="topic.unschedule", changes={"status": {"before": before,
                                                                              "after": topic.status}})
    return topic


def plan_publish(*, actor, plan: ConsultationPlan) -> ConsultationPlan:
    """Publish the plan: members and leaders of the committee see it from now on."""
    ensure_staff(actor, plan)
    with transaction.atomic():
        plan = lock(plan)
        if plan.status == PlanStatus.PUBLISHED:
            raise Conflict(_("The plan is already published."))
        if not plan.topics.exists():
            raise ValidationError({"topics": _("Schedule at least one topic before publishing.")})
        plan.status, plan.published_at = PlanStatus.PUBLISHED, timezone.now()
        plan.save()
        log(plan, actor=actor, action="plan.publish")
        tell(plan, leaders_of(plan.committee), _("The consultation plan is published: %(t)s") % {"t": plan.title},
             actor=actor)
    return plan


# --- sessions ------------------------------------------------------------------------------------


def _clean_session(committee: Committee, *, kind: ConsultationKind, title: str, starts_at, ends_at, place: str,
                   is_online: bool, organiser, topics, departments, proposals, description: str) -> dict:
    errors = {}
    if kind is None or kind.committee_id != committee.pk or not kind.is_active:
        errors["kind"] = _("Choose an active kind of this committee.")
    title = (title or "").strip()
    if not 4 <= len(title) <= 120:
        errors["title"] = _("Give a title of 4 to 120 characters.")
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        errors["starts_at"] = _("Give the start and end.")
    elif ends_at < starts_at:
        errors["ends_at"] = _("The end must not be before the start.")
    elif ends_at - starts_at > dt.timedelta(days=31):
        errors["ends_at"] = _("A session lasts at most a month; make several for a longer activity.")
    place = (place or "").strip()
    if len(place) > 200:
        errors["place"] = _("At most %(n)d characters.") % {"n": 200}
    if not place and not is_online and not errors.get("kind") and kind.form != ConsultationForm.ONLINE:
        errors["place"] = _("Give the place, or mark the session as online.")
    if len(description or "") > 10000:
        errors["description"] = _("At most %(n)d characters.") % {"n": 10000}
    topics = list(dict.fromkeys(topics))
    if any(t.committee_id != committee.pk or t.status not in (TopicStatus.APPROVED, TopicStatus.SCHEDULED,
                                                              TopicStatus.DONE) for t in topics):
        errors["topics"] = _("Choose approved topics of this committee.")
    departments = list(dict.fromkeys(departments))
    if any(d.committee_id != committee.pk or not d.is_active for d in departments):
        errors["departments"] = _("Choose active departments of this committee.")
    proposals = list(dict.fromkeys(proposals))
    if any(p.committee_id != committee.pk or p.status != ProposalStatus.FILED for p in proposals):
        errors["proposals"] = _("Choose filed proposals of this committee.")
    if organiser is not None and organiser.committee_id != committee.pk:
        errors["organiser"] = _("Choose a special committee of this committee.")
    if not errors.get("kind"):
        if kind.form == ConsultationForm.COUNTERPART and not departments:
            errors["departments"] = _("A counterpart consultation names the departments it is held with.")
        if kind.form == ConsultationForm.PROPOSAL_HANDLING and not proposals:
            errors["proposals"] = _("A proposal-handling consultation names the proposals it handles.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "place": place, "topics": topics, "departments": departments, "proposals": proposals,
            "is_online": bool(is_online or kind.form == ConsultationForm.ONLINE),
            "description": (description or "").strip()}


def consultation_save(*, actor, consultation: Consultation | None = None, committee: Committee | None = None,
                      kind: ConsultationKind, title: str, starts_at: dt.datetime, ends_at: dt.datetime,
                      place: str = "", is_online: bool = False, organiser: SpecialCommittee | None = None,
                      topics: Iterable[Topic] = (), departments: Iterable[Department] = (),
                      proposals: Iterable = (), description: str = "") -> Consultation:
    """Create a session (being prepared) or change it before it is held. A grassroots
    deliberation starts with its kind's step checklist.

    Side effects: the session and its links, timeline; announced sessions tell the invitees
    when the time or place changes."""
    committee = consultation.committee if consultation else committee
    ensure_staff(actor, committee)
    cleaned = _clean_session(committee, kind=kind, title=title, starts_at=starts_at, ends_at=ends_at, place=place,
                             is_online=is_online, organiser=organiser, topics=topics, departments=departments,
                             proposals=proposals, description=description)
    with transaction.atomic():
        if consultation is None:
            consultation = Consultation(committee=committee, created_by=actor,
                                        steps=[{"step": s, "done_on": None, "note": ""} for s in kind.steps]
                                        if kind.form == ConsultationForm.GRASSROOTS else [])
            action, moved = "consultation.create", False
        else:
            consultation = lock(consultation)
            if consultation.status in (SessionStatus.HELD, SessionStatus.CANCELLED):
                raise Conflict(_("This session is %(s)s; it can no longer change.")
                               % {"s": consultation.get_status_display()})
            if consultation.kind_id != kind.pk and consultation.kind.form != kind.form:
                raise ValidationError({"kind": _("Keep a kind of the same form once the session exists.")})
            action = "consultation.update"
            moved = (consultation.starts_at, consultation.place) != (starts_at, cleaned["place"])
        consultation.kind, consultation.title, consultation.description = kind, cleaned["title"], cleaned["description"]
        consultation.starts_at, consultation.ends_at = starts_at, ends_at
        consultation.place, consultation.is_online, consultation.organiser = (cleaned["place"], cleaned["is_online"],
                                                                              organiser)
        consultation.save()
        consultation.topics.set(cleaned["topics"])
        consultation.departments.set(cleaned["departments"])
        consultation.proposals.set(cleaned["proposals"])
        log(consultation, actor=actor, action=action)
        if moved and consultation.status in (SessionStatus.ANNOUNCED, SessionStatus.OPEN):
            tell(consultation, _invitees(consultation), _("Changed: %(t)s, %(w)s at %(p)s") % {
                "t": consultation.title, "w": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
                "p": consultation.place or _("online")}, actor=actor)
    return consultation


def _invitees(consultation: Consultation) -> list:
    rows = consultation.participants.exclude(invitation=InvitationStatus.DECLINED).select_related("member__user",
                                                                                                  "user")
    users = [p.member.user if p.member_id else p.user for p in rows]
    for department in consultation.departments.all():
        users += list(department_users(department))
    return users


def consultation_announce(*, actor, consultation: Consultation) -> Consultation:
    """Send the notice: invitees are asked to answer, counterpart departments are told."""
    ensure_staff(actor, consultation)
    with transaction.atomic():
        consultation = lock(consultation)
        before = move(consultation, SessionStatus.ANNOUNCED, SESSION_TRANSITIONS)
        consultation.save()
        log(consultation, actor=actor, action="consultation.announce",
            changes={"status": {"before": before, "after": consultation.status}})
        when = timezone.localtime(consultation.starts_at).strftime("%Y-%m-%d %H:%M")
        tell(consultation, _invitees(consultation), _("You are invited: %(t)s, %(w)s at %(p)s") % {
            "t": consultation.title, "w": when, "p": consultation.place or _("online")}, actor=actor)
    return consultation


def consultation_open(*, actor, consultation: Consultation) -> Consultation:
    """The session begins: sign-in is open, and an online session's discussion opens."""
    ensure_staff(actor, consultation)
    with transaction.atomic():
        consultation = lock(consultation)
        before = move(consultation, SessionStatus.OPEN, SESSION_TRANSITIONS)
        if consultation.is_online:
            consultation.discussion_open = True
        consultation.save()
        log(consultation, actor=actor, action="consultation.open",
            changes={"status": {"before": before, "after": consultation.status}})
    return consultation


def consultation_close(*, actor, consultation: Consultation, summary: str = "") -> Consultation:
    """The session is held: the discussion closes, its topics are consulted, and attendance is
    settled — whoever signed in is present, whoever declined with a reason is excused, the
    rest of the invited members are absent unless staff record otherwise afterwards.

    Side effects: status, attendance of unsettled participants, topics done, timeline."""
    ensure_staff(actor, consultation)
    summary = text(summary, "summary", required=False, max_length=20000)
    with transaction.atomic():
        consultation = lock(consultation)
        before = move(consultation, SessionStatus.HELD, SESSION_TRANSITIONS)
        consultation.discussion_open = False
        consultation.summary = summary or consultation.summary
        consultation.held_at = timezone.now()
        consultation.save()
        unsettled = consultation.participants.filter(attendance=Attendance.UNKNOWN)
        unsettled.filter(invitation=InvitationStatus.DECLINED).exclude(response_note="").update(
            attendance=Attendance.EXCUSED)
        unsettled.filter(attendance=Attendance.UNKNOWN).update(attendance=Attendance.ABSENT)
        touch_duty(consultation.participants.values_list("member_id", flat=True), consultation.starts_at)
        for topic in consultation.topics.select_for_update().filter(status=TopicStatus.SCHEDULED):
            topic.status = TopicStatus.DONE
            topic.save(update_fields=["status"])
        log(consultation, actor=actor, action="consultation.close",
            changes={"status": {"before": before, "after": consultation.status}})
    return consultation


def consultation_cancel(*, actor, consultation: Consultation, reason: str) -> Consultation:
    ensure_staff(actor, consultation)
    reason = text(reason, "reason", max_length=2000, min_length=4)
    with transaction.atomic():
        consultation = lock(consultation)
        before = move(consultation, SessionStatus.CANCELLED, SESSION_TRANSITIONS)
        consultation.discussion_open = False
        consultation.save()
        # speeches and written opinions of a cancelled session no longer count
        touch_duty(consultation.participants.values_list("member_id", flat=True), consultation.starts_at)
        log(consultation, actor=actor, action="consultation.cancel", note=reason,
            changes={"status": {"before": before, "after": consultation.status}})
        if before != SessionStatus.PLANNED:
            tell(consultation, _invitees(consultation), _("Cancelled: %(t)s") % {"t": consultation.title}, reason,
                 actor=actor)
    return consultation


def step_complete(*, actor, consultation: Consultation, step: str, done_on: dt.date, note: str = "") -> Consultation:
    """Tick a step of a grassroots deliberation's checklist (or change its date and note)."""
    ensure_staff(actor, consultation)
    note = text(note, "note", required=False, max_length=500)
    if not isinstance(done_on, dt.date) or done_on > timezone.localdate():
        raise ValidationError({"done_on": _("Give the day the step was done (not in the future).")})
    with transaction.atomic():
        consultation = lock(consultation)
        names = [s["step"] for s in consultation.steps]
        if step not in names:
            raise ValidationError({"step": _("This session has no step of that name.")})
        if consultation.status == SessionStatus.CANCELLED:
            raise Conflict(_("The session is cancelled."))
        index = names.index(step)
        consultation.steps[index] = {"step": step, "done_on": done_on.isoformat(), "note": note}
        consultation.save(update_fields=["steps", "updated_at"])
        log(consultation, actor=actor, action="consultation.step", note=f"{step} {done_on.isoformat()} {note}".strip())
    return consultation


# --- participants, attendance --------------------------------------------------------------------


def _event_of(participant: Participant):
    if participant.consultation_id:
        return participant.consultation
    return participant.activity if participant.activity_id else participant.studio_activity


def _event_field(event) -> str:
    """The Participant column pointing at ``event``."""
    if isinstance(event, Consultation):
        return "consultation"
    return "activity" if isinstance(event, Activity) else "studio_activity"


def _event_owner(event):
    """What decides who runs the event's list: the session, the task, or the studio (each has
    the committee whose staff may)."""
    if isinstance(event, Consultation):
        return event
    return event.task if isinstance(event, Activity) else event.studio


def _runs_event(actor, event) -> bool:
    """Who keeps an event's list: committee staff, and for a studio's activity its members."""
    if isinstance(event, Consultation | Activity):
        return is_staff(actor, _event_owner(event))
    from .studios import can_run_studio

    return can_run_studio(actor, event.studio)


def _ensure_runs_event(actor, event) -> None:
    if not _runs_event(actor, event):
        raise PermissionDenied(_("Only staff of this committee may do this."))


def _event_committee_id(event) -> int:
    return _event_owner(event).committee_id


def _event_is_over(event) -> bool:
    if isinstance(event, Consultation):
        return event.status in (SessionStatus.HELD, SessionStatus.CANCELLED)
    return event.ends_at < timezone.now()


def participants_invite(*, actor, event, members: Iterable[Member] = (), guests: Iterable[dict] = (),
                        accepted: bool = False) -> list[Participant]:
    """Invite members (by seat) and guests (experts, officials, public representatives by name)
    to a consultation, or put them on a task activity's list. Members already invited are
    skipped. An announced session tells the new invitees at once.

    ``guests``: dicts with name, organisation, role, optionally department and user."""
    committee_id = _event_committee_id(event)
    _ensure_runs_event(actor, event)
    members = list(dict.fromkeys(members))
    guests = list(guests)
    errors = {}
    if any(m.committee_id != committee_id or not m.is_active for m in members):
        errors["members"] = _("Invite serving members of this committee.")
    cleaned_guests = []
    for guest in guests:
        name = (guest.get("name") or "").strip()
        role = guest.get("role") or ParticipantRole.EXPERT
        department = guest.get("department")
        if not name or len(name) > 60:
            errors["guests"] = _("Give each guest's name (at most 60 characters).")
            break
        if role not in ParticipantRole.values or role == ParticipantRole.MEMBER:
            errors["guests"] = _("A guest takes part as an expert, department official, public representative or "
                                 "leader.")
            break
        if department is not None and department.committee_id != committee_id:
            errors["guests"] = _("Choose a department of this committee.")
            break
        cleaned_guests.append({"name": name, "organisation": (guest.get("organisation") or "").strip()[:120],
                               "role": role, "department": department, "user": guest.get("user")})
    if errors:
        raise ValidationError(errors)
    if not members and not cleaned_guests:
        raise ValidationError({"members": _("Choose whom to invite.")})
    with transaction.atomic():
        event = lock(event)
        if _event_is_over(event):
            raise Conflict(_("This is over; nobody more can be invited."))
        field = _event_field(event)
        existing = set(Participant.objects.filter(**{field: event}, member__isnull=False)
                       .values_list("member_id", flat=True))
        new_members = [m for m in members if m.pk not in existing]
        if Participant.objects.filter(**{field: event}).count() + len(new_members) + len(cleaned_guests) \
                > MAX_PARTICIPANTS:
            raise ValidationError({"members": _("At most %(n)d participants.") % {"n": MAX_PARTICIPANTS}})
        status = InvitationStatus.PENDING if isinstance(event, Consultation) and not accepted \
            else InvitationStatus.ACCEPTED
        rows = [Participant(**{field: event}, member=m, user=m.user, name=m.name,
                            organisation=f"{m.workplace} {m.title}".strip()[:120], role=ParticipantRole.MEMBER,
                            invitation=status) for m in new_members]
        rows += [Participant(**{field: event}, invitation=status, **g) for g in cleaned_guests]
        Participant.objects.bulk_create(rows)
        log(event, actor=actor, action="participants.invite", note="、".join(p.name for p in rows)[:2000])
        if isinstance(event, Consultation) and event.status in (SessionStatus.ANNOUNCED, SessionStatus.OPEN):
            when = timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")
            tell(event, [p.member.user if p.member_id else p.user for p in rows],
                 _("You are invited: %(t)s, %(w)s at %(p)s") % {"t": event.title, "w": when,
                                                               "p": event.place or _("online")}, actor=actor)
    return rows


def participant_remove(*, actor, participant: Participant) -> None:
    event = _event_of(participant)
    _ensure_runs_event(actor, event)
    with transaction.atomic():
        event = lock(event)
        participant = lock(participant)
        if _event_is_over(event):
            raise Conflict(_("This is over; its list of participants stays as it was."))
        if participant.speeches.exists() or participant.checked_in_at:
            raise Conflict(_("%(n)s has signed in or spoken; record their attendance instead.")
                           % {"n": participant.name})
        log(event, actor=actor, action="participants.remove", note=participant.name)
        touch_duty([participant.member_id], event.starts_at)
        participant.delete()


def _own_participant(actor, participant: Participant) -> bool:
    if participant.member_id:
        return participant.member.user_id == getattr(actor, "pk", None)
    return participant.user_id is not None and participant.user_id == getattr(actor, "pk", None)


def invitation_respond(*, actor, participant: Participant, accept: bool, note: str = "") -> Participant:
    """An invitee answers. Declining asks for leave: with a reason the absence is excused."""
    if not _own_participant(actor, participant):
        raise PermissionDenied(_("You can only answer your own invitation."))
    note = text(note, "note", required=not accept, max_length=300)
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).select_related("consultation").get(
            pk=participant.pk)
        consultation = participant.consultation
        if consultation is None or consultation.status not in (SessionStatus.ANNOUNCED, SessionStatus.OPEN):
            raise Conflict(_("This invitation can no longer be answered."))
        if participant.checked_in_at:
            raise Conflict(_("You have already signed in."))
        before = participant.invitation
        participant.invitation = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
        participant.response_note = note
        participant.responded_at = timezone.now()
        participant.save()
        log(consultation, actor=actor, action="invitation.accept" if accept else "invitation.decline",
            note=f"{participant.name} {note}".strip(),
            changes={"invitation": {"before": before, "after": participant.invitation}})
        if not accept:
            tell(consultation, staff_of(consultation.committee),
                 _("%(n)s asks for leave from %(t)s") % {"n": participant.name, "t": consultation.title}, note,
                 actor=actor)
    return participant


def participant_check_in(*, actor, participant: Participant) -> Participant:
    """Sign in (签到): the participant themselves from two hours before the start until an hour
    after the end (a consultation must be in progress), or staff for them at any time while
    the session is in progress or afterwards."""
    now = timezone.now()
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).select_related(
            "consultation", "activity__task", "studio_activity__studio", "member").get(pk=participant.pk)
        event = _event_of(participant)
        staff = _runs_event(actor, event)
        if not staff and not _own_participant(actor, participant):
            raise PermissionDenied(_("You can only sign yourself in."))
        if participant.checked_in_at:
            raise Conflict(_("Already signed in at %(t)s.") % {
                "t": timezone.localtime(participant.checked_in_at).strftime("%H:%M")})
        if isinstance(event, Consultation) and event.status != SessionStatus.OPEN and not (
                staff and event.status == SessionStatus.HELD):
            raise Conflict(_("Sign-in opens when the session begins."))
        if not staff and not (event.starts_at - CHECK_IN_EARLY <= now <= event.ends_at + dt.timedelta(hours=1)):
            raise Conflict(_("Sign-in is open from two hours before the start until an hour after the end."))
        participant.checked_in_at = now
        participant.attendance = Attendance.PRESENT
        if participant.invitation != InvitationStatus.ACCEPTED:
            participant.invitation, participant.responded_at = InvitationStatus.ACCEPTED, now
        participant.save()
        log(event, actor=actor, action="participant.check_in", note=participant.name)
        touch_duty([participant.member_id], event.starts_at)
    return participant


def attendance_record(*, actor, participant: Participant, attendance: str, note: str = "") -> Participant:
    """Staff record or correct a participant's attendance (e.g. an excused absence granted)."""
    event = _event_of(participant)
    _ensure_runs_event(actor, event)
    if attendance not in Attendance.values or attendance == Attendance.UNKNOWN:
        raise ValidationError({"attendance": _("Choose present, excused or absent.")})
    note = text(note, "note", required=False, max_length=300)
    with transaction.atomic():
        participant = lock(participant)
        if attendance == Attendance.EXCUSED and not (note or participant.response_note):
            raise ValidationError({"note": _("Give the reason for the excused absence.")})
        before = participant.attendance
        participant.attendance = attendance
        if note:
            participant.response_note = note
        participant.save()
        touch_duty([participant.member_id], event.starts_at)
        log(event, actor=actor, action="participant.attendance", note=f"{participant.name} {note}".strip(),
            changes={"attendance": {"before": before, "after": attendance}})
    return participant


# --- materials, speeches, discussion ---------------------------------------------------------------


def material_add(*, actor, consultation: Consultation, title: str, upload) -> Material:
    """Give participants background material (research reports, statistics, the draft plan)."""
    ensure_staff(actor, consultation)
    title = text(title, "title", max_length=120, min_length=2)
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    try:
        clean = clean_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    with transaction.atomic():
        consultation = lock(consultation)
        if consultation.materials.count() >= MAX_MATERIALS:
            raise ValidationError({"file": _("At most %(n)d documents.") % {"n": MAX_MATERIALS}})
        material = Material.objects.create(consultation=consultation, title=title, file=clean.file,
                                           original_name=clean.name, content_type=clean.content_type,
                                           size=clean.size, uploaded_by=actor)
        log(consultation, actor=actor, action="material.add", note=title)
    return material


def material_delete(*, actor, material: Material) -> None:
    ensure_staff(actor, material.consultation)
    with transaction.atomic():
        log(material.consultation, actor=actor, action="material.delete", note=material.title)
        stored = material.file.name
        material.delete()
        transaction.on_commit(lambda: material.file.storage.delete(stored))


def _participant_for(actor, consultation: Consultation) -> Participant | None:
    return (consultation.participants.filter(member__user=actor).first()
            or consultation.participants.filter(user=actor).first())


def speech_register(*, actor, consultation: Consultation, kind: str, title: str, text_: str,
                    participant: Participant | None = None) -> Speech:
    """Register to speak (发言) or hand in a written opinion (书面意见). A participant does so
    for themselves until the session is held; staff may register any participant's."""
    staff = is_staff(actor, consultation)
    if participant is None:
        participant = _participant_for(actor, consultation)
        if participant is None:
            raise PermissionDenied(_("Only participants of this session may speak or hand in opinions."))
    elif participant.consultation_id != consultation.pk:
        raise ValidationError({"participant": _("Choose a participant of this session.")})
    elif not staff and not _own_participant(actor, participant):
        raise PermissionDenied(_("You can only register in your own name."))
    if kind not in SpeechKind.values:
        raise ValidationError({"kind": _("Choose a speech or a written opinion.")})
    title = text(title, "title", max_length=120, min_length=4)
    body = text(text_, "text", max_length=20000, min_length=10)
    with transaction.atomic():
        consultation = lock(consultation)
        if consultation.status in (SessionStatus.HELD, SessionStatus.CANCELLED) and not staff:
            raise Conflict(_("The session is over; speeches are recorded by staff."))
        if participant.invitation == InvitationStatus.DECLINED and kind == SpeechKind.ORAL:
            raise Conflict(_("You declined this session; hand in a written opinion instead."))
        speech = Speech.objects.create(consultation=consultation, participant=participant, kind=kind, title=title,
                                       text=body)
        log(consultation, actor=actor, action="speech.register", note=f"{participant.name}: {title}")
        touch_duty([participant.member_id], consultation.starts_at)
    return speech


def speech_record(*, actor, speech: Speech, delivered: bool = True, order: int | None = None) -> Speech:
    """Staff record a speech as delivered (or set the speaking order)."""
    ensure_staff(actor, speech.consultation)
    with transaction.atomic():
        speech = lock(speech)
        if speech.status == SpeechStatus.WITHDRAWN:
            raise Conflict(_("This speech was withdrawn."))
        if order is not None:
            if not isinstance(order, int) or not 1 <= order <= 999:
                raise ValidationError({"order": _("The order is a number from 1 to 999.")})
            speech.order = order
        if delivered:
            speech.status, speech.delivered_at = SpeechStatus.DELIVERED, speech.delivered_at or timezone.now()
        speech.save()
        log(speech.consultation, actor=actor, action="speech.record", note=speech.title)
        touch_duty([speech.participant.member_id], speech.consultation.starts_at)
    return speech


def speech_withdraw(*, actor, speech: Speech) -> Speech:
    if not (is_staff(actor, speech.consultation) or _own_participant(actor, speech.participant)):
        raise PermissionDenied(_("You can only withdraw your own speech."))
    with transaction.atomic():
        speech = lock(speech)
        if speech.status != SpeechStatus.REGISTERED:
            raise Conflict(_("Only a speech not yet delivered can be withdrawn."))
        speech.status = SpeechStatus.WITHDRAWN
        speech.save()
        log(speech.consultation, actor=actor, action="speech.withdraw", note=speech.title)
        touch_duty([speech.participant.member_id], speech.consultation.starts_at)
    return speech


def discussion_set(*, actor, consultation: Consultation, open_: bool) -> Consultation:
    ensure_staff(actor, consultation)
    with transaction.atomic():
        consultation = lock(consultation)
        if open_ and consultation.status != SessionStatus.OPEN:
            raise Conflict(_("The discussion opens while the session is in progress."))
        consultation.discussion_open = open_
        consultation.save(update_fields=["discussion_open", "updated_at"])
        log(consultation, actor=actor, action="discussion.open" if open_ else "discussion.close")
    return consultation


def post_add(*, actor, consultation: Consultation, text_: str) -> Post:
    """Post to an online consultation's discussion while it is open (participants and staff)."""
    body = text(text_, "text", max_length=5000, min_length=2)
    participant = _participant_for(actor, consultation)
    if participant is None and not is_staff(actor, consultation):
        raise PermissionDenied(_("Only participants of this session may take part in the discussion."))
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if not consultation.discussion_open:
            raise Conflict(_("The discussion is closed."))
        post = Post.objects.create(consultation=consultation, participant=participant, author=actor, text=body)
    return post


def post_hide(*, actor, post: Post, hidden: bool = True) -> Post:
    ensure_staff(actor, post.consultation)
    with transaction.atomic():
        post = lock(post)
        post.is_hidden = hidden
        post.save(update_fields=["is_hidden"])
        log(post.consultation, actor=actor, action="post.hide" if hidden else "post.show", note=post.text[:100])
    return post


# --- results, instructions, follow-up ---------------------------------------------------------------


def result_save(*, actor, result: Result | None = None, consultation: Consultation | None = None, title: str,
                text_: str, departments: Iterable[Department] = ()) -> Result:
    """Write the consultation result (协商成果) of a held session, or change a draft."""
    consultation = result.consultation if result else consultation
    ensure_staff(actor, consultation)
    title = text(title, "title", max_length=120, min_length=4)
    body = text(text_, "text", max_length=50000, min_length=20)
    departments = list(dict.fromkeys(departments))
    if any(d.committee_id != consultation.committee_id for d in departments):
        raise ValidationError({"departments": _("Choose departments of this committee.")})
    with transaction.atomic():
        if result is None:
            consultation = lock(consultation)
            if consultation.status != SessionStatus.HELD:
                raise Conflict(_("A result is written once the session has been held."))
            result = Result.objects.create(consultation=consultation, committee_id=consultation.committee_id,
                                           title=title, text=body, created_by=actor)
            action = "result.create"
        else:
            result = lock(result)
            if result.status != ResultStatus.DRAFT:
                raise Conflict(_("Only a draft result can be changed."))
            result.title, result.text = title, body
            result.save()
            action = "result.update"
        result.departments.set(departments)
        log(result, actor=actor, action=action)
    return result


def result_approve(*, actor, result: Result, note: str = "") -> Result:
    """A leader (or staff on their behalf) approves the result for sending."""
    ensure_staff_or_leader(actor, result)
    with transaction.atomic():
        result = lock(result)
        before = move(result, ResultStatus.APPROVED, RESULT_TRANSITIONS)
        result.approved_by, result.approved_at = actor, timezone.now()
        result.save()
        log(result, actor=actor, action="result.approve", note=note,
            changes={"status": {"before": before, "after": result.status}})
    return result


def result_return(*, actor, result: Result, note: str) -> Result:
    """Send an approved result back to draft (before it is sent), with the reason."""
    ensure_staff_or_leader(actor, result)
    note = text(note, "note", max_length=2000, min_length=4)
    with transaction.atomic():
        result = lock(result)
        before = move(result, ResultStatus.DRAFT, RESULT_TRANSITIONS)
        result.approved_by, result.approved_at = None, None
        result.save()
        log(result, actor=actor, action="result.return", note=note,
            changes={"status": {"before": before, "after": result.status}})
    return result


def result_send(*, actor, result: Result, recipients: Iterable[str]) -> Result:
    """Send the approved result to the party committee, the government (and departments
    concerned, who are told and may report implementation)."""
    ensure_staff(actor, result)
    recipients = list(dict.fromkeys(recipients))
    if not recipients or any(r not in Recipient.values for r in recipients):
        raise ValidationError({"recipients": _("Choose where the result is sent.")})
    with transaction.atomic():
        result = lock(result)
        if Recipient.DEPARTMENTS in recipients and not result.departments.exists():
            raise ValidationError({"recipients": _("Name the departments concerned first.")})
        before = move(result, ResultStatus.SENT, RESULT_TRANSITIONS)
        result.recipients, result.sent_at = recipients, timezone.now()
        result.save()
        log(result, actor=actor, action="result.send", note="、".join(str(Recipient(r).label) for r in recipients),
            changes={"status": {"before": before, "after": result.status}})
        if Recipient.DEPARTMENTS in recipients:
            for department in result.departments.all():
                tell(result, department_users(department),
                     _("A consultation result concerns you: %(t)s") % {"t": result.title}, actor=actor)
        tell(result, leaders_of(result.committee), _("Consultation result sent: %(t)s") % {"t": result.title},
             actor=actor)
    return result


def _instruction_target(target) -> dict:
    if isinstance(target, Result):
        if target.status not in (ResultStatus.SENT, ResultStatus.CLOSED):
            raise Conflict(_("Instructions are recorded on a result once it is sent."))
        return {"result": target}
    if isinstance(target, InformationItem):
        from ..choices import InformationStatus

        if target.status not in (InformationStatus.SIGNED_OFF, InformationStatus.COMPILED, InformationStatus.SENT):
            raise Conflict(_("Instructions are recorded on an item once it is signed off."))
        return {"information": target}
    if isinstance(target, Task):
        if target.status not in (TaskStatus.REPORTED, TaskStatus.CONCLUDED) and not target.reports.exists():
            raise Conflict(_("Instructions are recorded on a task once it has reported."))
        return {"task": target}
    raise ValidationError({"target": _("Instructions are recorded on results, information items and tasks.")})


def instruction_record(*, actor, target, leader_name: str, level: str, instructed_on: dt.date, text_: str,
                       leader_title: str = "") -> Instruction:
    """Record a leader's instruction (批示). Staff and leaders of the committee record them.

    Side effects: the instruction, the target's timeline, the authors / team told."""
    ensure_staff_or_leader(actor, target)
    leader_name = text(leader_name, "leader_name", max_length=60, min_length=2)
    leader_title = text(leader_title, "leader_title", required=False, max_length=80)
    body = text(text_, "text", max_length=5000, min_length=2)
    if level not in InstructionLevel.values:
        raise ValidationError({"level": _("Choose whose leader instructed.")})
    if not isinstance(instructed_on, dt.date) or instructed_on > timezone.localdate():
        raise ValidationError({"instructed_on": _("Give the day of the instruction (not in the future).")})
    with transaction.atomic():
        target = lock(target)
        link = _instruction_target(target)
        instruction = Instruction.objects.create(committee_id=target.committee_id, leader_name=leader_name,
                                                 leader_title=leader_title, level=level,
                                                 instructed_on=instructed_on, text=body, recorded_by=actor, **link)
        log(target, actor=actor, action="instruction.record", note=f"{leader_name}：{body}"[:2000])
        if isinstance(target, InformationItem):
            touch_duty(target.authors.values_list("member_id", flat=True), instructed_on)
            users = [a.member.user if a.member_id else a.user for a in target.authors.select_related("member__user",
                                                                                                       "user")]
            tell(target, users, _("A leader instructed on your information: %(t)s") % {"t": target.display_title},
                 body, actor=actor, kind="information")
        elif isinstance(target, Task):
            tell(target, [t.member.user for t in target.team.select_related("member__user")],
                 _("A leader instructed on %(t)s") % {"t": target.title}, body, actor=actor)
    return instruction


def follow_up_add(*, actor, target, noted_on: dt.date, text_: str, department: Department | None = None,
                  implemented: bool = False) -> FollowUp:
    """Record how a sent result (or a reported task's recommendations) is being implemented.
    Staff record any entry; a liaison of a department concerned records their department's.
    An entry marked implemented closes a result.

    Side effects: the entry, the target's timeline, maybe the result closed."""
    body = text(text_, "text", max_length=5000, min_length=4)
    if not isinstance(noted_on, dt.date) or noted_on > timezone.localdate():
        raise ValidationError({"noted_on": _("Give the day (not in the future).")})
    staff = is_staff(actor, target)
    if implemented and not staff:
        raise PermissionDenied(_("Staff close a result as implemented."))
    if not staff:
        mine = scope_for(actor).department_ids
        concerned = target.departments.all() if isinstance(target, Result) else target.partners.all()
        if department is None or department.pk not in mine or department not in concerned:
            raise PermissionDenied(_("Only staff or the departments concerned may record follow-up."))
    if department is not None and department.committee_id != target.committee_id:
        raise ValidationError({"department": _("Choose a department of this committee.")})
    with transaction.atomic():
        target = lock(target)
        if isinstance(target, Result):
            if target.status != ResultStatus.SENT:
                raise Conflict(_("Follow-up is recorded on a sent result until it is closed."))
            link = {"result": target}
        elif isinstance(target, Task):
            if target.status == TaskStatus.PLANNED:
                raise Conflict(_("The task has not started."))
            link = {"task": target}
        else:
            raise ValidationError({"target": _("Follow-up is recorded on results and tasks.")})
        entry = FollowUp.objects.create(noted_on=noted_on, text=body, department=department,
                                        implemented=implemented, recorded_by=actor, **link)
        log(target, actor=actor, action="follow_up.add", note=body[:2000])
        if implemented and isinstance(target, Result):
            before = move(target, ResultStatus.CLOSED, RESULT_TRANSITIONS)
            target.closed_at = timezone.now()
            target.save()
            log(target, actor=actor, action="result.close",
                changes={"status": {"before": before, "after": target.status}})
        elif not staff:
            tell(target, staff_of(target.committee), _("Follow-up reported on %(t)s") % {"t": target.title}, body,
                 actor=actor)
    return entry


def calendar_feed_token(*, actor, reset: bool = False) -> str:
    """The actor's secret feed address token; ``reset`` replaces it (the old address stops)."""
    import secrets

    from ..models import CalendarFeed

    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
        if feed is None:
            try:
                with transaction.atomic():
                    feed = CalendarFeed.objects.create(user=actor, token=secrets.token_urlsafe(32))
            except IntegrityError:
                feed = CalendarFeed.objects.get(user=actor)
        elif reset:
            feed.token = secrets.token_urlsafe(32)
            feed.save(update_fields=["token"])
            log(feed, actor=actor, action="calendar_feed.reset")
    return feed.token
