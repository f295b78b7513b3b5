"""Fuzz-style tests of every upload path: malformed files, zip bombs, path traversal, huge files.
Each ends in a clear error, and the database is unchanged."""

import html
import io
import json
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from healthaction.collection.models import DueItem, Evidence, IndicatorValue, Revision
from healthaction.plans.models import Plan


def _state():
    return (
        IndicatorValue.objects.count(),
        Revision.objects.count(),
        Evidence.objects.count(),
        Plan.objects.count(),
        DueItem.objects.filter(received_at__isnull=False).count(),
    )


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _bomb() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<w/>",
            "word/document.xml": b" " * (250 * 1024 * 1024),
        }
    )


rng = random.Random(11)
MALFORMED = [
    ("empty.xlsx", b""),
    ("random.xlsx", bytes(rng.randrange(256) for _ in range(5000))),
    ("truncated.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook>"})[:300]),
    ("no-sheets.xlsx", _zip({"[Content_Types].xml": b"<Types/>"})),
    ("../../etc/passwd.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    ("bomb.xlsx", _bomb()),
]


@pytest.mark.parametrize(("name", "data"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_excel_uploads(login, demo, name, data):
    client = login("liaison")
    before = _state()
    response = client.post("/report/excel/", {"file": SimpleUploadedFile(name, data)}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error"' in html
    assert _state() == before


@pytest.mark.parametrize(
    ("name", "data", "outcome"),
    [
        (
            "report.pdf",
            b"MZ\x90\x00executable",
            "Only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG files are accepted as evidence.",
        ),
        ("../../../../tmp/evil.pdf", b"%PDF-1.4 fine content", "stored as evil.pdf"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, "stored as scan.png"),
        ("archive.docx", _zip({"evil.sh": b"rm -rf /"}), "Zip archives are not accepted as evidence"),
        ("big.pdf", b"%PDF-1.4" + b"0" * (11 * 1024 * 1024), "“big.pdf” is larger than 10 MB."),
        ("bomb.docx", _bomb(), "It is refused as a possible zip bomb."),  # core/limits.py's wording
    ],
    ids=["exe-as-pdf", "path-traversal", "tiny-png", "zip-not-office", "too-big", "zip-bomb"],
)
def test_evidence_uploads(login, demo, name, data, outcome):
    item = DueItem.objects.filter(department__name="市卫生健康委", year=2026, kind="indicator_value").first()
    client = login("liaison")
    client.cookies["django_language"] = "en"  # the reasons below are the English messages
    before = _state()
    response = client.post(
        f"/report/items/{item.pk}/",
        {"value": "10", "source": "x", "version": "0", "action": "submit", "evidence": SimpleUploadedFile(name, data)},
    )
    if outcome.startswith("stored as "):
        # accepted files are stored under a generated name inside the media folder, never where the name points
        assert response.status_code == 302
        evidence = Evidence.objects.latest("pk")
        assert evidence.original_name == outcome.removeprefix("stored as ")
        assert ".." not in evidence.file.name and evidence.file.name.startswith("evidence/")
    else:
        assert response.status_code == 200 and outcome in html.unescape(response.content.decode())
        assert _state() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.txt", b"", "空"),
        ("plan.docx", b"PK\x03\x04garbage", "Word"),
        ("plan.pdf", b"%PDF-1.4 no text", "PDF"),
        ("plan.docx", _bomb(), "疑似压缩炸弹"),  # core/limits.py's wording
    ],
    ids=["empty", "bad-docx", "no-text-pdf", "zip-bomb"],
)
def test_plan_document_uploads(login, demo, settings, name, data, message):
    """Jobs run in place on django-tasks' Immediate backend: this proves the work, not the queue (core/tests/test_worker.py runs real workers)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = login("office")
    before = _state()
    response = client.post("/plans/import/", {"document": SimpleUploadedFile(name, data)})
    if response.status_code == 200:  # refused by the form itself
        assert message in response.content.decode()
    else:
        job = client.get(response["Location"] + "?format=json").json()
        assert job["status"] == "failed" and message in job["message"]
    assert _state() == before


def test_api_bulk_garbage(client, demo):
    client.login(username="liaison", password="demo-liaison-2026")
    before = _state()
    for body, ctype in (
        (b"\xff\xfe\x00garbage", "text/csv"),
        (b'{"rows": 5}', "application/json"),
        (json.dumps([{"year": "x"}]).encode(), "application/json"),
        (
            json.dumps(
                [{"indicator_id": "1; DROP TABLE x", "org_unit": "990100", "year": 2026, "value": "1e400"}]
            ).encode(),
            "application/json",
        ),
    ):
        response = client.post("/api/values/bulk/", body, content_type=ctype)
        assert response.status_code == 400
    assert _state() == before


def test_an_excel_zip_bomb_is_refused_before_it_is_unpacked(demo, django_user_model):
    from healthaction.collection.excel import import_workbook
    from healthaction.core.limits import LimitExceeded

    user = django_user_model.objects.get(username="liaison")
    before = _state()
    # a file beyond a limit now raises (core/limits.py), so that its job fails with the reason
    with pytest.raises(LimitExceeded, match="250 MB"):
        import_workbook(user, _bomb(), "bomb.xlsx")
    assert _state() == before
