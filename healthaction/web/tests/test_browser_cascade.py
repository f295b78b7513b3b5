"""A province's whole cascade in a real browser, on a fresh install without the demo (issue 23, "Done when" 4).

The first-run page sets up 山西省 (with every unit below it: 朔州市 140600, 晋城市 › 沁水县 140521 › 嘉峰镇
140521104). The province office invites the offices of 朔州市 and 沁水县; 沁水县's invites 嘉峰镇's. 朔州市 uploads
the Shuozhou seed (000_*.txt) and 嘉峰镇 the Jiafeng seed (002_*.txt), each reviews and publishes it. Reporting goes
through the departments' liaisons, as the product intends: the city's 市卫健委 reports a value the city office
approves; the town's health centre (its lead department, set in review) reports the progress of three tasks.
The county sees its town's progress, the province both chains and 朔州's targets against the national ones, and
every office gets 404 on its siblings' pages. Everything is done through the pages; the ORM only reads results back.

Expected values worked out by hand:
- Shuozhou seed, line 39: "到 2022 年和 2030 年，全市居民健康素养水平分别不低于 20% 和 30%"; the national table
  (catalogue/national.json HCA-007) sets ≥22 for 2022 and ≥30 for 2030: 20 < 22, so 2022 is weaker than national
  (flag 低于国家目标); 30 = 30 is not.
- The Jiafeng seed names no department at all: its 18 tasks owe nothing until a lead is set. Tasks 1.1, 2.1 and 3.1
  get 镇卫生院 as lead in review: three task items of the current half-year; reported as 2 推进中 and 1 已完成.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from healthaction.documents.tests.seeds import SEEDS
from healthaction.registry.services import setup_code
from healthaction.web.tests.browser import ARTIFACTS

pytestmark = [pytest.mark.requires_chromium, pytest.mark.browser]

SHUOZHOU = "关于推进健康中国·朔州行动实施方案"
JIAFENG = "关于推进健康嘉峰建设的实施方案"


def _seed(number: int):
    paths = sorted(SEEDS.glob(f"{number:03d}_*.txt"))
    if not paths:
        pytest.skip(f"the seed documents are not at {SEEDS}")
    return paths[0]


@pytest.fixture
def fresh_site(live_server, transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)  # no demo, no account, no area
    return live_server.url


class Site:
    """The browser's side of the test: one context per person, as separate people on separate machines."""

    def __init__(self, browser, url):
        self.browser, self.url = browser, url

    def person(self):
        return self.browser.new_context(locale="zh-CN").new_page()

    def sign_in(self, page, username, password):
        page.goto(f"{self.url}/accounts/login/")
        page.get_by_label(re.compile("用户名")).fill(username)
        page.get_by_label(re.compile("密码")).fill(password)
        page.get_by_role("button", name=re.compile("登录")).click()
        page.wait_for_load_state()
        expect(page.locator("body")).not_to_contain_text("请输入正确的")

    def accept(self, link, username, password):
        """Someone else opens an invitation link, sets a password and signs in."""
        page = self.person()
        page.goto(link)
        page.locator("#id_new_password1").fill(password)
        page.locator("#id_new_password2").fill(password)
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        self.sign_in(page, username, password)
        return page

    def invite_office(self, page, code):
        page.goto(f"{self.url}/")
        page.locator("#lower-offices").click()
        page.locator("#invite-area").select_option(code)
        page.get_by_role("button", name="创建办公室账号").click()
        return page.locator("#invited-username").inner_text(), page.locator("#invitation-link").get_attribute("href")

    def upload(self, page, path, title):
        page.goto(f"{self.url}/plans/import/")
        page.set_input_files("input[type=file]", str(path))
        page.get_by_role("button", name="读取文件").click()
        page.wait_for_selector("#job-result", timeout=120_000)  # the job page polls until the parse is done
        page.click("#job-result")
        expect(page.locator("h1")).to_contain_text(title)

    def dismiss_open_warnings(self, page, reason):
        """Each open parser warning is read and dismissed with a reason, one by one as a reviewer does."""
        open_ones = page.locator("li[id^=warning-]:not(.meta)")
        while open_ones.count():
            warning = open_ones.first
            wid = warning.get_attribute("id")
            warning.locator("input[name=reason]").fill(reason)
            warning.get_by_role("button", name="忽略").click()
            expect(page.locator(f"#{wid}")).to_have_class(re.compile("meta"))

    def sheet_link(self, page, plan_people_url, reporter):
        """On the plan's people page: create the reporters' accounts, then read one reporter's row of the sheet."""
        page.goto(plan_people_url)
        page.locator("#create-accounts button[type=submit]").click()
        page.wait_for_load_state()
        page.locator("#sheet-link").click()
        row = page.locator("tr", has=page.locator("td", has_text=reporter)).first
        return row.locator("td.username").inner_text().strip(), row.locator("td.link code").inner_text().strip()


def test_a_province_cascade_through_the_pages(fresh_site, browser):
    from healthaction.collection.models import IndicatorValue, TaskReport
    from healthaction.core.choices import PlanStatus
    from healthaction.plans.models import Plan

    shuozhou_seed, jiafeng_seed = _seed(0), _seed(2)
    site = Site(browser, fresh_site)

    # ---- the first run: 山西省 and its office -------------------------------------------------------------
    province = site.person()
    province.goto(f"{fresh_site}/")
    expect(province).to_have_url(re.compile(r"/setup/$"))
    province.get_by_label("您的地区").fill("山西")
    province.get_by_role("button", name="查找").click()
    province.locator("#area-hits").get_by_role("link", name="山西省", exact=True).click()
    province.locator("#id_username").fill("shanxi")
    province.locator("#id_password1").fill("Shanxi-Office-2026")
    province.locator("#id_password2").fill("Shanxi-Office-2026")
    province.locator("#id_setup_code").fill(setup_code())
    province.locator("#create-office").click()
    province.wait_for_load_state()
    expect(province).to_have_url(f"{fresh_site}/")

    # ---- the province invites 朔州市 and 沁水县; 沁水县 invites 嘉峰镇 ------------------------------------------
    user, link = site.invite_office(province, "140600")
    assert user == "140600-office-1"
    city = site.accept(link, user, "Shuozhou-Office-2026")
    user, link = site.invite_office(province, "140521")
    assert user == "140521-office-1"
    county = site.accept(link, user, "Qinshui-Office-2026")
    county.goto(f"{fresh_site}/people/offices/")
    # the county invites only its own towns: 嘉峰镇 among them, nothing of 阳城县 (140522) or 朔州市
    options = county.locator("#invite-area option").evaluate_all("els => els.map(e => e.value)")
    assert "140521104" in options and all(code.startswith("140521") for code in options)
    user, link = site.invite_office(county, "140521104")
    assert user == "140521104-office-1"
    town = site.accept(link, user, "Jiafeng-Office-2026")

    # ---- 朔州市 uploads the Shuozhou seed, reviews and publishes it -------------------------------------------
    site.upload(city, shuozhou_seed, "朔州")
    shuozhou = Plan.objects.get(title=SHUOZHOU)
    assert (shuozhou.org_unit.code, shuozhou.org_unit.name) == ("140600", "朔州市")  # the area the document names
    site.dismiss_open_warnings(city, "已核对原文：责任单位见各项任务")
    city.click("#publish")
    city.wait_for_load_state()
    shuozhou.refresh_from_db()
    assert shuozhou.status == PlanStatus.PUBLISHED

    # ---- 嘉峰镇 uploads the Jiafeng seed; the health centre leads three tasks; the rest is dismissed ---------
    site.upload(town, jiafeng_seed, "嘉峰")
    jiafeng = Plan.objects.get(title=JIAFENG)
    assert (jiafeng.org_unit.code, jiafeng.org_unit.name) == ("140521104", "嘉峰镇")
    review_url = town.url
    for number in ("1.1", "2.1", "3.1"):
        town.goto(review_url)
        town.locator("li[id^=task-]", has_text=re.compile(rf"^{re.escape(number)} ")).get_by_role(
            "link", name="修改", exact=True
        ).click()
        town.get_by_label(re.compile("牵头部门")).fill("镇卫生院")
        town.get_by_role("button", name=re.compile("^保存")).click()
        town.wait_for_load_state()
    town.goto(review_url)
    expect(town.locator("li[id^=task-]", has_text="镇卫生院（牵头）")).to_have_count(3)
    site.dismiss_open_warnings(town, "镇级方案未列指标，由县级方案考核")
    town.click("#publish")
    town.wait_for_load_state()
    jiafeng.refresh_from_db()
    assert jiafeng.status == PlanStatus.PUBLISHED

    # ---- the town's health centre reports the progress of its three tasks ----------------------------------
    username, link = site.sheet_link(town, f"{fresh_site}/people/plans/{jiafeng.pk}/", "镇卫生院")
    centre = site.accept(link, username, "Jiafeng-Centre-2026")
    today = dt.date.today()
    year, half = today.year, 1 if today.month <= 6 else 2
    period = f"{year}年{'上' if half == 1 else '下'}半年"
    # the tasks' first words in the seed (lines 14–16), as the inbox shows them
    for content, progress in (
        ("健康知识普及行动。倡导", "in_progress"),
        ("合理膳食行动。针对", "in_progress"),
        ("控烟行动。利用", "done"),
    ):
        centre.goto(f"{fresh_site}/report/inbox/")
        centre.locator("h2.period", has_text=period).locator("xpath=following-sibling::table[1]").get_by_role(
            "link", name=re.compile(re.escape(content))
        ).click()
        centre.locator("#id_progress").select_option(progress)
        centre.locator("#id_text").fill("已在各村开展宣传，详见台账。")
        centre.locator("button[name=action][value=submit]").click()
        centre.wait_for_load_state()
        expect(centre.locator("#status")).to_have_text("已报送")
    assert TaskReport.objects.filter(task__plan=jiafeng, year=year, half=half).exclude(status="draft").count() == 3

    # ---- 朔州市's 市卫健委 reports 2025's 居民健康素养水平; the city office approves it ------------------------
    username, link = site.sheet_link(city, f"{fresh_site}/people/plans/{shuozhou.pk}/", "市卫健委")
    liaison = site.accept(link, username, "Shuozhou-Health-2026")
    liaison.goto(f"{fresh_site}/report/inbox/?group=history")
    liaison.get_by_label("搜索").fill("居民健康素养水平")
    liaison.get_by_role("button", name="筛选").click()
    liaison.wait_for_load_state()
    liaison.locator("h2.period", has_text="2025").locator("xpath=following-sibling::table[1]").get_by_role(
        "link", name="居民健康素养水平", exact=True
    ).click()
    liaison.locator("#id_value").fill("21.6")
    liaison.locator("#id_source").fill("2025年朔州市居民健康素养监测")
    liaison.locator("button[name=action][value=submit]").click()
    liaison.wait_for_load_state()
    expect(liaison.locator("#status")).to_have_text("已报送")

    city.goto(f"{fresh_site}/report/review/")
    row = city.locator("tr", has=city.get_by_role("link", name="居民健康素养水平", exact=True)).first
    row.get_by_role("button", name="审核通过", exact=True).click()
    city.wait_for_load_state()
    value = IndicatorValue.objects.get(
        indicator__plan=shuozhou, indicator__name="居民健康素养水平", org_unit__code="140600", year=2025
    )
    assert (value.value, value.status) == (21.6, "approved")

    # ---- the county sees its town's progress rolled up -----------------------------------------------------
    county.goto(f"{fresh_site}/areas/140521/")
    town_row = county.locator("#area-plans tr[data-code='140521104']")
    expect(town_row.locator("th")).to_contain_text("嘉峰镇")
    expect(town_row.locator("td.progress")).to_have_text(re.compile(rf"{period}：\s*推进中 2\s+已完成 1"))
    assert county.locator("#area-plans tr[data-code='140600']").count() == 0  # 朔州市 is not the county's
    county.screenshot(path=str(ARTIFACTS / "cascade_county.png"), full_page=True)

    # ---- the province sees both chains, the value and 朔州's targets against the national ones -------------
    province.goto(f"{fresh_site}/areas/140000/")
    codes = province.locator("#area-plans tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert codes == ["140521104", "140600"]  # by path: 晋城市 (140500) › 沁水县 › 嘉峰镇 before 朔州市 (140600)
    expect(province.locator("#area-plans tr[data-code='140521104'] td.progress")).to_contain_text("已完成 1")
    # 朔州市's one approved value (2025) is its one indicator with a result, counted at the province
    statuses = province.locator("#area-plans tr[data-code='140600'] td").nth(4)
    expect(statuses).to_have_text(re.compile(r"^\s*2025\s+\S+\s+1\s*$"))
    # neither plan implements one above: the province, 晋城市 and 沁水县 have none
    expect(province.locator("#area-plans tbody tr td:nth-of-type(2)")).to_have_text(["—", "—"])
    province.screenshot(path=str(ARTIFACTS / "cascade_province.png"), full_page=True)
    province.goto(f"{fresh_site}/indicators/{value.indicator_id}/")
    reported = province.locator("tr", has=province.locator("td", has_text=re.compile("^2025$"))).filter(has_text="21.6")
    # 朔州市's value, approved by the city office (140600-office-1, 朔州市办公室), seen from the province
    expect(reported.locator("td").nth(0)).to_have_text("朔州市")
    expect(reported.locator("td").nth(3)).to_have_text("已审核")
    expect(reported.locator("td").nth(4)).to_contain_text("朔州市办公室")  # the office account the province created
    province.goto(f"{fresh_site}/catalogue/plans/{shuozhou.pk}/compare/")
    literacy = province.locator("#compare-targets tr", has=province.locator("th", has_text="居民健康素养水平")).filter(
        has_not_text="心理"
    )
    expect(literacy.locator("td").nth(0)).to_have_text("2022年不低于20%；2030年不低于30%")
    expect(literacy.locator("td").nth(2)).to_have_text("2022年≥22；2030年≥30")
    expect(literacy.locator("td").nth(3)).to_have_text("低于国家目标")
    province.screenshot(path=str(ARTIFACTS / "cascade_compare.png"), full_page=True)

    # ---- every office: 404 on its siblings' pages --------------------------------------------------------
    shuozhou_pages = [f"/plans/{shuozhou.pk}/", f"/catalogue/plans/{shuozhou.pk}/compare/", "/areas/140600/"]
    jiafeng_pages = [f"/plans/{jiafeng.pk}/", f"/people/plans/{jiafeng.pk}/", "/areas/140521/", "/areas/140521104/"]
    for page, pages in ((city, jiafeng_pages), (county, shuozhou_pages), (town, shuozhou_pages)):
        for path in pages:
            assert page.goto(f"{fresh_site}{path}").status == 404, (page.url, path)
    assert town.goto(f"{fresh_site}/areas/140521102/").status == 404  # 郑庄镇, the town's sibling
    assert county.goto(f"{fresh_site}/areas/140522/").status == 404  # 阳城县, the county's sibling
