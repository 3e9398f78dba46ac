//! The set of Lead IDs seen so far in a file, with the line each first appeared on.
//!
//! It is the one part of a streaming validation that grows with the file, so it is compact:
//! the IDs live back to back in one byte arena (each after its line number), and the hash table
//! holds per ID its hash (so growing the table never reads the arena) and one `u64` packing the
//! arena offset and the ID's length. About 18 bytes of table plus 8 + len bytes of arena per ID:
//! ~40 MB at the peak of a table doubling for a million 12-byte IDs.

use std::hash::BuildHasher;

use hashbrown::HashTable;

/// IDs are at most 128 characters, so at most 512 bytes: 10 bits of length.
const LEN_BITS: u32 = 10;
const LEN_MASK: u64 = (1 << LEN_BITS) - 1;

pub(crate) struct SeenIds {
    /// (hash, offset << LEN_BITS | len)
    table: HashTable<(u64, u64)>,
    arena: Vec<u8>,
    hasher: foldhash::fast::FixedState,
}

impl SeenIds {
    pub(crate) fn new() -> Self {
        SeenIds {
            table: HashTable::new(),
            arena: Vec::new(),
            hasher: foldhash::fast::FixedState::with_seed(0x6c65_6164_735f_6964),
        }
    }

    fn id_of(arena: &[u8], entry: u64) -> &[u8] {
        let start = usize::try_from(entry >> LEN_BITS).unwrap_or(usize::MAX) + 8;
        let len = usize::try_from(entry & LEN_MASK).unwrap_or(0);
        &arena[start..start + len]
    }

    fn line_of(arena: &[u8], entry: u64) -> u64 {
        let start = usize::try_from(entry >> LEN_BITS).unwrap_or(usize::MAX);
        let mut bytes = [0; 8];
        bytes.copy_from_slice(&arena[start..start + 8]);
        u64::from_le_bytes(bytes)
    }

    /// Records `id` as seen on `line`, or returns the line it was first seen on.
    /// IDs longer than 1023 bytes are never passed in (the 128-character rule comes first).
    pub(crate) fn insert(&mut self, id: &str, line: u64) -> Option<u64> {
        debug_assert!(id.len() as u64 <= LEN_MASK);
        let hash = self.hasher.hash_one(id.as_bytes());
        let arena = &self.arena;
        if let Some(&(_, entry)) =
            self.table.find(hash, |&(h, e)| h == hash && Self::id_of(arena, e) == id.as_bytes())
        {
            return Some(Self::line_of(arena, entry));
        }
        let entry = ((self.arena.len() as u64) << LEN_BITS) | id.len() as u64;
        self.arena.extend_from_slice(&line.to_le_bytes());
        self.arena.extend_from_slice(id.as_bytes());
        self.table.insert_unique(hash, (hash, entry), |&(h, _)| h);
        None
    }

    /// Bytes held (table and arena), for memory accounting.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.table.capacity() * 17 + self.arena.capacity()
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
