//! `LeadTable`: valid leads stored compactly (one text buffer and offsets), for whole-file
//! validations that keep every lead: about a third of the memory of a `Vec<Lead>`, and no
//! allocation per field.

use std::sync::Arc;

use crate::model::InterestLevel;
use crate::model::Lead;

/// Text fields of a row in the table, in this order.
const TEXT_FIELDS: usize = 5;

/// Valid leads in file order, stored compactly. Get one as a [`Lead`] with [`get`](Self::get).
///
/// ```
/// let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ann,ann@example.com,Web,Hot,open\n";
/// let mut v = leads_core::Validator::new(&Default::default())?.lead_table(true);
/// v.push(csv.as_bytes());
/// v.finish();
/// let table = v.take_lead_table();
/// assert_eq!(table.len(), 1);
/// assert_eq!(table.get(0).unwrap().status, "Open");
/// # Ok::<(), leads_core::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeadTable {
    /// lead_id, lead_name, contact_information, source, salesperson of every lead, concatenated.
    text: String,
    /// Where each text field ends in `text` (`TEXT_FIELDS` per lead).
    ends: Vec<usize>,
    interest: Vec<InterestLevel>,
    /// Index into `statuses`.
    status: Vec<u32>,
    statuses: Arc<[String]>,
}

impl LeadTable {
    pub(crate) fn new(statuses: Arc<[String]>) -> Self {
        LeadTable { statuses, ..LeadTable::default() }
    }

    /// Adds a lead; `texts` are lead_id, lead_name, contact_information, source, salesperson
    /// (empty: unassigned).
    pub(crate) fn push(&mut self, texts: [&str; TEXT_FIELDS], interest: InterestLevel, status: usize) {
        for t in texts {
            self.text.push_str(t);
            self.ends.push(self.text.len());
        }
        self.interest.push(interest);
        self.status.push(u32::try_from(status).unwrap_or(u32::MAX));
    }

    /// Makes room for `more` leads holding up to `text_bytes` bytes of text, if memory allows.
    pub(crate) fn reserve(&mut self, more: usize, text_bytes: usize) {
        let _ = self.text.try_reserve(text_bytes);
        let _ = self.ends.try_reserve(more.saturating_mul(TEXT_FIELDS));
        let _ = self.interest.try_reserve(more);
        let _ = self.status.try_reserve(more);
    }

    /// How many leads.
    #[must_use]
    pub fn len(&self) -> usize {
        self.interest.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.interest.is_empty()
    }

    /// The lead at `index`, in file order.
    #[must_use]
    pub fn get(&self, index: usize) -> Option<Lead> {
        (index < self.len()).then(|| self.lead_at(index))
    }

    /// Every lead, in file order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Lead> + '_ {
        (0..self.len()).map(|i| self.lead_at(i))
    }

    /// Every lead, borrowed from the table (no allocation), in file order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = LeadRow<'_>> + '_ {
        (0..self.len()).map(|i| self.row_at(i))
    }

    /// The lead at `index`, borrowed from the table (no allocation): for copying leads out in
    /// bulk, e.g. into columns.
    #[must_use]
    pub fn row(&self, index: usize) -> Option<LeadRow<'_>> {
        (index < self.len()).then(|| self.row_at(index))
    }

    fn row_at(&self, index: usize) -> LeadRow<'_> {
        let at = index * TEXT_FIELDS;
        let start = if at == 0 { 0 } else { self.ends[at - 1] };
        let mut bounds = [0; TEXT_FIELDS + 1];
        bounds[0] = start;
        bounds[1..].copy_from_slice(&self.ends[at..at + TEXT_FIELDS]);
        let field = |k: usize| &self.text[bounds[k]..bounds[k + 1]];
        let salesperson = field(4);
        LeadRow {
            lead_id: field(0),
            lead_name: field(1),
            contact_information: field(2),
            source: field(3),
            interest_level: self.interest[index],
            status: self.statuses.get(self.status[index] as usize).map_or("", String::as_str),
            salesperson: (!salesperson.is_empty()).then_some(salesperson),
        }
    }

    /// The lead at `index < len()`.
    fn lead_at(&self, index: usize) -> Lead {
        self.row_at(index).to_lead()
    }
}

/// A lead borrowed from a [`LeadTable`] ([`LeadTable::row`]): the fields of a [`Lead`], as `&str`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeadRow<'t> {
    /// Lead ID.
    pub lead_id: &'t str,
    /// Lead Name.
    pub lead_name: &'t str,
    /// Contact Information (normalised).
    pub contact_information: &'t str,
    /// Source.
    pub source: &'t str,
    /// Interest Level.
    pub interest_level: InterestLevel,
    /// Status, in the vocabulary's casing.
    pub status: &'t str,
    /// Assigned Salesperson; `None` when unassigned.
    pub salesperson: Option<&'t str>,
}

impl LeadRow<'_> {
    /// The lead, owned.
    #[must_use]
    pub fn to_lead(&self) -> Lead {
        Lead {
            lead_id: self.lead_id.to_owned(),
            lead_name: self.lead_name.to_owned(),
            contact_information: self.contact_information.to_owned(),
            source: self.source.to_owned(),
            interest_level: self.interest_level,
            status: self.status.to_owned(),
            salesperson: self.salesperson.map(str::to_owned),
        }
    }
}

impl Lead {
    /// The lead, borrowed as a [`LeadRow`].
    #[must_use]
    pub fn row(&self) -> LeadRow<'_> {
        LeadRow {
            lead_id: &self.lead_id,
            lead_name: &self.lead_name,
            contact_information: &self.contact_information,
            source: &self.source,
            interest_level: self.interest_level,
            status: &self.status,
            salesperson: self.salesperson.as_deref(),
        }
    }
}
