"""Submitting a micro-suggestion (微建议): what is accepted, what is refused field by field,
which uploads pass (cleaned) and which are refused, and that a refused submission leaves
nothing behind — no item, no attachment, no timeline entry, no outbox message.

A submission writes exactly one outbox message in its transaction and hands it to the
broker only after commit.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cppcc_portal.core.models import AuditEntry, OutboxMessage
from members import services as directory
from proposals.choices import CaseKind, CaseStatus
from proposals.models import Case, CaseAttachment, MicroSuggestion
from proposals.services.micro_suggestions import micro_suggestion_submit
from tests.factories import MemberFactory

TITLE = "社区图书室照明不足"
CONTENT = "社区儿童阅览室灯光昏暗，孩子看书很吃力，建议更换灯具。"
CO_RULE = "Co-submitters must be other serving members of your committee."


def submit(h, **overrides):
    fields = {"actor": h.bob, "member": h.bob_seat, "title": TITLE, "content": CONTENT, **overrides}
    return micro_suggestion_submit(**fields)


def nothing_saved() -> dict:
    return {
        "cases": Case.objects.count(),
        "attachments": CaseAttachment.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "timeline": AuditEntry.objects.filter(action="case.submit").count(),
    }


NOTHING = {"cases": 0, "attachments": 0, "outbox": 0, "timeline": 0}


def refused(h, **overrides) -> dict:
    with pytest.raises(ValidationError) as caught:
        submit(h, **overrides)
    assert nothing_saved() == NOTHING
    return caught.value.message_dict


# --- uploads ------------------------------------------------------------------------------------


def png_with_exif(trailer: bytes = b"") -> bytes:
    image = Image.new("RGB", (16, 12), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0131] = "GPS tracker 1.0"  # Software
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif)
    return out.getvalue() + trailer


def pdf(body: bytes = b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n") -> bytes:
    return b"%PDF-1.4\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def office(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- accepted -----------------------------------------------------------------------------------


def test_submission_stores_the_item_waiting_for_routing(h):
    item = submit(h, category=h.cat_edu, place=h.a1, address="  东区人民路12号  ", co_submitters=[h.cindy_seat])

    stored = MicroSuggestion.objects.get(pk=item.pk)
    assert (stored.kind, stored.status, stored.committee, stored.title, stored.content) == (
        CaseKind.MICRO_SUGGESTION, CaseStatus.ROUTING, h.a, TITLE, CONTENT)
    assert (stored.category, stored.place, stored.address, stored.submitter, stored.submitted_by) == (
        h.cat_edu, h.a1, "东区人民路12号", h.bob_seat, h.bob)
    assert list(stored.co_submitters.all()) == [h.cindy_seat]
    assert (stored.round, stored.due_date, stored.handling_mode, stored.routed_at) == (1, None, "", None)
    entry = AuditEntry.objects.get(action="case.submit")
    assert (entry.target_id, entry.actor, entry.note) == (item.pk, h.bob, TITLE)


def test_title_and_content_are_trimmed_and_the_bounds_are_inclusive(h):
    item = submit(h, title="  路灯不亮  ", content=" " + "路" * 10 + " ")
    longest = submit(h, title="题" * 120, content="内" * 5000)

    assert (item.title, item.content) == ("路灯不亮", "路" * 10)
    assert (len(longest.title), len(longest.content)) == (120, 5000)


def test_the_same_co_submitter_twice_is_kept_once(h):
    item = submit(h, co_submitters=[h.cindy_seat, h.cindy_seat])

    assert list(item.co_submitters.all()) == [h.cindy_seat]


# --- refused, field by field ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"title": "路灯"}, {"title": ["Give a title of at least 4 characters."]}),
        ({"title": "   路灯坏   "}, {"title": ["Give a title of at least 4 characters."]}),
        ({"title": "题" * 121}, {"title": ["The title may have at most 120 characters."]}),
        ({"content": "路灯坏了请修理"}, {"content": ["Describe the problem and your suggestion in at least 10 characters."]}),
        ({"content": "内" * 5001}, {"content": ["The content may have at most 5000 characters."]}),
        ({"address": "路" * 201}, {"address": ["The address may have at most 200 characters."]}),
        ({"title": "", "content": ""}, {"title": ["Give a title of at least 4 characters."],
                                        "content": ["Describe the problem and your suggestion in at least 10 characters."]}),
    ],
    ids=["title-short", "title-short-after-trim", "title-long", "content-short", "content-long", "address-long",
         "both-empty"],
)
def test_text_out_of_bounds_is_refused(h, overrides, errors):
    assert refused(h, **overrides) == errors


def test_category_of_another_committee_is_refused(h):
    assert refused(h, category=h.cat_b) == {"category": ["Choose a category of your committee."]}


def test_inactive_category_is_refused(h, alice):
    from proposals.services.config import category_update

    category_update(actor=alice, category=h.cat_city, is_active=False)

    assert refused(h, category=h.cat_city) == {"category": ["Choose a category of your committee."]}


def test_place_outside_the_committee_tree_is_refused(h):
    assert refused(h, place=h.b) == {"place": ["Choose your committee's area or a place within it."]}


def test_place_of_the_committee_itself_or_below_it_is_accepted(h):
    assert submit(h, place=h.a).place == h.a
    assert submit(h, place=h.a1).place == h.a1


def test_co_submitter_of_another_committee_is_refused(h):
    assert refused(h, co_submitters=[h.cindy_seat, h.ben_seat]) == {"co_submitters": [CO_RULE]}


def test_submitter_cannot_be_their_own_co_submitter(h):
    assert refused(h, co_submitters=[h.bob_seat]) == {"co_submitters": [CO_RULE]}


def test_co_submitter_whose_seat_has_ended_is_refused(h, alice, clock):
    directory.member_cease(actor=alice, member=h.cindy_seat, ceased_on=clock.start)
    h.cindy_seat.refresh_from_db()

    assert refused(h, co_submitters=[h.cindy_seat]) == {"co_submitters": [CO_RULE]}


def test_more_than_ten_co_submitters_are_refused(h):
    others = [MemberFactory(committee=h.a, term=h.term_a, sector=h.sector_a) for _ in range(11)]

    assert submit(h, co_submitters=others[:10]).co_submitters.count() == 10
    Case.objects.all().delete()
    OutboxMessage.objects.all().delete()
    AuditEntry.objects.filter(action="case.submit").delete()
    assert refused(h, co_submitters=others) == {"co_submitters": ["At most 10 co-submitters."]}


def test_more_than_six_attachments_are_refused(h):
    files = [upload(f"{n}.pdf", pdf()) for n in range(7)]

    assert refused(h, attachments=files) == {"attachments": ["At most 6 attachments."]}


def test_nobody_submits_in_another_members_name(h):
    with pytest.raises(PermissionDenied) as caught:
        micro_suggestion_submit(actor=h.cindy, member=h.bob_seat, title=TITLE, content=CONTENT)

    assert str(caught.value) == "You can only submit in your own name."
    assert nothing_saved() == NOTHING


def test_a_member_whose_seat_has_ended_cannot_submit(h, alice, clock):
    directory.member_cease(actor=alice, member=h.cindy_seat, ceased_on=clock.start)
    h.cindy_seat.refresh_from_db()

    with pytest.raises(PermissionDenied) as caught:
        micro_suggestion_submit(actor=h.cindy, member=h.cindy_seat, title=TITLE, content=CONTENT)

    assert str(caught.value) == "Your seat on 甲市政协 has ended."
    assert nothing_saved() == NOTHING


# --- attachments ------------------------------------------------------------------------------------


def test_png_is_re_encoded_without_exif_or_trailing_payload(h):
    original = png_with_exif(trailer=b"<script>alert(1)</script>")
    with Image.open(io.BytesIO(original)) as probe:
        assert dict(probe.getexif()) == {0x010F: "SpyCam", 0x0131: "GPS tracker 1.0"}

    item = submit(h, attachments=[upload("现场照片.png", original, "image/png")])

    attachment = CaseAttachment.objects.get(case=item)
    with attachment.file.open("rb") as f:
        stored = f.read()
    assert (attachment.original_name, attachment.content_type, attachment.size, attachment.purpose) == (
        "现场照片.png", "image/png", len(stored), "submission")
    assert attachment.uploaded_by == h.bob
    assert stored != original
    assert b"eXIf" not in stored
    assert b"SpyCam" not in stored
    assert b"<script>" not in stored
    with Image.open(io.BytesIO(stored)) as picture:
        assert (picture.format, picture.size, dict(picture.getexif())) == ("PNG", (16, 12), {})
        assert picture.convert("RGB").getpixel((3, 3)) == (200, 30, 30)


def test_name_of_upload_cannot_escape_into_a_path(h):
    item = submit(h, attachments=[upload("../../etc/passwd.png", png_with_exif())])

    attachment = CaseAttachment.objects.get(case=item)
    assert attachment.original_name == "passwd.png"
    assert attachment.file.name.startswith("cases/")
    assert ".." not in attachment.file.name


def test_plain_pdf_and_docx_are_kept_as_they_are(h):
    letter = pdf()
    document = office({"word/document.xml": b"<w:document/>"})

    item = submit(h, attachments=[upload("说明.pdf", letter), upload("方案.docx", document)])

    stored = {a.original_name: (a.content_type, a.size) for a in CaseAttachment.objects.filter(case=item)}
    assert stored == {
        "说明.pdf": ("application/pdf", len(letter)),
        "方案.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", len(document)),
    }


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("说明.pdf", pdf(b"1 0 obj << /OpenAction 2 0 R >> endobj\n2 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n"),
         "说明.pdf contains scripts or embedded files; save it as a plain PDF."),
        ("escaped.pdf", pdf(b"1 0 obj << /Type /Catalog /Open#41ction 2 0 R >> endobj\n"
                            b"2 0 obj << /S /J#61vaScript /J#53 (app.alert(1)) >> endobj\n"),
         "escaped.pdf contains scripts or embedded files; save it as a plain PDF."),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode.",
         "setup.exe is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, Excel or PowerPoint "
         "document."),
        ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120,
         "photo.jpg is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, Excel or PowerPoint "
         "document."),
        ("report.docx", office({"word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
         "report.docx contains macros; save it without macros (.docx, .xlsx)."),
        ("empty.pdf", b"", "empty.pdf is empty."),
    ],
    ids=["pdf-javascript", "pdf-javascript-hex-escaped-names", "exe", "exe-named-jpg", "docx-macros", "empty"],
)
def test_dangerous_upload_refuses_the_whole_submission(h, settings, name, data, message):
    good = upload("现场照片.png", png_with_exif())

    assert refused(h, attachments=[good, upload(name, data)]) == {"attachments": [message]}
    assert stored_files(settings) == []


def test_oversized_upload_is_refused(h, settings):
    limit = settings.UPLOAD_MAX_BYTES
    assert limit == 10 * 1024 * 1024
    big = pdf(b"%" + b"x" * limit)

    assert refused(h, attachments=[upload("big.pdf", big)]) == {"attachments": ["big.pdf is larger than 10 MB."]}
    assert stored_files(settings) == []


# --- the outbox ----------------------------------------------------------------------------------------


def test_submission_writes_one_outbox_message_and_publishes_only_after_commit(
        h, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = submit(h)

    message = OutboxMessage.objects.get()
    assert (message.task_name, message.key, message.kwargs) == (
        "proposals.case_route", f"route:{item.pk}", {"case_id": item.pk})
    assert (message.status, message.attempts, message.published_at) == ("pending", 0, None)
    assert sent == []  # nothing reached the broker inside the transaction
    # after commit: the routing message is published (and the duty record's sync, members.duty)
    from members.duty import _publish_sync

    routing = [c for c in callbacks if c is not _publish_sync]
    assert (len(routing), len(callbacks)) == (1, 2)

    routing[0]()

    assert sent == [{"task": "proposals.case_route", "kwargs": {"case_id": item.pk, "outbox_id": message.pk}}]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("published", 1)
    assert message.published_at is not None


def test_refused_submission_queues_nothing_after_commit(h, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        submit(h, attachments=[upload("setup.exe", b"MZ" + b"\x00" * 64)])

    assert callbacks == []
    assert sent == []
    assert nothing_saved() == NOTHING


def test_broker_down_after_commit_leaves_the_message_pending_for_the_relay(
        h, monkeypatch, django_capture_on_commit_callbacks):
    from cppcc_portal.core import outbox

    def broker_down(message):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(outbox, "_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        item = submit(h)

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.published_at) == ("pending", 0, None)
    assert Case.objects.get(pk=item.pk).status == CaseStatus.ROUTING


def test_a_bad_file_is_reported_with_the_other_field_errors(h):
    errors = refused(h, title="路灯", attachments=[upload("setup.exe", b"MZ" + b"\x00" * 64)])

    assert errors == {
        "title": ["Give a title of at least 4 characters."],
        "attachments": ["setup.exe is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, Excel or "
                        "PowerPoint document."],
    }
