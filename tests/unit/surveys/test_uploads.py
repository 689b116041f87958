"""surveys.uploads: photos are what Pillow opens as JPEG, PNG or WebP and come out re-encoded
without metadata; documents are what their bytes say (PDF, ODT, DOCX); both are size-limited."""
from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from commissioning_steps.errors import Invalid
from surveys import uploads

GPS_IFD = 0x8825


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"          # Make
    exif[0x0131] = "Camera app 1.0"      # Software
    exif[0x0112] = 1                     # Orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (51.0, 22.0, 12.5)   # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "W", (0.0, 11.0, 3.2)     # GPSLongitudeRef, GPSLongitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at 12 Acacia Avenue")
    return out.getvalue()


def test_a_jpeg_with_exif_gps_comes_out_without_it():
    original = _jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:  # the fixture really carries GPS
        assert before.getexif().get_ifd(GPS_IFD)
    checked = uploads.check_photo(original)
    assert checked.content_type == "image/jpeg" and checked.kind == "jpg"
    with Image.open(io.BytesIO(checked.data)) as after:
        assert after.format == "JPEG" and after.size == (64, 48)
        assert not after.getexif()
        assert not after.getexif().get_ifd(GPS_IFD)
        assert "exif" not in after.info and "comment" not in after.info
    assert b"Exif" not in checked.data and b"PhoneMaker" not in checked.data and b"Acacia" not in checked.data


def test_a_png_keeps_no_text_chunks_and_a_webp_no_exif():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "12 Acacia Avenue")
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 128)).save(out, "PNG", pnginfo=info)
    checked = uploads.check_photo(out.getvalue())
    assert checked.content_type == "image/png" and b"Acacia" not in checked.data
    assert Image.open(io.BytesIO(checked.data)).mode == "RGBA"

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "WEBP", exif=exif)
    checked = uploads.check_photo(out.getvalue())
    assert checked.content_type == "image/webp" and b"PhoneMaker" not in checked.data


def test_an_exif_rotation_is_applied_before_the_exif_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to show
    out = io.BytesIO()
    Image.new("RGB", (60, 20)).save(out, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(uploads.check_photo(out.getvalue()).data)).size == (20, 60)


@pytest.mark.parametrize("data", [
    b"GIF89a" + b"\0" * 40,                # renamed GIF: a real image, not an accepted type
    b"%PDF-1.7 not a photo at all",        # a renamed document
    b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
    b"\xff\xd8\xff\xe0 truncated jpeg",    # starts like a JPEG, is not one
])
def test_a_renamed_non_image_is_refused(data):
    with pytest.raises(Invalid) as refused:
        uploads.check_photo(data)
    assert refused.value.fields == {"photo": "The selected file must be a JPG, PNG or WebP photo"}


def test_a_gif_is_refused_even_though_pillow_opens_it():
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, "GIF")
    with pytest.raises(Invalid) as refused:
        uploads.check_photo(out.getvalue())
    assert refused.value.fields == {"photo": "The selected file must be a JPG, PNG or WebP photo"}


def test_oversize_and_empty_files_are_refused_before_decoding(monkeypatch):
    with pytest.raises(Invalid) as refused:
        uploads.check_photo(b"\xff" * (uploads.MAX_PHOTO_BYTES + 1))
    assert refused.value.fields == {"photo": "The selected photo must be smaller than 8.0 MB"}
    with pytest.raises(Invalid) as refused:
        uploads.check_document(b"%PDF-" + b"0" * uploads.MAX_DOCUMENT_BYTES, "plan.pdf")
    assert refused.value.fields == {"document": "The selected file must be smaller than 10.0 MB"}
    with pytest.raises(Invalid) as refused:
        uploads.check_photo(b"")
    assert refused.value.fields == {"photo": "The selected file is empty"}
    # A small file that unpacks to too many pixels (a decompression bomb) is refused too.
    monkeypatch.setattr(uploads, "MAX_PHOTO_PIXELS", 100)
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "PNG")
    with pytest.raises(Invalid) as refused:
        uploads.check_photo(out.getvalue())
    assert "too many pixels" in refused.value.fields["photo"]


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def test_documents_are_known_by_their_content():
    pdf = uploads.check_document(b"%PDF-1.4\n%...", "C:\\Users\\me\\Our plan.PDF")
    assert (pdf.kind, pdf.content_type, pdf.name, pdf.label) == ("pdf", "application/pdf", "Our plan.pdf", "PDF")
    odt = uploads.check_document(_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b""}),
                                 "plan.odt")
    assert odt.kind == "odt"
    docx = uploads.check_document(_zip({"[Content_Types].xml": b"", "word/document.xml": b""}), "plan.docx")
    assert docx.kind == "docx" and docx.name == "plan.docx"
    # A PDF renamed .docx is served as the PDF it is.
    assert uploads.check_document(b"%PDF-1.4", "plan.docx").name == "plan.pdf"


@pytest.mark.parametrize("data", [b"MZ\x90\x00 an executable", b"<html><script>alert(1)</script>",
                                  _zip({"evil.exe": b"MZ"}), b"PK\x03\x04 broken zip"])
def test_other_documents_are_refused(data):
    with pytest.raises(Invalid) as refused:
        uploads.check_document(data, "plan.pdf")
    assert refused.value.fields == {"document": "The selected file must be a PDF, ODT or DOCX document"}


def test_names_are_cleaned_and_sizes_given_as_gov_uk_links_do():
    assert uploads.clean_name("../../etc/passwd", "pdf") == "passwd.pdf"
    assert uploads.clean_name("a\x00b\u202ec.pdf", "pdf") == "abc.pdf"
    assert uploads.clean_name("", "pdf") == "document.pdf"
    assert len(uploads.clean_name("x" * 500 + ".pdf", "pdf")) == uploads.NAME_MAX
    assert [uploads.size_text(n) for n in (900, 250_000, 1_300_000)] == ["900 bytes", "244 KB", "1.2 MB"]
