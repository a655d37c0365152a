// tests/browser/dashboards.mjs: the dashboards in headless Chromium.
//
// Run by tests/integration/135-browser.sh, which starts the collector with
// data and passes (environment):
//   BASE        http://127.0.0.1:PORT
//   LOGIN_USER, LOGIN_PASS   an admin (empty: the server has no sign-in)
//   SITE, DEVICE            a device with graphs
//   PRINTER                 a printer device whose inventory name is hostile
//   HOSTILE_ASSET           the tag of an asset with a hostile name ("" none)
//   TICKET_ID               a ticket to work ("" none)
//   ARTIFACTS               directory for screenshots and downloads
//   CHROMIUM                the browser (default /usr/bin/chromium)
//
// Prints "ok - ..." per step and "skip - ..." for a step whose API the
// server does not have yet; exits 1 on the first failure.
import {chromium} from "playwright-core";
import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";

const env = process.env;
const BASE = env.BASE;
const ART = env.ARTIFACTS || ".";
mkdirSync(ART, {recursive: true});

const problems = [];
let shot = 0;

function ok(msg) {
	console.log("ok - " + msg);
}

function fail(msg) {
	console.log("not ok - " + msg);
	throw new Error(msg);
}

async function snap(page, name) {
	shot++;
	const file = join(ART, String(shot).padStart(2, "0") + "-" + name + ".png");
	await page.screenshot({path: file, fullPage: true});
}

// Nothing a device, CUPS or a CSV sent may run: no dialog, no script
// error, no marker set by an injected handler.
function watch(page) {
	page.on("dialog", async (d) => {
		problems.push("dialog: " + d.message());
		await d.dismiss();
	});
	page.on("pageerror", (e) => problems.push("page error: " + e.message));
	page.on("console", (m) => {
		if (m.type() !== "error")
			return;
		// A 401 before sign-in and a 404 of an API a server lacks are
		// expected answers, reported by the browser as resource errors.
		if (/Failed to load resource: the server responded with a status of (401|404)/
			.test(m.text()))
			return;
		problems.push("console: " + m.text());
	});
}

async function noScriptRan(page, where) {
	const marks = await page.evaluate(() => [window.__xss, window.__xss2]);
	if (marks.some((m) => m !== undefined))
		fail(where + ": injected script ran: " + JSON.stringify(marks));
	const imgs = await page.locator('img[src="x"]').count();
	if (imgs !== 0)
		fail(where + ": an injected <img src=x> is in the DOM");
	if (problems.length)
		fail(where + ": " + problems.join("; "));
}

// page.waitForFunction evaluates a string, which the pages' CSP forbids
// (no eval): poll with evaluate, which the CSP does not govern.
async function poll(page, fn, arg, what) {
	const until = Date.now() + 20000;
	while (Date.now() < until) {
		if (await page.evaluate(fn, arg))
			return;
		await page.waitForTimeout(100);
	}
	fail("timed out waiting for " + what);
}

async function apiStatus(page, method, path, data) {
	const csrf = await page.evaluate(() => sessionStorage.getItem("pantau.csrf") || "");
	const r = await page.request.fetch(BASE + path, {method, data,
		headers: {"X-CSRF-Token": csrf}});
	return r;
}

async function main() {
	const args = ["--headless=new", "--disable-gpu", "--no-first-run",
		"--disable-dev-shm-usage"];
	if (process.getuid && process.getuid() === 0)
		args.push("--no-sandbox");
	const browser = await chromium.launch({
		executablePath: env.CHROMIUM || "/usr/bin/chromium", args});
	const ctx = await browser.newContext({acceptDownloads: true,
		viewport: {width: 1280, height: 900}});
	const page = await ctx.newPage();
	page.setDefaultTimeout(20000);
	watch(page);
	try {
		await run(page);
		await noScriptRan(page, "end");
		// The same pages on a phone screen.
		const phone = await browser.newContext({viewport: {width: 390, height: 844},
			isMobile: true, storageState: await ctx.storageState()});
		const p2 = await phone.newPage();
		watch(p2);
		await p2.goto(BASE + "/#/");
		await p2.locator("section.site").first().waitFor();
		const wide = await p2.evaluate(() =>
			document.documentElement.scrollWidth > window.innerWidth + 1);
		await snap(p2, "phone-overview");
		if (wide)
			fail("the overview is wider than a phone screen");
		ok("overview fits a phone screen");
	} finally {
		await browser.close();
	}
}

async function run(page) {
	// Sign in.
	await page.goto(BASE + "/");
	if (env.LOGIN_USER) {
		await page.waitForURL(/#\/login/);
		await page.locator("#login-user").fill(env.LOGIN_USER);
		await page.locator("#login-password").fill("wrong");
		await page.locator("#login-form button[type=submit]").click();
		await page.locator("#login-form .error").filter({hasText: /./}).waitFor();
		await page.locator("#login-password").fill(env.LOGIN_PASS);
		await snap(page, "login");
		await page.locator("#login-form button[type=submit]").click();
		await page.waitForURL((u) => !/#\/login/.test(u.toString()));
		await page.locator("#who").filter({hasText: env.LOGIN_USER}).waitFor();
		ok("signed in as " + env.LOGIN_USER + " (a wrong password was refused)");
	} else {
		console.log("skip - sign in: the server has no sign-in yet");
	}

	// Overview, in Bahasa Indonesia by default.
	await page.locator(`section.site[data-site="${env.SITE}"]`).waitFor();
	const nav = await page.locator("#nav").textContent();
	if (!nav.includes("Ringkasan") || !nav.includes("Tiket"))
		fail("navigation not in Bahasa Indonesia: " + nav);
	await snap(page, "overview");
	ok("overview shows site " + env.SITE);

	// A province: the regencies with their totals, and the filter.
	if (env.SITE2) {
		const reg = page.locator("#regencies");
		await reg.waitFor();
		const text = await reg.textContent();
		for (const want of ["Kabupaten Jember", "Kota Batu", "Provinsi (jumlah)"])
			if (!text.includes(want))
				fail("regency roll-up lacks " + want + ": " + text);
		await page.locator("#regencies a", {hasText: "Kota Batu"}).click();
		await page.locator(`section.site[data-site="${env.SITE2}"]`).waitFor();
		if (await page.locator(`section.site[data-site="${env.SITE}"]`).count() !== 0)
			fail("the regency filter still shows " + env.SITE);
		await page.locator("#site-filter").selectOption("");
		await page.locator(`section.site[data-site="${env.SITE}"]`).waitFor();
		ok("overview rolls up per regency and filters by regency");
	}

	// English, kept across a reload.
	await page.locator("#lang").selectOption("en");
	await page.locator("#nav").filter({hasText: "Overview"}).waitFor();
	await page.reload();
	await page.locator("#nav").filter({hasText: "Tickets"}).waitFor();
	ok("English selected and kept in localStorage");
	await page.locator("#lang").selectOption("id");
	await page.locator("#nav").filter({hasText: "Ringkasan"}).waitFor();

	// A device's graphs load as real PNG images.
	await page.locator(`section.site[data-site="${env.SITE}"] a`,
		{hasText: env.DEVICE}).first().click();
	await page.waitForURL(new RegExp("#/device/" + env.SITE + "/" + env.DEVICE));
	const img = page.locator('.graphs img[data-metric="cpu.util"]');
	await img.waitFor();
	await img.scrollIntoViewIfNeeded();
	await poll(page, (sel) => {
		const i = document.querySelector(sel);
		return i && i.complete && i.naturalWidth > 0;
	}, '.graphs img[data-metric="cpu.util"]', "the cpu.util graph");
	const src = await img.getAttribute("src");
	const r = await page.request.get(BASE + src);
	if (r.status() !== 200 || r.headers()["content-type"] !== "image/png")
		fail("graph " + src + ": " + r.status() + " " + r.headers()["content-type"]);
	const body = await r.body();
	if (body.subarray(0, 4).toString("hex") !== "89504e47")
		fail("graph " + src + " is not a PNG");
	const nw = await img.evaluate((i) => i.naturalWidth);
	await snap(page, "device");
	ok("device graphs load as PNG images (naturalWidth " + nw + ")");
	await page.locator('.ranges button[data-range="-1w"]').click();
	await poll(page, () => {
		const i = document.querySelector('.graphs img[data-metric="cpu.util"]');
		return i && i.src.includes("start=-1w") && i.complete && i.naturalWidth > 0;
	}, null, "the week's graph");
	ok("range buttons switch the graphs to a week");

	// A printer whose inventory name is hostile: shown as text.
	await page.goto(BASE + "/#/device/" + env.SITE + "/" + env.PRINTER);
	await page.locator("dl.kv dd", {hasText: "<script>"}).first().waitFor();
	await page.locator("dl.kv dd", {hasText: '"><img src=x'}).first().waitFor();
	await snap(page, "hostile-printer");
	await noScriptRan(page, "printer page");
	ok("a hostile printer name is shown as text and nothing runs");

	// Work a ticket through its states.
	if (env.TICKET_ID) {
		await page.goto(BASE + "/#/tickets");
		await page.locator(`a[href="#/tickets/${env.TICKET_ID}"]`).first().click();
		await page.locator("#ticket-form").waitFor();
		const steps = [
			{state: "in_progress", assignee: "budi", note: "diperiksa"},
			{state: "waiting", note: "menunggu toner"},
			{state: "resolved", cost: "350000", parts: "toner TN-2060"},
			{state: "closed"},
		];
		for (const s of steps) {
			await page.locator("#t-state").selectOption(s.state);
			if (s.assignee)
				await page.locator("#t-assignee").fill(s.assignee);
			if (s.note)
				await page.locator("#t-note").fill(s.note);
			if (s.cost)
				await page.locator("#t-cost").fill(s.cost);
			if (s.parts)
				await page.locator("#t-parts").fill(s.parts);
			await page.locator("#ticket-form button[type=submit]").click();
			await page.locator(`#t-badge .s-${s.state}`).waitFor();
			const t = await (await apiStatus(page, "GET", "/api/v1/tickets/" + env.TICKET_ID)).json();
			const k = t.ticket || t;
			if (k.state !== s.state)
				fail("ticket state is " + k.state + ", expected " + s.state);
		}
		const k = (await (await apiStatus(page, "GET", "/api/v1/tickets/" + env.TICKET_ID)).json());
		const tk = k.ticket || k;
		if (tk.assignee !== "budi" || Number(tk.cost_idr) !== 350000 || tk.parts !== "toner TN-2060")
			fail("ticket fields not saved: " + JSON.stringify(tk));
		await snap(page, "ticket-closed");
		ok("ticket #" + env.TICKET_ID + " worked open -> in_progress -> waiting -> resolved -> closed");
	} else {
		console.log("skip - work a ticket: the server has no tickets API yet");
	}

	// A hostile asset name.
	if (env.HOSTILE_ASSET) {
		await page.goto(BASE + "/#/assets");
		await page.locator("td", {hasText: "<script>"}).first().waitFor();
		await page.goto(BASE + "/#/assets/" + encodeURIComponent(env.HOSTILE_ASSET));
		await page.locator("h1", {hasText: '"><img src=x'}).waitFor();
		await snap(page, "hostile-asset");
		await noScriptRan(page, "asset page");
		ok("a hostile asset name is shown as text and nothing runs");
	} else {
		console.log("skip - hostile asset name: the server has no assets API yet");
	}

	// Download a report.
	await page.goto(BASE + "/#/reports");
	const link = page.locator('a[data-report="print-volume"].dl-csv');
	await link.waitFor();
	const [dl] = await Promise.all([page.waitForEvent("download"), link.click()]);
	const file = join(ART, "print-volume.csv");
	await dl.saveAs(file);
	const {readFileSync} = await import("node:fs");
	const csv = readFileSync(file, "utf8");
	if (!/^[a-z_]+(,[a-z_]+)+\r?\n/.test(csv))
		fail("the downloaded report is not CSV: " + csv.slice(0, 200));
	await snap(page, "reports");
	ok("downloaded the print-volume report as CSV (" + csv.length + " bytes)");

	// The hostile job title in the print jobs list.
	if (env.HOSTILE_JOB) {
		await page.locator("td", {hasText: "<script>"}).first().waitFor();
		await noScriptRan(page, "print jobs");
		ok("a hostile job title is shown as text and nothing runs");
	}
}

main().then(() => {
	writeFileSync(join(ART, "result.txt"), "pass\n");
}, (e) => {
	console.error("FAIL: " + (e && e.message ? e.message : e));
	process.exit(1);
});
