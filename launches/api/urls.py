from rest_framework.routers import SimpleRouter

from launches.api import views

router = SimpleRouter(trailing_slash=True)
router.register("gates", views.GateViewSet, basename="gate")
router.register("decisions", views.DecisionViewSet, basename="decision")

urlpatterns = router.urls
