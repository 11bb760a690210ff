from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from cppcc_portal.core.api.views import HealthView
from members.api.views import MeView

api_v1 = [
    path("me/", MeView.as_view(), name="api-me"),
    path("health/", HealthView.as_view(), name="api-health"),
    path("", include("cppcc_portal.core.api.urls")),
    path("", include("members.api.urls")),
    path("", include("proposals.api.urls")),
    path("", include("consultations.api.urls")),
    path("", include("members.api.duty_urls")),
    path("", include("consultations.api.studio_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("cppcc_portal.core.urls")),
    path("", include("members.urls")),
    path("", include("proposals.urls")),
    path("", include("consultations.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
