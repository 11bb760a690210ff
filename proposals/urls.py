from django.urls import include, path

from . import views

urlpatterns = [
    # micro-suggestions: the member's own, everyone's (by scope), one item
    path("micro-suggestions/", views.MicroSuggestionListView.as_view(), name="micro_suggestion_list"),
    path("micro-suggestions/export.xlsx", views.micro_suggestion_export, name="micro_suggestion_export"),
    path("micro-suggestions/mine/", views.MyMicroSuggestionListView.as_view(), name="micro_suggestion_mine"),
    path("micro-suggestions/new/", views.MicroSuggestionCreateView.as_view(), name="micro_suggestion_create"),
    path("micro-suggestions/triage/", views.TriageQueueView.as_view(), name="micro_suggestion_triage"),
    path("micro-suggestions/followed/", views.FollowedListView.as_view(), name="micro_suggestion_followed"),
    path("micro-suggestions/overdue/", views.OverdueView.as_view(), name="micro_suggestion_overdue"),
    path("micro-suggestions/statistics/", views.StatisticsView.as_view(), name="micro_suggestion_statistics"),
    # notifications link here (proposals.services.handling.CASE_URLS)
    path("micro-suggestions/<int:pk>/", views.MicroSuggestionDetailView.as_view(), name="micro_suggestion_detail"),
    path("micro-suggestions/<int:pk>/route/", views.RouteView.as_view(), name="micro_suggestion_route"),
    # files of items (the API serialises attachment URLs as /attachments/<id>/)
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    # the handling engine: departments' inbox, staff decisions, configuration
    path("handling/inbox/", views.InboxView.as_view(), name="assignment_inbox"),
    path("handling/inbox/export.xlsx", views.inbox_export, name="assignment_inbox_export"),
    path("handling/assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path("handling/requests/", views.RequestsView.as_view(), name="handling_requests"),
    path("handling/return-requests/<int:pk>/decide/", views.objection_decide, name="objection_decide"),
    path("handling/extension-requests/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("handling/rules/", views.RoutingRuleListView.as_view(), name="routing_rule_list"),
    path("handling/rules/new/", views.RoutingRuleCreateView.as_view(), name="routing_rule_create"),
    path("handling/rules/<int:pk>/edit/", views.RoutingRuleEditView.as_view(), name="routing_rule_edit"),
    path("handling/categories/", views.CategoryListView.as_view(), name="category_list"),
    path("handling/categories/new/", views.CategoryCreateView.as_view(), name="category_create"),
    path("handling/categories/<int:pk>/edit/", views.CategoryEditView.as_view(), name="category_edit"),
    path("handling/policies/", views.PolicyListView.as_view(), name="policy_list"),
    path("handling/policies/set/", views.PolicySetView.as_view(), name="policy_set"),
    path("handling/dead-letters/", views.DeadLetterListView.as_view(), name="dead_letter_list"),
    path("handling/dead-letters/<int:pk>/retry/", views.dead_letter_retry, name="dead_letter_retry"),
    # proposals (提案): writing and review; after filing
    path("", include("proposals.proposal_urls")),
    path("", include("proposals.proposal_handling_urls")),
]
