"""Representations and inputs of the member studios' API (委员工作室): the public face (a
studio, who is on duty, raising a concern, its status by tracking code) and the studio's own
work (the roster, concerns, activities).

The public representations carry what a studio's public page shows and nothing of the
people who raised concerns: never their name, phone or place. Checks of what is valid (a
phone number, junk, who may act) are services.studios'; these only parse and shape."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cppcc_portal.core.api.fields import RefSerializer
from members import selectors as member_selectors
from proposals import selectors as proposal_selectors

from ..choices import (
    Attendance,
    ConcernConversion,
    ConcernStatus,
    DutyPeriod,
    InvitationStatus,
    ParticipantRole,
    StudioActivityKind,
)
from ..models import Concern, DutyShift, Participant, StudioActivity
from .serializers import ScopedIdsField, choice, scoped

# --- the public face -------------------------------------------------------------------------------


class PublicShiftSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.name", help_text=_("The member on duty."))
    period = choice(DutyPeriod, "StudioDutyPeriodEnum")
    period_display = serializers.CharField(source="get_period_display")

    class Meta:
        model = DutyShift
        fields = ["date", "period", "period_display", "member"]


class PublicStudioSerializer(serializers.Serializer):
    """What a studio's public page shows: what the studio is and who is on duty this week."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    committee = serializers.CharField(source="committee.name")
    sector = serializers.SerializerMethodField()
    lead_member = serializers.SerializerMethodField()
    address = serializers.CharField()
    phone = serializers.CharField(help_text=_("The studio's contact phone."))
    online_url = serializers.CharField()
    description = serializers.CharField()
    on_duty = PublicShiftSerializer(many=True, source="week_shifts",
                                    help_text=_("Members on duty this week (Monday to Sunday)."))

    def get_sector(self, obj) -> str:
        return obj.sector.name if obj.sector_id else ""

    def get_lead_member(self, obj) -> str:
        return obj.lead_member.name if obj.lead_member_id else ""


class ConcernSubmitSerializer(serializers.Serializer):
    """A concern raised without an account. ``website`` is a field people leave empty."""

    phone = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                  help_text=_("A mobile number or a landline with its area code, for the studio "
                                              "to call back; never shown publicly."))
    description = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                        help_text=_("The concern, 10 to 2000 characters."))
    name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                 help_text=_("Optional; never shown publicly."))
    place = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    photo = serializers.FileField(required=False, allow_null=True, help_text=_("A photo (JPEG or PNG)."))
    website = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                    help_text=_("Leave empty."))


class ConcernReceiptSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status_url = serializers.CharField(help_text=_("The public page showing the concern's progress."))


class PublicReplySerializer(serializers.Serializer):
    department = serializers.CharField()
    text = serializers.CharField()
    at = serializers.DateTimeField()


class ConcernPublicStatusSerializer(serializers.Serializer):
    """A concern's progress by its tracking code: never the person's name, phone or place."""

    code = serializers.CharField()
    studio = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = choice(ConcernStatus, "ConcernStatusEnum")
    status_label = serializers.CharField()
    reply = serializers.CharField(help_text=_("The studio's answer."))
    replied_at = serializers.DateTimeField(allow_null=True)
    conversion = serializers.CharField(help_text=_("What it was taken up as (empty: not taken up)."))
    conversion_label = serializers.CharField()
    converted_at = serializers.DateTimeField(allow_null=True)
    handling = serializers.CharField(allow_null=True, help_text=_("How what it became stands."))
    closed = serializers.BooleanField(required=False, help_text=_("The departments' handling is finished."))
    replies = PublicReplySerializer(many=True, help_text=_("The departments' released replies."))


# --- the duty roster -------------------------------------------------------------------------------


class ShiftSerializer(serializers.ModelSerializer):
    studio = RefSerializer()
    member = RefSerializer()
    period = choice(DutyPeriod, "StudioDutyPeriodEnum")
    period_display = serializers.CharField(source="get_period_display")

    class Meta:
        model = DutyShift
        fields = ["id", "studio", "member", "date", "period", "period_display", "note"]


class ShiftWriteSerializer(serializers.Serializer):
    studio = scoped(member_selectors.studios_for)
    member = scoped(member_selectors.members_for, help_text=_("A serving member of the studio."))
    date = serializers.DateField()
    period = choice(DutyPeriod, "StudioDutyPeriodEnum", required=False)
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


# --- concerns --------------------------------------------------------------------------------------


class ConcernSerializer(serializers.ModelSerializer):
    """A concern as the studio's runners see it: with the person's name and phone, to call back."""

    studio = RefSerializer()
    status = choice(ConcernStatus, "ConcernStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    assigned_to = RefSerializer(allow_null=True)
    conversion = serializers.CharField()
    conversion_display = serializers.CharField(source="get_conversion_display")
    converted_case = RefSerializer(allow_null=True, help_text=_("The micro-suggestion it became."))
    converted_proposal = RefSerializer(allow_null=True, help_text=_("The proposal draft it became."))
    converted_information = RefSerializer(allow_null=True, help_text=_("The social-conditions item it became."))
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = Concern
        fields = ["id", "studio", "tracking_code", "name", "phone", "place", "description", "photo_url", "status",
                  "status_display", "assigned_to", "assigned_at", "reply", "replied_at", "conversion",
                  "conversion_display", "converted_case", "converted_proposal", "converted_information",
                  "converted_at", "closed_at", "close_note", "created_at", "updated_at"]

    def get_photo_url(self, obj) -> str:
        return reverse("concern-photo", kwargs={"pk": obj.pk}) if obj.photo else ""


class ConcernAssignSerializer(serializers.Serializer):
    member = scoped(member_selectors.members_for, help_text=_("A serving member of the studio."))


class ConcernReplySerializer(serializers.Serializer):
    reply = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                  help_text=_("The answer the person reads on the status page."))


class ConcernConvertSerializer(serializers.Serializer):
    to = choice(ConcernConversion, "ConcernConversionEnum")
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    category = scoped(proposal_selectors.categories_for, required=False, allow_null=True)


class ConcernCloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                 help_text=_("Required when it is closed without an answer."))


# --- studio activities -----------------------------------------------------------------------------


class StudioActivitySerializer(serializers.ModelSerializer):
    studio = RefSerializer()
    kind = choice(StudioActivityKind, "StudioActivityKindEnum")
    kind_display = serializers.CharField(source="get_kind_display")
    participant_count = serializers.IntegerField()

    class Meta:
        model = StudioActivity
        fields = ["id", "studio", "kind", "kind_display", "title", "starts_at", "ends_at", "place", "quarter",
                  "participant_count", "created_at"]


class ActivityParticipantSerializer(serializers.ModelSerializer):
    member = RefSerializer(allow_null=True)
    role = choice(ParticipantRole, "ParticipantRoleEnum")
    invitation = choice(InvitationStatus, "InvitationStatusEnum")
    attendance = choice(Attendance, "AttendanceEnum")

    class Meta:
        model = Participant
        fields = ["id", "member", "name", "role", "invitation", "attendance", "response_note", "checked_in_at"]


class StudioActivityDetailSerializer(StudioActivitySerializer):
    participants = ActivityParticipantSerializer(many=True, source="participants.all")

    class Meta(StudioActivitySerializer.Meta):
        fields = [*StudioActivitySerializer.Meta.fields, "summary", "participants"]


class StudioActivityWriteSerializer(serializers.Serializer):
    studio = scoped(member_selectors.studios_for, help_text=_("Fixed once the activity exists."))
    kind = choice(StudioActivityKind, "StudioActivityKindEnum")
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    summary = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    quarter = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                    help_text=_("For a follow-up meeting: the quarter it reviews, like 2026Q3."))
    members = ScopedIdsField(member_selectors.members_for, max_length=200,
                             help_text=_("Members taking part (new activities; default: the studio's members)."))


class ActivityInviteSerializer(serializers.Serializer):
    members = ScopedIdsField(member_selectors.members_for, required=True, max_length=200)


class ActivityParticipantChoiceSerializer(serializers.Serializer):
    participant = serializers.IntegerField(min_value=1, max_value=2**31 - 1,
                                           help_text=_("A place on this activity's list."))


class ActivityAttendanceSerializer(ActivityParticipantChoiceSerializer):
    attendance = choice([(v, label) for v, label in Attendance.choices if v != Attendance.UNKNOWN],
                        "StudioAttendanceEnum")
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class QuarterConcernSerializer(serializers.ModelSerializer):
    """A concern the studio received in the quarter, for its follow-up meeting: what it became
    and how that stands."""

    status = choice(ConcernStatus, "ConcernStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    assigned_to = RefSerializer(allow_null=True)
    conversion = serializers.CharField()
    conversion_display = serializers.CharField(source="get_conversion_display")
    converted_to = serializers.SerializerMethodField()
    standing = serializers.SerializerMethodField()

    class Meta:
        model = Concern
        fields = ["id", "tracking_code", "description", "created_at", "status", "status_display", "assigned_to",
                  "reply", "conversion", "conversion_display", "converted_to", "standing"]

    @staticmethod
    def _item(obj):
        return obj.converted_case or obj.converted_proposal or obj.converted_information

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_converted_to(self, obj) -> dict | None:
        item = self._item(obj)
        return {"id": item.pk, "name": str(item)} if item is not None else None

    def get_standing(self, obj) -> str:
        """How what it became stands (its status), or empty."""
        item = self._item(obj)
        return str(item.get_status_display()) if item is not None else ""
