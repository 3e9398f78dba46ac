//! `LeadQuery`: the query-string form of DESIGN §5, parsed and printed by the core.

use wasm_bindgen::prelude::*;

use crate::convert::{optional_string, string};
use crate::error::js;

/// A query over one user's leads (filters, sort, page). `LeadQuery.parse("status=Open&sort=-created_at")`;
/// `toString()` prints the canonical query string. Bad parameters throw `invalid_query`.
#[wasm_bindgen]
#[derive(Clone)]
pub struct LeadQuery(pub(crate) leads_core::LeadQuery);

#[wasm_bindgen]
impl LeadQuery {
    /// Parses a query string (a leading `?` is allowed); `new LeadQuery()` is the default query.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "string")] query: JsValue,
    ) -> Result<LeadQuery, JsValue> {
        let query = optional_string("query", &query)?;
        leads_core::LeadQuery::parse(query.as_deref().unwrap_or("")).map(LeadQuery).map_err(js)
    }

    /// Parses a query string (a leading `?` is allowed).
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string")] query: JsValue,
    ) -> Result<LeadQuery, JsValue> {
        leads_core::LeadQuery::parse(&string("query", &query)?).map(LeadQuery).map_err(js)
    }

    /// The canonical query string (no leading `?`; only what differs from the defaults).
    #[wasm_bindgen(js_name = toString)]
    pub fn to_query_string(&self) -> String {
        self.0.to_string()
    }

    /// The same query continuing after a page: its `next_cursor` (offset and page dropped).
    #[wasm_bindgen(js_name = withCursor)]
    pub fn with_cursor(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] cursor: JsValue,
    ) -> Result<LeadQuery, JsValue> {
        Ok(LeadQuery(self.0.with_cursor(&string("cursor", &cursor)?)))
    }

    /// Sources kept (any of them); empty keeps all.
    #[wasm_bindgen(getter)]
    pub fn source(&self) -> Vec<String> {
        self.0.source.clone()
    }

    /// Statuses kept; empty keeps all.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> Vec<String> {
        self.0.status.clone()
    }

    /// Interest levels kept; empty keeps all.
    #[wasm_bindgen(getter, js_name = interestLevel, unchecked_return_type = "InterestLevel[]")]
    pub fn interest_level(&self) -> Vec<String> {
        self.0.interest_level.iter().map(|l| l.as_str().to_owned()).collect()
    }

    /// Salespeople kept; see also `unassigned`.
    #[wasm_bindgen(getter)]
    pub fn salesperson(&self) -> Vec<String> {
        self.0.salesperson.clone()
    }

    /// Whether leads without a salesperson are kept.
    #[wasm_bindgen(getter)]
    pub fn unassigned(&self) -> bool {
        self.0.unassigned
    }

    /// Text searched in lead_id, lead_name and contact_information (case-insensitive).
    #[wasm_bindgen(getter)]
    pub fn q(&self) -> Option<String> {
        self.0.q.clone()
    }

    /// The sort keys in force, most significant first (`-created_at` is descending).
    #[wasm_bindgen(getter)]
    pub fn sort(&self) -> Vec<String> {
        self.0.effective_sort().iter().map(ToString::to_string).collect()
    }

    /// The page size in force (1 to 1000).
    #[wasm_bindgen(getter)]
    pub fn limit(&self) -> u32 {
        self.0.effective_limit()
    }

    /// Leads skipped before the page.
    #[wasm_bindgen(getter)]
    pub fn offset(&self) -> f64 {
        self.0.offset as f64
    }

    /// The cursor the page continues from.
    #[wasm_bindgen(getter)]
    pub fn cursor(&self) -> Option<String> {
        self.0.cursor.clone()
    }

    /// Whether pages count every matching lead.
    #[wasm_bindgen(getter)]
    pub fn total(&self) -> bool {
        self.0.total
    }
}
