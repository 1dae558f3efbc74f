from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("narrative.md", views.portfolio_markdown, name="portfolio_markdown"),
    path("items.csv", views.items_csv, name="items_csv"),
    path("scores.csv", views.scores_csv, name="scores_csv"),
    path("<slug:slug>/", views.cloud, name="cloud"),
    path("<slug:slug>/narrative.md", views.cloud_markdown, name="cloud_markdown"),
]
