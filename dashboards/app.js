// app.js: the dashboards' shell: language, who is signed in, navigation
// and the hash router (#/, #/device/<site>/<device>, #/tickets/<id>, ...).
// Pages live in js/*.js; each is render(main, args, query).
import {api, setCsrf} from "./js/api.js";
import {h, clear} from "./js/dom.js";
import {i18nLoad, i18nLang, i18nSet, t} from "./js/i18n.js";
import * as monitor from "./js/monitor.js";
import * as work from "./js/work.js";
import * as assets from "./js/assets.js";
import * as session from "./js/session.js";

const routes = [
	{re: /^\/login$/, page: session.login, bare: true},
	{re: /^\/$/, page: monitor.overview, nav: "nav.overview"},
	{re: /^\/device\/([^/]+)\/([^/]+)$/, page: monitor.device},
	{re: /^\/alerts$/, page: monitor.alerts, nav: "nav.alerts"},
	{re: /^\/tickets$/, page: work.tickets, nav: "nav.tickets"},
	{re: /^\/tickets\/(\d+)$/, page: work.ticket},
	{re: /^\/assets$/, page: assets.list, nav: "nav.assets"},
	{re: /^\/assets\/([^/]+)$/, page: assets.show},
	{re: /^\/pm$/, page: work.pm, nav: "nav.pm"},
	{re: /^\/reports$/, page: session.reports, nav: "nav.reports"},
];
const navHref = {"nav.overview": "#/", "nav.alerts": "#/alerts",
	"nav.tickets": "#/tickets", "nav.assets": "#/assets", "nav.pm": "#/pm",
	"nav.reports": "#/reports"};

export const me = {user: null, role: null};

async function whoAmI() {
	try {
		const m = await api("GET", "/api/v1/me");
		me.user = m.user;
		me.role = m.role;
		if (m.csrf)
			setCsrf(m.csrf);
	} catch (e) {
		// Before sign-in exists on a server, /me is 404: everyone reads.
		if (e.status === 404) {
			me.user = null;
			me.role = "admin";
		} else {
			me.user = null;
			me.role = null;
		}
	}
}

function shell(current) {
	const nav = clear(document.getElementById("nav"));
	for (const r of routes) {
		if (!r.nav)
			continue;
		nav.appendChild(h("a", {href: navHref[r.nav],
			class: r === current ? "active" : null}, t(r.nav)));
	}
	const who = document.getElementById("who");
	who.textContent = me.user ? me.user + " (" + t("role." + me.role) + ")" : "";
	const out = document.getElementById("logout");
	out.textContent = t("nav.logout");
	out.hidden = !me.user;
}

async function route() {
	const main = document.getElementById("main");
	const raw = location.hash.replace(/^#/, "") || "/";
	const [p, qs] = raw.split("?");
	const query = new URLSearchParams(qs || "");
	for (const r of routes) {
		const m = p.match(r.re);
		if (!m)
			continue;
		if (!r.bare && !me.role)
			await whoAmI();
		shell(r);
		clear(main);
		main.appendChild(h("p", {class: "muted"}, t("loading")));
		try {
			const args = m.slice(1).map(decodeURIComponent);
			const el = await r.page(args, query);
			clear(main).appendChild(el);
		} catch (e) {
			if (e.status === 401)
				return;
			clear(main).appendChild(h("p", {class: "error"},
				t("error.load"), " ", String(e.message || e)));
		}
		return;
	}
	clear(main).appendChild(h("p", {}, t("error.notfound")));
}

async function start() {
	await i18nLoad();
	const sel = document.getElementById("lang");
	sel.value = i18nLang();
	sel.addEventListener("change", async () => {
		i18nSet(sel.value);
		await i18nLoad();
		route();
	});
	document.getElementById("logout").addEventListener("click", async () => {
		try {
			await api("POST", "/api/v1/logout", {});
		} catch (e) {
			// signed out anyway
		}
		setCsrf("");
		me.user = me.role = null;
		location.hash = "#/login";
	});
	session.onSignIn(async () => {
		me.role = null;
		await whoAmI();
	});
	window.addEventListener("hashchange", route);
	route();
}

start();
