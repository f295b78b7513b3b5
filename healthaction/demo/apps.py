from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo city: top of the flow (it imports every app), so its command lives here, not in core."""

    name = "healthaction.demo"
    verbose_name = _("Demo")
