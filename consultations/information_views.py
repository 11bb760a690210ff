"""Pages of social-conditions and public-opinion information (社情民意信息): writing with
co-authors, "My information" with the year's credits, the staff's list and review queue, one
item with its review, adoption, instructions and handling by departments, bulletin issues and
their printable PDF, bulletins and information officers.

Every queryset comes from consultations.selectors (outside the user's scope an object is a
404), every step is a consultations.services call, and the lists share their FilterSets with
the API.
"""

from __future__ import annotations

from collections import Counter

import django_filters as filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views.generic import TemplateView

from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.views import (
    FilteredListView,
    ServiceFormView,
    add_service_errors,
    register_action_labels,
    run_step,
    timeline_rows,
)
from members.selectors import scope_for
from proposals import forms as handling_forms
from proposals.choices import Conversion, ProposalStatus, Rating, ReplyReview
from proposals.models import Reply
from proposals.proposal_views import case_handling_context
from proposals.selectors import proposals_for
from proposals.services import handling
from proposals.views import (
    TIMELINE_LABELS,
    OversightOnlyMixin,
    StaffOnlyMixin,
    StatusAsSelect,
    _crumbs,
)

from . import information_forms as forms, letters, selectors
from .choices import AdoptionLevel, InformationStatus, InstructionLevel, IssueStatus, Recipient
from .filtersets import BulletinIssueFilterSet, InformationFilterSet
from .models import BulletinIssue, InformationAuthor, InformationItem
from .services import consultations as consultation_services, information as services
from .services.common import is_leader

# The labels of steps shared with sessions (participants, instructions, follow-up) are
# registered once, in consultation_views.
register_action_labels({
    "information.create": gettext_lazy("Draft written"),
    "information.update": gettext_lazy("Draft changed"),
    "information.submit": gettext_lazy("Submitted"),
    "information.withdraw": gettext_lazy("Withdrawn to draft"),
    "information.reject": gettext_lazy("Not adopted"),
    "information.approve": gettext_lazy("Edited and approved"),
    "information.sign_off": gettext_lazy("Signed off (签发)"),
    "information.reopen": gettext_lazy("Sent back a step"),
    "information.compile": gettext_lazy("Compiled into a bulletin issue"),
    "information.adopt": gettext_lazy("Adopted (采用)"),
    "information.pass": gettext_lazy("Passed to departments"),
    "information.receive": gettext_lazy("Received from the committee below"),
    "information.from_proposal": gettext_lazy("Taken in from a proposal not filed"),
    "issue.create": gettext_lazy("Issue opened"),
    "issue.add": gettext_lazy("Items compiled"),
    "issue.remove": gettext_lazy("Item removed"),
    "issue.send": gettext_lazy("Issue sent"),
    "bulletin.save": gettext_lazy("Bulletin saved"),
    "information_officer.save": gettext_lazy("Information officer saved"),
})

REVIEWED = (InformationStatus.SIGNED_OFF, InformationStatus.COMPILED, InformationStatus.SENT)
INTAKE_SHOWN = 5




def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _login_redirect(request):
    return redirect(f"{reverse('login')}?next={request.path}")


def _writes(user) -> bool:
    return bool(services.information_writer_committees(user))


def _is_oversight(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.oversight_committee_ids)


def _is_staff_somewhere(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.staff_committee_ids)


def section_tabs(request) -> list[dict]:
    """The sub-navigation of the information pages: what this user's roles work with."""
    user = request.user
    items = []
    if _writes(user):
        items += [("information_mine", _("My information")), ("information_create", _("Write information"))]
    if _is_oversight(user):
        items += [("information_list", _("All information")), ("information_review", _("Review queue"))]
    items.append(("issue_list", _("Bulletin issues")))
    if _is_staff_somewhere(user):
        items += [("bulletin_list", _("Bulletins")), ("information_officer_list", _("Information officers"))]
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


def _list_rows(queryset):
    """What the item tables show besides the row: adoptions and instructions, one query each."""
    return queryset.defer("content", "edited_content").prefetch_related("adoptions", "instructions")


# --- lists ----------------------------------------------------------------------------------------


class InformationListFilterSet(StatusAsSelect, InformationFilterSet):
    pass


class InformationListView(TabsMixin, FilteredListView):
    """Every item the user may see (staff: their committees' submitted items onward)."""

    template_name = "information/information_list.html"
    selector = selectors.information_for
    filterset_class = InformationListFilterSet
    title = gettext_lazy("Social-conditions information (社情民意)")

    def decorate(self, queryset):
        return _list_rows(queryset).order_by("-id")


class MyInformationFilterSet(InformationListFilterSet):
    committee = None
    forwarded = None
    from_proposal = None
    issue = None

    class Meta(InformationFilterSet.Meta):
        fields = ["q", "status", "year", "category", "adopted", "instructed"]


class MyInformationView(TabsMixin, FilteredListView):
    """The items a member or information officer wrote or co-wrote: status, adoptions per
    level, instructions, their share of each, and the year's credits."""

    template_name = "information/information_mine.html"
    selector = selectors.my_information
    filterset_class = MyInformationFilterSet
    title = gettext_lazy("My information")

    def decorate(self, queryset):
        return _list_rows(queryset).order_by("-id")

    def credit_year(self) -> int:
        try:
            year = int(self.request.GET.get("year") or 0)
        except ValueError:
            year = 0
        return year if 2000 <= year <= 2100 else timezone.localdate().year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scope = scope_for(user)
        for item in context["object_list"]:
            mine = [a for a in item.authors.all()
                    if (a.member_id and a.member_id in scope.member_ids) or (a.member_id is None and a.user_id == user.pk)]
            item.my_share = mine[0].share if mine else None
            item.adoption_levels = [a.get_level_display() for a in item.adoptions.all()]
            item.instruction_count = len(item.instructions.all())
        year = self.credit_year()
        credits = selectors.credit_shares(member_ids=scope.member_ids, year=year) if scope.member_ids else []
        labels = {"adoption": dict(AdoptionLevel.choices), "instruction": dict(InstructionLevel.choices)}
        for row in credits:
            row["level_label"] = labels[row["event"]].get(row["level"], row["level"])
        totals = Counter()
        for row in credits:
            totals[row["event"]] += row["share"]
        context.update({
            "credit_year": year,
            "credits": credits,
            "credit_totals": {"adoption": totals["adoption"], "instruction": totals["instruction"]},
            "is_member": bool(scope.member_ids),
            "can_write": _writes(user),
        })
        return context


WAITING = (InformationStatus.SUBMITTED, InformationStatus.APPROVED, InformationStatus.SIGNED_OFF)


class ReviewFilterSet(StatusAsSelect, InformationFilterSet):
    status = filters.MultipleChoiceFilter(label=gettext_lazy("Stage"), distinct=False,
                                          choices=[c for c in InformationStatus.choices if c[0] in WAITING])
    adopted = None
    instructed = None
    issue = None
    year = None

    class Meta(InformationFilterSet.Meta):
        fields = ["q", "status", "category", "committee", "forwarded", "from_proposal"]


def pending_conversions(user):
    """Proposals of the user's staff committees not filed and converted to information that the
    intake has not taken in yet (a read for the review queue's box)."""
    scope = scope_for(user)
    qs = proposals_for(user).filter(status=ProposalStatus.NOT_FILED, conversion=Conversion.INFORMATION,
                                    information_item__isnull=True)
    if not scope.is_superuser:
        qs = qs.filter(committee_id__in=scope.staff_committee_ids)
    return qs


class ReviewQueueView(OversightOnlyMixin, TabsMixin, FilteredListView):
    """Items waiting for the committee: submitted (review), approved (sign off), signed off
    (compile into an issue). Staff also see proposals converted to information not yet taken
    in, and take them in."""

    template_name = "information/information_review.html"
    selector = selectors.information_review_queue
    filterset_class = ReviewFilterSet
    title = gettext_lazy("Information review queue")

    def decorate(self, queryset):
        return queryset.defer("content", "edited_content").order_by("submitted_at", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        intake = []
        if _is_staff_somewhere(self.request.user):
            pending = pending_conversions(self.request.user)
            counts = dict(pending.order_by().values_list("committee_id").annotate(n=Count("id")))
            if counts:
                from members.models import Committee

                titles = list(pending.select_related(None).only("pk", "title", "committee_id").order_by("id")[:50])
                for committee in Committee.objects.filter(pk__in=counts).order_by("path", "name"):
                    intake.append({"committee": committee, "count": counts[committee.pk],
                                   "proposals": [p for p in titles if p.committee_id == committee.pk][:INTAKE_SHOWN]})
        scope = scope_for(self.request.user)
        context.update({"intake": intake, "staff_all": scope.is_superuser, "staff_ids": scope.staff_committee_ids})
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") != "intake":
            messages.error(request, _("Unknown action."))
            return redirect("information_review")
        committee_id = _int(request.POST.get("committee"))
        scope = scope_for(request.user)
        if not (scope.is_superuser or committee_id in scope.staff_committee_ids):
            raise Http404
        taken = services.information_intake_converted(committee_id=committee_id)
        if taken:
            messages.success(request, ngettext(
                "%(n)d proposal converted to information is now in the review queue.",
                "%(n)d proposals converted to information are now in the review queue.", taken) % {"n": taken})
        else:
            messages.info(request, _("There was nothing to take in."))
        return redirect("information_review")


# --- writing --------------------------------------------------------------------------------------


class InformationWriteMixin(TabsMixin):
    template_name = "information/information_form.html"
    form_class = forms.InformationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["item"] = self.object
        return kwargs

    def save(self, form):
        data = form.cleaned_data
        values = {"title": data["title"], "content": data["content"], "category": data.get("category"),
                  "co_authors": data.get("co_authors") or [], "shares": data.get("shares")}
        if self.object is None:
            return services.information_draft_save(actor=self.request.user, committee=data["committee"], **values)
        return services.information_draft_save(actor=self.request.user, item=self.object, **values)

    def get_success_url(self, obj=None):
        return reverse("information_detail", args=[obj.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        crumbs = [(reverse("information_mine"), _("My information"))]
        if self.object is not None:
            crumbs.append((reverse("information_detail", args=[self.object.pk]), self.object.title))
        context["breadcrumbs"] = _crumbs(*crumbs)
        return context


class InformationCreateView(InformationWriteMixin, ServiceFormView):
    title = gettext_lazy("Write social-conditions information")
    submit_label = gettext_lazy("Save draft")
    success_message = gettext_lazy("The draft is saved. Submit it when it is ready.")

    def check_permission(self):
        if not _writes(self.request.user):
            raise PermissionDenied(_("Members and information officers of a committee write information."))


class InformationEditView(InformationWriteMixin, ServiceFormView):
    submit_label = gettext_lazy("Save")

    def get_object(self):
        return get_object_or_404(selectors.information_for(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self):
        if self.object.submitted_by_id != self.request.user.pk:
            raise PermissionDenied(_("Only the writer may change this item."))
        if self.object.status != InformationStatus.DRAFT:
            raise PermissionDenied(_("Only a draft can be changed; withdraw it first if it is not yet reviewed."))

    def get_initial(self):
        item = self.object
        authors = list(item.authors.all())
        co_authors = [a.member_id for a in authors[1:] if a.member_id]
        shares = [a.share for a in authors]
        equal = services.equal_shares(len(authors))
        return {"title": item.title, "content": item.content, "category": item.category_id,
                "co_authors": co_authors, "shares": "" if shares == equal else forms.shares_text(authors)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Change: %(t)s") % {"t": self.object.title}
        return context


# --- one item -------------------------------------------------------------------------------------


ITEM_FORMS = {
    "approve": "ApproveForm", "reject": "RejectForm", "reopen": "ReopenForm", "compile": "CompileForm",
    "adopt": "AdoptionForm", "instruct": "InstructionForm", "pass": "PassForm",
}


class InformationDetailView(LoginRequiredMixin, TabsMixin, TemplateView):
    """One item: its text (original and edited), authors and shares, review, the issue it
    appeared in and where it was sent, adoptions, instructions, and — once passed to
    departments — the handling on the shared engine with the submitter's rating."""

    template_name = "information/information_detail.html"

    def get_object(self) -> InformationItem:
        qs = selectors.information_for(self.request.user).select_related(
            "source_proposal", "reviewed_by", "signed_off_by", "issue__committee")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def roles(self, item) -> dict:
        user = self.request.user
        staff = services.is_information_staff(user, item)
        leader = is_leader(user, item)
        return {"is_writer": item.submitted_by_id == user.pk, "is_staff": staff, "is_leader": leader}

    def make_form(self, action: str, data=None):
        item = self.object
        form_class = getattr(forms, ITEM_FORMS[action])
        kwargs = {"prefix": action}
        if action == "approve":
            kwargs.update(item=item, authors=list(item.authors.all()))
        elif action in ("compile", "pass"):
            kwargs["item"] = item
        return form_class(data, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = item = self.get_object()
        user, action = request.user, request.POST.get("action")
        back = redirect("information_detail", pk=item.pk)
        if action == "submit":
            run_step(request, lambda: services.information_submit(actor=user, item=item),
                 _("Your information is submitted to the committee."))
        elif action == "withdraw":
            run_step(request, lambda: services.information_withdraw(actor=user, item=item),
                 _("The item is back to draft: change it and submit it again."))
        elif action == "delete":
            if run_step(request, lambda: services.information_delete(actor=user, item=item), _("The draft is deleted.")):
                return redirect("information_mine")
        elif action == "sign_off":
            run_step(request, lambda: services.information_sign_off(actor=user, item=item), _("Signed off (签发)."))
        elif action == "rate":
            return self.rate(request, item)
        elif action == "remove_from_issue":
            if item.issue_id is None:
                raise Http404
            issue = item.issue
            run_step(request, lambda: services.issue_remove_item(actor=user, issue=issue, item=item),
                 _("The item is taken out of the issue."))
        elif action in ITEM_FORMS:
            return self.run_form(request, action)
        else:
            messages.error(request, _("Unknown action."))
        return back

    def run_form(self, request, action: str):
        item, user = self.object, request.user
        form = self.make_form(action, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            steps = {
                "approve": lambda: services.information_approve(
                    actor=user, item=item, edited_title=data["edited_title"], edited_content=data["edited_content"],
                    category=data["category"], shares=data["shares"], note=data["note"]),
                "reject": lambda: services.information_reject(actor=user, item=item, reason=data["reason"]),
                "reopen": lambda: services.information_reopen(actor=user, item=item, note=data["note"]),
                "compile": lambda: services.issue_add_items(actor=user, issue=data["issue"], items=[item]),
                "adopt": lambda: services.adoption_record(
                    actor=user, item=item, level=data["level"], adopted_on=data["adopted_on"],
                    adopted_by=data["adopted_by"], note=data["note"]),
                "instruct": lambda: consultation_services.instruction_record(
                    actor=user, target=item, leader_name=data["leader_name"], level=data["level"],
                    instructed_on=data["instructed_on"], text_=data["text"], leader_title=data["leader_title"]),
                "pass": lambda: services.information_pass_to_department(
                    actor=user, item=item, lead_department=data["lead_department"],
                    co_departments=data["co_departments"], handling_mode=data["handling_mode"] or None,
                    note=data["note"]),
            }
            try:
                steps[action]()
            except ValidationError as exc:
                add_service_errors(form, exc)
            except (Conflict, PermissionDenied) as exc:
                messages.error(request, getattr(exc, "message", None) or str(exc) or _("You may not do this."))
                return redirect("information_detail", pk=item.pk)
            else:
                messages.success(request, {
                    "approve": _("Approved. A leader signs it off next."),
                    "reject": _("Not adopted; the authors are told why."),
                    "reopen": _("The item went back a step."),
                    "compile": _("The item is compiled into the issue."),
                    "adopt": _("The adoption is recorded; the authors are told."),
                    "instruct": _("The leader's instruction is recorded."),
                    "pass": _("The item is passed to the departments for handling."),
                }[action])
                return redirect("information_detail", pk=item.pk)
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(bound={action: form}, open_action=action))

    def rate(self, request, item):
        if item.case_id is None:
            raise Http404
        reply = get_object_or_404(Reply, pk=request.POST.get("reply") or 0, case_id=item.case_id,
                                  is_opinion=False, review_status=ReplyReview.RELEASED)
        form = handling_forms.RateForm(request.POST, prefix=f"rate-{reply.pk}")
        if form.is_valid():
            try:
                feedback = handling.case_rate(actor=request.user, reply=reply, rating=form.cleaned_data["rating"],
                                              comment=form.cleaned_data["comment"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except (Conflict, PermissionDenied) as exc:
                messages.error(request, getattr(exc, "message", None) or str(exc) or _("You may not do this."))
                return redirect("information_detail", pk=item.pk)
            else:
                if feedback.rating == Rating.UNSATISFIED:
                    messages.success(request, _("Thank you. The department is asked to handle it again."))
                else:
                    messages.success(request, _("Thank you for your feedback on the reply."))
                return redirect("information_detail", pk=item.pk)
        return self.render_to_response(self.get_context_data(rate_forms={reply.pk: form}))

    def handling_context(self, item, rate_forms) -> dict:
        """The engine's handling of an item passed to departments, as a proposal's page shows it."""
        return case_handling_context(self.request.user, item.case, rate_forms)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item, user = self.object, self.request.user
        roles = self.roles(item)
        is_writer, staff, leader = roles["is_writer"], roles["is_staff"], roles["is_leader"]
        status = item.status
        authors = list(item.authors.all())
        bound = kwargs.get("bound") or {}
        reviewed = status in REVIEWED
        can = {
            "edit": is_writer and status == InformationStatus.DRAFT,
            "submit": is_writer and status == InformationStatus.DRAFT,
            "delete": is_writer and status == InformationStatus.DRAFT,
            "withdraw": (is_writer and status == InformationStatus.SUBMITTED and not item.forwarded_from_id
                         and not item.source_proposal_id),
            "approve": staff and status == InformationStatus.SUBMITTED,
            "reject": staff and status == InformationStatus.SUBMITTED,
            "sign_off": (staff or leader) and status == InformationStatus.APPROVED,
            "reopen": staff and status in (InformationStatus.APPROVED, InformationStatus.SIGNED_OFF),
            "compile": staff and status == InformationStatus.SIGNED_OFF,
            "remove_from_issue": (staff and status == InformationStatus.COMPILED and item.issue_id is not None
                                  and item.issue.status == IssueStatus.DRAFT),
            "adopt": staff and reviewed,
            "instruct": (staff or leader) and reviewed,
            "pass": staff and reviewed and item.case_id is None,
        }
        action_forms = {}
        for action in ITEM_FORMS:
            if can[action]:
                action_forms[action] = bound.get(action) or self.make_form(action)
        oversight = staff or leader
        forwarded_copy = None
        if is_writer or oversight or any(a.member_id and a.member_id in scope_for(user).member_ids for a in authors):
            forwarded_copy = InformationItem.objects.filter(forwarded_from=item).select_related("committee").first()
            if forwarded_copy is not None:
                forwarded_copy.visible = selectors.information_for(user).filter(pk=forwarded_copy.pk).exists()
        origin_visible = bool(item.forwarded_from_id) and selectors.information_for(user).filter(
            pk=item.forwarded_from_id).exists()
        source_visible = bool(item.source_proposal_id) and proposals_for(user).filter(
            pk=item.source_proposal_id).exists()
        recipients = [str(Recipient(r).label) for r in (item.issue.recipients if item.issue_id else [])
                      if r in Recipient.values]
        context.update({
            "object": item,
            "item": item,
            "title": item.display_title,
            "authors": authors,
            "is_edited": bool(item.edited_title or item.edited_content),
            "adoptions": list(item.adoptions.select_related("recorded_by")),
            "instructions": list(item.instructions.all()),
            "issue_recipients": recipients,
            "forwarded_copy": forwarded_copy,
            "origin_visible": origin_visible,
            "source_visible": source_visible,
            "can": can,
            "action_forms": action_forms,
            "open_action": kwargs.get("open_action", ""),
            "has_draft_issues": "compile" in action_forms and action_forms["compile"].fields["issue"].queryset.exists(),
            "breadcrumbs": _crumbs(self.list_crumb(is_writer, oversight)),
            **roles,
        })
        context.update(self.handling_context(item, kwargs.get("rate_forms") or {}))
        if is_writer or oversight:
            rows, _truncated = timeline_rows(item)
            if item.case_id:
                case_rows, _truncated = timeline_rows(item.case, labels=TIMELINE_LABELS)
                rows = sorted(rows + case_rows, key=lambda r: r["created_at"], reverse=True)
            context["timeline"] = rows
        else:
            context["timeline"] = None
        return context

    def list_crumb(self, is_writer: bool, oversight: bool):
        if oversight:
            return reverse("information_list"), _("Social-conditions information")
        if is_writer or _writes(self.request.user):
            return reverse("information_mine"), _("My information")
        return reverse("information_list"), _("Social-conditions information")


def information_by_case(request, case_id: int):
    """Where the engine's notifications about an item passed to departments lead."""
    if not request.user.is_authenticated:
        return _login_redirect(request)
    pk = selectors.information_for(request.user).filter(case_id=case_id).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    return redirect("information_detail", pk=pk)


# --- bulletin issues ------------------------------------------------------------------------------


class IssueListView(TabsMixin, FilteredListView):
    """Issues of the user's committees (members: the sent ones); staff open the next issue."""

    template_name = "information/issue_list.html"
    selector = selectors.issues_for
    filterset_class = BulletinIssueFilterSet
    title = gettext_lazy("Bulletin issues")

    def decorate(self, queryset):
        return queryset.order_by("-year", "-number", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if _is_staff_somewhere(self.request.user):
            context["create_form"] = kwargs.get("create_form") or forms.IssueCreateForm(user=self.request.user,
                                                                                        prefix="new")
        return context

    def post(self, request, *args, **kwargs):
        if not _is_staff_somewhere(request.user):
            raise PermissionDenied
        form = forms.IssueCreateForm(request.POST, user=request.user, prefix="new")
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.issue_create(actor=request.user, bulletin=data["bulletin"], title=data["title"],
                                              year=data["year"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(issue)s is opened. Add its items, then send it.") % {"issue": issue})
                return redirect("issue_detail", pk=issue.pk)
        return self.render_to_response(self.get_context_data(create_form=form))


class IssueDetailView(LoginRequiredMixin, TabsMixin, TemplateView):
    """One issue: its items in order; while it is being compiled staff add and remove items and
    send it with its recipients."""

    template_name = "information/issue_detail.html"

    def get_object(self) -> BulletinIssue:
        return get_object_or_404(selectors.issues_for(self.request.user).select_related("committee__parent"),
                                 pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def can_edit(self) -> bool:
        return (services.is_information_staff(self.request.user, self.object)
                and self.object.status == IssueStatus.DRAFT)

    def post(self, request, *args, **kwargs):
        self.object = issue = self.get_object()
        user, action = request.user, request.POST.get("action")
        back = redirect("issue_detail", pk=issue.pk)
        if not services.is_information_staff(user, issue):
            raise PermissionDenied
        if action == "remove":
            item = get_object_or_404(InformationItem, pk=request.POST.get("item") or 0, issue=issue)
            run_step(request, lambda: services.issue_remove_item(actor=user, issue=issue, item=item),
                 _("%(t)s is taken out of the issue.") % {"t": item.display_title})
            return back
        if action == "add":
            form = forms.IssueAddForm(request.POST, user=user, issue=issue, prefix="add")
        elif action == "send":
            form = forms.IssueSendForm(request.POST, issue=issue, prefix="send")
        else:
            messages.error(request, _("Unknown action."))
            return back
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "add":
                    services.issue_add_items(actor=user, issue=issue, items=list(data["items"]))
                else:
                    services.issue_send(actor=user, issue=issue, recipients=data["recipients"],
                                        signed_by=data["signed_by"], editor=data["editor"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                return back
            else:
                messages.success(request, _("The items are compiled into the issue.") if action == "add"
                                 else _("The issue is sent; its items are adopted by this committee."))
                return back
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(**{f"{action}_form": form}, open_action=action))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issue, user = self.object, self.request.user
        authors = InformationAuthor.objects.select_related("member").order_by("order", "id")
        items = list(InformationItem.objects.filter(issue=issue).select_related("committee", "forwarded_from__committee")
                     .defer("content", "edited_content").prefetch_related(Prefetch("authors", queryset=authors))
                     .order_by("issue_position", "id"))
        visible = set(selectors.information_for(user).filter(issue=issue).values_list("pk", flat=True))
        for item in items:
            item.visible = item.pk in visible
        can_edit = self.can_edit()
        context.update({
            "object": issue,
            "issue": issue,
            "title": str(issue),
            "items": items,
            "can_edit": can_edit,
            "is_staff": services.is_information_staff(user, issue),
            "recipients": [str(Recipient(r).label) for r in issue.recipients if r in Recipient.values],
            "open_action": kwargs.get("open_action", ""),
            "breadcrumbs": _crumbs((reverse("issue_list"), _("Bulletin issues"))),
        })
        if can_edit:
            context["add_form"] = kwargs.get("add_form") or forms.IssueAddForm(user=user, issue=issue, prefix="add")
            context["send_form"] = kwargs.get("send_form") or forms.IssueSendForm(
                issue=issue, prefix="send", initial={"recipients": [Recipient.PARTY, Recipient.GOVERNMENT]})
        return context


def issue_pdf(request, pk: int):
    """The issue as a printable PDF, for whoever may see the issue (members: sent issues)."""
    if not request.user.is_authenticated:
        return _login_redirect(request)
    issue = get_object_or_404(selectors.issues_for(request.user), pk=pk)
    response = HttpResponse(letters.issue_pdf(issue), content_type="application/pdf")
    filename = f"{issue.bulletin.name}-{issue.year}-{issue.number:02d}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- bulletins and information officers -----------------------------------------------------------


def _staff_only(qs, user):
    scope = scope_for(user)
    return qs if scope.is_superuser else qs.filter(committee_id__in=scope.staff_committee_ids)


class BulletinListView(StaffOnlyMixin, LoginRequiredMixin, TabsMixin, TemplateView):
    """The committee's bulletins (《社情民意》 …): add one, rename it, stop publishing it."""

    template_name = "information/bulletin_list.html"

    def bulletins(self):
        return list(_staff_only(selectors.bulletins_for(self.request.user), self.request.user)
                    .annotate(issue_count=Count("issues")).order_by("committee__path", "name"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        bound = kwargs.get("bound") or {}
        bulletins = self.bulletins()
        for bulletin in bulletins:
            prefix = f"b{bulletin.pk}"
            bulletin.form = bound.get(prefix) or forms.BulletinForm(
                user=user, bulletin=bulletin, prefix=prefix, initial={"name": bulletin.name,
                                                                      "is_active": bulletin.is_active})
        context.update({
            "title": _("Bulletins"),
            "bulletins": bulletins,
            "new_form": bound.get("new") or forms.BulletinForm(user=user, prefix="new"),
            "breadcrumbs": _crumbs((reverse("issue_list"), _("Bulletin issues"))),
        })
        return context

    def post(self, request, *args, **kwargs):
        user = request.user
        bulletin = None
        if request.POST.get("bulletin"):
            bulletin = get_object_or_404(_staff_only(selectors.bulletins_for(user), user),
                                         pk=_int(request.POST["bulletin"]))
        prefix = f"b{bulletin.pk}" if bulletin else "new"
        form = forms.BulletinForm(request.POST, user=user, bulletin=bulletin, prefix=prefix)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.bulletin_save(actor=user, bulletin=bulletin, committee=data.get("committee"),
                                       name=data["name"], is_active=data["is_active"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The bulletin is saved."))
                return redirect("bulletin_list")
        return self.render_to_response(self.get_context_data(bound={prefix: form}))


class OfficerListView(StaffOnlyMixin, LoginRequiredMixin, TabsMixin, TemplateView):
    """Information officers (信息员): logins who submit information without being members."""

    template_name = "information/officer_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        bound = kwargs.get("bound") or {}
        officers = list(selectors.officers_for(user).order_by("committee__path", "user__username", "id"))
        for officer in officers:
            prefix = f"o{officer.pk}"
            officer.form = bound.get(prefix) or forms.OfficerEditForm(
                prefix=prefix, initial={"organisation": officer.organisation, "is_active": officer.is_active})
        context.update({
            "title": _("Information officers (信息员)"),
            "officers": officers,
            "new_form": bound.get("new") or forms.OfficerForm(user=user, prefix="new"),
        })
        return context

    def post(self, request, *args, **kwargs):
        user = request.user
        officer = None
        if request.POST.get("officer"):
            officer = get_object_or_404(selectors.officers_for(user), pk=_int(request.POST["officer"]))
            prefix = f"o{officer.pk}"
            form = forms.OfficerEditForm(request.POST, prefix=prefix)
        else:
            prefix = "new"
            form = forms.OfficerForm(request.POST, user=user, prefix=prefix)
        if form.is_valid():
            data = form.cleaned_data
            who = ({"committee": officer.committee, "user": officer.user} if officer is not None
                   else {"committee": data["committee"], "user": data["username"]})
            try:
                officer = services.information_officer_save(actor=user, organisation=data["organisation"],
                                                            is_active=data["is_active"], **who)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(u)s is saved as an information officer of %(c)s.")
                                 % {"u": officer.user.get_full_name() or officer.user.get_username(),
                                    "c": officer.committee.name})
                return redirect("information_officer_list")
        return self.render_to_response(self.get_context_data(bound={prefix: form}))

