"""Every page fits a 390 px phone: nothing makes the page itself scroll sideways (issue 24 #17).

A wide table scrolls inside its own box; the page's width (document.documentElement.scrollWidth) stays at most
the screen's. Checked in Chinese and in English, as the office (who sees the most pages) and without login.
"""

import re

import pytest
from django.urls import reverse

from healthaction.web.tests.test_browser import login, site  # noqa: F401  (the live demo site fixture)

PHONE = {"width": 390, "height": 844}


def _pages(plan, indicator, action_number):
    return [
        reverse("home"),
        reverse("plan-detail", args=[plan.pk]),
        reverse("action-detail", args=[plan.pk, action_number]),
        reverse("plan-compare", args=[plan.pk]),
        reverse("plan-tasks", args=[plan.pk]),
        reverse("plan-ranking", args=[plan.pk]),
        reverse("indicator-detail", args=[indicator.pk]),
        reverse("collection:inbox"),
        reverse("collection:review"),
        reverse("collection:completeness"),
        reverse("reports:index"),
        reverse("inspections:index"),
        reverse("catalogue:list"),
        reverse("people:plan", args=[plan.pk]),
        reverse("api-tokens"),
    ]


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_every_page_fits_a_phone(site, browser, language):  # noqa: F811
    from healthaction.demo.build import DEMO_DOC_NUMBER
    from healthaction.demo.content import USERS
    from healthaction.plans.models import Plan

    plan = Plan.objects.get(doc_number=DEMO_DOC_NUMBER)
    indicator = plan.indicators.order_by("position").first()
    action = plan.actions.order_by("number").first()
    context = browser.new_context(locale=language, viewport=PHONE, is_mobile=True)
    context.add_cookies([{"name": "django_language", "value": language[:2].lower(), "url": site}])
    page = context.new_page()
    public = [
        reverse("public-home"),
        reverse("public-plan", args=[plan.pk]),
        reverse("public-indicator", args=[indicator.pk]),
    ]
    wide = []
    for path in public:
        page.goto(site + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append(f"{path}: {width}")
    password = {u[0]: u[1] for u in USERS}["office"]
    login(page, site, "office", password)
    for path in _pages(plan, indicator, action.number):
        page.goto(site + path)
        assert not re.search(r"/accounts/login", page.url), path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append(f"{path}: {width}")
    context.close()
    assert wide == []
