// work.js: the technician's work: tickets (list, one ticket worked
// through its states) and the preventive-maintenance due list.
import {api, listOf, path} from "./api.js";
import {h, table, badge, kv} from "./dom.js";
import {t, fmtTime, fmtIdr} from "./i18n.js";
import {ticketTable} from "./monitor.js";

export const STATES = ["open", "in_progress", "waiting", "resolved", "closed"];

export async function tickets(args, query) {
	const state = query.get("state") || "";
	const q = state ? "?state=" + encodeURIComponent(state) : "";
	const data = await api("GET", "/api/v1/tickets" + q);
	const sel = h("select", {name: "state"},
		["", ...STATES].map((s) => h("option", {value: s, selected: s === state},
			s ? t("tstate." + s) : t("f.all"))));
	sel.addEventListener("change", () => {
		location.hash = "#/tickets" + (sel.value ? "?state=" + sel.value : "");
	});
	return h("div", {}, h("h1", {}, t("nav.tickets")),
		h("div", {class: "filters"}, h("label", {}, t("col.state"), " ", sel)),
		ticketTable(listOf(data, "tickets")));
}

async function loadTicket(id) {
	try {
		const d = await api("GET", "/api/v1/tickets/" + path(id));
		return d.ticket ? {...d.ticket, notes: d.notes || d.ticket.notes} : d;
	} catch (e) {
		if (e.status !== 404 && e.status !== 405)
			throw e;
		const all = listOf(await api("GET", "/api/v1/tickets"), "tickets");
		const k = all.find((x) => String(x.id) === String(id));
		if (!k)
			throw e;
		return k;
	}
}

function timeline(notes) {
	if (!notes || notes.length === 0)
		return h("p", {class: "muted"}, "—");
	return h("ul", {class: "timeline"}, notes.map((n) =>
		h("li", {}, h("span", {class: "muted"}, fmtTime(n.ts), " · ", n.actor || "", " · "),
			n.text || "")));
}

export async function ticket([id]) {
	const k = await loadTicket(id);
	const state = h("select", {name: "state", id: "t-state"},
		STATES.map((s) => h("option", {value: s, selected: s === k.state}, t("tstate." + s))));
	const assignee = h("input", {name: "assignee", id: "t-assignee", value: k.assignee || ""});
	const cost = h("input", {name: "cost_idr", id: "t-cost", type: "number", min: 0,
		step: 1, value: k.cost_idr || 0});
	const parts = h("input", {name: "parts", id: "t-parts", value: k.parts || ""});
	const note = h("textarea", {name: "note", id: "t-note", rows: 3});
	const msg = h("p", {role: "status", id: "t-msg"});
	const form = h("form", {class: "stack card", id: "ticket-form"},
		h("label", {}, t("col.state"), state),
		h("label", {}, t("col.assignee"), assignee),
		h("label", {}, t("ticket.cost"), cost),
		h("label", {}, t("ticket.parts"), parts),
		h("label", {}, t("ticket.note"), note),
		h("button", {type: "submit"}, t("save")), msg);
	form.addEventListener("submit", async (ev) => {
		ev.preventDefault();
		const body = {};
		if (state.value !== k.state)
			body.state = state.value;
		if (assignee.value !== (k.assignee || ""))
			body.assignee = assignee.value;
		if (Number(cost.value) !== Number(k.cost_idr || 0))
			body.cost_idr = Number(cost.value);
		if (parts.value !== (k.parts || ""))
			body.parts = parts.value;
		if (note.value.trim())
			body.note = note.value.trim();
		if (Object.keys(body).length === 0)
			return;
		msg.className = "";
		msg.textContent = t("saving");
		try {
			await api("PATCH", "/api/v1/tickets/" + path(id), body);
			// Draw the ticket again from the server's answer.
			window.dispatchEvent(new HashChangeEvent("hashchange"));
		} catch (e) {
			msg.className = "error";
			msg.textContent = t("error.save") + " " + e.message;
		}
	});
	return h("div", {},
		h("h1", {}, "#" + k.id + " ", k.title || "", " ",
			h("span", {id: "t-badge"}, badge(k.state, t("tstate." + k.state)))),
		h("div", {class: "card"}, kv([
			[t("col.kind"), t("kind." + k.kind)],
			[t("col.device"), k.device ? h("a", {href: "#/device/" + path(k.site, k.device)},
				k.site + "/" + k.device) : k.site],
			[t("col.asset"), k.asset_tag ? h("a", {href: "#/assets/" + path(k.asset_tag)}, k.asset_tag) : "—"],
			[t("col.priority"), k.priority],
			[t("col.opened"), fmtTime(k.opened_at) + " (" + (k.opened_by || "") + ")"],
			[t("ticket.cost"), fmtIdr(k.cost_idr)],
			[t("ticket.parts"), k.parts],
			[t("ticket.description"), k.description],
		])),
		h("h2", {}, t("ticket.work")), form,
		h("h2", {}, t("ticket.timeline")), timeline(k.notes || k.timeline));
}

export async function pm(args, query) {
	const all = query.get("all") === "1";
	let data;
	try {
		data = await api("GET", "/api/v1/pm" + (all ? "" : "?due=1"));
	} catch (e) {
		if (e.status !== 404)
			throw e;
		return h("div", {}, h("h1", {}, t("nav.pm")), h("p", {class: "muted"}, t("api.missing")));
	}
	const rows = listOf(data, "items");
	const toggle = h("a", {href: all ? "#/pm" : "#/pm?all=1"}, all ? t("pm.dueonly") : t("pm.all"));
	return h("div", {}, h("h1", {}, t("nav.pm")), h("p", {}, toggle),
		table([
			{label: t("col.plan"), get: (p) => p.name || p.plan},
			{label: t("col.asset"), get: (p) => p.tag ?
				h("a", {href: "#/assets/" + path(p.tag)}, p.tag) : "—"},
			{label: t("col.device"), cls: "hide-sm", get: (p) => p.device ?
				h("a", {href: "#/device/" + path(p.site, p.device)}, p.device) : (p.site || "—")},
			{label: t("col.state"), get: (p) => p.status ? badge(p.status, t("pm." + p.status)) : "—"},
			{label: t("pm.dueat"), get: (p) => [fmtTime(p.due_at || p.forecast_at),
				p.due_counter ? " / " + p.due_counter : ""]},
			{label: t("pm.last"), cls: "hide-sm", get: (p) => fmtTime(p.base_at)},
			{label: t("col.ticket"), get: (p) => p.ticket ?
				h("a", {href: "#/tickets/" + p.ticket}, "#" + p.ticket) : "—"},
		], rows, t("pm.none")));
}
