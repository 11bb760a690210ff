"""API of proposals (提案), in step with the pages: what a user sees is a selector's queryset
(outside it, 404), every workflow step is one POST action calling one service, and domain
errors become 400/403/409 in the platform's exception handler."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cppcc_portal.core import audit
from cppcc_portal.core.api.idempotency import IdempotentCreateMixin
from cppcc_portal.core.api.viewsets import AuditEntrySerializer
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import AuditEntry
from members.selectors import members_for, scope_for

from .. import filtersets, selectors, similarity
from ..choices import ProposalStatus
from ..models import (
    Assignment,
    CoSigner,
    ProgressNote,
    Proposal,
    ProposalBody,
    Reply,
    TopicGuide,
)
from ..services import handling, proposals as services
from . import proposal_serializers as ps
from .serializers import RateSerializer
from .views import NewestFirstCursor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SIMILAR_QUERY = 20000


class SubmittedFirstCursor(CursorPagination):
    """The review queue: oldest submission first, as staff work through it."""

    ordering = ("submitted_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ProposalViewSet(IdempotentCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Proposals (提案): members write drafts (or authorised users for a proposing body), invite
    co-signers (联名) and submit; staff file (立案), do not file, return or merge (并案) them;
    filed proposals are handled on the shared engine. ``POST`` honours an ``Idempotency-Key``
    header. The procuratorate's outcome on a transferred clue is ``POST
    {id}/procuratorate-outcome/``."""

    filterset_class = filtersets.ProposalFilterSet
    pagination_class = NewestFirstCursor
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if self.action == "mine":
            return selectors.my_proposals(user)
        if self.action == "review_queue":
            return selectors.review_queue(user)
        if self.action == "supervised":
            return selectors.supervised_proposals(user)
        qs = selectors.proposals_for(user)
        if self.action not in ("list", "export", "statistics", "similar"):
            qs = qs.select_related("merged_into", "topic", "procuratorate_transfer__procuratorate").prefetch_related(
                Prefetch("cosigners", queryset=CoSigner.objects.select_related("member")),
                "attachments", "reference_departments", "key_leaders", "supervision_activities",
                Prefetch("merged", queryset=Proposal.objects.order_by("id")),
                Prefetch("case__assignments", queryset=Assignment.objects.select_related("department")),
                Prefetch("case__replies", queryset=Reply.objects.select_related("feedback", "assignment__department",
                                                                                "attachment")),
                Prefetch("case__progress_notes", queryset=ProgressNote.objects.select_related("department")),
            )
        return qs

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return ps.ProposalWriteSerializer
        if self.action in ("list", "mine", "review_queue", "supervised"):
            return ps.ProposalListSerializer
        return ps.ProposalDetailSerializer

    def _detail(self, pk, code=status.HTTP_200_OK):
        self.action = "retrieve"  # the detail queryset, with its prefetches
        instance = self.get_queryset().filter(pk=pk).first()
        if instance is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ps.ProposalDetailSerializer(instance, context=self.get_serializer_context()).data,
                        status=code)

    def _payload(self, serializer_class, request):
        payload = serializer_class(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    # --- writing --------------------------------------------------------------------------------

    @extend_schema(request={"application/json": ps.ProposalWriteSerializer,
                            "multipart/form-data": ps.ProposalWriteSerializer},
                   responses={201: ps.ProposalDetailSerializer},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                                description="Retries with the same key return the first answer.")])
    def create(self, request, *args, **kwargs):
        """Write a draft, as a member (your seat) or for a proposing body (``body``)."""
        return super().create(request, *args, **kwargs)

    def create_once(self, request, *args, **kwargs):
        data = self._payload(ps.ProposalWriteSerializer, request)
        body = data.get("body")
        member = data.get("member")
        if body is None:
            scope = scope_for(request.user)
            if member is None:
                seats = list(members_for(request.user).filter(pk__in=scope.member_ids).order_by("id"))
                if not seats:
                    raise NotFound(_("Only serving members or authorised proposing bodies can write proposals."))
                member = seats[0]
            elif member.pk not in scope.member_ids:
                raise ValidationError({"member": [_("This is not your seat.")]})
        else:
            member = None
        proposal = services.proposal_draft_save(
            actor=request.user, member=member, body=body,
            kind=data.get("kind") or ("collective" if body else "individual"),
            timing=data.get("timing") or "intersession", session=data.get("session"), title=data["title"],
            reason=data["reason"], analysis=data["analysis"], suggestions=data["suggestions"],
            category=data.get("category"), topic=data.get("topic"), attachments=data.get("attachments", []))
        return self._detail(proposal.pk, status.HTTP_201_CREATED)

    @extend_schema(request={"application/json": ps.ProposalWriteSerializer,
                            "multipart/form-data": ps.ProposalWriteSerializer},
                   responses=ps.ProposalDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a draft or a proposal returned for revision (the writer only)."""
        proposal = self.get_object()
        payload = ps.ProposalWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        fields = ("kind", "timing", "session", "title", "reason", "analysis", "suggestions", "category", "topic")
        values = {f: data[f] if f in data else getattr(proposal, f) for f in fields}
        services.proposal_draft_save(actor=request.user, proposal=proposal, attachments=data.get("attachments", []),
                                     remove_attachments=data.get("remove_attachments", []), **values)
        return self._detail(proposal.pk)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        """Throw away a draft that was never submitted (the writer only)."""
        services.proposal_delete(actor=request.user, proposal=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the draft (or the revised proposal) for review."""
        proposal = services.proposal_submit(actor=request.user, proposal=self.get_object())
        return self._detail(proposal.pk)

    @extend_schema(request=ps.ReasonSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The writer withdraws the proposal before it is reviewed."""
        proposal = self.get_object()
        data = self._payload(ps.ReasonSerializer, request)
        services.proposal_withdraw(actor=request.user, proposal=proposal, reason=data.get("reason", ""))
        return self._detail(proposal.pk)

    @extend_schema(request=ps.InviteSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        """Invite members to co-sign (联名) a joint proposal."""
        proposal = self.get_object()
        data = self._payload(ps.InviteSerializer, request)
        services.proposal_invite(actor=request.user, proposal=proposal, members=data["members"])
        return self._detail(proposal.pk)

    # --- review ---------------------------------------------------------------------------------

    @extend_schema(request=ps.FileSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        """File the proposal (立案): it gets its number and a handling item; with a lead
        department it is assigned at once."""
        proposal = self.get_object()
        data = self._payload(ps.FileSerializer, request)
        services.proposal_file(actor=request.user, proposal=proposal, category=data.get("category"),
                               lead_department=data.get("lead_department"),
                               co_departments=data.get("co_departments", []),
                               handling_mode=data.get("handling_mode"), note=data.get("note", ""))
        return self._detail(proposal.pk)

    @extend_schema(request=ps.NotFileSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"], url_path="not-file")
    def not_file(self, request, pk=None):
        """Do not file (不立案), with the reason the proposer reads; optionally converted."""
        proposal = self.get_object()
        data = self._payload(ps.NotFileSerializer, request)
        services.proposal_not_file(actor=request.user, proposal=proposal, reason=data["reason"],
                                   conversion=data.get("conversion", ""),
                                   reference_departments=data.get("reference_departments", []))
        return self._detail(proposal.pk)

    @extend_schema(request=ps.ReturnSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_revision(self, request, pk=None):
        """Return the proposal to its writer for revision."""
        proposal = self.get_object()
        data = self._payload(ps.ReturnSerializer, request)
        services.proposal_return(actor=request.user, proposal=proposal, comment=data["comment"])
        return self._detail(proposal.pk)

    @extend_schema(request=ps.MergeSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge similar proposals into this one (并案)."""
        proposal = self.get_object()
        data = self._payload(ps.MergeSerializer, request)
        services.proposal_merge(actor=request.user, main=proposal, others=data["others"], note=data.get("note", ""))
        return self._detail(proposal.pk)

    # --- key proposals and the procuratorate ------------------------------------------------------

    @extend_schema(request=ps.MarkKeySerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"], url_path="mark-key")
    def mark_key(self, request, pk=None):
        """Make the filed proposal a key proposal (重点提案) supervised by leaders."""
        proposal = self.get_object()
        data = self._payload(ps.MarkKeySerializer, request)
        services.proposal_mark_key(actor=request.user, proposal=proposal, leaders=data["leaders"], plan=data["plan"])
        return self._detail(proposal.pk)

    @extend_schema(request=ps.UnmarkKeySerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"], url_path="unmark-key")
    def unmark_key(self, request, pk=None):
        proposal = self.get_object()
        data = self._payload(ps.UnmarkKeySerializer, request)
        services.proposal_unmark_key(actor=request.user, proposal=proposal, note=data.get("note", ""))
        return self._detail(proposal.pk)

    @extend_schema(request=ps.SupervisionSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def supervision(self, request, pk=None):
        """Record a supervision activity of a key proposal (staff or a supervising leader)."""
        proposal = self.get_object()
        data = self._payload(ps.SupervisionSerializer, request)
        services.supervision_record(actor=request.user, proposal=proposal, kind=data["kind"],
                                    held_on=data["held_on"], summary=data["summary"], place=data.get("place", ""),
                                    participants=data.get("participants", ""))
        return self._detail(proposal.pk)

    @extend_schema(request=ps.ProcuratorateSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def procuratorate(self, request, pk=None):
        """Pass the filed proposal to the procuratorate as a public-interest-litigation clue."""
        proposal = self.get_object()
        data = self._payload(ps.ProcuratorateSerializer, request)
        services.procuratorate_transfer(actor=request.user, proposal=proposal, procuratorate=data["procuratorate"],
                                        clue=data["clue"], transferred_on=data.get("transferred_on"))
        return self._detail(proposal.pk)

    @extend_schema(request=ps.ProcuratorateOutcomeSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"], url_path="procuratorate-outcome")
    def procuratorate_outcome(self, request, pk=None):
        """What the procuratorate did with the clue (staff or the procuratorate's liaison)."""
        proposal = self.get_object()
        transfer = getattr(proposal, "procuratorate_transfer", None)
        if transfer is None:
            raise Conflict(_("This proposal was not passed to the procuratorate."))
        data = self._payload(ps.ProcuratorateOutcomeSerializer, request)
        services.procuratorate_outcome(actor=request.user, transfer=transfer, status=data["status"],
                                       outcome=data["outcome"], outcome_on=data.get("outcome_on"))
        return self._detail(proposal.pk)

    # --- after the reply --------------------------------------------------------------------------

    def _case(self, proposal):
        if not proposal.case_id:
            raise Conflict(_("This proposal has not been filed."))
        return proposal.case

    @extend_schema(request=ps.ProgressSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """A follow-up entry after the reply, up to the day it is implemented."""
        proposal = self.get_object()
        data = self._payload(ps.ProgressSerializer, request)
        handling.progress_note_add(actor=request.user, case=self._case(proposal), noted_on=data["noted_on"],
                                   text=data["text"], implemented=data["implemented"])
        return self._detail(proposal.pk)

    @extend_schema(request=RateSerializer, responses=ps.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """The proposer rates a reply; unsatisfied sends it back for re-handling."""
        proposal = self.get_object()
        case = self._case(proposal)
        data = self._payload(RateSerializer, request)
        reply = get_object_or_404(Reply, pk=data["reply"], case=case)
        handling.case_rate(actor=request.user, reply=reply, rating=data["rating"], comment=data.get("comment", ""))
        return self._detail(proposal.pk)

    # --- reading ------------------------------------------------------------------------------------

    def _may_see_timeline(self, user, proposal) -> bool:
        scope = scope_for(user)
        if scope.is_superuser or proposal.committee_id in scope.oversight_committee_ids:
            return True
        if user.pk in (proposal.submitted_by_id, getattr(proposal.proposer, "user_id", None)):
            return True
        return proposal.body_id is not None and proposal.body.authorised_users.filter(pk=user.pk).exists()

    @extend_schema(responses=AuditEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        """The proposal's timeline and its handling's, newest first (the committee and the
        proposal's authors)."""
        proposal = self.get_object()
        if not self._may_see_timeline(request.user, proposal):
            raise PermissionDenied(_("The timeline is for the committee and the proposal's authors."))
        entries = audit.timeline(proposal)
        if proposal.case_id:
            entries = entries | audit.timeline(proposal.case)
        entries = AuditEntry.objects.filter(pk__in=entries.values("pk")).select_related("actor").order_by(
            "-created_at", "-id")[:200]
        return Response(AuditEntrySerializer(entries, many=True).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, filters=False)
    @action(detail=True, methods=["get"])
    def letter(self, request, pk=None):
        """The proposal as a printable PDF."""
        from .. import letters

        proposal = self.get_object()
        return _file_response(letters.proposal_pdf(proposal), "application/pdf", f"proposal-{proposal.pk}.pdf")

    @extend_schema(parameters=[OpenApiParameter("reply", int, required=True, description="The reply's id.")],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY}, filters=False)
    @action(detail=True, methods=["get"], url_path="reply-letter")
    def reply_letter(self, request, pk=None):
        """A department's reply letter (答复函) as a PDF."""
        from .. import letters

        proposal = self.get_object()
        raw = request.query_params.get("reply", "")
        if not raw.isdigit() or not proposal.case_id:
            raise NotFound()
        case = proposal.case
        replies = selectors.visible_replies(request.user, case, case.replies.all())
        reply = next((r for r in replies if r.pk == int(raw) and not r.is_opinion), None)
        if reply is None:
            raise NotFound()
        return _file_response(letters.reply_letter_pdf(proposal, reply), "application/pdf",
                              f"reply-{proposal.pk}-{reply.pk}.pdf")

    @action(detail=False, methods=["get"], url_path="review-queue", pagination_class=SubmittedFirstCursor)
    def review_queue(self, request):
        """Submitted proposals waiting for review by the committee's staff, oldest first."""
        return self.list(request)

    @action(detail=False, methods=["get"])
    def mine(self, request):
        """What the caller wrote, first-proposes or co-signs, drafts included."""
        return self.list(request)

    @action(detail=False, methods=["get"])
    def supervised(self, request):
        """Key proposals: those the caller supervises; for the committee, all of them."""
        return self.list(request)

    @extend_schema(parameters=[
        OpenApiParameter("q", str, required=True, description="The text to compare."),
        OpenApiParameter("exclude", int, required=False, description="A proposal to leave out (the one being written)."),
    ], responses=ps.SimilarSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def similar(self, request):
        """Submitted and filed proposals of the caller's committees of this year and the last
        most like the text, best first."""
        text = request.query_params.get("q", "")
        errors = {}
        if not text.strip():
            errors["q"] = [_("This field is required.")]
        elif len(text) > MAX_SIMILAR_QUERY:
            errors["q"] = [_("At most %(n)d characters.") % {"n": MAX_SIMILAR_QUERY}]
        exclude = request.query_params.get("exclude", "")
        if exclude and not exclude.isdigit():
            errors["exclude"] = [_("A valid integer is required.")]
        if errors:
            return Response({"detail": _("The input is not valid."), "errors": errors},
                            status=status.HTTP_400_BAD_REQUEST)
        scope = scope_for(request.user)
        year = timezone.localdate().year
        candidates = selectors.proposals_for(request.user).select_related(None).filter(
            year__in=[year, year - 1], status__in=[ProposalStatus.SUBMITTED, ProposalStatus.FILED])
        if not scope.is_superuser:
            candidates = candidates.filter(committee_id__in=scope.committee_ids)
        matches = similarity.similar(text, candidates, exclude_ids=(int(exclude),) if exclude else ())
        return Response([{
            "id": m.proposal.pk, "title": m.proposal.title, "number_label": m.proposal.number_label,
            "status": m.proposal.status, "author": m.proposal.author_name, "score": m.score,
            "shared_words": m.shared, "url": ps.proposal_url(m.proposal),
        } for m in matches])

    def _compiled(self):
        return self.filter_queryset(self.get_queryset()).exclude(status=ProposalStatus.DRAFT)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The filtered proposals as the compilation workbook (提案汇编)."""
        from .. import exports

        content = exports.proposal_compilation_xlsx(self._compiled().order_by("committee_id", "year", "number", "id"))
        return _file_response(content, XLSX, "proposals.xlsx")

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def statistics(self, request):
        """Figures of the filtered proposals (``?year=&committee=``)."""
        from .. import statistics

        return Response(statistics.proposal_statistics(self._compiled()))


class CosignInvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Open invitations to co-sign (联名) proposals; the invited member confirms or declines."""

    serializer_class = ps.CosignInvitationSerializer
    queryset = CoSigner.objects.none()  # for the schema; get_queryset decides
    pagination_class = None
    filterset_fields: list = []

    def get_queryset(self):
        if self.action == "respond":
            # Every invitation of the caller: one already answered is a conflict, not unknown.
            return CoSigner.objects.select_related("proposal__committee", "proposal__category", "proposal__proposer",
                                                   "proposal__body", "proposal__case", "member").filter(
                member__user=self.request.user)
        return selectors.cosign_invitations_for(self.request.user).select_related("proposal__body", "proposal__case")

    @extend_schema(request=ps.CosignRespondSerializer, responses=ps.CosignInvitationSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        cosigner = self.get_object()
        payload = ps.CosignRespondSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.cosign_respond(actor=request.user, cosigner=cosigner, accept=payload.validated_data["accept"],
                                note=payload.validated_data.get("note", ""))
        return Response(ps.CosignInvitationSerializer(self.get_queryset().get(pk=cosigner.pk)).data)


class TopicGuideViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The year's topic guide (选题指南) with its suggested topics. Staff write and publish it;
    members read published guides."""

    serializer_class = ps.TopicGuideSerializer
    pagination_class = NewestFirstCursor
    filterset_fields = ["committee", "year", "status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.topic_guides_for(self.request.user)

    def _show(self, pk, code=status.HTTP_200_OK):
        guide = self.get_queryset().filter(pk=pk).first() or TopicGuide.objects.get(pk=pk)
        return Response(ps.TopicGuideSerializer(guide, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ps.TopicGuideWriteSerializer, responses={201: ps.TopicGuideSerializer})
    def create(self, request, *args, **kwargs):
        payload = ps.TopicGuideWriteSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        d = payload.validated_data
        guide = services.topic_guide_save(actor=request.user, committee=d["committee"], year=d["year"],
                                          title=d["title"], introduction=d.get("introduction", ""))
        return self._show(guide.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ps.TopicGuideWriteSerializer, responses=ps.TopicGuideSerializer)
    def partial_update(self, request, *args, **kwargs):
        guide = self.get_object()
        payload = ps.TopicGuideWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        d = payload.validated_data
        services.topic_guide_save(actor=request.user, guide=guide, title=d.get("title", guide.title),
                                  introduction=d.get("introduction", guide.introduction))
        return self._show(guide.pk)

    @extend_schema(request=None, responses=ps.TopicGuideSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the guide: the committee's members are told and write against it."""
        guide = services.topic_guide_publish(actor=request.user, guide=self.get_object())
        return self._show(guide.pk)

    @extend_schema(request=ps.GuideTopicWriteSerializer, responses={201: ps.GuideTopicSerializer})
    @action(detail=True, methods=["post"])
    def topics(self, request, pk=None):
        """Add a suggested topic to the guide."""
        guide = self.get_object()
        payload = ps.GuideTopicWriteSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        topic = services.guide_topic_save(actor=request.user, guide=guide, **payload.validated_data)
        return Response(ps.GuideTopicSerializer(topic).data, status=status.HTTP_201_CREATED)


class GuideTopicViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                        mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The suggested topics of the guides the caller sees; staff change or remove them (a topic
    proposals were written on stays)."""

    serializer_class = ps.GuideTopicSerializer
    pagination_class = NewestFirstCursor
    filterset_fields = ["guide"]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return ps.guide_topics_for(self.request.user).select_related("category")

    @extend_schema(request=ps.GuideTopicWriteSerializer, responses=ps.GuideTopicSerializer)
    def partial_update(self, request, *args, **kwargs):
        topic = self.get_object()
        payload = ps.GuideTopicWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        d = payload.validated_data
        topic = services.guide_topic_save(
            actor=request.user, guide=topic.guide, topic=topic, title=d.get("title", topic.title),
            description=d.get("description", topic.description), category=d.get("category", topic.category),
            order=d.get("order", topic.order))
        return Response(ps.GuideTopicSerializer(self.get_queryset().get(pk=topic.pk)).data)

    def perform_destroy(self, instance):
        services.guide_topic_delete(actor=self.request.user, topic=instance)


class ProposalBodyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Bodies that submit collective proposals (集体提案) and the users who submit for them;
    staff manage them."""

    serializer_class = ps.ProposalBodySerializer
    queryset = ProposalBody.objects.none()  # for the schema; get_queryset decides
    pagination_class = NewestFirstCursor
    filterset_fields = ["committee", "kind", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.proposal_bodies_for(self.request.user).prefetch_related("authorised_users")

    def _show(self, pk, code=status.HTTP_200_OK):
        body = self.get_queryset().filter(pk=pk).first() or ProposalBody.objects.get(pk=pk)
        return Response(ps.ProposalBodySerializer(body, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ps.ProposalBodyWriteSerializer, responses={201: ps.ProposalBodySerializer})
    def create(self, request, *args, **kwargs):
        payload = ps.ProposalBodyWriteSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        body = services.proposal_body_save(actor=request.user, **payload.validated_data)
        return self._show(body.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ps.ProposalBodyWriteSerializer, responses=ps.ProposalBodySerializer)
    def partial_update(self, request, *args, **kwargs):
        body = self.get_object()
        payload = ps.ProposalBodyWriteSerializer(data=request.data, partial=True,
                                                 context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        d = payload.validated_data
        d.pop("committee", None)
        values = {"name": body.name, "kind": body.kind, "sector": body.sector,
                  "special_committee": body.special_committee, "is_active": body.is_active,
                  "authorised_users": list(body.authorised_users.all()), **d}
        services.proposal_body_save(actor=request.user, body=body, **values)
        return self._show(body.pk)

