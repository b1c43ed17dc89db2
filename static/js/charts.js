/* Renders <canvas data-chart='{"type":…,"labels":[…],"datasets":[…]}'> with the vendored Chart.js.
   Every chart on a page also has a table alternative in the HTML (see partials/_chart.html). */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var palette = ["#0b5394", "#e69138", "#38761d", "#a61c00", "#674ea7", "#45818e", "#bf9000", "#666666"];
  var lang = document.documentElement.lang || "ja";
  var yen = new Intl.NumberFormat(lang === "en" ? "en-GB" : "ja-JP", {style: "currency", currency: "JPY", maximumFractionDigits: 0});
  var num = new Intl.NumberFormat(lang === "en" ? "en-GB" : "ja-JP");
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1a1a1a";

  function build(canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var fmt = spec.format === "yen" ? function (v) { return yen.format(v); } : function (v) { return num.format(v); };
    spec.datasets.forEach(function (ds, i) {
      var colour = ds.color || palette[i % palette.length];
      ds.backgroundColor = ds.backgroundColor || (spec.type === "line" ? colour + "33" : colour);
      ds.borderColor = ds.borderColor || colour;
      ds.borderWidth = ds.borderWidth || (spec.type === "line" ? 2 : 0);
    });
    var horizontal = spec.horizontal === true;
    var valueAxis = horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = {beginAtZero: true, stacked: !!spec.stacked, ticks: {callback: function (v) { return fmt(v); }}};
    scales[horizontal ? "y" : "x"] = {stacked: !!spec.stacked};
    return new Chart(canvas, {
      type: spec.type,
      data: {labels: spec.labels, datasets: spec.datasets},
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: spec.type === "doughnut" ? {} : scales,
        plugins: {
          legend: {display: spec.datasets.length > 1 || spec.type === "doughnut", position: "bottom"},
          tooltip: {callbacks: {label: function (ctx) {
            var v = ctx.parsed && typeof ctx.parsed === "object" ? ctx.parsed[valueAxis] : ctx.parsed;
            return (ctx.dataset.label ? ctx.dataset.label + ": " : "") + fmt(v);
          }}}
        }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      try { build(canvas); } catch (e) { canvas.setAttribute("data-chart-error", String(e)); }
    });
  });
})();
