// The wasm package's stores, queries and errors under Node: MemoryStore answers with the
// server's semantics; errors are Error objects with code and data; a panic is a thrown Error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = process.env.LEADS_WASM_NODE_PKG ?? join(root, "target", "npm", "leads-wasm", "node", "leads_wasm.js");
const leads = createRequire(import.meta.url)(pkg);

const CSV =
  "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n" +
  Array.from({ length: 30 }, (_, i) => `L-${String(i + 1).padStart(2, "0")},Lead ${i + 1},l${i + 1}@example.com,${i % 2 ? "Website" : "Referral"},Hot,Open,Grace\n`).join("") +
  "L-99,Broken,not a contact,Website,High,Open,\n";

test("MemoryStore: import modes, queries with pages and cursors, edits, salespeople", async () => {
  const store = new leads.MemoryStore(true);
  const user = await store.register("ann", "correct horse");
  await assert.rejects(store.register("ANN", "correct horse"), (e) => e.code === "username_taken" && e.data === "ANN");
  const session = await store.login("Ann", "correct horse", "a JWT secret of at least 32 bytes....");
  assert.equal(session.uuid, user.uuid);
  await assert.rejects(store.login("ann", "wrong horse", "a JWT secret of at least 32 bytes...."), (e) => e.code === "invalid_credentials");

  await assert.rejects(store.importCsv(user.uuid, CSV), (e) => e.code === "import_rejected" && e.data.invalid === 1 && e.data.issues[0].line === 32);
  const done = await store.importCsv(user.uuid, new TextEncoder().encode(CSV), null, "skip_invalid");
  assert.deepEqual(done.imported, { inserted: 30, updated: 0, unchanged: 0, skipped: 0 });
  await assert.rejects(store.importCsv(user.uuid, CSV, null, "lenient"), (e) => e.code === "invalid_option" && e.data === "mode");

  const page = await store.query(user.uuid, "source=website&sort=lead_id&limit=4&page=2&total=true");
  assert.equal(page.total, 15);
  assert.deepEqual(page.items.map((l) => l.lead_id), ["L-10", "L-12", "L-14", "L-16"]);
  const q = leads.LeadQuery.parse("source=website&sort=lead_id&limit=4&page=2");
  const next = await store.query(user.uuid, q.withCursor(page.next_cursor));
  assert.deepEqual(next.items.map((l) => l.lead_id), ["L-18", "L-20", "L-22", "L-24"]);
  await assert.rejects(store.query(user.uuid, "colour=red"), (e) => e.code === "invalid_query" && e.data === "colour");

  const lead = await store.updateLead(user.uuid, "L-09", { status: "won", salesperson: null });
  assert.equal(lead.status, "Won");
  assert.equal(lead.salesperson, null);
  await assert.rejects(store.updateLead(user.uuid, "L-09", { contact_information: "x" }), (e) => e.code === "invalid_lead" && e.data[0].code === "invalid_contact");
  await store.deleteLead(user.uuid, "L-09");
  await assert.rejects(store.getLead(user.uuid, "L-09"), (e) => e.code === "not_found" && e.data.what === "lead");

  const people = await store.salespeople(user.uuid);
  assert.deepEqual(people.map((p) => [p.name, p.lead_count]), [["Grace", 29]]);
  const jane = await store.addSalesperson(user.uuid, "Jane");
  await assert.rejects(store.addSalesperson(user.uuid, "JANE"), (e) => e.code === "salesperson_exists");
  assert.equal((await store.renameSalesperson(user.uuid, jane.id, "Jane Roe")).name, "Jane Roe");
  assert.equal((await store.deactivateSalesperson(user.uuid, jane.id)).active, false);
});

test("upsertLeads takes validated leads and re-checks leads made in JS", async () => {
  const store = new leads.MemoryStore(true);
  const user = (await store.register("ann", "correct horse")).uuid;
  const { leads: valid } = leads.validateCsv(CSV);
  assert.deepEqual(await store.upsertLeads(user, valid), { inserted: 30, updated: 0, unchanged: 0, skipped: 0 });
  const forged = { ...valid[0], contact_information: "nobody" };
  await assert.rejects(store.upsertLeads(user, [forged]), (e) => e.code === "invalid_lead");
  await assert.rejects(store.upsertLeads("not-a-uuid", valid), (e) => e.code === "invalid_option" && e.data === "user");
});

test("LeadQuery parses and prints the query-string form", () => {
  const q = new leads.LeadQuery("?status=Open,won&q=acme&sort=-interest_level,lead_name&limit=20&page=3&total=true");
  assert.deepEqual([q.status, q.q, q.sort, q.limit, q.offset, q.total], [["Open", "won"], "acme", ["-interest_level", "lead_name"], 20, 40, true]);
  assert.equal(leads.LeadQuery.parse(q.toString()).toString(), q.toString());
  assert.deepEqual(new leads.LeadQuery().sort, ["-created_at"]);
  assert.throws(() => leads.LeadQuery.parse("limit=5000"), (e) => e instanceof Error && e.code === "invalid_query" && e.data === "limit");
});

test("SupabaseStore refuses unusable URLs; a server that is down rejects with an http error", async () => {
  assert.throws(() => new leads.SupabaseStore("ftp://example", "key"), (e) => e.code === "invalid_option");
  const store = new leads.SupabaseStore("http://127.0.0.1:9", "publishable-key", "token");
  await assert.rejects(store.query("00000000-0000-4000-8000-000000000001", "limit=1"), (e) => e instanceof Error && e.code === "http");
});

test("a Rust panic reaches JS as an Error with code panic, not as unreachable", () => {
  assert.throws(() => leads.__panicForTests(), (e) => e instanceof Error && e.code === "panic" && /a test panic/.test(e.message));
  // The module still works afterwards.
  assert.equal(leads.validateCsv("Lead ID\n").report.rows, 0);
});

test("the .d.ts has no `any`", () => {
  const dts = readFileSync(pkg.replace(/\.js$/, ".d.ts"), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  assert.doesNotMatch(dts, /\bany\b/);
});

test("upsertLeads re-checks with the rules the leads were validated with (custom statuses)", async () => {
  const store = new leads.MemoryStore(true);
  const user = (await store.register("ann", "correct horse")).uuid;
  const options = { statuses: ["Pending", "Signed"] };
  const csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ann,ann@example.com,Web,High,pending\n";
  const { report, leads: valid } = leads.validateCsv(csv, options);
  assert.equal(report.valid, 1);
  assert.equal(valid[0].status, "Pending");
  assert.deepEqual(await store.upsertLeads(user, valid, options), { inserted: 1, updated: 0, unchanged: 0, skipped: 0 });
  await assert.rejects(store.upsertLeads(user, valid), (e) => e.code === "invalid_lead" && e.data[0].code === "invalid_choice");
});

test("re-imports: a file without the salesperson column keeps assignments; dryRunCsv says what would change and writes nothing", async () => {
  const store = new leads.MemoryStore(true);
  const user = (await store.register("ann", "correct horse")).uuid;
  await store.importCsv(user, CSV, null, "skip_invalid");
  const without = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-01,Lead 1,l1@example.com,Referral,Hot,Won\nL-50,New,n@example.com,Web,Low,New\n";
  const before = await store.query(user, "limit=1000&sort=lead_id");
  const dry = await store.dryRunCsv(user, without);
  assert.deepEqual(dry.imported, { inserted: 1, updated: 1, unchanged: 0, skipped: 0 });
  assert.deepEqual(dry.changes, [{ lead_id: "L-01", fields: { status: { before: "Open", after: "Won" } } }]);
  assert.deepEqual(await store.query(user, "limit=1000&sort=lead_id"), before, "nothing written");
  const updateOnly = await store.dryRunCsv(user, without, { on_new: "skip" });
  assert.deepEqual(updateOnly.imported, { inserted: 0, updated: 1, unchanged: 0, skipped: 1 });
  await assert.rejects(store.dryRunCsv(user, without, { on_new: "maybe" }), (e) => e.code === "invalid_option");

  const done = await store.importCsv(user, without);
  assert.deepEqual(done.imported, dry.imported);
  assert.equal(done.changes, undefined);
  const l1 = await store.getLead(user, "L-01");
  assert.deepEqual([l1.status, l1.salesperson], ["Won", "Grace"], "the assignment stays");
});

test("import history: every import and bulk edit is a job; revertImport undoes one, conflicts left, twice changes nothing", async () => {
  const store = new leads.MemoryStore(true);
  const user = (await store.register("ann", "correct horse")).uuid;
  const first = await store.importCsv(user, CSV, { file_name: "week-1.csv" }, "skip_invalid");
  assert.deepEqual([first.job.kind, first.job.state, first.job.file_name, first.job.bytes], ["import", "done", "week-1.csv", CSV.length]);
  assert.equal(first.job.counts.inserted, 30);
  assert.deepEqual(first.job.issues.map((i) => i.code), ["invalid_contact"]);
  assert.equal((await store.dryRunCsv(user, CSV, null, "skip_invalid")).job, null);
  const second = await store.importCsv(user, "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-01,Lead 1,l1@example.com,Referral,Hot,Won\nL-02,Lead 2,l2@example.com,Website,Hot,Won\nL-50,New,n@example.com,Web,Low,New\n");
  const page = await store.imports(user, 1);
  assert.deepEqual(page.items.map((j) => j.id), [second.job.id]);
  const rest = await store.imports(user, null, page.next_cursor);
  assert.deepEqual([rest.items.map((j) => j.id), rest.next_cursor], [[first.job.id], null]);
  assert.deepEqual(await store.getImport(user, first.job.id), first.job);
  await assert.rejects(store.imports(user, 0), (e) => e.code === "invalid_query");
  await assert.rejects(store.imports(user, 1.5), (e) => e.code === "invalid_option" && e.data === "limit");
  await assert.rejects(store.getImport(user, "not-a-uuid"), (e) => e.code === "invalid_option");

  await store.updateLead(user, "L-02", { status: "Lost" });
  const undone = await store.revertImport(user, second.job.id);
  assert.deepEqual([undone.deleted, undone.restored, undone.conflicts, undone.job.state], [1, 1, ["L-02"], "reverted"]);
  assert.equal((await store.getLead(user, "L-01")).status, "Open");
  assert.equal((await store.getLead(user, "L-02")).status, "Lost", "the lead edited since is left");
  const twice = await store.revertImport(user, second.job.id);
  assert.deepEqual([twice.deleted, twice.restored, twice.conflicts], [0, 0, []]);

  const bulk = await store.updateLeads(user, "source=website", { salesperson: "Hedy" });
  assert.deepEqual([bulk.kind, bulk.counts.updated], ["bulk_update", 15]);
  await assert.rejects(store.updateLeads(user, null, { salesperson: "Hedy" }), (e) => e.code === "invalid_query" && e.data === "all");
  await assert.rejects(store.updateLeads(user, "source=website", { status: "Nope" }), (e) => e.code === "invalid_lead");
  assert.equal((await store.revertImport(user, bulk.id)).restored, 15);
  const gone = await store.deleteLeads(user, null, true);
  assert.equal(gone.counts.deleted, 30);
  assert.equal((await store.revertImport(user, gone.id)).restored, 30);
  assert.equal((await store.query(user, "total=true&limit=1")).total, 30);
});

test("teams and roles: actingAs(member) does what their role allows; forbidden names the permission", async () => {
  const store = new leads.MemoryStore(true);
  const owner = (await store.register("olga", "correct horse")).uuid;
  const rep = (await store.register("ravi", "correct horse")).uuid;
  await store.importCsv(owner, CSV, null, "skip_invalid");
  await store.addSalesperson(owner, "Ravi Rao");
  await store.updateLead(owner, "L-01", { salesperson: "Ravi Rao" });
  const ravi = (await store.salespeople(owner)).find((p) => p.name === "Ravi Rao");
  const member = await store.addMember(owner, "ravi", "rep", ravi.id);
  assert.deepEqual([member.username, member.role, member.salesperson_id, member.team_ids], ["ravi", "rep", ravi.id, []]);
  await assert.rejects(store.addMember(owner, "ravi", "rep"), (e) => e.code === "already_exists" && e.data.what === "member");
  await assert.rejects(store.addMember(owner, "ravi", "overlord"), (e) => e.code === "invalid_option" && e.data === "role");
  const asRavi = store.actingAs(rep);
  const mine = await asRavi.query(owner, "total=true");
  assert.deepEqual([mine.total, mine.items.map((l) => l.lead_id)], [1, ["L-01"]]);
  await assert.rejects(asRavi.getLead(owner, "L-02"), (e) => e.code === "not_found");
  await assert.rejects(asRavi.deleteLead(owner, "L-01"), (e) => e.code === "forbidden" && e.data.permission === "delete_leads" && e.data.role === "rep");
  await assert.rejects(asRavi.importCsv(owner, CSV, null, "skip_invalid"), (e) => e.code === "forbidden");
  assert.equal((await asRavi.updateLead(owner, "L-01", { status: "Won" })).status, "Won");
  const chunks = [];
  assert.equal(await asRavi.exportCsv(owner, null, (c) => chunks.push(c)), 1);
  const team = await store.addTeam(owner, "East");
  assert.deepEqual(await store.teams(owner), [team]);
  assert.equal((await store.setSalespersonTeam(owner, ravi.id, team.id)).team_id, team.id);
  assert.equal((await store.changeMember(owner, rep, { role: "manager", team_ids: [team.id] })).role, "manager");
  await asRavi.deleteLead(owner, "L-01");
  await store.removeMember(owner, rep);
  await assert.rejects(asRavi.query(owner), (e) => e.code === "forbidden" && e.data.permission === "member");
  assert.throws(() => store.actingAs("not-a-uuid"), (e) => e.code === "invalid_option");
});

test("exportCsv streams every matching lead as an import-format CSV that re-imports unchanged", async () => {
  const store = new leads.MemoryStore(true);
  const user = (await store.register("ann", "correct horse")).uuid;
  await store.importCsv(user, CSV, null, "skip_invalid");
  const chunks = [];
  assert.equal(await store.exportCsv(user, "source=website&sort=-lead_id", (c) => chunks.push(c)), 15);
  assert.ok(chunks.every((c) => c instanceof Uint8Array));
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(Buffer.concat(chunks));
  const lines = text.split("\r\n").filter(Boolean);
  assert.equal(lines[0], "\uFEFFLead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson");
  assert.equal(lines[1], "L-30,Lead 30,l30@example.com,Website,High,Open,Grace");
  assert.equal(lines.length, 16);
  const all = [];
  await store.exportCsv(user, null, (c) => all.push(c));
  const again = await store.importCsv(user, Buffer.concat(all));
  assert.deepEqual(again.imported, { inserted: 0, updated: 0, unchanged: 30, skipped: 0 });
  await assert.rejects(store.exportCsv(user, "colour=red", () => {}), (e) => e.code === "invalid_query");
  await assert.rejects(store.exportCsv(user, null, "not a function"), (e) => e.code === "invalid_option" && e.data === "write");
  const full = new Error("disk full");
  await assert.rejects(store.exportCsv(user, null, () => { throw full; }), (e) => e === full && e.cause.code === "io");
});
