import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations.access import visible_articles, visible_projects
from annotations.models import Annotation, Article, Project, Verdict, review_target_of
from tests.factories import assert_no_drift, make_article, make_project

pytestmark = pytest.mark.django_db


def test_one_annotation_per_sentence_and_reviewer(alice):
    sentence = make_article().sentences.first()
    Annotation.objects.create(sentence=sentence, reviewer=alice, label="verified")
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(sentence=sentence, reviewer=alice, label="disputed")


def test_database_refuses_an_unknown_label(alice):
    sentence = make_article().sentences.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(sentence=sentence, reviewer=alice, label="maybe")
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(
            sentence=sentence, label="true", decided_by=alice, decided_at=timezone.now()
        )


def test_content_hash_is_unique_within_a_project():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            project=article.project, title="Copy", body=article.body,
            content_hash=article.content_hash,
        )


def test_article_review_target_falls_back_to_the_project():
    article = make_article(project=make_project(review_target=3))
    assert article.effective_review_target == 3
    article.review_target = 5
    assert article.effective_review_target == 5


def test_annotation_changes_keep_history(alice):
    sentence = make_article().sentences.first()
    annotation = Annotation.objects.create(sentence=sentence, reviewer=alice, label="verified")
    annotation.label = "disputed"
    annotation.save()
    pk = annotation.pk
    annotation.delete()
    assert list(Annotation.history.filter(id=pk).values_list("history_type", "label")) == [
        ("-", "disputed"), ("~", "disputed"), ("+", "verified"),
    ]


class TestVisibleProjects:
    def test_reviewer_sees_open_projects_and_those_they_belong_to(self, alice, bob):
        open_project = make_project("open")
        alices = make_project("alices", members=[alice])
        make_project("bobs", members=[bob])
        default = Project.objects.get(slug="default")
        assert set(visible_projects(alice)) == {default, open_project, alices}

    def test_adjudicator_and_staff_see_every_project(self, judy, staff, bob):
        make_project("bobs", members=[bob])
        assert visible_projects(judy).count() == visible_projects(staff).count() == 2

    def test_user_without_a_role_sees_nothing(self, outsider):
        make_article()
        assert not visible_projects(outsider).exists()
        assert not visible_articles(outsider).exists()

    def test_inactive_reviewer_sees_nothing(self, alice):
        alice.is_active = False
        assert not visible_projects(alice).exists()

    def test_members_only_articles_are_hidden_from_other_reviewers(self, alice, bob):
        article = make_article(project=make_project("alices", members=[alice]))
        assert article in visible_articles(alice)
        assert article not in visible_articles(bob)


def sentence_counts(sentence):
    sentence.refresh_from_db()
    return (sentence.verified_count, sentence.disputed_count, sentence.unclear_count)


def test_sentence_label_counts_follow_every_change(alice, bob):
    from annotations.annotating import delete_annotation, save_annotation
    from annotations.counts import rebuild

    sentence = make_article().sentences.first()
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    save_annotation(sentence=sentence, reviewer=bob, label="verified")
    assert sentence_counts(sentence) == (2, 0, 0)
    save_annotation(sentence=sentence, reviewer=bob, label="unclear")
    assert sentence_counts(sentence) == (1, 0, 1)
    save_annotation(sentence=sentence, reviewer=bob, label="unclear", note="same label")
    assert sentence_counts(sentence) == (1, 0, 1)
    delete_annotation(sentence=sentence, reviewer=alice)
    assert sentence_counts(sentence) == (0, 0, 1)

    type(sentence).objects.filter(pk=sentence.pk).update(verified_count=7)  # drifted
    rebuild()
    assert sentence_counts(sentence) == (0, 0, 1)


def test_admin_changes_keep_the_counts(client, staff, alice):
    sentence = make_article().sentences.first()
    client.force_login(staff)
    response = client.post("/admin/annotations/annotation/add/", {
        "sentence": sentence.pk, "reviewer": alice.pk, "label": "disputed", "note": "",
        "evidence": "[]",
    })
    assert response.status_code == 302, response.content[:500]
    assert sentence_counts(sentence) == (0, 1, 0)
    annotation = Annotation.objects.get()
    client.post(f"/admin/annotations/annotation/{annotation.pk}/delete/", {"post": "yes"})
    assert sentence_counts(sentence) == (0, 0, 0)
    assert not Annotation.objects.exists()
    assert_no_drift()


def test_article_tallies_follow_every_change_and_match_a_rebuild(alice, bob, judy):
    import random

    from annotations.annotating import delete_annotation, save_annotation
    from annotations.models import ArticleTally
    from annotations.tallies import refresh

    rng = random.Random(7)
    articles = [make_article(" ".join(f"Claim {i} of {n}." for i in range(6)),
                             project=make_project(review_target=2)) for n in range(3)]
    sentences = [s for article in articles for s in article.sentences.all()]
    for _ in range(150):
        sentence, reviewer = rng.choice(sentences), rng.choice([alice, bob, judy])
        if rng.random() < 0.25:
            delete_annotation(sentence=sentence, reviewer=reviewer)
        else:
            label = rng.choice(["verified", "disputed", "unclear"])
            save_annotation(sentence=sentence, reviewer=reviewer, label=label)
    kept = list(ArticleTally.objects.order_by("pk").values())
    ArticleTally.objects.all().delete()
    refresh()
    rebuilt = list(ArticleTally.objects.order_by("pk").values())
    for running, fresh in zip(kept, rebuilt, strict=True):
        assert running == pytest.approx(fresh)


def test_an_article_review_target_of_zero_cannot_be_stored():
    """0 would mean "none needed" to one reader and "the project's" to another."""
    article = make_article("One sentence.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(review_target=0)


def test_the_review_target_is_the_articles_own_else_the_projects():
    article = make_article("One sentence.")
    annotated = Article.objects.annotate(target=review_target_of(article=""))
    assert annotated.get(pk=article.pk).target == article.project.review_target == 2
    Article.objects.filter(pk=article.pk).update(review_target=3)
    assert annotated.get(pk=article.pk).target == 3
    article.refresh_from_db()
    assert article.effective_review_target == 3
