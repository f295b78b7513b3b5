"""Confidence and reason for items the line readers produced (the grid reader sets its own), and the
warnings for tasks that name no department, one per action so the review page is not flooded."""


class ConfidenceMixin:
    def _settle_confidence(self) -> None:
        """Give every item the line readers produced a confidence and a reason (the grid reader sets its own)."""
        for ind in self.indicators:
            line = ind["source"]["lines"][0]
            if "confidence" not in ind:
                prose_item = "P" in ind["number"]
                ind["confidence"] = 0.85 if prose_item else 0.9
                ind["reason"] = (
                    f"正文第{line}行的目标段落"
                    if prose_item
                    else f"表格第{line}行（文本中的表格，按序号与指标性质分行）"
                )
                if not ind["targets"] and ind["nature"] != "advocacy":
                    ind["confidence"] = 0.6
                    ind["reason"] += "；未读出目标值"
            for target in ind["targets"]:
                target.setdefault("confidence", ind["confidence"])
                target.setdefault("reason", f"第{line}行：“{target.get('raw', '')[:40]}”")
        missing: dict = {}
        for task in self.tasks:
            line = task["source"]["lines"][0]
            task.setdefault("confidence", 0.9)
            task.setdefault("reason", f"第{line}行的任务条目")
            if "department_confidence" not in task:
                if task["lead_departments"] or task["co_departments"]:
                    task["department_confidence"] = 0.9
                    task["department_reason"] = f"第{line}行" + (
                        "任务分解表的牵头/责任部门列"
                        if task.get("reporting_cycle") or "\t" in self.lines[line - 1]
                        else "末尾括号中的单位"
                    )
                else:
                    task["department_confidence"] = 0.2
                    task["department_reason"] = f"第{line}行未写明责任单位"
                    if not task["all_lower_units"]:
                        missing.setdefault(task["action"], []).append(task)
        for action, tasks in missing.items():
            first = tasks[0]
            self.warn(
                first["source"]["lines"][0] - 1,
                f"第 {action} 项行动有 {len(tasks)} 项任务未写明牵头或责任单位（如任务 {first['number']}）",
                first["content"][:80],
                kind="low_confidence",
                ref=f"action:{action}" if action is not None else f"task:{first['number']}",
            )
