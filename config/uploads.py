"""No route takes files: a multipart file part is refused (400) instead of being spooled to disk."""

from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler


class FilesNotAccepted(SuspiciousOperation):
    """Django answers SuspiciousOperation with a 400."""


class RefuseFiles(FileUploadHandler):
    def new_file(self, field_name, *args, **kwargs):
        raise FilesNotAccepted(f"Files are not accepted here (field {field_name!r}).")

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - new_file always raises first
        return None

    def file_complete(self, file_size):  # pragma: no cover
        return None
