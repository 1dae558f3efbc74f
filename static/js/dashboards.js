// Draws the dashboards' Plotly figures from the JSON the server embedded (no inline script),
// and wires the copy and print buttons.
(function () {
  "use strict";

  var narrow = window.matchMedia("(max-width: 700px)").matches;

  // Phones: legend under the plot, labels that make room for themselves, tighter margins.
  function forPhones(layout) {
    var copy = Object.assign({}, layout);
    // At the bottom of the whole figure (not of the plot area), so tick labels never run into it.
    copy.legend = Object.assign({}, layout.legend, { orientation: "h", x: 0, xanchor: "left", yref: "container",
                                                     y: 0, yanchor: "bottom" });
    copy.margin = { l: 8, r: 8, t: 48, b: 64 };
    copy.xaxis = Object.assign({}, layout.xaxis, { automargin: true, tickangle: -45 });
    copy.yaxis = Object.assign({}, layout.yaxis, { automargin: true });
    copy.height = Math.max(layout.height || 0, 420);
    return copy;
  }

  function draw() {
    document.querySelectorAll("[data-figure]").forEach(function (node) {
      var source = document.getElementById(node.getAttribute("data-figure"));
      if (!source || !window.Plotly) { return; }
      var figure = JSON.parse(source.textContent);
      var layout = narrow ? forPhones(figure.layout || {}) : figure.layout;
      window.Plotly.newPlot(node, figure.data, layout, {
        responsive: true,
        // On a phone the toolbar would cover the title; PNG export stays on wider screens.
        displayModeBar: narrow ? false : "hover",
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
