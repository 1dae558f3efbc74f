"""No route takes files unless designed to: a multipart file part is refused (400) instead of being
spooled to disk; the pages made for a file (CSV imports, framework files) use `takes_a_file`."""

from functools import wraps

from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class FilesNotAccepted(SuspiciousOperation):
    """Django answers SuspiciousOperation with a 400."""


class RefuseFiles(FileUploadHandler):
    def new_file(self, field_name, *args, **kwargs):
        raise FilesNotAccepted(f"Files are not accepted here (field {field_name!r}).")

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - new_file always raises first
        return None

    def file_complete(self, file_size):  # pragma: no cover
        return None


def takes_a_file(view):
    """For the few pages designed to take a file (roster import, metrics upload, framework load): it is kept in
    memory (the request size cap applies first) instead of being refused.

    The handlers must be swapped before the body is read, and CSRF checking reads it: the view is
    exempted from the middleware's check and checked here instead, after the swap.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.upload_handlers = [MemoryFileUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return wrapper


def uploaded_or_pasted(request) -> tuple[bytes | None, str, str | None]:
    """The CSV a form sent, as a file part `file` or pasted text `text` (one of the two):
    (the bytes or None, the pasted text to show again, a problem or None)."""
    upload, pasted = request.FILES.get("file"), request.POST.get("text", "")
    if (upload is None) == (not pasted):
        return None, pasted, "Choose a CSV file or paste its text (one of the two)."
    return (upload.read() if upload is not None else pasted.replace("\r\n", "\n").encode()), pasted, None
