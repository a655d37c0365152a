// i18n.js: Bahasa Indonesia by default, English on request; the choice is
// kept in localStorage ("pantau.lang").  Catalogues are flat JSON objects
// under /ui/i18n/; a missing key shows the key itself.
let lang = "id";
let cat = {};

export async function i18nLoad() {
	const stored = localStorage.getItem("pantau.lang");
	lang = stored === "en" ? "en" : "id";
	const r = await fetch("/ui/i18n/" + lang + ".json");
	cat = r.ok ? await r.json() : {};
	document.documentElement.lang = lang;
	return lang;
}

export function i18nLang() {
	return lang;
}

export function i18nSet(l) {
	localStorage.setItem("pantau.lang", l === "en" ? "en" : "id");
}

// t("key", {n: 3}) replaces {n} in the text.
export function t(key, vars) {
	let s = Object.prototype.hasOwnProperty.call(cat, key) ? cat[key] : key;
	for (const [k, v] of Object.entries(vars || {}))
		s = s.split("{" + k + "}").join(String(v));
	return s;
}

const locale = () => (lang === "en" ? "en-GB" : "id-ID");

// Unix seconds to a local date and time; null/0 is "—".
export function fmtTime(ts) {
	if (!ts)
		return "—";
	return new Date(ts * 1000).toLocaleString(locale(),
		{dateStyle: "medium", timeStyle: "short"});
}

export function fmtNumber(v, digits) {
	if (v === null || v === undefined || Number.isNaN(Number(v)))
		return "—";
	return Number(v).toLocaleString(locale(),
		{maximumFractionDigits: digits === undefined ? 2 : digits});
}

export function fmtIdr(v) {
	if (v === null || v === undefined || v === "")
		return "—";
	return "Rp " + Number(v).toLocaleString("id-ID", {maximumFractionDigits: 0});
}

export function fmtAgo(ts) {
	if (!ts)
		return "—";
	const s = Math.max(0, Math.round(Date.now() / 1000 - ts));
	if (s < 90)
		return t("ago.s", {n: s});
	if (s < 5400)
		return t("ago.min", {n: Math.round(s / 60)});
	if (s < 129600)
		return t("ago.h", {n: Math.round(s / 3600)});
	return t("ago.d", {n: Math.round(s / 86400)});
}
