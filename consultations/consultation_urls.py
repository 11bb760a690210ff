"""Pages of consultation: kinds, topics, the annual plan, sessions, results, instructions."""

from django.http import HttpResponse
from django.urls import path


def _todo(request, *args, **kwargs):  # replaced by consultation_views
    return HttpResponse("")


urlpatterns = [
    path("consultations/", _todo, name="consultation_list"),
    path("consultations/mine/", _todo, name="consultation_mine"),
    path("consultations/new/", _todo, name="consultation_create"),
    path("consultations/<int:pk>/", _todo, name="consultation_detail"),
    path("consultations/<int:pk>/edit/", _todo, name="consultation_edit"),
    path("consultations/kinds/", _todo, name="consultation_kind_list"),
    path("consultations/topics/", _todo, name="topic_list"),
    path("consultations/topics/new/", _todo, name="topic_create"),
    path("consultations/topics/<int:pk>/", _todo, name="topic_detail"),
    path("consultations/plans/", _todo, name="plan_list"),
    path("consultations/plans/<int:pk>/", _todo, name="plan_detail"),
    path("consultations/results/", _todo, name="result_list"),
    path("consultations/results/<int:pk>/", _todo, name="result_detail"),
    path("consultations/instructions/", _todo, name="instruction_list"),
]
