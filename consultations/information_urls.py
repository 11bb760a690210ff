"""Pages of social-conditions and public-opinion information and its bulletins."""

from django.http import HttpResponse
from django.urls import path


def _todo(request, *args, **kwargs):  # replaced by information_views
    return HttpResponse("")


urlpatterns = [
    path("information/", _todo, name="information_list"),
    path("information/mine/", _todo, name="information_mine"),
    path("information/new/", _todo, name="information_create"),
    path("information/review/", _todo, name="information_review"),
    path("information/<int:pk>/", _todo, name="information_detail"),
    # the engine's notifications about an item passed to departments link here (handling.CASE_URLS)
    path("information/handling/<int:case_id>/", _todo, name="information_by_case"),
    path("information/issues/", _todo, name="issue_list"),
    path("information/issues/<int:pk>/", _todo, name="issue_detail"),
    path("information/issues/<int:pk>/pdf/", _todo, name="issue_pdf"),
    path("information/officers/", _todo, name="information_officer_list"),
]
