//! Export: every lead matching a query, as CSV in the import format (DESIGN §7, "Export").

use std::io::Write;

use uuid::Uuid;

use crate::error::Result;
use crate::import::rejects::{csv_error, neutralise};
use crate::model::Field;
use crate::query::LeadQuery;
use crate::store::Store;

/// Leads fetched per page while exporting.
pub const EXPORT_PAGE: u32 = 1000;

/// Writes every lead of `user` matching `query`'s filters, in its order, as CSV in the import
/// format: the seven seed headers, a UTF-8 BOM, CRLF line ends, cells a spreadsheet would run
/// as a formula neutralised with a leading `'` (as in [`write_rejected_csv`](crate::write_rejected_csv)).
/// Returns how many leads it wrote.
///
/// Memory stays bounded whatever the count: the leads are read in keyset pages of
/// [`EXPORT_PAGE`]. The query's `limit`, `offset`/`page`, `cursor` and `total` are not used:
/// an export is every matching lead. Importing the file again changes nothing (every lead
/// `unchanged`), unless a value starts like a formula (it comes back with its `'`).
///
/// ```
/// use leads_core::{ImportMode, ImportOptions, MemoryStore, Store};
///
/// # pollster::block_on(async {
/// let store = MemoryStore::new();
/// let user = leads_core::register(&store, "ann", "correct horse", leads_core::PasswordParams::insecure_for_tests()).await?.uuid;
/// let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ann,ann@example.com,Web,Hot,Open\n";
/// store.import_csv(user, csv.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await?;
/// let mut out = Vec::new();
/// assert_eq!(leads_core::export_csv(&store, user, &"status=open".parse()?, &mut out).await?, 1);
/// let text = String::from_utf8(out).unwrap();
/// assert_eq!(
///     text,
///     "\u{feff}Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\r\n\
///      L-1,Ann,ann@example.com,Web,High,Open,\r\n"
/// );
/// # Ok::<(), leads_core::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
/// Store errors (an invalid query, a backend failure) and I/O errors from `out`; what was
/// written before stays written.
pub async fn export_csv<S: Store + ?Sized, W: Write>(
    store: &S,
    user: Uuid,
    query: &LeadQuery,
    mut out: W,
) -> Result<u64> {
    let mut page_query =
        LeadQuery { limit: Some(EXPORT_PAGE), offset: 0, cursor: None, total: false, ..query.clone() };
    out.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    csv.write_record(Field::ALL.map(Field::label)).map_err(csv_error)?;
    let mut written = 0u64;
    loop {
        let page = store.query(user, &page_query).await?;
        for stored in &page.items {
            let lead = &stored.lead;
            let cells = [
                lead.lead_id.as_str(),
                &lead.lead_name,
                &lead.contact_information,
                &lead.source,
                lead.interest_level.as_str(),
                &lead.status,
                lead.salesperson.as_deref().unwrap_or(""),
            ];
            csv.write_record(cells.map(|c| neutralise(c).into_owned())).map_err(csv_error)?;
            written += 1;
        }
        match page.next_cursor {
            Some(cursor) => page_query.cursor = Some(cursor),
            None => break,
        }
    }
    csv.flush()?;
    Ok(written)
}
