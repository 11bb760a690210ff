"""Forms of the supervision, research and inspection pages, the calendar and the statistics.
They collect and shape input only: the views hand the cleaned data to a service
(consultations.services.supervision / consultations), which decides. Every choice comes from
the task's own committee or the user's scope, so a form never lists another committee's
records."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.forms import DateInput
from members.forms import MemberChoiceField, MemberMultipleChoiceField, member_choices, tune_empty_choices
from members.models import Committee, Department, Member, SpecialCommittee
from proposals.forms import DepartmentMultipleChoiceField

from .choices import (
    ActivityKind,
    Attendance,
    InstructionLevel,
    ParticipantRole,
    ReportKind,
    SupervisionKind,
    TaskCategory,
    TeamRole,
)
from .models import Activity, Task

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateTimeLocalInput(forms.DateTimeInput):
    """The phone's own date-and-time picker."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _datetime(label) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DateTimeLocalInput, input_formats=DATETIME_FORMATS)


class _CommitteeLabelled(forms.ModelChoiceField):
    """A choice among records of several committees names the committee too."""

    def label_from_instance(self, obj):
        committee = obj.committee
        return f"{obj.name}（{committee.short_name or committee.name}）"


class _CommitteeLabelledMultiple(DepartmentMultipleChoiceField):
    def label_from_instance(self, obj):
        committee = obj.committee
        return f"{super().label_from_instance(obj)}（{committee.short_name or committee.name}）"


# --- tasks ----------------------------------------------------------------------------------------


class TaskForm(forms.Form):
    """A new supervision topic or research/inspection task, or a change to one."""

    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=TaskCategory.choices)
    supervision_kind = forms.ChoiceField(
        label=_("Kind of supervision"), choices=SupervisionKind.choices, required=False,
        help_text=_("Democratic supervision only: inquiry, investigative, follow-up across years or collaborative."))
    title = forms.CharField(label=_("Topic"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=10000, required=False, widget=_textarea(4))
    plan = forms.CharField(label=_("Work plan"), max_length=20000, required=False, widget=_textarea(5))
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=SpecialCommittee.objects.none(), required=False)
    partners = DepartmentMultipleChoiceField(
        label=_("Working with"), queryset=Department.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A collaborative supervision names the bodies it works with: courts, procuratorate, "
                    "inspection bodies."))
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year (planned)"), min_value=2000, max_value=2100, required=False,
                                  help_text=_("Leave empty for a task within one year."))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)

    def __init__(self, *args, user, task: Task | None = None, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        if task is not None:
            del self.fields["committee"]
            committee_ids = [task.committee_id]
            kept = list(task.partners.values_list("pk", flat=True))
        else:
            self.fields["committee"].queryset = committees
            committee_ids = list(committees.values_list("pk", flat=True))
            if len(committee_ids) == 1:
                self.fields["committee"].initial = committee_ids[0]
            kept = []
        several = len(committee_ids) > 1
        if several:
            self.fields["organiser"] = _CommitteeLabelled(label=_("Organiser"), required=False,
                                                          queryset=SpecialCommittee.objects.none())
            self.fields["partners"] = _CommitteeLabelledMultiple(
                label=_("Working with"), queryset=Department.objects.none(), required=False,
                widget=forms.CheckboxSelectMultiple, help_text=self.fields["partners"].help_text)
        self.fields["organiser"].queryset = SpecialCommittee.objects.filter(
            committee_id__in=committee_ids).select_related("committee").order_by("committee_id", "name")
        self.fields["partners"].queryset = Department.objects.filter(
            Q(is_active=True) | Q(pk__in=kept), committee_id__in=committee_ids).select_related("committee") \
            .order_by("committee_id", "name")
        self.fields["start_year"].initial = timezone.localdate().year
        tune_empty_choices(self)
        self.fields["supervision_kind"].choices = [("", _("— (research and inspection)"))] + list(
            SupervisionKind.choices[1:])

    def clean(self):
        cleaned = super().clean()
        cleaned["supervision_kind"] = cleaned.get("supervision_kind") or ""
        return cleaned


class TeamForm(forms.Form):
    lead = MemberChoiceField(label=_("Team lead"), queryset=Member.objects.none())
    members = MemberMultipleChoiceField(label=_("Team members"), queryset=Member.objects.none(), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, task: Task, **kwargs):
        team = list(task.team.select_related("member"))
        kwargs.setdefault("initial", {
            "lead": next((t.member_id for t in team if t.role == TeamRole.LEAD), None),
            "members": [t.member_id for t in team if t.role != TeamRole.LEAD],
        })
        super().__init__(*args, **kwargs)
        choices = member_choices(task.committee, keep=[t.member for t in team])
        self.fields["lead"].queryset = choices
        self.fields["members"].queryset = choices
        tune_empty_choices(self)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_at = _datetime(_("Starts at"))
    ends_at = _datetime(_("Ends at"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    summary = forms.CharField(label=_("What was found"), max_length=20000, required=False, widget=_textarea(4),
                              help_text=_("Can be written after the activity."))

    def __init__(self, *args, activity: Activity | None = None, **kwargs):
        if activity is not None:
            kwargs.setdefault("initial", {
                "kind": activity.kind, "title": activity.title, "place": activity.place, "summary": activity.summary,
                "starts_at": timezone.localtime(activity.starts_at), "ends_at": timezone.localtime(activity.ends_at)})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end must not be before the start."))
        return cleaned


class FindingsForm(forms.Form):
    findings = forms.CharField(label=_("Findings"), max_length=20000, widget=_textarea(6))


class ReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    text = forms.CharField(label=_("Text"), max_length=50000, widget=_textarea(8))

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in task.years]
        this_year = timezone.localdate().year
        self.fields["year"].initial = this_year if this_year in task.years else task.end_year


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, widget=_textarea(2))

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required


class InstructionForm(forms.Form):
    leader_name = forms.CharField(label=_("Leader"), max_length=60)
    leader_title = forms.CharField(label=_("Leader's position"), max_length=80, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=InstructionLevel.choices)
    instructed_on = forms.DateField(label=_("Instructed on"), widget=DateInput, initial=timezone.localdate)
    text = forms.CharField(label=_("Instruction"), max_length=5000, widget=_textarea(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tune_empty_choices(self)


class FollowUpForm(forms.Form):
    noted_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    text = forms.CharField(label=_("Progress"), max_length=5000, widget=_textarea(3))

    def __init__(self, *args, task: Task, department_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        partners = task.partners.order_by("name")
        if department_ids is not None:
            # a liaison records their own department's progress
            partners = partners.filter(pk__in=department_ids)
            self.fields["department"].required = True
        self.fields["department"].queryset = partners
        tune_empty_choices(self)


# --- an activity's participants -----------------------------------------------------------------------


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("Attendance"), choices=[c for c in Attendance.choices if c[0]])
    note = forms.CharField(label=_("Reason / note"), max_length=300, required=False)


class InviteForm(forms.Form):
    members = MemberMultipleChoiceField(label=_("Members"), queryset=Member.objects.none(), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    guest_name = forms.CharField(label=_("Guest's name"), max_length=60, required=False,
                                 help_text=_("An expert, department official or public representative."))
    guest_organisation = forms.CharField(label=_("Guest's organisation / title"), max_length=120, required=False)
    guest_role = forms.ChoiceField(label=_("Taking part as"), required=False,
                                   choices=[c for c in ParticipantRole.choices if c[0] != ParticipantRole.MEMBER])

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        listed = activity.participants.filter(member__isnull=False).values("member_id")
        self.fields["members"].queryset = member_choices(activity.task.committee).exclude(pk__in=listed)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("guest_name"):
            cleaned["guests"] = [{"name": cleaned["guest_name"], "organisation": cleaned.get("guest_organisation", ""),
                                  "role": cleaned.get("guest_role") or ParticipantRole.EXPERT}]
        else:
            cleaned["guests"] = []
        return cleaned


# --- statistics -------------------------------------------------------------------------------------


class StatisticsForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none(), required=False,
                                       empty_label=_("All"))

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, y) for y in range(this_year + 1, this_year - 10, -1)]
        self.fields["year"].initial = this_year
        self.fields["committee"].queryset = committees
