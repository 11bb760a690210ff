"""The portal with the list fixes proposed in docs/benchmarks.md applied in memory, so that
``http_bench.py --preview-fixes`` can measure them before anyone changes the application.

Nothing here is a workaround: the benchmark's headline numbers come from the application as
it is; this module only previews proposals, and each patch names the change it stands for.

1. ``CaseFilterSet.status`` and ``AssignmentFilterSet.status`` with ``distinct=False``:
   django-filter's MultipleChoiceFilter adds ``SELECT DISTINCT`` by default, which makes
   PostgreSQL sort every visible row's columns (including ``content``) before the LIMIT.
2. ``inbox_for`` also ``select_related("case__submitter")``: the list serializer shows the
   submitter, which costs one query per row today (``assignments_for`` needs the same; the
   viewset binds that selector at import, so it is not patched here).
3. ``inbox_for`` filters on the assignment alone (no join condition on the case's status),
   which with the partial index http_bench creates for the run,
   ``(department_id, due_date, id) WHERE status IN ('assigned','accepted','objecting')``,
   makes every inbox page an ordered index walk. It assumes the application ends a
   co-handler's open assignment when its case leaves handling (proposal 3 in the docs).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc_portal.settings.test")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from members.selectors import scope_for  # noqa: E402
from proposals import filtersets, selectors  # noqa: E402
from proposals.choices import OPEN_ASSIGNMENT_STATUSES  # noqa: E402
from proposals.models import Assignment  # noqa: E402

INDEX_NAME = "bench_preview_assignment_inbox_idx"
INDEX_SQL = (f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON proposals_assignment (department_id, due_date, id) "
             "WHERE status IN ('assigned', 'accepted', 'objecting')")

for filterset in (filtersets.CaseFilterSet, filtersets.AssignmentFilterSet):
    filterset.base_filters["status"].distinct = False

def inbox_for(user):
    scope = scope_for(user)
    return (
        Assignment.objects.select_related("case__committee", "case__category", "case__submitter", "department")
        .filter(department_id__in=scope.department_ids, status__in=OPEN_ASSIGNMENT_STATUSES)
        .order_by("due_date", "id")
    )


selectors.inbox_for = inbox_for
