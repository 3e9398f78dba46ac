// The frontend (DESIGN §9): sign in to the Flask stand-in (same origin) or work offline; check a
// file in a Web Worker, map its columns, fix cells in place, dry-run, import, browse the stored
// leads and undo imports. Every rule runs in leads-wasm, in the worker, or on the server: this
// file only shows what they say.
import init, { defaultStatuses } from "./pkg/leads_wasm.js";

const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const PAGE = 20;
const FIELDS = [
  ["lead_id", "Lead ID"],
  ["lead_name", "Lead Name"],
  ["contact_information", "Contact Information"],
  ["source", "Source"],
  ["interest_level", "Interest Level"],
  ["status", "Status"],
  ["salesperson", "Assigned Salesperson"],
];
const MATCH = {
  mapped: "chosen by you",
  exact: "exact header",
  normalized: "same header, other spelling",
  alias: "known alias",
  fuzzy: "close spelling",
  unknown: "not recognised",
};
// What a role may do (DESIGN §6), to offer only what the server will allow; the server decides.
const CAN_IMPORT = new Set(["owner", "admin", "manager"]);

const state = {
  token: sessionStorage.getItem("leads.token"),
  me: JSON.parse(sessionStorage.getItem("leads.me") ?? "null"),
  workspaces: [],
  ws: null,
  offline: false,
  file: null,
  run: 0,
  last: null,
  mapping: {},
  statuses: [],
};

// ---------- small helpers ----------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return node;
}

function size(bytes) {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;
}

function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

function announce(text) {
  $("status").textContent = text;
}

function showError(target, e) {
  $(target).textContent = e ? `${e.message}${e.code ? ` (${e.code})` : ""}` : "";
}

function download(blob, name) {
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function severity(issue) {
  const error = issue.severity === "error";
  return el("span", { class: `sev ${issue.severity}` }, el("span", { "aria-hidden": "true" }, error ? "✖ " : "⚠ "), error ? "Error" : "Warning");
}

// ---------- the API ----------

async function api(method, path, body) {
  const headers = {};
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  let payload = body;
  if (body && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const r = await fetch(path, { method, headers, body: payload });
  if (r.status === 204) return null;
  const type = r.headers.get("content-type") ?? "";
  const data = type.includes("json") ? await r.json() : await r.blob();
  if (!r.ok) {
    const e = new Error(data?.error?.message ?? `${r.status} ${r.statusText}`);
    e.code = data?.error?.code ?? `http_${r.status}`;
    e.status = r.status;
    e.data = data;
    throw e;
  }
  return data;
}

const wsPath = (rest = "") => `/${encodeURIComponent(state.ws.username)}${rest}`;

// ---------- signing in ----------

async function signedIn(session) {
  state.token = session.token;
  state.me = { uuid: session.uuid, username: session.username };
  sessionStorage.setItem("leads.token", state.token);
  sessionStorage.setItem("leads.me", JSON.stringify(state.me));
  state.workspaces = (await api("GET", "/user/workspaces")).items;
  const select = $("workspace");
  select.replaceChildren(...state.workspaces.map((w, i) => el("option", { value: String(i) }, w.role === "owner" ? `${w.username} (yours)` : `${w.username} — ${w.role}`)));
  $("workspace-label").hidden = state.workspaces.length < 2;
  chooseWorkspace(0);
}

function chooseWorkspace(i) {
  state.ws = state.workspaces[i];
  state.offline = false;
  $("signin").hidden = true;
  $("account").hidden = false;
  $("account-text").textContent = `${state.me.username} · workspace ${state.ws.username} · role: ${state.ws.role}`;
  $("tabs").hidden = false;
  const importer = CAN_IMPORT.has(state.ws.role);
  document.querySelector('[data-tab="history"]').hidden = !importer;
  document.querySelector('[data-tab="import"]').hidden = !importer;
  $("upload-workspace").textContent = state.ws.username;
  leadsView.reset();
  show(importer ? "import" : "leads");
  if (state.last) render(state.last);
}

function signOut() {
  sessionStorage.removeItem("leads.token");
  sessionStorage.removeItem("leads.me");
  Object.assign(state, { token: null, me: null, workspaces: [], ws: null, offline: false });
  $("account").hidden = true;
  $("tabs").hidden = true;
  for (const p of document.querySelectorAll("[data-panel]")) p.hidden = true;
  $("signin").hidden = false;
  $("signin-form").reset();
  $("signin-form").username.focus();
}

function workOffline() {
  state.offline = true;
  $("signin").hidden = true;
  $("account").hidden = false;
  $("account-text").textContent = "Working offline: checking, mapping and fixing only";
  $("sign-out").textContent = "Sign in";
  $("tabs").hidden = true;
  show("import");
}

$("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target;
  const action = e.submitter?.dataset.action ?? "login";
  const body = { username: form.username.value.trim(), password: form.password.value };
  showError("signin-error", null);
  try {
    if (action === "register") await api("POST", "/user", body);
    await signedIn(await api("POST", "/login", body));
    $("sign-out").textContent = "Sign out";
  } catch (err) {
    if (err.status === 404 || err.status === 405) err.message = "No server answers here: use “Work offline”, or open the page served by the Flask app";
    showError("signin-error", err);
  }
});
$("offline").addEventListener("click", workOffline);
$("sign-out").addEventListener("click", signOut);
$("workspace").addEventListener("change", (e) => chooseWorkspace(Number(e.target.value)));

// ---------- tabs ----------

function show(tab) {
  for (const p of document.querySelectorAll("[data-panel]")) p.hidden = p.dataset.panel !== tab;
  for (const b of document.querySelectorAll("[data-tab]")) {
    if (b.dataset.tab === tab) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  if (tab === "leads") leadsView.load();
  if (tab === "history") loadHistory();
}
for (const b of document.querySelectorAll("[data-tab]")) b.addEventListener("click", () => show(b.dataset.tab));

// ---------- checking a file (in the worker) ----------

function validate(message) {
  state.run += 1;
  $("progress-section").hidden = false;
  $("progress").value = 0;
  $("progress-text").textContent = "";
  showError("error", null);
  worker.postMessage({ ...message, id: state.run, preview: state.offline || !state.ws });
}

function start(file) {
  if (!file) return;
  state.file = file;
  state.mapping = {};
  state.last = null;
  for (const id of ["summary", "issues-section", "mapping-section", "upload-section", "preview-section"]) $(id).hidden = true;
  $("upload-result").replaceChildren();
  announce(`Checking ${file.name}…`);
  validate({ type: "validate", file, mapping: {} });
}

const headerKey = (report) => `leads.mapping:${JSON.stringify(report.columns.map((c) => c.header))}`;

worker.onmessage = ({ data }) => {
  if (data.id !== undefined && data.id !== state.run) return; // an older run
  if (data.type === "progress") {
    $("progress").value = data.total ? data.bytes / data.total : 0;
    $("progress-text").textContent = `${size(data.bytes)} of ${size(data.total)} · ${plural(data.rows, "row")}`;
  } else if (data.type === "done") {
    $("progress").value = 1;
    $("progress-section").hidden = true;
    state.last = data;
    render(data);
  } else if (data.type === "cancelled") {
    $("progress-section").hidden = true;
    announce("Check cancelled.");
  } else if (data.type === "page") {
    previewView.shown(data.page);
  } else if (data.type === "error") {
    $("progress-section").hidden = true;
    showError("error", data);
  }
};

function render(data) {
  const { report } = data;
  const errors = report.issues.filter((i) => i.severity === "error");
  const fileLevel = errors.filter((i) => i.record == null);
  const fixed = data.fixed.length;
  const text =
    fileLevel.length > 0
      ? `${state.file.name}: the file cannot be imported yet — ${fileLevel.map((i) => i.message).join("; ")}.`
      : `${state.file.name}: ${plural(report.rows, "row")}, ${report.valid.toLocaleString()} valid, ${report.invalid.toLocaleString()} with errors` +
        (fixed ? `, ${plural(fixed, "row")} fixed here` : "") +
        ` (${report.encoding}, delimiter ${report.delimiter === "\t" ? "tab" : `“${report.delimiter}”`}; checked in ${Math.round(data.ms)} ms).`;
  $("summary").hidden = false;
  $("summary-text").textContent = text;
  announce(text);
  $("download").disabled = report.invalid === 0;
  $("download-corrected").disabled = !data.corrected;
  $("download-corrected").title = data.correctedError ?? (fixed ? "" : "Fix a cell first");
  renderMapping(report);
  renderIssues(data);
  const ready = fileLevel.length === 0 && report.rows > 0;
  $("upload-section").hidden = !(ready && state.ws && !state.offline && CAN_IMPORT.has(state.ws.role));
  $("preview-section").hidden = !(state.offline || !state.ws) || report.valid === 0;
  $("preview-title").textContent = data.previewCapped
    ? `Valid leads in this file (a preview of the first ${data.previewCapped.toLocaleString()})`
    : "Valid leads in this file";
  if (!$("preview-section").hidden) previewView.reset(), previewView.load();
}

// ---------- mapping ----------

function renderMapping(report) {
  const missing = report.issues.some((i) => i.code === "missing_column");
  const fuzzy = report.columns.some((c) => c.match === "fuzzy" || c.match === "mapped");
  const section = $("mapping-section");
  section.hidden = !(missing || fuzzy) || report.columns.length === 0;
  if (section.hidden) return;
  $("mapping-text").textContent = missing
    ? "Some fields have no column. Pick the column that holds each one (the likeliest is preselected), then check again."
    : report.columns.some((c) => c.match === "fuzzy")
      ? "Some columns were matched by a close spelling. Check that each field has the right column."
      : "Your mapping is in use; change a column and check again if needed.";
  const saved = localStorage.getItem(headerKey(report));
  $("saved-mapping").hidden = !saved || Object.keys(state.mapping).length > 0;
  const body = $("mapping").tBodies[0];
  body.replaceChildren();
  for (const [field, label] of FIELDS) {
    const feeding = report.columns.filter((c) => c.field === field);
    const suggested = report.suggestions?.[field]?.[0];
    const choice = feeding.length === 1 ? feeding[0].index : feeding.length === 0 && suggested ? suggested.index : null;
    const how =
      feeding.length > 1
        ? `joined from ${feeding.length} columns (${MATCH[feeding[0].match]})`
        : feeding.length === 1
          ? MATCH[feeding[0].match] + (feeding[0].score != null ? ` (${Math.round(feeding[0].score * 100)}%)` : "")
          : suggested
            ? `suggested (${Math.round(suggested.score * 100)}% alike) — not used until you check again`
            : field === "salesperson"
              ? "optional, not in the file"
              : "missing";
    const id = `map-${field}`;
    // A field joined from several columns is shown as such (name parts, contact columns).
    const select =
      feeding.length > 1
        ? el("span", { id }, feeding.map((c) => c.header).join(" + "))
        : el(
            "select",
            { id, "data-field": field },
            el("option", { value: "" }, "— not in the file —"),
            report.columns.map((c) => el("option", { value: String(c.index), selected: c.index === choice }, c.header || `(column ${c.index + 1})`)),
          );
    const missingHere = feeding.length === 0 && field !== "salesperson";
    body.append(
      el(
        "tr",
        { class: missingHere ? "missing" : "" },
        el("th", { scope: "row" }, feeding.length > 1 ? label : el("label", { for: id }, label)),
        el("td", {}, select),
        el("td", {}, missingHere ? el("span", { class: "sev error" }, el("span", { "aria-hidden": "true" }, "✖ "), how) : how),
      ),
    );
  }
}

function chosenMapping(report) {
  const mapping = {};
  for (const select of $("mapping").querySelectorAll("select")) {
    const field = select.dataset.field;
    const chosen = select.value === "" ? null : report.columns[Number(select.value)];
    const feeding = report.columns.filter((c) => c.field === field);
    if (feeding.length === 1 ? feeding[0] === chosen : chosen === null) continue; // unchanged
    // Columns that fed this field and were not chosen are ignored from now on.
    for (const c of report.columns) if (c.field === field && c !== chosen) mapping[c.header] = null;
    if (chosen) mapping[chosen.header] = field;
  }
  return { ...state.mapping, ...mapping };
}

$("check-again").addEventListener("click", () => {
  const { report } = state.last;
  state.mapping = chosenMapping(report);
  localStorage.setItem(headerKey(report), JSON.stringify(state.mapping));
  announce("Checking again with your mapping…");
  validate({ type: "validate", mapping: state.mapping });
});
$("use-saved").addEventListener("click", () => {
  state.mapping = JSON.parse(localStorage.getItem(headerKey(state.last.report)));
  announce("Checking again with the saved mapping…");
  validate({ type: "validate", mapping: state.mapping });
});

// ---------- issues and fixing in place ----------

function columnOf(report, issue) {
  if (issue.column == null) return null;
  return (
    report.columns.find((c) => c.header === issue.column && (issue.field == null || c.field === issue.field)) ??
    report.columns.find((c) => c.header === issue.column) ??
    null
  );
}

/** Issues are listed a hundred at a time: a big file's thousand stay quick to show. */
const ISSUES_SHOWN = 100;

function renderIssues(data, shown = ISSUES_SHOWN) {
  const { report } = data;
  const body = $("issues").tBodies[0];
  body.replaceChildren();
  for (const issue of report.issues.slice(0, shown)) {
    const column = columnOf(report, issue);
    const row = data.rows[issue.record];
    let value = issue.value ?? "";
    if (row && column && issue.severity === "error") {
      const input = el("input", {
        value: row.values[column.index] ?? "",
        "aria-label": `Fix ${issue.column} on line ${issue.line}`,
        "data-record": String(issue.record),
        "data-column": String(column.index),
        spellcheck: "false",
      });
      const commit = () => {
        if (input.value === (row.values[column.index] ?? "")) return;
        announce(`Checking line ${issue.line} again…`);
        state.refocus = { line: issue.line };
        validate({ type: "fix", record: issue.record, column: column.index, value: input.value });
      };
      input.addEventListener("keydown", (e) => e.key === "Enter" && commit());
      input.addEventListener("change", commit);
      value = input;
    }
    body.append(
      el(
        "tr",
        { class: issue.severity },
        el("td", {}, severity(issue)),
        el("td", {}, String(issue.line ?? "")),
        el("td", {}, issue.column ?? ""),
        el("td", {}, value),
        el("td", {}, issue.message),
      ),
    );
  }
  $("issues-section").hidden = report.issues.length === 0;
  const more = $("issues-next");
  more.hidden = report.issues.length <= shown;
  more.textContent = `Show ${Math.min(ISSUES_SHOWN, report.issues.length - shown)} more of ${report.issues.length.toLocaleString()} issues`;
  more.onclick = () => renderIssues(data, shown + ISSUES_SHOWN);
  const errors = report.issues.filter((i) => i.severity === "error").length;
  $("issues-more").textContent = report.issues_truncated
    ? `Only the first ${report.issues.length} issues are listed.`
    : errors === 0
      ? "No errors: the file is ready to import."
      : "";
  // After a fix, keyboard users continue at the next cell to fix.
  if (state.refocus) {
    const inputs = [...body.querySelectorAll("input")];
    const next = inputs.find((i) => Number(i.closest("tr").cells[1].textContent) >= state.refocus.line) ?? inputs[0];
    (next ?? $("summary-text")).focus?.();
    state.refocus = null;
  }
}

$("download").addEventListener("click", () => {
  const name = state.file.name.replace(/\.(csv|tsv|txt)$/i, "");
  download(new Blob([state.last.rejected], { type: "text/csv" }), `${name}-to-fix.csv`);
});
$("download-corrected").addEventListener("click", () => {
  if (state.last.corrected) download(state.last.corrected, state.file.name.replace(/\.(csv|tsv|txt)$/i, "") + "-corrected.csv");
});
$("cancel").addEventListener("click", () => worker.postMessage({ type: "cancel" }));

// ---------- dry run and import ----------

function uploadForm(dryRun) {
  const form = $("upload-form");
  const params = new URLSearchParams();
  for (const name of ["mode", "on_existing", "on_new", "blanks"]) params.set(name, form[name].value);
  if (dryRun) params.set("dry_run", "true");
  if (Object.keys(state.mapping).length > 0) params.set("mapping", JSON.stringify(state.mapping));
  const body = new FormData();
  // With fixes, the corrected file goes up: the server checks exactly what was checked here.
  body.append("file", state.last.corrected ?? state.file, state.file.name);
  return { params, body };
}

function counts(imported, dryRun) {
  const would = dryRun ? "would be " : "";
  return ["inserted", "updated", "unchanged", "skipped"]
    .map((k) => `${(imported[k] ?? 0).toLocaleString()} ${would}${k === "inserted" ? "added" : k}`)
    .join(", ");
}

async function upload(dryRun) {
  const out = $("upload-result");
  const { params, body } = uploadForm(dryRun);
  out.replaceChildren(el("p", { class: "muted" }, dryRun ? "Running a dry run…" : "Importing…"));
  for (const b of ["dry-run", "do-import"]) $(b).disabled = true;
  try {
    const answer = await api("POST", `${wsPath()}?${params}`, body);
    const parts = [el("p", { class: "ok" }, el("strong", {}, dryRun ? "Dry run: " : "Imported: "), counts(answer.imported, dryRun), ".")];
    if (answer.job) parts.push(el("p", {}, `Job ${answer.job.id.slice(0, 8)} · ${answer.job.state}. `, el("button", { type: "button", onclick: () => show("history") }, "See the history")));
    if (dryRun) parts.push(changesTable(answer.changes ?? []));
    out.replaceChildren(...parts);
  } catch (e) {
    const report = e.data?.error?.report ?? e.data?.report;
    const why = report ? ` — ${plural(report.invalid, "row")} with errors; fix them, or choose to skip invalid rows` : "";
    out.replaceChildren(el("p", { class: "error", role: "alert" }, `${e.message}${why} (${e.code})`));
  } finally {
    for (const b of ["dry-run", "do-import"]) $(b).disabled = false;
  }
}

function changesTable(changes) {
  if (changes.length === 0) return el("p", { class: "muted" }, "No stored lead would change.");
  const rows = changes.flatMap((c) =>
    Object.entries(c.fields).map(([field, { before, after }]) =>
      el("tr", {}, el("td", {}, c.lead_id), el("td", {}, FIELDS.find(([f]) => f === field)?.[1] ?? field), el("td", {}, before ?? "—"), el("td", {}, "→ ", after ?? "—")),
    ),
  );
  return el(
    "table",
    { class: "changes" },
    el("caption", {}, `What would change in stored leads (first ${changes.length} updates)`),
    el("thead", {}, el("tr", {}, ["Lead ID", "Field", "Before", "After"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows),
  );
}

$("dry-run").addEventListener("click", () => upload(true));
$("do-import").addEventListener("click", () => upload(false));

// ---------- browsing leads (stored ones, or the file's valid ones offline) ----------

function leadBrowser(container, source, { caption, exportable, sort }) {
  container.replaceChildren($("browser-template").content.cloneNode(true));
  const form = container.querySelector("form");
  form.sort.value = sort;
  const table = container.querySelector("table");
  const text = container.querySelector(".page-text");
  const [prev, next, exporter] = container.querySelectorAll(".pager button");
  for (const s of state.statuses) form.status.add(new Option(s, s));
  let cursors = [null];
  let timer = 0;
  const filters = () => {
    const params = new URLSearchParams();
    for (const name of ["q", "status", "interest_level", "source", "salesperson"]) {
      const value = form[name].value.trim();
      if (value) params.set(name, value);
    }
    params.set("sort", form.sort.value);
    return params;
  };
  const view = {
    reset() {
      cursors = [null];
    },
    load() {
      const params = filters();
      params.set("limit", String(PAGE));
      params.set("total", "true");
      const cursor = cursors[cursors.length - 1];
      if (cursor) params.set("cursor", cursor);
      text.textContent = "Loading…";
      Promise.resolve(source(params.toString())).then(
        (page) => page && view.shown(page),
        (e) => (text.textContent = `${e.message} (${e.code})`),
      );
    },
    shown(page) {
      const body = table.tBodies[0];
      body.replaceChildren(
        ...page.items.map((lead) =>
          el("tr", {}, ["lead_id", "lead_name", "contact_information", "source", "interest_level", "status", "salesperson"].map((k) => el("td", {}, lead[k] ?? ""))),
        ),
      );
      const first = (cursors.length - 1) * PAGE;
      table.caption.textContent = `${caption}: ${page.total ?? "?"} leads`;
      text.textContent = page.total ? `${first + 1}–${first + page.items.length} of ${page.total.toLocaleString()}` : "No leads match";
      view.nextCursor = page.next_cursor;
      prev.disabled = cursors.length <= 1;
      next.disabled = !page.next_cursor;
    },
  };
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => (view.reset(), view.load()), 200);
  });
  form.addEventListener("submit", (e) => e.preventDefault());
  prev.addEventListener("click", () => (cursors.pop(), view.load()));
  next.addEventListener("click", () => (cursors.push(view.nextCursor), view.load()));
  exporter.hidden = !exportable;
  exporter.addEventListener("click", async () => {
    try {
      download(await api("GET", wsPath(`/export.csv?${filters()}`)), `${state.ws.username}-leads.csv`);
    } catch (e) {
      text.textContent = `${e.message} (${e.code})`;
    }
  });
  return view;
}

let leadsView = { reset() {}, load() {} };
let previewView = { reset() {}, load() {}, shown() {} };

// ---------- history ----------

async function loadHistory(cursor) {
  const body = $("jobs").tBodies[0];
  if (!cursor) body.replaceChildren();
  try {
    const page = await api("GET", wsPath(`/imports?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`));
    for (const job of page.items) body.append(jobRow(job));
    $("jobs-more").hidden = !page.next_cursor;
    $("jobs-more").onclick = () => loadHistory(page.next_cursor);
    if (page.items.length === 0 && !cursor) body.append(el("tr", {}, el("td", { colspan: "6", class: "muted" }, "No imports yet.")));
  } catch (e) {
    $("history-status").textContent = `${e.message} (${e.code})`;
  }
}

function jobRow(job) {
  const c = job.counts;
  const what = { import: "Import", bulk_update: "Bulk edit", bulk_delete: "Bulk delete" }[job.kind] ?? job.kind;
  const count = Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n.toLocaleString()} ${k}`)
    .join(", ");
  const revert = el("button", { type: "button", disabled: job.state === "reverted" }, "Revert");
  revert.setAttribute("aria-label", `Revert the ${what.toLowerCase()} of ${new Date(job.created_at).toLocaleString()}`);
  revert.addEventListener("click", async () => {
    revert.disabled = true;
    try {
      const r = await api("POST", wsPath(`/imports/${job.id}/revert`));
      const n = r.conflicts.length;
      const conflicts = n ? ` ${plural(n, "lead")} changed since and left as ${n === 1 ? "it is" : "they are"}: ${r.conflicts.join(", ")}.` : "";
      $("history-status").textContent = `Reverted: ${r.deleted} removed, ${r.restored} put back.${conflicts}`;
      loadHistory();
    } catch (e) {
      $("history-status").textContent = `${e.message} (${e.code})`;
      revert.disabled = false;
    }
  });
  return el(
    "tr",
    {},
    el("td", {}, new Date(job.created_at).toLocaleString()),
    el("td", {}, what),
    el("td", {}, job.file_name ?? "—"),
    el("td", {}, count || "nothing"),
    el("td", {}, job.state),
    el("td", {}, revert),
  );
}

// ---------- start ----------

const drop = $("drop");
$("file").addEventListener("change", (e) => {
  start(e.target.files[0]);
  // So that picking the same file again (after fixing it elsewhere) checks it again.
  e.target.value = "";
});
drop.addEventListener("dragover", (e) => (e.preventDefault(), drop.classList.add("over")));
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  start(e.dataTransfer.files[0]);
});

await init();
state.statuses = defaultStatuses();
leadsView = leadBrowser($("browser"), (q) => api("GET", wsPath(`?${q}`)), { caption: "Stored leads", exportable: true, sort: "-created_at" });
previewView = leadBrowser($("preview"), (q) => void worker.postMessage({ type: "query", query: q }), { caption: "Valid leads in the file", exportable: false, sort: "lead_id" });
if (state.token && state.me) {
  signedIn({ token: state.token, ...state.me }).catch(() => signOut());
}
document.documentElement.dataset.ready = "true";
