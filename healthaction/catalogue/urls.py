from django.urls import path

from healthaction.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.catalogue_list, name="list"),
    path("export/", views.catalogue_export, name="export"),
    path("plans/<int:plan_id>/", views.plan_matches, name="plan-matches"),
    path("plans/<int:plan_id>/compare/", views.plan_compare, name="plan-compare"),
    path("plans/<int:plan_id>/matches/<int:match_id>/", views.decide_match, name="decide"),
    path("<str:code>/", views.catalogue_entry, name="entry"),
]
