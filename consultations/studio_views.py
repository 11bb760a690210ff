"""Pages of the member studios (委员工作室): for the public, without an account, the list of
studios, a studio's page with who is on duty this week and the concern form, the thank-you
page with the tracking code, and the public status page of a concern; for those who run a
studio (its members and committee staff), the studio's work: incoming concerns, the duty
roster, activities with attendance and the quarterly follow-up meeting, and one concern's
handling (assign, answer, take up as a micro-suggestion, proposal draft or social-conditions
item, close).

What a user sees is always a selector's queryset (outside it, 404); every step is a service
call (consultations.services.studios, and .consultations for attendance), whose refusal shows
next to the form's fields or as a message. The public status page shows only what
services.studios.concern_public_status gives: never a name or phone."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView, View

from cppcc_portal.core import audit
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.views import (
    TIMELINE_LIMIT,
    FilteredListView,
    add_service_errors,
    entry_row,
    refuse,
    register_action_labels,
    run_step,
)
from members.models import Studio
from proposals.choices import CaseKind
from proposals.services.handling import case_url
from proposals.views import StatusAsSelect, _crumbs

from . import filtersets, selectors, studio_forms as forms
from .choices import CONCERN_TRANSITIONS, Attendance, ConcernStatus, StudioActivityKind
from .models import Concern, Participant, StudioActivity
from .services import consultations as cs, studios as ss
from .services.common import is_staff
from .task_views import ParticipantListMixin

register_action_labels({
    "concern.submit": gettext_lazy("Concern received"),
    "concern.assign": gettext_lazy("Given to a member"),
    "concern.reply": gettext_lazy("Answered"),
    "concern.convert": gettext_lazy("Taken up by a member"),
    "concern.close": gettext_lazy("Closed"),
    "shift.add": gettext_lazy("Duty shift added"),
    "shift.remove": gettext_lazy("Duty shift removed"),
    "studio_activity.create": gettext_lazy("Studio activity recorded"),
    "studio_activity.update": gettext_lazy("Studio activity changed"),
})

ROSTER_WEEKS = 5  # this week and the next four
THANKS_KEY = "studio_concern_sent"
CONCERNS_PER_PAGE = 20
STUDIOS_PER_PAGE = 50
ACTIVITIES_SHOWN = 20


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _weekday(day: dt.date) -> str:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")][day.weekday()]


def _public(response):
    """Status pages and the thank-you page: not for search engines, not for shared caches."""
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response




def _studio_crumbs(studio: Studio | None = None, *more):
    items = [(reverse("concern_list"), _("Concerns from the public"))]
    if studio is not None:
        items.append((reverse("studio_manage", args=[studio.pk]), studio.name))
    return _crumbs(*items, *more)


def became_url(concern: Concern) -> str:
    """Where the portal shows what the concern became (its own page decides who may read it)."""
    if concern.converted_case_id:
        case = concern.converted_case
        if case.kind == CaseKind.MICRO_SUGGESTION:
            return reverse("micro_suggestion_detail", args=[case.pk])
        return case_url(case)
    if concern.converted_proposal_id:
        return reverse("proposal_detail", args=[concern.converted_proposal_id])
    if concern.converted_information_id:
        return reverse("information_detail", args=[concern.converted_information_id])
    return ""


def became_state(concern: Concern) -> str:
    """How what the concern became stands (its handling or its own status)."""
    for item in (concern.converted_case, concern.converted_proposal, concern.converted_information):
        if item is not None:
            return item.get_status_display()
    return ""


# --- the public ------------------------------------------------------------------------------------


@require_safe
def studio_index(request):
    """Every active studio, with its place and how to reach it (no sign-in)."""
    studios = Studio.objects.filter(is_active=True).select_related("committee", "sector", "lead_member") \
        .order_by("committee__path", "name")
    page = Paginator(studios, STUDIOS_PER_PAGE).get_page(request.GET.get("page"))
    runs = set()
    if request.user.is_authenticated:
        runs = set(selectors.studios_run_by(request.user).filter(pk__in=[s.pk for s in page.object_list])
                   .values_list("pk", flat=True))
    for studio in page.object_list:
        studio.is_mine = studio.pk in runs
    return render(request, "studios/studio_index.html", {
        "title": _("Member studios"),
        "page_obj": page,
        "object_list": page.object_list,
    })


class StudioPublicView(View):
    """A studio's public page: what it is, who is on duty this week, and the concern form.
    Sending the form hands it to services.studios.concern_submit with the client's address
    (core.http.client_address: REMOTE_ADDR, or the address the trusted proxy saw) and how long the form took to fill (from a signed timestamp)."""

    def get_studio(self) -> Studio:
        qs = Studio.objects.filter(is_active=True).select_related("committee", "sector", "lead_member")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def page(self, request, studio: Studio, form: forms.ConcernForm):
        today = timezone.localdate()
        monday = _week_start(today)
        shifts = list(selectors.on_duty(studio, monday, monday + dt.timedelta(days=6))
                      .select_related("member__sector"))
        days = []
        for shift in shifts:
            if not days or days[-1]["date"] != shift.date:
                days.append({"date": shift.date, "weekday": _weekday(shift.date), "is_today": shift.date == today,
                             "shifts": []})
            days[-1]["shifts"].append(shift)
        return render(request, "studios/studio_public.html", {
            "title": studio.name,
            "studio": studio,
            "duty_days": days,
            "week_start": monday,
            "week_end": monday + dt.timedelta(days=6),
            "form": form,
            "can_run": request.user.is_authenticated and ss.can_run_studio(request.user, studio),
        })

    def get(self, request, *args, **kwargs):
        studio = self.get_studio()
        return self.page(request, studio, forms.ConcernForm(studio=studio))

    def post(self, request, *args, **kwargs):
        studio = self.get_studio()
        form = forms.ConcernForm(request.POST, request.FILES, studio=studio)
        if form.is_valid():
            try:
                concern = ss.concern_submit(**form.service_data(request))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session[THANKS_KEY] = {"studio": studio.pk, "code": concern.tracking_code}
                return redirect("studio_concern_thanks", pk=studio.pk)
        form.renew_token_if_forged()
        return self.page(request, studio, form)


@require_safe
def concern_thanks(request, pk: int):
    """After sending: the tracking code, large, and the status page's address. Shown from the
    sender's own session, so the address alone shows nothing."""
    studio = get_object_or_404(Studio.objects.filter(is_active=True), pk=pk)
    sent = request.session.get(THANKS_KEY) or {}
    if sent.get("studio") != studio.pk or not sent.get("code"):
        return redirect("studio_public", pk=studio.pk)
    code = sent["code"]
    status_path = reverse("concern_status", args=[code])
    return _public(render(request, "studios/concern_thanks.html", {
        "title": _("Your concern is received"),
        "studio": studio,
        "code": code,
        "status_path": status_path,
        "status_url": request.build_absolute_uri(status_path),
    }))


@require_safe
def concern_status_lookup(request):
    """Enter a tracking code to open its status page."""
    form = forms.ConcernLookupForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if ss.concern_public_status(code) is not None:
            return redirect("concern_status", code=code)
        form.add_error("code", _("No concern has this tracking code. Check it and try again."))
    return _public(render(request, "studios/concern_lookup.html", {"title": _("Follow your concern"),
                                                                    "form": form}))


@require_safe
def concern_status(request, code: str):
    """The public status page of a concern: its progress, the studio's answer, what it became
    and the departments' released replies. Never the name, phone or place."""
    status = ss.concern_public_status(code[:32])
    if status is None:
        return _public(render(request, "studios/concern_not_found.html",
                              {"title": _("Tracking code not found"), "form": forms.ConcernLookupForm()},
                              status=404))
    steps = [{"label": _("Received"), "at": status["received_at"], "done": True}]
    if status["replied_at"]:
        steps.append({"label": _("The studio answered"), "at": status["replied_at"], "done": True})
    if status["converted_at"]:
        steps.append({"label": _("Taken up by a member"), "at": status["converted_at"], "done": True})
    for reply in status["replies"]:
        steps.append({"label": _("%(d)s replied") % {"d": reply["department"]}, "at": reply["at"], "done": True})
    steps.sort(key=lambda s: s["at"])
    return _public(render(request, "studios/concern_status.html", {
        "title": _("Concern %(code)s") % {"code": status["code"]},
        "status": status,
        "steps": steps,
    }))


# --- the studio's runners: one studio's work ------------------------------------------------------------


class StudioManageView(LoginRequiredMixin, TemplateView):
    """For those who run the studio: its incoming concerns (with a status filter), the duty
    roster of this week and the next four, and its activities."""

    template_name = "studios/studio_manage.html"

    def get_object(self) -> Studio:
        return get_object_or_404(selectors.studios_run_by(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = studio = self.get_object()
        user, action = request.user, request.POST.get("action")
        back = redirect(f"{reverse('studio_manage', args=[studio.pk])}#roster")
        if action == "shift_remove":
            raw = request.POST.get("shift") or ""
            if not raw.isdigit():
                raise Http404
            shift = get_object_or_404(selectors.shifts_for(user).filter(studio=studio), pk=raw)
            run_step(request, lambda: ss.shift_remove(actor=user, shift=shift),
                 _("%(m)s is no longer on duty on %(d)s.") % {"m": shift.member.name, "d": f"{shift.date:%Y-%m-%d}"})
            return back
        if action == "shift_add":
            form = forms.ShiftForm(request.POST, studio=studio, prefix="shift")
        elif action == "activity":
            form = forms.StudioActivityForm(request.POST, prefix="activity")
        else:
            messages.error(request, _("Unknown action."))
            return back
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "shift_add":
                    shift = ss.shift_add(actor=user, studio=studio, member=data["member"], date=data["date"],
                                         period=data["period"], note=data["note"])
                else:
                    activity = ss.studio_activity_save(
                        actor=user, studio=studio, kind=data["kind"], title=data["title"],
                        starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"],
                        summary=data["summary"], quarter=data["quarter"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except (Conflict, PermissionDenied) as exc:
                refuse(request, exc)
                return back
            else:
                if action == "shift_add":
                    messages.success(request, _("%(m)s is on duty on %(d)s (%(p)s).") % {
                        "m": shift.member.name, "d": f"{shift.date:%Y-%m-%d}", "p": shift.get_period_display()})
                    return back
                messages.success(request, _("The activity is recorded with the studio's members as its "
                                            "participants; record their attendance here."))
                return redirect("studio_activity_detail", pk=activity.pk)
        return self.render_to_response(self.get_context_data(bound={action: form}, open_action=action))

    def roster(self, studio: Studio) -> list[dict]:
        today = timezone.localdate()
        monday = _week_start(today)
        end = monday + dt.timedelta(days=7 * ROSTER_WEEKS - 1)
        shifts = list(selectors.shifts_for(self.request.user).filter(studio=studio, date__gte=monday,
                                                                     date__lte=end).select_related("member__sector"))
        weeks = []
        for n in range(ROSTER_WEEKS):
            start = monday + dt.timedelta(days=7 * n)
            days = []
            for i in range(7):
                day = start + dt.timedelta(days=i)
                on = [s for s in shifts if s.date == day]
                if on:
                    days.append({"date": day, "weekday": _weekday(day), "is_today": day == today, "shifts": on})
            weeks.append({"start": start, "end": start + dt.timedelta(days=6), "is_current": n == 0, "days": days})
        return weeks

    def concerns(self, studio: Studio):
        status = self.request.GET.get("status") or ""
        qs = selectors.concerns_for(self.request.user).filter(studio=studio).defer("description")
        if status in ConcernStatus.values:
            qs = qs.filter(status=status)
        else:
            status = ""
        page = Paginator(qs.order_by("-id"), CONCERNS_PER_PAGE).get_page(self.request.GET.get("page"))
        return page, status

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        studio, user = self.object, self.request.user
        bound = kwargs.get("bound") or {}
        page, status = self.concerns(studio)
        counts = dict(selectors.concerns_for(user).filter(studio=studio).order_by().values("status")
                      .annotate(n=Count("id")).values_list("status", "n"))
        activities = list(selectors.studio_activities_for(user).filter(studio=studio).annotate(
            present_count=selectors.count_of(Participant.objects.filter(
                studio_activity_id=OuterRef("pk"), attendance=Attendance.PRESENT)))
            .order_by("-starts_at", "-id")[:ACTIVITIES_SHOWN])
        members = list(forms.studio_members(studio))
        context.update({
            "title": studio.name,
            "studio": studio,
            "object": studio,
            "members": members,
            "concern_page": page,
            "concerns": page.object_list,
            "status": status,
            "statuses": [{"value": v, "label": label, "count": counts.get(v, 0)} for v, label in ConcernStatus.choices],
            "concern_total": sum(counts.values()),
            "weeks": self.roster(studio),
            "activities": activities,
            "shift_form": bound.get("shift_add") or forms.ShiftForm(studio=studio, prefix="shift"),
            "activity_form": bound.get("activity") or forms.StudioActivityForm(prefix="activity"),
            "open_action": kwargs.get("open_action"),
            "is_staff": is_staff(user, studio),
            "breadcrumbs": _studio_crumbs(),
        })
        return context


# --- one concern -------------------------------------------------------------------------------------

CONCERN_ACTIONS = ("assign", "reply", "convert", "close")


class ConcernDetailView(LoginRequiredMixin, TemplateView):
    """A concern for the studio's runners: the person's text, contact and photo, and its
    handling: assign, answer, take up (a member of the studio, in their own name), close."""

    template_name = "studios/concern_detail.html"

    def get_object(self) -> Concern:
        qs = selectors.concerns_for(self.request.user).select_related(
            "studio__committee", "studio__lead_member", "converted_by", "replied_by", "assigned_to__sector")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def roles(self) -> dict:
        concern, user = self.object, self.request.user
        next_steps = CONCERN_TRANSITIONS[concern.status]
        return {
            "can_assign": ConcernStatus.ASSIGNED in next_steps,
            "can_reply": concern.status != ConcernStatus.CLOSED,
            "can_convert": ConcernStatus.CONVERTED in next_steps and ss.is_studio_member(user, concern.studio),
            "can_close": ConcernStatus.CLOSED in next_steps,
        }

    def make_form(self, action: str, data=None):
        concern, kwargs = self.object, {"prefix": action}
        if action == "assign":
            return forms.AssignForm(data, concern=concern, **kwargs)
        if action == "reply":
            return forms.ReplyForm(data, concern=concern, **kwargs)
        if action == "convert":
            return forms.ConvertForm(data, concern=concern, **kwargs)
        return forms.CloseForm(data, **kwargs)

    def step(self, action: str, data: dict) -> str:
        user, concern = self.request.user, self.object
        if action == "assign":
            ss.concern_assign(actor=user, concern=concern, member=data["member"])
            return _("The concern is given to %(m)s.") % {"m": data["member"].name}
        if action == "reply":
            ss.concern_reply(actor=user, concern=concern, reply=data["reply"])
            return _("The answer is saved; the person sees it on the status page.")
        if action == "convert":
            concern = ss.concern_convert(actor=user, concern=concern, to=data["to"], title=data["title"],
                                         category=data["category"])
            return _("The concern is taken up as %(what)s in your name.") % {"what": concern.get_conversion_display()}
        ss.concern_close(actor=user, concern=concern, note=data["note"])
        return _("The concern is closed.")

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        action = request.POST.get("action")
        back = redirect("concern_detail", pk=self.object.pk)
        if action not in CONCERN_ACTIONS:
            messages.error(request, _("Unknown action."))
            return back
        form = self.make_form(action, request.POST)
        if form.is_valid():
            try:
                success = self.step(action, form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except (Conflict, PermissionDenied) as exc:
                refuse(request, exc)
                return back
            else:
                messages.success(request, success)
                return back
        return self.render_to_response(self.get_context_data(bound={action: form}, open_action=action))

    def timeline(self) -> dict:
        entries = list(audit.timeline(self.object)[:TIMELINE_LIMIT + 1])
        rows = [entry_row(entry, Concern) for entry in entries[:TIMELINE_LIMIT]]
        return {"timeline": rows, "timeline_truncated": len(entries) > TIMELINE_LIMIT}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        concern = self.object
        roles = self.roles()
        bound = kwargs.get("bound") or {}
        panels = {action: bound.get(action) or self.make_form(action)
                  for action in CONCERN_ACTIONS if roles[f"can_{action}"]}
        public = ss.concern_public_status(concern.tracking_code) if concern.conversion else None
        context.update(roles)
        context.update({
            "title": _("Concern %(code)s") % {"code": concern.tracking_code},
            "concern": concern,
            "object": concern,
            "studio": concern.studio,
            "forms": panels,
            "open_action": kwargs.get("open_action"),
            "became_url": became_url(concern),
            "became_state": became_state(concern),
            "replies": public["replies"] if public else [],
            "status_path": reverse("concern_status", args=[concern.tracking_code]),
            "breadcrumbs": _studio_crumbs(concern.studio),
        })
        context.update(self.timeline())
        return context


@login_required
@require_safe
def concern_photo(request, pk: int):
    """A concern's photo, for the studio's runners only (re-encoded on upload: JPEG or PNG)."""
    concern = get_object_or_404(selectors.concerns_for(request.user).select_related(None)
                                .only("pk", "photo", "photo_name"), pk=pk)
    if not concern.photo:
        raise Http404
    try:
        handle = concern.photo.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    name = concern.photo.name.lower()
    content_type = "image/png" if name.endswith(".png") else "image/jpeg" if name.endswith(".jpg") else None
    response = FileResponse(handle, as_attachment=content_type is None, filename=concern.photo_name or None,
                            content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response


# --- all concerns of the studios one runs ----------------------------------------------------------------


class ConcernListFilterSet(StatusAsSelect, filtersets.ConcernFilterSet):
    pass


class ConcernListView(FilteredListView):
    """Every concern of the studios the user runs: staff of the committee, the studios'
    members."""

    template_name = "studios/concern_list.html"
    selector = selectors.concerns_for
    filterset_class = ConcernListFilterSet
    title = gettext_lazy("Concerns from the public")

    def decorate(self, queryset):
        return queryset.order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["studios"] = list(selectors.studios_run_by(self.request.user).order_by("committee__path", "name"))
        return context


# --- one studio activity -----------------------------------------------------------------------------------


class StudioActivityDetailView(ParticipantListMixin, LoginRequiredMixin, TemplateView):
    """A studio activity: what it was, its participants with their attendance (recorded as for
    a session), sign-in, adding members; for a quarterly follow-up meeting, the concerns the
    studio received in that quarter, what each became and how it stands."""

    template_name = "studios/studio_activity_detail.html"
    detail_url_name, participant_field = "studio_activity_detail", "studio_activity"

    def get_object(self) -> StudioActivity:
        qs = selectors.studio_activities_for(self.request.user).select_related(
            "studio__committee", "studio__sector", "created_by")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def make_form(self, action: str, data=None, place: Participant | None = None):
        if action == "attendance":
            return forms.AttendanceForm(data, prefix=f"att-{place.pk}")
        if action == "invite":
            return forms.InviteForm(data, activity=self.object, prefix="invite")
        return forms.StudioActivityForm(data, activity=self.object, prefix="edit")

    def step(self, action: str, data: dict, place: Participant | None) -> str:
        user, activity = self.request.user, self.object
        if action == "attendance":
            cs.attendance_record(actor=user, participant=place, attendance=data["attendance"], note=data["note"])
            return _("Attendance of %(n)s is recorded.") % {"n": place.name}
        if action == "invite":
            cs.participants_invite(actor=user, event=activity, members=list(data["members"]))
            return _("The participants are added.")
        ss.studio_activity_save(actor=user, studio=activity.studio, activity=activity, kind=data["kind"],
                                title=data["title"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                                place=data["place"], summary=data["summary"], quarter=data["quarter"])
        return _("The activity is saved.")


    def quarter_rows(self, activity: StudioActivity) -> list[Concern] | None:
        if activity.kind != StudioActivityKind.FOLLOW_UP or not activity.quarter:
            return None
        rows = list(ss.quarter_concerns(activity.studio, activity.quarter))
        for concern in rows:
            concern.became_url = became_url(concern)
            concern.became_state = became_state(concern)
        return rows

    def timeline(self, activity: StudioActivity) -> dict:
        if not self.request.user.has_perm("members.view_audit", activity.studio):
            return {"timeline": None}
        entries = list(audit.timeline(activity)[:TIMELINE_LIMIT + 1])
        rows = [entry_row(entry, StudioActivity) for entry in entries[:TIMELINE_LIMIT]]
        return {"timeline": rows, "timeline_truncated": len(entries) > TIMELINE_LIMIT}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity, user = self.object, self.request.user
        studio = activity.studio
        bound = kwargs.get("bound") or {}
        staff = is_staff(user, studio)
        runs = ss.can_run_studio(user, studio)
        is_over = activity.ends_at < timezone.now()
        places = list(activity.participants.select_related("member__sector").order_by("id"))
        for place in places:
            place.is_mine = (place.member.user_id if place.member_id else place.user_id) == user.pk
            if staff:
                place.form = bound.get(f"att-{place.pk}") or forms.AttendanceForm(
                    prefix=f"att-{place.pk}", initial={"attendance": place.attendance or Attendance.PRESENT,
                                                       "note": place.response_note})
        counts = {value: sum(1 for p in places if p.attendance == value) for value in Attendance.values}
        context.update({
            "activity": activity,
            "studio": studio,
            "object": activity,
            "title": activity.title,
            "places": places,
            "counts": counts,
            "is_staff": staff,
            "can_run": runs,
            "is_over": is_over,
            "edit_form": (bound.get("edit") or self.make_form("edit")) if runs else None,
            "invite_form": (bound.get("invite") or self.make_form("invite")) if staff and not is_over else None,
            "open_action": kwargs.get("open_action"),
            "local_start": timezone.localtime(activity.starts_at),
            "local_end": timezone.localtime(activity.ends_at),
            "quarter_concerns": self.quarter_rows(activity) if runs else None,
            "breadcrumbs": _studio_crumbs(studio) if runs else _crumbs(
                (reverse("studio_public", args=[studio.pk]), studio.name)),
        })
        context.update(self.timeline(activity))
        return context
