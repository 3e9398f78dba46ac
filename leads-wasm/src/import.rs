//! The import engine: `validateCsv` for a whole file, `CsvValidator` for chunks, `rejectedCsv`.

use wasm_bindgen::prelude::*;

use crate::convert::{input_bytes, leads_to_js, optional_string, options, to_js};
#[cfg(feature = "packed")]
use crate::convert::{leads_from_packed, leads_to_packed};
use crate::error::{invalid_option, js};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A stable issue code (DESIGN §4). */
export type IssueCode =
  | "empty_file" | "missing_column" | "duplicate_column" | "unknown_column" | "field_count"
  | "required" | "too_long" | "invalid_choice" | "invalid_contact" | "duplicate_lead_id"
  | "invalid_encoding" | "unclosed_quote" | "limit_exceeded" | "malformed_quote" | "invalid_character"
  | "preamble_skipped";
export type Encoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";
export type Delimiter = "," | ";" | "	" | "|";
export type LeadField =
  | "lead_id" | "lead_name" | "contact_information" | "source" | "interest_level" | "status" | "salesperson";
export type InterestLevel = "High" | "Medium" | "Low";

/** Import options; every key is optional and unknown keys are an error. */
export interface ImportOptions {
  encoding?: Encoding | null;
  delimiter?: Delimiter | null;
  statuses?: string[] | null;
  interest_synonyms?: boolean;
  /** Accept CRM statuses ("Working - Contacted") for the default ones; default true. */
  status_synonyms?: boolean;
  /** A mapping step's choice: header text -> field, or null to ignore the column; wins over every other match. */
  mapping?: Record<string, LeadField | null>;
  /** Extra header aliases (compared ignoring case, spaces, `_` and `-`), before the built-in ones. */
  aliases?: Record<string, LeadField>;
  max_issues?: number;
  max_bytes?: number;
  max_rows?: number;
  max_field_bytes?: number;
  /** Storing: a stored Lead ID is updated (default) or skipped. */
  on_existing?: "update" | "skip";
  /** Storing: a new Lead ID is inserted (default) or skipped. */
  on_new?: "insert" | "skip";
  /** Storing: a blank optional cell keeps the stored value (default) or clears it. */
  blanks?: "keep" | "clear";
  /** Storing: the file's name, recorded in the import's job. */
  file_name?: string | null;
}

export interface Column {
  index: number;
  header: string;
  field: LeadField | null;
  match: "mapped" | "exact" | "normalized" | "alias" | "fuzzy" | "unknown";
  /** How close a "fuzzy" match is, 0 to 1; absent for other matches. */
  score?: number;
}

/** An invalid row as it was in the file: its cells (one per header column) and its issues' messages. */
export interface RejectedRow {
  line: number;
  record: number;
  values: string[];
  errors: string[];
}

/** A fix-in-place step's corrections: a record (1-based data-record index, as in issues) -> its cells, one per header column. */
export type Fixes = Record<number, string[]>;

/** A column that may hold a missing field, for a mapping step to offer. */
export interface Suggestion {
  index: number;
  header: string;
  score: number;
}

export interface Issue {
  line: number | null;
  record: number | null;
  column: string | null;
  field: LeadField | null;
  value: string | null;
  code: IssueCode;
  severity: "error" | "warning";
  message: string;
  /** The values the message names, as data ({"first_line": 14}), to word it yourself. */
  params: Record<string, unknown>;
}

/** The canonical report: the same JSON in Rust, the browser and Python. */
export interface Report {
  encoding: Encoding;
  delimiter: Delimiter;
  columns: Column[];
  /** For each required field without a column, the likeliest columns, best first. */
  suggestions?: Partial<Record<LeadField, Suggestion[]>>;
  rows: number;
  valid: number;
  invalid: number;
  issues: Issue[];
  issues_truncated: boolean;
}

export interface Lead {
  lead_id: string;
  lead_name: string;
  contact_information: string;
  source: string;
  interest_level: InterestLevel;
  status: string;
  salesperson: string | null;
}

/** A lead as a store keeps it: the fields plus the store's id, owner and times (RFC 3339). */
export interface StoredLead extends Lead {
  id: string;
  user_uuid: string;
  created_at: string;
  updated_at: string;
}

/** What `validateCsv` gives: the report and the valid leads, in file order. */
export interface Validation {
  report: Report;
  leads: Lead[];
}

/** How far a `CsvValidator` has got. */
export interface Progress {
  bytes: number;
  rows: number;
  valid: number;
  invalid: number;
}

/** CSV input: text, bytes, or an ArrayBuffer (e.g. from `File.arrayBuffer()`). */
export type CsvInput = string | Uint8Array | ArrayBuffer;

/** Error codes of `LeadsError`. */
export type ErrorCode =
  | "invalid_option" | "io" | "finished" | "invalid_username" | "invalid_password" | "username_taken"
  | "invalid_credentials" | "invalid_token" | "invalid_query" | "not_found" | "invalid_lead"
  | "salesperson_exists" | "import_rejected" | "backend" | "database" | "partial_upsert" | "http" | "interrupted"
  | "forbidden" | "too_many_attempts" | "already_exists" | "panic";

/** Errors thrown (or rejected) by this package: real `Error`s with the core's stable `code`. */
export interface LeadsError extends Error {
  code: ErrorCode;
  /**
   * Details: the option, parameter, username or salesperson name concerned (a string);
   * `{what, id}` for not_found; `{status, postgrest_code, details, hint}` for backend errors;
   * the `Report` of an import_rejected; the `Issue[]` of an invalid_lead; what was stored for an
   * interrupted import; `{permission, role}` for forbidden; `{what, name}` for already_exists;
   * `{retry_after}` (seconds) for too_many_attempts.
   */
  data?:
    | string
    | { what: string; id: string }
    | BackendErrorData
    | Report
    | Issue[]
    | InterruptedData
    | { permission: string; role: string }
    | { what: string; name: string }
    | { retry_after: number };
}

/** Leads packed by `CsvValidator.takeLeadsPacked()` for `leadsFromPacked()` in another thread: post it, transferring each array's buffer. */
export interface PackedLeads {
  ascii: Uint8Array;
  asciiEnds: Uint32Array;
  other: Uint8Array;
  otherEnds: Uint32Array;
  slots: Uint32Array;
}

/** What an import stopped by its progress callback had stored (`code: "interrupted"`). */
export interface InterruptedData {
  batches: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

export interface BackendErrorData {
  status: number;
  postgrest_code: string | null;
  details: string | null;
  hint: string | null;
}
"#;

/// Validates a whole file: `{report, leads}`. Problems in the file are issues in the report;
/// only unusable options or input throw.
#[wasm_bindgen(js_name = validateCsv, unchecked_return_type = "Validation")]
pub fn validate_csv(
    #[wasm_bindgen(unchecked_param_type = "CsvInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ImportOptions | null")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = input_bytes(&input)?;
    // `leads_core::validate`, with the leads in a table: no allocation per field on the way out.
    let mut v = leads_core::Validator::new(&options(options_value)?).map_err(js)?.lead_table(true);
    v.push(&bytes);
    let report = v.finish();
    let table = v.take_lead_table();
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"report".into(), &to_js(&report)?)?;
    js_sys::Reflect::set(&out, &"leads".into(), &leads_to_js(table.rows())?)?;
    Ok(out.into())
}

/// The `Lead` objects of what `CsvValidator.takeLeadsPacked()` returned (in another thread:
/// no WebAssembly memory is read).
#[cfg(feature = "packed")]
#[wasm_bindgen(js_name = leadsFromPacked, unchecked_return_type = "Lead[]")]
pub fn leads_from_packed_js(
    #[wasm_bindgen(unchecked_param_type = "PackedLeads")] packed: JsValue,
) -> Result<JsValue, JsValue> {
    leads_from_packed(&packed)
}

/// The invalid rows as a CSV file for a person to fix: the original columns plus `errors`, the
/// file's delimiter, a UTF-8 BOM, CRLF, formula-looking cells neutralised.
#[wasm_bindgen(js_name = rejectedCsv)]
pub fn rejected_csv(
    #[wasm_bindgen(unchecked_param_type = "CsvInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ImportOptions | null")] options_value: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let bytes = input_bytes(&input)?;
    let mut v = leads_core::Validator::new(&options(options_value)?).map_err(js)?.keep_leads(false);
    v.push(&bytes);
    let report = v.finish();
    let rejected: Vec<_> = v.drain_rejected().collect();
    let mut out = Vec::new();
    leads_core::write_rejected_csv(&mut out, &report, &rejected).map_err(js)?;
    Ok(out)
}

/// Every issue code, in the documented order.
#[wasm_bindgen(js_name = issueCodes, unchecked_return_type = "IssueCode[]")]
pub fn issue_codes() -> Vec<String> {
    leads_core::IssueCode::ALL.iter().map(|c| c.as_str().to_owned()).collect()
}

/// Every error code of the core (a `LeadsError`'s `code`; `"panic"` is this package's own).
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCode[]")]
pub fn error_codes() -> Vec<String> {
    leads_core::Error::CODES.iter().map(|c| (*c).to_owned()).collect()
}

/// The default status vocabulary, in pipeline order.
#[wasm_bindgen(js_name = defaultStatuses)]
pub fn default_statuses() -> Vec<String> {
    leads_core::DEFAULT_STATUSES.iter().map(|s| (*s).to_owned()).collect()
}

/// A streaming validator (for `File.stream()` in a Web Worker): `push` chunks of any size (a
/// chunk may end anywhere, even inside a character), `takeLeads` as they complete, `progress`,
/// `finish`. Memory stays bounded by the longest record plus the Lead IDs seen. With
/// `keepRejected`, `rejectedCsv()` after `finish` gives the rows to fix.
#[wasm_bindgen]
pub struct CsvValidator {
    inner: leads_core::Validator,
    /// `collect: "stream"`: the valid leads wait in the core's table for `takeLeads` (no
    /// allocation per field) and `leadTable()` stays empty.
    stream: bool,
    rejected: Vec<leads_core::RejectedRow>,
    report: Option<leads_core::Report>,
}

#[wasm_bindgen]
impl CsvValidator {
    /// A validator for `options` (or the defaults).
    /// `collect` says what happens to valid leads: `"stream"` (the default: take them with
    /// `takeLeads` as they complete), `"table"` (kept compactly in WebAssembly memory; take them
    /// all with `leadTable()` after `finish`: the fastest way to validate a big file) or
    /// `"none"` (the report only).
    ///
    /// `fixes` (a fix-in-place step's corrections: `{"<record>": [cells...]}`) replaces those
    /// records before the rules run, and turns on the corrected file: every data record, fixed
    /// or as read, as UTF-8 CSV, taken with `takeCorrected()`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ImportOptions | null")] options_value: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "\"stream\" | \"table\" | \"none\"")] collect: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Fixes | null")] fixes: JsValue,
    ) -> Result<CsvValidator, JsValue> {
        let collect = optional_string("collect", &collect)?;
        let mut inner = leads_core::Validator::new(&options(options_value)?).map_err(js)?;
        if !fixes.is_undefined() && !fixes.is_null() {
            let json = js_sys::JSON::stringify(&fixes)
                .ok()
                .and_then(|j| j.as_string())
                .ok_or_else(|| invalid_option("fixes", "fixes must be a plain object"))?;
            inner = inner.fixes(leads_core::fixes_from_json(&json).map_err(js)?).write_corrected(true);
        }
        let collect = collect.as_deref().unwrap_or("stream");
        let inner = match collect {
            "stream" => inner.lead_table(true),
            "table" => inner.lead_table(true),
            "none" => inner.keep_leads(false),
            other => {
                return Err(invalid_option("collect", &format!("{other:?} is not stream, table or none")));
            }
        };
        Ok(CsvValidator { inner, stream: collect == "stream", rejected: Vec::new(), report: None })
    }

    /// With `collect: "table"`: the valid leads so far (all of them after `finish`).
    #[wasm_bindgen(js_name = leadTable)]
    pub fn lead_table(&mut self) -> LeadTable {
        LeadTable(if self.stream { leads_core::LeadTable::default() } else { self.inner.take_lead_table() })
    }

    /// Feeds the next chunk.
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CsvInput")] chunk: JsValue,
    ) -> Result<(), JsValue> {
        let chunk = input_bytes(&chunk)?;
        self.inner.try_push(&chunk).map_err(js)?;
        self.rejected.extend(self.inner.drain_rejected());
        Ok(())
    }

    /// The valid leads completed since the last call, in file order.
    #[wasm_bindgen(js_name = takeLeads, unchecked_return_type = "Lead[]")]
    pub fn take_leads(&mut self) -> Result<JsValue, JsValue> {
        if !self.stream {
            return leads_to_js(std::iter::empty());
        }
        let table = self.inner.take_lead_table();
        leads_to_js(table.rows())
    }

    /// `{bytes, rows, valid, invalid}` so far.
    #[wasm_bindgen(getter, unchecked_return_type = "Progress")]
    pub fn progress(&self) -> Result<JsValue, JsValue> {
        let p = self.inner.progress();
        to_js(
            &[("bytes", p.bytes), ("rows", p.rows), ("valid", p.valid), ("invalid", p.invalid)]
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
    }

    /// Ends the input and returns the report (leads not yet taken stay available). A second
    /// call throws `finished`, as `push` does then.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let report = self.inner.try_finish().map_err(js)?;
        self.rejected.extend(self.inner.drain_rejected());
        to_js(self.report.insert(report))
    }

    /// After `finish`: the invalid rows as `{line, record, values, errors}`, each with its cells
    /// as read (one per header column) — what a fix-in-place step edits.
    #[wasm_bindgen(js_name = rejectedRows, unchecked_return_type = "RejectedRow[]")]
    pub fn rejected_rows(&self) -> Result<JsValue, JsValue> {
        if self.report.is_none() {
            return Err(invalid_option("finish", "call finish() first"));
        }
        to_js(&self.rejected)
    }

    /// With `fixes`: the corrected file's bytes written since the last call (after `finish`, the
    /// rest). Throws `invalid_option` (option `fixes`) when a record cannot be written back
    /// unchanged without a fix (an unclosed or misplaced quote, a field over the limit,
    /// undecodable bytes) or the file was not read to its end; the message names the line.
    #[wasm_bindgen(js_name = takeCorrected)]
    pub fn take_corrected(&mut self) -> Result<Vec<u8>, JsValue> {
        self.inner.take_corrected().map_err(js)
    }

    /// Takes a message of a `CsvSplitter` (made with the same options) in another Worker: the
    /// file itself until its header is read, then its records, which go through the rules
    /// here. Push every message in order, then `finish()`: the report, leads and rejected
    /// rows are those of the file. Once records come this way, `push` throws.
    #[wasm_bindgen(js_name = pushMessage)]
    pub fn push_message(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] message: JsValue,
    ) -> Result<(), JsValue> {
        let message = message
            .dyn_ref::<js_sys::Uint8Array>()
            .ok_or_else(|| invalid_option("message", "a message is the Uint8Array a CsvSplitter returned"))?
            .to_vec();
        self.inner.push_message(&message).map_err(js)?;
        self.rejected.extend(self.inner.drain_rejected());
        Ok(())
    }

    /// Whether the validator stopped (a limit, or a header it cannot use): more input is
    /// ignored, so a reader can stop reading.
    #[wasm_bindgen(getter, js_name = isStopped)]
    pub fn is_stopped(&self) -> bool {
        self.inner.is_stopped()
    }

    /// After `finish`: the invalid rows as CSV bytes (see `rejectedCsv`).
    #[wasm_bindgen(js_name = rejectedCsv)]
    pub fn rejected_csv(&self) -> Result<Vec<u8>, JsValue> {
        let report = self.report.as_ref().ok_or_else(|| invalid_option("finish", "call finish() first"))?;
        let mut out = Vec::new();
        leads_core::write_rejected_csv(&mut out, report, &self.rejected).map_err(js)?;
        Ok(out)
    }
}

#[cfg(feature = "packed")]
#[wasm_bindgen]
impl CsvValidator {
    /// `takeLeads`, packed for another thread: post the result to it (transferring its arrays'
    /// buffers) and make the objects there with `leadsFromPacked`, which gives `takeLeads`' objects.
    #[wasm_bindgen(js_name = takeLeadsPacked, unchecked_return_type = "PackedLeads")]
    pub fn take_leads_packed(&mut self) -> Result<JsValue, JsValue> {
        if !self.stream {
            return leads_to_packed(std::iter::empty());
        }
        let table = self.inner.take_lead_table();
        leads_to_packed(table.rows())
    }
}

/// Valid leads kept compactly in WebAssembly memory; `Lead` objects are made only for the leads
/// read (`get`, `slice`, `toArray`). Call `free()` when done with a big one.
#[wasm_bindgen]
pub struct LeadTable(leads_core::LeadTable);

#[wasm_bindgen]
impl LeadTable {
    /// How many leads.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        u32::try_from(self.0.len()).unwrap_or(u32::MAX)
    }

    /// The lead at `index` (file order), or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "Lead | undefined")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] index: JsValue,
    ) -> Result<JsValue, JsValue> {
        let index = crate::convert::index("index", &index)?;
        match self.0.get(index as usize) {
            Some(lead) => to_js(&lead),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The leads from `start` to `end` (exclusive; clamped to the table).
    #[wasm_bindgen(unchecked_return_type = "Lead[]")]
    pub fn slice(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] start: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] end: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (start, end) = (crate::convert::index("start", &start)?, crate::convert::index("end", &end)?);
        let end = (end as usize).min(self.0.len());
        leads_to_js((start as usize..end).filter_map(|i| self.0.row(i)))
    }

    /// Every lead, as objects.
    #[wasm_bindgen(js_name = toArray, unchecked_return_type = "Lead[]")]
    pub fn to_array(&self) -> Result<JsValue, JsValue> {
        leads_to_js(self.0.rows())
    }
}

/// The reading half of one validation on two Web Workers (both cores): this one reads the file
/// (decoding, CSV parsing and, when asked, the rules that need no other row) and returns
/// messages; a `CsvValidator` in the other Worker, made with the same options, takes them with
/// `pushMessage` and does the rest. The verdict is the one a `CsvValidator` gives the file.
#[wasm_bindgen]
pub struct CsvSplitter(leads_core::Splitter);

#[wasm_bindgen]
impl CsvSplitter {
    /// A splitter for `options` (or the defaults): the options of the `CsvValidator`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ImportOptions | null")] options_value: JsValue,
    ) -> Result<CsvSplitter, JsValue> {
        Ok(CsvSplitter(leads_core::Splitter::new(&options(options_value)?).map_err(js)?))
    }

    /// Reads the next chunk (of any size, ending anywhere) and returns the message for the
    /// validator (post it, transferring its buffer). `check`: run the rules that need no other
    /// row here, for when the validator is behind (the verdict is the same either way).
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CsvInput")] chunk: JsValue,
        check: Option<bool>,
    ) -> Result<Vec<u8>, JsValue> {
        let chunk = input_bytes(&chunk)?;
        self.0.push(&chunk, check.unwrap_or(false)).map_err(js)
    }

    /// Ends the file and returns the last message. A second call throws `finished`.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        self.0.finish().map_err(js)
    }

    /// Whether reading stopped (a limit; a header error found before any record went out):
    /// the rest of the file need not be read. The validator's `isStopped` says when its rules
    /// stopped.
    #[wasm_bindgen(getter, js_name = isStopped)]
    pub fn is_stopped(&self) -> bool {
        self.0.is_stopped()
    }
}
