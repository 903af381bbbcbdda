// Need form: "add a row" buttons clone the last row of a Django formset (the page works
// without them: the form always offers empty rows).
(function () {
  "use strict";
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-row");
    var rows = document.querySelector('[data-formset="' + prefix + '"]');
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!rows || !total) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var count = parseInt(total.value, 10);
      if (max && count >= parseInt(max.value, 10)) return;
      var last = rows.lastElementChild;
      var copy = last.cloneNode(true);
      var pattern = new RegExp(prefix + "-\\d+-", "g");
      copy.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(pattern, prefix + "-" + count + "-"));
        });
        if (el.type === "checkbox") el.checked = false;  // its value ("on") must stay
        else if (el.tagName === "INPUT") el.value = "";
      });
      copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      rows.appendChild(copy);
      total.value = count + 1;
      if (window.htmx) window.htmx.process(copy);
      var input = copy.querySelector("input");
      if (input) input.focus();
    });
  });
})();
