"""Every download door answers with FileResponse's own Content-Disposition: a Chinese file name arrives whole, as
RFC 6266's filename*=utf-8''… (the percent-encodings below are the UTF-8 bytes of each name, written out)."""

from django.core.files.base import ContentFile

from healthaction.collection.models import Evidence, IndicatorValue
from healthaction.core.models import Job
from healthaction.inspections.models import Round, Score, ScoreFile
from healthaction.registry.models import OrgUnit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_catalogue_export_names_its_workbook_in_chinese(login, demo):
    response = login("office").get("/catalogue/export/")
    assert response.status_code == 200
    # 跨方案指标比较.xlsx
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%B7%A8%E6%96%B9%E6%A1%88%E6%8C%87%E6%A0%87%E6%AF%94%E8%BE%83.xlsx"
    )
    assert response["Content-Type"] == XLSX


def test_a_report_made_by_a_job_keeps_its_chinese_name_and_the_word_type(
    login, demo, django_user_model, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # a name already stored would be given a suffix by the storage
    office = django_user_model.objects.get(username="office")
    job = Job.objects.create(
        kind="annual",
        user=office,
        status=Job.DONE,
        result_file=ContentFile(b"PK\x03\x04 report", name="青川市2025年度监测评估报告.docx"),
    )
    response = login("office").get(f"/jobs/{job.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''"
        "%E9%9D%92%E5%B7%9D%E5%B8%822025%E5%B9%B4%E5%BA%A6%E7%9B%91%E6%B5%8B%E8%AF%84%E4%BC%B0%E6%8A%A5%E5%91%8A.docx"
    )
    assert response["Content-Type"] == DOCX
    assert b"".join(response.streaming_content) == b"PK\x03\x04 report"


def test_an_evidence_file_downloads_under_the_name_it_was_uploaded_with(login, demo):
    value = IndicatorValue.objects.filter(org_unit=demo["plan"].org_unit).first()
    data = b"%PDF-1.4 evidence"
    evidence = Evidence.objects.create(
        value=value,
        file=ContentFile(data, name="stored.pdf"),
        original_name="体检报告.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256="0" * 64,
    )
    response = login("office").get(f"/report/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E4%BD%93%E6%A3%80%E6%8A%A5%E5%91%8A.pdf"
    assert response["Content-Type"] == "application/pdf"


def test_a_visit_photo_downloads_under_its_chinese_name(login, demo):
    rnd = Round.objects.get(plan=demo["plan"], year=2025, checklist__kind="supervision")
    score = Score.objects.filter(visit__round=rnd, visit__org_unit=OrgUnit.objects.get(code="990121")).first()
    photo = ScoreFile.objects.create(
        score=score, file=ContentFile(b"\xff\xd8\xff photo", name="p.jpg"), name="督导照片.jpg"
    )
    response = login("office").get(f"/inspections/files/score/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E7%9D%A3%E5%AF%BC%E7%85%A7%E7%89%87.jpg"
