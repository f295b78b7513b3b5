"""An uploaded scanned PDF is recognised (OCR) once per page: the import job takes the draft and the lines the
review page shows from the same bounded reading, in the sandbox's child process."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from healthaction.core import jobs
from healthaction.core.models import Job
from healthaction.documents.normalize import normalize_line
from healthaction.documents.readers import ocr
from healthaction.documents.tests import builders, ocr_counter
from healthaction.plans import tasks as plan_tasks
from healthaction.plans.models import Plan


def test_an_uploaded_scanned_pdf_is_recognised_once_per_page(demo, tmp_path, monkeypatch):
    pytest.importorskip("rapidocr_onnxruntime", reason="rapidocr-onnxruntime is not installed")
    data = builders.scanned_pdf(builders.SCANNED_PAGE, builders.cjk_font())  # skips with the reason without a font
    log = tmp_path / "ocr.log"
    ocr_counter.install_in_children(monkeypatch, tmp_path, log)
    monkeypatch.setattr(ocr, "_engine", ocr_counter.counted(ocr._engine, str(log)))  # a pass here counts too

    path = default_storage.save("uploads/jobs/test-scan.pdf", ContentFile(data))
    office = get_user_model().objects.get(username="office")
    job = jobs.start(plan_tasks.import_document, kind="parse", user=office, path=path, name="scan.pdf")
    job.refresh_from_db()
    assert job.status == Job.DONE, job.message

    # the drawn page is one page: one OCR pass, in the bounded child, none in this (the worker's) process
    passes = ocr_counter.passes(log)
    assert len(passes) == 1
    assert passes[0] != os.getpid()

    plan = Plan.objects.get(pk=int(job.result_url.strip("/").split("/")[1]))
    lines = plan.document_text.split("\n")
    # the lines drawn on the page (builders.SCANNED_PAGE), table rows with tabs between cells
    assert lines[:6] == [
        "健康示范县行动实施方案",
        "一、主要指标",
        "序号\t指标\t基线\t2025年\t2030年\t属性",
        "1\t居民健康素养水平（%）\t14.18\t≥25\t≥30\t预期性",
        "2\t人均预期寿命（岁）\t76.7\t78\t79\t预期性",
        "3\t孕产妇死亡率（1/10万）\t19.6\t≤15\t≤12\t约束性",
    ]
    assert normalize_line(lines[-1]) == normalize_line("1.建立健康科普专家库。（县卫生健康局牵头，县科协配合）")
    literacy = plan.indicators.get(name="居民健康素养水平")
    assert literacy.baseline.value == 14.18
