//! The set of Lead IDs seen so far in a file, with the line each first appeared on.
//!
//! It is the one part of a streaming validation that grows with the file, so it is compact:
//! - the IDs live back to back in one byte arena, each after its line number (LEB128, 3 bytes
//!   for lines below two million);
//! - `spans` holds, per ID, one `u64` packing its arena offset and length;
//! - the hash table holds, per ID, one `u64` packing 32 bits of the ID's hash and its index in
//!   `spans`, so probing and growing the table never touch the arena.
//!
//! The table is open addressing with linear probing, at most half full: an insert reads one
//! slot (rarely two) and nothing else, so that a table larger than the caches costs about one
//! memory access per ID, which [`SeenIds::prefetch`] starts early.
//!
//! About 16–32 bytes of table (at 25–50% load), 8 of span and 3 + len of arena per ID: ~40 MB
//! for a million 9-byte IDs at the peak of a growth step.

use std::hash::BuildHasher;

/// IDs are at most 128 characters, so at most 512 bytes: 10 bits of length.
const LEN_BITS: u32 = 10;
const LEN_MASK: u64 = (1 << LEN_BITS) - 1;

/// Most IDs the set holds (a slot keeps the index plus one in 32 bits);
/// `ImportOptions::max_rows` stays below it.
pub(crate) const MAX_IDS: u64 = u32::MAX as u64;

pub(crate) struct SeenIds {
    /// `hash32 << 32 | (index into spans + 1)`, or 0 for an empty slot; a power of two long.
    slots: Vec<u64>,
    /// `arena offset << LEN_BITS | len`
    spans: Vec<u64>,
    arena: Vec<u8>,
}

/// The hash of a Lead ID, as [`SeenIds`] takes it (the same on every thread).
pub(crate) fn id_hash(id: &[u8]) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6c65_6164_735f_6964).hash_one(id)
}

impl SeenIds {
    pub(crate) fn new() -> Self {
        SeenIds { slots: Vec::new(), spans: Vec::new(), arena: Vec::new() }
    }

    /// Makes room for `more` IDs (of the average length so far), if memory allows.
    pub(crate) fn reserve(&mut self, more: usize) {
        let per_id = if self.spans.is_empty() { 16 } else { self.arena.len() / self.spans.len() };
        let want = self.spans.len().saturating_add(more).saturating_mul(2);
        if want > self.slots.len() && want <= usize::MAX / 2 {
            self.rebuild(want.next_power_of_two());
        }
        let _ = self.spans.try_reserve(more);
        let _ = self.arena.try_reserve(more.saturating_mul(per_id));
    }

    /// Moves the entries to a table of `len` slots.
    fn rebuild(&mut self, len: usize) {
        let mut slots = Vec::new();
        if slots.try_reserve_exact(len).is_err() {
            // Not now: the table grows one step at a time as it fills.
            if len > self.slots.len() * 2 {
                return;
            }
            slots.reserve_exact(len);
        }
        slots.resize(len, 0);
        let mask = len - 1;
        for &e in self.slots.iter().filter(|&&e| e != 0) {
            let mut i = bucket(e >> 32, mask);
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = e;
        }
        self.slots = slots;
    }

    /// Records `id` as seen on `line`, or returns the line it was first seen on.
    /// IDs longer than 1023 bytes are never passed in (the 128-character rule comes first), and
    /// at most [`MAX_IDS`] are.
    pub(crate) fn insert(&mut self, id: &str, line: u64) -> Option<u64> {
        self.insert_hashed(id, id_hash(id.as_bytes()), line)
    }

    /// [`insert`](Self::insert) with the ID's [`id_hash`], computed before (possibly in another
    /// Worker, so not checked: a wrong hash can only make a duplicate go unseen).
    pub(crate) fn insert_hashed(&mut self, id: &str, hash: u64, line: u64) -> Option<u64> {
        self.insert_at(id, hash >> 32, line)
    }

    fn insert_at(&mut self, id: &str, hash32: u64, line: u64) -> Option<u64> {
        debug_assert!(id.len() as u64 <= LEN_MASK);
        if (self.spans.len() + 1) * 2 > self.slots.len() {
            self.rebuild((self.slots.len() * 2).max(16));
        }
        let mask = self.slots.len() - 1;
        let mut i = bucket(hash32, mask);
        loop {
            let e = self.slots[i];
            if e == 0 {
                break;
            }
            if e >> 32 == hash32 {
                let (start, len) = self.span(e);
                let (first, at) = read_line(&self.arena, start);
                if self.arena.get(at..at + len) == Some(id.as_bytes()) {
                    return Some(first);
                }
            }
            i = (i + 1) & mask;
        }
        let index = self.spans.len() as u64;
        debug_assert!(index < MAX_IDS);
        // Both grow by half, not double: they hold most of a large file's set.
        make_room(&mut self.spans, 1);
        make_room(&mut self.arena, 10 + id.len());
        self.spans.push((self.arena.len() as u64) << LEN_BITS | id.len() as u64);
        write_line(&mut self.arena, line);
        self.arena.extend_from_slice(id.as_bytes());
        self.slots[i] = hash32 << 32 | (index + 1);
        None
    }

    /// Where the entry of slot entry `e` starts in the arena (its line), and the ID's length.
    fn span(&self, e: u64) -> (usize, usize) {
        let span = self.spans[usize::try_from((e & 0xFFFF_FFFF) - 1).unwrap_or(usize::MAX)];
        (
            usize::try_from(span >> LEN_BITS).unwrap_or(usize::MAX),
            usize::try_from(span & LEN_MASK).unwrap_or(0),
        )
    }

    /// Reads the slots where the IDs of these [`id_hash`]es would go, so that inserting them a
    /// little later finds them in the cache: with a million IDs the table outgrows the caches,
    /// and an insert that waits on memory costs as much as a row's other checks. The reads are
    /// independent of each other and of any other work, so the processor overlaps them.
    pub(crate) fn prefetch(&self, hashes: impl Iterator<Item = u64>) {
        if let Some(mask) = self.slots.len().checked_sub(1) {
            let touched = hashes.fold(0, |acc, hash| acc ^ self.slots[bucket(hash >> 32, mask)]);
            std::hint::black_box(touched);
        }
    }

    /// Bytes held (table, spans and arena), for memory accounting.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * 8 + self.spans.capacity() * 8 + self.arena.capacity()
    }
}

/// Makes room for `n` more items in `v`, growing it by half its capacity at least.
fn make_room<T>(v: &mut Vec<T>, n: usize) {
    if v.capacity() - v.len() < n {
        v.reserve_exact(n.max(v.capacity() / 2).max(64));
    }
}

/// Appends `line` in LEB128: 7 bits per byte, low bits first, the top bit set on all but the
/// last byte.
fn write_line(arena: &mut Vec<u8>, mut line: u64) {
    while line >= 0x80 {
        arena.push((line & 0x7F) as u8 | 0x80);
        line >>= 7;
    }
    arena.push(line as u8);
}

/// The line written at `at` by [`write_line`], and where the bytes after it start.
fn read_line(arena: &[u8], mut at: usize) -> (u64, usize) {
    let mut line = 0;
    for shift in (0..64).step_by(7) {
        let Some(&b) = arena.get(at) else { break };
        at += 1;
        line |= u64::from(b & 0x7F) << shift;
        if b < 0x80 {
            break;
        }
    }
    (line, at)
}

/// The first slot to probe for a 32-bit hash.
fn bucket(hash32: u64, mask: usize) -> usize {
    usize::try_from(hash32).unwrap_or(usize::MAX) & mask
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
        // At most 4 slots (a table just grown) and 2 spans of 8 bytes per ID, and twice the
        // arena's bytes (3 for the line and the ID's).
        let arena: usize = (0..10_000).map(|i| 3 + format!("L-{i}").len()).sum::<usize>() + 3 + 3;
        assert!(seen.heap_bytes() <= 10_001 * (4 + 2) * 8 + 2 * arena, "{}", seen.heap_bytes());
    }

    #[test]
    fn lines_of_any_size() {
        let mut seen = SeenIds::new();
        let lines = [0, 1, 127, 128, 16_383, 16_384, u64::from(u32::MAX), u64::MAX - 1, u64::MAX];
        for (i, &line) in lines.iter().enumerate() {
            assert_eq!(seen.insert(&format!("id{i}"), line), None);
        }
        for (i, &line) in lines.iter().enumerate() {
            assert_eq!(seen.insert(&format!("id{i}"), 7), Some(line));
        }
    }

    /// IDs whose hashes agree (in the 32 bits kept) are still told apart, across growth steps
    /// and a reservation, and a full run of slots wraps around the table's end.
    #[test]
    fn equal_hashes_and_wrapping_probes() {
        let mut seen = SeenIds::new();
        let top = u64::from(u32::MAX);
        for i in 0..1000u64 {
            // Five hashes only, one of them in the last slot of every table size.
            assert_eq!(
                seen.insert_at(&format!("id{i}"), [0, 1, 7, top, 12345][(i % 5) as usize], i + 2),
                None
            );
            if i == 500 {
                seen.reserve(10_000);
            }
        }
        for i in 0..1000u64 {
            let hash = [0, 1, 7, top, 12345][(i % 5) as usize];
            assert_eq!(seen.insert_at(&format!("id{i}"), hash, 5000), Some(i + 2));
            assert_eq!(seen.insert_at(&format!("id{i}"), hash ^ 2, 5000), None, "another hash, another ID");
        }
        assert!(seen.slots.len() >= 2 * seen.spans.len());
    }
}
