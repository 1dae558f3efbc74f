from django.urls import path

from launches import views

app_name = "launches"

urlpatterns = [
    path("launches/", views.launch_portfolio, name="portfolio"),
    path("launches/decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("launches/conditions/<int:pk>/done/", views.condition_done, name="condition_done"),
    path("clouds/<slug:slug>/launch/", views.launch_cloud, name="cloud"),
    path("clouds/<slug:slug>/launch.md", views.launch_markdown_view, name="cloud_markdown"),
    path("clouds/<slug:slug>/launch/day1/", views.day1, name="day1"),
    path("clouds/<slug:slug>/launch/gates/<slug:gate_code>/decide/", views.decide, name="decide"),
]
