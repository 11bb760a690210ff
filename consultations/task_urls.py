"""Pages of democratic supervision, research and inspection; the calendar and its feed; the
statistics of consultation work."""

from django.urls import path

from . import task_views as views

urlpatterns = [
    path("consultations/tasks/", views.TaskListView.as_view(), name="task_list"),
    path("consultations/tasks/new/", views.TaskCreateView.as_view(), name="task_create"),
    path("consultations/tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("consultations/tasks/<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("consultations/tasks/activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("consultations/calendar/", views.ConsultationCalendarView.as_view(), name="consultation_calendar"),
    # the secret subscription address: no sign-in (the token is the credential)
    path("consultations/calendar/<str:token>.ics", views.calendar_feed, name="consultation_calendar_feed"),
    path("consultations/statistics/", views.StatisticsView.as_view(), name="consultation_statistics"),
    path("consultations/statistics.xlsx", views.StatisticsExportView.as_view(), name="consultation_statistics_export"),
]
