"""Old Word (.doc) and WPS (.wps) files: converted to .docx by LibreOffice when it is installed."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from healthaction.documents.errors import DocumentError

CONVERT_TIMEOUT_S = 120
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .doc and .wps


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def legacy_word_document(data: bytes, filename: str):
    from healthaction.documents.readers import _open_zip
    from healthaction.documents.readers.word import docx_document

    if data.startswith(b"PK"):  # a .docx saved under an old extension
        _open_zip(data, filename)
        return docx_document(data, filename)
    if not data.startswith(OLE_MAGIC):
        raise DocumentError(f"文件“{filename}”不是 Word/WPS 文档（文件头不符），可能已损坏或扩展名有误。")
    docx = convert_to_docx(data, filename)
    _open_zip(docx, filename)
    return docx_document(docx, filename)


def convert_to_docx(data: bytes, filename: str) -> bytes:
    soffice = soffice_path()
    ext = Path(filename).suffix.lower()
    if soffice is None:
        raise DocumentError(
            f"文件“{filename}”是旧版 Word/WPS 格式（{ext}），需要 LibreOffice 转换：请在服务器上安装 LibreOffice，"
            "或在 Word/WPS 中“另存为”.docx 后再上传。"
        )
    with tempfile.TemporaryDirectory(prefix="ha-convert-") as tmp:
        source = Path(tmp) / f"input{ext}"
        source.write_bytes(data)
        profile = Path(tmp) / "profile"  # a private profile: concurrent conversions do not lock each other
        command = [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(Path(tmp) / "out"),
            str(source),
        ]
        try:
            subprocess.run(
                command, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False, env={**os.environ, "HOME": tmp}
            )
        except subprocess.TimeoutExpired:
            raise DocumentError(
                f"LibreOffice 转换文件“{filename}”超过 {CONVERT_TIMEOUT_S} 秒，已停止；请另存为 .docx 后上传。"
            )
        result = Path(tmp) / "out" / "input.docx"
        if not result.is_file():
            raise DocumentError(f"LibreOffice 无法转换文件“{filename}”：文件可能已损坏，或不是 Word/WPS 文档。")
        return result.read_bytes()
