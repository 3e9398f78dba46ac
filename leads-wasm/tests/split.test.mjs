// One validation on two threads: a CsvSplitter here, a CsvValidator in a Worker taking its
// messages (transferred, as between two Web Workers), gives the report, leads and rejected rows
// of one CsvValidator given the file.
//
//   node --test leads-wasm/tests/        (after ./scripts/build-npm)
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const pkg = process.env.LEADS_WASM_NODE_PKG ?? join(root, "target", "npm", "leads-wasm", "node", "leads_wasm.js");
const leads = createRequire(import.meta.url)(pkg);

/** 30,000 rows with every kind of problem, quoted fields, CRLF and non-ASCII text. */
function messyFile() {
  const lines = ["\uFEFFLead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson"];
  const statuses = ["New", "open", "Working - Contacted", "Won", "Maybe"];
  for (let i = 0; i < 30000; i++) {
    const id = i % 97 === 5 ? `L-${i - 3}` : `L-${i}`;
    const name = i % 11 === 0 ? `"Müller, Zoë ""Z"" ${i}"` : `Ann ${i}`;
    const contact = i % 53 === 0 ? "not a contact" : i % 3 ? `Ann.${i}@Example.COM; +1 (555) 010-${String(i % 10000).padStart(4, "0")}` : `"a${i}@example.com, b@example.org"`;
    const interest = ["High", "warm", "Cold", "Hotter"][i % 4 === 3 && i % 8 !== 7 ? 3 : i % 3];
    const row = [id, name, contact, i % 41 === 0 ? "" : `Fair ${i % 17}`, interest, statuses[i % 5 === 4 && i % 10 !== 9 ? 4 : i % 4], i % 2 ? "Dana" : ""];
    if (i % 89 === 0) row.pop();
    lines.push(row.join(","));
  }
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n");
}

/** The rules in a Worker: messages in, `{report, leads, rejected}` out after "finish". */
function rulesWorker(options) {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    const leads = require(workerData.pkg);
    const v = new leads.CsvValidator(workerData.options, "table");
    parentPort.on("message", (m) => {
      if (m !== "finish") {
        v.pushMessage(m);
        parentPort.postMessage({ stopped: v.isStopped });
        return;
      }
      const report = v.finish();
      parentPort.postMessage({ report, leads: v.leadTable().toArray(), rejected: v.rejectedRows() });
    });`;
  return new Worker(code, { eval: true, workerData: { pkg, options } });
}

async function inTwoThreads(bytes, options, chunk) {
  const worker = rulesWorker(options);
  const splitter = new leads.CsvSplitter(options);
  let sent = 0;
  for (let at = 0; at < bytes.length; at += chunk) {
    // Every other chunk, the rules that need no other row run here: the verdict is the same.
    const message = splitter.push(bytes.subarray(at, at + chunk), sent % 2 === 1);
    worker.postMessage(message, [message.buffer]);
    assert.equal(message.byteLength, 0, "transferred");
    sent++;
  }
  const last = splitter.finish();
  worker.postMessage(last, [last.buffer]);
  const result = await new Promise((resolve, reject) => {
    worker.on("message", (m) => m.report && resolve(m));
    worker.on("error", reject);
    worker.postMessage("finish");
  });
  await worker.terminate();
  return result;
}

function inOne(bytes, options) {
  const v = new leads.CsvValidator(options, "table");
  v.push(bytes);
  const report = v.finish();
  return { report, leads: v.leadTable().toArray(), rejected: v.rejectedRows() };
}

test("a CsvSplitter and a CsvValidator in another thread give one validator's verdict", async () => {
  const bytes = messyFile();
  for (const options of [null, { max_rows: 12345 }, { max_issues: 5, statuses: ["New", "Open", "Won", "Maybe"] }]) {
    const expected = inOne(bytes, options);
    assert.ok(expected.report.invalid > 1000 && expected.report.valid > 5000, JSON.stringify(expected.report));
    for (const chunk of [65536, 1 << 20]) {
      const got = await inTwoThreads(bytes, options, chunk);
      assert.deepStrictEqual(got.report, expected.report, `chunks of ${chunk}, ${JSON.stringify(options)}`);
      assert.deepStrictEqual(got.leads, expected.leads);
      assert.deepStrictEqual(got.rejected, expected.rejected);
    }
  }
});

test("messages from other options, damaged or out of place are invalid_option errors", () => {
  const bytes = messyFile();
  const splitter = new leads.CsvSplitter(null);
  const messages = [];
  for (let at = 0; at < bytes.length; at += 100000) messages.push(splitter.push(bytes.subarray(at, at + 100000), true));
  messages.push(splitter.finish());
  assert.throws(() => splitter.push("x"), (e) => e.code === "finished");
  const isMessageError = (pattern) => (e) => e instanceof Error && e.code === "invalid_option" && e.data === "message" && pattern.test(e.message);
  assert.throws(() => new leads.CsvValidator({ max_issues: 3 }).pushMessage(messages[0]), isMessageError(/other options/));
  assert.throws(() => new leads.CsvValidator().pushMessage(messages[1].subarray(0, 100)), isMessageError(/cut short/));
  assert.throws(() => new leads.CsvValidator().pushMessage(bytes.subarray(0, 100)), isMessageError(/Splitter/));
  assert.throws(() => new leads.CsvValidator().pushMessage("text"), isMessageError(/Uint8Array/));
  const v = new leads.CsvValidator();
  v.pushMessage(messages[0]);
  assert.throws(() => v.pushMessage(messages[2]), isMessageError(/out of order/));
  v.pushMessage(messages[1]);
  assert.throws(() => v.push("L-1,Ann,a@example.com,Web,High,New,\n"), isMessageError(/Splitter/));
  assert.throws(() => v.finish(), isMessageError(/last message/));
  for (const m of messages.slice(2)) v.pushMessage(m);
  assert.equal(v.finish().rows, 30000);
  assert.throws(() => v.pushMessage(messages[1]), (e) => e.code === "finished");
});

const noPacked = !leads.leadsFromPacked && "the validate-only build has no packed leads";

test("leads packed in one thread are the same objects in another", { skip: noPacked }, async () => {
  const bytes = messyFile();
  const direct = new leads.CsvValidator();
  const packing = new leads.CsvValidator();
  const expected = [];
  const packs = [];
  for (let at = 0; at < bytes.length; at += 300000) {
    direct.push(bytes.subarray(at, at + 300000));
    expected.push(...direct.takeLeads());
    packing.push(bytes.subarray(at, at + 300000));
    packs.push(packing.takeLeadsPacked());
  }
  direct.finish();
  expected.push(...direct.takeLeads());
  packing.finish();
  packs.push(packing.takeLeadsPacked());
  assert.ok(expected.length > 20000 && expected.some((l) => /[^\x00-\x7f]/.test(l.lead_name)));
  // Made into objects in a Worker, their buffers transferred there.
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const leads = require(workerData.pkg);
     parentPort.on("message", (packs) => parentPort.postMessage(packs.flatMap((p) => leads.leadsFromPacked(p))));`,
    { eval: true, workerData: { pkg } },
  );
  const got = await new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.postMessage(packs, packs.flatMap((p) => Object.values(p).map((a) => a.buffer)));
  });
  await worker.terminate();
  assert.equal(packs[0].slots.byteLength, 0, "transferred");
  assert.deepStrictEqual(got, expected);
  // Table mode packs nothing; anything but a PackedLeads is refused.
  const table = new leads.CsvValidator(null, "table");
  table.push(bytes.subarray(0, 100000));
  assert.deepStrictEqual(leads.leadsFromPacked(table.takeLeadsPacked()), []);
  for (const bad of [{}, null, { ...packs[1], slots: [1, 2] }]) {
    assert.throws(() => leads.leadsFromPacked(bad), (e) => e.code === "invalid_option" && e.data === "packed");
  }
});
