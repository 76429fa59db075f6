"""Blind labeling: reviewers see the others' counts only where their project shows them,
after labeling; a label changed after that is marked, and the first label survives changes
and deletions, so that agreement can be computed on first labels."""

import csv
import io
import json

import pytest

from annotations.access import others_labels
from annotations.annotating import delete_annotation, save_annotation
from annotations.exporting import ExportFilters, stream_export
from annotations.models import Annotation
from tests.factories import make_article, make_project

pytestmark = pytest.mark.django_db


def sentence_in(project):
    return make_article(project=project).sentences.first()


@pytest.fixture
def blind():
    """A project as made: the others' counts are never shown to reviewers."""
    return sentence_in(make_project("blind"))


@pytest.fixture
def shown():
    """A project that shows reviewers the others' counts once they have labeled."""
    return sentence_in(make_project("shown", show_counts_after_labeling=True))


def relabel(sentence, reviewer, label):
    current = Annotation.objects.get(sentence=sentence, reviewer=reviewer)
    return save_annotation(sentence=sentence, reviewer=reviewer, label=label,
                           version=current.version)[0]


class TestWhatReviewersSee:
    def test_projects_hide_the_others_counts_by_default(self, blind, alice, bob):
        save_annotation(sentence=blind, reviewer=bob, label="disputed")
        save_annotation(sentence=blind, reviewer=alice, label="verified")
        assert others_labels(alice, blind.article) == {}

    def test_a_project_may_show_them_after_labeling(self, shown, alice, bob):
        save_annotation(sentence=shown, reviewer=bob, label="disputed")
        assert others_labels(alice, shown.article) == {}
        save_annotation(sentence=shown, reviewer=alice, label="verified")
        assert others_labels(alice, shown.article) == {
            shown.pk: {"verified": 0, "disputed": 1, "unclear": 0}
        }

    def test_adjudicators_see_every_label_in_a_blind_project(self, blind, bob, judy):
        save_annotation(sentence=blind, reviewer=bob, label="disputed")
        assert [vote["label"] for vote in others_labels(judy, blind.article)[blind.pk]] == [
            "disputed"
        ]

    def test_the_article_page_keeps_a_blind_project_blind(self, client, blind, alice, bob):
        save_annotation(sentence=blind, reviewer=bob, label="disputed")
        save_annotation(sentence=blind, reviewer=alice, label="verified")
        client.force_login(alice)
        html = client.get(f"/articles/{blind.article_id}/").content.decode()
        assert '"others": {}' in html


class TestChangesAfterTheReveal:
    def test_a_change_where_counts_are_shown_is_marked(self, shown, alice):
        save_annotation(sentence=shown, reviewer=alice, label="verified")
        changed = relabel(shown, alice, "disputed")
        assert (changed.first_label, changed.changed_after_reveal) == ("verified", True)

    def test_a_change_in_a_blind_project_is_not(self, blind, alice):
        save_annotation(sentence=blind, reviewer=alice, label="verified")
        changed = relabel(blind, alice, "disputed")
        assert (changed.first_label, changed.changed_after_reveal) == ("verified", False)

    def test_a_new_note_is_no_change_of_label(self, shown, alice):
        save_annotation(sentence=shown, reviewer=alice, label="verified")
        annotation = save_annotation(sentence=shown, reviewer=alice, label="verified",
                                     note="More sources.", version=1)[0]
        assert annotation.changed_after_reveal is False

    def test_an_adjudicators_change_is_marked_everywhere(self, blind, judy):
        save_annotation(sentence=blind, reviewer=judy, label="verified")
        assert relabel(blind, judy, "unclear").changed_after_reveal is True

    def test_deleting_and_labeling_again_keeps_the_first_label(self, blind, alice):
        save_annotation(sentence=blind, reviewer=alice, label="verified")
        delete_annotation(sentence=blind, reviewer=alice)
        again, created = save_annotation(sentence=blind, reviewer=alice, label="disputed")
        assert created
        assert (again.first_label, again.changed_after_reveal) == ("verified", False)

    def test_deleting_and_labeling_again_after_the_reveal_is_marked(self, shown, alice):
        save_annotation(sentence=shown, reviewer=alice, label="verified")
        delete_annotation(sentence=shown, reviewer=alice)
        again = save_annotation(sentence=shown, reviewer=alice, label="disputed")[0]
        assert (again.first_label, again.changed_after_reveal) == ("verified", True)

    def test_the_mark_survives_a_delete(self, shown, alice):
        save_annotation(sentence=shown, reviewer=alice, label="verified")
        relabel(shown, alice, "disputed")
        delete_annotation(sentence=shown, reviewer=alice)
        again = save_annotation(sentence=shown, reviewer=alice, label="verified")[0]
        assert (again.first_label, again.changed_after_reveal) == ("verified", True)

    def test_another_reviewers_history_is_not_theirs(self, shown, alice, bob):
        save_annotation(sentence=shown, reviewer=bob, label="unclear")
        mine = save_annotation(sentence=shown, reviewer=alice, label="verified")[0]
        assert (mine.first_label, mine.changed_after_reveal) == ("verified", False)


class TestTheExportSaysSo:
    @pytest.fixture
    def changed(self, shown, alice, bob):
        save_annotation(sentence=shown, reviewer=alice, label="verified")
        relabel(shown, alice, "disputed")
        save_annotation(sentence=shown, reviewer=bob, label="unclear")

    def export(self, fmt):
        return b"".join(stream_export("annotations", fmt, ExportFilters())).decode()

    def test_jsonl_rows_carry_the_first_label_and_the_mark(self, changed):
        rows = [json.loads(line) for line in self.export("jsonl").splitlines()]
        assert [(r["reviewer"], r["label"], r["first_label"], r["changed_after_reveal"])
                for r in rows] == [
            ("alice", "disputed", "verified", True), ("bob", "unclear", "unclear", False),
        ]

    def test_csv_rows_say_true_or_false(self, changed):
        rows = list(csv.DictReader(io.StringIO(self.export("csv"))))
        assert [(r["first_label"], r["changed_after_reveal"]) for r in rows] == [
            ("verified", "true"), ("unclear", "false"),
        ]


def test_the_project_admin_lists_the_setting(client, staff, shown):
    client.force_login(staff)
    html = client.get("/admin/annotations/project/").content.decode()
    assert "field-show_counts_after_labeling" in html
    form = client.get(f"/admin/annotations/project/{shown.article.project_id}/change/")
    assert 'name="show_counts_after_labeling"' in form.content.decode()


class TestTheSaveAnswer:
    """PUT /api/sentences/{id}/annotation/ answers with what the caller may now see of the
    others' labels, so that the page shows it without a reload."""

    def put(self, user, sentence, label="verified"):
        from tests.factories import api

        response = api(user).put(f"/api/sentences/{sentence.pk}/annotation/",
                                 {"label": label}, format="json")
        assert response.status_code == 201, response.content
        return response.json()

    def test_carries_the_counts_where_the_project_shows_them(self, shown, alice, bob):
        save_annotation(sentence=shown, reviewer=bob, label="disputed")
        assert self.put(alice, shown)["others"] == {"verified": 0, "disputed": 1, "unclear": 0}

    def test_carries_zeros_when_nobody_else_labeled(self, shown, alice):
        assert self.put(alice, shown)["others"] == {"verified": 0, "disputed": 0, "unclear": 0}

    def test_carries_nothing_in_a_blind_project(self, blind, alice, bob):
        save_annotation(sentence=blind, reviewer=bob, label="disputed")
        assert self.put(alice, blind)["others"] is None

    def test_carries_the_counts_to_an_adjudicator_anywhere(self, blind, bob, judy):
        save_annotation(sentence=blind, reviewer=bob, label="disputed")
        assert self.put(judy, blind)["others"] == {"verified": 0, "disputed": 1, "unclear": 0}
