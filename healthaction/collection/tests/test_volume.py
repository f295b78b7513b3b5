"""Issue 24, finding 14 (volume): the liaison's template lists the periods open now (history on request), and the
review queue approves ticked rows at once, each at the version shown. Both fail on main at 05c271a."""

import datetime as dt
import io

import openpyxl
from django.contrib.auth import get_user_model

from healthaction.collection import excel, services
from healthaction.collection.models import DueItem, IndicatorValue
from healthaction.registry.models import Department

User = get_user_model()


def _periods(client, demo, history=False):
    department = Department.objects.get(name="市卫生健康委")
    url = f"/report/excel/template/?plan={demo['plan'].pk}&department={department.pk}" + (
        "&history=1" if history else ""
    )
    wb = openpyxl.load_workbook(io.BytesIO(client.get(url).getvalue()))
    values = {r[6] for r in wb[excel.VALUE_SHEET].iter_rows(min_row=2, values_only=True) if r[0]}
    tasks = {r[4] for r in wb[excel.TASK_SHEET].iter_rows(min_row=2, values_only=True) if r[0]}
    return values, tasks


def test_the_template_lists_open_periods_and_history_on_request(login, demo):
    today = dt.date.today()
    client = login("liaison")
    values, tasks = _periods(client, demo)
    # the demo reports from 2025-01-01: the 2024 value (due 2025-06-05) and later ones up to this year's; progress of
    # the half-years from 2025 H1 (2024's were due before the start) to the one begun now
    assert values == set(range(2024, today.year + 1))
    assert "2024年下半年" not in tasks and "2025年上半年" in tasks
    half = "上" if today.month <= 6 else "下"
    assert f"{today.year}年{half}半年" in tasks and f"{today.year + 1}年上半年" not in tasks
    everything, all_tasks = _periods(client, demo, history=True)
    assert max(everything) == 2030 and "2030年下半年" in all_tasks


def test_the_review_queue_approves_ticked_rows_each_at_its_version(login, demo):
    liaison = User.objects.get(username="liaison")
    open_items = DueItem.objects.filter(
        plan=demo["plan"],
        kind="indicator_value",
        department__name="市卫生健康委",
        org_unit__code="990100",
        year=2026,
        status="open",
        indicator__unit="%",
    ).order_by("pk")
    items = list(open_items[:2])
    for item, value in zip(items, (31.5, 22.4)):
        services.save_submission(liaison, item, {"value": value, "source": "监测"}, submit=True, expected_version=0)
    office = login("office")
    queue = office.get("/report/review/").content.decode()
    for item in items:
        assert f'name="item" value="{item.pk}"' in queue  # a tick box per row, its value shown beside it
    assert "31.5" in queue and "22.4" in queue
    # the second was corrected meanwhile by someone else: its version 1 is stale and it is not approved
    services.save_submission(
        User.objects.get(username="office2"),
        items[1],
        {"value": 22.0, "source": "监测"},
        submit=True,
        expected_version=1,
    )
    response = office.post(
        "/report/review/approve/",
        {"item": [items[0].pk, items[1].pk], f"version-{items[0].pk}": "1", f"version-{items[1].pk}": "1"},
        follow=True,
    )
    page = response.content.decode()
    assert "1 项已审核通过" in page and "第 2 版" in page
    first, second = (
        IndicatorValue.objects.get(indicator=i.indicator_id, org_unit=i.org_unit_id, year=2026) for i in items
    )
    assert (first.value, first.status, first.approved_by.username) == (31.5, "approved", "office")
    assert (second.value, second.status, second.version) == (22.0, "submitted", 2)
