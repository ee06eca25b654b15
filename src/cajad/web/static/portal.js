// The dashboard's charts (Plotly, served by cajad itself) and its auto-submitting controls.
(function () {
  "use strict";

  var AREA_COLOURS = {
    green: "#2e7d4f",
    connectivity: "#1f5f9e",
    hrd: "#c7701a",
    unassigned: "#9aa3ad",
  };
  var ACCENT = "#1f4e79";

  function draw(node, chart) {
    var values = chart.totals.map(Number);
    var vertical = chart.dimension === "year";
    var colours = chart.keys.map(function (key) {
      return chart.dimension === "pillar" ? AREA_COLOURS[key] || ACCENT : ACCENT;
    });
    var hover = chart.labels.map(function (label, i) {
      return label + "<br>" + Number(chart.totals[i]).toLocaleString("en") + " (" + chart.shares[i] + "%)";
    });
    var trace = {
      type: "bar",
      x: vertical ? chart.labels : values,
      y: vertical ? values : chart.labels,
      orientation: vertical ? "v" : "h",
      marker: { color: colours },
      hovertext: hover,
      hoverinfo: "text",
    };
    var layout = {
      margin: { l: vertical ? 56 : 170, r: 16, t: 8, b: 32 },
      height: vertical ? 240 : Math.max(160, 34 * chart.keys.length + 48),
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12, color: "#243140" },
      xaxis: vertical ? { type: "category" } : { gridcolor: "#e3e8ee", zeroline: false },
      yaxis: vertical ? { gridcolor: "#e3e8ee" } : { autorange: "reversed", automargin: true },
      showlegend: false,
    };
    window.Plotly.newPlot(node, [trace], layout, { displayModeBar: false, responsive: true });
  }

  // Money by month, stacked by basis and status in the composition bar's colours.
  function drawTimeline(node, chart) {
    var traces = chart.series.map(function (series) {
      return {
        type: "bar",
        name: series.name,
        x: chart.keys,
        y: series.values.map(Number),
        marker: { color: series.colour },
        hovertemplate: "%{x}<br>" + series.name + ": %{y:,.0f}<extra></extra>",
      };
    });
    var layout = {
      barmode: "stack",
      margin: { l: 56, r: 16, t: 8, b: 40 },
      height: 280,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12, color: "#243140" },
      xaxis: { type: "category", tickangle: -45 },
      yaxis: { gridcolor: "#e3e8ee", rangemode: "tozero" },
      showlegend: true,
      legend: { orientation: "h", y: -0.35, font: { size: 11 } },
    };
    window.Plotly.newPlot(node, traces, layout, { displayModeBar: false, responsive: true });
  }

  // A chart is drawn only when it has money: all-zero rows (every country and area is listed)
  // would draw an empty frame, and the page explains the empty measure in words instead.
  function hasMoney(chart) {
    return chart.totals.some(function (total) {
      return Number(total) !== 0;
    });
  }

  function drawAll() {
    var source = document.getElementById("chart-data");
    if (!source || !window.Plotly) {
      return;
    }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var chart = charts[node.getAttribute("data-chart")];
      if (!chart || !chart.keys.length || !hasMoney(chart)) {
        return;
      }
      if (chart.series) {
        drawTimeline(node, chart);
      } else {
        draw(node, chart);
      }
    });
  }

  function autosubmit() {
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    autosubmit();
    drawAll();
  });
})();
