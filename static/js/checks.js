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
    const actions = {
      "/": () => { box.focus(); box.select(); },
      j: () => select(current + 1), ArrowDown: () => select(current + 1),
      k: () => select(current - 1), ArrowUp: () => select(current - 1),
      Enter: () => current >= 0 && (location.href = results[current].dataset.url),
    };
    const action = actions[event.key];
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
