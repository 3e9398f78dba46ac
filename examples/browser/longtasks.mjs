// How responsive the page stays while it checks a big file: the page served offline by
// serve.mjs in headless Chromium, a generated file picked, and every main-thread task over 50 ms
// (the Long Tasks API) recorded from the pick until the result is shown. Prints the slowest.
//
//   node examples/browser/longtasks.mjs [--rows 1000000] [--profile default|messy]
//
// (A measurement, not a test: the figures go to BENCHMARKS.md.)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rows = Number(arg("--rows", "1000000"));
const profile = arg("--profile", "default");
const dir = join(root, "target", "bench-data");
mkdirSync(dir, { recursive: true });
const file = join(dir, `leads-${rows}${profile === "messy" ? "-messy" : ""}.csv`);
if (!existsSync(file)) {
  const extra = profile === "messy" ? ["--profile", "messy"] : [];
  execFileSync("cargo", ["run", "--quiet", "--release", "-p", "leads-gen", "--", String(rows), ...extra, "-o", file], { cwd: root, stdio: "inherit" });
}

const { url, server } = await serve(0);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    globalThis.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) globalThis.__long.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: "longtask", buffered: true });
  });
  await page.goto(url);
  await page.waitForSelector("html[data-ready=true]");
  await page.click("#offline");
  const picked = await page.evaluate(() => performance.now());
  await page.setInputFiles("#file", file);
  await page.waitForFunction(() => /rows,/.test(document.querySelector("#summary-text").textContent), null, { timeout: 600000 });
  const done = await page.evaluate(() => performance.now());
  const summary = await page.textContent("#summary-text");
  const tasks = (await page.evaluate(() => globalThis.__long)).filter((t) => t.start >= picked);
  const slowest = tasks.reduce((m, t) => Math.max(m, t.ms), 0);
  console.log(`${rows.toLocaleString()} rows (${profile}, ${(statSync(file).size / 1e6).toFixed(1)} MB): checked in ${((done - picked) / 1000).toFixed(2)} s`);
  console.log(`  main-thread tasks over 50 ms: ${tasks.length}; slowest ${slowest.toFixed(0)} ms (${tasks.map((t) => `${t.ms.toFixed(0)} ms at ${((t.start - picked) / 1000).toFixed(2)} s`).join(", ")})`);
  console.log(`  ${summary}`);
  // One cell fixed: the whole file is checked again with the fix.
  const input = page.locator("#issues input").first();
  const fixing = await page.evaluate(() => performance.now());
  await input.fill("fixed-by-longtasks");
  await input.press("Enter");
  await page.waitForFunction(() => /1 row fixed here/.test(document.querySelector("#summary-text").textContent), null, { timeout: 600000 });
  const fixed = await page.evaluate(() => performance.now());
  const after = (await page.evaluate(() => globalThis.__long)).filter((t) => t.start >= fixing);
  const worst = after.reduce((m, t) => Math.max(m, t.ms), 0);
  console.log(`  one fix checked again in ${((fixed - fixing) / 1000).toFixed(2)} s; tasks over 50 ms: ${after.length}; slowest ${worst.toFixed(0)} ms`);
} finally {
  await browser.close();
  server.close();
}
