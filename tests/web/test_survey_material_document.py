"""Issue 8 point 4, "a document": a commissioner attaches the document residents judge (PDF, ODT
or DOCX, known by its content, size-limited); the start page links it with its type and size;
it is served to anyone who can answer the survey (and its staff before it opens) with a safe
content type and disposition; evaluators cannot change it and other commissions' staff get 404."""
from __future__ import annotations

import io
import re

import pytest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 3000


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def token(world, team):
    return world.token("alice@example.org")


@pytest.fixture
def staff(app, world, team):
    client = app.test_client()
    world.sign_in(client, "alice@example.org")
    return client


@pytest.fixture
def survey(app, team, token):
    client = app.test_client()
    created = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=token,
                          json={"title": "Our first plan: does it work for you?", "step": "initiate",
                                "template": "incubate_plan_check"})
    assert created.status_code == 201, created.json
    return {"id": created.json["id"], "slug": created.json["links"]["public"].rsplit("/", 1)[1],
            "commission": team["mine"].id, "base": f"/commissions/{team['mine'].id}/surveys/{created.json['id']}"}


def _upload(client, survey, data, name):
    return client.post(f"{survey['base']}/document", data={"document": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_commissioner_attaches_a_pdf_the_start_page_links_and_anyone_answering_reads(app, staff, survey, token):
    manage = _html(staff.get(survey["base"]))
    assert 'id="material-document"' in manage and 'enctype="multipart/form-data"' in manage
    # The plan template cannot open without its plan; the document alone is enough.
    assert "Attach the plan residents are asked about" in manage
    attached = _upload(staff, survey, PDF, "Our first plan.pdf")
    assert attached.location.endswith("#material-document")
    manage = _html(staff.get(survey["base"]))
    assert "Our first plan.pdf (PDF, 3 KB)" in manage
    assert "Attach the plan residents are asked about" not in manage
    # Staff can check it before the survey opens; residents cannot yet.
    assert staff.get(f"/s/{survey['slug']}/document").status_code == 200
    assert app.test_client().get(f"/s/{survey['slug']}/document").status_code == 409
    assert app.test_client().post(f"/api/v1/surveys/{survey['id']}/open", headers=token).status_code == 200
    resident = app.test_client()
    start = _html(resident.get(f"/s/{survey['slug']}"))
    link = re.search(r'<a class="govuk-link" id="material-document" href="([^"]+)">([^<]+)</a>', start)
    assert link.group(1) == f"/s/{survey['slug']}/document"
    assert link.group(2) == "Our first plan (PDF, 3 KB)"  # the material's heading, then type and size
    served = resident.get(link.group(1))
    assert served.status_code == 200 and served.data == PDF
    assert served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"] == 'inline; filename="Our first plan.pdf"'
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_other_documents_are_attachments_and_a_pdf_named_docx_is_a_pdf(staff, survey):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    _upload(staff, survey, out.getvalue(), "plan.docx")
    served = staff.get(f"/s/{survey['slug']}/document")
    assert served.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert served.headers["Content-Disposition"] == "attachment; filename=plan.docx"
    _upload(staff, survey, PDF, "plan.docx")  # replaces it
    assert staff.get(f"/s/{survey['slug']}/document").headers["Content-Disposition"].endswith("filename=plan.pdf")


@pytest.mark.parametrize("data, name, words", [
    (b"MZ\x90\x00 an executable", "plan.pdf", "must be a PDF, ODT or DOCX document"),
    (b"<html><script>alert(1)</script></html>", "plan.pdf", "must be a PDF, ODT or DOCX document"),
    (b"", "plan.pdf", "Select a document to attach"),
])
def test_a_renamed_or_missing_file_is_refused_with_the_error_summary(staff, survey, data, name, words):
    response = _upload(staff, survey, data, name if data else "")
    assert response.status_code == 422
    html = _html(response)
    assert "There is a problem" in html and words in html and 'href="#document"' in html
    assert staff.get(f"/s/{survey['slug']}/document").status_code == 404


def test_an_oversize_document_is_refused(staff, survey, monkeypatch):
    from surveys import uploads

    monkeypatch.setattr(uploads, "MAX_DOCUMENT_BYTES", 1000)
    response = _upload(staff, survey, PDF, "plan.pdf")
    assert response.status_code == 422 and "must be smaller than 1000 bytes" in _html(response)
    # Past the request's own limit (the document limit and some room), the body is not read at all.
    monkeypatch.undo()
    # A document larger than the app's 256 KB form limit is still accepted: the route raises it.
    assert _upload(staff, survey, PDF + b"x" * 400_000, "plan.pdf").status_code == 302
    assert "(PDF, 394 KB)" in _html(staff.get(survey["base"]))
    from engage.web import collectors_staff

    monkeypatch.setattr(collectors_staff, "UPLOAD_LIMIT", 2000)
    assert _upload(staff, survey, PDF, "plan.pdf").status_code == 413


def test_evaluators_cannot_change_it_and_other_commissions_get_404(app, world, staff, survey):
    _upload(staff, survey, PDF, "plan.pdf")
    eve = app.test_client()
    world.sign_in(eve, "eve@example.org")
    assert _upload(eve, survey, PDF, "other.pdf").status_code == 403
    assert eve.post(f"{survey['base']}/document/remove").status_code == 403
    assert eve.get(f"/s/{survey['slug']}/document").status_code == 200  # staff of the commission read it
    bob = app.test_client()
    world.sign_in(bob, "bob@example.org")
    assert _upload(bob, survey, PDF, "other.pdf").status_code == 404
    assert bob.get(f"/s/{survey['slug']}/document").status_code == 409  # not open, not his
    removed = staff.post(f"{survey['base']}/document/remove")
    assert removed.location.endswith("#material-document")
    assert staff.get(f"/s/{survey['slug']}/document").status_code == 404
    assert staff.post(f"{survey['base']}/document/remove").status_code == 404
