/* opsgov handbook: the search box of every page and the interactive org chart.
 *
 * Offline by construction: the data comes from local <script> files that define globals
 * (assets/units.js, assets/search.js, loaded on first use); nothing is fetched, so the pages
 * work when opened from disk. Every title is data: text nodes, or escaped before it reaches HTML.
 */
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function json(attribute, element) {
    try { return JSON.parse((element || body).getAttribute(attribute) || "{}"); } catch (e) { return {}; }
  }

  /* ---- the data files: a <script> element, which file:// allows (fetch does not) ---- */
  var waiting = {};
  function load(name, global, then) {
    if (window[global]) { then(); return; }
    if (waiting[name]) { waiting[name].push(then); return; }
    waiting[name] = [then];
    var script = document.createElement("script");
    script.src = root + "assets/" + name;
    script.onload = function () {
      var callbacks = waiting[name];
      waiting[name] = null;
      callbacks.forEach(function (f) { f(); });
    };
    document.head.appendChild(script);
  }

  /* ---- search: every entity by title, name or holder; substring, so Chinese matches by characters ---- */
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var kinds = json("data-kinds");
  var kindOrder = ["Unit", "Position", "Person", "Responsibility", "Process", "ApprovalMatrix", "KPI"];
  var haystack = null;
  var selected = -1;
  var LIMIT = 40;

  function prepare() {
    haystack = window.OPSGOV_SEARCH.map(function (row) {
      return (row[2] + "\u0000" + row[1] + "\u0000" + row[3]).toLowerCase();
    });
  }

  function rank(row, text, query) {
    var title = row[2].toLowerCase();
    if (title === query || row[1] === query) return 0;
    if (title.indexOf(query) === 0 || row[1].indexOf(query) === 0) return 1;
    if (title.indexOf(query) >= 0) return 2;
    return 3;
  }

  function search(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) return [];
    var rows = window.OPSGOV_SEARCH;
    var found = [];
    for (var i = 0; i < rows.length; i++) {
      var text = haystack[i];
      var all = true;
      for (var t = 0; t < terms.length; t++) {
        if (text.indexOf(terms[t]) < 0) { all = false; break; }
      }
      if (all) found.push(i);
    }
    var whole = terms.join(" ");
    found.sort(function (a, b) {
      var ra = rank(rows[a], haystack[a], whole), rb = rank(rows[b], haystack[b], whole);
      if (ra !== rb) return ra - rb;
      var ka = kindOrder.indexOf(rows[a][0]), kb = kindOrder.indexOf(rows[b][0]);
      if (ka !== kb) return ka - kb;
      return rows[a][2].length - rows[b][2].length || (rows[a][1] < rows[b][1] ? -1 : 1);
    });
    return { total: found.length, rows: found.slice(0, LIMIT).map(function (i) { return rows[i]; }) };
  }

  function show() {
    var query = input.value.trim();
    list.textContent = "";
    selected = -1;
    if (!query) { list.hidden = true; return; }
    var result = search(query);
    if (!result.rows.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = body.getAttribute("data-no-results") || "";
      list.appendChild(none);
    }
    result.rows.forEach(function (row) {
      var item = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + row[4];
      a.setAttribute("data-entity", row[0] + "/" + row[1]);
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = kinds[row[0]] || row[0];
      var title = document.createElement("span");
      title.className = "title";
      title.textContent = row[2];
      var more = document.createElement("small");
      var name = document.createElement("span");
      name.setAttribute("translate", "no");  // an id, not a word: no translation tool (or test) reads it as one
      name.textContent = row[1];
      more.appendChild(name);
      if (row[3]) more.appendChild(document.createTextNode(" · " + row[3]));
      a.appendChild(kind);
      a.appendChild(title);
      a.appendChild(more);
      item.appendChild(a);
      list.appendChild(item);
    });
    if (result.total > result.rows.length) {
      var rest = document.createElement("li");
      rest.className = "none";
      rest.textContent = "… +" + (result.total - result.rows.length);
      list.appendChild(rest);
    }
    list.hidden = false;
  }

  function move(step) {
    var links = list.querySelectorAll("a");
    if (!links.length) return;
    selected = (selected + step + links.length) % links.length;
    links.forEach(function (a, i) { a.classList.toggle("selected", i === selected); });
    links[selected].scrollIntoView({ block: "nearest" });
  }

  if (input && list) {
    var ready = function () { if (!haystack) prepare(); show(); };
    input.addEventListener("focus", function () { load("search.js", "OPSGOV_SEARCH", function () { if (!haystack) prepare(); }); });
    input.addEventListener("input", function () { load("search.js", "OPSGOV_SEARCH", ready); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { move(1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { move(-1); event.preventDefault(); }
      else if (event.key === "Escape") { list.hidden = true; input.blur(); }
      else if (event.key === "Enter") {
        var links = list.querySelectorAll("a");
        var target = links[selected >= 0 ? selected : 0];
        if (target) { location.href = target.href; list.hidden = true; }
      }
    });
    document.addEventListener("click", function (event) {
      if (!input.parentNode.contains(event.target)) list.hidden = true;
    });
  }

  /* ---- the interactive org chart ---- */
  var container = document.getElementById("orgchart");
  if (!container || !window.OPSGOV_UNITS || !window.d3 || !window.d3.OrgChart) return;
  var words = json("data-words", container);
  var focus = container.getAttribute("data-root-unit") || "";
  var expandAll = container.getAttribute("data-expand") === "all";
  var units = window.OPSGOV_UNITS;
  var byId = {};
  var children = {};
  units.forEach(function (u) {
    byId[u.id] = u;
    if (u.parentId != null) (children[u.parentId] = children[u.parentId] || []).push(u.id);
  });

  /* The whole organisation, or on a unit's page: its chain to the top, itself and everything below. */
  var chosen = [];
  var depthOf = {};
  var top;
  if (focus && byId[focus]) {
    var chain = [];
    for (var up = byId[focus].parentId; up != null && byId[up] && chain.indexOf(up) < 0; up = byId[up].parentId) {
      chain.unshift(up);
    }
    chain.forEach(function (id, i) { depthOf[id] = i; });
    top = chain.length ? chain[0] : focus;
    var stack = [[focus, chain.length]];
    while (stack.length) {
      var item = stack.pop();
      if (depthOf[item[0]] !== undefined && item[0] !== focus) continue;
      depthOf[item[0]] = item[1];
      (children[item[0]] || []).forEach(function (c) { stack.push([c, item[1] + 1]); });
    }
  } else {
    top = units.length ? units[0].id : null;
    var queue = top == null ? [] : [[top, 0]];
    while (queue.length) {
      var next = queue.shift();
      if (depthOf[next[0]] !== undefined) continue;
      depthOf[next[0]] = next[1];
      (children[next[0]] || []).forEach(function (c) { queue.push([c, next[1] + 1]); });
    }
  }
  var openTo = expandAll ? Infinity : (focus ? (depthOf[focus] || 0) + 1 : 1);
  units.forEach(function (u) {
    var depth = depthOf[u.id];
    if (depth === undefined) return;
    var copy = {};
    for (var key in u) copy[key] = u[key];
    if (u.id === top) copy.parentId = null;
    copy._expanded = depth <= openTo; // d3-org-chart: a node marked _expanded is shown (its ancestors open)
    // the unit's chain to the top, drawn highlighted (d3-org-chart reads this flag)
    copy._upToTheRootHighlighted = Boolean(focus) && (u.id === focus || (depthOf[focus] !== undefined && depth < depthOf[focus]));
    chosen.push(copy);
  });
  if (!chosen.length) return;

  function seats(pair) { return pair ? esc(pair[0]) + "<span class=\"oc-total\"> / " + esc(pair[1]) + "</span>" : "–"; }

  function content(d) {
    var u = d.data;
    var classes = "oc-node";
    if (u.id === focus) classes += " oc-focus";
    if (u._highlighted || u._upToTheRootHighlighted) classes += " oc-chain";
    if (u.vacant && u.vacant[1] > 0) classes += " oc-has-vacancy";
    var entity = u.name ? " data-entity=\"Unit/" + esc(u.name) + "\"" : "";
    var html = "<div class=\"" + classes + "\"" + entity + " title=\"" + esc(u.title) + "\" style=\"width:" + d.width + "px;height:" + d.height + "px\">";
    html += "<div class=\"oc-title\">" + esc(u.title) + "</div>";
    if (u.name) {
      html += "<div class=\"oc-meta\">" + (u.type ? esc(u.type) + " · " : "") + "<span translate=\"no\">" + esc(u.name) + "</span></div>";
      html += "<div class=\"oc-head\">" + esc(words.head || "") + ": " + (u.head ? esc(u.head) + (u.holders ? " · " + esc(u.holders) : "") : "–") + "</div>";
      html += "<table class=\"oc-seats\"><tr><th></th><th>" + esc(words.establishment) + "</th><th>" + esc(words.filled) +
        "</th><th>" + esc(words.vacancies) + "</th></tr>";
      html += "<tr><td>" + esc(words.direct) + " / " + esc(words.total) + "</td><td>" + seats(u.hc) + "</td><td>" + seats(u.filled) +
        "</td><td class=\"" + (u.vacant && u.vacant[1] > 0 ? "oc-vacant" : "") + "\">" + seats(u.vacant) + "</td></tr></table>";
    }
    return html + "</div>";
  }

  container.textContent = "";
  if (focus && byId[focus] && (!expandAll || !(children[focus] || []).length)) {
    // a unit's page: as tall as its chain and children need, not a fixed box of empty space
    var below = (children[focus] || []).length;
    var rows = (depthOf[focus] || 0) + (below ? 2 + Math.ceil((below - 1) / 2) : 1);
    container.style.height = Math.min(560, rows * 170 + 60) + "px";
  }
  var chart = new window.d3.OrgChart()
    .container(container)
    .data(chosen)
    .svgHeight(container.clientHeight || 560)
    .nodeWidth(function () { return 250; })
    .nodeHeight(function () { return 118; })
    .childrenMargin(function () { return 50; })
    .compactMarginBetween(function () { return 30; })
    .compactMarginPair(function () { return 60; })
    .siblingsMargin(function () { return 20; })
    .neighbourMargin(function () { return 30; })
    .duration(250)
    .nodeContent(content)
    .onNodeClick(function (d) { if (d.data.href) location.href = root + d.data.href; })
    .linkUpdate(function (d) {
      window.d3.select(this)
        .attr("stroke", d.data._upToTheRootHighlighted ? "#e27396" : "#9fb3cf")
        .attr("stroke-width", d.data._upToTheRootHighlighted ? 4 : 1.5);
      if (d.data._upToTheRootHighlighted) window.d3.select(this).raise();
    });
  chart.render();

  /* First view: the top and its children, or the unit's chain and children, at a readable scale. */
  function home(animate) {
    var state = chart.getChartState();
    var near = focus && depthOf[focus] !== undefined ? depthOf[focus] + 1 : 1;
    var nodes = state.root.descendants().filter(function (d) { return d.depth <= near; });
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    nodes.forEach(function (d) {
      x0 = Math.min(x0, d.x - d.width / 2); x1 = Math.max(x1, d.x + d.width / 2);
      y0 = Math.min(y0, d.y); y1 = Math.max(y1, d.y + d.height);
    });
    var w = state.svgWidth, h = state.svgHeight;
    // never zoom in past 0.9: a small chart stays at its natural size instead of filling the box
    if (x1 - x0 < w) { var cx = (x0 + x1) / 2; x0 = cx - w / 2; x1 = cx + w / 2; }
    if (y1 - y0 < h) y1 = y0 + h; // the top stays at the top
    chart.zoomTreeBounds({ x0: x0 - 40, x1: x1 + 40, y0: y0 - 40, y1: y1 + 40, params: { animate: animate, scale: true } });
  }
  home(false);
  window.opsgovChart = chart;

  var tools = document.querySelector(".chart-tools[data-for=orgchart]");
  if (!tools) return;
  tools.addEventListener("click", function (event) {
    var action = event.target.getAttribute && event.target.getAttribute("data-chart");
    if (action === "fit") chart.fit();
    else if (action === "expand") chart.expandAll().fit();
    else if (action === "collapse") chart.collapseAll().fit();
  });
  var find = document.getElementById("chart-find");
  var hits = [];
  var hit = -1;
  var last = "";
  function locate() {
    var query = find.value.trim().toLowerCase();
    if (!query) return;
    if (query !== last) {
      last = query;
      hit = -1;
      hits = chosen.filter(function (u) {
        return (u.title + "\u0000" + u.name + "\u0000" + u.head + "\u0000" + u.holders).toLowerCase().indexOf(query) >= 0;
      });
    }
    find.classList.toggle("oc-miss", !hits.length);
    if (!hits.length) return;
    hit = (hit + 1) % hits.length;
    chart.clearHighlighting();
    chart.setUpToTheRootHighlighted(hits[hit].id).setCentered(hits[hit].id).render();
  }
  find.addEventListener("keydown", function (event) { if (event.key === "Enter") { locate(); event.preventDefault(); } });
  find.addEventListener("change", locate);
})();
