"""Evidence uploads: size limit, type by content (not by name), safe stored names."""

import hashlib
import uuid
import zipfile
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from healthaction.collection import validation
from healthaction.core import limits
from healthaction.core.xlsx import DOCX_MIME, XLSX_MIME

MAX_EVIDENCE_BYTES = limits.EVIDENCE_BYTES
SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"PK\x03\x04", "application/zip", ".zip"),  # .docx/.xlsx are zip packages; refined below
]
OFFICE_KINDS = {
    "word/": (DOCX_MIME, ".docx"),
    "xl/": (XLSX_MIME, ".xlsx"),
}


class UploadRejected(ValueError):
    pass


def sniff(data: bytes) -> tuple[str, str]:
    """Return (content type, extension) judged from the bytes themselves."""
    for magic, content_type, ext in SIGNATURES:
        if data.startswith(magic):
            if content_type == "application/zip":
                try:
                    names = limits.check_zip(data, _("the file"), limits.EVIDENCE_UNPACKED_BYTES)
                except limits.LimitExceeded as exc:
                    raise UploadRejected(str(exc))
                except (zipfile.BadZipFile, OSError, EOFError):
                    raise UploadRejected(_("The file is a damaged archive."))
                for prefix, kind in OFFICE_KINDS.items():
                    if any(n.startswith(prefix) for n in names):
                        return kind
                raise UploadRejected(
                    _("Zip archives are not accepted as evidence; upload PDF, Word, Excel or image files.")
                )
            return content_type, ext
    raise UploadRejected(_("Only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG files are accepted as evidence."))


def evidence_from_upload(upload) -> dict:
    """Return the fields of an Evidence row for an uploaded file, or raise UploadRejected with a reason."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise UploadRejected(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": upload.name, "mb": MAX_EVIDENCE_BYTES // 1048576}
        )
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    if not data:
        raise UploadRejected(_("“%(name)s” is empty.") % {"name": upload.name})
    content_type, ext = sniff(data)
    original = PurePath((upload.name or "").replace("\\", "/")).name
    problem = validation.text_problem(original[: validation.LIMITS["name"]], "name")  # a long name is cut, not refused
    if problem:
        raise UploadRejected(_("The file name cannot be used: %(p)s") % {"p": problem})
    # the name a downloader sees carries the extension of what the file is, not of what it was called
    original = (PurePath(original).stem.strip() or "file")[: validation.LIMITS["name"] - len(ext)] + ext
    return {
        "file": ContentFile(data, name=f"{uuid.uuid4().hex}{ext}"),
        "original_name": original,
        "content_type": content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
