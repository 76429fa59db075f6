// Checked claims: "/" goes to the search box, j/k move through the results, Enter opens one.
(() => {
  "use strict";

  const results = [...document.querySelectorAll(".check-result")];
  const box = document.getElementById("q");
  let current = -1;

  function select(index) {
    if (index < 0 || index >= results.length) return;
    results[current]?.classList.remove("selected");
    results[current]?.removeAttribute("aria-current");
    current = index;
    results[current].classList.add("selected");
    results[current].setAttribute("aria-current", "true");
    results[current].focus({ preventScroll: true });
    results[current].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select")) {
      if (event.key === "Escape") event.target.blur();
      else if (event.key === "ArrowDown" && event.target === box && results.length) {
        event.preventDefault();
        box.blur();
        select(0);
      }
      return;
    }
    // Enter opens the selected result, not whatever link or button has focus.
    if (event.key === "Enter" && !results.includes(event.target)) return;
    // The user's single-key shortcuts (static/js/shortcuts.js), and the named keys.
    const actions = {
      search: () => { box.focus(); box.select(); },
      next: () => select(current + 1),
      previous: () => select(current - 1),
      open: () => current >= 0 && (location.href = results[current].dataset.url),
    };
    const named = { ArrowDown: "next", ArrowUp: "previous", Enter: "open" };
    const action = actions[named[event.key] || window.shortcuts.action(event)];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // A search with results lands on the first, ready for j/k.
  if (results.length && box.value) {
    box.blur();
    select(0);
  }
})();
