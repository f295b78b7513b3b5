"""An office at every level (issue 23): every role at province, city, county and town level sees its own subtree and
the plans above it, and never a sibling's plan, values, reports or people (pages and API answer 404).

The world uses real division codes (registry/data/divisions.csv.gz): the chain 山西省 › 晋城市 › 沁水县 › 嘉峰镇
and a sibling at every level: 内蒙古自治区 (of 山西省), 朔州市 (of 晋城市), 阳城县 (of 沁水县), 郑庄镇 (of 嘉峰镇).
Every unit has a published, non-public plan with one action, indicator and task, a department, items owed by
that department and by the lower units of the world, a value and a task report for each item.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from healthaction.collection.models import DueItem, IndicatorValue, TaskReport
from healthaction.core.choices import DueKind, PlanStatus, Role, TaskProgress
from healthaction.inspections.choices import ChecklistKind
from healthaction.inspections.models import Checklist, Round
from healthaction.plans.models import Action, Indicator, Plan, Task
from healthaction.registry import scopes
from healthaction.registry.models import Department, Membership, OrgUnit
from healthaction.registry.services import add_area

CHAIN = {"province": "140000", "city": "140500", "county": "140521", "town": "140521104"}
SIBLING = {"province": "150000", "city": "140600", "county": "140522", "town": "140521102"}
NAMES = {
    "140000": "山西省",
    "140500": "晋城市",
    "140521": "沁水县",
    "140521104": "嘉峰镇",
    "150000": "内蒙古自治区",
    "140600": "朔州市",
    "140522": "阳城县",
    "140521102": "郑庄镇",
}
# the plans each level may open (its subtree, any role, and the published plans above it), worked out by hand
VISIBLE = {
    "province": {"山西省", "晋城市", "沁水县", "嘉峰镇", "朔州市", "阳城县", "郑庄镇"},
    "city": {"山西省", "晋城市", "沁水县", "嘉峰镇", "阳城县", "郑庄镇"},
    "county": {"山西省", "晋城市", "沁水县", "嘉峰镇", "郑庄镇"},
    "town": {"山西省", "晋城市", "沁水县", "嘉峰镇"},
}
ROLES = ["office", "liaison", "area_office", "action_lead", "leader", "inspector"]


@pytest.fixture
def world(db):
    for code in ("140521", "140522", "140600", "150525"):
        add_area(code)
    units = {code: OrgUnit.objects.get(code=code) for code in NAMES}
    assert {u.name for u in units.values()} == set(NAMES.values())
    checklist = Checklist.objects.create(key="levels", kind=ChecklistKind.SUPERVISION, title="督导")
    plans, objects = {}, {}
    for code, unit in units.items():
        plan = Plan.objects.create(
            org_unit=unit, title=f"{unit.name}方案", horizon_start=2024, horizon_end=2030, status=PlanStatus.PUBLISHED
        )
        dept = Department.objects.create(org_unit=unit, name=f"{unit.name}卫生健康委")
        action = Action.objects.create(plan=plan, number=1, name="控烟行动", lead_department=dept)
        indicator = Indicator.objects.create(plan=plan, action=action, number="1", name="吸烟率", unit="%")
        task = Task.objects.create(plan=plan, action=action, number="1", content="开展控烟宣传")
        lower = [u for u in units.values() if u.parent_id == unit.pk]
        items, values, reports = [], [], []
        for owner, department in [(unit, dept)] + [(u, None) for u in lower]:
            items.append(
                DueItem.objects.create(
                    plan=plan,
                    kind=DueKind.INDICATOR_VALUE,
                    indicator=indicator,
                    department=department,
                    org_unit=owner,
                    year=2025,
                    due_date=dt.date(2026, 6, 5),
                )
            )
            values.append(IndicatorValue.objects.create(indicator=indicator, org_unit=owner, year=2025, value=20.5))
            reports.append(
                TaskReport.objects.create(
                    task=task,
                    department=department,
                    org_unit=owner,
                    year=2025,
                    half=1,
                    progress=TaskProgress.NOT_STARTED,
                )
            )
        rnd = Round.objects.create(
            plan=plan,
            checklist=checklist,
            year=2025,
            title=f"{unit.name}督导",
            starts=dt.date(2025, 5, 1),
            ends=dt.date(2025, 5, 31),
        )
        plans[code] = plan
        objects[code] = {
            "dept": dept,
            "action": action,
            "indicator": indicator,
            "items": items,
            "values": values,
            "reports": reports,
            "round": rnd,
        }
    return {"units": units, "plans": plans, "objects": objects}


def _user(name: str, memberships: list[dict]):
    user = get_user_model().objects.create_user(username=f"lv_{name}")
    for m in memberships:
        Membership.objects.create(user=user, **m)
    return user


def people(world, level: str) -> dict:
    """The six roles at one level of the chain."""
    code = CHAIN[level]
    unit, objs = world["units"][code], world["objects"][code]
    office = [{"role": Role.OFFICE_ADMIN, "org_unit": unit}]
    if level != "province":  # an office invited from above also answers for its area to the plan above
        office.append({"role": Role.AREA_OFFICE, "org_unit": unit})
    inspector = _user(f"{level}_inspector", [])
    objs["round"].inspectors.add(inspector)
    return {
        "office": _user(f"{level}_office", office),
        "liaison": _user(
            f"{level}_liaison", [{"role": Role.DEPARTMENT_LIAISON, "org_unit": unit, "department": objs["dept"]}]
        ),
        "area_office": _user(f"{level}_area", [{"role": Role.AREA_OFFICE, "org_unit": unit}]),
        "action_lead": _user(f"{level}_lead", [{"role": Role.ACTION_LEAD, "org_unit": unit, "action": objs["action"]}]),
        "leader": _user(f"{level}_leader", [{"role": Role.LEADER, "org_unit": unit}]),
        "inspector": inspector,
    }


def outside(level: str) -> list[str]:
    """Codes of the units whose plans this level never sees: its siblings and theirs above it."""
    return [code for code, name in NAMES.items() if name not in VISIBLE[level]]


def _urls(world, code: str) -> list[str]:
    plan, objs = world["plans"][code], world["objects"][code]
    pages = [
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/actions/1/",
        f"/plans/{plan.pk}/tasks/",
        f"/plans/{plan.pk}/compare/",
        f"/plans/{plan.pk}/ranking/",
        f"/plans/{plan.pk}/review/",
        f"/indicators/{objs['indicator'].pk}/",
        f"/reports/{plan.pk}/annual/",
        f"/reports/{plan.pk}/annual-pdf/",
        f"/reports/{plan.pk}/circular/",
        f"/reports/{plan.pk}/excel/",
        f"/plans/{plan.pk}/lower/",
        f"/catalogue/plans/{plan.pk}/compare/",
        f"/inspections/rounds/{objs['round'].pk}/export/",
        f"/areas/{code}/",
        f"/people/plans/{plan.pk}/",
        f"/people/plans/{plan.pk}/sheet/",
        f"/catalogue/plans/{plan.pk}/",
        f"/inspections/rounds/{objs['round'].pk}/",
        f"/api/plans/{plan.pk}/",
        f"/api/indicators/{objs['indicator'].pk}/",
    ]
    pages += [f"/report/items/{item.pk}/" for item in objs["items"]]
    pages += [f"/api/due-items/{item.pk}/" for item in objs["items"]]
    pages += [f"/api/values/{value.pk}/" for value in objs["values"]]
    pages += [f"/api/task-reports/{report.pk}/" for report in objs["reports"]]
    return pages


@pytest.mark.parametrize("level", list(CHAIN))
def test_nobody_sees_a_sibling(world, client, level):
    """Every role at this level: 404 on every page and API object of the plans outside its subtree and chain."""
    assert len(outside(level)) == {"province": 1, "city": 2, "county": 3, "town": 4}[level]
    for role, user in people(world, level).items():
        client.force_login(user)
        for code in outside(level):
            for url in _urls(world, code):
                response = client.get(url)
                assert response.status_code == 404, (role, NAMES[code], url, response.status_code)


@pytest.mark.parametrize("level", list(CHAIN))
def test_plans_listed_per_role(world, client, level):
    """The API's plan list: the subtree and the plans above for every role with a membership; an inspector none."""
    for role, user in people(world, level).items():
        client.force_login(user)
        listed = {
            row["title"].removesuffix("方案") for row in client.get("/api/plans/?page_size=100").json()["results"]
        }
        listed &= set(NAMES.values())  # the demo's plans are elsewhere
        assert listed == (set() if role == "inspector" else VISIBLE[level]), role


@pytest.mark.parametrize("level", list(CHAIN))
def test_values_listed_per_role(world, client, level):
    """The API's values, by the rules of each role: the leader every value owed to a plan of its subtree; the area
    office what its area and the units below it owe (to any plan, its own lower units' included); the office both
    (it is the area office of its area too, below the province); the liaison its department's; the action lead its
    action's; the inspector none. So never a value of a plan or an area outside."""
    objs, units = world["objects"], world["units"]
    here = units[CHAIN[level]]
    rows = [  # (value, plan's unit, owner, department) for every value of the world
        (value.pk, units[code], item.org_unit, item.department_id)
        for code in NAMES
        for item, value in zip(objs[code]["items"], objs[code]["values"])
    ]

    def within(unit):
        return unit.path.startswith(here.path)

    area = {pk for pk, _, owner, dept in rows if dept is None and within(owner)}
    leader = {pk for pk, plan_unit, _, _ in rows if within(plan_unit)}
    expected = {
        "office": leader | (area if level != "province" else set()),
        "leader": leader,
        "area_office": area,
        "liaison": {objs[CHAIN[level]]["values"][0].pk},
        "action_lead": {v.pk for v in objs[CHAIN[level]]["values"]},
        "inspector": set(),
    }
    # the counts worked out from the world: the values owed within the subtree and by it
    assert len(leader) == {"province": 13, "city": 9, "county": 5, "town": 1}[level]
    assert len(area) == {"province": 6, "city": 5, "county": 3, "town": 1}[level]
    world_values = {pk for pk, *_ in rows}
    for role, user in people(world, level).items():
        client.force_login(user)
        listed = {row["id"] for row in client.get("/api/values/").json()["results"]}
        assert listed & world_values == expected[role], role
        assert not any(outside_pk in listed for outside_pk in world_values - expected[role])


def test_an_office_manages_the_offices_below(world):
    """The city office resets the county office's account through its plan; not its own level's, not a sibling's,
    and the county office never the city's."""
    city, county = people(world, "city"), people(world, "county")
    colleague = _user("city_office_2", [{"role": Role.OFFICE_ADMIN, "org_unit": world["units"]["140500"]}])
    shuozhou = _user("shuozhou_office", [{"role": Role.OFFICE_ADMIN, "org_unit": world["units"]["140600"]}])
    city_plan, county_plan = world["plans"]["140500"], world["plans"]["140521"]
    assert scopes.can_manage_account(city["office"], city_plan, county["office"]) is True
    assert scopes.can_manage_account(city["office"], city_plan, county["area_office"]) is True
    assert scopes.can_manage_account(city["office"], city_plan, colleague) is False
    assert scopes.can_manage_account(city["office"], city_plan, shuozhou) is False
    assert scopes.can_manage_account(county["office"], county_plan, city["office"]) is False
    assert scopes.can_manage_account(county["office"], city_plan, city["liaison"]) is False


def _posts(world, code: str, account) -> list[str]:
    """The writes on a plan's objects: an outsider's POST is refused as not found, before any form is read."""
    plan, objs = world["plans"][code], world["objects"][code]
    posts = [
        f"/plans/switch/?plan={plan.pk}",  # the plan chosen in the menu (its id is posted as `plan` below too)
        f"/plans/{plan.pk}/evaluate/",
        f"/plans/{plan.pk}/publish/",
        f"/people/plans/{plan.pk}/",
        f"/people/plans/{plan.pk}/accounts/{account.pk}/",
    ]
    for item in objs["items"]:
        posts += [f"/report/items/{item.pk}/", f"/report/items/{item.pk}/review/", f"/report/items/{item.pk}/reopen/"]
    return posts


@pytest.mark.parametrize("level", list(CHAIN))
def test_nobody_writes_to_a_sibling(world, client, level):
    """Every role at this level: 404 on every write to a plan outside its subtree and chain (approval, reopening,
    reporting, publishing, evaluating, its people page and the accounts of its office), and nothing changed."""
    accounts = {
        code: _user(f"office_{code}", [{"role": Role.OFFICE_ADMIN, "org_unit": world["units"][code]}]) for code in NAMES
    }
    for role, user in people(world, level).items():
        client.force_login(user)
        for code in outside(level):
            for url in _posts(world, code, accounts[code]):
                data = {"what": "deactivate", "action": "approve", "value": "99", "version": 1}
                response = client.post(url, {**data, "plan": world["plans"][code].pk})
                assert response.status_code == 404, (role, NAMES[code], url, response.status_code)
    assert all(a.is_active for a in get_user_model().objects.filter(pk__in=[a.pk for a in accounts.values()]))
    # the world's values stay as they were made: 20.5, never approved, never 99
    assert set(
        IndicatorValue.objects.filter(indicator__plan__in=world["plans"].values()).values_list("value", "status")
    ) == {(20.5, "draft")}


LISTS = [
    "/",
    "/reports/",
    "/report/inbox/",
    "/report/inbox/?group=history",
    "/report/review/",
    "/report/completeness/",
    "/report/excel/",
    "/people/",
    "/people/offices/",
    "/inspections/",
    "/inspections/findings/",
    "/catalogue/",
]
PLAN_LISTS = ["/", "/report/inbox/", "/report/review/", "/report/completeness/", "/report/excel/", "/people/"]


@pytest.mark.parametrize("level", list(CHAIN))
def test_no_list_names_a_sibling(world, client, level):
    """The pages that list plans, items, reporters, reports, areas and people never name what lies outside: every
    role at this level, every list page it may open (a page it may not open is refused, never filled with others')."""
    names = [NAMES[code] for code in outside(level)]
    # the pages that take a plan from the query: asked for a plan outside, they keep to the reader's own
    asked = [f"{url}?plan={world['plans'][code].pk}" for code in outside(level) for url in PLAN_LISTS]
    roles = people(world, level)
    for role, user in roles.items():
        client.force_login(user)
        for url in LISTS + asked:
            response = client.get(url, follow=True)
            assert response.status_code in (200, 403, 404), (role, url, response.status_code)
            if response.status_code == 200 and "html" in response["Content-Type"]:
                page = response.content.decode()
                assert not [n for n in names if n in page], (role, url, [n for n in names if n in page])
    # the same pages do name what is inside: the office's page of the areas below offers its own lower units
    client.force_login(roles["office"])
    offices = client.get("/people/offices/").content.decode()
    for name in {"province": ["晋城市", "朔州市"], "city": ["沁水县", "阳城县"], "county": ["嘉峰镇", "郑庄镇"]}.get(
        level, []
    ):
        assert name in offices, (level, name)


@pytest.mark.parametrize("level", list(CHAIN))
def test_api_lists_hold_nothing_of_a_sibling(world, client, level):
    """The API's lists of due items and task reports: nothing owed to or reported in a plan outside."""
    objs = world["objects"]
    items = {i.pk for code in outside(level) for i in objs[code]["items"]}
    reports = {r.pk for code in outside(level) for r in objs[code]["reports"]}
    assert (
        len(items) == len(reports) == {"province": 1, "city": 2, "county": 3, "town": 4}[level]
    )  # one item a sibling (none has lower units here)
    for role, user in people(world, level).items():
        client.force_login(user)
        for url, outside_ids in (
            ("/api/due-items/?page_size=500", items),
            ("/api/task-reports/?page_size=500", reports),
        ):
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            assert not {row["id"] for row in response.json()["results"]} & outside_ids, (role, url)


@pytest.mark.parametrize("level", list(CHAIN))
def test_the_public_sees_only_public_plans(world, client, level):
    """Signed out (the public): only this level's plan is made public; its public pages open, every other plan of
    the world answers 404 on the public pages and asks for a sign-in (or 401 on the API) everywhere else."""
    code = CHAIN[level]
    plan = world["plans"][code]
    plan.is_public = True
    plan.save(update_fields=["is_public"])
    assert client.get(f"/public/plans/{plan.pk}/").status_code == 200
    assert client.get(f"/public/indicators/{world['objects'][code]['indicator'].pk}/").status_code == 200
    home = client.get("/public/").content.decode()
    assert f"{NAMES[code]}方案" in home
    assert not [n for c, n in NAMES.items() if c != code and f"{n}方案" in home]
    for other in NAMES:
        if other == code:
            continue
        other_plan, objs = world["plans"][other], world["objects"][other]
        assert client.get(f"/public/plans/{other_plan.pk}/").status_code == 404
        assert client.get(f"/public/indicators/{objs['indicator'].pk}/").status_code == 404
        for url in _urls(world, other):
            response = client.get(url)
            assert response.status_code in (302, 401, 403, 404), (url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), url
