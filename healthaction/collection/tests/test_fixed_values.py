"""Issue 24, findings 1 and 2: a submitted value is fixed until the office returns it (or reopens it, once approved);
the approval names the version it approves; the office's own correction is a submission someone else approves.
Every door is tried: the form, autosave, the API (PATCH and create), bulk JSON, the Excel upload and the inspection
share. Each of these tests fails on main at 05c271a (the value changed under review, or was approved unversioned)."""

import io
import json

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from healthaction.api.tokens import issue
from healthaction.collection import excel, services
from healthaction.collection.models import DueItem, IndicatorValue
from healthaction.inspections.models import Round
from healthaction.plans.models import Indicator

User = get_user_model()
SUBMITTED = "该项已报送，正在等待委办审核，现在不能修改。如需修改，请联系委办退回，再修改并重新报送。"


@pytest.fixture
def submitted(demo, login):
    """居民健康素养水平 2026 of the city health commission, submitted by the liaison as 4.1 through the form."""
    indicator = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    item = DueItem.objects.get(indicator=indicator, org_unit__code="990100", year=2026)
    client = login("liaison")
    response = client.post(
        f"/report/items/{item.pk}/", {"value": "4.1", "source": "2026年监测", "version": "0", "action": "submit"}
    )
    assert response.status_code == 302
    return item


def _stored(item):
    return IndicatorValue.objects.get(indicator=item.indicator_id, org_unit=item.org_unit_id, year=item.year)


def _api(client, username):
    client.logout()
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {issue(User.objects.get(username=username))[1]}"
    return client


def test_a_draft_saved_over_a_submitted_value_is_refused_and_the_office_approves_what_was_submitted(submitted, login):
    client = login("liaison")
    url = f"/report/items/{submitted.pk}/"
    page = client.get(url).content.decode()
    assert SUBMITTED in page and 'id="report-form"' not in page  # no form to type into while it waits for review
    # the finding: 保存草稿 with 4.2 on the same item (a tab opened before submitting, or a form posted again)
    response = client.post(url, {"value": "4.2", "source": "2026年监测", "version": "1", "action": "save"})
    assert response.status_code == 409 and SUBMITTED in response.content.decode()
    autosave = client.post(f"{url}autosave/", {"value": "4.2", "source": "2026年监测", "version": "1"})
    assert autosave.status_code == 409 and SUBMITTED in autosave.content.decode()
    value = _stored(submitted)
    assert (value.value, value.status, value.version, value.submitted_by.username) == (4.1, "submitted", 1, "liaison")

    office = login("office")
    queue = office.get("/report/review/").content.decode()
    assert f'id="review-{submitted.pk}"' in queue
    assert office.post(f"{url}review/", {"action": "approve", "version": "1"}).status_code == 302
    value.refresh_from_db()
    assert (value.value, value.status, value.approved_by.username) == (4.1, "approved", "office")


def test_an_approval_names_the_version_it_approves(submitted, login):
    office = User.objects.get(username="office")
    with pytest.raises(services.VersionMissing):
        services.review(office, submitted, approve=True)
    with pytest.raises(services.Conflict):
        services.review(office, submitted, approve=True, expected_version=0)
    client = login("office")
    client.post(f"/report/items/{submitted.pk}/review/", {"action": "approve"})  # a form without its version
    assert _stored(submitted).status == "submitted"


def test_the_office_corrects_a_submission_through_the_api_and_someone_else_approves_it(submitted, client):
    value = _stored(submitted)
    # the liaison cannot change its own submission through the API either
    liaison = _api(client, "liaison")
    response = liaison.patch(
        f"/api/values/{value.pk}/", json.dumps({"value": 12, "version": 1}), content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["detail"] == SUBMITTED
    assert _stored(submitted).value == 4.1
    # the office's PATCH is a correction: a revision in the office's name, submitted, for someone else to approve
    office = _api(client, "office")
    response = office.patch(
        f"/api/values/{value.pk}/", json.dumps({"value": 12, "version": 1}), content_type="application/json"
    )
    assert response.status_code == 200
    value.refresh_from_db()
    assert (value.value, value.status, value.version, value.submitted_by.username) == (12, "submitted", 2, "office")
    assert [(r.action, r.data["value"], r.user.username) for r in services.history(value)] == [
        ("submit", 4.1, "liaison"),
        ("correct", 12, "office"),
    ]
    with pytest.raises(services.NotAllowed):
        services.review(User.objects.get(username="office"), submitted, approve=True, expected_version=2)
    services.review(User.objects.get(username="office2"), submitted, approve=True, expected_version=2)
    value.refresh_from_db()
    assert (value.value, value.status, value.approved_by.username) == (12, "approved", "office2")


def test_bulk_and_excel_uploads_cannot_change_a_submitted_value(submitted, login, client):
    liaison = User.objects.get(username="liaison")
    # with its source, so that only the fixed value can refuse it (before the fix this row went through: no error)
    result = excel.import_rows(
        liaison,
        [
            {
                "indicator_id": submitted.indicator_id,
                "org_unit": "990100",
                "year": 2026,
                "value": 4.2,
                "source": "2026年监测",
            }
        ],
    )
    assert [(e.row, e.message) for e in result.errors] == [(1, f"第 1 行：{SUBMITTED}")]
    # the same figure sent again is not a change: counted as unchanged, nothing written
    same = excel.import_rows(
        liaison,
        [
            {
                "indicator_id": submitted.indicator_id,
                "org_unit": "990100",
                "year": 2026,
                "value": 4.1,
                "source": "2026年监测",
            }
        ],
    )
    assert (same.errors, same.saved, same.unchanged) == ([], 0, 1)
    client = login("liaison")
    response = client.get(f"/report/excel/template/?plan={submitted.plan_id}&department={submitted.department_id}")
    wb = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    ws = wb[excel.VALUE_SHEET]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == submitted.pk)
    ws.cell(row, 9).value = 4.2
    buf = io.BytesIO()
    wb.save(buf)
    result = excel.import_workbook(liaison, buf.getvalue())
    assert [(e.sheet, e.row, e.message) for e in result.errors] == [("指标数据", row, f"第 {row} 行：{SUBMITTED}")]
    value = _stored(submitted)
    assert (value.value, value.status, value.version) == (4.1, "submitted", 1)


def test_the_inspection_share_writes_only_the_indicator_the_round_measures_and_never_approves(demo, login):
    """The finding: a share posted with an unrelated indicator replaced a liaison's submitted 77 by 75, approved."""
    plan = demo["plan"]
    rnd = Round.objects.get(plan=plan, title="2025年健康社区评估")
    measured = Indicator.objects.get(plan=plan, name="健康社区达标比例")
    unrelated = DueItem.objects.filter(
        plan=plan,
        kind="indicator_value",
        department__name="市卫生健康委",
        org_unit=plan.org_unit,
        year=2025,
        status="open",
    ).exclude(indicator=measured)
    item = next(i for i in unrelated.select_related("indicator") if i.indicator.unit == "%")
    liaison = User.objects.get(username="liaison")
    services.save_submission(liaison, item, {"value": 77, "source": "监测"}, submit=True, expected_version=0)
    client = login("office")
    response = client.post(reverse("inspections:round-share", args=[rnd.pk]), {"indicator": item.indicator_id})
    assert response.status_code == 302
    value = _stored(item)
    assert (value.value, value.status, value.version, value.submitted_by.username) == (77, "submitted", 1, "liaison")
