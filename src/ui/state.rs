//! The state the UI renders: the model's [`Surface`] and [`Decisions`] and the latest receipt, with
//! watchers told of every change. The runtime writes it; views only read it.
//!
//! Plain cells, not Leptos signals: the first layer (banner and persistent control) is built with the
//! DOM directly so that the reactive runtime travels only with the preference center's chunk, which
//! mirrors what it shows into signals of its own through a [`Watch`].

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use consentry_model::consent::Decisions;
use consentry_model::surface::Surface;

use crate::browser::receipts::LatestReceipt;

/// What changed, as told to watchers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The surface showing.
    Surface,
    /// The preference center's switches.
    Draft,
    /// The latest receipt.
    Receipt,
    /// The visitor's decision was saved (the status message announces it).
    Saved,
}

type Watcher = Rc<dyn Fn(Change)>;

/// The state of one widget.
pub struct UiState {
    surface: Cell<Surface>,
    applied: RefCell<Decisions>,
    draft: RefCell<Decisions>,
    latest_receipt: RefCell<Option<LatestReceipt>>,
    watchers: RefCell<Vec<(u32, Watcher)>>,
    next_watcher: Cell<u32>,
}

impl UiState {
    /// The state at start-up: `surface` showing, `applied` in force and in the switches.
    pub fn new(surface: Surface, applied: Decisions) -> Rc<UiState> {
        Rc::new(UiState {
            surface: Cell::new(surface),
            applied: RefCell::new(applied.clone()),
            draft: RefCell::new(applied),
            latest_receipt: RefCell::new(None),
            watchers: RefCell::new(Vec::new()),
            next_watcher: Cell::new(0),
        })
    }

    /// The surface showing.
    pub fn surface(&self) -> Surface {
        self.surface.get()
    }

    /// Tells watchers that a decision made in the widget was saved.
    pub fn saved(&self) {
        self.notify(Change::Saved);
    }

    /// Moves to another surface (watchers are told only of a real change).
    pub fn set_surface(&self, surface: Surface) {
        if self.surface.replace(surface) != surface {
            self.notify(Change::Surface);
        }
    }

    /// The decisions in force.
    pub fn applied(&self) -> Decisions {
        self.applied.borrow().clone()
    }

    /// Records the decisions now in force; the switches show them too.
    pub fn set_applied(&self, decisions: Decisions) {
        self.applied.replace(decisions.clone());
        self.set_draft(decisions);
    }

    /// Reads the preference center's switches.
    pub fn with_draft<R>(&self, f: impl FnOnce(&Decisions) -> R) -> R {
        f(&self.draft.borrow())
    }

    /// Replaces the preference center's switches.
    pub fn set_draft(&self, draft: Decisions) {
        self.draft.replace(draft);
        self.notify(Change::Draft);
    }

    /// Changes the preference center's switches in place.
    pub fn update_draft(&self, f: impl FnOnce(&mut Decisions)) {
        f(&mut self.draft.borrow_mut());
        self.notify(Change::Draft);
    }

    /// The latest receipt of this browser, once one exists.
    pub fn latest_receipt(&self) -> Option<LatestReceipt> {
        self.latest_receipt.borrow().clone()
    }

    /// Records the latest receipt.
    pub fn set_latest_receipt(&self, latest: Option<LatestReceipt>) {
        self.latest_receipt.replace(latest);
        self.notify(Change::Receipt);
    }

    /// Calls `f` after every change until the returned [`Watch`] is dropped.
    pub fn watch(self: &Rc<Self>, f: impl Fn(Change) + 'static) -> Watch {
        let id = self.next_watcher.get();
        self.next_watcher.set(id.wrapping_add(1));
        self.watchers.borrow_mut().push((id, Rc::new(f)));
        Watch { state: Rc::downgrade(self), id }
    }

    /// Tells every watcher; a watcher may read the state, write it, or add and drop watches (the list
    /// is copied first, and no borrow is held while they run).
    fn notify(&self, change: Change) {
        let watchers: Vec<Watcher> = self.watchers.borrow().iter().map(|(_, w)| w.clone()).collect();
        for watcher in watchers {
            watcher(change);
        }
    }
}

/// A registered watcher; dropping it unregisters it.
pub struct Watch {
    state: Weak<UiState>,
    id: u32,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(state) = self.state.upgrade() {
            state.watchers.borrow_mut().retain(|(id, _)| *id != self.id);
        }
    }
}
