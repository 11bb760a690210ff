"""Forms of the social-conditions information pages (社情民意): writing, review, adoption and
instructions, passing to departments, bulletin issues, bulletins and information officers.
They collect and shape input only; the views hand the cleaned data to
consultations.services, which decides. Every choice comes from a selector or the object's own
committee, so a form never lists another committee's records."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.forms import MemberMultipleChoiceField, tune_empty_choices
from members.models import Committee, Department, Member
from members.selectors import scope_for
from proposals.choices import HandlingMode
from proposals.forms import DepartmentChoiceField, DepartmentMultipleChoiceField
from proposals.models import Category

from .choices import AdoptionLevel, InformationStatus, InstructionLevel, IssueStatus, Recipient
from .models import Bulletin, BulletinIssue, InformationItem
from .selectors import bulletins_for, information_for
from .services.information import MAX_AUTHORS, information_writer_committees

_SHARE_SPLIT = re.compile(r"[\s,，、;；]+")


def _textarea(rows: int, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_shares(value: str) -> list[str] | None:
    """"0.6, 0.4" (commas, 、 or spaces) → ["0.6", "0.4"]; empty → None (split equally). The
    service reads the numbers and checks they add up to 1."""
    parts = [p for p in _SHARE_SPLIT.split(value or "") if p]
    return parts or None


def shares_text(authors) -> str:
    return ", ".join(f"{a.share.normalize():f}" for a in authors)


class SharesField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("placeholder", "0.5, 0.5")


class CommitteeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CoAuthorField(MemberMultipleChoiceField):
    def __init__(self, *args, show_committee: bool = False, **kwargs):
        self.show_committee = show_committee
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        label = super().label_from_instance(obj)
        return f"{label} · {obj.committee.short_name or obj.committee.name}" if self.show_committee else label


# --- writing ----------------------------------------------------------------------------------------


class InformationForm(forms.Form):
    """A new item or a change to a draft: the writer is its first author, co-authors are members
    of the committee."""

    committee = CommitteeChoiceField(label=_("Committee"), queryset=Committee.objects.none(),
                                     help_text=_("The committee you write to."))
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("At least 4 characters."))
    content = forms.CharField(label=_("Text"), max_length=20000, widget=_textarea(12),
                              help_text=_("What you heard, the facts and figures, and what you suggest. "
                                          "At least 20 characters."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    co_authors = CoAuthorField(label=_("Co-authors"), queryset=Member.objects.none(), required=False,
                               widget=forms.CheckboxSelectMultiple,
                               help_text=_("Other members of the committee who wrote it with you (at most %(n)d "
                                           "authors in all).") % {"n": MAX_AUTHORS})
    shares = SharesField(label=_("Shares of credit"),
                         help_text=_("Optional: each author's share of the credit, separated by commas — yours "
                                     "first, then each co-author in the order of the list above; together they "
                                     "make 1. Leave empty to split it equally."))

    def __init__(self, *args, user, item: InformationItem | None = None, **kwargs):
        self.user, self.item = user, item
        super().__init__(*args, **kwargs)
        if item is not None:
            committee_ids = [item.committee_id]
            del self.fields["committee"]
        else:
            committee_ids = information_writer_committees(user)
            field = self.fields["committee"]
            field.queryset = Committee.objects.filter(pk__in=committee_ids).order_by("path", "name")
            if len(committee_ids) == 1:
                # one committee to write to: nothing to choose
                field.initial, field.required, field.widget = committee_ids[0], False, forms.HiddenInput()
        keep = [a.member_id for a in item.authors.all() if a.member_id] if item is not None else []
        seats = Member.active_seats().filter(committee_id__in=committee_ids).values("pk")
        self.fields["co_authors"] = CoAuthorField(
            label=self.fields["co_authors"].label, help_text=self.fields["co_authors"].help_text, required=False,
            widget=forms.CheckboxSelectMultiple, show_committee=len(committee_ids) > 1,
            queryset=(Member.objects.filter(committee_id__in=committee_ids)
                      .filter(Q(pk__in=seats) | Q(pk__in=keep))
                      .exclude(user=user).select_related("sector", "committee")
                      .order_by("committee__path", "sector__order", "name")))
        self.fields["category"].queryset = Category.objects.filter(committee_id__in=committee_ids,
                                                                   is_active=True).order_by("order", "name")
        tune_empty_choices(self)

    def clean_committee(self):
        committee = self.cleaned_data.get("committee")
        if committee is None and "committee" in self.fields and not self.fields["committee"].required:
            committee = self.fields["committee"].queryset.first()
        return committee

    def clean_shares(self):
        return parse_shares(self.cleaned_data.get("shares", ""))


# --- review ---------------------------------------------------------------------------------------


class ApproveForm(forms.Form):
    """Staff edit (编辑) and approve; the authors' text stays beside the edited one."""

    edited_title = forms.CharField(label=_("Title (edited)"), max_length=120, required=False)
    edited_content = forms.CharField(label=_("Text (edited)"), max_length=20000, required=False,
                                     widget=_textarea(12),
                                     help_text=_("The authors' text is kept as they wrote it."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    shares = SharesField(label=_("Shares of credit"),
                         help_text=_("Each author's share in the order listed, separated by commas; together "
                                     "they make 1. Leave unchanged to keep them."))
    note = forms.CharField(label=_("Review note"), max_length=2000, required=False, widget=_textarea(2))

    def __init__(self, *args, item: InformationItem, authors: list, **kwargs):
        kwargs.setdefault("initial", {
            "edited_title": item.display_title, "edited_content": item.display_content,
            "category": item.category_id, "shares": shares_text(authors)})
        super().__init__(*args, **kwargs)
        self.authors = authors
        self.fields["category"].queryset = Category.objects.filter(committee_id=item.committee_id,
                                                                   is_active=True).order_by("order", "name")
        tune_empty_choices(self)

    def clean_shares(self):
        shares = parse_shares(self.cleaned_data.get("shares", ""))
        # unchanged shares are not rewritten
        return None if shares == parse_shares(shares_text(self.authors)) else shares


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not adopted"), max_length=2000, widget=_textarea(3),
                             help_text=_("The authors read this."))


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Why it goes back a step"), max_length=2000, widget=_textarea(2))


class CompileForm(forms.Form):
    issue = forms.ModelChoiceField(label=_("Bulletin issue"), queryset=BulletinIssue.objects.none())

    def __init__(self, *args, item: InformationItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = BulletinIssue.objects.filter(
            committee_id=item.committee_id, status=IssueStatus.DRAFT).select_related("bulletin").order_by(
            "-year", "-number")
        tune_empty_choices(self)


class AdoptionForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=AdoptionLevel.choices)
    adopted_on = forms.DateField(label=_("Adopted on"), widget=_date_input())
    adopted_by = forms.CharField(label=_("Adopted by / in"), max_length=120,
                                 help_text=_("The body and publication, e.g. 省政协《社情民意》2026年第12期."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"adopted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class InstructionForm(forms.Form):
    leader_name = forms.CharField(label=_("Leader"), max_length=60)
    leader_title = forms.CharField(label=_("Leader's position"), max_length=80, required=False)
    level = forms.ChoiceField(label=_("Whose leader"), choices=InstructionLevel.choices)
    instructed_on = forms.DateField(label=_("Instructed on"), widget=_date_input())
    text = forms.CharField(label=_("Instruction (批示)"), max_length=5000, widget=_textarea(3))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"instructed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class PassForm(forms.Form):
    """Pass a signed-off item to departments for handling (转办) on the shared engine."""

    lead_department = DepartmentChoiceField(label=_("Lead department"), queryset=Department.objects.none())
    co_departments = DepartmentMultipleChoiceField(label=_("Co-handling departments"),
                                                   queryset=Department.objects.none(), required=False)
    handling_mode = forms.ChoiceField(label=_("Handling mode"), choices=HandlingMode.choices, required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=_textarea(2))

    def __init__(self, *args, item: InformationItem, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(committee_id=item.committee_id, is_active=True).order_by("name")
        self.fields["lead_department"].queryset = departments
        co = self.fields["co_departments"]
        co.queryset = departments
        co.widget = forms.CheckboxSelectMultiple(choices=co.choices)
        tune_empty_choices(self)
        self.fields["handling_mode"].choices = [("", _("Automatic"))] + list(HandlingMode.choices)

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead_department")
        if lead is not None:
            cleaned["co_departments"] = [d for d in cleaned.get("co_departments") or [] if d.pk != lead.pk]
        return cleaned


# --- bulletin issues --------------------------------------------------------------------------------


class BulletinChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, show_committee: bool = False, **kwargs):
        self.show_committee = show_committee
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.committee.short_name or obj.committee.name} · {obj.name}" if self.show_committee else obj.name


def _staff_committee_ids(user) -> set[int] | None:
    """None: every committee (an administrator)."""
    scope = scope_for(user)
    return None if scope.is_superuser else set(scope.staff_committee_ids)


class IssueCreateForm(forms.Form):
    bulletin = BulletinChoiceField(label=_("Bulletin"), queryset=Bulletin.objects.none())
    title = forms.CharField(label=_("Title of the issue"), max_length=120, required=False,
                            help_text=_("Optional, e.g. a special issue's theme."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        staff = _staff_committee_ids(user)
        bulletins = bulletins_for(user).filter(is_active=True).order_by("committee__path", "name")
        if staff is not None:
            bulletins = bulletins.filter(committee_id__in=staff)
        field = self.fields["bulletin"]
        field.queryset = bulletins
        field.show_committee = staff is None or len(staff) > 1
        tune_empty_choices(self)


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        authors = "、".join(a.name for a in obj.authors.all())
        return f"{obj.display_title}（{authors}）" if authors else obj.display_title


class IssueAddForm(forms.Form):
    items = ItemChoiceField(label=_("Signed-off items to compile"), queryset=InformationItem.objects.none(),
                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, issue: BulletinIssue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = information_for(user).filter(
            committee_id=issue.committee_id, status=InformationStatus.SIGNED_OFF).order_by("signed_off_at", "id")


class IssueSendForm(forms.Form):
    recipients = forms.MultipleChoiceField(label=_("Send to"), choices=Recipient.choices,
                                           widget=forms.CheckboxSelectMultiple)
    signed_by = forms.CharField(label=_("Signed off by (签发)"), max_length=60, required=False)
    editor = forms.CharField(label=_("Edited by (编辑)"), max_length=60, required=False)

    def __init__(self, *args, issue: BulletinIssue, **kwargs):
        super().__init__(*args, **kwargs)
        if issue.committee.parent_id is None:
            self.fields["recipients"].choices = [c for c in Recipient.choices if c[0] != Recipient.HIGHER]


# --- bulletins and information officers --------------------------------------------------------------


def _staff_committees(user):
    staff = _staff_committee_ids(user)
    qs = Committee.objects.order_by("path", "name")
    return qs if staff is None else qs.filter(pk__in=staff)


class BulletinForm(forms.Form):
    committee = CommitteeChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_("e.g. 社情民意, 政协信息"))
    is_active = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, user, bulletin: Bulletin | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if bulletin is not None:
            del self.fields["committee"]
        else:
            committees = _staff_committees(user)
            self.fields["committee"].queryset = committees
            if len(committees) == 1:
                self.fields["committee"].initial = committees[0].pk
        tune_empty_choices(self)


class OfficerForm(forms.Form):
    committee = CommitteeChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    username = forms.CharField(label=_("Login name"), max_length=150,
                               help_text=_("The login of the information officer (信息员); it must exist already."))
    organisation = forms.CharField(label=_("Organisation"), max_length=120, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        committees = _staff_committees(user)
        self.fields["committee"].queryset = committees
        if len(committees) == 1:
            self.fields["committee"].initial = committees[0].pk
        tune_empty_choices(self)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        login = get_user_model().objects.filter(username=username, is_active=True).first()
        if login is None:
            raise forms.ValidationError(_("No active login has this name."))
        return login


class OfficerEditForm(forms.Form):
    organisation = forms.CharField(label=_("Organisation"), max_length=120, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
