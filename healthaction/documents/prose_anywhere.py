"""Targets written anywhere in running text (意见-style plans), not only under 行动目标 headings."""

import re

from healthaction.documents import lexicon, prose, tables
from healthaction.documents.lexicon import alternation
from healthaction.documents.normalize import compact

YEAR_CUE = re.compile(r"(?:到|至|在)?\s*20\d{2}\s*年")
COMPARATOR_CUE = re.compile(alternation(lexicon.COMPARATOR_CUES))

# a name, a comparator word and a number: 居民健康素养水平提高到26%, 救护员取证人数达到1%
ANNUAL_VALUE = re.compile(rf"{prose.NAME_WORDS}(?:{prose.CMP_WORDS})\s*\d")


class ProseMixin:
    def _targets_anywhere(self) -> None:
        """Read every unclaimed paragraph that names a target year and a comparator."""
        existing = {compact(i["name"]) for i in self.indicators}
        counter: dict = {}
        for k, key in enumerate(i["number"] for i in self.indicators):
            del k, key
        for line, text in enumerate(self.lines):
            if line in self.claimed or "\t" in text or not text.strip():
                continue
            if not YEAR_CUE.search(text) or not COMPARATOR_CUE.search(text):
                self._annual_targets(line, text, existing, counter)
                continue
            body = compact(text)
            years = self._default_years()
            # the year context may sit mid-sentence (…，到2022年和2030年，婴儿死亡率分别…, or …，2023年全省人均预期
            # 寿命达到80岁 with no 到): read from the first one on
            for m in self._year_contexts(body):
                segment = body[m.start() :]
                # outside any action (a narrative 总体目标 paragraph) only comparator targets count
                trends = self.action_at(line) is not None
                for item in prose.targets_in_paragraph(segment, line, years, trends):
                    if not item.targets:
                        continue
                    before = len(self.indicators)
                    self._add_prose_indicator(item, self.action_at(line), line, existing, counter, "")
                    if len(self.indicators) > before:
                        added = self.indicators[-1]
                        added["confidence"] = 0.75
                        added["reason"] = f"正文第{line + 1}行的目标句（不在“行动目标”标题下）"
                        for target in added["targets"]:
                            target["confidence"] = 0.75
                            target["reason"] = f"正文第{line + 1}行：“{item.text[:40]}”"
                # the sentence was read from its first year context on; later ones are inside it
                break

    def _annual_targets(self, line: int, text: str, existing: set, counter: dict) -> None:
        """In an annual plan a sentence with no year that states a value to reach (…，全区居民健康素养水平提高到26%
        以上，救护员取证人数达到1%。, inside a task's paragraph) is a target of the plan's year; only values count
        here, never trends (a task's 能力显著提升 is work, not an indicator)."""
        if not self.annual_year or not ANNUAL_VALUE.search(compact(text)):
            return
        for item in prose.targets_in_paragraph(compact(text), line, [self.annual_year], trends=False):
            if not item.targets or any(t["kind"] != "numeric" for t in item.targets):
                continue
            before = len(self.indicators)
            self._add_prose_indicator(item, self.action_at(line), line, existing, counter, "")
            if len(self.indicators) > before:
                self.indicators[-1]["confidence"] = 0.7
                self.indicators[-1]["reason"] = f"正文第{line + 1}行的目标句（年度计划，未写年份）"

    def _year_contexts(self, body: str) -> list[re.Match]:
        """The places a target year opens a clause: 到/至2025年 anywhere, or 2025年 at the start of a clause when the
        year is not before the document's own (2022年全市…达到 in a 2023 plan reports the past)."""
        found = list(re.finditer(r"(?:到|至)\s*\d{4}\s*年", body))
        first = self._first_plan_year()
        for m in re.finditer(r"(?:^|(?<=[，。；：]))(\d{4})\s*年(?:底|末)?(?!\d{0,2}月)", body):
            if first is None or int(m.group(1)) >= first:
                found.append(m)
        return sorted(found, key=lambda m: m.start())

    def _flattened_rows(self) -> None:
        """A table a web page flattened one row per line (`105岁以下儿童死亡率()9.5`): the years of the header line above
        the run give each value's column; with a 基线/现状 head (or a first year not after the document's own) the
        first value is the baseline."""
        rows = tables.flattened_rows(self.lines, self.claimed)
        first_year = self._first_plan_year()
        header_years: list[int] = []
        baseline_head = False
        previous = None
        for line, serial, name, unit, values in rows:
            if previous is None or line != previous + 1:
                above = next(
                    (self.lines[j] for j in range(line - 1, max(line - 4, -1), -1) if self.lines[j].strip()), ""
                )
                header_years = [int(y) for y in tables.FLAT_HEADER_YEAR.findall(above)]
                # as in tables: a first year column before two target years (2020年 2025年 2030年) is the baseline
                baseline_head = bool(re.search(r"基线|基期|现状|基数", above)) or bool(
                    len(header_years) >= 3 or (len(header_years) == 2 and first_year and header_years[0] < first_year)
                )
            previous = line
            years = list(header_years)
            baseline_raw, baseline_year = "", None
            if baseline_head and len(values) >= 2:
                baseline_raw, values = values[0], values[1:]
                if len(years) == len(values) + 1:
                    baseline_year, years = years[0], years[1:]
            if len(years) != len(values):
                years = self._default_years()[-len(values) :] if len(values) <= len(self._default_years()) else []
            if not years:
                continue
            action = self.action_at(line)
            indicator = self._add_indicator(
                number=serial,
                name=compact(name),
                unit=unit,
                group="",
                nature="",
                baseline_raw=baseline_raw,
                baseline_year=baseline_year,
                target_raws=list(zip(years, values)),
                first=line,
                last=line,
                action=action,
            )
            indicator["confidence"] = 0.75
            indicator["reason"] = f"第{line + 1}行：网页复制后压成一行的表格行（序号与名称相连）"
            self.claimed.add(line)
            self.read_lines.add(line)

    def _loose_rows(self) -> None:
        """Headerless indicator rows such as `1<TAB>…提高家居环境水平倡导性` (a table that lost its header)."""
        existing = {compact(i["name"]) for i in self.indicators}
        counter: dict = {}
        for line, serial, name, nature in tables.loose_indicator_rows(self.lines, 0, len(self.lines)):
            # lines a target section passed over are still free; rows of tables read by the grid reader are not
            if line in self.grid_lines or compact(name) in existing:
                continue
            action = self.action_at(line)
            existing.add(compact(name))
            counter[action] = counter.get(action, 0) + 1
            self.claimed.add(line)
            self.indicators.append(
                {
                    "number": f"{action or 0}.R{serial}",
                    "action": action,
                    "name": compact(name),
                    "unit": "",
                    "group": "advocacy" if nature == "advocacy" else "",
                    "nature": nature,
                    "direction": "",
                    "definition": "",
                    "calculation": "",
                    "numerator": "",
                    "denominator": "",
                    "baseline": None,
                    "targets": [],
                    "source": self.doc.source(line),
                    "confidence": 0.8,
                    "reason": f"第{line + 1}行：无列头的表格行（序号、指标、性质）",
                }
            )
