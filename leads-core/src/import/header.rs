//! Header resolution: which columns feed which field, and how each was recognised (DESIGN §4).
//!
//! In order, first hit wins: the caller's `mapping`, the exact label, the normalised label, the
//! caller's aliases, the built-in aliases, name parts (first/last, when no column holds the
//! whole name), then a fuzzy match for a field still without a column. `lead_name` and
//! `contact_information` may take several columns, joined in column order.

use std::collections::BTreeMap;

use crate::model::{Column, Issue, IssueCode, MatchKind, Params, Severity, Suggestion, params};
use crate::model::{Field, normalize_header};

/// Lowest similarity of a fuzzy match (edit distance on normalised headers: one typo in a label
/// of ten letters is 0.9).
const FUZZY_MIN: f64 = 0.8;
/// Shortest normalised header a fuzzy match is tried on ("nme" is too short to guess from).
const FUZZY_MIN_LEN: usize = 4;
/// Longest normalised header a fuzzy match or a suggestion is tried on: no label or alias is
/// near that long, and a hostile header of a thousand long cells stays cheap.
const GUESS_MAX_LEN: usize = 64;
/// Lowest score of a suggestion (below it, a likeness is as often chance: "TAGS" and "stage").
const SUGGESTION_MIN: f64 = 0.65;
/// Most suggestions per missing field.
const MAX_SUGGESTIONS: usize = 3;

/// Records looked at for the header when the first does not resolve (DESIGN §4, preambles).
pub(crate) const HEADER_SEARCH_RECORDS: usize = 20;

/// Whether a record resolving `candidate` fields is the header rather than a first record
/// resolving `first`: it names at least three fields, and more than the first.
pub(crate) fn is_later_header(first: usize, candidate: usize) -> bool {
    candidate >= 3 && candidate > first
}

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

/// The caller's mapping: header text (trimmed) → field, or `None` to ignore the column.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mapping(Vec<(String, Option<Field>)>);

impl Mapping {
    pub(crate) fn new(mapping: &BTreeMap<String, Option<Field>>) -> Self {
        Mapping(mapping.iter().map(|(h, f)| (h.trim().to_owned(), *f)).collect())
    }

    fn get(&self, header: &str) -> Option<Option<Field>> {
        self.0.iter().find(|(h, _)| h == header).map(|(_, f)| *f)
    }
}

/// What a header is resolved with: the caller's mapping and aliases.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resolver {
    pub(crate) mapping: Mapping,
    pub(crate) aliases: Aliases,
}

/// The resolved header.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    pub(crate) columns: Vec<Column>,
    /// (column index, field) for every column that feeds a field, in column order; a field fed
    /// by several columns (name parts, contact columns) appears once per column.
    pub(crate) mapped: Vec<(usize, Field)>,
    /// For each required field without a column, the likeliest columns.
    pub(crate) suggestions: BTreeMap<Field, Vec<Suggestion>>,
    pub(crate) issues: Vec<Issue>,
}

impl Header {
    /// Fields recognised in the header (used to sniff the delimiter and find the header).
    pub(crate) fn recognised(&self) -> usize {
        let mut fields: Vec<Field> = self.mapped.iter().map(|(_, f)| *f).collect();
        fields.sort_unstable();
        fields.dedup();
        fields.len()
    }

    /// Whether the header is unusable (missing or duplicate columns).
    pub(crate) fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }
}

/// One resolution pass, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    Mapped,
    Exact,
    Normalized,
    CallerAlias,
    BuiltInAlias,
    Part,
}

impl Pass {
    const ALL: [Pass; 6] =
        [Pass::Mapped, Pass::Exact, Pass::Normalized, Pass::CallerAlias, Pass::BuiltInAlias, Pass::Part];

    fn kind(self) -> MatchKind {
        match self {
            Pass::Mapped => MatchKind::Mapped,
            Pass::Exact => MatchKind::Exact,
            Pass::Normalized => MatchKind::Normalized,
            Pass::CallerAlias | Pass::BuiltInAlias | Pass::Part => MatchKind::Alias,
        }
    }

    /// Whether the pass names the field itself (two such columns are ambiguous).
    fn names_field(self) -> bool {
        matches!(self, Pass::Mapped | Pass::Exact | Pass::Normalized)
    }

    /// The field this pass gives the header, if any (`Some(None)`: the mapping ignores it).
    fn field(self, header: &str, normalized: &str, resolver: &Resolver) -> Option<Option<Field>> {
        let find = |hit: &dyn Fn(Field) -> bool| Field::ALL.into_iter().find(|f| hit(*f)).map(Some);
        match self {
            Pass::Mapped => resolver.mapping.get(header),
            Pass::Exact => find(&|f| f.label() == header),
            Pass::Normalized => find(&|f| {
                normalize_header(f.label()) == normalized || normalize_header(f.key()) == normalized
            }),
            Pass::CallerAlias => resolver.aliases.get(normalized).map(Some),
            Pass::BuiltInAlias => find(&|f| f.aliases().contains(&normalized)),
            Pass::Part => find(&|f| f.part_aliases().contains(&normalized)),
        }
    }
}

/// The columns feeding one field so far.
#[derive(Debug)]
struct Claim {
    columns: Vec<usize>,
    pass: Pass,
}

impl Claim {
    /// Whether a column found by `pass` joins this claim: several contact columns always do
    /// (but a mapped field takes only mapped columns); name columns when each is mapped or a
    /// name part (a column with the whole name takes no parts).
    fn joins(&self, field: Field, pass: Pass) -> bool {
        let mapped = (self.pass == Pass::Mapped, pass == Pass::Mapped);
        match field {
            Field::ContactInformation => mapped.0 == mapped.1,
            Field::LeadName => mapped == (true, true) || (self.pass, pass) == (Pass::Part, Pass::Part),
            _ => false,
        }
    }
}

fn file_issue(
    line: u64,
    (column, field): (Option<String>, Option<Field>),
    code: IssueCode,
    message: String,
    params: Params,
) -> Issue {
    Issue::new(code, message).with_params(params).at(Some(line), None).about(column, field)
}

/// The spellings a header is compared with for `field`: its label, its key, its aliases and
/// its parts' aliases, normalised.
fn spellings(field: Field) -> impl Iterator<Item = String> {
    [normalize_header(field.label()), normalize_header(field.key())]
        .into_iter()
        .chain(field.aliases().iter().chain(field.part_aliases()).map(|a| (*a).to_owned()))
}

/// Similarity by edit distance, from 0 to 1: one minus the optimal-string-alignment distance
/// (insertions, deletions, substitutions and swaps of neighbours: the typos people make) over
/// the longer length.
fn similarity(a: &str, b: &str) -> f64 {
    let longest = a.chars().count().max(b.chars().count());
    if longest == 0 {
        return 1.0;
    }
    1.0 - strsim::osa_distance(a, b) as f64 / longest as f64
}

/// How close a normalised header is to `field` by edit distance alone (the fuzzy match); 0
/// for spellings whose lengths alone keep them below [`FUZZY_MIN`] (the distance is at least
/// the difference in length), which are not compared.
fn edit_score(normalized: &str, field: Field) -> f64 {
    let n = normalized.chars().count();
    spellings(field)
        .filter(|s| {
            let m = s.chars().count();
            1.0 - n.abs_diff(m) as f64 / n.max(m).max(1) as f64 >= FUZZY_MIN
        })
        .map(|s| similarity(normalized, &s))
        .fold(0.0, f64::max)
}

/// How likely a normalised header is `field`, for suggestions: the edit score, or, when one
/// contains the other ("personname" and "name"), at least half plus half their length ratio.
fn suggestion_score(normalized: &str, field: Field) -> f64 {
    spellings(field)
        .map(|s| {
            let edit = similarity(normalized, &s);
            let (short, long) =
                if s.len() <= normalized.len() { (s.as_str(), normalized) } else { (normalized, s.as_str()) };
            let contains = if short.len() >= 3 && long.contains(short) {
                0.5 + 0.5 * short.chars().count() as f64 / long.chars().count() as f64
            } else {
                0.0
            };
            edit.max(contains)
        })
        .fold(0.0, f64::max)
}

/// A score with two decimals, as reports show them.
fn rounded(score: f64) -> f64 {
    (score * 100.0).round() / 100.0
}

/// Resolves header cells (already trimmed) found on `line`.
pub(crate) fn resolve(headers: &[String], line: u64, resolver: &Resolver) -> Header {
    resolve_with(headers, line, resolver, true)
}

/// How many fields the header cells name, without the fuzzy pass and the suggestions (what
/// sniffing the delimiter and looking for the header compare).
pub(crate) fn recognised(headers: &[String], resolver: &Resolver) -> usize {
    resolve_with(headers, 0, resolver, false).recognised()
}

fn resolve_with(headers: &[String], line: u64, resolver: &Resolver, guess: bool) -> Header {
    let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let mut columns: Vec<Column> = headers
        .iter()
        .enumerate()
        .map(|(index, h)| Column {
            index,
            header: h.clone(),
            field: None,
            match_kind: MatchKind::Unknown,
            score: None,
        })
        .collect();
    let mut claims: BTreeMap<Field, Claim> = BTreeMap::new();
    let mut issues = Vec::new();
    // Columns that would feed a field other columns already feed, for the warning's text.
    let mut shadowed: BTreeMap<usize, (Field, usize)> = BTreeMap::new();
    for pass in Pass::ALL {
        for i in 0..headers.len() {
            if columns[i].match_kind != MatchKind::Unknown {
                continue;
            }
            let Some(field) = pass.field(&headers[i], &normalized[i], resolver) else { continue };
            let Some(field) = field else {
                // The mapping says to ignore the column.
                columns[i].match_kind = MatchKind::Mapped;
                shadowed.remove(&i);
                continue;
            };
            match claims.get_mut(&field) {
                None => {
                    claims.insert(field, Claim { columns: vec![i], pass });
                    (columns[i].field, columns[i].match_kind) = (Some(field), pass.kind());
                    shadowed.remove(&i);
                }
                // Two columns with one header, or both naming the field itself: ambiguous.
                Some(claim)
                    if claim.columns.iter().any(|&c| normalized[c] == normalized[i])
                        || (claim.pass.names_field() && pass.names_field() && !claim.joins(field, pass)) =>
                {
                    let first = claim.columns[0];
                    (columns[i].field, columns[i].match_kind) = (Some(field), pass.kind());
                    shadowed.remove(&i);
                    issues.push(file_issue(
                        line,
                        (Some(headers[i].clone()), Some(field)),
                        IssueCode::DuplicateColumn,
                        format!(
                            "Columns {} ({:?}) and {} ({:?}) both name {}; keep one",
                            first + 1,
                            headers[first],
                            i + 1,
                            headers[i],
                            field.label()
                        ),
                        params! {
                            "label" => field.label(),
                            "first_position" => first + 1,
                            "first_header" => headers[first],
                            "position" => i + 1,
                            "header" => headers[i],
                        },
                    ));
                }
                Some(claim) if claim.joins(field, pass) => {
                    claim.columns.push(i);
                    (columns[i].field, columns[i].match_kind) = (Some(field), pass.kind());
                    shadowed.remove(&i);
                }
                Some(claim) => {
                    shadowed.entry(i).or_insert((field, claim.columns[0]));
                }
            }
        }
    }
    if guess {
        fuzzy(&normalized, &mut columns, &mut claims, &shadowed);
    }
    for column in columns.iter().filter(|c| c.match_kind == MatchKind::Unknown) {
        let mut params = params! {"header" => column.header, "position" => column.index + 1};
        let message = match shadowed.get(&column.index) {
            Some((field, first)) => {
                params.extend(params! {"label" => field.label(), "given_by" => headers[*first]});
                format!(
                    "Column {:?} looks like {}, which column {:?} already gives; it is ignored",
                    column.header,
                    field.label(),
                    headers[*first]
                )
            }
            None if column.header.is_empty() => {
                format!("Column {} has no header; it is ignored", column.index + 1)
            }
            None => format!("Column {:?} matches no lead field; it is ignored", column.header),
        };
        issues.push(file_issue(
            line,
            (Some(column.header.clone()), None),
            IssueCode::UnknownColumn,
            message,
            params,
        ));
    }
    let mut suggestions = BTreeMap::new();
    for field in Field::ALL.into_iter().filter(|f| f.is_required() && !claims.contains_key(f)) {
        let mut candidates: Vec<Suggestion> = columns
            .iter()
            .filter(|c| {
                let n = normalized[c.index].len();
                guess && c.match_kind == MatchKind::Unknown && n > 0 && n <= GUESS_MAX_LEN
            })
            .map(|c| Suggestion {
                index: c.index,
                header: c.header.clone(),
                score: rounded(suggestion_score(&normalized[c.index], field)),
            })
            .filter(|s| s.score >= SUGGESTION_MIN)
            .collect();
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.index.cmp(&b.index)));
        candidates.truncate(MAX_SUGGESTIONS);
        let mut message = format!(
            "No column for {}: name one {:?} (or {})",
            field.label(),
            field.label(),
            field.examples()
        );
        let mut params = params! {"label" => field.label()};
        if let Some(best) = candidates.first() {
            message.push_str(&format!(", or map a column to it (the likeliest: {:?})", best.header));
            params.insert("likeliest", best.header.clone().into());
        }
        issues.push(file_issue(line, (None, Some(field)), IssueCode::MissingColumn, message, params));
        if !candidates.is_empty() {
            suggestions.insert(field, candidates);
        }
    }
    let mut mapped: Vec<(usize, Field)> =
        claims.into_iter().flat_map(|(f, claim)| claim.columns.into_iter().map(move |i| (i, f))).collect();
    mapped.sort_unstable();
    Header { columns, mapped, suggestions, issues }
}

/// The fuzzy pass: a column still unknown takes a field still without a column when its header
/// is within [`FUZZY_MIN`] of one of the field's spellings, and nothing else is as close: not
/// another field for this column, not another column for this field.
fn fuzzy(
    normalized: &[String],
    columns: &mut [Column],
    claims: &mut BTreeMap<Field, Claim>,
    shadowed: &BTreeMap<usize, (Field, usize)>,
) {
    let open: Vec<Field> = Field::ALL.into_iter().filter(|f| !claims.contains_key(f)).collect();
    // For each candidate column, its best field and score, when the best is a clear one.
    let mut best: Vec<(usize, Field, f64)> = Vec::new();
    for c in columns.iter() {
        let header = &normalized[c.index];
        if c.match_kind != MatchKind::Unknown
            || shadowed.contains_key(&c.index)
            || !(FUZZY_MIN_LEN..=GUESS_MAX_LEN).contains(&header.chars().count())
        {
            continue;
        }
        let mut scores: Vec<(f64, Field)> = open.iter().map(|&f| (edit_score(header, f), f)).collect();
        scores.sort_by(|a, b| b.0.total_cmp(&a.0));
        match scores.as_slice() {
            [(top, field), rest @ ..]
                if *top >= FUZZY_MIN && rest.first().is_none_or(|(next, _)| next < top) =>
            {
                best.push((c.index, *field, *top));
            }
            _ => {}
        }
    }
    for &(index, field, score) in &best {
        if best.iter().filter(|(_, f, _)| *f == field).count() > 1 {
            continue; // two columns as close to one field: a person decides
        }
        let column = &mut columns[index];
        (column.field, column.match_kind, column.score) =
            (Some(field), MatchKind::Fuzzy, Some(rounded(score)));
        // (The pass of this claim is not looked at again: resolution is over.)
        claims.insert(field, Claim { columns: vec![index], pass: Pass::Exact });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    fn plain(headers: &[&str]) -> Header {
        resolve(&strings(headers), 1, &Resolver::default())
    }

    fn with_aliases(headers: &[&str], aliases: &[(&str, Field)]) -> Header {
        let aliases = aliases.iter().map(|(h, f)| ((*h).to_owned(), *f)).collect();
        resolve(&strings(headers), 1, &Resolver { aliases: Aliases::new(&aliases), ..Resolver::default() })
    }

    fn with_mapping(headers: &[&str], mapping: &[(&str, Option<Field>)]) -> Header {
        let mapping = mapping.iter().map(|(h, f)| ((*h).to_owned(), *f)).collect();
        resolve(&strings(headers), 1, &Resolver { mapping: Mapping::new(&mapping), ..Resolver::default() })
    }

    fn fields(h: &Header) -> Vec<Option<Field>> {
        h.columns.iter().map(|c| c.field).collect()
    }

    fn codes(h: &Header) -> Vec<IssueCode> {
        h.issues.iter().map(|i| i.code).collect()
    }

    #[test]
    fn exact_normalised_and_alias_matches() {
        let h = plain(&[
            "Lead ID",
            "lead_name",
            "Email",
            "Lead Source",
            "Interest Level",
            "STAGE",
            "Owner",
            "Notes",
        ]);
        let kinds: Vec<_> = h.columns.iter().map(|c| c.match_kind).collect();
        use MatchKind::*;
        assert_eq!(kinds, [Exact, Normalized, Alias, Alias, Exact, Alias, Alias, Unknown]);
        assert_eq!(h.mapped.len(), 7);
        assert_eq!(codes(&h), [IssueCode::UnknownColumn]);
        assert!(!h.has_errors());
    }

    #[test]
    fn contact_columns_are_joined_not_dropped() {
        let h = plain(&["Lead ID", "Name", "Email", "Phone", "Mobile", "Source", "Rating", "Status"]);
        let contact: Vec<usize> =
            h.mapped.iter().filter(|(_, f)| *f == Field::ContactInformation).map(|(c, _)| *c).collect();
        assert_eq!(contact, [2, 3, 4]);
        assert!(h.issues.is_empty(), "{:?}", h.issues);
        assert_eq!(h.recognised(), 6);
    }

    #[test]
    fn name_parts_join_only_without_a_whole_name_column() {
        let parts = plain(&["First Name", "Middle Name", "Last Name", "Email"]);
        assert_eq!(&fields(&parts)[..3], [Some(Field::LeadName); 3]);
        let whole = plain(&["First Name", "Full Name", "Last Name"]);
        assert_eq!(fields(&whole), [None, Some(Field::LeadName), None]);
        let warning = &whole.issues[0];
        assert_eq!(warning.code, IssueCode::UnknownColumn);
        assert!(warning.message.contains("already gives"), "{}", warning.message);
    }

    #[test]
    fn caller_aliases_win_over_built_in_ones() {
        let h = with_aliases(
            &["Owner", "kontakt"],
            &[("Owner", Field::LeadName), ("Kontakt", Field::ContactInformation)],
        );
        assert_eq!(fields(&h), [Some(Field::LeadName), Some(Field::ContactInformation)]);
        assert_eq!(h.columns[1].match_kind, MatchKind::Alias);
        // Naming a column never makes another one win: "Name" (built in) is shadowed, not "Owner".
        let h = with_aliases(&["Name", "Owner"], &[("Owner", Field::LeadName)]);
        assert_eq!(fields(&h), [None, Some(Field::LeadName)]);
    }

    #[test]
    fn the_mapping_wins_and_null_ignores_a_column() {
        let h = with_mapping(
            &["Lead ID", "Kunde", "Notes", "Email"],
            &[
                ("Kunde", Some(Field::LeadName)),
                ("Notes", None),
                ("Lead ID", Some(Field::Source)),
                ("Gone", None),
            ],
        );
        assert_eq!(
            fields(&h),
            [Some(Field::Source), Some(Field::LeadName), None, Some(Field::ContactInformation)]
        );
        let kinds: Vec<_> = h.columns.iter().map(|c| c.match_kind).collect();
        use MatchKind::*;
        assert_eq!(kinds, [Mapped, Mapped, Mapped, Alias]);
        // No warning for the ignored column; Lead ID is now missing.
        assert!(!codes(&h).contains(&IssueCode::UnknownColumn));
        assert!(
            h.issues.iter().any(|i| i.code == IssueCode::MissingColumn && i.field == Some(Field::LeadId))
        );
    }

    #[test]
    fn a_mapped_field_takes_only_mapped_columns() {
        let h = with_mapping(
            &["Vorname", "Nachname", "Name", "E-Mail", "Telefon"],
            &[
                ("Vorname", Some(Field::LeadName)),
                ("Nachname", Some(Field::LeadName)),
                ("Telefon", Some(Field::ContactInformation)),
            ],
        );
        assert_eq!(
            fields(&h),
            [Some(Field::LeadName), Some(Field::LeadName), None, None, Some(Field::ContactInformation)]
        );
        // Two mapped columns for a one-column field are ambiguous.
        let h = with_mapping(&["A", "B"], &[("A", Some(Field::LeadId)), ("B", Some(Field::LeadId))]);
        assert!(codes(&h).contains(&IssueCode::DuplicateColumn));
    }

    #[test]
    fn typos_match_fuzzily_when_unambiguous() {
        let h = plain(&["Lead ID", "Lead Name", "Contact Infomation", "Source", "Intrest Level", "Stauts"]);
        assert_eq!(h.columns[2].field, Some(Field::ContactInformation));
        assert_eq!(h.columns[2].match_kind, MatchKind::Fuzzy);
        let score = h.columns[2].score.unwrap();
        assert!((0.9..1.0).contains(&score), "{score}");
        assert_eq!(h.columns[4].field, Some(Field::InterestLevel));
        assert_eq!(h.columns[5].field, Some(Field::Status));
        assert!(!h.has_errors(), "{:?}", h.issues);
        // Two columns as close to one field: neither is taken, both are suggested.
        let h = plain(&["Lead ID", "Lead Name", "Email", "Sourse", "Sorce", "Interest", "Status"]);
        assert_eq!(h.columns[3].field, None);
        assert_eq!(h.columns[4].field, None);
        let s: Vec<usize> = h.suggestions[&Field::Source].iter().map(|s| s.index).collect();
        assert_eq!(s, [3, 4]);
        // Short headers are not guessed at.
        assert_eq!(plain(&["Nme"]).columns[0].field, None);
    }

    #[test]
    fn missing_fields_come_with_suggestions() {
        let h = plain(&["Lead ID", "Prospect Name", "Email", "Origin", "Interest", "Phase", "Notes"]);
        let name = &h.suggestions[&Field::LeadName];
        assert_eq!(name[0].header, "Prospect Name");
        assert!(name[0].score >= 0.6, "{:?}", name);
        // "Phase" is too far from "Status" or "Stage" to offer; Source has its column.
        assert!(!h.suggestions.contains_key(&Field::Status));
        assert!(!h.suggestions.contains_key(&Field::Source));
        let missing = h.issues.iter().find(|i| i.field == Some(Field::LeadName)).unwrap();
        assert!(missing.message.contains("\"Prospect Name\""), "{}", missing.message);
    }

    #[test]
    fn duplicate_and_missing_columns_are_errors() {
        let h = resolve(&strings(&["Lead ID", "Lead ID"]), 3, &Resolver::default());
        let codes = codes(&h);
        assert!(codes.contains(&IssueCode::DuplicateColumn));
        assert_eq!(codes.iter().filter(|c| **c == IssueCode::MissingColumn).count(), 5);
        assert!(h.issues.iter().all(|i| i.line == Some(3)));
        let duplicate = h.issues.iter().find(|i| i.code == IssueCode::DuplicateColumn).unwrap();
        assert!(duplicate.message.contains("Columns 1 (\"Lead ID\") and 2"), "{}", duplicate.message);
        let h = plain(&["Email", "email"]);
        assert!(h.issues.iter().any(|i| i.code == IssueCode::DuplicateColumn));
    }
}
