"""Pages of consultation: kinds, topics, the annual plan, sessions, results, instructions."""

from django.urls import path

from . import consultation_views as views

urlpatterns = [
    path("consultations/", views.ConsultationListView.as_view(), name="consultation_list"),
    path("consultations/mine/", views.MyMeetingsView.as_view(), name="consultation_mine"),
    path("consultations/new/", views.ConsultationCreateView.as_view(), name="consultation_create"),
    path("consultations/<int:pk>/", views.ConsultationDetailView.as_view(), name="consultation_detail"),
    path("consultations/<int:pk>/edit/", views.ConsultationEditView.as_view(), name="consultation_edit"),
    # the session's workflow and its parts, one service each
    path("consultations/<int:pk>/announce/", views.consultation_announce, name="consultation_announce"),
    path("consultations/<int:pk>/open/", views.consultation_open, name="consultation_open"),
    path("consultations/<int:pk>/close/", views.consultation_close, name="consultation_close"),
    path("consultations/<int:pk>/cancel/", views.consultation_cancel, name="consultation_cancel"),
    path("consultations/<int:pk>/steps/", views.consultation_step, name="consultation_step"),
    path("consultations/<int:pk>/invite/", views.participants_invite, name="consultation_invite"),
    path("consultations/<int:pk>/participants/<int:participant_pk>/remove/", views.participant_remove,
         name="participant_remove"),
    path("consultations/<int:pk>/participants/<int:participant_pk>/attendance/", views.participant_attendance,
         name="participant_attendance"),
    path("consultations/<int:pk>/participants/<int:participant_pk>/check-in/", views.participant_check_in,
         name="participant_check_in"),
    path("consultations/<int:pk>/participants/<int:participant_pk>/respond/", views.invitation_respond,
         name="invitation_respond"),
    path("consultations/<int:pk>/materials/", views.material_add, name="material_add"),
    path("consultations/<int:pk>/materials/<int:material_pk>/delete/", views.material_delete,
         name="material_delete"),
    path("consultations/materials/<int:pk>/", views.material_download, name="consultation_material"),
    path("consultations/<int:pk>/speeches/", views.speech_register, name="speech_register"),
    path("consultations/<int:pk>/speeches/<int:speech_pk>/record/", views.speech_record, name="speech_record"),
    path("consultations/<int:pk>/speeches/<int:speech_pk>/withdraw/", views.speech_withdraw,
         name="speech_withdraw"),
    path("consultations/<int:pk>/discussion/", views.discussion_set, name="discussion_set"),
    path("consultations/<int:pk>/posts/", views.post_add, name="post_add"),
    path("consultations/<int:pk>/posts/<int:post_pk>/hide/", views.post_hide, name="post_hide"),
    path("consultations/<int:pk>/result/new/", views.ResultCreateView.as_view(), name="result_create"),
    # kinds
    path("consultations/kinds/", views.KindListView.as_view(), name="consultation_kind_list"),
    path("consultations/kinds/install/", views.kinds_install, name="consultation_kinds_install"),
    path("consultations/kinds/new/", views.KindCreateView.as_view(), name="consultation_kind_create"),
    path("consultations/kinds/<int:pk>/edit/", views.KindEditView.as_view(), name="consultation_kind_edit"),
    # topics
    path("consultations/topics/", views.TopicListView.as_view(), name="topic_list"),
    path("consultations/topics/new/", views.TopicCreateView.as_view(), name="topic_create"),
    path("consultations/topics/review/", views.TopicReviewQueueView.as_view(), name="topic_review_queue"),
    path("consultations/topics/<int:pk>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("consultations/topics/<int:pk>/review/", views.topic_review, name="topic_review"),
    # the annual plan
    path("consultations/plans/", views.PlanListView.as_view(), name="plan_list"),
    path("consultations/plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("consultations/plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("consultations/plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("consultations/plans/<int:pk>/schedule/", views.plan_schedule, name="plan_schedule"),
    path("consultations/plans/<int:pk>/unschedule/", views.plan_unschedule, name="plan_unschedule"),
    path("consultations/plans/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    # results
    path("consultations/results/", views.ResultListView.as_view(), name="result_list"),
    path("consultations/results/<int:pk>/", views.ResultDetailView.as_view(), name="result_detail"),
    path("consultations/results/<int:pk>/edit/", views.ResultEditView.as_view(), name="result_edit"),
    path("consultations/results/<int:pk>/approve/", views.result_approve, name="result_approve"),
    path("consultations/results/<int:pk>/return/", views.result_return, name="result_return"),
    path("consultations/results/<int:pk>/send/", views.result_send, name="result_send"),
    path("consultations/results/<int:pk>/instructions/", views.result_instruction, name="result_instruction"),
    path("consultations/results/<int:pk>/follow-up/", views.result_follow_up, name="result_follow_up"),
    path("consultations/instructions/", views.InstructionListView.as_view(), name="instruction_list"),
]
