"""Pages of the organisation directory and the role-aware home page.

Every queryset comes from a selector (outside the user's scope an object is a 404), every
list uses the same FilterSet as the API, every write is a members.services call, and who may
change what is asked of the rules (``has_perm("members.manage_<model>", obj)``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from cppcc_portal.core import ui
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import Notification
from cppcc_portal.core.views import (
    FilteredListView,
    ServiceFormView,
    add_service_errors,
    register_action_labels,
    timeline_context,
)

from . import filtersets, forms, selectors, services
from .choices import MemberRole
from .models import Committee, Department, Liaison, Member, Sector, Studio, User

register_action_labels({
    "committee.create": gettext_lazy("Committee created"),
    "committee.update": gettext_lazy("Committee changed"),
    "term.create": gettext_lazy("Term created"),
    "term.update": gettext_lazy("Term changed"),
    "session.create": gettext_lazy("Session created"),
    "session.update": gettext_lazy("Session changed"),
    "sector.create": gettext_lazy("Sector created"),
    "sector.update": gettext_lazy("Sector changed"),
    "special_committee.create": gettext_lazy("Special committee created"),
    "special_committee.update": gettext_lazy("Special committee changed"),
    "member.create": gettext_lazy("Member added"),
    "member.update": gettext_lazy("Member changed"),
    "member.cease": gettext_lazy("Member ceased"),
    "member.import": gettext_lazy("Member imported"),
    "department.create": gettext_lazy("Department created"),
    "department.update": gettext_lazy("Department changed"),
    "department.import": gettext_lazy("Department imported"),
    "liaison.create": gettext_lazy("Liaison officer added"),
    "liaison.update": gettext_lazy("Liaison officer changed"),
    "studio.create": gettext_lazy("Studio created"),
    "studio.update": gettext_lazy("Studio changed"),
    "committee_role.grant": gettext_lazy("Role granted"),
    "committee_role.update": gettext_lazy("Role changed"),
    "committee_role.revoke": gettext_lazy("Role revoked"),
    "user.reset_password": gettext_lazy("Password reset"),
})

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DETAIL_ROWS = 50


def _count(queryset, field: str = "committee"):
    """A per-row count as a subquery, so a list adds no query per row and no join blow-up."""
    sub = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


def _serving():
    return Member.active_seats()


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _crumbs(*items):
    return [{"url": url, "label": label} for url, label in items]


class DetailView(LoginRequiredMixin, TemplateView):
    """One object from ``selector(user)``: outside the user's scope it does not exist (404)."""

    selector = None
    manage_perm = ""
    timeline_labels: dict | None = None

    def get_object(self):
        return get_object_or_404(type(self).selector(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object = self.get_object()
        context.update({
            "object": obj,
            "title": str(obj),
            "can_manage": self.request.user.has_perm(self.manage_perm, obj),
        })
        context.update(timeline_context(self.request, obj, labels=self.timeline_labels))
        return context


class DirectoryCreateView(ServiceFormView):
    """Create a directory object through ``service``; its committee may come in the query."""

    perm = ""
    service = None
    list_url = ""
    list_label = ""
    detail_url = ""

    def check_permission(self):
        _require(self.request.user, self.perm)

    def get_initial(self):
        return {"committee": self.request.GET.get("committee")}

    def save(self, form):
        return type(self).service(actor=self.request.user, **form.service_data())

    def get_success_url(self, obj=None):
        return reverse(self.detail_url, args=[obj.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse(self.list_url), self.list_label))
        return context


class DirectoryEditView(ServiceFormView):
    """Edit a directory object found through ``selector`` with ``service``; its committee is
    shown but not changed."""

    selector = None
    perm = ""
    service = None
    object_name = ""
    list_url = ""
    list_label = ""
    detail_url = ""
    fixed_fields: tuple[str, ...] = ("committee",)

    def get_object(self):
        return get_object_or_404(type(self).selector(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self):
        _require(self.request.user, self.perm, self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def save(self, form):
        data = form.service_data(exclude=self.fixed_fields)
        return type(self).service(actor=self.request.user, **{self.object_name: self.object}, **data)

    def get_success_url(self, obj=None):
        return reverse(self.detail_url, args=[self.object.pk])

    def get_cancel_url(self):
        return self.get_success_url()

    def crumb_label(self) -> str:
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(name)s") % {"name": self.object}
        context["breadcrumbs"] = _crumbs(
            (reverse(self.list_url), self.list_label),
            (reverse(self.detail_url, args=[self.object.pk]), self.crumb_label()),
        )
        return context


# --- home -------------------------------------------------------------------------------------------


def committee_cards(ids, limit: int = 12):
    return list(
        Committee.objects.filter(pk__in=ids)
        .select_related("parent")
        .annotate(
            member_count=_count(_serving()),
            department_count=_count(Department.objects.filter(is_active=True)),
            studio_count=_count(Studio.objects.filter(is_active=True)),
            sector_count=_count(Sector.objects.filter(is_active=True)),
        )
        .order_by("path")[:limit]
    )


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scope = selectors.scope_for(user)
        context["title"] = _("Home")
        context["recent_notifications"] = list(
            Notification.objects.filter(recipient=user, read_at__isnull=True)[:5]
        )
        if scope.staff_committee_ids:
            context["staff_committees"] = committee_cards(scope.staff_committee_ids)
            context["staff_committee_total"] = len(scope.staff_committee_ids)
        elif scope.is_superuser:
            context["staff_committees"] = committee_cards(Committee.objects.values("pk"))
            context["staff_committee_total"] = Committee.objects.count()
        if scope.leader_committee_ids:
            leader_cards = committee_cards(scope.leader_committee_ids)
            context["leader_committees"] = leader_cards
            if leader_cards:
                main = leader_cards[0]
                seats = _serving().filter(committee=main)
                roles = dict(seats.order_by().values_list("role").annotate(n=Count("pk")))
                context["leader_main"] = main
                context["leader_roles"] = [
                    {"value": value, "label": label, "count": roles.get(value, 0)}
                    for value, label in MemberRole.choices
                ]
                context["leader_sectors"] = list(
                    seats.order_by().values("sector_id", "sector__name").annotate(n=Count("pk")).order_by("-n")[:10]
                )
        if scope.member_ids:
            context["seats"] = list(
                Member.objects.filter(pk__in=scope.member_ids)
                .select_related("committee", "term__committee", "sector")
                .prefetch_related("special_committees", "studios", "led_studios")
                .order_by("committee__path")
            )
        if scope.department_ids:
            context["desks"] = list(
                Liaison.objects.filter(user=user, is_active=True, department__is_active=True)
                .select_related("department__committee")
                .annotate(colleague_count=Count("department__liaisons", filter=Q(department__liaisons__is_active=True)))
            )
        context["can_import"] = user.has_perm("members.import")
        # Sections other apps registered (their work for this user: items to rate, an inbox …)
        context["app_sections"] = ui.home_sections(self.request)
        return context


# --- committees, terms, sessions ------------------------------------------------------------------------


class CommitteeListView(FilteredListView):
    template_name = "members/committee_list.html"
    selector = selectors.committees_for
    filterset_class = filtersets.CommitteeFilterSet
    title = gettext_lazy("Committees")

    def decorate(self, queryset):
        return queryset.annotate(
            member_count=_count(_serving()),
            department_count=_count(Department.objects.filter(is_active=True)),
        ).order_by("path")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])
        base = min((c.depth for c in rows), default=0)
        for row in rows:
            row.relative_depth = row.depth - base
        context["object_list"] = rows
        context["can_create"] = self.request.user.has_perm("members.manage_committee")
        return context


class CommitteeDetailView(DetailView):
    template_name = "members/committee_detail.html"
    selector = selectors.committees_for
    manage_perm = "members.manage_committee"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee, user = self.object, self.request.user
        context["counts"] = committee_cards([committee.pk])[0]
        context["children"] = list(
            selectors.committees_for(user).filter(parent=committee).order_by("name")
        )
        context["terms"] = list(
            selectors.terms_for(user).filter(committee=committee)
            .annotate(member_count=_count(Member.objects.all(), "term"), serving_count=_count(_serving(), "term"))
            .prefetch_related("sessions")
        )
        context["sectors"] = list(
            selectors.sectors_for(user).filter(committee=committee).annotate(member_count=_count(_serving(), "sector"))
        )
        context["special_committees"] = list(
            selectors.special_committees_for(user).filter(committee=committee).annotate(
                member_count=_count(Member.special_committees.through.objects.filter(member__in=_serving()),
                                    "specialcommittee")
            )
        )
        context["can_manage_roles"] = user.has_perm("members.manage_committeerole", committee)
        context["can_add_child"] = context["can_manage"]
        context["breadcrumbs"] = _crumbs((reverse("committee_list"), _("Committees")))
        return context


class CommitteeCreateView(ServiceFormView):
    form_class = forms.CommitteeForm
    title = gettext_lazy("New committee")
    success_message = gettext_lazy("The committee was created.")

    def check_permission(self):
        _require(self.request.user, "members.manage_committee")

    def get_initial(self):
        parent = self.request.GET.get("parent")
        return {"parent": parent} if parent and parent.isdigit() else {}

    def save(self, form):
        return services.committee_create(actor=self.request.user, **form.service_data())

    def get_success_url(self, obj=None):
        # A grant without "and the committees below" does not reach the new committee: go back
        # to its parent rather than to a page the user may not open.
        if selectors.committees_for(self.request.user).filter(pk=obj.pk).exists():
            return reverse("committee_detail", args=[obj.pk])
        return reverse("committee_detail", args=[obj.parent_id]) if obj.parent_id else reverse("committee_list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("committee_list"), _("Committees")))
        return context


class CommitteeEditView(ServiceFormView):
    form_class = forms.CommitteeForm
    success_message = gettext_lazy("The committee was saved.")

    def get_object(self):
        return get_object_or_404(selectors.committees_for(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self):
        _require(self.request.user, "members.manage_committee", self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def save(self, form):
        return services.committee_update(actor=self.request.user, committee=self.object, **form.service_data())

    def get_success_url(self, obj=None):
        return reverse("committee_detail", args=[self.object.pk])

    def get_cancel_url(self):
        return reverse("committee_detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(name)s") % {"name": self.object}
        context["breadcrumbs"] = _crumbs(
            (reverse("committee_list"), _("Committees")),
            (reverse("committee_detail", args=[self.object.pk]), str(self.object)),
        )
        context.update(timeline_context(self.request, self.object))
        return context


class _CommitteePartMixin:
    """Forms for terms and sessions, which live on the committee's page."""

    def committee_of(self):
        raise NotImplementedError

    def get_cancel_url(self):
        return reverse("committee_detail", args=[self.committee_of().pk])

    def get_success_url(self, obj=None):
        return reverse("committee_detail", args=[self.committee_of().pk]) + "#terms"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = self.committee_of()
        context["breadcrumbs"] = _crumbs(
            (reverse("committee_list"), _("Committees")),
            (reverse("committee_detail", args=[committee.pk]), str(committee)),
        )
        return context


class TermCreateView(_CommitteePartMixin, ServiceFormView):
    form_class = forms.TermForm
    success_message = gettext_lazy("The term was created.")

    def get_object(self):
        return get_object_or_404(selectors.committees_for(self.request.user), pk=self.kwargs["pk"])

    def committee_of(self):
        return self.object

    def check_permission(self):
        _require(self.request.user, "members.manage_term", self.object)

    def save(self, form):
        return services.term_create(actor=self.request.user, committee=self.object, **form.service_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("New term of %(committee)s") % {"committee": self.object}
        return context


class TermEditView(_CommitteePartMixin, ServiceFormView):
    form_class = forms.TermForm
    success_message = gettext_lazy("The term was saved.")

    def get_object(self):
        return get_object_or_404(selectors.terms_for(self.request.user), pk=self.kwargs["pk"])

    def committee_of(self):
        return self.object.committee

    def check_permission(self):
        _require(self.request.user, "members.manage_term", self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def save(self, form):
        return services.term_update(actor=self.request.user, term=self.object, **form.service_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(name)s") % {"name": self.object}
        context.update(timeline_context(self.request, self.object))
        return context


class SessionCreateView(_CommitteePartMixin, ServiceFormView):
    form_class = forms.SessionForm
    success_message = gettext_lazy("The session was created.")

    def get_object(self):
        return get_object_or_404(selectors.terms_for(self.request.user), pk=self.kwargs["pk"])

    def committee_of(self):
        return self.object.committee

    def check_permission(self):
        _require(self.request.user, "members.manage_session", self.object)

    def get_initial(self):
        return {"number": self.object.sessions.count() + 1}

    def save(self, form):
        return services.session_create(actor=self.request.user, term=self.object, **form.service_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("New session of %(term)s") % {"term": self.object}
        return context


class SessionEditView(_CommitteePartMixin, ServiceFormView):
    form_class = forms.SessionForm
    success_message = gettext_lazy("The session was saved.")

    def get_object(self):
        return get_object_or_404(selectors.sessions_for(self.request.user), pk=self.kwargs["pk"])

    def committee_of(self):
        return self.object.term.committee

    def check_permission(self):
        _require(self.request.user, "members.manage_session", self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def save(self, form):
        return services.session_update(actor=self.request.user, session=self.object, **form.service_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(term)s%(session)s") % {
            "term": self.object.term.committee.short_name or self.object.term.committee.name,
            "session": self.object,
        }
        context.update(timeline_context(self.request, self.object))
        return context


class CommitteeRolesView(LoginRequiredMixin, FormView):
    """Who is staff or leader of a committee; staff grant and revoke here."""

    template_name = "members/committee_roles.html"
    form_class = forms.CommitteeRoleGrantForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.committee = get_object_or_404(selectors.committees_for(request.user), pk=kwargs["pk"])
        _require(request.user, "members.manage_committeerole", self.committee)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "committee": self.committee}

    def form_valid(self, form):
        try:
            grant = services.committee_role_grant(
                actor=self.request.user, committee=self.committee, user=form.cleaned_data["user"],
                role=form.cleaned_data["role"], includes_subordinates=form.cleaned_data["includes_subordinates"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(user)s is now %(role)s of %(committee)s.") % {
            "user": grant.user, "role": grant.get_role_display(), "committee": self.committee})
        return redirect("committee_roles", pk=self.committee.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({
            "title": _("Staff and leaders of %(committee)s") % {"committee": self.committee},
            "committee": self.committee,
            "grants": list(
                selectors.committee_roles_for(self.request.user).filter(committee=self.committee)
                .order_by("role", "user__full_name")
            ),
            "breadcrumbs": _crumbs(
                (reverse("committee_list"), _("Committees")),
                (reverse("committee_detail", args=[self.committee.pk]), str(self.committee)),
            ),
        })
        return context


@require_POST
def committee_role_revoke(request, pk: int):
    if not request.user.is_authenticated:
        raise Http404
    grant = get_object_or_404(selectors.committee_roles_for(request.user), pk=pk)
    _require(request.user, "members.manage_committeerole", grant)
    committee_pk = grant.committee_id
    label = _("%(user)s is no longer %(role)s of %(committee)s.") % {
        "user": grant.user, "role": grant.get_role_display(), "committee": grant.committee}
    services.committee_role_revoke(actor=request.user, grant=grant)
    messages.success(request, label)
    return redirect("committee_roles", pk=committee_pk)


# --- sectors and special committees ------------------------------------------------------------------------


class SectorListView(FilteredListView):
    template_name = "members/sector_list.html"
    selector = selectors.sectors_for
    filterset_class = filtersets.SectorFilterSet
    title = gettext_lazy("Sectors")

    def decorate(self, queryset):
        return queryset.annotate(member_count=_count(_serving(), "sector")).order_by(
            "committee__path", "order", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = self.request.user.has_perm("members.manage_sector")
        return context


class SectorDetailView(DetailView):
    template_name = "members/sector_detail.html"
    selector = selectors.sectors_for
    manage_perm = "members.manage_sector"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sector, user = self.object, self.request.user
        members = selectors.members_for(user).filter(sector=sector).filter(pk__in=_serving().values("pk"))
        context["member_total"] = members.count()
        context["members"] = list(members.order_by("name")[:DETAIL_ROWS])
        context["studios"] = list(selectors.studios_for(user).filter(sector=sector))
        context["breadcrumbs"] = _crumbs((reverse("sector_list"), _("Sectors")))
        return context


class SectorCreateView(DirectoryCreateView):
    form_class = forms.SectorForm
    title = gettext_lazy("New sector")
    success_message = gettext_lazy("The sector was created.")
    perm = "members.manage_sector"
    service = services.sector_create
    list_url, list_label, detail_url = "sector_list", gettext_lazy("Sectors"), "sector_detail"


class SectorEditView(DirectoryEditView):
    form_class = forms.SectorForm
    success_message = gettext_lazy("The sector was saved.")
    selector = selectors.sectors_for
    perm = "members.manage_sector"
    service = services.sector_update
    object_name = "sector"
    list_url, list_label, detail_url = "sector_list", gettext_lazy("Sectors"), "sector_detail"


class SpecialCommitteeListView(FilteredListView):
    template_name = "members/special_committee_list.html"
    selector = selectors.special_committees_for
    filterset_class = filtersets.SpecialCommitteeFilterSet
    title = gettext_lazy("Special committees")

    def decorate(self, queryset):
        serving = Member.special_committees.through.objects.filter(member__in=_serving())
        return queryset.annotate(member_count=_count(serving, "specialcommittee")).order_by(
            "committee__path", "order", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = self.request.user.has_perm("members.manage_specialcommittee")
        return context


class SpecialCommitteeDetailView(DetailView):
    template_name = "members/special_committee_detail.html"
    selector = selectors.special_committees_for
    manage_perm = "members.manage_specialcommittee"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = selectors.members_for(self.request.user).filter(special_committees=self.object).filter(
            pk__in=_serving().values("pk"))
        context["member_total"] = members.count()
        context["members"] = list(members.order_by("name")[:DETAIL_ROWS])
        context["breadcrumbs"] = _crumbs((reverse("special_committee_list"), _("Special committees")))
        return context


class SpecialCommitteeCreateView(DirectoryCreateView):
    form_class = forms.SpecialCommitteeForm
    title = gettext_lazy("New special committee")
    success_message = gettext_lazy("The special committee was created.")
    perm = "members.manage_specialcommittee"
    service = services.special_committee_create
    list_url, list_label, detail_url = "special_committee_list", gettext_lazy("Special committees"), "special_committee_detail"


class SpecialCommitteeEditView(DirectoryEditView):
    form_class = forms.SpecialCommitteeForm
    success_message = gettext_lazy("The special committee was saved.")
    selector = selectors.special_committees_for
    perm = "members.manage_specialcommittee"
    service = services.special_committee_update
    object_name = "special_committee"
    list_url, list_label, detail_url = "special_committee_list", gettext_lazy("Special committees"), "special_committee_detail"


# --- members ----------------------------------------------------------------------------------------------


class MemberListView(FilteredListView):
    template_name = "members/member_list.html"
    selector = selectors.members_for
    filterset_class = filtersets.MemberFilterSet
    title = gettext_lazy("Members")

    def decorate(self, queryset):
        return queryset.prefetch_related("special_committees")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_create"] = user.has_perm("members.manage_member")
        context["can_import"] = user.has_perm("members.import")
        return context


def _password_page(request, *, person: User, back_url: str, created: str = ""):
    """The temporary password, shown once and never stored in the session or cached."""
    password = services.user_reset_password(actor=request.user, user=person)
    response = render(request, "members/password_result.html", {
        "title": _("Temporary password"), "person": person, "password": password,
        "back_url": back_url, "created": created,
    })
    response["Cache-Control"] = "no-store"
    return response


class MemberDetailView(DetailView):
    template_name = "members/member_detail.html"
    selector = selectors.members_for
    manage_perm = "members.manage_member"
    timeline_labels = {"name": pgettext_lazy("person", "Name")}

    def get_object(self):
        return get_object_or_404(
            selectors.members_for(self.request.user).prefetch_related(
                "special_committees",
                Prefetch("studios", queryset=Studio.objects.select_related("committee")),
                "led_studios",
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member, user = self.object, self.request.user
        context["can_see_private"] = member.user_id == user.pk or user.has_perm("members.view_audit", member)
        context["other_seats"] = list(
            selectors.members_for(user).filter(user_id=member.user_id).exclude(pk=member.pk).order_by("-term__start_date")
        )
        context["breadcrumbs"] = _crumbs((reverse("member_list"), _("Members")))
        return context


class MemberCreateView(ServiceFormView):
    form_class = forms.MemberForm
    title = gettext_lazy("New member")

    def check_permission(self):
        _require(self.request.user, "members.manage_member")

    def get_initial(self):
        return {"committee": self.request.GET.get("committee")}

    def save(self, form):
        member = services.member_create(actor=self.request.user, **form.service_data())
        if form.cleaned_data.get("set_password"):
            if member.user.has_usable_password():
                messages.info(self.request, _("%(name)s already had a login; its password was not changed.") % {
                    "name": member.name})
            else:
                return _password_page(
                    self.request, person=member.user, back_url=reverse("member_detail", args=[member.pk]),
                    created=_("%(name)s was added to %(committee)s.") % {"name": member.name,
                                                                         "committee": member.committee},
                )
        messages.success(self.request, _("%(name)s was added to %(committee)s.") % {
            "name": member.name, "committee": member.committee})
        return redirect("member_detail", pk=member.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("member_list"), _("Members")))
        context["form_sections"] = True
        return context


class MemberEditView(DirectoryEditView):
    form_class = forms.MemberForm
    success_message = gettext_lazy("The member's record was saved.")
    selector = selectors.members_for
    perm = "members.manage_member"
    service = services.member_update
    object_name = "member"
    list_url, list_label, detail_url = "member_list", gettext_lazy("Members"), "member_detail"

    def get_object(self):
        return get_object_or_404(
            selectors.members_for(self.request.user).prefetch_related("special_committees"), pk=self.kwargs["pk"])


class MemberCeaseView(ServiceFormView):
    form_class = forms.MemberCeaseForm
    template_name = "members/member_cease.html"
    submit_label = gettext_lazy("End the seat")

    def get_object(self):
        return get_object_or_404(selectors.members_for(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self):
        _require(self.request.user, "members.manage_member", self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "member": self.object}

    def get_initial(self):
        from django.utils import timezone

        return {"ceased_on": timezone.localdate()}

    def save(self, form):
        return services.member_cease(actor=self.request.user, member=self.object, **form.cleaned_data)

    def get_success_message(self, obj):
        return _("%(name)s's seat ends on %(date)s.") % {"name": obj.name, "date": obj.ceased_on.isoformat()}

    def get_success_url(self, obj=None):
        return reverse("member_detail", args=[self.object.pk])

    def get_cancel_url(self):
        return self.get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("End the seat of %(name)s") % {"name": self.object}
        context["breadcrumbs"] = _crumbs(
            (reverse("member_list"), _("Members")), (reverse("member_detail", args=[self.object.pk]), str(self.object)))
        return context


@require_POST
def user_reset_password(request, pk: int):
    """Staff give a member or liaison a new temporary password. The person must be reachable
    through one of the user's visible seats or desks, else the login does not exist (404)."""
    if not request.user.is_authenticated:
        raise Http404
    visible = Q(pk__in=selectors.members_for(request.user).values("user_id")) | Q(
        pk__in=selectors.liaisons_for(request.user).values("user_id"))
    person = get_object_or_404(User.objects.filter(visible), pk=pk)
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("home")
    return _password_page(request, person=person, back_url=back)


class ImportView(LoginRequiredMixin, FormView):
    """Upload a spreadsheet; all rows are imported or none (the importer checks every row
    first and reports each problem by line and column)."""

    template_name = "members/import.html"
    form_class = forms.ImportForm
    kind = "members"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        _require(request.user, "members.import")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "with_term": self.kind == "members"}

    def run_import(self, importers, form):
        data = form.cleaned_data
        if self.kind == "members":
            return importers.members_import(actor=self.request.user, committee=data["committee"], term=data["term"],
                                            uploaded_file=data["file"])
        return importers.departments_import(actor=self.request.user, committee=data["committee"],
                                            uploaded_file=data["file"])

    def form_valid(self, form):
        try:
            from . import importers
        except ImportError:
            messages.error(self.request, _("Importing is not available on this server yet."))
            return self.form_invalid(form)
        try:
            result = self.run_import(importers, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        except Conflict as exc:
            messages.error(self.request, exc.message)
            return self.form_invalid(form)
        if not result.ok:
            errors = sorted(result.errors, key=lambda error: error.line or 0)
            return self.render_to_response(self.get_context_data(form=form, errors=errors))
        committee = form.cleaned_data["committee"]
        if self.kind == "members":
            text = ngettext("%(n)d member was imported into %(committee)s.",
                            "%(n)d members were imported into %(committee)s.", result.created)
            target = reverse("member_list")
        else:
            text = ngettext("%(n)d department was imported into %(committee)s.",
                            "%(n)d departments were imported into %(committee)s.", result.created)
            target = reverse("department_list")
        messages.success(self.request, text % {"n": result.created, "committee": committee})
        return redirect(f"{target}?committee={committee.pk}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = self.kind == "members"
        context.update({
            "title": _("Import members") if members else _("Import departments"),
            "kind": self.kind,
            "template_url": reverse("member_import_template" if members else "department_import_template"),
            "breadcrumbs": _crumbs(
                (reverse("member_list"), _("Members")) if members else (reverse("department_list"), _("Departments"))
            ),
        })
        return context


class MemberImportView(ImportView):
    kind = "members"


class DepartmentImportView(ImportView):
    kind = "departments"


def _template_download(request, *, builder: str, filename: str):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    _require(request.user, "members.import")
    try:
        from . import importers
    except ImportError as exc:
        raise Http404(_("Importing is not available on this server yet.")) from exc
    response = HttpResponse(getattr(importers, builder)(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def member_import_template(request):
    return _template_download(request, builder="member_template_xlsx", filename=_("members-template") + ".xlsx")


def department_import_template(request):
    return _template_download(request, builder="department_template_xlsx",
                              filename=_("departments-template") + ".xlsx")


# --- departments and liaisons --------------------------------------------------------------------------------


class DepartmentListView(FilteredListView):
    template_name = "members/department_list.html"
    selector = selectors.departments_for
    filterset_class = filtersets.DepartmentFilterSet
    title = gettext_lazy("Handling departments")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_create"] = user.has_perm("members.manage_department")
        context["can_import"] = user.has_perm("members.import")
        return context


class DepartmentDetailView(DetailView):
    template_name = "members/department_detail.html"
    selector = selectors.departments_for
    manage_perm = "members.manage_department"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        liaisons = selectors.liaisons_for(self.request.user).filter(department=self.object)
        context["liaisons"] = list(liaisons.order_by("-is_active", "id"))
        context["show_liaisons"] = bool(context["liaisons"]) or context["can_manage"]
        context["breadcrumbs"] = _crumbs((reverse("department_list"), _("Handling departments")))
        return context


class DepartmentCreateView(DirectoryCreateView):
    form_class = forms.DepartmentForm
    title = gettext_lazy("New handling department")
    success_message = gettext_lazy("The department was created.")
    perm = "members.manage_department"
    service = services.department_create
    list_url, list_label, detail_url = "department_list", gettext_lazy("Handling departments"), "department_detail"


class DepartmentEditView(DirectoryEditView):
    form_class = forms.DepartmentForm
    success_message = gettext_lazy("The department was saved.")
    selector = selectors.departments_for
    perm = "members.manage_department"
    service = services.department_update
    object_name = "department"
    list_url, list_label, detail_url = "department_list", gettext_lazy("Handling departments"), "department_detail"


class LiaisonListView(FilteredListView):
    template_name = "members/liaison_list.html"
    selector = selectors.liaisons_for
    filterset_class = filtersets.LiaisonFilterSet
    title = gettext_lazy("Liaison officers")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = self.request.user.has_perm("members.manage_liaison")
        return context


class LiaisonDetailView(DetailView):
    template_name = "members/liaison_detail.html"
    selector = selectors.liaisons_for
    manage_perm = "members.manage_liaison"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        liaison = self.object
        context["title"] = liaison.user.get_full_name() or liaison.user.username
        context["can_see_private"] = (
            liaison.user_id == self.request.user.pk or self.request.user.has_perm("members.view_audit", liaison))
        context["breadcrumbs"] = _crumbs(
            (reverse("liaison_list"), _("Liaison officers")),
        )
        return context


class LiaisonCreateView(ServiceFormView):
    form_class = forms.LiaisonCreateForm
    title = gettext_lazy("New liaison officer")

    def check_permission(self):
        _require(self.request.user, "members.manage_liaison")

    def get_initial(self):
        return {"department": self.request.GET.get("department")}

    def save(self, form):
        liaison = services.liaison_create(actor=self.request.user, **form.service_data())
        created = _("%(name)s is now a liaison officer of %(dept)s.") % {
            "name": liaison.user, "dept": liaison.department}
        if form.cleaned_data.get("set_password"):
            if liaison.user.has_usable_password():
                messages.info(self.request, _("%(name)s already had a login; its password was not changed.") % {
                    "name": liaison.user})
            else:
                return _password_page(self.request, person=liaison.user,
                                      back_url=reverse("liaison_detail", args=[liaison.pk]), created=created)
        messages.success(self.request, created)
        return redirect("liaison_detail", pk=liaison.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("liaison_list"), _("Liaison officers")))
        return context


class LiaisonEditView(DirectoryEditView):
    form_class = forms.LiaisonForm
    success_message = gettext_lazy("The liaison officer was saved.")
    selector = selectors.liaisons_for
    perm = "members.manage_liaison"
    service = services.liaison_update
    object_name = "liaison"
    list_url, list_label, detail_url = "liaison_list", gettext_lazy("Liaison officers"), "liaison_detail"
    fixed_fields = ()

    def crumb_label(self) -> str:
        return str(self.object.user)


# --- studios ---------------------------------------------------------------------------------------------------


class StudioListView(FilteredListView):
    template_name = "members/studio_list.html"
    selector = selectors.studios_for
    filterset_class = filtersets.StudioFilterSet
    title = gettext_lazy("Member studios")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = self.request.user.has_perm("members.manage_studio")
        return context


class StudioDetailView(DetailView):
    template_name = "members/studio_detail.html"
    selector = selectors.studios_for
    manage_perm = "members.manage_studio"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = list(
            self.object.members.select_related("sector", "committee").order_by("sector__order", "name"))
        context["breadcrumbs"] = _crumbs((reverse("studio_list"), _("Member studios")))
        return context


class StudioCreateView(DirectoryCreateView):
    form_class = forms.StudioForm
    title = gettext_lazy("New member studio")
    success_message = gettext_lazy("The studio was created.")
    perm = "members.manage_studio"
    service = services.studio_create
    list_url, list_label, detail_url = "studio_list", gettext_lazy("Member studios"), "studio_detail"


class StudioEditView(DirectoryEditView):
    form_class = forms.StudioForm
    success_message = gettext_lazy("The studio was saved.")
    selector = selectors.studios_for
    perm = "members.manage_studio"
    service = services.studio_update
    object_name = "studio"
    list_url, list_label, detail_url = "studio_list", gettext_lazy("Member studios"), "studio_detail"
