from django.urls import path
from rest_framework.routers import SimpleRouter

from readiness.api import events, findings, moves, views, waivers, webhooks

router = SimpleRouter(trailing_slash=True)
router.register("items", views.ItemViewSet, basename="item")
router.register("clouds", views.CloudViewSet, basename="cloud")
router.register("frameworks", views.FrameworkViewSet, basename="framework")
router.register("findings", findings.FindingViewSet, basename="finding")
router.register("waivers", waivers.WaiverViewSet, basename="waiver")
router.register("framework-moves", moves.FrameworkMoveViewSet, basename="framework-move")
router.register("webhooks", webhooks.WebhookViewSet, basename="webhook")

urlpatterns = [*router.urls, path("events/", events.EventFeedView.as_view(), name="event-feed")]
