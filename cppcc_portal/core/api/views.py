"""API of the platform pieces: the user's notification inbox and the working-day calendar."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cppcc_portal.core import notifications, services, workdays
from cppcc_portal.core.models import CalendarDay, CalendarYear, Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=1000,
                                help_text="Notification ids; omit to mark all as read.")


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own in-app inbox, newest first. ``?unread=true`` lists only unread ones."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filterset_fields = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true", "True"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(request=MarkReadSerializer, responses=inline_serializer("MarkReadResult", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        """Mark the given notifications (or all) as read."""
        payload = MarkReadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        marked = notifications.notifications_mark_read(actor=request.user, ids=payload.validated_data.get("ids"))
        return Response({"marked": marked})


class CalendarDaySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    source = serializers.CharField(read_only=True)

    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "kind_display", "name", "source"]
        validators = []


class CalendarYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarYear
        fields = ["year", "source", "note", "updated_at"]
        read_only_fields = ["source", "updated_at"]
        validators = []


class ExplanationSerializer(serializers.Serializer):
    start = serializers.DateField()
    workdays = serializers.IntegerField()
    due = serializers.DateField()
    calendar_days = serializers.IntegerField()
    skipped = serializers.ListField(child=serializers.DictField())
    made_up_workdays = serializers.ListField(child=serializers.DictField())
    provisional_years = serializers.ListField(child=serializers.IntegerField())
    summary = serializers.CharField()


class CalendarPermissionMixin:
    def check_manage(self, request):
        if not request.user.has_perm("core.manage_calendar"):
            raise PermissionDenied(_("Only committee staff may edit the working-day calendar."))


class CalendarDayViewSet(CalendarPermissionMixin, viewsets.ModelViewSet):
    """Exceptions to the Monday–Friday week: public holidays and make-up workdays.
    Everyone signed in reads them; committee staff edit them, which moves open deadlines.
    Filter with ``?year=2027``."""

    serializer_class = CalendarDaySerializer
    lookup_field = "date"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    filterset_fields = ["kind"]

    def get_queryset(self):
        qs = CalendarDay.objects.all()
        year = self.request.query_params.get("year", "")
        if year.isdigit():
            qs = qs.filter(date__year=int(year))
        return qs

    def get_object(self):
        try:
            dt.date.fromisoformat(self.kwargs["date"])
        except ValueError:
            raise ValidationError({"date": _("Enter a date as YYYY-MM-DD.")}) from None
        return super().get_object()

    def perform_create(self, serializer):
        self.check_manage(self.request)
        data = serializer.validated_data
        serializer.instance = services.calendar_day_set(actor=self.request.user, date=data["date"],
                                                        kind=data["kind"], name=data.get("name", ""))

    def perform_update(self, serializer):
        self.check_manage(self.request)
        data = serializer.validated_data
        day = serializer.instance
        serializer.instance = services.calendar_day_set(actor=self.request.user, date=day.date,
                                                        kind=data.get("kind", day.kind), name=data.get("name", day.name))

    def perform_destroy(self, instance):
        self.check_manage(self.request)
        services.calendar_day_delete(actor=self.request.user, date=instance.date)

    @extend_schema(
        parameters=[
            OpenApiParameter("start", dt.date, required=True, description="Start date (not counted)"),
            OpenApiParameter("workdays", int, required=True, description="Number of working days"),
        ],
        responses=ExplanationSerializer,
    )
    @action(detail=False, methods=["get"])
    def compute(self, request):
        """N working days after a date, with how it was computed."""
        errors = {}
        try:
            start = dt.date.fromisoformat(request.query_params.get("start", ""))
        except ValueError:
            errors["start"] = [_("Enter a date as YYYY-MM-DD.")]
        raw = request.query_params.get("workdays", "")
        if not raw.isdigit() or int(raw) > workdays.MAX_WORKDAYS:
            errors["workdays"] = [_("Enter a whole number from 0 to %(max)d.") % {"max": workdays.MAX_WORKDAYS}]
        if errors:
            return Response({"detail": _("The input is not valid."), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        explanation = workdays.explain_workdays(start, int(raw))
        return Response({**explanation.as_dict(), "summary": explanation.summary()})


class CalendarYearViewSet(CalendarPermissionMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Years whose official holiday arrangement is known. Staff add a year once they have
    entered its holidays, so deadlines in it stop being marked provisional."""

    serializer_class = CalendarYearSerializer
    queryset = CalendarYear.objects.all()
    pagination_class = None

    def perform_create(self, serializer):
        self.check_manage(self.request)
        serializer.instance = services.calendar_year_confirm(
            actor=self.request.user, year=serializer.validated_data["year"], note=serializer.validated_data.get("note", "")
        )


class HealthView(APIView):
    """Liveness for load balancers: answers without touching the database or the broker.
    Also the floor the benchmarks measure the real endpoints against."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(responses=inline_serializer("Health", {"status": serializers.CharField()}))
    def get(self, request):
        return Response({"status": "ok"})
