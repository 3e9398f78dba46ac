//! Arbitrary bytes, arbitrary chunk splits: the push validator never panics, counts add up, and
//! the chunked result and the two-thread result equal the one-shot result.
#![no_main]

use leads_core::{ImportOptions, Validator, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first bytes choose the options and the chunk sizes; the rest is the file.
    if data.len() < 4 {
        return;
    }
    let (control, input) = data.split_at(4);
    let mut options = ImportOptions::default();
    options.max_issues = usize::from(control[0] % 8);
    options.max_field_bytes = 16 + usize::from(control[1]) * 4;
    if control[2] & 1 == 1 {
        options.max_rows = u64::from(control[2] >> 1) + 1;
    }
    let whole = validate(input, &options).expect("valid options");
    let r = &whole.report;
    assert_eq!(r.rows, r.valid + r.invalid);
    assert_eq!(whole.leads.len() as u64, r.valid);
    assert_eq!(whole.rejected.len() as u64, r.invalid);
    assert!(r.issues.iter().filter(|i| !i.is_file_level()).count() <= options.max_issues);

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
    let chunk = usize::from(control[3]) % 97 + 1;
    let (par, table) = leads_core::validate_parallel(input, &options, true, None, chunk, &mut |_| Ok(())).unwrap();
    assert_eq!(&par, r);
    assert!(table.iter().eq(whole.leads.iter().cloned()));
    // The canonical JSON always serialises and parses back.
    let json = report.to_json();
    let back: leads_core::Report = serde_json::from_str(&json).expect("report JSON parses");
    assert_eq!(back, report);
});
