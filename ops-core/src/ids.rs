//! Typed indices into an [`Inventory`](crate::Inventory).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// The position of an entity of type `T` in its inventory's list of `T`s.
///
/// References between entities are resolved to these when an inventory is
/// validated, so following one is an array access, and an `Idx<Component>`
/// cannot be used where an `Idx<Domain>` is expected. An index is only
/// meaningful for the inventory that produced it.
pub struct Idx<T> {
    raw: u32,
    _kind: PhantomData<fn() -> T>,
}

impl<T> Idx<T> {
    pub(crate) fn new(index: usize) -> Self {
        Idx {
            raw: crate::location::to_u32(index),
            _kind: PhantomData,
        }
    }

    /// The position as a `usize`, for indexing the inventory's slices.
    pub fn index(self) -> usize {
        self.raw as usize
    }
}

impl<T> Clone for Idx<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Idx<T> {}
impl<T> PartialEq for Idx<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<T> Eq for Idx<T> {}
impl<T> PartialOrd for Idx<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Idx<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl<T> Hash for Idx<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}
impl<T> fmt::Debug for Idx<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = std::any::type_name::<T>().rsplit("::").next().unwrap_or("?");
        write!(f, "{name}#{}", self.raw)
    }
}

/// Letters, digits and `-_.:/@`, starting with a letter or digit, 1 to 128 characters.
pub(crate) fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("ids must not be empty".to_owned());
    }
    if id.len() > 128 {
        return Err("ids are at most 128 characters".to_owned());
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("ids start with a letter or digit".to_owned());
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.:/@".contains(*c)))
    {
        return Err(format!("'{c}' is not allowed; use letters, digits and - _ . : / @"));
    }
    Ok(())
}
