// session.js: the sign-in page and the reports page (downloads).
import {api, listOf, setCsrf} from "./api.js";
import {h, table} from "./dom.js";
import {t, fmtTime} from "./i18n.js";

let signedIn = async () => {};

export function onSignIn(fn) {
	signedIn = fn;
}

export async function login(args, query) {
	const msg = h("p", {class: "error", role: "alert"});
	const user = h("input", {name: "user", autocomplete: "username",
		required: true, id: "login-user"});
	const pass = h("input", {name: "password", type: "password",
		autocomplete: "current-password", required: true, id: "login-password"});
	const form = h("form", {class: "stack card", id: "login-form"},
		h("h1", {}, t("login.title")),
		h("label", {}, t("login.user"), user),
		h("label", {}, t("login.password"), pass),
		h("button", {type: "submit"}, t("login.submit")),
		msg);
	form.addEventListener("submit", async (ev) => {
		ev.preventDefault();
		msg.textContent = "";
		try {
			const r = await api("POST", "/api/v1/login",
				{user: user.value, password: pass.value});
			setCsrf(r && r.csrf);
			await signedIn();
			const next = query.get("next");
			location.hash = next && next.startsWith("#/") &&
				!next.startsWith("#/login") ? next : "#/";
		} catch (e) {
			msg.textContent = e.status === 429 ? t("login.slow")
				: e.status === 401 || e.status === 403 ? t("login.bad")
				: t("error.load") + " " + e.message;
		}
	});
	return h("div", {class: "login"}, form);
}

// The reports of DESIGN.md section 9, each as CSV and PDF.
const REPORTS = ["assets", "print-volume", "maintenance", "availability", "daily"];

export async function reports() {
	const site = h("input", {name: "site", placeholder: t("f.site")});
	const from = h("input", {name: "from", type: "date"});
	const to = h("input", {name: "to", type: "date"});
	const list = h("div", {});
	const draw = () => {
		list.replaceChildren();
		for (const name of REPORTS) {
			const q = new URLSearchParams();
			if (site.value)
				q.set("site", site.value);
			if (from.value)
				q.set("from", from.value);
			if (to.value)
				q.set("to", to.value);
			const links = ["csv", "pdf"].map((fmt) => {
				q.set("format", fmt);
				const file = name + "." + fmt;
				return h("a", {href: "/api/v1/reports/" + name + "?" + q,
					download: file, class: "dl-" + fmt,
					"data-report": name}, fmt.toUpperCase());
			});
			list.appendChild(h("div", {class: "card"},
				h("h2", {}, t("report." + name)),
				h("p", {class: "muted"}, t("report." + name + ".about")),
				h("div", {class: "downloads"}, links)));
		}
	};
	for (const el of [site, from, to])
		el.addEventListener("change", draw);
	draw();
	let jobs = [];
	try {
		jobs = listOf(await api("GET", "/api/v1/print-jobs?limit=50"), "jobs");
	} catch (e) {
		if (e.status !== 404 && e.status !== 403)
			throw e;
	}
	return h("div", {},
		h("h1", {}, t("nav.reports")),
		h("div", {class: "filters"},
			h("label", {}, t("f.site"), " ", site),
			h("label", {}, t("f.from"), " ", from),
			h("label", {}, t("f.to"), " ", to)),
		list,
		h("h2", {}, t("jobs.title")),
		table([
			{label: t("col.time"), get: (j) => fmtTime(j.completed || j.created)},
			{label: t("jobs.printer"), get: (j) => j.device || j.printer || j.queue || "—"},
			{label: t("jobs.user"), get: (j) => j.user || "—"},
			{label: t("jobs.doc"), cls: "hide-sm", get: (j) => j.title || "—"},
			{label: t("jobs.pages"), get: (j) => j.pages === null || j.pages === undefined ? "?" : j.pages},
		], jobs, t("jobs.none")));
}
