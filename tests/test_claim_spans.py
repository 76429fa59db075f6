"""The claim inside a sentence: a reviewer's span (and an adjudicator's, on the verdict),
validated, versioned, kept in history and exported, on both databases."""

import csv
import io
import json

import pytest

from annotations.adjudicating import set_verdict
from annotations.annotating import save_annotation
from annotations.exporting import ExportFilters, stream_export
from annotations.models import Annotation, Verdict
from tests.factories import api, make_article

pytestmark = pytest.mark.django_db

# Code points, not UTF-16 units or bytes: the emoji and the accents shift neither offset.
BODY = "Le café 🎉 coûte 5 € de plus. Prices rose 12% in May, officials said."


@pytest.fixture
def second():
    """The second sentence of BODY, "Prices rose 12% in May, officials said.", at 29-68."""
    sentence = make_article(BODY).sentences.get(position=1)
    assert (sentence.start, sentence.end) == (29, 68)
    return sentence


def url(sentence):
    return f"/api/sentences/{sentence.pk}/annotation/"


def span_of(text, sentence):
    """The body offsets of `text` inside `sentence`."""
    start = sentence.start + sentence.text.index(text)
    return start, start + len(text)


def test_a_reviewer_marks_the_words_that_carry_the_claim(alice, second):
    start, end = span_of("rose 12% in May", second)
    response = api(alice).put(url(second), {"label": "disputed", "claim_start": start,
                                            "claim_end": end}, format="json")
    assert response.status_code == 201
    assert (response.json()["claim_start"], response.json()["claim_end"]) == (start, end)
    annotation = Annotation.objects.get()
    assert second.article.body[annotation.claim_start:annotation.claim_end] == "rose 12% in May"
    assert api(alice).get(url(second)).json()["claim_start"] == start


def test_the_span_is_versioned_and_kept_in_history(alice, second):
    first_span, other_span = span_of("Prices rose", second), span_of("officials said", second)
    client = api(alice)
    for version, (start, end) in enumerate([first_span, other_span]):
        assert client.put(url(second), {"label": "verified", "claim_start": start,
                                        "claim_end": end, "version": version},
                          format="json").status_code in (200, 201)
    assert client.put(url(second), {"label": "verified", "version": 2},
                      format="json").json()["claim_start"] is None  # left out: cleared
    history = Annotation.history.order_by("history_id").values_list(
        "version", "claim_start", "claim_end")
    assert list(history) == [(1, *first_span), (2, *other_span), (3, None, None)]
    stale = client.put(url(second), {"label": "verified", "claim_start": first_span[0],
                                     "claim_end": first_span[1], "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["claim_start"] is None


@pytest.mark.parametrize(("span", "message"), [
    ({"claim_start": 30}, "give both, or neither"),
    ({"claim_end": 40}, "give both, or neither"),
    ({"claim_start": 30, "claim_end": None}, "give both, or neither"),
    ({"claim_start": 40, "claim_end": 40}, "less than claim_end"),
    ({"claim_start": 45, "claim_end": 40}, "less than claim_end"),
    ({"claim_start": 28, "claim_end": 40}, "between 29 and 68"),  # before the sentence
    ({"claim_start": 60, "claim_end": 69}, "between 29 and 68"),  # past its end
    ({"claim_start": 0, "claim_end": 5}, "between 29 and 68"),  # another sentence
    ({"claim_start": -1, "claim_end": 40}, "greater than or equal to 0"),
    ({"claim_start": 30.5, "claim_end": 40}, "valid integer"),
    ({"claim_start": "thirty", "claim_end": 40}, "valid integer"),
    ({"claim_start": True, "claim_end": 40}, "valid integer"),
    ({"claim_start": [30], "claim_end": 40}, "valid integer"),
    ({"claim_start": 30, "claim_end": 2**70}, "less than or equal to"),
])
def test_a_bad_span_is_a_400_that_says_why_and_stores_nothing(alice, second, span, message):
    response = api(alice).put(url(second), {"label": "verified", **span}, format="json")
    assert response.status_code == 400
    assert message in json.dumps(response.json())
    assert not Annotation.objects.exists() and not Annotation.history.exists()


def test_a_bad_span_leaves_the_stored_annotation_as_it_was(alice, second):
    start, end = span_of("Prices", second)
    save_annotation(sentence=second, reviewer=alice, label="verified", claim_start=start,
                    claim_end=end)
    response = api(alice).put(url(second), {"label": "disputed", "claim_start": 1,
                                            "claim_end": 3, "version": 1}, format="json")
    assert response.status_code == 400
    stored = Annotation.objects.get()
    assert (stored.label, stored.version, stored.claim_start) == ("verified", 1, start)
    assert Annotation.history.count() == 1


def test_the_whole_sentence_is_a_span(alice, second):
    response = api(alice).put(url(second), {"label": "verified", "claim_start": second.start,
                                            "claim_end": second.end}, format="json")
    assert response.status_code == 201


def export(kind, fmt):
    return b"".join(stream_export(kind, fmt, ExportFilters())).decode()


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_the_annotation_export_gives_the_span_and_its_text(alice, bob, second, fmt):
    first = second.article.sentences.get(position=0)
    save_annotation(sentence=first, reviewer=alice, label="verified",
                    claim_start=span_of("café 🎉 coûte", first)[0],
                    claim_end=span_of("café 🎉 coûte", first)[1])
    save_annotation(sentence=second, reviewer=alice, label="disputed", claim_start=29,
                    claim_end=44)
    save_annotation(sentence=second, reviewer=bob, label="disputed")  # no span
    text = export("annotations", fmt)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        nothing = ""
    else:
        rows = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines()]
        nothing = None
    body = second.article.body
    assert [row["claim_text"] for row in rows] == [
        "café 🎉 coûte", "Prices rose 12%", nothing
    ]
    for row in rows[:2]:
        assert body[int(row["claim_start"]):int(row["claim_end"])] == row["claim_text"]
    assert rows[2]["claim_start"] in (None, "") and rows[2]["claim_end"] in (None, "")


def test_a_span_text_that_starts_like_a_formula_is_guarded_in_csv(alice):
    sentence = make_article("Growth was -5% this year.").sentences.get()
    start, end = span_of("-5%", sentence)
    save_annotation(sentence=sentence, reviewer=alice, label="verified", claim_start=start,
                    claim_end=end)
    row = next(csv.DictReader(io.StringIO(export("annotations", "csv"))))
    assert row["claim_text"] == "'-5%"
    assert json.loads(export("annotations", "jsonl"))["claim_text"] == "-5%"


def test_the_verdict_carries_the_adjudicators_own_span(judy, second):
    start, end = span_of("12% in May", second)
    verdict_url = f"/api/sentences/{second.pk}/verdict/"
    response = api(judy).put(verdict_url, {"label": "disputed", "claim_start": start,
                                           "claim_end": end}, format="json")
    assert response.status_code == 201
    assert (response.json()["claim_start"], response.json()["claim_end"]) == (start, end)
    bad = api(judy).put(verdict_url, {"label": "disputed", "claim_start": 0, "claim_end": 4},
                        format="json")
    assert bad.status_code == 400 and "between 29 and 68" in bad.json()["detail"]
    assert Verdict.objects.get().claim_start == start  # the refused one changed nothing
    row = json.loads(export("sentences", "jsonl").splitlines()[1])
    assert (row["verdict_claim_start"], row["verdict_claim_end"], row["verdict_claim_text"]) == (
        start, end, "12% in May")
    set_verdict(sentence=second, adjudicator=judy, label="verified")
    assert Verdict.history.order_by("history_id").values_list("claim_start", flat=True)[1] is None
    row = json.loads(export("sentences", "jsonl").splitlines()[1])
    assert row["verdict_claim_text"] is None


def test_the_adjudication_page_highlights_each_reviewers_span(client, alice, bob, judy, second):
    start, end = span_of("rose 12%", second)
    save_annotation(sentence=second, reviewer=alice, label="verified", claim_start=start,
                    claim_end=end)
    save_annotation(sentence=second, reviewer=bob, label="disputed")
    client.force_login(judy)
    html = client.get("/adjudicate/").content.decode()
    assert 'title="alice\'s claim span">rose 12%</mark>' in html
