// assets.js: the asset register (search and filter by site, type,
// funding, condition) and one asset with its device's graphs and its
// maintenance history.
import {api, listOf, path} from "./api.js";
import {h, table, badge, kv} from "./dom.js";
import {t, fmtTime, fmtIdr} from "./i18n.js";
import {graphs} from "./monitor.js";

const TYPES = ["pc", "printer", "projector", "switch", "camera", "network",
	"furniture", "other"];
const CONDITIONS = ["B", "KB", "RB"];

function cond(c) {
	return c ? h("span", {class: "badge c-" + c.replace(/[^A-Z]/g, "")}, t("cond." + c)) : "—";
}

function options(values, current, label) {
	return [h("option", {value: ""}, t("f.all")),
		values.map((v) => h("option", {value: v, selected: v === current}, label(v)))];
}

export async function list(args, query) {
	let data;
	try {
		data = await api("GET", "/api/v1/assets");
	} catch (e) {
		if (e.status !== 404)
			throw e;
		return h("div", {}, h("h1", {}, t("nav.assets")), h("p", {class: "muted"}, t("api.missing")));
	}
	const all = listOf(data, "assets");
	const uniq = (k) => [...new Set(all.map((a) => a[k]).filter((v) => v))].sort();
	const f = {q: query.get("q") || "", site: query.get("site") || "",
		type: query.get("type") || "", funding: query.get("funding") || "",
		condition: query.get("condition") || ""};
	const q = h("input", {type: "search", name: "q", value: f.q, placeholder: t("f.search"), id: "a-q"});
	const site = h("select", {name: "site"}, options(uniq("site"), f.site, (v) => v));
	const type = h("select", {name: "type"}, options(TYPES, f.type, (v) => t("type." + v)));
	const funding = h("select", {name: "funding"}, options(uniq("funding"), f.funding, (v) => v));
	const condition = h("select", {name: "condition"}, options(CONDITIONS, f.condition, (v) => t("cond." + v)));
	const box = h("div", {});
	const draw = () => {
		const needle = q.value.trim().toLowerCase();
		const rows = all.filter((a) =>
			(!site.value || a.site === site.value) &&
			(!type.value || a.type === type.value) &&
			(!funding.value || a.funding === funding.value) &&
			(!condition.value || a.condition === condition.value) &&
			(!needle || [a.tag, a.name, a.brand, a.model, a.serial, a.room]
				.some((v) => v && String(v).toLowerCase().includes(needle))));
		box.replaceChildren(h("p", {class: "muted"}, t("assets.count", {n: rows.length})),
			table([
				{label: t("col.tag"), get: (a) => h("a", {href: "#/assets/" + path(a.tag)}, a.tag)},
				{label: t("col.name"), get: (a) => a.name},
				{label: t("col.type"), get: (a) => t("type." + a.type)},
				{label: t("col.site"), cls: "hide-sm", get: (a) => [a.site, a.room ? " · " + a.room : ""]},
				{label: t("col.funding"), cls: "hide-sm", get: (a) => [a.funding || "", " ", a.budget_year || ""]},
				{label: t("col.condition"), get: (a) => cond(a.condition)},
			], rows, t("assets.none")));
	};
	for (const el of [site, type, funding, condition])
		el.addEventListener("change", draw);
	q.addEventListener("input", draw);
	draw();
	return h("div", {}, h("h1", {}, t("nav.assets")),
		h("div", {class: "filters"}, q, site, type, funding, condition), box);
}

// The asset's tickets, with what they cost.
function maintenanceTable(rows) {
	return table([
		{label: "#", get: (k) => h("a", {href: "#/tickets/" + k.id}, "#" + k.id)},
		{label: t("col.title"), get: (k) => h("a", {href: "#/tickets/" + k.id}, k.title || "")},
		{label: t("col.kind"), cls: "hide-sm", get: (k) => t("kind." + k.kind)},
		{label: t("col.state"), get: (k) => badge(k.state, t("tstate." + k.state))},
		{label: t("col.opened"), cls: "hide-sm", get: (k) => fmtTime(k.opened_at)},
		{label: t("ticket.cost"), get: (k) => fmtIdr(k.cost_idr)},
		{label: t("ticket.parts"), cls: "hide-sm", get: (k) => k.parts || "—"},
	], rows, t("tickets.none"));
}

export async function show([tag]) {
	const d = await api("GET", "/api/v1/assets/" + path(tag));
	const a = d.asset || d;
	const history = d.history || a.history || [];
	// The asset's tickets come with it (maintenance, newest first).
	const tickets = Array.isArray(d.maintenance) ? d.maintenance : [];
	let metrics = [];
	let devType = a.type;
	if (a.device) {
		try {
			const dev = await api("GET", "/api/v1/devices/" + path(a.site, a.device));
			metrics = [...Object.keys(dev.gauges || {}), ...Object.keys(dev.counters || {})];
			devType = dev.type || devType;
		} catch (e) {
			if (e.status !== 404)
				throw e;
		}
	}
	return h("div", {},
		h("h1", {}, a.tag, " — ", a.name || "", " ", cond(a.condition)),
		h("div", {class: "card"}, kv([
			[t("col.type"), t("type." + a.type)],
			[t("asset.brandmodel"), [a.brand || "", " ", a.model || ""].join("")],
			[t("asset.serial"), a.serial],
			[t("col.site"), [a.site, a.room ? " · " + a.room : ""].join("")],
			[t("col.funding"), [a.funding || "", " ", a.budget_year || ""].join("")],
			[t("asset.purchase"), a.purchase_date],
			[t("asset.price"), fmtIdr(a.price_idr)],
			a.book_value_idr !== undefined ? [t("asset.book"), fmtIdr(a.book_value_idr)] : null,
			a.maintenance_cost_idr !== undefined ? [t("asset.mcost"), fmtIdr(a.maintenance_cost_idr)] : null,
			a.total_cost_of_ownership_idr !== undefined ? [t("asset.tco"), fmtIdr(a.total_cost_of_ownership_idr)] : null,
			[t("asset.supplier"), a.supplier],
			[t("asset.warranty"), a.warranty_until],
			[t("col.device"), a.device ? h("a", {href: "#/device/" + path(a.site, a.device)}, a.device) : "—"],
		])),
		a.device ? [h("h2", {}, t("device.graphs")), graphs(a.site, a.device, metrics, devType)] : null,
		h("h2", {}, t("asset.maintenance")), maintenanceTable(tickets),
		h("h2", {}, t("asset.history")),
		table([
			{label: t("col.time"), get: (r) => fmtTime(r.ts)},
			{label: t("asset.who"), get: (r) => r.actor},
			{label: t("asset.field"), get: (r) => r.field},
			{label: t("asset.change"), get: (r) => [r.old || "", " → ", r.new || "", r.note ? " (" + r.note + ")" : ""]},
		], history, "—"));
}
