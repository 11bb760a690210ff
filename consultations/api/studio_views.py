"""API of the member studios (委员工作室), in step with their pages.

- The public face needs no account and is throttled per client (DRF's anonymous rate):
  ``public/studios/`` (what a studio is and who is on duty this week), raising a concern there,
  and a concern's progress by its tracking code — never anyone's name or phone.
- The studio's own work is for those who run it (its members and the committee's staff): the
  duty roster, the concerns (assign, reply, take up, close), and its activities with
  attendance and the quarterly follow-up meeting's list.

What a user sees is a selector's queryset (outside it, 404); every step is one POST action
calling one service; domain errors become 400/403/409 in the platform's exception handler."""

from __future__ import annotations

import datetime as dt
import mimetypes

import django_filters as filters
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from cppcc_portal.core.http import client_address
from members.models import Studio
from proposals.api.views import NewestFirstCursor

from .. import filtersets, selectors
from ..choices import DutyPeriod, StudioActivityKind
from ..models import Concern, DutyShift, Participant, StudioActivity
from ..services import consultations as cs, studios
from . import studio_serializers as s
from .views import FILTER_BACKENDS, ServiceActionsMixin, StartsAtCursor

CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="The tracking code given when it was raised.")


# --- the public face -------------------------------------------------------------------------------


def this_week() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def public_studios():
    """Active studios of active committees, each with this week's duty shifts (``week_shifts``)."""
    start, end = this_week()
    week = DutyShift.objects.filter(date__gte=start, date__lte=end).select_related("member").order_by("date", "id")
    return Studio.objects.filter(is_active=True, committee__is_active=True).select_related(
        "committee", "sector", "lead_member").prefetch_related(
        Prefetch("shifts", queryset=week, to_attr="week_shifts")).order_by("committee__path", "name", "id")


def status_url(request, code: str) -> str:
    """The public status page of a concern (the studio pages' ``concern_status``)."""
    try:
        path = reverse("concern_status", kwargs={"code": code})
    except NoReverseMatch:  # the pages are not installed: the API's own answer
        path = reverse("public-concern-detail", kwargs={"code": code})
    return request.build_absolute_uri(path)


class PublicMixin:
    """No account, no session (so no CSRF token is needed), throttled per client address."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]


class PublicStudioFilterSet(filters.FilterSet):
    committee = filters.NumberFilter(label=gettext_lazy("Committee"), field_name="committee_id")

    class Meta:
        model = Studio
        fields = ["committee"]


class PublicStudioViewSet(PublicMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Member studios as their public pages show them (no login): what each is and who is on
    duty this week. ``POST …/{id}/concerns/`` raises a concern there."""

    serializer_class = s.PublicStudioSerializer
    queryset = Studio.objects.none()
    filter_backends = FILTER_BACKENDS
    filterset_class = PublicStudioFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return public_studios()

    @extend_schema(request={"multipart/form-data": s.ConcernSubmitSerializer,
                            "application/json": s.ConcernSubmitSerializer},
                   responses={201: s.ConcernReceiptSerializer}, filters=False)
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def concerns(self, request, pk=None):
        """Raise a concern at the studio, without an account (a photo by multipart). Junk is
        refused with 400 and a message by the field: empty or oversized text, a filled
        ``website``, more than a few from one client in an hour, the same text twice. Answers
        with the tracking code and the address of the public status page only."""
        studio = get_object_or_404(Studio.objects.filter(is_active=True, committee__is_active=True), pk=pk)
        payload = s.ConcernSubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        d = payload.validated_data
        concern = studios.concern_submit(studio=studio, phone=d["phone"], description=d["description"],
                                         name=d.get("name", ""), place=d.get("place", ""), photo=d.get("photo"),
                                         client=client_address(request), seconds_to_fill=None,
                                         website=d.get("website", ""))
        body = {"tracking_code": concern.tracking_code, "status_url": status_url(request, concern.tracking_code)}
        return Response(s.ConcernReceiptSerializer(body).data, status=status.HTTP_201_CREATED)


class PublicConcernViewSet(PublicMixin, viewsets.GenericViewSet):
    """A concern's progress by its tracking code (no login): the studio's answer and what
    became of it; never the person's name, phone or place."""

    serializer_class = s.ConcernPublicStatusSerializer
    queryset = Concern.objects.none()
    lookup_field = "code"
    lookup_value_regex = "[^/]{1,40}"
    filter_backends: list = []
    pagination_class = None

    @extend_schema(parameters=[CODE], responses=s.ConcernPublicStatusSerializer)
    def retrieve(self, request, code=None):
        found = studios.concern_public_status(code)
        if found is None:
            raise Http404
        response = Response(s.ConcernPublicStatusSerializer(found).data)
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "no-store"
        return response


# --- the duty roster -------------------------------------------------------------------------------


class ShiftFilterSet(filters.FilterSet):
    studio = filters.NumberFilter(label=gettext_lazy("Studio"), field_name="studio_id")
    member = filters.NumberFilter(label=gettext_lazy("Member"), field_name="member_id")
    period = filters.ChoiceFilter(label=gettext_lazy("Time"), choices=DutyPeriod.choices)
    date_from = filters.DateFilter(label=gettext_lazy("From"), field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(label=gettext_lazy("To"), field_name="date", lookup_expr="lte")

    class Meta:
        model = DutyShift
        fields = ["studio", "member", "period", "date_from", "date_to"]


class DateCursor(NewestFirstCursor):
    ordering = ("date", "id")


class DutyShiftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                       viewsets.GenericViewSet):
    """The duty rosters (委员值班) of the studios the caller runs, by date (filter ``date_from``
    for what is coming). Their members and the committee's staff put a member of the studio
    on duty and take shifts off again."""

    serializer_class = s.ShiftSerializer
    queryset = DutyShift.objects.none()
    filter_backends = FILTER_BACKENDS
    filterset_class = ShiftFilterSet
    pagination_class = DateCursor
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.shifts_for(self.request.user)

    @extend_schema(request=s.ShiftWriteSerializer, responses={201: s.ShiftSerializer})
    def create(self, request, *args, **kwargs):
        payload = s.ShiftWriteSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        d = payload.validated_data
        shift = studios.shift_add(actor=request.user, studio=d["studio"], member=d["member"], date=d["date"],
                                  period=d.get("period", DutyPeriod.DAY), note=d.get("note", ""))
        shift = self.get_queryset().filter(pk=shift.pk).first() or shift
        return Response(s.ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        studios.shift_remove(actor=request.user, shift=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- concerns --------------------------------------------------------------------------------------


class ConcernViewSet(ServiceActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    """Concerns the public raised at the studios the caller runs (as one of their members or
    the committee's staff), newest first, with the person's contact to call back. Steps:
    assign to a member of the studio, reply to the person (shown on the status page), take it
    up in the caller's own name as a micro-suggestion, a proposal draft or a social-conditions
    item (a member of the studio), close."""

    serializer_class = s.ConcernSerializer
    detail_serializer_class = s.ConcernSerializer
    queryset = Concern.objects.none()
    filterset_class = filtersets.ConcernFilterSet  # the concern list page's
    pagination_class = NewestFirstCursor
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.concerns_for(self.request.user)

    @extend_schema(request=s.ConcernAssignSerializer, responses=s.ConcernSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Give the concern to a member of the studio (usually the one on duty)."""
        concern = self.get_object()
        d = self._payload(s.ConcernAssignSerializer, request)
        studios.concern_assign(actor=request.user, concern=concern, member=d["member"])
        return self._show(concern.pk)

    @extend_schema(request=s.ConcernReplySerializer, responses=s.ConcernSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """Answer the person; the status page shows the answer."""
        concern = self.get_object()
        d = self._payload(s.ConcernReplySerializer, request)
        studios.concern_reply(actor=request.user, concern=concern, reply=d["reply"])
        return self._show(concern.pk)

    @extend_schema(request=s.ConcernConvertSerializer, responses=s.ConcernSerializer)
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        """Take the concern up in your own name (a member of the studio): a micro-suggestion is
        submitted and routed at once; a proposal or an information item is a draft to finish."""
        concern = self.get_object()
        d = self._payload(s.ConcernConvertSerializer, request)
        studios.concern_convert(actor=request.user, concern=concern, to=d["to"], title=d["title"],
                                category=d.get("category"))
        return self._show(concern.pk)

    @extend_schema(request=s.ConcernCloseSerializer, responses=s.ConcernSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the concern (with a note when it was not answered)."""
        concern = self.get_object()
        d = self._payload(s.ConcernCloseSerializer, request)
        studios.concern_close(actor=request.user, concern=concern, note=d.get("note", ""))
        return self._show(concern.pk)

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def photo(self, request, pk=None):
        """The photo sent with the concern (as a download)."""
        concern = self.get_object()
        if not concern.photo:
            raise Http404
        try:
            handle = concern.photo.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        content_type = mimetypes.guess_type(concern.photo.name)[0] or "application/octet-stream"
        response = FileResponse(handle, as_attachment=True, filename=concern.photo_name or "photo",
                                content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- studio activities -----------------------------------------------------------------------------


class StudioActivityFilterSet(filters.FilterSet):
    studio = filters.NumberFilter(label=gettext_lazy("Studio"), field_name="studio_id")
    kind = filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=StudioActivityKind.choices)
    year = filters.NumberFilter(label=gettext_lazy("Year"), field_name="starts_at", lookup_expr="year")

    class Meta:
        model = StudioActivity
        fields = ["studio", "kind", "year"]


class StudioActivityViewSet(ServiceActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    """Studio activities (receptions, visits, seminars, quarterly follow-up meetings) of the
    committees the caller belongs to; those who run the studio record and change them, staff
    keep the attendance. ``concerns`` lists what a follow-up meeting reviews."""

    serializer_class = s.StudioActivitySerializer
    detail_serializer_class = s.StudioActivityDetailSerializer
    queryset = StudioActivity.objects.none()
    filterset_class = StudioActivityFilterSet
    pagination_class = StartsAtCursor
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.studio_activities_for(self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("participants", queryset=Participant.objects.select_related(
                "member").order_by("id")))
        return qs

    def get_serializer_class(self):
        return s.StudioActivitySerializer if self.action == "list" else s.StudioActivityDetailSerializer

    @extend_schema(request=s.StudioActivityWriteSerializer, responses={201: s.StudioActivityDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Record an activity; the members given (default: the studio's) take part."""
        d = self._payload(s.StudioActivityWriteSerializer, request)
        activity = studios.studio_activity_save(
            actor=request.user, studio=d["studio"], kind=d["kind"], title=d["title"], starts_at=d["starts_at"],
            ends_at=d["ends_at"], place=d.get("place", ""), summary=d.get("summary", ""),
            quarter=d.get("quarter", ""), members=d["members"] if "members" in d else None)
        return self._show(activity.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.StudioActivityWriteSerializer, responses=s.StudioActivityDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change an activity (its studio and participants stay)."""
        activity = self.get_object()
        d = self._payload(s.StudioActivityWriteSerializer, request, partial=True)
        values = {f: d.get(f, getattr(activity, f))
                  for f in ("kind", "title", "starts_at", "ends_at", "place", "summary", "quarter")}
        studios.studio_activity_save(actor=request.user, studio=activity.studio, activity=activity, **values)
        return self._show(activity.pk)

    @extend_schema(request=s.ActivityInviteSerializer, responses=s.StudioActivityDetailSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        """Put members on the activity's list (staff); those already on it are skipped."""
        activity = self.get_object()
        d = self._payload(s.ActivityInviteSerializer, request)
        cs.participants_invite(actor=request.user, event=activity, members=d["members"])
        return self._show(activity.pk)

    def _participant(self, activity, request, serializer_class) -> tuple[Participant, dict]:
        d = self._payload(serializer_class, request)
        participant = Participant.objects.filter(studio_activity=activity, pk=d["participant"]).select_related(
            "studio_activity__studio", "member").first()
        if participant is None:
            raise ValidationError({"participant": [_("Not found.")]})
        return participant, d

    @extend_schema(request=s.ActivityAttendanceSerializer, responses=s.StudioActivityDetailSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record or correct a participant's attendance (staff), e.g. an excused absence."""
        activity = self.get_object()
        participant, d = self._participant(activity, request, s.ActivityAttendanceSerializer)
        cs.attendance_record(actor=request.user, participant=participant, attendance=d["attendance"],
                             note=d.get("note", ""))
        return self._show(activity.pk)

    @extend_schema(request=s.ActivityParticipantChoiceSerializer, responses=s.StudioActivityDetailSerializer)
    @action(detail=True, methods=["post"], url_path="check-in", url_name="check-in")
    def check_in(self, request, pk=None):
        """Sign in (签到): a participant themselves around the activity's time, or staff for them."""
        activity = self.get_object()
        participant, _d = self._participant(activity, request, s.ActivityParticipantChoiceSerializer)
        cs.participant_check_in(actor=request.user, participant=participant)
        return self._show(activity.pk)

    @extend_schema(responses=s.QuarterConcernSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def concerns(self, request, pk=None):
        """For a quarterly follow-up meeting: the concerns the studio received in the quarter it
        reviews, what each became and how that stands (for those who run the studio)."""
        activity = self.get_object()
        if activity.kind != StudioActivityKind.FOLLOW_UP or not activity.quarter:
            return Response({"detail": _("Only a quarterly follow-up meeting reviews the concerns of a quarter.")},
                            status=status.HTTP_409_CONFLICT)
        rows = studios.quarter_concerns(activity.studio, activity.quarter).filter(
            pk__in=selectors.concerns_for(request.user).values("pk"))
        return Response(s.QuarterConcernSerializer(rows, many=True).data)
