"""The parse pipeline: bytes → text stream → normalised lines → extracted items → plan draft dict."""

import hashlib
import re

from healthaction.documents import grid, lexicon, prose, prose_anywhere
from healthaction.documents.checks import ChecksMixin
from healthaction.documents.confidence import ConfidenceMixin
from healthaction.documents.departments import (
    DepartmentBook,
    responsibility_from_text,
)
from healthaction.documents.items import new_task
from healthaction.documents.lexicon import alternation
from healthaction.documents.model import Document as DocumentModel
from healthaction.documents.model import Paragraph
from healthaction.documents.normalize import compact, has_traditional, looks_traditional, normalize_line, to_simplified
from healthaction.documents.readers import read_document
from healthaction.documents.readers.text import text_document
from healthaction.documents.rows import (
    _nature_of_heading,
    _notes,
    _unique,
    split_unit,
)
from healthaction.documents.targets import infer_direction, parse_baseline, parse_target, settle_implicit

SECTION = re.compile(r"^(?:[一二三四五六七八九十]+、|附件\s*\d*)")
TARGET_SECTION = re.compile(f"(?:{alternation(lexicon.TARGET_SECTION_WORDS)})")


DATE_LINE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|发布(?:时间|日期)|来源[：:]")
_INDENT = re.compile(r"^(?:\u3000|\s{2,}|\xa0\xa0)")
_CLOSING = tuple("。；：！？）”」")
_ITEM_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]{1,3}）|\d{1,2}\s*[.、．](?!\d)|[①-⑳]|——|附件|注：|说明：)"
)


def join_soft_wraps(original: list[str], lines: list[str], paragraph_lines: set[int]) -> None:
    """Join, in `lines`, the lines a text copy broke its paragraphs into (a web page copied at a fixed width).

    Only in a text whose paragraphs open indented (two full-width or ASCII spaces): an unindented line goes on the
    indented paragraph above it while that one has not closed (。；：！？）) and the line does not start a numbered
    item. The joined text sits on the paragraph's first line and the continuation lines become blank, so line
    numbers stay the file's. Table lines (not in `paragraph_lines`) never join.
    """
    if _join_hanging(original, lines, paragraph_lines):
        return
    indented = [i for i in paragraph_lines if original[i].strip() and _INDENT.match(original[i])]
    if len(indented) < 3:
        return
    target = None
    for i, line in enumerate(lines):
        text = line.strip()
        if i not in paragraph_lines or not text or "\t" in line:
            target = None
            continue
        if _INDENT.match(original[i]):
            target = i
            continue
        head = lines[target].strip() if target is not None else ""
        if target is None or head.endswith(_CLOSING) or _ITEM_START.match(text):
            target = None
            continue
        if _ITEM_START.match(head) and len(head) <= 20 and not re.search(r"[，。；：]|\d{4}", head):
            target = None  # a short numbered heading (一、主要目标) does not run into the next line
            continue
        lines[target] = lines[target].rstrip() + text
        lines[i] = ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \u3000\xa0"))


def _join_hanging(original: list[str], lines: list[str], paragraph_lines: set[int]) -> bool:
    """A PDF page saved as text indents every line, a paragraph's first line deeper than the lines it wraps into
    (and may leave a blank line between them): a line indented less than the deeper level goes on the paragraph
    above while that one has not closed and the line starts no numbered item. True when the text has that shape
    (at least three lines at each of two indents of two or more spaces)."""
    widths = [_indent(original[i]) for i in sorted(paragraph_lines) if original[i].strip()]
    levels = sorted(w for w in set(widths) if w >= 2 and widths.count(w) >= 3)
    if len(levels) < 2 or levels[-1] - levels[0] < 2:
        return False
    deep = levels[-1]
    target = None
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue  # a blank line between a paragraph's wrapped lines is layout
        if i not in paragraph_lines or "\t" in line:
            target = None
            continue
        width = _indent(original[i])
        if width >= deep:
            target = i
            continue
        head = lines[target].strip() if target is not None else ""
        if target is None or width < levels[0] or head.endswith(_CLOSING) or _ITEM_START.match(text):
            target = None
            continue
        lines[target] = lines[target].rstrip() + text
        lines[i] = ""
    return True


TASK_SECTION = re.compile(
    r"^(?:\d{1,2}[.、．]|（[\d一二三四五六七八九十]{1,3}）|[一二三四五六七八九十]{1,3}、)?"
    + f"(?:{alternation(lexicon.TASK_SECTION_WORDS)})"
    + r"[：:。]?$"
)


class Document:
    """The lines of one document: originals for source text, normalised copies for extraction."""

    def __init__(self, lines: list[str], paragraph_lines: set[int] | None = None):
        text = "\n".join(lines)
        if looks_traditional(text):
            lines = to_simplified(text).split("\n")
        else:
            # a stray Traditional character in a Simplified document (中小學生): convert just those lines
            lines = [to_simplified(line) if has_traditional(line) else line for line in lines]
        self.original = lines
        self.lines = [normalize_line(line) for line in lines]
        if paragraph_lines:
            join_soft_wraps(lines, self.lines, paragraph_lines)

    def source(self, first: int, last: int | None = None) -> dict:
        last = first if last is None else last
        text = "\n".join(self.original[first : last + 1]).strip("\n")
        return {"lines": [first + 1, last + 1], "text": text}


def parse_bytes(data: bytes, filename: str, progress=None) -> dict:
    """Return the plan draft (interchange format) read from a document's bytes."""
    return read_and_parse(data, filename, progress)[0]


def read_and_parse(data: bytes, filename: str, progress=None) -> tuple[dict, list[str]]:
    """Return the plan draft and the document's text lines (what the review page shows), from one reading.

    A scanned PDF is recognised once here; callers that need the lines as well take them from this call rather
    than reading (and recognising) the document again.
    """
    stream = read_document(data, filename, progress)
    draft = parse_lines(stream.lines, stream.document)
    draft["plan"]["source"] = {"file": filename.rsplit("/", 1)[-1], "sha256": hashlib.sha256(data).hexdigest()}
    return draft, stream.lines


def parse_lines(lines: list[str], model: DocumentModel | None = None) -> dict:
    if model is None:
        model = text_document(lines)
    paragraphs = None
    if model.kind == "txt":  # a text copy may carry a web page's line breaks inside paragraphs
        paragraphs = {b.line for b in model.blocks if isinstance(b, Paragraph)}
    return _Parser(Document(lines, paragraphs), model).run()


class _Parser(grid.GridMixin, prose_anywhere.ProseMixin, ConfidenceMixin, ChecksMixin):
    def __init__(self, doc: Document, model: DocumentModel):
        self.doc = doc
        self.model = model
        self.lines = doc.lines
        self.warnings: list[dict] = []
        self.departments = DepartmentBook()
        self.indicators: list[dict] = []
        self.tasks: list[dict] = []
        self.claimed: set[int] = set()  # lines already used by a table or target section
        self.read_lines: set[int] = set()  # lines an item was read from (checks.py warns about the others)
        self.table_target_paragraphs: list[tuple[int, str, int]] = []  # 基本内容 cells of a task table

    def warn(self, line: int | None, message: str, text: str = "", kind: str = "unplaced", ref: str = "") -> None:
        warning = {
            "line": None if line is None else line + 1,
            "message": message,
            "text": text[:500],
            "resolved": False,
            "kind": kind,
        }
        if ref:
            warning["ref"] = ref
        self.warnings.append(warning)

    # ---- orchestration ----------------------------------------------------------------------
    def run(self) -> dict:
        header = prose.read_header(self.lines)
        self.header = header
        reads = self._read_grids()
        actions = prose.find_actions(self.lines, exclude=self.claimed)
        if not actions and not any(r.header.kind == "task" for r in reads):
            actions = prose.fallback_actions(self.lines)
        self.actions = actions
        found = {a.number for a in actions}
        for number, title, line in prose.annex_index(self.lines):
            if number not in found and len(actions) >= 3:
                self.warn(
                    line,
                    f"附件目录列出的第 {number} 项“{title}”在正文中未找到",
                    self.doc.original[line],
                    kind="missing_annex",
                )
        self.ranges = self._ranges(actions)
        self.annual_year = self._annual_year()
        self.stated_years = self._stated_years()
        self._grid_items(reads)
        self._flattened_rows()
        self._target_sections()
        self._table_targets()
        self._loose_rows()
        self._targets_anywhere()
        self._prose_tasks()
        self._check_tasks()
        self._unplaced_tables()
        cycles = prose.reporting_cycles(self.lines)
        roster = prose.roster(self.lines)
        return self._assemble(header, cycles, roster)

    def _ranges(self, actions: list[prose.ActionHeading]) -> list[tuple[int, int, int]]:
        """Return (action number, first line, end line) for each action."""
        actions = [a for a in actions if a.style != "grid"]
        result = []
        for k, action in enumerate(actions):
            end = actions[k + 1].line if k + 1 < len(actions) else len(self.lines)
            if k + 1 == len(actions) and action.style != "annex":
                for i in range(action.line + 1, len(self.lines)):
                    if re.match(r"^[一二三四五六七八九十]+、", self.lines[i].strip()):
                        end = i
                        break
            result.append((action.number, action.line, end))
        return result

    def action_at(self, line: int) -> int | None:
        for number, start, end in self.ranges:
            if start <= line < end:
                return number
        return None

    def _stated_years(self) -> list[int]:
        """The years the document's own statements aim at: the span in its title (2021—2025年) or the 到2025年 of
        its text outside tables and date lines, none before the document's own year."""
        title = compact(self.header.title)
        span = re.search(r"(\d{4})\s*[—\-－~～至到]+\s*(\d{4})", title)
        if span:
            return [int(span.group(2))]
        first = self._first_plan_year() or 0
        years = set()
        for line in self.lines:
            if "\t" in line or DATE_LINE.search(line):
                continue
            for m in re.finditer(r"(?:到|至)\s*(20\d{2})\s*年(?:(?:和|、|及|与)\s*(20\d{2})\s*年)?(?!\d{0,2}月)", line):
                years.update(int(y) for y in m.groups() if y)
        return sorted(y for y in years if y >= first)

    def _annual_year(self) -> int | None:
        """Return the year of an annual plan (2023年…实施方案, 2023年工作要点), None for a multi-year plan.

        Read from the title, else from one of the first lines on its own: never from a date line (2023年6月20日),
        and never when the title spans years (2021—2025年) or aims at 2030."""
        title = compact(self.header.title)
        if re.search(r"\d{4}\s*[—\-－~～至到]+\s*\d{4}", title) or "2030" in title:
            return None
        annual = re.compile(
            r"(\d{4})\s*年(?:度)?(?!\d{0,2}月)[^，。]{0,20}?(?:实施方案|工作方案|工作要点|方案|工作计划|计划)"
        )
        for text in [title] + [compact(line) for line in self.lines[:30]]:
            if DATE_LINE.search(text):
                continue
            m = annual.search(text)
            if m:
                return int(m.group(1))
        return None

    def _add_indicator(
        self,
        *,
        number,
        name,
        unit,
        group,
        nature,
        baseline_raw,
        baseline_year,
        target_raws,
        first,
        last,
        notes=(),
        action=None,
    ) -> dict:
        baseline = parse_baseline(baseline_raw)
        targets = []
        for year, raw in target_raws:
            if year is None:
                self.warn(first, f"指标“{name}”的目标值没有年份", raw)
                continue
            target = parse_target(raw)
            if target is None:
                if raw and raw not in ("—", "-", "/"):
                    self.warn(first, f"无法识别指标“{name}”{year}年的目标值", raw)
                continue
            target_unit = target.pop("unit", "")
            if not unit and target_unit:
                unit = target_unit
            targets.append({"year": year, **target})
        self._settle(targets, baseline, baseline_year)
        direction = infer_direction(name, targets, baseline)
        settle_implicit(targets, direction)
        definition, calculation, numerator, denominator = _notes([compact(n) for n in notes])
        indicator = {
            "number": number,
            "action": action if action is not None else self.action_at(first),
            "name": name,
            "unit": unit,
            "group": group,
            "nature": nature,
            "direction": direction,
            "definition": definition,
            "calculation": calculation,
            "numerator": numerator,
            "denominator": denominator,
            "baseline": None if baseline is None else {**baseline, "year": baseline_year},
            "targets": targets,
            "source": self.doc.source(first, last),
        }
        self.indicators.append(indicator)
        return indicator

    def _settle(self, targets: list[dict], baseline: dict | None, baseline_year: int | None) -> None:
        for target in targets:
            if (
                target["kind"] == "relative"
                and target["base_year"] is None
                and not target["change_unit"].endswith("/yr")
            ):
                target["base_year"] = baseline_year or self._base_year()

    def _base_year(self) -> int | None:
        if self.header.issue_date:
            return int(self.header.issue_date[:4]) - 1
        return self.annual_year - 1 if self.annual_year else None

    # ---- indicators from prose --------------------------------------------------------------
    def _target_sections(self) -> None:
        """Read prose targets under 行动目标 / 主要指标 headings and numbered indicator lists."""
        existing = {compact(i["name"]) for i in self.indicators}
        counter = {}
        i = 0
        n = len(self.lines)
        while i < n:
            text = self.lines[i].strip()
            head = compact(text)
            opener = LIST_OPENER.search(head)  # …到2020年……实现以下目标： / 2023年主要指标：
            if (
                i in self.claimed
                or not text
                or (len(head) > 30 or not TARGET_SECTION.search(head))
                and not opener
                or "\t" in self.lines[i]
            ):
                i += 1
                continue
            nature = _nature_of_heading(head)
            inline = re.split(r"[：:]", text, maxsplit=1)
            j = i + 1
            paragraphs = []
            if opener and len(head) > 30:
                paragraphs.append((i, text))  # the paragraph's own targets, and the year the list below carries
            elif len(inline) == 2 and len(compact(inline[1])) > 6:
                paragraphs.append((i, inline[1]))
            while j < n:
                t = self.lines[j].strip()
                if j in self.claimed:
                    break
                if t and (
                    t.startswith("——")
                    and not opener
                    or SECTION.match(t)
                    and not TARGET_SECTION.search(compact(t))
                    or self._is_action_line(j)
                ):
                    break
                if t and prose.TASK_START.match(t) and (responsibility_from_text(t) or DEADLINE.search(t)):
                    break  # a numbered task with its departments or its deadline: the targets are over
                if t and TASK_SECTION.match(compact(t)):
                    break  # 2.主要任务: the targets are over
                if (
                    t
                    and re.match(r"^（[一二三四五六七八九十]+）", t)
                    and not TARGET_SECTION.search(compact(t))
                    and len(compact(t)) <= 30
                    and not re.search(r"\d", t)  # （一）成人吸烟率下降至15%以下 is an item, not a sub-heading
                ):
                    # a sub-heading that names one indicator, e.g. （二）农村牧区自来水普及率
                    named = re.sub(r"^（[一二三四五六七八九十]+）", "", compact(t))
                    named = re.sub(r"^(?:提升|提高|降低|控制|做好|加强|推进)", "", named)  # （一）提升…优良率
                    if prose.NAME_END.search(named):
                        paragraphs.append((j, "@" + named))
                elif t and TARGET_SECTION.search(compact(t)) and len(compact(t)) <= 30:
                    paragraphs.append((j, "#" + compact(t)))
                elif t and "\t" not in self.lines[j]:
                    paragraphs.append((j, t))
                j += 1
            self.claimed.update(range(i, j))
            self._read_target_paragraphs(paragraphs, nature, existing, counter)
            i = max(j, i + 1)

    def _table_targets(self) -> None:
        """Read targets stated in the 基本内容 cells of a task decomposition table."""
        existing = {compact(i["name"]) for i in self.indicators}
        counter: dict = {}
        for line, text, action in self.table_target_paragraphs:
            years = self._default_years()
            for item in prose.targets_in_paragraph(compact(text), line, years):
                if not item.targets and not item.advocacy:
                    continue
                self._add_prose_indicator(item, action, line, existing, counter, "")

    def _is_action_line(self, line: int) -> bool:
        return any(a.line == line for a in self.actions)

    def _read_target_paragraphs(self, paragraphs, nature, existing, counter) -> None:
        carried = None
        pending_name = None
        for line, text in paragraphs:
            years = list(carried) if carried else self._default_years()
            if text.startswith("#"):
                nature = _nature_of_heading(text[1:]) or nature
                continue
            if text.startswith("@"):
                pending_name = text[1:]
                continue
            # 1. / 2、 / （一） numbering (not the 2.5 of a number; 2.15岁以上… is item 2)
            body = re.sub(
                r"^(?:\d{1,2}\s*(?:、|[.．](?!\d)|[.．](?=\d{1,3}岁|\d{4}年))|（[一二三四五六七八九十]{1,3}）)\s*",
                "",
                compact(text),
            )
            found = prose.targets_in_paragraph(body, line, years)
            carried = _carried_year(body) or carried  # 到2020年……实现以下目标： — the list below is due that year
            if not found and pending_name and (parse_target(body) or re.search(r"\d", body)):
                found = prose.targets_in_paragraph(
                    pending_name + "达到" + body if re.match(r"^\d(?!\d{3}\s*[年—\-])", body) else body, line, years
                )
                if not found:
                    target = parse_target(re.sub(rf"^.*?{re.escape(pending_name[-4:])}", "", body))
                    if target:
                        found = [
                            prose.ProseTarget(
                                name=pending_name, targets=[{"year": y, **target} for y in years], line=line, text=text
                            )
                        ]
            if pending_name and len(found) == 1 and found[0].targets:
                # the sub-heading names the indicator; the sentence under it may word it differently
                found[0].name = pending_name
            pending_name = None
            for item in found:
                self._add_prose_indicator(item, self.action_at(line), line, existing, counter, nature)

    def _add_prose_indicator(self, item, action, line, existing, counter, nature) -> None:
        self.read_lines.add(line)  # read, even when it only repeats an indicator read before
        key = compact(item.name)
        if any(key in e or e in key for e in existing if len(e) >= 4 and len(key) >= 4):
            self._merge_prose_years(item, key)
            return
        existing.add(key)
        counter[action] = counter.get(action, 0) + 1
        name, unit = split_unit(re.sub(r"^.{0,20}?[：:]", "", item.name))
        targets = []
        for target in item.targets:
            target = dict(target)
            target_unit = target.pop("unit", "")
            unit = unit or target_unit
            targets.append(target)
        self._settle(targets, None, None)
        direction = infer_direction(name, targets, None)
        settle_implicit(targets, direction)
        self.indicators.append(
            {
                "number": f"{action or 0}.P{counter[action]}",
                "action": action,
                "name": name,
                "unit": unit,
                "group": "advocacy" if item.advocacy else item.group,
                "nature": "advocacy" if item.advocacy else (item.nature or nature),
                "direction": direction,
                "definition": "",
                "calculation": "",
                "numerator": "",
                "denominator": "",
                "baseline": item.baseline,
                "targets": targets,
                "source": {"lines": [line + 1, line + 1], "text": item.text},
            }
        )

    def _merge_prose_years(self, item, key: str) -> None:
        """An indicator named again in prose with more years (总体目标 gives 2022, the action 2022 and 2030):
        the years it did not have join the prose indicator read first. Table indicators are left as they are."""
        same = next((i for i in self.indicators if ".P" in i["number"] and compact(i["name"]) == key), None)
        if same is None:
            same = next(
                (
                    i
                    for i in self.indicators
                    if ".P" in i["number"] and len(compact(i["name"])) >= 4 and compact(i["name"]) in key
                ),
                None,
            )
        if same is None:
            return
        same["baseline"] = same["baseline"] or item.baseline
        same["nature"] = same["nature"] or item.nature
        # a number for a year beats a trend for it (总体目标: 素养水平稳步提升; the list: 到2025年达到25%以上)
        vague = {
            t["year"]
            for t in same["targets"]
            if t["kind"] == "directional"
            and any(o["year"] == t["year"] and o["kind"] in ("numeric", "qualitative") for o in item.targets)
        }
        same["targets"] = [t for t in same["targets"] if t["year"] not in vague]
        years = {t["year"] for t in same["targets"]}
        added = []
        for target in item.targets:
            if target["year"] not in years:
                target = dict(target)
                target.pop("unit", "")
                added.append(target)
        if not added:
            return
        self._settle(added, None, None)
        settle_implicit(added, same["direction"] or infer_direction(same["name"], added, None))
        same["targets"] = sorted(same["targets"] + added, key=lambda t: t["year"])

    def _plan_years(self) -> list[int]:
        years = sorted({t["year"] for i in self.indicators for t in i["targets"]})
        return years or [2022, 2030]

    def _default_years(self) -> list[int]:
        """The years a target sentence without a year of its own is due: an annual plan's year, else the years the
        targets read so far name, else the years the document's own statements aim at (到2025年…), else 2022/2030."""
        if self.annual_year:
            return [self.annual_year]
        if self.indicators:
            return self._plan_years()
        return self.stated_years or [2022, 2030]

    def _first_plan_year(self) -> int | None:
        """The earliest year a target of this document can be due: its issue year, else its annual year."""
        if self.header.issue_date:
            return int(self.header.issue_date[:4])
        return self.annual_year

    # ---- tasks ------------------------------------------------------------------------------
    def _prose_tasks(self) -> None:
        for (number, start, end), heading in zip(self.ranges, [a for a in self.actions if a.style != "grid"]):
            k = 0
            closing = r"行动[。.]" if heading.name.endswith("行动") else r"[。.]"  # a heading filling a gap (…工程。)
            rest = re.split(closing, heading.text.strip(), maxsplit=1)
            if (
                len(rest) == 2
                and len(rest[1].strip()) > 10
                and not any(
                    line < end and line > start
                    for line in (t for t in range(start + 1, end) if prose.TASK_START.match(self.lines[t].strip()))
                )
            ):
                # the heading paragraph itself describes the action's work (seed 002 shape, 意见-style plans); the
                # content keeps the heading's words (实施控烟行动。全面建设无烟党政机关。)
                content = re.sub(
                    r"^(?:（[一二三四五六七八九十\d]{1,3}）|[一二三四五六七八九十]{1,3}、|\d{1,2}\s*[.、．])\s*",
                    "",
                    heading.text.strip(),
                )
                resp = responsibility_from_text(content)
                if resp:
                    content = _without(content, resp["raw"])
                self._append_prose_task(number, 1, content, resp, start, start)
                self.tasks[-1]["confidence"] = 0.8
                self.tasks[-1]["reason"] = f"第{start + 1}行：行动标题段落本身写明的工作"
                continue
            for task in prose.tasks_in_range(self.lines, start + 1, end, sub_tasks=heading.style in ("cn", "area")):
                if any(line in self.claimed for line in range(task.first, task.last + 1)):
                    continue
                k += 1
                content = task.content
                if task.responsibility:
                    content = _without(content, task.responsibility["raw"])
                self._append_prose_task(number, k, content, task.responsibility, task.first, task.last)
            if k == 0:
                self._paragraph_tasks(number, start, end)
        if not self.ranges:
            self._loose_tasks()
        else:
            self._lead_in_tasks(self.ranges[0][1])

    def _paragraph_tasks(self, number: int, start: int, end: int) -> None:
        """An action whose text numbers no task: each plain paragraph under it describes its work (a heading, a
        line closed by ：, a section that holds no task and a target paragraph excepted)."""
        k = 0
        aside = False
        for line in range(start + 1, end):
            text = self.lines[line].strip()
            if not text or "\t" in self.lines[line] or line in self.claimed:
                continue
            if prose.heading_level(text):
                aside = bool(prose.NO_TASK_SECTION.search(compact(text)[:16]))
                continue
            body = compact(text)
            if aside or len(body) <= 15 or body.endswith(("：", ":")) or line in self.read_lines:
                continue
            resp = responsibility_from_text(text)
            k += 1
            self._append_prose_task(number, k, _without(text, resp["raw"]) if resp else text, resp, line, line)
            self.tasks[-1]["confidence"] = 0.7
            self.tasks[-1]["reason"] = f"第{line + 1}行：行动下未编号的段落"

    def _lead_in_tasks(self, first_action: int) -> None:
        """Numbered items under a 重点举措/主要任务 heading before the first action (a work plan's 整体工作安排) are
        tasks of no action, with their departments when they name them."""
        k = 0
        for line in range(first_action):
            head = compact(self.lines[line].strip())
            if not prose.heading_level(head) or not LEAD_IN_TASKS.search(head[:16]) or line in self.claimed:
                continue
            end = next(
                (
                    j
                    for j in range(line + 1, first_action)
                    if prose.heading_level(self.lines[j].strip()) or PART_HEADING.match(self.lines[j].strip())
                ),
                first_action,
            )
            for task in prose.tasks_in_range(self.lines, line + 1, end):
                if any(j in self.claimed for j in range(task.first, task.last + 1)):
                    continue
                k += 1
                resp = task.responsibility
                content = _without(task.content, resp["raw"]) if resp else task.content
                self._append_prose_task(None, k, content, resp, task.first, task.last)

    def _loose_tasks(self) -> None:
        """A notice with no action or area heading: its numbered items that name their departments are its tasks
        (they may wrap over PDF lines), belonging to no action."""
        k = 0
        for task in prose.tasks_in_range(self.lines, 0, len(self.lines)):
            if task.responsibility is None or any(line in self.claimed for line in range(task.first, task.last + 1)):
                continue
            k += 1
            self._append_prose_task(
                None, k, _without(task.content, task.responsibility["raw"]), task.responsibility, task.first, task.last
            )

    def _append_prose_task(self, action, k, content, resp, first, last) -> None:
        resp = resp or {"lead": [], "co": [], "all_lower": False}
        for name in resp["lead"] + resp["co"]:
            self.departments.add(name)
        number = f"{action if action is not None else 0}.{k}"
        self.tasks.append(
            new_task(number, action, content, resp["lead"], resp["co"], resp["all_lower"], self.doc.source(first, last))
        )
        if resp.get("cut"):
            self.warn(
                last,
                f"任务 {number} 的责任单位括号没有结束，原文可能被截断，请核对单位是否完整",
                resp["raw"],
                kind="low_confidence",
                ref=f"task:{number}",
            )

    # ---- assembly ---------------------------------------------------------------------------
    def _assemble(self, header: prose.Header, cycles: list[dict], roster: list[dict]) -> dict:
        self._settle_confidence()
        cycle_keys = {c["key"] for c in cycles}
        for task in self.tasks:
            task["lead_departments"] = _unique(self.departments.display(n) for n in task["lead_departments"])
            task["co_departments"] = [
                n
                for n in _unique(self.departments.display(n) for n in task["co_departments"])
                if n not in task["lead_departments"]
            ]
            if task["reporting_cycle"] not in cycle_keys:
                task["reporting_cycle"] = "task-progress" if "task-progress" in cycle_keys else None
        actions = []
        for a in self.actions:
            actions.append(self._action_item(a))
        numbers = {a["number"] for a in actions}
        for item in self.indicators + self.tasks:
            if item["action"] not in numbers:
                item["action"] = None
        self._unique_numbers()
        self._check_result()
        years = [t["year"] for i in self.indicators for t in i["targets"]] + [
            t.get("base_year") for i in self.indicators for t in i["targets"] if t.get("base_year")
        ]
        years += [i["baseline"]["year"] for i in self.indicators if i["baseline"] and i["baseline"]["year"]]
        issue_year = int(header.issue_date[:4]) if header.issue_date else None
        if issue_year is None and header.doc_number:
            issue_year = int(re.search(r"(\d{4})", header.doc_number).group(1))
        start, end = self._horizon(years, issue_year)
        for cycle in cycles:
            cycle.pop("line", None)
        return {
            "format": "healthaction.plan",
            "version": 1,
            "plan": {
                "title": header.title or "未命名实施方案",
                "issuer": header.issuer,
                "doc_number": header.doc_number,
                "issue_date": header.issue_date,
                "horizon": {"start": start, "end": end},
                "org_unit": {"code": None, "name": header.org_name, "level": header.org_level},
                "status": "draft",
                "is_public": False,
                "source": {"file": "", "sha256": ""},
            },
            "departments": self.departments.as_list(),
            "reporting_cycles": cycles,
            "actions": actions,
            "indicators": self.indicators,
            "tasks": self.tasks,
            "roster": roster,
            "warnings": sorted(self.warnings, key=lambda w: w["line"] or 0),
        }

    def _horizon(self, years: list[int], issue_year: int | None) -> tuple[int, int]:
        """The plan's period from its own statements: the span its title writes (2021—2025年), an annual plan's year,
        else from its issue year (or earliest year named) to the last year a target or a 到…年 statement aims at.
        Always wide enough for every target read (the register refuses a target outside its plan's period)."""
        target_years = [t["year"] for i in self.indicators for t in i["targets"]]
        span = re.search(r"(\d{4})\s*[—\-－~～至到]+\s*(\d{4})", compact(self.header.title))
        if span:
            start, end = int(span.group(1)), int(span.group(2))
        elif self.annual_year:
            start = end = self.annual_year
        else:
            start = min(years + ([issue_year] if issue_year else [])) if years or issue_year else 2020
            stated = [y for y in self.stated_years if y >= start]
            end = max(target_years + stated) if target_years or stated else max(2030, issue_year or 2030)
        return min([start, *target_years]), max([end, *target_years])

    def _unique_numbers(self) -> None:
        seen: dict[str, int] = {}
        for indicator in self.indicators:
            number = indicator["number"]
            if (
                indicator["action"] is not None
                and not number.startswith(f"{indicator['action']}.")
                and "P" not in number
            ):
                number = f"{indicator['action']}.{number}"
            if number in seen:
                seen[number] += 1
                number = f"{number}-{seen[number]}"
            else:
                seen[number] = 1
            indicator["number"] = number


PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+(?:部分|章)")
LEAD_IN_TASKS = re.compile(alternation(lexicon.LEAD_IN_TASK_WORDS))
# （2019年10月底前完成）: a deadline closing a numbered item makes it a task, whatever heading it stands under
DEADLINE = re.compile(
    r"[（(][^（）()]{0,12}\d{4}\s*年[^（）()]{0,8}(?:前|底|内)?(?:完成|启动|出台|印发)[）)]\s*[。；]?$"
)
LIST_OPENER = re.compile(
    r"(?:以下|如下)(?:主要|具体|几项)?(?:目标|指标)[：:]$|\d{4}年(?:度)?(?:主要|年度|工作|具体)?(?:目标|指标)[：:]$"
)


def _carried_year(paragraph: str) -> list[int] | None:
    """The years a paragraph that opens a list (…：) sets for the items below it: its last year context
    (到2020年 → [2020]; 到2022年和2030年 → [2022, 2030])."""
    if not paragraph.rstrip().endswith(("：", ":")):
        return None
    contexts = list(
        re.finditer(
            r"(?:^|[到至，。；])(\d{4})\s*年(?:底|末)?(?:(?:和|、|及|与)(\d{4})\s*年(?:底|末)?)?(?!\d{0,2}月)",
            paragraph,
        )
    )
    if not contexts:
        return None
    return [int(y) for y in contexts[-1].groups() if y]


def _without(content: str, raw: str) -> str:
    """The task text without its department clause: cut at a closing clause, taken out from the middle."""
    pos = content.rfind(raw)
    if pos < 0:
        return content
    rest = content[pos + len(raw) :].strip()
    if re.fullmatch(r"[。；;，,\s]*", rest):
        return content[:pos].strip().rstrip("，,") or content
    return (content[:pos] + rest).strip()
