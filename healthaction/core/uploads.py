"""Uploads held to core/limits.py while they stream in: the request handler that stops storing a file past
UPLOAD_BYTES, and the form field that refuses a file beyond its door's limit before anything reads it."""

from __future__ import annotations

import io

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from healthaction.core import limits


class TooLargeUpload(UploadedFile):
    """What arrives for a file sent past UPLOAD_BYTES: its name and the size sent, none of its bytes."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        super().__init__(io.BytesIO(b""), name, content_type, size, charset, content_type_extra)


class LimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: hands a file's chunks on to the storing handlers (memory or a temporary
    file) up to UPLOAD_BYTES and swallows the rest, so an oversized upload is never stored whole; the file then
    arrives as a TooLargeUpload, which every upload field (LimitedFileField) refuses with its size."""

    def receive_data_chunk(self, raw_data, start):
        return raw_data if start + len(raw_data) <= limits.UPLOAD_BYTES else None

    def file_complete(self, file_size):
        if file_size <= limits.UPLOAD_BYTES:
            return None  # the storing handler after this one returns the file
        return TooLargeUpload(self.file_name, self.content_type, file_size, self.charset, self.content_type_extra)


class LimitedFileField(forms.FileField):
    """A file field that refuses a file larger than `max_bytes` (a door's limit from core/limits.py)."""

    def __init__(self, *args, max_bytes: int = limits.UPLOAD_BYTES, **kwargs):
        self.max_bytes = min(max_bytes, limits.UPLOAD_BYTES)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and (isinstance(upload, TooLargeUpload) or upload.size > self.max_bytes):
            try:
                limits.check_size(max(upload.size, self.max_bytes + 1), self.max_bytes, upload.name or "")
            except limits.LimitExceeded as exc:
                raise forms.ValidationError(str(exc), code="too_large")
        return upload
