"""One FilterSet per directory list, shared by the HTML list views and the API viewsets.
Choice querysets are restricted to what the requesting user may see."""

import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import CommitteeLevel, DepartmentKind, MemberRole, Party, SectorKind
from .models import (
    Committee,
    Department,
    DutyScore,
    Liaison,
    Member,
    Sector,
    Session,
    SpecialCommittee,
    Studio,
    Term,
)
from .selectors import committees_for, departments_for, scope_for, sectors_for, special_committees_for, terms_for


def _committees(request):
    return committees_for(request.user) if request else Committee.objects.none()


def _sectors(request):
    return sectors_for(request.user) if request else Sector.objects.none()


def _terms(request):
    return terms_for(request.user) if request else Term.objects.none()


def _special_committees(request):
    return special_committees_for(request.user) if request else SpecialCommittee.objects.none()


def _departments(request):
    return departments_for(request.user) if request else Department.objects.none()


class SearchFilterSet(filters.FilterSet):
    """Adds ``q``: a case-insensitive search over ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    q = filters.CharFilter(label=_("Search"), method="search")

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)


class CommitteeFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "region_code")
    level = filters.ChoiceFilter(label=_("Level"), choices=CommitteeLevel.choices)
    parent = filters.ModelChoiceFilter(label=_("Parent committee"), queryset=_committees)
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Committee
        fields = ["q", "level", "parent", "is_active"]


class TermFilterSet(filters.FilterSet):
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)

    class Meta:
        model = Term
        fields = ["committee", "is_current"]


class SessionFilterSet(filters.FilterSet):
    committee = filters.ModelChoiceFilter(label=_("Committee"), field_name="term__committee", queryset=_committees)
    term = filters.ModelChoiceFilter(label=_("Term"), queryset=_terms)

    class Meta:
        model = Session
        fields = ["committee", "term"]


class SectorFilterSet(SearchFilterSet):
    search_fields = ("name",)
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    kind = filters.ChoiceFilter(label=_("Kind"), choices=SectorKind.choices)
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Sector
        fields = ["q", "committee", "kind", "is_active"]


class SpecialCommitteeFilterSet(filters.FilterSet):
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)

    class Meta:
        model = SpecialCommittee
        fields = ["committee", "is_proposals_committee"]


class MemberFilterSet(SearchFilterSet):
    search_fields = ("name", "workplace", "title", "phone", "contact_point")
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    term = filters.ModelChoiceFilter(label=_("Term"), queryset=_terms)
    sector = filters.ModelChoiceFilter(label=_("Sector"), queryset=_sectors)
    role = filters.ChoiceFilter(label=_("Role"), choices=MemberRole.choices)
    party = filters.ChoiceFilter(label=_("Party affiliation"), choices=Party.choices)
    special_committee = filters.ModelChoiceFilter(
        label=_("Special committee"), field_name="special_committees", queryset=_special_committees
    )
    active = filters.BooleanFilter(label=_("Serving"), method="filter_active")

    class Meta:
        model = Member
        fields = ["q", "committee", "term", "sector", "role", "party", "special_committee", "active"]

    def filter_active(self, queryset, name, value):
        today = timezone.localdate()
        serving = Q(ceased_on__isnull=True) | Q(ceased_on__gt=today)
        return queryset.filter(serving) if value else queryset.exclude(serving)


class DepartmentFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "head_name")
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    kind = filters.ChoiceFilter(label=_("Kind"), choices=DepartmentKind.choices)
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Department
        fields = ["q", "committee", "kind", "is_active"]


class LiaisonFilterSet(SearchFilterSet):
    search_fields = ("user__full_name", "phone", "department__name")
    department = filters.ModelChoiceFilter(label=_("Department"), queryset=_departments)
    committee = filters.ModelChoiceFilter(label=_("Committee"), field_name="department__committee", queryset=_committees)

    class Meta:
        model = Liaison
        fields = ["q", "department", "committee", "is_active"]


class StudioFilterSet(SearchFilterSet):
    search_fields = ("name", "address", "description")
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    sector = filters.ModelChoiceFilter(label=_("Sector"), queryset=_sectors)
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Studio
        fields = ["q", "committee", "sector", "is_active"]


# --- the duty record's rankings (the page's and the API's) -----------------------------------------


def _ranking_committees(request):
    if request is None:
        return Committee.objects.none()
    scope = scope_for(request.user)
    if scope.is_superuser:
        return Committee.objects.order_by("path", "pk")
    return Committee.objects.filter(pk__in=scope.oversight_committee_ids).order_by("path", "pk")


def _ranking_sectors(request):
    return sectors_for(request.user) if request else Sector.objects.none()


class DutyScoreFilterSet(filters.FilterSet):
    """The rankings' filters (the page's and, where the API wants it, the API's)."""

    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_ranking_committees)
    year = filters.NumberFilter(label=_("Year"))
    sector = filters.ModelChoiceFilter(label=_("Sector"), field_name="member__sector",
                                       queryset=_ranking_sectors)
    grade = filters.CharFilter(label=_("Grade"), max_length=20)
    below = filters.BooleanFilter(label=_("Below the minimums"), method="filter_below")
    q = filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = DutyScore
        fields = ["committee", "year", "sector", "grade", "below", "q"]

    def __init__(self, *args, committee: Committee | None = None, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        if committee is not None:
            self.filters["sector"].queryset = _ranking_sectors(self.request).filter(committee=committee)
        if grades:
            self.filters["grade"] = filters.ChoiceFilter(label=_("Grade"), field_name="grade",
                                                         choices=[(g, g) for g in grades])

    def filter_below(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(unmet_minimums=[]) if value else queryset.filter(unmet_minimums=[])

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(member__name__icontains=value) | Q(member__workplace__icontains=value))
