"""Pages of proposals after filing (提案办理): the panels of a proposal's page (key proposal and
its supervision, the procuratorial link, progress "from replied to implemented", letters),
the key-proposal and overdue lists, the compilation and statistics; and the engine's staff
review of replies, which serves every kind of handled item.

A proposal is always fetched through ``selectors.proposals_for`` (outside the user's scope it
is a 404); each form posts to its own page, which hands the data to a proposals.services
function, shows its errors next to the fields and goes back to the proposal on success.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import TemplateView

from cppcc_portal.core import workdays
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.views import (
    FilteredListView,
    ServiceFormView,
    add_service_errors,
    register_action_labels,
)
from members.choices import DepartmentKind
from members.models import Committee, Department
from members.selectors import committees_for, scope_for

from . import proposal_handling_forms as forms, selectors
from .choices import (
    AssignmentStatus,
    CaseKind,
    CaseStatus,
    ProposalStatus,
    ReplyReview,
)
from .filtersets import ProposalFilterSet
from .models import (
    Assignment,
    ProgressNote,
    Proposal,
    Reply,
    SupervisionActivity,
)
from .services import handling, proposals as proposal_services
from .views import OversightOnlyMixin, StaffOnlyMixin, _require_oversight, _require_staff

register_action_labels({
    "proposal.key": gettext_lazy("Made a key proposal (重点提案)"),
    "proposal.key_update": gettext_lazy("Key proposal supervision changed"),
    "proposal.unkey": gettext_lazy("No longer a key proposal"),
    "proposal.supervise": gettext_lazy("Supervision activity recorded"),
    "proposal.procuratorate": gettext_lazy("Passed to the procuratorate as a clue"),
    "proposal.procuratorate_outcome": gettext_lazy("Procuratorate's outcome recorded"),
    "case.supervise": gettext_lazy("Supervision activity recorded"),
    "case.progress": gettext_lazy("Progress recorded"),
    "case.implemented": gettext_lazy("Recorded implemented (已落实)"),
    "reply.release": gettext_lazy("Reply released by committee staff"),
    "reply.return": gettext_lazy("Reply returned to the department for revision"),
})

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _crumbs(*items):
    return [{"url": url, "label": label} for url, label in items]


def _is_staff(user, proposal) -> bool:
    return proposal_services.is_proposal_staff(user, proposal)


def _handling_departments(proposal) -> set[int]:
    """Departments that handled the proposal (not returned or withdrawn)."""
    return selectors.handling_department_ids(proposal.case_id) if proposal.case_id else set()


def _is_key_leader(user, proposal) -> bool:
    return proposal.is_key and proposal.key_leaders.filter(pk=user.pk).exists()


def _may_record_outcome(user, proposal, transfer) -> bool:
    return transfer is not None and (_is_staff(user, proposal)
                                     or transfer.procuratorate_id in scope_for(user).department_ids)


def _may_add_progress(user, proposal) -> bool:
    case = proposal.case
    if case is None or case.status not in (CaseStatus.REPLIED, CaseStatus.CLOSED) or case.implemented_on:
        return False
    return _is_staff(user, proposal) or bool(scope_for(user).department_ids & _handling_departments(proposal))


def _transfer_of(proposal):
    try:
        return proposal.procuratorate_transfer
    except Proposal.procuratorate_transfer.RelatedObjectDoesNotExist:
        return None


def _procuratorates(proposal):
    return Department.objects.filter(committee_id=proposal.committee_id, is_active=True,
                                     kind=DepartmentKind.PROCURATORATE)


def _released_replies(proposal) -> list[Reply]:
    if not proposal.case_id:
        return []
    return list(Reply.objects.filter(case_id=proposal.case_id, is_opinion=False, review_status=ReplyReview.RELEASED)
                .select_related("assignment__department").order_by("round", "created_at", "id"))


# --- the panels of a proposal's page ---------------------------------------------------------------


def proposal_panels(request, proposal) -> dict:
    """What the proposal's page shows after filing, for ``templates/proposals/_proposal_panels.html``:
    ``context.update(proposal_panels(request, proposal))`` then include the partial. Only the
    forms the user may submit are present."""
    user = request.user
    staff = _is_staff(user, proposal)
    filed = proposal.status == ProposalStatus.FILED
    leaders = list(proposal.key_leaders.all().order_by("full_name", "pk")) if proposal.is_key else []
    is_leader = any(u.pk == user.pk for u in leaders)
    activities = list(SupervisionActivity.objects.filter(proposal=proposal).select_related("created_by")) \
        if proposal.is_key else []
    transfer = _transfer_of(proposal)
    notes = []
    case = proposal.case if proposal.case_id else None
    if case is not None:
        notes = list(ProgressNote.objects.filter(case=case).select_related("department", "created_by"))
    can_transfer = staff and filed and transfer is None and _procuratorates(proposal).exists()
    panels = {
        "proposal": proposal,
        "case": case,
        "is_staff": staff,
        "key": {
            "is_key": proposal.is_key,
            "leaders": leaders,
            "plan": proposal.key_plan,
            "marked_at": proposal.key_marked_at,
            "activities": activities,
            "mark_url": reverse("proposal_key_mark", args=[proposal.pk]),
            "unmark_url": reverse("proposal_key_unmark", args=[proposal.pk]),
            "supervise_url": reverse("proposal_supervision_record", args=[proposal.pk]),
            "mark_form": forms.KeyMarkForm(proposal=proposal, prefix="key", initial={
                "leaders": [u.pk for u in leaders], "plan": proposal.key_plan}) if staff and filed else None,
            "unmark_form": forms.KeyUnmarkForm(prefix="unkey") if staff and proposal.is_key else None,
            "supervise_form": forms.SupervisionForm(prefix="supervise")
            if proposal.is_key and (staff or is_leader) else None,
        },
        "procuratorate": {
            "transfer": transfer,
            "transfer_url": reverse("proposal_procuratorate_transfer", args=[proposal.pk]),
            "outcome_url": reverse("proposal_procuratorate_outcome", args=[proposal.pk]),
            "transfer_form": forms.ProcuratorateTransferForm(proposal=proposal, prefix="transfer")
            if can_transfer else None,
            "outcome_form": forms.ProcuratorateOutcomeForm(prefix="outcome")
            if _may_record_outcome(user, proposal, transfer) else None,
        },
        "progress": {
            "notes": notes,
            "implemented_on": case.implemented_on if case else None,
            "result_category": case.get_result_category_display() if case and case.result_category else "",
            "url": reverse("proposal_progress_add", args=[proposal.pk]),
            "form": forms.ProgressNoteForm(prefix="progress") if _may_add_progress(user, proposal) else None,
        },
        "letters": {
            "proposal_url": reverse("proposal_pdf", args=[proposal.pk]) if proposal.status != ProposalStatus.DRAFT
            else "",
            "replies": [{"reply": r, "url": reverse("proposal_reply_pdf", args=[proposal.pk, r.pk])}
                        for r in _released_replies(proposal)],
        },
    }
    panels["shown"] = bool(filed or transfer or notes or panels["letters"]["proposal_url"])
    return {"panels": panels}


class _ProposalFormView(ServiceFormView):
    """A form about one proposal: fetched within the user's scope (else 404), allowed by
    ``may`` (else 403), and back to the proposal's page on success."""

    template_name = "form.html"

    def get_object(self):
        return get_object_or_404(selectors.proposals_for(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self) -> None:
        if not self.may(self.request.user, self.object):
            raise PermissionDenied

    def may(self, user, proposal) -> bool:
        raise NotImplementedError

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        kwargs["prefix"] = self.prefix
        return kwargs

    def get_success_url(self, obj=None):
        return reverse("proposal_detail", kwargs={"pk": self.object.pk})

    def get_cancel_url(self) -> str:
        return self.get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subtitle"] = str(self.object)
        context["breadcrumbs"] = _crumbs((self.get_success_url(), str(self.object)))
        return context


class ProposalKeyMarkView(_ProposalFormView):
    form_class = forms.KeyMarkForm
    prefix = "key"
    title = gettext_lazy("Key proposal (重点提案)")
    submit_label = gettext_lazy("Save")

    def may(self, user, proposal) -> bool:
        return _is_staff(user, proposal) and proposal.status == ProposalStatus.FILED

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["proposal"] = self.object
        return kwargs

    def get_initial(self):
        return {"leaders": list(self.object.key_leaders.values_list("pk", flat=True)), "plan": self.object.key_plan}

    def save(self, form):
        return proposal_services.proposal_mark_key(actor=self.request.user, proposal=self.object,
                                                   leaders=form.cleaned_data["leaders"],
                                                   plan=form.cleaned_data["plan"])

    def get_success_message(self, obj) -> str:
        return _("This is a key proposal; its supervising leaders have been told.")


class ProposalKeyUnmarkView(_ProposalFormView):
    form_class = forms.KeyUnmarkForm
    prefix = "unkey"
    title = gettext_lazy("No longer a key proposal")
    submit_label = gettext_lazy("Remove from key proposals")

    def may(self, user, proposal) -> bool:
        return _is_staff(user, proposal) and proposal.is_key

    def save(self, form):
        return proposal_services.proposal_unmark_key(actor=self.request.user, proposal=self.object,
                                                     note=form.cleaned_data["note"])

    def get_success_message(self, obj) -> str:
        return _("This is no longer a key proposal.")


class SupervisionRecordView(_ProposalFormView):
    form_class = forms.SupervisionForm
    prefix = "supervise"
    title = gettext_lazy("Record a supervision activity")
    submit_label = gettext_lazy("Record")

    def may(self, user, proposal) -> bool:
        return proposal.is_key and (_is_staff(user, proposal) or _is_key_leader(user, proposal))

    def save(self, form):
        return proposal_services.supervision_record(actor=self.request.user, proposal=self.object,
                                                    **form.cleaned_data)

    def get_success_message(self, obj) -> str:
        return _("The supervision activity was recorded.")


class ProcuratorateTransferView(_ProposalFormView):
    form_class = forms.ProcuratorateTransferForm
    prefix = "transfer"
    title = gettext_lazy("Pass to the procuratorate as a public-interest-litigation clue")
    submit_label = gettext_lazy("Transfer")

    def may(self, user, proposal) -> bool:
        return _is_staff(user, proposal) and proposal.status == ProposalStatus.FILED

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["proposal"] = self.object
        return kwargs

    def save(self, form):
        return proposal_services.procuratorate_transfer(actor=self.request.user, proposal=self.object,
                                                        **form.cleaned_data)

    def get_success_message(self, obj) -> str:
        return _("The clue was passed to %(p)s.") % {"p": obj.procuratorate}


class ProcuratorateOutcomeView(_ProposalFormView):
    form_class = forms.ProcuratorateOutcomeForm
    prefix = "outcome"
    title = gettext_lazy("The procuratorate's outcome")
    submit_label = gettext_lazy("Record")

    def get_object(self):
        proposal = super().get_object()
        self.transfer = _transfer_of(proposal)
        if self.transfer is None:
            raise Http404
        return proposal

    def may(self, user, proposal) -> bool:
        return _may_record_outcome(user, proposal, self.transfer)

    def get_initial(self):
        return {"outcome": self.transfer.outcome}

    def save(self, form):
        return proposal_services.procuratorate_outcome(actor=self.request.user, transfer=self.transfer,
                                                       **form.cleaned_data)

    def get_success_message(self, obj) -> str:
        return _("The outcome was recorded.")


class ProgressNoteView(_ProposalFormView):
    form_class = forms.ProgressNoteForm
    prefix = "progress"
    title = gettext_lazy("From replied to implemented: record progress")
    submit_label = gettext_lazy("Record")

    def may(self, user, proposal) -> bool:
        return _may_add_progress(user, proposal)

    def save(self, form):
        return handling.progress_note_add(actor=self.request.user, case=self.object.case, **form.cleaned_data)

    def get_success_message(self, obj) -> str:
        return _("Recorded implemented.") if obj.implemented else _("The progress was recorded.")


# --- letters ----------------------------------------------------------------------------------------------


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _login_redirect(request):
    return redirect(f"{reverse('login')}?next={request.path}")


def proposal_pdf(request, pk: int):
    """The printable proposal, for whoever may see it."""
    if not request.user.is_authenticated:
        return _login_redirect(request)
    from . import letters

    proposal = get_object_or_404(selectors.proposals_for(request.user), pk=pk)
    name = f"{proposal.number_label or _('Proposal')} {proposal.title}"[:80]
    return _pdf_response(letters.proposal_pdf(proposal), f"{name}.pdf")


def proposal_reply_pdf(request, pk: int, reply_id: int):
    """A reply letter: released ones for whoever sees the proposal; one awaiting or returned by
    review only for committee staff and the department that wrote it. Co-handlers' opinions are
    not reply letters."""
    if not request.user.is_authenticated:
        return _login_redirect(request)
    from . import letters

    proposal = get_object_or_404(selectors.proposals_for(request.user), pk=pk)
    if not proposal.case_id:
        raise Http404
    reply = get_object_or_404(Reply.objects.select_related("assignment__department"), pk=reply_id,
                              case_id=proposal.case_id, is_opinion=False)
    if not selectors.visible_replies(request.user, proposal.case, [reply]):
        raise Http404
    name = f"{proposal.number_label} {reply.assignment.department.name}".strip()
    return _pdf_response(letters.reply_letter_pdf(proposal, reply), f"{name}.pdf")


# --- lists ------------------------------------------------------------------------------------------------------


def proposal_export(request):
    """The year's compilation (this year unless ``year`` says otherwise), narrowed by the list's
    filters; staff and leaders."""
    if not request.user.is_authenticated:
        return _login_redirect(request)
    _require_oversight(request.user)
    from .exports import proposal_compilation_xlsx

    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(timezone.localdate().year)
    filterset = ProposalFilterSet(data, queryset=selectors.proposals_for(request.user), request=request)
    if not filterset.is_valid():
        raise Http404
    content = proposal_compilation_xlsx(filterset.qs.order_by("committee_id", "year", "number", "id"))
    response = HttpResponse(content, content_type=XLSX)
    filename = _("proposals") + f"-{data['year']}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _key_progress(queryset):
    """Key proposals with what their list rows show, in a fixed number of queries."""
    activities = (SupervisionActivity.objects.filter(proposal=OuterRef("pk")).order_by()
                  .values("proposal").annotate(n=Count("id")).values("n"))
    return (queryset.filter(is_key=True)
            .select_related("case")
            .prefetch_related("key_leaders")
            .annotate(activity_count=Coalesce(Subquery(activities), 0))
            .order_by("-year", "committee_id", "number", "id"))


class KeyFilterSet(ProposalFilterSet):
    class Meta(ProposalFilterSet.Meta):
        fields = ["q", "year", "committee", "category", "handling", "result_category", "implemented", "overdue"]


class _Tabs:
    """The proposal pages' sub-navigation (proposal_views imports this module's panels, so
    the tabs are looked up when a page renders)."""

    def get_context_data(self, **kwargs):
        from .proposal_views import section_tabs

        context = super().get_context_data(**kwargs)
        context["tabs"] = section_tabs(self.request)
        return context


class ProposalKeyListView(OversightOnlyMixin, _Tabs, FilteredListView):
    """Every key proposal of the committees of staff and leaders, with its progress."""

    template_name = "proposals/key_list.html"
    filterset_class = KeyFilterSet
    title = gettext_lazy("Key proposals (重点提案)")

    def get_queryset(self):
        return selectors.proposals_for(self.request.user).filter(is_key=True)

    def decorate(self, queryset):
        return _key_progress(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class ProposalSupervisedView(OversightOnlyMixin, _Tabs, LoginRequiredMixin, TemplateView):
    """The key proposals this leader supervises."""

    template_name = "proposals/supervised.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = list(_key_progress(selectors.supervised_proposals(user).filter(key_leaders=user)))
        context.update({"title": _("Key proposals I supervise"), "object_list": rows,
                        "today": timezone.localdate()})
        return context


class ProposalOverdueView(StaffOnlyMixin, _Tabs, LoginRequiredMixin, TemplateView):
    """Filed proposals whose handling is overdue, by department, the longest overdue first."""

    template_name = "proposals/proposal_overdue.html"
    limit = 200

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        scope = scope_for(self.request.user)
        overdue = Assignment.objects.filter(
            case__kind=CaseKind.PROPOSAL, case__status=CaseStatus.HANDLING,
            status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED], due_date__lt=today)
        if not scope.is_superuser:
            overdue = overdue.filter(case__committee_id__in=scope.staff_committee_ids)
        main = Proposal.objects.filter(merged_into__isnull=True).order_by("id")
        rows = list(overdue.select_related("case__committee", "department")
                    .prefetch_related(Prefetch("case__proposals", queryset=main, to_attr="main_proposals"))
                    .order_by("due_date", "id")[:self.limit])
        for row in rows:
            row.proposal = row.case.main_proposals[0] if row.case.main_proposals else None
            row.days_overdue = workdays.workdays_between(row.due_date, today)
            row.calendar_days = (today - row.due_date).days
        by_department = list(overdue.order_by().values("department_id", "department__name")
                             .annotate(n=Count("id")).order_by("-n", "department__name"))
        context.update({
            "title": _("Overdue proposals"),
            "rows": rows,
            "limit": self.limit,
            "by_department": by_department,
            "total": sum(d["n"] for d in by_department),
        })
        return context


class ProposalStatisticsView(OversightOnlyMixin, _Tabs, LoginRequiredMixin, TemplateView):
    """A year's figures of the proposals staff and leaders may see, for one committee or all."""

    template_name = "proposals/proposal_statistics.html"

    def get_context_data(self, **kwargs):
        from .statistics import proposal_statistics

        context = super().get_context_data(**kwargs)
        user = self.request.user
        visible = selectors.proposals_for(user)
        this_year = timezone.localdate().year
        years = sorted(set(Proposal.objects.filter(pk__in=visible.values("pk")).order_by()
                           .values_list("year", flat=True).distinct()) | {this_year}, reverse=True)
        scope = scope_for(user)
        committees = committees_for(user) if scope.is_superuser else Committee.objects.filter(
            pk__in=scope.oversight_committee_ids)
        form = forms.StatisticsForm(self.request.GET or None, years=years, committees=committees.order_by("path", "pk"),
                                    initial={"year": this_year})
        year, committee = this_year, None
        if form.is_bound and form.is_valid():
            year = form.cleaned_data["year"] or this_year
            committee = form.cleaned_data["committee"]
        qs = visible.filter(year=year)
        if committee is not None:
            qs = qs.filter(committee=committee)
        context.update({
            "title": _("Proposal statistics"),
            "form": form,
            "year": year,
            "committee": committee,
            "stats": proposal_statistics(qs),
        })
        return context


# --- the engine: staff review of replies ------------------------------------------------------------------


def _reviewable(user):
    """Replies of the committees the user is staff of, with what the review pages show."""
    scope = scope_for(user)
    qs = Reply.objects.filter(is_opinion=False).select_related(
        "assignment__department", "case__committee", "attachment", "created_by")
    if not scope.is_superuser:
        qs = qs.filter(case__committee_id__in=scope.staff_committee_ids)
    main = Proposal.objects.filter(merged_into__isnull=True).order_by("id")
    return qs.prefetch_related(Prefetch("case__proposals", queryset=main, to_attr="main_proposals"))


def _item_url(reply) -> str:
    proposals_ = getattr(reply.case, "main_proposals", None)
    if reply.case.kind == CaseKind.PROPOSAL and proposals_:
        return reverse("proposal_detail", kwargs={"pk": proposals_[0].pk})
    return handling.case_url(reply.case)


class ReplyReviewListView(StaffOnlyMixin, LoginRequiredMixin, TemplateView):
    """Replies waiting for staff review, oldest first, with release and return at hand."""

    template_name = "proposals/reply_review_list.html"
    limit = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = _reviewable(self.request.user).filter(review_status=ReplyReview.PENDING)
        rows = list(pending.order_by("created_at", "id")[:self.limit])
        for reply in rows:
            reply.item_url = _item_url(reply)
            reply.proposal = (reply.case.main_proposals or [None])[0]
        context.update({"title": _("Replies awaiting review"), "rows": rows, "limit": self.limit,
                        "form": forms.ReplyReviewForm(prefix="review")})
        return context


class ReplyReviewView(LoginRequiredMixin, TemplateView):
    """One reply under review: the reply in full, release or return with a note."""

    template_name = "proposals/reply_review_detail.html"

    def get_object(self) -> Reply:
        _require_staff(self.request.user)
        return get_object_or_404(_reviewable(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = reply = self.get_object()
        form = forms.ReplyReviewForm(request.POST, prefix="review")
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "release"
            try:
                handling.reply_review(actor=request.user, reply=reply, approve=approve,
                                      note=form.cleaned_data["note"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("reply_review_list")
            else:
                messages.success(request, _("The reply was released to the submitter.") if approve
                                 else _("The reply was returned to %(d)s for revision.")
                                 % {"d": reply.assignment.department})
                return redirect("reply_review_list")
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reply = self.object
        proposal = (reply.case.main_proposals or [None])[0]
        context.update({
            "title": _("Review a reply"),
            "reply": reply,
            "case": reply.case,
            "proposal": proposal,
            "item_url": _item_url(reply),
            "form": kwargs.get("form") or forms.ReplyReviewForm(prefix="review"),
            "pending": reply.review_status == ReplyReview.PENDING,
            "breadcrumbs": _crumbs((reverse("reply_review_list"), _("Replies awaiting review"))),
        })
        if proposal is not None:
            context["reply_pdf_url"] = reverse("proposal_reply_pdf", args=[proposal.pk, reply.pk])
        return context

