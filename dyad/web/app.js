// Dyad's web page: named queries, an actor's timeline, a graph of who did what to whom, a map.
// Plain JavaScript, no dependencies, no network beyond this server. Every value from the store
// is written with textContent, never as HTML.
"use strict";

const PREFIXES = {
  "https://w3id.org/dyad/id/state/": "state:", "https://w3id.org/dyad/id/org/": "organization:",
  "https://w3id.org/dyad/id/person/": "person:", "https://w3id.org/dyad/id/event/": "event:",
  "https://w3id.org/dyad/id/article/": "article:", "https://w3id.org/dyad/id/submission/": "submission:",
  "https://w3id.org/dyad/id/report/": "report:", "https://w3id.org/dyad/id/place/": "place:",
  "https://w3id.org/dyad/id/coder/": "coder:", "https://w3id.org/dyad/id/submitter/": "submitter:",
  "https://w3id.org/dyad/ontology#": "dy:",
};
const TYPE_COLOURS = {
  Summons: "#1f77b4", TroopDeployment: "#d62728", Denial: "#7f7f7f", Accusation: "#ff7f0e",
  Condemnation: "#9467bd", Demand: "#8c564b", Statement: "#17becf", Consultation: "#2ca02c",
  Agreement: "#bcbd22",
};
const SVG = "http://www.w3.org/2000/svg";
let catalogue = [];

const $ = (sel, root = document) => root.querySelector(sel);
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v;
    else if (k === "style") node.style.cssText = v;  // CSSOM: allowed by the page's CSP
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}
function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}
const colour = (type) => TYPE_COLOURS[type] || "#444";
function short(iri) {
  for (const [ns, p] of Object.entries(PREFIXES)) if (iri.startsWith(ns)) return p + iri.slice(ns.length);
  return iri;
}
const cell = (binding) => (binding ? binding.value : "");

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  let data;
  try { data = await response.json(); } catch { data = { error: `${response.status} ${response.statusText}` }; }
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}
function queryURL(name, params, format = "json") {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== "" && v != null) q.set(k, v);
  q.set("format", format);
  return `/api/query/${encodeURIComponent(name)}?${q}`;
}
// N-Triples, one triple a line, as a table's bindings (a CONSTRUCT's answer in the Queries tab)
const NT_TERM = /^(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)\s*/;
function ntTerm(text) {
  if (text.startsWith("<")) return { type: "uri", value: text.slice(1, -1) };
  if (text.startsWith("_:")) return { type: "bnode", value: text };
  const end = text.lastIndexOf('"');
  const value = text.slice(1, end).replace(/\\(["\\nrt])/g, (_, c) => ({ n: "\n", r: "\r", t: "\t" }[c] || c));
  return { type: "literal", value };
}
function parseNTriples(body) {
  const bindings = [];
  for (const line of body.split("\n")) {
    let rest = line.trim();
    if (!rest || rest.startsWith("#")) continue;
    const terms = [];
    for (let i = 0; i < 3; i += 1) {
      const m = NT_TERM.exec(rest);
      if (!m) break;
      terms.push(ntTerm(m[1]));
      rest = rest.slice(m[0].length);
    }
    if (terms.length === 3) bindings.push({ subject: terms[0], predicate: terms[1], object: terms[2] });
  }
  return { head: { vars: ["subject", "predicate", "object"] }, results: { bindings } };
}
const formValues = (form) => Object.fromEntries([...new FormData(form)].filter(([k]) => !k.startsWith("__")));
function setStatus(id, text, isError = false) {
  const p = document.getElementById(id);
  p.textContent = text;
  p.classList.toggle("error", isError);
}

// ---- views ---------------------------------------------------------------------------------
function show(view) {
  for (const tab of document.querySelectorAll("button.tab")) tab.setAttribute("aria-selected", String(tab.dataset.view === view));
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== `view-${view}`;
  if (location.hash.slice(1).split("?")[0] !== view) history.replaceState(null, "", `#${view}`);
}

// ---- named queries -------------------------------------------------------------------------
function fieldFor(param) {
  let input;
  if (param.choices) {
    input = el("select", { name: param.name });
    if (!param.required && !param.default) input.append(el("option", { value: "", text: "(any)" }));
    for (const c of param.choices) input.append(el("option", { value: c, text: c }));
    if (param.default) input.value = param.default;
  } else {
    input = el("input", { name: param.name, placeholder: param.kind === "actor" ? "KOR, NATO or an IRI" : "2024, 2024-10, 2024-W42, 2024-10-21" });
    if (param.default) input.value = param.default;
    if (param.required) input.required = true;
  }
  const label = el("label", { class: "field", title: param.doc }, `${param.name}${param.required ? " *" : ""} `, input);
  return label;
}
function chooseQuery(name) {
  const q = catalogue.find((x) => x.name === name);
  const fields = $("#query-fields");
  fields.replaceChildren(...q.params.map(fieldFor));
  $("#query-about").textContent = `${q.summary} ${q.description}`;
}
function renderTable(table, data, onEvent) {
  const vars = data.head.vars;
  const head = el("tr", {}, ...vars.map((v) => el("th", { scope: "col", text: v })));
  const rows = data.results.bindings.map((b) => {
    const tr = el("tr", {}, ...vars.map((v) => {
      const td = el("td", { text: b[v] ? (b[v].type === "uri" ? short(b[v].value) : b[v].value) : "" });
      if (b[v] && b[v].type === "uri") td.title = b[v].value;
      return td;
    }));
    if (b.event && b.event.type === "uri") {
      tr.classList.add("clickable");
      tr.tabIndex = 0;
      tr.dataset.event = b.event.value;
      const open = () => { for (const r of table.querySelectorAll("tr.selected")) r.classList.remove("selected"); tr.classList.add("selected"); onEvent(b.event.value); };
      tr.addEventListener("click", open);
      tr.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
    }
    return tr;
  });
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
}
async function runQuery(event, latestFirst = false) {
  event?.preventDefault();
  const name = $("#query-name").value;
  const construct = catalogue.find((q) => q.name === name)?.form === "construct";
  const params = formValues($("#query-form"));
  const url = queryURL(name, params, construct ? "ntriples" : "json");
  const link = $("#query-link");
  link.href = construct ? queryURL(name, params, "turtle") : url;
  link.textContent = construct ? "download Turtle" : "as JSON";
  setStatus("query-status", "Running…");
  try {
    let data;
    if (construct) {  // triples, not rows: shown one per line, offered as Turtle
      const response = await fetch(url, { headers: { Accept: "application/n-triples" } });
      const body = await response.text();
      if (!response.ok) {
        let message = body;
        try { message = JSON.parse(body).error || body; } catch { /* a plain-text error */ }
        throw new Error(message);
      }
      data = parseNTriples(body);
    } else {
      data = await getJSON(url);
    }
    if (latestFirst) {  // the query orders by first day, undated last: the dated rows turned round
      const rows = data.results.bindings;
      const dated = rows.filter((b) => b.date && b.date.value);
      data.results.bindings = [...dated.reverse(), ...rows.filter((b) => !(b.date && b.date.value))];
    }
    renderTable($("#results"), data, showEvidence);
    const n = data.results.bindings.length;
    setStatus("query-status", construct ? `${n} triple${n === 1 ? "" : "s"}` : `${n} row${n === 1 ? "" : "s"}`);
  } catch (err) {
    $("#results").replaceChildren();
    setStatus("query-status", err.message, true);
  }
}

// ---- timeline ------------------------------------------------------------------------------
async function runTimeline(event) {
  event?.preventDefault();
  const params = formValues($("#timeline-form"));
  setStatus("timeline-status", "Loading…");
  const list = $("#timeline");
  try {
    const data = await getJSON(queryURL("timeline", params));
    const items = data.results.bindings.map((b) => {
      const type = cell(b.type);
      const card = el("div", { class: "tl-card" },
        el("div", { class: "tl-head" },
          el("span", { class: "badge", style: `background:${colour(type)}`, text: type }),
          el("span", { class: "role", text: `${params.actor.toUpperCase()} as ${cell(b.role)}` }),
          ...(cell(b.status) && cell(b.status) !== "reported" ? [el("span", { class: "claim", text: cell(b.status) })] : [])),
        el("div", { class: "tl-who", text: `${cell(b.agents) || "?"} → ${cell(b.targets) || "—"}${cell(b.place) ? ` · ${cell(b.place)}` : ""}` }),
        ...(b.evidence ? [el("blockquote", { class: "tl-quote", text: cell(b.evidence) })] : []));
      const li = el("li", { class: "tl-item", tabindex: "0" },
        el("time", { class: "tl-date", text: cell(b.date) || "undated" }),
        el("span", { class: "tl-dot", style: `border-color:${colour(type)}` }), card);
      li.dataset.event = cell(b.event);
      const open = () => { for (const x of list.querySelectorAll(".selected")) x.classList.remove("selected"); li.classList.add("selected"); showEvidence(cell(b.event)); };
      li.addEventListener("click", open);
      li.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
      return li;
    });
    list.replaceChildren(...items);
    setStatus("timeline-status", items.length ? `${items.length} event${items.length === 1 ? "" : "s"} for ${params.actor}` : `no events for ${params.actor}`);
  } catch (err) {
    list.replaceChildren();
    setStatus("timeline-status", err.message, true);
  }
}

// ---- graph ---------------------------------------------------------------------------------
const nodeName = (b, role) => cell(b[`${role}_code`]) || (b[role] ? short(b[role].value).replace(/^[a-z]+:/, "") : "");

async function runGraph(event) {
  event?.preventDefault();
  setStatus("graph-status", "Loading…");
  try {
    const data = await getJSON(queryURL("who-did-what", formValues($("#graph-form"))));
    drawGraph(data.results.bindings);
  } catch (err) {
    $("#graph").replaceChildren();
    setStatus("graph-status", err.message, true);
  }
}
function drawGraph(bindings) {
  const edges = new Map(); const untargeted = new Map(); const nodes = new Set();
  for (const b of bindings) {
    const from = nodeName(b, "agent"); const to = b.target ? nodeName(b, "target") : null;
    const info = { event: cell(b.event), type: cell(b.type), date: cell(b.date), status: cell(b.status), from, to };
    if (from) nodes.add(from);
    if (to) { nodes.add(to); edges.set(`${info.event}|${from}|${to}`, info); }
    else untargeted.set(`${info.event}|${from}`, info);
  }
  const root = $("#graph");
  const W = 720, H = 500, cx = W / 2, cy = H / 2, R = Math.min(W, H) / 2 - 70;
  root.setAttribute("viewBox", `0 0 ${W} ${H}`);
  root.replaceChildren();
  const defs = svg("defs");
  const types = [...new Set([...edges.values()].map((e) => e.type))].sort();
  for (const t of types) {
    const marker = svg("marker", { id: `arrow-${t}`, viewBox: "0 0 10 10", refX: "10", refY: "5", markerUnits: "userSpaceOnUse", markerWidth: "13", markerHeight: "13", orient: "auto-start-reverse" });
    marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: colour(t) }));
    defs.append(marker);
  }
  root.append(defs);
  const names = [...nodes].sort();
  const pos = new Map(names.map((n, i) => {
    const a = (2 * Math.PI * i) / names.length - Math.PI / 2;
    return [n, names.length === 1 ? [cx, cy] : [cx + R * Math.cos(a), cy + R * Math.sin(a)]];
  }));
  // several events between the same two actors: spread them as arcs around the straight line
  const byPair = new Map();
  for (const e of edges.values()) {
    const key = [e.from, e.to].sort().join("|");
    if (!byPair.has(key)) byPair.set(key, []);
    byPair.get(key).push(e);
  }
  const edgeLayer = svg("g", { class: "edges" }); const nodeLayer = svg("g", { class: "nodes" });
  const NODE_R = 24;
  for (const [key, list] of byPair) {
    const [a, b] = key.split("|");
    list.forEach((e, i) => {
      const [x1, y1] = pos.get(e.from); const [x2, y2] = pos.get(e.to);
      let d;
      if (e.from === e.to) {
        const r = 26 + 12 * i;
        d = `M${x1 - 10},${y1 - NODE_R} C${x1 - r * 2},${y1 - r * 3} ${x1 + r * 2},${y1 - r * 3} ${x1 + 10},${y1 - NODE_R}`;
      } else {
        const [ax, ay] = pos.get(a); const [bx, by] = pos.get(b);
        const len = Math.hypot(bx - ax, by - ay) || 1;
        const nx = -(by - ay) / len, ny = (bx - ax) / len;     // normal of the canonical direction
        const off = (i - (list.length - 1) / 2) * 34;
        const mx = (x1 + x2) / 2 + nx * off, my = (y1 + y2) / 2 + ny * off;
        // stop at the node's rim so the arrow head shows
        const ex = x2 - ((x2 - mx) / Math.hypot(x2 - mx, y2 - my)) * (NODE_R + 2);
        const ey = y2 - ((y2 - my) / Math.hypot(x2 - mx, y2 - my)) * (NODE_R + 2);
        d = `M${x1},${y1} Q${mx},${my} ${ex},${ey}`;
      }
      const g = svg("g", { class: "edge", tabindex: "0", "data-event": e.event, "data-type": e.type });
      const title = svg("title"); title.textContent = `${e.from} ${e.type} ${e.to}${e.date ? ` (${e.date})` : ""}${e.status !== "reported" ? ` [${e.status}]` : ""}`;
      const hit = svg("path", { d, class: "hit" });
      const line = svg("path", { d, class: `line${e.status !== "reported" ? " claim" : ""}`, stroke: colour(e.type), "marker-end": `url(#arrow-${e.type})` });
      g.append(title, hit, line);
      const open = () => { for (const x of root.querySelectorAll(".edge.selected")) x.classList.remove("selected"); g.classList.add("selected"); showEvidence(e.event); };
      g.addEventListener("click", open);
      g.addEventListener("keydown", (ev) => { if (ev.key === "Enter") open(); });
      edgeLayer.append(g);
    });
  }
  for (const n of names) {
    const [x, y] = pos.get(n);
    const g = svg("g", { class: "node", transform: `translate(${x},${y})` });
    const t = svg("text", { "text-anchor": "middle", dy: "0.35em" }); t.textContent = n;
    g.append(svg("circle", { r: String(NODE_R) }), t);
    nodeLayer.append(g);
  }
  root.append(edgeLayer, nodeLayer);
  $("#graph-legend").replaceChildren(...types.map((t) => el("span", { class: "legend-item" },
    el("span", { class: "swatch", style: `background:${colour(t)}` }), t)),
    ...(edges.size ? [el("span", { class: "legend-item" }, el("span", { class: "swatch dashed" }), "claim (not reported as fact)")] : []));
  const chips = [...untargeted.values()].map((e) => {
    const b = el("button", { type: "button", class: "chip", "data-event": e.event, text: `${e.from} ${e.type}${e.date ? ` ${e.date}` : ""}` });
    b.style.borderColor = colour(e.type);
    b.addEventListener("click", () => showEvidence(e.event));
    return b;
  });
  $("#graph-untargeted").replaceChildren(...(chips.length ? [el("span", { class: "small", text: "Events without a target: " }), ...chips] : []));
  setStatus("graph-status", `${names.length} actors, ${edges.size} events between them` + (untargeted.size ? `, ${untargeted.size} without a target` : ""));
}

// ---- map -------------------------------------------------------------------------------------
// Country outlines: world-atlas's TopoJSON (Natural Earth 1:110m), shipped with Dyad and decoded
// here; drawn in the equirectangular projection (x = longitude, y = latitude), no tile server.
const MAP_W = 960, MAP_H = 480;
const project = ([lon, lat]) => [((lon + 180) / 360) * MAP_W, ((90 - lat) / 180) * MAP_H];
let outlines = null;

function topoRings(topo, arcIndexes) {
  // arcs are quantized and delta-encoded; a negative index ~i is arc i reversed
  const [sx, sy] = topo.transform.scale, [tx, ty] = topo.transform.translate;
  const arc = (i) => {
    let x = 0, y = 0;
    const points = topo.arcs[i < 0 ? ~i : i].map(([dx, dy]) => { x += dx; y += dy; return [x * sx + tx, y * sy + ty]; });
    return i < 0 ? points.reverse() : points;
  };
  return arcIndexes.map((ring) => ring.flatMap((i, k) => (k ? arc(i).slice(1) : arc(i))));
}
function unwrap(ring) {
  // a ring stitched across the antimeridian (Russia's far east, Fiji) jumps from +180 to -180:
  // its far side is moved next to the rest, past the map's edge, where the view cuts it off,
  // instead of a band drawn across the whole map
  if (!ring.some((p, i) => i && Math.abs(p[0] - ring[i - 1][0]) > 180)) return ring;
  const east = ring.reduce((n, p) => n + (p[0] > 0 ? 1 : -1), 0) >= 0;
  return ring.map(([lon, lat]) => [east && lon < 0 ? lon + 360 : !east && lon > 0 ? lon - 360 : lon, lat]);
}
async function loadOutlines() {
  if (outlines) return outlines;
  const topo = await getJSON("/static/countries-110m.json");
  outlines = topo.objects.countries.geometries.map((g) => {
    const polygons = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
    const d = polygons.flatMap((p) => topoRings(topo, p)).map(unwrap).map((ring) =>
      `M${ring.map((pt) => project(pt).map((v) => v.toFixed(1)).join(",")).join("L")}Z`).join("");
    return { name: g.properties && g.properties.name, d };
  });
  return outlines;
}
async function runMap(event) {
  event?.preventDefault();
  setStatus("map-status", "Loading…");
  try {
    const [shapes, data] = await Promise.all([loadOutlines(), getJSON(queryURL("places", formValues($("#map-form"))))]);
    drawMap(shapes, data.results.bindings);
  } catch (err) {
    $("#map").replaceChildren();
    setStatus("map-status", err.message, true);
  }
}
function drawMap(shapes, bindings) {
  const root = $("#map");
  root.setAttribute("viewBox", `0 0 ${MAP_W} ${MAP_H}`);
  const land = svg("g", { class: "countries" });
  for (const c of shapes) {
    const path = svg("path", { class: "country", d: c.d });
    if (c.name) { const t = svg("title"); t.textContent = c.name; path.append(t); }
    land.append(path);
  }
  // events at one place are spread on a small circle around it, so each can be clicked
  const byPlace = new Map(); const unplaced = [];
  for (const b of bindings) {
    if (!b.latitude || !b.longitude || !cell(b.latitude)) { unplaced.push(b); continue; }
    const key = `${cell(b.longitude)} ${cell(b.latitude)}`;
    if (!byPlace.has(key)) byPlace.set(key, []);
    byPlace.get(key).push(b);
  }
  const points = svg("g", { class: "events" });
  const types = new Set();
  for (const [key, list] of byPlace) {
    const [x, y] = project(key.split(" ").map(Number));
    list.forEach((b, i) => {
      const type = cell(b.type); types.add(type);
      const a = (2 * Math.PI * i) / list.length, r = list.length > 1 ? 2.5 + list.length * 0.6 : 0;
      const claim = cell(b.status) !== "reported";
      const dot = svg("circle", { cx: (x + r * Math.cos(a)).toFixed(1), cy: (y + r * Math.sin(a)).toFixed(1), r: "3.6",
        class: `event${claim ? " claim" : ""}`, fill: claim ? "#fff" : colour(type), stroke: colour(type),
        tabindex: "0", "data-event": cell(b.event), "data-type": type });
      const title = svg("title");
      title.textContent = `${cell(b.agents) || "?"} ${type} ${cell(b.targets) || ""} · ${cell(b.place_name)}${cell(b.date) ? ` (${cell(b.date)})` : ""}${claim ? ` [${cell(b.status)}]` : ""}`;
      dot.append(title);
      const open = () => { for (const d of root.querySelectorAll(".event.selected")) d.classList.remove("selected"); dot.classList.add("selected"); showEvidence(cell(b.event)); };
      dot.addEventListener("click", open);
      dot.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
      points.append(dot);
    });
  }
  root.replaceChildren(land, points);
  $("#map-legend").replaceChildren(...[...types].sort().map((t) => el("span", { class: "legend-item" },
    el("span", { class: "swatch", style: `background:${colour(t)}` }), t)),
    ...(byPlace.size ? [el("span", { class: "legend-item" }, el("span", { class: "swatch hollow" }), "claim (not reported as fact)")] : []));
  const chips = unplaced.map((b) => {
    const chip = el("button", { type: "button", class: "chip", "data-event": cell(b.event),
      text: `${cell(b.agents)} ${cell(b.type)} · ${cell(b.place_name) || "?"}${cell(b.date) ? ` ${cell(b.date)}` : ""}` });
    chip.style.borderColor = colour(cell(b.type));
    chip.addEventListener("click", () => showEvidence(cell(b.event)));
    return chip;
  });
  $("#map-unplaced").replaceChildren(...(chips.length ? [el("span", { class: "small", text: "Placed without coordinates (a state, or a place the gazetteer does not know): " }), ...chips] : []));
  const n = bindings.length - unplaced.length;
  setStatus("map-status", `${n} event${n === 1 ? "" : "s"} at ${byPlace.size} place${byPlace.size === 1 ? "" : "s"}` + (unplaced.length ? `, ${unplaced.length} without coordinates` : ""));
}

// ---- evidence panel ------------------------------------------------------------------------
async function showEvidence(iri) {
  const panel = $("#evidence");
  panel.replaceChildren(el("h2", { text: "Evidence" }), el("p", { class: "status", text: "Loading…" }));
  try {
    const ev = await getJSON(`/api/event?iri=${encodeURIComponent(iri)}`);
    const facts = el("dl", { class: "facts" });
    const add = (k, v) => { if (v) facts.append(el("dt", { text: k }), el("dd", { text: v })); };
    add("Who", ev.agents); add("To whom", ev.targets); add("When", ev.date || "undated"); add("Where", ev.place);
    add("Status", ev.status); add("Topic", ev.topic); add("Troops", ev.troops);
    const reports = ev.reports.map((r) => {
      const src = el("p", { class: "source" });
      const name = [r.title, r.publisher, r.issued && r.issued.slice(0, 10)].filter(Boolean).join(" · ") || short(r.source);
      if (r.url && /^https?:\/\//.test(r.url)) src.append(el("a", { href: r.url, rel: "noopener noreferrer", target: "_blank", text: name }));
      else src.append(name);
      src.append(el("br"), el("span", { class: "iri", text: short(r.source), title: r.source }));
      const quotes = r.evidence.map((q) => el("figure", {},
        el("blockquote", { class: "quote", text: q.quote }),
        ...(q.begin != null ? [el("figcaption", { text: `characters ${q.begin}–${q.end}` })] : [])));
      return el("section", { class: "report" },
        el("p", { class: "report-status", text: `${r.status}${r.claimant ? `, claimed by ${r.claimant}` : ""}${r.coder ? `, coded by ${short(r.coder).replace(/^coder:/, "").toUpperCase()}` : ""}` }),
        ...quotes, src);
    });
    panel.replaceChildren(
      el("h2", {}, el("span", { class: "badge", style: `background:${colour(ev.type)}`, text: ev.type }), " ", el("span", { class: "iri", text: short(ev.event), title: ev.event })),
      facts, el("h3", { text: ev.reports.length === 1 ? "Report" : `${ev.reports.length} reports` }), ...reports);
  } catch (err) {
    panel.replaceChildren(el("h2", { text: "Evidence" }), el("p", { class: "status error", text: err.message }));
  }
}

// ---- start ---------------------------------------------------------------------------------
function fillChoices(select, param, withAny) {
  if (!param) return;
  if (withAny) select.append(el("option", { value: "", text: "(any)" }));
  for (const c of param.choices) select.append(el("option", { value: c, text: c }));
  if (param.default) select.value = param.default;
}
async function start() {
  for (const tab of document.querySelectorAll("button.tab")) tab.addEventListener("click", () => show(tab.dataset.view));
  try {
    catalogue = (await getJSON("/api/queries")).queries;
  } catch (err) {
    setStatus("query-status", `cannot list the queries: ${err.message}`, true);
    return;
  }
  const select = $("#query-name");
  for (const q of catalogue) select.append(el("option", { value: q.name, text: `${q.name}: ${q.summary}` }));
  select.addEventListener("change", () => chooseQuery(select.value));
  chooseQuery(select.value);
  $("#query-form").addEventListener("submit", runQuery);
  const param = (query, name) => catalogue.find((q) => q.name === query)?.params.find((p) => p.name === name);
  fillChoices($("#timeline-form select[name=status]"), param("timeline", "status"), false);
  fillChoices($("#graph-form select[name=status]"), param("who-did-what", "status"), false);
  fillChoices($("#graph-form select[name=type]"), param("who-did-what", "type"), true);
  fillChoices($("#map-form select[name=status]"), param("places", "status"), false);
  fillChoices($("#map-form select[name=type]"), param("places", "type"), true);
  $("#timeline-form").addEventListener("submit", runTimeline);
  $("#graph-form").addEventListener("submit", runGraph);
  $("#map-form").addEventListener("submit", runMap);
  const [view, query] = location.hash.slice(1).split("?");
  if (["query", "timeline", "graph", "map"].includes(view)) {
    show(view);
    const params = new URLSearchParams(query || "");
    if (view === "timeline" && params.get("actor")) { $("#timeline-actor").value = params.get("actor"); runTimeline(); }
    if (view === "graph") runGraph();
    if (view === "map") runMap();
  }
  if (view !== "timeline" && view !== "graph" && view !== "map") {
    // the page opens on something: who did what, latest first, a click from its evidence
    select.value = catalogue.some((q) => q.name === "who-did-what") ? "who-did-what" : select.value;
    chooseQuery(select.value);
    runQuery(null, true);
  }
}
document.addEventListener("DOMContentLoaded", start);
