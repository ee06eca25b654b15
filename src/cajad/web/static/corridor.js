// The corridor map: country outlines, the network and the routes as plain x/y lines
// (x = longitude, y = latitude). No geo traces and no tiles: everything comes from this server.
(function () {
  "use strict";

  var SEA = "#e6eef5";
  var LAND = "#f6f5f0";
  var FOCUS = "#ecf1e3";
  var BORDER = "#c5ccd3";
  var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var NETWORK = {
    // The same colours as the legend in corridor.css.
    rail: { name: "Rail", color: "#7a6a58", dash: "solid", width: 1.3 },
    border: { name: "Border crossing", color: "#7a6a58", dash: "solid", width: 1.3 },
    road: { name: "Road", color: "#a0783c", dash: "dot", width: 1.3 },
    sea: { name: "Sea", color: "#5b86b0", dash: "solid", width: 1.1 },
    ferry: { name: "Caspian ferry", color: "#0f766e", dash: "dash", width: 1.5 },
    planned: { name: "Planned", color: "#7a6a58", dash: "dot", width: 1.6 },
  };
  var ORDER = ["sea", "ferry", "rail", "border", "road", "planned"];
  var BEST_WIDTH = 5;
  var MIN_HEIGHT = 380;
  var MAX_HEIGHT = 600;
  // The extent of the bundled outlines: the map does not pan past it.
  var BOUNDS = { x: [-26, 150], y: [-40, 66] };
  var OTHER_WIDTH = 2.5;

  function land(group, fill) {
    return {
      type: "scatter", mode: "lines", x: group.x, y: group.y, fill: "toself", fillcolor: fill,
      line: { color: BORDER, width: 0.6 }, hoverinfo: "skip",
    };
  }

  function network(spec) {
    return ORDER.filter(function (mode) { return spec.links[mode]; }).map(function (mode) {
      var style = NETWORK[mode];
      return {
        type: "scatter", mode: "lines", name: style.name, x: spec.links[mode].x, y: spec.links[mode].y,
        line: { color: style.color, width: style.width, dash: style.dash }, opacity: mode === "planned" ? 0.7 : 0.35,
        hoverinfo: "skip",
      };
    });
  }

  function routes(spec) {
    // Alternatives first, so that the best route is drawn on top.
    return spec.routes.slice().reverse().map(function (route) {
      var best = route.rank === 1;
      return {
        type: "scatter", mode: "lines", name: (best ? "Best: " : route.rank + ": ") + route.label,
        x: route.x, y: route.y, meta: route.rank, opacity: best ? 1 : 0.8,
        line: { color: route.colour, width: best ? BEST_WIDTH : OTHER_WIDTH },
        hovertemplate: "Route " + route.rank + ": " + route.label + "<extra></extra>",
      };
    });
  }

  function places(spec) {
    var all = spec.nodes;
    var shown = all.filter(function (n) { return n.labelled; });
    return [
      {
        type: "scatter", mode: "markers", name: "Places",
        x: all.map(function (n) { return n.lon; }), y: all.map(function (n) { return n.lat; }),
        marker: {
          size: all.map(function (n) { return n.end ? 11 : n.kind === "border" ? 5 : 6; }),
          symbol: all.map(function (n) { return n.kind === "border" ? "diamond" : "circle"; }),
          color: all.map(function (n) { return n.end ? "#1d2a38" : "#ffffff"; }),
          line: { color: "#1d2a38", width: 1 },
        },
        text: all.map(function (n) { return n.name + " (" + n.id + ")<br>" + n.kind + ", " + n.country; }),
        hovertemplate: "%{text}<extra></extra>",
      },
      {
        type: "scatter", mode: "text", name: "Labels", hoverinfo: "skip",
        x: shown.map(function (n) { return n.lon; }), y: shown.map(function (n) { return n.lat; }),
        text: shown.map(function (n) { return n.end ? "<b>" + n.label + "</b>" : n.label; }),
        textposition: "top center", cliponaxis: false,
        textfont: { family: FONT, size: 11, color: "#1d2a38" },
      },
    ];
  }

  function layout(spec, width) {
    var middle = (spec.view.y[0] + spec.view.y[1]) / 2;
    // Equirectangular with its true scale at the middle latitude of the view.
    var ratio = 1 / Math.cos((middle * Math.PI) / 180);
    var aspect = ((spec.view.y[1] - spec.view.y[0]) * ratio) / (spec.view.x[1] - spec.view.x[0]);
    var axis = { visible: false, showgrid: false, zeroline: false };
    return {
      margin: { l: 0, r: 0, t: 0, b: 0 },
      height: Math.round(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, width * aspect))),
      paper_bgcolor: "#ffffff",
      plot_bgcolor: SEA,
      dragmode: "pan",
      hovermode: "closest",
      font: { family: FONT, size: 12, color: "#243140" },
      xaxis: Object.assign({ range: spec.view.x, minallowed: BOUNDS.x[0], maxallowed: BOUNDS.x[1] }, axis),
      yaxis: Object.assign({ range: spec.view.y, scaleanchor: "x", scaleratio: ratio,
        minallowed: BOUNDS.y[0], maxallowed: BOUNDS.y[1] }, axis),
      showlegend: false, // the page has its own legend, and the routes table their colours
    };
  }

  function draw(node, spec, outlines) {
    var traces = outlines ? [land(outlines.land, LAND), land(outlines.focus, FOCUS)] : [];
    traces = traces.concat(network(spec), routes(spec), places(spec));
    var config = {
      displaylogo: false, scrollZoom: true, responsive: true,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toImage"],
    };
    return window.Plotly.newPlot(node, traces, layout(spec, node.clientWidth || 1000), config);
  }

  function highlight(node, rank) {
    var indices = [];
    var widths = [];
    var opacity = [];
    node.data.forEach(function (trace, i) {
      if (typeof trace.meta === "number") {
        indices.push(i);
        widths.push(trace.meta === rank ? BEST_WIDTH : OTHER_WIDTH);
        opacity.push(trace.meta === rank ? 1 : 0.55);
      }
    });
    window.Plotly.restyle(node, { "line.width": widths, opacity: opacity }, indices);
    document.querySelectorAll("[data-route-rank]").forEach(function (row) {
      row.classList.toggle("selected", Number(row.getAttribute("data-route-rank")) === rank);
    });
  }

  function select(node) {
    document.querySelectorAll("[data-route-rank]").forEach(function (row) {
      var rank = Number(row.getAttribute("data-route-rank"));
      row.addEventListener("click", function () { highlight(node, rank); });
      row.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          highlight(node, rank);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("corridor-map");
    var source = document.getElementById("map-data");
    if (!node || !source || !window.Plotly) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    fetch("/corridor/countries.json")
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; })
      .then(function (outlines) { return draw(node, spec, outlines); })
      .then(function () {
        node.setAttribute("data-drawn", "true");
        select(node);
      });
  });
})();
