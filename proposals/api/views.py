"""API of micro-suggestions and the handling engine. Workflow steps are POST actions calling the
same services as the pages; domain errors become 400/409 in the platform's exception handler."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cppcc_portal.core.api.idempotency import IdempotentCreateMixin
from cppcc_portal.core.api.viewsets import SelectorViewSetMixin, ServiceModelViewSet, TimelineMixin
from members.selectors import members_for, scope_for

from .. import exports, filtersets, selectors, statistics
from ..choices import CaseKind, ReplyReview
from ..models import Reply
from ..services import config, handling, micro_suggestions, routing
from . import serializers as s


class NewestFirstCursor(CursorPagination):
    """Keyset pagination: the cost of a page does not grow with its number."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class DueFirstCursor(NewestFirstCursor):
    ordering = ("due_date", "id")


class MicroSuggestionViewSet(IdempotentCreateMixin, TimelineMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    """Micro-suggestions (微建议): members submit, the worker routes, departments handle, the member
    rates. ``POST`` honours an ``Idempotency-Key`` header."""

    filterset_class = filtersets.CaseFilterSet
    pagination_class = NewestFirstCursor
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    timeline_permission = "proposals.view_case_timeline"

    def get_queryset(self):
        qs = selectors.cases_for(self.request.user, CaseKind.MICRO_SUGGESTION)
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "co_submitters", "attachments", "follows",
                Prefetch("assignments", queryset=handling.Assignment.objects.select_related("department")),
                Prefetch("replies", queryset=Reply.objects.select_related("feedback", "assignment__department",
                                                                          "attachment")),
                "routing_decisions__co_departments", "routing_decisions__lead_department",
                "routing_decisions__rule", "routing_decisions__decided_by",
            )
        return qs

    def get_serializer_class(self):
        if self.action == "create":
            return s.MicroSuggestionSubmitSerializer
        if self.action == "retrieve":
            return s.CaseDetailSerializer
        return s.CaseListSerializer

    @extend_schema(request=s.MicroSuggestionSubmitSerializer, responses={201: s.CaseDetailSerializer},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                                description="Retries with the same key return the first answer.")])
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def create_once(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self._detail(serializer.instance.pk, status.HTTP_201_CREATED)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        member = data.pop("member", None)
        scope = scope_for(self.request.user)
        if member is None:
            seats = list(members_for(self.request.user).filter(pk__in=scope.member_ids))
            if not seats:
                raise NotFound(_("Only serving members can submit micro-suggestions."))
            member = seats[0]
        elif member.pk not in scope.member_ids:
            raise ValidationError({"member": [_("This is not your seat.")]})
        serializer.instance = micro_suggestions.micro_suggestion_submit(
            actor=self.request.user, member=member, title=data["title"], content=data["content"],
            category=data.get("category"), place=data.get("place"), address=data.get("address", ""),
            attachments=data.get("attachments", []), co_submitters=data.get("co_submitters", []),
        )

    def _detail(self, pk, code=status.HTTP_200_OK):
        self.action = "retrieve"  # the detail queryset, with its prefetches
        instance = self.get_queryset().get(pk=pk)
        return Response(s.CaseDetailSerializer(instance, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.RouteSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def route(self, request, pk=None):
        """Staff route or re-route the item by hand (with a reason)."""
        case = self.get_object()
        payload = s.RouteSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        d = payload.validated_data
        handling.case_route(actor=request.user, case=case, lead_department=d["lead_department"],
                            co_departments=d.get("co_departments", []), handling_mode=d.get("handling_mode"),
                            reason=d.get("reason", ""))
        return self._detail(case.pk)

    @extend_schema(responses=s.RoutingDecisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def recommendations(self, request, pk=None):
        """The learned recommendation for this item, with confidence (staff)."""
        case = self.get_object()
        if not request.user.has_perm("proposals.route_case", case):
            raise NotFound()
        candidates = routing.recommend(case.committee_id, routing.case_words(case))
        rule = routing.match_rules(case)
        return Response({
            "rule": {"id": rule.rule.pk, "name": rule.rule.name, "reason": rule.reason} if rule else None,
            "candidates": [c.__dict__ for c in candidates],
        })

    @extend_schema(request=s.RateSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """The submitting member rates a reply; unsatisfied sends it back for re-handling."""
        case = self.get_object()
        payload = s.RateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reply = get_object_or_404(Reply, pk=payload.validated_data["reply"], case=case)
        handling.case_rate(actor=request.user, reply=reply, rating=payload.validated_data["rating"],
                           comment=payload.validated_data.get("comment", ""))
        return self._detail(case.pk)

    @extend_schema(request=s.FollowSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def follow(self, request, pk=None):
        """Take up (领办), supervise (督办) or follow the item."""
        case = self.get_object()
        payload = s.FollowSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        handling.case_follow(actor=request.user, case=case, kind=payload.validated_data["kind"])
        return self._detail(case.pk)

    @extend_schema(request=None, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def unfollow(self, request, pk=None):
        case = self.get_object()
        handling.case_unfollow(actor=request.user, case=case)
        return self._detail(case.pk)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The filtered list as an Excel workbook."""
        queryset = self.filter_queryset(self.get_queryset()).order_by("-id")
        return exports.cases_xlsx(queryset, "micro-suggestions.xlsx")

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def statistics(self, request):
        """Counts by status; per department on-time rate, average handling days and satisfaction."""
        cases = self.filter_queryset(self.get_queryset())
        assignments = selectors.assignments_for(request.user).filter(case__in=cases.values("pk"))
        return Response(statistics.case_statistics(cases, assignments))


class AssignmentViewSet(SelectorViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Assignments of items to departments. ``/inbox/`` is a liaison's open work, due first."""

    selector = selectors.assignments_for
    serializer_class = s.AssignmentSerializer
    filterset_class = filtersets.AssignmentFilterSet
    pagination_class = DueFirstCursor
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if self.action == "inbox":
            return selectors.inbox_for(self.request.user)
        return super().get_queryset()

    @action(detail=False, methods=["get"])
    def inbox(self, request):
        return self.list(request)

    @action(detail=False, methods=["get"], url_path="inbox/export")
    def inbox_export(self, request):
        queryset = self.filter_queryset(selectors.inbox_for(request.user))
        return exports.assignments_xlsx(queryset, "inbox.xlsx")

    def _step(self, request, serializer_class, run):
        assignment = self.get_object()
        payload = serializer_class(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        run(assignment, payload.validated_data)
        assignment.refresh_from_db()
        return Response(s.AssignmentSerializer(assignment, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Sign for the item (签收)."""
        assignment = self.get_object()
        handling.assignment_accept(actor=request.user, assignment=assignment)
        assignment.refresh_from_db()
        return Response(s.AssignmentSerializer(assignment, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ObjectSerializer, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def request_return(self, request, pk=None):
        """Ask to return the item (申退) within the objection window; the deadline pauses."""
        return self._step(request, s.ObjectSerializer, lambda a, d: handling.assignment_object(
            actor=request.user, assignment=a, reason=d["reason"], suggested_department=d.get("suggested_department")))

    @extend_schema(request=s.ContactSerializer, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        """Record contact with the member (面谈, 电话, 座谈, 书信)."""
        return self._step(request, s.ContactSerializer, lambda a, d: handling.contact_record(
            actor=request.user, assignment=a, method=d["method"], contacted_on=d["contacted_on"], note=d.get("note", "")))

    @extend_schema(request={"multipart/form-data": s.ReplyCreateSerializer, "application/json": s.ReplyCreateSerializer},
                   responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """Reply to the member (lead or separate unit) or send the opinion to the lead unit (co-handler)."""
        def run(assignment, data):
            attachment = None
            if data.get("attachment"):
                attachment = handling.attachment_add(actor=request.user, case=assignment.case,
                                                     upload=data["attachment"], purpose="reply")
            handling.assignment_reply(actor=request.user, assignment=assignment, text=data["text"],
                                      attachment=attachment, result_category=data.get("result_category", ""),
                                      may_publish=data.get("may_publish", False))
        return self._step(request, s.ReplyCreateSerializer, run)

    @extend_schema(request=s.ExtendSerializer, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Ask for more working days; staff approve or refuse."""
        return self._step(request, s.ExtendSerializer, lambda a, d: handling.extension_request(
            actor=request.user, assignment=a, workdays_requested=d["workdays"], reason=d["reason"]))


class _DecisionViewSet(SelectorViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_fields = ["status"]
    decision_serializer = s.DecisionSerializer

    def _decide(self, request, approve: bool):
        obj = self.get_object()
        # Who may decide comes before what they sent: a liaison who sees the request is refused
        # (403), not told that the department they named is unknown (400).
        if not request.user.has_perm("proposals.decide_request", obj.assignment.case):
            raise PermissionDenied(self.denied_message())
        payload = self.decision_serializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        self.decide(request.user, obj, approve, payload.validated_data)
        obj.refresh_from_db()
        return Response(self.serializer_class(obj, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, False)


@extend_schema(request=s.ObjectionDecisionSerializer)
class ObjectionRequestViewSet(_DecisionViewSet):
    """Return requests (申退) from departments; staff approve (optionally naming the new
    department) or reject them."""

    selector = selectors.objections_for
    serializer_class = s.ObjectionRequestSerializer
    decision_serializer = s.ObjectionDecisionSerializer

    def denied_message(self) -> str:
        return _("Only staff of this committee may decide a return request.")

    def decide(self, user, obj, approve, data):
        handling.objection_decide(actor=user, objection=obj, approve=approve, note=data.get("note", ""),
                                  new_department=data.get("new_department"))


@extend_schema(request=s.DecisionSerializer)
class ExtensionRequestViewSet(_DecisionViewSet):
    """Extension requests from departments; staff approve or refuse them."""

    selector = selectors.extensions_for
    serializer_class = s.ExtensionRequestSerializer

    def denied_message(self) -> str:
        return _("Only staff of this committee may decide an extension.")

    def decide(self, user, obj, approve, data):
        handling.extension_decide(actor=user, extension=obj, approve=approve, note=data.get("note", ""))


class CategoryViewSet(ServiceModelViewSet):
    selector = selectors.categories_for
    serializer_class = s.CategorySerializer
    write_serializer_class = s.CategoryWriteSerializer
    filterset_class = filtersets.CategoryFilterSet
    create_service = config.category_create
    update_service = config.category_update
    service_object_name = "category"


class RoutingRuleViewSet(ServiceModelViewSet):
    """The committee's routing rules (category, keywords, place → lead and co-handling units)."""

    selector = selectors.routing_rules_for
    serializer_class = s.RoutingRuleSerializer
    write_serializer_class = s.RoutingRuleWriteSerializer
    filterset_class = filtersets.RoutingRuleFilterSet
    create_service = config.routing_rule_create
    update_service = config.routing_rule_update
    service_object_name = "rule"


class HandlingPolicyViewSet(SelectorViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Deadlines, rounds, reminders and escalation per committee and kind. ``POST`` creates or
    replaces the policy for (committee, kind, category)."""

    selector = selectors.policies_for
    serializer_class = s.HandlingPolicySerializer
    filterset_fields = ["committee", "kind"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = config.policy_set(actor=self.request.user, committee=data.pop("committee"),
                                                kind=data.pop("kind"), category=data.pop("category", None), **data)


class DeadLetterViewSet(SelectorViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Routing messages that failed repeatedly; staff retry them once the cause is fixed."""

    selector = selectors.dead_letters_for
    serializer_class = s.DeadLetterSerializer

    @extend_schema(request=None, responses=s.DeadLetterSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        message = self.get_object()
        config.dead_letter_retry(actor=request.user, message=message)
        message.refresh_from_db()
        return Response(s.DeadLetterSerializer(message).data)


class ReplyReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Replies waiting for staff review before the submitter reads them (where the committee's
    policy asks for review). ``POST {id}/review/`` releases a reply or returns it to the
    department for revision."""

    serializer_class = s.ReplyReviewSerializer
    pagination_class = NewestFirstCursor
    filterset_fields: list = []

    def get_queryset(self):
        qs = Reply.objects.select_related(
            "assignment__department", "attachment", "feedback", "reviewed_by",
            "case__committee", "case__category", "case__submitter")
        scope = scope_for(self.request.user)
        if not scope.is_superuser:
            qs = qs.filter(case__committee_id__in=scope.staff_committee_ids)
        if self.action == "review":
            # Every reply of the staff's committees: one already decided is a conflict, not unknown.
            return qs
        return qs.filter(review_status=ReplyReview.PENDING)

    @extend_schema(request=s.ReplyReviewDecisionSerializer, responses=s.ReplyReviewSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        reply = self.get_object()
        payload = s.ReplyReviewDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        handling.reply_review(actor=request.user, reply=reply, approve=payload.validated_data["approve"],
                              note=payload.validated_data.get("note", ""))
        reply = self.get_queryset().get(pk=reply.pk)
        return Response(s.ReplyReviewSerializer(reply, context=self.get_serializer_context()).data)
