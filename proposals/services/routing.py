"""Routing an item to departments: the committee's rules first, then the recommendation
learned from past decisions; an item neither decides confidently goes to staff triage.

The learned recommendation is a multinomial naive Bayes over the words (jieba) of items each
department received as lead unit, updated incrementally with every rule or staff decision
(not with its own decisions, so it does not reinforce its mistakes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Sum
from django.utils.translation import gettext as _

from members.models import Committee, Department

from .. import text
from ..models import Case, RoutingDepartmentStat, RoutingRule, RoutingTermStat

# How sharply the per-word evidence separates departments after averaging: with 4, a
# department whose words are e times likelier per word than another's gets ~98 % of the mass
# between the two; weak, mixed evidence stays well below a 0.8 threshold.
TEMPERATURE = 4.0


@dataclass
class Candidate:
    department_id: int
    department: str
    confidence: float


@dataclass
class Proposal:
    """What routing proposes for a case."""

    method: str  # "rule", "learned" or "triage"
    lead: Department | None = None
    co: list[Department] = field(default_factory=list)
    rule: RoutingRule | None = None
    score: float | None = None
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""


def case_words(case: Case) -> list[str]:
    return text.words(f"{case.title}\n{case.content}")


def _rule_matches(rule: RoutingRule, case: Case, haystack: str, place_path: str) -> str | None:
    """Why ``rule`` matches ``case`` (None when it does not)."""
    why = []
    if rule.category_id:
        if rule.category_id != case.category_id:
            return None
        why.append(_("category %(c)s") % {"c": rule.category})
    keywords = rule.keyword_list
    if keywords:
        hits = [k for k in keywords if k.lower() in haystack]
        if not hits:
            return None
        why.append(_("keywords %(k)s") % {"k": "、".join(hits)})
    if rule.place_id:
        if not place_path or f"/{rule.place_id}/" not in place_path:
            return None
        why.append(_("place %(p)s") % {"p": rule.place})
    return "; ".join(why)


def match_rules(case: Case) -> Proposal | None:
    rules = (
        RoutingRule.objects.filter(committee_id=case.committee_id, kind=case.kind, is_active=True,
                                   lead_department__is_active=True)
        .select_related("lead_department", "category", "place")
        .prefetch_related("co_departments")
        .order_by("-priority", "id")
    )
    haystack = f"{case.title}\n{case.content}".lower()
    place_path = case.place.path if case.place_id else ""
    for rule in rules:
        why = _rule_matches(rule, case, haystack, place_path)
        if why is not None:
            return Proposal(
                method="rule", lead=rule.lead_department,
                co=[d for d in rule.co_departments.all() if d.is_active and d.pk != rule.lead_department_id],
                rule=rule, score=1.0,
                reason=_("Rule “%(rule)s” (priority %(p)d) matched: %(why)s.") % {"rule": rule.name, "p": rule.priority, "why": why},
            )
    return None


def recommend(committee_id: int, words: list[str], *, top: int = 3) -> list[Candidate]:
    """Departments ranked by the learned model, with probabilities that sum to 1."""
    priors = {
        s.department_id: s
        for s in RoutingDepartmentStat.objects.filter(committee_id=committee_id, department__is_active=True,
                                                      documents__gt=0)
    }
    if not priors or not words:
        return []
    counts: dict[int, dict[str, int]] = {d: {} for d in priors}
    for department_id, term, count in RoutingTermStat.objects.filter(
        committee_id=committee_id, term__in=words, department_id__in=list(priors)
    ).values_list("department_id", "term", "count"):
        counts[department_id][term] = count
    known = {t for per in counts.values() for t in per}
    if not known:
        return []
    vocabulary = max(RoutingTermStat.objects.filter(committee_id=committee_id).values("term").distinct().count(), 1)
    total_docs = sum(s.documents for s in priors.values())
    scores = {}
    for department_id, stat in priors.items():
        # Words never seen anywhere say nothing about the department. The likelihood is the
        # geometric mean over the known words (a tempered naive Bayes): summing 100 words'
        # log-likelihoods would make every posterior look certain, and confidence must mean
        # something when it decides between routing and triage.
        likelihood = sum(
            math.log((counts[department_id].get(term, 0) + 1) / (stat.terms + vocabulary)) for term in known
        ) / len(known)
        scores[department_id] = math.log(stat.documents / total_docs) + likelihood * TEMPERATURE
    best = max(scores.values())
    exp = {d: math.exp(s - best) for d, s in scores.items()}
    norm = sum(exp.values())
    ranked = sorted(exp.items(), key=lambda kv: kv[1], reverse=True)[:top]
    names = dict(Department.objects.filter(pk__in=[d for d, _ in ranked]).values_list("pk", "name"))
    return [Candidate(d, names.get(d, ""), round(v / norm, 4)) for d, v in ranked]


def propose(case: Case, *, threshold: float) -> Proposal:
    by_rule = match_rules(case)
    if by_rule is not None:
        return by_rule
    candidates = recommend(case.committee_id, case_words(case))
    if candidates and candidates[0].confidence >= threshold:
        lead = Department.objects.get(pk=candidates[0].department_id)
        return Proposal(
            method="learned", lead=lead, score=candidates[0].confidence, candidates=candidates,
            reason=_("No rule matched; the recommendation learned from past routing chose %(d)s with confidence "
                     "%(s).0f%% (threshold %(t).0f%%).") % {"d": lead, "s": candidates[0].confidence * 100,
                                                             "t": threshold * 100},
        )
    if candidates:
        reason = _("No rule matched and the best recommendation, %(d)s at %(s).0f%%, is below the %(t).0f%% "
                   "threshold: staff decide.") % {"d": candidates[0].department, "s": candidates[0].confidence * 100,
                                                    "t": threshold * 100}
    else:
        reason = _("No rule matched and there is no routing history to learn from yet: staff decide.")
    return Proposal(method="triage", candidates=candidates, score=candidates[0].confidence if candidates else None,
                    reason=reason)


def learn(case: Case, lead: Department, words: list[str] | None = None) -> None:
    """Count ``case``'s words for ``lead`` (one upsert statement per table)."""
    words = case_words(case) if words is None else words
    table_terms = RoutingTermStat._meta.db_table
    table_depts = RoutingDepartmentStat._meta.db_table
    with connection.cursor() as cursor:
        if words:
            values = ", ".join(["(%s, %s, %s, 1)"] * len(words))
            params = [p for w in words for p in (case.committee_id, lead.pk, w)]
            cursor.execute(
                f"INSERT INTO {table_terms} (committee_id, department_id, term, count) VALUES {values} "
                f"ON CONFLICT (committee_id, term, department_id) DO UPDATE SET count = {table_terms}.count + 1",
                params,
            )
        cursor.execute(
            f"INSERT INTO {table_depts} (committee_id, department_id, documents, terms) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (committee_id, department_id) DO UPDATE SET documents = {table_depts}.documents + 1, "
            f"terms = {table_depts}.terms + %s",
            [case.committee_id, lead.pk, len(words), len(words)],
        )


def model_size(committee: Committee) -> dict:
    agg = RoutingDepartmentStat.objects.filter(committee=committee).aggregate(docs=Sum("documents"))
    return {
        "documents": agg["docs"] or 0,
        "terms": RoutingTermStat.objects.filter(committee=committee).values("term").distinct().count(),
    }



