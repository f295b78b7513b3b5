from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "healthaction.people"
    verbose_name = "People"
