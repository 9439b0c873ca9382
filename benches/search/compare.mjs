// Search on a built site, in headless Chromium: depeche's own index (window.depecheSearch,
// from search.js) against Pagefind's (run by benches/search/run.sh over the same pages), on
// judged queries; and what a search transfers. Not a test: run by hand (benches/search/run.sh).
//
//   node compare.mjs relevance SITE_DIR BASE_PATH QUERIES.tsv...   (one JSON line per query)
//   node compare.mjs transfer SITE_DIR BASE_PATH LANG QUERY...    (one JSON line per query)
//
// SITE_DIR is the output folder, served at BASE_PATH (e.g. /depeche/) by a small server here,
// over HTTP/2 as GitHub Pages and CDNs serve (with a certificate made for the run: openssl).
// Sizes are as GitHub Pages serves them: text files gzipped (level 6), the rest as they are.
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import http2 from "node:http2";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";

// playwright-core, installed by run.sh under target/ (an ES module finds no NODE_PATH).
const require = createRequire(path.resolve(process.env.BENCH_NODE || "target/bench-node") + "/");
const { chromium } = require("playwright-core");

const [mode, siteDir, base, ...rest] = process.argv.slice(2);
const TYPES = {
  ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
  ".css": "text/css", ".svg": "image/svg+xml", ".xml": "application/xml", ".wasm": "application/wasm",
};
const TEXT = new Set(["text/html", "text/javascript", "application/json", "text/css", "image/svg+xml", "application/xml"]);

// Each answer waits as long as a trip across a network would (BENCH_LATENCY_MS, 50 by
// default), so that requests made one after another show as rounds of requests however fast
// this machine answers.
const latency = Number(process.env.BENCH_LATENCY_MS ?? 50);
// HTTP/2, as GitHub Pages and CDNs answer: one connection carries every request at once,
// where HTTP/1.1 would queue all but six.
const keys = fs.mkdtempSync(path.join(os.tmpdir(), "compare-"));
execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
  "-keyout", path.join(keys, "key.pem"), "-out", path.join(keys, "cert.pem")], { stdio: "ignore" });
const server = http2.createSecureServer(
  { key: fs.readFileSync(path.join(keys, "key.pem")), cert: fs.readFileSync(path.join(keys, "cert.pem")), allowHTTP1: true },
  (req, res) => setTimeout(() => answer(req, res), latency),
);
fs.rmSync(keys, { recursive: true });
function answer(req, res) {
  const url = new URL(req.url, "http://localhost");
  if (!url.pathname.startsWith(base)) {
    res.writeHead(404).end();
    return;
  }
  let file = path.join(siteDir, decodeURIComponent(url.pathname.slice(base.length)));
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  if (!fs.existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  const type = TYPES[path.extname(file)] || "application/octet-stream";
  const bytes = fs.readFileSync(file);
  // Validators, as GitHub Pages sends them: a request that revalidates is answered "not modified".
  const etag = `"${crypto.createHash("sha1").update(bytes).digest("hex")}"`;
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, { etag, "cache-control": "max-age=600" }).end();
    return;
  }
  // One range of bytes, as GitHub Pages, S3 and CDNs answer it (the search page reads a
  // record of a pack so).
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || "");
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]) + 1, bytes.length) : bytes.length;
    if (start >= bytes.length) {
      res.writeHead(416, { "content-range": `bytes */${bytes.length}` }).end();
      return;
    }
    res.writeHead(206, { "content-type": type, "content-range": `bytes ${start}-${end - 1}/${bytes.length}`, "cache-control": "max-age=600", etag });
    res.end(bytes.subarray(start, end));
    return;
  }
  res.writeHead(200, { "content-type": type, "cache-control": "max-age=600", etag });
  res.end(bytes);
}
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `https://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--ignore-certificate-errors"],
});

// A page's path relative to the site, as the query files write them.
const relative = (url) => {
  let p = new URL(url, origin).pathname;
  if (p.startsWith(base)) p = p.slice(base.length);
  p = p.replace(/^\//, "").replace(/index\.html$/, "");
  return p.endsWith("/") || p === "" ? p : p + "/";
};

async function relevance(files) {
  const queries = files.flatMap((f) => fs.readFileSync(f, "utf8").split("\n")
    .filter((l) => l && !l.startsWith("#")).map((l) => l.split("\t")));
  const pages = {};
  for (const lang of new Set(queries.map((q) => q[0]))) {
    const page = await browser.newPage();
    await page.goto(`${origin}${base}${lang}/search/`);
    pages[lang] = page;
  }
  const pagefind = process.env.PAGEFIND !== "0" && fs.existsSync(path.join(siteDir, "pagefind", "pagefind.js"));
  for (const [lang, kind, query, wanted] of queries) {
    const page = pages[lang];
    const typing = kind === "prefix";
    const ours = await page.evaluate(async ([q, typing]) =>
      (await window.depecheSearch(q, { typing, limit: 10 })).results.map((r) => r.u), [query, typing]);
    let theirs = null;
    if (pagefind) {
      theirs = await page.evaluate(async ([q, base]) => {
        window.pf ??= await import(base + "pagefind/pagefind.js");
        const found = await window.pf.search(q);
        const data = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
        return data.map((d) => d.url);
      }, [query, base]);
    }
    const rank = (urls) => (urls ? urls.map(relative).indexOf(wanted) + 1 : null);
    console.log(JSON.stringify({ lang, kind, query, wanted, depeche: rank(ours), pagefind: rank(theirs),
      depeche_top: ours.slice(0, 3).map(relative), pagefind_top: theirs && theirs.slice(0, 3).map(relative) }));
  }
}

// Each query typed into a fresh search page, one after the other in one browser (its cache
// kept, as a reader's): the requests and bytes each query made, the script's included for
// the first.
async function transfer(lang, queries) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  let log = [];
  // What each finished request was, once its body is read.
  const noting = [];
  let inFlight = 0;
  page.on("request", () => { inFlight += 1; });
  page.on("requestfailed", () => { inFlight -= 1; });
  page.on("requestfinished", (request) => {
    inFlight -= 1;
    noting.push(note(request));
  });
  // Until no request has been in flight for 300 ms (a load state, once reached, is not waited
  // for again).
  const settled = async () => {
    for (let quiet = 0; quiet < 300; quiet = inFlight ? 0 : quiet + 25) await page.waitForTimeout(25);
    await Promise.all(noting);
  };
  const note = async (request) => {
    const response = await request.response();
    if (!response) return;
    const timing = request.timing();
    // A response revalidated ("not modified") shows as the cached 200: no body came.
    const sizes = await request.sizes().catch(() => null);
    const status = response.status() === 200 && sizes && sizes.responseBodySize === 0 ? 304 : response.status();
    const entry = { url: request.url(), status, start: timing.startTime, end: timing.startTime + timing.responseEnd };
    log.push(entry);
    const whole = status === 200;
    const body = whole || status === 206 ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
    const type = (response.headers()["content-type"] || "").split(";")[0];
    // A range is sent as it is: a browser asks for it without compression.
    entry.bytes = TEXT.has(type) && whole ? zlib.gzipSync(body, { level: 6 }).length : body.length;
    entry.fromCache = response.fromServiceWorker() || (response.status() === 200 && body.length === 0);
  };
  await page.goto(`${origin}${base}${lang}/search/`);
  await page.waitForLoadState("networkidle");
  await settled();
  // The script, and the index's root that the page asks for as it opens, count for the first
  // query.
  const ofSearch = (e) => e.url.includes("/search.js") || e.url.includes("/search/index/");
  const pageLoad = log.filter((e) => !ofSearch(e));
  log = log.filter(ofSearch);
  for (const query of queries) {
    await page.fill("#search-q", query);
    await page.press("#search-q", "Enter");
    await page.waitForFunction(() => document.querySelector(".search-status").textContent !== "");
    await settled();
    // What the search asked for (the page's icon aside), and in how many rounds: a request
    // starts a new round when it starts after a request of the search has ended.
    const requests = log.filter((e) => e.status !== 304 && !e.url.endsWith("favicon.svg"));
    const bytes = requests.reduce((n, e) => n + e.bytes, 0);
    const files = requests.map((e) => new URL(e.url).pathname.replace(/.*\/search\//, ""));
    const searched = log.filter((e) => !e.url.endsWith("favicon.svg")).sort((a, b) => a.start - b.start);
    let rounds = 0;
    let roundEnd = -Infinity;
    for (const e of searched) {
      if (e.start >= roundEnd) {
        rounds += 1;
        roundEnd = Math.max(...searched.filter((x) => x.start <= e.start).map((x) => x.end));
      }
    }
    console.log(JSON.stringify({ lang, query, requests: requests.length, rounds, revalidated: log.length - requests.length, bytes, files }));
    await page.evaluate(() => { document.querySelector(".search-status").textContent = ""; });
    log = [];
  }
  void pageLoad;
  await context.close();
}

try {
  if (mode === "relevance") await relevance(rest);
  else if (mode === "transfer") await transfer(rest[0], rest.slice(1));
  else throw new Error("mode: relevance or transfer");
} finally {
  await browser.close();
  server.close();
}
