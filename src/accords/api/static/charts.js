// Draws every chart of a page: each <div class="plotly-chart"> holds its plotly figure as JSON
// in data-figure. A file, not an inline script, so that the Content-Security-Policy can allow
// scripts from this server only.
"use strict";
document.querySelectorAll(".plotly-chart[data-figure]").forEach(function (element) {
  var figure = JSON.parse(element.dataset.figure);
  window.Plotly.newPlot(element, figure.data, figure.layout, figure.config);
});
