"""Single-key shortcuts, per user: turned off, or each action on a key of the user's choice
(WCAG 2.1.4: a shortcut of one character key must be possible to turn off or remap). Kept on
the server (`ShortcutSettings`), so they follow the user to any browser; pages hand them to
their script (static/js/shortcuts.js)."""

from .models import ShortcutSettings

# action: (default key, what it does), in the order the settings page lists them.
ACTIONS = {
    "next": ("j", "Next sentence (or case, or result)"),
    "previous": ("k", "Previous sentence (or case, or result)"),
    "verified": ("1", "Label verified (on the adjudication page: the verdict)"),
    "disputed": ("2", "Label disputed"),
    "unclear": ("3", "Label unclear"),
    "note": ("n", "Write a note"),
    "evidence": ("e", "Add an evidence link"),
    "remove": ("x", "Remove your label"),
    "undo": ("u", "Undo the last change"),
    "redo": ("U", "Redo the change undone last (Shift+U)"),
    "skip": ("s", "Skip the sentence (then 1–4: why)"),
    "guidelines": ("g", "Show or hide the project's guidelines"),
    "keep_mine": ("m", "After a conflict: keep mine"),
    "use_saved": ("s", "After a conflict: use the saved one"),
    "help": ("?", "Show the keys"),
    "rationale": ("r", "Write the verdict's rationale (adjudication)"),
    "search": ("/", "Go to the search box (checked claims)"),
    "claim": ("c", "Mark the words that carry the claim"),
    "thread": ("t", "Write in the sentence's discussion"),
}
DEFAULT_KEYS = {action: key for action, (key, _) in ACTIONS.items()}
# Pairs of actions that may share a key: one of them only means something at a moment the
# other does not (use_saved only while a conflict is shown, and the page prefers it then).
SHARED = {frozenset({"skip", "use_saved"})}


class InvalidShortcuts(ValueError):
    """The keys asked for cannot be used; the message says which and why, `action` the action
    at fault (None: the whole map)."""

    def __init__(self, message, action=None):
        super().__init__(message)
        self.action = action


def clean_keys(keys):
    """The full key map: `keys` (action -> key, any subset) over the defaults. Each key is one
    character, not a space, and no two actions share one (but the pairs in SHARED)."""
    if not isinstance(keys, dict):
        raise InvalidShortcuts("keys must be an object of action: key")
    unknown = sorted(set(keys) - set(ACTIONS))
    if unknown:
        raise InvalidShortcuts(
            f"unknown action {', '.join(unknown)}; the actions are {', '.join(ACTIONS)}"
        )
    merged = {**DEFAULT_KEYS, **keys}
    for action, key in merged.items():
        if not isinstance(key, str) or len(key) != 1 or not key.isprintable() or key.isspace():
            raise InvalidShortcuts(f"a key is one character, not {key!r}", action)
    by_key = {}
    for action, key in merged.items():
        for other in by_key.get(key, []):
            if frozenset({action, other}) not in SHARED:
                raise InvalidShortcuts(
                    f"{key} is already the key of “{ACTIONS[other][1]}”", action
                )
        by_key.setdefault(key, []).append(action)
    return merged


def key_name(key):
    """A key as a person reads it: an upper-case letter is Shift and the letter."""
    return f"Shift+{key}" if key.isalpha() and key != key.lower() else key


def shortcuts_for(user):
    """{"enabled", "keys" (the full map), "defaults"} for `user`: one query."""
    row = ShortcutSettings.objects.filter(user=user).first()
    enabled, keys = (row.enabled, row.keys) if row else (True, {})
    try:
        keys = clean_keys(keys)
    except InvalidShortcuts:
        # The defaults changed since the keys were stored (an action gone, a key taken):
        # the defaults, rather than a page without its keys.
        keys = dict(DEFAULT_KEYS)
    return {"enabled": enabled, "keys": keys, "defaults": DEFAULT_KEYS}


def save_shortcuts(*, user, enabled, keys):
    """Store `user`'s choice; raise InvalidShortcuts (nothing stored) if `keys` is not a valid
    map. Only keys that differ from the defaults are kept."""
    merged = clean_keys(keys)
    changed = {action: key for action, key in merged.items() if DEFAULT_KEYS[action] != key}
    ShortcutSettings.objects.update_or_create(
        user=user, defaults={"enabled": bool(enabled), "keys": changed}
    )
    return shortcuts_for(user)
