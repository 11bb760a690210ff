"""Pages of social-conditions and public-opinion information and its bulletins."""

from django.urls import path

from . import information_views as views

urlpatterns = [
    path("information/", views.InformationListView.as_view(), name="information_list"),
    path("information/mine/", views.MyInformationView.as_view(), name="information_mine"),
    path("information/new/", views.InformationCreateView.as_view(), name="information_create"),
    path("information/review/", views.ReviewQueueView.as_view(), name="information_review"),
    path("information/<int:pk>/", views.InformationDetailView.as_view(), name="information_detail"),
    path("information/<int:pk>/edit/", views.InformationEditView.as_view(), name="information_edit"),
    # the engine's notifications about an item passed to departments link here (handling.CASE_URLS)
    path("information/handling/<int:case_id>/", views.information_by_case, name="information_by_case"),
    path("information/issues/", views.IssueListView.as_view(), name="issue_list"),
    path("information/issues/<int:pk>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("information/issues/<int:pk>/pdf/", views.issue_pdf, name="issue_pdf"),
    path("information/bulletins/", views.BulletinListView.as_view(), name="bulletin_list"),
    path("information/officers/", views.OfficerListView.as_view(), name="information_officer_list"),
]
