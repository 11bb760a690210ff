"""Rows of the Excel exports, shared by the pages and the API."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cppcc_portal.core.exports import xlsx_response

from .choices import AssignmentStatus
from .models import Assignment


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
