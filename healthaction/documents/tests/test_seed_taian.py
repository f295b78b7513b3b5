"""Seed 001 (Tai'an city): a tab-separated task decomposition table with repeated headers and shifted cells."""

from healthaction.documents.tests.seeds import indicator, targets


def test_header_and_reporting_cycles(seed):
    draft = seed(1)
    assert draft["plan"]["doc_number"] == "泰爱卫发〔2020〕8号"
    assert draft["plan"]["issue_date"] == "2020-08-05"
    assert draft["plan"]["org_unit"]["name"] == "泰安市"
    cycles = {c["key"]: c for c in draft["reporting_cycles"]}
    assert cycles["task-progress"]["frequency"] == "semiannual"
    assert cycles["task-progress"]["due_dates"] == ["06-15", "12-15"]
    assert cycles["monitoring-report"]["due_dates"] == ["06-05"]


def test_fifteen_actions_from_the_table(seed):
    actions = seed(1)["actions"]
    assert len(actions) == 15
    assert actions[0]["name"] == "健康知识普及行动"
    assert actions[5]["name"] == "健康环境促进行动"  # numbered "6、" in the document
    assert actions[0]["lead_department"] == "市卫生健康委"


def test_table_rows_become_tasks_with_columns(seed):
    tasks = {t["number"]: t for t in seed(1)["tasks"]}
    first = tasks["1.1"]
    assert first["lead_departments"] == ["市卫生健康委"]
    assert first["all_lower_units"] is True  # 各县市区
    assert first["measures"].startswith("1、充实市级健康科普专家库")
    assert first["reporting_cycle"] == "task-progress"
    second = tasks["1.2"]
    # an empty 具体任务 cell inherits the task above it
    assert second["content"] == first["content"]
    assert second["lead_departments"] == ["市委宣传部"] and second["co_departments"] == ["市卫生健康委"]
    # the header row repeated after a page break is not a task
    assert not any(t["content"] == "具体任务" for t in tasks.values())


def test_shifted_cells_still_give_the_lead(seed):
    tasks = seed(1)["tasks"]
    food = next(t for t in tasks if t["measures"] == "加强食品安全抽检工作。")
    assert food["lead_departments"] == ["市市场监管局"]
    nutrition = next(t for t in tasks if t["deliverables"].startswith("对孕产妇和家有婴幼儿的人群"))
    assert nutrition["lead_departments"] == ["市卫生健康委"] and nutrition["co_departments"] == ["市妇联"]


def test_targets_written_in_the_basic_content_column(seed):
    draft = seed(1)
    assert targets(indicator(draft, "居民健康素养水平")) == {
        2022: ("numeric", ">=", 22.0),
        2030: ("numeric", ">=", 30.0),
    }
    assert targets(indicator(draft, "总体癌症5年生存率")) == {
        2022: ("numeric", ">=", 43.3),
        2030: ("numeric", ">=", 46.6),
    }


def test_rows_without_departments_are_warned_not_dropped(seed):
    warnings = seed(1)["warnings"]
    assert any(w["line"] == 128 and "单元格过少" in w["message"] for w in warnings)
