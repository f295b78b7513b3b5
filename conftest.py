"""Shared test fixtures: the demo data set and personas."""

import functools
import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

from healthaction.web.tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS


def pytest_sessionstart(session):
    """Under CI (CI=true), where ../shared/seeds is always laid beside the checkout, missing seeds are an error:
    the tests that read them would otherwise skip in silence. A fresh clone elsewhere still skips them with the reason."""
    from healthaction.documents.tests.seeds import SEEDS

    if os.environ.get("CI", "").strip().lower() == "true" and not any(SEEDS.glob("00*_*.txt")):
        raise pytest.UsageError(f"CI=true but the seed documents are not at {SEEDS} (set HEALTHACTION_SEEDS)")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the demo once per test session; each test runs in a transaction that is rolled back."""
    from healthaction.demo.build import build_demo

    with django_db_blocker.unblock():
        build_demo()


@pytest.fixture
def demo(db):
    """Return the demo summary: its plan and logins (the data are in the test database already)."""
    from healthaction.demo.build import DEMO_DOC_NUMBER
    from healthaction.demo.content import USERS
    from healthaction.plans.models import Plan

    return {"plan": Plan.objects.get(doc_number=DEMO_DOC_NUMBER), "logins": [(u[0], u[1], u[2]) for u in USERS]}


@pytest.fixture(scope="module")
def province_demo(django_db_setup, django_db_blocker):
    """The province demo (a few actions per plan), built once for a test module inside a transaction that is
    rolled back after the module; each test's own transaction nests inside it, so the city demo stays as it was."""
    from django.db import transaction

    from healthaction.demo.province import TEST_ACTIONS, build_province

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_province(actions=TEST_ACTIONS)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="session")
def seed():
    """Return a function that parses a seed document by its number (0–4), cached for the session."""
    from healthaction.documents import parse_document
    from healthaction.documents.tests.seeds import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"the seed documents are not at {SEEDS}")
    cache: dict[int, dict] = {}

    def parse(number: int) -> dict:
        if number not in cache:
            path = next(SEEDS.glob(f"{number:03d}_*.txt"))
            cache[number] = parse_document(path.read_bytes(), path.name)
        return cache[number]

    return parse


@pytest.fixture
def login(client):
    """Log the client in as a demo user by name; return the client."""
    from healthaction.demo.content import USERS
    from healthaction.demo.inspections import INSPECTOR

    passwords = {u[0]: u[1] for u in USERS} | {INSPECTOR[0]: INSPECTOR[1]}

    def as_user(username):
        client.logout()
        assert client.login(username=username, password=passwords[username])
        return client

    return as_user


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last: their live server needs committed data and a flush after each test,
    which would remove the demo that the other tests share."""
    # browser tests first among these, on the intact demo; tests that flush or restore the database after them
    items.sort(
        key=lambda item: 2 if item.get_closest_marker("flushes") else 1 if item.get_closest_marker("browser") else 0
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached page fragments must not leak from one test's data into the next."""
    from django.conf import settings

    if settings.configured:
        from django.core.cache import cache

        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _no_login_throttling(request):
    """django-axes needs the request at authenticate(); the test client's login() does not pass it.
    The throttling test switches it on itself."""
    from django.conf import settings

    if not settings.configured or request.node.get_closest_marker("axes"):
        yield
        return
    old = getattr(settings, "AXES_ENABLED", True)
    settings.AXES_ENABLED = False
    yield
    settings.AXES_ENABLED = old


# ---- tests that need a system tool: skipped, with the reason printed (-rs), when the tool is absent ----------


def _cjk_font() -> bool:
    from healthaction.reports.charts import FontMissing, cjk_font

    try:
        cjk_font()
    except FontMissing:
        return False
    return True


def _chromium() -> bool:
    return bool(shutil.which("chromium") or shutil.which("chromium-browser"))


REQUIRED_TOOLS = {
    "requires_cjk_font": (
        _cjk_font,
        "no CJK font installed: charts cannot print Chinese (apt-get install fonts-noto-cjk)",
    ),
    "requires_soffice": (
        lambda: bool(shutil.which("soffice") and shutil.which("pdftoppm")),
        "LibreOffice and poppler-utils are not installed (apt-get install libreoffice-writer-nogui poppler-utils)",
    ),
    "requires_chromium": (_chromium, "Chromium is not installed: browser tests skipped (apt-get install chromium)"),
}


def pytest_configure(config):
    for name, (_, reason) in REQUIRED_TOOLS.items():
        config.addinivalue_line("markers", f"{name}: skipped when absent ({reason})")


@functools.cache
def _tool_present(name: str) -> bool:
    return REQUIRED_TOOLS[name][0]()


def pytest_runtest_setup(item):
    for name, (_, reason) in REQUIRED_TOOLS.items():
        if item.get_closest_marker(name) and not _tool_present(name):
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _jobs_run_in_place(settings):
    """Background jobs run in place on django-tasks' Immediate backend, so a test sees their result at once: the
    tests prove the work, not the queue. core/tests/test_worker.py and test_serve.py run real worker processes."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def browser():
    """One headless Chromium (Debian's package) driven by Playwright, for the browser tests. Playwright's sync API
    keeps an event loop in the test's thread, so Django's async-safety check is relaxed for these tests only."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module", params=["small", "medium"])
def province(request, django_db_setup, django_db_blocker):
    """The province-scale data set (healthaction/demo/province_scale.py) at two sizes, built once per module and size
    inside a transaction that is rolled back afterwards; each test runs in a savepoint within it. A test using it
    runs twice, once per size: query-count tests assert the same count at both."""
    from django.db import transaction

    from healthaction.demo import province_scale

    scale = {"small": province_scale.SMALL, "medium": province_scale.MEDIUM}[request.param]
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield province_scale.build_province(scale)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
