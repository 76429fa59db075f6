// The adjudication page: pick a case with j/k, write a rationale, press 1/2/3 for the verdict.
(() => {
  "use strict";

  const cases = [...document.querySelectorAll(".case")];
  if (!cases.length) return;
  const status = document.getElementById("save-status");
  let current = 0;

  const csrfToken = () => document.cookie.split("; ")
    .find((part) => part.startsWith("csrftoken="))?.slice("csrftoken=".length) || "";

  function select(index, { scroll = true } = {}) {
    if (index < 0 || index >= cases.length) return;
    cases[current].classList.remove("selected");
    current = index;
    cases[current].classList.add("selected");
    if (scroll) cases[current].scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  async function decide(label, index = current) {
    const item = cases[index];
    const rationale = item.querySelector(".rationale").value;
    status.dataset.state = "saving";
    status.textContent = "Saving…";
    try {
      const response = await fetch(`/api/sentences/${item.dataset.id}/verdict/`, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ label, rationale }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail || JSON.stringify(body));
      for (const button of item.querySelectorAll(".label-button")) {
        button.classList.toggle("active", button.dataset.label === label);
      }
      const state = item.querySelector(".verdict-state");
      state.textContent = "Verdict: ";
      const vote = document.createElement("span");
      vote.className = `vote ${label}`;
      vote.textContent = label;
      state.append(vote, ` by ${body.decided_by}`);
      item.classList.add("decided");
      status.dataset.state = "saved";
      status.textContent = "Verdict saved";
      select(index + 1);
    } catch (error) {
      status.dataset.state = "failed";
      status.textContent = `Not saved: ${error.message}. Try again.`;
    }
  }

  cases.forEach((item, index) => {
    item.addEventListener("click", () => select(index));
    for (const button of item.querySelectorAll(".label-button")) {
      button.addEventListener("click", (event) => {
        event.stopPropagation();
        select(index);
        decide(button.dataset.label, index);
      });
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select")) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const actions = {
      j: () => select(current + 1), ArrowDown: () => select(current + 1),
      k: () => select(current - 1), ArrowUp: () => select(current - 1),
      r: () => cases[current].querySelector(".rationale").focus(),
      1: () => decide("verified"), 2: () => decide("disputed"), 3: () => decide("unclear"),
    };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  });

  select(0, { scroll: false });
})();
