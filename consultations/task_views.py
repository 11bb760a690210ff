"""Pages of democratic supervision (民主监督), research (调研) and inspection (视察) tasks and
their activities with attendance; the calendar of sessions and activities with its secret
iCalendar feed; the statistics of consultation work and their Excel export.

What a user sees is always a selector's queryset (outside it, 404); every step is a service
call (consultations.services.supervision / consultations), whose refusal shows next to the
form's fields or as a message."""

from __future__ import annotations

import calendar as monthcal
import datetime as dt
import re
from collections import defaultdict
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView, View

from cppcc_portal.core import audit
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.exports import xlsx_response
from cppcc_portal.core.views import (
    TIMELINE_LIMIT,
    FilteredListView,
    ServiceFormView,
    add_service_errors,
    entry_row,
    refuse,
    register_action_labels,
    run_step,
)
from members.models import Committee
from members.selectors import committees_for, manageable_committees_for, scope_for
from proposals.views import OversightOnlyMixin, StatusAsSelect, _crumbs, _require_staff

from . import selectors, task_forms as forms
from .choices import Attendance, TaskStatus, TeamRole
from .filtersets import TaskFilterSet
from .ical import calendar_ics
from .models import Activity, CalendarFeed, FollowUp, Instruction, Participant, Task, TeamMember
from .services import consultations as cs, supervision as sv
from .services.common import is_leader, is_staff
from .statistics import consultation_statistics, statistics_rows

# The labels of steps shared with sessions (participants, instructions, follow-up) are
# registered once, in consultation_views.
register_action_labels({
    "task.create": gettext_lazy("Task created"),
    "task.update": gettext_lazy("Task changed"),
    "task.team": gettext_lazy("Team set"),
    "task.start": gettext_lazy("Started"),
    "task.findings": gettext_lazy("Findings written"),
    "task.report": gettext_lazy("Report submitted"),
    "task.carry_over": gettext_lazy("Carried over into the next year"),
    "task.conclude": gettext_lazy("Concluded"),
    "task.return": gettext_lazy("Final report sent back"),
    "activity.create": gettext_lazy("Activity recorded"),
    "activity.update": gettext_lazy("Activity changed"),
})

FEED_DAYS_BACK = 60
FEED_DAYS_AHEAD = 365
MONTH = re.compile(r"(\d{4})-(\d{1,2})")




def _leads(user, task: Task) -> bool:
    """Whether the user leads the task's team (the lead records activities, findings, reports)."""
    return user.is_authenticated and task.team.filter(role=TeamRole.LEAD, member__user=user).exists()


def _timeline(request, obj, *, governed_by) -> dict:
    """The audit timeline of a task or an activity for those who may read the audit log of the
    task (``governed_by``). The services record a few changes under names that are no field of
    the object ("team", "attendance"): they are shown with their own labels and values."""
    if not request.user.has_perm("members.view_audit", governed_by):
        return {"timeline": None}
    entries = list(audit.timeline(obj)[:TIMELINE_LIMIT + 1])
    attendance = {value: str(label) for value, label in Attendance.choices}
    for entry in entries:
        changes = dict(entry.changes or {})
        if "team" in changes:
            changes["team members"] = changes.pop("team")
        if isinstance(changes.get("attendance"), dict):
            changes["attendance"] = {k: attendance.get(v, v) for k, v in changes["attendance"].items()}
        entry.changes = changes
    labels = {"team members": _("Team"), "attendance": _("Attendance")}
    rows = [entry_row(entry, type(obj), labels) for entry in entries[:TIMELINE_LIMIT]]
    return {"timeline": rows, "timeline_truncated": len(entries) > TIMELINE_LIMIT}


def section_tabs(request) -> list[dict]:
    """The sub-navigation of these pages: what this user's roles work with."""
    scope = scope_for(request.user)
    items = [("task_list", _("Supervision and research"))]
    if scope.is_superuser or scope.staff_committee_ids:
        items.append(("task_create", _("New task")))
    items.append(("consultation_calendar", _("Calendar")))
    if scope.is_superuser or scope.oversight_committee_ids:
        items.append(("consultation_statistics", _("Statistics")))
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


# --- the list -------------------------------------------------------------------------------------


class TaskListFilterSet(StatusAsSelect, TaskFilterSet):
    pass


class TaskListView(TabsMixin, FilteredListView):
    """Staff and leaders: every task of their committees; members: their committees' tasks once
    started and those they are on; liaisons: tasks their department works on."""

    template_name = "consultations/task_list.html"
    selector = selectors.tasks_for
    filterset_class = TaskListFilterSet
    title = gettext_lazy("Supervision and research")

    def decorate(self, queryset):
        leads = TeamMember.objects.filter(role=TeamRole.LEAD).select_related("member")
        return queryset.prefetch_related(Prefetch("team", queryset=leads, to_attr="leads")) \
            .defer("description", "plan", "findings").order_by("-start_year", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        context["can_create"] = scope.is_superuser or bool(scope.staff_committee_ids)
        return context


# --- writing a task -------------------------------------------------------------------------------


class TaskFormMixin(TabsMixin):
    form_class = forms.TaskForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["task"] = self.object
        if self.object is None:
            kwargs["committees"] = manageable_committees_for(self.request.user).order_by("path", "pk")
        return kwargs

    def save(self, form):
        data = form.cleaned_data
        values = {k: data.get(k) for k in ("category", "supervision_kind", "title", "description", "plan",
                                           "organiser", "start_year", "end_year", "deadline")}
        values["partners"] = list(data.get("partners") or [])
        if self.object is None:
            return sv.task_save(actor=self.request.user, committee=data["committee"], **values)
        return sv.task_save(actor=self.request.user, task=self.object, **values)

    def get_success_url(self, obj=None):
        return reverse("task_detail", args=[obj.pk])


class TaskCreateView(TaskFormMixin, ServiceFormView):
    title = gettext_lazy("New supervision or research task")
    submit_label = gettext_lazy("Create")
    success_message = gettext_lazy("The task is created. Set its team, then start it.")

    def check_permission(self):
        _require_staff(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("task_list"), _("Supervision and research")))
        return context


class TaskEditView(TaskFormMixin, ServiceFormView):
    def get_object(self):
        return get_object_or_404(selectors.tasks_for(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self):
        if not is_staff(self.request.user, self.object):
            raise PermissionDenied(_("Only staff of this committee may change the task."))
        if self.object.status == TaskStatus.CONCLUDED:
            raise PermissionDenied(_("The task is concluded."))

    def get_initial(self):
        t = self.object
        return {"category": t.category, "supervision_kind": t.supervision_kind, "title": t.title,
                "description": t.description, "plan": t.plan, "organiser": t.organiser_id,
                "partners": [d.pk for d in t.partners.all()], "start_year": t.start_year, "end_year": t.end_year,
                "deadline": t.deadline}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Change: %(t)s") % {"t": self.object.title}
        context["breadcrumbs"] = _crumbs((reverse("task_list"), _("Supervision and research")),
                                         (reverse("task_detail", args=[self.object.pk]), self.object.title))
        return context


# --- one task -------------------------------------------------------------------------------------

# The steps of the task page (each but "start" with its form), and the flag that shows its form.
TASK_ACTIONS = ("team", "start", "activity", "findings", "report", "carry_over", "conclude", "return",
                "instruction", "follow_up")
PANEL_FLAGS = {"instruction": "can_instruct"}


class TaskDetailView(LoginRequiredMixin, TabsMixin, TemplateView):
    """A task with its team, activities, findings and reports per year, leader instructions and
    follow-up, and the steps each role may take from here."""

    template_name = "consultations/task_detail.html"

    def get_object(self) -> Task:
        qs = selectors.tasks_for(self.request.user).select_related("created_by").prefetch_related("partners")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    # --- roles and forms ---

    def roles(self) -> dict:
        user, task = self.request.user, self.object
        staff = is_staff(user, task)
        lead = _leads(user, task)
        mine = scope_for(user).department_ids & {d.pk for d in task.partners.all()}
        open_ = task.status != TaskStatus.CONCLUDED
        running = task.status in (TaskStatus.ACTIVE, TaskStatus.REPORTED)
        reported = task.status in (TaskStatus.REPORTED, TaskStatus.CONCLUDED) or task.reports.exists()
        return {
            "is_staff": staff,
            "is_lead": lead,
            "can_edit": staff and open_,
            "can_team": staff and open_,
            "can_start": staff and task.status == TaskStatus.PLANNED,
            "can_activity": (staff or lead) and running,
            "can_findings": (staff or lead) and open_,
            "can_report": (staff or lead) and task.status == TaskStatus.ACTIVE,
            "can_carry_over": staff and task.status == TaskStatus.ACTIVE,
            "can_conclude": staff and task.status == TaskStatus.REPORTED,
            "can_return": staff and task.status == TaskStatus.REPORTED,
            "can_instruct": (staff or is_leader(user, task)) and reported,
            "can_follow_up": (staff or bool(mine)) and task.status != TaskStatus.PLANNED,
            "department_ids": None if staff else mine,
        }

    def make_form(self, action: str, data=None, roles=None):
        task = self.object
        kwargs = {"prefix": action}
        if action == "team":
            return forms.TeamForm(data, task=task, **kwargs)
        if action == "activity":
            return forms.ActivityForm(data, **kwargs)
        if action == "findings":
            return forms.FindingsForm(data, initial={"findings": task.findings}, **kwargs)
        if action == "report":
            return forms.ReportForm(data, task=task, **kwargs)
        if action in ("carry_over", "return"):
            return forms.NoteForm(data, **kwargs)
        if action == "conclude":
            return forms.NoteForm(data, required=False, **kwargs)
        if action == "instruction":
            return forms.InstructionForm(data, **kwargs)
        if action == "follow_up":
            roles = roles or self.roles()
            return forms.FollowUpForm(data, task=task, department_ids=roles["department_ids"], **kwargs)
        return None

    def step(self, action: str, data: dict):
        """The service call of ``action`` with the form's cleaned data, and its success message."""
        user, task = self.request.user, self.object
        if action == "team":
            sv.team_set(actor=user, task=task, lead=data["lead"], members=list(data["members"]))
            return None, _("The team is set; its members are told.")
        if action == "start":
            sv.task_start(actor=user, task=task)
            return None, _("The task is under way.")
        if action == "activity":
            activity = sv.activity_save(actor=user, task=task, kind=data["kind"], title=data["title"],
                                        starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"],
                                        summary=data["summary"])
            return reverse("activity_detail", args=[activity.pk]), _(
                "The activity is recorded with the team as its participants; record their attendance here.")
        if action == "findings":
            sv.task_findings_save(actor=user, task=task, findings=data["findings"])
            return None, _("The findings are saved.")
        if action == "report":
            report = sv.task_report_submit(actor=user, task=task, year=data["year"], kind=data["kind"],
                                           title=data["title"], text_=data["text"])
            if report.kind == "final":
                return None, _("The final report is submitted; staff will conclude the task.")
            return None, _("The report is submitted.")
        if action == "carry_over":
            task = sv.task_carry_over(actor=user, task=task, note=data["note"])
            return None, _("The task goes on in %(y)d.") % {"y": task.end_year}
        if action == "conclude":
            sv.task_conclude(actor=user, task=task, note=data["note"])
            return None, _("The task is concluded.")
        if action == "return":
            sv.task_return(actor=user, task=task, note=data["note"])
            return None, _("The final report is sent back; the task is under way again.")
        if action == "instruction":
            cs.instruction_record(actor=user, target=task, leader_name=data["leader_name"],
                                  leader_title=data["leader_title"], level=data["level"],
                                  instructed_on=data["instructed_on"], text_=data["text"])
            return None, _("The instruction is recorded; the team is told.")
        if action == "follow_up":
            cs.follow_up_add(actor=user, target=task, noted_on=data["noted_on"], text_=data["text"],
                             department=data["department"])
            return None, _("The follow-up is recorded.")
        raise Http404  # pragma: no cover - TASK_ACTIONS lists every action

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        action = request.POST.get("action")
        back = redirect("task_detail", pk=self.object.pk)
        if action not in TASK_ACTIONS:
            messages.error(request, _("Unknown action."))
            return back
        form = self.make_form(action, request.POST)
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(bound={action: form}, open_action=action))
        try:
            url, success = self.step(action, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return back
            add_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(bound={action: form}, open_action=action))
        except (Conflict, PermissionDenied) as exc:
            refuse(request, exc)
            return back
        messages.success(request, success)
        return redirect(url) if url else back

    # --- what the page shows ---

    def year_sections(self, task: Task) -> list[dict]:
        """Activities, reports, instructions and follow-up grouped by year: a task across two
        years reads as one section per year."""
        activities = list(task.activities.annotate(
            participant_count=Count("participants"),
            present_count=Count("participants", filter=Q(participants__attendance=Attendance.PRESENT)),
        ).order_by("starts_at", "id"))
        reports = list(task.reports.select_related("submitted_by").order_by("year", "submitted_at", "id"))
        instructions = list(Instruction.objects.filter(task=task).order_by("instructed_on", "id"))
        follow_ups = list(FollowUp.objects.filter(task=task).select_related("department").order_by("noted_on", "id"))
        for activity in activities:
            activity.local_start = timezone.localtime(activity.starts_at)
        years = set(task.years) | {a.local_start.year for a in activities} | {r.year for r in reports} \
            | {i.instructed_on.year for i in instructions} | {f.noted_on.year for f in follow_ups}
        return [{
            "year": year,
            "in_plan": task.start_year <= year <= task.end_year,
            "activities": [a for a in activities if a.local_start.year == year],
            "reports": [r for r in reports if r.year == year],
            "instructions": [i for i in instructions if i.instructed_on.year == year],
            "follow_ups": [f for f in follow_ups if f.noted_on.year == year],
        } for year in sorted(years)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task = self.object
        roles = self.roles()
        bound = kwargs.get("bound") or {}
        team = list(task.team.select_related("member__sector", "member__user"))
        panels = {}
        for action in TASK_ACTIONS:
            if action != "start" and roles[PANEL_FLAGS.get(action, f"can_{action}")]:
                panels[action] = bound.get(action) or self.make_form(action, roles=roles)
        panels.update(bound)
        context.update(roles)
        context.update({
            "task": task,
            "object": task,
            "title": task.title,
            "team": team,
            "team_lead": next((t for t in team if t.role == TeamRole.LEAD), None),
            "partners": list(task.partners.all()),
            "sections": self.year_sections(task),
            "forms": panels,
            "open_action": kwargs.get("open_action"),
            "breadcrumbs": _crumbs((reverse("task_list"), _("Supervision and research"))),
        })
        context.update(_timeline(self.request, task, governed_by=task))
        return context


# --- one activity ---------------------------------------------------------------------------------


class ParticipantListMixin:
    """The POST side of an activity page whose participants are kept like a session's (a task's
    activity, a studio's): sign-in and removal as buttons; attendance, adding people and editing
    the activity as forms (``make_form`` and ``step`` are the page's own)."""

    detail_url_name: str
    participant_field: str  # the Participant column pointing at the page's object

    def participant(self) -> Participant:
        raw = self.request.POST.get("participant") or ""
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(Participant.objects.select_related("member"), pk=raw,
                                 **{self.participant_field: self.object})

    def post(self, request, *args, **kwargs):
        self.object = activity = self.get_object()
        user, action = request.user, request.POST.get("action")
        back = redirect(self.detail_url_name, pk=activity.pk)
        if action == "check_in":
            place = self.participant()
            run_step(request, lambda: cs.participant_check_in(actor=user, participant=place),
                     _("%(n)s is signed in.") % {"n": place.name})
            return back
        if action == "remove":
            place = self.participant()
            run_step(request, lambda: cs.participant_remove(actor=user, participant=place),
                     _("%(n)s is removed from the list.") % {"n": place.name})
            return back
        if action not in ("attendance", "invite", "edit"):
            messages.error(request, _("Unknown action."))
            return back
        place = self.participant() if action == "attendance" else None
        form = self.make_form(action, request.POST, place)
        key = f"att-{place.pk}" if place else action
        if form.is_valid():
            try:
                success = self.step(action, form.cleaned_data, place)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except (Conflict, PermissionDenied) as exc:
                refuse(request, exc)
                return back
            else:
                messages.success(request, success)
                return back
        return self.render_to_response(self.get_context_data(bound={key: form}, open_action=action))


class ActivityDetailView(ParticipantListMixin, LoginRequiredMixin, TemplateView):
    """An activity of a task: what it was, its participants with their attendance (recorded as
    for a session), sign-in, and adding participants."""

    template_name = "consultations/activity_detail.html"
    detail_url_name, participant_field = "activity_detail", "activity"

    def get_object(self) -> Activity:
        qs = selectors.activities_for(self.request.user).select_related("task__committee", "created_by")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def make_form(self, action: str, data=None, place: Participant | None = None):
        if action == "attendance":
            return forms.AttendanceForm(data, prefix=f"att-{place.pk}")
        if action == "invite":
            return forms.InviteForm(data, activity=self.object, prefix="invite")
        return forms.ActivityForm(data, prefix="edit")

    def step(self, action: str, data: dict, place: Participant | None) -> str:
        """The service call of ``action`` with the form's cleaned data; returns the success message."""
        user, activity = self.request.user, self.object
        if action == "attendance":
            cs.attendance_record(actor=user, participant=place, attendance=data["attendance"], note=data["note"])
            return _("Attendance of %(n)s is recorded.") % {"n": place.name}
        if action == "invite":
            cs.participants_invite(actor=user, event=activity, members=list(data["members"]), guests=data["guests"])
            return _("The participants are added.")
        sv.activity_save(actor=user, activity=activity, kind=data["kind"], title=data["title"],
                         starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"],
                         summary=data["summary"])
        return _("The activity is saved.")


    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity, user = self.object, self.request.user
        task = activity.task
        bound = kwargs.get("bound") or {}
        staff = is_staff(user, task)
        lead = _leads(user, task)
        running = task.status in (TaskStatus.ACTIVE, TaskStatus.REPORTED)
        is_over = activity.ends_at < timezone.now()  # its list of participants then stays as it was
        places = list(activity.participants.select_related("member__sector", "department").order_by("id"))
        for place in places:
            place.is_mine = (place.member.user_id if place.member_id else place.user_id) == user.pk
            if staff:
                place.form = bound.get(f"att-{place.pk}") or forms.AttendanceForm(
                    prefix=f"att-{place.pk}", initial={"attendance": place.attendance or Attendance.PRESENT,
                                                       "note": place.response_note})
        counts = {value: sum(1 for p in places if p.attendance == value) for value in Attendance.values}
        context.update({
            "activity": activity,
            "task": task,
            "object": activity,
            "title": activity.title,
            "places": places,
            "counts": counts,
            "is_staff": staff,
            "can_edit": (staff or lead) and running,
            "edit_form": (bound.get("edit") or forms.ActivityForm(activity=activity, prefix="edit"))
            if (staff or lead) and running else None,
            "is_over": is_over,
            "invite_form": (bound.get("invite") or forms.InviteForm(activity=activity, prefix="invite"))
            if staff and not is_over else None,
            "open_action": kwargs.get("open_action"),
            "local_start": timezone.localtime(activity.starts_at),
            "local_end": timezone.localtime(activity.ends_at),
            "breadcrumbs": _crumbs((reverse("task_list"), _("Supervision and research")),
                                   (reverse("task_detail", args=[task.pk]), task.title)),
        })
        context.update(_timeline(self.request, activity, governed_by=task))
        return context


# --- the calendar and its feed ---------------------------------------------------------------------


def _month(value: str | None) -> dt.date:
    """The first day of ``YYYY-MM``, or of this month when the value is missing or malformed."""
    match = MONTH.fullmatch((value or "").strip())
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return timezone.localdate().replace(day=1)


def _shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class ConsultationCalendarView(LoginRequiredMixin, TabsMixin, TemplateView):
    """A month of the sessions and task activities the user may see (a grid on a wide screen,
    a list on a phone), and the secret address to subscribe to it from a phone's calendar."""

    template_name = "consultations/calendar_month.html"

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        back = f"{reverse('consultation_calendar')}?month={_month(request.POST.get('month')):%Y-%m}#subscribe"
        if action not in ("create", "reset"):
            messages.error(request, _("Unknown action."))
            return redirect(back)
        cs.calendar_feed_token(actor=request.user, reset=action == "reset")
        messages.success(request, _("Your new subscription address is below; the old one no longer works.")
                         if action == "reset" else _("Your subscription address is below."))
        return redirect(back)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        first = _month(self.request.GET.get("month"))
        weeks = monthcal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        grid_start, grid_end = weeks[0][0], weeks[-1][-1]
        events = selectors.calendar_events(user, _aware(grid_start), _aware(grid_end + dt.timedelta(days=1)))
        by_day: dict[dt.date, list[dict]] = defaultdict(list)
        for event in events:
            start, end = timezone.localtime(event["starts_at"]), timezone.localtime(event["ends_at"])
            event["local_start"], event["local_end"] = start, end
            last = end.date()
            if last > start.date() and end.time() == dt.time.min:
                last -= dt.timedelta(days=1)  # ending at midnight does not take the next day
            day = max(start.date(), grid_start)
            while day <= min(last, grid_end):
                by_day[day].append(event)
                day += dt.timedelta(days=1)
        today = timezone.localdate()
        grid = [[{"date": day, "in_month": day.month == first.month, "is_today": day == today,
                  "events": by_day.get(day, [])} for day in week] for week in weeks]
        days = [{"date": day, "is_today": day == today, "events": by_day[day]}
                for day in sorted(by_day) if day.month == first.month and day.year == first.year]
        feed = CalendarFeed.objects.filter(user=user).first()
        feed_url = webcal_url = ""
        if feed is not None:
            feed_url = self.request.build_absolute_uri(reverse("consultation_calendar_feed", args=[feed.token]))
            webcal_url = "webcal://" + feed_url.split("://", 1)[1]
        context.update({
            "title": _("Calendar"),
            "month": first,
            "month_value": f"{first:%Y-%m}",
            "previous_month": f"{_shift(first, -1):%Y-%m}",
            "next_month": f"{_shift(first, 1):%Y-%m}",
            "this_month": f"{today:%Y-%m}",
            "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
            "grid": grid,
            "days": days,
            "event_count": sum(1 for e in events if timezone.localtime(e["starts_at"]).month == first.month
                               or timezone.localtime(e["ends_at"]).month == first.month),
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": webcal_url,
        })
        return context


@require_safe
def calendar_feed(request, token: str):
    """The iCalendar feed behind a secret address: no sign-in, the events its owner may see
    from 60 days back to a year ahead. An unknown (or reset) token is a 404."""
    if not token or len(token) > 64:
        raise Http404
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    now = timezone.now()
    events = selectors.calendar_events(feed.user, now - dt.timedelta(days=FEED_DAYS_BACK),
                                       now + dt.timedelta(days=FEED_DAYS_AHEAD))
    root = request.build_absolute_uri("/")
    owner = feed.user.get_full_name() or feed.user.get_username()
    body = calendar_ics(events, name=_("Meetings and activities of %(name)s") % {"name": owner},
                        host=urlsplit(root).hostname, base_url=root)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- statistics -----------------------------------------------------------------------------------


def _statistics_query(request) -> tuple[forms.StatisticsForm, int, Committee | None]:
    user = request.user
    scope = scope_for(user)
    committees = committees_for(user) if scope.is_superuser else Committee.objects.filter(
        pk__in=scope.oversight_committee_ids)
    year, committee = timezone.localdate().year, None
    data = None
    if request.GET:
        data = request.GET.copy()
        data.setdefault("year", str(year))  # the year shown is the year counted
    form = forms.StatisticsForm(data, committees=committees.order_by("path", "pk"))
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        committee = form.cleaned_data["committee"]
    return form, year, committee


class StatisticsView(OversightOnlyMixin, TabsMixin, LoginRequiredMixin, TemplateView):
    """A year's figures of consultation, supervision and information work, as the work report
    gives them, for one committee or all the user oversees."""

    template_name = "consultations/statistics_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, year, committee = _statistics_query(self.request)
        context.update({
            "title": _("Consultation statistics"),
            "form": form,
            "year": year,
            "committee": committee,
            "stats": consultation_statistics(self.request.user, year=year, committee=committee),
        })
        return context


class StatisticsExportView(OversightOnlyMixin, LoginRequiredMixin, View):
    """The same figures as an Excel sheet (section, item, figure)."""

    def get(self, request, *args, **kwargs):
        _form, year, committee = _statistics_query(request)
        figures = consultation_statistics(request.user, year=year, committee=committee)
        name = (committee.short_name or committee.name) if committee else _("All committees")
        title = _("Consultation statistics")
        return xlsx_response(f"{title} {name} {year}.xlsx", [_("Section"), _("Item"), _("Figure")],
                             statistics_rows(figures), title=f"{year}")
