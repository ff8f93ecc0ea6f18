//! Which surface of the widget shows, and how it changes: the state machine behind the banner, the
//! preference center and the persistent control.
//!
//! The banner shows while a choice is due (none yet, the policy changed, it expired, or something new
//! was added); a decision closes everything; the preference center opens from the banner, the
//! persistent control or the API, and closing it without deciding goes back to the banner if a choice
//! is still due (dismissing is not a choice).

use crate::choice::PromptReason;

/// Which surface of the widget is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// Only the persistent control.
    Closed,
    /// The first-layer banner.
    Banner,
    /// The preference center.
    Preferences,
}

impl Surface {
    /// At start-up: the banner if a choice is due, else closed.
    pub fn initial(prompt: Option<PromptReason>) -> Surface {
        if prompt.is_some() {
            Surface::Banner
        } else {
            Surface::Closed
        }
    }

    /// The preference center, from any surface.
    pub fn open_preferences(self) -> Surface {
        Surface::Preferences
    }

    /// Closing the preference center without a decision: back to the banner while a choice is due.
    pub fn close_preferences(self, prompt: Option<PromptReason>) -> Surface {
        match self {
            Surface::Preferences => Surface::initial(prompt),
            other => other,
        }
    }

    /// After any decision: closed.
    pub fn after_decision(self) -> Surface {
        Surface::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUE: Option<PromptReason> = Some(PromptReason::NoChoice);

    #[test]
    fn the_banner_shows_exactly_while_a_choice_is_due() {
        assert_eq!(Surface::initial(DUE), Surface::Banner);
        assert_eq!(Surface::initial(Some(PromptReason::NewPurpose)), Surface::Banner);
        assert_eq!(Surface::initial(None), Surface::Closed);
    }

    #[test]
    fn closing_the_preference_center_without_deciding_returns_to_the_banner_while_due() {
        let open = Surface::initial(DUE).open_preferences();
        assert_eq!(open, Surface::Preferences);
        assert_eq!(open.close_preferences(DUE), Surface::Banner, "dismissing is not a choice");
        assert_eq!(open.close_preferences(None), Surface::Closed);
        assert_eq!(Surface::Closed.open_preferences().close_preferences(None), Surface::Closed);
    }

    #[test]
    fn a_decision_closes_every_surface() {
        for s in [Surface::Banner, Surface::Preferences, Surface::Closed] {
            assert_eq!(s.after_decision(), Surface::Closed);
        }
    }

    #[test]
    fn close_is_a_no_op_outside_the_preference_center() {
        assert_eq!(Surface::Banner.close_preferences(None), Surface::Banner);
        assert_eq!(Surface::Closed.close_preferences(DUE), Surface::Closed);
    }
}
