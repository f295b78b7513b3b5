"""Areas from the official division codes (issue 23): the shipped data, `add_area` and `healthaction areas`.

Expected names and counts are read from the 2023 statistical division codes (奈曼旗: 8 towns, 6 苏木 and 乡,
a state farm and a 街道办事处 = 16 units; 沁水县: 7 towns and 5 townships = 12).
"""

import io

import pytest
from django.core.management import CommandError, call_command

from healthaction.cli import help_text
from healthaction.core.choices import Level
from healthaction.registry import divisions
from healthaction.registry.models import OrgUnit
from healthaction.registry.services import AreaError, add_area


def test_official_names_and_codes():
    naiman = divisions.get("150525")
    assert naiman.name == "奈曼旗" and naiman.level == Level.COUNTY
    assert [(d.code, d.name) for d in divisions.ancestors("150525")] == [
        ("150000", "内蒙古自治区"),
        ("150500", "通辽市"),
    ]
    assert divisions.label(divisions.get("140521104")) == "山西省 › 晋城市 › 沁水县 › 嘉峰镇"
    # a county-level city directly under its province: no 省直辖县级行政区划 between them
    assert [d.name for d in divisions.ancestors("419001")] == ["河南省"]
    # a city without counties holds its towns directly
    assert divisions.get("441900003").parent == "441900"
    # statistical zones are not divisions
    assert divisions.get("150571") is None


def test_search_by_name():
    assert [d.code for d in divisions.search("沁水")] == ["140521"]
    assert divisions.search("山西")[0].code == "140000"
    assert divisions.search("嘉峰镇")[0].code == "140521104"
    assert divisions.search("140521")[0].name == "沁水县"
    assert divisions.search("  ") == []


@pytest.mark.django_db
def test_add_county_creates_ancestors_and_towns_once():
    before = OrgUnit.objects.count()
    result = add_area("150525")
    assert (result.created, result.existing) == (19, 0)
    assert OrgUnit.objects.count() == before + 19
    naiman = OrgUnit.objects.get(code="150525")
    assert (naiman.name, naiman.level, naiman.parent.code, naiman.parent.parent.code) == (
        "奈曼旗",
        Level.COUNTY,
        "150500",
        "150000",
    )
    assert OrgUnit.objects.get(code="150000").name == "内蒙古自治区"
    assert OrgUnit.objects.get(code="150500").name == "通辽市"
    assert naiman.path == "/150000/150500/150525/"
    assert OrgUnit.objects.filter(parent=naiman, level=Level.TOWN).count() == 16
    assert OrgUnit.objects.get(code="150525103").path == "/150000/150500/150525/150525103/"

    again = add_area("150525")
    assert (again.created, again.existing) == (0, 19)
    assert OrgUnit.objects.count() == before + 19


@pytest.mark.django_db
def test_add_beside_existing_units_keeps_them():
    demo = OrgUnit.objects.get(code="990100")  # the demo city 青川市 (fictional), in the test database
    demo_path, demo_units = demo.path, OrgUnit.objects.filter(path__startswith=demo.path).count()
    add_area("140521")
    county = OrgUnit.objects.get(code="140521")
    assert [u.name for u in OrgUnit.objects.filter(parent=county).order_by("code")][:5] == [
        "龙港镇",
        "中村镇",
        "郑庄镇",
        "端氏镇",
        "嘉峰镇",
    ]
    assert OrgUnit.objects.filter(parent=county).count() == 12
    assert OrgUnit.objects.get(code="140521104").parent.parent.name == "晋城市"
    demo.refresh_from_db()
    assert (demo.name, demo.path) == ("青川市", demo_path) == ("青川市", "/990000/990100/")
    assert OrgUnit.objects.filter(path__startswith=demo.path).count() == demo_units
    # the city added later takes its other counties and keeps 沁水县 where it is
    result = add_area("140500")
    assert result.existing == 2 + 1 + 12
    assert OrgUnit.objects.get(code="140521").pk == county.pk


@pytest.mark.django_db
def test_unknown_code_changes_nothing():
    before = OrgUnit.objects.count()
    with pytest.raises(AreaError, match="990525"):
        add_area("990525")
    assert OrgUnit.objects.count() == before


@pytest.mark.django_db
def test_areas_command():
    out = io.StringIO()
    call_command("areas", "add", "150525", stdout=out)
    assert out.getvalue().strip() == "150525 内蒙古自治区 › 通辽市 › 奈曼旗: 19 org units created, 0 already there"
    out = io.StringIO()
    call_command("areas", "add", "150525", stdout=out)
    assert "0 org units created, 19 already there" in out.getvalue()
    with pytest.raises(CommandError, match="150599"):
        call_command("areas", "add", "150599")
    out = io.StringIO()
    call_command("areas", "find", "嘉峰", stdout=out)
    assert out.getvalue() == "140521104\ttown\t山西省 › 晋城市 › 沁水县 › 嘉峰镇\n"
    assert (
        "  areas           Set up areas from the official division codes: areas add CODE (with its ancestors and"
        " lower units), areas find NAME." in help_text().splitlines()
    )
