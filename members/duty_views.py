"""Pages of the duty record (履职档案) and its assessment (履职量化考核): a member's own record and
score, staff's and leaders' view of any member of their committees (staff add and delete
manual entries with evidence), the yearly duty report as a PDF, the committee-year rankings
with the sector ranking, the members below the minimums, the outstanding-member shortlist and
the Excel export, and the rules of each year with their recompute.

What a user sees is always a selector's queryset (members.selectors: duty_entries_for,
duty_scores_for, rule_sets_for, recompute_jobs_for; outside them, 404); every change is a
members.duty service call whose refusal shows next to the form's fields or as a message.
Points are the engine's own (members.duty.entry_points and score), never computed here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Max, Min, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView, View

from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.exports import xlsx_response
from cppcc_portal.core.views import (
    ServiceFormView,
    add_service_errors,
    register_action_labels,
    timeline_context,
    tune_filter_form,
)

from . import duty, duty_forms as forms, duty_letters, filtersets
from .choices import DutyKind, JobStatus, RuleSetStatus, SplitMode
from .models import AssessmentRule, AssessmentRuleSet, Committee, DutyEvidence, Member
from .selectors import (
    committees_for,
    duty_entries_for,
    duty_scores_for,
    manageable_committees_for,
    members_for,
    recompute_jobs_for,
    rule_sets_for,
    scope_for,
)

register_action_labels({
    "rule_set.create": gettext_lazy("Assessment rules created"),
    "rule_set.update": gettext_lazy("Assessment rules changed"),
    "rule_set.publish": gettext_lazy("Assessment rules published"),
    "rule_set.copy": gettext_lazy("Assessment rules copied from another year"),
    "rule.save": gettext_lazy("Points of a kind set"),
    "rule.delete": gettext_lazy("Points of a kind removed"),
    "duty_entry.add": gettext_lazy("Duty entry recorded"),
    "duty_entry.delete": gettext_lazy("Duty entry deleted"),
})

ENTRIES_PER_PAGE = 50
RANKING_PAGE_SIZES = (50, 100)
BELOW_SHOWN = 50
SHORTLIST_SHOWN = 300
RUNNING = (JobStatus.QUEUED, JobStatus.RUNNING)
CENT = Decimal("0.01")


def _crumbs(*items) -> list[dict]:
    return [{"url": url, "label": label} for url, label in items]


def _year(value) -> int:
    """The year asked for (``?year=``), or this year when missing or out of range."""
    try:
        year = int(str(value or "").strip())
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _is_oversight(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.oversight_committee_ids)


def _is_staff_of(user, committee_id: int) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or committee_id in scope.staff_committee_ids


def _safe_link(url: str) -> str:
    """Links of entries point within the portal; anything else is not a link."""
    return url if url.startswith("/") and not url.startswith("//") else ""


def _refusal(request, exc) -> None:
    messages.error(request, getattr(exc, "message", None) or " ".join(getattr(exc, "messages", []))
                   or str(exc) or _("You may not do this."))


def section_tabs(request) -> list[dict]:
    """The sub-navigation of these pages: what this user's roles work with."""
    scope = scope_for(request.user)
    items = []
    if scope.member_ids:
        items.append(("duty_mine", _("My duty record")))
    if scope.is_superuser or scope.oversight_committee_ids:
        items.append(("duty_rankings", _("Rankings")))
    if scope.is_superuser or scope.oversight_committee_ids or scope.member_ids:
        items.append(("duty_rules", _("Assessment rules")))
    tabs = [{"url": reverse(name), "label": label, "current": request.path.startswith(reverse(name))}
            for name, label in items]
    return tabs if len(tabs) > 1 else []


class TabsMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tabs"] = section_tabs(self.request)
        return context


class OversightOnlyMixin:
    """Committee-wide pages for staff, leaders and administrators (anyone else: 403)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _is_oversight(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- a member's record ----------------------------------------------------------------------------


@dataclass
class DutyRecord:
    """A member-year as this user may see it: the rules and score (when the user may see them),
    the points by kind, the minimums not met, and the entries."""

    member: Member
    year: int
    entries: object  # the member-year's entries from duty_entries_for (a queryset)
    rule_set: AssessmentRuleSet | None = None
    rules: dict = field(default_factory=dict)
    shows_score: bool = False
    is_stored: bool = False
    total: Decimal | None = None
    grade: str = ""
    unmet: list[dict] = field(default_factory=list)
    kinds: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    by_kind: list[dict] = field(default_factory=list)  # every entry, grouped by kind (the PDF)

    @property
    def entry_count(self) -> int:
        return sum(self.counts.values())

    def decorate(self, entries) -> list:
        """Each entry with its points under the rules shown and a safe link to its source."""
        entries = list(entries)
        for entry in entries:
            entry.link = _safe_link(entry.url)
            entry.kind_label = forms.kind_label(entry.kind)
            entry.points = duty.entry_points(self.rules.get(entry.kind), role=entry.role,
                                             group_size=entry.group_size, share=entry.share) \
                if self.shows_score and self.rule_set is not None else None
        return entries


def visible_members(user):
    """Members whose record this user may open: staff and leaders any of their committees',
    a member their own seats (members_for also lists fellow members' names: not their records)."""
    qs = members_for(user)
    scope = scope_for(user)
    if scope.is_superuser:
        return qs
    return qs.filter(Q(committee_id__in=scope.oversight_committee_ids) | Q(pk__in=scope.member_ids))


def duty_record(user, member: Member, year: int, *, every_entry: bool = False) -> DutyRecord:
    """Read ``member``'s ``year`` with the user's own selectors: a fixed number of queries."""
    entries = duty_entries_for(user).filter(member=member, year=year)
    record = DutyRecord(member=member, year=year, entries=entries)
    record.counts = dict(entries.order_by().values_list("kind").annotate(n=Count("pk")))
    record.rule_set = rule_sets_for(user).filter(committee_id=member.committee_id, year=year).first()
    if record.rule_set is not None:
        record.rules = {r.kind: r for r in record.rule_set.rules.all()}
    stored = duty_scores_for(user).filter(member=member, year=year).first()
    by_kind: dict[str, Decimal] = {}
    if stored is not None:
        record.shows_score = record.is_stored = True
        record.total, record.grade, unmet = stored.total, stored.grade, stored.unmet_minimums or []
        by_kind = {k: Decimal(str(v)) for k, v in (stored.by_kind or {}).items()}
    elif record.rule_set is not None:  # rules the user may see, not scored yet: the engine scores it now
        plain = entries.select_related(None).prefetch_related(None).only("kind", "role", "group_size", "share")
        result = duty.score(record.rule_set, record.rules, plain)
        record.shows_score = True
        record.total, record.grade, unmet, by_kind = result.total, result.grade, result.unmet, result.by_kind
    else:
        unmet = []
    for m in unmet:
        kind, count = m.get("kind"), int(m.get("count") or 0)
        done = record.counts.get(kind, 0)
        label = forms.kind_label(kind)
        record.unmet.append({"kind": kind, "label": label, "count": count, "done": done,
                             "text": _("%(kind)s: %(done)d of %(count)d") % {"kind": label, "done": done,
                                                                            "count": count}})
    kinds = set(record.counts) | (set(record.rules) | set(by_kind) if record.shows_score else set())
    record.kinds = [{"kind": k, "label": forms.kind_label(k), "count": record.counts.get(k, 0),
                     "rule": record.rules.get(k),
                     "points": by_kind.get(k, Decimal("0.00") if k in record.rules else None)}
                    for k in sorted(kinds, key=forms.kind_order)]
    if every_entry:
        groups: dict[str, list] = {}
        for entry in record.decorate(entries.order_by("occurred_on", "id")):
            groups.setdefault(entry.kind, []).append(entry)
        record.by_kind = [{"kind": k, "label": forms.kind_label(k), "entries": groups[k]}
                          for k in sorted(groups, key=forms.kind_order)]
    return record


def _years(user, member: Member, year: int) -> list[int]:
    years = set(duty_entries_for(user).filter(member=member).order_by().values_list("year", flat=True).distinct())
    return sorted(years | {year, timezone.localdate().year}, reverse=True)


class RecordPageMixin(TabsMixin):
    """The page of one member-year: summary, points by kind, minimums, entries."""

    template_name = "duty/record.html"

    def record_context(self, member: Member, **extra) -> dict:
        request = self.request
        year = _year(request.GET.get("year"))
        record = duty_record(request.user, member, year)
        entries = record.entries
        kind = request.GET.get("kind") or ""
        if kind in DutyKind.values:
            entries = entries.filter(kind=kind)
        else:
            kind = ""
        page = Paginator(entries.order_by("-occurred_on", "-id"), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
        return {
            "member": member,
            "year": year,
            "years": _years(request.user, member, year),
            "record": record,
            "entries": record.decorate(page.object_list),
            "page_obj": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "kind": kind,
            "kind_label": forms.kind_label(kind) if kind else "",
            "is_draft": record.rule_set is not None and record.rule_set.status == RuleSetStatus.DRAFT,
            **extra,
        }


class DutyMineView(LoginRequiredMixin, RecordPageMixin, TemplateView):
    """A member's own record for a year (?year=); with several seats, ?seat= picks one."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        seats = list(Member.objects.filter(pk__in=scope.member_ids).select_related("committee", "sector")
                     .order_by("committee__path", "pk"))
        if not seats:
            raise Http404(_("You have no seat on a committee."))
        chosen = str(self.request.GET.get("seat") or "")
        member = next((s for s in seats if str(s.pk) == chosen), seats[0])
        context.update(self.record_context(member, seats=seats if len(seats) > 1 else [], is_own=True))
        context["title"] = _("My duty record")
        return context


class DutyMemberView(LoginRequiredMixin, RecordPageMixin, TemplateView):
    """Any member of the user's committees (staff and leaders); staff add and delete entries
    the portal cannot see."""

    def get_member(self) -> Member:
        return get_object_or_404(visible_members(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.member = self.get_member()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.member = member = self.get_member()
        if not _is_staff_of(request.user, member.committee_id):
            raise PermissionDenied
        action = request.POST.get("action")
        back = f"{reverse('duty_member', args=[member.pk])}?year={_year(request.POST.get('year'))}"
        if action == "delete":
            raw = request.POST.get("entry") or ""
            if not raw.isdigit():
                raise Http404
            entry = get_object_or_404(duty_entries_for(request.user).filter(member=member), pk=raw)
            try:
                duty.duty_entry_delete(actor=request.user, entry=entry)
            except (Conflict, PermissionDenied, ValidationError) as exc:
                _refusal(request, exc)
            else:
                messages.success(request, _("The entry “%(label)s” is deleted.") % {"label": entry.label})
            return redirect(f"{reverse('duty_member', args=[member.pk])}?year={entry.year}")
        if action != "add":
            messages.error(request, _("Unknown action."))
            return redirect(back)
        form = forms.DutyEntryForm(request.POST, request.FILES, prefix="entry")
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = duty.duty_entry_add(actor=request.user, member=member, kind=data["kind"],
                                            occurred_on=data["occurred_on"], label=data["label"], note=data["note"],
                                            evidence=data["evidence"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                _refusal(request, exc)
                return redirect(back)
            else:
                messages.success(request, _("The entry is recorded in %(name)s's duty record.") % {"name": member.name})
                return redirect(f"{reverse('duty_member', args=[member.pk])}?year={entry.year}")
        return self.render_to_response(self.get_context_data(entry_form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member, user = self.member, self.request.user
        can_manage = _is_staff_of(user, member.committee_id)
        context.update(self.record_context(member, can_manage=can_manage))
        if can_manage:
            context["entry_form"] = kwargs.get("entry_form") or forms.DutyEntryForm(prefix="entry")
        context["title"] = _("Duty record of %(name)s") % {"name": member.name}
        if _is_oversight(user):
            context["breadcrumbs"] = _crumbs((f"{reverse('duty_rankings')}?committee={member.committee_id}"
                                              f"&year={context['year']}", _("Rankings")))
        return context


@require_safe
def duty_report_pdf(request, pk: int):
    """The member's yearly duty report as a PDF: members their own, staff and leaders any in scope."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    member = get_object_or_404(visible_members(request.user), pk=pk)
    year = _year(request.GET.get("year"))
    record = duty_record(request.user, member, year, every_entry=True)
    response = HttpResponse(duty_letters.duty_report_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{member.name}-{year}-{_('Duty report')}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def duty_evidence_download(request, pk: int):
    """Evidence of a manual entry, for whoever may see the entry; always a download."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    evidence = get_object_or_404(DutyEvidence.objects.filter(
        entry__in=duty_entries_for(request.user).values("pk")), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- rankings -------------------------------------------------------------------------------------


def _ranking_committees(user):
    scope = scope_for(user)
    if scope.is_superuser:
        return committees_for(user).order_by("path", "pk")
    return Committee.objects.filter(pk__in=scope.oversight_committee_ids).order_by("path", "pk")


@dataclass
class Ranking:
    """The committee-year the rankings show and its scores as this user may see them."""

    form: forms.RankingScopeForm
    committee: Committee | None
    year: int
    rule_set: AssessmentRuleSet | None
    base: object  # the committee-year's scores (unfiltered)
    filterset: filtersets.DutyScoreFilterSet

    @property
    def grades(self) -> list[str]:
        return [g["grade"] for g in (self.rule_set.grades if self.rule_set else [])]


def _ranking(request) -> Ranking:
    user = request.user
    committees = list(_ranking_committees(user))
    data = request.GET.copy()
    chosen = str(data.get("committee") or "")
    committee = next((c for c in committees if str(c.pk) == chosen), committees[0] if committees else None)
    year = _year(data.get("year"))
    if committee is not None:
        data["committee"] = str(committee.pk)
    data["year"] = str(year)
    form = forms.RankingScopeForm(data, committees=_ranking_committees(user))
    form.is_valid()
    rule_set = None
    base = duty_scores_for(user).none()
    if committee is not None:
        rule_set = rule_sets_for(user).filter(committee=committee, year=year).first()
        base = duty_scores_for(user).filter(committee=committee, year=year)
    grades = [g["grade"] for g in (rule_set.grades if rule_set else [])]
    filterset = filtersets.DutyScoreFilterSet(data, queryset=base, request=request, committee=committee, grades=grades)
    return Ranking(form=form, committee=committee, year=year, rule_set=rule_set, base=base, filterset=filterset)


def _ranks(base) -> tuple[dict[Decimal, int], int]:
    """Each total's place in the committee-year (equal totals share a place) and how many
    members are scored: one query."""
    ranks, seen = {}, 0
    for total, n in base.order_by().values_list("total").annotate(n=Count("pk")).order_by("-total"):
        ranks[total] = seen + 1
        seen += n
    return ranks, seen


def _row(score, ranks: dict) -> object:
    score.rank = ranks.get(score.total)
    score.unmet_text = "；".join(
        _("%(kind)s: %(done)d of %(count)d") % {"kind": forms.kind_label(m["kind"]),
                                                "done": (score.counts or {}).get(m["kind"], 0),
                                                "count": int(m["count"])}
        for m in score.unmet_minimums or [])
    return score


def _filters_active(filterset) -> int:
    if not (filterset.is_bound and filterset.form.is_valid()):
        return 0
    return sum(1 for name, value in filterset.form.cleaned_data.items()
               if name not in ("committee", "year") and value not in (None, "", [], ()))


def _per_page(request) -> int:
    try:
        value = int(request.GET.get("per_page", RANKING_PAGE_SIZES[0]))
    except ValueError:
        return RANKING_PAGE_SIZES[0]
    return value if value in RANKING_PAGE_SIZES else RANKING_PAGE_SIZES[0]


def _sector_ranking(base) -> list[dict]:
    rows = (base.order_by().values("member__sector_id", "member__sector__name")
            .annotate(n=Count("pk"), average=Avg("total"), best=Max("total"), lowest=Min("total"),
                      below=Count("pk", filter=~Q(unmet_minimums=[])))
            .order_by("-average", "member__sector__name"))
    return [{"rank": i, "name": r["member__sector__name"], "count": r["n"],
             "average": Decimal(r["average"]).quantize(CENT, rounding=ROUND_HALF_UP), "best": r["best"],
             "lowest": r["lowest"], "below": r["below"]} for i, r in enumerate(rows, 1)]


def _shortlist(request, ranking: Ranking, ranks: dict) -> dict:
    """The outstanding-member shortlist: the best ``percent`` of the members scored (ties at
    the cut included) or one grade; by default only members who meet the minimums."""
    grades = ranking.grades
    bound = any(key.startswith("pick-") for key in request.GET)
    form = forms.ShortlistForm(request.GET if bound else None, prefix="pick", grades=grades)
    if bound and form.is_valid():
        mode, percent = form.cleaned_data["mode"], form.cleaned_data["percent"]
        grade, meet = form.cleaned_data["grade"], form.cleaned_data["meet_minimums"]
    else:
        mode, percent, meet = forms.ShortlistForm.TOP, 10, True
        grade = form.fields["grade"].initial or ""
    pool = ranking.base.filter(unmet_minimums=[]) if meet else ranking.base
    picked = pool.none()
    if mode == forms.ShortlistForm.GRADE:
        picked = pool.filter(grade=grade) if grade else pool.none()
    else:
        size = pool.count()
        wanted = math.ceil(size * percent / 100) if size else 0
        if wanted:
            cut = pool.order_by("-total").values_list("total", flat=True)[wanted - 1]
            picked = pool.filter(total__gte=cut)
    rows = [_row(s, ranks) for s in picked.order_by("-total", "member__name", "pk")[:SHORTLIST_SHOWN + 1]]
    return {"form": form, "rows": rows[:SHORTLIST_SHOWN], "more": len(rows) > SHORTLIST_SHOWN, "mode": mode,
            "percent": percent, "grade": grade, "meet_minimums": meet}


class DutyRankingsView(OversightOnlyMixin, LoginRequiredMixin, TabsMixin, TemplateView):
    """A committee-year's scores ranked, with filters, the sector ranking, the members below
    the minimums and the outstanding-member shortlist."""

    template_name = "duty/rankings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ranking = _ranking(self.request)
        filterset = ranking.filterset
        tune_filter_form(filterset.form)
        ranks, scored = _ranks(ranking.base)
        rows = filterset.qs.order_by("-total", "member__name", "pk")
        paginator = Paginator(rows, _per_page(self.request))
        page = paginator.get_page(self.request.GET.get("page"))
        below = ranking.base.exclude(unmet_minimums=[])
        below_rows = [_row(s, ranks) for s in below.order_by("-total", "member__name", "pk")[:BELOW_SHOWN]]
        context.update({
            "title": _("Duty rankings"),
            "ranking": ranking,
            "scope_form": ranking.form,
            "committee": ranking.committee,
            "year": ranking.year,
            "rule_set": ranking.rule_set,
            "filter": filterset,
            "filters_active": _filters_active(filterset),
            "page_obj": page,
            "object_list": [_row(s, ranks) for s in page.object_list],
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "per_page": paginator.per_page,
            "default_per_page": RANKING_PAGE_SIZES[0],
            "page_sizes": RANKING_PAGE_SIZES,
            "scored": scored,
            "sectors": _sector_ranking(ranking.base),
            "below_rows": below_rows,
            "below_count": below.count() if len(below_rows) >= BELOW_SHOWN else len(below_rows),
            "shortlist": _shortlist(self.request, ranking, ranks),
            "export_query": self.request.GET.urlencode(),
        })
        return context


class DutyRankingsExportView(OversightOnlyMixin, LoginRequiredMixin, View):
    """The whole table (the same filters) as an Excel sheet, each kind's points a column."""

    def get(self, request, *args, **kwargs):
        ranking = _ranking(request)
        ranks, _scored = _ranks(ranking.base)
        rows = [_row(s, ranks) for s in ranking.filterset.qs.order_by("-total", "member__name", "pk")]
        scored = {r.kind for r in ranking.rule_set.rules.all()} if ranking.rule_set else set()
        kinds = set(scored)
        for score in rows:
            kinds |= set(score.by_kind or {})
        kinds = sorted(kinds, key=forms.kind_order)
        headers = [_("Rank"), _("Name"), _("Sector"), _("Workplace"), _("Score"), _("Grade"), _("Minimums not met"),
                   *[forms.kind_label(k) for k in kinds]]

        def points(score, kind):  # a kind the rules score counts 0 for a member without such entries
            value = (score.by_kind or {}).get(kind)
            return Decimal(str(value)) if value is not None else (Decimal("0.00") if kind in scored else None)

        table = [[s.rank, s.member.name, s.member.sector.name, s.member.workplace, s.total, s.grade, s.unmet_text,
                  *[points(s, k) for k in kinds]] for s in rows]
        committee = ranking.committee
        name = (committee.short_name or committee.name) if committee else _("No committee")
        return xlsx_response(f"{_('Duty rankings')} {name} {ranking.year}.xlsx", headers, table,
                             title=str(ranking.year))


# --- the rules ------------------------------------------------------------------------------------


class DutyRulesView(LoginRequiredMixin, TabsMixin, TemplateView):
    """The rule sets this user may read, by committee and year (staff: drafts too)."""

    template_name = "duty/rules.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scope = scope_for(user)
        rule_sets = list(rule_sets_for(user).order_by("committee__path", "committee_id", "-year"))
        for rule_set in rule_sets:
            rule_set.rule_count = len(rule_set.rules.all())
            rule_set.can_manage = _is_staff_of(user, rule_set.committee_id)
        context.update({
            "title": _("Assessment rules"),
            "rule_sets": rule_sets,
            "can_create": scope.is_superuser or bool(scope.staff_committee_ids),
        })
        return context


class RuleSetFormMixin(TabsMixin):
    form_class = forms.RuleSetForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user", None)
        kwargs["rule_set"] = self.object
        if self.object is None:
            kwargs["committees"] = manageable_committees_for(self.request.user).order_by("path", "pk")
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = [(value, label) for value, label in DutyKind.choices]
        return context

    def get_success_url(self, obj=None):
        return reverse("duty_rule_set", args=[obj.pk])


class RuleSetCreateView(RuleSetFormMixin, ServiceFormView):
    template_name = "duty/rule_set_form.html"
    title = gettext_lazy("New assessment rules")
    submit_label = gettext_lazy("Create")
    success_message = gettext_lazy("The rules are created as a draft. Set the points of each kind, then publish.")

    def check_permission(self):
        scope = scope_for(self.request.user)
        if not (scope.is_superuser or scope.staff_committee_ids):
            raise PermissionDenied

    def save(self, form):
        data = form.cleaned_data
        return duty.rule_set_save(actor=self.request.user, committee=data["committee"], year=data["year"],
                                  title=data["title"], base_score=data["base_score"], max_score=data["max_score"],
                                  grades=data["grades"], minimums=data["minimums"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = _crumbs((reverse("duty_rules"), _("Assessment rules")))
        return context


class RuleSetEditView(RuleSetFormMixin, ServiceFormView):
    template_name = "duty/rule_set_form.html"
    success_message = gettext_lazy("The rules are saved; the year's scores are being recomputed.")

    def get_object(self):
        return get_object_or_404(rule_sets_for(self.request.user), pk=self.kwargs["pk"])

    def check_permission(self):
        if not _is_staff_of(self.request.user, self.object.committee_id):
            raise PermissionDenied

    def save(self, form):
        data = form.cleaned_data
        return duty.rule_set_save(actor=self.request.user, rule_set=self.object, title=data["title"],
                                  base_score=data["base_score"], max_score=data["max_score"], grades=data["grades"],
                                  minimums=data["minimums"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Change: %(t)s") % {"t": self.object.title}
        context["breadcrumbs"] = _crumbs((reverse("duty_rules"), _("Assessment rules")),
                                         (reverse("duty_rule_set", args=[self.object.pk]), self.object.title))
        return context


def _latest_job(user, rule_set: AssessmentRuleSet):
    return recompute_jobs_for(user).filter(committee_id=rule_set.committee_id, year=rule_set.year).first()


def _job_json(job) -> dict:
    if job is None:
        return {"status": None, "label": _("Not computed yet"), "running": False, "percent": 0, "done": 0,
                "total": 0, "finished_at": None}
    finished = timezone.localtime(job.finished_at).strftime("%Y-%m-%d %H:%M") if job.finished_at else None
    return {"status": job.status, "label": str(job.get_status_display()), "running": job.status in RUNNING,
            "percent": job.percent, "done": job.done, "total": job.total, "finished_at": finished}


class RuleSetView(LoginRequiredMixin, TabsMixin, TemplateView):
    """A year's rules: the points per kind (staff edit them row by row), publishing, copying to
    another year, and the recompute of the year's scores with its progress."""

    template_name = "duty/rule_set.html"

    def get_object(self) -> AssessmentRuleSet:
        return get_object_or_404(rule_sets_for(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def _rule(self) -> AssessmentRule:
        raw = self.request.POST.get("rule") or ""
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(AssessmentRule.objects.select_related("rule_set__committee"), pk=raw,
                                 rule_set=self.object)

    def post(self, request, *args, **kwargs):
        self.object = rule_set = self.get_object()
        user, action = request.user, request.POST.get("action")
        if not _is_staff_of(user, rule_set.committee_id):
            raise PermissionDenied
        back = redirect("duty_rule_set", pk=rule_set.pk)
        bound = {}
        try:
            if action == "rule":
                rule = self._rule()
                form = forms.RuleForm(request.POST, rule=rule, prefix=f"rule-{rule.pk}", form_id=f"rule-{rule.pk}")
                bound[f"rule-{rule.pk}"] = form
                if form.is_valid():
                    duty.rule_save(actor=user, rule_set=rule_set, kind=rule.kind, **self._values(form))
                    messages.success(request, _("%(kind)s: saved; the scores are being recomputed.")
                                     % {"kind": rule.get_kind_display()})
                    return back
            elif action == "add":
                form = forms.RuleForm(request.POST, kinds=self._free_kinds(), prefix="add")
                bound["add"] = form
                if form.is_valid():
                    rule = duty.rule_save(actor=user, rule_set=rule_set, kind=form.cleaned_data["kind"],
                                          **self._values(form))
                    messages.success(request, _("%(kind)s: scored; the scores are being recomputed.")
                                     % {"kind": rule.get_kind_display()})
                    return back
            elif action == "delete":
                rule = self._rule()
                duty.rule_delete(actor=user, rule=rule)
                messages.success(request, _("%(kind)s is no longer scored.") % {"kind": rule.get_kind_display()})
                return back
            elif action == "publish":
                duty.rule_set_publish(actor=user, rule_set=rule_set)
                messages.success(request, _("The rules are published: members now see their score and grade."))
                return back
            elif action == "copy":
                form = forms.CopyForm(request.POST, prefix="copy")
                bound["copy"] = form
                if form.is_valid():
                    copy = duty.rule_set_copy(actor=user, rule_set=rule_set, year=form.cleaned_data["year"])
                    messages.success(request, _("The rules are copied to %(y)d as a draft.") % {"y": copy.year})
                    return redirect("duty_rule_set", pk=copy.pk)
            elif action == "recompute":
                duty.duty_recompute_start(actor=user, committee=rule_set.committee, year=rule_set.year)
                messages.success(request, _("The scores of %(y)d are being recomputed.") % {"y": rule_set.year})
                return back
            else:
                messages.error(request, _("Unknown action."))
                return back
        except ValidationError as exc:
            form = next(iter(bound.values()), None)
            if form is None:
                _refusal(request, exc)
                return back
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            _refusal(request, exc)
            return back
        return self.render_to_response(self.get_context_data(bound=bound))

    @staticmethod
    def _values(form) -> dict:
        data = form.cleaned_data
        return {"points": data["points"], "cap": data["cap"], "split": data["split"],
                "first_share": data["first_share"] if data["first_share"] is not None else "0.5"}

    def _free_kinds(self) -> list[str]:
        used = {r.kind for r in self.object.rules.all()}
        return [k for k in DutyKind.values if k not in used]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rule_set, user = self.object, self.request.user
        bound = kwargs.get("bound") or {}
        can_manage = _is_staff_of(user, rule_set.committee_id)
        rules = sorted(rule_set.rules.all(), key=lambda r: forms.kind_order(r.kind))
        for rule in rules:
            rule.label = rule.get_kind_display()
            rule.shows_share = rule.split == SplitMode.FIRST_SHARE
            if can_manage:
                key = f"rule-{rule.pk}"
                rule.form = bound.get(key) or forms.RuleForm(rule=rule, prefix=key, form_id=key)
                rule.form_id = key
        context.update({
            "title": rule_set.title,
            "rule_set": rule_set,
            "rules": rules,
            "grades": rule_set.grades or [],
            "minimums": [{"label": forms.kind_label(m["kind"]), "count": m["count"]} for m in rule_set.minimums or []],
            "can_manage": can_manage,
            "is_published": rule_set.status == RuleSetStatus.PUBLISHED,
            "breadcrumbs": _crumbs((reverse("duty_rules"), _("Assessment rules"))),
        })
        if can_manage:
            free = self._free_kinds()
            job = _latest_job(user, rule_set)
            context.update({
                "add_form": bound.get("add") or (forms.RuleForm(kinds=free, prefix="add") if free else None),
                "copy_form": bound.get("copy") or forms.CopyForm(prefix="copy", initial={"year": rule_set.year + 1}),
                "job": job,
                "job_json": _job_json(job),
                "open_action": next(iter(bound), None),
            })
            context.update(timeline_context(self.request, rule_set))
        return context


@require_safe
def duty_recompute_progress(request, pk: int):
    """The latest recompute of the rules' year as JSON (the rules page polls it while it runs)."""
    if not request.user.is_authenticated:
        raise Http404
    rule_set = get_object_or_404(rule_sets_for(request.user), pk=pk)
    if not _is_staff_of(request.user, rule_set.committee_id):
        raise Http404
    response = JsonResponse(_job_json(_latest_job(request.user, rule_set)))
    response["Cache-Control"] = "no-store"
    return response
