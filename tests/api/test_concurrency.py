"""Ten partner tools PATCH one item with the same ETag at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from readiness.models import ChecklistItem
from tests.builders import active_checklist

pytestmark = pytest.mark.django_db(transaction=True)


def test_ten_concurrent_patches_with_one_etag_give_one_200_and_nine_412(world, keys):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL)")
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    barrier = threading.Barrier(10)
    codes: list[int] = []
    lock = threading.Lock()

    def patch(n):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {keys.own}")
        barrier.wait()
        try:
            response = client.patch(f"/api/v1/items/{item.pk}/", {"notes": f"writer {n}"}, format="json",
                                    HTTP_IF_MATCH='"1"')
            with lock:
                codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=patch, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(codes) == [200] + [412] * 9
    saved = ChecklistItem.objects.get(pk=item.pk)
    assert saved.version == 2
    assert saved.history.filter(history_type="~").count() == 1
