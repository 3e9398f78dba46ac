//! The import engine: `validate` for a whole file, `Validator` for chunks.

use leads_core::ImportOptions;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::{invalid_options, to_js_error};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A stable issue code (DESIGN §4). */
export type IssueCode =
  | "empty_file" | "missing_column" | "duplicate_column" | "unknown_column" | "field_count"
  | "required" | "too_long" | "invalid_choice" | "invalid_contact" | "duplicate_lead_id"
  | "invalid_encoding" | "unclosed_quote" | "limit_exceeded";
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
  aliases?: Record<string, LeadField>;
  max_issues?: number;
  max_bytes?: number;
  max_rows?: number;
  max_field_bytes?: number;
}

export interface Column {
  index: number;
  header: string;
  field: LeadField | null;
  match: "exact" | "normalized" | "alias" | "unknown";
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
}

/** The canonical report: the same JSON in Rust, the browser and Python. */
export interface Report {
  encoding: Encoding;
  delimiter: Delimiter;
  columns: Column[];
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

export interface Validation {
  report: Report;
  leads: Lead[];
}

export interface Progress {
  bytes: number;
  rows: number;
  valid: number;
  invalid: number;
}

/** Errors thrown by this package: real `Error`s with the core's stable `code`. */
export interface LeadsError extends Error {
  code: "invalid_option" | string;
  /** The option or parameter concerned, when there is one. */
  data?: string;
}
"#;

/// Options go through their JSON form, so unknown keys and bad values get the same errors as in
/// Rust and Python.
fn options(value: JsValue) -> Result<ImportOptions, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(ImportOptions::default());
    }
    let json =
        js_sys::JSON::stringify(&value).map_err(|_| invalid_options("options must be a plain object"))?;
    let json = json.as_string().ok_or_else(|| invalid_options("options must be a plain object"))?;
    ImportOptions::from_json(&json).map_err(|e| to_js_error(&e))
}

/// Plain JS objects (no `Map`s), `null` for missing values.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

#[derive(Serialize)]
struct Validation<'a> {
    report: &'a leads_core::Report,
    leads: &'a [leads_core::Lead],
}

/// Validates a whole file: `{report, leads}`.
#[wasm_bindgen(unchecked_return_type = "Validation")]
pub fn validate(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "ImportOptions | null | undefined")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let v = leads_core::validate(bytes, &options(options_value)?).map_err(|e| to_js_error(&e))?;
    to_js(&Validation { report: &v.report, leads: &v.leads })
}

/// The invalid rows as a CSV file for a person to fix: the original columns plus `errors`, the
/// file's delimiter, a UTF-8 BOM, CRLF, formula-looking cells neutralised.
#[wasm_bindgen(js_name = rejectedCsv)]
pub fn rejected_csv(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "ImportOptions | null | undefined")] options_value: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let v = leads_core::validate(bytes, &options(options_value)?).map_err(|e| to_js_error(&e))?;
    let mut out = Vec::new();
    leads_core::write_rejected_csv(&mut out, &v.report, &v.rejected).map_err(|e| to_js_error(&e))?;
    Ok(out)
}

/// Every issue code, in the documented order.
#[wasm_bindgen(js_name = issueCodes, unchecked_return_type = "IssueCode[]")]
pub fn issue_codes() -> Vec<String> {
    leads_core::IssueCode::ALL.iter().map(|c| c.as_str().to_owned()).collect()
}

/// A streaming validator: `push` chunks of any size, `takeLeads` as they complete, `finish`.
#[wasm_bindgen]
pub struct Validator {
    inner: leads_core::Validator,
}

#[wasm_bindgen]
impl Validator {
    /// A validator for `options` (or the defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ImportOptions | null | undefined")] options_value: JsValue,
    ) -> Result<Validator, JsValue> {
        let inner = leads_core::Validator::new(&options(options_value)?).map_err(|e| to_js_error(&e))?;
        Ok(Validator { inner })
    }

    /// Feeds the next chunk (it may end anywhere, even inside a character).
    pub fn push(&mut self, chunk: &[u8]) {
        self.inner.push(chunk);
    }

    /// The valid leads completed since the last call.
    #[wasm_bindgen(js_name = takeLeads, unchecked_return_type = "Lead[]")]
    pub fn take_leads(&mut self) -> Result<JsValue, JsValue> {
        let leads: Vec<leads_core::Lead> = self.inner.drain_leads().collect();
        to_js(&leads)
    }

    /// `{bytes, rows, valid, invalid}` so far.
    #[wasm_bindgen(unchecked_return_type = "Progress")]
    pub fn progress(&self) -> Result<JsValue, JsValue> {
        let p = self.inner.progress();
        to_js(
            &[("bytes", p.bytes), ("rows", p.rows), ("valid", p.valid), ("invalid", p.invalid)]
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
    }

    /// Ends the input; returns the report (leads not yet taken stay available).
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.finish())
    }
}
