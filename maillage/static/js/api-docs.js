/* /api/v1/docs: Swagger UI (django-ninja's copy of swagger-ui-dist, served from our own origin)
   started from a file, not an inline script, so that the page runs under the site's
   Content-Security-Policy. Its settings come from the page's json_script block; without
   JavaScript the box keeps its link to the JSON schema.

   Swagger UI leaves a few controls without a name (axe-core: button-name, select-name,
   scrollable-region-focusable); an observer names them as they appear. */
(function () {
  "use strict";
  var COPY = document.documentElement.lang === "en" ? "Copy" : "Copier";

  function nameControls(root) {
    root.querySelectorAll(".copy-to-clipboard button:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", COPY);
    });
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", select.closest("tr").getAttribute("data-param-name"));
    });
    root.querySelectorAll("pre.microlight:not([tabindex])").forEach(function (block) {
      block.setAttribute("tabindex", "0");  // scrollable: reachable with the keyboard
    });
  }

  function init() {
    var box = document.getElementById("swagger-ui");
    var data = document.getElementById("swagger-settings");
    if (!box || !data || typeof SwaggerUIBundle === "undefined") { return; }
    var settings = JSON.parse(data.textContent);
    settings.dom_id = "#swagger-ui";
    settings.presets = [SwaggerUIBundle.presets.apis];
    box.textContent = "";
    new MutationObserver(function () { nameControls(box); }).observe(box, { childList: true, subtree: true });
    SwaggerUIBundle(settings);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
