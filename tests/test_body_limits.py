"""Size caps on every route, before the body is read; no route takes files."""

import io

import pytest
from django.test import Client, RequestFactory

from config.body_limit import RequestBodyLimitMiddleware

LIMIT = 1024 * 1024


class Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")


def run(request):
    reached = []
    response = RequestBodyLimitMiddleware(lambda req: reached.append(req) or "passed")(request)
    return response, reached


@pytest.mark.parametrize("path", ["/accounts/login/", "/items/1/edit/", "/admin/login/", "/api/v1/items/bulk/"])
def test_a_declared_length_over_the_limit_is_refused_without_reading(path):
    request = RequestFactory().post(path, data=b"", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(1024 ** 3)
    request.META["wsgi.input"] = Unreadable()
    response, reached = run(request)
    assert response.status_code == 413 and reached == []
    if path.startswith("/api/"):
        assert response["Content-Type"] == "application/json"
    else:
        assert "larger than the portal accepts" in response.content.decode()


def chunked(path, body: bytes):
    request = RequestFactory().post(path, data=b"", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.META["wsgi.input"] = io.BytesIO(body)  # as gunicorn hands it on: chunks already decoded
    return request


def test_a_chunked_body_over_the_limit_is_refused():
    response, reached = run(chunked("/api/v1/items/bulk/", b"x" * (LIMIT + 1)))
    assert response.status_code == 413 and reached == []


def test_a_small_chunked_body_is_read_not_dropped():
    response, reached = run(chunked("/api/v1/items/bulk/", b'{"items": []}'))
    assert response == "passed"
    assert reached[0].body == b'{"items": []}'


def test_files_are_refused_on_every_route(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.pm_assigned)
    item = world.cloud_a.checklists.get(is_active=True).items.first()
    response = client.post(f"/items/{item.pk}/edit/", {"status": "done", "notes": SimpleUploadedFile("a.bin", b"x")})
    assert response.status_code == 400
    anonymous = Client().post("/accounts/login/", {"username": "a", "password": "b",
                                                   "f": SimpleUploadedFile("a.bin", b"x")})
    assert anonymous.status_code == 400


def test_multipart_fields_that_are_not_text_are_refused_naming_them(client, world):
    client.force_login(world.pm_assigned)
    item = world.cloud_a.checklists.get(is_active=True).items.first()
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\ndone\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"notes\"\r\n\r\n").encode() + \
        b"caf\xe9\r\n" + f"--{boundary}--\r\n".encode()
    response = client.generic("POST", f"/items/{item.pk}/edit/", body,
                              content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400 and "notes: the form field is not valid UTF-8 text." in \
        response.content.decode()


def test_a_content_length_padded_with_zeros_is_still_measured():
    request = RequestFactory().post("/accounts/login/", data=b"", content_type="application/x-www-form-urlencoded")
    request.META["CONTENT_LENGTH"] = "0" * 20 + str(1024 ** 3)
    request.META["wsgi.input"] = Unreadable()
    response, reached = run(request)
    assert response.status_code == 413 and reached == []


def test_an_oversized_form_through_the_whole_stack_is_a_413(client, world):
    client.force_login(world.pm_assigned)
    response = client.post("/items/1/edit/", {"notes": "x" * (LIMIT + 10)})
    assert response.status_code == 413
