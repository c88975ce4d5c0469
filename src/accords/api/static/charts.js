// Draws every chart of a page: each <div class="plotly-chart"> holds its plotly figure as JSON
// in data-figure. A file, not an inline script, so that the Content-Security-Policy can allow
// scripts from this server only. A run's report charts get taller on a narrow screen, where
// their legends wrap onto several lines and would otherwise take the plot's room.
"use strict";
var narrow = window.matchMedia("(max-width: 40rem)").matches;
document.querySelectorAll(".plotly-chart[data-figure]").forEach(function (element) {
  var figure = JSON.parse(element.dataset.figure);
  if (narrow && element.closest(".report") && figure.layout.height) {
    figure.layout.height += 140;
  }
  window.Plotly.newPlot(element, figure.data, figure.layout, figure.config);
});
