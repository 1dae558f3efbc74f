"""Two partner tools upserting the same new people at the same moment (PostgreSQL): one creates them,
the other is told to send again or updates them; never a 500, never a duplicate."""

import threading

import pytest
from django.db import connection

from clouds.choices import ChangeSource
from people.models import StaffMember
from people.staff_writes import StaffWriteRefused, upsert_staff
from tests.api.conftest import make_key

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_concurrent_upserts_of_the_same_people_never_duplicate(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    from clouds.api.authentication import PartnerKeyActor
    from clouds.models import PartnerAPIKey

    make_key(world.partner_a, "hr-1")
    actor = PartnerKeyActor(PartnerAPIKey.objects.get(name="hr-1"))
    rows = [{"external_id": f"emp-{n}", "full_name": f"Person {n}", "roles": ["support_engineer"],
             "clouds": ["cloud-a"]} for n in range(20)]
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def upsert():
        try:
            barrier.wait()
            outcomes.append(upsert_staff(rows=rows, actor=actor, source=ChangeSource.API))
        except StaffWriteRefused as exc:
            outcomes.append(exc)
        except BaseException as exc:  # anything else is the failure this test looks for
            outcomes.append(("unexpected", exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=upsert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [o for o in outcomes if isinstance(o, tuple)], outcomes
    assert StaffMember.objects.filter(employer=world.partner_a).count() == 20
    assert any(not isinstance(o, StaffWriteRefused) for o in outcomes)
