//! PostgREST query parameters of a lead query, as pure functions: values quoted for `in`/`or`/
//! `and`, matched literally (`imatch` with a quoted regular expression), keyset conditions of a
//! cursor, the order.

use uuid::Uuid;

use crate::error::Result;
use crate::model::Timestamp;
use crate::query::cursor::{Cursor, KeyValue};
use crate::query::{LeadQuery, SortKey};

/// A value inside `in.(…)`, `or=(…)` or `and=(…)`: always double-quoted, `\` and `"` escaped.
#[must_use]
pub fn quote(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A regular expression (PostgreSQL's, for `match`/`imatch`) matching `value` literally: every
/// ASCII character other than a letter or digit is quoted with `\\`. LIKE patterns cannot do
/// that on PostgREST, which reads every `*` in them as `%`.
pub(crate) fn regex_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if c.is_ascii() && !c.is_ascii_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `imatch` operand matching exactly `value`, ignoring case.
pub(crate) fn equals_ignoring_case(value: &str) -> String {
    format!("^{}$", regex_literal(value))
}

fn column(key: SortKey) -> &'static str {
    match key {
        SortKey::InterestLevel => "interest_rank",
        other => other.as_str(),
    }
}

fn literal(value: &KeyValue, key: SortKey) -> Option<String> {
    match value {
        KeyValue::Number(n) if key == SortKey::CreatedAt => Some(Timestamp::from_micros(*n).to_string()),
        KeyValue::Number(n) => Some(n.to_string()),
        KeyValue::Text(t) => Some(quote(t)),
        KeyValue::Missing(_) => None,
    }
}

/// The PostgREST query parameters of a lead query for `user` (without paging).
///
/// # Errors
/// [`ErrorKind::InvalidQuery`] for a cursor of another query.
pub fn query_params(query: &LeadQuery, user: Uuid) -> Result<Vec<(String, String)>> {
    let mut params =
        vec![("select".to_owned(), "*".to_owned()), ("user_uuid".to_owned(), format!("eq.{user}"))];
    let mut groups: Vec<String> = Vec::new();
    let ci_set = |col: &str, values: &[String], extra: Option<String>| -> Option<String> {
        let mut alts: Vec<String> =
            values.iter().map(|v| format!("{col}.imatch.{}", quote(&equals_ignoring_case(v)))).collect();
        alts.extend(extra);
        (!alts.is_empty()).then(|| format!("or({})", alts.join(",")))
    };
    groups.extend(ci_set("source", &query.source, None));
    groups.extend(ci_set("status", &query.status, None));
    groups.extend(ci_set(
        "salesperson",
        &query.salesperson,
        query.unassigned.then(|| "salesperson.is.null".into()),
    ));
    if let Some(q) = &query.q {
        let pattern = quote(&regex_literal(q));
        groups.push(format!(
            "or(lead_id.imatch.{pattern},lead_name.imatch.{pattern},contact_information.imatch.{pattern})"
        ));
    }
    if !query.interest_level.is_empty() {
        let levels: Vec<&str> = query.interest_level.iter().map(|l| l.as_str()).collect();
        params.push(("interest_level".into(), format!("in.({})", levels.join(","))));
    }
    if let Some(t) = query.created_after {
        params.push(("created_at".into(), format!("gte.{t}")));
    }
    if let Some(t) = query.created_before {
        params.push(("created_at".into(), format!("lt.{t}")));
    }
    let sort = query.effective_sort();
    if let Some(cursor) = Cursor::decode(query)? {
        // After (k1, k2, …, id): k1 beyond v1, or k1 = v1 and k2 beyond v2, …, or all equal and id > last.
        let mut alternatives = Vec::new();
        let mut equal: Vec<String> = Vec::new();
        for (s, value) in sort.iter().zip(cursor.keys()) {
            let col = column(s.key);
            let lit = literal(value, s.key);
            // Unassigned (null) sorts after every name: last ascending, first descending.
            let beyond = match (&lit, s.descending) {
                (Some(v), false) if s.key == SortKey::Salesperson => {
                    Some(format!("or({col}.gt.{v},{col}.is.null)"))
                }
                (Some(v), false) => Some(format!("{col}.gt.{v}")),
                (Some(v), true) => Some(format!("{col}.lt.{v}")),
                (None, false) => None,
                (None, true) => Some(format!("{col}.not.is.null")),
            };
            if let Some(b) = beyond {
                alternatives.push(and_of(&equal, b));
            }
            equal.push(match &lit {
                Some(v) => format!("{col}.eq.{v}"),
                None => format!("{col}.is.null"),
            });
        }
        alternatives.push(and_of(&equal, format!("id.gt.{}", cursor.id())));
        groups.push(format!("or({})", alternatives.join(",")));
    }
    if !groups.is_empty() {
        params.push(("and".into(), format!("({})", groups.join(","))));
    }
    let mut order: Vec<String> = sort
        .iter()
        .map(|s| {
            let dir = if s.descending { "desc" } else { "asc" };
            let nulls = if s.descending { "nullsfirst" } else { "nullslast" };
            format!("{}.{dir}.{nulls}", column(s.key))
        })
        .collect();
    order.push("id.asc".into());
    params.push(("order".into(), order.join(",")));
    Ok(params)
}

fn and_of(equal: &[String], last: String) -> String {
    if equal.is_empty() { last } else { format!("and({},{last})", equal.join(",")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(quote(r#"Trade Show, "Hall" \2"#), r#""Trade Show, \"Hall\" \\2""#);
        assert_eq!(regex_literal("50%_off\\*.é"), "50\\%\\_off\\\\\\*\\.é");
        assert_eq!(equals_ignoring_case("a*"), "^a\\*$");
    }

    #[test]
    fn query_parameters() {
        let q: LeadQuery =
            "status=Open,Won&source=Trade%20Show&interest_level=hot&salesperson=unassigned&q=a_b\
                            &created_after=2026-01-01&sort=-interest_level,salesperson"
                .parse()
                .unwrap();
        let user = Uuid::from_u128(1);
        let params = query_params(&q, user).unwrap();
        let get =
            |k: &str| params.iter().filter(|(n, _)| n == k).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        assert_eq!(get("user_uuid"), [format!("eq.{user}")]);
        assert_eq!(get("interest_level"), ["in.(High)"]);
        assert_eq!(get("created_at"), ["gte.2026-01-01T00:00:00.000000Z"]);
        assert_eq!(
            get("and"),
            [
                r#"(or(source.imatch."^Trade\\ Show$"),or(status.imatch."^Open$",status.imatch."^Won$"),or(salesperson.is.null),or(lead_id.imatch."a\\_b",lead_name.imatch."a\\_b",contact_information.imatch."a\\_b"))"#
            ]
        );
        assert_eq!(get("order"), ["interest_rank.desc.nullsfirst,salesperson.asc.nullslast,id.asc"]);
    }
}
