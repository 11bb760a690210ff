"""Forms of the member studios' pages: the public concern form and the tracking-code lookup,
and the studio members' work (roster, activities, handling a concern, attendance). They
collect and shape input only: the views hand the cleaned data to consultations.services.studios
(or .consultations for attendance), which decides — lengths, phone format and junk included,
so the public sees the service's own message next to the field.

The concern list's FilterSet, shared with the API, is consultations.filtersets.ConcernFilterSet."""

from __future__ import annotations

import datetime as dt
import time

from django import forms
from django.core import signing
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.forms import DateInput
from cppcc_portal.core.http import client_address
from members.forms import MemberChoiceField, MemberMultipleChoiceField, member_choices, tune_empty_choices
from members.models import Member, Studio
from proposals.models import Category

from .choices import Attendance, ConcernConversion, DutyPeriod, StudioActivityKind
from .models import Concern, StudioActivity
from .task_forms import DATETIME_FORMATS, DateTimeLocalInput

FORM_SALT = "consultations.studio.concern-form"


def _textarea(rows: int, maxlength: int | None = None) -> forms.Textarea:
    attrs = {"rows": rows}
    if maxlength:
        attrs["maxlength"] = maxlength
    return forms.Textarea(attrs=attrs)


def studio_members(studio: Studio):
    """The studio's serving members (its lead and members), for choice fields."""
    return member_choices(studio.committee).filter(
        Q(pk=studio.lead_member_id) | Q(pk__in=studio.members.values("pk")))


# --- the public -------------------------------------------------------------------------------------


def form_token(studio: Studio) -> str:
    """A signed note of when the form was handed out (its age tells a person from a script)."""
    return signing.dumps({"s": studio.pk, "t": time.time()}, salt=FORM_SALT, compress=True)


def seconds_since(token: str, studio: Studio) -> float:
    """How long ago ``token`` was handed out for this studio; 0 for a missing or forged one
    (the service refuses a form sent that fast)."""
    try:
        data = signing.loads(token or "", salt=FORM_SALT)
        issued = float(data["t"])
        if data["s"] != studio.pk:
            return 0.0
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return 0.0
    return max(0.0, time.time() - issued)


class ConcernForm(forms.Form):
    """Anyone's concern, without an account. Nothing is required here: the service says what is
    missing or too long, all at once. ``website`` is a field people never see (a script fills
    it); ``issued`` carries the signed time the form was handed out."""

    name = forms.CharField(label=_("Your name"), required=False,
                           widget=forms.TextInput(attrs={"maxlength": 30, "autocomplete": "name"}),
                           help_text=_("Optional."))
    phone = forms.CharField(label=_("Phone"), required=False,
                            widget=forms.TextInput(attrs={"maxlength": 20, "inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("Required: for the studio to contact you; it is never shown publicly."))
    place = forms.CharField(label=_("Place"), required=False, widget=forms.TextInput(attrs={"maxlength": 100}),
                            help_text=_("Where the problem is: street, residential area, village."))
    description = forms.CharField(label=_("Your concern"), required=False, widget=_textarea(6, 2000),
                                  help_text=_("Required: what is wrong, since when, and what you hope for (10 "
                                              "to 2000 characters)."))
    photo = forms.FileField(label=_("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
                            help_text=_("Optional: a picture of the problem (JPEG or PNG)."))
    website = forms.CharField(label=_("Website"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    issued = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, studio: Studio, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("issued", form_token(studio))
        super().__init__(*args, **kwargs)
        self.studio = studio
        for name in ("name", "phone", "place", "description"):
            self.fields[name].strip = False  # the service trims, and counts what was typed
        for name in ("phone", "description"):
            self.fields[name].widget.attrs["aria-required"] = "true"

    def renew_token_if_forged(self) -> None:
        """After a refusal the page is shown again with the same token (a person correcting a
        field is not "too fast"); a forged one is replaced."""
        if self.is_bound and seconds_since(self.data.get(self.add_prefix("issued"), ""), self.studio) == 0:
            data = self.data.copy()
            data[self.add_prefix("issued")] = form_token(self.studio)
            self.data = data

    def service_data(self, request) -> dict:
        data = self.cleaned_data
        return {
            "studio": self.studio, "name": data["name"], "phone": data["phone"], "place": data["place"],
            "description": data["description"], "photo": data.get("photo") or None,
            "client": client_address(request),
            "seconds_to_fill": seconds_since(data.get("issued", ""), self.studio),
            "website": data["website"],
        }


class ConcernLookupForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}),
                           help_text=_("The 10-character code shown when you sent your concern."))

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).upper()


# --- the studio's runners: roster and activities -------------------------------------------------------


class ShiftForm(forms.Form):
    member = MemberChoiceField(label=_("Member"), queryset=Member.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput)
    period = forms.ChoiceField(label=_("Time"), choices=DutyPeriod.choices, initial=DutyPeriod.DAY)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, studio: Studio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = studio_members(studio)
        self.fields["date"].initial = timezone.localdate
        tune_empty_choices(self)


def previous_quarter(today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    q = (today.month - 1) // 3 + 1
    return f"{today.year - 1}Q4" if q == 1 else f"{today.year}Q{q - 1}"


class StudioActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StudioActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeLocalInput, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeLocalInput, input_formats=DATETIME_FORMATS)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=20000, required=False, widget=_textarea(4))
    quarter = forms.CharField(label=_("Quarter reviewed"), max_length=6, required=False,
                              help_text=_("A quarterly follow-up meeting only: the quarter it reviews, like 2026Q3."))

    def __init__(self, *args, activity: StudioActivity | None = None, **kwargs):
        if activity is not None:
            kwargs.setdefault("initial", {
                "kind": activity.kind, "title": activity.title, "place": activity.place, "summary": activity.summary,
                "quarter": activity.quarter, "starts_at": timezone.localtime(activity.starts_at),
                "ends_at": timezone.localtime(activity.ends_at)})
        else:
            kwargs.setdefault("initial", {"quarter": previous_quarter()})
        super().__init__(*args, **kwargs)
        tune_empty_choices(self)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end must not be before the start."))
        return cleaned


# --- handling a concern ------------------------------------------------------------------------------


class AssignForm(forms.Form):
    member = MemberChoiceField(label=_("Member"), queryset=Member.objects.none(),
                               help_text=_("Usually the member on duty."))

    def __init__(self, *args, concern: Concern, **kwargs):
        kwargs.setdefault("initial", {"member": concern.assigned_to_id})
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = studio_members(concern.studio)
        tune_empty_choices(self)


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Answer to the person"), widget=_textarea(4, 2000),
                            help_text=_("Shown on the public status page of this concern."))

    def __init__(self, *args, concern: Concern, **kwargs):
        kwargs.setdefault("initial", {"reply": concern.reply})
        super().__init__(*args, **kwargs)
        self.fields["reply"].strip = False


class ConvertForm(forms.Form):
    to = forms.ChoiceField(label=_("Take it up as"), choices=ConcernConversion.choices, widget=forms.RadioSelect,
                           initial=ConcernConversion.MICRO_SUGGESTION)
    title = forms.CharField(label=_("Title"), widget=forms.TextInput(attrs={"maxlength": 120}),
                            help_text=_("One line that names the problem; the person's name and phone are not "
                                        "copied."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)

    def __init__(self, *args, concern: Concern, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            committee_id=concern.studio.committee_id, is_active=True).order_by("order", "id")
        tune_empty_choices(self)


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Closing note"), required=False, widget=_textarea(2, 500),
                           help_text=_("Required when the concern was neither answered nor taken up."))


# --- a studio activity's participants ---------------------------------------------------------------


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("Attendance"), choices=[c for c in Attendance.choices if c[0]])
    note = forms.CharField(label=_("Reason / note"), max_length=300, required=False)


class InviteForm(forms.Form):
    members = MemberMultipleChoiceField(label=_("Members"), queryset=Member.objects.none(),
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, activity: StudioActivity, **kwargs):
        super().__init__(*args, **kwargs)
        listed = activity.participants.filter(member__isnull=False).values("member_id")
        self.fields["members"].queryset = member_choices(activity.studio.committee).exclude(pk__in=listed)


# --- the concern list ------------------------------------------------------------------------------


