"""Admin for the platform pieces, all read-only: the working-day calendar is edited on the
portal's calendar page through its services (audited, and open deadlines move with it); the
audit log, notifications, deliveries and the outbox are records, not settings."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, CalendarDay, CalendarYear, Delivery, IdempotencyRecord, Notification, OutboxMessage

admin.site.site_header = _("CPPCC duty-performance portal administration")
admin.site.site_title = _("Portal administration")
admin.site.index_title = _("Administration")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Confirmed on the portal's calendar page (calendar_year_confirm), which audits it and
    moves open deadlines."""

    list_display = ["year", "source", "note", "updated_at"]
    list_filter = ["source"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    """Edited on the portal's calendar page (calendar_day_set / calendar_day_delete), which
    shows the service's errors on the form and moves open deadlines after each change."""

    list_display = ["date", "kind", "name", "source", "updated_at"]
    list_filter = ["kind", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_repr", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_repr", "target_repr", "action", "note"]
    date_hierarchy = "created_at"
    list_select_related = ["target_type"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    fields = ["channel", "address", "status", "attempts", "last_error", "sent_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username", "recipient__full_name"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "address", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["address", "notification__title"]
    list_select_related = ["notification"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "task_name", "key", "status", "attempts", "failures", "done_at"]
    list_filter = ["status", "task_name"]
    search_fields = ["key", "task_name"]
    date_hierarchy = "created_at"


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "endpoint", "key", "status_code"]
    search_fields = ["key", "endpoint"]
    list_select_related = ["user"]
