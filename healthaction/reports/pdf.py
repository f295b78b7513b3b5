"""PDF through LibreOffice when it is installed; otherwise the caller keeps the .docx and says so."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 180


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes | None:
    """Return the PDF of a .docx, or None when LibreOffice is not installed."""
    binary = libreoffice()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="ha-pdf-") as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(docx)
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
        return (Path(tmp) / "report.pdf").read_bytes()
