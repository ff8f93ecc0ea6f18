//! The root of the widget: shows the surface in force, plus the persistent control unless the owner
//! hid it. Built with the DOM directly; only the preference center is a Leptos view, in its own chunk.
//!
//! The banner is built once, when it first shows, and attached or detached as the surface changes
//! (the same element each time, so focus can go back to the button that opened the preference
//! center). The preference center comes from its chunk ([`split::preferences`]): each time the surface
//! becomes the preference center, its view is asked for and mounted when it arrives (the first time,
//! once the chunk is downloaded; afterwards one microtask later). Until then the banner stays if a
//! choice is due, so its three buttons keep working; if the chunk cannot be loaded, the error is
//! reported and the preference center closes again. While the banner shows, the chunk is fetched in
//! the background once the browser is idle, so Customize normally opens at once.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;

use consentry_model::config::BannerMode;
use consentry_model::i18n::{self, TextKey};
use consentry_model::surface::Surface;

use super::banner::{self, Banner};
use super::dom::Dom;
use super::floating::{self, Floating};
use super::split::{self, PrefsView};
use super::state::{Change, Watch};
use super::texts::Texts;
use crate::browser::error::BrowserError;
use crate::browser::events;
use crate::browser::listener::Listener;
use crate::browser::runtime::Runtime;

/// The mounted widget; dropping it removes its views and listeners.
pub struct Widget {
    shell: Rc<Shell>,
    _watch: Watch,
    _unobscure: Option<Listener>,
}

impl Drop for Widget {
    fn drop(&mut self) {
        self.shell.opening.set(self.shell.opening.get().wrapping_add(1));
        self.shell.close_preferences();
        self.shell.block_page(false);
        self.shell.root.remove();
    }
}

struct Shell {
    dom: Dom,
    runtime: Rc<Runtime>,
    texts: Rc<Texts>,
    /// The themed element everything is in.
    root: web_sys::HtmlElement,
    banner: RefCell<Option<Banner>>,
    floating: Option<Floating>,
    preferences: RefCell<Option<PrefsView>>,
    /// Counts the times the preference center was left: a view that arrives for an earlier opening is dropped.
    opening: Cell<u32>,
    /// The page's elements the blocking banner made inert.
    inert: RefCell<Vec<web_sys::Element>>,
    loading: Cell<bool>,
}

impl Widget {
    /// Builds the widget of `runtime` inside `parent` (the shadow root's container).
    pub fn mount(dom: &Dom, parent: &web_sys::Node, runtime: &Rc<Runtime>) -> Result<Widget, BrowserError> {
        let texts = Texts::new(runtime.config(), runtime.with_session(|s| s.language().to_string()));
        let lang = texts.language();
        let dir = if i18n::is_rtl(lang) { "rtl" } else { "ltr" };
        let ui = &texts.config().ui;
        let root = dom.el("div", &[("class", ui.theme.class()), ("lang", lang), ("dir", dir)])?;
        let floating = match ui.floating_button.class() {
            Some(class) => {
                let floating = floating::build(dom, &texts, runtime, class)?;
                root.append_child(&floating.element)?;
                Some(floating)
            }
            None => None,
        };
        // Announces a saved decision to screen readers (WCAG 4.1.3); visually hidden.
        let status = dom.el("div", &[("class", "cs-sr"), ("role", "status"), ("aria-live", "polite")])?;
        root.append_child(&status)?;
        parent.append_child(&root)?;
        super::theme::check(&root);
        let saved_text = texts.t(TextKey::ChoicesSaved);
        let shell = Rc::new(Shell {
            dom: dom.clone(),
            runtime: runtime.clone(),
            texts,
            root,
            banner: RefCell::new(None),
            floating,
            preferences: RefCell::new(None),
            opening: Cell::new(0),
            inert: RefCell::new(Vec::new()),
            loading: Cell::new(false),
        });
        let weak = Rc::downgrade(&shell);
        let watch = runtime.ui.watch(move |change| match change {
            Change::Surface => {
                if let Some(shell) = weak.upgrade() {
                    shell.render();
                }
            }
            Change::Saved => status.set_text_content(Some(&saved_text)),
            Change::Draft | Change::Receipt => {}
        });
        shell.render();
        // A visitor who sees the banner may press Customize: have its chunk ready by then.
        if runtime.banner_due() {
            split::prefetch_preferences();
        }
        let unobscure = unobscure_focus(&shell).ok();
        Ok(Widget { shell, _watch: watch, _unobscure: unobscure })
    }
}

/// WCAG 2.4.11 (focus not obscured): while the banner shows, a page element that receives focus
/// under it is scrolled up above it (the banner does not block the page, so keyboard users keep
/// tabbing through it).
fn unobscure_focus(shell: &Rc<Shell>) -> Result<Listener, BrowserError> {
    let weak = Rc::downgrade(shell);
    let document = web_sys::window().and_then(|w| w.document()).ok_or(BrowserError::Unexpected("no document"))?;
    Listener::new(&document, "focusin", move |event: web_sys::Event| {
        let Some(shell) = weak.upgrade() else { return };
        let banner = shell.banner.borrow();
        let Some(banner) = banner.as_ref().filter(|b| b.element.is_connected()) else { return };
        let Some(target) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        // The widget's own elements are in its shadow root: focus there shows as the host.
        if target.id() == consentry_model::contract::HOST_ID {
            return;
        }
        let (focused, cover) = (target.get_bounding_client_rect(), banner.element.get_bounding_client_rect());
        let overlaps = focused.bottom() > cover.top() && focused.top() < cover.bottom();
        if overlaps {
            if let Some(window) = web_sys::window() {
                window.scroll_by_with_x_and_y(0.0, focused.bottom() - cover.top() + 16.0);
            }
        }
    })
}

impl Shell {
    /// Brings the page in line with the surface in force.
    fn render(self: &Rc<Self>) {
        let surface = self.runtime.ui.surface();
        if surface != Surface::Preferences {
            self.opening.set(self.opening.get().wrapping_add(1));
            self.loading.set(false);
            self.close_preferences();
        }
        match surface {
            Surface::Banner => {
                self.show_banner(true);
                self.block_page(true);
            }
            Surface::Closed => {
                self.show_banner(false);
                self.block_page(false);
            }
            Surface::Preferences if self.preferences.borrow().is_some() => self.show_banner(false),
            Surface::Preferences => {
                self.show_banner(self.runtime.banner_due());
                if !self.loading.get() {
                    self.load_preferences();
                }
            }
        }
        if let Some(floating) = &self.floating {
            floating.show(surface == Surface::Closed);
        }
    }

    /// In the blocking mode, makes the rest of the page `inert` while the banner shows (and moves
    /// focus into it), and gives the page back when it goes; elements the page had made inert stay so.
    fn block_page(&self, blocked: bool) {
        if self.texts.config().ui.mode != BannerMode::Blocking {
            return;
        }
        let mut inert = self.inert.borrow_mut();
        if !blocked {
            for el in inert.drain(..) {
                let _ = el.remove_attribute("inert");
            }
            return;
        }
        if !inert.is_empty() {
            return;
        }
        let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
        let children = body.children();
        for el in (0..children.length()).filter_map(|i| children.item(i)) {
            if el.id() != consentry_model::contract::HOST_ID
                && !el.has_attribute("inert")
                && el.set_attribute("inert", "").is_ok()
            {
                inert.push(el);
            }
        }
        if let Some(first) =
            self.banner.borrow().as_ref().and_then(|b| b.element.query_selector("button").ok().flatten())
        {
            let _ = first.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    }

    /// Attaches the banner (building it the first time) or detaches it.
    fn show_banner(&self, shown: bool) {
        let mut banner = self.banner.borrow_mut();
        if shown && banner.is_none() {
            match banner::build(&self.dom, &self.texts, &self.runtime) {
                Ok(built) => *banner = Some(built),
                Err(e) => return events::report(&format_args!("could not show the banner: {e}")),
            }
        }
        let Some(banner) = banner.as_ref() else { return };
        if !shown {
            banner.element.remove();
        } else if !banner.element.is_connected() {
            let before = self.floating.as_ref().map(|f| web_sys::Node::from(f.element.clone()));
            if let Err(e) = self.root.insert_before(&banner.element, before.as_ref()) {
                events::report(&format_args!("could not show the banner: {}", BrowserError::from(e)));
            }
        }
    }

    /// Asks for the preference center's view; mounts it if it arrives while this opening lasts.
    fn load_preferences(self: &Rc<Self>) {
        let container = match self.dom.el("div", &[]) {
            Ok(container) => container,
            Err(e) => return events::report(&e),
        };
        let before = self.floating.as_ref().map(|f| web_sys::Node::from(f.element.clone()));
        if let Err(e) = self.root.insert_before(&container, before.as_ref()) {
            return events::report(&BrowserError::from(e));
        }
        self.loading.set(true);
        let mine = self.opening.get();
        let weak = Rc::downgrade(self);
        let view = split::preferences(self.runtime.clone(), self.texts.clone(), container.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let result = view.await;
            let shell = weak.upgrade();
            let Some(shell) = shell.filter(|s| s.opening.get() == mine) else {
                container.remove();
                return;
            };
            shell.loading.set(false);
            match result {
                Ok(view) => {
                    shell.preferences.replace(Some(view));
                    shell.render();
                }
                Err(e) => {
                    container.remove();
                    events::report(&e);
                    shell.runtime.close_preferences();
                }
            }
        });
    }

    /// Takes the preference center off the page at once; its view is dropped a microtask later, so a
    /// click that closed it (Save, Escape) finishes inside a live view.
    fn close_preferences(&self) {
        if let Some(view) = self.preferences.take() {
            view.container.remove();
            wasm_bindgen_futures::spawn_local(async move { drop(view) });
        }
    }
}
