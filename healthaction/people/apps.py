from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "healthaction.people"
    verbose_name = "People"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from healthaction.people.views import show_account_events

        user_logged_in.connect(show_account_events, dispatch_uid="people-account-events")
