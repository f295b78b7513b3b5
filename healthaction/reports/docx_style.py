"""公文-like Word styling on python-docx: fonts by role, A4 margins, page numbers, repeated table headers."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
TABLE_FONT = "宋体"


def _east_asian(style_or_run, name: str) -> None:
    element = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(14)
    normal.font.name = BODY_FONT
    _east_asian(normal, BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(26)
    normal.paragraph_format.first_line_indent = Pt(28)
    for name, font, size in (
        ("Title", TITLE_FONT, 22),
        ("Heading 1", HEADING_FONT, 16),
        ("Heading 2", SUBHEADING_FONT, 16),
        ("Heading 3", BODY_FONT, 15),
    ):
        style = styles[name]
        style.font.name = font
        style.font.size = Pt(size)
        style.font.bold = name != "Heading 2"
        style.font.color.rgb = RGBColor(0, 0, 0)
        _east_asian(style, font)
        style.paragraph_format.first_line_indent = Pt(0) if name == "Title" else Pt(28)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ppr = styles["Title"].element.pPr
    border = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if border is not None:  # the template's rule under the title is no part of a 公文 title
        ppr.remove(border)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        styles[name].paragraph_format.keep_with_next = True  # a heading never ends a page
    _caption_style(styles)
    _page_numbers(section)
    return doc


def _caption_style(styles) -> None:
    """Captions (图1 …, 表1 …): centred, smaller, bold, kept on the page of what they name."""
    style = styles["Caption"]
    style.font.name = HEADING_FONT
    style.font.size = Pt(11)
    style.font.bold = True
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _east_asian(style, HEADING_FONT)
    fmt = style.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing = 1.15
    fmt.space_before, fmt.space_after = Pt(4), Pt(4)


def caption(doc, text: str, *, above: bool = True):
    """Add a caption; one above a table or chart is kept with it (keep-with-next), one below follows its picture."""
    p = doc.add_paragraph(text, style="Caption")
    p.paragraph_format.keep_with_next = above
    return p


def _page_numbers(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    paragraph.add_run(" —")


def paragraph(
    doc, text: str, *, bold: bool = False, center: bool = False, size: float | None = None, indent: bool = True
):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if not indent:
        p.paragraph_format.first_line_indent = Pt(0)
    return p


def table(doc, headers: list[str], rows: list[list], widths: list[float] | None = None, font_size: float = 9):
    """Add a bordered table whose header row repeats on every page and whose rows never split; return it."""
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = t.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, text in zip(header.cells, headers):
        _cell_text(cell, text, font_size, bold=True)
    for row in rows:
        added = t.add_row()
        added._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, value in zip(added.cells, row):
            _cell_text(cell, "" if value is None else str(value), font_size)
    if widths:
        t.autofit = False
        for column, width in zip(t.columns, widths):
            column.width = Cm(width)
        for row in t.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)
    return t


def _cell_text(cell, text: str, size: float, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = TABLE_FONT
    _east_asian(run, TABLE_FONT)


MAX_PICTURE_HEIGHT_CM = 12.0  # about half the body height, so a picture never pushes most of a page blank


def picture(
    doc,
    png: bytes,
    width_cm: float = 15.5,
    caption_text: str | None = None,
    max_height_cm: float = MAX_PICTURE_HEIGHT_CM,
) -> None:
    """Add a centred picture, narrowed when it would be taller than max_height_cm; a caption goes below, kept with it."""
    image = Image.from_blob(png)
    width_cm = min(width_cm, max_height_cm * image.px_width / image.px_height)
    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
    holder = doc.paragraphs[-1]
    holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
    holder.paragraph_format.first_line_indent = Pt(0)
    holder.paragraph_format.line_spacing = 1.0  # the body's exact 26 pt spacing would clip the picture
    if caption_text:
        holder.paragraph_format.keep_with_next = True
        caption(doc, caption_text, above=False)


def pictures_side_by_side(doc, items: list[tuple[bytes, str]], width_cm: float = 7.6) -> None:
    """Lay small charts out two per row in a borderless table, each with its caption under it."""
    for start in range(0, len(items), 2):
        pair = items[start : start + 2]
        t = doc.add_table(rows=2, cols=2)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for k, (png, text) in enumerate(pair):
            top = t.cell(0, k).paragraphs[0]
            top.alignment = WD_ALIGN_PARAGRAPH.CENTER
            top.paragraph_format.first_line_indent = Pt(0)
            top.paragraph_format.line_spacing = 1.0
            top.paragraph_format.keep_with_next = True
            top.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
            below = t.cell(1, k).paragraphs[0]
            below.style = doc.styles["Caption"]
            below.add_run(text)


def landscape(doc) -> None:
    section = doc.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)


def to_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
