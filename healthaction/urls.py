from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path

from healthaction.api import views as api_views
from healthaction.core.views import favicon, health, vocabulary_css
from healthaction.people import views as people_views


def healthz(request):
    """Liveness probe for the load balancer (and the trivial view of the load benchmark)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("vocabulary.css", vocabulary_css, name="vocabulary-css"),
    path("health", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),  # readiness: queries the database and the cache
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", api_views.tokens_page, name="api-tokens"),
    path("accounts/history/", people_views.account_history, name="account-history"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("report/", include("healthaction.collection.urls")),
    path("api/", include("healthaction.api.urls")),
    path("reports/", include("healthaction.reports.urls")),
    path("catalogue/", include("healthaction.catalogue.urls")),
    path("inspections/", include("healthaction.inspections.urls")),
    path("people/", include("healthaction.people.urls")),
    path("", include("healthaction.web.urls")),
]
