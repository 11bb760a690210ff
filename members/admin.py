"""Admin for the organisation directory.

Choice made here: the directory is *read-mostly* in the admin. Every write to it must go
through members.services — the services check that a record stays inside the actor's
committees, create or reuse the login of a member or liaison officer, keep the committee tree's
paths right and record the audit entry — and the portal's own pages already offer each of
those writes with choices limited to the user's scope and errors shown field by field. A
second, generic edit path here would either bypass those rules or duplicate them. So the admin
lists, searches and filters every directory model and links to the portal page that edits it.

Two things are editable here: logins (the standard user admin, for creating the accounts of
staff who hold no seat, and locking one) and, for superusers, staff/leader grants — through
committee_role_grant / committee_role_revoke, so each is audited.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from . import services
from .models import (
    Committee,
    CommitteeRole,
    Department,
    Liaison,
    Member,
    Sector,
    Session,
    SpecialCommittee,
    Studio,
    Term,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "phone", "email", "is_active", "is_staff", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "full_name", "phone", "email"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal details"), {"fields": ("full_name", "phone", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "phone", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]


class DirectoryAdmin(admin.ModelAdmin):
    """Lists, search and filters; changes happen on the portal page linked from each row."""

    portal_url_name = ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Portal page"))
    def portal_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse(self.portal_url_name, args=[obj.pk]), _("Open"))


@admin.register(Committee)
class CommitteeAdmin(DirectoryAdmin):
    portal_url_name = "committee_detail"
    list_display = ["name", "short_name", "level", "parent", "region_code", "is_active", "portal_link"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "short_name", "region_code"]
    list_select_related = ["parent"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["number", "start_date", "end_date", "place"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Term)
class TermAdmin(DirectoryAdmin):
    list_display = ["__str__", "committee", "number", "start_date", "end_date", "is_current"]
    list_filter = ["is_current", "committee"]
    search_fields = ["committee__name"]
    list_select_related = ["committee"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(DirectoryAdmin):
    list_display = ["__str__", "term", "start_date", "end_date", "place"]
    list_filter = ["term__committee"]
    search_fields = ["place", "term__committee__name"]
    list_select_related = ["term__committee"]


@admin.register(Sector)
class SectorAdmin(DirectoryAdmin):
    portal_url_name = "sector_detail"
    list_display = ["name", "committee", "kind", "order", "is_active", "portal_link"]
    list_filter = ["kind", "is_active", "committee"]
    search_fields = ["name"]
    list_select_related = ["committee"]


@admin.register(SpecialCommittee)
class SpecialCommitteeAdmin(DirectoryAdmin):
    portal_url_name = "special_committee_detail"
    list_display = ["name", "committee", "is_proposals_committee", "order", "portal_link"]
    list_filter = ["is_proposals_committee", "committee"]
    search_fields = ["name"]
    list_select_related = ["committee"]


@admin.register(Member)
class MemberAdmin(DirectoryAdmin):
    portal_url_name = "member_detail"
    list_display = ["person_name", "term", "sector", "role", "party", "started_on", "ceased_on", "portal_link"]
    list_filter = ["role", "party", "gender", "committee", "term__is_current"]
    search_fields = ["name", "phone", "workplace", "title", "user__username"]
    list_select_related = ["committee", "term__committee", "sector"]
    date_hierarchy = "started_on"

    @admin.display(description=pgettext_lazy("person", "Name"), ordering="name")
    def person_name(self, obj):
        return obj.name


@admin.register(Department)
class DepartmentAdmin(DirectoryAdmin):
    portal_url_name = "department_detail"
    list_display = ["name", "short_name", "committee", "kind", "head_name", "phone", "is_active", "portal_link"]
    list_filter = ["kind", "is_active", "committee"]
    search_fields = ["name", "short_name", "head_name"]
    list_select_related = ["committee"]


@admin.register(Liaison)
class LiaisonAdmin(DirectoryAdmin):
    portal_url_name = "liaison_detail"
    list_display = ["user", "department", "title", "phone", "is_head", "is_active", "portal_link"]
    list_filter = ["is_head", "is_active", "department__committee"]
    search_fields = ["user__full_name", "user__username", "phone", "department__name"]
    list_select_related = ["user", "department"]


@admin.register(Studio)
class StudioAdmin(DirectoryAdmin):
    portal_url_name = "studio_detail"
    list_display = ["name", "committee", "sector", "lead_member", "address", "is_active", "portal_link"]
    list_filter = ["is_active", "committee"]
    search_fields = ["name", "address"]
    list_select_related = ["committee", "sector", "lead_member"]


@admin.register(CommitteeRole)
class CommitteeRoleAdmin(admin.ModelAdmin):
    """Grants are made and revoked through the services, so each one is audited."""

    list_display = ["user", "committee", "role", "includes_subordinates", "created_at"]
    list_filter = ["role", "includes_subordinates", "committee"]
    search_fields = ["user__username", "user__full_name", "committee__name"]
    list_select_related = ["user", "committee"]
    autocomplete_fields = ["user"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "committee", "role", "created_at"] if obj else ["created_at"]

    # Only superusers, whom the services never refuse, so a save cannot half-fail here;
    # committee staff grant roles on the committee's page in the portal.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would skip the audit; revoke instead
        return actions

    def save_model(self, request, obj, form, change):
        grant = services.committee_role_grant(
            actor=request.user, user=obj.user, committee=obj.committee, role=obj.role,
            includes_subordinates=obj.includes_subordinates,
        )
        obj.pk = grant.pk

    def delete_model(self, request, obj):
        services.committee_role_revoke(actor=request.user, grant=obj)

    @admin.action(description=_("Revoke the selected roles"))
    def revoke_selected(self, request, queryset):
        count = 0
        for grant in queryset.select_related("user", "committee"):
            services.committee_role_revoke(actor=request.user, grant=grant)
            count += 1
        messages.success(request, _("%(n)d roles revoked.") % {"n": count})
