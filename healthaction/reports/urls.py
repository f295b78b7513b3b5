from django.urls import path

from healthaction.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.reports_page, name="index"),
    path("<int:plan_id>/<str:kind>/", views.download, name="download"),
]
