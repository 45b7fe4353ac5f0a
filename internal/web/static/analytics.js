// Draws the admin's analytics charts from the JSON in #analytics-data
// with the vendored Chart.js. The CSP forbids inline scripts, so the page
// passes its figures as data, not code.
(function () {
  "use strict";

  function series(values) { return values || []; }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas || !window.Chart) { return; }
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" } } }, config.options || {});
    canvas.chart = new window.Chart(canvas, config);
    canvas.setAttribute("data-drawn", "true");
  }

  function drawAll() {
    var el = document.getElementById("analytics-data");
    if (!el) { return; }
    var d = JSON.parse(el.textContent);
    // Today is not over: its label says so, and the line into it is dashed.
    var days = series(d.days).slice(), today = typeof d.today === "number" ? d.today : -1;
    if (today >= 0 && today < days.length) { days[today] += " (today so far)"; }
    var partial = { borderDash: function (ctx) { return today >= 0 && ctx.p1DataIndex === today ? [6, 4] : undefined; } };
    draw("chart-daily", {
      type: "line",
      data: { labels: days, datasets: [
        { label: "Unique clicks", data: series(d.unique_clicks), borderColor: "#6366f1", backgroundColor: "#6366f1", tension: 0.2, pointRadius: 0, segment: partial },
        { label: "Referred signups", data: series(d.referred), borderColor: "#16a34a", backgroundColor: "#16a34a", tension: 0.2, pointRadius: 0, segment: partial },
        { label: "Organic signups", data: series(d.organic), borderColor: "#94a3b8", backgroundColor: "#94a3b8", tension: 0.2, pointRadius: 0, segment: partial },
        { label: "Conversions", data: series(d.converted), borderColor: "#ea580c", backgroundColor: "#ea580c", tension: 0.2, pointRadius: 0, segment: partial }
      ] },
      options: { interaction: { mode: "index", intersect: false }, scales: { y: { beginAtZero: true } } }
    });
    draw("chart-funnel", {
      type: "bar",
      data: { labels: ["Unique clicks", "Referred signups", "Verified", "First purchase"], datasets: [
        { label: "People", data: series(d.funnel), backgroundColor: ["#6366f1", "#16a34a", "#0891b2", "#ea580c"] }
      ] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } }
    });
    draw("chart-months", {
      type: "bar",
      data: { labels: series(d.months), datasets: [
        { label: "Organic", data: series(d.month_organic), backgroundColor: "#94a3b8" },
        { label: "Referred", data: series(d.month_referred), backgroundColor: "#16a34a" }
      ] },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
