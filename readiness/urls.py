from django.urls import path

from readiness.views import checklist, editing, risks

app_name = "readiness"

urlpatterns = [
    path("clouds/<slug:slug>/", checklist.checklist, name="checklist"),
    path("clouds/<slug:slug>/bulk/", editing.bulk_edit, name="bulk_edit"),
    path("items/<int:pk>/", checklist.item_detail, name="item"),
    path("items/<int:pk>/edit/", editing.item_edit, name="item_edit"),
    path("items/<int:pk>/history/", checklist.item_history_page, name="item_history"),
    path("my-items/", checklist.my_items, name="my_items"),
    path("risks/", risks.risks, name="risks"),
    path("risks/<int:pk>/acknowledge/", risks.acknowledge, name="risk_acknowledge"),
]
