"""Representations and inputs of the proposals API (提案): the proposal, its co-signers, its
handling on the shared engine, the topic guide and the proposing bodies."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cppcc_portal.core.api.fields import RefSerializer
from members import selectors as member_selectors

from .. import selectors
from ..choices import (
    BodyKind,
    Conversion,
    CoSignerStatus,
    HandlingMode,
    ProcuratorateStatus,
    ProposalKind,
    ProposalTiming,
    SupervisionKind,
)
from ..models import (
    Assignment,
    CoSigner,
    GuideTopic,
    ProcuratorateTransfer,
    ProgressNote,
    Proposal,
    ProposalAttachment,
    ProposalBody,
    SupervisionActivity,
    TopicGuide,
)
from ..services.proposals import LIMITS, MAX_ATTACHMENTS
from .serializers import ReplySerializer, scoped


def guide_topics_for(user):
    """Topics of the guides the user sees."""
    return GuideTopic.objects.select_related("guide").filter(guide__in=selectors.topic_guides_for(user).values("pk"))


def proposal_url(proposal) -> str:
    return f"/proposals/{proposal.pk}/"


# --- representations ---------------------------------------------------------------------------


class AuthorSerializer(serializers.Serializer):
    """The first proposer (a member) or the proposing body of a collective proposal."""

    kind = serializers.CharField(help_text=_("“member” or “body”."))
    id = serializers.IntegerField()
    name = serializers.CharField()


def author_of(proposal) -> dict | None:
    if proposal.body_id:
        return {"kind": "body", "id": proposal.body_id, "name": proposal.body.name}
    if proposal.proposer_id:
        return {"kind": "member", "id": proposal.proposer_id, "name": proposal.proposer.name}
    return None


class ProposalListSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    category = RefSerializer(allow_null=True)
    author = serializers.SerializerMethodField()
    number_label = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    kind_display = serializers.CharField(source="get_kind_display")
    handling_status = serializers.SerializerMethodField()
    due_date = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ["id", "number", "number_label", "title", "status", "status_display", "kind", "kind_display",
                  "timing", "year", "committee", "category", "author", "is_key", "handling_status", "due_date",
                  "submitted_at", "created_at"]

    @extend_schema_field(AuthorSerializer(allow_null=True))
    def get_author(self, obj) -> dict | None:
        return author_of(obj)

    def get_handling_status(self, obj) -> str:
        """The status of the handling item once filed; empty before."""
        return obj.case.status if obj.case_id else ""

    def get_due_date(self, obj) -> str | None:
        return obj.case.due_date.isoformat() if obj.case_id and obj.case.due_date else None


class ProposalRefSerializer(serializers.ModelSerializer):
    number_label = serializers.CharField()

    class Meta:
        model = Proposal
        fields = ["id", "number_label", "title", "status"]


class CoSignerSerializer(serializers.ModelSerializer):
    member = RefSerializer()
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = CoSigner
        fields = ["id", "member", "status", "status_display", "invited_at", "responded_at", "note"]


class ProposalAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProposalAttachment
        fields = ["id", "original_name", "content_type", "size", "url", "created_at"]

    def get_url(self, obj) -> str:
        return f"/proposals/attachments/{obj.pk}/"


class HandlingAssignmentSerializer(serializers.ModelSerializer):
    department = RefSerializer()
    role_display = serializers.CharField(source="get_role_display")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Assignment
        fields = ["id", "department", "role", "role_display", "round", "status", "status_display", "due_date",
                  "replied_at"]


class ProgressNoteSerializer(serializers.ModelSerializer):
    department = RefSerializer(allow_null=True)

    class Meta:
        model = ProgressNote
        fields = ["id", "noted_on", "text", "implemented", "department", "created_at"]


class HandlingSerializer(serializers.Serializer):
    """The proposal's handling item on the shared engine, as the caller may see it."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    handling_mode = serializers.CharField()
    round = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    result_category = serializers.CharField()
    rating = serializers.CharField()
    implemented_on = serializers.DateField(allow_null=True)
    replied_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    assignments = HandlingAssignmentSerializer(many=True, source="assignments.all")
    replies = serializers.SerializerMethodField()
    progress_notes = ProgressNoteSerializer(many=True, source="progress_notes.all")

    @extend_schema_field(ReplySerializer(many=True))
    def get_replies(self, case) -> list:
        request = self.context.get("request")
        return ReplySerializer(selectors.visible_replies(getattr(request, "user", None), case, case.replies.all()),
                               many=True).data


class SupervisionActivitySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = SupervisionActivity
        fields = ["id", "kind", "kind_display", "held_on", "place", "participants", "summary", "created_at"]


class ProcuratorateTransferSerializer(serializers.ModelSerializer):
    procuratorate = RefSerializer()
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = ProcuratorateTransfer
        fields = ["id", "procuratorate", "transferred_on", "clue", "status", "status_display", "outcome",
                  "outcome_on"]


class ProposalDetailSerializer(ProposalListSerializer):
    term = RefSerializer()
    session = RefSerializer(allow_null=True)
    topic = RefSerializer(allow_null=True)
    timing_display = serializers.CharField(source="get_timing_display")
    conversion_display = serializers.CharField(source="get_conversion_display")
    submitted_by = serializers.CharField(source="submitted_by.__str__")
    confirmed_cosigners = serializers.SerializerMethodField()
    pending_cosigners = serializers.SerializerMethodField()
    attachments = ProposalAttachmentSerializer(many=True, source="attachments.all")
    reference_departments = RefSerializer(many=True, source="reference_departments.all")
    merged_into = ProposalRefSerializer(allow_null=True)
    merged = ProposalRefSerializer(many=True, source="merged.all")
    handling = serializers.SerializerMethodField()
    key_leaders = RefSerializer(many=True, source="key_leaders.all")
    supervision_activities = SupervisionActivitySerializer(many=True, source="supervision_activities.all")
    procuratorate_transfer = serializers.SerializerMethodField()

    class Meta(ProposalListSerializer.Meta):
        fields = [*ProposalListSerializer.Meta.fields, "term", "session", "timing_display", "topic", "reason",
                  "analysis", "suggestions", "submitted_by", "confirmed_cosigners", "pending_cosigners",
                  "attachments", "reviewed_at", "review_note", "conversion", "conversion_display",
                  "reference_departments", "merged_into", "merged", "handling", "key_leaders", "key_plan",
                  "key_marked_at", "supervision_activities", "procuratorate_transfer", "updated_at"]

    def _cosigners(self, obj, status) -> list:
        return CoSignerSerializer([c for c in obj.cosigners.all() if c.status == status], many=True).data

    @extend_schema_field(CoSignerSerializer(many=True))
    def get_confirmed_cosigners(self, obj) -> list:
        return self._cosigners(obj, CoSignerStatus.CONFIRMED)

    @extend_schema_field(CoSignerSerializer(many=True))
    def get_pending_cosigners(self, obj) -> list:
        return self._cosigners(obj, CoSignerStatus.INVITED)

    @extend_schema_field(HandlingSerializer(allow_null=True))
    def get_handling(self, obj) -> dict | None:
        if not obj.case_id:
            return None
        return HandlingSerializer(obj.case, context=self.context).data

    @extend_schema_field(ProcuratorateTransferSerializer(allow_null=True))
    def get_procuratorate_transfer(self, obj) -> dict | None:
        try:
            return ProcuratorateTransferSerializer(obj.procuratorate_transfer).data
        except ProcuratorateTransfer.DoesNotExist:
            return None


# --- inputs ----------------------------------------------------------------------------------------


def _text_field(name: str, **kwargs):
    return serializers.CharField(max_length=LIMITS[name][1], **kwargs)


class ProposalWriteSerializer(serializers.Serializer):
    """A draft: written as a member (your seat) or for a proposing body (``body``)."""

    member = scoped(member_selectors.members_for, required=False, allow_null=True,
                    help_text=_("Your seat, when you sit on more than one committee."))
    body = scoped(selectors.proposal_bodies_for, required=False, allow_null=True,
                  help_text=_("The proposing body a collective proposal is written for."))
    kind = serializers.ChoiceField(choices=ProposalKind.choices, required=False)
    timing = serializers.ChoiceField(choices=ProposalTiming.choices, required=False)
    session = scoped(member_selectors.sessions_for, required=False, allow_null=True)
    title = _text_field("title")
    reason = _text_field("reason")
    analysis = _text_field("analysis")
    suggestions = _text_field("suggestions")
    category = scoped(selectors.categories_for, required=False, allow_null=True)
    topic = scoped(guide_topics_for, required=False, allow_null=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=MAX_ATTACHMENTS)
    remove_attachments = serializers.ListField(child=serializers.IntegerField(), required=False,
                                               max_length=MAX_ATTACHMENTS,
                                               help_text=_("Ids of attachments to remove (on change)."))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class InviteSerializer(serializers.Serializer):
    members = scoped(member_selectors.members_for, many=True)


class FileSerializer(serializers.Serializer):
    category = scoped(selectors.categories_for, required=False, allow_null=True)
    lead_department = scoped(member_selectors.departments_for, required=False, allow_null=True)
    co_departments = scoped(member_selectors.departments_for, many=True, required=False)
    handling_mode = serializers.ChoiceField(choices=HandlingMode.choices, required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate(self, attrs):
        if attrs.get("co_departments") and not attrs.get("lead_department"):
            raise serializers.ValidationError({"lead_department": _("Choose the lead department as well.")})
        return attrs


class NotFileSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    conversion = serializers.ChoiceField(choices=Conversion.choices, required=False, allow_blank=True)
    reference_departments = scoped(member_selectors.departments_for, many=True, required=False)


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)


class MergeSerializer(serializers.Serializer):
    others = scoped(selectors.proposals_staff, many=True, allow_empty=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate_others(self, value):
        if len({p.pk for p in value}) != len(value):
            raise serializers.ValidationError(_("Each proposal may be named only once."))
        return value


class MarkKeySerializer(serializers.Serializer):
    leaders = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=20,
                                    help_text=_("User ids of the committee's leaders who supervise it."))
    plan = serializers.CharField(max_length=5000)

    def validate_leaders(self, value):
        users = list(get_user_model().objects.filter(pk__in=value, is_active=True))
        if len(users) != len(set(value)):
            raise serializers.ValidationError(_("Choose leaders of this committee."))
        return users


class UnmarkKeySerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class SupervisionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SupervisionKind.choices)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    participants = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=5000)


class ProcuratorateSerializer(serializers.Serializer):
    procuratorate = scoped(member_selectors.departments_for)
    clue = serializers.CharField(max_length=5000)
    transferred_on = serializers.DateField(required=False, allow_null=True)


class ProcuratorateOutcomeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in ProcuratorateStatus.choices
                                              if c[0] != ProcuratorateStatus.TRANSFERRED])
    outcome = serializers.CharField(max_length=5000)
    outcome_on = serializers.DateField(required=False, allow_null=True)


class ProgressSerializer(serializers.Serializer):
    noted_on = serializers.DateField()
    text = serializers.CharField(max_length=4000)
    implemented = serializers.BooleanField(required=False, default=False)


class SimilarSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    number_label = serializers.CharField()
    status = serializers.CharField()
    author = serializers.CharField()
    score = serializers.FloatField()
    shared_words = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField()


# --- co-signing ------------------------------------------------------------------------------------


class CosignInvitationSerializer(CoSignerSerializer):
    proposal = ProposalListSerializer()

    class Meta(CoSignerSerializer.Meta):
        fields = [*CoSignerSerializer.Meta.fields, "proposal"]


class CosignRespondSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


# --- the topic guide --------------------------------------------------------------------------------


class GuideTopicSerializer(serializers.ModelSerializer):
    category = RefSerializer(allow_null=True)

    class Meta:
        model = GuideTopic
        fields = ["id", "guide", "title", "description", "category", "order"]


class GuideTopicWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    category = scoped(selectors.categories_for, required=False, allow_null=True)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class TopicGuideSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    status_display = serializers.CharField(source="get_status_display")
    topics = GuideTopicSerializer(many=True, source="topics.all")

    class Meta:
        model = TopicGuide
        fields = ["id", "committee", "year", "title", "introduction", "status", "status_display", "published_at",
                  "created_at", "topics"]


class TopicGuideWriteSerializer(serializers.Serializer):
    committee = scoped(member_selectors.committees_for, help_text=_("Fixed once the guide exists."))
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("Fixed once the guide exists."))
    title = serializers.CharField(max_length=120)
    introduction = serializers.CharField(max_length=5000, required=False, allow_blank=True)


# --- proposing bodies -------------------------------------------------------------------------------


class ProposalBodySerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    sector = RefSerializer(allow_null=True)
    special_committee = RefSerializer(allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display")
    authorised_users = RefSerializer(many=True, source="authorised_users.all")

    class Meta:
        model = ProposalBody
        fields = ["id", "committee", "name", "kind", "kind_display", "sector", "special_committee",
                  "authorised_users", "is_active"]


class ProposalBodyWriteSerializer(serializers.Serializer):
    committee = scoped(member_selectors.committees_for, help_text=_("Fixed once the body exists."))
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=BodyKind.choices)
    sector = scoped(member_selectors.sectors_for, required=False, allow_null=True)
    special_committee = scoped(member_selectors.special_committees_for, required=False, allow_null=True)
    authorised_users = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=100,
                                             help_text=_("User ids of the people who submit for the body."))
    is_active = serializers.BooleanField(required=False, default=True)

    def validate_authorised_users(self, value):
        users = list(get_user_model().objects.filter(pk__in=value, is_active=True))
        if len(users) != len(set(value)):
            raise serializers.ValidationError(_("Choose active users."))
        return users
