"""Base pieces for the portal's viewsets: querysets come from a selector (what the user may
see), writes go through services, and every object has its audit timeline."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cppcc_portal.core import audit
from cppcc_portal.core.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_repr")
    target = serializers.CharField(source="target_repr")

    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "actor", "action", "target", "changes", "note"]


class SelectorViewSetMixin:
    """``selector(user) -> QuerySet`` decides what exists for this user: outside it, 404."""

    selector: Callable = None  # type: ignore[assignment]

    def get_queryset(self):
        return type(self).selector(self.request.user)


class TimelineMixin:
    timeline_permission = "members.view_audit"

    @extend_schema(responses=AuditEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        """The audit timeline of this object: who changed what, when."""
        obj = self.get_object()
        if not request.user.has_perm(self.timeline_permission, obj):
            raise PermissionDenied()
        entries = audit.timeline(obj)[:200]
        return Response(AuditEntrySerializer(entries, many=True).data)


class ServiceModelViewSet(
    SelectorViewSetMixin,
    TimelineMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and update through services. Nothing in the directory is deleted:
    it is deactivated (or a member ceases), so history keeps its references."""

    create_service: Callable = None  # type: ignore[assignment]
    update_service: Callable = None  # type: ignore[assignment]
    service_object_name: str = ""
    write_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.write_serializer_class:
            return self.write_serializer_class
        return self.serializer_class

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        service = type(self).update_service
        serializer.instance = service(
            actor=self.request.user, **{self.service_object_name: serializer.instance}, **serializer.validated_data
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        # Staff may create an object they then do not see (a committee below theirs without
        # "and the committees below"): answer with what was created rather than fail.
        instance = self.get_queryset().filter(pk=serializer.instance.pk).first() or serializer.instance
        return Response(self.serializer_class(instance, context=self.get_serializer_context()).data, status=201)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        instance = self.get_queryset().get(pk=serializer.instance.pk)
        return Response(self.serializer_class(instance, context=self.get_serializer_context()).data)
