from django.urls import include, path

urlpatterns = [
    path("", include("consultations.consultation_urls")),
    path("", include("consultations.task_urls")),
    path("", include("consultations.information_urls")),
    path("", include("consultations.studio_urls")),
]
