"""The consultation world, on top of the handling world (tests/proposals/conftest.py):

| who   | what                                                                  |
| ----- | --------------------------------------------------------------------- |
| alice | staff of 甲市 (A) — runs sessions, reviews information, compiles issues |
| fiona | staff of A and the committees below (东区, A1)                         |
| lily  | leader of A — approves results, signs off information, instructs      |
| bob   | member of A; cindy another member of A; ada member of A1              |
| carol | liaison of 甲市教育局 (dept_a); hank of dept_a2; dave of committee B     |
| olga  | information officer of A (not a member)                               |

A and A1 have the standard consultation kinds (``cw.kinds_a[form]``) and a bulletin each
(《社情民意》).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consultations.choices import ConsultationForm, TopicSource
from consultations.services import consultations as cs, information as info
from tests.factories import UserFactory
from tests.proposals.conftest import Handling, Proposals, _media_root, clock, h, pp, sent  # noqa: F401


class ConsultationWorld(Proposals):
    def topic(self, *, title="加快发展普惠托育服务", status="approved", year=None, committee=None, **fields):
        committee = committee or self.a
        year = year or timezone.localdate().year
        topic = cs.topic_propose(actor=self.alice, committee=committee, year=year, title=title,
                                 description="全市托育机构供给不足，收费偏高，建议政协开展专题协商。",
                                 source=fields.pop("source", TopicSource.ASSIGNED), **fields)
        if status in ("approved", "scheduled"):
            topic = cs.topic_review(actor=self.alice, topic=topic, approve=True)
        return topic

    def session(self, *, form=ConsultationForm.SPECIAL, starts_at=None, topics=(), **fields):
        starts_at = starts_at or timezone.now() + dt.timedelta(days=7)
        return cs.consultation_save(
            actor=self.alice, committee=self.a, kind=self.kinds_a[form], title=fields.pop("title", "普惠托育专题协商会"),
            starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3), place=fields.pop("place", "市政协三楼会议室"),
            topics=topics, **fields)

    def invited(self, consultation=None, members=None):
        consultation = consultation or self.session()
        cs.participants_invite(actor=self.alice, event=consultation, members=members or [self.bob_seat,
                                                                                          self.cindy_seat])
        return cs.consultation_announce(actor=self.alice, consultation=consultation)

    def held(self, consultation=None):
        consultation = self.invited(consultation)
        consultation = cs.consultation_open(actor=self.alice, consultation=consultation)
        return cs.consultation_close(actor=self.alice, consultation=consultation, summary="与会人员围绕议题深入协商。")

    def information(self, *, actor=None, committee=None, title="农村留守老人助餐服务亟待加强", co_authors=(),
                    submit=True):
        item = info.information_draft_save(
            actor=actor or self.bob, committee=committee or self.a, title=title,
            content="部分乡镇留守老人就餐困难，村级助餐点覆盖不足，建议统筹建设村级老年食堂。", co_authors=co_authors)
        return info.information_submit(actor=actor or self.bob, item=item) if submit else item

    def signed_off(self, item=None, *, staff=None, leader=None):
        item = item or self.information()
        item = info.information_approve(actor=staff or self.alice, item=item)
        return info.information_sign_off(actor=leader or self.lily, item=item)


@pytest.fixture
def cw(pp) -> ConsultationWorld:  # noqa: F811 - the proposals fixture, imported above
    w = ConsultationWorld(**vars(pp))
    w.kinds_a = {k.form: k for k in cs.consultation_kinds_install(actor=w.alice, committee=w.a)}
    w.kinds_a1 = {k.form: k for k in cs.consultation_kinds_install(actor=w.fiona, committee=w.a1)}
    w.bulletin_a = info.bulletin_save(actor=w.alice, committee=w.a, name="社情民意")
    w.bulletin_a1 = info.bulletin_save(actor=w.fiona, committee=w.a1, name="社情民意")
    w.olga = UserFactory(username="olga", full_name="欧佳")
    w.olga_desk = info.information_officer_save(actor=w.alice, committee=w.a, user=w.olga, organisation="甲市社科院")
    return w
