"""The duty record's API routes (included under /api/v1/ by cppcc_portal/urls.py)."""

from rest_framework.routers import DefaultRouter

from . import duty_views as v

router = DefaultRouter()
router.include_root_view = False
router.register("duty-entries", v.DutyEntryViewSet, basename="duty-entry")
router.register("duty-scores", v.DutyScoreViewSet, basename="duty-score")
router.register("duty-rule-sets", v.AssessmentRuleSetViewSet, basename="duty-rule-set")
router.register("duty-recompute-jobs", v.RecomputeJobViewSet, basename="duty-recompute-job")

urlpatterns = router.urls
