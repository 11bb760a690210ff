"""FilterSets shared by the HTML lists and the API viewsets of consultation, supervision and
information work."""

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from members.filtersets import SearchFilterSet, _committees, _departments
from members.models import SpecialCommittee, Studio
from members.selectors import special_committees_for
from proposals.filtersets import _categories

from .choices import (
    AdoptionLevel,
    ConcernConversion,
    ConcernStatus,
    ConsultationForm,
    InformationStatus,
    InstructionLevel,
    IssueStatus,
    ResultStatus,
    SessionStatus,
    SupervisionKind,
    TaskCategory,
    TaskStatus,
    TopicSource,
    TopicStatus,
)
from .models import (
    Adoption,
    BulletinIssue,
    Concern,
    Consultation,
    ConsultationKind,
    InformationItem,
    Instruction,
    Result,
    Task,
    Topic,
)
from .selectors import bulletins_for, kinds_for, studios_run_by


def _kinds(request):
    return kinds_for(request.user) if request else ConsultationKind.objects.none()


def _organisers(request):
    return special_committees_for(request.user) if request else SpecialCommittee.objects.none()


def _bulletins(request):
    from .models import Bulletin

    return bulletins_for(request.user) if request else Bulletin.objects.none()


class ConsultationFilterSet(SearchFilterSet):
    search_fields = ("title", "place")
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=SessionStatus.choices, distinct=False)
    kind = filters.ModelChoiceFilter(label=_("Kind"), queryset=_kinds)
    form = filters.ChoiceFilter(label=_("Form"), choices=ConsultationForm.choices, field_name="kind__form")
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    organiser = filters.ModelChoiceFilter(label=_("Organiser"), queryset=_organisers)
    department = filters.ModelChoiceFilter(label=_("Counterpart department"), queryset=_departments,
                                           method="filter_department")
    year = filters.NumberFilter(label=_("Year"), field_name="starts_at", lookup_expr="year")
    starts_after = filters.DateFilter(label=_("From"), field_name="starts_at", lookup_expr="date__gte")
    starts_before = filters.DateFilter(label=_("Until"), field_name="starts_at", lookup_expr="date__lte")
    is_online = filters.BooleanFilter(label=_("Online"))

    class Meta:
        model = Consultation
        fields = ["q", "status", "kind", "form", "committee", "organiser", "department", "year", "starts_after",
                  "starts_before", "is_online"]

    @extend_schema_field(OpenApiTypes.INT)  # a department id (the schema cannot tell from the method)
    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(Consultation.departments.through.objects.filter(
            consultation_id=OuterRef("pk"), department=value)))


class TopicFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "source_detail")
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=TopicStatus.choices, distinct=False)
    source = filters.ChoiceFilter(label=_("Source"), choices=TopicSource.choices)
    year = filters.NumberFilter(label=_("Year"))
    kind = filters.ModelChoiceFilter(label=_("Kind"), queryset=_kinds)
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)

    class Meta:
        model = Topic
        fields = ["q", "status", "source", "year", "kind", "committee"]


class ResultFilterSet(SearchFilterSet):
    search_fields = ("title", "consultation__title")
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=ResultStatus.choices, distinct=False)
    year = filters.NumberFilter(label=_("Year"), field_name="consultation__starts_at", lookup_expr="year")
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    instructed = filters.BooleanFilter(label=_("Instructed"), method="filter_instructed")

    class Meta:
        model = Result
        fields = ["q", "status", "year", "committee", "instructed"]

    def filter_instructed(self, queryset, name, value):
        if value is None:
            return queryset
        has = Exists(Instruction.objects.filter(result_id=OuterRef("pk")))
        return queryset.filter(has) if value else queryset.exclude(has)


class InstructionFilterSet(SearchFilterSet):
    search_fields = ("leader_name", "text")
    level = filters.ChoiceFilter(label=_("Level"), choices=InstructionLevel.choices)
    year = filters.NumberFilter(label=_("Year"), field_name="instructed_on", lookup_expr="year")
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    on = filters.ChoiceFilter(label=_("On"), method="filter_on", choices=[
        ("result", _("Consultation results")), ("information", _("Information items")),
        ("task", _("Supervision and research"))])

    class Meta:
        model = Instruction
        fields = ["q", "level", "year", "committee", "on"]

    def filter_on(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False}) if value else queryset


class TaskFilterSet(SearchFilterSet):
    search_fields = ("title", "description")
    category = filters.ChoiceFilter(label=_("Category"), choices=TaskCategory.choices)
    supervision_kind = filters.ChoiceFilter(label=_("Kind of supervision"), choices=SupervisionKind.choices[1:])
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=TaskStatus.choices, distinct=False)
    year = filters.NumberFilter(label=_("Year"), method="filter_year")
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    organiser = filters.ModelChoiceFilter(label=_("Organiser"), queryset=_organisers)

    class Meta:
        model = Task
        fields = ["q", "category", "supervision_kind", "status", "year", "committee", "organiser"]

    def filter_year(self, queryset, name, value):
        """Tasks running in the year (a follow-up supervision counts in every year it spans)."""
        if value is None:
            return queryset
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class InformationFilterSet(SearchFilterSet):
    search_fields = ("title", "edited_title", "authors__name")
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=InformationStatus.choices, distinct=False)
    year = filters.NumberFilter(label=_("Year"), method="filter_year")
    category = filters.ModelChoiceFilter(label=_("Category"), queryset=_categories)
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    adopted = filters.ChoiceFilter(label=_("Adopted at"), choices=AdoptionLevel.choices, method="filter_adopted")
    instructed = filters.BooleanFilter(label=_("Instructed"), method="filter_instructed")
    forwarded = filters.BooleanFilter(label=_("Received from below"), field_name="forwarded_from",
                                      lookup_expr="isnull", exclude=True)
    from_proposal = filters.BooleanFilter(label=_("From a proposal"), field_name="source_proposal",
                                          lookup_expr="isnull", exclude=True)
    issue = filters.NumberFilter(label=_("Issue"), field_name="issue_id")

    class Meta:
        model = InformationItem
        fields = ["q", "status", "year", "category", "committee", "adopted", "instructed", "forwarded",
                  "from_proposal", "issue"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        by_author = InformationItem.authors.rel.related_model.objects.filter(item_id=OuterRef("pk"),
                                                                             name__icontains=value)
        return queryset.filter(Q(title__icontains=value) | Q(edited_title__icontains=value) | Exists(by_author))

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(submitted_at__year=value) | Q(submitted_at__isnull=True, created_at__year=value))

    def filter_adopted(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(Adoption.objects.filter(item_id=OuterRef("pk"), level=value)))

    def filter_instructed(self, queryset, name, value):
        if value is None:
            return queryset
        has = Exists(Instruction.objects.filter(information_id=OuterRef("pk")))
        return queryset.filter(has) if value else queryset.exclude(has)


class BulletinIssueFilterSet(filters.FilterSet):
    bulletin = filters.ModelChoiceFilter(label=_("Bulletin"), queryset=_bulletins)
    year = filters.NumberFilter(label=_("Year"))
    status = filters.ChoiceFilter(label=_("Status"), choices=IssueStatus.choices)
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)

    class Meta:
        model = BulletinIssue
        fields = ["bulletin", "year", "status", "committee"]


# --- member studios -------------------------------------------------------------------------------


def _run_studios(request):
    return studios_run_by(request.user).order_by("committee_id", "name") if request else Studio.objects.none()


class ConcernFilterSet(SearchFilterSet):
    search_fields = ("tracking_code", "description", "place", "name", "phone")
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=ConcernStatus.choices, distinct=False)
    studio = filters.ModelChoiceFilter(label=_("Studio"), queryset=_run_studios)
    received_after = filters.DateFilter(label=_("Received from"), field_name="created_at", lookup_expr="date__gte")
    received_before = filters.DateFilter(label=_("Received until"), field_name="created_at", lookup_expr="date__lte")
    conversion = filters.ChoiceFilter(label=_("Taken up as"), choices=ConcernConversion.choices)
    assigned_to = filters.NumberFilter(label=_("Member handling it"), field_name="assigned_to_id",
                                       widget=forms.HiddenInput)

    class Meta:
        model = Concern
        fields = ["q", "status", "studio", "received_after", "received_before", "conversion", "assigned_to"]
