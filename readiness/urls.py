from django.urls import path

from readiness.views import checklist, editing, frameworks, risks, waivers

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
    path("items/<int:pk>/waiver/", waivers.waiver_request, name="waiver_request"),
    path("waivers/", waivers.waiver_register, name="waivers"),
    path("waivers/<int:pk>/", waivers.waiver_detail, name="waiver"),
    path("waivers/<int:pk>/decide/", waivers.waiver_decide, name="waiver_decide"),
    path("waivers/<int:pk>/withdraw/", waivers.waiver_withdraw, name="waiver_withdraw"),
    path("frameworks/", frameworks.framework_list, name="frameworks"),
    path("frameworks/load/", frameworks.framework_load, name="framework_load"),
    path("frameworks/<int:pk>/upgrade/", frameworks.framework_upgrade, name="framework_upgrade"),
]
