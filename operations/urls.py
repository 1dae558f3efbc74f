from django.urls import path

from operations import upload_views, views

app_name = "operations"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("launches/", views.launches, name="launches"),
    path("upload/", upload_views.upload_metrics, name="upload"),
    path("clouds/<slug:slug>/", views.cloud, name="cloud"),
]
