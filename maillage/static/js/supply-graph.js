// Supply graph: pan (drag), zoom (wheel and buttons) and neighbour highlighting on the
// server-drawn SVG. Without JavaScript the drawing and its tables are all there.
(function () {
  "use strict";

  function setup(root) {
    var svg = root.querySelector("[data-sg-graph]");
    if (!svg || svg.dataset.sgReady) return;
    svg.dataset.sgReady = "1";
    var viewport = svg.querySelector("[data-sg-viewport]");
    var state = { x: 0, y: 0, k: 1 };

    function apply() {
      viewport.setAttribute("transform", "translate(" + state.x + " " + state.y + ") scale(" + state.k + ")");
    }

    function point(event) {
      var matrix = svg.getScreenCTM();
      var p = svg.createSVGPoint();
      p.x = event.clientX;
      p.y = event.clientY;
      return matrix ? p.matrixTransform(matrix.inverse()) : p;
    }

    function zoom(factor, centre) {
      var k = Math.min(8, Math.max(0.25, state.k * factor));
      var c = centre || { x: svg.viewBox.baseVal.width / 2, y: svg.viewBox.baseVal.height / 2 };
      state.x = c.x - ((c.x - state.x) * k) / state.k;
      state.y = c.y - ((c.y - state.y) * k) / state.k;
      state.k = k;
      apply();
    }

    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, point(event));
    }, { passive: false });

    var drag = null;
    svg.addEventListener("pointerdown", function (event) {
      var p = point(event);
      drag = { x: p.x - state.x, y: p.y - state.y };
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var p = point(event);
      state.x = p.x - drag.x;
      state.y = p.y - drag.y;
      apply();
    });
    svg.addEventListener("pointerup", function () { drag = null; });

    root.querySelectorAll("[data-sg-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.dataset.sgZoom;
        if (action === "in") zoom(1.25);
        else if (action === "out") zoom(0.8);
        else { state = { x: 0, y: 0, k: 1 }; apply(); }
      });
    });

    // Hover: the node, its relations and its partners stand out, the rest fades.
    var edges = Array.prototype.slice.call(svg.querySelectorAll(".sg-edge"));
    var nodes = {};
    svg.querySelectorAll(".sg-node").forEach(function (node) { nodes[node.dataset.key] = node; });
    function highlight(key) {
      svg.classList.toggle("sg-svg--focus", Boolean(key));
      Object.keys(nodes).forEach(function (k) { nodes[k].classList.remove("is-near"); });
      edges.forEach(function (edge) {
        var near = key && (edge.dataset.supplier === key || edge.dataset.client === key);
        edge.classList.toggle("is-near", Boolean(near));
        if (near) {
          nodes[edge.dataset.supplier].classList.add("is-near");
          nodes[edge.dataset.client].classList.add("is-near");
        }
      });
      if (key && nodes[key]) nodes[key].classList.add("is-near");
    }
    Object.keys(nodes).forEach(function (key) {
      nodes[key].addEventListener("mouseenter", function () { highlight(key); });
      nodes[key].addEventListener("mouseleave", function () { highlight(null); });
    });
  }

  function init() { setup(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  document.body.addEventListener("htmx:afterSwap", function (event) { setup(event.target); });
})();
