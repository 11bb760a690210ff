"""Forms of the consultation pages (kinds, topics, the annual plan, sessions, results). They
collect and shape input only: the views hand the cleaned data to a
consultations.services.consultations function, which decides. Every choice comes from the
object's own committee (or the committees the user works for), so a form never lists another
committee's records."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.forms import DateInput
from members.forms import MemberMultipleChoiceField, member_choices, tune_empty_choices
from members.models import Committee, Department, Member, SpecialCommittee
from members.selectors import scope_for
from proposals.choices import ProposalStatus
from proposals.forms import DepartmentMultipleChoiceField, _file_attrs
from proposals.models import Proposal

from .choices import (
    Attendance,
    ConsultationForm,
    InstructionLevel,
    ParticipantRole,
    Recipient,
    SpeechKind,
    TopicSource,
    TopicStatus,
)
from .models import Consultation, ConsultationKind, ConsultationPlan, Participant, Result, Topic


def _textarea(rows: int, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class DateTimeInput(forms.DateTimeInput):
    """A phone's own date-and-time picker."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def staff_committees(user):
    """The committees whose consultation work the user runs."""
    scope = scope_for(user)
    qs = Committee.objects.order_by("path", "name")
    return qs if scope.is_superuser else qs.filter(pk__in=scope.staff_committee_ids)


def _chosen(field: forms.ModelChoiceField, raw) -> Committee | None:
    """The committee picked in ``field`` (from the data or the initial value), if allowed."""
    if isinstance(raw, Committee):
        raw = raw.pk
    try:
        return field.queryset.filter(pk=int(raw)).first() if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


class CommitteeMixin:
    """A create form's committee choice: the user's committees, the only one preselected; the
    page reloads when it changes so that the dependent choices are that committee's."""

    def setup_committee(self, committees, fixed: Committee | None) -> Committee | None:
        field = self.fields["committee"]
        if fixed is not None:
            del self.fields["committee"]
            return fixed
        field.queryset = committees
        field.widget.attrs["data-reload-param"] = "committee"
        raw = self.data.get(self.add_prefix("committee")) if self.is_bound else self.initial.get("committee")
        committee = _chosen(field, raw)
        if committee is None and not self.is_bound:
            first = list(committees[:2])
            committee = first[0] if len(first) == 1 else None
        if committee is not None and not self.is_bound:
            self.initial["committee"] = committee.pk
        return committee


# --- kinds ---------------------------------------------------------------------------------------


class KindForm(CommitteeMixin, forms.Form):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("In the committee's own words, e.g. 主席微协商."))
    form = forms.ChoiceField(label=_("Form of consultation"), choices=ConsultationForm.choices,
                             help_text=_("Decides what a session needs: departments for counterpart consultation, "
                                         "proposals for proposal handling, a discussion online, a step checklist for "
                                         "grassroots deliberation."))
    steps = forms.CharField(label=_("Step checklist"), required=False, widget=_textarea(8),
                            help_text=_("Grassroots deliberation only: one step per line. Left empty, the eight-step "
                                        "method (协商议事八步法) is used."))
    order = forms.IntegerField(label=_("Display order"), min_value=0, max_value=999, required=False)
    is_active = forms.BooleanField(label=_("Active (offered for new sessions)"), required=False, initial=True)

    def __init__(self, *args, user, kind: ConsultationKind | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = self.setup_committee(staff_committees(user), kind.committee if kind else None)
        tune_empty_choices(self)


# --- topics and the plan ---------------------------------------------------------------------------


def _years() -> list[tuple[int, str]]:
    # the years topic_propose accepts
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in range(this_year - 1, this_year + 3)]


class TopicForm(CommitteeMixin, forms.Form):
    """Staff enter a topic assigned by the party committee and government or raised by the
    public; a member recommends one (the source is then always "member")."""

    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    source = forms.ChoiceField(label=_("Source"), choices=TopicSource.choices)
    source_detail = forms.CharField(label=_("From"), max_length=120, required=False,
                                    help_text=_("Who assigned or raised it, e.g. 市委办公室 or a member studio."))
    title = forms.CharField(label=_("Topic"), max_length=120)
    description = forms.CharField(label=_("Why it matters and what to consult on"), max_length=5000,
                                  widget=_textarea(6))
    kind = forms.ModelChoiceField(label=_("Proposed kind"), queryset=ConsultationKind.objects.none(), required=False)
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=SpecialCommittee.objects.none(), required=False,
                                       help_text=_("The special committee that would run it."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        staff = staff_committees(user)
        members = Committee.objects.filter(pk__in=scope.member_committee_ids)
        committees = Committee.objects.filter(Q(pk__in=staff.values("pk")) | Q(pk__in=members.values("pk"))) \
            .order_by("path", "name")
        self.committee = self.setup_committee(committees, None)
        self.fields["year"].choices = _years()
        self.initial.setdefault("year", timezone.localdate().year)
        is_staff = scope.is_superuser or bool(scope.staff_committee_ids)
        if not is_staff:
            # a member's topic is always their recommendation
            del self.fields["source"]
            del self.fields["source_detail"]
        elif not scope.member_ids:
            self.fields["source"].choices = [c for c in TopicSource.choices if c[0] != TopicSource.MEMBER]
        cid = self.committee.pk if self.committee else 0
        self.fields["kind"].queryset = ConsultationKind.objects.filter(committee_id=cid, is_active=True)
        self.fields["organiser"].queryset = SpecialCommittee.objects.filter(committee_id=cid).order_by("name")
        tune_empty_choices(self)


class TopicReviewForm(forms.Form):
    """The decision comes from the button pressed (approve / do not adopt)."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.HiddenInput,
                                 choices=[("approve", _("Approve")), ("reject", _("Do not adopt"))])
    note = forms.CharField(label=_("Note / reason"), max_length=2000, required=False, widget=_textarea(2),
                           help_text=_("Required when the topic is not adopted: the proposer reads it."))


class PlanForm(CommitteeMixin, forms.Form):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("e.g. 2026年度协商工作计划"))
    introduction = forms.CharField(label=_("Introduction"), max_length=10000, required=False, widget=_textarea(5))

    def __init__(self, *args, user, plan: ConsultationPlan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = self.setup_committee(staff_committees(user), plan.committee if plan else None)
        if plan is not None:
            del self.fields["year"]
        else:
            self.initial.setdefault("year", timezone.localdate().year)
        tune_empty_choices(self)


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.planned_month:
            return _("%(t)s (now in month %(m)d)") % {"t": obj.title, "m": obj.planned_month}
        return obj.title


def month_choices() -> list[tuple[int, str]]:
    return [(m, _("Month %(m)d") % {"m": m}) for m in range(1, 13)]


class ScheduleForm(forms.Form):
    """Put an approved topic of the plan's year into a month (or move a scheduled one)."""

    topic = TopicChoiceField(label=_("Topic"), queryset=Topic.objects.none())
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=())
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=ConsultationKind.objects.none(), required=False)
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=SpecialCommittee.objects.none(), required=False)

    def __init__(self, *args, plan: ConsultationPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(
            committee_id=plan.committee_id, year=plan.year,
            status__in=[TopicStatus.APPROVED, TopicStatus.SCHEDULED]).order_by("planned_month", "title", "id")
        self.fields["month"].choices = month_choices()
        self.fields["kind"].queryset = ConsultationKind.objects.filter(committee_id=plan.committee_id, is_active=True)
        self.fields["organiser"].queryset = SpecialCommittee.objects.filter(committee_id=plan.committee_id) \
            .order_by("name")
        tune_empty_choices(self)


# --- sessions --------------------------------------------------------------------------------------


class ProposalMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number_label} {obj.title}".strip()


class TopicMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.year} · {obj.title}"


class SessionForm(CommitteeMixin, forms.Form):
    """A session being prepared (or changed before it is held). The kind decides what else it
    needs; the page reloads when the kind changes so that only its fields are offered."""

    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=ConsultationKind.objects.none())
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    is_online = forms.BooleanField(label=_("Online / remote (participants discuss on the portal)"), required=False)
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=SpecialCommittee.objects.none(), required=False)
    topics = TopicMultipleChoiceField(label=_("Topics"), queryset=Topic.objects.none(), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    departments = DepartmentMultipleChoiceField(
        label=_("Counterpart departments"), queryset=Department.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Required for a counterpart consultation (对口协商); their liaison officers see the session."))
    proposals = ProposalMultipleChoiceField(
        label=_("Proposals handled"), queryset=Proposal.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Required for a proposal-handling consultation: filed proposals of the committee."))
    description = forms.CharField(label=_("Description"), max_length=10000, required=False, widget=_textarea(5))

    fieldsets = (
        (_("The session"), ("committee", "kind", "title", "organiser", "topics", "description")),
        (_("Time and place"), ("starts_at", "ends_at", "place", "is_online")),
        (_("Departments and proposals"), ("departments", "proposals")),
    )

    def __init__(self, *args, user, consultation: Consultation | None = None, kind_hint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        committee = self.setup_committee(staff_committees(user), consultation.committee if consultation else None)
        self.committee = committee
        cid = committee.pk if committee else 0
        kinds = ConsultationKind.objects.filter(committee_id=cid).filter(
            Q(is_active=True) | Q(pk=getattr(consultation, "kind_id", None) or 0))
        self.fields["kind"].queryset = kinds
        self.fields["kind"].widget.attrs["data-reload-param"] = "kind"
        # the page reloads with ?kind= when the kind changes (on create and on edit)
        raw = self.data.get(self.add_prefix("kind")) if self.is_bound else (kind_hint or self.initial.get("kind"))
        kind = _chosen_kind(kinds, raw)
        if kind is not None and not self.is_bound:
            self.initial["kind"] = kind.pk
        linked_topics = consultation.topics.values("pk") if consultation else []
        self.fields["topics"].queryset = Topic.objects.filter(committee_id=cid).filter(
            Q(status__in=[TopicStatus.APPROVED, TopicStatus.SCHEDULED]) | Q(pk__in=linked_topics)
        ).order_by("-year", "planned_month", "title")
        linked_departments = consultation.departments.values("pk") if consultation else []
        self.fields["departments"].queryset = Department.objects.filter(committee_id=cid).filter(
            Q(is_active=True) | Q(pk__in=linked_departments)).order_by("name")
        self.fields["organiser"].queryset = SpecialCommittee.objects.filter(committee_id=cid).order_by("name")
        has_proposals = consultation is not None and consultation.proposals.exists()
        if kind is not None and kind.form != ConsultationForm.PROPOSAL_HANDLING and not has_proposals:
            del self.fields["proposals"]
        else:
            linked = consultation.proposals.values("pk") if consultation else []
            self.fields["proposals"].queryset = Proposal.objects.filter(committee_id=cid).filter(
                Q(status=ProposalStatus.FILED) | Q(pk__in=linked)).order_by("-year", "number", "id")
        if kind is not None and kind.form == ConsultationForm.COUNTERPART:
            self.fields["departments"].required = True
        if kind is not None and kind.form == ConsultationForm.PROPOSAL_HANDLING:
            self.fields["proposals"].required = True
        if kind is not None and kind.form == ConsultationForm.ONLINE:
            self.fields["is_online"].initial = True
            self.fields["place"].help_text = _("Optional for an online consultation.")
        tune_empty_choices(self)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end must not be before the start."))
        return cleaned

    def grouped(self) -> list[dict]:
        groups = []
        for legend, names in self.fieldsets:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                groups.append({"legend": legend, "fields": fields})
        return groups


def _chosen_kind(kinds, raw) -> ConsultationKind | None:
    if isinstance(raw, ConsultationKind):
        return raw
    try:
        return kinds.filter(pk=int(raw)).first() if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("Minutes / summary"), max_length=20000, required=False, widget=_textarea(4))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=_textarea(2),
                             help_text=_("The invitees are told."))


class StepForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


# --- participants -----------------------------------------------------------------------------------


class InviteForm(forms.Form):
    """Members by search and tick, and a guest (expert, official, public representative) by name."""

    members = MemberMultipleChoiceField(label=_("Members"), queryset=Member.objects.none(), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    guest_name = forms.CharField(label=_("Guest's name"), max_length=60, required=False)
    guest_organisation = forms.CharField(label=_("Organisation / title"), max_length=120, required=False)
    guest_role = forms.ChoiceField(label=_("Taking part as"), initial=ParticipantRole.EXPERT,
                                   choices=[c for c in ParticipantRole.choices if c[0] != ParticipantRole.MEMBER])
    guest_department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False,
                                            help_text=_("For a department official."))

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        invited = consultation.participants.filter(member__isnull=False).values("member_id")
        self.fields["members"].queryset = member_choices(consultation.committee).exclude(pk__in=invited)
        self.fields["guest_department"].queryset = Department.objects.filter(
            committee_id=consultation.committee_id, is_active=True).order_by("name")
        tune_empty_choices(self)

    def clean(self):
        cleaned = super().clean()
        guest_given = cleaned.get("guest_organisation") or cleaned.get("guest_department")
        if guest_given and not cleaned.get("guest_name"):
            self.add_error("guest_name", _("Give the guest's name."))
        return cleaned

    def guests(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("guest_name"):
            return []
        return [{"name": data["guest_name"], "organisation": data.get("guest_organisation", ""),
                 "role": data["guest_role"], "department": data.get("guest_department")}]


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("Attendance"),
                                   choices=[c for c in Attendance.choices if c[0] != Attendance.UNKNOWN])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RespondForm(forms.Form):
    decision = forms.ChoiceField(label=_("Answer"), choices=[("accept", _("Will attend")), ("decline", _("Ask for leave"))])
    note = forms.CharField(label=_("Reason for leave"), max_length=300, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("Reason for leave (请假)")}),
                           help_text=_("With a reason the absence is excused."))


# --- materials, speeches, discussion ------------------------------------------------------------------


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(_file_attrs())


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_role_display()}）"


class SpeechForm(forms.Form):
    """Register a speech (发言) or hand in a written opinion (书面意见); staff choose the speaker."""

    participant = ParticipantChoiceField(label=_("Speaker"), queryset=Participant.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=SpeechKind.choices, initial=SpeechKind.ORAL)
    title = forms.CharField(label=_("Title"), max_length=120)
    text = forms.CharField(label=_("Text"), max_length=20000, widget=_textarea(6))

    def __init__(self, *args, consultation: Consultation, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["participant"].queryset = consultation.participants.order_by("id")
        else:
            del self.fields["participant"]
        tune_empty_choices(self)


class SpeechRecordForm(forms.Form):
    order = forms.IntegerField(label=_("Speaking order"), min_value=1, max_value=999, required=False)


class PostForm(forms.Form):
    text = forms.CharField(label=_("Your contribution"), max_length=5000, widget=_textarea(3))


# --- results ---------------------------------------------------------------------------------------


class ResultForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("e.g. 关于……的协商报告"))
    text = forms.CharField(label=_("Text"), max_length=50000, widget=_textarea(14))
    departments = DepartmentMultipleChoiceField(
        label=_("Departments concerned"), queryset=Department.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("When the result is sent to them, their liaison officers report how it is implemented."))

    def __init__(self, *args, user=None, consultation: Consultation, result: Result | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        linked = result.departments.values("pk") if result else consultation.departments.values("pk")
        self.fields["departments"].queryset = Department.objects.filter(committee_id=consultation.committee_id) \
            .filter(Q(is_active=True) | Q(pk__in=linked)).order_by("name")


class ResultNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=_textarea(2))


class ResultReturnForm(forms.Form):
    note = forms.CharField(label=_("Why it goes back"), max_length=2000, widget=_textarea(2))


class SendForm(forms.Form):
    recipients = forms.MultipleChoiceField(label=_("Send to"), choices=Recipient.choices,
                                           widget=forms.CheckboxSelectMultiple)


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
    """Staff record any entry (and close the result as implemented); a department concerned
    records its own."""

    noted_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    text = forms.CharField(label=_("Progress"), max_length=5000, widget=_textarea(3))
    implemented = forms.BooleanField(label=_("Implemented: close the result"), required=False)

    def __init__(self, *args, result: Result, staff: bool, department_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        concerned = result.departments.order_by("name")
        if staff:
            self.fields["department"].queryset = concerned
        else:
            self.fields["department"].queryset = concerned.filter(pk__in=list(department_ids))
            self.fields["department"].required = True
            del self.fields["implemented"]
        tune_empty_choices(self)
