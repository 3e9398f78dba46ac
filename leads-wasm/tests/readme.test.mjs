// The README's JavaScript code blocks run as written (from the repository root).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test("the README has JavaScript blocks", () => assert.ok(blocks.length > 0));

for (const [i, code] of blocks.entries()) {
  test(`README JavaScript block ${i + 1}`, () => {
    const require = createRequire(join(root, "README.md"));
    // console.assert only logs: make a failed assertion fail the test.
    const console = { ...globalThis.console, assert: (ok, ...msg) => assert.ok(ok, msg.join(" ") || "console.assert failed") };
    new Function("require", "console", code)(require, console);
  });
}
