from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from cppcc_portal.core.api.viewsets import SelectorViewSetMixin, ServiceModelViewSet

from .. import filtersets, selectors, services
from . import serializers as s


class CommitteeViewSet(ServiceModelViewSet):
    """Committees as a tree: national → provincial → municipal → county → township work office."""

    selector = selectors.committees_for
    serializer_class = s.CommitteeSerializer
    write_serializer_class = s.CommitteeWriteSerializer
    filterset_class = filtersets.CommitteeFilterSet
    create_service = services.committee_create
    update_service = services.committee_update
    service_object_name = "committee"
    ordering_fields = ["name", "path"]


class TermViewSet(ServiceModelViewSet):
    selector = selectors.terms_for
    serializer_class = s.TermSerializer
    write_serializer_class = s.TermWriteSerializer
    filterset_class = filtersets.TermFilterSet
    create_service = services.term_create
    update_service = services.term_update
    service_object_name = "term"


class SessionViewSet(ServiceModelViewSet):
    selector = selectors.sessions_for
    serializer_class = s.SessionSerializer
    write_serializer_class = s.SessionWriteSerializer
    filterset_class = filtersets.SessionFilterSet
    create_service = services.session_create
    update_service = services.session_update
    service_object_name = "session"


class SectorViewSet(ServiceModelViewSet):
    selector = selectors.sectors_for
    serializer_class = s.SectorSerializer
    write_serializer_class = s.SectorWriteSerializer
    filterset_class = filtersets.SectorFilterSet
    create_service = services.sector_create
    update_service = services.sector_update
    service_object_name = "sector"


class SpecialCommitteeViewSet(ServiceModelViewSet):
    selector = selectors.special_committees_for
    serializer_class = s.SpecialCommitteeSerializer
    write_serializer_class = s.SpecialCommitteeWriteSerializer
    filterset_class = filtersets.SpecialCommitteeFilterSet
    create_service = services.special_committee_create
    update_service = services.special_committee_update
    service_object_name = "special_committee"


class MemberViewSet(ServiceModelViewSet):
    selector = lambda user: selectors.members_for(user).prefetch_related("special_committees")  # noqa: E731
    serializer_class = s.MemberSerializer
    write_serializer_class = s.MemberWriteSerializer
    filterset_class = filtersets.MemberFilterSet
    create_service = services.member_create
    update_service = services.member_update
    service_object_name = "member"
    ordering_fields = ["name", "started_on"]


class DepartmentViewSet(ServiceModelViewSet):
    selector = selectors.departments_for
    serializer_class = s.DepartmentSerializer
    write_serializer_class = s.DepartmentWriteSerializer
    filterset_class = filtersets.DepartmentFilterSet
    create_service = services.department_create
    update_service = services.department_update
    service_object_name = "department"
    ordering_fields = ["name"]


class LiaisonViewSet(ServiceModelViewSet):
    selector = selectors.liaisons_for
    serializer_class = s.LiaisonSerializer
    write_serializer_class = s.LiaisonWriteSerializer
    filterset_class = filtersets.LiaisonFilterSet
    create_service = services.liaison_create
    update_service = services.liaison_update
    service_object_name = "liaison"


class StudioViewSet(ServiceModelViewSet):
    selector = selectors.studios_for
    serializer_class = s.StudioSerializer
    write_serializer_class = s.StudioWriteSerializer
    filterset_class = filtersets.StudioFilterSet
    create_service = services.studio_create
    update_service = services.studio_update
    service_object_name = "studio"
    ordering_fields = ["name"]


class CommitteeRoleViewSet(SelectorViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Staff and leader grants in the committees the user is staff of (read-only here;
    granted in the web UI or admin)."""

    selector = selectors.committee_roles_for
    serializer_class = s.CommitteeRoleSerializer


class MeView(APIView):
    """Who the caller is and what they may act for."""

    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        scope = selectors.scope_for(request.user)
        user = request.user
        data = {
            "id": user.pk, "username": user.username, "full_name": user.full_name, "email": user.email,
            "phone": user.phone, "roles": scope.roles,
            "staff_committees": sorted(scope.staff_committee_ids),
            "leader_committees": sorted(scope.leader_committee_ids),
            "member_seats": sorted(scope.member_ids),
            "departments": sorted(scope.department_ids),
        }
        return Response(s.MeSerializer(data).data)


