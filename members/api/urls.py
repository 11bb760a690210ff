from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("terms", views.TermViewSet, basename="term")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("special-committees", views.SpecialCommitteeViewSet, basename="specialcommittee")
router.register("members", views.MemberViewSet, basename="member")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("liaisons", views.LiaisonViewSet, basename="liaison")
router.register("studios", views.StudioViewSet, basename="studio")
router.register("committee-roles", views.CommitteeRoleViewSet, basename="committeerole")

urlpatterns = router.urls
