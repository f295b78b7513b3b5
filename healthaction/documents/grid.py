"""The parser's use of the document model's tables (interpret.tables): actions, indicators, tasks.

Kept apart from pipeline.py so each stays readable; `GridMixin` runs inside pipeline._Parser and
uses its helpers (_add_indicator, warn, departments, actions).
"""

import re

from healthaction.documents import prose
from healthaction.documents.departments import responsibility_from_cell
from healthaction.documents.interpret.tables import (
    apply_notes_after,
    departments_of,
    join_continued,
    notes_after,
    read_table_group,
)
from healthaction.documents.items import new_task
from healthaction.documents.model import Table
from healthaction.documents.normalize import compact
from healthaction.documents.rows import _split_compound_name, _split_compound_value, split_unit


class GridMixin:
    def _read_grids(self) -> list:
        """Read every table group whose header is understood; claim its lines."""
        reads = []
        self.grid_lines: set[int] = set()
        for group in join_continued(self.model):
            found = read_table_group(group)
            notes = notes_after(self.model, group[-1]) if found else []
            for read in found:
                apply_notes_after(read, notes)
                reads.append(read)
                self.claimed.update(read.lines)
                for table in read.tables:  # every line of a table written one cell per line
                    self.claimed.update(getattr(table, "span", ()))
                self.grid_lines.update(read.lines)
                for table in read.tables:
                    table.claimed = True
        return reads

    def _resolve_action(self, found, line: int) -> int | None:
        """Return the number of the action a table row names, adding it when the text had no such heading."""
        if not found:
            return None
        number, name = found
        key = compact(name)
        for action in self.actions:
            other = compact(action.name)
            if other == key or (len(key) >= 4 and (key in other or other in key)):
                return action.number
        used = {a.number for a in self.actions}
        if number is None or number in used:
            number = max(used, default=0) + 1
        self.actions.append(
            prose.ActionHeading(number, name, line, self.doc.original[line] if line < len(self.lines) else name, "grid")
        )
        return number

    def _grid_items(self, reads) -> None:
        counters: dict = {}
        for read in reads:
            for line, kind, message, text in read.warnings:
                self.warn(line, message, text, kind=kind)
            for row in read.indicators:
                self._grid_indicator(row)
            for row in read.tasks:
                action = (
                    self._resolve_action(row["action"], row["line"]) if row["action"] else self.action_at(row["line"])
                )
                counters[action] = counters.get(action, 0) + 1
                self._grid_task(row, action, counters[action])
                if row["basic"]:  # a 基本内容 cell may state targets (到2022年…达到…)
                    self.table_target_paragraphs.append((row["line"], row["basic"], action))

    def _grid_indicator(self, row: dict) -> None:
        action = self._resolve_action(row["action"], row["line"]) if row["action"] else None
        baseline_raw, baseline_year = row["baseline_raw"], row["baseline_year"]
        own_year = re.search(r"[（(]\s*(\d{4})\s*年?(?:底|末)?\s*[）)]", baseline_raw)
        if own_year:  # 26.6（2015年）: the cell's own year wins over the column's
            baseline_year = int(own_year.group(1))
            baseline_raw = (baseline_raw[: own_year.start()] + baseline_raw[own_year.end() :]).strip()
        # a compound row (两个指标（%），用逗号分开 | 100，70): one indicator per part when every value splits alike
        names = _split_compound_name(row["name"])
        raws = [raw for _, raw, _ in row["targets"]]
        split_targets = [_split_compound_value(raw, len(names)) for raw in raws]
        split_baseline = _split_compound_value(baseline_raw, len(names))
        if len(names) > 1 and any(len(s) != len(names) for s in split_targets):
            names, split_targets, split_baseline = [row["name"]], [[raw] for raw in raws], [baseline_raw]
        for k, part in enumerate(names):
            serial = row["serial"] or str(row["row"])
            self._grid_indicator_part(
                row,
                action,
                number=serial if len(names) == 1 else f"{serial}.{k + 1}",
                name=part,
                baseline_raw=split_baseline[k] if k < len(split_baseline) else "",
                baseline_year=baseline_year,
                target_raws=[s[k] for s in split_targets],
            )

    def _grid_indicator_part(self, row, action, *, number, name, baseline_raw, baseline_year, target_raws) -> None:
        name, unit = split_unit(name)
        unit = row["unit"] or unit
        raws = [(y if y is not None else self.annual_year, raw) for (y, _, _), raw in zip(row["targets"], target_raws)]
        before = len(self.warnings)
        indicator = self._add_indicator(
            number=number,
            name=name,
            unit=unit,
            group=row["group"],
            nature=row["nature"],
            baseline_raw=baseline_raw,
            baseline_year=baseline_year,
            target_raws=raws,
            first=row["line"],
            last=row.get("last", row["line"]),
            action=action,
            notes=row["notes"],
        )
        if action is None:
            indicator["action"] = self.action_at(row["line"])
        problems = len(self.warnings) - before
        confidence = 0.95 - 0.15 * problems
        where = f"表格第{row['row']}行"
        if not row["serial"]:
            confidence -= 0.05
        if not row["nature"] and row["nature_raw"]:
            confidence -= 0.1
            self.warn(
                row["line"],
                f"指标“{name}”的性质“{row['nature_raw']}”无法识别",
                row["text"],
                kind="low_confidence",
                ref=f"indicator:{indicator['number']}",
            )
        indicator["confidence"] = round(max(confidence, 0.3), 2)
        indicator["reason"] = where + (f"，指标列；领域“{row['label']}”" if row["label"] else "，指标列")
        if indicator["baseline"] is not None:
            head = row["baseline_header"]
            indicator["baseline"]["year"] = indicator["baseline"]["year"] or None
            indicator["reason"] += f"；基线取自列头“{head}”"
        for target, (year, _, head) in zip(indicator["targets"], row["targets"]):
            target["confidence"] = 0.95 if year is not None else 0.7
            target["reason"] = f"{where}，列头“{head}”" + ("，合并单元格跨各目标年" if row["merged_targets"] else "")
            target.pop("implicit", None)
            target.pop("improve", None)

    def _grid_task(self, row: dict, action: int | None, k: int) -> None:
        leads, lead_lower, lead_conf = departments_of(row["lead_raw"])
        cos, co_lower, co_conf = departments_of(row["co_raw"])
        if not compact(row["co_raw"]):
            # one department column: the cell may say the roles (A牵头，B配合); a lone 责任单位 list is led by its first
            own = responsibility_from_cell(row["lead_raw"], first_leads="牵头" not in row["lead_header"])
            if own:
                leads, cos, lead_lower = own["lead"], own["co"], own["all_lower"]
        if not leads and cos:
            leads, cos = cos[:1], cos[1:]
        for name in leads + cos:
            self.departments.add(name)
        task = new_task(
            f"{action or 0}.{k}",
            action,
            row["content"],
            leads,
            cos,
            lead_lower or co_lower,
            self.doc.source(row["line"]),
            measures=row["measures"],
            deliverables=row["deliverables"],
        )
        task |= {
            "confidence": 0.95 if action is not None else 0.6,
            "reason": f"任务表第{row['row']}行" + ("" if action is not None else "，未能确定所属行动"),
            "department_confidence": round(min(lead_conf, co_conf), 2),
            "department_reason": f"任务表第{row['row']}行，列头“{row['lead_header']}”"
            + (f"与“{row['co_header']}”" if row["co_header"] else "")
            + ("，牵头单位为向下合并的单元格" if row["lead_merged"] else ""),
        }
        if row["deadline"]:
            task["deadline"] = row["deadline"]
        if not leads:
            task["department_confidence"] = 0.3
            self.warn(row["line"], "任务没有牵头单位", row["text"], kind="low_confidence", ref=f"task:{task['number']}")
        self.tasks.append(task)

    def _action_item(self, a) -> dict:
        """An action with its lead: the department named in most of its tasks, the most frequent lead on ties."""
        tasks = [t for t in self.tasks if t["action"] == a.number]
        counts: dict[str, list[int]] = {}
        for t in tasks:
            for name in t["lead_departments"]:
                counts.setdefault(name, [0, 0])[0] += 1
                counts[name][1] += 1
            for name in t["co_departments"]:
                counts.setdefault(name, [0, 0])[0] += 1
        order = list(dict.fromkeys(n for t in tasks for n in t["lead_departments"]))
        lead = max(order, key=lambda n: (counts[n][0], counts[n][1], -order.index(n))) if order else None
        source = (
            self.doc.source(a.line) if a.line < len(self.lines) else {"lines": [a.line + 1, a.line + 1], "text": a.text}
        )
        item = {"number": a.number, "name": a.name, "lead_department": lead, "source": source}
        item["confidence"] = 0.95 if a.style in ("paren", "arabic", "annex", "table", "cn") else 0.8
        item["reason"] = {
            "grid": f"表格中的行动行（第{a.line + 1}行）",
            "annex": f"附件标题（第{a.line + 1}行）",
            "table": f"任务分解表的行动行（第{a.line + 1}行）",
            "heading": f"标题（第{a.line + 1}行），标题未以“行动”结尾",
            "area": f"工作要点的分项标题（第{a.line + 1}行），其下各条为任务",
        }.get(a.style, f"正文标题（第{a.line + 1}行）")
        if lead and counts[lead][0] < len(tasks):
            item["reason"] += f"；牵头单位为{len(tasks)}项任务中出现最多的单位"
        return item

    def _check_tasks(self) -> None:
        """Warn about an action whose text has numbered work items or department parentheses but no task read."""
        with_tasks = {t["action"] for t in self.tasks}
        for number, start, end in self.ranges:
            if number in with_tasks:
                continue
            hints = [
                i
                for i in range(start + 1, end)
                if prose.TASK_START.match(self.lines[i].strip())
                or re.search(r"（[^（）]{2,60}(?:负责|牵头|配合)）", self.lines[i])
            ]
            if hints:
                self.warn(
                    hints[0],
                    f"第 {number} 项行动的原文有任务，但未能读出任何任务",
                    self.doc.original[hints[0]],
                    kind="no_tasks",
                    ref=f"action:{number}",
                )

    def _unplaced_tables(self) -> None:
        for table in self.model.tables:
            if getattr(table, "claimed", False) or table.source in ("tabs", "cells"):
                continue
            lines = [table.row_lines[r] for r in range(len(table.rows)) if r < len(table.row_lines)]
            if any(line in self.claimed for line in lines):
                continue
            text = " | ".join(t for t in table.rows[0] if t)
            body = "".join("".join(r) for r in table.rows)
            if re.search(r"\d{4}年|牵头|负责|行动|指标|%|‰", body):
                self.warn(
                    table.line, f"有一个 {len(table.rows)} 行的表格未能识别其列头，内容未读入", text, kind="unplaced"
                )


Table.claimed = False
