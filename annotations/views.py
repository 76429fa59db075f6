"""Reviewer pages: the landing page with articles to review, and the article workspace."""

import logging
from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Q, Subquery
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import health
from .access import (
    check_search_articles,
    is_adjudicator,
    is_reviewer,
    may_search_checks,
    may_see_matches,
    others_labels,
    skip_counts,
    visible_articles,
    visible_projects,
)
from .adjudicating import adjudication_queue
from .agreement import summary
from .discussing import new_replies
from .guidelines import digest_of
from .guidelines import render as render_guidelines
from .guidelines import state as guideline_state
from .languages import is_right_to_left, language_name
from .limits import sign_in_refusal
from .matching import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, matches_for_many, search_checks
from .models import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, Annotation, GuidelinesSeen, Skip
from .predictions import suggestions
from .progress import projects_with_progress, with_progress
from .queue import next_sentence
from .segmentation import paragraph_spans
from .shortcuts import (
    ACTIONS,
    InvalidShortcuts,
    clean_keys,
    key_name,
    save_shortcuts,
    shortcuts_for,
)
from .skipping import REASONS
from .tallies import coincidences

log = logging.getLogger(__name__)

ARTICLES_PER_PAGE = 50
ORDERINGS = {
    # Articles where this reviewer still has work first, then those furthest from done.
    "needed": [F("labeled_by_user").asc(), F("reviews_needed").desc(), "-created_at", "-id"],
    "newest": ["-created_at", "-id"],
}


@require_GET
def healthz(request):
    """The primary database, the replica and the shared cache: ok, degraded (a replica or
    the cache is down, the site still works) or error (503: the database is down).
    Anyone may ask, so the answer names no host or error: those go to the log."""
    answer, status = health.report()
    return JsonResponse(answer, status=status)


def reviewer_required(view):
    """Signed in and holding a role; others see a page that says whom to ask."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_reviewer(request.user):
            return render(request, "annotations/no_role.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


@reviewer_required
def home(request):
    user = request.user
    q = request.GET.get("q", "").strip()[:200]
    sort = request.GET.get("sort") if request.GET.get("sort") in ORDERINGS else "needed"
    project = request.GET.get("project", "")
    language = request.GET.get("language", "")[:16]
    articles = with_progress(visible_articles(user).select_related("project"), user)
    if project:
        articles = articles.filter(project__slug=project)
    if language:
        articles = articles.filter(language=language)
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(source__icontains=q))
    page = Paginator(articles.order_by(*ORDERINGS[sort]), ARTICLES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    has_work = (
        with_progress(visible_articles(user), user)
        .filter(labeled_by_user__lt=F("sentence_count") - F("skipped_by_user"))
        .exists()
    )
    filters = {"q": q, "sort": sort, "project": project, "language": language}
    keep = "&" + urlencode({name: value for name, value in filters.items() if value})
    return render(
        request,
        "annotations/home.html",
        {
            "projects": projects_with_progress(visible_projects(user)).prefetch_related(
                "members"
            ),
            "page": page,
            "q": q,
            "sort": sort,
            "project": project,
            "language": language,
            "languages": [
                (code, language_name(code))
                for code in visible_articles(user).order_by("language")
                .values_list("language", flat=True).distinct()
            ],
            "has_work": has_work,
            "keep": keep,
            "replies": new_replies(user),
        },
    )


@reviewer_required
def article_page(request, pk):
    user = request.user
    seen = GuidelinesSeen.objects.filter(project=OuterRef("project"), user=user)
    article = get_object_or_404(
        with_progress(visible_articles(user).select_related("project"), user)
        # The version of the guidelines this reviewer last saw: no query of its own.
        .annotate(guidelines_seen=Subquery(seen.values("digest")[:1])),
        pk=pk,
    )
    sentences = list(article.sentences.all())
    mine = Annotation.objects.filter(sentence__article=article, reviewer=user)
    guidelines = article.project.guidelines
    return render(
        request,
        "annotations/article.html",
        {
            "article": article,
            "sentence_count": len(sentences),
            # Each sentence's own direction is dir="auto"; a paragraph's cannot be: the
            # browser skips children that carry a dir of their own when it looks for one.
            "direction": "rtl" if is_right_to_left(article.language) else "ltr",
            "paragraphs": group_by_paragraph(article.body, sentences),
            "safe_url": article.url if urlsplit(article.url).scheme in ("http", "https") else "",
            "note_max_length": NOTE_MAX_LENGTH,
            "shortcuts": shortcuts_for(user),
            "comment_max_length": COMMENT_MAX_LENGTH,
            "guidelines_html": render_guidelines(guidelines),
            "skip_reasons": REASONS,
            "page_data": {
                "user": user.pk,
                "annotations": {
                    a.sentence_id: {
                        "label": a.label, "note": a.note, "evidence": a.evidence,
                        "claim_start": a.claim_start, "claim_end": a.claim_end,
                        "version": a.version,
                    }
                    for a in mine
                },
                "skips": {
                    skip.sentence_id: skip.reason
                    for skip in Skip.objects.filter(sentence__article=article, reviewer=user)
                },
                "others": others_labels(user, article),
                # Adjudicators see how many reviewers skipped each sentence, never who.
                "skip_counts": skip_counts(user, article),
                "project": article.project.slug,
                "guidelines": {
                    "state": guideline_state(guidelines, article.guidelines_seen),
                    "digest": digest_of(guidelines),
                },
                "sees_all": is_adjudicator(user),
                "matches_before": may_see_matches(user, article.project, labeled=False),
                # A model's labels, where the project shows them: never counted as labels.
                "suggestions": suggestions(article),
            },
        },
    )


@require_POST
@reviewer_required
def next_task(request):
    """Send the reviewer to the sentence the queue picks for them."""
    sentence = next_sentence(request.user, project=request.POST.get("project") or None)
    if sentence is None:
        messages.info(request, "Nothing left that needs your label. Thank you!")
        return redirect("home")
    return redirect(f"/articles/{sentence.article_id}/#s-{sentence.pk}")


ADJUDICATION_PER_PAGE = 25
ADJUDICATION_MATCHES = 3


@login_required
def adjudicate(request):
    """Sentences whose reviewers disagree (or that anyone marked unclear), votes side by side."""
    user = request.user
    if not is_adjudicator(user):
        return render(request, "annotations/no_role.html", {"role": "adjudicator"}, status=403)
    project = request.GET.get("project", "")
    show = request.GET.get("show") if request.GET.get("show") in ("open", "all") else "open"
    articles = visible_articles(user)
    if project:
        articles = articles.filter(project__slug=project)
    page = Paginator(
        adjudication_queue(articles, include_decided=show == "all"), ADJUDICATION_PER_PAGE
    ).get_page(request.GET.get("page"))
    # Without a verdict, on every page: the open list's own count, else one more query.
    left = page.paginator.count if show == "open" else adjudication_queue(articles).count()
    agreement = summary(coincidences(articles))
    # The earlier checks of each listed claim, from every article the adjudicator sees.
    found = matches_for_many(page.object_list, visible_articles(user), limit=ADJUDICATION_MATCHES)
    for sentence in page.object_list:
        sentence.matches = found.get(sentence.pk, [])
    return render(
        request,
        "annotations/adjudicate.html",
        {
            "page": page,
            "projects": visible_projects(user),
            "project": project,
            "show": show,
            "keep": "&" + urlencode({"project": project, "show": show}),
            "agreement": agreement,
            "left": left,
            "shortcuts": shortcuts_for(user),
            "comment_max_length": COMMENT_MAX_LENGTH,
        },
    )


@login_required
def checks(request):
    """Checked claims: every checked sentence the user may search, by text."""
    user = request.user
    if not may_search_checks(user):
        return render(request, "annotations/no_role.html", {"role": "checks"}, status=403)
    q = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    language = request.GET.get("language", "").strip()[:16]
    project = request.GET.get("project", "")
    articles = check_search_articles(user)
    if project:
        articles = articles.filter(project__slug=project)
    results = search_checks(q, articles, language=language or None) if q else []
    return render(
        request,
        "annotations/checks.html",
        {
            "q": q,
            "language": language,
            "project": project,
            "projects": visible_projects(user),
            "results": results,
            "too_short": bool(q) and len(q) < MIN_QUERY_LENGTH,
            "shortcuts": shortcuts_for(user),
        },
    )


class ShortcutsForm(forms.Form):
    """On or off, and a key for each action; the keys are checked by `clean_keys`, and an
    error stands next to the key at fault."""

    enabled = forms.BooleanField(required=False, label="Single-key shortcuts on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for action, (_, meaning) in ACTIONS.items():
            self.fields[action] = forms.CharField(
                label=meaning, max_length=1, strip=False,
                widget=forms.TextInput(attrs={"size": 2, "autocomplete": "off"}),
            )

    def clean(self):
        data = super().clean()
        keys = {action: data[action] for action in ACTIONS if action in data}
        if len(keys) == len(ACTIONS):
            try:
                data["keys"] = clean_keys(keys)
            except InvalidShortcuts as error:
                self.add_error(error.action, str(error))
        return data


@reviewer_required
def shortcut_settings(request):
    """The user's single-key shortcuts (WCAG 2.1.4): turn them off, or choose each key."""
    current = shortcuts_for(request.user)
    form = ShortcutsForm(
        request.POST or None, initial={"enabled": current["enabled"], **current["keys"]}
    )
    if request.method == "POST":
        if "defaults" in request.POST:
            save_shortcuts(user=request.user, enabled=True, keys={})
            messages.success(request, "Keyboard shortcuts are back to the defaults.")
            return redirect("shortcuts")
        if form.is_valid():
            save_shortcuts(
                user=request.user, enabled=form.cleaned_data["enabled"],
                keys=form.cleaned_data["keys"],
            )
            messages.success(request, "Keyboard shortcuts saved.")
            return redirect("shortcuts")
    rows = [(form[action], key_name(default)) for action, (default, _) in ACTIONS.items()]
    status = 400 if form.errors else 200
    return render(
        request, "annotations/shortcuts.html", {"form": form, "rows": rows}, status=status
    )


def group_by_paragraph(body, sentences):
    """Sentences (in order) grouped into the paragraphs of `body` they fall in."""
    paragraphs, spans = [], iter(paragraph_spans(body))
    end = -1
    for sentence in sentences:
        if sentence.start >= end:
            _, end = next(spans, (None, len(body)))
            while end <= sentence.start:
                _, end = next(spans, (None, len(body)))
            paragraphs.append([])
        paragraphs[-1].append(sentence)
    return paragraphs




def locked_out(request, response=None, credentials=None):
    """django-axes: a sign-in refused before its password was checked (too many failures
    for this user from this address, or from this address for any user)."""
    message, wait = sign_in_refusal(request)
    if request.path.startswith("/api/"):
        answer = JsonResponse({"detail": message}, status=429)
    else:
        answer = render(request, "registration/locked_out.html", {"message": message},
                        status=429)
    answer["Retry-After"] = str(wait)
    return answer
