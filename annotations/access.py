"""Who may see and do what. Every query for projects, articles, sentences or annotations
starts here, and every rule on roles and permissions is written here once: pages, API,
admin and commands call these functions and hold no rule of their own."""

from django.db.models import Count, Q

from .models import Annotation, Article, Label, Project, Sentence, Skip

REVIEWER_GROUP = "reviewer"
ADJUDICATOR_GROUP = "adjudicator"
EXPORT_PERMISSION = "annotations.export_dataset"


def _groups(user):
    # Cached on the user object: role checks run many times per request.
    if not hasattr(user, "_factcheck_groups"):
        user._factcheck_groups = set(user.groups.values_list("name", flat=True))
    return user._factcheck_groups


# ---- roles and permissions ---------------------------------------------------------------
#
# Roles come from the groups; the desk's other powers from Django's model permissions, the
# same ones the admin asks for. Staff status only opens the admin's door. Superusers hold
# every role and every permission.

CREATE_PROJECT_PERMISSION = "annotations.add_project"
IMPORT_PERMISSION = "annotations.add_article"
# The figures cover every label: whoever may read every annotation in the admin may read them.
STATS_PERMISSION = "annotations.view_annotation"


def is_adjudicator(user):
    return user.is_active and (user.is_superuser or ADJUDICATOR_GROUP in _groups(user))


def is_reviewer(user):
    """Reviewers and adjudicators (and superusers) may label sentences."""
    return user.is_active and (
        user.is_superuser or bool(_groups(user) & {REVIEWER_GROUP, ADJUDICATOR_GROUP})
    )


def can_export(user):
    """Exports, within `export_scope`."""
    return user.is_active and user.has_perm(EXPORT_PERMISSION)


def can_create_projects(user):
    return user.is_active and user.has_perm(CREATE_PROJECT_PERMISSION)


def can_import(user):
    """Imports articles, into any project (as the admin's own article form does)."""
    return user.is_active and user.has_perm(IMPORT_PERMISSION)


def can_read_stats(user):
    """The figures over every project: /api/stats/ and the dashboard."""
    return user.is_active and user.has_perm(STATS_PERMISSION)


# ---- what a user sees ----------------------------------------------------------------------


def projects_open_to(user):
    """The projects open to `user` whatever their role: all for adjudicators;
    for anyone else signed in the open ones (no members) and those they belong to."""
    if not (user.is_authenticated and user.is_active):
        return Project.objects.none()
    if is_adjudicator(user):
        return Project.objects.all()
    return Project.objects.filter(Q(members=None) | Q(members=user)).distinct()


def visible_projects(user):
    """The projects `user` may read and label: those open to them, if they hold a role;
    none for anyone else."""
    if not (user.is_authenticated and is_reviewer(user)):
        return Project.objects.none()
    return projects_open_to(user)


def visible_articles(user):
    return Article.objects.filter(project__in=visible_projects(user))


def visible_sentences(user):
    return Sentence.objects.filter(article__in=visible_articles(user))


def visible_annotations(user):
    """Annotations of the articles `user` sees: every one for adjudicators, the
    reviewer's own for reviewers."""
    annotations = Annotation.objects.filter(sentence__article__in=visible_articles(user))
    if not is_adjudicator(user):
        annotations = annotations.filter(reviewer=user)
    return annotations


def sees_others_after_labeling(user, project):
    """Whether `user`, once they have labeled a sentence of `project`, sees the other
    reviewers' labels on it: adjudicators always (they see every label from the start);
    reviewers only where the project shows the counts after labeling. Labeling stays blind
    otherwise; where it does not, `annotating` records a label changed after the reveal."""
    return is_adjudicator(user) or project.show_counts_after_labeling


def others_labels(user, article):
    """What `user` may know of other reviewers' labels on `article` (which they see), by
    sentence id. Reads `article.project`; one query at most.

    Adjudicators: every label, with who gave it, the note and the links.
    Reviewers, where the project shows them: the counts `{verified, disputed, unclear}`,
    only on sentences they have labeled themselves and that someone else has labeled too.
    """
    if not sees_others_after_labeling(user, article.project):
        return {}
    others = Annotation.objects.filter(sentence__article=article).exclude(reviewer=user)
    if is_adjudicator(user):
        result = {}
        for a in others.select_related("reviewer").order_by("reviewer__username"):
            result.setdefault(a.sentence_id, []).append(
                {"reviewer": a.reviewer.username, "label": a.label, "note": a.note,
                 "evidence": a.evidence}
            )
        return result
    labeled = Annotation.objects.filter(sentence__article=article, reviewer=user)
    return _counts(others.filter(sentence__in=labeled.values("sentence")))


def others_counts(user, sentence):
    """The counts `{verified, disputed, unclear}` of the other reviewers' labels on
    `sentence` that `user` may see now, or None: the rule of `others_labels` for one
    sentence. Reads `sentence.article.project`; two queries at most."""
    if not sees_others_after_labeling(user, sentence.article.project):
        return None
    mine = Annotation.objects.filter(sentence=sentence, reviewer=user)
    if not is_adjudicator(user) and not mine.exists():
        return None
    others = Annotation.objects.filter(sentence=sentence).exclude(reviewer=user)
    return _counts(others).get(sentence.pk, dict.fromkeys(Label.values, 0))


def skip_counts(user, article):
    """{sentence id: how many reviewers skipped it} on `article`, for adjudicators (who see
    every label anyway); {} for reviewers, who never learn of another's skip. One query for
    adjudicators, none otherwise."""
    if not is_adjudicator(user):
        return {}
    return dict(
        Skip.objects.filter(sentence__article=article).order_by()
        .values_list("sentence_id").annotate(n=Count("id"))
    )


def _counts(annotations):
    """{sentence id: {label: n for every label}} over `annotations`, in one query."""
    counts = {}
    for row in annotations.values("sentence_id", "label").annotate(n=Count("id")).order_by():
        by_label = counts.setdefault(row["sentence_id"], dict.fromkeys(Label.values, 0))
        by_label[row["label"]] = row["n"]
    return counts


def may_discuss(user, *, labeled):
    """Whether `user` may read and add to the discussion of a sentence they see:
    adjudicators (and superusers) always; a reviewer once they have labeled it (`labeled`),
    never before, so that the others' words do not steer their label."""
    if is_adjudicator(user):
        return True
    return is_reviewer(user) and labeled


# ---- claim memory: the earlier checks of a claim (see `matching`) --------------------------


def open_or_same_project(project):
    """Articles of `project` and of the open projects: what anyone who sees an article of
    `project` sees. What an import counts as checked before (`matching.remember_prior_checks`)."""
    return Q(project=project) | Q(project__in=Project.objects.filter(members=None))


def may_see_matches(user, project, *, labeled):
    """Whether `user` may see the earlier checks of the claim of a sentence of `project`:
    adjudicators (and superusers) always; a reviewer once they have labeled it
    (`labeled`), or before where the project shows them before labeling. Matches come only
    from checked sentences, so that no reviewer learns through them what another gave a
    sentence still open."""
    if is_adjudicator(user):
        return True
    if not is_reviewer(user):
        return False
    return labeled or project.show_matches_before_labeling


def check_search_articles(user):
    """The articles whose checked claims `user` may search by text: those they see, for
    adjudicators; for reviewers, those of the projects they see that show the earlier checks
    before labeling (elsewhere a search would show a verdict before the label)."""
    if is_adjudicator(user):
        return visible_articles(user)
    return visible_articles(user).filter(project__show_matches_before_labeling=True)


def may_search_checks(user):
    return is_adjudicator(user) or (
        is_reviewer(user)
        and visible_projects(user).filter(show_matches_before_labeling=True).exists()
    )


def export_scope(user):
    """The projects an exporter (`can_export`) exports from: None for every project
    (adjudicators), else the projects open to them, role or not: open projects and
    those they are a member of. A project outside it is unknown to their exports."""
    return None if is_adjudicator(user) else projects_open_to(user)


def sign_in_name(request, credentials):
    """The username django-axes records for a sign-in attempt: as given, cut to the
    length a username can have, so that no attempt is too long to record."""
    username = credentials.get("username") if credentials else request.POST.get("username")
    return (username or "")[:150] or None
