//! Header resolution: which column feeds which field, and how it was recognised.

use std::collections::BTreeMap;

use crate::model::{Column, Issue, IssueCode, MatchKind, Severity};
use crate::model::{Field, normalize_header};

/// Caller-given aliases, normalised once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Aliases(Vec<(String, Field)>);

impl Aliases {
    pub(crate) fn new(aliases: &BTreeMap<String, Field>) -> Self {
        Aliases(aliases.iter().map(|(h, f)| (normalize_header(h), *f)).collect())
    }

    fn get(&self, normalized: &str) -> Option<Field> {
        self.0.iter().find(|(h, _)| h == normalized).map(|(_, f)| *f)
    }
}

/// The resolved header.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    pub(crate) columns: Vec<Column>,
    /// (column index, field) for every mapped field, in column order.
    pub(crate) mapped: Vec<(usize, Field)>,
    pub(crate) issues: Vec<Issue>,
}

impl Header {
    /// Fields recognised in the header (used to sniff the delimiter).
    pub(crate) fn recognised(&self) -> usize {
        self.mapped.len()
    }

    /// Whether the header is unusable (missing or duplicate columns).
    pub(crate) fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }
}

fn pass_match(kind: MatchKind, header: &str, normalized: &str, aliases: &Aliases) -> Option<Field> {
    match kind {
        MatchKind::Exact => Field::ALL.into_iter().find(|f| f.label() == header),
        MatchKind::Normalized => Field::ALL
            .into_iter()
            .find(|f| normalize_header(f.label()) == normalized || normalize_header(f.key()) == normalized),
        MatchKind::Alias => {
            // The caller's aliases override built-in ones for the same header.
            if aliases.get(normalized).is_some() {
                None
            } else {
                Field::ALL.into_iter().find(|f| f.aliases().contains(&normalized))
            }
        }
        MatchKind::Unknown => aliases.get(normalized),
    }
}

fn file_issue(
    line: u64,
    column: Option<String>,
    field: Option<Field>,
    code: IssueCode,
    message: String,
) -> Issue {
    Issue::new(code, message).at(Some(line), None).about(column, field)
}

/// Whether a match names the field itself rather than an alternative.
fn names_field(kind: MatchKind) -> bool {
    matches!(kind, MatchKind::Exact | MatchKind::Normalized)
}

/// Resolves header cells (already trimmed) found on `line`.
pub(crate) fn resolve(headers: &[String], line: u64, aliases: &Aliases) -> Header {
    let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let mut columns: Vec<Column> = headers
        .iter()
        .enumerate()
        .map(|(index, h)| Column { index, header: h.clone(), field: None, match_kind: MatchKind::Unknown })
        .collect();
    let mut claimed: BTreeMap<Field, usize> = BTreeMap::new();
    let mut issues = Vec::new();
    // Columns that would feed a field another column already feeds, for the warning's text.
    let mut shadowed: BTreeMap<usize, (Field, usize)> = BTreeMap::new();
    // `Unknown` stands for the pass over the caller's aliases (reported as `alias`).
    for pass in [MatchKind::Exact, MatchKind::Normalized, MatchKind::Alias, MatchKind::Unknown] {
        for i in 0..headers.len() {
            if columns[i].field.is_some() {
                continue;
            }
            let Some(field) = pass_match(pass, &headers[i], &normalized[i], aliases) else {
                continue;
            };
            let kind = if pass == MatchKind::Unknown { MatchKind::Alias } else { pass };
            match claimed.get(&field) {
                None => {
                    claimed.insert(field, i);
                    columns[i].field = Some(field);
                    columns[i].match_kind = kind;
                    shadowed.remove(&i);
                }
                // Two columns that name the field itself, or carry the same header: ambiguous.
                Some(&first)
                    if names_field(columns[first].match_kind) && names_field(kind)
                        || normalized[first] == normalized[i] =>
                {
                    columns[i].field = Some(field);
                    columns[i].match_kind = kind;
                    issues.push(file_issue(
                        line,
                        Some(headers[i].clone()),
                        Some(field),
                        IssueCode::DuplicateColumn,
                        format!(
                            "Columns {:?} and {:?} both name {}; keep one",
                            headers[first],
                            headers[i],
                            field.label()
                        ),
                    ));
                }
                Some(&first) => {
                    shadowed.entry(i).or_insert((field, first));
                }
            }
        }
    }
    for column in columns.iter().filter(|c| c.field.is_none()) {
        let message = match shadowed.get(&column.index) {
            Some((field, first)) => format!(
                "Column {:?} looks like {}, which column {:?} already gives; it is ignored",
                column.header,
                field.label(),
                headers[*first]
            ),
            None if column.header.is_empty() => {
                format!("Column {} has no header; it is ignored", column.index + 1)
            }
            None => format!("Column {:?} matches no lead field; it is ignored", column.header),
        };
        issues.push(file_issue(line, Some(column.header.clone()), None, IssueCode::UnknownColumn, message));
    }
    for field in Field::ALL.into_iter().filter(|f| f.is_required() && !claimed.contains_key(f)) {
        issues.push(file_issue(
            line,
            None,
            Some(field),
            IssueCode::MissingColumn,
            format!(
                "No column for {}: name one {:?} (or {})",
                field.label(),
                field.label(),
                field.examples()
            ),
        ));
    }
    let mut mapped: Vec<(usize, Field)> = claimed.into_iter().map(|(f, i)| (i, f)).collect();
    mapped.sort_unstable();
    Header { columns, mapped, issues }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn exact_normalised_and_alias_matches() {
        let h = resolve(
            &strings(&[
                "Lead ID",
                "lead_name",
                "Email",
                "Lead Source",
                "Interest Level",
                "STAGE",
                "Owner",
                "Notes",
            ]),
            1,
            &Aliases::default(),
        );
        let kinds: Vec<_> = h.columns.iter().map(|c| c.match_kind).collect();
        use MatchKind::*;
        assert_eq!(kinds, [Exact, Normalized, Alias, Alias, Exact, Alias, Alias, Unknown]);
        assert_eq!(h.mapped.len(), 7);
        assert_eq!(h.issues.len(), 1);
        assert_eq!(h.issues[0].code, IssueCode::UnknownColumn);
        assert!(!h.has_errors());
    }

    #[test]
    fn second_alias_for_a_taken_field_is_ignored_with_a_reason() {
        let h = resolve(&strings(&["Email", "Phone"]), 1, &Aliases::default());
        assert_eq!(h.columns[1].field, None);
        let warning = h.issues.iter().find(|i| i.code == IssueCode::UnknownColumn).unwrap();
        assert!(warning.message.contains("already gives"), "{}", warning.message);
    }

    #[test]
    fn duplicate_and_missing_columns_are_errors() {
        let h = resolve(&strings(&["Lead ID", "Lead ID"]), 3, &Aliases::default());
        let codes: Vec<_> = h.issues.iter().map(|i| i.code).collect();
        assert!(codes.contains(&IssueCode::DuplicateColumn));
        assert_eq!(codes.iter().filter(|c| **c == IssueCode::MissingColumn).count(), 5);
        assert!(h.issues.iter().all(|i| i.line == Some(3)));
    }

    #[test]
    fn caller_aliases_win_over_built_in_ones() {
        let mut extra = BTreeMap::new();
        extra.insert("Owner".to_owned(), Field::LeadName);
        extra.insert("Kontakt".to_owned(), Field::ContactInformation);
        let h = resolve(&strings(&["Owner", "kontakt"]), 1, &Aliases::new(&extra));
        assert_eq!(h.columns[0].field, Some(Field::LeadName));
        assert_eq!(h.columns[1].field, Some(Field::ContactInformation));
        assert_eq!(h.columns[1].match_kind, MatchKind::Alias);
    }
}
