// The dashboard: loads the figures from the service's API, renders them, reloads on a timer.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("config").textContent);
  const L = config.labels;
  const locale = config.lang === "vi" ? "vi-VN" : "en-GB";
  const num = new Intl.NumberFormat(locale);
  const pct = new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });

  function fmtNumber(v) { return v === null || v === undefined ? "–" : num.format(v); }
  function fmtRate(v) { return v === null || v === undefined ? "–" : pct.format(v); }
  function fmtDate(iso) { const [y, m, d] = iso.slice(0, 10).split("-"); return d + "/" + m + "/" + y; }

  // The API writes moments in Vietnam's time (+07:00): read the clock off the text itself.
  function fmtMoment(iso) {
    const time = iso.slice(11, 16);
    return (time === "23:59" ? L.end_of_day + " " : time + " ") + fmtDate(iso);
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function cell(value, kind, extraClass) {
    const text = kind === "rate" ? fmtRate(value) : fmtNumber(value);
    const td = el("td", { class: "n" + (extraClass ? " " + extraClass : ""), "data-value": value === null ? "" : String(value) }, text);
    return td;
  }

  async function getJson(path) {
    const response = await window.pascSignIn.fetch(path, { headers: { accept: "application/json" }, cache: "no-store" });
    if (!response.ok) throw new Error(path + ": HTTP " + response.status);
    return response.json();
  }

  function renderCards(kpi) {
    const values = {
      received: [kpi.received, "count"], processed: [kpi.processed, "count"],
      on_time_rate: [kpi.on_time_rate, "rate"], online_rate: [kpi.online_rate, "rate"],
      digitized_rate: [kpi.digitized_rate, "rate"], in_process: [kpi.backlog.in_process, "count"],
      overdue: [kpi.backlog.overdue, "count"], score: [kpi.score.points, "points"],
    };
    const band = document.getElementById("band");
    band.textContent = kpi.score.complete ? kpi.score.band_name : L.partial;
    for (const [key, [value, kind]] of Object.entries(values)) {
      const node = document.querySelector('[data-figure="' + key + '"] .value');
      node.dataset.value = value === null ? "" : String(value);
      if (kind === "rate") node.textContent = fmtRate(value);
      else if (kind === "points") node.textContent = value === null ? "–" : fmtNumber(value) + "/" + fmtNumber(kpi.score.max_points);
      else node.textContent = fmtNumber(value);
    }
    document.getElementById("period").textContent =
      L.month + " " + config.month_from.slice(5, 7) + "/" + config.month_from.slice(0, 4) + " " + L.until + " " + fmtDate(config.date)
      + " · " + L.figures_as_of + " " + fmtMoment(kpi.as_of);
  }

  function renderAgencies(kpi) {
    const body = document.getElementById("agency-rows");
    // Every agency with dossiers in the period or a backlog as of the day shown: their backlog
    // adds up to the city's (the total row under the table).
    const rows = kpi.by_agency.slice().sort((a, b) =>
      b.backlog_overdue - a.backlog_overdue || b.received - a.received || a.agency_code.localeCompare(b.agency_code));
    body.replaceChildren(...rows.map((a) => {
      const tr = el("tr", { "data-agency": a.agency_code });
      tr.append(el("td", { class: "name", title: a.agency_name }, a.agency_name), cell(a.received), cell(a.processed),
        cell(a.on_time_rate, "rate", a.on_time_rate !== null && a.on_time_rate < 0.9 ? "bad" : "good"),
        cell(a.online_rate, "rate"), cell(a.digitized_rate, "rate"), cell(a.backlog_in_process),
        cell(a.backlog_overdue, "count", a.backlog_overdue > 0 ? "bad" : ""));
      return tr;
    }));
    const total = document.getElementById("agency-total").children;
    const sums = { in_process: 0, overdue: 0 };
    for (const a of rows) { sums.in_process += a.backlog_in_process; sums.overdue += a.backlog_overdue; }
    const values = [kpi.received, kpi.processed, kpi.on_time_rate, kpi.online_rate, kpi.digitized_rate, sums.in_process, sums.overdue];
    values.forEach((v, i) => {
      const td = total[i + 1];
      td.dataset.value = v === null ? "" : String(v);
      td.textContent = i >= 2 && i <= 4 ? fmtRate(v) : fmtNumber(v);
    });
  }

  function renderIndex(kpi) {
    const s = kpi.score;
    const body = document.getElementById("index-groups");
    body.replaceChildren(...s.groups.map((g) => {
      const tr = el("tr", { "data-group": g.code });
      const missing = g.indicators.filter((i) => i.points === null).map((i) => i.name);
      const bar = el("div", { class: "bar" });
      const fill = el("span"); fill.style.width = Math.round(100 * (g.points || 0) / g.max_points) + "%"; bar.append(fill);
      const barCell = el("td"); barCell.append(bar);
      const points = el("td", { class: "n" + (g.points === null ? " missing" : ""), "data-value": g.points === null ? "" : String(g.points) },
        (g.points === null ? "–" : fmtNumber(g.points)) + "/" + fmtNumber(g.max_points));
      const name = el("td", { class: "name", title: missing.length ? L.missing + ": " + missing.join("; ") : "" },
        g.name + (g.complete ? "" : " *"));
      tr.append(name, points, barCell);
      return tr;
    }));
    const days = kpi.average_processing_days;
    document.getElementById("index-note").textContent =
      (s.complete ? L.band + ": " + s.band_name : "* " + L.partial_note.replace("{m}", fmtNumber(s.measured_max_points)))
      + " · " + L.avg_days + ": " + (days === null ? "–" : fmtNumber(days));
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  }

  function renderTrend(trend) {
    const days = trend.daily;
    const W = 720, H = 230, left = 40, bottom = 22, top = 10;
    const max = Math.max(1, ...days.map((d) => Math.max(d.received, d.processed)));
    const step = (W - left) / days.length;
    const y = (v) => top + (H - top - bottom) * (1 - v / max);
    const chart = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": L.trend });
    for (const frac of [0, 0.5, 1]) {
      const v = Math.round(max * frac);
      chart.append(svg("line", { x1: left, x2: W, y1: y(v), y2: y(v), stroke: "#24425f" }));
      const label = svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end" });
      label.textContent = fmtNumber(v);
      chart.append(label);
    }
    days.forEach((d, i) => {
      const x = left + i * step;
      chart.append(svg("rect", { x: x + step * 0.15, width: step * 0.7, y: y(d.received), height: y(0) - y(d.received), fill: "#38bdf8", "data-day": d.day, "data-received": d.received }));
      if (i % 5 === 0 || i === days.length - 1) {
        const label = svg("text", { x: x + step / 2, y: H - 6, "text-anchor": "middle" });
        label.textContent = fmtDate(d.day).slice(0, 5);
        chart.append(label);
      }
    });
    const points = days.map((d, i) => (left + i * step + step / 2).toFixed(1) + "," + y(d.processed).toFixed(1)).join(" ");
    chart.append(svg("polyline", { points: points, fill: "none", stroke: "#4ade80", "stroke-width": 2.5 }));
    document.getElementById("trend").replaceChildren(chart);
  }

  function renderOverdue(list) {
    const body = document.getElementById("overdue-rows");
    if (!list.dossiers.length) {
      const tr = el("tr"); tr.append(el("td", { colspan: "4" }, L.none)); body.replaceChildren(tr); return;
    }
    body.replaceChildren(...list.dossiers.map((d) => {
      const tr = el("tr", { "data-dossier": d.ma_ho_so });
      tr.append(el("td", {}, d.ma_ho_so), el("td", {}, d.agency_code),
        el("td", {}, d.ten_tthc || d.ma_tthc), cell(d.days_overdue, "count", "bad"));
      return tr;
    }));
  }

  function renderPlan(kpi) {
    const cov = kpi.coverage;
    document.getElementById("coverage").textContent =
      L.coverage + ": " + fmtNumber(cov.at_center) + "/" + fmtNumber(cov.eligible) + " (" + fmtRate(cov.coverage_rate) + ")";
    const body = document.getElementById("plan-rows");
    // The agencies furthest behind first; a wall screen has room for a dozen rows.
    const rows = kpi.plan.by_agency.slice()
      .sort((a, b) => b.overdue - a.overdue || (a.done_rate || 0) - (b.done_rate || 0) || a.agency_code.localeCompare(b.agency_code))
      .slice(0, 8);
    body.replaceChildren(...rows.map((p) => {
      const tr = el("tr", { "data-agency": p.agency_code });
      const bar = el("div", { class: "bar" });
      const fill = el("span"); fill.style.width = Math.round((p.done_rate || 0) * 100) + "%"; bar.append(fill);
      const barCell = el("td"); barCell.append(bar);
      tr.append(el("td", {}, p.agency_code), cell(p.tasks), cell(p.done), cell(p.overdue, "count", p.overdue > 0 ? "bad" : ""), barCell);
      return tr;
    }));
  }

  async function load() {
    const status = document.getElementById("status");
    try {
      const q = (from) => "v1/kpi?from=" + from + "&to=" + config.date + "&as_of=" + config.date;
      const [month, trend, overdue] = await Promise.all([
        getJson(q(config.month_from)), getJson(q(config.trend_from)),
        getJson("v1/overdue?limit=8&as_of=" + config.date),
      ]);
      renderCards(month); renderAgencies(month); renderIndex(month); renderTrend(trend); renderOverdue(overdue); renderPlan(month);
      status.className = "";
      status.textContent = L.updated + " " + new Date().toLocaleTimeString(locale);
      document.body.dataset.loaded = "true";
    } catch (err) {
      status.className = "error";
      status.textContent = L.error + " (" + err.message + ")";
    }
  }

  window.pascSignIn.ready.then(() => {
    load();
    setInterval(load, config.refresh_s * 1000);
  }, (err) => {
    const status = document.getElementById("status");
    status.className = "error";
    status.textContent = L.error + " (" + err.message + ")";
  });
})();
