// The npm package as users get it: `npm pack` in target/npm/leads-wasm, installed into an empty
// folder, then used through `require`, `import` (Node picks the CommonJS build) and the ES module
// web build (initialised with the .wasm bytes, as a bundler or a browser would fetch them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const built = join(root, "target", "npm", "leads-wasm");

test("npm pack gives a tarball that installs and works in an empty folder", (t) => {
  const work = mkdtempSync(join(tmpdir(), "leads-wasm-pack-"));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const npm = (args, cwd) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8" });
  npm(["pack", "--pack-destination", work], built);
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  assert.match(tarball, /^leads-wasm-\d+\.\d+\.\d+\.tgz$/);
  const app = join(work, "app");
  execFileSync("mkdir", [app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true }));
  npm(["install", "--offline", join(work, tarball)], app);

  const files = JSON.parse(readFileSync(join(app, "node_modules", "leads-wasm", "package.json"), "utf8")).files;
  assert.deepEqual(files, ["web/", "node/", "validate/", "README.md"]);
  const csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\\nL-1,Ann,ann@example,Web,Hot,Open\\n";
  const check = `if (r.report.issues[0].code !== "invalid_contact" || r.report.rows !== 1) throw new Error(JSON.stringify(r));`;
  writeFileSync(join(app, "cjs.cjs"), `const l = require("leads-wasm"); const r = l.validateCsv("${csv}"); ${check} console.log("cjs ok");`);
  writeFileSync(join(app, "esm.mjs"), `import { validateCsv } from "leads-wasm"; const r = validateCsv("${csv}"); ${check} console.log("esm ok");`);
  writeFileSync(
    join(app, "web.mjs"),
    `import { readFileSync } from "node:fs";
     import { createRequire } from "node:module";
     import init, { validateCsv } from "leads-wasm/web";
     const wasm = createRequire(import.meta.url).resolve("leads-wasm/web/leads_wasm_bg.wasm");
     await init({ module_or_path: readFileSync(wasm) });
     const r = validateCsv("${csv}"); ${check} console.log("web ok");`,
  );
  // The validate-only build, through its entry point, in Node and as a browser would load it.
  writeFileSync(
    join(app, "small.cjs"),
    `const l = require("leads-wasm/validate"); const r = l.validateCsv("${csv}"); ${check}
     if ("MemoryStore" in l || "SupabaseStore" in l) throw new Error("the validate build has stores");
     console.log("validate ok");`,
  );
  writeFileSync(
    join(app, "small-web.mjs"),
    `import { readFileSync } from "node:fs";
     import { createRequire } from "node:module";
     import init, { validateCsv } from "leads-wasm/validate/web";
     const wasm = createRequire(import.meta.url).resolve("leads-wasm/validate/web/leads_wasm_bg.wasm");
     await init({ module_or_path: readFileSync(wasm) });
     const r = validateCsv("${csv}"); ${check} console.log("validate web ok");`,
  );
  for (const [file, said] of [["cjs.cjs", "cjs ok"], ["esm.mjs", "esm ok"], ["web.mjs", "web ok"], ["small.cjs", "validate ok"], ["small-web.mjs", "validate web ok"]]) {
    assert.equal(execFileSync(process.execPath, [file], { cwd: app, encoding: "utf8" }).trim(), said);
  }
});

test("the validate-only build is at most 200 KiB gzipped, and the same validator", () => {
  const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
  const small = gz(join(built, "validate", "web", "leads_wasm_bg.wasm"));
  const full = gz(join(built, "web", "leads_wasm_bg.wasm"));
  assert.ok(small <= 200 * 1024, `validate build: ${(small / 1024).toFixed(1)} KiB gzipped`);
  assert.ok(small < full / 2, `${small} vs the full build's ${full}`);
  // Its types declare the validator and no store.
  const dts = readFileSync(join(built, "validate", "web", "leads_wasm.d.ts"), "utf8");
  assert.match(dts, /export class CsvValidator/);
  assert.doesNotMatch(dts, /export class MemoryStore/);
});
