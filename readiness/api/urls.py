from rest_framework.routers import SimpleRouter

from readiness.api import views

router = SimpleRouter(trailing_slash=True)
router.register("items", views.ItemViewSet, basename="item")
router.register("clouds", views.CloudViewSet, basename="cloud")
router.register("frameworks", views.FrameworkViewSet, basename="framework")

urlpatterns = router.urls
