//! `SortedMap` and `SortedSet`: ordered collections on one sorted `Vec`, for the engine's small or rarely
//! changed tables (streams by name, per-shard reader state, tags).
//!
//! They iterate in key order, as `BTreeMap` and `BTreeSet` do, so swapping one for the other never changes a
//! run. Their point is the download: `BTreeMap`'s node code (split, merge, steal, drop) is compiled again for
//! every key and value type and costs a few KB each in the page's wasm; these are a binary search and a
//! `Vec` insert or remove. An insert or remove moves the entries after it, so keep `BTreeMap` where a table
//! holds many thousands of keys and changes on the hot path (timers, per-record tables).

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::cmp::Ordering;
use core::fmt;
use core::ops::{Bound, RangeBounds};

/// A map ordered by key, held as a sorted `Vec` of pairs.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

/// Prints as `BTreeMap` does (`{k: v, ...}`), so transcripts and fingerprints that print a map do not change.
impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter().map(|(k, v)| (k, v))).finish()
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self { entries: Vec::new() }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// An empty map (allocates nothing).
    pub const fn new() -> Self {
        Self { entries: Vec::new() }
    }

    /// `Ok(index)` of `key`, or `Err(index)` where it would go.
    fn search<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Whether `key` has an entry.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.search(key).is_ok()
    }

    /// The value under `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.search(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value under `key`, mutable.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.search(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// The stored key and value for `key`.
    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        self.search(key).ok().map(|i| {
            let (k, v) = &self.entries[i];
            (k, v)
        })
    }

    /// Inserts `value` under `key`; returns the value it replaced (the stored key is kept, as `BTreeMap` does).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.search(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes the entry for `key`, returning its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.search(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The value under `key`, inserting `make()` first when there is none (`entry(key).or_insert_with(make)`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.search(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// The value under `key`, inserting `V::default()` first when there is none (`entry(key).or_default()`).
    pub fn get_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        self.get_or_insert_with(key, V::default)
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Values in key order, taken out.
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }

    /// Values in key order, mutable.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The first index at or after (or, for an excluded bound, after) `bound`.
    fn lower_index<Q: Ord + ?Sized>(&self, bound: Bound<&Q>) -> usize
    where
        K: Borrow<Q>,
    {
        match bound {
            Bound::Included(key) => self.entries.partition_point(|(k, _)| k.borrow() < key),
            Bound::Excluded(key) => self.entries.partition_point(|(k, _)| k.borrow() <= key),
            Bound::Unbounded => 0,
        }
    }

    /// The index after the last entry within `bound` seen from above.
    fn upper_index<Q: Ord + ?Sized>(&self, bound: Bound<&Q>) -> usize
    where
        K: Borrow<Q>,
    {
        match bound {
            Bound::Included(key) => self.entries.partition_point(|(k, _)| k.borrow() <= key),
            Bound::Excluded(key) => self.entries.partition_point(|(k, _)| k.borrow() < key),
            Bound::Unbounded => self.entries.len(),
        }
    }

    /// Entries whose keys lie in `range`, in key order; an empty or inverted range yields nothing (where
    /// `BTreeMap::range` would panic).
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(
        &self,
        range: R,
    ) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator + Clone
    where
        K: Borrow<Q>,
    {
        let start = self.lower_index(range.start_bound());
        let end = self.upper_index(range.end_bound()).max(start);
        self.entries[start..end].iter().map(|(k, v)| (k, v))
    }

    /// The entry with the smallest key.
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    /// The entry with the largest key.
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }

    /// Removes and returns the entry with the smallest key.
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        if self.entries.is_empty() { None } else { Some(self.entries.remove(0)) }
    }

    /// Removes and returns the last entry.
    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }

    /// Keeps the entries for which `keep` returns true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

/// Later pairs replace earlier ones with the same key, as in `BTreeMap`. Each pair is inserted in turn (no
/// sort is compiled per type): fine for the small maps this type is for.
impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut map = Self::new();
        map.extend(pairs);
        map
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, pairs: I) {
        for (key, value) in pairs {
            self.insert(key, value);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = core::iter::Map<core::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<'a, K, V> IntoIterator for &'a mut SortedMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = core::iter::Map<core::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> (&'a K, &'a mut V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = alloc::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// `map[&key]`: panics when `key` is absent, as `BTreeMap`'s does (for tests; the engine uses `get`).
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> core::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for the key")
    }
}

impl<K: Ord, V: PartialOrd> PartialOrd for SortedMap<K, V> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.entries.partial_cmp(&other.entries)
    }
}

/// A set ordered by value, held as a sorted `Vec`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedSet<T> {
    map: SortedMap<T, ()>,
}

/// Prints as `BTreeSet` does (`{a, b}`).
impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.map.entries.iter().map(|(k, ())| k)).finish()
    }
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        Self { map: SortedMap::default() }
    }
}

impl<T: Ord> SortedSet<T> {
    /// An empty set (allocates nothing).
    pub const fn new() -> Self {
        Self { map: SortedMap::new() }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.map.clear();
    }

    /// Whether `value` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.contains_key(value)
    }

    /// Adds `value`; false when it was already there (the stored one is kept).
    pub fn insert(&mut self, value: T) -> bool {
        match self.map.search(&value) {
            Ok(_) => false,
            Err(i) => {
                self.map.entries.insert(i, (value, ()));
                true
            }
        }
    }

    /// Removes `value`; false when it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.remove(value).is_some()
    }

    /// Values in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        self.map.keys()
    }

    /// Values in `range`, in order; an empty or inverted range yields nothing.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(
        &self,
        range: R,
    ) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone
    where
        T: Borrow<Q>,
    {
        self.map.range(range).map(|(k, ())| k)
    }

    /// The smallest value.
    pub fn first(&self) -> Option<&T> {
        self.map.first_key_value().map(|(k, ())| k)
    }

    /// The largest value.
    pub fn last(&self) -> Option<&T> {
        self.map.last_key_value().map(|(k, ())| k)
    }

    /// Removes and returns the smallest value.
    pub fn pop_first(&mut self) -> Option<T> {
        self.map.pop_first().map(|(k, ())| k)
    }

    /// Removes and returns the largest value.
    pub fn pop_last(&mut self) -> Option<T> {
        self.map.pop_last().map(|(k, ())| k)
    }

    /// Keeps the values for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.map.retain(|k, ()| keep(k));
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        let mut set = Self::new();
        set.extend(values);
        set
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, values: I) {
        for value in values {
            self.insert(value);
        }
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = core::iter::Map<core::slice::Iter<'a, (T, ())>, fn(&'a (T, ())) -> &'a T>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.entries.iter().map(|(k, ())| k)
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = core::iter::Map<alloc::vec::IntoIter<(T, ())>, fn((T, ())) -> T>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.entries.into_iter().map(|(k, ())| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::{String, ToString};
    use alloc::vec;

    #[test]
    fn iterates_in_key_order_whatever_the_insert_order() {
        let mut map = SortedMap::new();
        // 7 * i mod 10 visits 0..10 once each, out of order: 0, 7, 4, 1, 8, 5, 2, 9, 6, 3.
        for i in 0..10u32 {
            assert_eq!(map.insert(7 * i % 10, i), None);
        }
        assert_eq!(map.len(), 10);
        assert_eq!(map.keys().copied().collect::<Vec<_>>(), (0..10).collect::<Vec<_>>());
        // Key k was inserted at step i with 7i = k (mod 10), so i = 3k mod 10 (7 * 3 = 21).
        for (k, i) in map.iter() {
            assert_eq!(*i, 3 * k % 10);
        }
        assert_eq!(map.iter().next_back(), Some((&9, &7)));
    }

    #[test]
    fn insert_replaces_and_remove_takes_out() {
        let mut map: SortedMap<String, u32> = SortedMap::new();
        assert_eq!(map.insert("b".to_string(), 1), None);
        assert_eq!(map.insert("a".to_string(), 2), None);
        assert_eq!(map.insert("b".to_string(), 3), Some(1));
        assert_eq!(map.len(), 2);
        assert_eq!(map.get("b"), Some(&3));
        *map.get_mut("a").unwrap() += 40;
        assert_eq!(map.get("a"), Some(&42));
        assert_eq!(map.remove("a"), Some(42));
        assert_eq!(map.remove("a"), None);
        assert!(!map.contains_key("a"));
        assert_eq!(map.iter().collect::<Vec<_>>(), vec![(&"b".to_string(), &3)]);
        *map.get_or_default("c".to_string()) += 5;
        *map.get_or_default("c".to_string()) += 5;
        assert_eq!(map.get("c"), Some(&10));
        assert_eq!(*map.get_or_insert_with("b".to_string(), || 99), 3);
    }

    #[test]
    fn range_follows_its_bounds() {
        // Keys 0, 10, 20, ..., 90.
        let map: SortedMap<u32, u32> = (0..10).map(|i| (i * 10, i)).collect();
        let keys = |it: &mut dyn Iterator<Item = (&u32, &u32)>| it.map(|(k, _)| *k).collect::<Vec<_>>();
        assert_eq!(keys(&mut map.range(20..50)), vec![20, 30, 40]);
        assert_eq!(keys(&mut map.range(20..=50)), vec![20, 30, 40, 50]);
        assert_eq!(keys(&mut map.range(15..45)), vec![20, 30, 40]);
        assert_eq!(keys(&mut map.range(..25)), vec![0, 10, 20]);
        assert_eq!(keys(&mut map.range(75..)), vec![80, 90]);
        assert_eq!(keys(&mut map.range((Bound::Excluded(20), Bound::Excluded(50)))), vec![30, 40]);
        assert_eq!(keys(&mut map.range(100..)), Vec::<u32>::new());
        #[allow(clippy::reversed_empty_ranges)]
        let inverted = keys(&mut map.range(60..30));
        assert_eq!(inverted, Vec::<u32>::new());
        assert_eq!(map.range(..).count(), 10);
    }

    #[test]
    fn collect_keeps_the_last_of_equal_keys_like_btreemap() {
        let map: SortedMap<u32, char> = [(2, 'a'), (1, 'b'), (2, 'c')].into_iter().collect();
        assert_eq!(map.iter().collect::<Vec<_>>(), vec![(&1, &'b'), (&2, &'c')]);
        let mut map = map;
        assert_eq!(map.pop_first(), Some((1, 'b')));
        assert_eq!(map.pop_first(), Some((2, 'c')));
        assert_eq!(map.pop_first(), None);
    }

    #[test]
    fn retain_keeps_order() {
        let mut map: SortedMap<u32, u32> = (0..10).map(|i| (i, i * i)).collect();
        map.retain(|k, v| {
            *v += 1;
            k % 3 == 0
        });
        assert_eq!(map.into_iter().collect::<Vec<_>>(), vec![(0, 1), (3, 10), (6, 37), (9, 82)]);
    }

    #[test]
    fn set_insert_remove_and_range() {
        let mut set = SortedSet::new();
        for v in [5u32, 1, 9, 5, 3] {
            set.insert(v);
        }
        assert_eq!(set.len(), 4);
        assert!(!set.insert(9));
        assert!(set.insert(7));
        assert_eq!(set.iter().copied().collect::<Vec<_>>(), vec![1, 3, 5, 7, 9]);
        assert_eq!(set.range(3..7).copied().collect::<Vec<_>>(), vec![3, 5]);
        assert!(set.remove(&5));
        assert!(!set.remove(&5));
        assert!(!set.contains(&5));
        assert_eq!(set.first(), Some(&1));
        assert_eq!(set.last(), Some(&9));
        assert_eq!(set.pop_first(), Some(1));
        set.retain(|v| *v != 7);
        assert_eq!(set.into_iter().collect::<Vec<_>>(), vec![3, 9]);
    }

    #[test]
    fn debug_prints_like_the_btree_collections() {
        let map: SortedMap<u32, char> = [(2, 'b'), (1, 'a')].into();
        assert_eq!(alloc::format!("{map:?}"), "{1: 'a', 2: 'b'}");
        let set: SortedSet<u32> = [3, 1].into_iter().collect();
        assert_eq!(alloc::format!("{set:?}"), "{1, 3}");
    }

    #[test]
    fn pairs_of_strings_order_like_tuples() {
        let set: SortedSet<(u64, String)> =
            [(2, "b"), (1, "z"), (2, "a")].into_iter().map(|(t, s)| (t, s.to_string())).collect();
        let order: Vec<(u64, &str)> = set.iter().map(|(t, s)| (*t, s.as_str())).collect();
        assert_eq!(order, vec![(1, "z"), (2, "a"), (2, "b")]);
    }
}
