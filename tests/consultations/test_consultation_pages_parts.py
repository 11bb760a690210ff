"""The parts of a session's page: materials (upload, download for whoever may see the
session, removal), speeches and written opinions, the online discussion, and the grassroots
step checklist. Each action per role, its refusal, and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations.choices import ConsultationForm, SpeechKind, SpeechStatus
from consultations.models import Material, Post, Speech
from consultations.services import consultations as cs
from tests.consultations.test_consultation_pages import client, flashed, in_progress, place_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "托育调研报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def stored(session, title: str = "背景材料") -> Material:
    return cs.material_add(actor=session.created_by, consultation=session, title=title, upload=pdf("背景材料.pdf"))


# --- materials ----------------------------------------------------------------------------------------


def test_staff_add_material_and_participants_download_it(cw):
    session = cw.invited()
    response = client(cw.alice).post(f"/consultations/{session.pk}/materials/",
                                     {"material-title": "托育服务调研报告", "material-file": pdf()})
    material = Material.objects.get()
    assert (response.status_code, response["Location"], flashed(response)) == (
        302, f"/consultations/{session.pk}/#materials", ["托育服务调研报告 is added for the participants."])
    assert (material.title, material.original_name, material.content_type) == (
        "托育服务调研报告", "托育调研报告.pdf", "application/pdf")
    page = client(cw.bob).get(f"/consultations/{session.pk}/")
    assert page.context["materials"] == [material]
    assert f'href="/consultations/materials/{material.pk}/"'.encode() in page.content
    download = client(cw.bob).get(f"/consultations/materials/{material.pk}/")
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF)
    assert (download["Content-Disposition"], download["X-Content-Type-Options"]) == (
        "attachment; filename*=utf-8''%E6%89%98%E8%82%B2%E8%B0%83%E7%A0%94%E6%8A%A5%E5%91%8A.pdf", "nosniff")


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("lily", 200), ("cindy", 200), ("dave", 404),
                                              ("ben", 404), ("eve", 404)])
def test_material_download_follows_who_may_see_the_session(cw, role, status):
    session = cw.invited()
    material = stored(session)
    assert client(getattr(cw, role)).get(f"/consultations/materials/{material.pk}/").status_code == status


def test_material_is_always_a_download(cw):
    material = stored(cw.invited())
    download = client(cw.cindy).get(f"/consultations/materials/{material.pk}/")
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF)
    assert (download["Content-Disposition"], download["X-Content-Type-Options"], download["Cache-Control"]) == (
        "attachment; filename*=utf-8''%E8%83%8C%E6%99%AF%E6%9D%90%E6%96%99.pdf", "nosniff", "private, no-store")


def test_material_of_a_session_being_prepared_is_staffs(cw):
    session = cw.session()
    material = stored(session, "内部材料")
    assert client(cw.bob).get(f"/consultations/materials/{material.pk}/").status_code == 404
    assert client().get(f"/consultations/materials/{material.pk}/").status_code == 302


@pytest.mark.parametrize(("data", "errors"), [
    ({"material-title": "材料", "material-file": SimpleUploadedFile("run.sh", b"#!/bin/sh\nrm -rf /\n")},
     {"file": ["run.sh is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, Excel or PowerPoint "
               "document."]}),
    ({"material-title": "", "material-file": None}, {"title": ["This field is required."],
                                                     "file": ["This field is required."]}),
    ({"material-title": "材" * 121, "material-file": None},
     {"title": ["Ensure this value has at most 120 characters (it has 121)."], "file": ["This field is required."]}),
    ({"material-title": "材", "material-file": "pdf"}, {"title": ["At least 2 characters."]}),
])
def test_bad_material_is_refused_at_the_field(cw, data, errors):
    session = cw.session()
    data = {k: (pdf() if v == "pdf" else v) for k, v in data.items() if v is not None}
    response = client(cw.alice).post(f"/consultations/{session.pk}/materials/", data)
    assert (response.status_code, response.context["material_form"].errors) == (200, errors)
    assert Material.objects.count() == 0


def test_only_staff_add_and_remove_material(cw):
    session = cw.invited()
    material = stored(session)
    assert client(cw.bob).post(f"/consultations/{session.pk}/materials/",
                               {"material-title": "我的材料", "material-file": pdf()}).status_code == 403
    assert client(cw.bob).post(f"/consultations/{session.pk}/materials/{material.pk}/delete/").status_code == 403
    response = client(cw.alice).post(f"/consultations/{session.pk}/materials/{material.pk}/delete/")
    assert (response["Location"], flashed(response)) == (f"/consultations/{session.pk}/#materials",
                                                         ["背景材料 is removed."])
    assert Material.objects.count() == 0


# --- speeches ---------------------------------------------------------------------------------------------


SPEECH = {"speech-kind": SpeechKind.ORAL, "speech-title": "关于托育补贴的建议",
          "speech-text": "建议对普惠托育机构按托位给予运营补贴，并纳入民生实事项目。"}


def test_member_registers_to_speak_and_staff_record_it(cw):
    session = cw.invited()
    response = client(cw.bob).post(f"/consultations/{session.pk}/speeches/", SPEECH)
    speech = Speech.objects.get()
    assert (response["Location"], flashed(response)) == (f"/consultations/{session.pk}/#speeches",
                                                         ["Registered: 关于托育补贴的建议"])
    assert (speech.participant, speech.kind, speech.status) == (place_of(session, cw.bob_seat), "oral", "registered")
    response = client(cw.alice).post(f"/consultations/{session.pk}/speeches/{speech.pk}/record/",
                                     {f"rec{speech.pk}-order": "2", "delivered": "0"})
    assert flashed(response) == ["The speaking order is saved."]
    response = client(cw.alice).post(f"/consultations/{session.pk}/speeches/{speech.pk}/record/",
                                     {f"rec{speech.pk}-order": "2", "delivered": "1"})
    assert flashed(response) == ["Recorded as delivered: 关于托育补贴的建议"]
    speech.refresh_from_db()
    assert (speech.order, speech.status) == (2, SpeechStatus.DELIVERED)
    # a delivered speech can no longer be withdrawn
    response = client(cw.bob).post(f"/consultations/{session.pk}/speeches/{speech.pk}/withdraw/")
    assert flashed(response) == ["Only a speech not yet delivered can be withdrawn."]


def test_staff_register_a_speech_on_someones_behalf(cw):
    session = cw.invited()
    cindy = place_of(session, cw.cindy_seat)
    form = client(cw.alice).get(f"/consultations/{session.pk}/").context["speech_form"]
    assert [str(c[1]) for c in form.fields["participant"].choices] == ["Choose …", "王博（Member）", "崔欣（Member）"]
    client(cw.alice).post(f"/consultations/{session.pk}/speeches/", {**SPEECH, "speech-participant": cindy.pk,
                                                                      "speech-kind": SpeechKind.WRITTEN})
    assert list(Speech.objects.values_list("participant", "kind")) == [(cindy.pk, "written")]


def test_member_withdraws_their_own_speech_only(cw):
    session = cw.invited()
    mine = cs.speech_register(actor=cw.bob, consultation=session, kind=SpeechKind.ORAL, title="关于托育补贴的建议",
                              text_="建议对普惠托育机构给予运营补贴。")
    assert client(cw.cindy).post(f"/consultations/{session.pk}/speeches/{mine.pk}/withdraw/").status_code == 404
    response = client(cw.bob).post(f"/consultations/{session.pk}/speeches/{mine.pk}/withdraw/")
    assert flashed(response) == ["Withdrawn: 关于托育补贴的建议"]
    mine.refresh_from_db()
    assert mine.status == SpeechStatus.WITHDRAWN
    # others no longer see a withdrawn speech; staff do
    assert client(cw.cindy).get(f"/consultations/{session.pk}/").context["speeches"] == []
    assert client(cw.alice).get(f"/consultations/{session.pk}/").context["speeches"] == [mine]


def test_after_declining_only_a_written_opinion(cw):
    session = cw.invited()
    cs.invitation_respond(actor=cw.bob, participant=place_of(session, cw.bob_seat), accept=False, note="出差")
    response = client(cw.bob).post(f"/consultations/{session.pk}/speeches/", SPEECH)
    assert flashed(response) == ["You declined this session; hand in a written opinion instead."]
    client(cw.bob).post(f"/consultations/{session.pk}/speeches/", {**SPEECH, "speech-kind": SpeechKind.WRITTEN})
    assert list(Speech.objects.values_list("kind", flat=True)) == ["written"]


def test_only_participants_speak(cw):
    session = cw.invited(members=[cw.bob_seat])
    assert "speech_form" not in client(cw.cindy).get(f"/consultations/{session.pk}/").context
    assert client(cw.cindy).post(f"/consultations/{session.pk}/speeches/", SPEECH).status_code == 403
    assert client(cw.dave).post(f"/consultations/{session.pk}/speeches/", SPEECH).status_code == 404
    assert Speech.objects.count() == 0


@pytest.mark.parametrize(("data", "errors"), [
    ({"speech-title": "建议"}, {"title": ["At least 4 characters."]}),
    ({"speech-text": "太短"}, {"text": ["At least 10 characters."]}),
    ({"speech-text": "言" * 20001}, {"text": ["Ensure this value has at most 20000 characters (it has 20001)."]}),
    ({"speech-kind": "song"}, {"kind": ["Select a valid choice. song is not one of the available choices."]}),
])
def test_bad_speeches_are_refused_at_the_field(cw, data, errors):
    session = cw.invited()
    response = client(cw.bob).post(f"/consultations/{session.pk}/speeches/", {**SPEECH, **data})
    assert (response.status_code, response.context["speech_form"].errors) == (200, errors)
    assert Speech.objects.count() == 0


def test_a_hostile_speech_is_escaped(cw):
    session = cw.invited()
    client(cw.bob).post(f"/consultations/{session.pk}/speeches/", {
        **SPEECH, "speech-title": "<script>steal()</script>", "speech-text": "<img src=x onerror=alert(1)>建议补贴"})
    content = client(cw.alice).get(f"/consultations/{session.pk}/").content.decode()
    assert "<script>steal()" not in content and "<img src=x" not in content
    assert "&lt;script&gt;steal()&lt;/script&gt;" in content
    assert "&lt;img src=x onerror=alert(1)&gt;建议补贴" in content


def test_a_speaking_order_out_of_range_is_a_field_error(cw):
    session = cw.invited()
    speech = cs.speech_register(actor=cw.bob, consultation=session, kind=SpeechKind.ORAL, title="关于托育补贴的建议",
                                text_="建议对普惠托育机构给予运营补贴。")
    response = client(cw.alice).post(f"/consultations/{session.pk}/speeches/{speech.pk}/record/",
                                     {f"rec{speech.pk}-order": "0"})
    assert response.status_code == 200
    assert response.context["speeches"][0].record_form.errors == {
        "order": ["Ensure this value is greater than or equal to 1."]}
    assert client(cw.bob).post(f"/consultations/{session.pk}/speeches/{speech.pk}/record/",
                               {f"rec{speech.pk}-order": "1"}).status_code == 403


# --- the online discussion ---------------------------------------------------------------------------------


def online(cw, **fields):
    return in_progress(cw, form=ConsultationForm.ONLINE, title="网络议政：普惠托育", place="", **fields)


def test_participants_discuss_online_while_open_and_staff_hide_posts(cw):
    session = online(cw)
    assert session.discussion_open is True
    response = client(cw.bob).post(f"/consultations/{session.pk}/posts/", {"post-text": "建议扩大普惠托位供给。"})
    post = Post.objects.get()
    assert (response["Location"], flashed(response)) == (f"/consultations/{session.pk}/#discussion",
                                                         ["Your contribution is posted."])
    assert (post.author, post.participant) == (cw.bob, place_of(session, cw.bob_seat))
    response = client(cw.alice).post(f"/consultations/{session.pk}/posts/{post.pk}/hide/", {"hidden": "1"})
    assert flashed(response) == ["The post is hidden."]
    assert client(cw.cindy).get(f"/consultations/{session.pk}/").context["posts"] == []
    assert client(cw.alice).get(f"/consultations/{session.pk}/").context["posts"] == [post]
    client(cw.alice).post(f"/consultations/{session.pk}/posts/{post.pk}/hide/", {"hidden": "0"})
    assert client(cw.cindy).get(f"/consultations/{session.pk}/").context["posts"] == [post]
    assert client(cw.bob).post(f"/consultations/{session.pk}/posts/{post.pk}/hide/", {"hidden": "1"}).status_code \
        == 403


def test_a_closed_discussion_takes_no_posts(cw):
    session = online(cw)
    response = client(cw.alice).post(f"/consultations/{session.pk}/discussion/", {"open": "0"})
    assert flashed(response) == ["The discussion is closed."]
    assert "post_form" not in client(cw.bob).get(f"/consultations/{session.pk}/").context
    response = client(cw.bob).post(f"/consultations/{session.pk}/posts/", {"post-text": "建议扩大普惠托位供给。"})
    assert flashed(response) == ["The discussion is closed."]
    response = client(cw.alice).post(f"/consultations/{session.pk}/discussion/", {"open": "1"})
    assert flashed(response) == ["The discussion is open."]
    assert Post.objects.count() == 0


def test_the_discussion_opens_only_while_in_progress(cw):
    session = cw.invited(cw.session(form=ConsultationForm.ONLINE, place=""))
    response = client(cw.alice).post(f"/consultations/{session.pk}/discussion/", {"open": "1"})
    assert flashed(response) == ["The discussion opens while the session is in progress."]
    assert client(cw.bob).post(f"/consultations/{session.pk}/discussion/", {"open": "1"}).status_code == 403


def test_only_participants_and_staff_post(cw):
    session = online(cw)
    cs.participant_remove(actor=cw.alice, participant=place_of(session, cw.cindy_seat))
    assert client(cw.cindy).post(f"/consultations/{session.pk}/posts/", {"post-text": "我也想说两句。"}).status_code \
        == 403
    client(cw.alice).post(f"/consultations/{session.pk}/posts/", {"post-text": "请大家围绕补贴标准发言。"})
    assert list(Post.objects.values_list("author__username", "participant")) == [("alice", None)]


@pytest.mark.parametrize(("text", "errors"), [
    ("", {"text": ["This field is required."]}),
    ("好", {"text": ["At least 2 characters."]}),
    ("言" * 5001, {"text": ["Ensure this value has at most 5000 characters (it has 5001)."]}),
])
def test_bad_posts_are_refused_at_the_field(cw, text, errors):
    session = online(cw)
    response = client(cw.bob).post(f"/consultations/{session.pk}/posts/", {"post-text": text})
    assert (response.status_code, response.context["post_form"].errors) == (200, errors)


def test_a_hostile_post_is_escaped(cw):
    session = online(cw)
    client(cw.bob).post(f"/consultations/{session.pk}/posts/", {"post-text": "<script>document.cookie</script>"})
    content = client(cw.cindy).get(f"/consultations/{session.pk}/").content.decode()
    assert "<script>document.cookie" not in content
    assert "&lt;script&gt;document.cookie&lt;/script&gt;" in content


# --- the grassroots step checklist --------------------------------------------------------------------------


def test_staff_tick_the_steps_of_a_grassroots_deliberation(cw):
    session = cw.session(form=ConsultationForm.GRASSROOTS, title="请你来协商：老旧小区停车", place="东区会议室")
    steps = client(cw.alice).get(f"/consultations/{session.pk}/").context["steps"]
    assert [s["step"] for s in steps] == ["征集议题", "确定议题", "调查研究", "制定方案", "组织协商", "形成成果",
                                          "成果报送", "跟踪落实"]
    today = timezone.localdate()
    response = client(cw.alice).post(f"/consultations/{session.pk}/steps/", {
        "index": "0", "step0-done_on": today.isoformat(), "step0-note": "收集到群众议题12条"})
    assert (response["Location"], flashed(response)) == (f"/consultations/{session.pk}/#steps",
                                                         ["Step ticked: 征集议题"])
    session.refresh_from_db()
    assert session.steps[0] == {"step": "征集议题", "done_on": today.isoformat(), "note": "收集到群众议题12条"}


def test_a_step_in_the_future_or_unknown_is_refused(cw):
    session = cw.session(form=ConsultationForm.GRASSROOTS, title="请你来协商：老旧小区停车", place="东区会议室")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client(cw.alice).post(f"/consultations/{session.pk}/steps/", {
        "index": "1", "step1-done_on": tomorrow.isoformat()})
    assert response.status_code == 200
    assert response.context["steps"][1]["form"].errors == {
        "done_on": ["Give the day the step was done (not in the future)."]}
    response = client(cw.alice).post(f"/consultations/{session.pk}/steps/", {"index": "1", "step1-done_on": "昨天"})
    assert response.context["steps"][1]["form"].errors == {"done_on": ["Enter a valid date."]}
    assert client(cw.alice).post(f"/consultations/{session.pk}/steps/", {"index": "8"}).status_code == 404
    for bad in ("x", "-1", ""):
        assert client(cw.alice).post(f"/consultations/{session.pk}/steps/", {"index": bad}).status_code == 404
    plain = cw.session()
    assert client(cw.alice).post(f"/consultations/{plain.pk}/steps/", {"index": "0"}).status_code == 404


def test_members_do_not_tick_steps(cw):
    session = cw.invited(cw.session(form=ConsultationForm.GRASSROOTS, title="请你来协商：停车", place="东区会议室"))
    response = client(cw.bob).post(f"/consultations/{session.pk}/steps/", {
        "index": "0", "step0-done_on": timezone.localdate().isoformat()})
    assert response.status_code == 403
    assert "form" not in client(cw.bob).get(f"/consultations/{session.pk}/").context["steps"][0]
