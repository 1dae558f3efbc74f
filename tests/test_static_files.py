"""Collected static files are served compressed (brotli, gzip), with hashed names cached for a year."""

import json

from django.core.management import call_command
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.staticfiles.CollectedStaticFilesStorage"},
}


def test_collected_files_are_compressed_and_cached_for_a_year(tmp_path, db):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST_STORAGE, WHITENOISE_USE_FINDERS=False,
                           WHITENOISE_AUTOREFRESH=False, DEBUG=True):  # as under `make run`
        # Only our own files: plotly.js and the vendored admin and API-docs assets take ~30 s to
        # compress and go through the same storage (bench/browser.py measures them).
        call_command("collectstatic", interactive=False, verbosity=0,
                     ignore_patterns=["plotly.min.js", "drf_spectacular_sidecar", "admin", "rest_framework"])
        hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]["css/portal.css"]
        assert hashed != "css/portal.css" and (tmp_path / f"{hashed}.br").exists()
        assert static("css/portal.css") == f"/static/{hashed}"  # pages link the hashed name, in DEBUG too
        serve = WhiteNoiseMiddleware(lambda request: None)
        for encoding in ("br", "gzip"):
            response = serve(RequestFactory().get(f"/static/{hashed}", HTTP_ACCEPT_ENCODING=encoding))
            assert response.status_code == 200 and response["Content-Encoding"] == encoding
            assert response["Cache-Control"] == "max-age=315360000, public, immutable"
            response.close()
