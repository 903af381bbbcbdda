/* Autocomplete for the search boxes, following the WAI-ARIA 1.2 combobox pattern (list
   autocomplete, manual selection): the input keeps the focus, arrow keys move a virtual
   cursor (aria-activedescendant) through the listbox, Enter chooses, Escape closes.
   Progressive enhancement: without JavaScript the input is a plain field of a GET form.
   Markup: <input data-autocomplete="URL" data-autocomplete-field="q|pres"> in a form, with
   data-autocomplete-network="SLUG" on a network's page (its communes are suggested first);
   options come from the server as <li role="option"> items, each either filling a form
   field (data-field, data-value) or opening a page (data-href). */
(function () {
  "use strict";
  var DELAY_MS = 150, MIN_CHARS = 2;

  function setup(input) {
    var form = input.form;
    var id = input.id || ("autocomplete-" + Math.random().toString(36).slice(2));
    input.id = id;
    var list = document.createElement("ul");
    list.id = id + "-listbox";
    list.className = "autocomplete-listbox";
    list.setAttribute("role", "listbox");
    var label = form && form.querySelector('label[for="' + id + '"]');
    if (label) {
      label.id = label.id || id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var wrapper = document.createElement("div");
    wrapper.className = "autocomplete";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var timer = null, request = 0, active = -1, lastText = null;

    function options() { return Array.prototype.slice.call(list.querySelectorAll('[role="option"]')); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!options().length) { close(); return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function move(index) {
      var items = options();
      if (!items.length) { return; }
      if (list.hidden) { open(); }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) {
        var on = i === active;
        item.setAttribute("aria-selected", on ? "true" : "false");
        item.classList.toggle("is-active", on);
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function fieldOf(name) {
      var field = form.elements.namedItem(name);
      if (field && field.length !== undefined && !field.tagName) { field = field[0]; }
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = name;
        form.appendChild(field);
      }
      return field;
    }

    function choose(item) {
      if (item.dataset.href) { window.location.assign(item.dataset.href); return; }
      var name = item.dataset.field, value = item.dataset.value || "";
      if (name === input.name) {
        input.value = value;
      } else {
        var field = fieldOf(name);
        if (field.tagName === "SELECT" && !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) {
          var option = document.createElement("option");
          option.value = value;
          option.textContent = item.querySelector(".suggestion__label").textContent;
          field.appendChild(option);
        }
        field.value = value;
        field.dispatchEvent(new Event("change", { bubbles: true }));
        input.value = "";
      }
      lastText = input.value;
      close();
      status.textContent = item.querySelector(".suggestion__label").textContent.trim();
      input.focus();
    }

    function fetchOptions() {
      var text = input.value.trim();
      if (text === lastText) { return; }
      lastText = text;
      if (text.length < MIN_CHARS) { list.innerHTML = ""; close(); return; }
      var mine = ++request;
      var url = input.dataset.autocomplete + "?champ=" + encodeURIComponent(input.dataset.autocompleteField || input.name) +
        "&" + encodeURIComponent(input.name) + "=" + encodeURIComponent(text) +
        (input.dataset.autocompleteNetwork ? "&reseau=" + encodeURIComponent(input.dataset.autocompleteNetwork) : "");
      fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (mine !== request) { return; }
          list.innerHTML = html;
          active = -1;
          input.removeAttribute("aria-activedescendant");
          var count = options().length;
          status.textContent = count ? count + " " + (input.dataset.autocompleteCount || "") : (input.dataset.autocompleteNone || "");
          open();
        })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchOptions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var items = options();
      if (event.key === "ArrowDown") {
        if (!items.length) { return; }
        event.preventDefault();
        move(list.hidden ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        if (!items.length) { return; }
        event.preventDefault();
        move(list.hidden ? items.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0 && items[active]) {
          event.preventDefault();  // choose, do not submit yet
          choose(items[active]);
        } else {
          close();
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); } else if (input.value) { input.value = ""; lastText = ""; }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the focus
    list.addEventListener("click", function (event) {
      var item = event.target.closest('[role="option"]');
      if (item) { event.preventDefault(); choose(item); }
    });
  }

  function init() {
    document.querySelectorAll("input[data-autocomplete]").forEach(setup);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
