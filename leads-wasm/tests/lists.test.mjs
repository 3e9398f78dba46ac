// Lists the package repeats from the core cannot drift: the TypeScript `IssueCode` and
// `ErrorCode` unions of the .d.ts are exactly the core's lists (plus this package's "panic").
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = process.env.LEADS_WASM_NODE_PKG ?? join(root, "target", "npm", "leads-wasm", "node", "leads_wasm.js");
const leads = createRequire(import.meta.url)(pkg);
const dts = readFileSync(pkg.replace(/\.js$/, ".d.ts"), "utf8");

/** The string literals of `export type NAME = "a" | "b" ...;` in the .d.ts. */
function union(name) {
  const m = dts.match(new RegExp(`export type ${name} =([^;]*);`));
  assert.ok(m, `${name} is in the .d.ts`);
  return [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]);
}

test("IssueCode is the core's issue codes, in order", () => {
  assert.deepEqual(union("IssueCode"), leads.issueCodes());
});

test("ErrorCode is the core's error codes and panic", () => {
  assert.deepEqual(new Set(union("ErrorCode")), new Set([...leads.errorCodes(), "panic"]));
  assert.equal(union("ErrorCode").length, leads.errorCodes().length + 1, "no code twice");
});

test("the default statuses come from the core", () => {
  assert.deepEqual(leads.defaultStatuses(), ["New", "Open", "Contacted", "Qualified", "Proposal", "Negotiation", "Won", "Lost", "Closed"]);
});
