//! The filters of a lead query, applied in process (MemoryStore, and the tests' oracle).

use crate::model::StoredLead;
use crate::query::LeadQuery;

/// Whether a lead matches a query's filters.
#[must_use]
pub fn matches(lead: &StoredLead, q: &LeadQuery) -> bool {
    let l = &lead.lead;
    let any_ci = |wanted: &[String], value: &str| wanted.is_empty() || wanted.iter().any(|w| eq_ci(w, value));
    if !any_ci(&q.source, &l.source) || !any_ci(&q.status, &l.status) {
        return false;
    }
    if !q.interest_level.is_empty() && !q.interest_level.contains(&l.interest_level) {
        return false;
    }
    if !q.salesperson.is_empty() || q.unassigned {
        let ok = match &l.salesperson {
            Some(s) => q.salesperson.iter().any(|w| eq_ci(w, s)),
            None => q.unassigned,
        };
        if !ok {
            return false;
        }
    }
    if let Some(text) = &q.q {
        let needle = text.to_lowercase();
        let hit = [&l.lead_id, &l.lead_name, &l.contact_information]
            .iter()
            .any(|f| f.to_lowercase().contains(&needle));
        if !hit {
            return false;
        }
    }
    q.created_after.is_none_or(|t| lead.created_at >= t)
        && q.created_before.is_none_or(|t| lead.created_at < t)
}

/// Case-insensitive equality (Unicode lower case).
pub(crate) fn eq_ci(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!a.is_ascii() || !b.is_ascii()) && a.to_lowercase() == b.to_lowercase()
}
