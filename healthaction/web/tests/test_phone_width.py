"""Every page fits a 390 px phone: nothing makes the page itself scroll sideways (issue 24 #17).

A wide table scrolls inside its own box; the page's width (document.documentElement.scrollWidth) stays at most
the screen's. Checked for every page the office, a liaison and a leader open (the union of the site's pages below;
a page a role may not open answers 403/404 and is left out for it), in Chinese and in English, and without login.
The review page of a draft with a long title shows that draft in the header and stays within the screen.
"""

import re

import pytest
from django.urls import reverse

from healthaction.web.tests.test_browser import login, site  # noqa: F401  (the live demo site fixture)

PHONE = {"width": 390, "height": 844}
LONG_TITLE = (
    "关于印发青川市贯彻落实健康中国行动推进健康青川建设实施方案（2021—2030年）及其重点任务分工方案的通知（征求意见稿）"
)


def _pages(plan, draft):
    """Every page a person opens (urls.py of each app), with ids from the demo and the draft."""
    from healthaction.collection.models import DueItem
    from healthaction.inspections.models import Checklist, Finding, Round, Visit

    indicator = plan.indicators.order_by("position").first()
    action = plan.actions.order_by("number").first()
    item = DueItem.objects.filter(plan=plan, indicator=indicator, org_unit=plan.org_unit).order_by("year").first()
    task_item = DueItem.objects.filter(plan=plan, task__isnull=False).order_by("pk").first()
    county = plan.org_unit.children.order_by("code").first()
    pages = [
        reverse("home"),
        reverse("plan-detail", args=[plan.pk]),
        reverse("action-detail", args=[plan.pk, action.number]),
        reverse("plan-compare", args=[plan.pk]),
        reverse("plan-tasks", args=[plan.pk]),
        reverse("plan-lower-areas", args=[plan.pk]),
        reverse("area-plans", args=[county.code]),
        reverse("plan-ranking", args=[plan.pk]),
        reverse("indicator-detail", args=[indicator.pk]),
        reverse("plan-import"),
        reverse("plan-review", args=[draft.pk]),
        reverse("plan-edit-meta", args=[draft.pk]),
        reverse("plan-edit-task", args=[draft.pk, draft.tasks.order_by("pk").first().pk]),
        reverse("plan-add-indicator", args=[draft.pk]),
        reverse("collection:inbox"),
        reverse("collection:item", args=[item.pk]),
        reverse("collection:item", args=[task_item.pk]),
        reverse("collection:review"),
        reverse("collection:excel"),
        reverse("collection:completeness"),
        reverse("reports:index"),
        reverse("inspections:index"),
        reverse("inspections:checklists"),
        reverse("inspections:findings"),
        reverse("catalogue:list"),
        reverse("catalogue:plan-matches", args=[plan.pk]),
        reverse("catalogue:plan-compare", args=[plan.pk]),
        reverse("people:plan", args=[plan.pk]),
        reverse("people:sheet", args=[plan.pk]),
        reverse("people:offices"),
        reverse("api-tokens"),
        reverse("account-history"),
    ]
    for model, name in ((Checklist, "inspections:checklist"), (Round, "inspections:round")):
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(reverse(name, args=[first.pk]))
    for model, name in ((Visit, "inspections:visit"), (Finding, "inspections:finding")):
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(reverse(name, args=[first.pk]))
    return pages


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _culprits(page) -> list[str]:
    """The innermost elements that reach beyond the screen (tag#id.class and width), to say what to fix."""
    return page.evaluate(
        """(w) => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1
              && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
            .slice(0, 5).map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)""",
        PHONE["width"],
    )


@pytest.mark.parametrize(
    "username,language",
    [("office", "zh-CN"), ("office", "en-US"), ("liaison", "zh-CN"), ("liaison", "en-US"), ("leader", "zh-CN")],
)
def test_every_page_of_every_role_fits_a_phone(site, browser, username, language):  # noqa: F811
    from healthaction.demo.build import DEMO_DOC_NUMBER
    from healthaction.demo.content import USERS
    from healthaction.plans.models import Plan
    from healthaction.plans.tests.drafts import make_draft

    plan = Plan.objects.get(doc_number=DEMO_DOC_NUMBER)
    draft = make_draft()
    draft.title = LONG_TITLE
    draft.save(update_fields=["title"])
    context = browser.new_context(locale=language, viewport=PHONE, is_mobile=True)
    context.add_cookies([{"name": "django_language", "value": language[:2].lower(), "url": site}])
    page = context.new_page()
    wide, opened = [], []
    if username == "office":  # the public pages, before signing in
        indicator = plan.indicators.order_by("position").first()
        for path in (
            reverse("public-home"),
            reverse("public-plan", args=[plan.pk]),
            reverse("public-indicator", args=[indicator.pk]),
        ):
            page.goto(site + path)
            if _width(page) > PHONE["width"]:
                wide.append(f"{path}: {_width(page)}")
    login(page, site, username, {u[0]: u[1] for u in USERS}[username])
    for path in _pages(plan, draft):
        response = page.goto(site + path)
        assert not re.search(r"/accounts/login", page.url), path
        if response.status in (403, 404):
            continue
        assert response.status == 200, (path, response.status)
        opened.append(path)
        if _width(page) > PHONE["width"]:
            wide.append(f"{path}: {_width(page)} {_culprits(page)}")
    context.close()
    assert wide == []
    # each role opens its own pages at least (the menu's pages and one of its items)
    must = {
        "office": [reverse("collection:review"), reverse("plan-review", args=[draft.pk]), reverse("people:offices")],
        "liaison": [reverse("collection:inbox"), reverse("collection:excel"), reverse("account-history")],
        "leader": [reverse("plan-detail", args=[plan.pk]), reverse("plan-ranking", args=[plan.pk])],
    }[username]
    assert [p for p in must if p not in opened] == []


def test_the_review_queue_the_comparison_and_the_draft_header_on_a_phone(site, browser):  # noqa: F811
    """The reporter column keeps whole words on a line; the comparison scrolls inside its own box; the header of a
    draft's review shows that draft, its long title cut within the screen."""
    from django.contrib.auth import get_user_model

    from healthaction.collection import services
    from healthaction.collection.models import DueItem
    from healthaction.demo.build import DEMO_DOC_NUMBER
    from healthaction.plans.models import Plan
    from healthaction.plans.tests.drafts import make_draft

    plan = Plan.objects.get(doc_number=DEMO_DOC_NUMBER)
    draft = make_draft()
    draft.title = LONG_TITLE
    draft.save(update_fields=["title"])
    liaison = get_user_model().objects.get(username="liaison")
    item = DueItem.objects.get(
        indicator__plan=plan, indicator__name="居民健康素养水平", org_unit__code="990100", year=2026
    )
    services.save_submission(liaison, item, {"value": 30, "source": "监测"}, submit=True, expected_version=0)
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    login(page, site, "office", "demo-office-2026")

    page.goto(f"{site}/report/review/?plan={plan.pk}")
    cells = page.evaluate(
        """() => {
        const heads = [...document.querySelectorAll('table thead th')].map(th => th.innerText.trim());
        const k = heads.indexOf('报送单位');
        return [...document.querySelectorAll('table tbody tr')].map(tr => tr.children[k]).filter(Boolean).map(td => {
            // the lines the text takes: its glyph boxes' distinct tops (the row is as tall as its tallest cell)
            const range = document.createRange();
            range.selectNodeContents(td);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return {text: td.innerText.trim(), lines: tops.size};
        });
    }"""
    )
    assert cells, "the demo's review queue has rows"
    # 市卫生健康委 on one line (it took 6, a character a line)
    assert [c for c in cells if c["lines"] != 1] == []
    assert _width(page) <= PHONE["width"]

    page.goto(f"{site}/plans/{plan.pk}/compare/")
    box = page.evaluate(
        """() => { const b = document.querySelector('.scroll-x'); if (!b) return null;
                   const t = b.querySelector('table');
                   return {scroll: Math.max(b.scrollWidth, t.scrollWidth), client: Math.max(b.clientWidth, t.clientWidth)}; }"""
    )
    assert box is not None and box["client"] <= PHONE["width"] < box["scroll"]  # wide, scrolled inside its own box
    assert _width(page) <= PHONE["width"]

    page.goto(f"{site}/plans/{draft.pk}/review/")
    shown = page.evaluate(
        """() => { const s = document.querySelector('#plan-switch');
                   if (s) return s.options[s.selectedIndex].text;
                   const c = document.querySelector('.plan-current'); return c ? c.title : null; }"""
    )
    assert shown is not None and shown.startswith(LONG_TITLE[:20])
    assert _width(page) <= PHONE["width"]
    context.close()
