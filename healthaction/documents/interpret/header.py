"""Header understanding: each column's meaning from one or two header rows, whatever words the plan uses."""

import re
from dataclasses import dataclass

from healthaction.documents import lexicon
from healthaction.documents.model import Table
from healthaction.documents.normalize import compact, normalize_line

YEAR = re.compile(r"(\d{4})\s*年?")

# (role, words): the first role whose word occurs in the column's header text wins, so longer or more
# specific words come first (基期值 before 值, 牵头单位 before 单位, 指标性质 before 指标).
ROLES = lexicon.COLUMN_ROLES


@dataclass
class Column:
    index: int
    role: str
    year: int | None = None
    text: str = ""


@dataclass
class Header:
    rows: int  # how many rows the header takes
    columns: list[Column]
    kind: str  # "indicator" or "task"

    def first(self, role: str) -> Column | None:
        return next((c for c in self.columns if c.role == role), None)

    def all(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]


def role_of(text: str) -> tuple[str, int | None] | None:
    t = compact(normalize_line(text))
    if not t or len(t) > 24:
        return None
    year = YEAR.search(t)
    y = int(year.group(1)) if year and 1990 <= int(year.group(1)) <= 2060 else None
    for role, words in ROLES:
        if any(w in t for w in words):
            return role, y
    if y and re.fullmatch(r"\d{4}年?(?:底|末)?(?:目标|预期)?值?", t):
        return "target", y
    return None


NATURE_VALUES = re.compile(r"^(?:约束性|预期性|倡导性|约束|预期|倡导)(?:指标)?$")


def _nature_by_values(table: Table, body: int, columns: list[Column]) -> None:
    """A column whose head names no role (类型, 备注) but whose cells say 约束性/预期性/倡导性 gives the nature."""
    if any(c.role == "nature" for c in columns):
        return
    taken = {c.index for c in columns}
    for index in range(table.width):
        if index in taken:
            continue
        cells = [compact(r[index]) for r in table.rows[body:] if compact(r[index])]
        if len(cells) >= 2 and sum(1 for t in cells if NATURE_VALUES.match(t)) >= 0.6 * len(cells):
            columns.append(Column(index, "nature", None, compact(table.rows[body - 1][index])))
            columns.sort(key=lambda c: c.index)
            return


def _year_only_baseline(columns: list[Column]) -> None:
    """指标 | 2020年 | 2025年 | 2030年 (no baseline word): the first, bare year column is the baseline when the
    table has two later years, or when a later year column says it is a target (2020年 | 2025年目标值)."""
    if any(c.role == "baseline" for c in columns):
        return
    years = [c for c in columns if c.role == "target" and c.year]
    if len(years) < 2 or not re.fullmatch(r"\d{4}年?(?:底|末)?", years[0].text):
        return
    later = [c for c in years[1:] if c.year > years[0].year]
    if len(later) == len(years) - 1 and (len(later) >= 2 or any(re.search(r"目标|预期", c.text) for c in later)):
        years[0].role = "baseline"


def read_header(table: Table, start: int = 0) -> Header | None:
    """Return the header at row `start` (one row, or two when a 目标值 cell is merged over year cells)."""
    if start >= len(table.rows):
        return None
    top = table.rows[start]
    roles = [role_of(t) for t in top]
    if sum(1 for r in roles if r) < 2:
        return None
    rows = 1
    texts = list(top)
    if start + 1 < len(table.rows):
        below = table.rows[start + 1]
        spanning = any(table.origin[start][c] == table.origin[start][c + 1] for c in range(table.width - 1))
        year_cells = [c for c, t in enumerate(below) if YEAR.search(compact(t)) and len(compact(t)) <= 12]
        below_roles = [role_of(t) for t in below]
        if (
            year_cells
            and (
                spanning
                or all(r is not None or not below[c].strip() or below[c] == top[c] for c, r in enumerate(below_roles))
            )
            and not re.fullmatch(r"\d{1,3}", compact(below[0]))
        ):
            rows = 2
            texts = [a if a == b else f"{a} {b}" for a, b in zip(top, below)]
    columns = []
    for c, text in enumerate(texts):
        found = role_of(text) if len(compact(text)) <= 24 else None
        if found is None and rows == 2:
            found = role_of(table.rows[start + 1][c]) or role_of(top[c])
        if found:
            role, year = found
            if role == "target" and year is None and rows == 2:
                m = YEAR.search(table.rows[start + 1][c])
                year = int(m.group(1)) if m else None
            columns.append(Column(c, role, year, compact(text)))
    names = [c for c in columns if c.role == "name"]
    if len(names) > 1 and any(re.search(r"[一二三四]级", c.text) for c in names):
        # 一级指标 | 二级指标 | 三级指标 (健康城市 tables): the deepest level names the indicator, the others group it
        for c in names[:-1]:
            c.role = "domain"
    _year_only_baseline(columns)
    _nature_by_values(table, start + rows, columns)
    roles = {c.role for c in columns}
    if "task" in roles and ("lead" in roles or "co" in roles):
        kind = "task"
    elif "name" in roles and roles & {"target", "baseline", "nature"}:
        kind = "indicator"
    elif "target" in roles and "domain" in roles:
        # 类别 | 指标 tables where the indicator column is headed by the category word
        kind = "indicator"
    else:
        return None
    # a second column of the same meaning (e.g. two 单位 columns in a two-up table) is left to the split
    return Header(rows=rows, columns=columns, kind=kind)


def two_up_split(table: Table) -> list[Table]:
    """Split a table whose header repeats its columns side by side (序号 指标 … 序号 指标 …) into halves."""
    head = [compact(t) for t in table.rows[0]] if table.rows else []
    width = len(head)
    if width >= 4 and width % 2 == 0 and head[: width // 2] == head[width // 2 :] and any(head[: width // 2]):
        half = width // 2
        parts = []
        for lo in (0, half):
            rows = [r[lo : lo + half] for r in table.rows]
            origin = [[(o[0], o[1] - lo) for o in orow[lo : lo + half]] for orow in table.origin]
            part = Table(rows=rows, origin=origin, page=table.page, line=table.line, source=table.source)
            part.row_lines = list(table.row_lines)
            parts.append(part)
        return parts
    return [table]
