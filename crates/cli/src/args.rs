//! Hand-rolled option parsing: `--name value` pairs and flags, every mistake in words.

use crate::Failure;

/// Command-line arguments being consumed.
pub(crate) struct Args<'a> {
    rest: &'a [String],
}

impl<'a> Args<'a> {
    pub(crate) fn new(rest: &'a [String]) -> Self {
        Self { rest }
    }

    /// The next argument, if any.
    pub(crate) fn next(&mut self) -> Option<&'a str> {
        let (first, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(first)
    }

    /// The value after option `name`.
    pub(crate) fn value(&mut self, name: &str) -> Result<&'a str, Failure> {
        self.next().ok_or_else(|| Failure::Usage(format!("{name} needs a value")))
    }

    /// The value after option `name`, as a whole number.
    pub(crate) fn number(&mut self, name: &str) -> Result<u64, Failure> {
        let raw = self.value(name)?;
        raw.parse().map_err(|_| Failure::Usage(format!("{name} takes a whole number, not '{raw}'")))
    }
}
