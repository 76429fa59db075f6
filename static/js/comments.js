// A sentence's discussion, for the article page and the adjudication page: the comments'
// markup (text set as text, never as HTML) and the two requests of
// /api/sentences/{id}/comments/.
window.comments = (() => {
  "use strict";

  const csrfToken = () => document.cookie.split("; ")
    .find((part) => part.startsWith("csrftoken="))?.slice("csrftoken=".length) || "";

  // "27 Nov 09:34", as the pages write the comments they are served with.
  function shortDate(date) {
    const month = date.toLocaleString("en", { month: "short" });
    const time = [date.getHours(), date.getMinutes()].map((n) => String(n).padStart(2, "0"));
    return `${date.getDate()} ${month} ${time.join(":")}`;
  }

  function item(comment) {
    const li = document.createElement("li");
    const author = document.createElement("span");
    author.className = "comment-author";
    author.textContent = comment.author;
    const when = document.createElement("time");
    when.className = "muted small";
    when.dateTime = comment.created_at;
    when.textContent = shortDate(new Date(comment.created_at));
    const text = document.createElement("p");
    text.className = "comment-text";
    text.textContent = comment.text;
    li.append(author, " ", when, text);
    return li;
  }

  // The sentence's comments, oldest first; throws with a message when they cannot be read.
  async function load(sentenceId) {
    const response = await fetch(`/api/sentences/${sentenceId}/comments/?page_size=500`, {
      credentials: "same-origin",
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
    return body.results;
  }

  // Post `text`; the comment the server stored, or throws with the reason it was refused.
  async function post(sentenceId, text) {
    const response = await fetch(`/api/sentences/${sentenceId}/comments/`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ text }),
    }).catch(() => null);
    if (!response) throw new Error("offline");
    const body = await response.json().catch(() => ({}));
    if (response.status !== 201) throw new Error(body.detail || [].concat(body.text || JSON.stringify(body)).join(" "));
    return body;
  }

  // The list `ol` shows `list`, or says there is nothing yet.
  function fill(ol, list) {
    if (list.length) { ol.replaceChildren(...list.map(item)); return; }
    const none = document.createElement("li");
    none.className = "muted small no-comments";
    none.textContent = "No comments yet.";
    ol.replaceChildren(none);
  }

  function append(ol, comment) {
    ol.querySelector(".no-comments")?.remove();
    ol.append(item(comment));
    ol.scrollTop = ol.scrollHeight;
  }

  return { item, load, post, fill, append };
})();
