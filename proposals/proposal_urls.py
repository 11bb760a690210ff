"""Pages of proposals: writing, co-signing, review, the topic guide and proposing bodies."""

from django.urls import path

from . import proposal_views as views

urlpatterns = [
    path("proposals/", views.ProposalListView.as_view(), name="proposal_list"),
    path("proposals/mine/", views.MyProposalListView.as_view(), name="proposal_mine"),
    path("proposals/new/", views.ProposalCreateView.as_view(), name="proposal_create"),
    path("proposals/invitations/<int:pk>/", views.cosign_respond, name="proposal_cosign_respond"),
    path("proposals/review/", views.ReviewQueueView.as_view(), name="proposal_review"),
    path("proposals/guide/", views.GuideView.as_view(), name="proposal_guide"),
    path("proposals/bodies/", views.BodyListView.as_view(), name="proposal_body_list"),
    path("proposals/bodies/new/", views.BodyCreateView.as_view(), name="proposal_body_create"),
    path("proposals/bodies/<int:pk>/edit/", views.BodyEditView.as_view(), name="proposal_body_edit"),
    path("proposals/attachments/<int:pk>/", views.attachment_download, name="proposal_attachment"),
    # the engine's notifications about a proposal's handling link here (handling.CASE_URLS)
    path("proposals/handling/<int:case_id>/", views.proposal_by_case, name="proposal_by_case"),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.ProposalEditView.as_view(), name="proposal_edit"),
    path("proposals/<int:pk>/review/", views.ReviewView.as_view(), name="proposal_review_detail"),
    path("proposals/<int:pk>/assign/", views.ProposalAssignView.as_view(), name="proposal_assign"),
]
