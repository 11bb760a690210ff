"""Pages of proposals (提案) up to and around filing: the lists, writing and co-signing, the
proposal itself with its handling and feedback, staff review (立案 / 不立案 / 退回修改 / 并案)
and assignment, the topic guide (选题指南) and proposing bodies (集体提案).

Every queryset comes from proposals.selectors (outside the user's scope a proposal is a 404),
every step is a proposals.services call, and the lists share ProposalFilterSet with the API.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.views import (
    FilteredListView,
    ServiceFormView,
    add_service_errors,
    register_action_labels,
    timeline_rows,
)
from members.selectors import scope_for

from . import filtersets, forms, proposal_forms, selectors, similarity
from .choices import (
    EDITABLE_PROPOSAL_STATUSES,
    ENDED_ASSIGNMENT_STATUSES,
    CaseKind,
    CaseStatus,
    CoSignerStatus,
    ProposalKind,
    ProposalStatus,
    Rating,
    ReplyReview,
)
from .models import Assignment, Category, CoSigner, GuideTopic, Proposal, ProposalAttachment, Reply, TopicGuide
from .proposal_handling_views import proposal_panels
from .services import handling, proposals as services
from .views import (
    TIMELINE_LABELS,
    RouteView,
    StaffOnlyMixin,
    StatusAsSelect,
    _crumbs,
    _require_staff,
    _sees_opinions,
    deadline_view,
)

register_action_labels({
    "proposal.draft": gettext_lazy("Draft written"),
    "proposal.edit": gettext_lazy("Proposal changed"),
    "proposal.invite": gettext_lazy("Co-signers invited"),
    "proposal.uninvite": gettext_lazy("Co-signer removed"),
    "proposal.cosign": gettext_lazy("Co-signed"),
    "proposal.decline": gettext_lazy("Declined to co-sign"),
    "proposal.submit": gettext_lazy("Submitted"),
    "proposal.resubmit": gettext_lazy("Submitted again after revision"),
    "proposal.withdraw": gettext_lazy("Withdrawn"),
    "proposal.file": gettext_lazy("Filed (立案)"),
    "proposal.not_file": gettext_lazy("Not filed (不立案)"),
    "proposal.return": gettext_lazy("Returned for revision"),
    "proposal.merge": gettext_lazy("Merged (并案)"),
    "proposal.merge_in": gettext_lazy("Proposals merged into this one"),
    "proposal.key": gettext_lazy("Made a key proposal (重点提案)"),
    "proposal.key_update": gettext_lazy("Key proposal supervision changed"),
    "proposal.unkey": gettext_lazy("No longer a key proposal"),
    "proposal.supervise": gettext_lazy("Supervision activity"),
    "proposal.procuratorate": gettext_lazy("Passed to the procuratorate"),
    "proposal.procuratorate_outcome": gettext_lazy("Procuratorate's outcome"),
    "case.file": gettext_lazy("Handling opened"),
    "case.supervise": gettext_lazy("Supervision activity"),
    "topic_guide.create": gettext_lazy("Topic guide created"),
    "topic_guide.update": gettext_lazy("Topic guide changed"),
    "topic_guide.publish": gettext_lazy("Topic guide published"),
    "guide_topic.create": gettext_lazy("Topic added"),
    "guide_topic.update": gettext_lazy("Topic changed"),
    "guide_topic.delete": gettext_lazy("Topic removed"),
    "proposal_body.create": gettext_lazy("Proposing body created"),
    "proposal_body.update": gettext_lazy("Proposing body changed"),
})
SIMILAR_SHOWN = 8


def _redirect_detail(proposal) -> object:
    return redirect("proposal_detail", pk=proposal.pk)


def _run(request, step, success: str) -> bool:
    """Run a service step from a button; its refusal becomes an error message."""
    try:
        step()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        messages.success(request, success)
        return True
    return False


def _is_staff(user, proposal) -> bool:
    return services.is_proposal_staff(user, proposal)


def _is_writer(user, proposal) -> bool:
    return proposal.submitted_by_id == user.pk


def section_tabs(request) -> list[dict]:
    """The sub-navigation of the proposal pages: what this user's roles work with."""
    scope = scope_for(request.user)
    staff = scope.is_superuser or bool(scope.staff_committee_ids)
    writes = bool(scope.member_ids) or request.user.proposal_bodies.filter(is_active=True).exists()
    items = []
    if writes:
        items += [("proposal_mine", _("My proposals")), ("proposal_create", _("Write a proposal"))]
    items.append(("proposal_list", _("Proposals")))
    items.append(("proposal_guide", _("Topic guide")))
    if staff:
        items += [("proposal_review", _("Review")), ("proposal_overdue", _("Overdue")),
                  ("proposal_body_list", _("Proposing bodies"))]
    if staff or scope.leader_committee_ids:
        items += [("proposal_key_list", _("Key proposals")), ("proposal_statistics", _("Statistics"))]
    if scope.leader_committee_ids:
        items.append(("proposal_supervised", _("Supervised by me")))
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


# --- lists ----------------------------------------------------------------------------------------


class ProposalListFilterSet(StatusAsSelect, filtersets.ProposalFilterSet):
    pass


class ProposalListView(TabsMixin, FilteredListView):
    template_name = "proposals/proposal_list.html"
    selector = selectors.proposals_for
    filterset_class = ProposalListFilterSet
    title = gettext_lazy("Proposals")

    def decorate(self, queryset):
        return queryset.defer("reason", "analysis", "suggestions", "keywords").order_by("-id")


class MyProposalListView(TabsMixin, FilteredListView):
    template_name = "proposals/proposal_mine.html"
    selector = selectors.my_proposals
    filterset_class = ProposalListFilterSet
    title = gettext_lazy("My proposals")

    def decorate(self, queryset):
        return queryset.defer("reason", "analysis", "suggestions", "keywords").order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invitations"] = list(selectors.cosign_invitations_for(self.request.user)[:50])
        return context


@require_POST
def cosign_respond(request, pk: int):
    """An invited member confirms or declines co-signing (from "My proposals")."""
    if not request.user.is_authenticated:
        raise Http404
    cosigner = get_object_or_404(CoSigner.objects.select_related("proposal"), pk=pk, member__user=request.user)
    accept = request.POST.get("decision") == "confirm"
    _run(request, lambda: services.cosign_respond(actor=request.user, cosigner=cosigner, accept=accept,
                                                  note=request.POST.get("note", "")),
         _("You co-sign this proposal.") if accept else _("You declined to co-sign."))
    return redirect("proposal_mine")


# --- writing --------------------------------------------------------------------------------------


class ProposalWriteMixin(TabsMixin):
    template_name = "proposals/proposal_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(proposal=self.object, seat=self.seat)
        return kwargs

    def save(self, form):
        data = form.cleaned_data
        values = {k: data.get(k) for k in ("kind", "timing", "session", "title", "reason", "analysis", "suggestions",
                                           "category", "topic")}
        values["attachments"] = data.get("attachments") or []
        if self.object is None:
            body = data.get("body")
            return services.proposal_draft_save(actor=self.request.user, member=None if body else self.seat,
                                                body=body, **values)
        return services.proposal_draft_save(actor=self.request.user, proposal=self.object,
                                            remove_attachments=[int(pk) for pk in data.get("remove_attachments", [])],
                                            **values)

    def get_success_url(self, obj=None):
        return reverse("proposal_detail", args=[obj.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        committees = {self.object.committee_id} if self.object else (
            {self.seat.committee_id} if self.seat else set()) | {
            b.committee_id for b in user.proposal_bodies.filter(is_active=True)}
        guides = [g for g in selectors.topic_guides_for(user).filter(committee_id__in=committees)
                  if g.status == "published"]
        context.update({
            "guides": guides[:2],
            "similar_url": reverse("proposal-similar"),
            "similar": self.similar_matches(),
            "breadcrumbs": _crumbs((reverse("proposal_mine"), _("My proposals"))),
        })
        return context

    def similar_matches(self):
        if self.object is None:
            return []
        return _similar(self.request.user, self.object)


def _similar(user, proposal: Proposal) -> list:
    candidates = selectors.proposals_for(user).select_related(None).filter(committee_id=proposal.committee_id) \
        .exclude(status__in=[ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN])
    matches = similarity.similar(f"{proposal.title}\n{proposal.text}", candidates, limit=SIMILAR_SHOWN,
                                 exclude_ids=(proposal.pk,))
    for match in matches:
        match.percent = round(match.score * 100)
    return matches


class ProposalCreateView(ProposalWriteMixin, ServiceFormView):
    form_class = proposal_forms.ProposalForm
    title = gettext_lazy("Write a proposal")
    submit_label = gettext_lazy("Save draft")
    success_message = gettext_lazy("The draft is saved. Invite co-signers if it is a joint proposal, then submit it.")

    def check_permission(self):
        self.seat = proposal_forms.proposal_seat(self.request.user)
        if self.seat is None and not self.request.user.proposal_bodies.filter(is_active=True).exists():
            raise PermissionDenied(_("Only serving members and proposing bodies write proposals."))


class ProposalEditView(ProposalWriteMixin, ServiceFormView):
    form_class = proposal_forms.ProposalForm
    submit_label = gettext_lazy("Save")

    def get_object(self):
        return get_object_or_404(selectors.proposals_for(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self):
        self.seat = self.object.proposer
        if not _is_writer(self.request.user, self.object):
            raise PermissionDenied(_("Only the writer may change this proposal."))
        if self.object.status not in EDITABLE_PROPOSAL_STATUSES:
            raise PermissionDenied(_("A proposal can be changed only as a draft or when returned for revision."))

    def get_initial(self):
        p = self.object
        return {"kind": p.kind, "timing": p.timing, "session": p.session_id, "title": p.title, "reason": p.reason,
                "analysis": p.analysis, "suggestions": p.suggestions, "category": p.category_id, "topic": p.topic_id}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Change: %(t)s") % {"t": self.object.title}
        context["breadcrumbs"] = _crumbs((reverse("proposal_mine"), _("My proposals")),
                                         (reverse("proposal_detail", args=[self.object.pk]), self.object.title))
        return context


# --- one proposal ---------------------------------------------------------------------------------


def case_handling_context(user, case, rate_forms) -> dict:
    """A handled item's page section on the engine (assignments, deadlines, the replies the user
    may read, the submitter's rating forms): shared by proposals and information items."""
    if case is None:
        return {"case": None}
    scope = scope_for(user)
    assignments = list(Assignment.objects.filter(case=case).select_related("department").order_by("round", "role",
                                                                                                     "id"))
    current = [a for a in assignments if a.round == case.round and a.status not in ENDED_ASSIGNMENT_STATUSES]
    sees_opinions = _sees_opinions(user, case, assignments)
    replies = selectors.visible_replies(
        user, case, Reply.objects.filter(case=case).select_related("assignment__department", "attachment")
        .prefetch_related(Prefetch("feedback")).order_by("round", "created_at", "id"), assignments)
    can_rate = user.has_perm("proposals.rate_case", case) and case.status == CaseStatus.REPLIED
    for reply in replies:
        try:
            reply.rated = reply.feedback
        except Reply.feedback.RelatedObjectDoesNotExist:
            reply.rated = None
        reply.rateable = (can_rate and not reply.is_opinion and reply.round == case.round and reply.rated is None
                          and reply.review_status == ReplyReview.RELEASED)
        if reply.rateable:
            reply.form = rate_forms.get(reply.pk) or forms.RateForm(prefix=f"rate-{reply.pk}")
    return {
        "case": case,
        "current_assignments": current,
        "earlier_assignments": [a for a in assignments if a not in current],
        "deadlines": [deadline_view(a) for a in current if a.replies_to_member or sees_opinions],
        "replies": replies,
        "can_rate": can_rate,
        "my_assignments": [a for a in current if a.department_id in scope.department_ids],
    }


class ProposalDetailView(LoginRequiredMixin, TabsMixin, TemplateView):
    template_name = "proposals/proposal_detail.html"

    def get_object(self) -> Proposal:
        qs = selectors.proposals_for(self.request.user).select_related("topic__guide", "merged_into", "reviewed_by")
        proposal = get_object_or_404(qs, pk=self.kwargs["pk"])
        return proposal

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = proposal = self.get_object()
        user, action = request.user, request.POST.get("action")
        if action == "submit":
            _run(request, lambda: services.proposal_submit(actor=user, proposal=proposal),
                 _("Your proposal is submitted for review."))
        elif action == "withdraw":
            _run(request, lambda: services.proposal_withdraw(actor=user, proposal=proposal,
                                                             reason=request.POST.get("reason", "")),
                 _("The proposal is withdrawn."))
        elif action == "delete":
            if _run(request, lambda: services.proposal_delete(actor=user, proposal=proposal),
                    _("The draft is deleted.")):
                return redirect("proposal_mine")
        elif action == "invite":
            form = proposal_forms.InviteForm(request.POST, proposal=proposal)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(invite_form=form))
            try:
                invited = services.proposal_invite(actor=user, proposal=proposal, members=form.cleaned_data["members"])
            except ValidationError as exc:
                add_service_errors(form, exc)
                return self.render_to_response(self.get_context_data(invite_form=form))
            except (Conflict, PermissionDenied) as exc:
                messages.error(request, getattr(exc, "message", None) or str(exc))
            else:
                messages.success(request, _("%(n)d members are invited to co-sign.") % {"n": len(invited)})
        elif action == "uninvite":
            cosigner = get_object_or_404(CoSigner, pk=request.POST.get("cosigner") or 0, proposal=proposal)
            _run(request, lambda: services.cosigner_remove(actor=user, cosigner=cosigner),
                 _("%(m)s is removed.") % {"m": cosigner.member.name})
        elif action == "rate":
            return self.rate(request, proposal)
        else:
            messages.error(request, _("Unknown action."))
        return _redirect_detail(proposal)

    def rate(self, request, proposal):
        if proposal.case_id is None:
            raise Http404
        reply = get_object_or_404(Reply, pk=request.POST.get("reply") or 0, case_id=proposal.case_id,
                                  is_opinion=False, review_status=ReplyReview.RELEASED)
        form = forms.RateForm(request.POST, prefix=f"rate-{reply.pk}")
        if form.is_valid():
            try:
                feedback = handling.case_rate(actor=request.user, reply=reply, rating=form.cleaned_data["rating"],
                                              comment=form.cleaned_data["comment"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except (Conflict, PermissionDenied) as exc:
                messages.error(request, getattr(exc, "message", None) or str(exc))
                return _redirect_detail(proposal)
            else:
                if feedback.rating == Rating.UNSATISFIED:
                    messages.success(request, _("Thank you. The department is asked to handle the proposal again."))
                else:
                    messages.success(request, _("Thank you for your feedback on the reply."))
                return _redirect_detail(proposal)
        return self.render_to_response(self.get_context_data(rate_forms={reply.pk: form}))

    def handling_context(self, proposal, rate_forms) -> dict:
        context = case_handling_context(self.request.user, proposal.case, rate_forms)
        if proposal.case is not None:
            context["can_assign"] = _is_staff(self.request.user, proposal) and proposal.case.status in (
                CaseStatus.ROUTING, CaseStatus.TRIAGE, CaseStatus.HANDLING)
        return context

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal, user = self.object, self.request.user
        is_writer, is_staff = _is_writer(user, proposal), _is_staff(user, proposal)
        editable = proposal.status in EDITABLE_PROPOSAL_STATUSES
        cosigners = list(proposal.cosigners.select_related("member__sector").order_by("invited_at", "id"))
        scope = scope_for(user)
        oversight = scope.is_superuser or proposal.committee_id in scope.oversight_committee_ids
        context.update({
            "object": proposal,
            "proposal": proposal,
            "title": proposal.title,
            "cosigners": cosigners,
            "confirmed_cosigners": [c for c in cosigners if c.status == CoSignerStatus.CONFIRMED],
            "attachments": list(proposal.attachments.all()),
            "merged": list(proposal.merged.select_related("proposer", "body").order_by("id")),
            "reference_departments": list(proposal.reference_departments.all()),
            "is_writer": is_writer,
            "is_staff": is_staff,
            "can_edit": is_writer and editable,
            "can_submit": is_writer and editable,
            "can_withdraw": is_writer and proposal.status in (ProposalStatus.SUBMITTED, ProposalStatus.REVISING),
            "can_delete": is_writer and proposal.status == ProposalStatus.DRAFT and proposal.submitted_at is None,
            "can_invite": is_writer and editable and proposal.kind == ProposalKind.JOINT,
            "can_review": is_staff and proposal.status == ProposalStatus.SUBMITTED,
            "shows_review_note": bool(proposal.review_note) and (is_writer or oversight or proposal.status in (
                ProposalStatus.NOT_FILED, ProposalStatus.REVISING) and _speaks_for(user, proposal, cosigners)),
            "similar": _similar(user, proposal) if (is_writer or is_staff) else [],
            "breadcrumbs": _crumbs(self.list_crumb(is_writer)),
            "today": timezone.localdate(),
        })
        if context["can_invite"]:
            context["invite_form"] = kwargs.get("invite_form") or proposal_forms.InviteForm(proposal=proposal)
        context.update(self.handling_context(proposal, kwargs.get("rate_forms") or {}))
        if is_writer or oversight or _speaks_for(user, proposal, cosigners):
            rows, _truncated = timeline_rows(proposal)
            if proposal.case_id:
                case_rows, _truncated = timeline_rows(proposal.case, labels=TIMELINE_LABELS)
                rows = sorted(rows + case_rows, key=lambda r: r["created_at"], reverse=True)
            context["timeline"] = rows
        else:
            context["timeline"] = None
        context.update(proposal_panels(self.request, proposal))
        return context

    def list_crumb(self, is_writer):
        if is_writer:
            return reverse("proposal_mine"), _("My proposals")
        return reverse("proposal_list"), _("Proposals")


def _speaks_for(user, proposal, cosigners) -> bool:
    return (proposal.proposer is not None and proposal.proposer.user_id == user.pk) or any(
        c.member.user_id == user.pk and c.status == CoSignerStatus.CONFIRMED for c in cosigners)


def proposal_by_case(request, case_id: int):
    """Where the engine's notifications about a proposal's handling lead."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    proposal = selectors.proposal_for_case(request.user, case_id)
    if proposal is None:
        raise Http404
    return redirect("proposal_detail", pk=proposal.pk)


def attachment_download(request, pk: int):
    """A proposal's file, for whoever may see the proposal."""
    from django.http import FileResponse

    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    attachment = get_object_or_404(ProposalAttachment.objects.filter(
        proposal__in=selectors.proposals_for(request.user).values("pk")), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff review ---------------------------------------------------------------------------------


class ReviewFilterSet(filtersets.ProposalFilterSet):
    status = None
    handling = None
    result_category = None
    rating = None
    overdue = None
    implemented = None
    is_key = None
    department = None

    class Meta(filtersets.ProposalFilterSet.Meta):
        fields = ["q", "kind", "timing", "year", "category", "committee", "sector"]


class ReviewQueueView(StaffOnlyMixin, TabsMixin, FilteredListView):
    template_name = "proposals/proposal_review_list.html"
    selector = selectors.review_queue
    filterset_class = ReviewFilterSet
    title = gettext_lazy("Proposals awaiting review")

    def decorate(self, queryset):
        return queryset.defer("reason", "analysis", "suggestions", "keywords").order_by("submitted_at", "id")


REVIEW_FORMS = {
    "file": proposal_forms.FileForm,
    "not_file": proposal_forms.NotFileForm,
    "return": proposal_forms.ReturnForm,
}


class ReviewView(LoginRequiredMixin, TabsMixin, TemplateView):
    """One submitted proposal and the four decisions: file (and assign), not file, return for
    revision, merge similar proposals into it."""

    template_name = "proposals/proposal_review.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        self.object = get_object_or_404(selectors.proposals_for(request.user).select_related("topic__guide"),
                                        pk=kwargs["pk"])
        if not _is_staff(request.user, self.object):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def merge_candidates(self):
        proposal = self.object
        others = selectors.proposals_staff(self.request.user).filter(
            committee_id=proposal.committee_id, status=ProposalStatus.SUBMITTED, merged__isnull=True,
        ).exclude(pk=proposal.pk)
        matches = similarity.similar(f"{proposal.title}\n{proposal.text}", others.select_related(None), limit=50)
        seen = {m.proposal.pk for m in matches}
        rest = list(others.select_related("proposer", "body").order_by("-id")[:100])
        return [(m.proposal, m.score) for m in matches] + [(p, None) for p in rest if p.pk not in seen]

    def build_forms(self, bound: str | None = None, data=None) -> dict:
        proposal = self.object
        result = {}
        for name, form_class in REVIEW_FORMS.items():
            kwargs = {"prefix": name}
            if form_class is not proposal_forms.ReturnForm:
                kwargs["proposal"] = proposal
            if name == "file":
                kwargs["initial"] = {"category": proposal.category_id}
            result[name] = form_class(data if bound == name else None, **kwargs)
        result["merge"] = proposal_forms.MergeForm(data if bound == "merge" else None, prefix="merge",
                                                   candidates=self.merge_candidates())
        return result

    def post(self, request, *args, **kwargs):
        proposal, user = self.object, request.user
        action = request.POST.get("action")
        if action not in ("file", "not_file", "return", "merge"):
            messages.error(request, _("Unknown action."))
            return redirect("proposal_review_detail", pk=proposal.pk)
        review_forms = self.build_forms(action, request.POST)
        form = review_forms[action]
        if form.is_valid():
            data = form.cleaned_data
            steps = {
                "file": lambda: services.proposal_file(
                    actor=user, proposal=proposal, category=data["category"], lead_department=data["lead_department"],
                    co_departments=list(data["co_departments"]), handling_mode=data["handling_mode"] or None,
                    note=data["note"]),
                "not_file": lambda: services.proposal_not_file(
                    actor=user, proposal=proposal, reason=data["reason"], conversion=data["conversion"] or "",
                    reference_departments=list(data["reference_departments"])),
                "return": lambda: services.proposal_return(actor=user, proposal=proposal, comment=data["comment"]),
                "merge": lambda: services.proposal_merge(actor=user, main=proposal, others=data["others"],
                                                         note=data["note"]),
            }
            try:
                result = steps[action]()
            except ValidationError as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("proposal_review_detail", pk=proposal.pk)
            else:
                messages.success(request, {
                    "file": lambda: _("Filed as %(n)s.") % {"n": result.number_label},
                    "not_file": lambda: _("The proposal is not filed; the proposer is told why."),
                    "return": lambda: _("The proposal is returned to the writer for revision."),
                    "merge": lambda: _("The chosen proposals are merged into this one."),
                }[action]())
                if action == "merge":
                    return redirect("proposal_review_detail", pk=proposal.pk)
                return _redirect_detail(proposal)
        return self.render_to_response(self.get_context_data(review_forms=review_forms, open_action=action))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.object
        review_forms = kwargs.get("review_forms") or self.build_forms()
        # the routing recommendation for the lead department, computed as for a case
        from .services import routing

        as_case = _ProposalAsCase(proposal)
        candidates = routing.recommend(proposal.committee_id, routing.case_words(as_case))
        context.update({
            "object": proposal,
            "proposal": proposal,
            "title": _("Review: %(t)s") % {"t": proposal.title},
            "forms": review_forms,
            "open_action": kwargs.get("open_action") or "file",
            "can_decide": proposal.status == ProposalStatus.SUBMITTED,
            "can_merge": proposal.status in (ProposalStatus.SUBMITTED, ProposalStatus.FILED),
            "confirmed_cosigners": list(proposal.cosigners.filter(status=CoSignerStatus.CONFIRMED)
                                        .select_related("member")),
            "merged": list(proposal.merged.select_related("proposer", "body").order_by("id")),
            "similar": _similar(self.request.user, proposal),
            "rule_match": routing.match_rules(as_case),
            "candidates": candidates,
            "threshold": handling.policy_for(as_case).routing_confidence,
            "breadcrumbs": _crumbs((reverse("proposal_review"), _("Review")),
                                   (reverse("proposal_detail", args=[proposal.pk]), proposal.title)),
        })
        return context


class _ProposalAsCase:
    """What the routing recommendation reads of an item, from a proposal not yet filed."""

    def __init__(self, proposal: Proposal):
        self.title, self.content = proposal.title, proposal.text
        self.category_id, self.category = proposal.category_id, proposal.category
        self.committee_id, self.place_id, self.place = proposal.committee_id, None, None
        self.kind = CaseKind.PROPOSAL


class ProposalAssignView(TabsMixin, RouteView):
    """Assign a filed proposal whose handling waits in triage, or re-assign it: the engine's
    route form and recommendation, on the proposal's handling item."""

    template_name = "proposals/proposal_assign.html"

    def get_object(self):
        self.proposal = get_object_or_404(selectors.proposals_for(self.request.user), pk=self.kwargs["pk"])
        if self.proposal.case_id is None or not _is_staff(self.request.user, self.proposal):
            raise Http404
        return self.proposal.case

    def check_permission(self):
        if self.object.status not in (CaseStatus.ROUTING, CaseStatus.TRIAGE, CaseStatus.HANDLING):
            raise PermissionDenied(_("The handling of this proposal is finished."))

    def get_success_message(self, obj):
        return _("The proposal is assigned.")

    def get_success_url(self, obj=None):
        return reverse("proposal_detail", args=[self.proposal.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["proposal"] = self.proposal
        context["breadcrumbs"] = _crumbs((reverse("proposal_list"), _("Proposals")),
                                         (reverse("proposal_detail", args=[self.proposal.pk]), self.proposal.title))
        return context


# --- the topic guide ------------------------------------------------------------------------------


class GuideView(LoginRequiredMixin, TabsMixin, TemplateView):
    """Members read the published guides; staff write the year's guide, its topics, and publish."""

    template_name = "proposals/guide.html"

    def guides(self):
        return list(selectors.topic_guides_for(self.request.user).order_by("-year", "committee__name"))

    def staff_of(self, guide) -> bool:
        return services.is_proposal_staff(self.request.user, guide.committee)

    def get_guide(self, pk) -> TopicGuide:
        guide = get_object_or_404(selectors.topic_guides_for(self.request.user), pk=pk or 0)
        if not self.staff_of(guide):
            raise Http404
        return guide

    def post(self, request, *args, **kwargs):
        user, action = request.user, request.POST.get("action")
        back = redirect("proposal_guide")
        if action == "create_guide":
            _require_staff(user)
            form = proposal_forms.TopicGuideForm(request.POST, user=user, prefix="new")
            if form.is_valid():
                try:
                    services.topic_guide_save(actor=user, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The topic guide is created. Add its topics, then publish it."))
                    return back
            return self.render_to_response(self.get_context_data(new_form=form))
        guide = self.get_guide(request.POST.get("guide"))
        if action == "save_guide":
            form = proposal_forms.TopicGuideForm(request.POST, user=user, guide=guide, prefix=f"g{guide.pk}")
            if form.is_valid():
                try:
                    services.topic_guide_save(actor=user, guide=guide, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return back
            return self.render_to_response(self.get_context_data(bound={f"g{guide.pk}": form}))
        if action == "save_topic":
            topic = None
            if request.POST.get("topic"):
                topic = get_object_or_404(GuideTopic, pk=request.POST["topic"], guide=guide)
            prefix = f"t{topic.pk}" if topic else f"new{guide.pk}"
            form = proposal_forms.GuideTopicForm(request.POST, guide=guide, prefix=prefix)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.guide_topic_save(actor=user, guide=guide, topic=topic, title=data["title"],
                                              description=data["description"], category=data["category"],
                                              order=data["order"] or 0)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The topic is saved."))
                    return back
            return self.render_to_response(self.get_context_data(bound={prefix: form}))
        if action == "delete_topic":
            topic = get_object_or_404(GuideTopic, pk=request.POST.get("topic") or 0, guide=guide)
            _run(request, lambda: services.guide_topic_delete(actor=user, topic=topic), _("The topic is removed."))
            return back
        if action == "publish":
            _run(request, lambda: services.topic_guide_publish(actor=user, guide=guide),
                 _("The topic guide is published; the committee's members are told."))
            return back
        messages.error(request, _("Unknown action."))
        return back

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        bound = kwargs.get("bound") or {}
        guides = self.guides()
        categories: dict[int, list] = {}
        for guide in guides:
            guide.can_edit = self.staff_of(guide)
            if guide.can_edit:
                if guide.committee_id not in categories:
                    categories[guide.committee_id] = [
                        (c.pk, c.name) for c in Category.objects.filter(committee_id=guide.committee_id,
                                                                        is_active=True).order_by("order", "name")]
                choices = categories[guide.committee_id]
                prefix = f"g{guide.pk}"
                guide.form = bound.get(prefix) or proposal_forms.TopicGuideForm(
                    user=user, guide=guide, prefix=prefix, initial={"title": guide.title,
                                                                    "introduction": guide.introduction})
                guide.topic_form = bound.get(f"new{guide.pk}") or proposal_forms.GuideTopicForm(
                    guide=guide, prefix=f"new{guide.pk}", category_choices=choices)
                for topic in guide.topics.all():
                    topic.form = bound.get(f"t{topic.pk}") or proposal_forms.GuideTopicForm(
                        guide=guide, prefix=f"t{topic.pk}", category_choices=choices, initial={
                            "title": topic.title, "description": topic.description, "category": topic.category_id,
                            "order": topic.order})
        scope = scope_for(user)
        can_create = scope.is_superuser or bool(scope.staff_committee_ids)
        context.update({
            "title": _("Topic guide (选题指南)"),
            "guides": guides,
            "can_create": can_create,
            "new_form": (kwargs.get("new_form") or proposal_forms.TopicGuideForm(
                user=user, prefix="new", initial={"year": timezone.localdate().year})) if can_create else None,
            "can_write": bool(scope.member_ids),
        })
        return context


# --- proposing bodies -------------------------------------------------------------------------------


class BodyListView(StaffOnlyMixin, LoginRequiredMixin, TabsMixin, TemplateView):
    template_name = "proposals/body_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        bodies = selectors.proposal_bodies_for(self.request.user).prefetch_related("authorised_users")
        if not scope.is_superuser:
            bodies = bodies.filter(committee_id__in=scope.staff_committee_ids)
        context.update({"title": _("Proposing bodies (集体提案)"), "bodies": list(bodies)})
        return context


class BodyFormMixin(TabsMixin):
    form_class = proposal_forms.ProposalBodyForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["body"] = self.object
        if self.object is None:
            from members.models import Committee

            raw = self.request.POST.get("committee") or self.request.GET.get("committee")
            kwargs["committee"] = Committee.objects.filter(pk=raw).first() if raw and raw.isdigit() else None
        return kwargs

    def save(self, form):
        data = dict(form.cleaned_data)
        data["authorised_users"] = list(data["authorised_users"])
        return services.proposal_body_save(actor=self.request.user, body=self.object, **data)

    def get_success_url(self, obj=None):
        return reverse("proposal_body_list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("proposal_body_list"), _("Proposing bodies")))
        return context


class BodyCreateView(BodyFormMixin, ServiceFormView):
    title = gettext_lazy("New proposing body")

    def check_permission(self):
        _require_staff(self.request.user)


class BodyEditView(BodyFormMixin, ServiceFormView):
    def get_object(self):
        scope = scope_for(self.request.user)
        qs = selectors.proposal_bodies_for(self.request.user)
        if not scope.is_superuser:
            qs = qs.filter(committee_id__in=scope.staff_committee_ids)
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def get_initial(self):
        b = self.object
        return {"name": b.name, "kind": b.kind, "sector": b.sector_id, "special_committee": b.special_committee_id,
                "authorised_users": [u.pk for u in b.authorised_users.all()], "is_active": b.is_active}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Change: %(t)s") % {"t": self.object.name}
        return context
