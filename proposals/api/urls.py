from rest_framework.routers import DefaultRouter

from . import proposal_views, views

router = DefaultRouter()
router.register("micro-suggestions", views.MicroSuggestionViewSet, basename="microsuggestion")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("return-requests", views.ObjectionRequestViewSet, basename="objectionrequest")
router.register("extension-requests", views.ExtensionRequestViewSet, basename="extensionrequest")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("routing-rules", views.RoutingRuleViewSet, basename="routingrule")
router.register("handling-policies", views.HandlingPolicyViewSet, basename="handlingpolicy")
router.register("dead-letters", views.DeadLetterViewSet, basename="deadletter")
router.register("reply-reviews", views.ReplyReviewViewSet, basename="replyreview")
router.register("proposals", proposal_views.ProposalViewSet, basename="proposal")
router.register("cosign-invitations", proposal_views.CosignInvitationViewSet, basename="cosigninvitation")
router.register("topic-guides", proposal_views.TopicGuideViewSet, basename="topicguide")
router.register("guide-topics", proposal_views.GuideTopicViewSet, basename="guidetopic")
router.register("proposal-bodies", proposal_views.ProposalBodyViewSet, basename="proposalbody")

urlpatterns = router.urls
