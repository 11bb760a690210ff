"""Rows of the Excel exports, shared by the pages and the API."""

from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core.exports import MAX_ROWS, xlsx_bytes, xlsx_response

from .choices import AssignmentRole, AssignmentStatus, CoSignerStatus, ProposalStatus
from .models import Assignment, CoSigner, Proposal


def cases_xlsx(queryset, filename: str):
    headers = [_("No."), _("Title"), _("Status"), _("Category"), _("Committee"), _("Submitted by"), _("Submitted at"),
               _("Departments"), _("Due"), _("Overdue"), _("Round"), _("Rating"), _("Closed at")]
    active = Assignment.objects.exclude(status__in=[AssignmentStatus.WITHDRAWN, AssignmentStatus.RETURNED]) \
        .select_related("department")
    rows = (
        [c.pk, c.title, c.get_status_display(), c.category.name if c.category else "", c.committee.name,
         c.submitter.name if c.submitter else "", c.created_at,
         "、".join(f"{a.department.name}（{a.get_role_display()}）" for a in c.active_assignments if a.round == c.round),
         c.due_date, _("Yes") if c.is_overdue else "", c.round, c.get_rating_display(), c.closed_at]
        for c in queryset.prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
        .iterator(chunk_size=2000)
    )
    return xlsx_response(filename, headers, rows, title=_("Micro-suggestions"))


def assignments_xlsx(queryset, filename: str):
    headers = [_("Item"), _("Title"), _("Department"), _("Role"), _("Status"), _("Assigned at"), _("Due"),
               _("Replied at")]
    rows = ([a.case_id, a.case.title, a.department.name, a.get_role_display(), a.get_status_display(), a.assigned_at,
             a.due_date, a.replied_at] for a in queryset.iterator(chunk_size=2000))
    return xlsx_response(filename, headers, rows, title=_("Assignments"))


def handling_units(assignments) -> tuple[list[str], list[str]]:
    """Department names of one case from its assignments (with ``department`` loaded), in
    order: (lead or separate units, co-handling units).

    Units that returned the item (申退) are left out, and so are units replaced when staff
    re-routed it. A withdrawn co-handling unit still counts when the lead unit of its round was
    assigned with or before it: the lead's reply ended its part, whereas a co-handler withdrawn
    by re-routing was assigned before the new lead.
    """
    assignments = [a for a in assignments if a.status != AssignmentStatus.RETURNED]
    leads = [a for a in assignments if a.role != AssignmentRole.CO and a.status != AssignmentStatus.WITHDRAWN]
    answering: list[str] = []
    co: list[str] = []
    for a in assignments:
        if a.role == AssignmentRole.CO:
            if a.status == AssignmentStatus.WITHDRAWN and not any(
                    lead.round == a.round and lead.assigned_at <= a.assigned_at for lead in leads):
                continue
            target = co
        elif a.status == AssignmentStatus.WITHDRAWN:
            continue
        else:
            target = answering
        if a.department.name not in target:
            target.append(a.department.name)
    return answering, co


def _on_time(assignments) -> bool | None:
    """Did the units answering the proposer reply by their deadlines? None while nobody has
    replied and nothing is overdue yet."""
    answering = [a for a in assignments if a.role != AssignmentRole.CO
                 and a.status not in (AssignmentStatus.RETURNED, AssignmentStatus.WITHDRAWN)]
    replied = [a for a in answering if a.status == AssignmentStatus.REPLIED and a.replied_at]
    if any(a.due_date and timezone.localdate(a.replied_at) > a.due_date for a in replied):
        return False
    if any(a.is_overdue for a in answering):
        return False
    return True if replied else None


def _sector(p: Proposal) -> str:
    if p.body_id:
        return p.body.sector.name if p.body.sector_id else p.body.get_kind_display()
    return p.proposer.sector.name if p.proposer_id else ""


def proposal_compilation_rows(queryset):
    """(headers, rows) of the compilation; ``queryset`` is already restricted and filtered.
    Three queries whatever the number of rows."""
    headers = [_("Number"), _("Title"), _("Kind"), _("Submitted"), _("First proposer / body"), _("Co-signers"),
               _("Sector"), _("Category"), _("Status"), _("Filed on"), _("Handling mode"),
               _("Lead / separate units"), _("Co-handling units"), _("Result category"), _("Replied on"),
               _("Replied on time"), _("Feedback"), _("Implemented on"), _("Key proposal")]
    assignments = Assignment.objects.select_related("department").order_by("round", "assigned_at", "id")
    confirmed = CoSigner.objects.filter(status=CoSignerStatus.CONFIRMED).select_related("member") \
        .order_by("invited_at", "id")
    proposals = (
        queryset.select_related("proposer__sector", "body__sector", "category", "case")
        .prefetch_related(Prefetch("cosigners", queryset=confirmed, to_attr="confirmed"),
                          Prefetch("case__assignments", queryset=assignments, to_attr="units"))
    )
    if not queryset.query.order_by:  # the caller's order wins; otherwise as the compilation prints
        proposals = proposals.order_by("year", F("number").asc(nulls_last=True), "id")
    yes, no = _("Yes"), _("No")

    def row(p: Proposal) -> list:
        case = p.case
        units = case.units if case is not None else []
        answering, co = handling_units(units)
        on_time = _on_time(units) if case is not None else None
        filed = p.status == ProposalStatus.FILED
        return [
            p.number_label, p.title, p.get_kind_display(), p.get_timing_display(), p.author_name,
            "、".join(c.member.name for c in p.confirmed), _sector(p), p.category.name if p.category_id else "",
            p.get_status_display(), timezone.localdate(p.reviewed_at) if filed and p.reviewed_at else None,
            case.get_handling_mode_display() if case is not None else "", "、".join(answering), "、".join(co),
            case.result_category if case is not None else "",
            timezone.localdate(case.replied_at) if case is not None and case.replied_at else None,
            "" if on_time is None else (yes if on_time else no),
            case.get_rating_display() if case is not None else "",
            case.implemented_on if case is not None else None,
            yes if p.is_key else "",
        ]

    # Prefetching needs the whole list (iterator() would need chunk_size); the export is
    # capped at MAX_ROWS anyway.
    return headers, (row(p) for p in proposals[:MAX_ROWS])


def proposal_compilation_xlsx(queryset) -> bytes:
    """The year's compilation of proposals (提案汇编) as an Excel workbook."""
    headers, rows = proposal_compilation_rows(queryset)
    return xlsx_bytes(headers, rows, title=_("Proposal compilation (提案汇编)"))
