/* Renders <canvas data-chart='{"type":…,"labels":[…],"datasets":[…],"format":"yen"|"number",
   "horizontal":bool,"stacked":bool}'> with the vendored Chart.js (no inline script: strict CSP).
   Every chart on a page also has a table alternative in the HTML (see partials/_chart.html). */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var palette = ["#0b5394", "#e69138", "#38761d", "#a61c00", "#674ea7", "#45818e", "#bf9000", "#666666"];
  var lang = document.documentElement.lang === "en" ? "en-GB" : "ja-JP";
  var num = new Intl.NumberFormat(lang, {maximumFractionDigits: 0});
  var compact = new Intl.NumberFormat(lang, {notation: "compact", maximumFractionDigits: 1});
  // Yen as the server writes it (¥1,234,567 in both languages); axis ticks shortened (¥12M / ¥1200万).
  function yen(v) { return (v < 0 ? "-¥" : "¥") + num.format(Math.abs(v)); }
  function yenShort(v) { return (v < 0 ? "-¥" : "¥") + compact.format(Math.abs(v)); }
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1a1a1a";

  function fitHeight(canvas, spec) {
    // Horizontal bars get room for every label; CSSOM styles are allowed under the CSP.
    if (!spec.horizontal) { return; }
    var box = canvas.parentNode;
    box.style.height = Math.max(200, spec.labels.length * 30 + 70) + "px";
  }

  function build(canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var isYen = spec.format === "yen";
    var fmt = isYen ? yen : function (v) { return num.format(v); };
    var tick = isYen ? yenShort : function (v) { return Number.isInteger(v) ? num.format(v) : ""; };
    spec.datasets.forEach(function (ds, i) {
      var colour = ds.color || palette[i % palette.length];
      delete ds.color;
      ds.backgroundColor = ds.backgroundColor || (spec.type === "line" ? colour + "33" : colour);
      ds.borderColor = ds.borderColor || colour;
      ds.borderWidth = ds.borderWidth || (spec.type === "line" ? 2 : 0);
      ds.maxBarThickness = 48;
    });
    fitHeight(canvas, spec);
    var horizontal = spec.horizontal === true;
    var valueAxis = horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = {beginAtZero: true, stacked: !!spec.stacked, ticks: {callback: tick}};
    scales[horizontal ? "y" : "x"] = {stacked: !!spec.stacked, ticks: {autoSkip: false}};
    return new Chart(canvas, {
      type: spec.type,
      data: {labels: spec.labels, datasets: spec.datasets},
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : {duration: 300},
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

  function start() {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      try {
        build(canvas);
        canvas.setAttribute("data-chart-ready", "true");
      } catch (e) {
        canvas.setAttribute("data-chart-error", String(e));
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
