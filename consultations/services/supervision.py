"""Democratic supervision topics (four kinds), research and inspection tasks: the team, the
plan, activities with attendance, findings, reports per year, carrying over into the next
year, and conclusion. Instructions and follow-up are shared with consultation results
(services.consultations.instruction_record / follow_up_add)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import Conflict
from members.models import Committee, Department, Member, SpecialCommittee

from ..choices import (
    TASK_TRANSITIONS,
    ActivityKind,
    InvitationStatus,
    ParticipantRole,
    ReportKind,
    SupervisionKind,
    TaskCategory,
    TaskStatus,
    TeamRole,
)
from ..models import Activity, Participant, Task, TaskReport, TeamMember
from .common import check_committee, ensure_staff, is_staff, lock, log, move, tell, text, touch_duty

MAX_TEAM = 60
MAX_YEARS = 5


def _is_lead(actor, task: Task) -> bool:
    return task.team.filter(role=TeamRole.LEAD, member__user=actor).exists()


def _touch_team(task: Task) -> None:
    """Team places count in each year the task runs (members.duty)."""
    members = list(task.team.values_list("member_id", flat=True))
    for year in task.years:
        touch_duty(members, dt.date(year, 1, 1))


def task_save(*, actor, task: Task | None = None, committee: Committee | None = None, category: str,
              supervision_kind: str = "", title: str, description: str = "", plan: str = "",
              organiser: SpecialCommittee | None = None, partners: Iterable[Department] = (),
              start_year: int, end_year: int | None = None, deadline: dt.date | None = None) -> Task:
    """Create a supervision topic or a research/inspection task, or change one not concluded.
    A supervision topic has one of the four kinds; a collaborative one names the bodies it
    works with (courts, procuratorate, inspection bodies)."""
    committee = task.committee if task else committee
    ensure_staff(actor, committee)
    errors = {}
    if category not in TaskCategory.values:
        errors["category"] = _("Choose supervision, research or inspection.")
    elif category == TaskCategory.SUPERVISION and supervision_kind not in SupervisionKind.values[1:]:
        errors["supervision_kind"] = _("Choose one of the four kinds of supervision.")
    elif category != TaskCategory.SUPERVISION and supervision_kind:
        errors["supervision_kind"] = _("Only supervision topics have a kind of supervision.")
    end_year = end_year or start_year
    if not isinstance(start_year, int) or not 2000 <= start_year <= 2100:
        errors["start_year"] = _("Give the first year.")
    elif not isinstance(end_year, int) or not start_year <= end_year < start_year + MAX_YEARS:
        errors["end_year"] = _("The last year is from the first year to %(n)d years later.") % {"n": MAX_YEARS - 1}
    partners = list(dict.fromkeys(partners))
    if supervision_kind == SupervisionKind.COLLABORATIVE and not partners:
        errors["partners"] = _("A collaborative supervision names the bodies it works with.")
    if deadline is not None and not isinstance(deadline, dt.date):
        errors["deadline"] = _("Give a date.")
    if errors:
        raise ValidationError(errors)
    title = text(title, "title", max_length=120, min_length=4)
    description = text(description, "description", required=False, max_length=10000)
    plan = text(plan, "plan", required=False, max_length=20000)
    check_committee(partners, committee.pk, "partners", _("Choose departments of this committee."))
    check_committee([organiser], committee.pk, "organiser", _("Choose a special committee of this committee."))
    fields = {"category": category, "supervision_kind": supervision_kind, "title": title,
              "description": description, "plan": plan, "organiser": organiser, "start_year": start_year,
              "end_year": end_year, "deadline": deadline}
    with transaction.atomic():
        if task is None:
            task = Task.objects.create(committee=committee, created_by=actor, **fields)
            action = "task.create"
        else:
            task = lock(task)
            if task.status == TaskStatus.CONCLUDED:
                raise Conflict(_("The task is concluded."))
            if task.category != category and task.activities.exists():
                raise ValidationError({"category": _("Activities exist; the category stays.")})
            if task.status != TaskStatus.PLANNED and (start_year, end_year) != (task.start_year, task.end_year):
                raise ValidationError({"end_year": _("The task is under way: its years change only by carrying it "
                                                     "over into the next year.")})
            for key, value in fields.items():
                setattr(task, key, value)
            task.save()
            action = "task.update"
        task.partners.set(partners)
        log(task, actor=actor, action=action)
    return task


def team_set(*, actor, task: Task, lead: Member, members: Iterable[Member] = ()) -> list[TeamMember]:
    """Set the team: one lead and the members (members who spoke or attended stay recorded in
    the activities even if they leave the team)."""
    ensure_staff(actor, task)
    members = [m for m in dict.fromkeys(members) if m != lead]
    if lead is None:
        raise ValidationError({"lead": _("Choose the team lead.")})
    if any(m.committee_id != task.committee_id or not m.is_active for m in [lead, *members]):
        raise ValidationError({"members": _("The team is made of serving members of this committee.")})
    if len(members) + 1 > MAX_TEAM:
        raise ValidationError({"members": _("At most %(n)d team members.") % {"n": MAX_TEAM}})
    with transaction.atomic():
        task = lock(task)
        if task.status == TaskStatus.CONCLUDED:
            raise Conflict(_("The task is concluded."))
        before = sorted(task.team.values_list("member__name", flat=True))
        _touch_team(task)
        task.team.all().delete()
        rows = TeamMember.objects.bulk_create([TeamMember(task=task, member=lead, role=TeamRole.LEAD)]
                                              + [TeamMember(task=task, member=m) for m in members])
        _touch_team(task)
        log(task, actor=actor, action="task.team",
            changes={"team": {"before": before, "after": sorted([lead.name] + [m.name for m in members])}})
        tell(task, [m.user for m in [lead, *members]], _("You are on the team of %(t)s") % {"t": task.title},
             actor=actor)
    return rows


def task_start(*, actor, task: Task) -> Task:
    ensure_staff(actor, task)
    with transaction.atomic():
        task = lock(task)
        if not task.team.filter(role=TeamRole.LEAD).exists():
            raise ValidationError({"team": _("Set the team and its lead first.")})
        before = move(task, TaskStatus.ACTIVE, TASK_TRANSITIONS)
        task.save()
        log(task, actor=actor, action="task.start", changes={"status": {"before": before, "after": task.status}})
        _touch_team(task)
    return task


def activity_save(*, actor, activity: Activity | None = None, task: Task | None = None, kind: str, title: str,
                  starts_at: dt.datetime, ends_at: dt.datetime, place: str = "", summary: str = "",
                  members: Iterable[Member] | None = None) -> Activity:
    """Schedule or record an activity of an active task. A new activity lists the team (or the
    members given) as its participants, whose attendance is then recorded as for a session."""
    task = activity.task if activity else task
    if not (is_staff(actor, task) or _is_lead(actor, task)):
        raise PermissionDenied(_("Staff and the team lead record activities."))
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Choose the kind of activity.")})
    title = text(title, "title", max_length=120, min_length=4)
    place = text(place, "place", required=False, max_length=200)
    summary = text(summary, "summary", required=False, max_length=20000)
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        raise ValidationError({"starts_at": _("Give the start and end.")})
    if ends_at < starts_at:
        raise ValidationError({"ends_at": _("The end must not be before the start.")})
    with transaction.atomic():
        task = lock(task)
        if not task.start_year <= timezone.localtime(starts_at).year <= task.end_year:
            raise ValidationError({"starts_at": _("The task runs from %(a)d to %(b)d.") % {"a": task.start_year,
                                                                                         "b": task.end_year}})
        if task.status not in (TaskStatus.ACTIVE, TaskStatus.REPORTED):
            raise Conflict(_("Activities are recorded while the task is under way."))
        if activity is None:
            activity = Activity.objects.create(task=task, kind=kind, title=title, starts_at=starts_at,
                                               ends_at=ends_at, place=place, summary=summary, created_by=actor)
            people = list(members) if members is not None else [t.member for t in task.team.select_related("member")]
            if people:
                _put_on_list(actor, activity, people)
            action = "activity.create"
        else:
            activity = lock(activity)
            activity.kind, activity.title, activity.place, activity.summary = kind, title, place, summary
            activity.starts_at, activity.ends_at = starts_at, ends_at
            activity.save()
            action = "activity.update"
        log(task, actor=actor, action=action, note=title)
    return activity


def _put_on_list(actor, activity: Activity, members: list[Member]) -> None:
    """The activity's first list: its team, who take part (no invitation to answer), even
    when the activity is recorded after it happened."""
    if any(m.committee_id != activity.task.committee_id for m in members):
        raise ValidationError({"members": _("Choose members of this committee.")})
    Participant.objects.bulk_create([
        Participant(activity=activity, member=m, user=m.user, name=m.name,
                    organisation=f"{m.workplace} {m.title}".strip()[:120], role=ParticipantRole.MEMBER,
                    invitation=InvitationStatus.ACCEPTED) for m in dict.fromkeys(members)])


def task_findings_save(*, actor, task: Task, findings: str) -> Task:
    if not (is_staff(actor, task) or _is_lead(actor, task)):
        raise PermissionDenied(_("Staff and the team lead write the findings."))
    findings = text(findings, "findings", max_length=20000, min_length=10)
    with transaction.atomic():
        task = lock(task)
        if task.status == TaskStatus.CONCLUDED:
            raise Conflict(_("The task is concluded."))
        task.findings = findings
        task.save()
        log(task, actor=actor, action="task.findings")
    return task


def task_report_submit(*, actor, task: Task, year: int, kind: str, title: str, text_: str) -> TaskReport:
    """Submit a report: an interim or a year's report keeps the task under way; the final
    report asks staff to conclude it.

    Side effects: the report, maybe status reported, timeline, staff told."""
    if not (is_staff(actor, task) or _is_lead(actor, task)):
        raise PermissionDenied(_("Staff and the team lead submit reports."))
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose the kind of report.")})
    title = text(title, "title", max_length=120, min_length=4)
    body = text(text_, "text", max_length=50000, min_length=20)
    with transaction.atomic():
        task = lock(task)
        if not isinstance(year, int) or not task.start_year <= year <= task.end_year:
            raise ValidationError({"year": _("The task runs from %(a)d to %(b)d.") % {"a": task.start_year,
                                                                                    "b": task.end_year}})
        if task.status != TaskStatus.ACTIVE:
            raise Conflict(_("Reports are submitted while the task is under way."))
        if kind == ReportKind.ANNUAL and task.reports.filter(kind=ReportKind.ANNUAL, year=year).exists():
            raise ValidationError({"kind": _("The report for %(y)d is already in.") % {"y": year}})
        if kind == ReportKind.FINAL and year != task.end_year:
            raise ValidationError({"year": _("The final report is for the task's last year, %(y)d; carry the task "
                                             "over first if it goes on.") % {"y": task.end_year}})
        report = TaskReport.objects.create(task=task, year=year, kind=kind, title=title, text=body,
                                           submitted_by=actor)
        changes = None
        if kind == ReportKind.FINAL:
            before = move(task, TaskStatus.REPORTED, TASK_TRANSITIONS)
            task.save()
            changes = {"status": {"before": before, "after": task.status}}
        log(task, actor=actor, action="task.report", note=title, changes=changes)
        from .common import staff_of

        tell(task, staff_of(task.committee), _("Report submitted: %(t)s") % {"t": title}, actor=actor)
    return report


def task_carry_over(*, actor, task: Task, note: str) -> Task:
    """Carry a task into the next year (跟踪式 supervision goes on across years): the year's
    report must be in first."""
    ensure_staff(actor, task)
    note = text(note, "note", max_length=2000, min_length=4)
    with transaction.atomic():
        task = lock(task)
        if task.status != TaskStatus.ACTIVE:
            raise Conflict(_("Only a task under way is carried over."))
        if not task.reports.filter(year=task.end_year, kind=ReportKind.ANNUAL).exists():
            raise Conflict(_("Submit the report for %(y)d before carrying the task over.") % {"y": task.end_year})
        if task.end_year - task.start_year + 1 >= MAX_YEARS:
            raise Conflict(_("A task runs at most %(n)d years.") % {"n": MAX_YEARS})
        before = task.end_year
        task.end_year += 1
        task.save()
        _touch_team(task)
        log(task, actor=actor, action="task.carry_over", note=note,
            changes={"end_year": {"before": before, "after": task.end_year}})
        tell(task, [t.member.user for t in task.team.select_related("member__user")],
             _("%(t)s goes on in %(y)d") % {"t": task.title, "y": task.end_year}, note, actor=actor)
    return task


def task_conclude(*, actor, task: Task, note: str = "") -> Task:
    ensure_staff(actor, task)
    note = text(note, "note", required=False, max_length=2000)
    with transaction.atomic():
        task = lock(task)
        before = move(task, TaskStatus.CONCLUDED, TASK_TRANSITIONS)
        task.concluded_at = timezone.now()
        task.save()
        log(task, actor=actor, action="task.conclude", note=note,
            changes={"status": {"before": before, "after": task.status}})
    return task


def task_return(*, actor, task: Task, note: str) -> Task:
    """Staff send a final report back: the task is under way again."""
    ensure_staff(actor, task)
    note = text(note, "note", max_length=2000, min_length=4)
    with transaction.atomic():
        task = lock(task)
        before = move(task, TaskStatus.ACTIVE, TASK_TRANSITIONS)
        # the returned report stays on record as an interim one; the next final replaces it
        task.reports.filter(kind=ReportKind.FINAL).update(kind=ReportKind.INTERIM)
        task.save()
        log(task, actor=actor, action="task.return", note=note,
            changes={"status": {"before": before, "after": task.status}})
        tell(task, [t.member.user for t in task.team.filter(role=TeamRole.LEAD).select_related("member__user")],
             _("The final report of %(t)s was sent back") % {"t": task.title}, note, actor=actor)
    return task
