from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "healthaction.web"
    verbose_name = _("Web pages")

    def ready(self) -> None:
        from healthaction.web import signals  # noqa: F401 - connects the receivers
