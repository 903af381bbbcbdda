// The signature pad of the « feuille d'émargement »: a <canvas> drawn with a finger, a pen or
// the mouse (pointer events), kept as an SVG path of moves and lines ("M x y L x y …") in the
// coordinate box of data-width × data-height, written to the form's hidden "signature" input.
// The server checks the path (numbers, M and L only) and refuses an empty one.
(function () {
  "use strict";
  document.querySelectorAll("[data-signature-pad]").forEach(function (pad) {
    var canvas = pad.querySelector("canvas");
    var input = pad.querySelector('input[name="signature"]');
    var form = pad.closest("form");
    var submit = form && form.querySelector("[data-signature-submit]");
    var clear = form && form.querySelector("[data-signature-clear]");
    var boxWidth = parseFloat(pad.getAttribute("data-width")) || 300;
    var boxHeight = parseFloat(pad.getAttribute("data-height")) || 120;
    var context = canvas.getContext("2d");
    var strokes = [];
    var current = null;

    pad.classList.add("is-ready");

    function resize() {
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.width * (boxHeight / boxWidth) * ratio);
      redraw();
    }

    function toBox(event) {
      var rect = canvas.getBoundingClientRect();
      var x = ((event.clientX - rect.left) / rect.width) * boxWidth;
      var y = ((event.clientY - rect.top) / rect.height) * boxHeight;
      return [Math.max(0, Math.min(boxWidth, x)), Math.max(0, Math.min(boxHeight, y))];
    }

    function redraw() {
      var scale = canvas.width / boxWidth;
      context.setTransform(scale, 0, 0, scale, 0, 0);
      context.clearRect(0, 0, boxWidth, boxHeight);
      context.lineWidth = 3;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#14213d";
      strokes.forEach(function (stroke) {
        context.beginPath();
        context.moveTo(stroke[0][0], stroke[0][1]);
        if (stroke.length === 1) context.lineTo(stroke[0][0] + 0.5, stroke[0][1]);
        for (var i = 1; i < stroke.length; i++) context.lineTo(stroke[i][0], stroke[i][1]);
        context.stroke();
      });
    }

    function path() {
      return strokes
        .map(function (stroke) {
          var points = stroke.length === 1 ? [stroke[0], [stroke[0][0] + 0.5, stroke[0][1]]] : stroke;
          return points
            .map(function (point, i) {
              return (i === 0 ? "M" : "L") + point[0].toFixed(1) + " " + point[1].toFixed(1);
            })
            .join(" ");
        })
        .join(" ");
    }

    function update() {
      input.value = path();
      if (submit) submit.disabled = strokes.length === 0;
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      current = [toBox(event)];
      strokes.push(current);
      redraw();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!current) return;
      event.preventDefault();
      var point = toBox(event);
      var last = current[current.length - 1];
      // Skip sub-pixel jitter: it only lengthens the path.
      if (Math.abs(point[0] - last[0]) + Math.abs(point[1] - last[1]) < 0.8) return;
      current.push(point);
      redraw();
    });
    function end() {
      if (!current) return;
      current = null;
      update();
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);

    if (clear) {
      clear.addEventListener("click", function () {
        strokes = [];
        current = null;
        redraw();
        update();
      });
    }
    window.addEventListener("resize", resize);
    resize();
    update();
  });
})();
