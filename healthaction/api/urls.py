from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from healthaction.api import errors, views

router = DefaultRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("org-units", views.OrgUnitViewSet, basename="org-unit")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("targets", views.TargetViewSet, basename="target")
router.register("due-items", views.DueItemViewSet, basename="due-item")
router.register("values", views.IndicatorValueViewSet, basename="value")
router.register("task-reports", views.TaskReportViewSet, basename="task-report")
router.register("results", views.EvaluationResultViewSet, basename="result")
router.register("verdicts", views.TargetVerdictViewSet, basename="verdict")
router.register("inspection-rounds", views.InspectionRoundViewSet, basename="inspection-round")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("findings", views.FindingViewSet, basename="finding")

app_name = "api"
urlpatterns = [
    path("values/bulk/", views.BulkValues.as_view(), name="values-bulk"),
    path("jobs/<int:job_id>/", views.JobView.as_view(), name="job"),
    path("stage-summaries/", views.StageSummaryView.as_view(), name="stage-summaries"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
    re_path(r"^.*$", errors.not_found),  # anything else under /api/: a JSON 404, not the site's page
]
