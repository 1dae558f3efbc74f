from rest_framework.routers import SimpleRouter

from operations.api import views

router = SimpleRouter(trailing_slash=True)
router.register("metrics", views.MetricValueViewSet, basename="metric")

urlpatterns = router.urls
