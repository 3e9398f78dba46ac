// End to end in a real browser: the demo page served on loopback, driven by Playwright with
// Debian's Chromium (headless). Picks a CSV with errors, sees the issues and the valid-leads
// preview, filters and pages it, downloads the rows to fix, and saves a screenshot to
// target/e2e/browser-demo.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

test("the demo page validates, previews, filters, pages and exports a CSV with errors", async (t) => {
  // The package arrives slowly, as on a first visit over a real network: the file is picked
  // before it has loaded.
  const { url, server } = await serve(0, { pkgDelayMs: 1500 });
  t.after(() => server.close());
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  t.after(() => browser.close());
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1200, height: 1400 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await page.goto(url);

  await page.setInputFiles("#file", join(root, "examples", "data", "leads.csv"));
  await page.waitForSelector("#summary:not([hidden])", { timeout: 20000 }).catch((e) => {
    throw new Error(`${e.message}\nerrors on the page: ${JSON.stringify(problems)}`);
  });
  assert.match(await page.textContent("#summary-text"), /^210 rows: 204 valid, 6 with errors/);
  const issues = await page.$$eval("#issues tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.equal(issues.length, 6);
  assert.deepEqual(issues[0].slice(0, 2), ["18", "Contact Information"]);
  assert.match(issues[0][3], /maria\.gomez@gmail/);

  // The preview: 20 per page, sorted by Lead ID.
  await page.waitForFunction(() => document.querySelectorAll("#leads tbody tr").length === 20);
  assert.match(await page.textContent("#page-text"), /Page 1 of 11 · 204 leads/);
  const firstIds = await page.$$eval("#leads tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(firstIds, [...firstIds].sort());

  // Filter by status: every row is Open, and the total shrinks.
  await page.waitForSelector("html[data-ready=true]");
  await page.selectOption("#filters select[name=status]", "Open");
  await page.waitForFunction(() => /Page 1 of \d+ · \d+ leads/.test(document.querySelector("#page-text").textContent) && [...document.querySelectorAll("#leads tbody tr td:nth-child(6)")].every((td) => td.textContent === "Open"));
  const openTotal = Number((await page.textContent("#page-text")).match(/· (\d+) leads/)[1]);
  assert.ok(openTotal > 20 && openTotal < 204, String(openTotal));

  // Next page.
  const before = await page.textContent("#leads tbody tr td:first-child");
  await page.click("#next");
  await page.waitForFunction(() => document.querySelector("#page-text").textContent.startsWith("Page 2 of"));
  assert.notEqual(await page.textContent("#leads tbody tr td:first-child"), before);

  // The rows to fix, as a CSV: the header plus errors, and the 6 invalid rows.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  assert.equal(download.suggestedFilename(), "leads-to-fix.csv");
  const text = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
  const lines = text.split("\r\n").filter(Boolean);
  assert.match(lines[0], /,errors$/);
  assert.equal(lines.length, 7);

  const shots = join(root, "target", "e2e");
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, "browser-demo.png"), fullPage: true });
  assert.deepEqual(problems, []);
});
