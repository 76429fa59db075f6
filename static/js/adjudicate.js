// The adjudication page: pick a case with j/k, write a rationale, press 1/2/3 for the
// verdict; u undoes the last verdict set here (the case's earlier verdict, or none, is back).
(() => {
  "use strict";

  const cases = [...document.querySelectorAll(".case")];
  if (!cases.length) return;
  const status = document.getElementById("save-status");
  const left = document.getElementById("left");
  // Each case's verdict as the server has it: {label, rationale, by}, or null.
  const verdicts = cases.map((item) => (item.dataset.verdict ? {
    label: item.dataset.verdict,
    rationale: item.querySelector(".rationale").defaultValue,
    by: item.dataset.verdictBy,
    claim: item.dataset.claimStart ? [Number(item.dataset.claimStart), Number(item.dataset.claimEnd)] : null,
  } : null));
  // The adjudicator's claim span for each case, [start, end] body offsets or null: it goes
  // with the next verdict set on the case (static/js/claims.js marks it).
  const spans = verdicts.map((verdict) => verdict?.claim || null);
  const texts = cases.map((item) => {
    const text = item.querySelector(".case-text");
    text.dataset.start = item.dataset.start; // where its text starts in the article's body
    return text;
  });
  const done = []; // the verdicts set here, latest last: {index, before}
  let queue = Promise.resolve();
  let current = 0;

  const csrfToken = () => document.cookie.split("; ")
    .find((part) => part.startsWith("csrftoken="))?.slice("csrftoken=".length) || "";

  function select(index, { scroll = true } = {}) {
    if (index < 0 || index >= cases.length) return;
    if (marker.marking() && !marker.marking(texts[index])) marker.cancel();
    // Focus follows the selection when it was on a case (or nowhere), so that a screen
    // reader reads the case; never away from a field or a button.
    const follow = !document.activeElement || document.activeElement === document.body ||
      document.activeElement.classList.contains("case");
    cases[current].classList.remove("selected");
    cases[current].removeAttribute("aria-current");
    current = index;
    cases[current].classList.add("selected");
    cases[current].setAttribute("aria-current", "true");
    if (follow && scroll) cases[current].focus({ preventScroll: true });
    const motion = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "instant" : "smooth";
    if (scroll) cases[current].scrollIntoView({ block: "nearest", behavior: motion });
  }

  // A verdict the server refused: said in words in its case, beside the buttons.
  function showError(index, text) {
    const error = cases[index].querySelector(".case-error");
    error.textContent = text;
    error.hidden = !text;
  }

  function say(state, text) {
    status.hidden = false;
    status.dataset.state = state;
    status.textContent = text;
  }

  function countLeft(delta) {
    const n = Number(left.dataset.left) + delta;
    left.dataset.left = n;
    left.textContent = n ? `${n} sentence${n === 1 ? "" : "s"} left` : "All settled";
  }

  function render(index) {
    const item = cases[index];
    const verdict = verdicts[index];
    for (const button of item.querySelectorAll(".label-button")) {
      button.classList.toggle("active", verdict?.label === button.dataset.label);
    }
    const state = item.querySelector(".verdict-state");
    state.querySelector(".verdict-text")?.remove();
    if (verdict) {
      const text = document.createElement("span");
      const vote = document.createElement("span");
      text.className = "verdict-text";
      vote.className = `vote ${verdict.label}`;
      vote.textContent = verdict.label;
      text.append("Verdict: ", vote, ` by ${verdict.by} `);
      state.prepend(text);
    }
    item.classList.toggle("decided", Boolean(verdict));
    paintClaim(index);
    const last = done[done.length - 1];
    cases.forEach((other, i) => { other.querySelector(".undo").hidden = last?.index !== i; });
  }

  // PUT the verdict, or DELETE it for null; the verdict the server then has.
  async function send(index, verdict) {
    const response = await fetch(`/api/sentences/${cases[index].dataset.id}/verdict/`, {
      method: verdict ? "PUT" : "DELETE",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: verdict ? JSON.stringify({
        label: verdict.label, rationale: verdict.rationale,
        claim_start: verdict.claim ? verdict.claim[0] : null,
        claim_end: verdict.claim ? verdict.claim[1] : null,
      }) : null,
    });
    if (response.status === 204) return null;
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || JSON.stringify(body));
    const claim = body.claim_start === null ? null : [body.claim_start, body.claim_end];
    return { label: body.label, rationale: body.rationale, by: body.decided_by, claim };
  }

  // Requests go one at a time, in order, so that an undo follows the change it undoes.
  function enqueue(task) {
    queue = queue.then(task).catch((error) => say("failed", `Not saved: ${error.message}`));
  }

  async function apply(index, verdict, { undo = false } = {}) {
    const before = verdicts[index];
    say("saving", "Saving…");
    showError(index, "");
    try {
      verdicts[index] = await send(index, verdict);
    } catch (error) {
      say("failed", `Sentence not saved: ${error.message}. Try again.`);
      showError(index, `Not saved: ${error.message}. Try again.`);
      return;
    }
    if (undo) done.pop(); else done.push({ index, before });
    countLeft(Number(!verdicts[index]) - Number(!before));
    render(index);
    say("saved", undo ? "Verdict undone" : "Verdict saved");
  }

  function decide(label, index = current) {
    const rationale = cases[index].querySelector(".rationale").value;
    enqueue(() => apply(index, { label, rationale, claim: spans[index] }));
    select(index + 1);
  }

  function undo() {
    enqueue(async () => {
      const last = done[done.length - 1];
      if (!last) return;
      if (last.before) cases[last.index].querySelector(".rationale").value = last.before.rationale;
      spans[last.index] = last.before?.claim || null;
      paintClaim(last.index);
      select(last.index);
      await apply(last.index, last.before, { undo: true });
    });
  }

  // ---- the discussion: the adjudicator answers the reviewers under each case ----------
  async function postComment(index) {
    const input = cases[index].querySelector(".comment-input");
    const text = input.value.trim();
    if (!text) return;
    say("saving", "Sending…");
    let comment;
    try {
      comment = await window.comments.post(cases[index].dataset.id, text);
    } catch (error) {
      say("failed", `Not sent: ${error.message}`);
      return;
    }
    input.value = "";
    window.comments.append(cases[index].querySelector(".comments"), comment);
    say("saved", "Comment sent");
  }

  // ---- the adjudicator's own claim span ------------------------------------------------
  // Shown in the case's text and quoted under the verdict buttons; it is saved with the
  // verdict, so a change to it waits for 1, 2 or 3.
  function paintClaim(index) {
    const marking = marker.marking(texts[index]);
    if (!marking) window.claims.draw(texts[index], ...(spans[index] || [null, null]));
    const span = marking ? marker.current() : spans[index];
    const line = cases[index].querySelector(".verdict-claim");
    const mark = line.querySelector("mark");
    mark.hidden = !span;
    line.querySelector(".claim-none").hidden = Boolean(span);
    mark.textContent = span ? window.claims.quote(texts[index], ...span) : "";
    const saved = verdicts[index]?.claim || null;
    const same = saved && span && span[0] === saved[0] && span[1] === saved[1];
    line.querySelector(".claim-state").textContent = marking
      ? "Marking: arrows move the end, Shift+arrows the start, Enter keeps, Esc cancels."
      : same ? "Saved with the verdict."
      : span || saved ? "Goes with the verdict: press 1, 2 or 3." : "";
    line.querySelector(".claim-mark").hidden = marking;
    line.querySelector(".claim-clear").hidden = marking || !span;
  }

  const marker = window.claims.marker({
    kept: (el) => spans[texts.indexOf(el)],
    keep: (el, start, end) => {
      const index = texts.indexOf(el);
      spans[index] = start === null ? null : [start, end];
      paintClaim(index);
    },
    changed: (el) => paintClaim(texts.indexOf(el)),
    say: (text) => { document.getElementById("announcer").textContent = text; },
  });

  function markClaim() {
    const index = current;
    marker.begin(texts[index]);
  }

  cases.forEach((item, index) => {
    item.addEventListener("click", () => select(index));
    texts[index].addEventListener("mouseup", () => {
      if (!marker.fromSelection([texts[index]])) return;
      select(index, { scroll: false });
    });
    item.querySelector(".claim-mark").addEventListener("click", (event) => {
      event.stopPropagation();
      select(index, { scroll: false });
      cases[index].focus({ preventScroll: true }); // the button hides while marking
      marker.begin(texts[index]);
    });
    item.querySelector(".claim-clear").addEventListener("click", (event) => {
      event.stopPropagation();
      spans[index] = null;
      paintClaim(index);
    });
    const input = item.querySelector(".comment-input");
    item.querySelector(".comment-form").addEventListener("submit", (event) => {
      event.preventDefault();
      postComment(index);
    });
    // Enter sends, Shift+Enter starts a new line.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        postComment(index);
      }
    });
    for (const button of item.querySelectorAll(".label-button")) {
      button.addEventListener("click", (event) => {
        event.stopPropagation();
        select(index);
        decide(button.dataset.label, index);
      });
    }
    item.querySelector(".undo").addEventListener("click", (event) => {
      event.stopPropagation();
      undo();
    });
  });

  // Keys: the user's single-key shortcuts (static/js/shortcuts.js), and the arrows.
  const actions = {
    next: () => select(current + 1),
    previous: () => select(current - 1),
    rationale: () => cases[current].querySelector(".rationale").focus(),
    claim: markClaim,
    thread: () => cases[current].querySelector(".comment-input").focus(),
    undo,
    verified: () => decide("verified"),
    disputed: () => decide("disputed"),
    unclear: () => decide("unclear"),
  };
  const namedKeys = { ArrowDown: "next", ArrowUp: "previous" };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select")) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const action = actions[namedKeys[event.key] || window.shortcuts.action(event)];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  cases.forEach((_, index) => paintClaim(index));
  select(0, { scroll: false });
})();
