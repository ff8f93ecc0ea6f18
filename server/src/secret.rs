//! Secrets as types that never show themselves: `Debug` prints a placeholder, so settings and
//! command-line options can be logged or printed in a panic without leaking the auditors' bearer
//! token ([`AdminToken`]) or a server key given in the environment ([`Secret`]).

/// The shortest admin token `serve` starts with: 32 characters (`openssl rand -hex 32` gives 64).
pub const MIN_ADMIN_TOKEN_LEN: usize = 32;

/// The admin bearer token.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken(String);

impl AdminToken {
    /// The token, to compare with what a request presents.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Refuses a token shorter than [`MIN_ADMIN_TOKEN_LEN`] characters.
    pub fn check_strength(&self) -> Result<(), String> {
        let len = self.0.chars().count();
        if len < MIN_ADMIN_TOKEN_LEN {
            return Err(format!(
                "CONSENTRY_ADMIN_TOKEN has {len} characters; at least {MIN_ADMIN_TOKEN_LEN} are required \
                 (make one with `openssl rand -hex 32`)"
            ));
        }
        Ok(())
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

impl From<&str> for AdminToken {
    fn from(s: &str) -> Self {
        AdminToken(s.to_string())
    }
}

impl From<String> for AdminToken {
    fn from(s: String) -> Self {
        AdminToken(s)
    }
}

impl std::str::FromStr for AdminToken {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(AdminToken(s.to_string()))
    }
}

/// Any other secret text (a server key in `CONSENTRY_SERVER_KEY`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed_and_short_ones_refused() {
        let token = AdminToken::from("0123456789abcdef0123456789abcdef");
        assert_eq!(
            format!("{token:?} {:?}", Some(token.clone())),
            "AdminToken(<redacted>) Some(AdminToken(<redacted>))"
        );
        assert!(token.check_strength().is_ok());
        assert!(AdminToken::from("change-me").check_strength().unwrap_err().contains("at least 32"));
        assert!(AdminToken::from("x".repeat(31)).check_strength().is_err());
    }
}
