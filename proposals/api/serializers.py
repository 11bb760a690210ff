from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cppcc_portal.core.api.fields import RefSerializer, ScopedPrimaryKeyRelatedField
from cppcc_portal.core.models import OutboxMessage
from members import selectors as member_selectors

from .. import selectors
from ..choices import CaseKind, ContactMethod, FollowKind, HandlingMode, Rating, ResultCategory
from ..models import (
    Assignment,
    Case,
    CaseAttachment,
    Category,
    ExtensionRequest,
    Feedback,
    HandlingPolicy,
    ObjectionRequest,
    Reply,
    RoutingDecision,
    RoutingRule,
)


def scoped(selector, **kwargs):
    return ScopedPrimaryKeyRelatedField(selector, **kwargs)


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CaseAttachment
        fields = ["id", "original_name", "content_type", "size", "purpose", "url", "created_at"]

    def get_url(self, obj) -> str:
        return f"/attachments/{obj.pk}/"


class CaseListSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    category = RefSerializer(allow_null=True)
    submitter = RefSerializer(allow_null=True)
    status_display = serializers.CharField(source="get_status_display")
    is_overdue = serializers.BooleanField()

    class Meta:
        model = Case
        fields = ["id", "title", "status", "status_display", "committee", "category", "submitter", "handling_mode",
                  "round", "due_date", "is_overdue", "rating", "created_at", "routed_at", "replied_at", "closed_at"]


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["rating", "comment", "created_at"]


class ReplySerializer(serializers.ModelSerializer):
    department = RefSerializer(source="assignment.department")
    feedback = serializers.SerializerMethodField()
    attachment = AttachmentSerializer(allow_null=True)

    class Meta:
        model = Reply
        fields = ["id", "department", "round", "is_opinion", "text", "attachment", "result_category", "may_publish",
                  "review_status", "created_at", "feedback"]

    def get_feedback(self, obj) -> dict | None:
        try:
            return FeedbackSerializer(obj.feedback).data
        except Feedback.DoesNotExist:
            return None


class AssignmentBriefSerializer(serializers.ModelSerializer):
    department = RefSerializer()
    role_display = serializers.CharField(source="get_role_display")
    status_display = serializers.CharField(source="get_status_display")
    is_overdue = serializers.BooleanField()

    class Meta:
        model = Assignment
        fields = ["id", "department", "role", "role_display", "round", "status", "status_display", "assigned_at",
                  "accepted_at", "replied_at", "due_date", "is_overdue", "paused_at", "objection_until",
                  "extended_workdays", "deadline_log"]


class RoutingDecisionSerializer(serializers.ModelSerializer):
    lead_department = RefSerializer(allow_null=True)
    co_departments = RefSerializer(many=True)
    rule = RefSerializer(allow_null=True)
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = RoutingDecision
        fields = ["id", "round", "method", "rule", "lead_department", "co_departments", "score", "candidates",
                  "reason", "decided_by", "created_at"]

    def get_decided_by(self, obj) -> str:
        """The staff member who decided; empty for the rules and the recommendation."""
        return str(obj.decided_by) if obj.decided_by_id else ""


class CaseDetailSerializer(CaseListSerializer):
    place = RefSerializer(allow_null=True)
    co_submitters = RefSerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    assignments = AssignmentBriefSerializer(many=True)
    replies = serializers.SerializerMethodField()
    routing_decisions = RoutingDecisionSerializer(many=True)
    following = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "content", "place", "address", "co_submitters", "attachments",
                  "assignments", "replies", "routing_decisions", "following"]

    @extend_schema_field(ReplySerializer(many=True))
    def get_replies(self, obj) -> list:
        """Co-handlers' opinions are for the departments and staff, not the member; a reply
        awaiting review is not yet the member's to read."""
        request = self.context.get("request")
        user = request.user if request else None
        return ReplySerializer(selectors.visible_replies(user, obj, obj.replies.all()), many=True).data

    def get_following(self, obj) -> str | None:
        request = self.context.get("request")
        for follow in obj.follows.all():
            if request and follow.user_id == request.user.pk:
                return follow.kind
        return None


class MicroSuggestionSubmitSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, min_length=4)
    content = serializers.CharField(max_length=5000, min_length=10)
    category = scoped(selectors.categories_for, required=False, allow_null=True)
    place = scoped(member_selectors.committees_for, required=False, allow_null=True,
                   help_text=_("The district or township the suggestion concerns."))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    co_submitters = scoped(member_selectors.members_for, many=True, required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=6)
    member = scoped(member_selectors.members_for, required=False,
                    help_text=_("Your seat, when you sit on more than one committee."))


class RouteSerializer(serializers.Serializer):
    lead_department = scoped(member_selectors.departments_for)
    co_departments = scoped(member_selectors.departments_for, many=True, required=False)
    handling_mode = serializers.ChoiceField(choices=HandlingMode.choices, required=False)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class RateSerializer(serializers.Serializer):
    reply = serializers.IntegerField()
    rating = serializers.ChoiceField(choices=[c for c in Rating.choices if c[0] != Rating.NONE])
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class FollowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FollowKind.choices, default=FollowKind.FOLLOW)


class AssignmentSerializer(AssignmentBriefSerializer):
    case = CaseListSerializer()

    class Meta(AssignmentBriefSerializer.Meta):
        fields = [*AssignmentBriefSerializer.Meta.fields, "case"]


class ObjectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    suggested_department = scoped(selectors.departments_to_suggest_for, required=False, allow_null=True)


class ContactSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ContactMethod.choices)
    contacted_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReplyCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000)
    attachment = serializers.FileField(required=False)
    result_category = serializers.ChoiceField(
        choices=ResultCategory.choices, required=False, allow_blank=True,
        help_text=_("The result (A–D) where the committee's policy asks for one (proposals)."))
    may_publish = serializers.BooleanField(required=False, default=False,
                                           help_text=_("The department agrees that the reply may be published."))


class ReplyReviewSerializer(ReplySerializer):
    """A reply with the item it answers, for staff who review replies before release."""

    case = CaseListSerializer()
    reviewed_by = serializers.SerializerMethodField()

    class Meta(ReplySerializer.Meta):
        fields = [*ReplySerializer.Meta.fields, "case", "reviewed_by", "reviewed_at", "review_note"]

    def get_reviewed_by(self, obj) -> str:
        return str(obj.reviewed_by) if obj.reviewed_by_id else ""


class ReplyReviewDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("Release the reply to the submitter, or return it for revision."))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                 help_text=_("Required when returning the reply."))


class ExtendSerializer(serializers.Serializer):
    workdays = serializers.IntegerField(min_value=1, max_value=120)
    reason = serializers.CharField(max_length=2000)


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ObjectionDecisionSerializer(DecisionSerializer):
    new_department = scoped(member_selectors.departments_for, required=False, allow_null=True)


class ObjectionRequestSerializer(serializers.ModelSerializer):
    assignment = AssignmentSerializer()
    suggested_department = RefSerializer(allow_null=True)
    requested_by = serializers.CharField(source="requested_by.__str__")

    class Meta:
        model = ObjectionRequest
        fields = ["id", "assignment", "reason", "suggested_department", "status", "requested_by", "requested_at",
                  "decided_at", "decision_note"]


class ExtensionRequestSerializer(serializers.ModelSerializer):
    assignment = AssignmentSerializer()
    requested_by = serializers.CharField(source="requested_by.__str__")

    class Meta:
        model = ExtensionRequest
        fields = ["id", "assignment", "workdays", "reason", "status", "requested_by", "requested_at", "decided_at",
                  "decision_note"]


class CategorySerializer(serializers.ModelSerializer):
    committee = RefSerializer()

    class Meta:
        model = Category
        fields = ["id", "committee", "name", "order", "is_active"]


class CategoryWriteSerializer(serializers.ModelSerializer):
    committee = scoped(member_selectors.manageable_committees_for)

    class Meta:
        model = Category
        fields = ["committee", "name", "order", "is_active"]
        validators = []


class RoutingRuleSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    category = RefSerializer(allow_null=True)
    place = RefSerializer(allow_null=True)
    lead_department = RefSerializer()
    co_departments = RefSerializer(many=True)

    class Meta:
        model = RoutingRule
        fields = ["id", "committee", "kind", "name", "priority", "category", "keywords", "place", "lead_department",
                  "co_departments", "is_active", "updated_at"]


class RoutingRuleWriteSerializer(serializers.ModelSerializer):
    committee = scoped(member_selectors.manageable_committees_for)
    category = scoped(selectors.categories_for, required=False, allow_null=True)
    place = scoped(member_selectors.committees_for, required=False, allow_null=True)
    lead_department = scoped(member_selectors.departments_for)
    co_departments = scoped(member_selectors.departments_for, many=True, required=False)
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.MICRO_SUGGESTION)

    class Meta:
        model = RoutingRule
        fields = ["committee", "kind", "name", "priority", "category", "keywords", "place", "lead_department",
                  "co_departments", "is_active"]
        validators = []


class HandlingPolicySerializer(serializers.ModelSerializer):
    committee = scoped(member_selectors.manageable_committees_for)
    category = scoped(selectors.categories_for, required=False, allow_null=True)

    class Meta:
        model = HandlingPolicy
        fields = ["id", "committee", "kind", "category", "reply_workdays", "co_opinion_workdays",
                  "objection_workdays", "rating_workdays", "max_rounds", "max_extension_workdays",
                  "reminder_workdays", "escalate_head_after", "escalate_staff_after", "escalate_leader_after",
                  "routing_confidence"]
        validators = []


class DeadLetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboxMessage
        fields = ["id", "task_name", "kwargs", "status", "attempts", "failures", "last_error", "created_at",
                  "published_at"]
