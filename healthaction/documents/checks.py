"""Say what was not read: warnings for gaps the reader can see in its own result (issue 27).

Runs inside pipeline._Parser once every item is read and numbered. Each warning has a kind and a ref, as the
reader's other warnings, so the review page links it to the item to fix:

- an action with no task (no_tasks) or no indicator (other), in a document that has tasks (indicators) elsewhere;
- a paragraph holding a target year and a number, or a department clause, from which nothing was read (unplaced);
- an indicator whose name is only a measure word (控制率), or named twice in one action (low_confidence);
- a period that contradicts the title: an annual plan's targets for other years are set aside, a target outside
  the span the title writes is warned (low_confidence).
"""

import re
from collections import Counter

from healthaction.documents.departments import responsibility_from_text
from healthaction.documents.normalize import compact

# a target-looking number: a share, a rate, a count with its measure word, or a number after a comparator
_VALUE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|‰|/10万|万人|亿元|岁|平方米)|\d+\s*(?:家|个|所|名|张|项|次)\s*(?:及)?以[上下]"
    r"|(?:达到|不低于|不少于|不高于|控制在|提高到|下降到|降至|低于|高于|超过|≥|≤)\s*\d"
)
_YEAR = re.compile(r"(20\d{2})\s*年(?!\d{0,2}月)")
# a name that is a measure word and nothing else: what it measures was left in the sentence before
FRAGMENT = re.compile(
    r"^(?:控制率|治疗率|知晓率|管理率|规范管理率|发生率|患病率|发病率|死亡率|覆盖率|普及率|达标率|检出率|筛查率|"
    r"接种率|治愈率|生存率|就诊率|随访率|报告率|合格率|比例|比率|水平|人数|数量)$"
)
MAX_UNREAD = 30  # more than this many unread paragraphs: one summary warning for the rest


class ChecksMixin:
    def _check_result(self) -> None:
        self._check_annual_period()
        self._check_title_period()
        self._check_actions()
        self._check_names()
        self._check_unread()

    # ---- period -------------------------------------------------------------------------------
    def _check_annual_period(self) -> None:
        """An annual plan's period is its year: targets the text states for other years (a long-term aim quoted
        from the master plan, 到2030年…) are set aside and warned; an indicator read only from them goes too."""
        if not self.annual_year:
            return
        kept = []
        for indicator in self.indicators:
            other = [t for t in indicator["targets"] if t["year"] != self.annual_year]
            if not other:
                kept.append(indicator)
                continue
            years = "、".join(str(y) for y in sorted({t["year"] for t in other}))
            indicator["targets"] = [t for t in indicator["targets"] if t["year"] == self.annual_year]
            only_those = not indicator["targets"] and ".P" in indicator["number"]
            self.warn(
                indicator["source"]["lines"][0] - 1,
                f"本方案是{self.annual_year}年度方案，指标“{indicator['name']}”写明的{years}年目标不在本方案期内，"
                + ("该指标未读入" if only_those else "该年度目标未读入"),
                indicator["source"]["text"],
                kind="low_confidence",
                ref="" if only_those else f"indicator:{indicator['number']}",
            )
            if not only_those:
                kept.append(indicator)
        self.indicators = kept

    def _check_title_period(self) -> None:
        """A target outside the span the title writes (…行动计划（2024—2027年） with a 2030 target)."""
        span = re.search(r"(\d{4})\s*[—\-－~～至到]+\s*(\d{4})", compact(self.header.title))
        if not span:
            return
        first, last = int(span.group(1)), int(span.group(2))
        for indicator in self.indicators:
            outside = sorted({t["year"] for t in indicator["targets"] if not first <= t["year"] <= last})
            if outside:
                self.warn(
                    indicator["source"]["lines"][0] - 1,
                    f"指标“{indicator['name']}”的目标年份{'、'.join(map(str, outside))}不在标题写明的"
                    f"{first}—{last}年内，请核对",
                    indicator["source"]["text"],
                    kind="low_confidence",
                    ref=f"indicator:{indicator['number']}",
                )

    # ---- actions and names --------------------------------------------------------------------
    def _check_actions(self) -> None:
        """An action with no task or no indicator (the no_tasks warning with hints from the text comes first)."""
        with_tasks = {t["action"] for t in self.tasks}
        with_indicators = {i["action"] for i in self.indicators}
        warned = {w.get("ref") for w in self.warnings if w["kind"] == "no_tasks"}
        # a task list has no indicators by nature, and an indicator table no tasks: only a gap among the actions of
        # a document that has the kind elsewhere is warned
        for action in self.actions:
            ref = f"action:{action.number}"
            if action.number not in with_tasks and ref not in warned and self.tasks:
                self.warn(
                    action.line, f"第 {action.number} 项行动“{action.name}”未读出任何任务", action.text, "no_tasks", ref
                )
            if action.number not in with_indicators and action.style != "area" and self.indicators:
                self.warn(
                    action.line, f"第 {action.number} 项行动“{action.name}”未读出任何指标", action.text, "other", ref
                )

    def _check_names(self) -> None:
        """An indicator named by a measure word alone (控制率), or twice in one action."""
        seen = Counter((i["action"], compact(i["name"])) for i in self.indicators)
        warned = set()
        for indicator in self.indicators:
            name = compact(indicator["name"])
            ref = f"indicator:{indicator['number']}"
            line = indicator["source"]["lines"][0] - 1
            if FRAGMENT.match(name) or len(name) < 3:
                self.warn(
                    line,
                    f"指标名称“{indicator['name']}”只是一个片段，所指对象可能写在前文，请补全",
                    indicator["source"]["text"],
                    kind="low_confidence",
                    ref=ref,
                )
            key = (indicator["action"], name)
            if seen[key] > 1 and key not in warned:
                warned.add(key)
                self.warn(
                    line,
                    f"指标“{indicator['name']}”在同一行动中读出了 {seen[key]} 次，请合并或删除重复项",
                    indicator["source"]["text"],
                    kind="low_confidence",
                    ref=ref,
                )

    # ---- text nothing was read from ------------------------------------------------------------
    def _check_unread(self) -> None:
        """A paragraph with a target year and a value, or with a department clause, that gave no item."""
        used: set[int] = set(getattr(self, "grid_lines", set())) | self.read_lines
        for item in self.indicators + self.tasks:
            first, last = item["source"]["lines"]
            used.update(range(first - 1, last))
        used.update(a.line for a in self.actions)
        used.update(self.header.lines.values())
        first_year = self._first_plan_year() or 0
        unread = []
        for line, text in enumerate(self.lines):
            if line in used or "\t" in text or len(compact(text)) < 12:
                continue
            body = compact(text)
            years = [int(y) for y in _YEAR.findall(body)]
            target_like = any(y >= first_year for y in years) and _VALUE.search(body)
            if target_like or ("（" in body and responsibility_from_text(body)):
                unread.append(line)
        for line in unread[:MAX_UNREAD]:
            self.warn(
                line,
                "这一段写有目标年份和数值（或责任单位），但未从中读出任何指标或任务，请核对",
                self.doc.original[line],
                kind="unplaced",
            )
        if len(unread) > MAX_UNREAD:
            self.warn(
                unread[MAX_UNREAD],
                f"另有 {len(unread) - MAX_UNREAD} 段写有目标年份和数值（或责任单位）但未读出内容，请核对原文",
                self.doc.original[unread[MAX_UNREAD]],
                kind="unplaced",
            )
