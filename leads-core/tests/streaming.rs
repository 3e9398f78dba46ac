//! The push validator gives the one-shot result whatever the chunking, in bounded memory.

use leads_core::{ErrorKind, ImportOptions, Validation, Validator, validate};
use proptest::prelude::*;

const HEADER: &str =
    "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson";

/// Validates `input` pushed in pieces split at `cuts` (byte offsets).
fn pushed(input: &[u8], cuts: &[usize], options: &ImportOptions) -> Validation {
    let mut v = Validator::new(options).unwrap();
    let mut leads = Vec::new();
    let mut rejected = Vec::new();
    let mut at = 0;
    for &cut in cuts.iter().chain([&input.len()]) {
        let cut = cut.clamp(at, input.len());
        v.push(&input[at..cut]);
        leads.extend(v.drain_leads());
        rejected.extend(v.drain_rejected());
        at = cut;
    }
    let report = v.finish();
    leads.extend(v.drain_leads());
    rejected.extend(v.drain_rejected());
    Validation { report, leads, rejected }
}

/// Asserts that splitting `input` at `cut` gives the one-chunk result, and returns it.
fn same_when_split(input: &[u8], cut: usize) -> Validation {
    let options = ImportOptions::default();
    let whole = validate(input, &options).unwrap();
    assert_eq!(pushed(input, &[cut], &options), whole, "split at byte {cut}");
    whole
}

#[test]
fn split_inside_a_utf8_character() {
    let csv = format!("{HEADER}\nL-1,Zoë Ørsted,zoe@example.com,Web,High,New,\n");
    let at = csv.find('ë').unwrap() + 1; // between the two bytes of ë
    let v = same_when_split(csv.as_bytes(), at);
    assert_eq!(v.leads[0].lead_name, "Zoë Ørsted");
    assert_eq!(v.report.valid, 1);
}

#[test]
fn split_inside_a_quoted_field() {
    let csv = format!("{HEADER}\nL-1,\"Lovelace, Ada\",ada@example.com,\"Trade Show\nBooth 4\",High,New,\n");
    for at in [csv.find("Ada\"").unwrap(), csv.find("Booth").unwrap() - 1] {
        let v = same_when_split(csv.as_bytes(), at);
        assert_eq!(v.leads[0].source, "Trade Show\nBooth 4");
    }
}

#[test]
fn split_between_cr_and_lf() {
    let csv = format!("{HEADER}\r\nL-1,Ada,ada@example.com,Web,High,New,\r\nL-2,Bo,bad,Web,High,New,\r\n");
    let at = csv.find("\r\nL-2").unwrap() + 1;
    let v = same_when_split(csv.as_bytes(), at);
    // CR LF is one line end, not two: L-2 is on line 3.
    assert_eq!(v.report.issues[0].line, Some(3));
}

#[test]
fn split_inside_the_bom() {
    let mut utf8 = b"\xEF\xBB\xBF".to_vec();
    utf8.extend_from_slice(format!("{HEADER}\nL-1,Ada,ada@example.com,Web,High,New,\n").as_bytes());
    for at in [1, 2] {
        let v = same_when_split(&utf8, at);
        assert_eq!(v.report.columns[0].header, "Lead ID", "BOM is not part of the header");
    }
    let text = format!("{}\r\nL-1\tAda\tada@example.com\tWeb\tHigh\tNew\t\r\n", HEADER.replace(',', "\t"));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let v = same_when_split(&utf16, 1);
    assert_eq!(v.report.encoding, leads_core::Encoding::Utf16Le);
    assert_eq!(v.report.valid, 1);
}

#[test]
fn every_split_of_a_small_file_agrees() {
    let csv = format!(
        "\u{feff}{HEADER}\r\nL-1,\"Zoë \"\"Z\"\" Ørsted\",ZOE@example.com,\"Fair\r\nHall 2\",Hot,open,\r\n\r\nL-1,Bo,x,Web,High,New,\r\nL-3,\"Cy"
    );
    let bytes = csv.as_bytes();
    let options = ImportOptions::default();
    let whole = validate(bytes, &options).unwrap();
    assert_eq!((whole.report.rows, whole.report.valid), (3, 1));
    for a in 0..=bytes.len() {
        for b in [a, a + 1, a + 3, a + 17] {
            assert_eq!(pushed(bytes, &[a, b], &options), whole, "split at {a} and {b}");
        }
    }
}

/// Files larger than the 64 KiB detection window decide encoding and delimiter from the window
/// and stream the rest.
#[test]
fn large_generated_file_in_any_chunk_size() {
    let bytes = leads_gen::generate(20_000, 3);
    let options = ImportOptions::default();
    let whole = validate(&bytes, &options).unwrap();
    assert_eq!(whole.report.rows, 20_000);
    assert_eq!(whole.report.valid + whole.report.invalid, 20_000);
    assert!(whole.report.invalid > 200 && whole.report.invalid < 800, "{}", whole.report.invalid);
    for size in [1000, 4096, 65_535, 65_536, 65_537, 300_000] {
        let cuts: Vec<usize> = (size..bytes.len()).step_by(size).collect();
        assert_eq!(pushed(&bytes, &cuts, &options), whole, "chunks of {size}");
    }
    // The compact lead table holds the same leads, with custom statuses too.
    let mut v = leads_core::Validator::new(&options).unwrap().lead_table(true);
    v.push(&bytes);
    assert_eq!(v.finish(), whole.report);
    let table = v.take_lead_table();
    assert_eq!(table.len(), whole.leads.len());
    assert!(table.iter().eq(whole.leads.iter().cloned()));
    assert_eq!(table.get(table.len()), None);
    assert!(v.take_lead_table().is_empty(), "taken");
    // A size hint, right or wrong, changes nothing but speed.
    for hint in [0, 1000, bytes.len() as u64, u64::MAX] {
        let mut v = leads_core::Validator::new(&options).unwrap().lead_table(true).size_hint(hint);
        for chunk in bytes.chunks(100_000) {
            v.push(chunk);
        }
        assert_eq!(v.finish(), whole.report, "hint {hint}");
        assert!(v.take_lead_table().iter().eq(whole.leads.iter().cloned()), "hint {hint}");
    }
}

#[test]
fn windows_1252_detected_past_the_window() {
    // The first 64 KiB are plain ASCII; a 1252 byte comes later. Detection looks at the
    // window only, so the file is read as UTF-8 and the later row gets invalid_encoding,
    // whatever the chunking.
    let mut csv = format!("{HEADER}\n").into_bytes();
    let mut n = 0;
    while csv.len() < 70_000 {
        n += 1;
        csv.extend_from_slice(format!("L-{n},Ann,ann{n}@example.com,Web,High,New,\n").as_bytes());
    }
    csv.extend_from_slice(b"L-X,Andr\xE9,andre@example.com,Web,High,New,\n");
    let whole = same_when_split(&csv, 65_536);
    assert_eq!(whole.report.encoding, leads_core::Encoding::Utf8);
    assert_eq!(whole.report.issues.len(), 1);
    assert_eq!(whole.report.issues[0].code, leads_core::IssueCode::InvalidEncoding);
    assert_eq!(whole.report.issues[0].line, Some(n + 2));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random cuts of generated files (quoted fields, multi-byte names, invalid rows).
    #[test]
    fn random_cuts_agree(rows in 0u64..300, seed in any::<u64>(), cuts in prop::collection::vec(0usize..40_000, 0..12)) {
        let bytes = leads_gen::generate(rows, seed);
        let options = ImportOptions::default();
        let whole = validate(&bytes, &options).unwrap();
        let mut cuts = cuts;
        cuts.sort_unstable();
        prop_assert_eq!(pushed(&bytes, &cuts, &options), whole);
    }

    /// Arbitrary bytes: never a panic, counts add up, chunking changes nothing.
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(prop::sample::select(b"ab,;\t|\"\r\n \xC3\xA9\xFF\x00".to_vec()), 0..400), cut in 0usize..400) {
        let mut input = format!("{HEADER}\n").into_bytes();
        input.extend_from_slice(&bytes);
        let options = ImportOptions::default();
        let whole = validate(&input, &options).unwrap();
        prop_assert_eq!(whole.report.rows, whole.report.valid + whole.report.invalid);
        prop_assert_eq!(pushed(&input, &[cut], &options), whole);
    }
}

/// Two threads (parsing here, rules on a worker) give exactly the one-thread result, also when
/// a limit stops the rules midway; an error from the progress callback stops the work.
#[test]
fn parallel_validation_agrees() {
    let bytes = leads_gen::generate(20_000, 5);
    let limited = |f: &dyn Fn(&mut ImportOptions)| {
        let mut o = ImportOptions::default();
        f(&mut o);
        o
    };
    let cases = [
        ImportOptions::default(),
        limited(&|o| o.max_rows = 12_345),
        limited(&|o| o.max_bytes = 1_000_000),
        limited(&|o| o.max_issues = 10),
    ];
    for options in &cases {
        let whole = validate(&bytes, options).unwrap();
        for chunk in [1000, 65_536, 1 << 20] {
            for hint in [None, Some(bytes.len() as u64)] {
                let (mut calls, mut read) = (0, 0);
                let (report, table) =
                    leads_core::validate_parallel(&bytes[..], options, true, hint, chunk, &mut |p| {
                        calls += 1;
                        read = p.bytes;
                        Ok(())
                    })
                    .unwrap();
                assert_eq!(report, whole.report, "chunks of {chunk}, {options:?}");
                assert!(table.iter().eq(whole.leads.iter().cloned()), "chunks of {chunk}");
                // Progress after every chunk read (a limit may stop the reading early).
                assert!(calls >= read as usize / chunk, "{calls} calls for {read} bytes");
                if options.max_rows == ImportOptions::default().max_rows {
                    assert_eq!(read, bytes.len().min(options.max_bytes as usize) as u64);
                }
            }
            let (bare, none) =
                leads_core::validate_parallel(&bytes[..], options, false, None, chunk, &mut |_| Ok(()))
                    .unwrap();
            assert_eq!((bare, none.len()), (whole.report.clone(), 0));
        }
    }
    let stop = leads_core::validate_parallel(&bytes[..], &cases[0], false, None, 100_000, &mut |p| {
        if p.bytes > 500_000 { Err(std::io::Error::other("enough")) } else { Ok(()) }
    });
    assert!(stop.unwrap_err().to_string().contains("enough"));
}

/// Bindings keep a `Validator` inside objects that other threads may reach (Python classes must
/// be `Send + Sync`): it must stay both.
#[test]
fn validator_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<leads_core::Validator>();
}

#[test]
fn chunk_sizes_out_of_range_are_errors_and_large_ones_fit_the_input() {
    let csv = b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ann,ann@example.com,Web,Hot,open\n";
    let run = |chunk: usize, hint: Option<u64>| {
        leads_core::validate_parallel(&csv[..], &ImportOptions::default(), true, hint, chunk, &mut |_| Ok(()))
    };
    for chunk in [0, leads_core::MAX_CHUNK_SIZE + 1, 1 << 40, usize::MAX] {
        let err = run(chunk, None).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidOption { option, .. } if option == "chunk_size"),
            "{err}"
        );
    }
    // The largest chunk size on a small input of known size reads into a buffer of the input's size.
    let (report, _) = run(leads_core::MAX_CHUNK_SIZE, Some(csv.len() as u64)).unwrap();
    assert_eq!(report.valid, 1);
}

/// The generator's messy profile is what it says for the validator: about 10% invalid rows, with
/// every kind of row error, and the same verdict fed in awkward chunks.
#[test]
fn the_messy_profile_has_every_kind_of_row_error() {
    let file = leads_gen::generate_messy(5000, 3);
    let report = leads_core::validate(&file, &leads_core::ImportOptions::default()).unwrap().report;
    assert_eq!(report.rows, 5000);
    assert!((400..=600).contains(&report.invalid), "{} invalid", report.invalid);
    let codes: std::collections::BTreeSet<&str> = report.issues.iter().map(|i| i.code.as_str()).collect();
    for code in
        ["duplicate_lead_id", "too_long", "required", "invalid_contact", "invalid_choice", "field_count"]
    {
        assert!(codes.contains(code), "{code} missing from {codes:?}");
    }
    let mut v = leads_core::Validator::new(&leads_core::ImportOptions::default()).unwrap();
    for chunk in file.chunks(7919) {
        v.push(chunk);
    }
    assert_eq!(v.finish(), report);
}
