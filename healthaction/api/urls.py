from django.urls import path

from healthaction.api import views

app_name = "api"
urlpatterns = [
    path("values/bulk/", views.BulkValues.as_view(), name="values-bulk"),
]
