from django.urls import path

from people.views import cloud, editing, importing, renewals

app_name = "people"

urlpatterns = [
    path("clouds/<slug:slug>/people/", cloud.cloud_people, name="cloud_people"),
    path("people/renewals/", renewals.renewals_due, name="renewals"),
    path("people/staff/new/", editing.new_staff, name="new_staff"),
    path("people/staff/<int:pk>/edit/", editing.edit_staff, name="edit_staff"),
    path("people/import/", importing.import_roster_page, name="import_roster"),
]
