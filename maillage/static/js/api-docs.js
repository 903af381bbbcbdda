/* /api/v1/docs: Swagger UI (django-ninja's copy of swagger-ui-dist, served from our own origin)
   started from a file, not an inline script, so that the page runs under the site's
   Content-Security-Policy. Its settings come from the page's json_script block; without
   JavaScript the box keeps its link to the JSON schema. */
(function () {
  "use strict";

  function init() {
    var box = document.getElementById("swagger-ui");
    var data = document.getElementById("swagger-settings");
    if (!box || !data || typeof SwaggerUIBundle === "undefined") { return; }
    var settings = JSON.parse(data.textContent);
    settings.dom_id = "#swagger-ui";
    settings.presets = [SwaggerUIBundle.presets.apis];
    box.textContent = "";
    SwaggerUIBundle(settings);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
