"""Pages of democratic supervision, research and inspection; the calendar and its feed; the
statistics of consultation work."""

from django.http import HttpResponse
from django.urls import path


def _todo(request, *args, **kwargs):  # replaced by task_views
    return HttpResponse("")


urlpatterns = [
    path("consultations/tasks/", _todo, name="task_list"),
    path("consultations/tasks/new/", _todo, name="task_create"),
    path("consultations/tasks/<int:pk>/", _todo, name="task_detail"),
    path("consultations/tasks/activities/<int:pk>/", _todo, name="activity_detail"),
    path("consultations/calendar/", _todo, name="consultation_calendar"),
    path("consultations/calendar/<str:token>.ics", _todo, name="consultation_calendar_feed"),
    path("consultations/statistics/", _todo, name="consultation_statistics"),
]
