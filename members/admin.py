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

from cppcc_portal.core.errors import Conflict

from . import duty, services
from .models import (
    AssessmentRule,
    AssessmentRuleSet,
    Committee,
    CommitteeRole,
    Department,
    DutyEntry,
    DutyEvidence,
    DutyScore,
    Liaison,
    Member,
    RecomputeJob,
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


# --- the duty record and its assessment (members.duty) ---------------------------------------------
#
# Entries, scores and recompute jobs are the sync's output: read-only here. A year's rules are
# edited through rule_set_save / rule_save / rule_delete (each change recomputes the year), and
# published, copied to the next year or recomputed with the actions.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DutyEvidenceInline(admin.TabularInline):
    model = DutyEvidence
    extra = 0
    can_delete = False
    fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DutyEntry)
class DutyEntryAdmin(ReadOnlyAdmin):
    list_display = ["member", "kind", "occurred_on", "label", "role", "group_size", "share", "is_manual", "committee"]
    list_filter = ["year", "kind", "is_manual", "committee"]
    search_fields = ["member__name", "label"]
    date_hierarchy = "occurred_on"
    list_select_related = ["member", "committee"]
    inlines = [DutyEvidenceInline]


class RuleSetAdminForm(ServiceAdminForm):
    """Grades and minimums are lists of small objects; anything else is refused here, before the
    service reads them."""

    def _list_of_objects(self, name: str, keys: tuple[str, ...]):
        value = self.cleaned_data.get(name)
        if value in (None, ""):
            return []
        if not isinstance(value, list) or any(not isinstance(item, dict) or set(item) - set(keys) for item in value):
            raise ValidationError(_("Give a list like %(example)s.") % {
                "example": '[{"grade": "优秀", "min": 90}]' if name == "grades" else '[{"kind": "proposal_submitted", '
                                                                                  '"count": 1}]'})
        return value

    def clean_grades(self):
        return self._list_of_objects("grades", ("grade", "min"))

    def clean_minimums(self):
        return self._list_of_objects("minimums", ("kind", "count"))


class AssessmentRuleForm(forms.ModelForm):
    """Runs rule_save in a rolled-back savepoint while validating, so its rules show by the field."""

    request = None

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("DELETE") or not self.has_changed() or not self.instance.rule_set_id:
            return cleaned
        try:
            with transaction.atomic():
                duty.rule_save(actor=self.request.user, rule_set=self.instance.rule_set, kind=cleaned.get("kind"),
                               points=cleaned.get("points"), cap=cleaned.get("cap"), split=cleaned.get("split"),
                               first_share=cleaned.get("first_share"))
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc))
        return cleaned


class AssessmentRuleInline(admin.TabularInline):
    model = AssessmentRule
    form = AssessmentRuleForm
    extra = 1
    fields = ["kind", "points", "cap", "split", "first_share"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"request": request})
        return formset


@admin.register(AssessmentRuleSet)
class AssessmentRuleSetAdmin(DirectoryAdmin):
    """A committee's scoring of a year. The rules of each kind are added once the set exists."""

    form = RuleSetAdminForm
    create_service = duty.rule_set_save
    update_service = duty.rule_set_save
    object_name = "rule_set"
    fixed_on_change = ("committee", "year")
    fields = ["committee", "year", "title", "base_score", "max_score", "grades", "minimums", "status", "copied_from",
              "computed_at"]
    list_display = ["title", "committee", "year", "status", "base_score", "max_score", "computed_at"]
    list_filter = ["status", "year", "committee"]
    search_fields = ["title", "committee__name"]
    list_select_related = ["committee"]
    actions = ["publish_selected", "copy_to_next_year", "recompute_selected"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "status", "copied_from", "computed_at"]

    def get_inlines(self, request, obj):
        return [AssessmentRuleInline] if obj is not None else []

    def run_service(self, request, instance, cleaned: dict, changed: list[str]):
        values = {name: cleaned.get(name) for name in ("title", "base_score", "max_score", "grades", "minimums")}
        if instance.pk is None:
            return duty.rule_set_save(actor=request.user, committee=cleaned.get("committee"), year=cleaned.get("year"),
                                      **values)
        return duty.rule_set_save(actor=request.user, rule_set=AssessmentRuleSet.objects.get(pk=instance.pk), **values)

    def save_related(self, request, form, formsets, change):
        """The rules of the inline, each through rule_save / rule_delete (validated by their forms);
        the formsets list what changed for the admin's history."""
        rule_set = form.instance
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for rule_form in formset.forms:
                data = getattr(rule_form, "cleaned_data", None)
                if not data:
                    continue
                saved = AssessmentRule.objects.filter(pk=rule_form.instance.pk).first() if rule_form.instance.pk \
                    else None
                if data.get("DELETE") or (saved is not None and "kind" in rule_form.changed_data):
                    if saved is not None:
                        duty.rule_delete(actor=request.user, rule=saved)
                        formset.deleted_objects.append(saved)
                    if data.get("DELETE"):
                        continue
                    saved = None
                if rule_form.has_changed():
                    rule = duty.rule_save(actor=request.user, rule_set=rule_set, kind=data["kind"],
                                          points=data["points"], cap=data.get("cap"), split=data["split"],
                                          first_share=data["first_share"])
                    if saved is None:
                        formset.new_objects.append(rule)
                    else:
                        formset.changed_objects.append((rule, rule_form.changed_data))

    def _each(self, request, queryset, action, done_message):
        count = 0
        for rule_set in queryset.select_related("committee"):
            try:
                with transaction.atomic():
                    action(rule_set)
            except (ValidationError, Conflict, PermissionDenied) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, f"{rule_set}: {text}")
            else:
                count += 1
        if count:
            messages.success(request, done_message % {"n": count})

    @admin.action(description=_("Publish the selected rules"))
    def publish_selected(self, request, queryset):
        self._each(request, queryset, lambda r: duty.rule_set_publish(actor=request.user, rule_set=r),
                   _("%(n)d rule sets published."))

    @admin.action(description=_("Copy the selected rules to the next year"))
    def copy_to_next_year(self, request, queryset):
        self._each(request, queryset, lambda r: duty.rule_set_copy(actor=request.user, rule_set=r, year=r.year + 1),
                   _("%(n)d rule sets copied."))

    @admin.action(description=_("Recompute the scores of the selected years"))
    def recompute_selected(self, request, queryset):
        self._each(request, queryset,
                   lambda r: duty.duty_recompute_start(actor=request.user, committee=r.committee, year=r.year),
                   _("%(n)d recomputes queued."))


@admin.register(DutyScore)
class DutyScoreAdmin(ReadOnlyAdmin):
    list_display = ["member", "committee", "year", "total", "grade", "computed_at"]
    list_filter = ["year", "grade", "committee"]
    search_fields = ["member__name"]
    list_select_related = ["member", "committee"]


@admin.register(RecomputeJob)
class RecomputeJobAdmin(ReadOnlyAdmin):
    list_display = ["committee", "year", "status", "done", "total", "again", "requested_by", "created_at",
                    "finished_at"]
    list_filter = ["status", "year"]
    list_select_related = ["committee", "requested_by"]
