from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "healthaction.core"
    verbose_name = _("Core")

    def ready(self):
        from healthaction.core import text

        # every free-text field of healthaction's own models refuses control and bidi characters (core/text.py)
        text.install([c for c in apps.get_app_configs() if c.name.startswith("healthaction.")])
