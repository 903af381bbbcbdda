/* Search page: the map shows exactly the listed results, and the two stay in sync.
   Markers are SVG circles (no image) so they show even when tiles are unreachable.
   The list is the source of truth: after each htmx swap the markers are rebuilt from it. */
(function () {
  "use strict";
  var map = null, layer = null, markers = {};
  var BASE = { radius: 8, color: "#0b5c7a", weight: 2, fillColor: "#0b5c7a", fillOpacity: 0.5 };
  var ACTIVE = { radius: 11, color: "#b3261e", weight: 3, fillColor: "#b3261e", fillOpacity: 0.8 };

  function highlight(siret, fromMap) {
    Object.keys(markers).forEach(function (key) { markers[key].setStyle(key === siret ? ACTIVE : BASE); });
    document.querySelectorAll(".search-result").forEach(function (item) {
      item.classList.toggle("is-active", item.dataset.siret === siret);
    });
    var marker = markers[siret];
    if (marker) { marker.bringToFront(); if (!fromMap) { map.panTo(marker.getLatLng()); } }
    if (fromMap) {
      var item = document.getElementById("result-" + siret);
      if (item) { item.scrollIntoView({ block: "nearest" }); item.focus({ preventScroll: true }); }
    }
  }

  function draw() {
    var box = document.getElementById("search-map");
    if (!box || typeof L === "undefined" || !window.MaillageMap) { return; }
    // No located result, no map: an empty map says nothing the empty state does not.
    var located = document.querySelectorAll(".search-result[data-lat]").length > 0;
    box.hidden = !located;
    var skip = document.getElementById("search-map-end-skip");  // « Passer la carte » goes with it
    if (skip) { skip.hidden = !located; }
    if (!located) { box.dataset.markers = "0"; markers = {}; if (layer) { layer.clearLayers(); } return; }
    if (!map) {
      map = MaillageMap.create(box, [46.6, 2.4], 5);
      layer = L.featureGroup().addTo(map);
    } else {
      map.invalidateSize();  // it may have been hidden, at zero size
    }
    layer.clearLayers();
    markers = {};
    document.querySelectorAll(".search-result[data-lat]").forEach(function (item) {
      var siret = item.dataset.siret;
      var marker = L.circleMarker([parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)], BASE)
        .bindTooltip(MaillageMap.text(item.dataset.name))
        .on("click", function () { highlight(siret, true); });
      marker.addTo(layer);
      MaillageMap.untab(marker);  // the list is the keyboard's way to the same results
      marker.getElement().setAttribute("data-siret", siret);  // lets tests match markers to the list
      markers[siret] = marker;
      var locate = item.querySelector(".search-result__locate");
      if (locate) { locate.addEventListener("click", function () { highlight(siret, false); }); }
    });
    box.dataset.markers = String(Object.keys(markers).length);
    if (Object.keys(markers).length) { map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 12 }); }
  }

  function init() {
    draw();
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target && event.target.id === "search-results") { draw(); }
    });
    var range = document.getElementById("id_distance"), output = document.getElementById("distance-value");
    if (range && output) { range.addEventListener("input", function () { output.textContent = range.value; }); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
