// Runs every case of tests/vectors/ through the wasm package under Node: the report must equal the
// expected canonical JSON (the one the Rust tests check), in one chunk and in small chunks.
//
//   node --test leads-wasm/tests/        (after ./scripts/build-npm)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const pkg = process.env.LEADS_WASM_NODE_PKG ?? join(root, "target", "npm", "leads-wasm", "node", "leads_wasm.js");
const leads = createRequire(import.meta.url)(pkg);
const vectorsDir = join(root, "tests", "vectors");

function cases(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return cases(path);
    return name.endsWith(".csv") ? [path] : [];
  });
}

const readJson = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined);

const all = cases(vectorsDir);

test("the corpus is there", () => {
  assert.ok(all.length >= 40, `${all.length} vectors`);
});

for (const csv of all) {
  const name = csv.slice(vectorsDir.length + 1);
  const base = csv.slice(0, -".csv".length);
  const options = readJson(`${base}.options.json`);
  const expected = readJson(`${base}.json`);
  const expectedLeads = readJson(`${base}.leads.json`);
  test(name, () => {
    const bytes = new Uint8Array(readFileSync(csv));
    const { report, leads: valid } = leads.validateCsv(bytes, options);
    assert.deepStrictEqual(report, expected);
    if (expectedLeads) assert.deepStrictEqual(valid, expectedLeads);
    // The same verdict from an ArrayBuffer, and when the file arrives in 7-byte chunks.
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    assert.deepStrictEqual(leads.validateCsv(buffer, options).report, expected);
    const v = new leads.CsvValidator(options);
    const taken = [];
    for (let i = 0; i < bytes.length; i += 7) {
      v.push(bytes.subarray(i, i + 7));
      taken.push(...v.takeLeads());
    }
    assert.deepStrictEqual(v.finish(), expected);
    taken.push(...v.takeLeads());
    assert.deepStrictEqual(taken, valid);
    assert.equal(v.progress.rows, expected.rows);
    // Collected in a table: the same leads; the report alone: the same report.
    const t = new leads.CsvValidator(options, "table");
    t.push(bytes);
    assert.deepStrictEqual(t.finish(), expected);
    assert.deepStrictEqual(t.takeLeads(), []);
    const table = t.leadTable();
    assert.equal(table.length, valid.length);
    assert.deepStrictEqual(table.toArray(), valid);
    assert.deepStrictEqual(table.slice(1, 3), valid.slice(1, 3));
    assert.deepStrictEqual(table.get(0), valid[0]);
    assert.equal(table.get(valid.length), undefined);
    // Read by a CsvSplitter in 7-byte chunks, the rules in a CsvValidator: the same verdict.
    const splitter = new leads.CsvSplitter(options);
    const rules = new leads.CsvValidator(options, "table");
    for (let i = 0; i < bytes.length; i += 7) rules.pushMessage(splitter.push(bytes.subarray(i, i + 7), i % 14 === 7));
    rules.pushMessage(splitter.finish());
    assert.deepStrictEqual(rules.finish(), expected);
    assert.deepStrictEqual(rules.leadTable().toArray(), valid);
    const bare = new leads.CsvValidator(options, "none");
    bare.push(bytes);
    assert.deepStrictEqual(bare.finish(), expected);
    assert.deepStrictEqual(bare.takeLeads(), []);
  });
}

test("errors are Error objects with a code", () => {
  assert.throws(
    () => leads.validateCsv(new Uint8Array(), { max_rows: 0 }),
    (e) => e instanceof Error && e.code === "invalid_option" && e.data === "max_rows",
  );
  assert.throws(
    () => new leads.CsvValidator({ colour: "red" }),
    (e) => e instanceof Error && e.code === "invalid_option" && /colour/.test(e.message),
  );
  assert.throws(() => leads.validateCsv(42), (e) => e instanceof Error && e.code === "invalid_option" && e.data === "input");
  assert.throws(() => new leads.CsvValidator(null, "everything"), (e) => e.code === "invalid_option" && e.data === "collect");
  const v = new leads.CsvValidator();
  v.finish();
  assert.throws(() => v.push("x"), (e) => e.code === "finished");
  assert.deepStrictEqual(leads.issueCodes().length, 16);
});

test("rejected rows export as CSV", () => {
  const csv = "Lead ID;Lead Name;Contact Information;Source;Interest Level;Status\r\nL-1;+1 555 010 0100;nobody;Web;High;New\r\nL-2;Bo;bo@example.com;Web;High;New\r\n";
  const out = new TextDecoder().decode(leads.rejectedCsv(csv));
  const v = new leads.CsvValidator();
  v.push(csv.slice(0, 50));
  v.push(new TextEncoder().encode(csv.slice(50)));
  v.finish();
  assert.equal(new TextDecoder().decode(v.rejectedCsv()), out);
  const lines = out.replace(/^\uFEFF/, "").split("\r\n").filter(Boolean);
  assert.equal(lines[0], "Lead ID;Lead Name;Contact Information;Source;Interest Level;Status;errors");
  assert.ok(lines[1].startsWith("L-1;+1 555 010 0100;nobody;"), lines[1]);
  assert.equal(lines.length, 2);
});

test("leads cross into JS with every character as the core has it", () => {
  // Leads cross in bulk (one text per call, cut in JS, repeated values shared): astral and
  // combining characters, a BOM and line separators inside values, ASCII and other text mixed,
  // more distinct sources than are shared, and unassigned leads must all come out literally.
  const header = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson";
  const names = ["Zoë 😀 Ann", "\uFEFFBOM first", "a\u2028b", "Ana", "e\u0301", "𝔘𝔫𝔦"];
  const rows = [];
  const expected = [];
  for (let i = 0; i < 6000; i++) {
    const lead = {
      lead_id: i % 7 === 0 ? `\uFEFFL-${i}` : `L-${i}`,
      lead_name: `${names[i % names.length]} ${i}`,
      contact_information: `u${i}@example.com`,
      source: i % 2 ? `Src ${i}` : ["Web", "Fair 🎪", "Référence"][i % 3],
      interest_level: ["High", "Medium", "Low"][i % 3],
      status: ["New", "Won", "Lost"][i % 3],
      salesperson: i % 4 === 0 ? null : ["Bob", "Zoë", "李"][i % 3],
    };
    expected.push(lead);
    const cells = [lead.lead_id, lead.lead_name, lead.contact_information.toUpperCase(), lead.source];
    cells.push(lead.interest_level.toLowerCase(), lead.status.toUpperCase(), lead.salesperson ?? "");
    rows.push(cells.join(","));
  }
  const csv = `${header}\n${rows.join("\n")}\n`;
  const { report, leads: valid } = leads.validateCsv(csv);
  assert.equal(report.valid, expected.length, JSON.stringify(report.issues.slice(0, 3)));
  assert.deepStrictEqual(valid, expected);
  const v = new leads.CsvValidator();
  const taken = [];
  const bytes = new TextEncoder().encode(csv);
  for (let i = 0; i < bytes.length; i += 4096) {
    v.push(bytes.subarray(i, i + 4096));
    taken.push(...v.takeLeads());
  }
  v.finish();
  taken.push(...v.takeLeads());
  assert.deepStrictEqual(taken, expected);
  assert.equal(v.leadTable().length, 0, "a streaming validator's leads are taken with takeLeads");
  const t = new leads.CsvValidator(null, "table");
  t.push(bytes);
  t.finish();
  const table = t.leadTable();
  assert.deepStrictEqual(table.toArray(), expected);
  assert.deepStrictEqual(table.slice(4990, 5010), expected.slice(4990, 5010));
  // get() converts one lead field by field: the same objects.
  for (const i of [0, 1, 7, 4095, 4096, 5999]) assert.deepStrictEqual(table.get(i), expected[i]);
  assert.deepStrictEqual(table.slice(3, 3), []);
});
