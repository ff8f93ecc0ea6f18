//! Statements with a variable number of rows or values: one multi-row `INSERT` per table per
//! batch, one `IN (…)` look-up per batch, with the placeholders each backend binds fastest.

use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;

use super::Backend;

/// A bound value.
#[derive(Debug, Clone)]
pub enum Param {
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// Text or NULL.
    OptText(Option<String>),
    /// Bytes.
    Blob(Vec<u8>),
}

/// Numbered placeholders for one statement: `$1, $2, …` for PostgreSQL, `?` for SQLite (where
/// each `$n` would cost a linear search at bind time, quadratic over a 3,000-value `INSERT`).
#[derive(Debug)]
pub struct Placeholders {
    backend: Backend,
    next: usize,
}

impl Placeholders {
    /// Placeholders from the first parameter on.
    pub fn new(backend: Backend) -> Self {
        Placeholders { backend, next: 1 }
    }

    /// The next placeholder.
    pub fn one(&mut self) -> String {
        self.next += 1;
        match self.backend {
            Backend::Sqlite => "?".to_string(),
            Backend::Postgres => format!("${}", self.next - 1),
        }
    }

    /// `($1,$2),($3,$4)…`: `rows` groups of `cols` placeholders.
    pub fn groups(&mut self, rows: usize, cols: usize) -> String {
        let group = |p: &mut Self| format!("({})", p.list(cols));
        (0..rows).map(|_| group(self)).collect::<Vec<_>>().join(",")
    }

    /// `$1,$2,…`: `n` placeholders for `IN (…)`.
    pub fn list(&mut self, n: usize) -> String {
        (0..n).map(|_| self.one()).collect::<Vec<_>>().join(",")
    }
}

/// Binds `params` in order.
pub fn bind_all<'a>(mut q: Query<'a, Any, AnyArguments<'a>>, params: Vec<Param>) -> Query<'a, Any, AnyArguments<'a>> {
    for p in params {
        q = match p {
            Param::Int(v) => q.bind(v),
            Param::Text(v) => q.bind(v),
            Param::OptText(v) => q.bind(v),
            Param::Blob(v) => q.bind(v),
        };
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders() {
        let mut pg = Placeholders::new(Backend::Postgres);
        assert_eq!(pg.groups(2, 3), "($1,$2,$3),($4,$5,$6)");
        assert_eq!(pg.list(2), "$7,$8");
        let mut sqlite = Placeholders::new(Backend::Sqlite);
        assert_eq!(sqlite.groups(2, 2), "(?,?),(?,?)");
        assert_eq!(sqlite.one(), "?");
    }
}
