from django.urls import path

from people.api import views

urlpatterns = [
    path("clouds/<slug:slug>/coverage/", views.CoverageView.as_view(), name="cloud-coverage"),
]
