"""Figures for the statistics page and API: counts by status, and per department the on-time
rate, average handling time and satisfaction."""

from __future__ import annotations

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from .choices import AssignmentRole, AssignmentStatus, CaseStatus, Rating
from .models import Feedback


def case_statistics(cases, assignments) -> dict:
    """``cases``/``assignments`` are already restricted to what the user may see."""
    today = timezone.localdate()
    by_status = dict(cases.order_by().values_list("status").annotate(n=Count("id")))
    answering = assignments.filter(role__in=[AssignmentRole.LEAD, AssignmentRole.SEPARATE]).exclude(
        status__in=[AssignmentStatus.WITHDRAWN, AssignmentStatus.RETURNED])
    handling_time = ExpressionWrapper(F("replied_at") - F("assigned_at"), output_field=DurationField())
    per_department = (
        answering.order_by().values("department_id", "department__name")
        .annotate(
            assigned=Count("id"),
            replied=Count("id", filter=Q(status=AssignmentStatus.REPLIED)),
            on_time=Count("id", filter=Q(status=AssignmentStatus.REPLIED, replied_at__date__lte=F("due_date"))),
            overdue_open=Count("id", filter=Q(status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED],
                                              due_date__lt=today)),
            avg_time=Avg(handling_time, filter=Q(status=AssignmentStatus.REPLIED)),
        )
        .order_by("-assigned")
    )
    ratings = {}
    for department_id, rating, n in (
        Feedback.objects.filter(reply__assignment__in=answering, reply__is_opinion=False)
        .order_by().values_list("reply__assignment__department_id", "rating").annotate(n=Count("id"))
    ):
        ratings.setdefault(department_id, {})[rating] = n
    departments = []
    for row in per_department:
        r = ratings.get(row["department_id"], {})
        rated = sum(v for k, v in r.items() if k != Rating.NONE)
        happy = r.get(Rating.SATISFIED, 0) + r.get(Rating.BASICALLY, 0)
        departments.append({
            "department_id": row["department_id"],
            "department": row["department__name"],
            "assigned": row["assigned"],
            "replied": row["replied"],
            "on_time": row["on_time"],
            "on_time_rate": round(row["on_time"] / row["replied"], 3) if row["replied"] else None,
            "overdue_open": row["overdue_open"],
            "average_days": round(row["avg_time"].total_seconds() / 86400, 1) if row["avg_time"] else None,
            "ratings": {k: r.get(k, 0) for k in Rating.values},
            "satisfaction_rate": round(happy / rated, 3) if rated else None,
        })
    return {
        "total": sum(by_status.values()),
        "by_status": {s: by_status.get(s, 0) for s in CaseStatus.values},
        "overdue": cases.filter(status=CaseStatus.HANDLING, due_date__lt=today).count(),
        "departments": departments,
    }


def overdue_assignments(assignments, limit: int = 100):
    today = timezone.localdate()
    return (assignments.filter(status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED], due_date__lt=today,
                               case__status=CaseStatus.HANDLING)
            .select_related("case", "department").order_by("due_date", "id")[:limit])


