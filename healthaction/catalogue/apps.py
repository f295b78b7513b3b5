from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "healthaction.catalogue"
    verbose_name = _("National indicator catalogue")

    def ready(self) -> None:
        from healthaction.catalogue import signals  # noqa: F401  (matches imported plans)
