"""Uploaded files the portal accepts: images (re-encoded, metadata stripped), PDF and Office
documents, checked by their content rather than their name. Nothing executable passes: only
the allow-listed types do, and PDFs with scripts and macro-enabled Office files are refused.
"""

from __future__ import annotations

import io
import os
import re
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "GIF": ("png", "image/png"),
                 "WEBP": ("jpg", "image/jpeg"), "BMP": ("png", "image/png")}
OFFICE = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
MAX_PIXELS = 40_000_000
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|OpenAction)\b")
# A PDF name may spell any character as #xx (/J#61vaScript is /JavaScript).
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


@dataclass
class CleanFile:
    file: ContentFile
    name: str
    content_type: str
    size: int


def _safe_name(name: str, extension: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "", base).strip() or "file"
    stem = os.path.splitext(base)[0][:80] or "file"
    return f"{stem}.{extension}"


def max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)


def clean_upload(upload) -> CleanFile:
    """Validate ``upload`` by content and return a safe copy to store; raises ValidationError
    with a message saying what is wrong."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_("%(name)s is larger than %(mb)d MB.") % {"name": upload.name, "mb": limit // 1048576})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("%(name)s is larger than %(mb)d MB.") % {"name": upload.name, "mb": limit // 1048576})
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": upload.name})
    image = _image(data)
    if image is not None:
        payload, extension, content_type = image
    elif data.startswith(b"%PDF-"):
        if PDF_ACTIVE.search(PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)):
            raise ValidationError(_("%(name)s contains scripts or embedded files; save it as a plain PDF.") % {"name": upload.name})
        payload, extension, content_type = data, "pdf", "application/pdf"
    elif data.startswith(b"PK\x03\x04"):
        payload, extension, content_type = data, *_office(data, upload.name)
    else:
        raise ValidationError(_("%(name)s is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, "
                                "Excel or PowerPoint document.") % {"name": upload.name})
    return CleanFile(ContentFile(payload, name=f"{uuid.uuid4().hex}.{extension}"),
                     _safe_name(upload.name, extension), content_type, len(payload))


def _image(data: bytes):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in IMAGE_FORMATS:
                return None
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The picture is too large (at most %(mp)d megapixels).") % {"mp": MAX_PIXELS // 1_000_000})
            probe.load()
            extension, content_type = IMAGE_FORMATS[fmt]
            picture = probe.convert("RGB") if extension == "jpg" else probe.convert("RGBA" if "A" in probe.getbands() else "RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(_("The picture is damaged and cannot be read.")) from None
    out = io.BytesIO()
    # Re-encoding drops EXIF (location!) and anything smuggled after the image data.
    if extension == "jpg":
        picture.save(out, "JPEG", quality=85, optimize=True)
    else:
        picture.save(out, "PNG", optimize=True)
    return out.getvalue(), extension, content_type


def _office(data: bytes, name: str) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if sum(info.file_size for info in archive.infolist()) > 20 * max_bytes():
                raise ValidationError(_("%(name)s expands to an implausible size.") % {"name": name})
    except zipfile.BadZipFile:
        raise ValidationError(_("%(name)s is damaged and cannot be read.") % {"name": name}) from None
    if "[Content_Types].xml" not in names:
        raise ValidationError(_("%(name)s is not an accepted file.") % {"name": name})
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ValidationError(_("%(name)s contains macros; save it without macros (.docx, .xlsx).") % {"name": name})
    for prefix, kind in OFFICE.items():
        if any(n.startswith(prefix) for n in names):
            return kind
    raise ValidationError(_("%(name)s is not an accepted file.") % {"name": name})
