from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "healthaction.evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from healthaction.evaluation import signals  # noqa: F401  (evaluates the series of approved values)
