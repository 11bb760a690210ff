"""API of consultation (协商议政), democratic supervision and research, and social-conditions
information (社情民意), in step with the pages: what a user sees is a selector's queryset
(outside it, 404), every workflow step is one POST action calling one service, and domain
errors become 400/403/409 in the platform's exception handler."""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cppcc_portal.core.api.idempotency import IdempotentCreateMixin
from cppcc_portal.core.api.viewsets import TimelineMixin
from members.selectors import committees_for, scope_for
from proposals.api.views import NewestFirstCursor

from .. import filtersets, selectors
from ..choices import Attendance, ConsultationForm, InvitationStatus, ParticipantRole, SpeechKind, SpeechStatus
from ..models import (
    Activity,
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
from ..services import common, consultations as cs, information as info, supervision as sv
from . import serializers as s

IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                               description="Retries with the same key return the first answer.")
MATERIAL_ID = OpenApiParameter("material_id", int, OpenApiParameter.PATH)
MAX_CALENDAR_DAYS = 400


class OldestFirstCursor(CursorPagination):
    """Queues and lists read top-down: the oldest first."""

    ordering = ("id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class StartsAtCursor(NewestFirstCursor):
    """Sessions and activities: the latest start first."""

    ordering = ("-starts_at", "-id")


class InstructedOnCursor(NewestFirstCursor):
    ordering = ("-instructed_on", "-id")


def _file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Lists are ordered by their (cursor) pagination; the platform's default OrderingFilter would
# also accept a serializer's display fields (``?ordering=get_status_display``) and fail on them.
FILTER_BACKENDS = [DjangoFilterBackend]


class ServiceActionsMixin:
    """Parsing an input serializer and answering with the object as the caller now sees it."""

    detail_serializer_class = None
    filter_backends = FILTER_BACKENDS

    def _payload(self, serializer_class, request, *, partial: bool = False) -> dict:
        payload = serializer_class(data=request.data, partial=partial, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    def _show(self, pk, code=status.HTTP_200_OK) -> Response:
        self.action = "retrieve"  # the detail queryset, with its prefetches
        instance = self.get_queryset().filter(pk=pk).first()
        if instance is None:  # the step took it out of the caller's sight
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.detail_serializer_class(instance, context=self.get_serializer_context()).data,
                        status=code)


# --- filters of the lists that have no page of their own ---------------------------------------------


class KindFilterSet(filters.FilterSet):
    committee = filters.NumberFilter(label=gettext_lazy("Committee"), field_name="committee_id")
    form = filters.ChoiceFilter(label=gettext_lazy("Form"), choices=ConsultationForm.choices)
    is_active = filters.BooleanFilter(label=gettext_lazy("Active"))

    class Meta:
        model = ConsultationKind
        fields = ["committee", "form", "is_active"]


class PlanFilterSet(filters.FilterSet):
    committee = filters.NumberFilter(label=gettext_lazy("Committee"), field_name="committee_id")
    year = filters.NumberFilter(label=gettext_lazy("Year"))

    class Meta:
        model = ConsultationPlan
        fields = ["committee", "year", "status"]


class ParticipantFilterSet(filters.FilterSet):
    consultation = filters.NumberFilter(label=gettext_lazy("Consultation"), field_name="consultation_id")
    activity = filters.NumberFilter(label=gettext_lazy("Activity"), field_name="activity_id")
    invitation = filters.ChoiceFilter(label=gettext_lazy("Invitation"), choices=InvitationStatus.choices)
    attendance = filters.ChoiceFilter(label=gettext_lazy("Attendance"), choices=Attendance.choices[1:])
    role = filters.ChoiceFilter(label=gettext_lazy("Taking part as"), choices=ParticipantRole.choices)

    class Meta:
        model = Participant
        fields = ["consultation", "activity", "invitation", "attendance", "role"]


class SpeechFilterSet(filters.FilterSet):
    consultation = filters.NumberFilter(label=gettext_lazy("Consultation"), field_name="consultation_id")
    kind = filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=SpeechKind.choices)
    status = filters.ChoiceFilter(label=gettext_lazy("Status"), choices=SpeechStatus.choices)

    class Meta:
        model = Speech
        fields = ["consultation", "kind", "status"]


class PostFilterSet(filters.FilterSet):
    consultation = filters.NumberFilter(label=gettext_lazy("Consultation"), field_name="consultation_id")

    class Meta:
        model = Post
        fields = ["consultation"]


class ActivityFilterSet(filters.FilterSet):
    task = filters.NumberFilter(label=gettext_lazy("Task"), field_name="task_id")
    year = filters.NumberFilter(label=gettext_lazy("Year"), field_name="starts_at", lookup_expr="year")

    class Meta:
        model = Activity
        fields = ["task", "kind", "year"]


class CommitteeFilterSet(filters.FilterSet):
    committee = filters.NumberFilter(label=gettext_lazy("Committee"), field_name="committee_id")


class BulletinFilterSet(CommitteeFilterSet):
    class Meta:
        model = Bulletin
        fields = ["committee", "is_active"]


class OfficerFilterSet(CommitteeFilterSet):
    class Meta:
        model = InformationOfficer
        fields = ["committee", "is_active"]


# --- kinds -------------------------------------------------------------------------------------------


class ConsultationKindViewSet(ServiceActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              viewsets.GenericViewSet):
    """A committee's kinds of consultation (its own names on the standard forms). Everyone of
    the committee reads them; staff add, rename and retire them, or install the standard set."""

    serializer_class = s.ConsultationKindSerializer
    detail_serializer_class = s.ConsultationKindSerializer
    queryset = ConsultationKind.objects.none()  # for the schema; get_queryset decides
    filterset_class = KindFilterSet
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.kinds_for(self.request.user)

    @extend_schema(request=s.ConsultationKindWriteSerializer, responses={201: s.ConsultationKindSerializer})
    def create(self, request, *args, **kwargs):
        d = self._payload(s.ConsultationKindWriteSerializer, request)
        kind = cs.consultation_kind_save(actor=request.user, committee=d["committee"], name=d["name"], form=d["form"],
                                         steps=d.get("steps"), order=d.get("order", 0),
                                         is_active=d.get("is_active", True))
        return self._show(kind.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ConsultationKindWriteSerializer, responses=s.ConsultationKindSerializer)
    def partial_update(self, request, *args, **kwargs):
        kind = self.get_object()
        d = self._payload(s.ConsultationKindWriteSerializer, request, partial=True)
        cs.consultation_kind_save(actor=request.user, kind=kind, name=d.get("name", kind.name),
                                  form=d.get("form", kind.form), steps=d.get("steps", kind.steps),
                                  order=d.get("order", kind.order), is_active=d.get("is_active", kind.is_active))
        return self._show(kind.pk)

    @extend_schema(request=s.CommitteeChoiceSerializer, responses=s.ConsultationKindSerializer(many=True))
    @action(detail=False, methods=["post"], filterset_class=None)
    def install(self, request):
        """Give the committee the standard kinds it does not have yet; answers with those added."""
        d = self._payload(s.CommitteeChoiceSerializer, request)
        added = cs.consultation_kinds_install(actor=request.user, committee=d["committee"])
        return Response(s.ConsultationKindSerializer(added, many=True).data)


# --- topics and the plan -----------------------------------------------------------------------------


class TopicViewSet(ServiceActionsMixin, IdempotentCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   viewsets.GenericViewSet):
    """Consultation topics (议题) from the three sources. Members recommend topics in their own
    name; staff enter those assigned by the party committee and government or raised by the
    public, and review them. ``POST`` honours an ``Idempotency-Key`` header."""

    serializer_class = s.TopicSerializer
    detail_serializer_class = s.TopicSerializer
    queryset = Topic.objects.none()
    filterset_class = filtersets.TopicFilterSet
    pagination_class = NewestFirstCursor
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.action == "queue":
            return selectors.topic_queue(self.request.user)
        return selectors.topics_for(self.request.user)

    @extend_schema(request=s.TopicWriteSerializer, responses={201: s.TopicSerializer}, parameters=[IDEMPOTENCY])
    def create(self, request, *args, **kwargs):
        """Propose a topic: a member's recommendation, or a topic staff enter."""
        return super().create(request, *args, **kwargs)

    def create_once(self, request, *args, **kwargs):
        d = self._payload(s.TopicWriteSerializer, request)
        topic = cs.topic_propose(actor=request.user, committee=d["committee"], year=d["year"], title=d["title"],
                                 description=d["description"], source=d["source"],
                                 source_detail=d.get("source_detail", ""), kind=d.get("kind"),
                                 organiser=d.get("organiser"))
        return self._show(topic.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.TopicReviewSerializer, responses=s.TopicSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Approve the topic, or do not adopt it with the reason its proposer reads."""
        topic = self.get_object()
        d = self._payload(s.TopicReviewSerializer, request)
        cs.topic_review(actor=request.user, topic=topic, approve=d["approve"], note=d.get("note", ""))
        return self._show(topic.pk)

    @action(detail=False, methods=["get"], pagination_class=OldestFirstCursor)
    def queue(self, request):
        """Topics waiting for a staff decision, oldest first."""
        return self.list(request)


class ConsultationPlanViewSet(ServiceActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              viewsets.GenericViewSet):
    """The annual consultation plan (年度协商计划): staff schedule approved topics into months and
    publish it; members and leaders read published plans."""

    serializer_class = s.ConsultationPlanSerializer
    detail_serializer_class = s.ConsultationPlanDetailSerializer
    queryset = ConsultationPlan.objects.none()
    filterset_class = PlanFilterSet
    pagination_class = NewestFirstCursor
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.plans_for(self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("topics", queryset=Topic.objects.select_related(
                "kind", "organiser").order_by("planned_month", "id")))
        return qs

    def get_serializer_class(self):
        return s.ConsultationPlanSerializer if self.action == "list" else s.ConsultationPlanDetailSerializer

    @extend_schema(request=s.ConsultationPlanWriteSerializer, responses={201: s.ConsultationPlanDetailSerializer})
    def create(self, request, *args, **kwargs):
        d = self._payload(s.ConsultationPlanWriteSerializer, request)
        plan = cs.plan_save(actor=request.user, committee=d["committee"], year=d["year"], title=d["title"],
                            introduction=d.get("introduction", ""))
        return self._show(plan.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ConsultationPlanWriteSerializer, responses=s.ConsultationPlanDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        d = self._payload(s.ConsultationPlanWriteSerializer, request, partial=True)
        cs.plan_save(actor=request.user, plan=plan, title=d.get("title", plan.title),
                     introduction=d.get("introduction", plan.introduction))
        return self._show(plan.pk)

    @extend_schema(request=s.PlanScheduleSerializer, responses=s.ConsultationPlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        """Put an approved topic into the plan in a month (or move it to another month)."""
        plan = self.get_object()
        d = self._payload(s.PlanScheduleSerializer, request)
        cs.plan_schedule(actor=request.user, plan=plan, topic=d["topic"], month=d["month"], kind=d.get("kind"),
                         organiser=d.get("organiser"))
        return self._show(plan.pk)

    @extend_schema(request=s.PlanUnscheduleSerializer, responses=s.ConsultationPlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def unschedule(self, request, pk=None):
        """Take a topic out of the plan (it stays approved)."""
        plan = self.get_object()
        topic = self._payload(s.PlanUnscheduleSerializer, request)["topic"]
        if topic.plan_id != plan.pk:
            raise ValidationError({"topic": [_("This topic is not in the plan.")]})
        cs.plan_unschedule(actor=request.user, topic=topic)
        return self._show(plan.pk)

    @extend_schema(request=None, responses=s.ConsultationPlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the plan: the committee's members and leaders read it from now on."""
        plan = cs.plan_publish(actor=request.user, plan=self.get_object())
        return self._show(plan.pk)


# --- sessions --------------------------------------------------------------------------------------


class ConsultationViewSet(ServiceActionsMixin, TimelineMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """Consultation sessions (协商活动): staff prepare, announce, open and close them, invite
    participants and give them material; members see their committees' announced sessions and
    those they are invited to, liaisons those held with their department. ``mine`` lists the
    caller's own invitations and activity places."""

    serializer_class = s.ConsultationListSerializer
    detail_serializer_class = s.ConsultationDetailSerializer
    queryset = Consultation.objects.none()
    filterset_class = filtersets.ConsultationFilterSet
    pagination_class = StartsAtCursor
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if self.action == "mine":
            raw = self.request.query_params.get("upcoming", "")
            upcoming = {"true": True, "1": True, "false": False, "0": False}.get(raw.lower())
            return selectors.my_participations(user, upcoming=upcoming)
        qs = selectors.consultations_for(user)
        if self.action != "list":
            qs = qs.prefetch_related("topics", "departments", "proposals")
        return qs

    def get_serializer_class(self):
        if self.action == "mine":
            return s.MyParticipationSerializer
        return s.ConsultationListSerializer if self.action == "list" else s.ConsultationDetailSerializer

    @extend_schema(request=s.ConsultationWriteSerializer, responses={201: s.ConsultationDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Prepare a session (staff); it stays the staff's own until announced."""
        d = self._payload(s.ConsultationWriteSerializer, request)
        consultation = cs.consultation_save(actor=request.user, **self._session_values(d, None))
        return self._show(consultation.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ConsultationWriteSerializer, responses=s.ConsultationDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a session before it is held (an announced one tells the invitees of a new time
        or place)."""
        consultation = self.get_object()
        d = self._payload(s.ConsultationWriteSerializer, request, partial=True)
        cs.consultation_save(actor=request.user, consultation=consultation, **self._session_values(d, consultation))
        return self._show(consultation.pk)

    @staticmethod
    def _session_values(d: dict, c: Consultation | None) -> dict:
        fields = ("kind", "title", "description", "starts_at", "ends_at", "place", "is_online", "organiser", "topics",
                  "departments", "proposals")
        if c is None:
            defaults = {"description": "", "place": "", "is_online": False, "organiser": None, "topics": [],
                        "departments": [], "proposals": []}
            return {"committee": d["committee"], **{f: d[f] if f in d else defaults.get(f) for f in fields}}
        current = {"kind": c.kind, "title": c.title, "description": c.description, "starts_at": c.starts_at,
                   "ends_at": c.ends_at, "place": c.place, "is_online": c.is_online, "organiser": c.organiser,
                   "topics": list(c.topics.all()), "departments": list(c.departments.all()),
                   "proposals": list(c.proposals.all())}
        return {f: d[f] if f in d else current[f] for f in fields}

    @extend_schema(request=None, responses=s.ConsultationDetailSerializer)
    @action(detail=True, methods=["post"])
    def announce(self, request, pk=None):
        """Send the notice: invitees are asked to answer, counterpart departments are told."""
        consultation = cs.consultation_announce(actor=request.user, consultation=self.get_object())
        return self._show(consultation.pk)

    @extend_schema(request=None, responses=s.ConsultationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="open", url_name="open")
    def open_session(self, request, pk=None):
        """The session begins: sign-in opens, and an online session's discussion."""
        consultation = cs.consultation_open(actor=request.user, consultation=self.get_object())
        return self._show(consultation.pk)

    @extend_schema(request=s.SummarySerializer, responses=s.ConsultationDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The session is held: attendance is settled and its topics are consulted."""
        consultation = self.get_object()
        d = self._payload(s.SummarySerializer, request)
        cs.consultation_close(actor=request.user, consultation=consultation, summary=d.get("summary", ""))
        return self._show(consultation.pk)

    @extend_schema(request=s.CancelReasonSerializer, responses=s.ConsultationDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        consultation = self.get_object()
        d = self._payload(s.CancelReasonSerializer, request)
        cs.consultation_cancel(actor=request.user, consultation=consultation, reason=d["reason"])
        return self._show(consultation.pk)

    @extend_schema(request=s.ParticipantInviteSerializer, responses=s.ConsultationDetailSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        """Invite members (by seat id) and guests by name; members already invited are skipped."""
        consultation = self.get_object()
        d = self._payload(s.ParticipantInviteSerializer, request)
        cs.participants_invite(actor=request.user, event=consultation, members=d.get("members", []),
                               guests=d.get("guests", []))
        return self._show(consultation.pk)

    @extend_schema(request=s.StepDoneSerializer, responses=s.ConsultationDetailSerializer)
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """Tick a step of a grassroots deliberation's checklist (or change its date and note)."""
        consultation = self.get_object()
        d = self._payload(s.StepDoneSerializer, request)
        cs.step_complete(actor=request.user, consultation=consultation, step=d["step"], done_on=d["done_on"],
                         note=d.get("note", ""))
        return self._show(consultation.pk)

    @extend_schema(request=s.DiscussionSerializer, responses=s.ConsultationDetailSerializer)
    @action(detail=True, methods=["post"])
    def discussion(self, request, pk=None):
        """Open or close the online discussion."""
        consultation = self.get_object()
        d = self._payload(s.DiscussionSerializer, request)
        cs.discussion_set(actor=request.user, consultation=consultation, open_=d["open"])
        return self._show(consultation.pk)

    @extend_schema(methods=["get"], responses=s.MaterialSerializer(many=True), filters=False)
    @extend_schema(methods=["post"], request={"multipart/form-data": s.MaterialUploadSerializer},
                   responses={201: s.MaterialSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def materials(self, request, pk=None):
        """Research material and background documents of the session: everyone who sees the
        session reads them; staff upload them (multipart: ``title``, ``file``)."""
        consultation = self.get_object()
        if request.method == "GET":
            return Response(s.MaterialSerializer(consultation.materials.all(), many=True).data)
        d = self._payload(s.MaterialUploadSerializer, request)
        material = cs.material_add(actor=request.user, consultation=consultation, title=d["title"], upload=d["file"])
        return Response(s.MaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    def _material(self, material_id) -> Material:
        consultation = self.get_object()
        return get_object_or_404(Material.objects.select_related("consultation"), consultation=consultation,
                                 pk=material_id)

    @extend_schema(parameters=[MATERIAL_ID], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   filters=False)
    @action(detail=True, methods=["get"], url_path=r"materials/(?P<material_id>[0-9]+)", url_name="material",
            pagination_class=None, filterset_class=None)
    def material(self, request, pk=None, material_id=None):
        """Download one document (always as a download, never rendered)."""
        material = self._material(material_id)
        try:
            handle = material.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=material.original_name,
                                content_type=material.content_type or "application/octet-stream")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(parameters=[MATERIAL_ID], responses={204: None}, filters=False)
    @material.mapping.delete
    def material_delete(self, request, pk=None, material_id=None):
        """Remove a document (staff)."""
        cs.material_delete(actor=request.user, material=self._material(material_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[OpenApiParameter("upcoming", bool, required=False,
                                                description="true: not yet over; false: over.")])
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=NewestFirstCursor)
    def mine(self, request):
        """The caller's invitations to sessions and places on task activities, newest first."""
        return self.list(request)


class ParticipantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                         viewsets.GenericViewSet):
    """Places on a session's or an activity's list. Staff of the event's committee see them all
    and record attendance; a participant sees their own, answers the invitation and signs in.
    ``DELETE`` takes someone off the list (staff, before it is over)."""

    serializer_class = s.ParticipantSerializer
    queryset = Participant.objects.none()
    filter_backends = FILTER_BACKENDS
    filterset_class = ParticipantFilterSet
    pagination_class = OldestFirstCursor
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return s.participants_for(self.request.user)

    def _show(self, pk) -> Response:
        return Response(s.ParticipantSerializer(self.get_queryset().get(pk=pk)).data)

    def perform_destroy(self, instance):
        cs.participant_remove(actor=self.request.user, participant=instance)

    @extend_schema(request=s.RespondSerializer, responses=s.ParticipantSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """Answer your invitation: accept, or decline with the reason for leave."""
        participant = self.get_object()
        payload = s.RespondSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cs.invitation_respond(actor=request.user, participant=participant, accept=payload.validated_data["accept"],
                              note=payload.validated_data.get("note", ""))
        return self._show(participant.pk)

    @extend_schema(request=None, responses=s.ParticipantSerializer)
    @action(detail=True, methods=["post"], url_path="check-in", url_name="check-in")
    def check_in(self, request, pk=None):
        """Sign in (签到): yourself around the session's time, or staff for you."""
        participant = cs.participant_check_in(actor=request.user, participant=self.get_object())
        return self._show(participant.pk)

    @extend_schema(request=s.AttendanceSerializer, responses=s.ParticipantSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record or correct attendance (staff), e.g. an excused absence granted."""
        participant = self.get_object()
        payload = s.AttendanceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cs.attendance_record(actor=request.user, participant=participant,
                             attendance=payload.validated_data["attendance"],
                             note=payload.validated_data.get("note", ""))
        return self._show(participant.pk)


class SpeechViewSet(ServiceActionsMixin, IdempotentCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    viewsets.GenericViewSet):
    """Speeches (发言) and written opinions (书面意见) of the sessions the caller sees; a
    participant registers their own, staff register and record anyone's. ``POST`` honours an
    ``Idempotency-Key`` header."""

    serializer_class = s.SpeechSerializer
    detail_serializer_class = s.SpeechSerializer
    queryset = Speech.objects.none()
    filterset_class = SpeechFilterSet
    pagination_class = OldestFirstCursor
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return s.speeches_for(self.request.user)

    @extend_schema(request=s.SpeechWriteSerializer, responses={201: s.SpeechSerializer}, parameters=[IDEMPOTENCY])
    def create(self, request, *args, **kwargs):
        """Register to speak or hand in a written opinion."""
        return super().create(request, *args, **kwargs)

    def create_once(self, request, *args, **kwargs):
        d = self._payload(s.SpeechWriteSerializer, request)
        speech = cs.speech_register(actor=request.user, consultation=d["consultation"], kind=d["kind"],
                                    title=d["title"], text_=d["text"], participant=d.get("participant"))
        return self._show(speech.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.SpeechRecordSerializer, responses=s.SpeechSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record the speech as delivered, or set the speaking order (staff)."""
        speech = self.get_object()
        d = self._payload(s.SpeechRecordSerializer, request)
        cs.speech_record(actor=request.user, speech=speech, delivered=d.get("delivered", True), order=d.get("order"))
        return self._show(speech.pk)

    @extend_schema(request=None, responses=s.SpeechSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a speech not yet delivered (the speaker or staff)."""
        speech = cs.speech_withdraw(actor=request.user, speech=self.get_object())
        return self._show(speech.pk)


class PostViewSet(ServiceActionsMixin, IdempotentCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    """The discussion of online sessions: participants post while it is open; staff hide and
    show posts (hidden posts are listed to staff only). ``POST`` honours an
    ``Idempotency-Key`` header."""

    serializer_class = s.PostSerializer
    detail_serializer_class = s.PostSerializer
    queryset = Post.objects.none()
    filterset_class = PostFilterSet
    pagination_class = OldestFirstCursor
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return s.posts_for(self.request.user)

    @extend_schema(request=s.PostWriteSerializer, responses={201: s.PostSerializer}, parameters=[IDEMPOTENCY])
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def create_once(self, request, *args, **kwargs):
        d = self._payload(s.PostWriteSerializer, request)
        post = cs.post_add(actor=request.user, consultation=d["consultation"], text_=d["text"])
        return self._show(post.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.PostSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        post = cs.post_hide(actor=request.user, post=self.get_object(), hidden=True)
        return self._show(post.pk)

    @extend_schema(request=None, responses=s.PostSerializer)
    @action(detail=True, methods=["post"])
    def show(self, request, pk=None):
        post = cs.post_hide(actor=request.user, post=self.get_object(), hidden=False)
        return self._show(post.pk)


# --- results, instructions -------------------------------------------------------------------------


class InstructFollowUpMixin:
    """Leader instructions (批示) and implementation follow-up, shared by results and tasks."""

    @extend_schema(request=s.InstructWriteSerializer, responses={201: s.InstructionBriefSerializer})
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        """Record a leader's instruction (staff or a leader of the committee)."""
        target = self.get_object()
        d = self._payload(s.InstructWriteSerializer, request)
        instruction = cs.instruction_record(actor=request.user, target=target, leader_name=d["leader_name"],
                                            leader_title=d.get("leader_title", ""), level=d["level"],
                                            instructed_on=d["instructed_on"], text_=d["text"])
        return Response(s.InstructionBriefSerializer(instruction).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.FollowUpWriteSerializer, responses={201: s.FollowUpSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up", url_name="follow-up")
    def follow_up(self, request, pk=None):
        """An implementation follow-up entry (staff, or a liaison of a department concerned)."""
        target = self.get_object()
        d = self._payload(s.FollowUpWriteSerializer, request)
        entry = cs.follow_up_add(actor=request.user, target=target, noted_on=d["noted_on"], text_=d["text"],
                                 department=d.get("department"), implemented=d.get("implemented", False))
        entry = FollowUp.objects.select_related("department", "recorded_by").get(pk=entry.pk)
        return Response(s.FollowUpSerializer(entry).data, status=status.HTTP_201_CREATED)


class ResultViewSet(ServiceActionsMixin, InstructFollowUpMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    viewsets.GenericViewSet):
    """Consultation results (协商成果): staff write them after the session, a leader approves,
    staff send them to the party committee and government; instructions and follow-up are
    recorded until implemented."""

    serializer_class = s.ResultListSerializer
    detail_serializer_class = s.ResultDetailSerializer
    queryset = Result.objects.none()
    filterset_class = filtersets.ResultFilterSet
    pagination_class = NewestFirstCursor
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.results_for(self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related(
                "departments", "instructions",
                Prefetch("follow_ups", queryset=FollowUp.objects.select_related("department", "recorded_by")))
        return qs

    def get_serializer_class(self):
        return s.ResultListSerializer if self.action == "list" else s.ResultDetailSerializer

    @extend_schema(request=s.ResultWriteSerializer, responses={201: s.ResultDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Write the result of a held session (staff)."""
        d = self._payload(s.ResultWriteSerializer, request)
        result = cs.result_save(actor=request.user, consultation=d["consultation"], title=d["title"],
                                text_=d["text"], departments=d.get("departments", []))
        return self._show(result.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ResultWriteSerializer, responses=s.ResultDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a draft result."""
        result = self.get_object()
        d = self._payload(s.ResultWriteSerializer, request, partial=True)
        cs.result_save(actor=request.user, result=result, title=d.get("title", result.title),
                       text_=d.get("text", result.text),
                       departments=d["departments"] if "departments" in d else list(result.departments.all()))
        return self._show(result.pk)

    @extend_schema(request=s.OptionalNoteSerializer, responses=s.ResultDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the result for sending (a leader, or staff on their behalf)."""
        result = self.get_object()
        d = self._payload(s.OptionalNoteSerializer, request)
        cs.result_approve(actor=request.user, result=result, note=d.get("note", ""))
        return self._show(result.pk)

    @extend_schema(request=s.NoteSerializer, responses=s.ResultDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_draft(self, request, pk=None):
        """Send an approved result back to draft, with the reason."""
        result = self.get_object()
        d = self._payload(s.NoteSerializer, request)
        cs.result_return(actor=request.user, result=result, note=d["note"])
        return self._show(result.pk)

    @extend_schema(request=s.RecipientsSerializer, responses=s.ResultDetailSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Send the approved result (party committee, government, departments concerned)."""
        result = self.get_object()
        d = self._payload(s.RecipientsSerializer, request)
        cs.result_send(actor=request.user, result=result, recipients=d["recipients"])
        return self._show(result.pk)


class InstructionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leader instructions (批示) on results, information items and tasks of the caller's
    committees (staff and leaders)."""

    serializer_class = s.InstructionSerializer
    queryset = Instruction.objects.none()
    filter_backends = FILTER_BACKENDS
    filterset_class = filtersets.InstructionFilterSet
    pagination_class = InstructedOnCursor

    def get_queryset(self):
        return selectors.instructions_for(self.request.user)


# --- supervision and research --------------------------------------------------------------------------


class TaskViewSet(ServiceActionsMixin, InstructFollowUpMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    """Democratic supervision topics (four kinds), research and inspection tasks: staff create
    them and set the team; the team lead records findings and reports; a follow-up supervision
    is carried over into the next year."""

    serializer_class = s.TaskListSerializer
    detail_serializer_class = s.TaskDetailSerializer
    queryset = Task.objects.none()
    filterset_class = filtersets.TaskFilterSet
    pagination_class = NewestFirstCursor
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.tasks_for(self.request.user)
        if self.action not in ("list", "activities"):
            qs = qs.prefetch_related(
                "partners", "instructions",
                Prefetch("team", queryset=TeamMember.objects.select_related("member")),
                Prefetch("reports", queryset=TaskReport.objects.select_related("submitted_by")),
                Prefetch("follow_ups", queryset=FollowUp.objects.select_related("department", "recorded_by")))
        return qs

    def get_serializer_class(self):
        return s.TaskListSerializer if self.action == "list" else s.TaskDetailSerializer

    @staticmethod
    def _values(d: dict, task: Task | None) -> dict:
        fields = ("category", "supervision_kind", "title", "description", "plan", "organiser", "partners",
                  "start_year", "end_year", "deadline")
        if task is None:
            current = {"supervision_kind": "", "description": "", "plan": "", "organiser": None, "partners": [],
                       "end_year": None, "deadline": None}
        else:
            current = {f: getattr(task, f) for f in fields if f != "partners"}
            current["partners"] = list(task.partners.all())
        return {f: d[f] if f in d else current.get(f) for f in fields}

    @extend_schema(request=s.TaskWriteSerializer, responses={201: s.TaskDetailSerializer})
    def create(self, request, *args, **kwargs):
        d = self._payload(s.TaskWriteSerializer, request)
        task = sv.task_save(actor=request.user, committee=d["committee"], **self._values(d, None))
        return self._show(task.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.TaskWriteSerializer, responses=s.TaskDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        task = self.get_object()
        d = self._payload(s.TaskWriteSerializer, request, partial=True)
        sv.task_save(actor=request.user, task=task, **self._values(d, task))
        return self._show(task.pk)

    @extend_schema(request=s.TeamSerializer, responses=s.TaskDetailSerializer)
    @action(detail=True, methods=["post"])
    def team(self, request, pk=None):
        """Set the team: its lead and members (replaces the team)."""
        task = self.get_object()
        d = self._payload(s.TeamSerializer, request)
        sv.team_set(actor=request.user, task=task, lead=d["lead"], members=d.get("members", []))
        return self._show(task.pk)

    @extend_schema(request=None, responses=s.TaskDetailSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        task = sv.task_start(actor=request.user, task=self.get_object())
        return self._show(task.pk)

    @extend_schema(request=s.FindingsSerializer, responses=s.TaskDetailSerializer)
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        """Write the findings (staff or the team lead)."""
        task = self.get_object()
        d = self._payload(s.FindingsSerializer, request)
        sv.task_findings_save(actor=request.user, task=task, findings=d["findings"])
        return self._show(task.pk)

    @extend_schema(request=s.ReportWriteSerializer, responses={201: s.TaskDetailSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """Submit an interim, a year's or the final report (staff or the team lead)."""
        task = self.get_object()
        d = self._payload(s.ReportWriteSerializer, request)
        sv.task_report_submit(actor=request.user, task=task, year=d["year"], kind=d["kind"], title=d["title"],
                              text_=d["text"])
        return self._show(task.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.NoteSerializer, responses=s.TaskDetailSerializer)
    @action(detail=True, methods=["post"], url_path="carry-over", url_name="carry-over")
    def carry_over(self, request, pk=None):
        """Carry the task into the next year (the year's report must be in)."""
        task = self.get_object()
        d = self._payload(s.NoteSerializer, request)
        sv.task_carry_over(actor=request.user, task=task, note=d["note"])
        return self._show(task.pk)

    @extend_schema(request=s.OptionalNoteSerializer, responses=s.TaskDetailSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        task = self.get_object()
        d = self._payload(s.OptionalNoteSerializer, request)
        sv.task_conclude(actor=request.user, task=task, note=d.get("note", ""))
        return self._show(task.pk)

    @extend_schema(request=s.NoteSerializer, responses=s.TaskDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        """Send the final report back: the task is under way again."""
        task = self.get_object()
        d = self._payload(s.NoteSerializer, request)
        sv.task_return(actor=request.user, task=task, note=d["note"])
        return self._show(task.pk)

    @extend_schema(responses=s.ActivitySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def activities(self, request, pk=None):
        """The task's activities, in time order."""
        task = self.get_object()
        rows = Activity.objects.filter(task=task).select_related("task").order_by("starts_at", "id")
        return Response(s.ActivitySerializer(rows, many=True).data)


class ActivityViewSet(ServiceActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Activities of supervision and research tasks (visits, inspections, seminars) with their
    participants; staff and the team lead record them."""

    serializer_class = s.ActivitySerializer
    detail_serializer_class = s.ActivityDetailSerializer
    queryset = Activity.objects.none()
    filterset_class = ActivityFilterSet
    pagination_class = StartsAtCursor
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.activities_for(self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("participants", queryset=Participant.objects.select_related(
                "member", "department", "activity", "consultation")))
        return qs

    def get_serializer_class(self):
        return s.ActivitySerializer if self.action == "list" else s.ActivityDetailSerializer

    @extend_schema(request=s.ActivityWriteSerializer, responses={201: s.ActivityDetailSerializer})
    def create(self, request, *args, **kwargs):
        d = self._payload(s.ActivityWriteSerializer, request)
        activity = sv.activity_save(actor=request.user, task=d["task"], kind=d["kind"], title=d["title"],
                                    starts_at=d["starts_at"], ends_at=d["ends_at"], place=d.get("place", ""),
                                    summary=d.get("summary", ""), members=d.get("members"))
        return self._show(activity.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ActivityWriteSerializer, responses=s.ActivityDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        activity = self.get_object()
        d = self._payload(s.ActivityWriteSerializer, request, partial=True)
        values = {f: d.get(f, getattr(activity, f)) for f in ("kind", "title", "starts_at", "ends_at", "place",
                                                              "summary")}
        sv.activity_save(actor=request.user, activity=activity, **values)
        return self._show(activity.pk)


# --- information ---------------------------------------------------------------------------------------


class InformationItemViewSet(ServiceActionsMixin, IdempotentCreateMixin, mixins.ListModelMixin,
                             mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Social-conditions and public-opinion information (社情民意信息): members and information
    officers write drafts (with co-authors and their shares of credit) and submit them; staff
    review, edit and approve, a leader signs off; adoption per level and instructions credit
    the authors; signed-off items may be passed to departments for handling. ``POST`` honours
    an ``Idempotency-Key`` header."""

    serializer_class = s.InformationListSerializer
    detail_serializer_class = s.InformationDetailSerializer
    queryset = InformationItem.objects.none()
    filterset_class = filtersets.InformationFilterSet
    pagination_class = NewestFirstCursor
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if self.action == "mine":
            qs = selectors.my_information(user)
        elif self.action == "review_queue":
            qs = selectors.information_review_queue(user)
        else:
            qs = selectors.information_for(user)
        qs = qs.prefetch_related("adoptions")
        if self.action not in ("list", "mine", "review_queue"):
            qs = qs.prefetch_related("instructions")
        return qs

    def get_serializer_class(self):
        if self.action in ("list", "mine", "review_queue"):
            return s.InformationListSerializer
        return s.InformationDetailSerializer

    # --- writing ----------------------------------------------------------------------------------

    @extend_schema(request=s.InformationWriteSerializer, responses={201: s.InformationDetailSerializer},
                   parameters=[IDEMPOTENCY])
    def create(self, request, *args, **kwargs):
        """Write a draft (a member in their seat, or an information officer of the committee)."""
        return super().create(request, *args, **kwargs)

    def create_once(self, request, *args, **kwargs):
        d = self._payload(s.InformationWriteSerializer, request)
        item = info.information_draft_save(actor=request.user, committee=d["committee"], title=d["title"],
                                           content=d["content"], category=d.get("category"),
                                           co_authors=d.get("co_authors", []), shares=d.get("shares"))
        return self._show(item.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.InformationWriteSerializer, responses=s.InformationDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change your draft; co-authors and shares stay unless given."""
        item = self.get_object()
        d = self._payload(s.InformationWriteSerializer, request, partial=True)
        authors = list(item.authors.all())
        co_authors = d["co_authors"] if "co_authors" in d else [a.member for a in authors[1:] if a.member_id]
        shares = d.get("shares")
        if "shares" not in d and "co_authors" not in d and len(co_authors) + 1 == len(authors):
            shares = [a.share for a in authors]
        info.information_draft_save(actor=request.user, item=item, title=d.get("title", item.title),
                                    content=d.get("content", item.content),
                                    category=d["category"] if "category" in d else item.category,
                                    co_authors=co_authors, shares=shares)
        return self._show(item.pk)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        """Throw away your draft."""
        info.information_delete(actor=request.user, item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.InformationDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        item = info.information_submit(actor=request.user, item=self.get_object())
        return self._show(item.pk)

    @extend_schema(request=None, responses=s.InformationDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take a submitted item back to draft before it is reviewed."""
        item = info.information_withdraw(actor=request.user, item=self.get_object())
        return self._show(item.pk)

    # --- review -----------------------------------------------------------------------------------

    @extend_schema(request=s.RejectSerializer, responses=s.InformationDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Not adopted (不予采用), with the reason the authors read."""
        item = self.get_object()
        d = self._payload(s.RejectSerializer, request)
        info.information_reject(actor=request.user, item=item, reason=d["reason"])
        return self._show(item.pk)

    @extend_schema(request=s.InformationApproveSerializer, responses=s.InformationDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Edit (编辑) and approve; the authors' own text is kept beside the edited one."""
        item = self.get_object()
        d = self._payload(s.InformationApproveSerializer, request)
        info.information_approve(actor=request.user, item=item, edited_title=d.get("edited_title", ""),
                                 edited_content=d.get("edited_content", ""), category=d.get("category"),
                                 shares=d.get("shares"), note=d.get("note", ""))
        return self._show(item.pk)

    @extend_schema(request=None, responses=s.InformationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off", url_name="sign-off")
    def sign_off(self, request, pk=None):
        """Sign the approved item off (签发): a leader, or staff charged with it."""
        item = info.information_sign_off(actor=request.user, item=self.get_object())
        return self._show(item.pk)

    @extend_schema(request=s.NoteSerializer, responses=s.InformationDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """One step back: an approved item to review, a signed-off one to approved."""
        item = self.get_object()
        d = self._payload(s.NoteSerializer, request)
        info.information_reopen(actor=request.user, item=item, note=d["note"])
        return self._show(item.pk)

    @extend_schema(request=s.AdoptSerializer, responses={201: s.InformationDetailSerializer})
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        """Record an adoption the portal did not see (a provincial or national one)."""
        item = self.get_object()
        d = self._payload(s.AdoptSerializer, request)
        info.adoption_record(actor=request.user, item=item, level=d["level"], adopted_on=d["adopted_on"],
                             adopted_by=d["adopted_by"], note=d.get("note", ""))
        return self._show(item.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.InstructWriteSerializer, responses={201: s.InformationDetailSerializer})
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        """Record a leader's instruction (批示) on the item."""
        item = self.get_object()
        d = self._payload(s.InstructWriteSerializer, request)
        cs.instruction_record(actor=request.user, target=item, leader_name=d["leader_name"],
                              leader_title=d.get("leader_title", ""), level=d["level"],
                              instructed_on=d["instructed_on"], text_=d["text"])
        return self._show(item.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.PassSerializer, responses=s.InformationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="pass", url_name="pass")
    def pass_to_department(self, request, pk=None):
        """Pass the signed-off item to departments for handling (转办) on the shared engine."""
        item = self.get_object()
        d = self._payload(s.PassSerializer, request)
        info.information_pass_to_department(actor=request.user, item=item, lead_department=d["lead_department"],
                                            co_departments=d.get("co_departments", []),
                                            handling_mode=d.get("handling_mode"), note=d.get("note", ""))
        return self._show(item.pk)

    # --- lists --------------------------------------------------------------------------------------

    @action(detail=False, methods=["get"])
    def mine(self, request):
        """What the caller wrote or co-wrote, drafts included."""
        return self.list(request)

    @action(detail=False, methods=["get"], url_path="review-queue", url_name="review-queue",
            pagination_class=OldestFirstCursor)
    def review_queue(self, request):
        """Items waiting for the committee: to review, to sign off, to compile; oldest first."""
        return self.list(request)

    @extend_schema(parameters=[OpenApiParameter("year", int, required=False, description="This year if left out.")],
                   responses=s.CreditSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def credits(self, request):
        """What the caller's information earned in a year: each adoption and instruction on an
        item they wrote, with their share."""
        raw = request.query_params.get("year", "")
        if raw and not (raw.isdigit() and 2000 <= int(raw) <= 2100):
            raise ValidationError({"year": [_("Enter a year from 2000 to 2100.")]})
        year = int(raw) if raw else timezone.localdate().year
        rows = selectors.credit_shares(member_ids=scope_for(request.user).member_ids, year=year)
        return Response(s.CreditSerializer(rows, many=True).data)

    @extend_schema(request=s.CommitteeChoiceSerializer, responses=s.IntakeResultSerializer, filters=False)
    @action(detail=False, methods=["post"], filterset_class=None)
    def intake(self, request):
        """Take in the committee's proposals not filed and converted to information (staff)."""
        committee = self._payload(s.CommitteeChoiceSerializer, request)["committee"]
        common.ensure_staff(request.user, committee)
        return Response({"taken": info.information_intake_converted(committee_id=committee.pk)})


class BulletinViewSet(ServiceActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """A committee's information bulletins (《社情民意》 …), for its staff and leaders."""

    serializer_class = s.BulletinSerializer
    detail_serializer_class = s.BulletinSerializer
    queryset = Bulletin.objects.none()
    filterset_class = BulletinFilterSet
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.bulletins_for(self.request.user)

    @extend_schema(request=s.BulletinWriteSerializer, responses={201: s.BulletinSerializer})
    def create(self, request, *args, **kwargs):
        d = self._payload(s.BulletinWriteSerializer, request)
        bulletin = info.bulletin_save(actor=request.user, committee=d["committee"], name=d["name"],
                                      is_active=d.get("is_active", True))
        return self._show(bulletin.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.BulletinWriteSerializer, responses=s.BulletinSerializer)
    def partial_update(self, request, *args, **kwargs):
        bulletin = self.get_object()
        d = self._payload(s.BulletinWriteSerializer, request, partial=True)
        info.bulletin_save(actor=request.user, bulletin=bulletin, name=d.get("name", bulletin.name),
                           is_active=d.get("is_active", bulletin.is_active))
        return self._show(bulletin.pk)


class BulletinIssueViewSet(ServiceActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Numbered issues (期) of the bulletins: staff open the next issue, compile signed-off
    items into it and send it; members read sent issues of their committees."""

    serializer_class = s.BulletinIssueSerializer
    detail_serializer_class = s.BulletinIssueDetailSerializer
    queryset = BulletinIssue.objects.none()
    filterset_class = filtersets.BulletinIssueFilterSet
    pagination_class = NewestFirstCursor
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        qs = selectors.issues_for(self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("items", queryset=InformationItem.objects.order_by(
                "issue_position", "id").prefetch_related(Prefetch(
                    "authors", queryset=InformationAuthor.objects.order_by("order", "id")))))
        return qs

    def get_serializer_class(self):
        return s.BulletinIssueSerializer if self.action == "list" else s.BulletinIssueDetailSerializer

    @extend_schema(request=s.IssueCreateSerializer, responses={201: s.BulletinIssueDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Open the next issue of a bulletin (numbered per bulletin and year)."""
        d = self._payload(s.IssueCreateSerializer, request)
        issue = info.issue_create(actor=request.user, bulletin=d["bulletin"], title=d.get("title", ""),
                                  year=d.get("year"))
        return self._show(issue.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.IssueItemsSerializer, responses=s.BulletinIssueDetailSerializer)
    @action(detail=True, methods=["post"], url_path="add-items", url_name="add-items")
    def add_items(self, request, pk=None):
        """Compile signed-off items into the issue, in the order given."""
        issue = self.get_object()
        d = self._payload(s.IssueItemsSerializer, request)
        info.issue_add_items(actor=request.user, issue=issue, items=d["items"])
        return self._show(issue.pk)

    @extend_schema(request=s.IssueItemRemoveSerializer, responses=s.BulletinIssueDetailSerializer)
    @action(detail=True, methods=["post"], url_path="remove-item", url_name="remove-item")
    def remove_item(self, request, pk=None):
        issue = self.get_object()
        d = self._payload(s.IssueItemRemoveSerializer, request)
        info.issue_remove_item(actor=request.user, issue=issue, item=d["item"])
        return self._show(issue.pk)

    @extend_schema(request=s.IssueSendSerializer, responses=s.BulletinIssueDetailSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Send the issue: its items are adopted, and with "higher" the committee above receives
        them in its own queue."""
        issue = self.get_object()
        d = self._payload(s.IssueSendSerializer, request)
        info.issue_send(actor=request.user, issue=issue, recipients=d["recipients"], signed_by=d.get("signed_by", ""),
                        editor=d.get("editor", ""))
        return self._show(issue.pk)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def pdf(self, request, pk=None):
        """The issue as a printable PDF."""
        from .. import letters

        issue = self.get_object()
        return _file_response(letters.issue_pdf(issue), "application/pdf",
                              f"bulletin-{issue.year}-{issue.number}-{issue.pk}.pdf")


class InformationOfficerViewSet(ServiceActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                viewsets.GenericViewSet):
    """Information officers (信息员): logins who submit information to a committee without
    being members; its staff manage them."""

    serializer_class = s.InformationOfficerSerializer
    detail_serializer_class = s.InformationOfficerSerializer
    queryset = InformationOfficer.objects.none()
    filterset_class = OfficerFilterSet
    pagination_class = NewestFirstCursor
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.officers_for(self.request.user)

    @extend_schema(request=s.InformationOfficerWriteSerializer, responses={201: s.InformationOfficerSerializer})
    def create(self, request, *args, **kwargs):
        d = self._payload(s.InformationOfficerWriteSerializer, request)
        officer = info.information_officer_save(actor=request.user, committee=d["committee"], user=d["user"],
                                                organisation=d.get("organisation", ""),
                                                is_active=d.get("is_active", True))
        return self._show(officer.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.InformationOfficerWriteSerializer, responses=s.InformationOfficerSerializer)
    def partial_update(self, request, *args, **kwargs):
        officer = self.get_object()
        d = self._payload(s.InformationOfficerWriteSerializer, request, partial=True)
        info.information_officer_save(actor=request.user, committee=officer.committee, user=officer.user,
                                      organisation=d.get("organisation", officer.organisation),
                                      is_active=d.get("is_active", officer.is_active))
        return self._show(officer.pk)


# --- the calendar, its feed, statistics -------------------------------------------------------------------


def _moment(raw: str, field: str, errors: dict) -> dt.datetime | None:
    raw = (raw or "").strip()
    if not raw:
        errors[field] = [_("This field is required.")]
        return None
    try:
        if len(raw) == 10:
            value = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time.min)
        else:
            value = dt.datetime.fromisoformat(raw)
    except ValueError:
        errors[field] = [_("Enter a date as YYYY-MM-DD, or a date and time.")]
        return None
    if not 2000 <= value.year <= 2100:
        errors[field] = [_("Enter a date from 2000 to 2100.")]
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class CalendarView(APIView):
    """Sessions and task activities the caller may see between ``start`` and ``end`` (at most
    400 days apart), in time order."""

    @extend_schema(parameters=[
        OpenApiParameter("start", str, required=True, description="YYYY-MM-DD or an ISO date and time."),
        OpenApiParameter("end", str, required=True, description="YYYY-MM-DD or an ISO date and time (exclusive)."),
    ], responses=s.CalendarEventSerializer(many=True))
    def get(self, request):
        errors: dict = {}
        start = _moment(request.query_params.get("start", ""), "start", errors)
        end = _moment(request.query_params.get("end", ""), "end", errors)
        if start and end:
            if end <= start:
                errors["end"] = [_("The end must be after the start.")]
            elif end - start > dt.timedelta(days=MAX_CALENDAR_DAYS):
                errors["end"] = [_("At most %(n)d days at a time.") % {"n": MAX_CALENDAR_DAYS}]
        if errors:
            return Response({"detail": _("The input is not valid."), "errors": errors},
                            status=status.HTTP_400_BAD_REQUEST)
        events = selectors.calendar_events(request.user, start, end)
        return Response(s.CalendarEventSerializer(events, many=True).data)


class CalendarFeedView(APIView):
    """The caller's secret iCalendar address, to subscribe to on a phone. ``POST`` replaces it
    (the old address stops working)."""

    def _answer(self, request, token: str) -> Response:
        url = request.build_absolute_uri(reverse("consultation_calendar_feed", kwargs={"token": token}))
        return Response({"url": url})

    @extend_schema(responses=s.CalendarFeedSerializer)
    def get(self, request):
        return self._answer(request, cs.calendar_feed_token(actor=request.user))

    @extend_schema(request=None, responses=s.CalendarFeedSerializer)
    def post(self, request):
        return self._answer(request, cs.calendar_feed_token(actor=request.user, reset=True))


class ConsultationStatisticsView(APIView):
    """Figures of consultation, supervision and information work for a year, as a work report
    gives them (staff and leaders)."""

    @extend_schema(parameters=[
        OpenApiParameter("year", int, required=False, description="This year if left out."),
        OpenApiParameter("committee", int, required=False, description="One of the caller's committees."),
    ], responses=s.ConsultationStatisticsSerializer)
    def get(self, request):
        from .. import statistics

        if not request.user.has_perm("consultations.view_statistics"):
            return Response({"detail": _("The statistics are for the committee's staff and leaders.")},
                            status=status.HTTP_403_FORBIDDEN)
        errors = {}
        raw_year = request.query_params.get("year", "")
        if raw_year and not (raw_year.isdigit() and 2000 <= int(raw_year) <= 2100):
            errors["year"] = [_("Enter a year from 2000 to 2100.")]
        raw_committee = request.query_params.get("committee", "")
        committee = None
        if raw_committee:
            committee = committees_for(request.user).filter(pk=int(raw_committee)).first() \
                if raw_committee.isdigit() and len(raw_committee) < 10 else None
            if committee is None:
                errors["committee"] = [str(s.NOT_FOUND)]
        if errors:
            return Response({"detail": _("The input is not valid."), "errors": errors},
                            status=status.HTTP_400_BAD_REQUEST)
        year = int(raw_year) if raw_year else timezone.localdate().year
        return Response(statistics.consultation_statistics(request.user, year=year, committee=committee))
