// The article workspace: select sentences, label them from the keyboard, save every change.
//
// Each change goes to PUT/DELETE /api/sentences/{id}/annotation/ with the version it was
// made on. Changes not yet confirmed by the server ("pending") are kept in localStorage, so
// that a lost connection, a reload or a crash loses nothing; they are sent again until the
// server takes them. A 409 means the annotation changed elsewhere: the reviewer chooses,
// unless the server already holds the very change (a resend whose first answer was lost).
//
// A skip ("not for me", PUT/DELETE /api/sentences/{id}/skip/) is the other thing a reviewer
// may hold on a sentence, never together with a label: it goes through the same pending
// changes, as the record {skip: reason}, so it is kept and resent like a label.
(() => {
  "use strict";

  const LABELS = ["verified", "disputed", "unclear"];
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const spans = [...document.querySelectorAll(".sentence")];
  const $ = (id) => document.getElementById(id);
  const storeKey = `factcheck:pending:${data.user}`;
  const draftKey = `factcheck:drafts:${data.user}`;

  // server: what the server has confirmed, by sentence id ({label, note, evidence, version}).
  // local: what the reviewer wants now ({label, note, evidence}; null: no label). pending:
  // changes not yet confirmed, {want, base} where base is the server version the change was
  // made on (0: none). Records from the API carry more fields (id, reviewer, dates...), which a
  // PUT refuses: they pass through these two before they are kept. A skip is {skip: reason}.
  const isSkip = (a) => Boolean(a) && "skip" in a;
  const wanted = (a) => !a ? null : isSkip(a) ? { skip: a.skip || "" } : {
    label: a.label, note: a.note || "", evidence: a.evidence || [],
    claim_start: a.claim_start ?? null, claim_end: a.claim_end ?? null,
  };
  const confirmed = (a) => !a ? null : isSkip(a) ? wanted(a) : { ...wanted(a), version: a.version };
  const server = new Map([
    ...Object.entries(data.skips).map(([id, reason]) => [id, { skip: reason }]),
    ...Object.entries(data.annotations).map(([id, a]) => [id, confirmed(a)]),
  ]);
  const local = new Map([...server].map(([id, a]) => [id, wanted(a)]));
  const pending = new Map();
  const inflight = new Set();
  const conflicts = new Map(); // sentence id -> the server's current annotation (or null)
  const drafts = new Map(); // sentence id -> a note written before any label, saved with it
  // Undo and redo: {id, before, after}, whole wanted records (label, note, links, skip, and
  // whatever else a record comes to hold), newest last. The undo stack is also "Recent changes".
  const undoStack = [];
  const redoStack = [];
  const reasonWords = new Map([...document.querySelectorAll("[data-reason]")]
    .map((button) => [button.dataset.reason, button.dataset.words]));
  let current = 0;
  let retryTimer = null;
  let retryDelay = 1000;
  let lastError = "";

  // ---- pending changes and drafts survive reloads -------------------------------------
  function readStore(key) {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch { return {}; }
  }
  function writeStore(key, entries) {
    const stored = readStore(key);
    for (const span of spans) delete stored[span.dataset.id];
    for (const [id, value] of entries) stored[id] = value;
    try { localStorage.setItem(key, JSON.stringify(stored)); } catch { /* full or blocked */ }
  }
  function persist() {
    writeStore(storeKey, pending);
    writeStore(draftKey, drafts);
  }
  const stored = readStore(storeKey);
  const storedDrafts = readStore(draftKey);
  for (const span of spans) {
    const change = stored[span.dataset.id];
    if (change) {
      pending.set(span.dataset.id, { want: wanted(change.want), base: change.base });
      local.set(span.dataset.id, wanted(change.want));
    }
    const draft = storedDrafts[span.dataset.id];
    if (typeof draft === "string") drafts.set(span.dataset.id, draft);
  }

  // ---- drawing ----------------------------------------------------------------------------
  const idAt = (index) => spans[index].dataset.id;
  const indexOf = (id) => spans.findIndex((span) => span.dataset.id === id);
  const typing = () => Boolean(document.activeElement?.closest("input, textarea, select"));
  const labelOf = (id) => (local.get(id) || null)?.label || "";
  const skipped = (id) => isSkip(local.get(id));

  // What a screen reader says of a sentence, before its text: "Sentence 3 of 14, disputed,
  // note added:". Each sentence is named by a hidden state line and its own text
  // (aria-labelledby="st-N s-N"); the selected one is the one in the tab order (tabindex 0).
  const states = document.createElement("div");
  states.hidden = true;
  document.body.append(states);
  spans.forEach((span, index) => {
    const state = document.createElement("span");
    state.id = `st-${span.dataset.id}`;
    states.append(state);
    span.setAttribute("role", "button");
    span.tabIndex = index === current ? 0 : -1;
    span.setAttribute("aria-labelledby", `${state.id} ${span.id}`);
  });
  const positions = new Map(spans.map((span, index) => [span.dataset.id, index]));

  function stateText(id) {
    const want = local.get(id) || null;
    const parts = [`Sentence ${positions.get(id) + 1} of ${spans.length}`, summary(want)];
    if (want?.note) parts.push("note added");
    const links = want?.evidence?.length || 0;
    if (links) parts.push(`${links} link${links === 1 ? "" : "s"}`);
    if (conflicts.has(id)) parts.push("conflict");
    else if (pending.has(id)) parts.push("not saved yet");
    return `${parts.join(", ")}:`;
  }

  function paintSentence(id) {
    const span = $(`s-${id}`);
    const label = labelOf(id);
    if (label) span.dataset.label = label; else delete span.dataset.label;
    if (skipped(id)) span.dataset.skipped = ""; else delete span.dataset.skipped;
    if (pending.has(id)) span.dataset.pending = ""; else delete span.dataset.pending;
    if (!marker.marking(span)) window.claims.draw(span, ...(keptClaim(id) || [null, null]));
    $(`st-${id}`).textContent = stateText(id);
  }

  // Said politely by a screen reader, without moving focus: a label given, a link added...
  function announce(text) {
    $("announcer").textContent = text;
  }

  // What a sentence holds, in words: "disputed", "skipped (opinion)", "not labeled".
  function summary(want) {
    if (!want) return "not labeled";
    if (isSkip(want)) return want.skip ? `skipped (${reasonWords.get(want.skip) || want.skip})` : "skipped";
    return want.label;
  }

  // One change in words, for "Recent changes": "verified → disputed", "skipped (opinion)".
  function changeWords({ before, after }) {
    if (!before) return summary(after);
    if (!after) return `${summary(before)} → no label`;
    if (!isSkip(before) && !isSkip(after) && before.label === after.label) {
      if (before.note !== after.note) return `${after.label}, note ${after.note ? "edited" : "removed"}`;
      const added = after.evidence.length - before.evidence.length;
      if (added) return `${after.label}, link ${added > 0 ? "added" : "removed"}`;
      if (before.claim_start !== after.claim_start || before.claim_end !== after.claim_end) {
        return `${after.label}, claim ${after.claim_start === null ? "removed" : "marked"}`;
      }
      return `${after.label}, changed`;
    }
    return `${summary(before)} → ${summary(after)}`;
  }

  function paintRecent() {
    const recent = undoStack.slice(-5).reverse();
    $("recent").hidden = recent.length === 0;
    $("recent-list").replaceChildren(...recent.map((entry) => {
      const item = document.createElement("li");
      item.textContent = `Sentence ${positions.get(entry.id) + 1}: ${changeWords(entry)}`;
      return item;
    }));
  }

  function paintPanel() {
    const id = idAt(current);
    const held = local.get(id) || null;
    const want = isSkip(held) ? null : held;
    $("panel-position").textContent = `Sentence ${current + 1} of ${spans.length}`;
    $("panel-text").textContent = spans[current].textContent;
    for (const button of document.querySelectorAll(".label-button")) {
      const active = want?.label === button.dataset.label;
      button.classList.toggle("active", active);
      button.setAttribute("aria-pressed", String(active));
    }
    const note = $("note");
    if (document.activeElement !== note) note.value = want ? want.note : drafts.get(id) || "";
    for (const el of [$("evidence-input"), $("evidence-add"), $("clear-label")]) {
      el.disabled = !want;
    }
    note.placeholder = want ? "Why this label? Sources, context…" : "A note, kept until you choose a label";
    const list = $("evidence-list");
    list.replaceChildren(...(want?.evidence || []).map((link, index) => {
      const item = document.createElement("li");
      const anchor = document.createElement("a");
      anchor.href = link;
      anchor.textContent = link;
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer nofollow";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      const which = document.createElement("span");
      which.className = "visually-hidden";
      which.textContent = ` the link ${link}`;
      remove.append("Remove", which);
      remove.addEventListener("click", () => {
        const evidence = want.evidence.filter((_, i) => i !== index);
        change(id, { ...want, evidence });
        announce("Link removed.");
        $("evidence-input").focus();
      });
      item.append(anchor, remove);
      return item;
    }));
    const skipLine = $("skipped");
    skipLine.hidden = !isSkip(held);
    if (isSkip(held)) {
      skipLine.textContent = `You skipped this sentence${held.skip ? `: ${reasonWords.get(held.skip)}` : ""}. ` +
        "A label replaces the skip.";
    }
    $("undo").disabled = undoStack.length === 0;
    paintClaim(id);
    paintDiscussion(id);
    $("redo").disabled = redoStack.length === 0;
    paintRecent();
    paintConflict();
    paintOthers(id);
    paintMatches(id);
    paintSuggestion(id);
  }

  // ---- the claim: the words that carry it (static/js/claims.js) ---------------------------
  // A span is part of the reviewer's annotation, so it needs a label (the server takes it
  // with one); it is saved, retried and undone as every other change is.
  // The kept span of a sentence, [start, end] body offsets, or null.
  const keptClaim = (id) => {
    const want = local.get(id);
    return labelOf(id) && want.claim_start !== null ? [want.claim_start, want.claim_end] : null;
  };
  const marker = window.claims.marker({
    kept: (span) => keptClaim(span.dataset.id),
    keep: (span, start, end) => {
      const id = span.dataset.id;
      const want = local.get(id);
      if (!labelOf(id) || (want.claim_start === start && want.claim_end === end)) return;
      change(id, { ...want, claim_start: start, claim_end: end });
    },
    changed: (span) => { if (span === spans[current]) paintClaim(span.dataset.id); },
    say: announce,
  });

  function markClaim() {
    if (!labelOf(idAt(current))) {
      announce("Label the sentence first: the claim's words are saved with your label.");
      $("claim-help").classList.add("attention");
      return;
    }
    if (!spans[current].contains(document.activeElement)) spans[current].focus({ preventScroll: true });
    marker.begin(spans[current]);
  }

  function paintClaim(id) {
    const span = $(`s-${id}`);
    const marking = marker.marking(span);
    const range = marking ? marker.current() : keptClaim(id);
    const words = range ? window.claims.quote(span, ...range) : "";
    const text = $("claim-text");
    if (words) {
      const mark = document.createElement("mark");
      mark.className = marking ? "claim marking" : "claim";
      mark.textContent = words;
      text.replaceChildren("“", mark, "”");
    } else {
      text.textContent = "none marked";
    }
    const help = $("claim-help");
    if (!labelOf(id)) {
      help.textContent = "Label the sentence first: the claim's words are saved with your label.";
    } else {
      help.classList.remove("attention");
      help.textContent = marking
        ? "→/← move the end by a word, Shift+→/← the start; Enter keeps, Esc cancels."
        : "Press c, or select the words with the mouse, to mark the words that carry the claim.";
    }
    $("claim-actions").hidden = !marking;
    $("claim-buttons").hidden = marking;
    $("claim-mark").disabled = !labelOf(id);
    $("claim-remove").hidden = !words;
  }

  // ---- the discussion: once the reviewer has labeled the sentence, never before ---------
  // (the others' words would steer the label; the server refuses too). Loaded when the
  // sentence is first selected, and again in the background each time it is selected anew,
  // so that a reply written meanwhile shows without a reload.
  const threads = new Map(); // sentence id -> comments
  const mayDiscuss = (id) => data.sees_all || Boolean(server.get(id)?.label);
  function paintDiscussion(id) {
    const open = mayDiscuss(id);
    const note = $("discussion-note");
    $("comment-form").hidden = !open;
    const list = $("comments");
    if (!open) {
      list.hidden = true;
      note.textContent = "The discussion of this sentence opens once you have labeled it.";
      return;
    }
    const thread = threads.get(id);
    if (!thread) {
      list.hidden = true;
      note.textContent = "Loading the discussion…";
      loadThread(id);
      return;
    }
    note.textContent = "";
    list.hidden = false;
    const shown = `${id}:${thread.length}`; // refilled only when it changed: keeps the scroll
    if (list.dataset.shown !== shown) {
      window.comments.fill(list, thread);
      list.dataset.shown = shown;
    }
  }
  const loadingThreads = new Set();
  async function loadThread(id) {
    if (loadingThreads.has(id)) return;
    loadingThreads.add(id);
    try {
      threads.set(id, await window.comments.load(id));
    } catch {
      if (idAt(current) === id) $("discussion-note").textContent = "The discussion could not be loaded.";
      return;
    } finally {
      loadingThreads.delete(id);
    }
    if (idAt(current) === id) paintDiscussion(id);
  }
  async function sendComment() {
    const id = idAt(current);
    const input = $("comment-input");
    const text = input.value.trim();
    if (!text || !threads.has(id)) return;
    $("discussion-note").textContent = "Sending…";
    try {
      const comment = await window.comments.post(id, text);
      threads.get(id).push(comment);
      input.value = "";
      announce("Comment sent.");
    } catch (error) {
      $("discussion-note").textContent = `Not sent: ${error.message}`;
      return;
    }
    if (idAt(current) === id) paintDiscussion(id);
  }
  function openThread() {
    if (!mayDiscuss(idAt(current))) {
      announce("The discussion of this sentence opens once you have labeled it.");
      return;
    }
    $("comment-input").focus();
  }

  // ---- checked before: the earlier checks of the selected sentence's claim ----------------
  // Asked for when a sentence is selected, once the reviewer may see them: after labeling it,
  // unless the project shows them before (an earlier verdict would steer the label).
  const matches = new Map(); // sentence id -> results
  let matchesTimer = null;
  function paintMatches(id) {
    const note = $("matches-note");
    const list = $("matches-list");
    clearTimeout(matchesTimer);
    if (!data.matches_before && !server.get(id)?.label) {
      list.replaceChildren();
      note.textContent = "Earlier checks of this claim show once you have labeled it.";
      return;
    }
    const results = matches.get(id);
    if (!results) {
      note.textContent = "Looking for earlier checks…";
      list.replaceChildren();
      matchesTimer = setTimeout(() => loadMatches(id), 150);
      return;
    }
    note.textContent = results.length ? "" : "Not checked before.";
    list.replaceChildren(...results.map((match) => {
      const item = document.createElement("li");
      const result = match.verdict || consensus(match.labels);
      const badge = document.createElement("span");
      badge.className = `vote ${result || "none"}`;
      badge.textContent = match.verdict ? `verdict: ${match.verdict}`
        : result ? `labels: ${result}` : "labels split";
      const link = document.createElement("a");
      link.href = match.url;
      link.textContent = match.text;
      const where = document.createElement("span");
      where.className = "muted small";
      const counts = LABELS.filter((label) => match.labels[label])
        .map((label) => `${match.labels[label]} ${label}`).join(", ");
      where.textContent = ` ${match.article_title}${counts ? ` · ${counts}` : ""} · ${Math.round(match.score * 100)}% alike`;
      item.append(badge, " ", link, where);
      return item;
    }));
  }
  function consensus(labels) {
    const ranked = LABELS.map((label) => [label, labels[label] || 0]).sort((a, b) => b[1] - a[1]);
    return ranked[0][1] > ranked[1][1] ? ranked[0][0] : "";
  }
  async function loadMatches(id) {
    try {
      const response = await fetch(`/api/sentences/${id}/matches/`, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      matches.set(id, (await response.json()).results);
    } catch {
      if (idAt(current) === id) $("matches-note").textContent = "Earlier checks could not be loaded.";
      return;
    }
    if (idAt(current) === id) paintMatches(id);
  }

  // A model's label, where the project shows one: a hint, never a label of its own.
  function paintSuggestion(id) {
    const suggestion = (data.suggestions || {})[id];
    const line = $("suggestion");
    line.hidden = !suggestion;
    if (!suggestion) return;
    const score = suggestion.score === null ? "" : ` (${Math.round(suggestion.score * 100)}% sure)`;
    line.textContent = `Model ${suggestion.model} suggests: ${suggestion.label}${score}`;
  }

  // A conflict stays on show, whichever sentence is selected, until the reviewer settles it;
  // it arrives on its own sentence (see showConflict), and from elsewhere one click goes back.
  function paintConflict() {
    const box = $("conflict");
    const [id, theirs] = conflicts.entries().next().value || [];
    if (!id) { box.hidden = true; return; }
    const index = indexOf(id);
    const where = `Sentence ${index + 1}`;
    $("conflict-text").textContent = theirs
      ? `${where} was labeled in another tab or window. Which label stays?`
      : `${where}: your label was removed in another tab or window. Which stays?`;
    $("conflict-mine").textContent = describe(local.get(id), id);
    $("conflict-saved").textContent = describe(theirs, id);
    const show = $("conflict-show");
    show.hidden = index === current;
    show.textContent = `Show sentence ${index + 1}`;
    box.hidden = false;
  }

  function describe(annotation, id) {
    if (!annotation) return "no label";
    if (isSkip(annotation)) return summary(annotation);
    const links = annotation.evidence.length;
    const claim = annotation.claim_start ?? null;
    return `“${annotation.label}”` +
      (annotation.note ? ` with the note “${annotation.note.slice(0, 80)}”` : "") +
      (links ? `, ${links} evidence link${links === 1 ? "" : "s"}` : "") +
      (claim !== null
        ? `, the claim “${window.claims.quote($(`s-${id}`), claim, annotation.claim_end)}”` : "");
  }

  function paintOthers(id) {
    const section = $("others");
    const body = $("others-body");
    const others = data.others[id];
    if (data.sees_all) {
      section.hidden = false;
      $("others-title").textContent = `Other reviewers (${others ? others.length : 0})`;
      // How many skipped it (never who): many skips say the sentence is not a claim.
      const skips = data.skip_counts[id] || 0;
      const skipped = document.createElement("p");
      skipped.className = "muted small skip-count";
      skipped.textContent = skips ? `Skipped by ${skips} reviewer${skips === 1 ? "" : "s"}.` : "";
      if (!others || others.length === 0) {
        body.replaceChildren("No other labels yet.", ...(skips ? [skipped] : []));
        return;
      }
      const list = document.createElement("ul");
      for (const other of others) {
        const item = document.createElement("li");
        const who = document.createElement("span");
        who.textContent = `${other.reviewer}: `;
        const vote = document.createElement("span");
        vote.className = `vote ${other.label}`;
        vote.textContent = other.label;
        item.append(who, vote);
        if (other.note) item.append(` — ${other.note}`);
        for (const link of other.evidence || []) {
          const anchor = document.createElement("a");
          anchor.href = link;
          anchor.textContent = " [link]";
          anchor.target = "_blank";
          anchor.rel = "noopener noreferrer nofollow";
          item.append(anchor);
        }
        list.append(item);
      }
      body.replaceChildren(list, ...(skips ? [skipped] : []));
      return;
    }
    // Reviewers see counts only, and only once they have labeled the sentence themselves.
    if (!others || !server.get(id)?.label) { section.hidden = true; return; }
    section.hidden = false;
    $("others-title").textContent = "Other reviewers";
    body.replaceChildren(...LABELS.filter((label) => others[label]).map((label) => {
      const vote = document.createElement("span");
      vote.className = `vote ${label}`;
      vote.textContent = `${others[label]} ${label}  `;
      return vote;
    }));
  }

  // After a save the server answers with the others' counts the reviewer may now see (null:
  // none): show them at once rather than after a reload. Adjudicators' pages list every label.
  function showOthersCounts(id, others) {
    if (data.sees_all) return;
    if (others && LABELS.some((label) => others[label])) data.others[id] = others;
    else delete data.others[id];
    if (idAt(current) === id) paintOthers(id);
  }

  function paintStatus() {
    const status = $("save-status");
    const waiting = pending.size;
    let state = "saved";
    let text = "All changes saved";
    if (conflicts.size) {
      state = "failed";
      text = "Conflict: choose which label stays";
    } else if (lastError && waiting) {
      state = "failed";
      text = lastError;
    } else if (retryTimer && waiting) {
      state = "offline";
      text = `Offline: ${waiting} change${waiting === 1 ? "" : "s"} waiting, retrying…`;
    } else if (waiting) {
      state = "saving";
      text = "Saving…";
    }
    status.dataset.state = state;
    if (status.textContent !== text) status.textContent = text;
    const labeled = spans.filter((span) => labelOf(span.dataset.id)).length;
    $("my-count").textContent = labeled;
    $("my-skips").textContent = spans.filter((span) => skipped(span.dataset.id)).length;
    $("my-progress").value = labeled;
  }

  function select(index, { scroll = true } = {}) {
    if (index < 0 || index >= spans.length) return;
    if (index !== current && threads.has(idAt(index))) loadThread(idAt(index));
    if (marker.marking() && !marker.marking(spans[index])) marker.cancel();
    closeReasons();
    $("notice").hidden = true;
    // Focus follows the selection when it was on a sentence (or nowhere), never away from
    // a field or a button the reviewer is on.
    const follow = !document.activeElement || document.activeElement === document.body ||
      document.activeElement.classList.contains("sentence");
    spans[current].classList.remove("selected");
    spans[current].removeAttribute("aria-current");
    spans[current].tabIndex = -1;
    current = index;
    spans[current].classList.add("selected");
    spans[current].setAttribute("aria-current", "true");
    spans[current].tabIndex = 0;
    if (follow) spans[current].focus({ preventScroll: true });
    if (scroll) bringIntoView(spans[current], reducedMotion() ? "instant" : "smooth");
    history.replaceState(null, "", `#s-${idAt(current)}`);
    paintPanel();
  }

  const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // On a narrow screen the panel covers the lower half: keep the sentence above it.
  const narrow = () => window.matchMedia("(max-width: 860px)").matches;
  function bringIntoView(span, behavior) {
    span.scrollIntoView({ block: narrow() ? "start" : "center", behavior });
  }

  // The page opens at its top, the title in view, when the selected sentence fits below it;
  // only otherwise is the sentence brought into view.
  function placeOnOpen() {
    window.scrollTo({ top: 0, behavior: "instant" });
    // Guidelines that opened by themselves sit above the article on a narrow screen: in view.
    if (narrow() && guidelines && !guidelines.hidden) return;
    const bottom = narrow() ? $("panel").getBoundingClientRect().top : window.innerHeight;
    if (spans[current].getBoundingClientRect().bottom > bottom) bringIntoView(spans[current], "instant");
  }

  // ---- changing and saving ----------------------------------------------------------------
  // record: "new" (a change of its own: undoable, and the redo stack goes), "merge" (more of
  // the last change: a note still being typed, a skip's reason) or "none" (undo and redo).
  function change(id, want, { record = "new" } = {}) {
    $("save-error").hidden = true;
    const before = local.get(id) || null;
    const last = undoStack.at(-1);
    if (record === "merge" && last?.id === id) last.after = want;
    else if (record !== "none") undoStack.push({ id, before, after: want });
    if (record !== "none") redoStack.length = 0;
    local.set(id, want);
    const base = pending.has(id) ? pending.get(id).base : (server.get(id)?.version || 0);
    pending.set(id, { want, base });
    persist();
    paintSentence(id);
    paintPanel();
    paintStatus();
    send(id);
  }

  // Label the selected sentence (with the note drafted before, if any) and go on, or stay.
  function label(name, { stay = false } = {}) {
    const id = idAt(current);
    const want = labelOf(id) ? local.get(id) : null;
    const note = want ? want.note : drafts.get(id) || "";
    drafts.delete(id);
    change(id, wanted({ ...want, label: name, note }));
    announce(`Sentence ${current + 1} labeled ${name}.`);
    if (!stay) select(nextOpen());
  }

  // Where labeling goes on: the next sentence neither labeled nor skipped, else the first
  // one before; once every sentence is done, simply the next one.
  function nextOpen() {
    const open = (i) => !labelOf(idAt(i)) && !skipped(idAt(i));
    const after = spans.findIndex((_, i) => i > current && open(i));
    if (after !== -1) return after;
    const before = spans.findIndex((_, i) => i < current && open(i));
    return before !== -1 ? before : Math.min(current + 1, spans.length - 1);
  }

  function removeLabel() {
    if (!labelOf(idAt(current))) return;
    change(idAt(current), null);
    announce(`Sentence ${current + 1}: label removed.`);
  }

  const undo = () => travel(undoStack, redoStack, "before", "Undone");
  const redo = () => travel(redoStack, undoStack, "after", "Redone");
  function travel(from, to, side, word) {
    const entry = from.pop();
    if (!entry) return;
    to.push(entry);
    select(indexOf(entry.id));
    change(entry.id, entry[side], { record: "none" });
    announce(`${word}: sentence ${current + 1} is ${summary(entry[side])}.`);
  }

  // A visible word on what a key did not do (and why), until the next selection.
  function notice(text) {
    $("notice").textContent = text;
    $("notice").hidden = false;
    announce(text);
  }

  // ---- skipping -------------------------------------------------------------------------
  // `s` skips at once and moves on; the reasons stay offered for that sentence until the next
  // key: 1-4 give one (the same change, one undo), anything else goes on without.
  let reasonsFor = null; // {id, merge}: the sentence whose reason may be chosen now
  function skip() {
    const id = idAt(current);
    if (labelOf(id)) {
      notice(`Sentence ${current + 1} is labeled: remove your label first (${window.shortcuts.keyName("remove") || "the button"}), then skip it.`);
      return;
    }
    const fresh = !skipped(id);
    if (fresh) change(id, { skip: "" });
    const position = current + 1;
    select(nextOpen());
    reasonsFor = { id, merge: fresh };
    $("skip-reasons-title").textContent = `Sentence ${position} skipped. Why? (optional)`;
    $("skip-reasons").hidden = false;
    announce(`Sentence ${position} skipped. Keys 1 to 4 give a reason.`);
  }
  function chooseReason(reason) {
    const { id, merge } = reasonsFor;
    closeReasons();
    change(id, { skip: reason }, { record: merge ? "merge" : "new" });
    announce(`Sentence ${indexOf(id) + 1} skipped: ${reasonWords.get(reason)}.`);
  }
  function closeReasons() {
    if (!reasonsFor) return;
    reasonsFor = null;
    const box = $("skip-reasons");
    const hadFocus = box.contains(document.activeElement);
    box.hidden = true;
    if (hadFocus) spans[current].focus({ preventScroll: true });
  }

  // ---- guidelines -----------------------------------------------------------------------
  // Beside the article, not over it: labeling goes on while they are open. They open by
  // themselves the first time and after each change; opening them records that version as
  // seen. That record is sent once, not through the pending changes: if it is lost, the
  // guidelines merely open again next time.
  const guidelines = $("guidelines");
  let focusBeforeGuidelines = null;
  function showGuidelines({ focus = true } = {}) {
    if (!guidelines) { notice("This project has no guidelines."); return; }
    guidelines.hidden = false;
    document.body.classList.add("guidelines-open");
    $("guidelines-button").setAttribute("aria-expanded", "true");
    if (focus) {
      focusBeforeGuidelines = document.activeElement;
      guidelines.focus();
    }
    if (data.guidelines.state !== "seen") {
      data.guidelines.state = "seen";
      fetch(`/api/projects/${encodeURIComponent(data.project)}/guidelines/seen/`, {
        method: "PUT", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ digest: data.guidelines.digest }),
      }).catch(() => {});
    }
  }
  function hideGuidelines() {
    const hadFocus = guidelines.contains(document.activeElement);
    guidelines.hidden = true;
    document.body.classList.remove("guidelines-open");
    $("guidelines-button").setAttribute("aria-expanded", "false");
    const back = focusBeforeGuidelines?.isConnected ? focusBeforeGuidelines : spans[current];
    focusBeforeGuidelines = null;
    if (hadFocus || back === spans[current]) back.focus({ preventScroll: true });
  }
  const toggleGuidelines = () => (guidelines && !guidelines.hidden ? hideGuidelines() : showGuidelines());

  const csrfToken = () => document.cookie.split("; ")
    .find((part) => part.startsWith("csrftoken="))?.slice("csrftoken=".length) || "";

  // The request that brings the server one step nearer to what the reviewer wants (null: it
  // holds it). A label is one PUT (the server removes a skip in the same statement); a skip
  // on a labeled sentence first deletes the label, with its version, then PUTs the skip.
  function nextStep(id, { want, base }) {
    const have = server.get(id) || null;
    const annotation = `/api/sentences/${id}/annotation/`;
    const skipUrl = `/api/sentences/${id}/skip/`;
    if (want && !isSkip(want)) return { url: annotation, method: "PUT", body: { ...wanted(want), version: base } };
    if (have && !isSkip(have)) return { url: `${annotation}?version=${base}`, method: "DELETE" };
    if (want) return { url: skipUrl, method: "PUT", body: { reason: want.skip }, skip: true };
    if (have) return { url: skipUrl, method: "DELETE", skip: true };
    return null;
  }

  async function send(id) {
    if (inflight.has(id) || conflicts.has(id) || !pending.has(id)) return;
    const sent = pending.get(id);
    const step = nextStep(id, sent);
    if (!step) {
      pending.delete(id);
      persist();
      paintSentence(id);
      paintStatus();
      return;
    }
    inflight.add(id);
    paintStatus();
    try {
      const response = await fetch(step.url, {
        method: step.method, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: step.body && JSON.stringify(step.body),
      });
      const deleted = step.method === "DELETE" && (response.ok || response.status === 404);
      if (response.ok || deleted) {
        const body = response.status === 200 || response.status === 201 ? await response.json() : null;
        onSaved(id, sent, deleted ? null : step.skip ? { skip: body.reason } : confirmed(body), body);
      } else if (response.status === 409 && step.skip) {
        // Labeled in another tab or window since this page loaded: the label stays.
        refuse(id, `Sentence ${indexOf(id) + 1}: not skipped: you have labeled it elsewhere; reload to see the label.`);
      } else if (response.status === 409) {
        const { current } = await response.json();
        // The server already holds this very change: an earlier send of it got through but
        // its answer was lost, or another tab made the same change. Nothing to choose.
        if (sameAnnotation(wanted(current), sent.want)) onSaved(id, sent, confirmed(current), current);
        else showConflict(id, confirmed(current));
      } else if (response.status === 401 || response.status === 403) {
        lastError = "Not saved: your session has ended. Sign in again in another tab; your changes are kept here.";
        scheduleRetry();
      } else if (response.status >= 400 && response.status < 500 && response.status !== 429) {
        // The server refused this change for good: say why and go back to what it has.
        const body = await response.json().catch(() => ({}));
        refuse(id, `Sentence ${indexOf(id) + 1}: this change could not be saved: ${messageOf(body)}`);
      } else {
        throw new Error(`HTTP ${response.status}`);
      }
    } catch {
      scheduleRetry();
    } finally {
      inflight.delete(id);
      persist();
      paintSentence(id);
      paintPanel();
      paintStatus();
    }
    // A newer change, or the next step of this one (a skip after its label's removal).
    if (pending.has(id) && !retryTimer) send(id);
  }

  // The server refused this change for good: say why and go back to what it has.
  function refuse(id, text) {
    showSaveError(id, text);
    pending.delete(id);
    local.set(id, wanted(server.get(id)));
  }

  // Labeling has usually moved on by the time a 409 comes back: go back to the sentence, so
  // that the choice is made beside its text (but never from under the reviewer's typing).
  // The conflict box takes focus (a choice is needed before that sentence saves again) and
  // gives it back once the choice is made; while the reviewer types, it waits, announced.
  let focusBeforeConflict = null;
  function showConflict(id, theirs) {
    conflicts.set(id, theirs);
    announce(`Conflict on sentence ${indexOf(id) + 1}: choose which label stays.`);
    if (typing()) return;
    select(indexOf(id));
    focusConflict();
  }
  function focusConflict() {
    const box = $("conflict");
    if (box.hidden || box.contains(document.activeElement)) return;
    focusBeforeConflict = document.activeElement;
    box.focus();
  }
  function focusAfterConflict() {
    if (conflicts.size) { focusConflict(); return; }
    const back = focusBeforeConflict?.isConnected && !focusBeforeConflict.disabled
      ? focusBeforeConflict : spans[current];
    focusBeforeConflict = null;
    back.focus({ preventScroll: true });
  }

  // A change the server refused for good: said in words beside the labels, until the next change.
  function showSaveError(id, text) {
    const error = $("save-error");
    error.textContent = text;
    error.hidden = false;
  }

  // A step of `sent` is done: the server holds `saved` (a confirmed record, null: nothing);
  // `body` is its answer. `sent` is done once the server holds the same kind of record.
  function onSaved(id, sent, saved, body) {
    if (saved) server.set(id, saved); else server.delete(id);
    // A label's PUT answers with the counts the reviewer may now see; after a DELETE, none.
    if (!body || "others" in body) showOthersCounts(id, body ? body.others : null);
    const want = sent.want;
    const holds = !want ? !saved : isSkip(want) ? isSkip(saved) : Boolean(saved) && !isSkip(saved);
    if (pending.get(id) === sent && holds) pending.delete(id);
    else if (pending.has(id)) pending.get(id).base = saved?.version || 0;
    lastError = "";
    retryDelay = 1000;
  }

  function sameAnnotation(a, b) {
    if (!a || !b) return a === b;
    if (isSkip(a) || isSkip(b)) return isSkip(a) && isSkip(b) && a.skip === b.skip;
    return a.label === b.label && a.note === b.note &&
      a.claim_start === b.claim_start && a.claim_end === b.claim_end &&
      a.evidence.length === b.evidence.length && a.evidence.every((link, i) => link === b.evidence[i]);
  }

  function messageOf(body) {
    if (body.detail) return body.detail;
    return Object.entries(body).map(([field, errors]) => `${field}: ${[].concat(errors).join(" ")}`).join("; ");
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function flush() {
    for (const id of pending.keys()) send(id);
    paintStatus();
  }

  function resolveConflict(keepMine) {
    if (!conflicts.size) return;
    const [id, theirs] = conflicts.entries().next().value;
    const hadFocus = $("conflict").contains(document.activeElement);
    conflicts.delete(id);
    if (theirs) server.set(id, theirs); else server.delete(id);
    if (keepMine && pending.has(id)) {
      pending.get(id).base = theirs ? theirs.version : 0;
      persist();
      send(id);
    } else {
      pending.delete(id);
      local.set(id, wanted(theirs));
      persist();
    }
    paintSentence(id);
    paintPanel();
    paintStatus();
    announce(keepMine ? "Kept your label." : "Using the saved label.");
    if (hadFocus) focusAfterConflict();
  }

  // ---- note and evidence ----------------------------------------------------------------
  // Only typing changes a note: a textarea gives back "\r\n" as "\n", so comparing its value
  // with the stored note would rewrite every note that has one.
  let noteTimer = null;
  let noteEdited = false;
  let noteUndoPushed = false;
  function saveNote() {
    clearTimeout(noteTimer);
    if (!noteEdited) return;
    noteEdited = false;
    const id = idAt(current);
    const want = labelOf(id) ? local.get(id) : null;
    const note = $("note").value;
    if (!want) {
      if (note) drafts.set(id, note); else drafts.delete(id);
      persist();
      return;
    }
    if (want.note === note) return;
    change(id, { ...want, note }, { record: noteUndoPushed ? "merge" : "new" });
    noteUndoPushed = true;
  }
  $("note").addEventListener("input", () => {
    noteEdited = true;
    clearTimeout(noteTimer);
    noteTimer = setTimeout(saveNote, 700);
  });
  $("note").addEventListener("focus", () => { noteUndoPushed = false; });
  $("note").addEventListener("blur", saveNote);

  $("evidence-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("evidence-input");
    const error = $("evidence-error");
    const link = input.value.trim();
    let valid = false;
    try { valid = ["http:", "https:"].includes(new URL(link).protocol); } catch { valid = false; }
    if (!valid) {
      error.textContent = "Evidence links must start with http:// or https://";
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      return;
    }
    error.hidden = true;
    input.removeAttribute("aria-invalid");
    const id = idAt(current);
    const want = local.get(id);
    if (!want.evidence.includes(link)) change(id, { ...want, evidence: [...want.evidence, link] });
    input.value = "";
    announce("Link added.");
  });

  // ---- mouse and keyboard -------------------------------------------------------------------
  spans.forEach((span, index) => span.addEventListener("click", () => select(index, { scroll: false })));
  for (const button of document.querySelectorAll(".label-button")) {
    button.addEventListener("click", (event) => label(button.dataset.label, { stay: event.shiftKey }));
  }
  $("prev").addEventListener("click", () => select(current - 1));
  $("next").addEventListener("click", () => select(current + 1));
  $("undo").addEventListener("click", undo);
  $("redo").addEventListener("click", redo);
  $("skip").addEventListener("click", skip);
  $("guidelines-button").addEventListener("click", toggleGuidelines);
  $("guidelines-close")?.addEventListener("click", hideGuidelines);
  for (const button of document.querySelectorAll("[data-reason]")) {
    button.addEventListener("click", () => reasonsFor && chooseReason(button.dataset.reason));
  }
  $("clear-label").addEventListener("click", removeLabel);
  $("help-button").addEventListener("click", () => $("help").showModal());
  $("conflict-keep").addEventListener("click", () => resolveConflict(true));
  $("conflict-theirs").addEventListener("click", () => resolveConflict(false));
  $("claim-mark").addEventListener("click", markClaim);
  // These buttons hide once the marking ends: focus goes back to the sentence.
  $("claim-keep").addEventListener("click", () => { marker.keep(); spans[current].focus(); });
  $("claim-cancel").addEventListener("click", () => { marker.cancel(); spans[current].focus(); });
  $("claim-remove").addEventListener("click", () => {
    const want = local.get(idAt(current));
    if (labelOf(idAt(current))) change(idAt(current), { ...want, claim_start: null, claim_end: null });
    announce("Claim span removed.");
  });
  // Words selected with the mouse inside a labeled sentence: marked, to keep with Enter.
  $("body-text").addEventListener("mouseup", () => {
    const labeled = spans.filter((span) => labelOf(span.dataset.id));
    const span = marker.fromSelection(labeled);
    if (span) select(spans.indexOf(span), { scroll: false });
  });
  $("comment-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sendComment();
  });
  $("comment-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      sendComment();
    }
  });
  $("conflict-show").addEventListener("click", () => select(indexOf(conflicts.keys().next().value)));

  // Keys: the user's single-key shortcuts (static/js/shortcuts.js; off, or remapped, on the
  // settings page), and the arrows, which always work.
  const actions = {
    next: () => select(current + 1),
    previous: () => select(current - 1),
    verified: () => label("verified"),
    disputed: () => label("disputed"),
    unclear: () => label("unclear"),
    note: () => $("note").focus(),
    evidence: () => !$("evidence-input").disabled && $("evidence-input").focus(),
    remove: removeLabel,
    undo,
    redo,
    skip,
    guidelines: toggleGuidelines,
    keep_mine: () => resolveConflict(true),
    use_saved: () => resolveConflict(false),
    help: () => $("help").showModal(),
    claim: markClaim,
    thread: openThread,
  };
  const namedKeys = { ArrowDown: "next", ArrowUp: "previous" };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select")) {
      if (event.key === "Escape") { event.target.blur(); spans[current].focus(); }
      return;
    }
    if ($("help").open) return;
    // Right after `s`: 1-4 give the skip's reason; any other key goes on without one (Tab
    // too, unless it is on its way to the reasons' buttons). With single-key shortcuts off,
    // the digits are not reasons either: the reasons' buttons are.
    if (reasonsFor && !event.target.closest("#skip-reasons") && !["Shift", "Tab"].includes(event.key)) {
      const digit = window.shortcuts.enabled && /^[1-4]$/.test(event.key);
      const reason = digit ? [...reasonWords.keys()][event.key - 1] : null;
      if (reason) { event.preventDefault(); chooseReason(reason); return; }
      closeReasons();
      if (event.key === "Escape") return;
    }
    if (event.key === "Escape" && guidelines && !guidelines.hidden) { hideGuidelines(); return; }
    // Enter or Space on a sentence selects it, as a click does.
    const sentence = event.target.closest?.(".sentence");
    if (sentence && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      select(spans.indexOf(sentence), { scroll: false });
      return;
    }
    // Shift with a label's key: label and stay.
    const stay = window.shortcuts.shifted(event);
    if (LABELS.includes(stay)) {
      event.preventDefault();
      label(stay, { stay: true });
      return;
    }
    // `s` is both skip and use_saved (annotations/shortcuts.py SHARED): while a conflict is
    // shown it takes the saved side.
    const names = window.shortcuts.actions(event);
    const name = conflicts.size && names.includes("use_saved") ? "use_saved"
      : names.find((one) => one !== "use_saved") || names[0];
    const action = actions[namedKeys[event.key] || name];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  window.addEventListener("online", flush);
  window.addEventListener("beforeunload", (event) => {
    saveNote();
    if (pending.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // ---- start: the sentence in the address, else the first one this reviewer has not labeled
  spans.forEach((span) => paintSentence(span.dataset.id));
  const fromHash = spans.findIndex((span) => `#${span.id}` === location.hash);
  const firstOpen = spans.findIndex((span) => !labelOf(span.dataset.id) && !skipped(span.dataset.id));
  select(fromHash !== -1 ? fromHash : Math.max(firstOpen, 0), { scroll: false });
  if (["new", "updated"].includes(data.guidelines.state) && guidelines) {
    $("guidelines-updated").hidden = data.guidelines.state !== "updated";
    showGuidelines({ focus: false });
  }
  // The browser places the page itself (at the #s-N of the address, or where a reload left
  // it) until it has loaded: place it again once it has.
  history.scrollRestoration = "manual";
  placeOnOpen();
  window.addEventListener("load", placeOnOpen, { once: true });
  paintStatus();
  flush();
})();
