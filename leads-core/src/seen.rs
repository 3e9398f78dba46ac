//! The set of Lead IDs seen so far in a file, with the line each first appeared on.
//!
//! It is the one part of a streaming validation that grows with the file, so it is compact:
//! - the IDs live back to back in one byte arena, each after its line number;
//! - `spans` holds, per ID, one `u64` packing its arena offset and length;
//! - the hash table holds, per ID, one `u64` packing 32 bits of the ID's hash and its index in
//!   `spans`, so probing and growing the table never touch the arena.
//!
//! About 8 bytes of table (at 50–87% load), 8 of span and 8 + len of arena per ID: ~45 MB for a
//! million 9-byte IDs at the peak of a growth step.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

/// IDs are at most 128 characters, so at most 512 bytes: 10 bits of length.
const LEN_BITS: u32 = 10;
const LEN_MASK: u64 = (1 << LEN_BITS) - 1;

/// Most IDs the set holds (the index is 32 bits); `ImportOptions::max_rows` stays below it.
pub(crate) const MAX_IDS: u64 = u32::MAX as u64;

pub(crate) struct SeenIds {
    /// `hash32 << 32 | index into spans`
    table: HashTable<u64>,
    /// `arena offset << LEN_BITS | len`
    spans: Vec<u64>,
    arena: Vec<u8>,
}

/// The hash of a Lead ID, as [`SeenIds`] takes it (the same on every thread).
pub(crate) fn id_hash(id: &[u8]) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6c65_6164_735f_6964).hash_one(id)
}

/// The table's 64-bit hash, rebuilt from the 32 bits kept in an entry: the multiply spreads
/// them over the high bits (hashbrown's tag) and the low bits (its bucket index).
fn spread(hash32: u64) -> u64 {
    (hash32 | hash32 << 32).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl SeenIds {
    pub(crate) fn new() -> Self {
        SeenIds {
            table: HashTable::new(),
            spans: Vec::new(),
            arena: Vec::new(),
        }
    }

    /// Makes room for `more` IDs (of the average length so far), if memory allows.
    pub(crate) fn reserve(&mut self, more: usize) {
        let per_id = if self.spans.is_empty() { 16 } else { self.arena.len() / self.spans.len() };
        let _ = self.table.try_reserve(more, |&e| spread(e >> 32));
        let _ = self.spans.try_reserve(more);
        let _ = self.arena.try_reserve(more.saturating_mul(per_id));
    }

    /// Records `id` as seen on `line`, or returns the line it was first seen on.
    /// IDs longer than 1023 bytes are never passed in (the 128-character rule comes first), and
    /// at most [`MAX_IDS`] are.
    pub(crate) fn insert(&mut self, id: &str, line: u64) -> Option<u64> {
        self.insert_hashed(id, id_hash(id.as_bytes()), line)
    }

    /// [`insert`](Self::insert) with the ID's [`id_hash`], computed before.
    pub(crate) fn insert_hashed(&mut self, id: &str, hash: u64, line: u64) -> Option<u64> {
        debug_assert!(id.len() as u64 <= LEN_MASK);
        debug_assert_eq!(hash, id_hash(id.as_bytes()));
        let hash32 = hash >> 32;
        let SeenIds { table, spans, arena, .. } = self;
        let at = |index: u64| {
            let span = spans[usize::try_from(index).unwrap_or(usize::MAX)];
            let start = usize::try_from(span >> LEN_BITS).unwrap_or(usize::MAX);
            (start, usize::try_from(span & LEN_MASK).unwrap_or(0))
        };
        let entry = table.entry(
            spread(hash32),
            |&e| {
                e >> 32 == hash32 && {
                    let (start, len) = at(e & 0xFFFF_FFFF);
                    &arena[start + 8..start + 8 + len] == id.as_bytes()
                }
            },
            |&e| spread(e >> 32),
        );
        match entry {
            Entry::Occupied(found) => {
                let (start, _) = at(found.get() & 0xFFFF_FFFF);
                let mut bytes = [0; 8];
                bytes.copy_from_slice(&arena[start..start + 8]);
                Some(u64::from_le_bytes(bytes))
            }
            Entry::Vacant(slot) => {
                let index = spans.len() as u64;
                debug_assert!(index < MAX_IDS);
                spans.push((arena.len() as u64) << LEN_BITS | id.len() as u64);
                arena.extend_from_slice(&line.to_le_bytes());
                arena.extend_from_slice(id.as_bytes());
                slot.insert(hash32 << 32 | index);
                None
            }
        }
    }

    /// Reads the part of the table where the ID of [`id_hash`] `hash` would sit, so that
    /// inserting it a little later finds it in the cache: with a million IDs the table outgrows
    /// the caches, and a lookup that waits on memory costs as much as a row's other checks.
    pub(crate) fn prefetch(&self, hash: u64) {
        std::hint::black_box(self.table.find(spread(hash >> 32), |_| false));
    }

    /// Bytes held (table, spans and arena), for memory accounting.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.table.capacity() * 9 + self.spans.capacity() * 8 + self.arena.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_first_lines() {
        let mut seen = SeenIds::new();
        for i in 0..10_000u64 {
            assert_eq!(seen.insert(&format!("L-{i}"), i + 2), None);
        }
        assert_eq!(seen.insert("L-0", 99_999), Some(2));
        assert_eq!(seen.insert("L-9999", 99_999), Some(10_001));
        assert_eq!(seen.insert("l-0", 5), None, "IDs are case-sensitive");
        assert!(seen.heap_bytes() < 600_000, "{}", seen.heap_bytes());
    }
}
