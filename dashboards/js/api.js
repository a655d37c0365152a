// api.js: the JSON API as the signed-in user.
//
// The session cookie goes along by itself (same origin); every change
// carries the CSRF token from sign-in or /api/v1/me in X-CSRF-Token.  A
// 401 sends the user to the sign-in page.
let csrf = sessionStorage.getItem("pantau.csrf") || "";

export class ApiError extends Error {
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

export function setCsrf(token) {
	csrf = token || "";
	if (csrf)
		sessionStorage.setItem("pantau.csrf", csrf);
	else
		sessionStorage.removeItem("pantau.csrf");
}

export async function api(method, path, body) {
	const opts = {method, headers: {Accept: "application/json"},
		credentials: "same-origin"};
	if (method !== "GET" && method !== "HEAD") {
		opts.headers["X-CSRF-Token"] = csrf;
		if (body !== undefined) {
			opts.headers["Content-Type"] = "application/json";
			opts.body = JSON.stringify(body);
		}
	}
	const r = await fetch(path, opts);
	let data = null;
	const type = r.headers.get("Content-Type") || "";
	if (type.startsWith("application/json"))
		data = await r.json().catch(() => null);
	if (r.status === 401 && !path.endsWith("/login")) {
		if (!location.hash.startsWith("#/login"))
			location.hash = "#/login?next=" + encodeURIComponent(location.hash);
		throw new ApiError(401, "not signed in");
	}
	if (!r.ok)
		throw new ApiError(r.status, (data && data.error) || r.statusText);
	return data;
}

// The first array in a list answer ({"devices": [...], "count": n}).
export function listOf(data, key) {
	if (!data)
		return [];
	if (Array.isArray(data))
		return data;
	if (key && Array.isArray(data[key]))
		return data[key];
	for (const v of Object.values(data))
		if (Array.isArray(v))
			return v;
	return [];
}

// Encodes each path part: /api/v1/devices/<site>/<device>.
export function path(...parts) {
	return parts.map((p) => encodeURIComponent(String(p))).join("/");
}
