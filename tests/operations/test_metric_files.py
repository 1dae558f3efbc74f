"""Metric files: the upload page and manage.py import_metrics, all or nothing, idempotent."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from operations.catalog_file import load_catalog_file
from operations.models import MetricValue


@pytest.fixture
def catalog(db):
    load_catalog_file()


def text(*lines):
    return "cloud,metric,day,value\n" + "".join(f"{line}\n" for line in lines)


def day(n=0):
    return (timezone.localdate() - dt.timedelta(days=n)).isoformat()


def upload(user, content: str):
    client = Client()
    client.force_login(user)
    return client.post("/operations/upload/", {"file": SimpleUploadedFile("m.csv", content.encode(), "text/csv")})


def test_a_file_imports_once_and_again_changes_nothing(world, catalog):
    good = text(f"cloud-a,backlog,{day(1)},120", f"cloud-a,initial_response_sla_met,{day(1)},96.5")
    first = upload(world.partner_user, good)
    assert first.status_code == 200 and b"2 created, 0 updated, 0 unchanged" in first.content
    again = upload(world.partner_user, good)
    assert b"0 created, 0 updated, 2 unchanged" in again.content and MetricValue.objects.count() == 2


def test_every_bad_line_is_named_and_nothing_is_imported(world, catalog):
    bad = text(f"cloud-a,backlog,{day(1)},120", f"cloud-a,initial_response_sla_met,{day(1)},130",
               f"cloud-b,backlog,{day(1)},1", f"cloud-a,backlog,{day(2)},1.5", "cloud-a,backlog,2026-13-01,1",
               "cloud-a,backlog")
    response = upload(world.partner_user, bad)
    body = response.content.decode()
    assert response.status_code == 400 and "line 7: expected 4 columns" in body
    assert not MetricValue.objects.exists()
    response = upload(world.partner_user, bad.rsplit("cloud-a,backlog\n", 1)[0])
    body = response.content.decode()
    for expected in ("line 3, value", "line 4, cloud", "line 5, value", "line 6, day"):
        assert expected in body, expected
    assert not MetricValue.objects.exists()


def test_wrong_header_and_encoding(world, catalog):
    assert b"header must be exactly" in upload(world.partner_user, "cloud;metric;day;value\n").content
    client = Client()
    client.force_login(world.partner_user)
    utf16 = SimpleUploadedFile("m.csv", text(f"cloud-a,backlog,{day()},1").encode("utf-16"), "text/csv")
    assert b"not UTF-8" in client.post("/operations/upload/", {"file": utf16}).content


def test_only_reporters_may_upload(world, catalog):
    client = Client()
    client.force_login(world.executive)
    assert client.get("/operations/upload/").status_code == 403


def test_the_command(world, catalog, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(text(f"cloud-a,backlog,{day()},5", f"cloud-b,backlog,{day()},6"))
    call_command("import_metrics", str(path), "--user", world.admin.username)
    assert MetricValue.objects.count() == 2
    path.write_text(text(f"cloud-a,backlog,{day()},-5"))
    with pytest.raises(CommandError, match="line 2, value"):
        call_command("import_metrics", str(path), "--user", world.admin.username)


def test_a_short_line_does_not_hide_the_other_problems(world, catalog):
    response = upload(world.partner_user, text(f"cloud-a,backlog,{day(1)},-1", "cloud-a,backlog",
                                               f"cloud-a,initial_response_sla_met,{day(1)},130",
                                               f"cloud-a,backlog,{day(2)},3", f"cloud-a,backlog,{day(2)},4"))
    body = response.content.decode()
    for expected in ("line 2, value", "line 3: expected 4 columns", "line 4, value", "line 6, day"):
        assert expected in body, expected
    assert "appear earlier in this upload" in body and not MetricValue.objects.exists()
