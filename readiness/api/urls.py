from rest_framework.routers import SimpleRouter

from readiness.api import findings, views

router = SimpleRouter(trailing_slash=True)
router.register("items", views.ItemViewSet, basename="item")
router.register("clouds", views.CloudViewSet, basename="cloud")
router.register("frameworks", views.FrameworkViewSet, basename="framework")
router.register("findings", findings.FindingViewSet, basename="finding")

urlpatterns = router.urls
