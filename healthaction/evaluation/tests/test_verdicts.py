"""Target verdicts, stage summaries, incremental roll-ups and the command line on a small plan worked by hand."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from healthaction.collection.models import IndicatorValue
from healthaction.collection.services import approving, values_approved
from healthaction.core.choices import PlanStatus, ValueStatus
from healthaction.evaluation.events import plan_evaluated
from healthaction.evaluation.models import EvaluationResult, TargetVerdict
from healthaction.evaluation.services import evaluate_plan, stage_summaries, stage_summary
from healthaction.plans.models import Action, Baseline, Indicator, Plan, Target
from healthaction.registry.models import Department, OrgUnit

TODAY = dt.date(2026, 5, 1)  # 2022 to 2025 are over


@pytest.fixture
def small(db, django_capture_on_commit_callbacks):
    """A city and two counties; four indicators with 2022 targets. Expected verdicts are worked out in each test."""
    city = OrgUnit.objects.create(code="T100", name="试点市", level="city")
    a = OrgUnit.objects.create(code="T101", name="甲县", level="county", parent=city)
    b = OrgUnit.objects.create(code="T102", name="乙县", level="county", parent=city)
    plan = Plan.objects.create(
        org_unit=city,
        title="试点健康行动",
        horizon_start=2020,
        horizon_end=2030,
        status=PlanStatus.PUBLISHED,
        is_public=True,
    )
    health = Department.objects.create(org_unit=city, name="市卫健委")
    led = Action.objects.create(plan=plan, number=1, name="健康知识普及", lead_department=health)
    other = Action.objects.create(plan=plan, number=2, name="合理膳食")

    def indicator(number, name, unit, action, targets, baseline=None, direction="increase", tolerance=None, **extra):
        ind = Indicator.objects.create(
            plan=plan,
            number=number,
            name=name,
            unit=unit,
            action=action,
            nature="binding",
            direction=direction,
            position=int(number),
            tolerance=tolerance,
            **extra,
        )
        if baseline is not None:
            Baseline.objects.create(indicator=ind, value=baseline, year=2020)
        for t in targets:
            Target.objects.create(indicator=ind, **t)
        return ind

    literacy = indicator(
        "1",
        "健康素养水平",
        "%",
        led,
        [
            {"year": 2022, "kind": "numeric", "comparator": ">=", "value": 25, "raw_text": "≥25%"},
            {"year": 2030, "kind": "numeric", "comparator": ">=", "value": 35, "raw_text": "≥35%"},
        ],
        baseline=20,
    )
    deaths = indicator(
        "2",
        "婴儿死亡率",
        "‰",
        led,
        [{"year": 2022, "kind": "numeric", "comparator": "<=", "value": 10, "raw_text": "≤10‰"}],
        baseline=12,
        direction="decrease",
    )
    cover = indicator(
        "3",
        "覆盖率",
        "%",
        led,
        [{"year": 2022, "kind": "numeric", "comparator": "=", "value": 100, "raw_text": "100%"}],
        baseline=90,
        tolerance=0.001,
    )
    known = indicator(
        "4",
        "知晓率",
        "%",
        other,
        [
            {
                "year": 2022,
                "kind": "relative",
                "base_year": 2019,
                "change": 10,
                "change_unit": "%",
                "trend": "increase",
                "raw_text": "在2019年基础上提高10%",
            }
        ],
    )
    values = [
        (literacy, city, 2022, 26.0),
        (deaths, city, 2022, 10.5),
        (cover, city, 2022, 99.99),
        (known, city, 2020, 50.0),
        (known, city, 2022, 60.0),
        (literacy, a, 2022, 24.0),
        (cover, a, 2022, 100.0),
    ]
    with django_capture_on_commit_callbacks(execute=True):  # as a commit would: the approvals' own evaluation runs
        for ind, unit, year, value in values:
            IndicatorValue.objects.create(
                indicator=ind, org_unit=unit, year=year, value=value, status=ValueStatus.APPROVED
            )
    evaluate_plan(plan, today=TODAY)
    return {
        "plan": plan,
        "city": city,
        "a": a,
        "b": b,
        "health": health,
        "led": led,
        "other": other,
        "literacy": literacy,
        "deaths": deaths,
        "cover": cover,
        "known": known,
    }


def _verdicts(plan, unit):
    return {
        (v.indicator.number, v.target_year): v.verdict
        for v in TargetVerdict.objects.filter(plan=plan, org_unit=unit).select_related("indicator")
    }


def test_each_target_of_a_past_year_gets_one_stored_verdict(small):
    # city: 26 ≥ 25 met; 10.5 > 10 missed; 99.99 ≠ 100 beyond the register's 0.001; 2019 unreported, so "+10 %" cannot be resolved
    assert _verdicts(small["plan"], small["city"]) == {
        ("1", 2022): "achieved",
        ("2", 2022): "missed",
        ("3", 2022): "missed",
        ("4", 2022): "not_assessable",
    }
    # 甲县 reported for the first time in 2022: 24 misses ≥25 (never "the base year"); nothing for 2 and 4
    assert _verdicts(small["plan"], small["a"]) == {
        ("1", 2022): "missed",
        ("2", 2022): "not_reported",
        ("3", 2022): "achieved",
        ("4", 2022): "not_reported",
    }
    assert set(_verdicts(small["plan"], small["b"]).values()) == {"not_reported"}
    missed = TargetVerdict.objects.get(indicator=small["literacy"], org_unit=small["a"], target_year=2022)
    assert (missed.value, missed.target_text, missed.rule, missed.comparator, missed.target_value) == (
        24.0,
        "≥25%",
        "numeric",
        ">=",
        25.0,
    )
    assert missed.explanation == "2022年24%，未达到2022年目标≥25%，目标未实现。"
    assert missed.get_verdict_display() == "未实现" and missed.get_verdict_color() == "#c62828"


def test_a_verdict_is_kept_when_a_later_year_changes(small):
    before = TargetVerdict.objects.get(indicator=small["literacy"], org_unit=small["city"], target_year=2022)
    IndicatorValue.objects.create(
        indicator=small["literacy"], org_unit=small["city"], year=2023, value=15.0, status=ValueStatus.APPROVED
    )
    evaluate_plan(small["plan"], indicator_ids=[small["literacy"].pk], org_unit_ids=[small["city"].pk], today=TODAY)
    after = TargetVerdict.objects.get(indicator=small["literacy"], org_unit=small["city"], target_year=2022)
    assert (after.pk, after.verdict, after.value, after.computed_at) == (
        before.pk,
        "achieved",
        26.0,
        before.computed_at,
    )


def test_a_target_year_not_yet_over_and_not_reported_has_no_verdict(small):
    evaluate_plan(small["plan"], today=dt.date(2022, 6, 1))  # 2022 not over: only the reported 2022 values are judged
    assert _verdicts(small["plan"], small["b"]) == {}
    assert _verdicts(small["plan"], small["a"]) == {("1", 2022): "missed", ("3", 2022): "achieved"}


def test_stage_summaries_for_the_plan_actions_departments_and_counties(small):
    summary = stage_summary(small["plan"])
    assert (
        summary.year,
        summary.total,
        summary.count("achieved"),
        summary.count("missed"),
        summary.count("not_reported"),
        summary.count("not_assessable"),
    ) == (2022, 4, 1, 2, 0, 1)
    assert summary.text == "2022年阶段性目标：4项中已实现1项，未实现2项，未报送0项，1项不评价"
    assert (
        stage_summary(small["plan"], 2022, action=small["led"]).text
        == "2022年阶段性目标：3项中已实现1项，未实现2项，未报送0项"
    )
    assert stage_summary(small["plan"], 2022, department=small["health"]).counts == {"achieved": 1, "missed": 2}
    assert (
        stage_summary(small["plan"], 2022, org_unit=small["a"]).text
        == "2022年阶段性目标：4项中已实现1项，未实现1项，未报送2项"
    )
    every = stage_summaries(small["plan"])
    assert [(s.name, s.total) for s in every["actions"]] == [("健康知识普及", 3), ("合理膳食", 1)]
    assert [(s.name, s.counts) for s in every["departments"]] == [("市卫健委", {"achieved": 1, "missed": 2})]
    assert [(s.name, s.count("not_reported")) for s in every["counties"]] == [("甲县", 2), ("乙县", 4)]
    assert stage_summary(small["plan"], 2030).total == 0


def test_approving_a_county_value_refreshes_the_city_roll_up_at_once(small, django_capture_on_commit_callbacks):
    plan, city, a, b = small["plan"], small["city"], small["a"], small["b"]
    managed = Indicator.objects.create(
        plan=plan,
        number="5",
        name="高血压规范管理率",
        unit="%",
        nature="binding",
        direction="increase",
        numerator="规范管理人数",
        denominator="管理人数",
        position=5,
    )
    Target.objects.create(indicator=managed, year=2030, kind="numeric", comparator=">=", value=70, raw_text="≥70%")
    with django_capture_on_commit_callbacks(execute=True):  # committed before the change below
        first = IndicatorValue.objects.create(
            indicator=managed,
            org_unit=a,
            year=2025,
            value=60.0,
            numerator=60,
            denominator=100,
            status=ValueStatus.APPROVED,
        )
        IndicatorValue.objects.create(
            indicator=managed,
            org_unit=b,
            year=2025,
            value=70.0,
            numerator=70,
            denominator=100,
            status=ValueStatus.APPROVED,
        )
    evaluate_plan(plan, today=TODAY)
    assert EvaluationResult.objects.get(indicator=managed, org_unit=city, year=2025).value == 65.0  # 130 / 200
    runs = []
    plan_evaluated.connect(lambda **kw: runs.append(kw["org_unit_ids"]), weak=False, dispatch_uid="test-roll-up")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first.value, first.numerator = 80.0, 80
            first.save()
            values_approved(plan.pk, [(managed.pk, a.pk)])  # what the approval services call
    finally:
        plan_evaluated.disconnect(dispatch_uid="test-roll-up")
    assert (
        EvaluationResult.objects.get(indicator=managed, org_unit=city, year=2025).value == 75.0
    )  # 150 / 200, without a full run
    assert runs == [[city.pk, a.pk]]  # one evaluation: the county and the city it rolls up into


def test_several_approvals_in_one_approving_block_evaluate_once(small, django_capture_on_commit_callbacks):
    runs = []
    plan_evaluated.connect(
        lambda **kw: runs.append((sorted(kw["indicator_ids"]), kw["org_unit_ids"])),
        weak=False,
        dispatch_uid="test-once",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic(), approving():
            for ind in (small["deaths"], small["known"]):
                IndicatorValue.objects.create(
                    indicator=ind, org_unit=small["b"], year=2023, value=9.0, status=ValueStatus.APPROVED
                )
                values_approved(small["plan"].pk, [(ind.pk, small["b"].pk)])
    finally:
        plan_evaluated.disconnect(dispatch_uid="test-once")
    assert len(callbacks) == 1
    assert runs == [(sorted([small["deaths"].pk, small["known"].pk]), [small["city"].pk, small["b"].pk])]


def test_the_evaluate_command_prints_results_and_verdicts_as_json(small, capsys):
    call_command("evaluate", "--plan", str(small["plan"].pk), "--year", "2022", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["year"] == 2022
    assert {
        "indicator": "健康素养水平",
        "org_unit": "T101",
        "year": 2022,
        "status": "off_track",
        "explanation": "2022年24%，未达到2022年目标≥25%，目标未实现。",
    } in out["results"]
    assert len(out["results"]) == 4 * 3  # four indicators × three units
    verdicts = {(v["indicator"], v["org_unit"], v["target_year"]): v for v in out["verdicts"]}
    assert verdicts[("覆盖率", "T100", 2022)] == {
        "indicator": "覆盖率",
        "org_unit": "T100",
        "target_year": 2022,
        "target": "100%",
        "value": 99.99,
        "verdict": "missed",
    }
    assert (
        verdicts[("婴儿死亡率", "T102", 2022)]["verdict"] == "not_reported"
        and verdicts[("婴儿死亡率", "T102", 2022)]["value"] is None
    )


def _superuser():
    return get_user_model().objects.create_superuser("importer", password="x" * 16)


def test_values_import_loads_history_approves_it_and_evaluates_once(
    small, tmp_path, capsys, django_capture_on_commit_callbacks
):
    _superuser()
    get_user_model().objects.create_superuser("checker", password="y" * 16)  # a second pair of eyes approves
    path = tmp_path / "history.csv"
    path.write_text(
        "indicator,org unit code,year,value\n知晓率,T100,2019,50\n1,T102,2022,25.5\n婴儿死亡率,T102,2021,11\n",
        encoding="utf-8",
    )
    runs = []
    plan_evaluated.connect(lambda **kw: runs.append(kw), weak=False, dispatch_uid="test-import")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "values",
                "import",
                str(path),
                "--plan",
                str(small["plan"].pk),
                "--approve",
                "--user",
                "importer",
                "--approver",
                "checker",
            )
    finally:
        plan_evaluated.disconnect(dispatch_uid="test-import")
    assert capsys.readouterr().out.strip() == "3 行：保存 3 行，未变 0 行，审核通过 3 行。"
    assert (
        IndicatorValue.objects.get(indicator=small["known"], org_unit=small["city"], year=2019).status
        == ValueStatus.APPROVED
    )
    assert len(runs) == 1
    # 2019 now known: "+10 %" resolves to 55, and 60 meets it
    assert (
        TargetVerdict.objects.get(indicator=small["known"], org_unit=small["city"], target_year=2022).verdict
        == "achieved"
    )
    assert (
        TargetVerdict.objects.get(indicator=small["literacy"], org_unit=small["b"], target_year=2022).verdict
        == "achieved"
    )


def test_a_bad_values_file_is_refused_with_row_numbers_and_nothing_is_written(small, tmp_path):
    _superuser()
    path = tmp_path / "bad.csv"
    path.write_text(
        "indicator,org unit code,year,value\n知晓率,T100,2019,50\n不存在的指标,T100,2021,3\n1,X999,20x1,4\n",
        encoding="utf-8",
    )
    before = IndicatorValue.objects.count()
    with pytest.raises(CommandError) as failed:
        call_command("values", "import", str(path), "--plan", str(small["plan"].pk), "--user", "importer")
    message = str(failed.value)
    assert "第 3 行：方案中没有指标“不存在的指标”。" in message
    assert "第 4 行：方案所辖范围内没有代码为“X999”的单位。" in message
    assert "第 4 行：“20x1”不是年份，例如 2023。" in message
    assert IndicatorValue.objects.count() == before


def test_the_api_lists_verdicts_and_stage_summaries_within_the_visible_plans(small, client):
    page = client.get(f"/api/verdicts/?plan={small['plan'].pk}&org_unit={small['city'].pk}&year=2022").json()
    rows = {r["indicator"]: (r["verdict"], r["verdict_label"], r["value"]) for r in page["results"]}
    assert rows == {
        small["literacy"].pk: ("achieved", "已实现", 26.0),
        small["deaths"].pk: ("missed", "未实现", 10.5),
        small["cover"].pk: ("missed", "未实现", 99.99),
        small["known"].pk: ("not_assessable", "不评价", 60.0),
    }
    assert (
        client.get(f"/api/verdicts/?plan={small['plan'].pk}&verdict=not_reported").json()["count"] == 6
    )  # 甲县 two, 乙县 four
    summary = client.get(f"/api/stage-summaries/?plan={small['plan'].pk}").json()
    assert summary["target_year"] == 2022 and summary["years"] == [2022]
    assert {k: summary["plan"][k] for k in ("total", "achieved", "missed", "not_reported", "not_assessable")} == {
        "total": 4,
        "achieved": 1,
        "missed": 2,
        "not_reported": 0,
        "not_assessable": 1,
    }
    assert [(c["name"], c["not_reported"]) for c in summary["counties"]] == [("甲县", 2), ("乙县", 4)]
    assert client.get("/api/stage-summaries/?plan=x").status_code == 400
    Plan.objects.filter(pk=small["plan"].pk).update(is_public=False)  # an anonymous visitor no longer sees the plan
    assert client.get(f"/api/verdicts/?plan={small['plan'].pk}").json()["count"] == 0
    assert client.get(f"/api/stage-summaries/?plan={small['plan'].pk}").status_code == 404


def test_the_public_view_shows_the_stage_summary(small, client):
    html = client.get(f"/public/plans/{small['plan'].pk}/").content.decode()
    assert '<p id="stage-summary-text">2022年阶段性目标：4项中已实现1项，未实现2项，未报送0项，1项不评价</p>' in html
    assert "甲县" in html and "市卫健委" not in html  # counties yes, departments only on the signed-in dashboard


def test_the_annual_report_has_a_stage_target_subsection(small):
    import io

    from docx import Document

    from healthaction.reports.annual import build_annual_report

    doc = Document(io.BytesIO(build_annual_report(small["plan"], 2023)))
    texts = [p.text for p in doc.paragraphs]
    at = texts.index("2022年阶段性目标完成情况")
    assert texts[at + 1] == "2022年阶段性目标：4项中已实现1项，未实现2项，未报送0项，1项不评价。"
    assert texts[at + 2] == "未实现的目标：婴儿死亡率（目标≤10‰，实际10.5）；覆盖率（目标100%，实际99.99）。"
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "县（市、区）")
    assert [c.text for c in table.rows[0].cells] == ["县（市、区）", "已实现", "未实现", "未报送", "不评价"]
    assert [c.text for c in table.rows[1].cells] == ["甲县", "1", "1", "2", "0"]


def test_the_dashboard_shows_the_stage_summary_with_departments(small, client):
    client.force_login(_superuser())
    html = client.get(f"/plans/{small['plan'].pk}/").content.decode()
    assert '<p id="stage-summary-text">2022年阶段性目标：4项中已实现1项，未实现2项，未报送0项，1项不评价</p>' in html
    assert "<li>市卫健委：2022年阶段性目标：3项中已实现1项，未实现2项，未报送0项</li>" in html
