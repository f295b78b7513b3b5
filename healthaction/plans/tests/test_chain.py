"""Each plan in its own area and a chain of plans (issue 23): `plan import --area`, the upload's area, Plan.parent.

The Naiman banner plan (seed 003, a county plan of 通辽市, 内蒙古自治区) is the one that used to land in the demo
city 青川市 with 青川's six counties owing its items.
"""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from healthaction.collection.models import DueItem
from healthaction.collection.services import publish_plan
from healthaction.core.choices import PlanStatus, Role
from healthaction.documents.tests.seeds import SEEDS
from healthaction.plans.interchange import PlanFormatError, import_plan
from healthaction.plans.models import Plan
from healthaction.plans.services import EditRefused, update_plan_meta
from healthaction.registry.models import Department, Membership, OrgUnit
from healthaction.registry.services import add_area

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not at {SEEDS}")


@pytest.fixture
def naiman(seed, tmp_path):
    path = tmp_path / "naiman.json"
    path.write_text(json.dumps(seed(3), ensure_ascii=False), encoding="utf-8")
    return path


def _import(path, *args) -> tuple[Plan, str]:
    out = io.StringIO()
    call_command("plan", "import", str(path), *args, stdout=out)
    return Plan.objects.order_by("-pk").first(), out.getvalue()


def _published(code: str, title: str) -> Plan:
    return Plan.objects.create(
        org_unit=OrgUnit.objects.get(code=code),
        title=title,
        horizon_start=2023,
        horizon_end=2030,
        status=PlanStatus.PUBLISHED,
    )


@needs_seeds
def test_import_into_its_area_sets_it_up_and_owes_nothing_to_the_demo(db, naiman):
    assert not OrgUnit.objects.filter(code="150525").exists()
    plan, out = _import(naiman, "--area", "150525")
    naiman_unit = OrgUnit.objects.get(code="150525")
    assert out.startswith("Set up the area 150525 奈曼旗: 19 org units created\n")
    assert (plan.org_unit.name, plan.org_unit.parent.name, plan.parent) == ("奈曼旗", "通辽市", None)
    # the departments are 奈曼旗's, none of the demo city's
    assert Department.objects.filter(org_unit=naiman_unit).count() > 0
    assert not plan.tasks.filter(departments__org_unit__code="990100").exists()
    publish_plan(plan)
    items = DueItem.objects.filter(plan=plan)
    assert items.exists()
    assert not items.exclude(org_unit__path__startswith="/150000/150500/150525/").exists()
    assert not items.filter(org_unit__path__startswith="/990000/").exists()


@needs_seeds
def test_the_parent_is_the_published_plan_of_the_nearest_area_above(db, naiman):
    add_area("150525")
    province = _published("150000", "内蒙古自治区规划")
    plan, out = _import(naiman, "--area", "150525")
    assert plan.parent == province  # no city plan yet: the province's
    city_draft = Plan.objects.create(
        org_unit=OrgUnit.objects.get(code="150500"), title="通辽市草案", horizon_start=2023, horizon_end=2030
    )
    city = _published("150500", "通辽市规划")
    plan, out = _import(naiman, "--area", "150525")
    assert plan.parent == city and city_draft != plan.parent
    assert out.rstrip().endswith(f"implements plan {city.pk}: 通辽市规划")
    plan, _ = _import(naiman, "--area", "150525", "--no-parent")
    assert plan.parent is None
    plan, _ = _import(naiman, "--area", "150525", "--parent", str(province.pk))
    assert plan.parent == province
    before = Plan.objects.count()
    with pytest.raises(CommandError, match="150599"):
        _import(naiman, "--area", "150599")
    with pytest.raises(CommandError, match="No plan with id 999999"):
        _import(naiman, "--area", "150525", "--parent", "999999")
    assert Plan.objects.count() == before


@needs_seeds
def test_an_office_never_attaches_a_plan_outside_its_subtree(db, seed):
    add_area("150525")
    add_area("140521")
    before = Plan.objects.count()
    with pytest.raises(PlanFormatError, match="奈曼旗不在山西省范围内"):
        import_plan(
            seed(3),
            area=OrgUnit.objects.get(code="140000"),
            org_unit=OrgUnit.objects.get(code="150525"),
            create_units=False,
        )
    assert Plan.objects.count() == before


@pytest.fixture
def county_office(db, client):
    """The office of 沁水县 (山西省 › 晋城市), signed in; 晋城市 has a published plan."""
    add_area("140521")
    add_area("150525")
    user = get_user_model().objects.create_user("qinshui-office")
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=OrgUnit.objects.get(code="140521"))
    client.force_login(user)
    return client


JIAFENG = (
    "嘉峰镇人民政府\n关于推进健康嘉峰建设的实施方案\n（一）健康知识普及行动。\n1.建立健康科普队伍。（镇卫生院牵头）\n"
)


def _upload(client, text: str, area: str = ""):
    return client.post(
        "/plans/import/",
        {"document": SimpleUploadedFile("plan.txt", text.encode(), content_type="text/plain"), "area": area},
    )


def _job_plan(client, response) -> Plan:
    job = client.get(response["Location"] + "?format=json").json()
    assert job["status"] == "done", job
    return Plan.objects.get(pk=int(job["url"].strip("/").split("/")[1]))


def test_upload_attaches_to_the_area_the_document_names_within_the_office(county_office):
    city = _published("140500", "晋城市规划")
    page = county_office.get("/plans/import/").content.decode()
    # the office's own area and the twelve towns below it are offered, nothing else
    assert page.count('<option value="1405') == 1 + 12 and "150525" not in page and "140500" not in page
    plan = _job_plan(county_office, _upload(county_office, JIAFENG))
    assert plan.org_unit.code == "140521104" and plan.org_unit.name == "嘉峰镇"
    assert plan.parent == city  # 沁水县 has no published plan yet: the nearest above is 晋城市's
    assert not plan.parse_warnings.filter(kind="unknown_area").exists()


def test_upload_to_a_chosen_area_and_never_outside(county_office):
    plan = _job_plan(county_office, _upload(county_office, JIAFENG, area="140521"))
    assert plan.org_unit.code == "140521"
    before = Plan.objects.count()
    for outside in ("150525", "140500", "990100"):
        response = _upload(county_office, JIAFENG, area=outside)
        assert response.status_code == 200 and "150525" not in response.content.decode().split("<option")[0]
        assert response.context["form"].errors["area"]
    assert Plan.objects.count() == before


def test_the_parent_is_changed_in_review_among_the_plans_above(county_office):
    province = _published("140000", "山西省规划")
    city = _published("140500", "晋城市规划")
    _published("150000", "内蒙古自治区规划")
    plan = _job_plan(county_office, _upload(county_office, JIAFENG))
    assert plan.parent == city
    page = county_office.get(f"/plans/{plan.pk}/review/plan/").content.decode()
    assert "晋城市 · 晋城市规划" in page and "山西省 · 山西省规划" in page and "内蒙古自治区规划" not in page
    data = {
        "title": plan.title,
        "issuer": plan.issuer,
        "doc_number": "",
        "issue_date": "",
        "horizon_start": plan.horizon_start,
        "horizon_end": plan.horizon_end,
        "parent": province.pk,
    }
    assert county_office.post(f"/plans/{plan.pk}/review/plan/", data).status_code == 302
    plan.refresh_from_db()
    assert plan.parent == province
    # a plan outside the chain is refused, nothing changes
    with pytest.raises(EditRefused):
        update_plan_meta(plan, {**data, "parent": Plan.objects.get(title="内蒙古自治区规划").pk})
    plan.refresh_from_db()
    assert plan.parent == province
    # the workbook has no parent row: correcting the details there keeps it
    update_plan_meta(plan, {k: v for k, v in data.items() if k != "parent"} | {"title": "嘉峰镇方案"})
    plan.refresh_from_db()
    assert (plan.title, plan.parent) == ("嘉峰镇方案", province)
