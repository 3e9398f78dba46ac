// Hostile input from JS: every export called with wrong types throws (or rejects with) an Error
// with code "invalid_option" naming the parameter, never a wasm trap; afterwards the same module
// still validates a file. A detached buffer is refused and leaves the validator usable; a
// progress callback that throws stops an import; exported rows to fix are formula-safe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = process.env.LEADS_WASM_NODE_PKG ?? join(root, "target", "npm", "leads-wasm", "node", "leads_wasm.js");
const leads = createRequire(import.meta.url)(pkg);

const HEADER = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n";
const CSV = HEADER + Array.from({ length: 20 }, (_, i) => `L-${i},Name ${i},n${i}@example.com,Web,High,New\n`).join("");
const USER = "00000000-0000-4000-8000-000000000001";

const invalid = (name) => (e) => {
  assert.ok(e instanceof Error, `an Error, not ${e}`);
  assert.equal(e.code, "invalid_option", `${name}: ${e.message}`);
  assert.equal(e.data, name);
  return true;
};

test("every export refuses wrong types with invalid_option naming the parameter", async () => {
  const table = new leads.CsvValidator(null, "table").leadTable();
  for (const value of ["1", {}, [], true, 7n, NaN, -1, 1.5, 2 ** 32, null]) {
    assert.throws(() => table.get(value), invalid("index"));
    assert.throws(() => table.slice(value, 1), invalid("start"));
    assert.throws(() => table.slice(0, value), invalid("end"));
  }
  const bad = [5, {}, [], true, 7n];
  for (const value of bad) {
    assert.throws(() => leads.LeadQuery.parse(value), invalid("query"));
    assert.throws(() => new leads.LeadQuery(value), invalid("query"));
    assert.throws(() => new leads.LeadQuery().withCursor(value), invalid("cursor"));
    assert.throws(() => new leads.CsvValidator(null, value), invalid("collect"));
    assert.throws(() => leads.validateCsv(value), invalid("input"));
    assert.throws(() => leads.rejectedCsv(value), invalid("input"));
    assert.throws(() => new leads.CsvValidator().push(value), invalid("input"));
    assert.throws(() => new leads.SupabaseStore(value, "key"), invalid("url"));
    assert.throws(() => new leads.SupabaseStore("http://127.0.0.1:9", value), invalid("key"));
    assert.throws(() => new leads.SupabaseStore("http://127.0.0.1:9", "key", value), invalid("accessToken"));
    if (typeof value !== "boolean") assert.throws(() => new leads.MemoryStore(value), invalid("fastPasswords"));

    const store = new leads.MemoryStore(true);
    await assert.rejects(store.register(value, "correct horse"), invalid("username"));
    await assert.rejects(store.register("ann", value), invalid("password"));
    await assert.rejects(store.login(value, "p", "a JWT secret of at least 32 bytes...."), invalid("username"));
    await assert.rejects(store.login("ann", value, "a JWT secret of at least 32 bytes...."), invalid("password"));
    await assert.rejects(store.login("ann", "p", value), invalid("jwtSecret"));
    await assert.rejects(store.importCsv(value, CSV), invalid("user"));
    await assert.rejects(store.importCsv(USER, value), invalid("input"));
    await assert.rejects(store.importCsv(USER, CSV, null, value), invalid("mode"));
    await assert.rejects(store.importCsv(USER, CSV, null, "strict", value), invalid("progress"));
    await assert.rejects(store.upsertLeads(value, []), invalid("user"));
    await assert.rejects(store.query(value), invalid("user"));
    await assert.rejects(store.getLead(value, "L-1"), invalid("user"));
    await assert.rejects(store.getLead(USER, value), invalid("leadId"));
    await assert.rejects(store.updateLead(USER, value, {}), invalid("leadId"));
    await assert.rejects(store.deleteLead(USER, value), invalid("leadId"));
    await assert.rejects(store.salespeople(value), invalid("user"));
    await assert.rejects(store.addSalesperson(USER, value), invalid("name"));
    await assert.rejects(store.renameSalesperson(USER, value, "x"), invalid("id"));
    await assert.rejects(store.renameSalesperson(USER, USER, value), invalid("name"));
    await assert.rejects(store.deactivateSalesperson(USER, value), invalid("id"));
  }
  // The module is whole: it still validates a file, and stores still work.
  assert.equal(leads.validateCsv(CSV).report.valid, 20);
  const store = new leads.MemoryStore(true);
  const user = await store.register("ann", "correct horse");
  assert.equal((await store.importCsv(user.uuid, CSV)).imported.inserted, 20);
});

test("a detached buffer is refused and the validator stays usable", () => {
  const v = new leads.CsvValidator();
  v.push(HEADER);
  const buffer = new TextEncoder().encode("L-1,Ann,ann@example.com,Web,High,New\n").buffer;
  structuredClone(buffer, { transfer: [buffer] });
  assert.equal(buffer.byteLength, 0, "detached");
  assert.throws(() => v.push(buffer), invalid("input"));
  v.push("L-2,Bo,bo@example.com,Web,High,New\n");
  assert.equal(v.finish().valid, 1);
  assert.throws(() => v.finish(), (e) => e.code === "finished");
  assert.throws(() => v.push("L-3,Cy,cy@example.com,Web,High,New\n"), (e) => e.code === "finished");
});

test("a progress callback that throws stops the import and says what was stored", async () => {
  const store = new leads.MemoryStore(true);
  const user = (await store.register("ann", "correct horse")).uuid;
  const big = HEADER + Array.from({ length: 5000 }, (_, i) => `B-${i},Name,n${i}@example.com,Web,High,New\n`).join("");
  const stop = new Error("stop");
  let calls = 0;
  await assert.rejects(
    store.importCsv(user, big, null, "strict", () => {
      calls += 1;
      throw stop;
    }),
    (e) => e === stop && e.cause.code === "interrupted" && e.cause.data.inserted === 0 && e.cause.data.batches === 0,
  );
  assert.equal(calls, 1);
  assert.equal((await store.query(user, "total=true")).total, 0, "strict: nothing stored");
  let cause;
  await assert.rejects(
    store.importCsv(user, big, null, "skip_invalid", (p) => {
      if (p.inserted > 0) throw new Error("enough");
    }),
    (e) => {
      cause = e.cause;
      return e.message === "enough" && e.cause.code === "interrupted";
    },
  );
  assert.ok(cause.data.batches >= 1 && cause.data.inserted > 0 && cause.data.inserted < 5000);
  assert.equal((await store.query(user, "total=true")).total, cause.data.inserted);
  // A thrown non-object rejects with the interrupted error, carrying it as its cause.
  await assert.rejects(store.importCsv(user, big, null, "strict", () => { throw "no"; }), (e) => e.code === "interrupted" && e.cause === "no");
  const seen = [];
  await store.importCsv(user, CSV, null, "strict", (p) => seen.push(p));
  assert.deepEqual(Object.keys(seen.at(-1)).sort(), ["bytes", "inserted", "invalid", "rows", "skipped", "unchanged", "updated", "valid"]);
});

test("rows to fix are formula-safe, header cells included", () => {
  const csv = 'Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,=HYPERLINK("x"),@SUM(1)\n' + "L-1,\ufeff=cmd,nobody,\u0001+x,High,New,a,b\n";
  const lines = new TextDecoder().decode(leads.rejectedCsv(csv)).split("\r\n");
  assert.ok(lines[0].endsWith(`,"'=HYPERLINK(""x"")",'@SUM(1),errors`), lines[0]);
  assert.ok(lines[1].startsWith("L-1,'\ufeff=cmd,nobody,'\u0001+x,"), lines[1]);
});

test("leads need a registered user; wildcards never log in", async () => {
  const store = new leads.MemoryStore(true);
  await assert.rejects(store.upsertLeads(USER, leads.validateCsv(CSV).leads), (e) => e.code === "not_found" && e.data.what === "user");
  await store.register("ann", "correct horse");
  for (const name of ["*", "a*", "%", "_nn", "an_"]) {
    await assert.rejects(store.login(name, "correct horse", "a JWT secret of at least 32 bytes...."), (e) => e.code === "invalid_credentials");
  }
});
