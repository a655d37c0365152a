// monitor.js: the overview of sites and devices, the device page with its
// graphs, and the alerts page.
import {api, listOf, path} from "./api.js";
import {h, table, badge, kv} from "./dom.js";
import {t, fmtTime, fmtAgo, fmtNumber} from "./i18n.js";

// The graph presets: start= of /graph (graph.c).
export const RANGES = [["-1h", "range.1h"], ["-4h", "range.4h"], ["-1d", "range.1d"],
	["-1w", "range.1w"], ["-1m", "range.1m"], ["-1y", "range.1y"]];

// Optional data (alerts, tickets, assets): an API not there yet is empty.
async function maybe(p) {
	try {
		return await api("GET", p);
	} catch (e) {
		if (e.status === 404 || e.status === 501)
			return null;
		throw e;
	}
}

function devLink(site, device) {
	return h("a", {href: "#/device/" + path(site, device)}, device);
}

// The regencies, each site's place and the province total (site.c):
// a province collector has hundreds of sites, read per regency.
function rollup(sites, query) {
	const regs = sites.regencies || [];
	if (regs.length === 0)
		return null;
	const name = (r) => r === null ? t("regency.none") : r;
	const pick = (r) => "#/?regency=" + encodeURIComponent(r === null ? "" : r);
	const rows = regs.concat([Object.assign({total: true}, sites.total)]);
	return h("section", {class: "card", id: "regencies"},
		h("h2", {}, t("overview.regencies")),
		table([
			{label: t("col.regency"), get: (r) => r.total ? h("strong", {}, t("overview.province")) :
				h("a", {href: pick(r.regency)}, name(r.regency))},
			{label: t("col.sites"), get: (r) => fmtNumber(r.sites)},
			{label: t("col.devices"), get: (r) => fmtNumber(r.devices)},
			{label: t("col.online"), get: (r) => fmtNumber(r.online)},
			{label: t("col.alerts"), get: (r) => r.alerts ? badge("firing", fmtNumber(r.alerts)) : "0"},
			{label: t("col.tickets"), cls: "hide-sm", get: (r) => fmtNumber(r.tickets)},
		], rows));
}

// The filter: every site, one regency, or one site (#/?site=ID).
function filterBox(sites, query) {
	const sel = h("select", {id: "site-filter", "aria-label": t("filter.label")},
		h("option", {value: ""}, t("filter.all")));
	const seen = new Set();
	for (const s of sites.sites || []) {
		const r = s.regency === null ? "" : s.regency;
		if (!seen.has(r)) {
			seen.add(r);
			sel.appendChild(h("option", {value: "regency=" + r},
				"▸ " + (s.regency === null ? t("regency.none") : s.regency)));
		}
		sel.appendChild(h("option", {value: "site=" + s.site},
			"    " + (s.label ? s.label + " (" + s.site + ")" : s.site)));
	}
	const cur = query.has("site") ? "site=" + query.get("site") :
		query.has("regency") ? "regency=" + query.get("regency") : "";
	sel.value = cur;
	sel.addEventListener("change", () => {
		const v = sel.value;
		location.hash = "#/" + (v ? "?" + v.replace(/=(.*)$/, (m, x) => "=" + encodeURIComponent(x)) : "");
	});
	return h("p", {class: "filter"}, h("label", {for: "site-filter"}, t("filter.label"), " "), sel);
}

// The site's internet link (docs/internet.md), colored like presence.
const INET_BADGE = {up: "online", degraded: "stale", down: "offline", unknown: "unknown"};
function inetLine(s) {
	if (!s)
		return null;
	return h("p", {class: "inet"}, t("inet.label"), " ",
		badge(INET_BADGE[s.state] || "unknown", t("inet." + s.state)),
		s.isp ? " " + s.isp.name : "", " · ", fmtAgo(s.since));
}

export async function overview(args, query) {
	query = query || new URLSearchParams();
	const [devs, al, st, ni] = await Promise.all([api("GET", "/api/v1/devices"),
		maybe("/api/v1/alerts?state=firing"), maybe("/api/v1/sites"),
		maybe("/api/v1/internet?limit=0")]);
	const inet = new Map(listOf(ni, "sites").map((s) => [s.site, s]));
	const sites = st || {sites: [], regencies: []};
	const place = new Map((sites.sites || []).map((s) => [s.site, s]));
	const wantSite = query.get("site");
	const wantReg = query.has("regency") ? query.get("regency") : null;
	const keep = (site) => {
		if (wantSite)
			return site === wantSite;
		if (wantReg !== null) {
			const p = place.get(site);
			return (p && p.regency !== null ? p.regency : "") === wantReg;
		}
		return true;
	};
	const devices = listOf(devs, "devices").filter((d) => keep(d.site));
	const alerts = listOf(al, "alerts").filter((a) => a.state !== "resolved" && keep(a.site));
	const bySite = new Map();
	for (const d of devices) {
		if (!bySite.has(d.site))
			bySite.set(d.site, []);
		bySite.get(d.site).push(d);
	}
	const open = (d) => alerts.filter((a) => a.site === d.site &&
		a.device === d.device).length;
	const out = h("div", {}, h("h1", {}, t("nav.overview")));
	const online = devices.filter((d) => d.state === "online").length;
	out.appendChild(h("p", {class: "muted", id: "summary"},
		t("overview.summary", {n: devices.length, on: online, a: alerts.length})));
	if ((sites.sites || []).length > 1) {
		out.appendChild(filterBox(sites, query));
		if (!wantSite && wantReg === null)
			out.appendChild(rollup(sites, query));
	}
	if (devices.length === 0)
		out.appendChild(h("p", {}, t("overview.empty")));
	for (const [site, list] of bySite) {
		const p = place.get(site);
		const title = p && p.label ? p.label + " (" + site + ")" : site;
		out.appendChild(h("section", {class: "card site", "data-site": site},
			h("h2", {}, title),
			p && p.regency ? h("p", {class: "muted"}, [p.location, p.regency].filter((x) => x).join(", ")) : null,
			inetLine(inet.get(site)),
			table([
				{label: t("col.device"), get: (d) => devLink(d.site, d.device)},
				{label: t("col.type"), get: (d) => d.type ? t("type." + d.type) : "—"},
				{label: t("col.state"), get: (d) => badge(d.state, t("state." + d.state))},
				{label: t("col.alerts"), get: (d) => {
					const n = open(d);
					return n ? badge("firing", String(n)) : "0";
				}},
				{label: t("col.last_seen"), cls: "hide-sm", get: (d) => fmtAgo(d.last_seen)},
			], list)));
	}
	return out;
}

// The graphs a device page opens with, by type; the filter box finds the
// others (a 28-port switch has hundreds of series).
const DEFAULT_GRAPHS = {
	pc: /^(cpu\.util|mem\.used_pct|load\.1|fs\.[^.]+\.used_pct|net\.[^.]+\.(rx|tx)_bytes|temp\..*|usage\.session_seconds)$/,
	printer: /^(printer\.pages\.total|printer\.supply\..*|cups\.pages)$/,
	switch: /^if\.[^.]+\.(in|out)_bytes$/,
	projector: /^projector\.(power|lamp\.hours|filter\.hours)$/,
};
const GRAPH_MAX = 12;

// Graphs of a device: one image per metric, a row of range buttons and a
// filter on the metric names.
export function graphs(site, device, metrics, type, values) {
	let range = sessionStorage.getItem("pantau.range") || "-4h";
	const box = h("div", {class: "graphs"});
	const buttons = h("div", {class: "ranges", role: "group"});
	const filter = h("input", {type: "search", class: "graph-filter",
		placeholder: t("device.filter"), "aria-label": t("device.filter")});
	const note = h("p", {class: "muted"});
	const chosen = () => {
		const q = filter.value.trim().toLowerCase();
		const re = DEFAULT_GRAPHS[type];
		// By default only series that ever moved (ports with traffic).
		let list = q ? metrics.filter((m) => m.includes(q))
			: metrics.filter((m) => re && re.test(m) &&
				!(values && values[m] === 0));
		if (!q && list.length === 0)
			list = metrics;
		return list;
	};
	const draw = () => {
		box.replaceChildren();
		for (const b of buttons.children)
			b.setAttribute("aria-pressed", b.dataset.range === range ? "true" : "false");
		const list = chosen();
		note.textContent = t("device.shown", {n: Math.min(list.length, GRAPH_MAX),
			all: metrics.length});
		for (const m of list.slice(0, GRAPH_MAX)) {
			const src = "/graph/" + path(site, device, m + ".png") +
				"?start=" + encodeURIComponent(range);
			box.appendChild(h("figure", {class: "graph"},
				h("img", {src, alt: m, loading: "lazy", width: 723,
					height: 247, "data-metric": m}),
				h("figcaption", {class: "cap"}, m)));
		}
	};
	for (const [r, key] of RANGES) {
		const b = h("button", {type: "button", class: "secondary",
			"data-range": r}, t(key));
		b.addEventListener("click", () => {
			range = r;
			sessionStorage.setItem("pantau.range", r);
			draw();
		});
		buttons.appendChild(b);
	}
	filter.addEventListener("input", draw);
	draw();
	if (metrics.length === 0)
		return h("p", {class: "muted"}, t("device.nographs"));
	return h("div", {}, h("div", {class: "filters"}, buttons, filter), note, box);
}

// metric -> newest value, gauges and counters.
function latest(d) {
	const out = {};
	for (const src of [d.gauges || {}, d.counters || {}])
		for (const [k, v] of Object.entries(src))
			out[k] = v && v.value;
	return out;
}

function valuesTable(d) {
	const rows = [];
	for (const [name, v] of Object.entries(d.gauges || {}))
		rows.push({name, kind: "gauge", ...v});
	for (const [name, v] of Object.entries(d.counters || {}))
		rows.push({name, kind: "counter", ...v});
	return table([
		{label: t("col.metric"), get: (r) => r.name},
		{label: t("col.value"), get: (r) => fmtNumber(r.value)},
		{label: t("col.time"), cls: "hide-sm", get: (r) => fmtTime(r.ts)},
	], rows, t("device.novalues"));
}

function inventory(inv) {
	if (!inv)
		return h("p", {class: "muted"}, "—");
	const pairs = [];
	for (const [k, v] of Object.entries(inv)) {
		if (k === "v" || k === "ts")
			continue;
		pairs.push([k, typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)]);
	}
	return kv(pairs);
}

export function alertTable(alerts) {
	return table([
		{label: t("col.severity"), get: (a) => badge(a.severity, t("sev." + a.severity))},
		{label: t("col.state"), get: (a) => badge(a.state, t("astate." + a.state))},
		{label: t("col.device"), get: (a) => a.device ? devLink(a.site, a.device) : a.site},
		{label: t("col.alert"), get: (a) => [a.rule || "", a.text ? " — " + a.text : ""]},
		{label: t("col.since"), cls: "hide-sm", get: (a) => fmtTime(a.fired_at || a.started_at)},
		{label: t("col.ticket"), get: (a) => a.ticket_id ?
			h("a", {href: "#/tickets/" + a.ticket_id}, "#" + a.ticket_id) : "—"},
	], alerts, t("alerts.none"));
}

export function ticketTable(tickets) {
	return table([
		{label: "#", get: (k) => h("a", {href: "#/tickets/" + k.id}, "#" + k.id)},
		{label: t("col.title"), get: (k) => h("a", {href: "#/tickets/" + k.id}, k.title || "")},
		{label: t("col.state"), get: (k) => badge(k.state, t("tstate." + k.state))},
		{label: t("col.device"), cls: "hide-sm", get: (k) => k.device ? devLink(k.site, k.device) : k.site},
		{label: t("col.assignee"), cls: "hide-sm", get: (k) => k.assignee || "—"},
		{label: t("col.opened"), cls: "hide-sm", get: (k) => fmtTime(k.opened_at)},
	], tickets, t("tickets.none"));
}

export async function device([site, device]) {
	const q = "?site=" + encodeURIComponent(site) + "&device=" + encodeURIComponent(device);
	const [d, al, tk, as] = await Promise.all([
		api("GET", "/api/v1/devices/" + path(site, device)),
		maybe("/api/v1/alerts" + q), maybe("/api/v1/tickets" + q),
		maybe("/api/v1/assets" + q)]);
	const alerts = listOf(al, "alerts").filter((a) => a.device === device);
	const tickets = listOf(tk, "tickets").filter((k) => k.device === device);
	const asset = listOf(as, "assets").find((a) => a.device === device && a.site === site);
	const metrics = [...Object.keys(d.gauges || {}), ...Object.keys(d.counters || {})];
	return h("div", {},
		h("h1", {}, device, " ", badge(d.state, t("state." + d.state))),
		h("div", {class: "card"}, kv([
			[t("col.site"), site],
			[t("col.type"), d.type ? t("type." + d.type) : "—"],
			[t("col.last_seen"), fmtTime(d.last_seen)],
			[t("col.interval"), d.interval ? d.interval + " s" : "—"],
			[t("col.asset"), asset ? h("a", {href: "#/assets/" + path(asset.tag)},
				asset.tag + " — " + (asset.name || "")) : "—"],
		])),
		h("h2", {}, t("device.graphs")), graphs(site, device, metrics, d.type,
			latest(d)),
		h("h2", {}, t("device.values")), valuesTable(d),
		h("h2", {}, t("device.inventory")), h("div", {class: "card"}, inventory(d.inventory)),
		h("h2", {}, t("nav.alerts")), alertTable(alerts),
		h("h2", {}, t("nav.tickets")), ticketTable(tickets));
}

export async function alerts(args, query) {
	const state = query.get("state") || "";
	const data = await maybe("/api/v1/alerts" + (state ? "?state=" + encodeURIComponent(state) : ""));
	if (data === null)
		return h("div", {}, h("h1", {}, t("nav.alerts")), h("p", {class: "muted"}, t("api.missing")));
	const sel = h("select", {name: "state"},
		["", "firing", "pending", "resolved"].map((s) =>
			h("option", {value: s, selected: s === state}, s ? t("astate." + s) : t("f.all"))));
	sel.addEventListener("change", () => {
		location.hash = "#/alerts" + (sel.value ? "?state=" + sel.value : "");
	});
	return h("div", {}, h("h1", {}, t("nav.alerts")),
		h("div", {class: "filters"}, h("label", {}, t("col.state"), " ", sel)),
		alertTable(listOf(data, "alerts")));
}
