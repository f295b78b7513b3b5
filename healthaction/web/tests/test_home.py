from healthaction.core.choices import PlanStatus


def test_the_home_page_lists_the_demo_plans_actions(login, demo):
    client = login("leader")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "健康青川行动实施方案（2021—2030年）" in html
    for action in demo["plan"].actions.all():
        assert action.name in html
    assert html.count("<tr><td>") == demo["plan"].actions.count()


def test_the_home_page_is_in_chinese_by_default_and_english_on_request(client, demo):
    assert "登录" in client.get("/public/").content.decode()
    response = client.get("/public/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Log in" in response.content.decode()


def test_an_unpublished_plan_is_hidden_from_anonymous_visitors(client, demo):
    plan = demo["plan"]
    plan.status = PlanStatus.DRAFT
    plan.save()
    assert plan.title not in client.get("/public/").content.decode()
    assert client.get(f"/public/plans/{plan.pk}/").status_code == 404
    client.login(username="leader", password="demo-leader-2026")
    assert client.get(f"/plans/{plan.pk}/").status_code == 404  # a draft is for the office only
    client.login(username="office", password="demo-office-2026")
    assert client.get(f"/plans/{plan.pk}/").status_code == 200


def test_the_printed_admin_login_opens_the_admin_and_the_office_login_does_not(client, demo):
    assert client.get("/admin/").status_code == 302
    # issue 24: the demo's office is an ordinary office account; the site's administration is the admin account's
    response = client.post("/admin/login/?next=/admin/", {"username": "office", "password": "demo-office-2026"})
    assert response.status_code == 200 and client.get("/admin/").status_code == 302
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "demo-admin-2026"})
    assert response.status_code == 302
    page = client.get("/admin/plans/indicator/")
    assert page.status_code == 200
    assert "居民健康素养水平" in page.content.decode()


def test_a_liaison_cannot_open_the_admin(client, demo):
    client.login(username="liaison", password="demo-liaison-2026")
    assert client.get("/admin/plans/plan/").status_code == 302
