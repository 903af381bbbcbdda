/* What the three Leaflet maps share: the configurable tile layer, and text that never becomes
   markup. Leaflet renders a string given to bindTooltip, bindPopup or an attribution as HTML,
   and names come from SIRENE or spreadsheet imports: give it DOM nodes, or escaped strings
   where it takes nothing else. Load after leaflet.js and before the page's map script. */
(function () {
  "use strict";

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  window.MaillageMap = {
    /* A text node: Leaflet appends nodes as they are instead of parsing them. */
    text: function (value) { return document.createTextNode(value == null ? "" : String(value)); },

    /* A marker out of the tab order. Chromium makes an SVG shape with focus listeners (Leaflet's
       tooltips add them) a tab stop: 80 markers were 80 Tab presses before the page's content.
       The list beside each map holds the same places and links, and is the keyboard's way. */
    untab: function (layer) {
      var element = layer.getElement && layer.getElement();
      if (element) { element.setAttribute("tabindex", "-1"); }
      return layer;
    },

    /* A map in ``box`` with the tiles of its data-tile-url (none: a blank map, markers still show). */
    create: function (box, center, zoom) {
      var map = L.map(box, { scrollWheelZoom: false }).setView(center, zoom);
      if (box.dataset.tileUrl) {
        L.tileLayer(box.dataset.tileUrl, { maxZoom: 18, attribution: escapeHtml(box.dataset.attribution || "") }).addTo(map);
      }
      return map;
    }
  };
})();
