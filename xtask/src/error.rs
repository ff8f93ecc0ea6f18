//! The one error type of the xtask binary.
//!
//! Every failure the user can cause or meet (a missing tool, a failed build, a bad flag) becomes an
//! [`Error`] carrying a sentence meant for a human; `main` prints it and exits non-zero. No panics.

use std::fmt;

/// A failure explained in one sentence, printed as `xtask: error: <sentence>`.
#[derive(Debug)]
pub struct Error(String);

/// The xtask-wide result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with the given explanation.
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Adds "what we were doing" to a lower-level error (I/O, parsing).
pub trait Context<T> {
    /// Replaces the error with `what: <original error>`.
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error(format!("{}: {e}", what())))
    }
}

/// Returns early with an [`Error`] built like `format!`.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::new(format!($($arg)*)))
    };
}
pub(crate) use bail;
