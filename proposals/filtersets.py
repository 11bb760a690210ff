"""FilterSets shared by the HTML lists and the API viewsets of handled items."""

import django_filters as filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.filtersets import SearchFilterSet, _committees, _departments, _sectors

from .choices import (
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    ProposalKind,
    ProposalStatus,
    ProposalTiming,
    Rating,
    ResultCategory,
)
from .models import Assignment, Case, Category, Proposal, RoutingRule
from .selectors import categories_for


def _categories(request):
    return categories_for(request.user) if request else Category.objects.none()


class CaseFilterSet(SearchFilterSet):
    search_fields = ("title",)
    # distinct=False: a status is a column of the row itself, and DISTINCT would make
    # PostgreSQL sort every visible row (content included) before the LIMIT.
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=CaseStatus.choices, distinct=False)
    category = filters.ModelChoiceFilter(label=_("Category"), queryset=_categories)
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    department = filters.ModelChoiceFilter(label=_("Department"), queryset=_departments, method="filter_department",
                                           field_name="assignments__department")
    overdue = filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    rating = filters.ChoiceFilter(label=_("Rating"), choices=Rating.choices)
    submitted_after = filters.DateFilter(label=_("Submitted from"), field_name="created_at", lookup_expr="date__gte")
    submitted_before = filters.DateFilter(label=_("Submitted until"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Case
        fields = ["q", "status", "category", "committee", "department", "overdue", "rating",
                  "submitted_after", "submitted_before"]

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(Assignment.objects.filter(case=OuterRef("pk"), department=value)
                                      .exclude(status__in=[AssignmentStatus.WITHDRAWN])))

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value is None:
            return queryset
        if value:
            return queryset.filter(status=CaseStatus.HANDLING, due_date__lt=today)
        return queryset.exclude(status=CaseStatus.HANDLING, due_date__lt=today)


class AssignmentFilterSet(SearchFilterSet):
    search_fields = ("case__title",)
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=AssignmentStatus.choices, distinct=False)
    role = filters.ChoiceFilter(label=_("Role"), choices=AssignmentRole.choices)
    department = filters.ModelChoiceFilter(label=_("Department"), queryset=_departments)
    open = filters.BooleanFilter(label=_("Open"), method="filter_open")
    overdue = filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Assignment
        fields = ["q", "status", "role", "department", "open", "overdue"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_ASSIGNMENT_STATUSES) if value else queryset.exclude(
            status__in=OPEN_ASSIGNMENT_STATUSES)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = {"status__in": [AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED],
                   "due_date__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class RoutingRuleFilterSet(SearchFilterSet):
    search_fields = ("name", "keywords")
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    category = filters.ModelChoiceFilter(label=_("Category"), queryset=_categories)
    lead_department = filters.ModelChoiceFilter(label=_("Lead department"), queryset=_departments)

    class Meta:
        model = RoutingRule
        fields = ["q", "committee", "kind", "category", "lead_department", "is_active"]


class CategoryFilterSet(filters.FilterSet):
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)

    class Meta:
        model = Category
        fields = ["committee", "is_active"]


class ProposalFilterSet(SearchFilterSet):
    """The proposal lists: staff's review and compilation views, members' and leaders' lists."""

    search_fields = ("title", "proposer__name", "body__name")
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=ProposalStatus.choices, distinct=False)
    kind = filters.ChoiceFilter(label=_("Kind"), choices=ProposalKind.choices)
    timing = filters.ChoiceFilter(label=_("Submitted"), choices=ProposalTiming.choices)
    year = filters.NumberFilter(label=_("Year"))
    category = filters.ModelChoiceFilter(label=_("Category"), queryset=_categories)
    committee = filters.ModelChoiceFilter(label=_("Committee"), queryset=_committees)
    sector = filters.ModelChoiceFilter(label=_("Sector"), queryset=_sectors, field_name="proposer__sector")
    department = filters.ModelChoiceFilter(label=_("Department"), queryset=_departments, method="filter_department",
                                           field_name="case__assignments__department")
    handling = filters.MultipleChoiceFilter(label=_("Handling"), choices=CaseStatus.choices, field_name="case__status",
                                            distinct=False)
    result_category = filters.ChoiceFilter(label=_("Result category"), choices=ResultCategory.choices,
                                           field_name="case__result_category")
    rating = filters.ChoiceFilter(label=_("Feedback"), choices=Rating.choices, field_name="case__rating")
    is_key = filters.BooleanFilter(label=_("Key proposal"))
    overdue = filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    implemented = filters.BooleanFilter(label=_("Implemented"), method="filter_implemented")

    class Meta:
        model = Proposal
        fields = ["q", "status", "kind", "timing", "year", "category", "committee", "sector", "department",
                  "handling", "result_category", "rating", "is_key", "overdue", "implemented"]

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(Assignment.objects.filter(case=OuterRef("case_id"), department=value)
                                      .exclude(status__in=[AssignmentStatus.WITHDRAWN])))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = {"case__status": CaseStatus.HANDLING, "case__due_date__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)

    def filter_implemented(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(case__implemented_on__isnull=not value)
