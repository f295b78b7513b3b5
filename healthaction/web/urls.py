from django.urls import path

from healthaction.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
]
