//! Lead queries (DESIGN §5): `LeadQuery` and its query-string form, the filters, the sort
//! order and keyset cursors.

pub(crate) mod cursor;
pub(crate) mod filter;
pub(crate) mod lead_query;

pub use cursor::compare;
pub use filter::matches;
pub use lead_query::{DEFAULT_LIMIT, LeadQuery, MAX_LIMIT, MAX_OFFSET, Sort, SortKey};
