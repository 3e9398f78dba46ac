// Fixing in place through the package: corrections replace records before the rules, and the
// corrected file (every record, fixed or as read) validates to the same verdict.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = process.env.LEADS_WASM_NODE_PKG ?? join(root, "target", "npm", "leads-wasm", "node", "leads_wasm.js");
const { CsvValidator, validateCsv } = createRequire(import.meta.url)(pkg);

const file =
  "Lead ID;Lead Name;Contact Information;Source;Interest Level;Status\n" +
  "L-1;Zoë;zoe@example;Web;High;New\n" +
  "L-2;Bob;bob@example.com;Web;Meh;Open\n" +
  "L-3;Cy;cy@example.com;Fair, east;Low;Won\n";

test("fixes replace records before the rules and the corrected file keeps the rest as read", () => {
  const v = new CsvValidator(null, "stream", { 1: ["L-1", "Zoë", "zoe@example.com", "Web", "High", "New"] });
  // Chunks that end inside a character.
  const bytes = new TextEncoder().encode(file);
  const parts = [];
  for (let i = 0; i < bytes.length; i += 5) {
    v.push(bytes.subarray(i, i + 5));
    parts.push(v.takeCorrected());
  }
  const report = v.finish();
  parts.push(v.takeCorrected());
  assert.deepEqual([report.rows, report.valid, report.invalid], [3, 2, 1]);
  assert.deepEqual(report.issues.map((i) => [i.code, i.line, i.record]), [["invalid_choice", 3, 2]]);
  assert.deepEqual(v.rejectedRows(), [
    { line: 3, record: 2, values: ["L-2", "Bob", "bob@example.com", "Web", "Meh", "Open"], errors: [report.issues[0].message] },
  ]);
  assert.deepEqual(v.takeLeads().map((l) => l.contact_information), ["zoe@example.com", "cy@example.com"]);
  const corrected = Buffer.concat(parts).toString("utf8");
  assert.equal(corrected, "\uFEFF" + file.replace("zoe@example;", "zoe@example.com;").replace(/\n/g, "\r\n"));
  const again = validateCsv(corrected).report;
  assert.deepEqual([again.rows, again.valid, again.invalid, again.delimiter], [3, 2, 1, ";"]);
});

test("bad fixes and rows that cannot be written back are clear errors", () => {
  for (const fixes of [{ 0: [] }, { x: [] }, { 1: "L-1" }, [1]]) {
    assert.throws(() => new CsvValidator(null, "none", fixes), (e) => e.code === "invalid_option" && /fixes/.test(e.message), JSON.stringify(fixes));
  }
  const v = new CsvValidator(null, "none", {});
  v.push('Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ann,ann@example.com,Web"site,High,New\n');
  v.finish();
  assert.throws(() => v.takeCorrected(), (e) => e.code === "invalid_option" && /line 2 cannot be written back unchanged/.test(e.message));
  // Without fixes there is no corrected file.
  const plain = new CsvValidator();
  plain.push(file);
  plain.finish();
  assert.equal(plain.takeCorrected().length, 0);
});
