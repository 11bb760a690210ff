"""Pages of consultation (协商议政): the committee's kinds, topics from three sources and their
review, the annual plan, sessions (participants and attendance, materials, speeches and
written opinions, the online discussion, the grassroots step checklist, the workflow),
results with leader instructions and implementation follow-up, and a member's meetings.

What a user sees is always a consultations.selectors queryset (outside it, 404); every step
is one consultations.services call, made by a small POST view that redirects back with a
message, or shows the page again with the service's errors next to the fields.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
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
    timeline_context,
)
from members.selectors import scope_for
from proposals.views import OversightOnlyMixin, StaffOnlyMixin, StatusAsSelect, _crumbs, _safe_next

from . import consultation_forms as cf, filtersets, selectors
from .choices import (
    ConsultationForm,
    InvitationStatus,
    PlanStatus,
    Recipient,
    ResultStatus,
    SessionStatus,
    SpeechStatus,
    TopicSource,
    TopicStatus,
)
from .models import Consultation, ConsultationKind, InformationOfficer, Material, Participant, Post, Speech, Topic
from .services import consultations as services
from .services.common import is_leader, is_staff

register_action_labels({
    "consultation_kind.create": gettext_lazy("Kind of consultation created"),
    "consultation_kind.update": gettext_lazy("Kind of consultation changed"),
    "topic.propose": gettext_lazy("Topic entered"),
    "topic.review": gettext_lazy("Topic reviewed"),
    "topic.schedule": gettext_lazy("Scheduled into the plan"),
    "topic.unschedule": gettext_lazy("Taken out of the plan"),
    "plan.create": gettext_lazy("Plan created"),
    "plan.update": gettext_lazy("Plan changed"),
    "plan.publish": gettext_lazy("Plan published"),
    "consultation.create": gettext_lazy("Session created"),
    "consultation.update": gettext_lazy("Session changed"),
    "consultation.announce": gettext_lazy("Notice sent (announced)"),
    "consultation.open": gettext_lazy("Session began"),
    "consultation.close": gettext_lazy("Session held"),
    "consultation.cancel": gettext_lazy("Session cancelled"),
    "consultation.step": gettext_lazy("Step ticked"),
    "participants.invite": gettext_lazy("Participants invited"),
    "participants.remove": gettext_lazy("Participant removed"),
    "invitation.accept": gettext_lazy("Invitation accepted"),
    "invitation.decline": gettext_lazy("Leave asked (请假)"),
    "participant.check_in": gettext_lazy("Signed in (签到)"),
    "participant.attendance": gettext_lazy("Attendance recorded"),
    "material.add": gettext_lazy("Material added"),
    "material.delete": gettext_lazy("Material removed"),
    "speech.register": gettext_lazy("Speech registered"),
    "speech.record": gettext_lazy("Speech recorded"),
    "speech.withdraw": gettext_lazy("Speech withdrawn"),
    "discussion.open": gettext_lazy("Discussion opened"),
    "discussion.close": gettext_lazy("Discussion closed"),
    "post.hide": gettext_lazy("Post hidden"),
    "post.show": gettext_lazy("Post shown again"),
    "result.create": gettext_lazy("Result written"),
    "result.update": gettext_lazy("Result changed"),
    "result.approve": gettext_lazy("Result approved"),
    "result.return": gettext_lazy("Result returned to draft"),
    "result.send": gettext_lazy("Result sent"),
    "result.close": gettext_lazy("Implemented and closed"),
    "instruction.record": gettext_lazy("Leader instruction recorded (批示)"),
    "follow_up.add": gettext_lazy("Follow-up recorded"),
})

OVER = (SessionStatus.HELD, SessionStatus.CANCELLED)
UPCOMING_SHOWN = 50


# --- shared pieces -------------------------------------------------------------------------------


def section_tabs(request) -> list[dict]:
    """The sub-navigation of the consultation pages: what this user's roles work with."""
    scope = scope_for(request.user)
    staff = scope.is_superuser or bool(scope.staff_committee_ids)
    oversight = scope.is_superuser or bool(scope.oversight_committee_ids)
    items = []
    if scope.member_ids:
        items.append(("consultation_mine", _("My meetings")))
    items.append(("consultation_list", _("Sessions")))
    if staff or scope.member_ids:
        items.append(("topic_list", _("Topics")))
    if staff:
        items.append(("topic_review_queue", _("Topic review")))
    if oversight or scope.member_ids:
        items.append(("plan_list", _("Annual plan")))
    items.append(("result_list", _("Results")))
    if oversight:
        items.append(("instruction_list", _("Instructions")))
    if staff:
        items.append(("consultation_kind_list", _("Kinds")))
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


def _step(request, step, success) -> bool:
    """Run one service step from a button: a refusal (bad input, the wrong state) becomes an
    error message; PermissionDenied is left to answer 403."""
    try:
        result = step()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success(result) if callable(success) else success)
        return True
    return False


def _submit(request, form, step, success, *, back: str, page):
    """Validate ``form`` and hand its cleaned data to ``step`` (one service call). Done or in
    conflict with the object's state: back to ``back`` with a message. Bad input (the form's
    or the service's): ``page(form)`` shows the page again with the errors at the fields."""
    if form.is_valid():
        try:
            result = step(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect(back)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(back)
    return page(form)


def _pk(raw) -> int:
    """An id from a form's hidden field; anything else finds nothing (a 404, never a 500)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


def _is_mine(participant: Participant, user) -> bool:
    if participant.member_id:
        return participant.member.user_id == user.pk
    return participant.user_id is not None and participant.user_id == user.pk


def _staff_only(user, obj) -> None:
    """Steps only the committee's staff take: others who may see the object get a 403."""
    if not is_staff(user, obj):
        raise PermissionDenied(_("Only staff of this committee may do this."))


def _staff_or_leader_only(user, obj) -> None:
    if not (is_staff(user, obj) or is_leader(user, obj)):
        raise PermissionDenied(_("Only staff or leaders of this committee may do this."))


def _any_staff(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.staff_committee_ids)


# --- kinds -----------------------------------------------------------------------------------------


class KindListView(StaffOnlyMixin, LoginRequiredMixin, TabsMixin, TemplateView):
    """The kinds of consultation of the committees the user works for, by committee."""

    template_name = "consultations/kind_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committees = list(cf.staff_committees(self.request.user))
        kinds = (ConsultationKind.objects.filter(committee__in=[c.pk for c in committees])
                 .annotate(session_count=Count("consultations")).order_by("committee", "order", "id"))
        by_committee: dict[int, list] = {c.pk: [] for c in committees}
        for kind in kinds:
            by_committee[kind.committee_id].append(kind)
        context.update({
            "title": _("Kinds of consultation"),
            "groups": [{"committee": c, "kinds": by_committee[c.pk]} for c in committees],
            "standard_count": len(services.DEFAULT_KINDS),
        })
        return context


@login_required
@require_POST
def kinds_install(request):
    """Give a committee the standard kinds it does not have yet."""
    committee = get_object_or_404(cf.staff_committees(request.user), pk=_pk(request.POST.get("committee")))
    _step(request, lambda: services.consultation_kinds_install(actor=request.user, committee=committee),
          lambda added: (_("%(n)d standard kinds added.") % {"n": len(added)}) if added
          else _("All the standard kinds are already there."))
    return redirect("consultation_kind_list")


class KindFormMixin:
    form_class = cf.KindForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["kind"] = self.object
        if self.object is None:
            kwargs["initial"] = {**kwargs.get("initial", {}), "committee": self.request.GET.get("committee")}
        return kwargs

    def save(self, form):
        data = form.cleaned_data
        return services.consultation_kind_save(
            actor=self.request.user, kind=self.object, committee=data.get("committee") or form.committee,
            name=data["name"], form=data["form"], steps=data["steps"], order=data["order"] or 0,
            is_active=data["is_active"])

    def get_success_url(self, obj=None):
        return reverse("consultation_kind_list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("consultation_kind_list"), _("Kinds of consultation")))
        return context


class KindCreateView(KindFormMixin, ServiceFormView):
    title = gettext_lazy("New kind of consultation")

    def check_permission(self):
        if not _any_staff(self.request.user):
            raise PermissionDenied


class KindEditView(KindFormMixin, ServiceFormView):
    def get_object(self):
        return get_object_or_404(ConsultationKind.objects.filter(
            committee__in=cf.staff_committees(self.request.user)).select_related("committee"), pk=self.kwargs["pk"])

    def get_initial(self):
        k = self.object
        return {"name": k.name, "form": k.form, "steps": "\n".join(k.steps), "order": k.order,
                "is_active": k.is_active}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Change: %(t)s") % {"t": self.object.name}
        return context


# --- topics -------------------------------------------------------------------------------------


class TopicListFilterSet(StatusAsSelect, filtersets.TopicFilterSet):
    pass


class TopicQueueFilterSet(filtersets.TopicFilterSet):
    status = None

    class Meta(filtersets.TopicFilterSet.Meta):
        fields = ["q", "source", "year", "kind", "committee"]


class TopicListView(TabsMixin, FilteredListView):
    template_name = "consultations/topic_list.html"
    selector = selectors.topics_for
    filterset_class = TopicListFilterSet
    title = gettext_lazy("Consultation topics")

    def decorate(self, queryset):
        return queryset.defer("description", "review_note").order_by("-year", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        staff = _any_staff(user)
        context.update({
            "is_staff": staff,
            "queue_count": selectors.topic_queue(user).count() if staff else 0,
            "can_propose": staff or bool(scope_for(user).member_ids),
        })
        return context


class TopicReviewQueueView(StaffOnlyMixin, TabsMixin, FilteredListView):
    """Topics waiting for a staff decision, each with its approve / not adopt form."""

    template_name = "consultations/topic_review_queue.html"
    selector = selectors.topic_queue
    filterset_class = TopicQueueFilterSet
    title = gettext_lazy("Topics awaiting review")

    def decorate(self, queryset):
        return queryset.order_by("created_at", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for topic in context["object_list"]:
            topic.review_form = cf.TopicReviewForm(auto_id=f"t{topic.pk}_%s")
        return context


class TopicCreateView(TabsMixin, ServiceFormView):
    """Staff enter an assigned or public topic; a member recommends one."""

    form_class = cf.TopicForm
    title = gettext_lazy("Enter a consultation topic")

    def check_permission(self):
        scope = scope_for(self.request.user)
        if not (scope.is_superuser or scope.staff_committee_ids or scope.member_ids):
            raise PermissionDenied(_("Only members and staff of a committee propose topics."))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["initial"] = {**kwargs.get("initial", {}), "committee": self.request.GET.get("committee")}
        return kwargs

    def save(self, form):
        data = form.cleaned_data
        return services.topic_propose(
            actor=self.request.user, committee=data.get("committee") or form.committee, year=data["year"],
            title=data["title"], description=data["description"], source=data.get("source") or TopicSource.MEMBER,
            source_detail=data.get("source_detail", ""), kind=data["kind"], organiser=data["organiser"])

    def get_success_message(self, obj):
        if obj.source == TopicSource.MEMBER:
            return _("Thank you: your recommended topic is sent to the committee staff for review.")
        return _("The topic is entered and waits for review.")

    def get_success_url(self, obj=None):
        return reverse("topic_detail", args=[obj.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not _any_staff(self.request.user):
            context["title"] = _("Recommend a consultation topic (委员荐题)")
            context["subtitle"] = _("Suggest a topic the committee should consult on this year or next: what the "
                                    "problem is and why a consultation would help. Staff review it.")
        context["breadcrumbs"] = _crumbs((reverse("topic_list"), _("Consultation topics")))
        return context


class TopicDetailView(LoginRequiredMixin, TabsMixin, TemplateView):
    template_name = "consultations/topic_detail.html"

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(selectors.topics_for(request.user), pk=kwargs["pk"])
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, review_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        topic, user = self.object, self.request.user
        staff = is_staff(user, topic)
        # a scheduled topic leaves the plan first (plan_unschedule), then it can be reviewed again
        can_review = staff and topic.status in (TopicStatus.PROPOSED, TopicStatus.APPROVED)
        oversight = staff or is_leader(user, topic)
        context.update({
            "title": topic.title,
            "topic": topic,
            "is_staff": staff,
            "sessions": list(selectors.consultations_for(user).filter(topics=topic).order_by("-starts_at")),
            "can_review": can_review,
            "review_form": (review_form or cf.TopicReviewForm()) if can_review else None,
            "shows_review_note": bool(topic.review_note) and (oversight or topic.submitted_by_id == user.pk),
            "breadcrumbs": _crumbs((reverse("topic_list"), _("Consultation topics"))),
        })
        context.update(timeline_context(self.request, topic))
        return context


@login_required
@require_POST
def topic_review(request, pk: int):
    """Approve a topic or do not adopt it (with the reason)."""
    topic = get_object_or_404(selectors.topics_for(request.user), pk=pk)
    _staff_only(request.user, topic)
    form = cf.TopicReviewForm(request.POST)

    def page(bound):
        view = TopicDetailView()
        view.setup(request, pk=topic.pk)
        view.object = topic
        return view.render_to_response(view.get_context_data(review_form=bound))

    return _submit(request, form, lambda d: services.topic_review(
        actor=request.user, topic=topic, approve=d["decision"] == "approve", note=d["note"]),
        lambda t: _("The topic is approved.") if t.status == TopicStatus.APPROVED
        else _("The topic is not adopted; whoever proposed it is told why."),
        back=_safe_next(request, reverse("topic_detail", args=[topic.pk])), page=page)


# --- the annual plan ----------------------------------------------------------------------------------


class PlanListView(LoginRequiredMixin, TabsMixin, TemplateView):
    template_name = "consultations/plan_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        plans = list(selectors.plans_for(user))
        staff_ids = set(cf.staff_committees(user).values_list("pk", flat=True)) if _any_staff(user) else set()
        for plan in plans:
            plan.is_mine = plan.committee_id in staff_ids
        context.update({"title": _("Annual consultation plans"), "plans": plans, "can_create": bool(staff_ids)})
        return context


class PlanFormMixin:
    form_class = cf.PlanForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.object
        return kwargs

    def save(self, form):
        data = form.cleaned_data
        return services.plan_save(actor=self.request.user, plan=self.object,
                                  committee=data.get("committee") or form.committee, year=data.get("year"),
                                  title=data["title"], introduction=data["introduction"])

    def get_success_url(self, obj=None):
        return reverse("plan_detail", args=[obj.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("plan_list"), _("Annual consultation plans")))
        return context


class PlanCreateView(PlanFormMixin, ServiceFormView):
    title = gettext_lazy("New annual consultation plan")
    success_message = gettext_lazy("The plan is created. Schedule approved topics into its months, then publish it.")

    def check_permission(self):
        if not _any_staff(self.request.user):
            raise PermissionDenied


class PlanEditView(PlanFormMixin, ServiceFormView):
    def get_object(self):
        plan = get_object_or_404(selectors.plans_for(self.request.user), pk=self.kwargs["pk"])
        _staff_only(self.request.user, plan)
        return plan

    def get_initial(self):
        return {"title": self.object.title, "introduction": self.object.introduction}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Change: %(t)s") % {"t": self.object.title}
        return context


class PlanDetailView(LoginRequiredMixin, TabsMixin, TemplateView):
    """The plan's topics month by month; staff schedule, move and take out topics, and publish."""

    template_name = "consultations/plan_detail.html"

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(selectors.plans_for(request.user), pk=kwargs["pk"])
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, schedule_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        staff = is_staff(user, plan)
        topics = list(plan.topics.select_related("kind", "organiser", "recommended_by").order_by(
            "planned_month", "id"))
        months = [{"month": m, "label": label, "topics": [t for t in topics if t.planned_month == m]}
                  for m, label in cf.month_choices()]
        waiting = 0
        if staff:
            waiting = Topic.objects.filter(committee_id=plan.committee_id, year=plan.year,
                                           status=TopicStatus.APPROVED).count()
        context.update({
            "title": plan.title,
            "plan": plan,
            "is_staff": staff,
            "months": months if staff else [m for m in months if m["topics"]],
            "topic_total": len(topics),
            "waiting": waiting,
            "schedule_form": (schedule_form or cf.ScheduleForm(plan=plan)) if staff else None,
            "can_publish": staff and plan.status == PlanStatus.DRAFT,
            "breadcrumbs": _crumbs((reverse("plan_list"), _("Annual consultation plans"))),
        })
        context.update(timeline_context(self.request, plan))
        return context


def _plan_action(func):
    @wraps(func)
    def wrapper(request, pk: int):
        plan = get_object_or_404(selectors.plans_for(request.user), pk=pk)
        _staff_only(request.user, plan)
        return func(request, plan)
    return login_required(require_POST(wrapper))


@_plan_action
def plan_schedule(request, plan):
    form = cf.ScheduleForm(request.POST, plan=plan)

    def page(bound):
        view = PlanDetailView()
        view.setup(request, pk=plan.pk)
        view.object = plan
        return view.render_to_response(view.get_context_data(schedule_form=bound))

    return _submit(request, form, lambda d: services.plan_schedule(
        actor=request.user, plan=plan, topic=d["topic"], month=d["month"], kind=d["kind"], organiser=d["organiser"]),
        lambda t: _("%(t)s is in the plan for month %(m)d.") % {"t": t.title, "m": t.planned_month},
        back=reverse("plan_detail", args=[plan.pk]), page=page)


@_plan_action
def plan_unschedule(request, plan):
    topic = get_object_or_404(Topic, pk=_pk(request.POST.get("topic")), plan=plan)
    _step(request, lambda: services.plan_unschedule(actor=request.user, topic=topic),
          _("%(t)s is taken out of the plan.") % {"t": topic.title})
    return redirect("plan_detail", pk=plan.pk)


@_plan_action
def plan_publish(request, plan):
    _step(request, lambda: services.plan_publish(actor=request.user, plan=plan),
          _("The plan is published: the committee's members and leaders see it."))
    return redirect("plan_detail", pk=plan.pk)


# --- sessions: lists ----------------------------------------------------------------------------------


class ConsultationListFilterSet(StatusAsSelect, filtersets.ConsultationFilterSet):
    pass


class ConsultationListView(TabsMixin, FilteredListView):
    template_name = "consultations/consultation_list.html"
    selector = selectors.consultations_for
    filterset_class = ConsultationListFilterSet
    title = gettext_lazy("Consultation sessions")

    def decorate(self, queryset):
        return queryset.defer("description", "summary", "steps").order_by("-starts_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = _any_staff(self.request.user)
        return context


def _starts():
    return Coalesce("consultation__starts_at", "activity__starts_at")


class MyMeetingsView(LoginRequiredMixin, TabsMixin, TemplateView):
    """A member's invitations: the coming ones to answer and sign in to, then the past ones."""

    template_name = "consultations/consultation_mine.html"
    per_page = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        upcoming = list(selectors.my_participations(user, upcoming=True).order_by(_starts(), "id")[:UPCOMING_SHOWN])
        for place in upcoming:
            event = place.consultation
            place.can_answer = (event is not None and event.status in (SessionStatus.ANNOUNCED, SessionStatus.OPEN)
                                and place.checked_in_at is None)
            place.can_check_in = event is not None and event.status == SessionStatus.OPEN and not place.checked_in_at
            place.respond_form = cf.RespondForm(auto_id=f"p{place.pk}_%s",
                                                initial={"decision": "decline" if place.invitation
                                                         == InvitationStatus.DECLINED else "accept",
                                                         "note": place.response_note})
        paginator = Paginator(selectors.my_participations(user, upcoming=False).order_by(_starts().desc(), "-id"),
                              self.per_page)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update({
            "title": _("My meetings"),
            "upcoming": upcoming,
            "page_obj": page,
            "past": page.object_list,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "per_page": self.per_page,
            "page_sizes": (self.per_page,),
            "can_propose": bool(scope_for(user).member_ids),
        })
        return context


# --- sessions: create and change -------------------------------------------------------------------------


class SessionFormMixin:
    form_class = cf.SessionForm
    template_name = "consultations/consultation_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["consultation"] = self.object
        kwargs["kind_hint"] = self.request.GET.get("kind")
        if self.object is None:
            kwargs["initial"] = {**kwargs.get("initial", {}), "committee": self.request.GET.get("committee")}
        return kwargs

    def save(self, form):
        data = form.cleaned_data
        proposals = data.get("proposals")
        if proposals is None:  # not offered for this kind
            proposals = list(self.object.proposals.all()) if self.object else []
        return services.consultation_save(
            actor=self.request.user, consultation=self.object, committee=data.get("committee") or form.committee,
            kind=data["kind"], title=data["title"], starts_at=data["starts_at"], ends_at=data["ends_at"],
            place=data["place"], is_online=data["is_online"], organiser=data["organiser"], topics=list(data["topics"]),
            departments=list(data["departments"]), proposals=list(proposals), description=data["description"])

    def get_success_url(self, obj=None):
        return reverse("consultation_detail", args=[obj.pk])


class ConsultationCreateView(SessionFormMixin, ServiceFormView):
    title = gettext_lazy("New consultation session")
    submit_label = gettext_lazy("Create")
    success_message = gettext_lazy("The session is being prepared. Invite participants and add materials, then "
                                   "send the notice.")

    def check_permission(self):
        if not _any_staff(self.request.user):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("consultation_list"), _("Consultation sessions")))
        return context


class ConsultationEditView(SessionFormMixin, ServiceFormView):
    def get_object(self):
        return get_object_or_404(selectors.consultations_for(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self):
        _staff_only(self.request.user, self.object)
        if self.object.status in OVER:
            raise PermissionDenied(_("This session is %(s)s; it can no longer change.")
                                   % {"s": self.object.get_status_display()})

    def get_initial(self):
        c = self.object
        initial = {"kind": c.kind_id, "title": c.title, "starts_at": c.starts_at, "ends_at": c.ends_at,
                   "place": c.place, "is_online": c.is_online, "organiser": c.organiser_id,
                   "topics": [t.pk for t in c.topics.all()], "departments": [d.pk for d in c.departments.all()],
                   "description": c.description}
        initial["proposals"] = [p.pk for p in c.proposals.all()]
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        c = self.object
        context["title"] = _("Change: %(t)s") % {"t": c.title}
        context["breadcrumbs"] = _crumbs((reverse("consultation_list"), _("Consultation sessions")),
                                         (reverse("consultation_detail", args=[c.pk]), c.title))
        return context


# --- one session --------------------------------------------------------------------------------------


def _session_context(request, c: Consultation, bound: dict) -> dict:
    user = request.user
    staff = is_staff(user, c)
    oversight = staff or is_leader(user, c)
    status = c.status
    over = status in OVER
    participants = list(c.participants.select_related("member", "department").order_by("id"))
    mine = next((p for p in participants if _is_mine(p, user)), None)
    speeches = list(c.speeches.select_related("participant__member").order_by(
        F("order").asc(nulls_last=True), "registered_at", "id"))
    for speech in speeches:
        speech.is_mine = _is_mine(speech.participant, user)
        speech.can_withdraw = speech.status == SpeechStatus.REGISTERED and (staff or speech.is_mine)
    if not oversight:
        speeches = [s for s in speeches if s.status != SpeechStatus.WITHDRAWN or s.is_mine]
    posts = list(c.posts.select_related("participant", "author").order_by("id"))
    if not staff:
        posts = [p for p in posts if not p.is_hidden]
    shows_discussion = c.is_online or c.discussion_open or bool(posts) or c.kind.form == ConsultationForm.ONLINE
    counts = {"pending": 0, "accepted": 0, "declined": 0, "present": 0, "excused": 0, "absent": 0}
    for p in participants:
        counts[p.invitation] = counts.get(p.invitation, 0) + 1
        if p.attendance:
            counts[p.attendance] = counts.get(p.attendance, 0) + 1
    context = {
        "object": c,
        "consultation": c,
        "title": c.title,
        "is_staff": staff,
        "is_oversight": oversight,
        "participants": participants,
        "counts": counts,
        "mine": mine,
        "materials": list(c.materials.order_by("id")),
        "speeches": speeches,
        "posts": posts,
        "shows_discussion": shows_discussion,
        "topics": list(c.topics.order_by("id")),
        "departments": list(c.departments.order_by("name")),
        "proposals": list(c.proposals.order_by("number", "id")),
        "results": list(selectors.results_for(user).filter(consultation=c).order_by("-id")),
        "steps": [{**s, "index": i} for i, s in enumerate(c.steps or [])],
        "can_edit": staff and not over,
        "can_announce": staff and status == SessionStatus.PLANNED,
        "can_open": staff and status == SessionStatus.ANNOUNCED,
        "can_close": staff and status == SessionStatus.OPEN,
        "can_cancel": staff and status in (SessionStatus.PLANNED, SessionStatus.ANNOUNCED),
        "can_invite": staff and not over,
        "can_check_in_others": staff and status in (SessionStatus.OPEN, SessionStatus.HELD),
        "can_record_attendance": staff and status in (SessionStatus.OPEN, SessionStatus.HELD),
        "can_add_material": staff and status != SessionStatus.CANCELLED,
        "can_toggle_discussion": staff and status == SessionStatus.OPEN,
        "can_post": c.discussion_open and (mine is not None or staff),
        "can_tick_steps": staff and status != SessionStatus.CANCELLED,
        "can_write_result": staff and status == SessionStatus.HELD,
        "can_answer": mine is not None and status in (SessionStatus.ANNOUNCED, SessionStatus.OPEN)
        and mine.checked_in_at is None,
        "can_check_in": mine is not None and status == SessionStatus.OPEN and mine.checked_in_at is None,
        "now": timezone.now(),
        "breadcrumbs": _crumbs((reverse("consultation_list"), _("Consultation sessions"))),
    }
    if context["can_invite"]:
        context["invite_form"] = bound.get("invite") or cf.InviteForm(consultation=c, prefix="invite")
    if context["can_close"]:
        context["close_form"] = bound.get("close") or cf.CloseForm(prefix="close", initial={"summary": c.summary})
    if context["can_cancel"]:
        context["cancel_form"] = bound.get("cancel") or cf.CancelForm(prefix="cancel")
    if context["can_add_material"]:
        context["material_form"] = bound.get("material") or cf.MaterialForm(prefix="material")
    if context["can_answer"]:
        context["respond_form"] = bound.get("respond") or cf.RespondForm(
            initial={"decision": "decline" if mine.invitation == InvitationStatus.DECLINED
                                       else "accept", "note": mine.response_note})
    speaks = (staff and participants and status != SessionStatus.CANCELLED) or (mine is not None and not over)
    if speaks:
        context["speech_form"] = bound.get("speech") or cf.SpeechForm(consultation=c, staff=staff, prefix="speech")
    if context["can_post"]:
        context["post_form"] = bound.get("post") or cf.PostForm(prefix="post")
    if context["can_record_attendance"]:
        for p in participants:
            p.attendance_form = bound.get(f"att{p.pk}") or cf.AttendanceForm(
                prefix=f"att{p.pk}", initial={"attendance": p.attendance or "present", "note": p.response_note})
    if staff:
        for s in speeches:
            s.record_form = bound.get(f"rec{s.pk}") or cf.SpeechRecordForm(prefix=f"rec{s.pk}",
                                                                            initial={"order": s.order})
    if context["can_tick_steps"]:
        for step in context["steps"]:
            step["form"] = bound.get(f"step{step['index']}") or cf.StepForm(
                prefix=f"step{step['index']}", initial={"note": step.get("note", "")})
    context.update(timeline_context(request, c))
    return context


class ConsultationDetailView(LoginRequiredMixin, TabsMixin, TemplateView):
    template_name = "consultations/consultation_detail.html"

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(selectors.consultations_for(request.user), pk=kwargs["pk"])
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_session_context(self.request, self.object, bound or {}))
        return context


def _session_page(request, consultation, **bound):
    """The session's page again, with a bound form showing its errors."""
    view = ConsultationDetailView()
    view.setup(request, pk=consultation.pk)
    view.object = consultation
    return view.render_to_response(view.get_context_data(bound=bound))


def _back(consultation, anchor: str = "") -> str:
    return reverse("consultation_detail", args=[consultation.pk]) + (f"#{anchor}" if anchor else "")


def _session_action(func):
    """A POST on a session the user may see (outside their scope, 404)."""
    @wraps(func)
    def wrapper(request, pk: int, **kwargs):
        consultation = get_object_or_404(selectors.consultations_for(request.user), pk=pk)
        return func(request, consultation, **kwargs)
    return login_required(require_POST(wrapper))


@_session_action
def consultation_announce(request, c):
    _staff_only(request.user, c)
    _step(request, lambda: services.consultation_announce(actor=request.user, consultation=c),
          _("The notice is sent: the invitees are asked to answer."))
    return redirect(_back(c))


@_session_action
def consultation_open(request, c):
    _staff_only(request.user, c)
    _step(request, lambda: services.consultation_open(actor=request.user, consultation=c),
          _("The session is in progress: participants can sign in."))
    return redirect(_back(c))


@_session_action
def consultation_close(request, c):
    _staff_only(request.user, c)
    form = cf.CloseForm(request.POST, prefix="close")
    return _submit(request, form, lambda d: services.consultation_close(actor=request.user, consultation=c,
                                                                        summary=d["summary"]),
                   _("The session is held. Attendance is settled; write its result next."),
                   back=_back(c), page=lambda f: _session_page(request, c, close=f))


@_session_action
def consultation_cancel(request, c):
    _staff_only(request.user, c)
    form = cf.CancelForm(request.POST, prefix="cancel")
    return _submit(request, form, lambda d: services.consultation_cancel(actor=request.user, consultation=c,
                                                                         reason=d["reason"]),
                   _("The session is cancelled."), back=_back(c), page=lambda f: _session_page(request, c, cancel=f))


@_session_action
def consultation_step(request, c):
    _staff_only(request.user, c)
    raw = (request.POST.get("index") or "").strip()
    index = int(raw) if raw.isdigit() and len(raw) < 4 else -1
    if not 0 <= index < len(c.steps or []):
        raise Http404
    step = c.steps[index]["step"]
    prefix = f"step{index}"
    form = cf.StepForm(request.POST, prefix=prefix)
    return _submit(request, form, lambda d: services.step_complete(actor=request.user, consultation=c, step=step,
                                                                   done_on=d["done_on"], note=d["note"]),
                   _("Step ticked: %(s)s") % {"s": step}, back=_back(c, "steps"),
                   page=lambda f: _session_page(request, c, **{prefix: f}))


# participants

@_session_action
def participants_invite(request, c):
    _staff_only(request.user, c)
    form = cf.InviteForm(request.POST, consultation=c, prefix="invite")
    return _submit(request, form, lambda d: services.participants_invite(
        actor=request.user, event=c, members=list(d["members"]), guests=form.guests()),
        lambda rows: _("%(n)d invited.") % {"n": len(rows)} if rows else _("They are all invited already."),
        back=_back(c, "participants"), page=lambda f: _session_page(request, c, invite=f))


def _participant(c, pk) -> Participant:
    return get_object_or_404(Participant.objects.select_related("member"), pk=pk, consultation=c)


@_session_action
def participant_remove(request, c, participant_pk: int):
    _staff_only(request.user, c)
    participant = _participant(c, participant_pk)
    _step(request, lambda: services.participant_remove(actor=request.user, participant=participant),
          _("%(n)s is removed from the list.") % {"n": participant.name})
    return redirect(_back(c, "participants"))


@_session_action
def participant_attendance(request, c, participant_pk: int):
    _staff_only(request.user, c)
    participant = _participant(c, participant_pk)
    prefix = f"att{participant.pk}"
    form = cf.AttendanceForm(request.POST, prefix=prefix)
    return _submit(request, form, lambda d: services.attendance_record(
        actor=request.user, participant=participant, attendance=d["attendance"], note=d["note"]),
        lambda p: _("Attendance of %(n)s: %(a)s") % {"n": p.name, "a": p.get_attendance_display()},
        back=_back(c, "participants"), page=lambda f: _session_page(request, c, **{prefix: f}))


@_session_action
def participant_check_in(request, c, participant_pk: int):
    """Sign in (签到): a participant themselves, or staff for someone."""
    participant = _participant(c, participant_pk)
    if not (_is_mine(participant, request.user) or is_staff(request.user, c)):
        raise Http404
    _step(request, lambda: services.participant_check_in(actor=request.user, participant=participant),
          _("%(n)s is signed in.") % {"n": participant.name})
    return redirect(_safe_next(request, _back(c, "participants")))


@_session_action
def invitation_respond(request, c, participant_pk: int):
    """The invitee answers: will attend, or asks for leave with a reason."""
    participant = _participant(c, participant_pk)
    if not _is_mine(participant, request.user):
        raise Http404
    form = cf.RespondForm(request.POST)
    return _submit(request, form, lambda d: services.invitation_respond(
        actor=request.user, participant=participant, accept=d["decision"] == "accept", note=d["note"]),
        lambda p: _("Thank you: you will attend.") if p.invitation == InvitationStatus.ACCEPTED
        else _("Your leave is asked; the staff are told."),
        back=_safe_next(request, _back(c)), page=lambda f: _session_page(request, c, respond=f))


# materials

@_session_action
def material_add(request, c):
    _staff_only(request.user, c)
    form = cf.MaterialForm(request.POST, request.FILES, prefix="material")
    return _submit(request, form, lambda d: services.material_add(actor=request.user, consultation=c,
                                                                  title=d["title"], upload=d["file"]),
                   lambda m: _("%(t)s is added for the participants.") % {"t": m.title},
                   back=_back(c, "materials"), page=lambda f: _session_page(request, c, material=f))


@_session_action
def material_delete(request, c, material_pk: int):
    _staff_only(request.user, c)
    material = get_object_or_404(Material, pk=material_pk, consultation=c)
    _step(request, lambda: services.material_delete(actor=request.user, material=material),
          _("%(t)s is removed.") % {"t": material.title})
    return redirect(_back(c, "materials"))


@login_required
def material_download(request, pk: int):
    """A session's material, for whoever may see the session; always a download."""
    material = get_object_or_404(Material.objects.filter(
        consultation__in=selectors.consultations_for(request.user).values("pk")), pk=pk)
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=material.original_name,
                            content_type=material.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# speeches

@_session_action
def speech_register(request, c):
    staff = is_staff(request.user, c)
    form = cf.SpeechForm(request.POST, consultation=c, staff=staff, prefix="speech")
    return _submit(request, form, lambda d: services.speech_register(
        actor=request.user, consultation=c, kind=d["kind"], title=d["title"], text_=d["text"],
        participant=d.get("participant")),
        lambda s: _("Registered: %(t)s") % {"t": s.title},
        back=_back(c, "speeches"), page=lambda f: _session_page(request, c, speech=f))


def _speech(c, pk) -> Speech:
    return get_object_or_404(Speech.objects.select_related("participant__member", "consultation"), pk=pk,
                             consultation=c)


@_session_action
def speech_record(request, c, speech_pk: int):
    _staff_only(request.user, c)
    speech = _speech(c, speech_pk)
    prefix = f"rec{speech.pk}"
    form = cf.SpeechRecordForm(request.POST, prefix=prefix)
    delivered = request.POST.get("delivered", "1") == "1"
    return _submit(request, form, lambda d: services.speech_record(actor=request.user, speech=speech,
                                                                   delivered=delivered, order=d["order"]),
                   _("Recorded as delivered: %(t)s") % {"t": speech.title} if delivered
                   else _("The speaking order is saved."),
                   back=_back(c, "speeches"), page=lambda f: _session_page(request, c, **{prefix: f}))


@_session_action
def speech_withdraw(request, c, speech_pk: int):
    speech = _speech(c, speech_pk)
    if not (is_staff(request.user, c) or _is_mine(speech.participant, request.user)):
        raise Http404
    _step(request, lambda: services.speech_withdraw(actor=request.user, speech=speech),
          _("Withdrawn: %(t)s") % {"t": speech.title})
    return redirect(_back(c, "speeches"))


# the online discussion

@_session_action
def discussion_set(request, c):
    _staff_only(request.user, c)
    open_ = request.POST.get("open") == "1"
    _step(request, lambda: services.discussion_set(actor=request.user, consultation=c, open_=open_),
          _("The discussion is open.") if open_ else _("The discussion is closed."))
    return redirect(_back(c, "discussion"))


@_session_action
def post_add(request, c):
    form = cf.PostForm(request.POST, prefix="post")
    return _submit(request, form, lambda d: services.post_add(actor=request.user, consultation=c, text_=d["text"]),
                   _("Your contribution is posted."), back=_back(c, "discussion"),
                   page=lambda f: _session_page(request, c, post=f))


@_session_action
def post_hide(request, c, post_pk: int):
    _staff_only(request.user, c)
    post = get_object_or_404(Post.objects.select_related("consultation"), pk=post_pk, consultation=c)
    hidden = request.POST.get("hidden", "1") == "1"
    _step(request, lambda: services.post_hide(actor=request.user, post=post, hidden=hidden),
          _("The post is hidden.") if hidden else _("The post is shown again."))
    return redirect(_back(c, "discussion"))


# --- results -------------------------------------------------------------------------------------------


class ResultListFilterSet(StatusAsSelect, filtersets.ResultFilterSet):
    pass


class ResultListView(TabsMixin, FilteredListView):
    template_name = "consultations/result_list.html"
    selector = selectors.results_for
    filterset_class = ResultListFilterSet
    title = gettext_lazy("Consultation results")

    def decorate(self, queryset):
        return queryset.defer("text", "consultation__description", "consultation__summary",
                              "consultation__steps").order_by("-id")


class ResultFormMixin:
    form_class = cf.ResultForm

    def save(self, form):
        data = form.cleaned_data
        return services.result_save(actor=self.request.user, result=self.result, consultation=self.consultation,
                                    title=data["title"], text_=data["text"], departments=list(data["departments"]))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(consultation=self.consultation, result=self.result)
        return kwargs

    def get_success_url(self, obj=None):
        return reverse("result_detail", args=[obj.pk])


class ResultCreateView(ResultFormMixin, ServiceFormView):
    """Write the result (协商成果) of a held session."""

    title = gettext_lazy("Write the consultation result")
    success_message = gettext_lazy("The result is saved as a draft; a leader approves it before it is sent.")
    result = None

    def get_object(self):
        self.consultation = get_object_or_404(selectors.consultations_for(self.request.user), pk=self.kwargs["pk"])
        return self.consultation

    def check_permission(self):
        _staff_only(self.request.user, self.consultation)
        if self.consultation.status != SessionStatus.HELD:
            raise PermissionDenied(_("A result is written once the session has been held."))

    def get_initial(self):
        c = self.consultation
        return {"title": _("Consultation report on %(t)s") % {"t": c.title},
                "departments": [d.pk for d in c.departments.all()]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        c = self.consultation
        context["subtitle"] = c.title
        context["breadcrumbs"] = _crumbs((reverse("consultation_list"), _("Consultation sessions")),
                                         (reverse("consultation_detail", args=[c.pk]), c.title))
        return context


class ResultEditView(ResultFormMixin, ServiceFormView):
    def get_object(self):
        self.result = get_object_or_404(selectors.results_for(self.request.user), pk=self.kwargs["pk"])
        self.consultation = self.result.consultation
        return self.result

    def check_permission(self):
        _staff_only(self.request.user, self.result)
        if self.result.status != ResultStatus.DRAFT:
            raise PermissionDenied(_("Only a draft result can be changed."))

    def get_initial(self):
        r = self.result
        return {"title": r.title, "text": r.text, "departments": [d.pk for d in r.departments.all()]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        r = self.result
        context["title"] = _("Change: %(t)s") % {"t": r.title}
        context["breadcrumbs"] = _crumbs((reverse("result_list"), _("Consultation results")),
                                         (reverse("result_detail", args=[r.pk]), r.title))
        return context


class ResultDetailView(LoginRequiredMixin, TabsMixin, TemplateView):
    template_name = "consultations/result_detail.html"

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(selectors.results_for(request.user), pk=kwargs["pk"])
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = bound or {}
        result, user = self.object, self.request.user
        staff = is_staff(user, result)
        oversight = staff or is_leader(user, result)
        departments = list(result.departments.order_by("name"))
        mine = scope_for(user).department_ids
        my_departments = [d for d in departments if d.pk in mine]
        status = result.status
        context.update({
            "title": result.title,
            "result": result,
            "consultation": result.consultation,
            "is_staff": staff,
            "is_oversight": oversight,
            "departments": departments,
            "recipients": [label for value, label in Recipient.choices if value in (result.recipients or [])],
            "instructions": list(result.instructions.select_related("recorded_by").order_by("-instructed_on", "-id")),
            "follow_ups": list(result.follow_ups.select_related("department", "recorded_by").order_by(
                "noted_on", "id")),
            "can_edit": staff and status == ResultStatus.DRAFT,
            "can_approve": oversight and status == ResultStatus.DRAFT,
            "can_return": oversight and status == ResultStatus.APPROVED,
            "can_send": staff and status == ResultStatus.APPROVED,
            "can_instruct": oversight and status in (ResultStatus.SENT, ResultStatus.CLOSED),
            "can_follow_up": status == ResultStatus.SENT and (staff or bool(my_departments)),
            "breadcrumbs": _crumbs((reverse("result_list"), _("Consultation results"))),
        })
        if context["can_approve"]:
            context["approve_form"] = bound.get("approve") or cf.ResultNoteForm(prefix="approve")
        if context["can_return"]:
            context["return_form"] = bound.get("return") or cf.ResultReturnForm(prefix="return")
        if context["can_send"]:
            context["send_form"] = bound.get("send") or cf.SendForm(prefix="send", initial={
                "recipients": ["party", "government"] + (["departments"] if departments else [])})
        if context["can_instruct"]:
            context["instruction_form"] = bound.get("instruction") or cf.InstructionForm(prefix="instruction")
        if context["can_follow_up"]:
            initial = {"department": my_departments[0].pk} if len(my_departments) == 1 and not staff else {}
            context["follow_up_form"] = bound.get("follow_up") or cf.FollowUpForm(
                prefix="follow_up", result=result, staff=staff, department_ids=mine, initial=initial)
        context.update(timeline_context(self.request, result))
        return context


def _result_page(request, result, **bound):
    view = ResultDetailView()
    view.setup(request, pk=result.pk)
    view.object = result
    return view.render_to_response(view.get_context_data(bound=bound))


def _result_action(func):
    @wraps(func)
    def wrapper(request, pk: int):
        result = get_object_or_404(selectors.results_for(request.user), pk=pk)
        return func(request, result)
    return login_required(require_POST(wrapper))


@_result_action
def result_approve(request, result):
    _staff_or_leader_only(request.user, result)
    form = cf.ResultNoteForm(request.POST, prefix="approve")
    return _submit(request, form, lambda d: services.result_approve(actor=request.user, result=result,
                                                                    note=d["note"]),
                   _("The result is approved; staff send it."), back=reverse("result_detail", args=[result.pk]),
                   page=lambda f: _result_page(request, result, approve=f))


@_result_action
def result_return(request, result):
    _staff_or_leader_only(request.user, result)
    form = cf.ResultReturnForm(request.POST, prefix="return")
    return _submit(request, form, lambda d: services.result_return(actor=request.user, result=result,
                                                                   note=d["note"]),
                   _("The result is back to draft."), back=reverse("result_detail", args=[result.pk]),
                   page=lambda f: _result_page(request, result, **{"return": f}))


@_result_action
def result_send(request, result):
    _staff_only(request.user, result)
    form = cf.SendForm(request.POST, prefix="send")
    return _submit(request, form, lambda d: services.result_send(actor=request.user, result=result,
                                                                 recipients=d["recipients"]),
                   _("The result is sent."), back=reverse("result_detail", args=[result.pk]),
                   page=lambda f: _result_page(request, result, send=f))


@_result_action
def result_instruction(request, result):
    _staff_or_leader_only(request.user, result)
    form = cf.InstructionForm(request.POST, prefix="instruction")
    return _submit(request, form, lambda d: services.instruction_record(
        actor=request.user, target=result, leader_name=d["leader_name"], leader_title=d["leader_title"],
        level=d["level"], instructed_on=d["instructed_on"], text_=d["text"]),
        _("The instruction is recorded."), back=reverse("result_detail", args=[result.pk]) + "#instructions",
        page=lambda f: _result_page(request, result, instruction=f))


@_result_action
def result_follow_up(request, result):
    user = request.user
    staff = is_staff(user, result)
    mine = scope_for(user).department_ids
    if not staff and not result.departments.filter(pk__in=mine).exists():
        raise PermissionDenied(_("Only staff or the departments concerned may record follow-up."))
    form = cf.FollowUpForm(request.POST, prefix="follow_up", result=result, staff=staff, department_ids=mine)
    return _submit(request, form, lambda d: services.follow_up_add(
        actor=user, target=result, noted_on=d["noted_on"], text_=d["text"], department=d["department"],
        implemented=d.get("implemented", False)),
        lambda e: _("Implemented: the result is closed.") if e.implemented else _("The follow-up is recorded."),
        back=reverse("result_detail", args=[result.pk]) + "#follow-up",
        page=lambda f: _result_page(request, result, follow_up=f))


# --- leader instructions ---------------------------------------------------------------------------------


class InstructionListView(OversightOnlyMixin, TabsMixin, FilteredListView):
    """Leader instructions (批示) on results, information items and supervision/research."""

    template_name = "consultations/instruction_list.html"
    selector = selectors.instructions_for
    filterset_class = filtersets.InstructionFilterSet
    title = gettext_lazy("Leader instructions (批示)")

    def decorate(self, queryset):
        return queryset.defer("result__text", "information__content", "task__description").order_by(
            "-instructed_on", "-id")


# --- the home page --------------------------------------------------------------------------------------


def home_section(request) -> dict | None:
    """A member's next invitations to answer; staff's topics awaiting review and sessions
    coming; results waiting for a leader's approval."""
    user = request.user
    scope = scope_for(user)
    stats, links, invitations = [], [], []
    if scope.member_ids:
        pending = selectors.my_participations(user, upcoming=True).filter(
            consultation__status__in=[SessionStatus.ANNOUNCED, SessionStatus.OPEN],
            invitation=InvitationStatus.PENDING)
        invitations = list(pending.order_by("consultation__starts_at", "id")[:5])
        stats.append({"value": pending.count(), "label": _("Invitations to answer"),
                      "url": reverse("consultation_mine"), "alert": True})
        links.append({"url": reverse("topic_create"), "label": _("Recommend a topic")})
    # Information officers hold no committee role, so the navigation (built from roles) has
    # no entry for them: their home page leads to their information.
    if scope.member_ids or InformationOfficer.objects.filter(user=user, is_active=True).exists():
        links.append({"url": reverse("information_mine"), "label": _("My information")})
        links.append({"url": reverse("information_create"), "label": _("Write social-conditions information")})
    staff = scope.is_superuser or bool(scope.staff_committee_ids)
    if staff:
        stats.append({"value": selectors.topic_queue(user).count(), "label": _("Topics awaiting review"),
                      "url": reverse("topic_review_queue"), "alert": True})
        coming = selectors.consultations_for(user).filter(
            status__in=[SessionStatus.PLANNED, SessionStatus.ANNOUNCED, SessionStatus.OPEN],
            ends_at__gte=timezone.now())
        if not scope.is_superuser:
            coming = coming.filter(committee_id__in=scope.staff_committee_ids)
        stats.append({"value": coming.count(), "label": _("Sessions coming"),
                      "url": reverse("consultation_list") + "?status=announced"})
    if scope.is_superuser or scope.oversight_committee_ids:
        drafts = selectors.results_for(user).filter(status=ResultStatus.DRAFT)
        if not scope.is_superuser:
            drafts = drafts.filter(committee_id__in=scope.oversight_committee_ids)
        stats.append({"value": drafts.count(), "label": _("Results awaiting approval"),
                      "url": reverse("result_list") + "?status=draft", "alert": True})
    if not stats and not links:
        return None
    return {"template": "consultations/home_section.html", "stats": stats, "links": links,
            "invitations": invitations}
