from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("micro-suggestions", views.MicroSuggestionViewSet, basename="microsuggestion")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("return-requests", views.ObjectionRequestViewSet, basename="objectionrequest")
router.register("extension-requests", views.ExtensionRequestViewSet, basename="extensionrequest")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("routing-rules", views.RoutingRuleViewSet, basename="routingrule")
router.register("handling-policies", views.HandlingPolicyViewSet, basename="handlingpolicy")
router.register("dead-letters", views.DeadLetterViewSet, basename="deadletter")

urlpatterns = router.urls
