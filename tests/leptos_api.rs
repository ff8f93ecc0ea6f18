//! Browser tests of the Leptos API (feature `leptos-api`): `<ConsentProvider>` mounted in the test
//! document, its hooks and actions, the banner clicked in its shadow root, and the unmount.

#![cfg(target_arch = "wasm32")]
// A test's helpers may panic: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use consentry::component::{use_consent, use_consent_state, use_consentry, ConsentProvider, Consentry};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &str = r#"{
  "policy_version": "1",
  "controller": {"name": "Test Films", "contact": "dpo@test.example", "policy_url": "https://test.example/privacy"},
  "languages": ["en"],
  "purposes": [
    {"id": "necessary", "required": true, "name": "Necessary", "description": "Basket", "retention": "Session", "recipients": "Us"},
    {"id": "media", "name": "Media", "description": "Videos", "retention": "12 months", "recipients": "Video host"}
  ]
}"#;

async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn reset() {
    if let Some(host) = document().get_element_by_id("consentry") {
        host.remove();
    }
    if let Ok(Some(storage)) = web_sys::window().unwrap().local_storage() {
        let _ = storage.clear();
    }
}

fn banner_button(action: &str) -> Option<HtmlElement> {
    let host = document().get_element_by_id("consentry")?;
    let shadow = host.shadow_root()?;
    shadow.query_selector(&format!(".cs-banner [data-action=\"{action}\"]")).unwrap().map(|e| e.unchecked_into())
}

fn by_id(id: &str) -> Option<Element> {
    document().get_element_by_id(id)
}

/// What the tests read from inside the provider.
#[derive(Clone, Copy)]
struct Probe {
    media: Signal<bool>,
    decided: Signal<bool>,
    handle: Consentry,
}

thread_local! {
    /// The app mounted by the running test, with its container. A failed test never reaches its
    /// `unmount()` (a wasm panic does not unwind), so the next `mount()` unmounts it first: one test's
    /// failure cannot leave a second widget on the page for the next.
    static MOUNTED: std::cell::RefCell<Option<(Box<dyn std::any::Any>, Element)>> = const { std::cell::RefCell::new(None) };
}

/// Unmounts the app of the running test (the provider's cleanup removes the widget) and its container.
fn unmount() {
    if let Some((app, container)) = MOUNTED.with(|m| m.borrow_mut().take()) {
        drop(app);
        container.remove();
    }
}

/// Mounts `<ConsentProvider>` with a gated component into a fresh container (unmounting what an
/// earlier test left); returns the probe.
async fn mount() -> Probe {
    unmount();
    reset();
    let container = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let probe = StoredValue::new(None::<Probe>);
    let handle = leptos::mount::mount_to(container.clone().unchecked_into(), move || {
        view! {
            <ConsentProvider config=CONFIG>
                {move || {
                    let media = use_consent("media");
                    let state = use_consent_state();
                    let decided = Signal::derive(move || state.get().decided);
                    probe.set_value(Some(Probe { media, decided, handle: use_consentry() }));
                    view! {
                        <Show when=move || media.get() fallback=|| view! { <p id="placeholder">"ask"</p> }>
                            <p id="video">"video"</p>
                        </Show>
                    }
                }}
            </ConsentProvider>
        }
    });
    MOUNTED.with(|m| m.replace(Some((Box::new(handle), container))));
    tick().await;
    probe.get_value().expect("the provider's children ran")
}

#[wasm_bindgen_test]
async fn consent_is_false_until_accepted() {
    let probe = mount().await;
    assert!(!probe.media.get_untracked());
    assert!(!probe.decided.get_untracked());
    assert!(by_id("placeholder").is_some() && by_id("video").is_none());
    assert!(banner_button("accept-all").is_some(), "the banner shows");
    probe.handle.accept_all();
    tick().await;
    assert!(probe.media.get_untracked());
    assert!(probe.decided.get_untracked());
    assert!(by_id("video").is_some(), "the gated component appears");
    assert!(by_id("placeholder").is_none());
    unmount();
}

/// The banner's buttons take only the visitor's own gestures (`isTrusted`); a real click on them is
/// tested end to end on the example app (`tests/e2e/leptos-example.test.mjs`), where Chromium makes it.
#[wasm_bindgen_test]
async fn a_scripted_click_in_the_banner_decides_nothing() {
    let probe = mount().await;
    banner_button("accept-all").expect("the banner shows").click();
    tick().await;
    assert!(!probe.media.get_untracked());
    assert!(!probe.decided.get_untracked());
    assert!(banner_button("accept-all").is_some(), "the banner still asks");
    unmount();
}

#[wasm_bindgen_test]
async fn rejecting_keeps_it_false_but_decided() {
    let probe = mount().await;
    probe.handle.reject_all();
    tick().await;
    assert!(!probe.media.get_untracked());
    assert!(probe.decided.get_untracked());
    assert!(by_id("video").is_none());
    assert!(banner_button("reject-all").is_none(), "the banner closed");
    unmount();
}

#[wasm_bindgen_test]
async fn actions_accept_and_reject() {
    let probe = mount().await;
    probe.handle.accept_all();
    tick().await;
    assert!(probe.media.get_untracked());
    assert!(by_id("video").is_some());
    assert!(banner_button("accept-all").is_none(), "the banner closed");
    probe.handle.reject_all();
    tick().await;
    assert!(!probe.media.get_untracked());
    assert!(by_id("video").is_none());
    unmount();
}

#[wasm_bindgen_test]
async fn window_consentry_updates_the_hooks() {
    let probe = mount().await;
    let api = js_sys::Reflect::get(&web_sys::window().unwrap(), &"consentry".into()).unwrap();
    let accept: js_sys::Function = js_sys::Reflect::get(&api, &"acceptAll".into()).unwrap().dyn_into().unwrap();
    accept.call0(&api).unwrap();
    tick().await;
    assert!(probe.media.get_untracked());
    assert!(by_id("video").is_some());
    unmount();
}

#[wasm_bindgen_test]
async fn open_preferences_shows_the_dialog() {
    let probe = mount().await;
    probe.handle.open_preferences();
    let mut found = false;
    for _ in 0..20 {
        tick().await;
        let shadow = by_id("consentry").unwrap().shadow_root().unwrap();
        if shadow.query_selector("[role=\"dialog\"]").unwrap().is_some() {
            found = true;
            break;
        }
    }
    assert!(found, "the preference center opened");
    unmount();
}

#[wasm_bindgen_test]
async fn unmounting_removes_the_widget() {
    let probe = mount().await;
    assert!(by_id("consentry").is_some());
    assert!(js_sys::Reflect::get(&web_sys::window().unwrap(), &"consentry".into()).unwrap().is_object());
    unmount();
    tick().await;
    assert!(by_id("consentry").is_none(), "the host element is gone");
    assert!(js_sys::Reflect::get(&web_sys::window().unwrap(), &"consentry".into()).unwrap().is_undefined());
    // The handle outlives the provider: its actions do nothing.
    probe.handle.accept_all();
    assert_ne!(probe.media.try_get_untracked(), Some(true), "the signals are gone with the provider");
    assert!(by_id("consentry").is_none(), "nothing was started again");
}
