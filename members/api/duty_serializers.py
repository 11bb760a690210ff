"""Representations and inputs of the duty record API (履职档案, 履职量化考核).

Reads nest minimal references ({id, name}); writes take ids, each checked against what the
caller may see (an id outside it is "not found", never "forbidden"). The rules themselves
(who may record, what a valid grade or minimum is) are members.duty's: these only parse and
shape."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cppcc_portal.core.api.fields import RefSerializer, ScopedPrimaryKeyRelatedField

from .. import selectors
from ..choices import DutyKind, DutyRole, JobStatus, RuleSetStatus, SplitMode
from ..models import AssessmentRule, AssessmentRuleSet, DutyEntry, DutyEvidence, DutyScore, RecomputeJob

NOT_FOUND = _("Not found.")
MAX_LIST = 100  # grades and minimums: far more than any committee uses, so a flood stops here


# --- fields ----------------------------------------------------------------------------------------


class DutyChoiceField(serializers.ChoiceField):
    """A choice field whose OpenAPI enum is a named component: ``status`` and ``kind`` are field
    names of many choice sets across the API."""

    def __init__(self, choices, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(choices=choices, **kwargs)


class DutyChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = DutyChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {"type": "string", "enum": list(field.choices),
                  "description": "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items())}
        component = ResolvedComponent(name=field.enum_name, type=ResolvedComponent.SCHEMA, object=field.enum_name,
                                      schema=schema)
        auto_schema.registry.register_on_missing(component)
        return component.ref


def choice(choices, enum_name: str, **kwargs) -> DutyChoiceField:
    return DutyChoiceField(choices.choices, enum_name=enum_name, **kwargs)


def kind_field(**kwargs) -> DutyChoiceField:
    return choice(DutyKind, "DutyKindEnum", **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class ScopedIdField(ScopedPrimaryKeyRelatedField):
    """An id of an object the caller sees: a whole number (or its digits), never 1.5 read as 1."""

    def to_internal_value(self, data):
        if isinstance(data, (bool, float)) or (isinstance(data, str) and not data.strip().isdigit()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


def scoped(selector, **kwargs) -> ScopedIdField:
    kwargs.setdefault("error_messages", {"does_not_exist": NOT_FOUND})
    return ScopedIdField(selector, **kwargs)


def points_field(**kwargs) -> serializers.DecimalField:
    """A number of points; its range and precision are the service's to check."""
    return serializers.DecimalField(max_digits=12, decimal_places=4, coerce_to_string=True, **kwargs)


# --- entries ---------------------------------------------------------------------------------------


class DutyEvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = DutyEvidence
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, obj) -> str:
        return reverse("duty-entry-evidence", kwargs={"pk": obj.entry_id, "evidence_id": obj.pk})


class DutyEntrySerializer(serializers.ModelSerializer):
    member = RefSerializer()
    committee = RefSerializer()
    kind = kind_field()
    kind_display = serializers.CharField(source="get_kind_display")
    role = choice(DutyRole, "DutyRoleEnum")
    share = serializers.DecimalField(max_digits=4, decimal_places=3)
    source_type = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()
    evidence = DutyEvidenceSerializer(many=True, source="evidence.all")

    class Meta:
        model = DutyEntry
        fields = ["id", "member", "committee", "year", "kind", "kind_display", "occurred_on", "role", "group_size",
                  "share", "label", "url", "source_type", "source_id", "is_manual", "note", "created_by",
                  "created_at", "evidence"]

    def get_source_type(self, obj) -> str:
        """The kind of record the entry comes from (``proposals.proposal`` …); empty for manual ones."""
        return f"{obj.source_type.app_label}.{obj.source_type.model}" if obj.source_type_id else ""

    def get_created_by(self, obj) -> str:
        return str(obj.created_by) if obj.created_by_id else ""


class DutyEntryWriteSerializer(serializers.Serializer):
    member = scoped(selectors.members_for)
    kind = kind_field()
    occurred_on = serializers.DateField()
    label = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                  help_text=_("What the member did (2 to 200 characters)."))
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    evidence = serializers.ListField(child=serializers.FileField(), required=False,
                                     help_text=_("Evidence files (pictures, PDF, Office documents), at most 5."))


# --- scores ----------------------------------------------------------------------------------------


class MinimumSerializer(serializers.Serializer):
    kind = kind_field()
    count = serializers.IntegerField(min_value=-(2**31), max_value=2**31 - 1)


class DutyScoreSerializer(serializers.ModelSerializer):
    member = RefSerializer()
    committee = RefSerializer()
    sector = serializers.SerializerMethodField()
    total = serializers.DecimalField(max_digits=7, decimal_places=2)
    by_kind = serializers.DictField(child=serializers.DecimalField(max_digits=9, decimal_places=2),
                                    help_text=_("Points by kind of duty, each within its cap."))
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("Entries by kind of duty."))
    unmet_minimums = MinimumSerializer(many=True, help_text=_("The minimums of the rules not met."))

    class Meta:
        model = DutyScore
        fields = ["id", "member", "committee", "sector", "year", "total", "grade", "by_kind", "counts",
                  "unmet_minimums", "computed_at"]

    @extend_schema_field(RefSerializer)
    def get_sector(self, obj) -> dict:
        sector = obj.member.sector
        return {"id": sector.pk, "name": sector.name}


class DutyRankingSerializer(DutyScoreSerializer):
    rank = serializers.IntegerField(help_text=_("1 for the highest total of the committee's year among the rows "
                                                "selected; equal totals share a rank."))

    class Meta(DutyScoreSerializer.Meta):
        fields = ["rank", *DutyScoreSerializer.Meta.fields]


# --- rules -----------------------------------------------------------------------------------------


class AssessmentRuleSerializer(serializers.ModelSerializer):
    kind = kind_field()
    kind_display = serializers.CharField(source="get_kind_display")
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    cap = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    split = choice(SplitMode, "DutySplitModeEnum")
    split_display = serializers.CharField(source="get_split_display")
    first_share = serializers.DecimalField(max_digits=4, decimal_places=3)

    class Meta:
        model = AssessmentRule
        fields = ["id", "kind", "kind_display", "points", "cap", "split", "split_display", "first_share"]


class GradeSerializer(serializers.Serializer):
    grade = serializers.CharField(allow_blank=True, trim_whitespace=False)
    min = points_field()


class AssessmentRuleSetSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    base_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    max_score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    grades = GradeSerializer(many=True, help_text=_("Highest first: a total reaching ``min`` gets ``grade``."))
    minimums = MinimumSerializer(many=True, help_text=_("At least ``count`` entries of ``kind`` a year."))
    status = choice(RuleSetStatus, "DutyRuleSetStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    copied_from = serializers.SerializerMethodField()
    rules = AssessmentRuleSerializer(many=True, source="rules.all")

    class Meta:
        model = AssessmentRuleSet
        fields = ["id", "committee", "year", "title", "base_score", "max_score", "grades", "minimums", "status",
                  "status_display", "copied_from", "computed_at", "created_at", "updated_at", "rules"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_copied_from(self, obj) -> int | None:
        return obj.copied_from_id


class AssessmentRuleSetWriteSerializer(serializers.Serializer):
    committee = scoped(selectors.committees_for, help_text=_("Fixed once the rules exist."))
    year = serializers.IntegerField(min_value=1, max_value=32767, help_text=_("Fixed once the rules exist."))
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    base_score = points_field(required=False)
    max_score = points_field(required=False, allow_null=True)
    grades = GradeSerializer(many=True, required=False, max_length=MAX_LIST)
    minimums = MinimumSerializer(many=True, required=False, max_length=MAX_LIST)


class AssessmentRuleWriteSerializer(serializers.Serializer):
    kind = kind_field()
    points = points_field(help_text=_("Points each; negative for a penalty."))
    cap = points_field(required=False, allow_null=True, help_text=_("The most this kind adds in a year."))
    split = choice(SplitMode, "DutySplitModeEnum", required=False)
    first_share = points_field(required=False, help_text=_("The first author's share (0 to 1) with first_share."))


class RuleSetCopySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1, max_value=32767)


# --- recompute jobs --------------------------------------------------------------------------------


class RecomputeJobSerializer(serializers.ModelSerializer):
    committee = RefSerializer()
    status = choice(JobStatus, "DutyJobStatusEnum")
    status_display = serializers.CharField(source="get_status_display")
    percent = serializers.IntegerField()

    class Meta:
        model = RecomputeJob
        fields = ["id", "committee", "year", "status", "status_display", "done", "total", "percent", "error",
                  "created_at", "started_at", "finished_at"]
