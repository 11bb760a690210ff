"""Forms of the directory pages. They collect and shape input only: views hand the cleaned
data to a members.services function, and every choice offered is limited to what the user
may manage (the selectors), so a form never lists another committee's records."""

from __future__ import annotations

import copy
from pathlib import Path

from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from cppcc_portal.core.forms import DateInput

from .choices import CommitteeRoleKind
from .models import (
    Committee,
    Department,
    Liaison,
    Member,
    Sector,
    Session,
    SpecialCommittee,
    Studio,
    Term,
    User,
)
from .selectors import departments_for, manageable_committees_for


def tune_empty_choices(form: forms.Form) -> None:
    """"Choose …" on required selects and a dash on optional ones, instead of dashes everywhere."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = _("Choose …") if field.required else "—"
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] == "":
                field.choices = [("", "—")] + choices[1:]


class DirectoryForm(forms.ModelForm):
    """Model fields with their translated labels and the model's own validation, but never
    saved directly. The form validates a copy of the instance, so the real object still
    holds the old values when the service compares before → after."""

    # (legend, field names) groups for long forms; fields not named go in the last group
    fieldsets: tuple = ()

    def __init__(self, *args, user, instance=None, **kwargs):
        self.user = user
        self.original = instance
        super().__init__(*args, instance=copy.copy(instance) if instance is not None else None, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
            elif isinstance(field, forms.ModelMultipleChoiceField):
                field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
                field.help_text = ""
        tune_empty_choices(self)

    def grouped(self) -> list[dict] | None:
        if not self.fieldsets:
            return None
        groups, seen = [], set()
        for legend, names in self.fieldsets:
            seen.update(names)
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                groups.append({"legend": legend, "fields": fields})
        rest = [self[name] for name in self.fields if name not in seen]
        if rest and groups:
            groups[-1]["fields"].extend(rest)
        return groups

    def save(self, commit=True):  # pragma: no cover - a guard, not a feature
        raise NotImplementedError("Directory forms are saved through members.services.")

    def service_data(self, exclude=()) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in exclude}

    # --- helpers for the committee a new record belongs to --------------------------------------

    def setup_committee_field(self, name: str = "committee") -> Committee | None:
        """On create: a choice among the committees the user manages (the only one preselected).
        On edit: the record's committee, shown but fixed (services never move records between
        committees). Returns the committee whose dependent choices the form should offer."""
        field = self.fields[name]
        if self.original is not None:
            committee = getattr(self.original, name)
            field.queryset = Committee.objects.filter(pk=committee.pk)
            field.disabled = True
            field.help_text = _("A record stays with its committee.")
            return committee
        field.queryset = manageable_committees_for(self.user)
        field.widget.attrs["data-reload-param"] = name
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        if isinstance(raw, Committee):
            raw = raw.pk
        committee = None
        if raw not in (None, ""):
            try:
                committee = field.queryset.filter(pk=int(raw)).first()
            except (TypeError, ValueError):
                committee = None
        if committee is None and not self.is_bound:
            choices = list(field.queryset[:2])
            if len(choices) == 1:
                committee = choices[0]
        if committee is not None and not self.is_bound:
            self.initial[name] = committee.pk
        return committee


class CommitteeForm(DirectoryForm):
    class Meta:
        model = Committee
        fields = ["name", "short_name", "level", "parent", "region_code", "address", "phone", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        allowed = manageable_committees_for(self.user)
        if self.original is not None:
            # Not itself or anything below it; the current parent stays selectable even when the
            # user manages only this committee and not the one above.
            allowed = Committee.objects.filter(Q(pk__in=allowed.values("pk")) | Q(pk=self.original.parent_id))
            allowed = allowed.exclude(path__startswith=self.original.path)
        parent.queryset = allowed.order_by("path")
        parent.label_from_instance = lambda c: f"{'—' * c.depth} {c.name}".strip()
        parent.required = not self.user.is_superuser
        if self.user.is_superuser:
            parent.empty_label = _("(none: a top-level committee)")
            parent.help_text = _("Leave empty for a top-level committee.")


class TermForm(DirectoryForm):
    class Meta:
        model = Term
        fields = ["number", "start_date", "end_date", "is_current"]
        help_texts = {
            "number": _("For example 15 for the 15th term."),
            "is_current": _("Making this term current makes the committee's other terms not current."),
        }


class SessionForm(DirectoryForm):
    class Meta:
        model = Session
        fields = ["number", "start_date", "end_date", "place"]
        help_texts = {"number": _("For example 3 for the 3rd session of the term.")}


class SectorForm(DirectoryForm):
    class Meta:
        model = Sector
        fields = ["committee", "name", "kind", "order", "is_active"]
        help_texts = {"order": _("Lists show sectors in this order, smallest first.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_committee_field()
        self.fields["committee"].widget.attrs.pop("data-reload-param", None)


class SpecialCommitteeForm(DirectoryForm):
    class Meta:
        model = SpecialCommittee
        fields = ["committee", "name", "is_proposals_committee", "order"]
        help_texts = {"is_proposals_committee": _("The proposals committee reviews proposals; a committee has one.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_committee_field()
        self.fields["committee"].widget.attrs.pop("data-reload-param", None)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.sector}）"


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.sector}）"


def member_choices(committee: Committee | None, keep=()) -> forms.QuerySet:
    """Serving members of ``committee`` plus any already chosen (``keep``), for choice fields."""
    if committee is None:
        return Member.objects.none()
    keep_ids = [m.pk for m in keep]
    return (
        Member.objects.filter(committee=committee)
        .filter(Q(pk__in=Member.active_seats().filter(committee=committee).values("pk")) | Q(pk__in=keep_ids))
        .select_related("sector")
        .order_by("sector__order", "name")
    )


class MemberForm(DirectoryForm):
    username = forms.CharField(
        label=_("Login name"), max_length=150, required=False,
        help_text=_("Leave empty to use the mobile number. A person with seats on several committees "
                    "keeps one login."),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    set_password = forms.BooleanField(
        label=_("Create a temporary password now and show it to me once"), required=False, initial=True,
    )

    fieldsets = (
        (_("Seat"), ["committee", "term", "sector", "role", "special_committees", "started_on", "ceased_on"]),
        (_("Personal details"), ["name", "gender", "ethnicity", "birth_date", "party", "workplace", "title",
                                 "contact_point"]),
        (_("Mobile phone and login"), ["phone", "username", "email", "set_password"]),
    )

    class Meta:
        model = Member
        fields = [
            "committee", "term", "sector", "special_committees", "name", "gender", "ethnicity", "birth_date",
            "role", "party", "workplace", "title", "phone", "contact_point", "started_on", "ceased_on",
        ]
        labels = {"name": pgettext_lazy("person", "Name")}
        help_texts = {
            "phone": _("11-digit mainland mobile number; also the login name unless one is given."),
            "contact_point": _("Where the member meets the public, e.g. a community liaison station."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        committee = self.setup_committee_field()
        self.committee = committee
        original = self.original
        terms = Term.objects.filter(committee=committee) if committee else Term.objects.none()
        self.fields["term"].queryset = terms.select_related("committee")
        sectors = Sector.objects.filter(committee=committee) if committee else Sector.objects.none()
        keep_sector = Q(pk=original.sector_id) if original else Q(pk__in=[])
        self.fields["sector"].queryset = sectors.filter(Q(is_active=True) | keep_sector)
        specials = SpecialCommittee.objects.filter(committee=committee) if committee else SpecialCommittee.objects.none()
        self.fields["special_committees"].queryset = specials
        self.fields["special_committees"].widget.choices = self.fields["special_committees"].choices
        if committee is None:
            for name in ("term", "sector"):
                self.fields[name].help_text = _("Choose the committee first.")
        elif not self.is_bound and original is None:
            current = terms.filter(is_current=True).first()
            if current is not None:
                self.initial.setdefault("term", current.pk)
        if original is None:
            self.fields["started_on"].required = False
            self.fields["started_on"].help_text = _("Leave empty to use the start of the term.")
            del self.fields["ceased_on"]
        else:
            for name in ("username", "email", "set_password"):
                del self.fields[name]
            if original.ceased_on is None:
                # Ending a seat has its own form, which records the reason.
                del self.fields["ceased_on"]
            else:
                self.fields["ceased_on"].help_text = _("Correct the date, or clear it if the seat did not end.")

    def service_data(self, exclude=()):
        data = super().service_data(exclude=exclude)
        data.pop("set_password", None)
        if self.original is not None:
            data.pop("committee", None)
        elif not data.get("started_on"):
            data.pop("started_on", None)
        return data


class MemberCeaseForm(forms.Form):
    ceased_on = forms.DateField(label=_("Ceased on"), widget=DateInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: moved to another post, resigned, term ended. Kept in the change history."),
    )

    def __init__(self, *args, user=None, member: Member | None = None, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_ceased_on(self):
        value = self.cleaned_data["ceased_on"]
        if self.member is not None and value < self.member.started_on:
            raise forms.ValidationError(
                _("The date of ceasing must not be before the start date (%(date)s).")
                % {"date": self.member.started_on.isoformat()}
            )
        return value


class DepartmentForm(DirectoryForm):
    class Meta:
        model = Department
        fields = ["committee", "name", "short_name", "kind", "head_name", "phone", "email", "address", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_committee_field()
        self.fields["committee"].widget.attrs.pop("data-reload-param", None)


class LiaisonCreateForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=30,
        help_text=_("11-digit mainland mobile number; also the login name unless one is given."),
    )
    title = forms.CharField(label=_("Position"), max_length=60, required=False)
    is_head = forms.BooleanField(
        label=_("Department head"), required=False,
        help_text=_("The head (or leader in charge) receives escalations of overdue items."),
    )
    username = forms.CharField(label=_("Login name"), max_length=150, required=False,
                               help_text=_("Leave empty to use the mobile number."))
    email = forms.EmailField(label=_("Email"), required=False)
    set_password = forms.BooleanField(
        label=_("Create a temporary password now and show it to me once"), required=False, initial=True,
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(user).filter(
            committee__in=manageable_committees_for(user)
        ).order_by("committee__path", "name")
        tune_empty_choices(self)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("set_password", None)
        return data


class LiaisonForm(DirectoryForm):
    class Meta:
        model = Liaison
        fields = ["title", "phone", "is_head", "is_active"]
        labels = {"is_active": _("Active (may sign in for the department)")}


class StudioForm(DirectoryForm):
    lead_member = MemberChoiceField(label=_("Lead member"), queryset=Member.objects.none(), required=False)
    members = MemberMultipleChoiceField(label=_("Members"), queryset=Member.objects.none(), required=False)

    class Meta:
        model = Studio
        fields = ["committee", "name", "sector", "lead_member", "members", "address", "phone", "contact_person",
                  "online_url", "description", "is_active"]
        help_texts = {
            "sector": _("A studio is named after a sector or a lead member: choose at least one."),
            "online_url": _("The studio's web page or mini-program link, if any."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        committee = self.setup_committee_field()
        original = self.original
        sectors = Sector.objects.filter(committee=committee) if committee else Sector.objects.none()
        keep_sector = Q(pk=original.sector_id) if original and original.sector_id else Q(pk__in=[])
        self.fields["sector"].queryset = sectors.filter(Q(is_active=True) | keep_sector)
        keep = list(original.members.all()) if original else []
        if original and original.lead_member_id:
            keep.append(original.lead_member)
        self.fields["lead_member"].queryset = member_choices(committee, keep)
        members = self.fields["members"]
        members.queryset = member_choices(committee, keep)
        members.widget = forms.CheckboxSelectMultiple(choices=members.choices)
        if committee is None:
            for name in ("sector", "lead_member", "members"):
                self.fields[name].help_text = _("Choose the committee first.")

    def service_data(self, exclude=()):
        data = super().service_data(exclude=exclude)
        if self.original is not None:
            data.pop("committee", None)
        return data


class CommitteeRoleGrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False,
        help_text=_("Members, liaison officers and role holders of this committee."),
    )
    username = forms.CharField(
        label=_("…or login name"), max_length=150, required=False,
        help_text=_("For staff without a seat: the exact login name an administrator created."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=CommitteeRoleKind.choices)
    includes_subordinates = forms.BooleanField(label=_("Also the committees below"), required=False)

    def __init__(self, *args, user, committee: Committee, **kwargs):
        self.actor = user
        self.committee = committee
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True)
            .filter(
                Q(memberships__committee=committee)
                | Q(liaisons__department__committee=committee)
                | Q(committee_roles__committee=committee)
            )
            .distinct()
            .order_by("full_name", "username")
        )
        self.fields["user"].label_from_instance = lambda u: f"{u.full_name or u.username}（{u.username}）"
        tune_empty_choices(self)

    def clean(self):
        cleaned = super().clean()
        chosen, username = cleaned.get("user"), (cleaned.get("username") or "").strip()
        if chosen is None and not username:
            raise forms.ValidationError(_("Choose a person or enter a login name."))
        if chosen is None:
            chosen = User.objects.filter(username=username, is_active=True).first()
            if chosen is None:
                self.add_error("username", _("No active login has this name."))
                return cleaned
        cleaned["user"] = chosen
        return cleaned


class ImportForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK), laid out like the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, user, with_term: bool = False, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        committees = manageable_committees_for(user).order_by("path")
        self.fields["committee"].queryset = committees
        if with_term:
            self.fields["term"] = forms.ModelChoiceField(
                label=_("Term"), queryset=Term.objects.filter(committee__in=committees).select_related("committee"),
                help_text=_("The term the imported members serve."),
            )
            self.order_fields(["committee", "term", "file"])
        tune_empty_choices(self)
        if not self.is_bound:
            only = list(committees[:2])
            if len(only) == 1:
                self.initial["committee"] = only[0].pk
                if with_term:
                    current = Term.objects.filter(committee=only[0], is_current=True).first()
                    if current:
                        self.initial["term"] = current.pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        limit = getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        committee, term = cleaned.get("committee"), cleaned.get("term")
        if committee is not None and term is not None and term.committee_id != committee.pk:
            self.add_error("term", _("This term belongs to another committee."))
        return cleaned
