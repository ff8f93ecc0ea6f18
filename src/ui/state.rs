//! The reactive state the components render: signals over the model's [`Surface`] and [`Decisions`],
//! and the latest receipt. The runtime writes them; components only read them.

use leptos::prelude::*;

use consentry_model::consent::Decisions;
use consentry_model::surface::Surface;

use crate::browser::receipts::LatestReceipt;

/// The reactive state of one widget. `Copy`: hand it to any component.
#[derive(Debug, Clone, Copy)]
pub struct UiState {
    /// The surface showing.
    pub surface: RwSignal<Surface>,
    /// The decisions in force.
    pub applied: RwSignal<Decisions>,
    /// The switches of the open preference center, before "Save".
    pub draft: RwSignal<Decisions>,
    /// The latest receipt of this browser, once one exists.
    pub latest_receipt: RwSignal<Option<LatestReceipt>>,
}

impl UiState {
    /// The state at start-up: `surface` showing, `applied` in force and in the switches.
    pub fn new(surface: Surface, applied: Decisions) -> UiState {
        UiState {
            surface: RwSignal::new(surface),
            applied: RwSignal::new(applied.clone()),
            draft: RwSignal::new(applied),
            latest_receipt: RwSignal::new(None),
        }
    }
}
