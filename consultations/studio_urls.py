"""Pages of the member studios: public (no sign-in) — the studios, a studio's page with its
concern form, the thank-you page and the status page of a concern by its tracking code —
and the studio's runners' work (concerns, roster, activities)."""

from django.urls import path

from . import studio_views as views

# "studios/" and "studios/<pk>/" are the committee directory's studio pages (members.urls, included
# first): the public face of a studio is "studios/<pk>/public/", its runners' is ".../manage/".
urlpatterns = [
    # public: no sign-in
    path("studios/public/", views.studio_index, name="studio_index"),
    path("studios/<int:pk>/public/", views.StudioPublicView.as_view(), name="studio_public"),
    path("studios/<int:pk>/public/thanks/", views.concern_thanks, name="studio_concern_thanks"),
    path("studios/status/", views.concern_status_lookup, name="concern_status_lookup"),
    path("studios/status/<str:code>/", views.concern_status, name="concern_status"),
    # the studio's runners: its members and committee staff
    path("studios/<int:pk>/manage/", views.StudioManageView.as_view(), name="studio_manage"),
    path("studios/concerns/", views.ConcernListView.as_view(), name="concern_list"),
    path("studios/concerns/<int:pk>/", views.ConcernDetailView.as_view(), name="concern_detail"),
    path("studios/concerns/<int:pk>/photo/", views.concern_photo, name="concern_photo"),
    path("studios/activities/<int:pk>/", views.StudioActivityDetailView.as_view(), name="studio_activity_detail"),
]
