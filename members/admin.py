"""Admin for the organisation directory.

Every write here goes through members.services, exactly like the portal's pages: the services
check that a record stays inside the actor's committees, keep the committee tree's paths right,
create or reuse logins and record the audit entry. The admin form first runs the service in a
savepoint that is rolled back, so a rule the service enforces shows as a form error instead of
failing the save; the save then runs it for real. Nothing in the directory is deleted: records
are deactivated (or a member ceases) so history keeps its references.

Members and liaison officers are added in the portal, whose forms create or reuse the person's
login and can show a first password; here they can be changed. Logins themselves use the
standard user admin (for staff who hold no seat), and staff/leader grants go through
committee_role_grant / committee_role_revoke.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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


class _DryRun(Exception):
    pass


class ServiceAdminForm(forms.ModelForm):
    """Runs the admin's service in a rolled-back savepoint while validating, so the service's
    own rules come back as form errors."""

    admin_view = None  # the ModelAdmin, set by get_form
    request = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                self.admin_view.run_service(self.request, self.instance, cleaned, self.changed_data)
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as exc:
            fields = set(self.fields)
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    self.add_error(field if field in fields else None, errors)
            else:
                self.add_error(None, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc))
        return cleaned


class DirectoryAdmin(admin.ModelAdmin):
    """Changes go through ``update_service`` (and ``create_service`` where the admin may add)."""

    form = ServiceAdminForm
    portal_url_name = ""
    create_service = None
    update_service = None
    object_name = ""
    fixed_on_change: tuple[str, ...] = ("committee",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"admin_view": self, "request": request})

    def get_readonly_fields(self, request, obj=None):
        return list(self.fixed_on_change) if obj else []

    def has_add_permission(self, request):
        return self.create_service is not None and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.update_service is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def run_service(self, request, instance, cleaned: dict, changed: list[str]):
        data = {k: v for k, v in cleaned.items() if k in self.form_fields(request)}
        if instance.pk is None:
            return type(self).create_service(actor=request.user, **data)
        original = type(instance)._default_manager.get(pk=instance.pk)
        changes = {k: data[k] for k in changed if k in data and k not in self.fixed_on_change}
        return type(self).update_service(actor=request.user, **{self.object_name: original}, **changes)

    def form_fields(self, request) -> set[str]:
        return set(self.get_fields(request)) - set(self.fixed_on_change)

    def save_model(self, request, obj, form, change):
        saved = self.run_service(request, obj, form.cleaned_data, form.changed_data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        """Many-to-many fields were saved by the service; inlines are read-only."""

    @admin.display(description=_("Portal page"))
    def portal_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse(self.portal_url_name, args=[obj.pk]), _("Open"))


@admin.register(Committee)
class CommitteeAdmin(DirectoryAdmin):
    create_service = services.committee_create
    update_service = services.committee_update
    object_name = "committee"
    fixed_on_change = ()
    fields = ["name", "short_name", "level", "parent", "region_code", "address", "phone", "is_active"]
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
    create_service = services.term_create
    update_service = services.term_update
    object_name = "term"
    fields = ["committee", "number", "start_date", "end_date", "is_current"]
    list_display = ["__str__", "committee", "number", "start_date", "end_date", "is_current"]
    list_filter = ["is_current", "committee"]
    search_fields = ["committee__name"]
    list_select_related = ["committee"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(DirectoryAdmin):
    create_service = services.session_create
    update_service = services.session_update
    object_name = "session"
    fixed_on_change = ("term",)
    fields = ["term", "number", "start_date", "end_date", "place"]
    list_display = ["__str__", "term", "start_date", "end_date", "place"]
    list_filter = ["term__committee"]
    search_fields = ["place", "term__committee__name"]
    list_select_related = ["term__committee"]


@admin.register(Sector)
class SectorAdmin(DirectoryAdmin):
    create_service = services.sector_create
    update_service = services.sector_update
    object_name = "sector"
    fields = ["committee", "name", "kind", "order", "is_active"]
    portal_url_name = "sector_detail"
    list_display = ["name", "committee", "kind", "order", "is_active", "portal_link"]
    list_filter = ["kind", "is_active", "committee"]
    search_fields = ["name"]
    list_select_related = ["committee"]


@admin.register(SpecialCommittee)
class SpecialCommitteeAdmin(DirectoryAdmin):
    create_service = services.special_committee_create
    update_service = services.special_committee_update
    object_name = "special_committee"
    fields = ["committee", "name", "is_proposals_committee", "order"]
    portal_url_name = "special_committee_detail"
    list_display = ["name", "committee", "is_proposals_committee", "order", "portal_link"]
    list_filter = ["is_proposals_committee", "committee"]
    search_fields = ["name"]
    list_select_related = ["committee"]


@admin.register(Member)
class MemberAdmin(DirectoryAdmin):
    update_service = services.member_update
    object_name = "member"
    fields = ["committee", "term", "sector", "special_committees", "name", "gender", "ethnicity", "birth_date",
              "role", "party", "workplace", "title", "phone", "contact_point", "started_on", "ceased_on"]
    filter_horizontal = ["special_committees"]
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
    create_service = services.department_create
    update_service = services.department_update
    object_name = "department"
    fields = ["committee", "name", "short_name", "kind", "head_name", "phone", "email", "address", "is_active"]
    portal_url_name = "department_detail"
    list_display = ["name", "short_name", "committee", "kind", "head_name", "phone", "is_active", "portal_link"]
    list_filter = ["kind", "is_active", "committee"]
    search_fields = ["name", "short_name", "head_name"]
    list_select_related = ["committee"]


@admin.register(Liaison)
class LiaisonAdmin(DirectoryAdmin):
    update_service = services.liaison_update
    object_name = "liaison"
    fixed_on_change = ("user", "department")
    fields = ["user", "department", "title", "phone", "is_head", "is_active"]
    portal_url_name = "liaison_detail"
    list_display = ["user", "department", "title", "phone", "is_head", "is_active", "portal_link"]
    list_filter = ["is_head", "is_active", "department__committee"]
    search_fields = ["user__full_name", "user__username", "phone", "department__name"]
    list_select_related = ["user", "department"]


@admin.register(Studio)
class StudioAdmin(DirectoryAdmin):
    create_service = services.studio_create
    update_service = services.studio_update
    object_name = "studio"
    fields = ["committee", "name", "sector", "lead_member", "members", "address", "phone", "contact_person",
              "online_url", "description", "is_active"]
    filter_horizontal = ["members"]
    raw_id_fields = ["lead_member"]
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
