from django.urls import path

from healthaction.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.index, name="index"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist"),
    path("checklists/<int:pk>/export/", views.checklist_export, name="checklist-export"),
    path("rounds/new/", views.round_new, name="round-new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round-edit"),
    path("rounds/<int:pk>/export/", views.round_export, name="round-export"),
    path("rounds/<int:pk>/share/", views.round_share, name="round-share"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("findings/", views.findings, name="findings"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("files/<str:kind>/<int:pk>/", views.evidence, name="evidence"),
]
