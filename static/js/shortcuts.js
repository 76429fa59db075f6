// Single-key shortcuts as the user set them on the settings page (WCAG 2.1.4: they can be
// turned off or given other keys). A page asks `shortcuts.action(event)` what a key press
// means; the key hints (<kbd>) on the page show the user's keys, or go when they are off.
window.shortcuts = (() => {
  "use strict";

  const data = JSON.parse(document.getElementById("shortcuts").textContent);
  const byKey = new Map(Object.entries(data.keys).map(([action, key]) => [key, action]));
  const byDefault = new Map(Object.entries(data.defaults).map(([action, key]) => [key, action]));

  // A hint names its action (data-action), else it shows the action's default key.
  for (const kbd of document.querySelectorAll("kbd")) {
    const action = kbd.dataset.action || byDefault.get(kbd.textContent.trim());
    if (!action || !(action in data.keys)) continue;
    if (data.enabled) kbd.textContent = data.keys[action];
    else kbd.hidden = true;
  }

  return {
    enabled: data.enabled,
    key: (action) => data.keys[action],
    // The action a key press means ("" for none): one character, no Ctrl, Alt or Meta.
    action(event) {
      if (!data.enabled || event.ctrlKey || event.metaKey || event.altKey) return "";
      return byKey.get(event.key) || "";
    },
    // The label a Shift+key press means (label and stay): Shift changes the character, so
    // a digit is read from the key's place, a letter from its lower case.
    shifted(event) {
      if (!data.enabled || !event.shiftKey || event.ctrlKey || event.metaKey || event.altKey) return "";
      const digit = /^Digit(\d)$/.exec(event.code);
      return byKey.get(digit ? digit[1] : event.key.toLowerCase()) || "";
    },
  };
})();
