"""Pages of proposals after filing: key proposals and supervision, the procuratorial link,
letters, the compilation, statistics; and the engine's reply review."""

from django.urls import path

from . import proposal_handling_views as views

urlpatterns = [
    path("proposals/key/", views.ProposalKeyListView.as_view(), name="proposal_key_list"),
    path("proposals/supervised/", views.ProposalSupervisedView.as_view(), name="proposal_supervised"),
    path("proposals/overdue/", views.ProposalOverdueView.as_view(), name="proposal_overdue"),
    path("proposals/statistics/", views.ProposalStatisticsView.as_view(), name="proposal_statistics"),
    path("proposals/export.xlsx", views.proposal_export, name="proposal_export"),
    path("proposals/<int:pk>/letter.pdf", views.proposal_pdf, name="proposal_pdf"),
    path("proposals/<int:pk>/replies/<int:reply_id>/letter.pdf", views.proposal_reply_pdf,
         name="proposal_reply_pdf"),
    path("proposals/<int:pk>/key/", views.ProposalKeyMarkView.as_view(), name="proposal_key_mark"),
    path("proposals/<int:pk>/key/remove/", views.ProposalKeyUnmarkView.as_view(), name="proposal_key_unmark"),
    path("proposals/<int:pk>/supervision/", views.SupervisionRecordView.as_view(),
         name="proposal_supervision_record"),
    path("proposals/<int:pk>/procuratorate/", views.ProcuratorateTransferView.as_view(),
         name="proposal_procuratorate_transfer"),
    path("proposals/<int:pk>/procuratorate/outcome/", views.ProcuratorateOutcomeView.as_view(),
         name="proposal_procuratorate_outcome"),
    path("proposals/<int:pk>/progress/", views.ProgressNoteView.as_view(), name="proposal_progress_add"),
    path("handling/reply-reviews/", views.ReplyReviewListView.as_view(), name="reply_review_list"),
    path("handling/reply-reviews/<int:pk>/", views.ReplyReviewView.as_view(), name="reply_review"),
]
