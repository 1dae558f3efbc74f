from django.urls import path

from readiness import views

app_name = "readiness"

urlpatterns = [
    path("clouds/<slug:slug>/", views.checklist, name="checklist"),
]
