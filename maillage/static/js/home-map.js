/* Network home: a map of the located members. Markers are SVG circles (no image), so they
   show even when the tile server is unreachable; without JavaScript the text inside the map
   box stays and the member list below the map holds the same establishments. */
(function () {
  "use strict";
  var STYLE = { radius: 7, color: "#0b5c7a", weight: 2, fillColor: "#0b5c7a", fillOpacity: 0.55 };

  function init() {
    var box = document.getElementById("members-map");
    var data = document.getElementById("members-map-points");
    if (!box || !data || typeof L === "undefined" || !window.MaillageMap) { return; }
    var points = JSON.parse(data.textContent);
    box.textContent = "";
    var map = MaillageMap.create(box, [46.6, 2.4], 5);
    var layer = L.featureGroup().addTo(map);
    points.forEach(function (point) {
      var link = document.createElement("a");
      link.href = "/etablissements/" + encodeURIComponent(point.siret) + "/";
      link.textContent = point.name;
      var popup = document.createElement("div");
      popup.appendChild(link);
      if (point.commune) { popup.appendChild(document.createTextNode(" — " + point.commune)); }
      MaillageMap.untab(L.circleMarker([point.latitude, point.longitude], STYLE)
        .bindTooltip(MaillageMap.text(point.name))
        .bindPopup(popup)
        .addTo(layer));
    });
    box.dataset.markers = String(points.length);
    if (points.length) { map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 12 }); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
