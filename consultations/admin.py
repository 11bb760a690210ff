"""Admin for consultation, supervision and information work: a committee's configuration (its
kinds of consultation, its bulletins, its information officers) is editable; the workflow
objects are read-only, because their state moves only through the services (pages and API),
never by hand here."""

from django.contrib import admin

from members.admin import DirectoryAdmin
from proposals.admin import ReadOnlyAdmin

from .models import (
    Activity,
    Adoption,
    Bulletin,
    BulletinIssue,
    CalendarFeed,
    Concern,
    Consultation,
    ConsultationKind,
    ConsultationPlan,
    DutyShift,
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
    StudioActivity,
    Task,
    TaskReport,
    TeamMember,
    Topic,
)
from .services import studios

# --- configuration: editable ---------------------------------------------------------------------


@admin.register(ConsultationKind)
class ConsultationKindAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "form", "order", "is_active"]
    list_filter = ["is_active", "form"]
    search_fields = ["name", "committee__name"]
    list_select_related = ["committee"]
    raw_id_fields = ["committee"]

    def get_readonly_fields(self, request, obj=None):
        # a kind keeps its committee, and its form once sessions of it exist (consultation_kind_save's rule)
        if obj is None:
            return []
        return ["committee", "form"] if obj.consultations.exists() else ["committee"]


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "committee__name"]
    list_select_related = ["committee"]
    raw_id_fields = ["committee"]

    def get_readonly_fields(self, request, obj=None):
        return ["committee"] if obj is not None else []


@admin.register(InformationOfficer)
class InformationOfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "committee", "organisation", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["user__username", "user__full_name", "organisation", "committee__name"]
    list_select_related = ["user", "committee"]
    raw_id_fields = ["user", "committee"]


# --- workflow objects: read-only -----------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ["name", "role", "member", "department", "invitation", "attendance", "checked_in_at"]
    readonly_fields = fields


class ActivityParticipantInline(ParticipantInline):
    fk_name = "activity"


class ConsultationParticipantInline(ParticipantInline):
    fk_name = "consultation"


class SpeechInline(ReadOnlyInline):
    model = Speech
    fields = ["participant", "kind", "title", "status", "order", "delivered_at"]
    readonly_fields = fields


class MaterialInline(ReadOnlyInline):
    model = Material
    fields = ["title", "original_name", "size", "uploaded_by", "created_at"]
    readonly_fields = fields


@admin.register(ConsultationPlan)
class ConsultationPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "committee", "year", "status", "published_at"]
    list_filter = ["status", "year"]
    list_select_related = ["committee"]


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ["title", "committee", "year", "source", "status", "planned_month", "kind"]
    list_filter = ["status", "source", "year"]
    search_fields = ["title", "source_detail"]
    list_select_related = ["committee", "kind"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    """Sessions move only through their services (announce, open, close, cancel)."""

    list_display = ["title", "committee", "kind", "starts_at", "status", "is_online"]
    list_filter = ["status", "kind__form", "is_online"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    list_select_related = ["committee", "kind"]
    inlines = [ConsultationParticipantInline, SpeechInline, MaterialInline]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "task", "kind", "starts_at", "place"]
    list_filter = ["kind"]
    search_fields = ["title", "task__title"]
    date_hierarchy = "starts_at"
    list_select_related = ["task"]
    inlines = [ActivityParticipantInline]


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ["title", "committee", "status", "approved_at", "sent_at", "closed_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["committee"]


@admin.register(Instruction)
class InstructionAdmin(ReadOnlyAdmin):
    list_display = ["leader_name", "leader_title", "level", "instructed_on", "committee", "result", "information",
                    "task"]
    list_filter = ["level"]
    search_fields = ["leader_name", "text"]
    date_hierarchy = "instructed_on"
    list_select_related = ["committee", "result", "information", "task"]


class TeamMemberInline(ReadOnlyInline):
    model = TeamMember
    fields = ["member", "role"]
    readonly_fields = fields


class TaskReportInline(ReadOnlyInline):
    model = TaskReport
    fields = ["year", "kind", "title", "submitted_at"]
    readonly_fields = fields


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "committee", "category", "supervision_kind", "start_year", "end_year", "status"]
    list_filter = ["category", "supervision_kind", "status", "start_year"]
    search_fields = ["title"]
    list_select_related = ["committee"]
    inlines = [TeamMemberInline, TaskReportInline]


class InformationAuthorInline(ReadOnlyInline):
    model = InformationAuthor
    fields = ["order", "name", "member", "share"]
    readonly_fields = fields


class AdoptionInline(ReadOnlyInline):
    model = Adoption
    fields = ["level", "adopted_on", "adopted_by", "note"]
    readonly_fields = fields


@admin.register(InformationItem)
class InformationItemAdmin(ReadOnlyAdmin):
    """Items move only through their services (review, sign-off, issues, adoption)."""

    list_display = ["id", "title", "committee", "status", "issue", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["title", "edited_title"]
    list_select_related = ["committee", "issue__bulletin"]
    inlines = [InformationAuthorInline, AdoptionInline]


@admin.register(BulletinIssue)
class BulletinIssueAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "title", "committee", "status", "sent_at"]
    list_filter = ["status", "year", "bulletin"]
    list_select_related = ["bulletin", "committee"]


admin.site.register([Speech, Post, FollowUp, TaskReport, Adoption, Material], ReadOnlyAdmin)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """Only who has a feed; the secret token is not shown."""

    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    search_fields = ["user__username"]


# --- member studios' work with the public ----------------------------------------------------------


@admin.register(DutyShift)
class DutyShiftAdmin(DirectoryAdmin):
    """The roster: a shift is added with shift_add (checked in a rolled-back savepoint first, so
    its rules show by the field) and removed with shift_remove; a shift is not edited in place."""

    create_service = studios.shift_add
    fixed_on_change = ()
    fields = ["studio", "member", "date", "period", "note"]
    list_display = ["date", "period", "studio", "member", "note"]
    list_filter = ["period", "studio__committee", "studio"]
    search_fields = ["member__name", "studio__name"]
    date_hierarchy = "date"
    list_select_related = ["studio", "member"]
    raw_id_fields = ["studio", "member"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None:
            return studios.can_run_studio(request.user, obj.studio)
        return super(DirectoryAdmin, self).has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        studios.shift_remove(actor=request.user, shift=obj)

    def delete_queryset(self, request, queryset):
        for shift in queryset.select_related("studio", "member"):
            studios.shift_remove(actor=request.user, shift=shift)


@admin.register(Concern)
class ConcernAdmin(ReadOnlyAdmin):
    """Concerns move only through their services (assign, reply, take up, close)."""

    list_display = ["tracking_code", "studio", "status", "conversion", "assigned_to", "created_at"]
    list_filter = ["status", "conversion", "studio"]
    search_fields = ["tracking_code", "description", "place"]
    date_hierarchy = "created_at"
    list_select_related = ["studio", "assigned_to"]
    exclude = ["client_hash"]


class StudioActivityParticipantInline(ParticipantInline):
    fk_name = "studio_activity"


@admin.register(StudioActivity)
class StudioActivityAdmin(ReadOnlyAdmin):
    """Activities and their attendance move through studio_activity_save and the attendance
    services."""

    list_display = ["title", "studio", "kind", "starts_at", "quarter", "place"]
    list_filter = ["kind", "studio"]
    search_fields = ["title", "studio__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["studio"]
    inlines = [StudioActivityParticipantInline]
