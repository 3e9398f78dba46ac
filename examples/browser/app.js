// The demo page: hands the file to the worker, shows progress, the summary, the issues, and a
// filtered, paged preview of the valid leads (queried in the worker's MemoryStore).
import init, { defaultStatuses } from "/pkg/leads_wasm.js";
const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const PAGE = 20;
let page = 1;
let rejected = null;
let fileName = "leads.csv";

function size(bytes) {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;
}

function cell(row, text) {
  const td = row.insertCell();
  td.textContent = text ?? "";
  return td;
}

function start(file) {
  if (!file) return;
  fileName = file.name;
  for (const id of ["summary", "issues-section", "preview-section", "error"]) $(id).hidden = true;
  $("progress-section").hidden = false;
  $("progress").value = 0;
  page = 1;
  worker.postMessage({ type: "validate", file });
}

function query() {
  const f = $("filters");
  const params = new URLSearchParams();
  for (const name of ["status", "interest_level", "source", "q"]) {
    const value = f[name].value.trim();
    if (value) params.set(name, value);
  }
  params.set("sort", f.sort.value);
  params.set("limit", String(PAGE));
  params.set("page", String(page));
  params.set("total", "true");
  worker.postMessage({ type: "query", query: params.toString() });
}

function showReport(report) {
  $("summary").hidden = false;
  const errors = report.issues.filter((i) => i.severity === "error").length;
  $("summary-text").textContent =
    `${report.rows} rows: ${report.valid} valid, ${report.invalid} with errors` +
    ` (${report.encoding}, delimiter "${report.delimiter === "\t" ? "tab" : report.delimiter}").`;
  $("download").disabled = report.invalid === 0;
  const body = $("issues").tBodies[0];
  body.replaceChildren();
  for (const issue of report.issues) {
    const row = body.insertRow();
    row.className = issue.severity;
    cell(row, issue.line);
    cell(row, issue.column);
    cell(row, issue.value);
    cell(row, issue.message);
  }
  $("issues-section").hidden = report.issues.length === 0;
  $("issues-more").textContent = report.issues_truncated ? `Only the first ${report.issues.length} issues are listed.` : errors === 0 ? "No errors: the file is ready to upload." : "";
  $("preview-section").hidden = report.valid === 0;
  if (report.valid > 0) query();
}

function showPage(p) {
  const body = $("leads").tBodies[0];
  body.replaceChildren();
  for (const lead of p.items) {
    const row = body.insertRow();
    for (const key of ["lead_id", "lead_name", "contact_information", "source", "interest_level", "status", "salesperson"]) cell(row, lead[key]);
  }
  const pages = Math.max(1, Math.ceil((p.total ?? 0) / PAGE));
  $("page-text").textContent = `Page ${page} of ${pages} · ${p.total} leads`;
  $("prev").disabled = page <= 1;
  $("next").disabled = page >= pages;
}

worker.onmessage = ({ data }) => {
  if (data.type === "progress") {
    $("progress").value = data.total ? data.bytes / data.total : 0;
    $("progress-text").textContent = `${size(data.bytes)} of ${size(data.total)} · ${data.rows.toLocaleString()} rows`;
  } else if (data.type === "done") {
    $("progress").value = 1;
    rejected = data.rejected;
    showReport(data.report);
  } else if (data.type === "page") {
    showPage(data.page);
  } else if (data.type === "error") {
    $("error").hidden = false;
    $("error").textContent = `${data.message} (${data.code})`;
  }
};

$("file").addEventListener("change", (e) => start(e.target.files[0]));
const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); start(e.dataTransfer.files[0]); });
$("filters").addEventListener("input", () => { page = 1; query(); });
$("filters").addEventListener("submit", (e) => e.preventDefault());
$("prev").addEventListener("click", () => { page -= 1; query(); });
$("next").addEventListener("click", () => { page += 1; query(); });
$("download").addEventListener("click", () => {
  if (!rejected) return;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([rejected], { type: "text/csv" }));
  a.download = fileName.replace(/\.csv$/i, "") + "-to-fix.csv";
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});

// Every listener is in place before the package loads (a file picked while it loads is not
// missed); then the status vocabulary comes from the package, as the validator has it.
if ($("file").files[0]) start($("file").files[0]);
await init();
for (const s of defaultStatuses()) $("filters").status.add(new Option(s, s));
document.documentElement.dataset.ready = "true";
