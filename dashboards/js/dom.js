// dom.js: building the DOM without HTML strings.
//
// Every value that came from a device, CUPS, a CSV or a user goes in as a
// text node or an attribute set with setAttribute, never through
// an HTML parser, so "<script>" in a printer's name is shown, not run.

// h("a", {href: "#/x", class: "c", onclick: fn}, "text", child, [more])
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false)
			continue;
		if (k.startsWith("on") && typeof v === "function")
			el.addEventListener(k.slice(2), v);
		else if (k === "value")
			el.value = v;
		else
			el.setAttribute(k, v === true ? "" : String(v));
	}
	append(el, children);
	return el;
}

export function append(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false)
			continue;
		el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

export function clear(el) {
	while (el.firstChild)
		el.removeChild(el.firstChild);
	return el;
}

// A table from column definitions [{label, get(row) -> node|text, cls}].
export function table(columns, rows, empty) {
	if (!rows || rows.length === 0)
		return h("p", {class: "muted"}, empty || "—");
	return h("div", {class: "table-wrap"},
		h("table", {},
			h("thead", {}, h("tr", {}, columns.map((c) =>
				h("th", {class: c.cls}, c.label)))),
			h("tbody", {}, rows.map((r) => h("tr", {}, columns.map((c) =>
				h("td", {class: c.cls}, c.get(r))))))));
}

export function badge(kind, text) {
	return h("span", {class: "badge s-" + String(kind).replace(/[^a-z_]/g, "")},
		text);
}

export function kv(pairs) {
	return h("dl", {class: "kv"}, pairs.filter((p) => p).map(([k, v]) =>
		[h("dt", {}, k), h("dd", {}, v === null || v === undefined || v === "" ? "—" : v)]));
}
