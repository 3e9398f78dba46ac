//! Delimiter sniffing from the opening text of a file.
//!
//! Every candidate (`,` `;` tab `|`) parses the sample. A candidate must give the header at
//! least two fields; among those, the one whose header names the most lead fields wins, then the
//! one whose rows agree with the header's field count, then the one with more fields. Because
//! the header decides first, a `;` file whose values hold decimal commas cannot fool it.

use crate::import::header::{self, HEADER_SEARCH_RECORDS, Resolver, is_later_header};
use crate::import::parser::{Flow, Parser, RawRecord};
use crate::model::Delimiter;

/// Records of the sample looked at, header included.
const SAMPLE_RECORDS: usize = 50;

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    recognised: usize,
    all_consistent: bool,
    consistent: usize,
    header_fields: usize,
}

fn score(sample: &[u8], complete: bool, delimiter: Delimiter, resolver: &Resolver) -> Option<Score> {
    // The sample's non-blank records: (cells, field count).
    let mut records: Vec<(Vec<String>, usize)> = Vec::new();
    let mut sink = |r: RawRecord<'_>| {
        let cells: Vec<String> = r.iter().map(|f| String::from_utf8_lossy(f).trim().to_owned()).collect();
        if cells.iter().all(String::is_empty) {
            return Flow::Continue;
        }
        records.push((cells, r.field_count));
        if records.len() >= SAMPLE_RECORDS + HEADER_SEARCH_RECORDS { Flow::Stop } else { Flow::Continue }
    };
    let mut parser = Parser::new(delimiter.byte(), sample.len().max(16));
    if parser.feed(sample, &mut sink) == Flow::Continue && complete {
        parser.finish(&mut sink);
    }
    // The header as the validator will find it: the first record, or a later one of the first
    // few that names more fields (a title or notes above the header).
    let recognised = |i: usize| header::recognised(&records[i].0, resolver);
    if records.is_empty() {
        return None;
    }
    let first = recognised(0);
    let (at, recognised) = (1..records.len().min(HEADER_SEARCH_RECORDS))
        .map(|i| (i, recognised(i)))
        .find(|&(_, n)| is_later_header(first, n))
        .unwrap_or((0, first));
    let (cells, ..) = &records[at];
    if cells.len() < 2 {
        return None;
    }
    let h = cells.len();
    // Per data row: does its field count agree with the header's?
    let agrees: Vec<bool> = records[at + 1..]
        .iter()
        .take(SAMPLE_RECORDS - 1)
        .map(|(cells, count)| {
            let extra_blank = cells.get(h..).is_some_and(|extra| extra.iter().all(String::is_empty));
            *count == h || (*count > h && extra_blank)
        })
        .collect();
    let consistent = agrees.iter().filter(|&&a| a).count();
    Some(Score { recognised, all_consistent: consistent == agrees.len(), consistent, header_fields: h })
}

/// Picks the delimiter for a file opening with `sample`; `complete` says whether that is all of it.
pub(crate) fn sniff(sample: &[u8], complete: bool, resolver: &Resolver) -> Delimiter {
    let mut best: Option<(Score, Delimiter)> = None;
    for delimiter in Delimiter::ALL {
        if let Some(s) = score(sample, complete, delimiter, resolver)
            && best.as_ref().is_none_or(|(b, _)| s > *b)
        {
            best = Some((s, delimiter));
        }
    }
    best.map_or(Delimiter::Comma, |(_, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffed(text: &str) -> Delimiter {
        sniff(text.as_bytes(), true, &Resolver::default())
    }

    #[test]
    fn picks_each_delimiter() {
        assert_eq!(sniffed("Lead ID,Lead Name\n1,Ann\n"), Delimiter::Comma);
        assert_eq!(sniffed("Lead ID;Lead Name\n1;Ann\n"), Delimiter::Semicolon);
        assert_eq!(sniffed("Lead ID\tLead Name\n1\tAnn\n"), Delimiter::Tab);
        assert_eq!(sniffed("Lead ID|Lead Name\n1|Ann\n"), Delimiter::Pipe);
    }

    #[test]
    fn decimal_commas_do_not_fool_it() {
        let text = "Lead ID;Lead Name;Budget, EUR;Score\n1;Ann;1,5;2,25\n2;Bob;3,75;1,0\n";
        assert_eq!(sniffed(text), Delimiter::Semicolon);
        // Even with an unrecognised header, consistency decides.
        assert_eq!(sniffed("a;b;c\n1,5;2,5;x\n3;4,5,6;y\n"), Delimiter::Semicolon);
    }

    #[test]
    fn quoted_delimiters_are_not_counted() {
        assert_eq!(sniffed("Lead ID,Lead Name\n1,\"Lee; Ann\"\n2,\"Kim; Bo\"\n"), Delimiter::Comma);
    }

    #[test]
    fn single_column_falls_back_to_comma() {
        assert_eq!(sniffed("Lead ID\n1\n"), Delimiter::Comma);
        assert_eq!(sniffed(""), Delimiter::Comma);
    }
}
