"""Pages of the platform pieces (working-day calendar, notification inbox, sign-in) and the
building blocks every app's pages use: filtered and paginated lists over a selector, forms
that write through a service, and the audit timeline of an object."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from . import audit, notifications, services, workdays
from .errors import Conflict
from .forms import CalendarDayForm, CalendarYearForm, WorkdayCalculatorForm
from .models import AuditEntry, CalendarDay, CalendarYear, Notification

# --- the audit timeline -------------------------------------------------------------------------

# What each audited action is called on a timeline. Apps add theirs with register_action_labels;
# an action without a label shows its code.
ACTION_LABELS: dict[str, str] = {
    "calendar_day.set": gettext_lazy("Calendar day set"),
    "calendar_day.delete": gettext_lazy("Calendar day removed"),
    "calendar_year.confirm": gettext_lazy("Calendar year confirmed"),
}
TIMELINE_LIMIT = 100


def register_action_labels(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


def _display_value(field, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def timeline_rows(obj: Model, limit: int = TIMELINE_LIMIT, labels: dict | None = None) -> tuple[list[dict], bool]:
    """The object's audit entries ready for display: field names become their translated
    labels (``labels`` overrides some) and stored choice values their display names.
    Returns (rows, truncated)."""
    entries = list(audit.timeline(obj)[: limit + 1])
    return [entry_row(entry, type(obj), labels) for entry in entries[:limit]], len(entries) > limit


def entry_row(entry: AuditEntry, model: type[Model], labels: dict | None = None) -> dict:
    """One audit entry for display, its fields labelled by ``model``'s verbose names."""
    opts = model._meta
    is_create = entry.action.endswith((".create", ".grant"))
    changes = []
    for name, change in (entry.changes or {}).items():
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            field, label = None, name
        else:
            if hasattr(field, "verbose_name"):
                label = capfirst(field.verbose_name)
            else:  # a reverse relation (a task's team): named by the related model
                field, label = None, capfirst(field.related_model._meta.verbose_name_plural)
        label = (labels or {}).get(name, label)
        before = change.get("before") if isinstance(change, dict) else None
        after = change.get("after") if isinstance(change, dict) else change
        if is_create and after in (None, "", []):
            continue  # a new record's empty fields say nothing
        changes.append({
            "label": label,
            "before": _display_value(field, before),
            "after": _display_value(field, after),
        })
    return {
        "created_at": entry.created_at,
        "actor": entry.actor_repr,
        "action": ACTION_LABELS.get(entry.action, entry.action),
        "target": entry.target_repr,
        "is_create": is_create,
        "changes": changes,
        "note": entry.note,
    }


def calendar_changes(limit: int = 10) -> list[dict]:
    """The latest edits of the working-day calendar, for staff."""
    entries = AuditEntry.objects.filter(
        target_type__in=[ContentType.objects.get_for_model(CalendarDay), ContentType.objects.get_for_model(CalendarYear)]
    ).order_by("-created_at", "-id")[:limit]
    return [entry_row(e, CalendarDay if e.action.startswith("calendar_day") else CalendarYear) for e in entries]


def timeline_context(request, obj: Model, permission: str = "members.view_audit", labels: dict | None = None) -> dict:
    """``timeline`` is None (section hidden) for users who may not read the audit log."""
    if not request.user.has_perm(permission, obj):
        return {"timeline": None}
    rows, truncated = timeline_rows(obj, labels=labels)
    return {"timeline": rows, "timeline_truncated": truncated}


# --- building blocks for pages ----------------------------------------------------------------------


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where the form has the field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                for message in error.messages:
                    if target is None and field not in ("__all__", None) and field not in form.fields:
                        form.add_error(None, message)
                    else:
                        form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def refuse(request, exc) -> None:
    """A refused step (wrong state, not allowed) as an error message."""
    messages.error(request, getattr(exc, "message", None) or str(exc) or _("You may not do this."))


def run_step(request, step: Callable[[], object], success: str) -> bool:
    """Run one service step from a button: done, a success message; refused (bad input, the
    wrong state, not allowed), the reason as an error message. Returns whether it was done."""
    try:
        step()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (Conflict, PermissionDenied) as exc:
        refuse(request, exc)
    else:
        messages.success(request, success)
        return True
    return False


class FilteredListView(LoginRequiredMixin, TemplateView):
    """A list over ``selector(user)`` narrowed by ``filterset_class`` (the same FilterSet the API
    uses), paginated. The page costs a fixed number of queries: the selector select_related
    what rows show, and ``decorate`` may add prefetching."""

    selector: Callable = None  # type: ignore[assignment]
    filterset_class = None
    page_sizes = (20, 50)
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset_class(self.request.GET or None, queryset=self.get_queryset(), request=self.request)
        tune_filter_form(filterset.form)
        paginator = Paginator(self.decorate(filterset.qs), self.get_per_page())
        page = paginator.get_page(self.request.GET.get("page"))
        active = 0
        if filterset.is_bound and filterset.form.is_valid():
            active = sum(1 for value in filterset.form.cleaned_data.values() if value not in (None, "", [], ()))
        context.update({
            "title": self.title,
            "filter": filterset,
            "filters_active": active,
            "page_obj": page,
            "object_list": page.object_list,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "per_page": paginator.per_page,
            "default_per_page": self.page_sizes[0],
            "page_sizes": self.page_sizes,
        })
        return context


def tune_filter_form(form: forms.Form) -> None:
    """Filter forms read better with "All" than with dashes or "Unknown"."""
    for name, field in form.fields.items():
        if isinstance(field, forms.NullBooleanField):
            field.widget = forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))])
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            continue
        elif hasattr(field, "empty_label"):
            # django-filter's choice iterators read the label when the select renders
            field.empty_label = _("All")
            field.widget.choices = field.choices
        elif isinstance(field, forms.ChoiceField):
            field.choices = [("", _("All"))] + [c for c in field.choices if c[0] != ""]
        if name == "q":
            field.widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Name, keyword …")})


class ServiceFormView(LoginRequiredMixin, FormView):
    """A create or edit form whose valid data is handed to a service. The service's
    ValidationError lands on the form field by field; a Conflict becomes an error message."""

    template_name = "form.html"
    title = ""
    submit_label = gettext_lazy("Save")
    success_message = gettext_lazy("Saved.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        self.check_permission()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return None

    def check_permission(self) -> None:
        """Raise PermissionDenied unless the user may submit this form."""

    def save(self, form):
        raise NotImplementedError

    def get_success_url(self, obj=None):
        return obj.get_absolute_url()  # pragma: no cover - views override

    def get_cancel_url(self) -> str:
        """Empty: the page's last breadcrumb (the list or the object) is the way back."""
        return ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        try:
            obj = self.save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        except Conflict as exc:
            messages.error(self.request, exc.message)
            return self.form_invalid(form)
        if isinstance(obj, HttpResponseRedirect) or hasattr(obj, "status_code"):
            return obj
        message = self.get_success_message(obj)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url(obj))

    def get_success_message(self, obj) -> str:
        return str(self.success_message)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("title", self.title)
        context.setdefault("object", self.object)
        context.setdefault("submit_label", self.submit_label)
        context.setdefault("cancel_url", self.get_cancel_url())
        return context


# --- sign-in --------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"


# --- notifications ------------------------------------------------------------------------------------


class NotificationListView(LoginRequiredMixin, TemplateView):
    template_name = "core/notifications.html"
    page_sizes = (20, 50)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show = "unread" if self.request.GET.get("show") == "unread" else "all"
        qs = Notification.objects.filter(recipient=self.request.user)
        if show == "unread":
            qs = qs.filter(read_at__isnull=True)
        try:
            per_page = int(self.request.GET.get("per_page", 20))
        except ValueError:
            per_page = 20
        per_page = per_page if per_page in self.page_sizes else 20
        paginator = Paginator(qs, per_page)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update({
            "title": _("Notifications"),
            "show": show,
            "page_obj": page,
            "object_list": page.object_list,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "per_page": per_page,
            "page_sizes": self.page_sizes,
        })
        return context


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def notifications_mark_read(request):
    """Mark one (``id``) or all of the user's notifications as read."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={reverse('notification_list')}")
    raw_id = request.POST.get("id")
    if raw_id:
        try:
            ids = [int(raw_id)]
        except ValueError:
            ids = []
        notifications.notifications_mark_read(actor=request.user, ids=ids)
    else:
        marked = notifications.notifications_mark_read(actor=request.user)
        if marked:
            messages.success(request, _("All notifications are marked as read."))
    return redirect(_safe_next(request, reverse("notification_list")))


@require_POST
def notification_open(request, pk: int):
    """Mark a notification read and follow its link (only links within this site)."""
    if not request.user.is_authenticated:
        return redirect(reverse(settings.LOGIN_URL))
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.notifications_mark_read(actor=request.user, ids=[note.pk])
    target = note.url or ""
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure()):
        target = reverse("notification_list")
    return redirect(target)


# --- the working-day calendar --------------------------------------------------------------------------


class CalendarView(LoginRequiredMixin, TemplateView):
    """A year of public holidays and make-up workdays, which years are known, and a small
    "N working days after D" calculator. Staff edit the calendar here."""

    template_name = "core/calendar.html"

    def get_year(self) -> int:
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = timezone.localdate().year
        return min(max(year, services.MIN_YEAR), services.MAX_YEAR)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = self.get_year()
        days = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
        known = {y.year: y for y in CalendarYear.objects.all()}
        years_with_days = {d.year for d in CalendarDay.objects.dates("date", "year")}
        this_year = timezone.localdate().year
        shown_years = sorted(
            y for y in set(known) | years_with_days | {year, this_year} if y >= this_year - 3 or y == year
        )
        can_edit = user.has_perm("core.manage_calendar")
        calc = WorkdayCalculatorForm(self.request.GET if "start" in self.request.GET else None)
        explanation = None
        if calc.is_bound and calc.is_valid():
            explanation = workdays.explain_workdays(calc.cleaned_data["start"], calc.cleaned_data["n"])
        holidays = [d for d in days if d.kind == CalendarDay.Kind.HOLIDAY]
        makeups = [d for d in days if d.kind == CalendarDay.Kind.WORKDAY]
        context.update({
            "title": _("Working-day calendar"),
            "year": year,
            "year_entry": known.get(year),
            "years": [{"year": y, "known": y in known} for y in shown_years],
            "holidays": holidays,
            "holiday_groups": _group_by_name(holidays),
            "makeups": makeups,
            "can_edit": can_edit,
            "calc_form": calc,
            "explanation": explanation,
            "day_form": kwargs.get("day_form") or CalendarDayForm(initial={"kind": CalendarDay.Kind.HOLIDAY}),
            "year_form": kwargs.get("year_form") or CalendarYearForm(initial={"year": year}),
            "today": timezone.localdate(),
        })
        context["day_count"] = len(days)
        if can_edit:
            context["recent_changes"] = calendar_changes()
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("core.manage_calendar"):
            raise PermissionDenied
        action = request.POST.get("action")
        year = self.get_year()
        back = f"{reverse('calendar')}?year={year}"
        if action == "set_day":
            form = CalendarDayForm(request.POST)
            if form.is_valid():
                try:
                    day = services.calendar_day_set(actor=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("%(date)s is now recorded as: %(kind)s.") % {
                        "date": day.date.isoformat(), "kind": day.get_kind_display()})
                    return redirect(f"{reverse('calendar')}?year={day.date.year}")
            return self.render_to_response(self.get_context_data(day_form=form))
        if action == "delete_day":
            try:
                date = dt.date.fromisoformat(request.POST.get("date", ""))
                services.calendar_day_delete(actor=request.user, date=date)
            except ValueError:
                messages.error(request, _("That is not a valid date."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(date)s is an ordinary day again.") % {"date": date.isoformat()})
            return redirect(back)
        if action == "confirm_year":
            form = CalendarYearForm(request.POST)
            if form.is_valid():
                try:
                    entry = services.calendar_year_confirm(actor=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The calendar of %(year)d is confirmed as complete.") % {
                        "year": entry.year})
                    return redirect(f"{reverse('calendar')}?year={entry.year}")
            return self.render_to_response(self.get_context_data(year_form=form))
        messages.error(request, _("Unknown action."))
        return redirect(back)


def _group_by_name(days: list[CalendarDay]) -> list[dict]:
    """Consecutive holidays of the same name as one row: 春节 2025-01-28 – 2025-02-04 (8 days)."""
    groups: list[dict] = []
    for day in days:
        last = groups[-1] if groups else None
        if last and last["name"] == day.name and (day.date - last["end"]).days <= 1:
            last["end"] = day.date
            last["count"] += 1
        else:
            groups.append({"name": day.name, "start": day.date, "end": day.date, "count": 1})
    return groups
