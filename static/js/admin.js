// Django's filter widget (filter_horizontal) names its search icons with aria-label on a plain
// span, which ARIA does not allow: they become images with that name. The widget is built by
// the window's load handlers, so this runs right after them.
window.addEventListener("load", () => setTimeout(() => {
  for (const icon of document.querySelectorAll(".help-tooltip[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
}));

// The dashboard's Models section comes apart from the page (evaluating a million predictions
// takes seconds): fetched once the page is shown, it takes the place of its placeholder.
{
  const models = document.querySelector("#models[data-src]");
  if (models) {
    fetch(models.dataset.src, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => {
        if (!response.ok) throw new Error(`${response.status}`);
        return response.text();
      })
      .then((html) => {
        const section = document.createElement("template");
        section.innerHTML = html.trim();
        models.replaceWith(section.content);
      })
      .catch(() => {
        document.getElementById("models-status").textContent =
          "The models' figures could not be computed: reload the page to try again.";
        models.setAttribute("aria-busy", "false");
      });
  }
}
