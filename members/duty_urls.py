"""Pages of the duty record and its assessment (members.duty_views), included from members.urls."""

from django.urls import path

from . import duty_views as views

urlpatterns = [
    path("duty/", views.DutyMineView.as_view(), name="duty_mine"),
    path("duty/members/<int:pk>/", views.DutyMemberView.as_view(), name="duty_member"),
    path("duty/members/<int:pk>/report.pdf", views.duty_report_pdf, name="duty_report_pdf"),
    path("duty/evidence/<int:pk>/", views.duty_evidence_download, name="duty_evidence_download"),
    path("duty/rankings/", views.DutyRankingsView.as_view(), name="duty_rankings"),
    path("duty/rankings.xlsx", views.DutyRankingsExportView.as_view(), name="duty_rankings_export"),
    path("duty/rules/", views.DutyRulesView.as_view(), name="duty_rules"),
    path("duty/rules/new/", views.RuleSetCreateView.as_view(), name="duty_rule_set_create"),
    path("duty/rules/<int:pk>/", views.RuleSetView.as_view(), name="duty_rule_set"),
    path("duty/rules/<int:pk>/edit/", views.RuleSetEditView.as_view(), name="duty_rule_set_edit"),
    path("duty/rules/<int:pk>/progress/", views.duty_recompute_progress, name="duty_recompute_progress"),
]
