from django.urls import path

from healthaction.people import views

app_name = "people"
urlpatterns = [
    path("", views.index, name="index"),
    path("offices/", views.offices, name="offices"),
    path("plans/<int:plan_id>/", views.plan_people, name="plan"),
    path("plans/<int:plan_id>/accounts/<int:user_id>/", views.account, name="account"),
    path("plans/<int:plan_id>/sheet/", views.sheet, name="sheet"),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
]
