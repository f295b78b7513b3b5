"""Helpers for tests that look at rendered pages: PDF → PNG with poppler, blank area measured from the pixels."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PIL import Image

DPI = 40
A4_BODY_CM = (3.7, 3.5)  # top and bottom margins of docx_style.new_document; the footer sits in the bottom one


def tools_missing() -> str | None:
    """Return why rendered-page tests cannot run here, or None."""
    for tool, package in (
        ("soffice", "libreoffice"),
        ("pdftoppm", "poppler-utils"),
        ("pdftotext", "poppler-utils"),
        ("fc-list", "fontconfig"),
    ):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian package {package}; scripts/test installs it when it can)"
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    if not fonts.strip():
        return "no CJK font is installed (fonts-noto-cjk; scripts/test installs it when it can)"
    return None


def page_images(pdf: Path, out: Path) -> list[Path]:
    """Render every page of a PDF to a greyscale PNG; return them in page order."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(DPI), str(pdf), str(out / "page")], check=True)
    return sorted(out.glob("page*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[-1]))


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def blank_share(png: Path) -> float:
    """Return the share of the page body (between the margins) below the last inked row: the page's empty tail."""
    image = Image.open(png).convert("L")
    width, height = image.size
    px_per_cm = DPI / 2.54
    top, bottom = int(A4_BODY_CM[0] * px_per_cm), height - int(A4_BODY_CM[1] * px_per_cm)
    body = image.crop((0, top, width, bottom))
    last = None
    pixels = body.load()
    for y in range(body.size[1] - 1, -1, -1):
        if any(pixels[x, y] < 200 for x in range(body.size[0])):
            last = y
            break
    if last is None:
        return 1.0
    return (body.size[1] - 1 - last) / body.size[1]
