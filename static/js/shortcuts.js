// Single-key shortcuts as the user set them on the settings page (WCAG 2.1.4: they can be
// turned off or given other keys). A page asks `shortcuts.action(event)` what a key press
// means; the key hints (<kbd>) on the page show the user's keys, or go when they are off.
window.shortcuts = (() => {
  "use strict";

  const data = JSON.parse(document.getElementById("shortcuts").textContent);
  // A key may mean two actions (a pair in annotations/shortcuts.py SHARED): the page says
  // which one holds at the moment (`shortcuts.actions`).
  const byKey = new Map();
  for (const [action, key] of Object.entries(data.keys)) {
    byKey.set(key, [...(byKey.get(key) || []), action]);
  }
  const byDefault = new Map(Object.entries(data.defaults).map(([action, key]) => [key, action]));
  // An upper-case letter is typed with Shift: the hint says so.
  const keyName = (key) => (key !== key.toLowerCase() ? `Shift+${key}` : key);

  // A hint names its action (data-action), else it shows the action's default key.
  // A hint marked data-fixed is a key that is not a shortcut (the skip reasons' digits).
  for (const kbd of document.querySelectorAll("kbd:not([data-fixed])")) {
    const action = kbd.dataset.action || byDefault.get(kbd.textContent.trim());
    if (!action || !(action in data.keys)) continue;
    if (data.enabled) kbd.textContent = keyName(data.keys[action]);
    else kbd.hidden = true;
  }

  // Every action a key press means: one character, no Ctrl, Alt or Meta.
  function actions(event) {
    if (!data.enabled || event.ctrlKey || event.metaKey || event.altKey) return [];
    return byKey.get(event.key) || [];
  }

  return {
    enabled: data.enabled,
    key: (action) => data.keys[action],
    keyName: (action) => keyName(data.keys[action]),
    actions,
    // The action a key press means ("" for none).
    action: (event) => actions(event)[0] || "",
    // The label a Shift+key press means (label and stay): Shift changes the character, so
    // a digit is read from the key's place, a letter from its lower case.
    shifted(event) {
      if (!data.enabled || !event.shiftKey || event.ctrlKey || event.metaKey || event.altKey) return "";
      const digit = /^Digit(\d)$/.exec(event.code);
      return (byKey.get(digit ? digit[1] : event.key.toLowerCase()) || [])[0] || "";
    },
  };
})();
