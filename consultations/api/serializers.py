"""Representations and inputs of the consultation, supervision and information API.

Reads nest minimal references ({id, name}); writes take ids, each checked against what the
caller may see (an id outside it is "not found", never "forbidden"). The rules themselves
are the services': these only parse and shape."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cppcc_portal.core.api.fields import RefSerializer, ScopedPrimaryKeyRelatedField
from members import selectors as member_selectors
from members.selectors import scope_for
from proposals import selectors as proposal_selectors
from proposals.api.proposal_serializers import ProposalRefSerializer
from proposals.choices import HandlingMode

from .. import selectors
from ..choices import (
    ActivityKind,
    AdoptionLevel,
    Attendance,
    ConsultationForm,
    InformationStatus,
    InstructionLevel,
    InvitationStatus,
    IssueStatus,
    ParticipantRole,
    PlanStatus,
    Recipient,
    ReportKind,
    ResultStatus,
    SessionStatus,
    SpeechKind,
    SpeechStatus,
    SupervisionKind,
    TaskCategory,
    TaskStatus,
    TeamRole,
    TopicSource,
    TopicStatus,
)
from ..models import (
    Activity,
    Adoption,
    Bulletin,
    BulletinIssue,
    Consultation,
    ConsultationKind,
    ConsultationPlan,
    FollowUp,
    InformationAuthor,
    InformationItem,
    InformationOfficer,
    Instruction,
    Material,
    Participant,
    Post,
    Result,
    Speech,
    Task,
    TaskReport,
    TeamMember,
    Topic,
)
from ..services.consultations import MAX_PARTICIPANTS
from ..services.information import MAX_AUTHORS, MAX_ISSUE_ITEMS
from ..services.supervision import MAX_TEAM

NOT_FOUND = _("Not found.")
MAX_IDS = 200


# --- what the caller may see beyond selectors.py (reads only) --------------------------------------


def participants_for(user):
    """Places on a session's or an activity's list: staff of the event's committee see them
    all; anyone else sees their own (not those of a session still being prepared)."""
    qs = Participant.objects.select_related("consultation", "activity", "member", "department")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    own = (Q(member__user=user) | Q(user=user)) if getattr(user, "pk", None) else Q(pk__in=[])
    return qs.filter(
        Q(consultation__committee_id__in=scope.staff_committee_ids)
        | Q(activity__task__committee_id__in=scope.staff_committee_ids)
        | (own & (Q(consultation__isnull=True) | ~Q(consultation__status=SessionStatus.PLANNED)))
    )


def information_committees_for(user):
    """The committees an item may be written to: those the caller sees, and those whose
    information officer they are (an officer need not sit on the committee)."""
    from members.models import Committee

    from ..services.information import information_writer_committees

    return Committee.objects.filter(Q(pk__in=member_selectors.committees_for(user).values("pk"))
                                    | Q(pk__in=information_writer_committees(user)))


def speeches_for(user):
    """Speeches and written opinions of the sessions the caller sees."""
    return Speech.objects.filter(consultation__in=selectors.consultations_for(user).values("pk")).select_related(
        "consultation", "participant")


def posts_for(user):
    """Discussion posts of the sessions the caller sees; hidden ones only for the session's staff."""
    qs = Post.objects.filter(consultation__in=selectors.consultations_for(user).values("pk")).select_related(
        "consultation", "author", "participant")
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(Q(is_hidden=False) | Q(consultation__committee_id__in=scope.staff_committee_ids))


# --- fields ----------------------------------------------------------------------------------------


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose OpenAPI enum is a named component of its own: the choice sets here
    share field names (``status``, ``kind``, ``level``) with other apps' and each other's."""

    def __init__(self, choices, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(choices=choices, **kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {"type": "string", "enum": list(field.choices),
                  "description": "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items())}
        component = ResolvedComponent(name=field.enum_name, type=ResolvedComponent.SCHEMA, object=field.enum_name,
                                      schema=schema)
        auto_schema.registry.register_on_missing(component)
        return component.ref


def choice(choices, enum_name: str, **kwargs) -> NamedChoiceField:
    choices = choices.choices if hasattr(choices, "choices") else choices
    return NamedChoiceField(choices, enum_name=enum_name, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class ScopedIdField(ScopedPrimaryKeyRelatedField):
    """An id of an object the caller sees: a whole number (or its digits), never 1.5 read as 1."""

    def to_internal_value(self, data):
        if isinstance(data, float) or (isinstance(data, str) and not data.strip().isdigit()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


def scoped(selector, **kwargs) -> ScopedIdField:
    kwargs.setdefault("error_messages", {"does_not_exist": NOT_FOUND})
    return ScopedIdField(selector, **kwargs)


class ScopedIdsField(serializers.ListField):
    """A list of ids, each of an object ``selector(user)`` holds, resolved in one query and
    returned as objects in the order given (repeats dropped)."""

    def __init__(self, selector, *, max_length: int = MAX_IDS, **kwargs):
        self.selector = selector
        kwargs.setdefault("required", False)
        super().__init__(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), max_length=max_length,
                         **kwargs)

    def to_internal_value(self, data):
        parsed = super().to_internal_value(data)
        if self.max_length is not None and len(parsed) > self.max_length:  # before touching the database
            self.fail("max_length", max_length=self.max_length)
        ids = list(dict.fromkeys(parsed))
        request = self.context.get("request")
        found = {obj.pk: obj for obj in self.selector(getattr(request, "user", None)).filter(pk__in=ids)} if ids \
            else {}
        missing = [i for i in ids if i not in found]
        if missing:
            raise serializers.ValidationError(_("Not found: %(ids)s.") % {"ids": ", ".join(map(str, missing))})
        return [found[i] for i in ids]


def text_field(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, trim_whitespace=True, **kwargs)


def optional_text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, **kwargs)


def user_name(user) -> str:
    return str(user) if user is not None else ""


# --- kinds -------------------------------------------------------------------------------------------


class ConsultationKindSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    form = choice(ConsultationForm, "ConsultationFormEnum")
    form_display = serializers.CharField(source="get_form_display")
    steps = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ConsultationKind
        fields = ["id", "committee", "name", "form", "form_display", "steps", "order", "is_active"]


class ConsultationKindWriteSerializer(serializers.Serializer):
    committee = scoped(member_selectors.committees_for, help_text=_("Fixed once the kind exists."))
    name = text_field(60)
    form = choice(ConsultationForm, "ConsultationFormEnum")
    steps = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20, required=False,
                                  help_text=_("For grassroots deliberation: the step checklist."))
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    is_active = serializers.BooleanField(required=False)


class CommitteeChoiceSerializer(serializers.Serializer):
    committee = scoped(member_selectors.committees_for)


# --- topics and the plan -------------------------------------------------------------------------


class TopicSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    source = choice(TopicSource, "ConsultationTopicSourceEnum")
    source_display = serializers.CharField(source="get_source_display")
    recommended_by = RefSerializer(allow_null=True)
    submitted_by = serializers.SerializerMethodField()
    kind = RefSerializer(allow_null=True)
    organiser = RefSerializer(allow_null=True)
    status = choice(TopicStatus, "ConsultationTopicStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    plan = RefSerializer(allow_null=True)

    class Meta:
        model = Topic
        fields = ["id", "committee", "year", "title", "description", "source", "source_display", "source_detail",
                  "recommended_by", "submitted_by", "kind", "organiser", "status", "status_display", "review_note",
                  "reviewed_at", "plan", "planned_month", "created_at"]

    def get_submitted_by(self, obj) -> str:
        return user_name(obj.submitted_by)


class TopicWriteSerializer(serializers.Serializer):
    committee = scoped(member_selectors.committees_for)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = text_field(120)
    description = text_field(5000)
    source = choice(TopicSource, "ConsultationTopicSourceEnum",
                    help_text=_("Members recommend in their own name (member); staff enter assigned and public "
                                "topics."))
    source_detail = optional_text(120)
    kind = scoped(selectors.kinds_for, required=False, allow_null=True)
    organiser = scoped(member_selectors.special_committees_for, required=False, allow_null=True)


class TopicReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = optional_text(2000, help_text=_("Required when the topic is not adopted: the reason its proposer reads."))


class PlanTopicSerializer(serializers.ModelSerializer):
    source = choice(TopicSource, "ConsultationTopicSourceEnum")
    status = choice(TopicStatus, "ConsultationTopicStatusEnum")
    kind = RefSerializer(allow_null=True)
    organiser = RefSerializer(allow_null=True)

    class Meta:
        model = Topic
        fields = ["id", "title", "source", "status", "planned_month", "kind", "organiser"]


class ConsultationPlanSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    status = choice(PlanStatus, "ConsultationPlanStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    topic_count = serializers.IntegerField()

    class Meta:
        model = ConsultationPlan
        fields = ["id", "committee", "year", "title", "introduction", "status", "status_display", "published_at",
                  "created_at", "topic_count"]


class ConsultationPlanDetailSerializer(ConsultationPlanSerializer):
    topics = PlanTopicSerializer(many=True, source="topics.all")

    class Meta(ConsultationPlanSerializer.Meta):
        fields = [*ConsultationPlanSerializer.Meta.fields, "topics"]


class ConsultationPlanWriteSerializer(serializers.Serializer):
    committee = scoped(member_selectors.committees_for, help_text=_("Fixed once the plan exists."))
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("Fixed once the plan exists."))
    title = text_field(120)
    introduction = optional_text(10000)


class PlanScheduleSerializer(serializers.Serializer):
    topic = scoped(selectors.topics_for)
    month = serializers.IntegerField(min_value=1, max_value=12)
    kind = scoped(selectors.kinds_for, required=False, allow_null=True)
    organiser = scoped(member_selectors.special_committees_for, required=False, allow_null=True)


class PlanUnscheduleSerializer(serializers.Serializer):
    topic = scoped(selectors.topics_for)


# --- sessions --------------------------------------------------------------------------------------


class ConsultationListSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    kind = RefSerializer()
    form = choice(ConsultationForm, "ConsultationFormEnum", source="kind.form")
    organiser = RefSerializer(allow_null=True)
    status = choice(SessionStatus, "ConsultationStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    participant_count = serializers.IntegerField()

    class Meta:
        model = Consultation
        fields = ["id", "committee", "kind", "form", "title", "starts_at", "ends_at", "place", "is_online",
                  "organiser", "status", "status_display", "discussion_open", "participant_count"]


class StepSerializer(serializers.Serializer):
    step = serializers.CharField()
    done_on = serializers.DateField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class AttendanceCountSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    present = serializers.IntegerField()
    excused = serializers.IntegerField()
    absent = serializers.IntegerField()


class OwnPlaceSerializer(serializers.ModelSerializer):
    role = choice(ParticipantRole, "ParticipantRoleEnum")
    invitation = choice(InvitationStatus, "InvitationStatusEnum")
    attendance = choice(Attendance, "AttendanceEnum")

    class Meta:
        model = Participant
        fields = ["id", "role", "invitation", "attendance", "response_note", "checked_in_at"]


class ConsultationDetailSerializer(ConsultationListSerializer):
    topics = RefSerializer(many=True, source="topics.all")
    departments = RefSerializer(many=True, source="departments.all")
    proposals = ProposalRefSerializer(many=True, source="proposals.all")
    steps = StepSerializer(many=True)
    attendance = serializers.SerializerMethodField()
    my_participation = serializers.SerializerMethodField()

    class Meta(ConsultationListSerializer.Meta):
        fields = [*ConsultationListSerializer.Meta.fields, "description", "topics", "departments", "proposals",
                  "steps", "summary", "held_at", "created_at", "updated_at", "attendance", "my_participation"]

    @extend_schema_field(AttendanceCountSerializer)
    def get_attendance(self, obj) -> dict:
        from django.db.models import Count

        counts = obj.participants.aggregate(
            invited=Count("id"),
            accepted=Count("id", filter=Q(invitation=InvitationStatus.ACCEPTED)),
            declined=Count("id", filter=Q(invitation=InvitationStatus.DECLINED)),
            present=Count("id", filter=Q(attendance=Attendance.PRESENT)),
            excused=Count("id", filter=Q(attendance=Attendance.EXCUSED)),
            absent=Count("id", filter=Q(attendance=Attendance.ABSENT)))
        return counts

    @extend_schema_field(OwnPlaceSerializer(allow_null=True))
    def get_my_participation(self, obj) -> dict | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not getattr(user, "pk", None):
            return None
        place = obj.participants.filter(Q(member__user=user) | Q(user=user)).order_by("id").first()
        return OwnPlaceSerializer(place).data if place else None


class ConsultationWriteSerializer(serializers.Serializer):
    committee = scoped(member_selectors.committees_for, help_text=_("Fixed once the session exists."))
    kind = scoped(selectors.kinds_for)
    title = text_field(120)
    description = optional_text(10000)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = optional_text(200)
    is_online = serializers.BooleanField(required=False)
    organiser = scoped(member_selectors.special_committees_for, required=False, allow_null=True)
    topics = ScopedIdsField(selectors.topics_for, max_length=50)
    departments = ScopedIdsField(member_selectors.departments_for, max_length=50)
    proposals = ScopedIdsField(proposal_selectors.proposals_for, max_length=50)


class SummarySerializer(serializers.Serializer):
    summary = optional_text(20000)


class CancelReasonSerializer(serializers.Serializer):
    reason = text_field(2000)


class GuestSerializer(serializers.Serializer):
    name = text_field(60)
    organisation = optional_text(120)
    role = choice([c for c in ParticipantRole.choices if c[0] != ParticipantRole.MEMBER], "GuestRoleEnum",
                  required=False)
    department = scoped(member_selectors.departments_for, required=False, allow_null=True)


class ParticipantInviteSerializer(serializers.Serializer):
    members = ScopedIdsField(member_selectors.members_for, max_length=MAX_PARTICIPANTS,
                             help_text=_("Member (seat) ids."))
    guests = serializers.ListField(child=GuestSerializer(), required=False, max_length=MAX_PARTICIPANTS,
                                   help_text=_("Experts, officials and public representatives by name."))


class StepDoneSerializer(serializers.Serializer):
    step = text_field(40)
    done_on = serializers.DateField()
    note = optional_text(500)


class DiscussionSerializer(serializers.Serializer):
    open = serializers.BooleanField()


class MaterialSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = ["id", "title", "original_name", "content_type", "size", "url", "created_at"]

    def get_url(self, obj) -> str:
        return f"/api/v1/consultations/{obj.consultation_id}/materials/{obj.pk}/"


class MaterialUploadSerializer(serializers.Serializer):
    title = text_field(120)
    file = serializers.FileField()


EVENT_KINDS = [("consultation", _("Consultation")), ("activity", _("Task activity"))]


class EventSerializer(serializers.Serializer):
    kind = choice(EVENT_KINDS, "CalendarEventKindEnum")
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    status = serializers.CharField()


def event_of(participant: Participant) -> dict:
    if participant.consultation_id:
        event, kind, status = participant.consultation, "consultation", participant.consultation.status
    else:
        event, kind, status = participant.activity, "activity", ""
    return {"kind": kind, "id": event.pk, "title": event.title, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "place": event.place, "status": status}


class MyParticipationSerializer(OwnPlaceSerializer):
    event = serializers.SerializerMethodField()

    class Meta(OwnPlaceSerializer.Meta):
        fields = [*OwnPlaceSerializer.Meta.fields, "responded_at", "event"]

    @extend_schema_field(EventSerializer)
    def get_event(self, obj) -> dict:
        return EventSerializer(event_of(obj)).data


# --- participants, speeches, posts -------------------------------------------------------------------


class ParticipantSerializer(serializers.ModelSerializer):
    consultation = RefSerializer(allow_null=True)
    activity = RefSerializer(allow_null=True)
    member = RefSerializer(allow_null=True)
    department = RefSerializer(allow_null=True)
    role = choice(ParticipantRole, "ParticipantRoleEnum")
    role_display = serializers.CharField(source="get_role_display")
    invitation = choice(InvitationStatus, "InvitationStatusEnum")
    invitation_display = serializers.CharField(source="get_invitation_display")
    attendance = choice(Attendance, "AttendanceEnum")
    attendance_display = serializers.CharField(source="get_attendance_display")

    class Meta:
        model = Participant
        fields = ["id", "consultation", "activity", "member", "name", "organisation", "role", "role_display",
                  "department", "invitation", "invitation_display", "responded_at", "response_note", "attendance",
                  "attendance_display", "checked_in_at"]


class RespondSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = optional_text(300, help_text=_("Required when declining: the reason for leave."))


class AttendanceSerializer(serializers.Serializer):
    attendance = choice([c for c in Attendance.choices if c[0] != Attendance.UNKNOWN], "AttendanceRecordEnum")
    note = optional_text(300)


class SpeechSerializer(serializers.ModelSerializer):
    consultation = RefSerializer()
    participant = RefSerializer()
    kind = choice(SpeechKind, "SpeechKindEnum")
    kind_display = serializers.CharField(source="get_kind_display")
    status = choice(SpeechStatus, "SpeechStatusEnum")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Speech
        fields = ["id", "consultation", "participant", "kind", "kind_display", "title", "text", "status",
                  "status_display", "order", "registered_at", "delivered_at"]


class SpeechWriteSerializer(serializers.Serializer):
    consultation = scoped(selectors.consultations_for)
    kind = choice(SpeechKind, "SpeechKindEnum")
    title = text_field(120)
    text = text_field(20000)
    participant = scoped(participants_for, required=False, allow_null=True,
                         help_text=_("Staff register for a participant; others register for themselves."))


class SpeechRecordSerializer(serializers.Serializer):
    delivered = serializers.BooleanField(required=False, default=True)
    order = serializers.IntegerField(min_value=1, max_value=999, required=False, allow_null=True)


class PostSerializer(serializers.ModelSerializer):
    consultation = RefSerializer()
    participant = RefSerializer(allow_null=True)
    author = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "consultation", "participant", "author", "text", "is_hidden", "created_at"]

    def get_author(self, obj) -> str:
        return user_name(obj.author)


class PostWriteSerializer(serializers.Serializer):
    consultation = scoped(selectors.consultations_for)
    text = text_field(5000)


# --- results, instructions, follow-up ----------------------------------------------------------------


class InstructionTargetSerializer(serializers.Serializer):
    kind = choice([("result", _("Consultation result")), ("information", _("Information item")),
                   ("task", _("Supervision or research task"))], "InstructionTargetKindEnum")
    id = serializers.IntegerField()
    title = serializers.CharField()


def target_of(instruction: Instruction) -> dict | None:
    if instruction.result_id:
        return {"kind": "result", "id": instruction.result_id, "title": instruction.result.title}
    if instruction.information_id:
        return {"kind": "information", "id": instruction.information_id,
                "title": instruction.information.display_title}
    if instruction.task_id:
        return {"kind": "task", "id": instruction.task_id, "title": instruction.task.title}
    return None


class InstructionBriefSerializer(serializers.ModelSerializer):
    level = choice(InstructionLevel, "InstructionLevelEnum")
    level_display = serializers.CharField(source="get_level_display")

    class Meta:
        model = Instruction
        fields = ["id", "leader_name", "leader_title", "level", "level_display", "instructed_on", "text",
                  "created_at"]


class InstructionSerializer(InstructionBriefSerializer):
    committee = RefSerializer()
    on = serializers.SerializerMethodField()
    recorded_by = serializers.SerializerMethodField()

    class Meta(InstructionBriefSerializer.Meta):
        fields = [*InstructionBriefSerializer.Meta.fields, "committee", "on", "recorded_by"]

    @extend_schema_field(InstructionTargetSerializer)
    def get_on(self, obj) -> dict | None:
        return target_of(obj)

    def get_recorded_by(self, obj) -> str:
        return user_name(obj.recorded_by)


class InstructWriteSerializer(serializers.Serializer):
    leader_name = text_field(60)
    leader_title = optional_text(80)
    level = choice(InstructionLevel, "InstructionLevelEnum")
    instructed_on = serializers.DateField()
    text = text_field(5000)


class FollowUpSerializer(serializers.ModelSerializer):
    department = RefSerializer(allow_null=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = ["id", "noted_on", "text", "department", "implemented", "recorded_by", "created_at"]

    def get_recorded_by(self, obj) -> str:
        return user_name(obj.recorded_by)


class FollowUpWriteSerializer(serializers.Serializer):
    noted_on = serializers.DateField()
    text = text_field(5000)
    department = scoped(member_selectors.departments_for, required=False, allow_null=True,
                        help_text=_("A liaison reports for their own department."))
    implemented = serializers.BooleanField(required=False, default=False)


class ResultListSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    consultation = RefSerializer()
    status = choice(ResultStatus, "ConsultationResultStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    recipients = serializers.ListField(child=choice(Recipient, "RecipientEnum"))
    instruction_count = serializers.IntegerField()

    class Meta:
        model = Result
        fields = ["id", "committee", "consultation", "title", "status", "status_display", "recipients",
                  "approved_at", "sent_at", "closed_at", "created_at", "instruction_count"]


class ResultDetailSerializer(ResultListSerializer):
    departments = RefSerializer(many=True, source="departments.all")
    approved_by = serializers.SerializerMethodField()
    instructions = InstructionBriefSerializer(many=True, source="instructions.all")
    follow_ups = FollowUpSerializer(many=True, source="follow_ups.all")

    class Meta(ResultListSerializer.Meta):
        fields = [*ResultListSerializer.Meta.fields, "text", "departments", "approved_by", "instructions",
                  "follow_ups", "updated_at"]

    def get_approved_by(self, obj) -> str:
        return user_name(obj.approved_by)


class ResultWriteSerializer(serializers.Serializer):
    consultation = scoped(selectors.consultations_for, help_text=_("Fixed once the result exists."))
    title = text_field(120)
    text = text_field(50000)
    departments = ScopedIdsField(member_selectors.departments_for, max_length=50)


class NoteSerializer(serializers.Serializer):
    note = text_field(2000)


class OptionalNoteSerializer(serializers.Serializer):
    note = optional_text(2000)


class RecipientsSerializer(serializers.Serializer):
    recipients = serializers.ListField(child=choice(Recipient, "RecipientEnum"), allow_empty=False, max_length=4)


# --- supervision and research tasks ------------------------------------------------------------------


class TaskListSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    category = choice(TaskCategory, "TaskCategoryEnum")
    category_display = serializers.CharField(source="get_category_display")
    supervision_kind = choice(SupervisionKind, "TaskSupervisionKindEnum")
    supervision_kind_display = serializers.CharField(source="get_supervision_kind_display")
    organiser = RefSerializer(allow_null=True)
    status = choice(TaskStatus, "TaskStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    activity_count = serializers.IntegerField()

    class Meta:
        model = Task
        fields = ["id", "committee", "category", "category_display", "supervision_kind", "supervision_kind_display",
                  "title", "organiser", "start_year", "end_year", "deadline", "status", "status_display",
                  "activity_count", "created_at"]


class TeamMemberSerializer(serializers.ModelSerializer):
    member = RefSerializer()
    role = choice(TeamRole, "TeamRoleEnum")

    class Meta:
        model = TeamMember
        fields = ["id", "member", "role"]


class TaskReportSerializer(serializers.ModelSerializer):
    kind = choice(ReportKind, "TaskReportKindEnum")
    kind_display = serializers.CharField(source="get_kind_display")
    submitted_by = serializers.SerializerMethodField()

    class Meta:
        model = TaskReport
        fields = ["id", "year", "kind", "kind_display", "title", "text", "submitted_by", "submitted_at"]

    def get_submitted_by(self, obj) -> str:
        return user_name(obj.submitted_by)


class TaskDetailSerializer(TaskListSerializer):
    partners = RefSerializer(many=True, source="partners.all")
    team = TeamMemberSerializer(many=True, source="team.all")
    reports = TaskReportSerializer(many=True, source="reports.all")
    instructions = InstructionBriefSerializer(many=True, source="instructions.all")
    follow_ups = FollowUpSerializer(many=True, source="follow_ups.all")

    class Meta(TaskListSerializer.Meta):
        fields = [*TaskListSerializer.Meta.fields, "description", "plan", "partners", "findings", "concluded_at",
                  "team", "reports", "instructions", "follow_ups", "updated_at"]


class TaskWriteSerializer(serializers.Serializer):
    committee = scoped(member_selectors.committees_for, help_text=_("Fixed once the task exists."))
    category = choice(TaskCategory, "TaskCategoryEnum")
    supervision_kind = choice(SupervisionKind, "TaskSupervisionKindEnum", required=False, allow_blank=True,
                              help_text=_("One of the four kinds for a supervision topic; empty otherwise."))
    title = text_field(120)
    description = optional_text(10000)
    plan = optional_text(20000)
    organiser = scoped(member_selectors.special_committees_for, required=False, allow_null=True)
    partners = ScopedIdsField(member_selectors.departments_for, max_length=50)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)


class TeamSerializer(serializers.Serializer):
    lead = scoped(member_selectors.members_for)
    members = ScopedIdsField(member_selectors.members_for, max_length=MAX_TEAM)


class FindingsSerializer(serializers.Serializer):
    findings = text_field(20000)


class ReportWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = choice(ReportKind, "TaskReportKindEnum")
    title = text_field(120)
    text = text_field(50000)


class ActivitySerializer(serializers.ModelSerializer):
    task = RefSerializer()
    kind = choice(ActivityKind, "ActivityKindEnum")
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Activity
        fields = ["id", "task", "kind", "kind_display", "title", "starts_at", "ends_at", "place", "summary",
                  "created_at"]


class ActivityDetailSerializer(ActivitySerializer):
    participants = ParticipantSerializer(many=True, source="participants.all")

    class Meta(ActivitySerializer.Meta):
        fields = [*ActivitySerializer.Meta.fields, "participants"]


class ActivityWriteSerializer(serializers.Serializer):
    task = scoped(selectors.tasks_for, help_text=_("Fixed once the activity exists."))
    kind = choice(ActivityKind, "ActivityKindEnum")
    title = text_field(120)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = optional_text(200)
    summary = optional_text(20000)
    members = ScopedIdsField(member_selectors.members_for, max_length=MAX_PARTICIPANTS, allow_null=True,
                             help_text=_("Who takes part (a new activity); the team when left out."))


# --- information -------------------------------------------------------------------------------------


class InformationAuthorSerializer(serializers.ModelSerializer):
    member = RefSerializer(allow_null=True)

    class Meta:
        model = InformationAuthor
        fields = ["id", "member", "name", "order", "share"]


class AdoptionSerializer(serializers.ModelSerializer):
    level = choice(AdoptionLevel, "AdoptionLevelEnum")
    level_display = serializers.CharField(source="get_level_display")

    class Meta:
        model = Adoption
        fields = ["id", "level", "level_display", "adopted_on", "adopted_by", "note"]


class HandlingBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    due_date = serializers.DateField(allow_null=True)


class InformationListSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    category = RefSerializer(allow_null=True)
    status = choice(InformationStatus, "InformationStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    display_title = serializers.CharField()
    authors = InformationAuthorSerializer(many=True, source="authors.all")
    adoptions = AdoptionSerializer(many=True, source="adoptions.all")
    issue = RefSerializer(allow_null=True)
    received_from = serializers.SerializerMethodField()

    class Meta:
        model = InformationItem
        fields = ["id", "committee", "title", "display_title", "status", "status_display", "category", "authors",
                  "adoptions", "issue", "received_from", "submitted_at", "created_at", "updated_at"]

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_received_from(self, obj) -> dict | None:
        """The committee below that sent the item up (three-level linkage)."""
        if not obj.forwarded_from_id:
            return None
        committee = obj.forwarded_from.committee
        return {"id": committee.pk, "name": str(committee)}


class InformationDetailSerializer(InformationListSerializer):
    display_content = serializers.CharField()
    instructions = InstructionBriefSerializer(many=True, source="instructions.all")
    handling = serializers.SerializerMethodField()

    class Meta(InformationListSerializer.Meta):
        fields = [*InformationListSerializer.Meta.fields, "content", "edited_title", "edited_content",
                  "display_content", "review_note", "reviewed_at", "signed_off_at", "issue_position",
                  "source_proposal", "instructions", "handling"]

    @extend_schema_field(HandlingBriefSerializer(allow_null=True))
    def get_handling(self, obj) -> dict | None:
        """The handling item on the shared engine once passed to departments."""
        return HandlingBriefSerializer(obj.case).data if obj.case_id else None


shares_field = serializers.ListField(
    child=serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1), required=False,
    allow_null=True, max_length=MAX_AUTHORS,
    help_text=_("Each author's share of credit, in author order, adding up to 1; equal shares when left out."))


class InformationWriteSerializer(serializers.Serializer):
    committee = scoped(information_committees_for, help_text=_("Fixed once the item exists."))
    title = text_field(120)
    content = text_field(20000)
    category = scoped(proposal_selectors.categories_for, required=False, allow_null=True)
    co_authors = ScopedIdsField(member_selectors.members_for, max_length=MAX_AUTHORS - 1,
                                help_text=_("Member (seat) ids of the co-authors."))
    shares = shares_field


class RejectSerializer(serializers.Serializer):
    reason = text_field(2000)


class InformationApproveSerializer(serializers.Serializer):
    edited_title = optional_text(120)
    edited_content = optional_text(20000)
    category = scoped(proposal_selectors.categories_for, required=False, allow_null=True)
    shares = shares_field
    note = optional_text(2000)


class AdoptSerializer(serializers.Serializer):
    level = choice(AdoptionLevel, "AdoptionLevelEnum")
    adopted_on = serializers.DateField()
    adopted_by = text_field(120)
    note = optional_text(300)


class PassSerializer(serializers.Serializer):
    lead_department = scoped(member_selectors.departments_for)
    co_departments = ScopedIdsField(member_selectors.departments_for, max_length=20)
    handling_mode = serializers.ChoiceField(choices=HandlingMode.choices, required=False)
    note = optional_text(1000)


class IntakeResultSerializer(serializers.Serializer):
    taken = serializers.IntegerField(help_text=_("How many converted proposals became items."))


class CreditSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    item = serializers.SerializerMethodField()
    event = choice([("adoption", _("Adoption")), ("instruction", _("Leader instruction"))], "CreditEventEnum")
    level = serializers.CharField()
    date = serializers.DateField()
    share = serializers.DecimalField(max_digits=4, decimal_places=3)

    @extend_schema_field(RefSerializer)
    def get_item(self, row) -> dict:
        return {"id": row["item"].pk, "name": row["item"].display_title}


# --- bulletins -------------------------------------------------------------------------------------


class BulletinSerializer(serializers.ModelSerializer):
    committee = RefSerializer()

    class Meta:
        model = Bulletin
        fields = ["id", "committee", "name", "is_active"]


class BulletinWriteSerializer(serializers.Serializer):
    committee = scoped(member_selectors.committees_for, help_text=_("Fixed once the bulletin exists."))
    name = text_field(40)
    is_active = serializers.BooleanField(required=False)


class IssueItemSerializer(serializers.ModelSerializer):
    display_title = serializers.CharField()
    status = choice(InformationStatus, "InformationStatusEnum")
    authors = serializers.SerializerMethodField()

    class Meta:
        model = InformationItem
        fields = ["id", "issue_position", "display_title", "status", "authors"]

    def get_authors(self, obj) -> list[str]:
        return [a.name for a in obj.authors.all()]


class BulletinIssueSerializer(serializers.ModelSerializer):
    bulletin = RefSerializer()
    committee = RefSerializer()
    label = serializers.CharField()
    status = choice(IssueStatus, "BulletinIssueStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    recipients = serializers.ListField(child=choice(Recipient, "RecipientEnum"))
    item_count = serializers.IntegerField()

    class Meta:
        model = BulletinIssue
        fields = ["id", "bulletin", "committee", "year", "number", "label", "title", "status", "status_display",
                  "recipients", "editor", "signed_by", "sent_at", "created_at", "item_count"]


class BulletinIssueDetailSerializer(BulletinIssueSerializer):
    items = IssueItemSerializer(many=True, source="items.all")

    class Meta(BulletinIssueSerializer.Meta):
        fields = [*BulletinIssueSerializer.Meta.fields, "items"]


class IssueCreateSerializer(serializers.Serializer):
    bulletin = scoped(selectors.bulletins_for)
    title = optional_text(120)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False,
                                    help_text=_("This year when left out."))


class IssueItemsSerializer(serializers.Serializer):
    items = ScopedIdsField(selectors.information_for, max_length=MAX_ISSUE_ITEMS, required=True,
                           allow_empty=False)


class IssueItemRemoveSerializer(serializers.Serializer):
    item = scoped(selectors.information_for)


class IssueSendSerializer(RecipientsSerializer):
    signed_by = optional_text(60)
    editor = optional_text(60)


# --- information officers, calendar ------------------------------------------------------------------


class InformationOfficerSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    user = RefSerializer()

    class Meta:
        model = InformationOfficer
        fields = ["id", "committee", "user", "organisation", "is_active", "created_at"]


class InformationOfficerWriteSerializer(serializers.Serializer):
    committee = scoped(member_selectors.committees_for, help_text=_("Fixed once the officer exists."))
    user = serializers.IntegerField(min_value=1, max_value=2**31 - 1,
                                    help_text=_("The login's user id. Fixed once the officer exists."))
    organisation = optional_text(120)
    is_active = serializers.BooleanField(required=False, default=True)

    def validate_user(self, value):
        user = get_user_model().objects.filter(pk=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(NOT_FOUND)
        return user


class CalendarEventSerializer(serializers.Serializer):
    kind = choice(EVENT_KINDS, "CalendarEventKindEnum")
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    is_online = serializers.BooleanField()
    label = serializers.CharField(help_text=_("The kind of session, or the task's category."))
    status = serializers.CharField(help_text=_("The session's state in words (empty for an activity)."))
    state = serializers.CharField(help_text=_("The session's state as a value (empty for an activity)."))
    committee = serializers.CharField()
    url = serializers.CharField()


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.CharField(help_text=_("The secret iCalendar address to subscribe to."))


# --- statistics (the shape of consultations.statistics.consultation_statistics) -------------------------


class CountedSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class SessionKindFiguresSerializer(serializers.Serializer):
    name = serializers.CharField()
    form = serializers.CharField()
    form_label = serializers.CharField()
    held = serializers.IntegerField()
    upcoming = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class SessionFiguresSerializer(serializers.Serializer):
    held = serializers.IntegerField()
    upcoming = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    by_kind = SessionKindFiguresSerializer(many=True)
    participants = serializers.IntegerField(help_text=_("Places on the lists of held sessions."))
    member_participants = serializers.IntegerField()
    present = serializers.IntegerField()
    excused = serializers.IntegerField()
    absent = serializers.IntegerField()
    attendance_percent = serializers.FloatField(allow_null=True)
    speeches = serializers.IntegerField()
    speeches_delivered = serializers.IntegerField()
    written_opinions = serializers.IntegerField()


class TopicSourceCountSerializer(CountedSerializer):
    source = serializers.CharField()


class TopicStatusCountSerializer(CountedSerializer):
    status = serializers.CharField()


class TopicFiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_source = TopicSourceCountSerializer(many=True)
    by_status = TopicStatusCountSerializer(many=True)


class ResultFiguresSerializer(serializers.Serializer):
    written = serializers.IntegerField()
    draft = serializers.IntegerField()
    approved = serializers.IntegerField()
    sent = serializers.IntegerField(help_text=_("Sent or closed."))
    closed = serializers.IntegerField()


class LevelCountSerializer(CountedSerializer):
    level = serializers.CharField()


class TargetCountSerializer(CountedSerializer):
    target = serializers.CharField()


class InstructionFiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_level = LevelCountSerializer(many=True)
    by_target = TargetCountSerializer(many=True)


class InformationFiguresSerializer(serializers.Serializer):
    submitted = serializers.IntegerField()
    received = serializers.IntegerField(help_text=_("Copies received from committees below."))
    not_adopted = serializers.IntegerField()
    adopted = serializers.IntegerField()
    adopted_by_level = LevelCountSerializer(many=True)
    instructed = serializers.IntegerField()
    passed = serializers.IntegerField()
    sent = serializers.IntegerField()


class BulletinFiguresSerializer(serializers.Serializer):
    issues_sent = serializers.IntegerField()
    items = serializers.IntegerField()


class TaskKindFiguresSerializer(serializers.Serializer):
    category = serializers.CharField()
    supervision_kind = serializers.CharField()
    label = serializers.CharField()
    tasks = serializers.IntegerField()
    concluded = serializers.IntegerField()
    activities = serializers.IntegerField()
    reports = serializers.IntegerField()


class TaskFiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    concluded = serializers.IntegerField()
    activities = serializers.IntegerField()
    reports = serializers.IntegerField()
    by_kind = TaskKindFiguresSerializer(many=True)


class ConsultationStatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    committee_ids = serializers.ListField(child=serializers.IntegerField(), allow_null=True,
                                          help_text=_("The committees counted; null: every committee."))
    sessions = SessionFiguresSerializer()
    topics = TopicFiguresSerializer()
    results = ResultFiguresSerializer()
    instructions = InstructionFiguresSerializer()
    information = InformationFiguresSerializer()
    bulletins = BulletinFiguresSerializer()
    tasks = TaskFiguresSerializer()
    activities_held = serializers.IntegerField(help_text=_("Sessions held and task activities held."))
