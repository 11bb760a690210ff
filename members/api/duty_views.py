"""API of the duty record (履职档案) and its quantitative assessment (履职量化考核), in step
with the pages: what a user sees is a selector's queryset (outside it, 404), every write calls
one members.duty service, and domain errors become 400/403/409 in the platform's exception
handler."""

from __future__ import annotations

import django_filters as filters
from django.db.models import F, Window
from django.db.models.functions import Rank
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from .. import duty, filtersets, selectors
from ..choices import DutyKind, JobStatus, RuleSetStatus
from ..models import AssessmentRuleSet, DutyEntry, DutyEvidence, DutyScore, RecomputeJob
from . import duty_serializers as s

EVIDENCE_ID = OpenApiParameter("evidence_id", int, OpenApiParameter.PATH)
RULE_KIND = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=DutyKind.values,
                             description="The kind of duty whose rule to remove.")


class NewestFirstCursor(CursorPagination):
    ordering = ("-id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class OccurredCursor(NewestFirstCursor):
    ordering = ("-occurred_on", "-id")


# --- filters ---------------------------------------------------------------------------------------


class DutyEntryFilterSet(filters.FilterSet):
    member = filters.NumberFilter(label=gettext_lazy("Member"), field_name="member_id")
    committee = filters.NumberFilter(label=gettext_lazy("Committee"), field_name="committee_id")
    year = filters.NumberFilter(label=gettext_lazy("Year"))
    kind = filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=DutyKind.choices)
    is_manual = filters.BooleanFilter(label=gettext_lazy("Recorded by staff"))

    class Meta:
        model = DutyEntry
        fields = ["member", "committee", "year", "kind", "is_manual"]


class RuleSetFilterSet(filters.FilterSet):
    committee = filters.NumberFilter(label=gettext_lazy("Committee"), field_name="committee_id")
    year = filters.NumberFilter(label=gettext_lazy("Year"))
    status = filters.ChoiceFilter(label=gettext_lazy("Status"), choices=RuleSetStatus.choices)

    class Meta:
        model = AssessmentRuleSet
        fields = ["committee", "year", "status"]


class RecomputeJobFilterSet(filters.FilterSet):
    committee = filters.NumberFilter(label=gettext_lazy("Committee"), field_name="committee_id")
    year = filters.NumberFilter(label=gettext_lazy("Year"))
    status = filters.ChoiceFilter(label=gettext_lazy("Status"), choices=JobStatus.choices)

    class Meta:
        model = RecomputeJob
        fields = ["committee", "year", "status"]


# --- the viewsets ----------------------------------------------------------------------------------


class PayloadMixin:
    def _payload(self, serializer_class, request, *, partial: bool = False) -> dict:
        payload = serializer_class(data=request.data, partial=partial, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        return payload.validated_data


class DutyEntryViewSet(PayloadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                       viewsets.GenericViewSet):
    """Entries of members' duty records: staff and leaders read those of their committees'
    members, a member their own. The portal writes most entries itself, each with a link to
    where it happened; staff add what it cannot see (multipart, with evidence files) and
    delete such entries again."""

    serializer_class = s.DutyEntrySerializer
    queryset = DutyEntry.objects.none()  # for the schema; get_queryset decides
    filter_backends = [DjangoFilterBackend]
    filterset_class = DutyEntryFilterSet
    pagination_class = OccurredCursor
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.duty_entries_for(self.request.user).select_related("created_by")

    @extend_schema(request={"multipart/form-data": s.DutyEntryWriteSerializer,
                            "application/json": s.DutyEntryWriteSerializer},
                   responses={201: s.DutyEntrySerializer})
    def create(self, request, *args, **kwargs):
        """Record a duty the portal cannot see (staff of the member's committee)."""
        d = self._payload(s.DutyEntryWriteSerializer, request)
        entry = duty.duty_entry_add(actor=request.user, member=d["member"], kind=d["kind"],
                                    occurred_on=d["occurred_on"], label=d["label"], note=d.get("note", ""),
                                    evidence=d.get("evidence", []))
        entry = self.get_queryset().filter(pk=entry.pk).first() or entry
        return Response(s.DutyEntrySerializer(entry, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        """Delete an entry staff recorded (the portal's own entries follow their source)."""
        duty.duty_entry_delete(actor=request.user, entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[EVIDENCE_ID], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   filters=False)
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_id>[0-9]+)", url_name="evidence",
            pagination_class=None, filterset_class=None)
    def evidence(self, request, pk=None, evidence_id=None):
        """Download one evidence file of an entry (always as a download, never rendered)."""
        entry = self.get_object()
        item = get_object_or_404(DutyEvidence, entry=entry, pk=evidence_id)
        try:
            handle = item.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=item.original_name,
                                content_type=item.content_type or "application/octet-stream")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class DutyScoreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Members' yearly scores under their committees' rules: staff and leaders read their
    committees' table, a member their own once the year's rules are published. Highest total
    first (``?ordering=`` total or year). ``ranking`` numbers the rows: filter by committee
    and year (and sector, for the sector's ranking)."""

    serializer_class = s.DutyScoreSerializer
    queryset = DutyScore.objects.none()
    filterset_class = filtersets.DutyScoreFilterSet  # the rankings page's
    ordering_fields = ["total", "year"]
    ordering = ["-total", "member_id"]
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        qs = selectors.duty_scores_for(self.request.user)
        if self.action == "ranking":
            qs = qs.annotate(rank=Window(Rank(), partition_by=[F("committee_id"), F("year")],
                                         order_by=F("total").desc()))
        return qs

    @extend_schema(responses=s.DutyRankingSerializer(many=True))
    @action(detail=False, methods=["get"], filter_backends=[DjangoFilterBackend],
            serializer_class=s.DutyRankingSerializer)
    def ranking(self, request):
        """The table ranked by total (competition ranking: equal totals share a rank), within
        each committee and year among the rows the filters select."""
        return self.list(request)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "ranking":
            queryset = queryset.order_by("-total", "member_id")
        return queryset


class AssessmentRuleSetViewSet(PayloadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                               viewsets.GenericViewSet):
    """A committee's scoring of a year (履职量化考核办法): staff write it (base score, highest
    total, grades, minimums, and a rule per kind of duty), publish it, copy it to another
    year and recompute the scores; leaders and members read published rules. Each change
    recomputes the year's scores after commit."""

    serializer_class = s.AssessmentRuleSetSerializer
    queryset = AssessmentRuleSet.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = RuleSetFilterSet
    pagination_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.rule_sets_for(self.request.user).order_by("committee", "-year")

    def _show(self, pk, code=status.HTTP_200_OK) -> Response:
        instance = self.get_queryset().get(pk=pk)
        return Response(s.AssessmentRuleSetSerializer(instance, context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(request=s.AssessmentRuleSetWriteSerializer, responses={201: s.AssessmentRuleSetSerializer})
    def create(self, request, *args, **kwargs):
        """Write a year's rules (a draft until published)."""
        d = self._payload(s.AssessmentRuleSetWriteSerializer, request)
        rule_set = duty.rule_set_save(actor=request.user, committee=d["committee"], year=d["year"], title=d["title"],
                                      base_score=d.get("base_score", 0), max_score=d.get("max_score"),
                                      grades=d.get("grades", []), minimums=d.get("minimums", []))
        return self._show(rule_set.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.AssessmentRuleSetWriteSerializer, responses=s.AssessmentRuleSetSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change the title, base score, highest total, grades or minimums (not the committee or year)."""
        rule_set = self.get_object()
        d = self._payload(s.AssessmentRuleSetWriteSerializer, request, partial=True)
        duty.rule_set_save(actor=request.user, rule_set=rule_set, title=d.get("title", rule_set.title),
                           base_score=d.get("base_score", rule_set.base_score),
                           max_score=d["max_score"] if "max_score" in d else rule_set.max_score,
                           grades=d.get("grades", rule_set.grades), minimums=d.get("minimums", rule_set.minimums))
        return self._show(rule_set.pk)

    @extend_schema(request=None, responses=s.AssessmentRuleSetSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the rules: members see their score and grade from now on."""
        rule_set = duty.rule_set_publish(actor=request.user, rule_set=self.get_object())
        return self._show(rule_set.pk)

    @extend_schema(request=s.RuleSetCopySerializer, responses={201: s.AssessmentRuleSetSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        """Copy the rules to another year, as a draft there; answers with the copy."""
        rule_set = self.get_object()
        d = self._payload(s.RuleSetCopySerializer, request)
        copy = duty.rule_set_copy(actor=request.user, rule_set=rule_set, year=d["year"])
        return self._show(copy.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: s.RecomputeJobSerializer})
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        """Recompute every member's score of the committee's year (a worker runs it; follow its
        progress at ``duty-recompute-jobs/{id}/``). With one already under way, that one."""
        rule_set = self.get_object()
        job = duty.duty_recompute_start(actor=request.user, committee=rule_set.committee, year=rule_set.year)
        job = RecomputeJob.objects.select_related("committee").get(pk=job.pk)
        return Response(s.RecomputeJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=s.AssessmentRuleWriteSerializer, responses=s.AssessmentRuleSetSerializer)
    @action(detail=True, methods=["post"])
    def rules(self, request, pk=None):
        """Set the points of one kind of duty (its rule is created or changed); answers with the rules."""
        rule_set = self.get_object()
        d = self._payload(s.AssessmentRuleWriteSerializer, request)
        kwargs = {k: d[k] for k in ("split", "first_share") if k in d}
        duty.rule_save(actor=request.user, rule_set=rule_set, kind=d["kind"], points=d["points"],
                       cap=d.get("cap"), **kwargs)
        return self._show(rule_set.pk)

    @extend_schema(parameters=[RULE_KIND], request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"rules/(?P<kind>[a-z_]{1,32})", url_name="rule")
    def rule(self, request, pk=None, kind=None):
        """Stop scoring one kind of duty."""
        rule_set = self.get_object()
        rule = next((r for r in rule_set.rules.all() if r.kind == kind), None)
        if rule is None:
            raise Http404
        rule.rule_set = rule_set
        duty.rule_delete(actor=request.user, rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecomputeJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Full recomputes of a committee's year (staff): status and progress (done of total, percent)."""

    serializer_class = s.RecomputeJobSerializer
    queryset = RecomputeJob.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = RecomputeJobFilterSet
    pagination_class = NewestFirstCursor
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return selectors.recompute_jobs_for(self.request.user)
