// Django's filter widget (filter_horizontal) names its search icons with aria-label on a plain
// span, which ARIA does not allow: they become images with that name. The widget is built by
// the window's load handlers, so this runs right after them.
window.addEventListener("load", () => setTimeout(() => {
  for (const icon of document.querySelectorAll(".help-tooltip[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
}));
