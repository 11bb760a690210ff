from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # committees, their terms and sessions, staff and leader roles
    path("committees/", views.CommitteeListView.as_view(), name="committee_list"),
    path("committees/new/", views.CommitteeCreateView.as_view(), name="committee_create"),
    path("committees/<int:pk>/", views.CommitteeDetailView.as_view(), name="committee_detail"),
    path("committees/<int:pk>/edit/", views.CommitteeEditView.as_view(), name="committee_edit"),
    path("committees/<int:pk>/terms/new/", views.TermCreateView.as_view(), name="term_create"),
    path("committees/terms/<int:pk>/edit/", views.TermEditView.as_view(), name="term_edit"),
    path("committees/terms/<int:pk>/sessions/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("committees/sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="session_edit"),
    path("committees/<int:pk>/roles/", views.CommitteeRolesView.as_view(), name="committee_roles"),
    path("committees/roles/<int:pk>/revoke/", views.committee_role_revoke, name="committee_role_revoke"),
    # sectors and special committees
    path("sectors/", views.SectorListView.as_view(), name="sector_list"),
    path("sectors/new/", views.SectorCreateView.as_view(), name="sector_create"),
    path("sectors/<int:pk>/", views.SectorDetailView.as_view(), name="sector_detail"),
    path("sectors/<int:pk>/edit/", views.SectorEditView.as_view(), name="sector_edit"),
    path("special-committees/", views.SpecialCommitteeListView.as_view(), name="special_committee_list"),
    path("special-committees/new/", views.SpecialCommitteeCreateView.as_view(), name="special_committee_create"),
    path("special-committees/<int:pk>/", views.SpecialCommitteeDetailView.as_view(), name="special_committee_detail"),
    path("special-committees/<int:pk>/edit/", views.SpecialCommitteeEditView.as_view(), name="special_committee_edit"),
    # members
    path("members/", views.MemberListView.as_view(), name="member_list"),
    path("members/new/", views.MemberCreateView.as_view(), name="member_create"),
    path("members/import/", views.MemberImportView.as_view(), name="member_import"),
    path("members/import/template.xlsx", views.member_import_template, name="member_import_template"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("members/<int:pk>/cease/", views.MemberCeaseView.as_view(), name="member_cease"),
    # handling departments and their liaison officers
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/new/", views.DepartmentCreateView.as_view(), name="department_create"),
    path("departments/import/", views.DepartmentImportView.as_view(), name="department_import"),
    path("departments/import/template.xlsx", views.department_import_template, name="department_import_template"),
    path("departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    path("departments/<int:pk>/edit/", views.DepartmentEditView.as_view(), name="department_edit"),
    path("liaisons/", views.LiaisonListView.as_view(), name="liaison_list"),
    path("liaisons/new/", views.LiaisonCreateView.as_view(), name="liaison_create"),
    path("liaisons/<int:pk>/", views.LiaisonDetailView.as_view(), name="liaison_detail"),
    path("liaisons/<int:pk>/edit/", views.LiaisonEditView.as_view(), name="liaison_edit"),
    # member studios
    path("studios/", views.StudioListView.as_view(), name="studio_list"),
    path("studios/new/", views.StudioCreateView.as_view(), name="studio_create"),
    path("studios/<int:pk>/", views.StudioDetailView.as_view(), name="studio_detail"),
    path("studios/<int:pk>/edit/", views.StudioEditView.as_view(), name="studio_edit"),
    # logins
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    # the duty record and its assessment (members.duty)
    path("", include("members.duty_urls")),
]
