"""Supervision pages: plan a round, score a visit, sign off, rectify with evidence, Excel both ways, results into assessment."""

import datetime as dt
import io

import docx
import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from healthaction.collection import services as collection_services
from healthaction.collection.models import DueItem, IndicatorValue
from healthaction.core.models import Job
from healthaction.evaluation.models import (
    AssessmentScheme,
    AssessmentScore,
    EvaluationResult,
)
from healthaction.evaluation.services import assess_plan
from healthaction.inspections import excel
from healthaction.inspections import services as S
from healthaction.inspections.models import Checklist, Finding, Round, Score, Visit
from healthaction.registry.models import Department, OrgUnit
from healthaction.reports.circular import build_circular

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _plan_round(client, demo, **extra):
    checklist = S.supervision_checklist(demo["plan"])
    inspector = get_user_model().objects.get(username="inspector")
    data = {
        "plan": demo["plan"].pk,
        "checklist": checklist.pk,
        "year": 2026,
        "title": "2026年度专项督导",
        "starts": "2026-09-01",
        "ends": "2026-09-30",
        "inspectors": [inspector.pk],
        "counties": [OrgUnit.objects.get(code="990121").pk, OrgUnit.objects.get(code="990122").pk],
        "departments": [Department.objects.get(name="市卫生健康委").pk],
        **extra,
    }
    return client.post(reverse("inspections:round-new"), data), checklist


def test_the_score_formset_keeps_what_was_typed_when_the_service_refuses(login, demo):
    """The formset reads the typed values; the range is the service's rule. One item given more than its
    points: the page comes back with the typed values and the Chinese reason on that item, nothing saved.
    Then the same entries with the points in range are saved as typed."""
    client = login("office")
    _response, checklist = _plan_round(client, demo)
    visit = Round.objects.get(title="2026年度专项督导").visits.get(org_unit__code="990121")
    first, second, third = list(checklist.items.all())[:3]
    url = reverse("inspections:visit", args=[visit.pk])
    client = login("inspector")
    typed = {
        f"score-{first.pk}-points": f"{first.points + 1:g}",
        f"score-{second.pk}-points": "0",
        f"score-{second.pk}-note": "台账缺失",
        f"score-{third.pk}-points": f"{third.points:g}",
        f"score-{third.pk}-note": "已核实",
        "action": "save",
    }
    page = client.post(url, typed)
    body = page.content.decode()
    assert page.status_code == 400
    assert f"得分应在 0 至 {first.points:g} 分之间。" in body
    assert f'value="{first.points + 1:g}"' in body and "台账缺失</textarea>" in body and "已核实</textarea>" in body
    assert not Score.objects.filter(visit=visit).exists()

    page = client.post(url, typed | {f"score-{first.pk}-points": f"{first.points:g}"})
    assert page.status_code == 302
    saved = {s.item_id: (s.points, s.note) for s in Score.objects.filter(visit=visit)}
    assert saved == {first.pk: (first.points, ""), second.pk: (0.0, "台账缺失"), third.pk: (third.points, "已核实")}


def test_office_plans_a_round_and_the_inspector_scores_signs_off_and_verifies(login, demo):
    client = login("office")
    response, checklist = _plan_round(client, demo)
    rnd = Round.objects.get(title="2026年度专项督导")
    assert response.status_code == 302 and response["Location"] == reverse("inspections:round", args=[rnd.pk])
    assert rnd.visits.count() == 3 and Checklist.objects.get(pk=checklist.pk).frozen
    visit = rnd.visits.get(org_unit__code="990121")
    items = list(checklist.items.all())

    client = login("inspector")
    page = client.get(reverse("inspections:visit", args=[visit.pk]))
    assert page.status_code == 200 and f'name="score-{items[0].pk}-points"' in page.content.decode()
    # a bad number and a deduction without reason: nothing is saved and what was typed stays
    bad = {f"score-{i.pk}-points": str(i.points) for i in items} | {
        f"score-{items[0].pk}-points": "abc",
        f"score-{items[1].pk}-points": "0",
        f"score-{items[2].pk}-note": "已核实",
        "action": "save",
    }
    page = client.post(reverse("inspections:visit", args=[visit.pk]), bad)
    body = page.content.decode()
    assert page.status_code == 400 and "“abc”不是数字" in body and 'value="abc"' in body and "已核实" in body
    assert not Score.objects.filter(visit=visit).exists()
    good = {f"score-{i.pk}-points": f"{i.points:g}" for i in items} | {
        f"score-{items[1].pk}-points": "0",
        f"score-{items[1].pk}-note": "现场未见工作台账",
        f"score-{items[1].pk}-file": SimpleUploadedFile("现场照片.png", PNG, "image/png"),
        "visited_on": "2026-09-03",
        "action": "sign_off",
    }
    page = client.post(reverse("inspections:visit", args=[visit.pk]), good)
    assert page.status_code == 302
    visit.refresh_from_db()
    assert visit.signed_off_at and visit.visited_on == dt.date(2026, 9, 3)
    assert S.visit_total(visit) == round(
        sum(i.points for i in items) - items[1].points, 2
    )  # the county score is the sum of its items
    photo = Score.objects.get(visit=visit, item=items[1])
    assert [f.name for f in photo.files.all()] == ["现场照片.png"]
    download = client.get(reverse("inspections:evidence", args=["score", photo.files.get().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert (
        login("liaison_edu").get(reverse("inspections:evidence", args=["score", photo.files.get().pk])).status_code
        == 404
    )
    client = login("inspector")
    finding = Finding.objects.get(visit=visit)
    assert finding.org_unit.code == "990121" and finding.text == "现场未见工作台账"
    # the signed-off visit can no longer change
    good.pop(f"score-{items[1].pk}-file")
    assert (
        client.post(
            reverse("inspections:visit", args=[visit.pk]), good | {f"score-{items[1].pk}-points": "1", "action": "save"}
        ).status_code
        == 400
    )
    assert Score.objects.get(pk=photo.pk).points == 0

    client = login("county")
    assert client.get(reverse("collection:inbox")).status_code == 200
    page = client.post(
        reverse("inspections:finding", args=[finding.pk]), {"status": "submitted", "comment": "", "evidence": ""}
    )
    assert page.status_code == 400 and "请描述整改情况或上传佐证" in page.content.decode()
    page = client.post(
        reverse("inspections:finding", args=[finding.pk]),
        {
            "status": "submitted",
            "comment": "已建立台账",
            "evidence": SimpleUploadedFile("台账.pdf", b"%PDF-1.4 demo", "application/pdf"),
        },
    )
    assert page.status_code == 302
    client = login("inspector")
    client.post(reverse("inspections:finding", args=[finding.pk]), {"status": "reopened", "comment": "缺少签字"})
    client = login("county")
    client.post(reverse("inspections:finding", args=[finding.pk]), {"status": "submitted", "comment": "补充签字页"})
    client = login("inspector")
    client.post(reverse("inspections:finding", args=[finding.pk]), {"status": "verified", "comment": ""})
    finding.refresh_from_db()
    assert finding.status == "verified"
    assert [(e.status, e.comment) for e in finding.events.all()][1:] == [
        ("submitted", "已建立台账"),
        ("reopened", "缺少签字"),
        ("submitted", "补充签字页"),
        ("verified", ""),
    ]
    assert finding.events.get(comment="已建立台账").evidence_name == "台账.pdf"
    page = client.get(reverse("inspections:finding", args=[finding.pk])).content.decode()
    assert "缺少签字" in page and "台账.pdf" in page


def test_other_users_see_and_change_nothing_of_a_round(login, demo):
    client = login("office")
    _plan_round(client, demo)
    rnd = Round.objects.get(title="2026年度专项督导")
    visit = rnd.visits.get(org_unit__code="990122")
    item = rnd.checklist.items.first()
    client = login("liaison")  # a department liaison is no inspector of the round
    assert client.get(reverse("inspections:visit", args=[visit.pk])).status_code == 404
    assert (
        client.post(
            reverse("inspections:visit", args=[visit.pk]), {f"score-{item.pk}-points": "0", "action": "save"}
        ).status_code
        == 404
    )
    assert client.get(reverse("inspections:round", args=[rnd.pk])).status_code == 404
    assert client.get(reverse("inspections:round-new")).status_code == 403
    assert not visit.scores.exists()
    leader = login("leader")  # the leader reads, never records
    assert leader.get(reverse("inspections:visit", args=[visit.pk])).status_code == 200
    assert (
        leader.post(
            reverse("inspections:visit", args=[visit.pk]), {f"score-{item.pk}-points": "0", "action": "save"}
        ).status_code
        == 403
    )
    # units named by their codes: unknown codes are refused and nothing is planned
    rounds = Round.objects.count()
    page = login("office").post(
        reverse("inspections:round-new"),
        {
            "plan": demo["plan"].pk,
            "checklist": rnd.checklist.pk,
            "year": 2026,
            "title": "抽查",
            "starts": "2026-10-01",
            "ends": "2026-10-02",
            "inspectors": [rnd.inspectors.first().pk],
            "unit_codes": "990121001901, 990122001001\n000000",
        },
    )
    assert (
        page.status_code == 200
        and "不属于本规划地区的单位：000000" in page.content.decode()
        and Round.objects.count() == rounds
    )
    assert "990121001901, 990122001001" in page.content.decode()  # what was typed stays
    page = login("office").post(
        reverse("inspections:round-new"),
        {
            "plan": demo["plan"].pk,
            "checklist": rnd.checklist.pk,
            "year": 2026,
            "title": "抽查",
            "starts": "2026-10-01",
            "ends": "2026-10-02",
            "inspectors": [rnd.inspectors.first().pk],
            "unit_codes": "990121001901、990122001001 990121001901",
        },
    )
    assert sorted(Round.objects.get(title="抽查").visits.values_list("org_unit__code", flat=True)) == [
        "990121001901",
        "990122001001",
    ]
    # the county office sees its own findings only
    county = login("county")
    listed = county.get(reverse("inspections:findings") + "?status=all").context["findings"]
    assert listed and all(
        f.org_unit and f.org_unit.path.startswith(OrgUnit.objects.get(code="990121").path) for f in listed
    )
    other = Finding.objects.exclude(org_unit__path__startswith=OrgUnit.objects.get(code="990121").path).first()
    assert county.get(reverse("inspections:finding", args=[other.pk])).status_code == 404


def test_overdue_rectifications_reach_the_inbox_and_the_circular(login, demo):
    overdue = list(S.overdue_findings(user=get_user_model().objects.get(username="county")))
    assert overdue and all(f.deadline < dt.date.today() and f.status != "verified" for f in overdue)
    page = login("county").get(reverse("collection:inbox")).content.decode()
    assert "逾期未整改" in page and reverse("inspections:finding", args=[overdue[0].pk]) in page
    late_community = Finding.objects.filter(
        visit__round__title="2025年健康社区评估", org_unit__code="990121001001"
    ).first()
    Finding.objects.filter(pk=late_community.pk).update(
        deadline=dt.date(2026, 1, 31)
    )  # a community's finding falls overdue too
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(build_circular(demo["plan"], 2025))).paragraphs)
    assert "三、督导问题整改情况" in text
    county = OrgUnit.objects.get(code="990121")
    linjiang = [
        f for f in S.overdue_findings(plan=demo["plan"]) if f.org_unit_id and f.org_unit.path.startswith(county.path)
    ]  # its communities' too
    named = next(line for line in text.splitlines() if line.startswith("（三）督导发现问题逾期未整改的单位："))
    assert (
        late_community in linjiang and f"临江县（{len(linjiang)}项）" in named
    )  # counted under its county, not as a county of its own
    assert f"{late_community.org_unit.name}（" not in text


def test_checklists_round_trip_through_excel_and_bad_workbooks_change_nothing(login, demo):
    client = login("office")
    checklist = Checklist.objects.filter(key="healthy-community").order_by("-version").first()
    data = client.get(reverse("inspections:checklist-export", args=[checklist.pk])).getvalue()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert [c.value for c in wb["条目"][1]] == excel.ITEM_HEADERS and wb["条目"].max_row == checklist.items.count() + 1
    wb["条目"]["C2"] = 10  # item 1 from 8 to 10 points
    wb["条目"].append(["13", "社区建有健康自助借阅角", 2, "否", None, None])
    buf = io.BytesIO()
    wb.save(buf)
    response = client.post(
        reverse("inspections:checklists"),
        {"what": "import", "plan": demo["plan"].pk, "file": SimpleUploadedFile("list.xlsx", buf.getvalue())},
    )
    newest = Checklist.objects.filter(key="healthy-community").order_by("-version").first()
    assert response.status_code == 302 and newest.version == checklist.version + 1
    assert (
        newest.items.count() == 13
        and newest.items.get(number="1").points == 10
        and round(newest.max_points(), 2) == 104
    )
    assert checklist.items.get(number="1").points == 8  # the old version is as it was

    wb["条目"]["C3"] = "八分"
    wb["条目"]["B4"] = None
    wb["说明"]["B4"] = "别的类别"
    wb["条目"]["E5"] = "99.9"  # links the plan does not have
    wb["条目"]["F6"] = "88.8"
    buf = io.BytesIO()
    wb.save(buf)
    before = Checklist.objects.count()
    response = client.post(
        reverse("inspections:checklists"),
        {"what": "import", "plan": demo["plan"].pk, "file": SimpleUploadedFile("list.xlsx", buf.getvalue())},
    )
    body = response.content.decode()
    assert response.status_code == 400 and Checklist.objects.count() == before
    assert "工作表“条目”第3行，“分值”列" in body and "工作表“条目”第4行，“要求”列" in body and "“类别”列" in body
    assert "工作表“条目”第5行，“关联指标序号”列" in body and "规划中没有序号为“99.9”的指标。" in body
    assert "工作表“条目”第6行，“关联任务序号”列" in body and "规划中没有序号为“88.8”的任务。" in body
    response = client.post(
        reverse("inspections:checklists"),
        {"what": "import", "plan": demo["plan"].pk, "file": SimpleUploadedFile("x.xlsx", b"not a workbook")},
    )
    assert response.status_code == 400 and Checklist.objects.count() == before


def test_results_export_and_import_fill_a_round(login, demo):
    plan = demo["plan"]
    client = login("office")
    checklist = S.healthy_community_checklist()
    town = OrgUnit.objects.get(code="990121001")
    response = client.post(
        reverse("inspections:round-new"),
        {
            "plan": plan.pk,
            "checklist": checklist.pk,
            "year": 2026,
            "title": "2026年健康学校评估",
            "starts": "2026-10-01",
            "ends": "2026-10-31",
            "inspectors": [client.session["_auth_user_id"]],
            "cell_level": "cell",
        },
    )
    rnd = Round.objects.get(title="2026年健康学校评估")
    assert (
        response.status_code == 302
        and rnd.visits.count()
        == OrgUnit.objects.filter(level="cell", path__startswith=plan.org_unit.path).count()
        == 12
    )
    data = client.get(reverse("inspections:round-export", args=[rnd.pk])).getvalue()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet = wb["得分明细"]
    school = f"{town.code}901"
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == school:
            row[5].value = row[4].value - (5 if row[2].value == "3" else 0)
            row[6].value = "活动记录不全" if row[2].value == "3" else None
    buf = io.BytesIO()
    wb.save(buf)
    response = client.post(
        reverse("inspections:round", args=[rnd.pk]), {"file": SimpleUploadedFile("r.xlsx", buf.getvalue())}
    )
    job = Job.objects.filter(kind="inspection-results").latest("pk")  # a background job, run in place here
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.status, job.result) == ("done", {"saved": 12})  # one school × 12 items
    visit = rnd.visits.get(org_unit__code=school)
    assert S.visit_total(visit) == 95 and Score.objects.filter(visit__round=rnd).count() == 12
    summary = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("inspections:round-export", args=[rnd.pk])).getvalue())
    )["汇总"]
    row = next(r for r in summary.iter_rows(min_row=2, values_only=True) if r[0] == school)
    assert (row[2], row[5], row[7]) == (town.name, 95, "是")

    sheet.cell(row=2, column=6, value=999)  # more than the item's points
    sheet.cell(row=3, column=1, value="nowhere")
    buf = io.BytesIO()
    wb.save(buf)
    response = client.post(
        reverse("inspections:round", args=[rnd.pk]), {"file": SimpleUploadedFile("r.xlsx", buf.getvalue())}, follow=True
    )
    assert "“nowhere”不在本轮检查对象中" in response.content.decode() and "未保存任何数据" in response.content.decode()
    assert S.visit_total(visit) == 95
    sheet.cell(row=3, column=1, value=sheet.cell(row=2, column=1).value)
    first_school = rnd.visits.get(org_unit__code=sheet.cell(row=2, column=1).value)
    sheet.cell(row=4, column=6, value=0)  # a deduction with no reason on an item that needs one
    sheet.cell(row=4, column=7, value=None)
    buf = io.BytesIO()
    wb.save(buf)
    response = client.post(
        reverse("inspections:round", args=[rnd.pk]), {"file": SimpleUploadedFile("r.xlsx", buf.getvalue())}, follow=True
    )
    body = response.content.decode()
    assert (
        response.status_code == 200
        and "工作表“得分明细”第2行，“得分”列" in body
        and "得分应在 0 至" in body
        and "工作表“得分明细”第4行" in body
        and "请说明扣分原因" in body
    )
    assert S.visit_total(visit) == 95 and not first_school.scores.exists()  # nothing of the workbook was written


def test_healthy_community_share_is_recorded_from_the_page_and_evaluated(
    login, demo, django_capture_on_commit_callbacks
):
    plan = demo["plan"]
    rnd = Round.objects.get(plan=plan, title="2025年健康社区评估")
    indicator = plan.indicators.get(name="健康社区达标比例")
    # only 临江县's six communities (three towns, two each) get full marks: 6 of the 36 communities meet the norm
    for score in Score.objects.filter(visit__round=rnd).select_related("item", "visit__org_unit__parent__parent"):
        score.points = score.item.points if score.visit.org_unit.parent.parent.code == "990121" else 0
        score.save(update_fields=["points"])
    client = login("office")
    page = client.get(reverse("inspections:round", args=[rnd.pk]))
    assert page.status_code == 200 and "16.7%" in page.content.decode()
    assert rnd.indicator == indicator  # the round measures this indicator (set when the demo planned it)
    # the demo already holds an approved 2025 share (75 %): the office reopens it before recording a new figure
    item = DueItem.objects.get(indicator=indicator, org_unit=plan.org_unit, year=2025)
    office = get_user_model().objects.get(username="office")
    collection_services.reopen(
        office, item, comment="重新评估", expected_version=collection_services.submission_for(item).version
    )
    # another indicator than the one the round measures is refused, and nothing is written (issue 24)
    other = plan.indicators.exclude(pk=indicator.pk).filter(unit="%").first()
    before = IndicatorValue.objects.filter(indicator=other).values_list("pk", "version", "value").order_by("pk")
    before = list(before)
    refused = client.post(reverse("inspections:round-share", args=[rnd.pk]), {"indicator": other.pk}, follow=True)
    assert "只能记录为该指标的数值" in refused.content.decode()
    assert (
        list(IndicatorValue.objects.filter(indicator=other).values_list("pk", "version", "value").order_by("pk"))
        == before
    )
    assert (
        client.post(reverse("inspections:round-share", args=[rnd.pk]), {"indicator": indicator.pk}).status_code == 302
    )
    value = collection_services.submission_for(item)
    assert (value.value, value.status, value.submitted_by.username) == (16.67, "submitted", "office")
    with django_capture_on_commit_callbacks(execute=True):  # the evaluation is queued when the value is approved
        collection_services.review(
            get_user_model().objects.get(username="office2"), item, approve=True, expected_version=value.version
        )
    result = EvaluationResult.objects.get(indicator=indicator, org_unit=plan.org_unit, year=2025)
    assert result.value == 16.67
    assert login("county").post(
        reverse("inspections:round-share", args=[rnd.pk]), {"indicator": indicator.pk}
    ).status_code in (403, 404)


def test_supervision_scores_enter_the_assessment_when_the_scheme_gives_them_weight(demo, login):
    plan = demo["plan"]
    visit = Visit.objects.get(round__title="2025年度健康青川行动专项督导", org_unit__code="990121")
    for score in visit.scores.select_related("item"):  # 临江县 earns every point of the checklist: a share of 1
        score.points = score.item.points
        score.save(update_fields=["points"])
    scheme, _ = AssessmentScheme.objects.get_or_create(plan=plan)
    before = {s.org_unit_id: s.score for s in assess_plan(plan, 2025) if s.org_unit_id}
    scheme.supervision_weight = 0.2
    scheme.save()
    scores = assess_plan(plan, 2025)
    units, departments = S.supervision_shares(plan, 2025)
    assert units[visit.org_unit_id] == pytest.approx(1.0)
    linjiang = next(s for s in scores if s.org_unit_id == visit.org_unit_id)
    part = next(c for c in linjiang.contributions if c.get("component") == "supervision")
    # a share of 1 with a weight of 0.2 is worth 20 of the 100 points; the indicators keep the other 80 %
    assert part == {
        "component": "supervision",
        "indicator": "专项督导",
        "status": "100%",
        "weight": 0.2,
        "share": pytest.approx(1.0),
        "points": 20.0,
    }
    assert linjiang.score == pytest.approx(before[visit.org_unit_id] * 0.8 + 20, abs=0.01)
    health = Department.objects.get(name="市卫生健康委")
    assert any(
        c.get("component") == "supervision"
        for c in AssessmentScore.objects.get(plan=plan, year=2025, department=health).contributions
    )
    unsigned = Visit.objects.get(round__title="2025年度健康青川行动专项督导", signed_off_at__isnull=True)
    subject = unsigned.org_unit_id or unsigned.department_id
    assert subject not in (units if unsigned.org_unit_id else departments)  # a visit not signed off gives no points
    page = login("office").get(reverse("plan-ranking", args=[plan.pk]) + "?year=2025").content.decode()
    assert "<li>专项督导：100% × 0.2 → 20.0</li>" in page


def test_a_checklist_in_use_is_frozen_and_a_new_version_is_edited_on_the_web(login, demo):
    client = login("office")
    used = Round.objects.get(title="2025年健康社区评估").checklist
    item = used.items.get(number="1")
    refused = client.post(
        reverse("inspections:checklist", args=[used.pk]),
        {"items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0", "pass_mark": "60"},
    )
    assert (
        refused.status_code == 302
        and Checklist.objects.get(pk=used.pk).pass_mark == 80
        and used.items.get(pk=item.pk).points == 8
    )
    response = client.post(reverse("inspections:checklist", args=[used.pk]), {"what": "version"})
    copy = Checklist.objects.filter(key=used.key).order_by("-version").first()
    assert (
        response["Location"] == reverse("inspections:checklist", args=[copy.pk])
        and copy.version > used.version
        and not copy.frozen
    )
    rows = list(copy.items.all())
    form = {
        "items-TOTAL_FORMS": str(len(rows) + 1),
        "items-INITIAL_FORMS": str(len(rows)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "pass_mark": "85",
    }
    for k, row in enumerate(rows):
        form |= {
            f"items-{k}-id": row.pk,
            f"items-{k}-number": row.number,
            f"items-{k}-text": row.text,
            f"items-{k}-points": f"{row.points:g}",
            f"items-{k}-checklist": copy.pk,
        }
        if row.evidence_required:
            form[f"items-{k}-evidence_required"] = "on"
    form |= {"items-0-points": "-3"}  # refused, and what was typed stays on the page
    page = client.post(reverse("inspections:checklist", args=[copy.pk]), form)
    assert (
        page.status_code == 200
        and "分值须为大于0的数字" in page.content.decode()
        and 'value="-3"' in page.content.decode()
    )
    assert copy.items.get(number="1").points == 8
    form |= {
        "items-0-points": "6",
        f"items-{len(rows)}-number": "13",
        f"items-{len(rows)}-text": "开展控烟志愿服务",
        f"items-{len(rows)}-points": "2",
    }
    assert client.post(reverse("inspections:checklist", args=[copy.pk]), form).status_code == 302
    copy.refresh_from_db()
    assert (
        copy.pass_mark == 85
        and copy.items.get(number="1").points == 6
        and copy.items.get(number="13").text == "开展控烟志愿服务"
    )
    assert round(copy.max_points(), 2) == 100 and used.items.get(number="1").points == 8


def test_the_api_lists_rounds_visits_and_findings_within_each_users_scope(client, demo):
    from healthaction.api.tokens import issue

    def auth(username):
        _token, key = issue(get_user_model().objects.get(username=username))
        return {"HTTP_AUTHORIZATION": f"Token {key}"}

    supervision = Round.objects.get(title="2025年度健康青川行动专项督导")
    rounds = client.get("/api/inspection-rounds/?year=2025", **auth("inspector")).json()["results"]
    assert {r["title"] for r in rounds} == {"2025年度健康青川行动专项督导", "2025年健康社区评估"}
    scored = Score.objects.filter(visit__round=supervision, visit__org_unit__code="990121")
    scored.update(points=0)
    scored.filter(pk=scored.order_by("pk").first().pk).update(points=7.5)  # 临江县's visit totals 7.5 points
    visits = client.get(f"/api/visits/?round={supervision.pk}", **auth("office")).json()["results"]
    assert len(visits) == 8  # six counties and two departments (demo/inspections.py)
    linjiang = next(v for v in visits if v["org_unit"] == OrgUnit.objects.get(code="990121").pk)
    assert linjiang["total"] == 7.5
    verified = client.get(f"/api/findings/?round={supervision.pk}&status=verified", **auth("county")).json()["results"]
    assert verified and [e["status"] for e in verified[0]["events"]] == [
        "open",
        "rectifying",
        "submitted",
        "reopened",
        "submitted",
        "verified",
    ]
    county_findings = client.get("/api/findings/?status=open", **auth("county")).json()
    assert (
        county_findings["count"]
        == Finding.objects.filter(
            status="open", org_unit__path__startswith=OrgUnit.objects.get(code="990121").path
        ).count()
        > 0
    )
    assert all(
        Finding.objects.get(pk=f["id"]).org_unit.path.startswith(OrgUnit.objects.get(code="990121").path)
        for f in county_findings["results"]
    )
    assert (
        client.get("/api/inspection-rounds/", **auth("county")).json()["count"] == 0
    )  # a county office is no inspector
    assert client.get(f"/api/visits/{linjiang['id']}/", **auth("liaison_edu")).status_code == 404
    assert client.get("/api/findings/?round=abc", **auth("office")).status_code == 400
    assert client.get("/api/findings/").status_code in (401, 403)


def test_the_office_sets_the_assessment_components_on_the_ranking_page(login, demo):
    plan = demo["plan"]
    url = reverse("plan-ranking", args=[plan.pk]) + "?year=2025"
    fields = {"points_achieved": "1", "points_on_track": "0.5"}
    client = login("office")
    body = client.get(url).content.decode()
    title = body[body.index("<title>") + 7 : body.index("</title>")]
    assert (
        "<form" not in title and body.count('name="supervision_weight"') == 1
    )  # the scheme form sits once, in the page body
    page = client.post(url, fields | {"timeliness_weight": "0.7", "supervision_weight": "0.5"})
    assert page.status_code == 400 and "报送及时性与专项督导两项比例之和不能超过总分" in page.content.decode()
    assert AssessmentScheme.objects.get(plan=plan).supervision_weight == 0
    assert client.post(url, fields | {"timeliness_weight": "0.1", "supervision_weight": "0.2"}).status_code == 302
    scheme = AssessmentScheme.objects.get(plan=plan)
    assert (scheme.timeliness_weight, scheme.supervision_weight) == (0.1, 0.2)
    linjiang = AssessmentScore.objects.get(plan=plan, year=2025, org_unit__code="990121")
    assert {c["component"] for c in linjiang.contributions if c.get("component")} == {"timeliness", "supervision"}
    assert login("county").post(url, fields | {"timeliness_weight": "0", "supervision_weight": "0"}).status_code in (
        403,
        404,
    )
    assert AssessmentScheme.objects.get(plan=plan).supervision_weight == 0.2


def test_the_office_changes_a_planned_round(login, demo):
    client = login("office")
    _plan_round(client, demo)
    rnd = Round.objects.get(title="2026年度专项督导")
    scored = rnd.visits.get(org_unit__code="990121")
    item = rnd.checklist.items.first()
    S.record_score(get_user_model().objects.get(username="inspector"), scored, item, item.points)
    baishi = rnd.visits.get(org_unit__code="990122")
    url = reverse("inspections:round-edit", args=[rnd.pk])
    assert client.get(url).status_code == 200
    other = get_user_model().objects.get(username="leader")
    data = {
        "plan": demo["plan"].pk,
        "title": "2026年度专项督导（调整）",
        "starts": "2026-09-05",
        "ends": "2026-10-10",
        "inspectors": [other.pk],
        "counties": [OrgUnit.objects.get(code="990123").pk, OrgUnit.objects.get(code="990121").pk],
        "remove": [baishi.pk],
    }
    assert client.post(url, data | {"ends": "2026-09-01"}).status_code == 400  # ends before it starts: nothing changes
    assert Round.objects.get(pk=rnd.pk).title == "2026年度专项督导"
    assert (
        client.post(url, data | {"remove": [scored.pk]}).status_code == 400
    )  # a visit with scores is not offered for dropping
    assert client.post(url, data).status_code == 302
    rnd.refresh_from_db()
    assert (rnd.title, rnd.ends, list(rnd.inspectors.all())) == (
        "2026年度专项督导（调整）",
        dt.date(2026, 10, 10),
        [other],
    )
    assert sorted(rnd.visits.exclude(org_unit=None).values_list("org_unit__code", flat=True)) == [
        "990121",
        "990123",
    ]  # 临江县 kept once, 白石县 dropped
    assert scored.scores.count() == 1
    assert login("inspector").get(url).status_code == 404  # no longer an inspector of the round
    assert login("leader").get(url).status_code == 403  # an inspector now, yet only the office changes rounds


def test_the_findings_page_and_the_api_share_one_filterset(login, demo):
    client = login("office")
    supervision = Round.objects.get(title="2025年度健康青川行动专项督导")
    # demo/inspections.py: 临江县's first finding was verified (after a reopening), none other
    linjiang = OrgUnit.objects.get(code="990121")
    page = client.get(
        reverse("inspections:findings") + f"?status=verified&round={supervision.pk}&org_unit={linjiang.pk}"
    )
    assert [f.status for f in page.context["findings"]] == ["verified"]
    api = client.get(f"/api/findings/?status=verified&round={supervision.pk}&org_unit={linjiang.pk}").json()
    assert [f["id"] for f in api["results"]] == [f.pk for f in page.context["findings"]]
    refused = client.get(reverse("inspections:findings") + "?status=closed")
    assert refused.status_code == 400 and 'class="error" role="alert"' in refused.content.decode()
