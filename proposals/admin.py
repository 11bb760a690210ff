"""Admin for the handling engine: configuration is editable; items are read-mostly, because
their state moves only through the engine's services (pages and API), never by hand here."""

from django.contrib import admin

from .models import (
    Assignment,
    Case,
    Category,
    CoSigner,
    Escalation,
    ExtensionRequest,
    HandlingPolicy,
    ObjectionRequest,
    ProcuratorateTransfer,
    ProgressNote,
    Proposal,
    ProposalBody,
    Reply,
    RoutingDecision,
    RoutingRule,
    SupervisionActivity,
    TopicGuide,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "order", "is_active"]
    list_filter = ["is_active", "committee"]
    search_fields = ["name"]


@admin.register(HandlingPolicy)
class HandlingPolicyAdmin(admin.ModelAdmin):
    list_display = ["committee", "kind", "category", "reply_workdays", "max_rounds", "routing_confidence"]
    list_filter = ["kind"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "priority", "category", "keywords", "lead_department", "is_active"]
    list_filter = ["is_active", "kind"]
    search_fields = ["name", "keywords"]
    filter_horizontal = ["co_departments"]
    raw_id_fields = ["lead_department", "place"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["department", "role", "round", "status", "due_date", "paused_at", "extended_workdays"]
    readonly_fields = fields
    can_delete = False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "kind", "status", "committee", "submitter", "due_date", "rating", "created_at"]
    list_filter = ["kind", "status", "rating"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    inlines = [AssignmentInline]
    list_select_related = ["committee", "submitter"]


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(ReadOnlyAdmin):
    list_display = ["case", "method", "lead_department", "score", "created_at"]
    list_filter = ["method"]
    raw_id_fields = ["case"]


admin.site.register([Reply, ObjectionRequest, ExtensionRequest, Escalation], ReadOnlyAdmin)


class CoSignerInline(admin.TabularInline):
    model = CoSigner
    extra = 0
    fields = ["member", "status", "invited_at", "responded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Proposals move only through their services (writing, review, handling)."""

    list_display = ["id", "number", "title", "kind", "status", "committee", "year", "proposer", "body", "is_key"]
    list_filter = ["status", "kind", "timing", "is_key", "year"]
    search_fields = ["title", "proposer__name", "body__name"]
    inlines = [CoSignerInline]
    list_select_related = ["committee", "proposer", "body"]


@admin.register(TopicGuide)
class TopicGuideAdmin(ReadOnlyAdmin):
    list_display = ["title", "committee", "year", "status", "published_at"]
    list_filter = ["status", "year"]


@admin.register(ProposalBody)
class ProposalBodyAdmin(ReadOnlyAdmin):
    list_display = ["name", "committee", "kind", "is_active"]
    list_filter = ["kind", "is_active"]


admin.site.register([ProgressNote, SupervisionActivity, ProcuratorateTransfer], ReadOnlyAdmin)
