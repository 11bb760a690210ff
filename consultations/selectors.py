"""What each user may see of consultation, supervision and information work: one restricted
queryset per model, used by the pages and the API (outside it, 404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.models import Member
from members.selectors import scope_for
from proposals.models import Assignment

from .choices import InformationStatus, IssueStatus, PlanStatus, ResultStatus, SessionStatus, TaskStatus, TopicStatus
from .models import (
    Activity,
    Bulletin,
    BulletinIssue,
    Consultation,
    ConsultationKind,
    ConsultationPlan,
    InformationAuthor,
    InformationItem,
    InformationOfficer,
    Instruction,
    Participant,
    Result,
    Task,
    TeamMember,
    Topic,
)


def count_of(related: QuerySet):
    """The number of ``related`` rows (filtered on an OuterRef) as a correlated subquery: a list
    computes it for the rows of its page only, where a Count() join would group every visible
    row first (seconds at a province's scale), and a scoped ``pk__in`` stays a plain filter."""
    return Coalesce(Subquery(related.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")[:1]),
                    0)


def _everything(user) -> bool:
    return scope_for(user).is_superuser


def kinds_for(user) -> QuerySet[ConsultationKind]:
    qs = ConsultationKind.objects.select_related("committee")
    if _everything(user):
        return qs
    return qs.filter(committee_id__in=scope_for(user).committee_ids)


def topics_for(user) -> QuerySet[Topic]:
    """Staff and leaders see all their committees' topics; members see the approved ones and
    their own recommendations."""
    qs = Topic.objects.select_related("committee", "kind", "organiser", "recommended_by", "plan", "submitted_by")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(
        Q(committee_id__in=scope.oversight_committee_ids)
        | Q(committee_id__in=scope.member_committee_ids,
            status__in=[TopicStatus.APPROVED, TopicStatus.SCHEDULED, TopicStatus.DONE])
        | Q(submitted_by=user)
    )


def topic_queue(user) -> QuerySet[Topic]:
    """Topics waiting for a staff decision."""
    qs = topics_for(user).filter(status=TopicStatus.PROPOSED)
    return qs if _everything(user) else qs.filter(committee_id__in=scope_for(user).staff_committee_ids)


def plans_for(user) -> QuerySet[ConsultationPlan]:
    qs = ConsultationPlan.objects.select_related("committee").annotate(
        topic_count=count_of(Topic.objects.filter(plan_id=OuterRef("pk"))))
    scope = scope_for(user)
    if scope.is_superuser:
        return qs.order_by("committee", "-year")
    return qs.filter(
        Q(committee_id__in=scope.staff_committee_ids)
        | Q(committee_id__in=scope.leader_committee_ids | scope.member_committee_ids, status=PlanStatus.PUBLISHED)
    ).order_by("committee", "-year")


def consultations_for(user) -> QuerySet[Consultation]:
    """Staff and leaders: every session of their committees. Members: their committees'
    announced sessions and any they are invited to. Liaisons: sessions held with their
    department or to which they are invited. Sessions being prepared are staff's alone."""
    qs = Consultation.objects.select_related("committee", "kind", "organiser").annotate(
        participant_count=count_of(Participant.objects.filter(consultation_id=OuterRef("pk"))))
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    visible = ~Q(status=SessionStatus.PLANNED)
    invited = Participant.objects.filter(consultation=OuterRef("pk")).filter(Q(member__user=user) | Q(user=user))
    counterpart = Consultation.departments.through.objects.filter(consultation_id=OuterRef("pk"),
                                                                  department_id__in=scope.department_ids)
    return qs.filter(
        Q(committee_id__in=scope.staff_committee_ids)
        | Q(visible, committee_id__in=scope.leader_committee_ids | scope.member_committee_ids)
        | Q(visible, Exists(invited))
        | Q(visible, Exists(counterpart))
    )


def my_participations(user, *, upcoming: bool | None = None) -> QuerySet[Participant]:
    """The user's invitations and activity places (newest first), with their event."""
    # the user's seats (ceased ones too: past meetings stay theirs) looked up first, so that both
    # sides of the OR are indexed columns rather than a join over every place in the province
    seats = list(Member.objects.filter(user=user).values_list("pk", flat=True))
    qs = Participant.objects.filter(Q(member_id__in=seats) | Q(user=user)).filter(
        Q(consultation__isnull=True) | ~Q(consultation__status=SessionStatus.PLANNED)
    ).select_related("consultation__kind", "consultation__committee", "activity__task", "member")
    now = timezone.now()
    if upcoming is True:
        qs = qs.filter(Q(consultation__ends_at__gte=now) | Q(activity__ends_at__gte=now))
    elif upcoming is False:
        qs = qs.filter(Q(consultation__ends_at__lt=now) | Q(activity__ends_at__lt=now))
    return qs.order_by("-id")


def results_for(user) -> QuerySet[Result]:
    """Staff and leaders: all results of their committees (leaders approve them). Members: sent
    results of their committees. Liaisons: sent results concerning their department."""
    qs = Result.objects.select_related("consultation__kind", "committee", "approved_by").annotate(
        instruction_count=count_of(Instruction.objects.filter(result_id=OuterRef("pk"))))
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    sent = Q(status__in=[ResultStatus.SENT, ResultStatus.CLOSED])
    concerned = Result.departments.through.objects.filter(result_id=OuterRef("pk"),
                                                          department_id__in=scope.department_ids)
    return qs.filter(
        Q(committee_id__in=scope.oversight_committee_ids)
        | Q(sent, committee_id__in=scope.member_committee_ids)
        | Q(sent, Exists(concerned))
    )


def instructions_for(user) -> QuerySet[Instruction]:
    qs = Instruction.objects.select_related("committee", "result", "information", "task", "recorded_by")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(committee_id__in=scope.oversight_committee_ids)


def tasks_for(user) -> QuerySet[Task]:
    """Staff and leaders: all tasks. Members: their committees' tasks once started, and any
    whose team they are on. Liaisons: tasks their department works on."""
    qs = Task.objects.select_related("committee", "organiser").annotate(
        activity_count=count_of(Activity.objects.filter(task_id=OuterRef("pk"))))
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    on_team = TeamMember.objects.filter(task_id=OuterRef("pk"), member__user=user)
    partner = Task.partners.through.objects.filter(task_id=OuterRef("pk"), department_id__in=scope.department_ids)
    return qs.filter(
        Q(committee_id__in=scope.oversight_committee_ids)
        | Q(~Q(status=TaskStatus.PLANNED), committee_id__in=scope.member_committee_ids)
        | Q(Exists(on_team))
        | Q(~Q(status=TaskStatus.PLANNED), Exists(partner))
    )


def activities_for(user) -> QuerySet[Activity]:
    return Activity.objects.filter(task__in=tasks_for(user).values("pk")).select_related("task__committee")


def information_for(user) -> QuerySet[InformationItem]:
    """Authors see their own items (drafts too). Staff see their committees' submitted items;
    leaders the approved ones (they sign off). A liaison sees the items passed to their
    department."""
    qs = InformationItem.objects.select_related("committee", "category", "issue__bulletin", "submitted_by",
                                                "forwarded_from__committee", "case").prefetch_related(
        Prefetch("authors", queryset=InformationAuthor.objects.select_related("member")))
    scope = scope_for(user)
    if scope.is_superuser:
        return qs.filter(~Q(status=InformationStatus.DRAFT) | Q(submitted_by=user))
    authored = InformationAuthor.objects.filter(item_id=OuterRef("pk"), member_id__in=scope.member_ids)
    passed = Assignment.objects.filter(case_id=OuterRef("case_id"), department_id__in=scope.department_ids)
    reviewed = [InformationStatus.APPROVED, InformationStatus.SIGNED_OFF, InformationStatus.COMPILED,
                InformationStatus.SENT]
    return qs.filter(
        Q(submitted_by=user)
        | Q(Exists(authored), ~Q(status=InformationStatus.DRAFT))
        | Q(~Q(status=InformationStatus.DRAFT), committee_id__in=scope.staff_committee_ids)
        | Q(status__in=reviewed, committee_id__in=scope.leader_committee_ids)
        | Q(Exists(passed))
    )


def my_information(user) -> QuerySet[InformationItem]:
    """Items the user wrote or is an author of (drafts only their own). The ids are looked up
    first through the two indexed columns: an OR of the writer and an EXISTS over the authors
    would scan every item of the province (110 ms at 77,500 items, 2 ms this way)."""
    scope = scope_for(user)
    ids = set(InformationItem.objects.filter(submitted_by=user).values_list("pk", flat=True))
    if scope.member_ids:
        ids |= set(InformationAuthor.objects.filter(member_id__in=scope.member_ids).values_list("item_id", flat=True))
    return information_for(user).filter(pk__in=ids).filter(Q(submitted_by=user) | ~Q(status=InformationStatus.DRAFT))


def information_review_queue(user) -> QuerySet[InformationItem]:
    """Items waiting for staff: submitted (to review), approved (to sign off), signed off
    (to compile)."""
    scope = scope_for(user)
    qs = information_for(user).filter(status__in=[InformationStatus.SUBMITTED, InformationStatus.APPROVED,
                                                  InformationStatus.SIGNED_OFF])
    return qs if scope.is_superuser else qs.filter(committee_id__in=scope.staff_committee_ids | scope.leader_committee_ids)


def bulletins_for(user) -> QuerySet[Bulletin]:
    qs = Bulletin.objects.select_related("committee")
    scope = scope_for(user)
    return qs if scope.is_superuser else qs.filter(committee_id__in=scope.oversight_committee_ids)


def issues_for(user) -> QuerySet[BulletinIssue]:
    """Staff and leaders see their committees' issues; members see sent issues of their
    committees."""
    qs = BulletinIssue.objects.select_related("bulletin", "committee").annotate(
        item_count=count_of(InformationItem.objects.filter(issue_id=OuterRef("pk"))))
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(Q(committee_id__in=scope.oversight_committee_ids)
                     | Q(committee_id__in=scope.member_committee_ids, status=IssueStatus.SENT))


def officers_for(user) -> QuerySet[InformationOfficer]:
    qs = InformationOfficer.objects.select_related("committee", "user")
    scope = scope_for(user)
    return qs if scope.is_superuser else qs.filter(committee_id__in=scope.staff_committee_ids)


def calendar_events(user, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Sessions and task activities the user may see between ``start`` and ``end``, in time
    order, as plain dicts (the calendar page and the iCalendar feed render these)."""
    sessions = consultations_for(user).filter(starts_at__lt=end, ends_at__gte=start).exclude(
        status=SessionStatus.CANCELLED)
    activities = activities_for(user).filter(starts_at__lt=end, ends_at__gte=start)
    events = [{"kind": "consultation", "id": c.pk, "title": c.title, "starts_at": c.starts_at, "ends_at": c.ends_at,
               "place": c.place, "is_online": c.is_online, "label": c.kind.name, "status": c.get_status_display(),
               "state": c.status,
               "committee": c.committee.name, "url": f"/consultations/{c.pk}/"} for c in sessions]
    events += [{"kind": "activity", "id": a.pk, "title": a.title, "starts_at": a.starts_at, "ends_at": a.ends_at,
                "place": a.place, "is_online": False, "label": a.task.get_category_display(), "status": "",
                "state": "",
                "committee": a.task.committee.name, "url": f"/consultations/tasks/activities/{a.pk}/"}
               for a in activities]
    events.sort(key=lambda e: (e["starts_at"], e["kind"], e["id"]))
    return events


def credit_shares(*, member_ids, year: int) -> list[dict]:
    """What the members' information earned in ``year``: one row per adoption or instruction
    on an item they wrote, with their share of it (the duty record weights these)."""
    rows = []
    authors = InformationAuthor.objects.filter(member_id__in=member_ids).select_related("item")
    by_item: dict[int, list[InformationAuthor]] = {}
    for author in authors:
        by_item.setdefault(author.item_id, []).append(author)
    if not by_item:
        return rows
    from .models import Adoption

    for adoption in Adoption.objects.filter(item_id__in=by_item, adopted_on__year=year).select_related("item"):
        for author in by_item[adoption.item_id]:
            rows.append({"member_id": author.member_id, "item": adoption.item, "event": "adoption",
                         "level": adoption.level, "date": adoption.adopted_on, "share": author.share})
    for instruction in Instruction.objects.filter(information_id__in=by_item, instructed_on__year=year) \
            .select_related("information"):
        for author in by_item[instruction.information_id]:
            rows.append({"member_id": author.member_id, "item": instruction.information, "event": "instruction",
                         "level": instruction.level, "date": instruction.instructed_on, "share": author.share})
    rows.sort(key=lambda r: (r["date"], r["item"].pk))
    return rows


# --- member studios' work with the public ----------------------------------------------------------


def studios_run_by(user) -> QuerySet:
    """Studios the user runs: as committee staff, or as the studio's lead or member."""
    from members.models import Studio

    scope = scope_for(user)
    qs = Studio.objects.select_related("committee", "sector", "lead_member")
    if scope.is_superuser:
        return qs
    return qs.filter(Q(committee_id__in=scope.staff_committee_ids) | Q(lead_member_id__in=scope.member_ids)
                     | Q(members__in=scope.member_ids)).distinct()


def concerns_for(user) -> QuerySet:
    """Concerns of the studios the user runs (the public sees one concern only, by its code)."""
    from .models import Concern

    return Concern.objects.filter(studio__in=studios_run_by(user).values("pk")).select_related(
        "studio", "assigned_to", "converted_case", "converted_proposal", "converted_information")


def shifts_for(user) -> QuerySet:
    from .models import DutyShift

    return DutyShift.objects.filter(studio__in=studios_run_by(user).values("pk")).select_related("studio", "member")


def studio_activities_for(user) -> QuerySet:
    """Activities of the studios of the committees the user belongs to or oversees."""
    from .models import StudioActivity

    qs = StudioActivity.objects.select_related("studio__committee").annotate(
        participant_count=count_of(Participant.objects.filter(studio_activity_id=OuterRef("pk"))))
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(studio__committee_id__in=scope.oversight_committee_ids | scope.member_committee_ids)


def on_duty(studio, start, end) -> QuerySet:
    """Who is on duty at a studio between two days (the public page shows this week's)."""
    from .models import DutyShift

    return DutyShift.objects.filter(studio=studio, date__gte=start, date__lte=end).select_related("member")
