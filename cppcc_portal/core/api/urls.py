from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("calendar/days", views.CalendarDayViewSet, basename="calendarday")
router.register("calendar/years", views.CalendarYearViewSet, basename="calendaryear")

urlpatterns = router.urls
