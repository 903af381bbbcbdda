// Every page: the folding menu of narrow screens and the keyboard reach of scrolling tables.
// Loaded in <head> without defer so that the "js" class is set before the header is drawn
// (no flash of the open menu); the rest waits for the document.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  const header = document.querySelector(".site-header");
  const toggle = header && header.querySelector(".nav-toggle");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = header.classList.toggle("is-open");
      toggle.setAttribute("aria-expanded", String(open));
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && header.classList.contains("is-open")) {
        header.classList.remove("is-open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  // A table wider than the screen scrolls inside its wrapper: a keyboard user must be able to
  // reach it (WCAG 2.1.1), and a screen reader hears what it holds. Only when it does scroll,
  // so that a table that fits adds no useless tab stop.
  const reachable = () => {
    document.querySelectorAll(".table-wrapper").forEach((wrapper) => {
      const scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
      if (scrolls && !wrapper.hasAttribute("tabindex")) {
        const caption = wrapper.querySelector("caption");
        const heading = wrapper.previousElementSibling;
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        if (!wrapper.hasAttribute("aria-label") && !wrapper.hasAttribute("aria-labelledby")) {
          const label = (caption || (heading && /^H[1-6]$/.test(heading.tagName) ? heading : null));
          wrapper.setAttribute("aria-label", label ? label.textContent.trim() : document.title);
        }
      } else if (!scrolls && wrapper.getAttribute("tabindex") === "0" && wrapper.dataset.fixed === undefined) {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
      }
    });
  };
  reachable();
  window.addEventListener("resize", reachable);
  document.body.addEventListener("htmx:afterSwap", reachable);
});
