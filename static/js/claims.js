// The claim inside a sentence: the words that carry it, marked from the keyboard or with the
// mouse, shown as a <mark> inside the sentence's own text. Used by the article page and the
// adjudication page.
//
// Offsets are the article body's, in code points (as the server counts them, Python string
// indices), not the UTF-16 units of a JavaScript string: the element holding the sentence's
// text carries its body offset in `data-start`.
//
// Keys while marking (`c` starts, on the kept span or else the first word):
//   → / ←            move the end by a word
//   Shift+→ / ←      move the start by a word (each pushes the other when they meet)
//   Home / End       the start to the first word / the end to the last
//   Enter            keep the span          Esc     leave it as it was
//   Backspace / Del  remove the kept span
window.claims = (() => {
  "use strict";

  // A word: letters, digits, marks, currency signs and %, with the punctuation inside it
  // ("40,000", "don't", "12.5%", "$3"); the punctuation around it is left out.
  const WORD = /[\p{L}\p{N}\p{M}\p{Sc}%]+(?:[^\s\p{L}\p{N}\p{M}\p{Sc}%]+[\p{L}\p{N}\p{M}\p{Sc}%]+)*/gu;

  const codePoints = (text) => Array.from(text).length;

  // The words of `text`: [start, end] in code points from its first character.
  function words(text) {
    const found = [];
    for (const match of text.matchAll(WORD)) {
      const start = codePoints(text.slice(0, match.index));
      found.push([start, start + codePoints(match[0])]);
    }
    return found;
  }

  const textOf = (el) => el.textContent;
  const baseOf = (el) => Number(el.dataset.start);

  // The span [start, end) (body offsets) of `el`'s text, when it lies inside it; else null.
  function inside(el, start, end) {
    if (start === null || start === undefined || end === null || end === undefined) return null;
    const from = start - baseOf(el);
    const to = end - baseOf(el);
    const length = codePoints(textOf(el));
    return from >= 0 && to <= length && from < to ? [from, to] : null;
  }

  // Draw `el`'s text with the span [start, end) (body offsets) in a <mark>; without a span,
  // plain text. The text itself, and so every offset, stays the same.
  function draw(el, start, end, { marking = false } = {}) {
    const chars = Array.from(textOf(el));
    const span = inside(el, start, end);
    if (!span) {
      if (el.children.length) el.textContent = chars.join("");
      return;
    }
    const mark = document.createElement("mark");
    mark.className = marking ? "claim marking" : "claim";
    mark.textContent = chars.slice(span[0], span[1]).join("");
    el.replaceChildren(chars.slice(0, span[0]).join(""), mark, chars.slice(span[1]).join(""));
  }

  // The words of `el` between body offsets, or "" without a span there.
  function quote(el, start, end) {
    const span = inside(el, start, end);
    return span ? Array.from(textOf(el)).slice(span[0], span[1]).join("") : "";
  }

  // Where a DOM position (node, offset in UTF-16 units) falls in `el`'s text, in code points.
  function pointIn(el, node, offset) {
    const range = document.createRange();
    range.setStart(el, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  // The mouse selection inside `el`, snapped out to whole words: [start, end] body offsets,
  // or null when nothing of `el`'s words is selected.
  function selectedSpan(el) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(el)) return null;
    // A drag that strays past the sentence keeps to the sentence.
    const length = codePoints(textOf(el));
    const from = el.contains(range.startContainer) ? pointIn(el, range.startContainer, range.startOffset) : 0;
    const to = el.contains(range.endContainer) ? pointIn(el, range.endContainer, range.endOffset) : length;
    const chosen = words(textOf(el)).filter(([start, end]) => end > from && start < to);
    if (!chosen.length) return null;
    return [baseOf(el) + chosen[0][0], baseOf(el) + chosen[chosen.length - 1][1]];
  }

  // One marking at a time. `host` gives what the page knows:
  //   kept(el) -> [start, end] or null     the span kept for that sentence
  //   keep(el, start, end)                  keep a span (null, null: remove it)
  //   changed(el)                           marking began, moved or ended: repaint the panel
  //   say(text)                             for a screen reader
  function marker(host) {
    let active = null; // {el, words, from, to}: word indexes

    function range() {
      const base = baseOf(active.el);
      return [base + active.words[active.from][0], base + active.words[active.to][1]];
    }

    function paint() {
      const [start, end] = range();
      draw(active.el, start, end, { marking: true });
      host.changed(active.el);
    }

    function begin(el, span = null) {
      if (active) end();
      const list = words(textOf(el));
      if (!list.length) return false;
      const [start, end_] = span || host.kept(el) || [null, null];
      const base = baseOf(el);
      let from = list.findIndex(([, e]) => base + e > start);
      let to = list.findLastIndex(([s]) => base + s < end_);
      if (start === null || from === -1 || to === -1 || to < from) { from = 0; to = 0; }
      active = { el, words: list, from, to };
      document.addEventListener("keydown", onKey, true);
      paint();
      host.say(`Marking the claim: ${quote(el, ...range())}. Arrows move the end, Shift and arrows the start, Enter keeps, Escape cancels.`);
      return true;
    }

    function end() {
      const el = active.el;
      document.removeEventListener("keydown", onKey, true);
      active = null;
      const kept = host.kept(el);
      draw(el, ...(kept || [null, null]));
      host.changed(el);
    }

    function keep() {
      const el = active.el;
      const [start, end_] = range();
      end();
      host.keep(el, start, end_);
      host.say(`Claim kept: ${quote(el, start, end_)}.`);
    }

    function cancel() {
      end();
      host.say("Claim marking cancelled.");
    }

    function remove() {
      const el = active.el;
      const had = host.kept(el);
      end();
      if (had) {
        host.keep(el, null, null);
        host.say("Claim span removed.");
      }
    }

    function move(which, by) {
      const last = active.words.length - 1;
      // The start pushes the end ahead of it, and the end the start back: from one word,
      // Shift+→ moves that word along.
      if (which === "to") {
        active.to = Math.min(last, Math.max(0, active.to + by));
        active.from = Math.min(active.from, active.to);
      } else {
        active.from = Math.min(last, Math.max(0, active.from + by));
        active.to = Math.max(active.to, active.from);
      }
      paint();
      host.say(quote(active.el, ...range()));
    }

    // While marking, these keys are the marking's; other single keys do nothing (a label's
    // key pressed by habit must not leave the sentence with the span half made).
    function onKey(event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.target.closest?.("input, textarea, select, dialog")) { cancel(); return; }
      // Right and Left follow the reading direction of the sentence.
      const rtl = getComputedStyle(active.el).direction === "rtl";
      const forward = rtl ? "ArrowLeft" : "ArrowRight";
      const backward = rtl ? "ArrowRight" : "ArrowLeft";
      const keys = {
        [forward]: () => move(event.shiftKey ? "from" : "to", +1),
        [backward]: () => move(event.shiftKey ? "from" : "to", -1),
        Home: () => { active.from = 0; paint(); },
        End: () => { active.to = active.words.length - 1; paint(); },
        Enter: keep,
        Escape: cancel,
        Backspace: remove,
        Delete: remove,
      };
      if (event.key === "Tab") { cancel(); return; }
      const handle = keys[event.key];
      if (!handle && event.key.length !== 1 && !event.key.startsWith("Arrow")) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (handle) handle();
    }

    return {
      begin,
      keep: () => active && keep(),
      cancel: () => active && cancel(),
      remove: () => active && remove(),
      marking: (el) => Boolean(active) && (el === undefined || active.el === el),
      // The span being marked, [start, end] body offsets, or null.
      current: () => (active ? range() : null),
      // A mouse selection inside one of `elements` starts a marking on its words; returns
      // the element, or null.
      fromSelection(elements) {
        const selection = window.getSelection();
        if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
        const range = selection.getRangeAt(0);
        const el = elements.find((one) => one.contains(range.startContainer)) ||
          elements.find((one) => one.contains(range.endContainer));
        const span = el && selectedSpan(el);
        if (!span) return null;
        selection.removeAllRanges();
        begin(el, span);
        return el;
      },
    };
  }

  return { words, draw, quote, inside, selectedSpan, marker };
})();
