// Draws the dashboards' Plotly figures from the JSON the server embedded (no inline script),
// and wires the copy and print buttons.
(function () {
  "use strict";

  function draw() {
    document.querySelectorAll("[data-figure]").forEach(function (node) {
      var source = document.getElementById(node.getAttribute("data-figure"));
      if (!source || !window.Plotly) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(node, figure.data, figure.layout, {
        responsive: true,
        displaylogo: false,
        // Nothing may leave the sealed network: no "share to Chart Studio" button.
        showSendToCloud: false,
        showEditInChartStudio: false,
        plotlyServerURL: "",
        modeBarButtonsToRemove: ["sendDataToCloud", "editInChartStudio"],
        toImageButtonOptions: { format: "png", filename: node.getAttribute("data-filename") || "chart", scale: 2 }
      });
    });
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var text = JSON.parse(document.getElementById(copy.getAttribute("data-copy")).textContent);
      var status = document.querySelector("[data-copy-status]");
      var done = function () { if (status) { status.textContent = "Summary copied."; } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () {
          if (status) { status.textContent = "Copy failed; use Download as Markdown."; }
        });
      } else {
        var area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        area.remove();
        done();
      }
    }
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
