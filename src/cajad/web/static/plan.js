// The plan page's two-index chart (World Bank IPF): Plotly, served by cajad itself. The table
// beside it carries the same figures for screen readers and without JavaScript.
(function () {
  "use strict";

  var AREA_COLOURS = {
    green: "#2e7d4f",
    connectivity: "#1f5f9e",
    hrd: "#c7701a",
    unassigned: "#9aa3ad",
  };

  function trace(rows, selected, name) {
    var chosen = rows.filter(function (r) {
      return r.selected === selected;
    });
    return {
      type: "scatter",
      mode: "markers",
      name: name,
      x: chosen.map(function (r) { return Number(r.fe); }),
      y: chosen.map(function (r) { return Number(r.se); }),
      text: chosen.map(function (r) {
        return r.project + "<br>" + r.country + " · " + r.area + (r.grade ? " · " + r.grade : "") +
          "<br>benefit/cost " + r.ratio;
      }),
      hoverinfo: "text",
      marker: {
        size: 11,
        symbol: selected ? "circle" : "circle-open",
        line: { width: 2, color: chosen.map(function (r) { return AREA_COLOURS[r.area] || "#1f4e79"; }) },
        color: chosen.map(function (r) { return AREA_COLOURS[r.area] || "#1f4e79"; }),
      },
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("ipf-chart");
    var source = document.getElementById("ipf-data");
    if (!node || !source || !window.Plotly) {
      return;
    }
    var rows = JSON.parse(source.textContent);
    if (!rows.length) {
      return;
    }
    var labels = node.getAttribute("data-labels");
    var words = labels ? JSON.parse(labels) : {};
    var layout = {
      margin: { l: 56, r: 16, t: 8, b: 48 },
      height: 360,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12, color: "#243140" },
      xaxis: { title: { text: words.fe || "" }, range: [-5, 105], gridcolor: "#e3e8ee", zeroline: false },
      yaxis: { title: { text: words.se || "" }, range: [-5, 105], gridcolor: "#e3e8ee", zeroline: false },
      shapes: [
        { type: "line", x0: 50, x1: 50, y0: 0, y1: 100, line: { color: "#9aa3ad", dash: "dot", width: 1 } },
        { type: "line", x0: 0, x1: 100, y0: 50, y1: 50, line: { color: "#9aa3ad", dash: "dot", width: 1 } },
      ],
      legend: { orientation: "h", y: -0.2 },
    };
    var traces = [trace(rows, true, words.selected || "selected"), trace(rows, false, words.other || "not selected")];
    window.Plotly.newPlot(node, traces, layout, { displayModeBar: false, responsive: true });
  });
})();
