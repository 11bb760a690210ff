"""Similar proposals (并案 candidates): jieba keywords stored with each proposal, compared by
cosine. Similar texts rank above unrelated ones, scores stay within [0, 1], an empty text finds
nothing, and excluded proposals are never offered."""

from __future__ import annotations

import math

import pytest

from proposals import similarity
from proposals.models import Proposal

pytestmark = pytest.mark.django_db

ELEVATOR_SUBSIDY = {
    "title": "关于老旧小区加装电梯财政补贴的建议",
    "reason": "老旧小区加装电梯资金筹措困难，居民负担较重。",
    "analysis": "目前老旧小区加装电梯主要依靠居民自筹资金，财政补贴标准偏低，低层住户参与意愿不高，加装电梯推进缓慢。",
    "suggestions": "一是提高加装电梯财政补贴标准；二是允许提取住房公积金用于加装电梯；三是简化审批流程。",
}
CANTEEN = {
    "title": "关于加强中小学食堂食品安全监管的建议",
    "reason": "部分学校食堂食品安全管理不到位。",
    "analysis": "近年来学校食堂食品安全事件时有发生，原材料采购、加工储存环节存在隐患，监管力量不足。",
    "suggestions": "一是推行明厨亮灶；二是建立家长陪餐制度；三是加强原材料溯源管理。",
}
QUERY = "老旧小区加装电梯补贴资金和审批问题"


@pytest.fixture
def three(pp):
    elevator = pp.draft()
    subsidy = pp.draft(member=pp.cindy_seat, **ELEVATOR_SUBSIDY)
    canteen = pp.draft(**CANTEEN)
    return elevator, subsidy, canteen


def test_keywords_are_weighted_words_normalised_to_length_one(pp):
    words = similarity.keywords("老旧小区加装电梯，电梯补贴资金，加装电梯审批")
    assert words[0][0] == "电梯"
    assert all(len(w) >= 2 for w, _wt in words)
    assert math.isclose(math.sqrt(sum(wt * wt for _w, wt in words)), 1.0, abs_tol=0.001)


def test_similar_texts_score_higher_than_unrelated_ones(three):
    elevator, subsidy, canteen = three
    scores = {m.proposal: m.score for m in similarity.similar(QUERY, Proposal.objects.all(), min_score=0)}
    assert scores[canteen] == 0.0
    assert scores[elevator] > 0.5 and scores[subsidy] > 0.5
    # The unrelated one falls under the threshold and is not offered at all.
    assert [m.proposal for m in similarity.similar(QUERY, Proposal.objects.all())] == [elevator, subsidy]


def test_matches_are_best_first_and_name_the_shared_words(three):
    elevator, subsidy, _canteen = three
    matches = similarity.similar(f"{subsidy.title}\n{subsidy.text}", Proposal.objects.all())
    assert matches[0].proposal == subsidy
    assert matches[0].score == pytest.approx(1.0, abs=0.01)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert "电梯" in matches[0].shared and len(matches[0].shared) <= 6


def test_scores_stay_within_zero_and_one(three):
    for text in (QUERY, CANTEEN["analysis"], "电梯" * 50, three[0].text):
        for match in similarity.similar(text, Proposal.objects.all(), min_score=0):
            assert 0.0 <= match.score <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "的了和"])
def test_a_text_without_keywords_finds_nothing(three, text):
    assert similarity.similar(text, Proposal.objects.all()) == []


def test_excluded_proposals_are_never_offered(three):
    elevator, subsidy, _canteen = three
    matches = similarity.similar(QUERY, Proposal.objects.all(), exclude_ids=(elevator.pk,))
    assert [m.proposal for m in matches] == [subsidy]


def test_the_limit_caps_the_matches(three):
    assert len(similarity.similar(QUERY, Proposal.objects.all(), limit=1, min_score=0)) == 1


def test_a_proposal_without_keywords_scores_zero(three):
    elevator, _subsidy, _canteen = three
    Proposal.objects.filter(pk=elevator.pk).update(keywords=[])
    assert elevator.pk not in {m.proposal.pk for m in similarity.similar(QUERY, Proposal.objects.all(), min_score=0.0001)}
    assert similarity.cosine([], [["电梯", 1.0]]) == 0.0
