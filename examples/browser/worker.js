// The page's Web Worker: every check of the file happens here, in leads-wasm (the rules the
// server applies), so the page never blocks. It keeps the picked file, the mapping and the
// fixes; each "validate" reads the whole file again with them, so a fix is checked against
// every other row (a Lead ID made a duplicate is caught) and lines stay the file's.
//
// In:  {type: "validate", id, file?, mapping?, fixes?, preview}  (file/mapping/fixes kept when absent)
//      {type: "fix", id, record, column, value}                   (one cell; then validates again)
//      {type: "cancel"}                                            (stops the running validation)
//      {type: "query", query}                                      (the offline preview's leads)
// Out: {type: "progress", id, bytes, total, rows}
//      {type: "done", id, report, rows: {record: {line, values}}, rejected: Uint8Array,
//       corrected: Blob | null, correctedError, fixed: [record...], previewCapped, ms}
//      {type: "cancelled", id} · {type: "page", page} · {type: "error", id, code, message}
import init, { CsvValidator, MemoryStore } from "./pkg/leads_wasm.js";

const ready = init();
/** The offline preview keeps this many valid leads (a big file is checked whole all the same). */
const PREVIEW_MAX = 10000;
let file = null;
let mapping = {};
let fixes = {};
let rows = new Map();
let running = 0;
let store = null;
let owner = null;
let previewed = 0;

/** Adds the validator's completed leads to the preview, up to PREVIEW_MAX. */
async function keep(validator) {
  const leads = validator.takeLeads();
  const room = PREVIEW_MAX - previewed;
  if (leads.length > 0 && room > 0) {
    const some = leads.length > room ? leads.slice(0, room) : leads;
    previewed += some.length;
    await store.upsertLeads(owner, some);
  }
}

async function validate(id, preview) {
  await ready;
  running = id;
  const started = performance.now();
  const hasFixes = Object.keys(fixes).length > 0;
  const options = Object.keys(mapping).length > 0 ? { mapping } : null;
  const validator = new CsvValidator(options, preview ? "stream" : "none", hasFixes ? fixes : null);
  if (preview) {
    store = new MemoryStore(true);
    owner = (await store.register("preview", "a preview of this file")).uuid;
    previewed = 0;
  }
  const corrected = [];
  let correctedError = null;
  const take = () => {
    if (!hasFixes || correctedError) return;
    try {
      corrected.push(validator.takeCorrected());
    } catch (e) {
      correctedError = String(e.message ?? e);
    }
  };
  const reader = file.stream().getReader();
  let last = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (running !== id) {
        await reader.cancel();
        postMessage({ type: "cancelled", id });
        return;
      }
      validator.push(value);
      take();
      if (preview) await keep(validator);
      const now = performance.now();
      if (now - last > 100) {
        last = now;
        postMessage({ type: "progress", id, total: file.size, ...validator.progress });
        // Let a "cancel" in.
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    const report = validator.finish();
    take();
    if (preview) await keep(validator);
    rows = new Map(validator.rejectedRows().map((r) => [r.record, r]));
    // The rows the issues list names, with their cells as the person sees them now.
    const shown = {};
    for (const issue of report.issues) {
      const row = rows.get(issue.record);
      if (row) shown[issue.record] = { line: row.line, values: row.values };
    }
    const rejected = validator.rejectedCsv();
    postMessage({ type: "progress", id, total: file.size, ...validator.progress });
    postMessage(
      {
        type: "done",
        id,
        report,
        rows: shown,
        rejected,
        corrected: hasFixes && !correctedError ? new Blob(corrected, { type: "text/csv" }) : null,
        correctedError,
        fixed: Object.keys(fixes).map(Number),
        previewCapped: preview && report.valid > PREVIEW_MAX ? PREVIEW_MAX : null,
        ms: performance.now() - started,
      },
      [rejected.buffer],
    );
  } finally {
    validator.free();
    if (running === id) running = 0;
  }
}

onmessage = async ({ data }) => {
  try {
    if (data.type === "cancel") {
      running = -1;
    } else if (data.type === "validate") {
      if (data.file) {
        file = data.file;
        fixes = {};
      }
      if (data.mapping) mapping = data.mapping;
      if (data.fixes) fixes = data.fixes;
      await validate(data.id, data.preview);
    } else if (data.type === "fix") {
      const row = rows.get(data.record);
      const cells = [...(fixes[data.record] ?? row?.values ?? [])];
      cells[data.column] = data.value;
      fixes[data.record] = cells;
      await validate(data.id, data.preview);
    } else if (data.type === "query" && store) {
      postMessage({ type: "page", page: await store.query(owner, data.query), query: data.query });
    }
  } catch (e) {
    postMessage({ type: "error", id: data.id, code: e.code ?? "error", message: String(e.message ?? e) });
  }
};
