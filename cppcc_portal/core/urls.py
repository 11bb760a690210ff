from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    # Sign-in. Password reset by e-mail is left out on purpose: committee staff reset a
    # member's or liaison's password and pass the temporary one on (members.services).
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/mark-read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
]
