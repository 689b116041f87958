"""Checking the files people upload: collectors' photos and the document a survey asks residents
to judge. One module for both, so every upload meets the same rules.

A file is what its bytes say, never what its name or the browser's content type claim: a photo
is whatever Pillow can open as JPEG, PNG or WebP, a document whatever starts like a PDF, or is a
zip laid out as an OpenDocument text or a Word document. Photos are re-encoded from their pixels
alone, so EXIF (with its GPS position and the phone's serial number), XMP, ICC and text chunks
never reach the database: a photo taken at someone's front door must not say where the door is.
Sizes are limited before anything is decoded, and so are pixel counts (a small file can unpack
to gigabytes). No Flask here: the pages and the API pass the bytes in.
"""
from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from commissioning_steps.errors import Invalid

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Larger than any phone camera's, far below what would exhaust memory when decoded.
MAX_PHOTO_PIXELS = 50_000_000
#: Pillow's name of the format -> (content type, extension, how the page names it)
PHOTO_FORMATS = {"JPEG": ("image/jpeg", "jpg", "JPG"), "PNG": ("image/png", "png", "PNG"),
                 "WEBP": ("image/webp", "webp", "WebP")}
DOCUMENT_KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "odt": ("application/vnd.oasis.opendocument.text", "ODT"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
NAME_MAX = 100


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    #: the extension its content calls for ("jpg", "pdf", ...)
    kind: str
    #: how a link names the type: "PDF", "JPG"
    label: str
    #: a display name with that extension (documents: the uploader's, cleaned)
    name: str

    @property
    def size(self) -> int:
        return len(self.data)


def size_text(size: int) -> str:
    """A file size as GOV.UK links give it: "245 KB", "1.2 MB"."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _too_big(field: str, what: str, limit: int) -> Invalid:
    return Invalid({field: f"The selected {what} must be smaller than {size_text(limit)}"})


# -- photos ------------------------------------------------------------------------------------


def check_photo(data: bytes, *, field: str = "photo") -> CheckedFile:
    """The photo re-encoded without its metadata, or ``Invalid`` saying what is wrong with it."""
    refused = Invalid({field: "The selected file must be a JPG, PNG or WebP photo"})
    if not data:
        raise Invalid({field: "The selected file is empty"})
    if len(data) > MAX_PHOTO_BYTES:
        raise _too_big(field, "photo", MAX_PHOTO_BYTES)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in PHOTO_FORMATS:
                    raise refused
                if image.width * image.height > MAX_PHOTO_PIXELS:
                    raise Invalid({field: "The selected photo has too many pixels: send a smaller one"})
                fmt = image.format
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep how it was held, then drop the EXIF
                data = _reencode(upright, fmt)
    except Invalid:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError) as exc:
        raise refused from exc
    content_type, extension, label = PHOTO_FORMATS[fmt]
    return CheckedFile(data, content_type, extension, label, f"photo.{extension}")


def _reencode(image: Image.Image, fmt: str) -> bytes:
    """Only the pixels: a fresh image of the same size and mode, so nothing in ``info`` (EXIF,
    XMP, ICC, PNG text chunks, comments) can be carried over by a format's save defaults."""
    if fmt == "JPEG":
        target = "L" if image.mode in ("1", "L") else "RGB"
    else:
        target = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    pixels = image.convert(target)
    clean = Image.new(target, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=85)
    return out.getvalue()


# -- documents -------------------------------------------------------------------------------


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100 and archive.read(info).strip() == _ODT_MIMETYPE:
                    return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    # zipfile raises NotImplementedError for a compression method it cannot read: not a
    # document we accept, like any other archive it cannot open.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError):
        return None
    return None


def document_kind(data: bytes) -> str | None:
    """"pdf", "odt" or "docx" from the content alone, else None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def clean_name(filename: str | None, kind: str, fallback: str = "document") -> str:
    """The uploader's file name, fit to show and to send back in a header: no folders, no control
    or format characters, at most ``NAME_MAX`` characters, and the extension its content calls for."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    stem = name.rsplit(".", 1)[0].strip(" .") if "." in name else name.strip(" .")
    stem = re.sub(r"\s+", " ", stem)[:NAME_MAX - len(kind) - 1].strip() or fallback
    return f"{stem}.{kind}"


def check_document(data: bytes, filename: str | None, *, field: str = "document") -> CheckedFile:
    if not data:
        raise Invalid({field: "The selected file is empty"})
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _too_big(field, "file", MAX_DOCUMENT_BYTES)
    kind = document_kind(data)
    if kind is None:
        raise Invalid({field: "The selected file must be a PDF, ODT or DOCX document"})
    content_type, label = DOCUMENT_KINDS[kind]
    return CheckedFile(data, content_type, kind, label, clean_name(filename, kind))


__all__ = ["CheckedFile", "DOCUMENT_KINDS", "MAX_DOCUMENT_BYTES", "MAX_PHOTO_BYTES", "PHOTO_FORMATS",
           "check_document", "check_photo", "clean_name", "document_kind", "size_text"]
