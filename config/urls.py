from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.api.errors import api_not_found
from readiness.views import home as readiness_home
from readiness.views.health import healthz
from readiness.views.home import PortalLoginView

admin.site.site_header = "Support-readiness portal administration"
admin.site.site_title = "Readiness admin"

urlpatterns = [
    path("", readiness_home.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", PortalLoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("readiness.urls")),
    path("", include("people.urls")),
    path("", include("launches.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("operations/", include("operations.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("readiness.api.urls")),
    path("api/v1/", include("clouds.api.urls")),
    path("api/v1/", include("people.api.urls")),
    path("api/v1/", include("operations.api.urls")),
    path("api/v1/", include("launches.api.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ answers JSON, in DEBUG too.
    re_path(r"^api/", api_not_found, name="api-not-found"),
]

handler400 = "config.api.errors.bad_request"
handler404 = "config.api.errors.not_found"
handler500 = "config.api.errors.server_error"
