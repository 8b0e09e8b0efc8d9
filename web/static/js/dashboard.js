/* Draws the dashboard charts from the JSON views (no inline scripts: CSP script-src 'self'). */
(function () {
  "use strict";
  var PALETTE = ["#0b6e69", "#e67e22", "#2980b9", "#8e44ad", "#c0392b", "#16a085", "#f1c40f", "#7f8c8d", "#d35400", "#2c3e50", "#27ae60", "#e84393"];
  var SENTIMENT_COLORS = { negative: "#c0392b", neutral: "#95a5a6", positive: "#27ae60", other: "#95a5a6" };
  var rtl = document.documentElement.dir === "rtl";
  var lang = document.documentElement.lang || "en";
  // the page's digits, as the server writes them: Arabic-Indic for ar, Persian for fa (Chromium's plain "ar"
  // formats with Western digits, and Chart.js writes its zero tick as "0" whatever the locale)
  var digits = { ar: "arab", fa: "arabext" }[lang];
  var number = new Intl.NumberFormat(lang, digits ? { numberingSystem: digits } : {});
  var fmt = function (n) { return number.format(Number(n)); };
  var valueTicks = { callback: function (value) { return fmt(value); } };

  /* Room at both ends for a whole centred date: reversed (rtl), Chart.js measured the wrong end and clipped the
     leftmost date ("٠/١١/٣٠"); aligning the end dates inward instead made them overlap their neighbours. */
  function roomForEndDates(scale) {
    var half = (scale._labelSizes ? scale._labelSizes.widest.width : 0) / 2;  // Chart.js's measure of its dates
    scale.paddingLeft = Math.max(scale.paddingLeft, half);
    scale.paddingRight = Math.max(scale.paddingRight, half);
  }

  /* A long region name ("Mashhad University of Medical Sciences (health deputy)") on up to three lines of whole
     words, so its start stays readable: Chart.js cut a one-line label at the canvas edge, and two regions
     read the same ("…University of Medical Sciences"). */
  function wrapLabel(text, width) {
    var lines = [];
    String(text).split(/\s+/).forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) { lines[last] += " " + word; }
      else { lines.push(word); }
    });
    if (lines.length > 3) { lines = lines.slice(0, 3); lines[2] += "…"; }
    return lines;
  }

  function draw(canvas, data) {
    var chart = data.chart;
    if (!chart || !window.Chart) { return; }
    var names = chart.series_names || {};
    var keys = Object.keys(chart.series);
    var isLine = canvas.dataset.kind === "line";
    var horizontal = canvas.dataset.kind === "hbar";  // top-N regions: one readable bar per region
    var datasets = keys.map(function (key, i) {
      var color = ((chart.split === "sentiment" || horizontal) && SENTIMENT_COLORS[key]) || PALETTE[i % PALETTE.length];
      return { label: names[key] || key, data: chart.series[key], backgroundColor: color, borderColor: color,
               fill: false, tension: 0.2, pointRadius: isLine ? 2 : 0 };
    });
    var labels = chart.labels.map(function (k) { return (chart.label_names && chart.label_names[k]) || k; });
    canvas.dataset.points = String(chart.labels.length);
    canvas.dataset.series = String(keys.length);
    var stacked = !isLine && !!chart.stacked;
    var scales = horizontal
      ? { x: { stacked: stacked, beginAtZero: true, reverse: rtl, ticks: valueTicks },
          y: { stacked: stacked, position: rtl ? "right" : "left",
               ticks: { autoSkip: false, callback: function (value) {
                 return wrapLabel(this.getLabelForValue(value), canvas.clientWidth < 500 ? 18 : 30); } } } }
      // dates stay level and the first and last are drawn inside the canvas: reversed (rtl), Chart.js measured
      // the wrong end and clipped the leftmost date ("٠/١١/٣٠"); aligned inward, the first and last stand half a
      // label closer to their neighbours than Chart.js's skipping assumes, so the padding is half a date wide
      : { x: { stacked: stacked, reverse: rtl, ticks: { maxRotation: 0, autoSkipPadding: 12 }, afterFit: roomForEndDates },
          y: { stacked: stacked, beginAtZero: true, position: rtl ? "right" : "left", ticks: valueTicks } };
    new window.Chart(canvas, {
      type: isLine ? "line" : "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, locale: lang, indexAxis: horizontal ? "y" : "x",
        layout: { padding: { left: 6, right: 6 } },
        scales: scales,
        plugins: { legend: { position: "bottom", rtl: rtl, labels: { boxWidth: 12 } }, tooltip: { rtl: rtl } }
      }
    });
    canvas.classList.add("drawn");
    fillTable(document.getElementById(canvas.dataset.table), chart, labels, keys.map(function (k) { return names[k] || k; }));
  }

  /* The chart's numbers as a table (text alternative to the canvas); text nodes only, no HTML from data. */
  function fillTable(table, chart, labels, seriesNames) {
    if (!table) { return; }
    var head = document.createElement("tr");
    [table.dataset.period].concat(seriesNames, chart.totals ? [table.dataset.total] : []).forEach(function (text, i) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = text;
      if (i > 0) { th.className = "num"; }
      head.appendChild(th);
    });
    var body = document.createElement("tbody");
    labels.forEach(function (label, row) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = label;
      tr.appendChild(th);
      Object.keys(chart.series).map(function (k) { return chart.series[k][row]; })
        .concat(chart.totals ? [chart.totals[row]] : []).forEach(function (value) {
          var td = document.createElement("td");
          td.className = "num";
          td.textContent = fmt(value || 0);
          tr.appendChild(td);
        });
      body.appendChild(tr);
    });
    table.tHead.replaceChildren(head);
    table.tBodies[0].replaceWith(body);
    table.classList.add("filled");
  }

  function load(canvas) {
    fetch(canvas.dataset.src, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) { draw(canvas, data); })
      .catch(function (err) { canvas.classList.add("failed"); canvas.setAttribute("data-error", String(err)); });
  }

  /* Table bodies come as escaped HTML fragments rendered by the server (press.part). */
  function fill(tbody) {
    var table = tbody.closest("table");
    fetch(tbody.dataset.part, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        var tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        var body = tpl.content.querySelector("tbody");
        if (!body) { throw new Error("no rows"); }
        tbody.replaceWith(body);
        var total = document.getElementById("doc-total");
        if (total && body.dataset.total) { total.textContent = body.dataset.total; }
        table.classList.add("filled");
      })
      .catch(function (err) { table.classList.add("failed"); table.setAttribute("data-error", String(err)); });
  }

  /* The map comes the same way: an escaped fragment whose root replaces the placeholder. */
  function fillBlock(block) {
    fetch(block.dataset.part, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        var tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        var root = tpl.content.firstElementChild;
        if (!root) { throw new Error("empty"); }
        root.classList.add("filled");
        block.replaceWith(root);
      })
      .catch(function (err) { block.classList.add("failed"); block.setAttribute("data-error", String(err)); });
  }

  document.querySelectorAll("tbody.pending[data-part]").forEach(fill);
  document.querySelectorAll("div.pending[data-part]").forEach(fillBlock);
  document.querySelectorAll("canvas.chart[data-src]").forEach(load);
})();
