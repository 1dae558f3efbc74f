from django.urls import path
from rest_framework.routers import SimpleRouter

from people.api import staff, views

router = SimpleRouter(trailing_slash=True)
router.register("staff", staff.StaffViewSet, basename="staff")

urlpatterns = [
    path("clouds/<slug:slug>/coverage/", views.CoverageView.as_view(), name="cloud-coverage"),
    *router.urls,
]
