// Validating the generated lead files in Node: leads-wasm (one thread, and spread over Workers)
// against PapaParse plus the same rules
// written in JavaScript, in one run. Each contender runs in its own process (peak memory is its
// own maxRSS), best of --repeat runs; every contender must reach the verdict of leads-wasm.
//
//   node leads-wasm/bench/validate.mjs [--rows 100000,1000000] [--repeat 3] [--profile default,messy]
// (after ./scripts/build-npm and `npm install` in leads-wasm/bench)
import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, openSync, readSync, closeSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const require = createRequire(import.meta.url);
const pkg = join(root, "target", "npm", "leads-wasm", "node", "leads_wasm.js");

// The row rules of DESIGN §4, as a JavaScript peer would write them.
const FIELDS = { leadid: "lead_id", leadname: "lead_name", contactinformation: "contact_information", source: "source", interestlevel: "interest_level", status: "status", assignedsalesperson: "salesperson" };
const EMAIL = String.raw`[^@\s;,/|]+@[^@\s;,/|.]+(?:\.[^@\s;,/|.]+)+`;
const PHONE = String.raw`\+?(?:[\-.() ]*\d){7,15}[\-.() ]*(?:\s*x\d+)?`;
const PART = `(?:${EMAIL}|${PHONE})`;
const CONTACT = new RegExp(`^${PART}(?:\\s*[;,/|]\\s*${PART})*$`);
const EMAILS = new RegExp(EMAIL, "g");
const INTEREST = { high: "High", medium: "Medium", low: "Low", hot: "High", warm: "Medium", cold: "Low" };
const STATUS = Object.fromEntries(["New", "Open", "Contacted", "Qualified", "Proposal", "Negotiation", "Won", "Lost", "Closed"].map((s) => [s.toLowerCase(), s]));
const LIMITS = { lead_id: 128, lead_name: 256, source: 128, salesperson: 128 };
const REQUIRED = ["lead_id", "lead_name", "contact_information", "source", "interest_level", "status"];

function papaparse(path, chunkSize) {
  const Papa = require("papaparse");
  const valid = [];
  const issues = [];
  const seen = new Set();
  let invalid = 0;
  let names = null;
  let record = 0;
  const rowOf = (fields) => {
    if (!names) {
      names = fields.map((h) => FIELDS[h.replace(/^\uFEFF/, "").replace(/[\s_-]/g, "").toLowerCase()] ?? "");
      return;
    }
    const row = {};
    let any = false;
    for (let i = 0; i < names.length; i++) {
      if (!names[i]) continue;
      const v = (fields[i] ?? "").trim();
      row[names[i]] = v;
      if (v) any = true;
    }
    if (!any) return;
    record++;
    const errors = [];
    if (fields.length !== names.length) errors.push("field_count");
    for (const f of REQUIRED) if (!row[f]) errors.push("required");
    for (const [f, max] of Object.entries(LIMITS)) if ((row[f] ?? "").length > max) errors.push("too_long");
    if (row.contact_information && !CONTACT.test(row.contact_information)) errors.push("invalid_contact");
    const interest = INTEREST[(row.interest_level ?? "").toLowerCase()];
    if (row.interest_level && !interest) errors.push("invalid_choice");
    const status = STATUS[(row.status ?? "").toLowerCase()];
    if (row.status && !status) errors.push("invalid_choice");
    // A row of the wrong width is not trusted with a Lead ID: later rows are not its duplicates.
    if (row.lead_id && fields.length === names.length) {
      if (seen.has(row.lead_id)) errors.push("duplicate_lead_id");
      else seen.add(row.lead_id);
    }
    if (errors.length) {
      invalid++;
      if (issues.length < 1000) issues.push({ record, errors });
      return;
    }
    row.contact_information = row.contact_information.replace(EMAILS, (m) => m.toLowerCase());
    row.interest_level = interest;
    row.status = status;
    row.salesperson = row.salesperson || null;
    valid.push(row);
  };
  // PapaParse's own streaming mode over a file stream (what it does with a File in a browser).
  return new Promise((resolve, reject) => {
    Papa.parse(createReadStream(path, { highWaterMark: chunkSize }), {
      step: (r) => rowOf(r.data),
      skipEmptyLines: true,
      complete: () => resolve([valid.length, invalid]),
      error: reject,
    });
  });
}


function leadsWasmObjects(path, chunkSize) {
  const leads = require(pkg);
  const v = new leads.CsvValidator();
  const fd = openSync(path, "r");
  const buf = Buffer.alloc(chunkSize);
  const valid = [];
  for (;;) {
    const n = readSync(fd, buf, 0, chunkSize, null);
    if (n === 0) break;
    v.push(buf.subarray(0, n));
    for (const lead of v.takeLeads()) valid.push(lead);
  }
  closeSync(fd);
  const report = v.finish();
  for (const lead of v.takeLeads()) valid.push(lead);
  v.free();
  return [valid.length, report.invalid];
}

function leadsWasmTable(path, chunkSize, from = pkg) {
  const leads = require(from);
  const v = new leads.CsvValidator(null, "table");
  const fd = openSync(path, "r");
  const buf = Buffer.alloc(chunkSize);
  for (;;) {
    const n = readSync(fd, buf, 0, chunkSize, null);
    if (n === 0) break;
    v.push(buf.subarray(0, n));
  }
  closeSync(fd);
  const report = v.finish();
  const table = v.leadTable();
  const counts = [table.length, report.invalid];
  table.free();
  v.free();
  return counts;
}

/** The Workers, made once per process (a page keeps its Workers too). */
let workers = null;
async function startWorkers() {
  if (workers) return workers;
  const { Worker, MessageChannel } = await import("node:worker_threads");
  const state = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const make = (role, port) => new Worker(join(here, "worker.cjs"), { workerData: { pkg, role, shared: state.buffer, port }, transferList: [port] });
  workers = { state, rules: make("rules", port1), splitter: make("splitter", port2) };
  return workers;
}

/**
 * One validation on two Workers (as in a browser): a CsvSplitter reading the file in one, a
 * CsvValidator taking its messages in the other and keeping the leads in a table.
 */
async function leadsWasmTwoThreads(path, chunkSize) {
  const { rules, splitter, state } = await startWorkers();
  Atomics.store(state, 0, 0);
  Atomics.store(state, 1, 0);
  return new Promise((resolve, reject) => {
    rules.once("message", (m) => resolve(m.counts));
    rules.once("error", reject);
    splitter.postMessage({ path, chunkSize, collect: "table" });
  });
}

/**
 * Every lead as a JS object here, the validation on two Workers: a CsvSplitter reading the
 * file in one, a CsvValidator in the other posting its leads packed (takeLeadsPacked) after
 * every message; this thread makes the objects (leadsFromPacked), as a page's main thread would.
 */
async function leadsWasmObjectsThreeThreads(path, chunkSize) {
  const leads = require(pkg);
  const { rules, splitter, state } = await startWorkers();
  Atomics.store(state, 0, 0);
  Atomics.store(state, 1, 0);
  const valid = [];
  const counts = await new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m.packed) {
        for (const lead of leads.leadsFromPacked(m.packed)) valid.push(lead);
        return;
      }
      rules.off("message", onMessage);
      resolve(m.counts);
    };
    rules.on("message", onMessage);
    rules.once("error", reject);
    splitter.postMessage({ path, chunkSize, collect: "stream" });
  });
  return [valid.length, counts[1]];
}

/** The validate-only build (leads-wasm/validate): smaller, the same validator. */
const small = join(root, "target", "npm", "leads-wasm", "validate", "node", "leads_wasm.js");

const CONTENDERS = {
  "leads-wasm (report + valid leads in a table)": leadsWasmTable,
  "leads-wasm/validate build (same, table)": (path, chunkSize) => leadsWasmTable(path, chunkSize, small),
  "leads-wasm, two threads (table)": leadsWasmTwoThreads,
  "leads-wasm (every lead as a JS object)": leadsWasmObjects,
  "leads-wasm, three threads (every lead as a JS object)": leadsWasmObjectsThreeThreads,
  "PapaParse + rules (streaming)": papaparse,
};

async function runOne(name, path, repeat) {
  let best = Infinity;
  let counts;
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    counts = await CONTENDERS[name](path, 1 << 20);
    best = Math.min(best, performance.now() - t);
  }
  return { seconds: best / 1000, valid: counts[0], invalid: counts[1], peakMiB: process.resourceUsage().maxRSS / 1024 };
}

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
if (arg("--one")) {
  console.log(JSON.stringify(await runOne(arg("--one"), arg("--file"), Number(arg("--repeat", "1")))));
  await Promise.all([workers?.rules.terminate(), workers?.splitter.terminate()]);
  process.exit(0);
}
const repeat = Number(arg("--repeat", "3"));
const wasm = readFileSync(join(root, "target", "npm", "leads-wasm", "web", "leads_wasm_bg.wasm"));
const smallWasm = readFileSync(join(root, "target", "npm", "leads-wasm", "validate", "web", "leads_wasm_bg.wasm"));
for (const [name, bytes] of [["leads_wasm_bg.wasm", wasm], ["validate/web/leads_wasm_bg.wasm", smallWasm]]) {
  console.log(`${name}: ${(bytes.length / 1024).toFixed(0)} KiB, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(0)} KiB gzipped`);
}
let failed = false;
const runs = arg("--profile", "default,messy").split(",").flatMap((profile) => arg("--rows", "100000,1000000").split(",").map((rows) => [profile, Number(rows)]));
for (const [profile, rows] of runs) {
  const path = join(root, "target", "bench", profile === "default" ? `leads-${rows}.csv` : `leads-${rows}-${profile}.csv`);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const gen = ["run", "--quiet", "--release", "-p", "leads-gen", "--", String(rows), "-o", path];
    execFileSync("cargo", profile === "default" ? gen : [...gen, "--profile", profile], { cwd: root, stdio: "inherit" });
  }
  const size = statSync(path).size;
  console.log(`\n${rows.toLocaleString("en")} rows, ${profile} profile, ${(size / 1e6).toFixed(1)} MB; best of ${repeat}, each contender in its own process`);
  const results = {};
  for (const name of Object.keys(CONTENDERS)) {
    const out = execFileSync(process.execPath, ["--max-old-space-size=8192", fileURLToPath(import.meta.url), "--one", name, "--file", path, "--repeat", String(repeat)], { encoding: "utf8" });
    results[name] = JSON.parse(out);
  }
  const base = results["PapaParse + rules (streaming)"].seconds;
  const verdict = Object.values(results)[0];
  console.log(`${"contender".padEnd(56)} ${"seconds".padStart(8)} ${"MB/s".padStart(7)} ${"vs Papa".padStart(8)} ${"peak MiB".padStart(9)}`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(56)} ${r.seconds.toFixed(3).padStart(8)} ${(size / r.seconds / 1e6).toFixed(1).padStart(7)} ${(base / r.seconds).toFixed(1).padStart(7)}x ${r.peakMiB.toFixed(0).padStart(9)}`);
    if (r.valid !== verdict.valid || r.invalid !== verdict.invalid) {
      console.error(`${name} disagrees: ${r.valid} valid, ${r.invalid} invalid vs ${verdict.valid}, ${verdict.invalid}`);
      failed = true;
    }
  }
  if (!failed) console.log(`every contender agrees: ${verdict.valid} valid, ${verdict.invalid} invalid`);
}
process.exit(failed ? 1 : 0);
