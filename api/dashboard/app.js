// The dashboard: plain JS, no build step. Reads the API with fetch, follows it with EventSource.
"use strict";
(() => {
  const $ = (sel) => document.querySelector(sel);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const fmtTime = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "–");
  const num = (v, d = 1) => (typeof v === "number" ? v.toFixed(d) : "–");

  // Like Jupyter: the token arrives in the URL once, is kept for the tab, and leaves the URL.
  const url = new URL(location.href);
  if (url.searchParams.has("token")) {
    sessionStorage.setItem("iot-token", url.searchParams.get("token"));
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  const token = sessionStorage.getItem("iot-token");
  $("#auth").textContent = token ? "changes enabled" : "read-only (open the URL with ?token=…)";

  async function api(path, init = {}) {
    const headers = { ...(init.headers || {}) };
    if (init.body) headers["content-type"] = "application/json";
    if (token && init.method === "POST") headers.authorization = `Bearer ${token}`;
    const response = await fetch(path, { ...init, headers });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
    return body;
  }

  // ---- tabs
  const tabs = {
    fleet: showFleet,
    alerts: showAlerts,
    vehicles: showVehicles,
    pipeline: showPipeline,
  };
  function route() {
    const name = (location.hash || "#fleet").slice(1);
    for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== name;
    for (const a of document.querySelectorAll("nav a[data-tab]")) {
      a.classList.toggle("active", a.dataset.tab === name);
    }
    (tabs[name] || showFleet)();
  }
  addEventListener("hashchange", route);

  // ---- fleet: one page of devices at a time (works for thousands), refreshed every few seconds
  const fleet = { cursors: [undefined], index: 0, next: null, selected: null, timer: 0 };
  async function loadFleet() {
    const cursor = fleet.cursors[fleet.index];
    const q = new URLSearchParams({ limit: "100" });
    if (cursor) q.set("cursor", cursor);
    const page = await api(`/devices?${q}`);
    fleet.next = page.nextCursor;
    $("#fleet-summary").textContent = `page ${fleet.index + 1} · ${page.items.length} devices`;
    $("#fleet-prev").disabled = fleet.index === 0;
    $("#fleet-next").disabled = !fleet.next;
    $("#devices tbody").innerHTML = page.items.map((d) => {
      const r = d.lastReading || {};
      const cls = `status status-${d.status.replace(" ", "-")}`;
      return `<tr data-device="${esc(d.deviceId)}" class="${
        d.deviceId === fleet.selected ? "selected" : ""
      }">
        <td>${esc(d.deviceId)}</td><td><span class="${cls}">${esc(d.status)}</span></td>
        <td>${num(r.temperature)}</td><td>${num(r.humidity)}</td><td>${fmtTime(r.ts)}</td>
        <td>${d.activeAlerts || ""}</td></tr>`;
    }).join("");
  }
  function showFleet() {
    clearInterval(fleet.timer);
    loadFleet().catch(console.error);
    fleet.timer = setInterval(() => loadFleet().catch(console.error), 3000);
  }
  $("#fleet-next").onclick = () => {
    if (!fleet.next) return;
    fleet.cursors[++fleet.index] = fleet.next;
    loadFleet();
  };
  $("#fleet-prev").onclick = () => {
    if (fleet.index > 0) fleet.index--;
    loadFleet();
  };
  $("#devices tbody").onclick = (e) => {
    const row = e.target.closest("tr[data-device]");
    if (row) selectDevice(row.dataset.device);
  };
  $("#device-filter").onchange = (e) => e.target.value && selectDevice(e.target.value.trim());

  // ---- one device: live readings chart, aggregates chart, commands
  const detail = { source: null, readings: [[], [], []], plot: null, aggPlot: null, poll: 0 };
  function chart(el, series, data) {
    el.innerHTML = "";
    const opts = {
      width: Math.max(320, el.clientWidth || 480),
      height: 200,
      series: [{}, ...series],
    };
    return new uPlot(opts, data, el);
  }
  async function selectDevice(id) {
    fleet.selected = id;
    for (const tr of document.querySelectorAll("#devices tr")) {
      tr.classList.toggle("selected", tr.dataset.device === id);
    }
    detail.source?.close();
    clearInterval(detail.poll);
    $("#device-detail").hidden = false;
    $("#detail-id").textContent = id;
    $("#live-reading").textContent = "–";
    $("#live-reading").dataset.live = "off";
    // Follow the stream before reading the history, so nothing written in between is missed;
    // pushReading drops the overlap.
    detail.readings = [[], [], []];
    detail.plot = null;
    detail.source = new EventSource(`/streams/devices/${encodeURIComponent(id)}/readings`);
    detail.source.addEventListener("ready", () => $("#live-reading").dataset.live = "on");
    detail.source.addEventListener("reading", (e) => {
      const r = JSON.parse(e.data);
      pushReading(r);
      detail.plot?.setData(detail.readings);
      $("#live-reading").textContent = `${num(r.temperature)} °C, ${num(r.humidity)} % at ${
        fmtTime(r.ts)
      }`;
    });
    try {
      await refreshDevice(id);
    } catch (e) {
      $("#detail-status").textContent = e.message;
      return;
    }
    const from = Date.now() - 3_600_000;
    const page = await api(`/devices/${encodeURIComponent(id)}/readings?limit=1000&from=${from}`);
    for (const r of page.items) pushReading(r);
    const last = page.items.at(-1);
    if (last && $("#live-reading").textContent === "–") {
      $("#live-reading").textContent = `${num(last.temperature)} °C, ${num(last.humidity)} % at ${
        fmtTime(last.ts)
      }`;
    }
    detail.plot = chart($("#chart-readings"), [
      { label: "temperature °C", stroke: "#dc2626" },
      { label: "humidity %", stroke: "#2563eb" },
    ], detail.readings);
    const aggs = await api(
      `/devices/${encodeURIComponent(id)}/aggregates?limit=1000&from=${Date.now() - 86_400_000}`,
    );
    const a = [[], [], [], []];
    for (const x of aggs.items) {
      a[0].push(Date.parse(x.windowStart) / 1000);
      a[1].push(x.temperature.min);
      a[2].push(x.temperature.avg);
      a[3].push(x.temperature.max);
    }
    detail.aggPlot = chart($("#chart-aggregates"), [
      { label: "min", stroke: "#60a5fa" },
      { label: "avg", stroke: "#111827" },
      { label: "max", stroke: "#f87171" },
    ], a);
    detail.poll = setInterval(() => refreshDevice(id).catch(() => {}), 2000);
  }
  function pushReading(r) {
    const t = Date.parse(r.ts) / 1000;
    const [ts, temp, hum] = detail.readings;
    let i = ts.length;
    while (i > 0 && ts[i - 1] > t) i--; // late readings go in time order
    if (i > 0 && ts[i - 1] === t) return; // seen in both the history and the stream
    ts.splice(i, 0, t);
    temp.splice(i, 0, r.temperature);
    hum.splice(i, 0, r.humidity);
    if (ts.length > 2000) { for (const s of detail.readings) s.shift(); }
  }
  async function refreshDevice(id) {
    const d = await api(`/devices/${encodeURIComponent(id)}`);
    const el = $("#detail-status");
    el.textContent = d.status;
    el.className = `status status-${d.status.replace(" ", "-")}`;
    const cmds = await api(`/devices/${encodeURIComponent(id)}/commands?limit=20`);
    $("#commands tbody").innerHTML = cmds.items.map((c) =>
      `<tr data-command="${esc(c.commandId)}"><td>${esc(c.command)}</td><td class="cmd-status">${
        esc(c.status)
      }</td>
       <td>${fmtTime(c.issuedAt)}</td><td>${esc(c.reason)}</td></tr>`
    ).join("");
    const latest = cmds.items[0];
    if (latest && latest.status !== "pending") {
      $("#cmd-result").textContent = `last command: ${latest.command} ${latest.status}`;
    }
  }
  async function send(command) {
    const id = fleet.selected;
    const out = $("#cmd-result");
    out.textContent = `sending ${command}…`;
    try {
      const c = await api(`/devices/${encodeURIComponent(id)}/commands`, {
        method: "POST",
        body: JSON.stringify({ command, reason: "from the dashboard" }),
      });
      out.textContent = `${command} sent (${c.commandId.slice(0, 8)}), waiting for the device`;
      await refreshDevice(id);
    } catch (e) {
      out.textContent = `${command} refused: ${e.message}`;
    }
  }
  $("#cmd-shutdown").onclick = () => send("shutdown");
  $("#cmd-restart").onclick = () => send("restart");

  // ---- alerts: the list, live additions, acknowledgement
  let alertSource = null;
  async function loadAlerts() {
    const state = document.querySelector("input[name=alert-state]:checked").value;
    const page = await api(`/alerts?limit=200${state ? `&state=${state}` : ""}`);
    $("#alert-table tbody").innerHTML = page.items.map((a) =>
      `<tr data-alert="${esc(a.alertId)}"><td>${fmtTime(a.raisedAt)}</td><td>${esc(a.deviceId)}</td>
       <td class="sev-${esc(a.severity)}">${esc(a.severity)}</td><td>${esc(a.type)}</td>
       <td>${num(a.value)} / ${num(a.threshold)}</td><td>${esc(a.state)}</td>
       <td>${
        a.ackedAt ? `acked by ${esc(a.ackedBy)}` : `<button class="ack">Ack</button>`
      }</td></tr>`
    ).join("");
    const active = await api("/alerts?state=active&limit=1000");
    $("#alert-count").textContent = active.items.length || "";
  }
  function showAlerts() {
    loadAlerts().catch(console.error);
  }
  for (const r of document.querySelectorAll("input[name=alert-state]")) r.onchange = showAlerts;
  $("#alert-table tbody").onclick = async (e) => {
    if (!e.target.matches("button.ack")) return;
    const id = e.target.closest("tr").dataset.alert;
    e.target.disabled = true;
    try {
      await api(`/alerts/${encodeURIComponent(id)}/ack`, {
        method: "POST",
        body: '{"by":"dashboard"}',
      });
    } catch (err) {
      e.target.textContent = err.message;
      return;
    }
    loadAlerts();
  };
  function followAlerts() {
    alertSource = new EventSource("/streams/alerts");
    // Every alert event may change the list and the badge's count.
    alertSource.addEventListener("alert", () => loadAlerts().catch(console.error));
  }

  // ---- vehicles
  async function showVehicles() {
    const page = await api("/vehicles?limit=1000");
    $("#vehicle-table tbody").innerHTML = page.items.map((v) =>
      `<tr><td>${esc(v.vehicleId)}</td><td>${num(v.pressureMax, 2)}</td><td>${esc(v.sensorId)}</td>
       <td>${num(v.temperature)}</td><td>${fmtTime(v.ts)}</td></tr>`
    ).join("");
  }

  // ---- pipeline: snapshots over SSE; throughput from end-offset deltas
  const pipe = { source: null, last: null, series: [[]], names: [], plot: null };
  function flatten(obj, prefix = "", out = []) {
    if (obj && typeof obj === "object" && !Array.isArray(obj)) {
      for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    } else if (out.length < 24) out.push([prefix, Array.isArray(obj) ? `[${obj.length}]` : obj]);
    return out;
  }
  function renderPipeline(p) {
    $("#services").innerHTML =
      p.services.map((s) =>
        `<div class="card"><h4>${esc(s.name)} ${
          s.up ? "" : `<span class="down">down: ${esc(s.error)}</span>`
        }</h4>
       <dl>${
          flatten(s.status).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")
        }</dl></div>`
      ).join("") + (p.kafkaError
        ? `<div class="card"><h4 class="down">Kafka: ${esc(p.kafkaError)}</h4></div>`
        : "");
    $("#groups tbody").innerHTML = p.groups.map((g) =>
      `<tr><td>${esc(g.groupId)}</td><td>${esc(g.state)}</td><td>${g.lag}</td>
       <td>${
        g.partitions.map((x) => `${esc(x.topic)}[${x.partition}]: ${x.lag}`).join(", ")
      }</td></tr>`
    ).join("");
    const ends = {};
    for (const g of p.groups) {
      for (const x of g.partitions) ends[`${x.topic}/${x.partition}`] = x.end;
    }
    $("#topics tbody").innerHTML = p.topics.map((t) =>
      `<tr><td>${esc(t.name)}</td><td>${t.partitions.length}</td>
       <td>${t.partitions.map((x) => ends[`${t.name}/${x.partition}`] ?? "?").join(", ")}</td></tr>`
    ).join("");
    const now = Date.now() / 1000;
    const totals = {};
    for (const [k, v] of Object.entries(ends)) {
      totals[k.split("/")[0]] = (totals[k.split("/")[0]] || 0) + v;
    }
    if (pipe.last) {
      const dt = now - pipe.last.at;
      const names = Object.keys(totals).sort();
      if (names.join() !== pipe.names.join()) {
        pipe.names = names;
        pipe.series = [[], ...names.map(() => [])];
        pipe.plot = chart(
          $("#chart-throughput"),
          names.map((n, i) => ({ label: n, stroke: `hsl(${i * 67},70%,45%)` })),
          pipe.series,
        );
      }
      pipe.series[0].push(now);
      names.forEach((n, i) =>
        pipe.series[i + 1].push(Math.max(0, (totals[n] - (pipe.last.totals[n] ?? totals[n])) / dt))
      );
      if (pipe.series[0].length > 300) { for (const s of pipe.series) s.shift(); }
      pipe.plot?.setData(pipe.series);
    }
    pipe.last = { at: now, totals };
  }
  async function showPipeline() {
    if (!pipe.source) {
      pipe.source = new EventSource("/streams/pipeline");
      pipe.source.addEventListener("pipeline", (e) => renderPipeline(JSON.parse(e.data)));
    }
    const dl = await api("/pipeline/dead-letters?limit=50");
    $("#dead-letters tbody").innerHTML = dl.items.map((d) =>
      `<tr><td>${fmtTime(d.timestamp)}</td><td>${
        esc(d.sourceTopic)
      }[${d.sourcePartition}]@${d.sourceOffset}</td>
       <td>${esc(d.reason)}</td><td><code class="payload">${esc(d.payload)}</code></td></tr>`
    ).join("");
  }

  followAlerts();
  loadAlerts().catch(console.error);
  route();
})();
