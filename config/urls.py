from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from readiness import views as readiness_views
from readiness.health import healthz

admin.site.site_header = "Support-readiness portal administration"
admin.site.site_title = "Readiness admin"

urlpatterns = [
    path("", readiness_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("readiness.urls")),
    path("admin/", admin.site.urls),
]
