//! The core's nouns as Python classes: leads and lead lists, reports, issues, columns, progress.

pub(crate) mod lead;
pub(crate) mod report;
