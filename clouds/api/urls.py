from rest_framework.routers import SimpleRouter

from clouds.api import views

router = SimpleRouter(trailing_slash=True)
router.register("partners", views.PartnerViewSet, basename="partner")

urlpatterns = router.urls
