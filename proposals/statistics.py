"""Figures for the statistics pages and API: counts by status, and per department the on-time
rate, average handling time and satisfaction; and the year's figures of proposals (提案)."""

from __future__ import annotations

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import (
    AssignmentRole,
    AssignmentStatus,
    BodyKind,
    CaseStatus,
    ProposalKind,
    ProposalStatus,
    ProposalTiming,
    Rating,
    ResultCategory,
)
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




def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def proposal_statistics(proposals) -> dict:
    """Figures of a set of proposals (a Proposal queryset the caller has already restricted to
    what the user may see and filtered, e.g. to a year). Drafts never count. Eight queries,
    whatever the number of proposals.

    A percent is a float with one decimal (33.3 for a third), or None when its whole is 0.

    Returns::

        {
          "totals": {"submitted": int,        # every proposal past draft, whatever came of it
                     "under_review": int,     # submitted or returned for revision, not decided yet
                     "filed": int, "not_filed": int, "merged": int, "withdrawn": int,
                     "filed_percent": float | None},          # filed / submitted
          "by_status": [{"status": str, "label": str, "count": int}],   # every status but draft
          "by_kind": [{"kind": str, "label": str, "count": int, "percent": float | None}],  # of submitted
          "joint_percent": float | None,       # joint proposals / submitted
          "collective_percent": float | None,  # collective proposals / submitted
          "by_timing": [{"timing": str, "label": str, "count": int, "percent": float | None}],
          "by_sector": [{"sector_id": int | None,  # the first proposer's sector
                         "body_kind": str,         # "" for a sector; a collective proposal counts
                                                   # under its body's kind (BodyKind value)
                         "label": str, "count": int, "percent": float | None}],  # most first
          "by_category": [{"category_id": int | None, "label": str, "count": int,
                           "percent": float | None}],                              # most first
          "handling": {
            "filed": int,        # filed proposals (each has its own handling; merged ones
                                 # share their main proposal's and are not counted again)
            "replied": int,      # of those, with the reply given (replied or closed)
            "departments": [{"department_id": int, "department": str,
                             "assigned": int,   # assignments as lead or separate unit
                             "replied": int, "on_time": int,   # replied by the due date
                             "on_time_percent": float | None}],  # on_time / replied; most assigned first, then by id
            "results": [{"category": "A".."D", "label": str, "count": int,
                         "percent": float | None}],            # of replies with a category
            "satisfaction": [{"rating": str, "label": str, "count": int,
                              "percent": float | None}],       # final rating of closed handling:
                                                               # satisfied, basically, unsatisfied, none
            "satisfied_percent": float | None,  # (satisfied + basically) / rated (none excluded)
          },
          "key": {"count": int, "replied": int, "implemented": int,
                  "supervision_activities": int},              # key proposals (重点提案)
          "implemented_b": {"count": int,          # replies of category B (列入计划)
                            "implemented": int,    # of those, recorded implemented
                            "percent": float | None},
        }
    """
    from .models import Assignment, Proposal, SupervisionActivity

    # Re-select by id: the caller's queryset may carry joins (filters on co-signers…) that
    # would count a proposal twice.
    base = Proposal.objects.filter(pk__in=proposals.order_by().values("pk")).exclude(status=ProposalStatus.DRAFT) \
        .order_by()

    statuses = dict(base.values_list("status").annotate(n=Count("id")))
    submitted = sum(statuses.values())
    totals = {
        "submitted": submitted,
        "under_review": statuses.get(ProposalStatus.SUBMITTED, 0) + statuses.get(ProposalStatus.REVISING, 0),
        **{s: statuses.get(s, 0) for s in (ProposalStatus.FILED, ProposalStatus.NOT_FILED, ProposalStatus.MERGED,
                                           ProposalStatus.WITHDRAWN)},
    }
    totals["filed_percent"] = _percent(totals["filed"], submitted)
    by_status = [{"status": s.value, "label": str(s.label), "count": statuses.get(s, 0)}
                 for s in ProposalStatus if s != ProposalStatus.DRAFT]

    kinds = dict(base.values_list("kind").annotate(n=Count("id")))
    by_kind = [{"kind": k.value, "label": str(k.label), "count": kinds.get(k, 0), "percent": _percent(kinds.get(k, 0),
                                                                                                  submitted)}
               for k in ProposalKind]
    timings = dict(base.values_list("timing").annotate(n=Count("id")))
    by_timing = [{"timing": t.value, "label": str(t.label), "count": timings.get(t, 0),
                  "percent": _percent(timings.get(t, 0), submitted)} for t in ProposalTiming]

    by_sector = []
    for sector_id, sector_name, body_kind, n in (
        base.values_list("proposer__sector_id", "proposer__sector__name", "body__kind").annotate(n=Count("id"))
    ):
        label = sector_name if sector_id else (BodyKind(body_kind).label if body_kind else "")
        by_sector.append({"sector_id": sector_id, "body_kind": "" if sector_id else (body_kind or ""),
                          "label": str(label), "count": n, "percent": _percent(n, submitted)})
    by_sector.sort(key=lambda r: (-r["count"], r["label"]))

    by_category = [
        {"category_id": category_id, "label": name or str(_("No category")), "count": n,
         "percent": _percent(n, submitted)}
        for category_id, name, n in base.values_list("category_id", "category__name").annotate(n=Count("id"))
    ]
    by_category.sort(key=lambda r: (-r["count"], r["label"]))

    filed = base.filter(status=ProposalStatus.FILED, case__isnull=False)
    answered = Q(case__status__in=[CaseStatus.REPLIED, CaseStatus.CLOSED])
    closed = Q(case__status=CaseStatus.CLOSED)
    figures = filed.aggregate(
        filed=Count("id"),
        replied=Count("id", filter=answered),
        **{f"result_{c}": Count("id", filter=answered & Q(case__result_category=c)) for c in ResultCategory.values},
        **{f"rating_{r}": Count("id", filter=closed & Q(case__rating=r)) for r in Rating.values},
        key=Count("id", filter=Q(is_key=True)),
        key_replied=Count("id", filter=Q(is_key=True) & answered),
        key_implemented=Count("id", filter=Q(is_key=True, case__implemented_on__isnull=False)),
        b_implemented=Count("id", filter=answered & Q(case__result_category=ResultCategory.B,
                                                      case__implemented_on__isnull=False)),
    )
    categorised = sum(figures[f"result_{c}"] for c in ResultCategory.values)
    results = [{"category": c, "label": str(ResultCategory(c).label), "count": figures[f"result_{c}"],
                "percent": _percent(figures[f"result_{c}"], categorised)} for c in ResultCategory.values]
    rated_all = sum(figures[f"rating_{r}"] for r in Rating.values)
    satisfaction = [{"rating": r, "label": str(Rating(r).label), "count": figures[f"rating_{r}"],
                     "percent": _percent(figures[f"rating_{r}"], rated_all)} for r in Rating.values]
    rated = rated_all - figures["rating_none"]
    happy = figures["rating_satisfied"] + figures["rating_basically"]

    answering = Assignment.objects.filter(
        case_id__in=filed.values("case_id"), role__in=[AssignmentRole.LEAD, AssignmentRole.SEPARATE],
    ).exclude(status__in=[AssignmentStatus.WITHDRAWN, AssignmentStatus.RETURNED])
    departments = [
        {"department_id": row["department_id"], "department": row["department__name"], "assigned": row["assigned"],
         "replied": row["replied"], "on_time": row["on_time"],
         "on_time_percent": _percent(row["on_time"], row["replied"])}
        for row in answering.order_by().values("department_id", "department__name").annotate(
            assigned=Count("id"),
            replied=Count("id", filter=Q(status=AssignmentStatus.REPLIED)),
            on_time=Count("id", filter=Q(status=AssignmentStatus.REPLIED, replied_at__date__lte=F("due_date"))),
        ).order_by("-assigned", "department_id")
    ]

    supervision = SupervisionActivity.objects.filter(proposal__in=filed.filter(is_key=True)).count()
    b_count = figures["result_B"]
    return {
        "totals": totals,
        "by_status": by_status,
        "by_kind": by_kind,
        "joint_percent": _percent(kinds.get(ProposalKind.JOINT, 0), submitted),
        "collective_percent": _percent(kinds.get(ProposalKind.COLLECTIVE, 0), submitted),
        "by_timing": by_timing,
        "by_sector": by_sector,
        "by_category": by_category,
        "handling": {
            "filed": figures["filed"],
            "replied": figures["replied"],
            "departments": departments,
            "results": results,
            "satisfaction": satisfaction,
            "satisfied_percent": _percent(happy, rated),
        },
        "key": {"count": figures["key"], "replied": figures["key_replied"],
                "implemented": figures["key_implemented"], "supervision_activities": supervision},
        "implemented_b": {"count": b_count, "implemented": figures["b_implemented"],
                          "percent": _percent(figures["b_implemented"], b_count)},
    }
