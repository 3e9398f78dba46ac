// SupabaseStore from the wasm package against the local PostgREST-compatible server (postrust on
// PostgreSQL with the project's migrations), as a browser uses it: a publishable (anon) key plus
// the user's access token; Row Level Security keeps each user to their own leads. Runs when the
// test command sets LEADS_TEST_API_URL and LEADS_TEST_JWT_SECRET; skipped otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = process.env.LEADS_WASM_NODE_PKG ?? join(root, "target", "npm", "leads-wasm", "node", "leads_wasm.js");
const leads = createRequire(import.meta.url)(pkg);
const url = process.env.LEADS_TEST_API_URL;
const secret = process.env.LEADS_TEST_JWT_SECRET;

function jwt(claims) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iat: now, exp: now + 3600, ...claims })}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

const CSV =
  "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n" +
  Array.from({ length: 30 }, (_, i) => `W-${i + 1},Lead ${i + 1},w${i + 1}@example.com,Website,Warm,New\n`).join("") +
  "W-99,Broken,nobody,Website,High,New\n";

test("SupabaseStore with a publishable key and a user's token", { skip: !url || !secret ? "LEADS_TEST_API_URL and LEADS_TEST_JWT_SECRET are not set" : false }, async () => {
  const admin = new leads.SupabaseStore(url, jwt({ role: "service_role" }));
  const anon = jwt({ role: "anon" });
  const names = [`js_${randomUUID().slice(0, 8)}`, `js_${randomUUID().slice(0, 8)}`];
  const sessions = [];
  for (const name of names) {
    await admin.register(name, "correct horse");
    sessions.push(await admin.login(name, "correct horse", secret));
  }
  const [ann, bob] = sessions.map((s) => new leads.SupabaseStore(url, anon, s.token));

  await assert.rejects(ann.importCsv(sessions[0].uuid, CSV), (e) => e.code === "import_rejected" && e.data.invalid === 1);
  const done = await ann.importCsv(sessions[0].uuid, CSV, null, "skip_invalid");
  assert.deepEqual(done.imported, { inserted: 30, updated: 0, unchanged: 0, skipped: 0 });
  const page = await ann.query(sessions[0].uuid, leads.LeadQuery.parse("interest_level=medium&sort=lead_id&limit=5&total=true"));
  assert.equal(page.total, 30);
  assert.deepEqual(page.items.map((l) => l.lead_id), ["W-1", "W-10", "W-11", "W-12", "W-13"]);
  // Row Level Security: Bob's token sees none of Ann's leads, even asking for her uuid.
  const theirs = await bob.query(sessions[0].uuid, "total=true");
  assert.equal(theirs.total, 0);
  const edited = await ann.updateLead(sessions[0].uuid, "W-1", { status: "won" });
  assert.equal(edited.status, "Won");
  // A forged token is refused by the server with a typed error.
  const forged = new leads.SupabaseStore(url, anon, jwt({ role: "authenticated", sub: sessions[0].uuid }).slice(0, -2) + "xx");
  await assert.rejects(forged.query(sessions[0].uuid, "limit=1"), (e) => e.code === "backend" && e.data.status >= 400);
});
