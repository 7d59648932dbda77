//! Query errors: where in the text, and what was expected.

use alloc::string::String;
use core::fmt;

/// A place in the SQL text: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in characters.
    pub column: u32,
}

/// A problem with an application's SQL, found while parsing or checking it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlError {
    /// Where the problem starts.
    pub pos: Pos,
    /// What is wrong, in words; parse errors say what was expected and what was found.
    pub message: String,
}

impl SqlError {
    pub(crate) fn new(pos: Pos, message: impl Into<String>) -> Self {
        Self { pos, message: message.into() }
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.pos.line, self.pos.column, self.message)
    }
}

impl core::error::Error for SqlError {}
