"""Similar proposals: jieba's TF-IDF keywords of each proposal, compared by cosine.

Each proposal stores its top keywords with weights when its text is saved, so a search reads
those short vectors instead of cutting every text again: a committee's few thousand proposals
of two years compare in milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import QuerySet

from .text import STOPWORDS, _jieba

TOP_K = 30
MIN_SCORE = 0.12


def keywords(text: str, *, top_k: int = TOP_K) -> list[list]:
    """``[[word, weight], …]`` of ``text``, strongest first, weights normalised to length 1."""
    _jieba()  # the dictionary, loaded once per process
    import jieba.analyse

    pairs = [(w, wt) for w, wt in jieba.analyse.extract_tags(text[:8000], topK=top_k * 2, withWeight=True)
             if len(w) >= 2 and w not in STOPWORDS and not w.isdigit()][:top_k]
    norm = math.sqrt(sum(wt * wt for _w, wt in pairs)) or 1.0
    return [[w, round(wt / norm, 4)] for w, wt in pairs]


def cosine(a: list[list], b: list[list]) -> float:
    if not a or not b:
        return 0.0
    weights = dict(a)
    return sum(weights.get(w, 0.0) * wt for w, wt in b)


@dataclass
class Match:
    proposal: object
    score: float
    shared: list[str]


def similar(text: str, candidates: QuerySet, *, limit: int = 8, min_score: float = MIN_SCORE,
            exclude_ids: tuple = ()) -> list[Match]:
    """The candidates most like ``text``, best first, with the words they share."""
    query = keywords(text)
    if not query:
        return []
    query_words = {w for w, _wt in query}
    matches = []
    for proposal in candidates.select_related(None).exclude(pk__in=exclude_ids).only(
        "id", "title", "number", "status", "year", "keywords", "kind", "proposer__name", "body__name",
        "committee_id", "term_id",
    ).select_related("proposer", "body"):
        score = cosine(query, proposal.keywords or [])
        if score >= min_score:
            shared = [w for w, _wt in proposal.keywords if w in query_words][:6]
            matches.append(Match(proposal, round(score, 3), shared))
    matches.sort(key=lambda m: (-m.score, -m.proposal.pk))
    return matches[:limit]
