//! Arbitrary bytes, arbitrary chunk splits: the push validator never panics, counts add up, and
//! the chunked result and the two-thread result equal the one-shot result.
#![no_main]

use leads_core::{Field, ImportOptions, Validator, validate};
use libfuzzer_sys::fuzz_target;

/// Control characters no stored value may hold (`invalid_character`).
fn is_forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || ('\u{80}'..='\u{9F}').contains(&c)
}

fuzz_target!(|data: &[u8]| {
    // The first bytes choose the options and the chunk sizes; the rest is the file.
    if data.len() < 6 {
        return;
    }
    let (control, input) = data.split_at(6);
    let mut options = ImportOptions::default();
    options.max_issues = usize::from(control[0] % 8);
    options.max_field_bytes = 16 + usize::from(control[1]) * 4;
    if control[2] & 1 == 1 {
        options.max_rows = u64::from(control[2] >> 1) + 1;
    }
    // A mapping (and aliases) over the cells of the first line, as a mapping step would send:
    // bit k of control[4] maps cell k, to the field control[5] picks (or to none).
    let first_line = input.split(|&b| b == b'\n' || b == b'\r').next().unwrap_or_default();
    for (k, cell) in String::from_utf8_lossy(first_line).split([',', ';', '\t', '|']).take(8).enumerate() {
        let cell = cell.trim().trim_matches('"').to_owned();
        if cell.is_empty() || control[4] & (1 << k) == 0 {
            continue;
        }
        let pick = usize::from(control[5].rotate_left(k as u32)) % 9;
        match Field::ALL.get(pick) {
            Some(&field) if k % 2 == 0 => drop(options.mapping.insert(cell, Some(field))),
            Some(&field) => drop(options.aliases.insert(cell, field)),
            None => drop(options.mapping.insert(cell, None)),
        }
    }
    options.status_synonyms = control[3] & 0x80 == 0;
    options.interest_synonyms = control[3] & 0x40 == 0;
    let whole = validate(input, &options).expect("valid options");
    let r = &whole.report;
    assert_eq!(r.rows, r.valid + r.invalid);
    assert_eq!(whole.leads.len() as u64, r.valid);
    assert_eq!(whole.rejected.len() as u64, r.invalid);
    assert!(r.issues.iter().filter(|i| !i.is_file_level()).count() <= options.max_issues);
    // No valid lead holds a control character; fuzzy scores and suggestions are in [0, 1].
    for lead in &whole.leads {
        let texts = [&lead.lead_id, &lead.lead_name, &lead.contact_information, &lead.source, &lead.status];
        assert!(texts.iter().all(|t| !t.chars().any(is_forbidden)), "{lead:?}");
        assert!(!lead.salesperson.as_deref().unwrap_or("").chars().any(is_forbidden));
    }
    assert!(r.columns.iter().filter_map(|c| c.score).all(|s| (0.0..=1.0).contains(&s)));
    assert!(r.suggestions.values().flatten().all(|s| (0.0..=1.0).contains(&s.score)));

    let mut v = Validator::new(&options).unwrap();
    let (mut leads, mut rejected) = (Vec::new(), Vec::new());
    let mut rest = input;
    let mut step = usize::from(control[3]) + 1;
    while !rest.is_empty() {
        let n = step.min(rest.len());
        v.push(&rest[..n]);
        leads.extend(v.drain_leads());
        rejected.extend(v.drain_rejected());
        rest = &rest[n..];
        step = step * 7 % 61 + 1; // varied chunk sizes, 1 to 61 bytes
    }
    let report = v.finish();
    leads.extend(v.drain_leads());
    rejected.extend(v.drain_rejected());
    assert_eq!(&report, r);
    assert_eq!(leads, whole.leads);
    assert_eq!(rejected, whole.rejected);
    // Two threads give the same report and leads, in small or large reads.
    let chunk = usize::from(control[3] & 0x3F) % 97 + 1;
    let (par, table) = leads_core::validate_parallel(input, &options, true, None, chunk, &mut |_| Ok(())).unwrap();
    assert_eq!(&par, r);
    assert!(table.iter().eq(whole.leads.iter().cloned()));
    // The canonical JSON always serialises and parses back.
    let json = report.to_json();
    let back: leads_core::Report = serde_json::from_str(&json).expect("report JSON parses");
    assert_eq!(back, report);
});
