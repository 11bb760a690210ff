"""Forms of the pages after a proposal is filed: key proposals and their supervision, the
procuratorial link, progress "from replied to implemented", staff review of replies, and the
statistics selectors. They shape input only; the views hand it to proposals.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.forms import DateInput
from members.choices import CommitteeRoleKind, DepartmentKind
from members.models import Department
from members.selectors import committee_role_users

from .choices import ProcuratorateStatus, SupervisionKind


class LeaderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class KeyMarkForm(forms.Form):
    leaders = LeaderChoiceField(label=_("Supervising leaders"), queryset=None,
                                widget=forms.CheckboxSelectMultiple,
                                help_text=_("Leaders of the committee who supervise the handling (督办)."))
    plan = forms.CharField(label=_("Supervision plan"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = committee_role_users(proposal.committee, CommitteeRoleKind.LEADER).order_by(
            "full_name", "pk")


class KeyUnmarkForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=SupervisionKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    participants = forms.CharField(label=_("Participants"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label=_("Summary"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What was discussed or seen, and what was agreed."))


class ProcuratorateTransferForm(forms.Form):
    procuratorate = forms.ModelChoiceField(label=_("Procuratorate"), queryset=Department.objects.none())
    transferred_on = forms.DateField(label=_("Transferred on"), widget=DateInput, initial=timezone.localdate)
    clue = forms.CharField(label=_("The clue"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("The public-interest-litigation clue the proposal contains (公益诉讼线索)."))

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["procuratorate"]
        field.queryset = Department.objects.filter(committee_id=proposal.committee_id, is_active=True,
                                                   kind=DepartmentKind.PROCURATORATE).order_by("name")
        if len(field.queryset) == 1:
            field.initial = field.queryset[0].pk


class ProcuratorateOutcomeForm(forms.Form):
    status = forms.ChoiceField(label=_("What the procuratorate did"),
                               choices=[c for c in ProcuratorateStatus.choices
                                        if c[0] != ProcuratorateStatus.TRANSFERRED])
    outcome_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    outcome = forms.CharField(label=_("Outcome"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ProgressNoteForm(forms.Form):
    noted_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    text = forms.CharField(label=_("Progress"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What has been carried out since the reply, and what remains."))
    implemented = forms.BooleanField(label=_("Implemented (已落实)"), required=False,
                                     help_text=_("Tick when what the reply promised has been carried out; "
                                                 "no further progress is recorded after that."))


class ReplyReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("release", _("Release to the submitter")),
                                          ("return", _("Return to the department for revision"))])
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when returning: what the department should revise."))


class StatisticsForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=None, required=False, empty_label=_("All"))

    def __init__(self, *args, years, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        self.fields["committee"].queryset = committees
