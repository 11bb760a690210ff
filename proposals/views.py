"""Pages of micro-suggestions (微建议) and of the handling engine behind them.

Members submit, follow and rate their items; department liaison officers work through their
inbox (accept, ask to return, record contact, reply, ask for more time); committee staff
triage, route and decide requests, configure routing and policies and read statistics;
leaders take up and supervise items. Every queryset comes from proposals.selectors (outside
the user's scope an item is a 404), lists use the API's FilterSets, every step is a
proposals.services call, and who may act is asked of the rules (proposals/rules.py).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from cppcc_portal.core import workdays
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.views import (
    FilteredListView,
    ServiceFormView,
    add_service_errors,
    register_action_labels,
    timeline_context,
    tune_filter_form,
)
from members.models import Department
from members.selectors import scope_for

from . import exports, filtersets, forms, selectors, statistics
from .choices import (
    ENDED_ASSIGNMENT_STATUSES,
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    CaseKind,
    CaseStatus,
    CoSignerStatus,
    FollowKind,
    Rating,
    ReplyReview,
    RequestStatus,
)
from .models import (
    Assignment,
    Case,
    CaseAttachment,
    ContactRecord,
    CoSigner,
    ExtensionRequest,
    Follow,
    HandlingPolicy,
    ObjectionRequest,
    Reply,
    RoutingDecision,
)
from .services import config, handling, micro_suggestions, routing

KIND = CaseKind.MICRO_SUGGESTION

register_action_labels({
    "case.submit": gettext_lazy("Submitted"),
    "case.route": gettext_lazy("Assigned to departments"),
    "case.reroute": gettext_lazy("Re-assigned"),
    "case.triage": gettext_lazy("Sent to staff triage"),
    "case.replied": gettext_lazy("All replies in, awaiting rating"),
    "case.rate": gettext_lazy("Reply rated"),
    "case.reopen": gettext_lazy("Re-opened for handling again"),
    "case.close": gettext_lazy("Closed"),
    "case.follow": gettext_lazy("Taken up or followed"),
    "case.unfollow": gettext_lazy("No longer followed"),
    "case.escalate": gettext_lazy("Overdue: escalated"),
    "case.retry_routing": gettext_lazy("Routing retried"),
    "assignment.accept": gettext_lazy("Accepted by the department (签收)"),
    "assignment.object": gettext_lazy("Return requested (申退)"),
    "assignment.contact": gettext_lazy("Department contacted the member"),
    "assignment.opinion": gettext_lazy("Co-handler sent its opinion to the lead unit"),
    "assignment.reply": gettext_lazy("Department replied"),
    "objection.approve": gettext_lazy("Return approved"),
    "objection.reject": gettext_lazy("Return rejected"),
    "extension.request": gettext_lazy("Extension requested"),
    "extension.approve": gettext_lazy("Extension approved"),
    "extension.reject": gettext_lazy("Extension refused"),
    "category.create": gettext_lazy("Category created"),
    "category.update": gettext_lazy("Category changed"),
    "routing_rule.create": gettext_lazy("Routing rule created"),
    "routing_rule.update": gettext_lazy("Routing rule changed"),
    "policy.create": gettext_lazy("Handling policy created"),
    "policy.update": gettext_lazy("Handling policy changed"),
})
TIMELINE_LABELS = {"departments": gettext_lazy("Departments")}
REQUESTS_SHOWN = 100


def _crumbs(*items):
    return [{"url": url, "label": label} for url, label in items]


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _require_oversight(user) -> None:
    """Staff, leaders and administrators: the committee-wide pages."""
    scope = scope_for(user)
    if not (scope.is_superuser or scope.oversight_committee_ids):
        raise PermissionDenied


def _require_staff(user) -> None:
    scope = scope_for(user)
    if not (scope.is_superuser or scope.staff_committee_ids):
        raise PermissionDenied


class StaffOnlyMixin:
    """Pages for committee staff (and administrators): anyone else signed in gets a 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_staff(request.user)
        return super().dispatch(request, *args, **kwargs)


class OversightOnlyMixin:
    """Committee-wide pages for staff, leaders and administrators."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_oversight(request.user)
        return super().dispatch(request, *args, **kwargs)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _active_assignments():
    """Assignments still part of the item (not returned or withdrawn), for list columns."""
    return Prefetch("assignments", to_attr="active_assignments",
                    queryset=Assignment.objects.exclude(status__in=ENDED_ASSIGNMENT_STATUSES)
                    .select_related("department").order_by("round", "role", "id"))


def section_tabs(request) -> list[dict]:
    """The sub-navigation of these pages: what this user's roles work with."""
    scope = scope_for(request.user)
    oversight = scope.is_superuser or bool(scope.oversight_committee_ids)
    staff = scope.is_superuser or bool(scope.staff_committee_ids)
    items = []
    if scope.member_ids:
        items += [("micro_suggestion_mine", _("My micro-suggestions")),
                  ("micro_suggestion_create", _("Submit"))]
    if scope.department_ids:
        items.append(("assignment_inbox", _("Handling inbox")))
    if oversight or scope.member_ids:
        items.append(("micro_suggestion_list", _("All micro-suggestions")))
    if staff:
        items += [("micro_suggestion_triage", _("Triage")), ("handling_requests", _("Requests")),
                  ("reply_review_list", _("Reply review"))]
    if scope.leader_committee_ids or scope.member_ids or staff:
        items.append(("micro_suggestion_followed", _("Taken up")))
    if oversight:
        items += [("micro_suggestion_overdue", _("Overdue")), ("micro_suggestion_statistics", _("Statistics"))]
    if staff:
        items += [("routing_rule_list", _("Routing rules")), ("category_list", _("Categories")),
                  ("policy_list", _("Handling policies")), ("dead_letter_list", _("Dead letters"))]
    path = request.path
    tabs = [{"url": reverse(name), "label": label, "current": False} for name, label in items]
    matching = [t for t in tabs if path.startswith(t["url"])]
    if matching:
        max(matching, key=lambda t: len(t["url"]))["current"] = True
    return tabs if len(tabs) > 1 else []


class TabsMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tabs"] = section_tabs(self.request)
        return context


# --- keyset pagination ------------------------------------------------------------------------------


@dataclass
class KeysetPage:
    object_list: list
    next_cursor: str | None
    previous_cursor: str | None


def _encode_cursor(values: list, reverse: bool) -> str:
    plain = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
    raw = json.dumps({"v": plain, "r": reverse}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, model, keys) -> tuple[list, bool] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        values = data["v"]
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        parsed = [model._meta.get_field(name).to_python(value) if value is not None else None
                  for (name, _desc), value in zip(keys, values, strict=True)]
        return parsed, bool(data.get("r"))
    except (ValueError, TypeError, KeyError, binascii.Error, ValidationError):
        return None


def _beyond(keys, values, reverse: bool) -> Q:
    """Rows strictly after (or, going back, before) the row with ``values`` in the order of
    ``keys``; a NULL sorts after every value, as PostgreSQL's default order has it."""
    condition, equal = Q(pk__in=[]), Q()
    for (name, desc), value in zip(keys, values, strict=True):
        bigger = (not desc) != reverse
        if bigger:
            step = Q(**{f"{name}__gt": value}) | Q(**{f"{name}__isnull": True}) if value is not None else Q(pk__in=[])
        else:
            step = Q(**{f"{name}__lt": value}) if value is not None else Q(**{f"{name}__isnull": False})
        condition |= equal & step
        equal &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    return condition


def _ordering(keys, reverse: bool) -> list:
    order = []
    for name, desc in keys:
        descending = desc != reverse
        if name in ("id", "pk"):
            order.append(F(name).desc() if descending else F(name).asc())
        else:
            order.append(F(name).desc(nulls_first=True) if descending else F(name).asc(nulls_last=True))
    return order


def keyset_page(queryset, *, keys: tuple[tuple[str, bool], ...], cursor: str | None, per_page: int) -> KeysetPage:
    """One page of ``queryset`` in the order of ``keys`` ((field, descending) …, ending with the
    unique id): a range scan on the list's index, whatever the page. No count is taken."""
    decoded = _decode_cursor(cursor, queryset.model, keys) if cursor else None
    reverse = False
    if decoded is not None:
        values, reverse = decoded
        queryset = queryset.filter(_beyond(keys, values, reverse))
    rows = list(queryset.order_by(*_ordering(keys, reverse))[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if reverse:
        rows.reverse()
    has_next = more if not reverse else True
    has_previous = (decoded is not None) if not reverse else more
    def values_of(row):
        return [getattr(row, name) for name, _desc in keys]
    return KeysetPage(
        object_list=rows,
        next_cursor=_encode_cursor(values_of(rows[-1]), False) if rows and has_next else None,
        previous_cursor=_encode_cursor(values_of(rows[0]), True) if rows and has_previous else None,
    )


class KeysetListView(LoginRequiredMixin, TabsMixin, TemplateView):
    """A list over ``selector(user)`` narrowed by the shared FilterSet and paged by a cursor
    ("previous / next"), for lists that may hold a million rows."""

    selector = None
    filterset_class = None
    keys: tuple[tuple[str, bool], ...] = (("id", True),)
    page_sizes = (20, 50, 100)
    title = ""

    def get_queryset(self):
        return type(self).selector(self.request.user)

    def decorate(self, queryset):
        return queryset

    def get_per_page(self) -> int:
        try:
            value = int(self.request.GET.get("per_page", self.page_sizes[0]))
        except ValueError:
            return self.page_sizes[0]
        return value if value in self.page_sizes else self.page_sizes[0]

    def get_filterset(self):
        filterset = self.filterset_class(self.request.GET or None, queryset=self.get_queryset(), request=self.request)
        tune_filter_form(filterset.form)
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        per_page = self.get_per_page()
        page = keyset_page(self.decorate(filterset.qs), keys=self.keys, cursor=self.request.GET.get("cursor"),
                           per_page=per_page)
        active = 0
        if filterset.is_bound and filterset.form.is_valid():
            active = sum(1 for value in filterset.form.cleaned_data.values() if value not in (None, "", [], ()))
        context.update({
            "title": self.title,
            "filter": filterset,
            "filters_active": active,
            "page": page,
            "object_list": page.object_list,
            "per_page": per_page,
            "default_per_page": self.page_sizes[0],
            "page_sizes": self.page_sizes,
            "today": timezone.localdate(),
        })
        return context


class StatusAsSelect:
    """For the HTML lists: the status filter as one select (see forms.ListSelect)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.form.fields.get("status")
        if field is not None:
            choices = [c for c in field.choices if c[0] != ""]
            field.choices = choices
            field.widget = forms.ListSelect(choices=[("", _("All")), *choices])


class CaseListPageFilterSet(StatusAsSelect, filtersets.CaseFilterSet):
    pass


class CaseListFilterSet(StatusAsSelect, filtersets.CaseFilterSet):
    """A member's own list: the shared filters less the committee, which is always theirs."""

    committee = None

    class Meta(filtersets.CaseFilterSet.Meta):
        fields = ["q", "status", "category", "department", "overdue", "rating", "submitted_after", "submitted_before"]


class TriageFilterSet(filtersets.CaseFilterSet):
    status = None
    overdue = None
    rating = None
    department = None

    class Meta(filtersets.CaseFilterSet.Meta):
        fields = ["q", "category", "committee", "submitted_after", "submitted_before"]


class StatisticsFilterSet(filtersets.CaseFilterSet):
    q = None
    status = None
    overdue = None
    rating = None
    department = None

    class Meta(filtersets.CaseFilterSet.Meta):
        fields = ["committee", "category", "submitted_after", "submitted_before"]


class InboxFilterSet(StatusAsSelect, filtersets.AssignmentFilterSet):
    """The inbox holds open assignments only: the shared filters less "open"."""

    open = None

    class Meta(filtersets.AssignmentFilterSet.Meta):
        fields = ["q", "status", "role", "department", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.form.fields["status"]
        field.choices = [c for c in field.choices if c[0] in OPEN_ASSIGNMENT_STATUSES]
        field.widget.choices = [("", _("All")), *field.choices]


# --- lists of items ----------------------------------------------------------------------------------------


class MyMicroSuggestionListView(TabsMixin, FilteredListView):
    template_name = "proposals/my_list.html"
    selector = selectors.my_cases
    filterset_class = CaseListFilterSet
    title = gettext_lazy("My micro-suggestions")

    def decorate(self, queryset):
        return queryset.defer("content").prefetch_related(_active_assignments()).order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_submit"] = bool(scope_for(self.request.user).member_ids)
        context["today"] = timezone.localdate()
        return context


class MicroSuggestionListView(KeysetListView):
    template_name = "proposals/case_list.html"
    selector = selectors.cases_for
    filterset_class = CaseListPageFilterSet
    title = gettext_lazy("Micro-suggestions")

    def decorate(self, queryset):
        # The list never shows the text: leave a million contents in the database.
        return queryset.defer("content").prefetch_related(_active_assignments())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        context["can_export"] = scope.is_superuser or bool(scope.oversight_committee_ids)
        context["can_submit"] = bool(scope.member_ids)
        context["export_query"] = self.request.GET.urlencode()
        return context


def micro_suggestion_export(request):
    """The filtered list as an Excel workbook (what the user may see, as in the API)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    _require_oversight(request.user)
    filterset = filtersets.CaseFilterSet(request.GET or None, queryset=selectors.cases_for(request.user),
                                         request=request)
    if filterset.is_bound and not filterset.form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('micro_suggestion_list')}?{request.GET.urlencode()}")
    stamp = timezone.localdate().strftime("%Y%m%d")
    return exports.cases_xlsx(filterset.qs.order_by("-id"), _("micro-suggestions") + f"-{stamp}.xlsx")


class TriageQueueView(StaffOnlyMixin, TabsMixin, FilteredListView):
    """Items no rule or confident recommendation could route, oldest first, each with what the
    recommendation suggested when it gave up."""

    template_name = "proposals/triage.html"
    selector = selectors.triage_queue
    filterset_class = TriageFilterSet
    title = gettext_lazy("Triage")

    def decorate(self, queryset):
        decisions = RoutingDecision.objects.order_by("-created_at", "-id")
        return queryset.prefetch_related(Prefetch("routing_decisions", queryset=decisions, to_attr="decisions")) \
            .order_by("id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for case in context["object_list"]:
            case.latest_decision = case.decisions[0] if case.decisions else None
        return context


class FollowedListView(TabsMixin, FilteredListView):
    """Items the user takes the lead on (领办), supervises (督办) or follows."""

    template_name = "proposals/followed.html"
    selector = selectors.followed_cases
    filterset_class = CaseListFilterSet
    title = gettext_lazy("Taken up and followed")

    def decorate(self, queryset):
        mine = Follow.objects.filter(case=OuterRef("pk"), user=self.request.user).values("kind")[:1]
        return queryset.annotate(follow_kind=Subquery(mine)).prefetch_related(_active_assignments()).order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["follow_labels"] = dict(FollowKind.choices)
        context["today"] = timezone.localdate()
        return context


class OverdueView(OversightOnlyMixin, LoginRequiredMixin, TabsMixin, TemplateView):
    """Overdue assignments, longest overdue first, and how many each department has."""

    template_name = "proposals/overdue.html"
    limit = 200

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        assignments = selectors.assignments_for(self.request.user).filter(case__kind=KIND)
        rows = list(statistics.overdue_assignments(assignments, limit=self.limit))
        for row in rows:
            row.days_overdue = workdays.workdays_between(row.due_date, today)
            row.calendar_days = (today - row.due_date).days
        by_department = list(
            assignments.filter(status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED], due_date__lt=today,
                               case__status=CaseStatus.HANDLING)
            .order_by().values("department_id", "department__name").annotate(n=Count("id")).order_by("-n")[:20]
        )
        context.update({
            "title": _("Overdue items"),
            "rows": rows,
            "limit": self.limit,
            "by_department": by_department,
            "total": sum(d["n"] for d in by_department) if len(by_department) < 20 else None,
        })
        return context


class StatisticsView(OversightOnlyMixin, LoginRequiredMixin, TabsMixin, TemplateView):
    template_name = "proposals/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        filterset = StatisticsFilterSet(self.request.GET or None, queryset=selectors.cases_for(user), request=self.request)
        tune_filter_form(filterset.form)
        cases = filterset.qs
        assignments = selectors.assignments_for(user).filter(case__in=cases.values("pk"))
        stats = statistics.case_statistics(cases, assignments)
        labels = dict(CaseStatus.choices)
        active = 0
        if filterset.is_bound and filterset.form.is_valid():
            active = sum(1 for value in filterset.form.cleaned_data.values() if value not in (None, "", [], ()))
        base = self.request.GET.copy()
        base.pop("status", None)
        rated_total = {k: sum(d["ratings"].get(k, 0) for d in stats["departments"]) for k in Rating.values}
        rated = sum(v for k, v in rated_total.items() if k != Rating.NONE)
        context.update({
            "title": _("Statistics"),
            "filter": filterset,
            "filters_active": active,
            "stats": stats,
            "status_rows": [{"value": s, "label": labels[s], "count": n} for s, n in stats["by_status"].items()],
            "list_query": base.urlencode(),
            "overdue_rows": list(statistics.overdue_assignments(assignments, limit=20)),
            "ratings": [{"label": label, "count": rated_total.get(value, 0)} for value, label in Rating.choices],
            "satisfaction": round((rated_total[Rating.SATISFIED] + rated_total[Rating.BASICALLY]) / rated, 3)
            if rated else None,
        })
        return context


# --- submitting ------------------------------------------------------------------------------------------------


class MicroSuggestionCreateView(TabsMixin, ServiceFormView):
    form_class = forms.MicroSuggestionForm
    template_name = "proposals/submit.html"
    title = gettext_lazy("Submit a micro-suggestion")
    submit_label = gettext_lazy("Submit")

    def check_permission(self):
        if not scope_for(self.request.user).member_ids:
            raise PermissionDenied(_("Only serving members can submit micro-suggestions."))

    def get_initial(self):
        seat = self.request.GET.get("seat")
        return {"seat": seat} if seat and seat.isdigit() else {}

    def save(self, form):
        data = form.service_data()
        return micro_suggestions.micro_suggestion_submit(actor=self.request.user, **data)

    def get_success_message(self, obj):
        return _("Your micro-suggestion was submitted. The platform is assigning it to the responsible department.")

    def get_success_url(self, obj=None):
        return reverse("micro_suggestion_detail", args=[obj.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("micro_suggestion_mine"), _("My micro-suggestions")))
        context["max_bytes"] = forms.max_bytes()
        return context


# --- one item ----------------------------------------------------------------------------------------------------


def _sees_opinions(user, case: Case, assignments) -> bool:
    """Co-handlers' opinions are for the departments handling the item and committee staff
    and leaders, not for the member (as in the API)."""
    scope = scope_for(user)
    return (scope.is_superuser or case.committee_id in scope.oversight_committee_ids
            or bool(scope.department_ids & {a.department_id for a in assignments}))


def deadline_view(assignment: Assignment) -> dict:
    """How an assignment's deadline came about, in the reader's language: the current clock
    explained day by day, and each step that moved it (assigned, paused, extended, calendar)."""
    info = {"assignment": assignment, "log": list(assignment.deadline_log or [])}
    if assignment.paused_at:
        info["paused"] = True
        info["remaining"] = assignment.clock_workdays
        return info
    if assignment.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED) and assignment.clock_start:
        try:
            explanation = workdays.explain_workdays(assignment.clock_start, assignment.clock_workdays)
        except ValueError:
            return info
        groups: dict[str, int] = {}
        for _day, reason in explanation.skipped:
            groups[reason] = groups.get(reason, 0) + 1
        info.update({
            "explanation": explanation,
            "calendar_days": (explanation.due - explanation.start).days,
            "skipped_groups": sorted(groups.items(), key=lambda kv: -kv[1]),
            "made_up": explanation.made_up,
        })
    return info


class MicroSuggestionDetailView(LoginRequiredMixin, TemplateView):
    template_name = "proposals/case_detail.html"

    def get_object(self) -> Case:
        qs = selectors.cases_for(self.request.user, KIND).prefetch_related(
            "co_submitters", "attachments",
            Prefetch("assignments", queryset=Assignment.objects.select_related("department")
                     .prefetch_related(Prefetch("contacts", queryset=ContactRecord.objects.order_by("contacted_on", "id")))
                     .order_by("round", "role", "id")),
            Prefetch("replies", queryset=Reply.objects.select_related("feedback", "assignment__department", "attachment")),
            Prefetch("follows", queryset=Follow.objects.select_related("user").order_by("created_at", "id")),
            Prefetch("routing_decisions", queryset=RoutingDecision.objects.select_related(
                "lead_department", "rule", "decided_by").prefetch_related("co_departments")),
        )
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = case = self.get_object()
        action = request.POST.get("action")
        if action == "rate":
            return self.rate(request, case)
        if action == "follow":
            try:
                handling.case_follow(actor=request.user, case=case, kind=request.POST.get("kind", FollowKind.FOLLOW))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, {
                    FollowKind.LEAD: _("You now take the lead on this item (领办)."),
                    FollowKind.SUPERVISE: _("You now supervise this item (督办)."),
                }.get(request.POST.get("kind"), _("You now follow this item.")))
            return redirect("micro_suggestion_detail", pk=case.pk)
        if action == "unfollow":
            handling.case_unfollow(actor=request.user, case=case)
            messages.success(request, _("You no longer follow this item."))
            return redirect("micro_suggestion_detail", pk=case.pk)
        messages.error(request, _("Unknown action."))
        return redirect("micro_suggestion_detail", pk=case.pk)

    def rate(self, request, case):
        try:
            reply = next(r for r in case.replies.all() if str(r.pk) == request.POST.get("reply", ""))
        except StopIteration:
            raise Http404 from None
        form = forms.RateForm(request.POST, prefix=f"rate-{reply.pk}")
        if form.is_valid():
            try:
                feedback = handling.case_rate(actor=request.user, reply=reply, rating=form.cleaned_data["rating"],
                                              comment=form.cleaned_data["comment"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("micro_suggestion_detail", pk=case.pk)
            else:
                if feedback.rating == Rating.UNSATISFIED:
                    messages.success(request, _("Thank you. The department is asked to handle your item again."))
                else:
                    messages.success(request, _("Thank you for rating the reply."))
                return redirect("micro_suggestion_detail", pk=case.pk)
        return self.render_to_response(self.get_context_data(rate_forms={reply.pk: form}))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, user = self.object, self.request.user
        scope = scope_for(user)
        assignments = list(case.assignments.all())
        current = [a for a in assignments if a.round == case.round and a.status not in ENDED_ASSIGNMENT_STATUSES]
        earlier = [a for a in assignments if a not in current]
        sees_opinions = _sees_opinions(user, case, assignments)
        replies = selectors.visible_replies(user, case, case.replies.all(), assignments)
        can_rate = user.has_perm("proposals.rate_case", case) and case.status == CaseStatus.REPLIED
        rate_forms = kwargs.get("rate_forms") or {}
        for reply in replies:
            try:
                reply.rated = reply.feedback
            except Reply.feedback.RelatedObjectDoesNotExist:
                reply.rated = None
            reply.rateable = (can_rate and not reply.is_opinion and reply.is_released and reply.round == case.round
                              and reply.rated is None)
            if reply.rateable:
                reply.form = rate_forms.get(reply.pk) or forms.RateForm(prefix=f"rate-{reply.pk}")
        follows = list(case.follows.all())
        mine = next((f for f in follows if f.user_id == user.pk), None)
        attachments = list(case.attachments.all())
        visible_reply_attachments = {r.attachment_id for r in replies if r.attachment_id}
        context.update({
            "object": case,
            "case": case,
            "title": case.title,
            "current_assignments": current,
            "earlier_assignments": earlier,
            "deadlines": [deadline_view(a) for a in current if a.replies_to_member or sees_opinions],
            "replies": replies,
            "sees_opinions": sees_opinions,
            "can_rate": can_rate,
            "follows": [f for f in follows if f.kind in (FollowKind.LEAD, FollowKind.SUPERVISE)],
            "follower_count": len(follows),
            "my_follow": mine,
            "can_follow": user.has_perm("proposals.follow_case", case) and case.status != CaseStatus.CLOSED,
            "follow_kinds": FollowKind.choices,
            "can_route": user.has_perm("proposals.route_case", case)
            and case.status in (CaseStatus.ROUTING, CaseStatus.TRIAGE, CaseStatus.HANDLING),
            "my_assignments": [a for a in assignments if a.department_id in scope.department_ids],
            "submission_attachments": [a for a in attachments if a.purpose == "submission"],
            "reply_attachment_ids": visible_reply_attachments,
            "decisions": list(case.routing_decisions.all()),
            "show_contacts": sees_opinions or case.submitted_by_id == user.pk,
            "is_submitter": case.submitted_by_id == user.pk,
            "today": timezone.localdate(),
            "breadcrumbs": _crumbs(self.list_crumb()),
        })
        context.update(timeline_context(self.request, case, permission="proposals.view_case_timeline",
                                        labels=TIMELINE_LABELS))
        return context

    def list_crumb(self):
        case, user = self.object, self.request.user
        if case.submitted_by_id == user.pk:
            return reverse("micro_suggestion_mine"), _("My micro-suggestions")
        scope = scope_for(user)
        if scope.department_ids and not (scope.is_superuser or scope.oversight_committee_ids):
            return reverse("assignment_inbox"), _("Handling inbox")
        return reverse("micro_suggestion_list"), _("Micro-suggestions")


def attachment_download(request, pk: int):
    """An item's file, for whoever may see the item; a co-handler's opinion letter only for
    those who may read the opinion. Always a download, never rendered by the browser."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    visible = selectors.cases_for(request.user, kind=None)
    attachment = get_object_or_404(CaseAttachment.objects.select_related("case").filter(case__in=visible.values("pk")),
                                   pk=pk)
    if Reply.objects.filter(attachment=attachment, is_opinion=True).exists():
        assignments = list(attachment.case.assignments.all().only("department_id"))
        if not _sees_opinions(request.user, attachment.case, assignments):
            raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff: routing ----------------------------------------------------------------------------------------------


class RouteView(ServiceFormView):
    """Route an item from triage, or re-route one being handled, with the recommendation and
    its confidence beside the form."""

    form_class = forms.RouteForm
    template_name = "proposals/route.html"
    submit_label = gettext_lazy("Assign")

    def get_object(self):
        return get_object_or_404(selectors.cases_for(self.request.user, KIND), pk=self.kwargs["pk"])

    def check_permission(self):
        _require(self.request.user, "proposals.route_case", self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.object}

    def get_initial(self):
        case = self.object
        self.rule_match = routing.match_rules(case)
        self.candidates = routing.recommend(case.committee_id, routing.case_words(case))
        self.current = list(case.assignments.filter(round=case.round, status__in=OPEN_ASSIGNMENT_STATUSES)
                            .select_related("department").order_by("role", "id"))
        if self.current:
            lead = next((a for a in self.current if a.role in (AssignmentRole.LEAD, AssignmentRole.SEPARATE)), None)
            return {"lead_department": lead.department_id if lead else None,
                    "co_departments": [a.department_id for a in self.current if a is not lead],
                    "handling_mode": case.handling_mode}
        if self.rule_match is not None:
            return {"lead_department": self.rule_match.lead.pk,
                    "co_departments": [d.pk for d in self.rule_match.co]}
        if self.candidates:
            return {"lead_department": self.candidates[0].department_id}
        return {}

    def save(self, form):
        data = form.cleaned_data
        return handling.case_route(actor=self.request.user, case=self.object, lead_department=data["lead_department"],
                                   co_departments=list(data["co_departments"]),
                                   handling_mode=data["handling_mode"] or None, reason=data["reason"])

    def get_success_message(self, obj):
        return _("The item is assigned.")

    def get_success_url(self, obj=None):
        return reverse("micro_suggestion_detail", args=[self.object.pk])

    def get_cancel_url(self):
        return self.get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        if not hasattr(self, "candidates"):
            self.get_initial()
        threshold = handling.policy_for(case).routing_confidence
        context.update({
            "title": _("Re-assign: %(t)s") % {"t": case.title} if case.status == CaseStatus.HANDLING
            else _("Assign: %(t)s") % {"t": case.title},
            "case": case,
            "rule_match": self.rule_match,
            "candidates": self.candidates,
            "threshold": threshold,
            "current": self.current,
            "last_decision": case.routing_decisions.select_related("rule").order_by("-created_at", "-id").first(),
            "breadcrumbs": _crumbs((reverse("micro_suggestion_triage"), _("Triage")),
                                   (reverse("micro_suggestion_detail", args=[case.pk]), case.title)),
        })
        return context


class RequestsView(OversightOnlyMixin, LoginRequiredMixin, TabsMixin, TemplateView):
    """Return requests (申退) and extension requests waiting for staff."""

    template_name = "proposals/requests.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        objections, extensions = selectors.pending_requests(user)
        objections = list(objections.select_related("assignment__case__committee")
                          .order_by("requested_at", "id")[:REQUESTS_SHOWN])
        extensions = list(extensions.select_related("assignment__case__committee")
                          .order_by("requested_at", "id")[:REQUESTS_SHOWN])
        committee_ids = {o.assignment.case.committee_id for o in objections}
        departments: dict[int, list] = {}
        for d in Department.objects.filter(committee_id__in=committee_ids, is_active=True).order_by("name"):
            departments.setdefault(d.committee_id, []).append(d)
        policies = {}
        for o in objections:
            o.can_decide = user.has_perm("proposals.decide_request", o.assignment.case)
            choices = [d for d in departments.get(o.assignment.case.committee_id, [])
                       if d.pk != o.assignment.department_id]
            o.department_choices = choices
        for e in extensions:
            e.can_decide = user.has_perm("proposals.decide_request", e.assignment.case)
            key = e.assignment.case.committee_id
            if key not in policies:
                policies[key] = handling.policy_for(e.assignment.case)
            e.policy = policies[key]
        context.update({
            "title": _("Requests"),
            "objections": objections,
            "extensions": extensions,
            "limit": REQUESTS_SHOWN,
        })
        return context


def _decide(request, *, run, success: str) -> None:
    try:
        run()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


@require_POST
def objection_decide(request, pk: int):
    if not request.user.is_authenticated:
        raise Http404
    objection = get_object_or_404(selectors.objections_for(request.user), pk=pk)
    _require(request.user, "proposals.decide_request", objection.assignment.case)
    approve = request.POST.get("decision") == "approve"
    departments = Department.objects.filter(committee_id=objection.assignment.case.committee_id, is_active=True)
    form = forms.ObjectionDecisionForm(request.POST, departments=departments)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_safe_next(request, reverse("handling_requests")))
    new_department = form.cleaned_data["new_department"] if approve else None
    _decide(request, run=lambda: handling.objection_decide(
        actor=request.user, objection=objection, approve=approve, note=form.cleaned_data["note"],
        new_department=new_department),
        success=(_("Return approved: %(t)s") if approve else _("Return rejected: %(t)s"))
        % {"t": objection.assignment.case.title})
    return redirect(_safe_next(request, reverse("handling_requests")))


@require_POST
def extension_decide(request, pk: int):
    if not request.user.is_authenticated:
        raise Http404
    extension = get_object_or_404(selectors.extensions_for(request.user), pk=pk)
    _require(request.user, "proposals.decide_request", extension.assignment.case)
    approve = request.POST.get("decision") == "approve"
    form = forms.DecisionForm(request.POST)
    form.is_valid()
    _decide(request, run=lambda: handling.extension_decide(
        actor=request.user, extension=extension, approve=approve, note=form.cleaned_data.get("note", "")),
        success=(_("Extension approved: %(t)s") if approve else _("Extension refused: %(t)s"))
        % {"t": extension.assignment.case.title})
    return redirect(_safe_next(request, reverse("handling_requests")))


# --- the department -------------------------------------------------------------------------------------------------


class InboxView(KeysetListView):
    template_name = "proposals/inbox.html"
    selector = selectors.inbox_for
    filterset_class = InboxFilterSet
    keys = (("due_date", False), ("id", False))
    title = gettext_lazy("Handling inbox")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_query"] = self.request.GET.urlencode()
        context["is_liaison"] = bool(scope_for(self.request.user).department_ids)
        return context


def inbox_export(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    filterset = InboxFilterSet(request.GET or None, queryset=selectors.inbox_for(request.user), request=request)
    if filterset.is_bound and not filterset.form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('assignment_inbox')}?{request.GET.urlencode()}")
    stamp = timezone.localdate().strftime("%Y%m%d")
    return exports.assignments_xlsx(filterset.qs.order_by("due_date", "id"), _("inbox") + f"-{stamp}.xlsx")


ASSIGNMENT_ACTIONS = ("accept", "object", "contact", "reply", "extend")


class AssignmentDetailView(LoginRequiredMixin, TemplateView):
    """One department's part in an item: the item, the deadline and how it was computed, and the
    department's steps."""

    template_name = "proposals/assignment_detail.html"

    def get_object(self) -> Assignment:
        qs = selectors.assignments_for(self.request.user).select_related(
            "case__submitter__user", "case__place", "case__submitted_by").prefetch_related(
            Prefetch("contacts", queryset=ContactRecord.objects.select_related("created_by").order_by("contacted_on", "id")),
            Prefetch("objections", queryset=ObjectionRequest.objects.select_related("suggested_department", "requested_by")),
            Prefetch("extensions", queryset=ExtensionRequest.objects.select_related("requested_by")),
        )
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = assignment = self.get_object()
        action = request.POST.get("action")
        if action not in ASSIGNMENT_ACTIONS:
            messages.error(request, _("Unknown action."))
            return redirect("assignment_detail", pk=assignment.pk)
        _require(request.user, "proposals.handle_assignment", assignment)
        back = redirect("assignment_detail", pk=assignment.pk)
        if action == "accept":
            try:
                handling.assignment_accept(actor=request.user, assignment=assignment)
            except Conflict as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Accepted. The deadline is shown below."))
            return back
        form = self.make_form(action, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                message = self.run(action, assignment, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                return back
            else:
                messages.success(request, message)
                return back
        return self.render_to_response(self.get_context_data(**{f"{action}_form": form}, open_action=action))

    def make_form(self, action: str, data=None, files=None):
        user, assignment = self.request.user, self.object
        prefix = action
        if action == "object":
            return forms.ObjectForm(data, user=user, assignment=assignment, prefix=prefix)
        if action == "contact":
            return forms.ContactForm(data, prefix=prefix)
        if action == "reply":
            return forms.ReplyForm(data, files, opinion=assignment.role == AssignmentRole.CO, prefix=prefix,
                                   result_categories=self.policy.result_categories,
                                   is_proposal=assignment.case.kind == CaseKind.PROPOSAL)
        return forms.ExtensionForm(data, prefix=prefix)

    @cached_property
    def policy(self):
        return handling.policy_for(self.object.case)

    def run(self, action: str, assignment: Assignment, form) -> str:
        user, data = self.request.user, form.cleaned_data
        if action == "object":
            handling.assignment_object(actor=user, assignment=assignment, reason=data["reason"],
                                       suggested_department=data["suggested_department"])
            return _("Your return request was sent to committee staff. The deadline is paused until they decide.")
        if action == "contact":
            handling.contact_record(actor=user, assignment=assignment, method=data["method"],
                                    contacted_on=data["contacted_on"], note=data["note"])
            return _("The contact was recorded.")
        if action == "reply":
            attachment = None
            if data.get("attachment"):
                try:
                    attachment = handling.attachment_add(actor=user, case=assignment.case, upload=data["attachment"],
                                                         purpose="reply")
                except ValidationError as exc:
                    raise ValidationError({"attachment": exc.messages}) from None
            reply = handling.assignment_reply(actor=user, assignment=assignment, text=data["text"],
                                              attachment=attachment, result_category=data.get("result_category", ""),
                                              may_publish=data.get("may_publish", False))
            if assignment.role == AssignmentRole.CO:
                return _("Your opinion was sent to the lead unit.")
            if reply.review_status == ReplyReview.PENDING:
                return _("Your reply was sent to committee staff, who review it before the submitter sees it.")
            if assignment.case.kind == CaseKind.PROPOSAL:
                return _("Your reply was sent to the proposer.")
            return _("Your reply was sent to the member.")
        handling.extension_request(actor=user, assignment=assignment, workdays_requested=data["workdays"],
                                   reason=data["reason"])
        return _("Your extension request was sent to committee staff.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assignment, user = self.object, self.request.user
        case = assignment.case
        today = timezone.localdate()
        can_act = user.has_perm("proposals.handle_assignment", assignment)
        current_round = case.status == CaseStatus.HANDLING and assignment.round == case.round
        working = assignment.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)
        objections = list(assignment.objections.all())
        extensions = list(assignment.extensions.all())
        siblings = list(case.assignments.filter(round=assignment.round).exclude(pk=assignment.pk)
                        .select_related("department").order_by("role", "id"))
        opinions = []
        if assignment.role == AssignmentRole.LEAD or not can_act:
            opinions = list(Reply.objects.filter(case=case, round=assignment.round, is_opinion=True)
                            .select_related("assignment__department", "attachment"))
        own_replies = list(Reply.objects.filter(assignment=assignment).select_related("attachment", "feedback")
                           .order_by("round", "id"))
        for reply in own_replies:
            try:
                reply.rated = reply.feedback
            except Reply.feedback.RelatedObjectDoesNotExist:
                reply.rated = None
        current_replies = [r for r in own_replies if r.round == assignment.round]
        latest = current_replies[-1] if current_replies else None
        proposals = []
        if case.kind == CaseKind.PROPOSAL:
            # The filed proposal first, then those merged into it (并案): each is answered.
            proposals = list(
                case.proposals.select_related("proposer__sector", "body", "category")
                .prefetch_related(Prefetch("cosigners", to_attr="confirmed_cosigners",
                                           queryset=CoSigner.objects.filter(status=CoSignerStatus.CONFIRMED)
                                           .select_related("member")), "attachments")
                .order_by(F("merged_into_id").asc(nulls_first=True), "id"))
        actions = {
            "accept": can_act and current_round and assignment.status == AssignmentStatus.ASSIGNED,
            "object": can_act and current_round and working
            and (assignment.objection_until is None or today <= assignment.objection_until),
            "contact": can_act and current_round and assignment.status != AssignmentStatus.RETURNED,
            "reply": can_act and current_round and working,
            "extend": can_act and current_round and working
            and not any(e.status == RequestStatus.PENDING for e in extensions),
        }
        for name in ("object", "contact", "reply", "extend"):
            if actions[name]:
                context[f"{name}_form"] = kwargs.get(f"{name}_form") or self.make_form(name)
        context.update({
            "object": assignment,
            "assignment": assignment,
            "case": case,
            "title": case.title,
            "deadline": deadline_view(assignment),
            "can_act": can_act,
            "actions": actions,
            "open_action": kwargs.get("open_action"),
            "contacts": list(assignment.contacts.all()),
            "objections": objections,
            "extensions": extensions,
            "siblings": siblings,
            "opinions": opinions,
            "own_replies": own_replies,
            "attachments": list(case.attachments.filter(purpose="submission")),
            "proposals": proposals,
            "review_pending": latest is not None and latest.review_status == ReplyReview.PENDING,
            "review_returned": latest if latest is not None and latest.review_status == ReplyReview.RETURNED else None,
            "is_co": assignment.role == AssignmentRole.CO,
            "has_pending_co": assignment.role == AssignmentRole.LEAD and any(
                s.role == AssignmentRole.CO and s.status in OPEN_ASSIGNMENT_STATUSES for s in siblings),
            "show_phone": can_act and assignment.status in OPEN_ASSIGNMENT_STATUSES,
            "today": today,
            "breadcrumbs": _crumbs((reverse("assignment_inbox"), _("Handling inbox"))),
            "item_url": reverse("proposal_detail", kwargs={"pk": proposals[0].pk}) if proposals
            else handling.case_url(case),
        })
        return context


# --- configuration -------------------------------------------------------------------------------------------------


class _ConfigListMixin(OversightOnlyMixin, TabsMixin):

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = self.request.user.has_perm("proposals.manage_routing")
        return context


class RoutingRuleListView(_ConfigListMixin, FilteredListView):
    template_name = "proposals/rule_list.html"
    selector = selectors.routing_rules_for
    filterset_class = filtersets.RoutingRuleFilterSet
    title = gettext_lazy("Routing rules")

    def decorate(self, queryset):
        return queryset.order_by("committee__path", "-priority", "id")


class _RuleFormMixin(TabsMixin):
    form_class = forms.RoutingRuleForm

    def get_success_url(self, obj=None):
        return reverse("routing_rule_list") + (f"?committee={obj.committee_id}" if obj else "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("routing_rule_list"), _("Routing rules")))
        return context


class RoutingRuleCreateView(_RuleFormMixin, ServiceFormView):
    title = gettext_lazy("New routing rule")
    success_message = gettext_lazy("The routing rule was created.")

    def check_permission(self):
        _require(self.request.user, "proposals.manage_routing")

    def get_initial(self):
        committee = self.request.GET.get("committee")
        return {"committee": committee} if committee and committee.isdigit() else {}

    def save(self, form):
        data = form.service_data()
        return config.routing_rule_create(actor=self.request.user, **data)


class RoutingRuleEditView(_RuleFormMixin, ServiceFormView):
    success_message = gettext_lazy("The routing rule was saved.")

    def get_object(self):
        return get_object_or_404(selectors.routing_rules_for(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self):
        _require(self.request.user, "proposals.manage_routing", self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def save(self, form):
        return config.routing_rule_update(actor=self.request.user, rule=self.object, **form.service_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(name)s") % {"name": self.object}
        context.update(timeline_context(self.request, self.object))
        return context


class CategoryListView(_ConfigListMixin, FilteredListView):
    template_name = "proposals/category_list.html"
    selector = selectors.categories_for
    filterset_class = filtersets.CategoryFilterSet
    title = gettext_lazy("Categories")

    def get_queryset(self):
        # Categories are configuration: the committees the user oversees, not every one they can read.
        scope = scope_for(self.request.user)
        qs = selectors.categories_for(self.request.user)
        return qs if scope.is_superuser else qs.filter(committee_id__in=scope.oversight_committee_ids)

    def decorate(self, queryset):
        return queryset.annotate(case_count=Count("cases", filter=Q(cases__kind=KIND))).order_by(
            "committee__path", "order", "id")


class _CategoryFormMixin(TabsMixin):
    form_class = forms.CategoryForm

    def get_success_url(self, obj=None):
        return reverse("category_list") + (f"?committee={obj.committee_id}" if obj else "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("category_list"), _("Categories")))
        return context


class CategoryCreateView(_CategoryFormMixin, ServiceFormView):
    title = gettext_lazy("New category")
    success_message = gettext_lazy("The category was created.")

    def check_permission(self):
        _require(self.request.user, "proposals.manage_routing")

    def get_initial(self):
        committee = self.request.GET.get("committee")
        return {"committee": committee} if committee and committee.isdigit() else {}

    def save(self, form):
        return config.category_create(actor=self.request.user, **form.service_data())


class CategoryEditView(_CategoryFormMixin, ServiceFormView):
    success_message = gettext_lazy("The category was saved.")

    def get_object(self):
        return get_object_or_404(selectors.categories_for(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self):
        _require(self.request.user, "proposals.manage_routing", self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def save(self, form):
        return config.category_update(actor=self.request.user, category=self.object,
                                      **form.service_data(exclude=("committee",)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(name)s") % {"name": self.object}
        context.update(timeline_context(self.request, self.object))
        return context


class PolicyListView(_ConfigListMixin, LoginRequiredMixin, TemplateView):
    """Handling policies of micro-suggestions, and the built-in defaults where none is set.
    No filters or pages: a committee has a default and a few category policies."""

    template_name = "proposals/policy_list.html"
    title = gettext_lazy("Handling policies")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policies = list(selectors.policies_for(self.request.user).filter(kind=KIND)
                        .order_by("committee__path", "category__order", "id"))
        context.update({
            "title": self.title,
            "object_list": policies,
            "defaults": HandlingPolicy(kind=KIND),
        })
        return context


class PolicySetView(TabsMixin, ServiceFormView):
    form_class = forms.PolicyForm
    title = gettext_lazy("Handling policy of micro-suggestions")
    success_message = gettext_lazy("The handling policy was saved. It applies to items assigned from now on.")

    def check_permission(self):
        _require(self.request.user, "proposals.manage_routing")

    def get_initial(self):
        initial = {f: getattr(HandlingPolicy(), f) for f in forms.POLICY_NUMBERS}
        committee, category = self.request.GET.get("committee"), self.request.GET.get("category")
        if committee and committee.isdigit():
            initial["committee"] = int(committee)
            if category and category.isdigit():
                initial["category"] = int(category)
            existing = selectors.policies_for(self.request.user).filter(
                committee_id=int(committee), kind=KIND,
                category_id=int(category) if category and category.isdigit() else None).first()
            if existing is not None:
                initial.update({f: getattr(existing, f) for f in forms.POLICY_NUMBERS})
        return initial

    def save(self, form):
        return config.policy_set(actor=self.request.user, **form.service_data())

    def get_success_url(self, obj=None):
        return reverse("policy_list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("policy_list"), _("Handling policies")))
        context["subtitle"] = _("Working days are counted on the official calendar. Changes apply to items "
                                "assigned afterwards; deadlines already running keep their clock.")
        return context


class DeadLetterListView(StaffOnlyMixin, LoginRequiredMixin, TabsMixin, TemplateView):
    """Routing messages that kept failing; staff retry them once the cause is fixed."""

    template_name = "proposals/dead_letters.html"
    title = gettext_lazy("Dead letters")
    page_sizes = (20, 50)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            per_page = int(self.request.GET.get("per_page", self.page_sizes[0]))
        except ValueError:
            per_page = self.page_sizes[0]
        per_page = per_page if per_page in self.page_sizes else self.page_sizes[0]
        paginator = Paginator(selectors.dead_letters_for(self.request.user).order_by("-id"), per_page)
        page = paginator.get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        titles = dict(Case.objects.filter(pk__in=[r.kwargs.get("case_id") for r in rows
                                                   if isinstance(r.kwargs.get("case_id"), int)])
                      .values_list("pk", "title"))
        for row in rows:
            row.case_pk = row.kwargs.get("case_id")
            row.case_title = titles.get(row.case_pk, "")
        context.update({
            "title": self.title,
            "page_obj": page,
            "object_list": rows,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "per_page": paginator.per_page,
            "page_sizes": self.page_sizes,
        })
        return context


@require_POST
def dead_letter_retry(request, pk: int):
    if not request.user.is_authenticated:
        raise Http404
    message = get_object_or_404(selectors.dead_letters_for(request.user), pk=pk)
    try:
        config.dead_letter_retry(actor=request.user, message=message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The message is queued again."))
    return redirect("dead_letter_list")


# --- the home page ----------------------------------------------------------------------------------------------


def home_section(request) -> dict | None:
    """Counts of micro-suggestion work for the home page, by role (each one indexed count)."""
    user = request.user
    scope = scope_for(user)
    today = timezone.localdate()
    stats = []
    if scope.member_ids:
        mine = selectors.my_cases(user)
        stats.append({"value": mine.filter(status=CaseStatus.REPLIED).count(), "label": _("My items awaiting my rating"),
                      "url": reverse("micro_suggestion_mine") + "?status=replied", "alert": True})
        stats.append({"value": mine.exclude(status=CaseStatus.CLOSED).count(), "label": _("My items in progress"),
                      "url": reverse("micro_suggestion_mine")})
    if scope.department_ids:
        inbox = selectors.inbox_for(user)
        stats.append({"value": inbox.count(), "label": _("Items in my department's inbox"),
                      "url": reverse("assignment_inbox")})
        stats.append({"value": inbox.filter(status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED],
                                            due_date__lt=today).count(),
                      "label": _("Overdue in my inbox"), "url": reverse("assignment_inbox") + "?overdue=true",
                      "alert": True})
    if scope.is_superuser or scope.staff_committee_ids:
        stats.append({"value": selectors.triage_queue(user).count(), "label": _("Awaiting triage"),
                      "url": reverse("micro_suggestion_triage"), "alert": True})
        objections, extensions = selectors.pending_requests(user)
        stats.append({"value": objections.count() + extensions.count(), "label": _("Requests awaiting decision"),
                      "url": reverse("handling_requests"), "alert": True})
    if scope.is_superuser or scope.oversight_committee_ids:
        overdue = selectors.cases_for(user).filter(status=CaseStatus.HANDLING, due_date__lt=today)
        stats.append({"value": overdue.count(),
                      "label": _("Overdue micro-suggestions"), "url": reverse("micro_suggestion_overdue"),
                      "alert": True})
    if scope.leader_committee_ids:
        stats.append({"value": Follow.objects.filter(user=user, case__kind=KIND,
                                                     kind__in=[FollowKind.LEAD, FollowKind.SUPERVISE]).count(),
                      "label": _("Items I take up or supervise"), "url": reverse("micro_suggestion_followed")})
    if not stats:
        return None
    links = []
    if scope.member_ids:
        links.append({"url": reverse("micro_suggestion_create"), "label": _("Submit a micro-suggestion"),
                      "primary": True})
    return {"template": "proposals/_home_section.html", "stats": stats, "links": links}
