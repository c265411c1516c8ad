//! The table validation resolves ids in: built for looking up millions of
//! references, most of which miss the cache, in bulk.

use std::hash::BuildHasher;

/// How many lookups [`IdTable::get_many`] overlaps.
pub(crate) const BATCH: usize = 32;

/// An id with its first 16 bytes inline (see [`prefix`]), so comparing a
/// short id touches only the entry, not the text the id is in; and its value. Where the id is
/// written is not kept: the value names the entity, which knows.
#[derive(Clone, Copy, Debug)]
struct Entry<'r, T> {
    prefix: [u64; 2],
    id: &'r str,
    value: T,
}

/// The first 16 bytes of `id`, in a form that, for ids of one length up to
/// 16 bytes, holds all of them: for 8 to 16 bytes the first eight and the
/// last eight, for 4 to 7 the first four and the last four (overlapping).
/// Whole-word loads, not a copy of `id.len()` bytes into a buffer read back
/// as words, which stalls on store forwarding in every lookup. Two `u64`s,
/// not a `u128`, whose 16-byte alignment would pad an entry to 48 bytes.
fn prefix(id: &str) -> [u64; 2] {
    let b = id.as_bytes();
    let n = b.len();
    let first8 = |b: &[u8]| b.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w));
    let last8 = |b: &[u8]| b.last_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w));
    let (lo, hi) = if n >= 16 {
        (first8(b), b.get(8..).map_or(0, first8))
    } else if n >= 8 {
        (first8(b), last8(b))
    } else if n >= 4 {
        let first = b.first_chunk::<4>().map_or(0, |w| u32::from_le_bytes(*w));
        let last = b.last_chunk::<4>().map_or(0, |w| u32::from_le_bytes(*w));
        (u64::from(first) | u64::from(last) << 32, 0)
    } else {
        let bytes = b.iter().enumerate();
        (bytes.fold(0, |x, (i, &c)| x | u64::from(c) << (8 * i)), 0)
    };
    [lo, hi]
}

impl<T> Entry<'_, T> {
    fn is(&self, id: &str, prefix: &[u64; 2]) -> bool {
        self.id.len() == id.len() && self.prefix == *prefix && (id.len() <= 16 || self.id == id)
    }
}

/// An open-addressing hash table from ids to values, kept at most half full.
///
/// The slots are small (8 bytes: the upper half of the id's hash and the
/// index of its entry) and the entries are dense, in insertion order, so the
/// table for a million ids is a quarter of a general-purpose map's size. The
/// slots and entries are plain indices and offsets: there is no `unsafe`.
/// Indices are `u32`, like [`crate::Idx`]: ids past four billion are not supported.
#[derive(Debug)]
pub(crate) struct IdTable<'r, T> {
    /// Per slot: 0 when empty, else the entry's index + 1 in the low 32 bits
    /// and the upper 32 bits of its hash in the high ones.
    slots: Vec<u64>,
    entries: Vec<Entry<'r, T>>,
    hasher: foldhash::fast::RandomState,
}

/// The entry index a slot holds (`usize::MAX`, which indexes nothing, for an empty slot).
fn entry_of(slot: u64) -> usize {
    ((slot & 0xffff_ffff) as usize).wrapping_sub(1)
}

fn slots_for(n: usize) -> usize {
    n.saturating_mul(2).max(16).next_power_of_two()
}

impl<'r, T: Copy> IdTable<'r, T> {
    /// A table with room for `n` ids before it grows.
    pub(crate) fn with_capacity(n: usize) -> Self {
        IdTable {
            slots: vec![0; slots_for(n)],
            entries: Vec::with_capacity(n),
            hasher: Default::default(),
        }
    }

    fn hash(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The entry holding `id` (whose hash is `hash`), or the empty slot where it would go.
    fn probe(&self, id: &str, hash: u64) -> Result<usize, usize> {
        let tag = hash >> 32;
        let prefix = prefix(id);
        let mask = self.mask();
        let mut pos = hash as usize & mask;
        loop {
            let slot = self.slots[pos];
            if slot == 0 {
                return Err(pos);
            }
            if slot >> 32 == tag
                && let Some(e) = self.entries.get(entry_of(slot))
                && e.is(id, &prefix)
            {
                return Ok(entry_of(slot));
            }
            pos = (pos + 1) & mask;
        }
    }

    /// The value of `id`.
    pub(crate) fn get(&self, id: &str) -> Option<T> {
        let i = self.probe(id, self.hash(id)).ok()?;
        self.entries.get(i).map(|e| e.value)
    }

    /// Adds `id`; if it is there already, leaves the table as it is and
    /// returns the value it has.
    pub(crate) fn insert(&mut self, id: &'r str, value: T) -> Result<(), T> {
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let hash = self.hash(id);
        match self.probe(id, hash) {
            Ok(i) => match self.entries.get(i) {
                Some(e) => Err(e.value),
                None => Ok(()),
            },
            Err(pos) => {
                self.slots[pos] = (hash >> 32) << 32 | (self.entries.len() as u64 + 1);
                self.entries.push(Entry {
                    prefix: prefix(id),
                    id,
                    value,
                });
                Ok(())
            }
        }
    }

    fn grow(&mut self) {
        let mut slots = vec![0; slots_for(self.slots.len())];
        let mask = slots.len() - 1;
        for (i, e) in self.entries.iter().enumerate() {
            let hash = self.hash(e.id);
            let mut pos = hash as usize & mask;
            while slots[pos] != 0 {
                pos = (pos + 1) & mask;
            }
            slots[pos] = (hash >> 32) << 32 | (i as u64 + 1);
        }
        self.slots = slots;
    }

    /// Reads the slots `ids` hash to, so that inserting them next finds
    /// those slots in the cache: the reads are independent, so the memory
    /// system serves them together instead of one miss after another.
    pub(crate) fn warm<'a>(&self, ids: impl Iterator<Item = &'a str>) {
        let mask = self.mask();
        let touched = ids.fold(0, |t, id| t ^ self.slots[self.hash(id) as usize & mask]);
        std::hint::black_box(touched);
    }

    /// Appends to `out`, for each of `ids` in order, its value if it has one:
    /// what [`Self::get`] would give, for many ids at once.
    ///
    /// A lookup in a large table misses the cache twice (its slot, then its
    /// entry), and one lookup at a time waits for each miss in turn. Here a
    /// batch's slots are read first, then the entries they point to, each
    /// batch of reads independent of one another so that the memory system
    /// serves them together; the lookups proper then find everything cached.
    pub(crate) fn get_many<'a>(&self, ids: impl IntoIterator<Item = &'a str>, out: &mut Vec<Option<T>>) {
        let mut ids = ids.into_iter();
        let mask = self.mask();
        let mut batch: [&str; BATCH] = [""; BATCH];
        let mut hashes = [0u64; BATCH];
        loop {
            let mut n = 0;
            for (slot, id) in batch.iter_mut().zip(ids.by_ref()) {
                *slot = id;
                n += 1;
            }
            let (batch, hashes) = (&batch[..n], &mut hashes[..n]);
            let mut touched = 0u64;
            for (id, hash) in batch.iter().zip(hashes.iter_mut()) {
                *hash = self.hash(id);
                touched ^= self.slots[*hash as usize & mask];
            }
            for hash in hashes.iter() {
                // Most first slots are the id's own: read its entry's key
                // and its value (the entry may span two cache lines).
                if let Some(e) = self.entries.get(entry_of(self.slots[*hash as usize & mask])) {
                    touched ^= e.prefix[0] ^ e.id.len() as u64;
                }
            }
            std::hint::black_box(touched);
            for (id, hash) in batch.iter().zip(hashes.iter()) {
                let found = self.probe(id, *hash).ok().and_then(|i| self.entries.get(i));
                out.push(found.map(|e| e.value));
            }
            if n < BATCH {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_40_bytes() {
        assert_eq!(std::mem::size_of::<Entry<'_, u64>>(), 40);
    }

    #[test]
    fn prefixes_of_short_ids_of_one_length_differ() {
        // Every id of up to 16 bytes differing from "abcdefghijklmnop"'s
        // prefix of its length in one byte: all bytes count.
        let base = "abcdefghijklmnopq";
        for n in 0..=16 {
            let id = &base[..n];
            for i in 0..n {
                let mut other = id.as_bytes().to_vec();
                other[i] = b'z';
                let other = String::from_utf8(other).unwrap();
                assert_ne!(prefix(id), prefix(&other), "{id} {other}");
            }
            let copy = String::from(id);
            assert_eq!(prefix(id), prefix(&copy));
        }
        assert_eq!(prefix("abcdefghijklmnopq"), prefix("abcdefghijklmnopz"));
    }

    #[test]
    fn finds_what_was_inserted_and_refuses_repeats() {
        let ids: Vec<String> = (0..5000)
            .map(|i| {
                if i % 3 == 0 {
                    format!("a-rather-long-id-{i}")
                } else {
                    format!("c{i}")
                }
            })
            .collect();
        let mut t = IdTable::with_capacity(0);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.insert(id, i), Ok(()));
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.get(id), Some(i));
            assert_eq!(t.insert(id, 0), Err(i));
        }
        let wanted: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .chain(["x", "", "c", "a-rather-long-id-"])
            .collect();
        for n in [0, 1, BATCH - 1, BATCH, BATCH + 1, wanted.len()] {
            let mut out = Vec::new();
            t.get_many(wanted[..n].iter().copied(), &mut out);
            let expected: Vec<Option<usize>> = wanted[..n].iter().map(|id| t.get(id)).collect();
            assert_eq!(out, expected);
        }
        assert_eq!(t.get("a-rather-long-id-1"), None);
        assert_eq!(t.get("c0"), None);
    }
}
