from django.urls import path

from readiness import edit_views, risk_views, views

app_name = "readiness"

urlpatterns = [
    path("clouds/<slug:slug>/", views.checklist, name="checklist"),
    path("clouds/<slug:slug>/bulk/", edit_views.bulk_edit, name="bulk_edit"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", edit_views.item_edit, name="item_edit"),
    path("items/<int:pk>/history/", views.item_history_page, name="item_history"),
    path("my-items/", views.my_items, name="my_items"),
    path("risks/", risk_views.risks, name="risks"),
    path("risks/<int:pk>/acknowledge/", risk_views.acknowledge, name="risk_acknowledge"),
]
