//! Delimiter sniffing from the opening text of a file.
//!
//! Every candidate (`,` `;` tab `|`) parses the sample. A candidate must give the header at
//! least two fields; among those, the one whose header names the most lead fields wins, then the
//! one whose rows agree with the header's field count, then the one with more fields. Because
//! the header decides first, a `;` file whose values hold decimal commas cannot fool it.

use crate::import::header::{Resolver, resolve};
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
    let mut header: Option<(Vec<String>, u64)> = None;
    // Per data row: does its field count agree with the header's?
    let mut agrees: Vec<bool> = Vec::new();
    let mut sink = |r: RawRecord<'_>| {
        let cells: Vec<String> = r.iter().map(|f| String::from_utf8_lossy(f).trim().to_owned()).collect();
        if cells.iter().all(String::is_empty) {
            return Flow::Continue;
        }
        match &header {
            None => header = Some((cells, r.line)),
            Some((h, _)) => {
                let h = h.len();
                let extra_blank = cells.get(h..).is_some_and(|extra| extra.iter().all(String::is_empty));
                agrees.push(r.field_count == h || (r.field_count > h && extra_blank));
                if agrees.len() + 1 >= SAMPLE_RECORDS {
                    return Flow::Stop;
                }
            }
        }
        Flow::Continue
    };
    let mut parser = Parser::new(delimiter.byte(), sample.len().max(16));
    if parser.feed(sample, &mut sink) == Flow::Continue && complete {
        parser.finish(&mut sink);
    }
    let (cells, line) = header?;
    if cells.len() < 2 {
        return None;
    }
    let consistent = agrees.iter().filter(|&&a| a).count();
    Some(Score {
        recognised: resolve(&cells, line, resolver).recognised(),
        all_consistent: consistent == agrees.len(),
        consistent,
        header_fields: cells.len(),
    })
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
