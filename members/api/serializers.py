from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cppcc_portal.core.api.fields import RefSerializer, ScopedPrimaryKeyRelatedField

from .. import selectors
from ..models import (
    Committee,
    CommitteeRole,
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


def scoped(selector, **kwargs):
    return ScopedPrimaryKeyRelatedField(selector, **kwargs)


class CommitteeSerializer(serializers.ModelSerializer):
    parent = RefSerializer(allow_null=True)
    level_display = serializers.CharField(source="get_level_display")

    class Meta:
        model = Committee
        fields = ["id", "name", "short_name", "level", "level_display", "parent", "depth", "region_code",
                  "address", "phone", "is_active"]


class CommitteeWriteSerializer(serializers.ModelSerializer):
    parent = scoped(selectors.manageable_committees_for, allow_null=True, required=False)

    class Meta:
        model = Committee
        fields = ["name", "short_name", "level", "parent", "region_code", "address", "phone", "is_active"]
        validators = []  # uniqueness and tree rules are the services' to check


class TermSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Term
        fields = ["id", "committee", "number", "label", "start_date", "end_date", "is_current"]


class TermWriteSerializer(serializers.ModelSerializer):
    committee = scoped(selectors.manageable_committees_for)

    class Meta:
        model = Term
        fields = ["committee", "number", "start_date", "end_date", "is_current"]
        validators = []


class SessionSerializer(serializers.ModelSerializer):
    term = RefSerializer()
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Session
        fields = ["id", "term", "name", "number", "start_date", "end_date", "place"]


class SessionWriteSerializer(serializers.ModelSerializer):
    term = scoped(selectors.terms_for)

    class Meta:
        model = Session
        fields = ["term", "number", "start_date", "end_date", "place"]
        validators = []


class SectorSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Sector
        fields = ["id", "committee", "name", "kind", "kind_display", "order", "is_active"]


class SectorWriteSerializer(serializers.ModelSerializer):
    committee = scoped(selectors.manageable_committees_for)

    class Meta:
        model = Sector
        fields = ["committee", "name", "kind", "order", "is_active"]
        validators = []


class SpecialCommitteeSerializer(serializers.ModelSerializer):
    committee = RefSerializer()

    class Meta:
        model = SpecialCommittee
        fields = ["id", "committee", "name", "is_proposals_committee", "order"]


class SpecialCommitteeWriteSerializer(serializers.ModelSerializer):
    committee = scoped(selectors.manageable_committees_for)

    class Meta:
        model = SpecialCommittee
        fields = ["committee", "name", "is_proposals_committee", "order"]
        validators = []


class MemberSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    term = RefSerializer()
    sector = RefSerializer()
    role_display = serializers.CharField(source="get_role_display")
    party_display = serializers.CharField(source="get_party_display")
    special_committees = RefSerializer(many=True)
    is_active = serializers.BooleanField(read_only=True)
    username = serializers.CharField(source="user.username")

    class Meta:
        model = Member
        fields = ["id", "name", "username", "committee", "term", "sector", "special_committees", "gender",
                  "ethnicity", "birth_date", "role", "role_display", "party", "party_display", "workplace",
                  "title", "phone", "contact_point", "started_on", "ceased_on", "is_active"]


class MemberWriteSerializer(serializers.ModelSerializer):
    committee = scoped(selectors.manageable_committees_for)
    term = scoped(selectors.terms_for)
    sector = scoped(selectors.sectors_for)
    special_committees = scoped(selectors.special_committees_for, many=True, required=False)
    username = serializers.CharField(required=False, allow_blank=True, max_length=150, write_only=True,
                                     help_text=_("Login name; defaults to the mobile number."))
    email = serializers.EmailField(required=False, allow_blank=True, write_only=True)
    started_on = serializers.DateField(required=False)

    class Meta:
        model = Member
        fields = ["committee", "term", "sector", "special_committees", "name", "gender", "ethnicity",
                  "birth_date", "role", "party", "workplace", "title", "phone", "contact_point", "started_on",
                  "ceased_on", "username", "email"]
        validators = []

    def validate(self, attrs):
        if self.instance is not None:
            attrs.pop("username", None)
            attrs.pop("email", None)
        return attrs


class DepartmentSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    kind_display = serializers.CharField(source="get_kind_display")
    liaison_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "committee", "name", "short_name", "kind", "kind_display", "head_name", "phone",
                  "email", "address", "is_active", "liaison_count"]


class DepartmentWriteSerializer(serializers.ModelSerializer):
    committee = scoped(selectors.manageable_committees_for)

    class Meta:
        model = Department
        fields = ["committee", "name", "short_name", "kind", "head_name", "phone", "email", "address", "is_active"]
        validators = []


class LiaisonSerializer(serializers.ModelSerializer):
    department = RefSerializer()
    name = serializers.CharField(source="user.full_name")
    username = serializers.CharField(source="user.username")

    class Meta:
        model = Liaison
        fields = ["id", "department", "name", "username", "title", "phone", "is_head", "is_active"]


class LiaisonWriteSerializer(serializers.Serializer):
    department = scoped(selectors.departments_for)
    name = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=30)
    title = serializers.CharField(max_length=60, required=False, allow_blank=True)
    is_head = serializers.BooleanField(required=False)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if self.instance is not None:
            # An existing liaison's login is the user's own; only the desk details change here.
            attrs = {k: v for k, v in attrs.items() if k in ("title", "phone", "is_head", "is_active")}
        else:
            attrs.pop("is_active", None)
        return attrs


class StudioSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    sector = RefSerializer(allow_null=True)
    lead_member = RefSerializer(allow_null=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Studio
        fields = ["id", "committee", "name", "sector", "lead_member", "member_count", "address", "phone",
                  "contact_person", "online_url", "description", "is_active"]


class StudioWriteSerializer(serializers.ModelSerializer):
    committee = scoped(selectors.manageable_committees_for)
    sector = scoped(selectors.sectors_for, allow_null=True, required=False)
    lead_member = scoped(selectors.members_for, allow_null=True, required=False)
    members = scoped(selectors.members_for, many=True, required=False)

    class Meta:
        model = Studio
        fields = ["committee", "name", "sector", "lead_member", "members", "address", "phone", "contact_person",
                  "online_url", "description", "is_active"]
        validators = []


class CommitteeRoleSerializer(serializers.ModelSerializer):
    user = RefSerializer()
    committee = RefSerializer()

    class Meta:
        model = CommitteeRole
        fields = ["id", "user", "committee", "role", "includes_subordinates", "created_at"]


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.CharField())
    staff_committees = serializers.ListField(child=serializers.IntegerField())
    leader_committees = serializers.ListField(child=serializers.IntegerField())
    member_seats = serializers.ListField(child=serializers.IntegerField())
    departments = serializers.ListField(child=serializers.IntegerField())

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "phone", "roles", "staff_committees",
                  "leader_committees", "member_seats", "departments"]
