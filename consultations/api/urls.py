from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("consultation-kinds", views.ConsultationKindViewSet, basename="consultationkind")
router.register("consultation-topics", views.TopicViewSet, basename="topic")
router.register("consultation-plans", views.ConsultationPlanViewSet, basename="consultationplan")
router.register("consultations", views.ConsultationViewSet, basename="consultation")
router.register("participants", views.ParticipantViewSet, basename="participant")
router.register("speeches", views.SpeechViewSet, basename="speech")
router.register("posts", views.PostViewSet, basename="post")
router.register("consultation-results", views.ResultViewSet, basename="result")
router.register("instructions", views.InstructionViewSet, basename="instruction")
router.register("duty-tasks", views.TaskViewSet, basename="task")
router.register("task-activities", views.ActivityViewSet, basename="activity")
router.register("information", views.InformationItemViewSet, basename="informationitem")
router.register("bulletins", views.BulletinViewSet, basename="bulletin")
router.register("bulletin-issues", views.BulletinIssueViewSet, basename="bulletinissue")
router.register("information-officers", views.InformationOfficerViewSet, basename="informationofficer")

urlpatterns = [
    path("calendar/", views.CalendarView.as_view(), name="api-consultation-calendar"),
    path("calendar-feed/", views.CalendarFeedView.as_view(), name="api-calendar-feed"),
    path("consultation-statistics/", views.ConsultationStatisticsView.as_view(), name="api-consultation-statistics"),
    *router.urls,
]
