"""The year's figures of consultation work, as a committee's work report gives them: sessions
held by kind with their participants and attendance, speeches and written opinions, topics,
consultation results, leader instructions, social-conditions information and its adoption per
level, bulletin issues, supervision / research / inspection tasks and their activities.

Every figure counts only what the user may see (the selectors' querysets) of the committees
they oversee, and the whole costs a fixed number of queries whatever the numbers are."""

from __future__ import annotations

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Committee
from members.selectors import scope_for

from . import selectors
from .choices import (
    AdoptionLevel,
    Attendance,
    ConsultationForm,
    InformationStatus,
    InstructionLevel,
    IssueStatus,
    ResultStatus,
    SessionStatus,
    SpeechKind,
    SpeechStatus,
    SupervisionKind,
    TaskCategory,
    TaskStatus,
    TopicSource,
    TopicStatus,
)
from .models import (
    Activity,
    Adoption,
    BulletinIssue,
    Consultation,
    InformationItem,
    Instruction,
    Participant,
    Result,
    Speech,
    Task,
    TaskReport,
    Topic,
)

# The rows of the task table, in the order a work report lists them.
TASK_ROWS = [(TaskCategory.SUPERVISION, kind) for kind in SupervisionKind.values[1:]] + [
    (TaskCategory.RESEARCH, ""), (TaskCategory.INSPECTION, "")]
INSTRUCTION_TARGETS = ("result", "information", "task")
UPCOMING = (SessionStatus.PLANNED, SessionStatus.ANNOUNCED, SessionStatus.OPEN)


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def committee_ids_for(user, committee: Committee | int | None = None) -> set[int] | None:
    """The committees whose figures the user reads: those they oversee (staff, leader), or
    every one for an administrator (None); narrowed to ``committee`` when given — a committee
    outside the user's oversight counts nothing."""
    scope = scope_for(user)
    ids = None if scope.is_superuser else set(scope.oversight_committee_ids)
    if committee is None:
        return ids
    committee_id = committee.pk if isinstance(committee, Committee) else int(committee)
    return {committee_id} if ids is None or committee_id in ids else set()


def _scoped(model, visible, ids: set[int] | None, field: str = "committee_id"):
    """``model`` rows of the visible queryset, re-selected by id so that the selector's joins
    and annotations never multiply a count."""
    qs = model.objects.filter(pk__in=visible.order_by().values("pk")).order_by()
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def consultation_statistics(user, *, year: int, committee=None) -> dict:
    """Figures of ``year`` for the committees ``user`` oversees (or ``committee`` among them).
    Twelve queries at most.

    What "of the year" means, per figure (the lists' year filters mean the same):
    sessions, participants and speeches — sessions starting in the year; topics — the topic's
    year; results — of sessions of the year; instructions — instructed in the year;
    information — submitted in the year (and what became of those items); bulletin issues —
    issues of the year sent; tasks — running in the year; activities — held in the year (begun
    by now).

    Returns::

        {
          "year": int, "committee_ids": [int] | None,        # None: every committee
          "sessions": {"held": int, "upcoming": int, "cancelled": int,
                       "by_kind": [{"name": str, "form": str, "form_label": str, "held": int,
                                    "upcoming": int, "cancelled": int}],   # the kinds used, in order
                       "participants": int,          # places on the lists of held sessions
                       "member_participants": int,   # of those, members
                       "present": int, "excused": int, "absent": int,
                       "attendance_percent": float | None,   # present / attendance recorded
                       "speeches": int,              # oral, registered and not withdrawn
                       "speeches_delivered": int,
                       "written_opinions": int},     # not withdrawn
          "topics": {"total": int,
                     "by_source": [{"source": str, "label": str, "count": int}],
                     "by_status": [{"status": str, "label": str, "count": int}]},
          "results": {"written": int, "draft": int, "approved": int,
                      "sent": int,                   # sent or closed
                      "closed": int},
          "instructions": {"total": int,
                           "by_level": [{"level": str, "label": str, "count": int}],
                           "by_target": [{"target": "result" | "information" | "task", "label": str,
                                          "count": int}]},
          "information": {"submitted": int,          # every item past draft
                          "received": int,           # of those, copies received from committees below
                          "not_adopted": int,
                          "adopted": int,            # adopted at any level
                          "adopted_by_level": [{"level": str, "label": str, "count": int}],
                          "instructed": int, "passed": int,   # passed to departments
                          "sent": int},              # sent in a bulletin issue
          "bulletins": {"issues_sent": int, "items": int},
          "tasks": {"total": int, "concluded": int, "activities": int, "reports": int,
                    "by_kind": [{"category": str, "supervision_kind": str, "label": str,
                                 "tasks": int, "concluded": int, "activities": int, "reports": int}]},
          "activities_held": int,    # sessions held + task activities held
        }
    """
    ids = committee_ids_for(user, committee)
    now = timezone.now()

    # --- sessions -------------------------------------------------------------------------------
    sessions = _scoped(Consultation, selectors.consultations_for(user), ids).filter(starts_at__year=year)
    by_kind = []
    for row in sessions.values("kind__name", "kind__form").annotate(
        order=Min("kind__order"),
        held=Count("id", filter=Q(status=SessionStatus.HELD)),
        upcoming=Count("id", filter=Q(status__in=UPCOMING)),
        cancelled=Count("id", filter=Q(status=SessionStatus.CANCELLED)),
    ).order_by("order", "kind__name"):
        by_kind.append({"name": row["kind__name"], "form": row["kind__form"],
                        "form_label": str(ConsultationForm(row["kind__form"]).label), "held": row["held"],
                        "upcoming": row["upcoming"], "cancelled": row["cancelled"]})
    held = sum(r["held"] for r in by_kind)
    held_sessions = sessions.filter(status=SessionStatus.HELD)

    places = Participant.objects.filter(consultation__in=held_sessions.values("pk")).aggregate(
        participants=Count("id"),
        member_participants=Count("id", filter=Q(member__isnull=False)),
        present=Count("id", filter=Q(attendance=Attendance.PRESENT)),
        excused=Count("id", filter=Q(attendance=Attendance.EXCUSED)),
        absent=Count("id", filter=Q(attendance=Attendance.ABSENT)),
    )
    recorded = places["present"] + places["excused"] + places["absent"]
    speeches = Speech.objects.filter(consultation__in=sessions.exclude(status=SessionStatus.CANCELLED).values("pk")) \
        .exclude(status=SpeechStatus.WITHDRAWN).aggregate(
            speeches=Count("id", filter=Q(kind=SpeechKind.ORAL)),
            speeches_delivered=Count("id", filter=Q(kind=SpeechKind.ORAL, status=SpeechStatus.DELIVERED)),
            written_opinions=Count("id", filter=Q(kind=SpeechKind.WRITTEN)),
        )

    # --- topics ---------------------------------------------------------------------------------
    topic_counts = {(s, st): n for s, st, n in _scoped(Topic, selectors.topics_for(user), ids).filter(year=year)
                    .values_list("source", "status").annotate(n=Count("id"))}
    topics = {
        "total": sum(topic_counts.values()),
        "by_source": [{"source": s.value, "label": str(s.label),
                       "count": sum(n for (src, _st), n in topic_counts.items() if src == s)} for s in TopicSource],
        "by_status": [{"status": s.value, "label": str(s.label),
                       "count": sum(n for (_src, st), n in topic_counts.items() if st == s)} for s in TopicStatus],
    }

    # --- results and instructions ---------------------------------------------------------------
    results = _scoped(Result, selectors.results_for(user), ids).filter(consultation__starts_at__year=year).aggregate(
        written=Count("id"),
        draft=Count("id", filter=Q(status=ResultStatus.DRAFT)),
        approved=Count("id", filter=Q(status=ResultStatus.APPROVED)),
        sent=Count("id", filter=Q(status__in=[ResultStatus.SENT, ResultStatus.CLOSED])),
        closed=Count("id", filter=Q(status=ResultStatus.CLOSED)),
    )
    instruction_counts = _scoped(Instruction, selectors.instructions_for(user), ids) \
        .filter(instructed_on__year=year).aggregate(
            total=Count("id"),
            **{f"level_{level}": Count("id", filter=Q(level=level)) for level in InstructionLevel.values},
            **{f"on_{target}": Count("id", filter=Q(**{f"{target}__isnull": False})) for target in INSTRUCTION_TARGETS},
        )
    target_labels = {"result": _("Consultation results"), "information": _("Information items"),
                     "task": _("Supervision and research")}
    instructions = {
        "total": instruction_counts["total"],
        "by_level": [{"level": level.value, "label": str(level.label), "count": instruction_counts[f"level_{level}"]}
                     for level in InstructionLevel],
        "by_target": [{"target": t, "label": str(target_labels[t]), "count": instruction_counts[f"on_{t}"]}
                      for t in INSTRUCTION_TARGETS],
    }

    # --- information and bulletins ----------------------------------------------------------------
    items = _scoped(InformationItem, selectors.information_for(user), ids).exclude(
        status=InformationStatus.DRAFT).filter(Q(submitted_at__year=year)
                                               | Q(submitted_at__isnull=True, created_at__year=year))

    def adopted_at(*levels):
        return Exists(Adoption.objects.filter(item_id=OuterRef("pk"), level__in=levels))

    info = items.aggregate(
        submitted=Count("id"),
        received=Count("id", filter=Q(forwarded_from__isnull=False)),
        not_adopted=Count("id", filter=Q(status=InformationStatus.NOT_ADOPTED)),
        adopted=Count("id", filter=Q(adopted_at(*AdoptionLevel.values))),
        **{f"level_{level}": Count("id", filter=Q(adopted_at(level))) for level in AdoptionLevel.values},
        instructed=Count("id", filter=Q(Exists(Instruction.objects.filter(information_id=OuterRef("pk"))))),
        passed=Count("id", filter=Q(case__isnull=False)),
        sent=Count("id", filter=Q(status=InformationStatus.SENT)),
    )
    information = {
        **{k: info[k] for k in ("submitted", "received", "not_adopted", "adopted", "instructed", "passed", "sent")},
        "adopted_by_level": [{"level": level.value, "label": str(level.label), "count": info[f"level_{level}"]}
                             for level in AdoptionLevel],
    }
    bulletins = _scoped(BulletinIssue, selectors.issues_for(user), ids).filter(
        year=year, status=IssueStatus.SENT).aggregate(issues_sent=Count("id", distinct=True), items=Count("items"))

    # --- tasks --------------------------------------------------------------------------------------
    tasks = _scoped(Task, selectors.tasks_for(user), ids).filter(start_year__lte=year, end_year__gte=year)
    task_counts = {(r["category"], r["supervision_kind"]): r for r in tasks.values("category", "supervision_kind")
                   .annotate(tasks=Count("id"), concluded=Count("id", filter=Q(status=TaskStatus.CONCLUDED)))}
    def per_kind(qs) -> dict:
        return {(c, k): n for c, k, n in qs.values_list("task__category", "task__supervision_kind")
                .annotate(n=Count("id")).order_by()}

    activity_counts = per_kind(Activity.objects.filter(task__in=tasks.values("pk"), starts_at__year=year,
                                                       starts_at__lte=now))
    report_counts = per_kind(TaskReport.objects.filter(task__in=tasks.values("pk"), year=year))
    task_rows = []
    for category, kind in TASK_ROWS:
        counts = task_counts.get((category, kind), {})
        label = SupervisionKind(kind).label if kind else TaskCategory(category).label
        task_rows.append({"category": category, "supervision_kind": kind, "label": str(label),
                          "tasks": counts.get("tasks", 0), "concluded": counts.get("concluded", 0),
                          "activities": activity_counts.get((category, kind), 0),
                          "reports": report_counts.get((category, kind), 0)})
    task_activities = sum(r["activities"] for r in task_rows)

    return {
        "year": year,
        "committee_ids": None if ids is None else sorted(ids),
        "sessions": {
            "held": held,
            "upcoming": sum(r["upcoming"] for r in by_kind),
            "cancelled": sum(r["cancelled"] for r in by_kind),
            "by_kind": by_kind,
            **places,
            "attendance_percent": percent(places["present"], recorded),
            **speeches,
        },
        "topics": topics,
        "results": results,
        "instructions": instructions,
        "information": information,
        "bulletins": bulletins,
        "tasks": {
            "total": sum(r["tasks"] for r in task_rows),
            "concluded": sum(r["concluded"] for r in task_rows),
            "activities": task_activities,
            "reports": sum(r["reports"] for r in task_rows),
            "by_kind": task_rows,
        },
        "activities_held": held + task_activities,
    }


def statistics_rows(figures: dict) -> list[tuple[str, str, object]]:
    """The figures as (section, item, value) rows, for the Excel export."""
    s, rows = figures["sessions"], []
    section = _("Consultation sessions")
    rows += [(section, _("Sessions held"), s["held"]), (section, _("Sessions to come"), s["upcoming"]),
             (section, _("Sessions cancelled"), s["cancelled"])]
    rows += [(section, _("Held: %(kind)s") % {"kind": r["name"]}, r["held"]) for r in s["by_kind"]]
    rows += [(section, _("Participants"), s["participants"]), (section, _("of whom members"), s["member_participants"]),
             (section, _("Present"), s["present"]), (section, _("Excused absence"), s["excused"]),
             (section, _("Absent without excuse"), s["absent"]),
             (section, _("Attendance rate (%)"), s["attendance_percent"]),
             (section, _("Speeches"), s["speeches"]), (section, _("Speeches delivered"), s["speeches_delivered"]),
             (section, _("Written opinions"), s["written_opinions"])]
    section = _("Consultation topics")
    rows += [(section, _("Topics"), figures["topics"]["total"])]
    rows += [(section, r["label"], r["count"]) for r in figures["topics"]["by_source"]]
    rows += [(section, r["label"], r["count"]) for r in figures["topics"]["by_status"]]
    section, r = _("Consultation results"), figures["results"]
    rows += [(section, _("Written"), r["written"]), (section, _("Draft"), r["draft"]),
             (section, _("Approved"), r["approved"]), (section, _("Sent"), r["sent"]),
             (section, _("Implemented and closed"), r["closed"])]
    section = _("Leader instructions")
    rows += [(section, _("Instructions"), figures["instructions"]["total"])]
    rows += [(section, r["label"], r["count"]) for r in figures["instructions"]["by_level"]]
    rows += [(section, _("On: %(what)s") % {"what": r["label"]}, r["count"]) for r in figures["instructions"]["by_target"]]
    section, i = _("Social-conditions information"), figures["information"]
    rows += [(section, _("Submitted"), i["submitted"]), (section, _("of which received from below"), i["received"]),
             (section, _("Not adopted"), i["not_adopted"]), (section, _("Adopted"), i["adopted"])]
    rows += [(section, _("Adopted: %(level)s") % {"level": r["label"]}, r["count"]) for r in i["adopted_by_level"]]
    rows += [(section, _("Instructed"), i["instructed"]), (section, _("Passed to departments"), i["passed"]),
             (section, _("Sent in a bulletin"), i["sent"]),
             (section, _("Bulletin issues sent"), figures["bulletins"]["issues_sent"]),
             (section, _("Items in the issues sent"), figures["bulletins"]["items"])]
    section, t = _("Supervision, research and inspection"), figures["tasks"]
    for r in t["by_kind"]:
        rows += [(section, _("%(kind)s: tasks") % {"kind": r["label"]}, r["tasks"]),
                 (section, _("%(kind)s: activities held") % {"kind": r["label"]}, r["activities"]),
                 (section, _("%(kind)s: reports") % {"kind": r["label"]}, r["reports"])]
    rows += [(section, _("Tasks"), t["total"]), (section, _("Concluded"), t["concluded"]),
             (section, _("Task activities held"), t["activities"]), (section, _("Reports"), t["reports"])]
    rows += [(_("Total"), _("Activities held (sessions and task activities)"), figures["activities_held"])]
    return [(str(a), str(b), c) for a, b, c in rows]

