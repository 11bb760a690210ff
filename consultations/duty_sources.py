"""What consultation, supervision, information and studio work put in members' duty records
(members.duty). Registered in ConsultationsConfig.ready()."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from members.choices import DutyKind, DutyRole
from members.duty import Fact, register_source

from .choices import (
    AdoptionLevel,
    Attendance,
    ConcernStatus,
    InformationStatus,
    SessionStatus,
    SpeechKind,
    SpeechStatus,
    TaskStatus,
    TeamRole,
)
from .models import Adoption, Concern, DutyShift, InformationAuthor, Instruction, Participant, Speech, TeamMember

ATTENDANCE_KINDS = {Attendance.PRESENT: DutyKind.MEETING_PRESENT, Attendance.EXCUSED: DutyKind.MEETING_EXCUSED,
                    Attendance.ABSENT: DutyKind.MEETING_ABSENT}
ADOPTION_KINDS = {AdoptionLevel.COMMITTEE: DutyKind.INFORMATION_ADOPTED,
                  AdoptionLevel.HIGHER: DutyKind.INFORMATION_ADOPTED_HIGHER,
                  AdoptionLevel.PROVINCIAL: DutyKind.INFORMATION_ADOPTED_PROVINCIAL,
                  AdoptionLevel.NATIONAL: DutyKind.INFORMATION_ADOPTED_NATIONAL}


def _members(q: Q, member_ids, committee_ids, field: str = "member") -> Q:
    if member_ids is not None:
        q &= Q(**{f"{field}_id__in": member_ids})
    if committee_ids is not None:
        q &= Q(**{f"{field}__committee_id__in": committee_ids})
    return q


def attendance_facts(*, year: int, member_ids=None, committee_ids=None) -> list[Fact]:
    """Attendance at held sessions (present, excused, absent), at task activities and studio
    activities (present)."""
    facts = []
    sessions = Participant.objects.filter(_members(
        Q(consultation__status=SessionStatus.HELD, consultation__starts_at__year=year,
          attendance__in=list(ATTENDANCE_KINDS)), member_ids, committee_ids)).select_related("consultation", "member")
    for p in sessions:
        facts.append(Fact(member_id=p.member_id, committee_id=p.member.committee_id, kind=ATTENDANCE_KINDS[p.attendance],
                          occurred_on=timezone.localdate(p.consultation.starts_at), source=p,
                          label=p.consultation.title, url=f"/consultations/{p.consultation_id}/"))
    now = timezone.now()
    activities = Participant.objects.filter(_members(
        Q(activity__starts_at__year=year, activity__starts_at__lte=now, attendance=Attendance.PRESENT),
        member_ids, committee_ids)).select_related("activity", "member")
    for p in activities:
        facts.append(Fact(member_id=p.member_id, committee_id=p.member.committee_id, kind=DutyKind.ACTIVITY_PRESENT,
                          occurred_on=timezone.localdate(p.activity.starts_at), source=p, label=p.activity.title,
                          url=f"/consultations/tasks/activities/{p.activity_id}/"))
    studio = Participant.objects.filter(_members(
        Q(studio_activity__starts_at__year=year, studio_activity__starts_at__lte=now, attendance=Attendance.PRESENT),
        member_ids, committee_ids)).select_related("studio_activity", "member")
    for p in studio:
        facts.append(Fact(member_id=p.member_id, committee_id=p.member.committee_id, kind=DutyKind.STUDIO_ACTIVITY,
                          occurred_on=timezone.localdate(p.studio_activity.starts_at), source=p,
                          label=p.studio_activity.title, url=f"/studios/activities/{p.studio_activity_id}/"))
    return facts


def speech_facts(*, year: int, member_ids=None, committee_ids=None) -> list[Fact]:
    """Speeches delivered and written opinions handed in, at sessions of the year that were not
    cancelled."""
    speeches = Speech.objects.filter(_members(
        Q(consultation__starts_at__year=year, participant__member__isnull=False)
        & ~Q(consultation__status=SessionStatus.CANCELLED)
        & (Q(kind=SpeechKind.ORAL, status=SpeechStatus.DELIVERED)
           | Q(kind=SpeechKind.WRITTEN) & ~Q(status=SpeechStatus.WITHDRAWN)),
        member_ids, committee_ids, field="participant__member")).select_related("consultation", "participant__member")
    return [Fact(member_id=s.participant.member_id, committee_id=s.participant.member.committee_id,
                 kind=DutyKind.SPEECH if s.kind == SpeechKind.ORAL else DutyKind.WRITTEN_OPINION,
                 occurred_on=timezone.localdate(s.consultation.starts_at), source=s, label=s.title,
                 url=f"/consultations/{s.consultation_id}/") for s in speeches]


def task_facts(*, year: int, member_ids=None, committee_ids=None) -> list[Fact]:
    """A place on the team of a task under way in the year (each year it runs), as lead or
    member."""
    rows = TeamMember.objects.filter(_members(
        Q(task__start_year__lte=year, task__end_year__gte=year) & ~Q(task__status=TaskStatus.PLANNED),
        member_ids, committee_ids)).select_related("task", "member")
    today = timezone.localdate()
    facts = []
    for t in rows:
        # the first year: from the day the task was recorded (if that was in the year), later years from 1 January
        day = dt.date(year, 1, 1)
        if t.task.start_year == year:
            day = min(max(day, timezone.localdate(t.task.created_at)), dt.date(year, 12, 31))
        day = min(day, today) if year == today.year else day
        facts.append(Fact(member_id=t.member_id, committee_id=t.member.committee_id,
                          kind=DutyKind.TASK_LEAD if t.role == TeamRole.LEAD else DutyKind.TASK_MEMBER,
                          occurred_on=day, source=t, label=t.task.title, url=f"/consultations/tasks/{t.task_id}/"))
    return facts


def information_facts(*, year: int, member_ids=None, committee_ids=None) -> list[Fact]:
    """Items submitted (each author with their recorded share), their adoptions per level and
    the leaders' instructions. A copy a higher committee received is the same item: its own
    adoption is recorded on the original, so only originals count."""
    authors = InformationAuthor.objects.filter(_members(
        Q(member__isnull=False, item__forwarded_from__isnull=True), member_ids, committee_ids)
    ).select_related("item", "member")
    by_item: dict[int, list[InformationAuthor]] = {}
    for a in authors:
        by_item.setdefault(a.item_id, []).append(a)
    sizes = {}
    if by_item:
        for item_id in by_item:
            sizes[item_id] = 0
        for a in InformationAuthor.objects.filter(item_id__in=by_item).only("item_id"):
            sizes[a.item_id] += 1
    facts = []

    def emit(item_rows, kind, day, source, label):
        for a in item_rows:
            facts.append(Fact(member_id=a.member_id, committee_id=a.member.committee_id, kind=kind, occurred_on=day,
                              source=source, label=label, url=f"/information/{a.item_id}/",
                              role=DutyRole.FIRST if a.order == 1 else DutyRole.CO, group_size=sizes[a.item_id],
                              share=a.share))

    for rows in by_item.values():
        item = rows[0].item
        if item.status != InformationStatus.DRAFT and item.submitted_at and \
                timezone.localdate(item.submitted_at).year == year:
            emit(rows, DutyKind.INFORMATION_SUBMITTED, timezone.localdate(item.submitted_at), item,
                 item.display_title)
    for adoption in Adoption.objects.filter(item_id__in=by_item, adopted_on__year=year).select_related("item"):
        emit(by_item[adoption.item_id], ADOPTION_KINDS[adoption.level], adoption.adopted_on, adoption,
             f"{adoption.item.display_title}（{adoption.adopted_by}）")
    copies = dict(Instruction.objects.filter(information__forwarded_from_id__in=by_item, instructed_on__year=year)
                  .values_list("pk", "information__forwarded_from_id"))
    instructions = Instruction.objects.filter(Q(information_id__in=by_item) | Q(pk__in=copies),
                                              instructed_on__year=year).select_related("information")
    for instruction in instructions:
        original = copies.get(instruction.pk, instruction.information_id)
        emit(by_item[original], DutyKind.INFORMATION_INSTRUCTED, instruction.instructed_on, instruction,
             f"{instruction.information.display_title}（{instruction.leader_name}）")
    return facts


def studio_facts(*, year: int, member_ids=None, committee_ids=None) -> list[Fact]:
    """Studio duty done (shifts up to today) and concerns of the public a member answered or
    took up."""
    today = timezone.localdate()
    shifts = DutyShift.objects.filter(_members(Q(date__year=year, date__lte=today), member_ids, committee_ids)) \
        .select_related("studio", "member")
    facts = [Fact(member_id=s.member_id, committee_id=s.member.committee_id, kind=DutyKind.STUDIO_DUTY,
                  occurred_on=s.date, source=s, label=f"{s.studio.name} {s.get_period_display()}",
                  url=f"/studios/{s.studio_id}/manage/") for s in shifts]
    concerns = Concern.objects.filter(_members(
        Q(status__in=[ConcernStatus.REPLIED, ConcernStatus.CONVERTED, ConcernStatus.CLOSED])
        & (Q(replied_at__year=year) | Q(converted_at__year=year)), member_ids, committee_ids, field="assigned_to")
    ).select_related("assigned_to", "studio")
    for c in concerns:
        if c.assigned_to_id is None:  # answered by staff before any member took it
            continue
        when = c.converted_at or c.replied_at
        if when is None or (c.status == ConcernStatus.CLOSED and not (c.reply or c.conversion)):
            continue
        facts.append(Fact(member_id=c.assigned_to_id, committee_id=c.assigned_to.committee_id,
                          kind=DutyKind.CONCERN_HANDLED, occurred_on=timezone.localdate(when), source=c,
                          label=f"{c.studio.name} {c.tracking_code}", url=f"/studios/concerns/{c.pk}/"))
    return facts


def register() -> None:
    register_source("consultations.attendance", attendance_facts)
    register_source("consultations.speeches", speech_facts)
    register_source("consultations.tasks", task_facts)
    register_source("consultations.information", information_facts)
    register_source("consultations.studios", studio_facts)


def duty_mark_due(*, now=None) -> int:
    """Mark the records that became due by the passing of time rather than by an action: duty
    shifts of today and activities that have begun today (a shift or an activity recorded in
    advance counts once its day comes), and on New Year's Day the team places of tasks that run
    into the new year. The beat runs it hourly; returns how many members were marked."""
    from django.db import transaction

    from members.duty import duty_touch

    now = now or timezone.now()
    today = timezone.localdate(now)
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    members = set(DutyShift.objects.filter(date=today).values_list("member_id", flat=True))
    members |= set(Participant.objects.filter(
        Q(activity__starts_at__gte=start, activity__starts_at__lte=now)
        | Q(studio_activity__starts_at__gte=start, studio_activity__starts_at__lte=now),
        member__isnull=False).values_list("member_id", flat=True))
    if today.month == 1 and today.day == 1:
        members |= set(TeamMember.objects.filter(task__start_year__lt=today.year, task__end_year__gte=today.year)
                       .exclude(task__status=TaskStatus.PLANNED).values_list("member_id", flat=True))
    with transaction.atomic():
        duty_touch(member_ids=members, year=today.year)
    return len(members)
