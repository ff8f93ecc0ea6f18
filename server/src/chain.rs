//! Continuity of each browser's receipts (`prevReceiptHash`, receipt SPEC §5).
//!
//! The receipts of one principal form a hash chain. A break is *flagged*, never refused: it has
//! innocent causes (a cleared browser, two tabs deciding at once, a receipt refused earlier) and
//! the receipt is still a valid proof of a decision. Every receipt is stored with its [`Link`],
//! shown in the principal's history and the export, and breaks are counted in `/metrics`.

/// How a receipt relates to the previous stored receipt of its principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The principal's first receipt, and it says so (`prevReceiptHash` null).
    First,
    /// `prevReceiptHash` is the hash of the principal's latest stored receipt.
    Linked,
    /// Break: `prevReceiptHash` null although the principal has stored receipts (cleared storage).
    Restart,
    /// Break: `prevReceiptHash` names a receipt this server never stored (lost or refused).
    Gap,
    /// Break: `prevReceiptHash` names an older receipt of the principal, not the latest (two tabs).
    Fork,
}

impl Link {
    /// Every link, for parsing and labels.
    pub const ALL: [Link; 5] = [Link::First, Link::Linked, Link::Restart, Link::Gap, Link::Fork];

    /// Stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            Link::First => "first",
            Link::Linked => "linked",
            Link::Restart => "break:restart",
            Link::Gap => "break:gap",
            Link::Fork => "break:fork",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Link> {
        Link::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// Whether the chain is broken here.
    pub fn is_break(self) -> bool {
        matches!(self, Link::Restart | Link::Gap | Link::Fork)
    }

    /// Classifies a receipt from its `prevReceiptHash`, the principal's latest stored receipt
    /// hash (`head`), and whether `prev` is the hash of an *older* receipt of the principal.
    pub fn classify(prev: Option<&str>, head: Option<&str>, prev_is_older_receipt: bool) -> Link {
        match (prev, head) {
            (None, None) => Link::First,
            (None, Some(_)) => Link::Restart,
            (Some(p), Some(h)) if p == h => Link::Linked,
            (Some(_), _) if prev_is_older_receipt => Link::Fork,
            (Some(_), _) => Link::Gap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_case() {
        assert_eq!(Link::classify(None, None, false), Link::First);
        assert_eq!(Link::classify(Some("a"), Some("a"), false), Link::Linked);
        assert_eq!(Link::classify(None, Some("a"), false), Link::Restart);
        assert_eq!(Link::classify(Some("b"), Some("a"), false), Link::Gap);
        assert_eq!(Link::classify(Some("b"), None, false), Link::Gap);
        assert_eq!(Link::classify(Some("b"), Some("a"), true), Link::Fork);
        for l in Link::ALL {
            assert_eq!(Link::parse(l.as_str()), Some(l));
        }
        assert!(!Link::First.is_break() && !Link::Linked.is_break() && Link::Fork.is_break());
    }
}
