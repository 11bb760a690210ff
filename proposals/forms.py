"""Forms of the micro-suggestion and handling pages. They collect and shape input only: the
views hand the cleaned data to a proposals.services function, which decides. Every choice
offered comes from a selector, so a form never lists another committee's records."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.forms import DateInput
from cppcc_portal.core.uploads import max_bytes
from members.forms import (
    DirectoryForm,
    MemberMultipleChoiceField,
    member_choices,
    tune_empty_choices,
)
from members.models import Committee, Department, Member
from members.selectors import departments_for, manageable_committees_for

from . import selectors
from .choices import CaseKind, ContactMethod, HandlingMode, Rating, ResultCategory
from .models import Assignment, Case, Category, HandlingPolicy, RoutingRule
from .services.micro_suggestions import MAX_ATTACHMENTS, MAX_CO_SUBMITTERS

ACCEPT = ".jpg,.jpeg,.png,.gif,.webp,.bmp,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ListSelect(forms.Select):
    """A single select whose value is handed on as a list: a list filter's status choice is one
    tap on a phone, and ``?status=replied`` links keep working with the multiple-choice filter."""

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter else [data.get(name)]
        return [v for v in values if v]


def _file_attrs(multiple: bool = False) -> dict:
    """What the page script needs for its size hint before anything is uploaded."""
    attrs = {
        "accept": ACCEPT, "data-max-bytes": str(max_bytes()), "data-size-hint": "1",
        # {name}, {size}, {count}, {max} are filled in by static/js/portal.js
        "data-msg-large": _("{name} is {size}: larger than {max}, it would be refused."),
        "data-msg-total": _("{count} file(s), {size} in all."),
    }
    if multiple:
        attrs["data-max-files"] = str(MAX_ATTACHMENTS)
        attrs["data-msg-many"] = _("Choose at most {max} files.")
    return attrs


def _upload_help() -> str:
    return _("Pictures (JPEG, PNG), PDF, Word, Excel or PowerPoint; each file at most %(size)s.") % {
        "size": filesizeformat(max_bytes())}


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if getattr(obj, "liaison_count", 1) == 0:
            return _("%(name)s (no liaison officer yet)") % {"name": obj.name}
        return obj.name


class DepartmentMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if getattr(obj, "liaison_count", 1) == 0:
            return _("%(name)s (no liaison officer yet)") % {"name": obj.name}
        return obj.name


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'—' * obj.depth} {obj.name}".strip()


def places_within(committee: Committee | None):
    """The committee's own area and the places below it (districts, townships)."""
    if committee is None:
        return Committee.objects.none()
    return Committee.objects.filter(path__startswith=committee.path, is_active=True).order_by("path")


# --- the member -----------------------------------------------------------------------------------


class MicroSuggestionForm(forms.Form):
    seat = forms.ModelChoiceField(label=_("Submit as"), queryset=Member.objects.none(),
                                  help_text=_("You sit on more than one committee: choose the one this concerns."))
    # Lengths are the service's to check (all problems reported at once); the browser gets a hint.
    title = forms.CharField(label=_("Title"), widget=forms.TextInput(attrs={"maxlength": 120}),
                            help_text=_("One line that names the problem, e.g. 社区儿童阅览室照明不足."))
    content = forms.CharField(
        label=_("Problem and suggestion"), widget=forms.Textarea(attrs={"rows": 7, "maxlength": 5000}),
        help_text=_("What is wrong, where, since when, and what you suggest the department does."),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    place = PlaceChoiceField(label=_("Place"), queryset=Committee.objects.none(), required=False,
                             help_text=_("The district or township the suggestion concerns."))
    address = forms.CharField(label=_("Address"), required=False, widget=forms.TextInput(attrs={"maxlength": 200}),
                              help_text=_("Street, village or building, if it helps the department find it."))
    co_submitters = MemberMultipleChoiceField(
        label=_("Co-submitters"), queryset=Member.objects.none(), required=False,
        help_text=_("Other members of your committee who support this suggestion (at most %(n)d).")
        % {"n": MAX_CO_SUBMITTERS},
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        seats = Member.active_seats().filter(user=user).select_related("committee", "sector").order_by("committee__path")
        field = self.fields["seat"]
        field.queryset = seats
        field.label_from_instance = lambda m: f"{m.committee.name}（{m.sector.name}）"
        raw = self.data.get(self.add_prefix("seat")) if self.is_bound else self.initial.get("seat")
        seat_list = list(seats)
        seat = next((s for s in seat_list if str(s.pk) == str(raw)), seat_list[0] if seat_list else None)
        self.seat = seat
        if len(seat_list) == 1:
            # One seat: nothing to choose, and a form posted without the field still knows it.
            field.widget = forms.HiddenInput()
            field.required = False
            self.initial["seat"] = seat.pk
        else:
            field.widget.attrs["data-reload-param"] = "seat"
            if seat is not None and not self.is_bound:
                self.initial["seat"] = seat.pk
        committee = seat.committee if seat else None
        self.fields["category"].queryset = (
            Category.objects.filter(committee=committee, is_active=True).order_by("order", "id")
            if committee else Category.objects.none()
        )
        self.fields["place"].queryset = places_within(committee)
        co = self.fields["co_submitters"]
        co.queryset = member_choices(committee).exclude(pk=seat.pk) if seat else Member.objects.none()
        co.widget = forms.CheckboxSelectMultiple(choices=co.choices)
        attachments = self.fields["attachments"]
        attachments.widget.attrs.update(_file_attrs(multiple=True))
        attachments.help_text = _upload_help() + " " + _("At most %(n)d files.") % {"n": MAX_ATTACHMENTS}
        tune_empty_choices(self)

    def clean_seat(self):
        return self.cleaned_data.get("seat") or self.seat

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["member"] = data.pop("seat")
        data["co_submitters"] = list(data.get("co_submitters") or [])
        return data


RATING_CHOICES = [(Rating.SATISFIED, Rating.SATISFIED.label), (Rating.BASICALLY, Rating.BASICALLY.label),
                  (Rating.UNSATISFIED, Rating.UNSATISFIED.label)]


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("Your rating"), choices=RATING_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you are unsatisfied: say what is still wrong, so the department can handle it again."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rating") == Rating.UNSATISFIED and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say why you are unsatisfied."))
        return cleaned


# --- staff: routing and decisions ----------------------------------------------------------------------


class RouteForm(forms.Form):
    lead_department = DepartmentChoiceField(label=_("Lead department"), queryset=Department.objects.none())
    co_departments = DepartmentMultipleChoiceField(
        label=_("Co-handling departments"), queryset=Department.objects.none(), required=False,
        help_text=_("With lead and co-handling, co-handlers send their opinions to the lead unit, which replies. "
                    "With separate handling every department replies on its own."),
    )
    handling_mode = forms.ChoiceField(label=_("Handling mode"), choices=HandlingMode.choices, required=False,
                                      help_text=_("Leave empty: single without co-handlers, lead and co-handling with them."))
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Shown on the item's timeline, e.g. why the recommendation was not followed."))

    def __init__(self, *args, user, case: Case, **kwargs):
        self.user, self.case = user, case
        super().__init__(*args, **kwargs)
        departments = departments_for(user).filter(committee_id=case.committee_id, is_active=True)
        self.fields["lead_department"].queryset = departments
        co = self.fields["co_departments"]
        co.queryset = departments
        co.widget = forms.CheckboxSelectMultiple(choices=co.choices)
        tune_empty_choices(self)
        self.fields["handling_mode"].choices = [("", _("Automatic"))] + list(HandlingMode.choices)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionDecisionForm(DecisionForm):
    new_department = DepartmentChoiceField(
        label=_("Re-assign to"), queryset=Department.objects.none(), required=False,
        help_text=_("When approving: the department that takes over. Leave empty to send the item back to triage."),
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["new_department"].queryset = departments
        tune_empty_choices(self)


# --- the department ---------------------------------------------------------------------------------------


class ObjectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this is not your department's responsibility."),
    )
    suggested_department = DepartmentChoiceField(
        label=_("Suggested department"), queryset=Department.objects.none(), required=False,
        help_text=_("The department you think is responsible, if you know it."),
    )

    def __init__(self, *args, user, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_department"].queryset = (
            selectors.departments_to_suggest_for(user)
            .filter(committee_id=assignment.case.committee_id, is_active=True)
            .exclude(pk=assignment.department_id).order_by("name")
        )
        tune_empty_choices(self)


class ContactForm(forms.Form):
    method = forms.ChoiceField(label=_("Contact by"), choices=ContactMethod.choices)
    contacted_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("What was discussed and agreed with the member."))

    def clean_contacted_on(self):
        value = self.cleaned_data["contacted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    result_category = forms.ChoiceField(label=_("Result category"), widget=forms.RadioSelect,
                                        help_text=_("What the reply means for the proposal (答复类别)."))
    may_publish = forms.BooleanField(label=_("May be published"), required=False,
                                     help_text=_("The reply may be made public together with the proposal."))
    attachment = forms.FileField(label=_("Reply letter"), required=False)

    def __init__(self, *args, opinion: bool = False, result_categories: str = "", is_proposal: bool = False,
                 **kwargs):
        """``result_categories`` are the letters the committee's policy asks a reply to report
        ("ABC"); without them (micro-suggestions, co-handlers' opinions) the field is left out."""
        super().__init__(*args, **kwargs)
        if opinion:
            self.fields["text"].label = _("Opinion for the lead unit")
            self.fields["text"].help_text = _("Your department's opinion; the lead unit takes it into its reply.")
            self.fields["attachment"].label = _("Opinion letter")
        else:
            self.fields["text"].help_text = _("What was done, what will be done and when. The member reads this reply.")
        letters = "" if opinion else result_categories
        if letters:
            labels = dict(ResultCategory.choices)
            self.fields["result_category"].choices = [(c, labels.get(c, c)) for c in letters]
        else:
            del self.fields["result_category"]
        if opinion or not is_proposal:
            del self.fields["may_publish"]
        self.fields["attachment"].widget.attrs.update(_file_attrs())
        self.fields["attachment"].help_text = _upload_help()


class ExtensionForm(forms.Form):
    workdays = forms.IntegerField(label=_("Working days requested"), min_value=1, max_value=120)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


# --- configuration -----------------------------------------------------------------------------------------


class CategoryForm(DirectoryForm):
    class Meta:
        model = Category
        fields = ["committee", "name", "order", "is_active"]
        help_texts = {"order": _("Lists show categories in this order, smallest first.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_committee_field()
        self.fields["committee"].widget.attrs.pop("data-reload-param", None)


class RoutingRuleForm(DirectoryForm):
    place = PlaceChoiceField(label=_("Place"), queryset=Committee.objects.none(), required=False,
                             help_text=_("Matches items about this district and the places below it."))
    lead_department = DepartmentChoiceField(label=_("Lead department"), queryset=Department.objects.none())
    co_departments = DepartmentMultipleChoiceField(label=_("Co-handling departments"),
                                                   queryset=Department.objects.none(), required=False)

    fieldsets = (
        (_("Rule"), ["committee", "name", "priority", "is_active"]),
        (_("When the item matches"), ["category", "keywords", "place"]),
        (_("Assign it to"), ["lead_department", "co_departments"]),
    )

    class Meta:
        model = RoutingRule
        fields = ["committee", "name", "priority", "is_active", "category", "keywords", "place", "lead_department",
                  "co_departments"]
        help_texts = {
            "keywords": _("Any of these words in the title or content matches; separate with commas, e.g. 路灯，照明，停车."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        committee = self.setup_committee_field()
        original = self.original
        keep = Q(pk__in=[original.lead_department_id]) if original else Q(pk__in=[])
        departments = (
            Department.objects.filter(committee=committee).filter(Q(is_active=True) | keep).order_by("name")
            if committee else Department.objects.none()
        )
        self.fields["lead_department"].queryset = departments
        co = self.fields["co_departments"]
        co.queryset = departments
        co.widget = forms.CheckboxSelectMultiple(choices=co.choices)
        self.fields["category"].queryset = (
            Category.objects.filter(committee=committee).order_by("order", "id") if committee else Category.objects.none()
        )
        self.fields["place"].queryset = places_within(committee)
        if committee is None:
            for name in ("category", "place", "lead_department", "co_departments"):
                self.fields[name].help_text = _("Choose the committee first.")
        tune_empty_choices(self)

    def service_data(self, exclude=()):
        data = super().service_data(exclude=exclude)
        data["co_departments"] = list(data.get("co_departments") or [])
        if self.original is not None:
            data.pop("committee", None)
        return data


POLICY_NUMBERS = ["reply_workdays", "co_opinion_workdays", "objection_workdays", "rating_workdays", "max_rounds",
                  "max_extension_workdays", "reminder_workdays", "escalate_head_after", "escalate_staff_after",
                  "escalate_leader_after", "routing_confidence"]


class PolicyForm(forms.Form):
    """The handling policy of micro-suggestions for one committee (optionally one category);
    saving replaces what the committee had for that pair."""

    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False,
        help_text=_("Leave empty for the committee's default; a category's policy overrides it."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        numbers = forms.fields_for_model(HandlingPolicy, fields=POLICY_NUMBERS)
        for name in POLICY_NUMBERS:
            field = numbers[name]
            if name == "routing_confidence":
                field.min_value, field.max_value = 0, 1
                field.widget.attrs.update({"min": "0", "max": "1", "step": "0.05"})
                field.help_text = _("Between 0 and 1. Below it, an item without a matching rule goes to staff triage.")
            self.fields[name] = field
        committees = manageable_committees_for(user).order_by("path")
        self.fields["committee"].queryset = committees
        self.fields["committee"].widget.attrs["data-reload-param"] = "committee"
        raw = self.data.get("committee") if self.is_bound else self.initial.get("committee")
        committee = None
        if raw not in (None, ""):
            committee = committees.filter(pk=int(raw)).first() if str(raw).isdigit() else None
        if committee is None and not self.is_bound:
            only = list(committees[:2])
            committee = only[0] if len(only) == 1 else None
            if committee is not None:
                self.initial["committee"] = committee.pk
        self.committee = committee
        self.fields["category"].queryset = (
            Category.objects.filter(committee=committee).order_by("order", "id") if committee else Category.objects.none()
        )
        self.fields["category"].widget.attrs["data-reload-param"] = "category"
        tune_empty_choices(self)

    def grouped(self):
        return [
            {"legend": _("Applies to"), "fields": [self["committee"], self["category"]]},
            {"legend": _("Working days"), "fields": [self[n] for n in ("reply_workdays", "co_opinion_workdays",
                                                                        "objection_workdays", "rating_workdays",
                                                                        "max_extension_workdays")]},
            {"legend": _("Rounds, reminders and escalation"),
             "fields": [self[n] for n in ("max_rounds", "reminder_workdays", "escalate_head_after",
                                          "escalate_staff_after", "escalate_leader_after")]},
            {"legend": _("Routing"), "fields": [self["routing_confidence"]]},
        ]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        return {"committee": data.pop("committee"), "category": data.pop("category", None),
                "kind": CaseKind.MICRO_SUGGESTION, **data}
