// Renders /api/openapi.json grouped by tag. Served from /api/docs.js because
// the portal's CSP allows only same-origin scripts. Everything is built with
// DOM nodes and textContent: no markup from the document is ever parsed.
"use strict";

(function () {
  const METHODS = ["get", "post", "put", "patch", "delete"];

  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") n.className = v;
      else n.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      n.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return n;
  }

  function resolve(doc, node) {
    let seen = 0;
    while (node && node.$ref && seen++ < 20) {
      const path = node.$ref.replace(/^#\//, "").split("/");
      node = path.reduce((o, k) => (o ? o[k] : undefined), doc);
    }
    return node || {};
  }

  function refName(node) {
    return node && node.$ref ? node.$ref.split("/").pop() : "";
  }

  function typeOf(doc, s) {
    if (!s) return "";
    if (s.$ref) return refName(s);
    if (s.anyOf) return s.anyOf.map((x) => typeOf(doc, x)).join(" | ");
    let t = Array.isArray(s.type) ? s.type.join(" | ") : s.type || "any";
    if (t.startsWith("array") && s.items) t = typeOf(doc, s.items) + "[]" + t.slice(5);
    if (s.format) t += " (" + s.format + ")";
    if (s.enum) t += " ∈ {" + s.enum.map((v) => (v === null ? "null" : v)).join(", ") + "}";
    return t;
  }

  // schemaTree renders an object's properties, following $refs to a small depth.
  function schemaTree(doc, schema, depth) {
    const s = resolve(doc, schema);
    const target = s.type === "array" || (Array.isArray(s.type) && s.type[0] === "array") ? resolve(doc, s.items) : s;
    const props = target.properties || {};
    const names = Object.keys(props);
    if (!names.length || depth > 3) return null;
    const required = new Set(target.required || []);
    const ul = el("ul", { class: "schema" });
    for (const name of names) {
      const p = props[name];
      const rp = resolve(doc, p.anyOf ? p.anyOf[0] : p);
      const li = el("li", {},
        el("code", {}, name), required.has(name) ? el("span", { class: "req", title: "必填 · required" }, " *") : null,
        " ", el("span", { class: "type" }, typeOf(doc, p)),
        rp.description || p.description ? el("span", { class: "desc" }, " — " + (p.description || rp.description)) : null);
      const child = p.$ref || (p.items && p.items.$ref) || rp.properties ? schemaTree(doc, p.anyOf ? p.anyOf[0] : p, depth + 1) : null;
      if (child) li.append(child);
      ul.append(li);
    }
    return ul;
  }

  function roleLabel(op) {
    const roles = op["x-roles"] || [];
    if (roles.includes("public")) return "公开 · public";
    return "需登录 · login: " + roles.join(", ");
  }

  function operation(doc, method, path, op) {
    const body = el("div", { class: "body" });
    if (op.description) body.append(el("p", { class: "desc" }, op.description));

    const params = (op.parameters || []).map((p) => resolve(doc, p));
    if (params.length) {
      const table = el("table", {}, el("tr", {}, el("th", {}, "参数 · Parameter"), el("th", {}, "位置 · In"),
        el("th", {}, "类型 · Type"), el("th", {}, "说明 · Description")));
      for (const p of params) {
        table.append(el("tr", {}, el("td", { class: "mono" }, p.name, p.required ? el("span", { class: "req" }, " *") : null),
          el("td", {}, p.in), el("td", { class: "type" }, typeOf(doc, p.schema)), el("td", { class: "desc" }, p.description || "")));
      }
      body.append(el("h4", {}, "参数 · Parameters"), table);
    }

    if (op.requestBody) {
      const content = op.requestBody.content || {};
      for (const [mt, media] of Object.entries(content)) {
        const s = resolve(doc, media.schema);
        body.append(el("h4", {}, "请求体 · Request body ", el("code", {}, mt), " ", el("span", { class: "type" }, refName(media.schema))));
        if (s.description) body.append(el("p", { class: "desc" }, s.description));
        const tree = schemaTree(doc, media.schema, 0);
        if (tree) body.append(tree);
      }
    }

    const table = el("table", {}, el("tr", {}, el("th", {}, "状态 · Status"), el("th", {}, "内容 · Content"), el("th", {}, "说明 · Description")));
    for (const [status, raw] of Object.entries(op.responses || {})) {
      const r = resolve(doc, raw);
      const content = Object.entries(r.content || {}).map(([mt, m]) => mt + (m.schema ? " → " + typeOf(doc, m.schema) : "")).join("; ");
      const row = el("tr", {}, el("td", { class: "mono" }, status), el("td", { class: "mono" }, content), el("td", { class: "desc" }, r.description || ""));
      table.append(row);
    }
    body.append(el("h4", {}, "响应 · Responses"), table);
    const ok = Object.entries(op.responses || {}).find(([s]) => s.startsWith("2"));
    if (ok) {
      const media = Object.values(resolve(doc, ok[1]).content || {})[0];
      const tree = media && media.schema ? schemaTree(doc, media.schema, 0) : null;
      if (tree) body.append(el("h4", {}, "成功响应字段 · Success body"), tree);
    }

    const summary = el("summary", {},
      el("span", { class: "method " + method.toUpperCase() }, method.toUpperCase()),
      el("span", { class: "path" }, path),
      el("span", { class: "summary" }, op.summary || ""),
      el("span", { class: "lock" }, roleLabel(op)));
    const d = el("details", { class: "op", id: op.operationId || "" }, summary, body);
    d.dataset.search = [method, path, op.summary, (op["x-roles"] || []).join(" ")].join(" ").toLowerCase();
    return d;
  }

  function render(doc) {
    const content = document.getElementById("content");
    const toc = document.getElementById("toc");
    content.textContent = "";
    if (doc.info && doc.info.description) {
      content.append(el("p", { class: "desc", style: "white-space: pre-line" }, doc.info.description));
    }
    const groups = new Map((doc.tags || []).map((t) => [t.name, { tag: t, ops: [] }]));
    for (const [path, item] of Object.entries(doc.paths || {})) {
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        const name = (op.tags && op.tags[0]) || "other";
        if (!groups.has(name)) groups.set(name, { tag: { name: name }, ops: [] });
        groups.get(name).ops.push([m, path, op]);
      }
    }
    for (const { tag, ops } of groups.values()) {
      if (!ops.length) continue;
      const id = "tag-" + tag.name;
      toc.append(el("a", { href: "#" + id }, tag.description || tag.name));
      const section = el("section", { class: "tag", id: id }, el("h2", {}, tag.description || tag.name));
      for (const [m, path, op] of ops) section.append(operation(doc, m, path, op));
      content.append(section);
    }
    if (location.hash) {
      const target = document.getElementById(location.hash.slice(1));
      if (target && target.tagName === "DETAILS") target.open = true;
      if (target) target.scrollIntoView();
    }
  }

  function filter(q) {
    q = q.trim().toLowerCase();
    for (const d of document.querySelectorAll("details.op")) {
      d.classList.toggle("hidden", q !== "" && !d.dataset.search.includes(q));
    }
    for (const s of document.querySelectorAll("section.tag")) {
      s.classList.toggle("hidden", !s.querySelector("details.op:not(.hidden)"));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("filter").addEventListener("input", (e) => filter(e.target.value));
    fetch("/api/openapi.json", { headers: { Accept: "application/json" } })
      .then((r) => {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(render)
      .catch((err) => {
        const status = document.getElementById("status");
        if (status) status.textContent = "加载失败 · Failed to load /api/openapi.json: " + err.message;
      });
  });
})();
