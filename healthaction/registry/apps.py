from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "healthaction.registry"
    verbose_name = _("Org units and departments")

    def ready(self) -> None:
        from healthaction.registry import registrations  # noqa: F401  (fills core's registry stores)
