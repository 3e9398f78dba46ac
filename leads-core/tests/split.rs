//! A validation split between a `Splitter` and a `Validator` (two Web Workers in a browser)
//! gives the one-validator result: report, leads and rejected rows.

use leads_core::{ErrorKind, ImportOptions, Splitter, Validation, Validator, validate};

/// Validates `input` read by a splitter in chunks of `chunk` bytes, the rules run by a
/// validator on its messages; `check(i)` says whether the splitter runs the rules that need no
/// other row on the records of chunk `i`. Returns the result and the messages.
fn split(
    input: &[u8],
    options: &ImportOptions,
    chunk: usize,
    check: &dyn Fn(usize) -> bool,
) -> (Validation, Vec<Vec<u8>>) {
    let mut reader = Splitter::new(options).unwrap();
    let mut rules = Validator::new(options).unwrap();
    let (mut leads, mut rejected, mut messages) = (Vec::new(), Vec::new(), Vec::new());
    for (i, piece) in input.chunks(chunk).enumerate() {
        if reader.is_stopped() || rules.is_stopped() {
            break;
        }
        messages.push(reader.push(piece, check(i)).unwrap());
        rules.push_message(messages.last().unwrap()).unwrap();
        leads.extend(rules.drain_leads());
        rejected.extend(rules.drain_rejected());
    }
    messages.push(reader.finish().unwrap());
    rules.push_message(messages.last().unwrap()).unwrap();
    let report = rules.try_finish().unwrap();
    leads.extend(rules.drain_leads());
    rejected.extend(rules.drain_rejected());
    assert!(rules.progress().bytes <= reader.bytes());
    (Validation { report, leads, rejected }, messages)
}

/// Whether the splitter checks the records of chunk `i`.
type Check = dyn Fn(usize) -> bool;

fn with(f: &dyn Fn(&mut ImportOptions)) -> ImportOptions {
    let mut o = ImportOptions::default();
    f(&mut o);
    o
}

/// Whether a message carries records (not just input).
fn has_records(messages: &[Vec<u8>]) -> bool {
    // Input parts are kind 0 right after the 29-byte head; a record batch is kind 1.
    messages.iter().any(|m| m.get(29) == Some(&1))
}

#[test]
fn split_validation_agrees() {
    let files = [
        ("default", leads_gen::generate(8_000, 5)),
        ("messy", leads_gen::generate_messy(8_000, 7)),
        // A preamble above the header, CRLF and Windows-1252 past the detection window.
        ("preamble", {
            let mut f = b"Exported from a CRM\r\n\r\n".to_vec();
            f.extend(leads_gen::generate(3_000, 9));
            f.extend(b"L-\xe9t\xe9,Ren\xe9,ren\xe9@example.com,Caf\xe9,High,New,\r\n");
            f
        }),
        // Small enough never to leave the detection window: input all the way.
        ("small", leads_gen::generate(50, 2)),
    ];
    let cases = [
        ImportOptions::default(),
        with(&|o| o.max_rows = 5_432),
        with(&|o| o.max_bytes = 300_000),
        with(&|o| o.max_issues = 10),
        with(&|o| {
            o.mapping.insert("Source".into(), None);
        }),
    ];
    for (name, bytes) in &files {
        for options in &cases {
            let whole = validate(bytes, options).unwrap();
            let combos: [(usize, &str, &Check); 4] = [
                (1000, "every other", &|i| i % 2 == 1),
                (65_536, "never", &|_| false),
                (65_536, "always", &|_| true),
                (300_000, "every other", &|i| i % 2 == 1),
            ];
            for (chunk, how, check) in combos {
                {
                    let (got, messages) = split(bytes, options, chunk, check);
                    let what = format!("{name}, chunks of {chunk}, check {how}, {options:?}");
                    assert_eq!(got.report, whole.report, "{what}");
                    assert_eq!(got.leads, whole.leads, "{what}");
                    assert_eq!(got.rejected, whole.rejected, "{what}");
                    if whole.report.rows > 2_000 && options.max_bytes > 1 << 20 && bytes.len() > 2 * chunk {
                        assert!(has_records(&messages), "{what}: no records crossed");
                    }
                }
            }
        }
    }
}

/// The validator's leads can also go to its lead table, as in `validate_parallel`.
#[test]
fn split_into_a_lead_table() {
    let bytes = leads_gen::generate_messy(5_000, 11);
    let options = ImportOptions::default();
    let whole = validate(&bytes, &options).unwrap();
    let mut reader = Splitter::new(&options).unwrap();
    let mut rules = Validator::new(&options).unwrap().lead_table(true).keep_rejected(false);
    for piece in bytes.chunks(40_000) {
        rules.push_message(&reader.push(piece, true).unwrap()).unwrap();
    }
    rules.push_message(&reader.finish().unwrap()).unwrap();
    assert_eq!(rules.finish(), whole.report);
    assert!(rules.take_lead_table().iter().eq(whole.leads.iter().cloned()));
}

fn invalid_message(e: leads_core::Error) -> String {
    match e.kind() {
        ErrorKind::InvalidOption { option, message } if option == "message" => message.clone(),
        other => panic!("not an invalid message: {other:?}"),
    }
}

#[test]
fn messages_out_of_place_are_errors() {
    let bytes = leads_gen::generate(2_000, 1);
    let options = ImportOptions::default();
    let (_, messages) = split(&bytes, &options, 70_000, &|_| true);
    assert!(has_records(&messages));
    let started = |n: usize| {
        let mut v = Validator::new(&options).unwrap();
        for m in &messages[..n] {
            v.push_message(m).unwrap();
        }
        v
    };
    // Another options' splitter, or bytes that are no message.
    let other = with(&|o| o.max_issues = 5);
    let mut v = Validator::new(&other).unwrap();
    assert!(invalid_message(v.push_message(&messages[0]).unwrap_err()).contains("other options"));
    for junk in [&b""[..], b"LDSM", &bytes[..100], &messages[1][..30]] {
        assert!(
            invalid_message(Validator::new(&options).unwrap().push_message(junk).unwrap_err())
                .contains("Splitter")
        );
    }
    // A message skipped or repeated.
    let mut v = Validator::new(&options).unwrap();
    assert!(invalid_message(v.push_message(&messages[1]).unwrap_err()).contains("in order"));
    let mut v = started(2);
    assert!(invalid_message(v.push_message(&messages[1]).unwrap_err()).contains("pushed twice"));
    assert!(invalid_message(v.push_message(&messages[3]).unwrap_err()).contains("in order"));
    // Once records came, input is refused and so is finishing before the last message.
    let mut v = started(2);
    assert!(
        invalid_message(v.try_push(b"L-9,Ann,ann@example.com,Web,High,New,\n").unwrap_err())
            .contains("Splitter")
    );
    assert!(invalid_message(v.try_finish().unwrap_err()).contains("last message"));
    // After the last message, or after finish.
    let mut v = started(messages.len());
    assert!(invalid_message(v.push_message(&messages[1]).unwrap_err()).contains("last one"));
    v.try_finish().unwrap();
    assert!(matches!(v.push_message(&messages[1]).unwrap_err().kind(), ErrorKind::Finished));
    // The splitter itself after finish.
    let mut reader = Splitter::new(&options).unwrap();
    reader.finish().unwrap();
    assert!(matches!(reader.push(b"x", false).unwrap_err().kind(), ErrorKind::Finished));
    assert!(matches!(reader.finish().unwrap_err().kind(), ErrorKind::Finished));
}

/// A damaged message (any byte changed, cut short) is refused or read as some records; it never
/// panics, here or when the validator finishes.
#[test]
fn damaged_messages_never_panic() {
    let bytes = leads_gen::generate_messy(600, 4);
    let options = ImportOptions::default();
    let (_, messages) = split(&bytes, &options, 65_536, &|_| true);
    let batch = messages.iter().position(|m| m.get(29) == Some(&1)).expect("a message with records");
    let message = &messages[batch];
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // Cut short anywhere: always refused.
    let cut: Vec<Vec<u8>> =
        (0..200).map(|_| message[..(next() % message.len() as u64) as usize].to_vec()).collect();
    // Bytes changed: the counts, the first records and the text, then anywhere.
    let mut cases = Vec::new();
    for i in (0..600).chain((600..message.len()).step_by(97)) {
        for value in [0, 0xff, message[i] ^ 1] {
            let mut m = message.clone();
            m[i] = value;
            cases.push(m);
        }
    }
    for _ in 0..300 {
        let mut m = message.clone();
        for _ in 0..4 {
            let at = (next() % m.len() as u64) as usize;
            m[at] = (next() >> 32) as u8;
        }
        cases.push(m);
    }
    let mut refused = 0;
    let n = cases.len();
    for (k, m) in cut.iter().chain(&cases).enumerate() {
        let mut v = Validator::new(&options).unwrap().lead_table(true);
        for earlier in &messages[..batch] {
            v.push_message(earlier).unwrap();
        }
        match v.push_message(m) {
            Ok(()) => {
                assert!(k >= cut.len(), "a message cut short was taken");
                let _ = v.push_message(messages.last().unwrap());
                let report = v.finish();
                let table = v.take_lead_table();
                assert_eq!(table.iter().count(), table.len());
                assert!(report.valid + report.invalid <= report.rows);
            }
            Err(e) => {
                invalid_message(e);
                refused += 1;
            }
        }
    }
    // Most changes to the counts and bounds are caught; changed text is just other text.
    assert!(refused >= cut.len() + n / 10, "{refused} of {} refused", n + cut.len());
}
