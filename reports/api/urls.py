from django.urls import path

from reports.api.views import FORMATS, feed_view
from reports.feed_dictionary import FEEDS

urlpatterns = [path(f"feeds/{name}.{format}", feed_view(name, format).as_view(), name=f"feed-{name}-{format}")
               for name in FEEDS for format in FORMATS]
