"""The member studios' API routes (included under /api/v1/ by cppcc_portal/urls.py)."""

from rest_framework.routers import DefaultRouter

from . import studio_views as v

router = DefaultRouter()
router.include_root_view = False
router.register("public/studios", v.PublicStudioViewSet, basename="public-studio")
router.register("public/concerns", v.PublicConcernViewSet, basename="public-concern")
router.register("studio-shifts", v.DutyShiftViewSet, basename="studio-shift")
router.register("concerns", v.ConcernViewSet, basename="concern")
router.register("studio-activities", v.StudioActivityViewSet, basename="studio-activity")

urlpatterns = router.urls
