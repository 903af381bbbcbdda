/* Establishment page map: one marker on a configurable tile layer.
   The marker is an SVG circle, not an image, so it shows even when tiles are unreachable;
   without JavaScript the fallback text inside the map box stays. */
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("establishment-map");
    if (!box || typeof L === "undefined" || !window.MaillageMap) { return; }
    var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
    if (isNaN(lat) || isNaN(lon)) { return; }
    box.textContent = "";
    var map = MaillageMap.create(box, [lat, lon], 12);
    MaillageMap.untab(L.circleMarker([lat, lon], { radius: 9, color: "#0b5c7a", weight: 3, fillColor: "#0b5c7a", fillOpacity: 0.6 })
      .addTo(map)
      .bindTooltip(MaillageMap.text(box.dataset.label)));
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
