"""Single-key shortcuts per user (WCAG 2.1.4): turned off or remapped, kept on the server,
through the settings page and the API, and handed to the pages that answer keys."""

import json

import pytest

from annotations.shortcuts import (
    DEFAULT_KEYS,
    InvalidShortcuts,
    clean_keys,
    save_shortcuts,
    shortcuts_for,
)
from tests.factories import api, make_article

pytestmark = pytest.mark.django_db


def test_a_user_without_settings_has_the_default_keys_on(alice):
    assert shortcuts_for(alice) == {"enabled": True, "keys": DEFAULT_KEYS, "defaults": DEFAULT_KEYS}


def test_keys_are_kept_per_user(alice, bob):
    save_shortcuts(user=alice, enabled=True, keys={"verified": "v", "next": "l"})
    assert shortcuts_for(alice)["keys"] == {**DEFAULT_KEYS, "verified": "v", "next": "l"}
    assert shortcuts_for(bob)["keys"] == DEFAULT_KEYS


@pytest.mark.parametrize("keys, message", [
    ({"verified": "vv"}, "a key is one character, not 'vv'"),
    ({"verified": " "}, "a key is one character, not ' '"),
    ({"verified": ""}, "a key is one character, not ''"),
    ({"verified": "j"}, "j is already the key of “Next sentence (or case, or result)”"),
    ({"fly": "f"}, "unknown action fly"),
])
def test_bad_keys_are_refused_with_the_reason_and_nothing_is_stored(alice, keys, message):
    with pytest.raises(InvalidShortcuts, match=message.replace("(", r"\(").replace(")", r"\)")):
        save_shortcuts(user=alice, enabled=False, keys=keys)
    assert shortcuts_for(alice)["enabled"] is True


def test_two_actions_may_swap_keys():
    assert clean_keys({"next": "k", "previous": "j"})["next"] == "k"


def test_the_api_reads_and_sets_the_callers_shortcuts(alice):
    client = api(alice)
    assert client.get("/api/me/shortcuts/").json() == {"enabled": True, "keys": DEFAULT_KEYS}
    answer = client.put("/api/me/shortcuts/", {"enabled": False, "keys": {"undo": "z"}},
                        format="json")
    assert answer.status_code == 200
    assert answer.json() == {"enabled": False, "keys": {**DEFAULT_KEYS, "undo": "z"}}
    assert shortcuts_for(alice)["enabled"] is False


def test_the_api_names_the_key_at_fault(alice):
    answer = api(alice).put("/api/me/shortcuts/", {"enabled": True, "keys": {"undo": "j"}},
                            format="json")
    assert answer.status_code == 400
    assert "keys.undo" in answer.json()
    assert shortcuts_for(alice)["keys"]["undo"] == "u"


def test_the_settings_page_saves_and_shows_an_error_beside_its_key(client, alice):
    client.force_login(alice)
    form = {"enabled": "on", **DEFAULT_KEYS, "note": "j"}
    response = client.post("/settings/shortcuts/", form)
    assert response.status_code == 400
    html = response.content.decode()
    # The error sits in the row of the key at fault, tied to its box.
    row = html[html.index('for="id_note"'):]
    row = row[:row.index("</tr>")]
    assert 'aria-invalid="true"' in row and 'aria-describedby="id_note-error"' in row
    assert "j is already the key of" in row
    assert shortcuts_for(alice)["keys"]["note"] == "n"

    form = {**DEFAULT_KEYS, "note": "w"}  # no "enabled": turned off
    assert client.post("/settings/shortcuts/", form).status_code == 302
    assert shortcuts_for(alice) == {
        "enabled": False, "keys": {**DEFAULT_KEYS, "note": "w"}, "defaults": DEFAULT_KEYS,
    }
    assert client.post("/settings/shortcuts/", {"defaults": "1"}).status_code == 302
    assert shortcuts_for(alice)["keys"] == DEFAULT_KEYS


def test_the_pages_that_answer_keys_carry_the_users_keys(client, alice, judy):
    save_shortcuts(user=alice, enabled=False, keys={"verified": "v"})
    article = make_article()
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    start = html.index('<script id="shortcuts" type="application/json">') + len(
        '<script id="shortcuts" type="application/json">')
    data = json.loads(html[start:html.index("</script>", start)])
    assert data["enabled"] is False and data["keys"]["verified"] == "v"
    client.force_login(judy)
    for path in ("/adjudicate/", "/checks/?q=claim"):
        assert 'id="shortcuts"' in client.get(path).content.decode()


def test_the_claim_and_discussion_keys_are_c_and_t_and_can_be_moved(alice):
    assert (DEFAULT_KEYS["claim"], DEFAULT_KEYS["thread"]) == ("c", "t")
    save_shortcuts(user=alice, enabled=True, keys={"claim": "w", "thread": "y"})
    keys = shortcuts_for(alice)["keys"]
    assert (keys["claim"], keys["thread"]) == ("w", "y")


def test_skip_redo_and_guidelines_have_keys_of_their_own():
    assert {DEFAULT_KEYS[a] for a in ("skip", "redo", "guidelines")} == {"s", "U", "g"}
    # c and t are the claim's words' and the comment thread's.
    assert (DEFAULT_KEYS["claim"], DEFAULT_KEYS["thread"]) == ("c", "t")


def test_skip_and_use_saved_may_share_a_key_and_no_other_pair_may():
    """use_saved only means something while a conflict is shown (the page prefers it
    then), so it may share s with skip, by default or on any other key."""
    assert clean_keys({})["skip"] == clean_keys({})["use_saved"] == "s"
    assert clean_keys({"skip": "z", "use_saved": "z"})["skip"] == "z"
    assert clean_keys({"skip": "z"})["use_saved"] == "s"
    for keys in ({"keep_mine": "s"}, {"redo": "s"}, {"skip": "g"}, {"use_saved": "u"}):
        with pytest.raises(InvalidShortcuts, match="is already the key of"):
            clean_keys(keys)


def test_the_settings_page_lists_the_new_actions_and_says_shift(client, alice):
    client.force_login(alice)
    html = client.get("/settings/shortcuts/").content.decode()
    for action in ("skip", "redo", "guidelines"):
        assert f'name="{action}"' in html
    assert "<kbd>Shift+U</kbd>" in html
    form = {"enabled": "on", **DEFAULT_KEYS, "skip": "z", "guidelines": "G"}
    assert client.post("/settings/shortcuts/", form).status_code == 302
    assert shortcuts_for(alice)["keys"] == {**DEFAULT_KEYS, "skip": "z", "guidelines": "G"}
