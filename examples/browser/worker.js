// The demo's Web Worker: validates the picked file as it streams (the page never blocks), keeps
// the valid leads in a MemoryStore and answers the preview's queries with the server's
// semantics.
import init, { CsvValidator, MemoryStore } from "/pkg/leads_wasm.js";

const ready = init();
let USER = null;
let store = null;

async function validate(file) {
  await ready;
  // The preview's own store, for this page only: its one user owns the leads of the file.
  store = new MemoryStore(true);
  USER = (await store.register("preview", "a preview of this file")).uuid;
  const validator = new CsvValidator();
  const reader = file.stream().getReader();
  let last = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    validator.push(value);
    const leads = validator.takeLeads();
    if (leads.length > 0) await store.upsertLeads(USER, leads);
    const now = performance.now();
    if (now - last > 100) {
      last = now;
      postMessage({ type: "progress", total: file.size, ...validator.progress });
    }
  }
  const report = validator.finish();
  const rest = validator.takeLeads();
  if (rest.length > 0) await store.upsertLeads(USER, rest);
  const rejected = validator.rejectedCsv();
  postMessage({ type: "progress", total: file.size, ...validator.progress });
  postMessage({ type: "done", report, rejected }, [rejected.buffer]);
}

onmessage = async ({ data }) => {
  try {
    if (data.type === "validate") await validate(data.file);
    if (data.type === "query" && store) postMessage({ type: "page", page: await store.query(USER, data.query), query: data.query });
  } catch (e) {
    postMessage({ type: "error", code: e.code ?? "error", message: String(e.message ?? e) });
  }
};
