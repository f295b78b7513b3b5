from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "healthaction.inspections"
    verbose_name = _("Supervision and healthy cells")

    def ready(self) -> None:
        from healthaction.inspections import registrations  # noqa: F401  (inbox rows, supervision share)
