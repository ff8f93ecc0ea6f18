//! Browser tests (`wasm-bindgen-test`, headless Chromium): the widget's components and adapters in a
//! real DOM. Every test mounts a fresh widget and holds its [`Mounted`] handle; dropping it at the end
//! of the test takes the widget, `window.consentry`, its listeners and its observer off the page
//! they all share.

#![cfg(target_arch = "wasm32")]
// A test's helpers may panic: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use consentry::model::config::Config;
use consentry::model::contract::{UiAction, ATTR_ACTION, ATTR_PURPOSE, ATTR_SERVICE};
use consentry::{start, EmbedError, Mounted, Store};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &str = r#"{
  "policy_version": "1",
  "controller": {"name": "Test Shop", "contact": "dpo@test.example", "policy_url": "https://test.example/privacy"},
  "languages": ["en", "fr"],
  "purposes": [
    {"id": "necessary", "required": true, "name": "Necessary", "description": "Basket", "retention": "Session", "recipients": "Us"},
    {"id": "analytics", "name": {"en": "Analytics", "fr": "Mesure"}, "description": "Counts", "retention": "13 months", "recipients": "Matomo",
     "services": [{"id": "matomo", "name": "Matomo", "description": "Stats", "cookies": ["_pk_id.*"]},
                  {"id": "plausible", "name": "Plausible", "description": "Stats"}]},
    {"id": "marketing", "name": "Marketing", "description": "Ads", "retention": "6 months", "recipients": "Ad network"}
  ]
}"#;

/// Lets the widget's pending work run: everything queued as microtasks (its spawned tasks, the
/// preference center's mounting) and a zero-delay timer (focus restoring).
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
    let doc = document();
    if let Some(host) = doc.get_element_by_id("consentry") {
        host.remove();
    }
    if let Ok(Some(storage)) = web_sys::window().unwrap().local_storage() {
        let _ = storage.clear();
    }
    doc.document_element().unwrap().set_attribute("lang", "en").unwrap();
}

#[must_use = "the widget is removed when the handle drops"]
async fn mount(config: &str, store: Store) -> Mounted {
    reset();
    let mounted = start(Config::from_json(config).unwrap(), store).unwrap();
    tick().await;
    mounted
}

fn shadow() -> web_sys::ShadowRoot {
    document().get_element_by_id("consentry").expect("host mounted").shadow_root().expect("open shadow root")
}

fn find(selector: &str) -> Option<Element> {
    shadow().query_selector(selector).unwrap()
}

/// The preference center, once it is open: its view comes from its own chunk (`ui::split`), so it is
/// shown a few microtasks after the click that asks for it. Waits up to 20 ticks.
async fn dialog() -> Option<Element> {
    for _ in 0..20 {
        if let Some(dialog) = find("[role=\"dialog\"]") {
            return Some(dialog);
        }
        tick().await;
    }
    None
}

fn all(selector: &str) -> Vec<Element> {
    let list = shadow().query_selector_all(selector).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().dyn_into().unwrap()).collect()
}

async fn click(selector: &str) {
    find(selector).unwrap_or_else(|| panic!("{selector} not found")).unchecked_into::<HtmlElement>().click();
    tick().await;
}

fn api_call(name: &str, arg: Option<&str>) -> JsValue {
    let api = js_sys::Reflect::get(&web_sys::window().unwrap(), &"consentry".into()).unwrap();
    let f: js_sys::Function = js_sys::Reflect::get(&api, &name.into()).unwrap().dyn_into().unwrap();
    match arg {
        Some(a) => f.call1(&api, &a.into()).unwrap(),
        None => f.call0(&api).unwrap(),
    }
}

fn granted(id: &str) -> bool {
    api_call("get", Some(id)).as_bool().unwrap()
}

fn stored() -> Option<String> {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("consentry").unwrap()
}

#[wasm_bindgen_test]
async fn banner_offers_three_equal_buttons_and_grants_nothing() {
    let _widget = mount(CONFIG, Store::open()).await;
    let buttons = all(".cs-banner button");
    let actions: Vec<String> = buttons.iter().map(|b| b.get_attribute(ATTR_ACTION).unwrap()).collect();
    assert_eq!(actions, ["accept-all", "reject-all", "customize"]);
    let classes: Vec<String> = buttons.iter().map(|b| b.class_name()).collect();
    assert!(classes.iter().all(|c| c == &classes[0]), "{classes:?}");
    let banner = find(".cs-banner").unwrap().text_content().unwrap();
    assert!(banner.contains("Test Shop"));
    assert!(banner.contains("withdraw"));
    assert!(find(".cs-banner a[href=\"https://test.example/privacy\"]").is_some());
    assert!(!granted("analytics"));
    assert!(granted("necessary"));
    assert!(stored().is_none());
}

#[wasm_bindgen_test]
async fn a_scripts_click_decides_nothing_and_the_api_decides_as_the_api() {
    let _widget = mount(CONFIG, Store::open()).await;
    let seen = std::rc::Rc::new(std::cell::RefCell::new(None::<JsValue>));
    let s = seen.clone();
    let listener = Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
        s.replace(Some(e.detail()));
    });
    document().add_event_listener_with_callback("consentry:change", listener.as_ref().unchecked_ref()).unwrap();
    // `click()` from a script is not the visitor's click (`isTrusted` is false): nothing happens.
    click(&UiAction::AcceptAll.selector()).await;
    click(&UiAction::RejectAll.selector()).await;
    assert!(find(".cs-banner").is_some(), "the question is still open");
    assert!(stored().is_none() && seen.borrow().is_none() && !granted("analytics"));
    api_call("acceptAll", None);
    tick().await;
    document().remove_event_listener_with_callback("consentry:change", listener.as_ref().unchecked_ref()).unwrap();
    assert!(find(".cs-banner").is_none());
    assert!(granted("analytics") && granted("analytics/matomo") && granted("marketing"));
    let raw = stored().expect("choice stored");
    assert!(raw.contains("\"layer\":\"api\""), "{raw}");
    let detail = seen.borrow().clone().expect("consentry:change dispatched");
    let source = js_sys::Reflect::get(&detail, &"source".into()).unwrap();
    assert_eq!(source.as_string().as_deref(), Some("api"));
    let floating = find(&UiAction::OpenPreferences.selector()).unwrap();
    assert!(!floating.has_attribute("hidden"));
}

#[wasm_bindgen_test]
async fn preference_center_switches_start_off_and_a_scripts_clicks_change_nothing() {
    let _widget = mount(CONFIG, Store::open()).await;
    // Customize is not a decision: a script may open the preference center.
    click(&UiAction::Customize.selector()).await;
    let dialog = dialog().await.expect("preference center open");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let required = find(&format!("[{ATTR_PURPOSE}=\"necessary\"]")).unwrap();
    assert_eq!(required.get_attribute("aria-checked").as_deref(), Some("true"));
    assert_eq!(required.get_attribute("aria-disabled").as_deref(), Some("true"));
    for id in ["analytics", "marketing"] {
        let sw = find(&format!("[{ATTR_PURPOSE}=\"{id}\"]")).unwrap();
        assert_eq!(sw.get_attribute("role").as_deref(), Some("switch"));
        assert_eq!(sw.get_attribute("aria-checked").as_deref(), Some("false"), "{id} must start off");
    }
    click(&format!("[{ATTR_SERVICE}=\"analytics/matomo\"]")).await;
    let service = find(&format!("[{ATTR_SERVICE}=\"analytics/matomo\"]")).unwrap();
    assert_eq!(service.get_attribute("aria-checked").as_deref(), Some("false"), "a script cannot flip a switch");
    for action in [UiAction::Save, UiAction::AcceptAll, UiAction::RejectAll] {
        click(&format!("[role=\"dialog\"] {}", action.selector())).await;
        assert!(find("[role=\"dialog\"]").is_some(), "{action:?} from a script decides nothing");
    }
    assert!(stored().is_none() && !granted("analytics/matomo"));
}

#[wasm_bindgen_test]
async fn escape_closes_back_to_the_banner_without_deciding() {
    let _widget = mount(CONFIG, Store::open()).await;
    click(&UiAction::Customize.selector()).await;
    let dialog = dialog().await.expect("preference center open");
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    dialog.dispatch_event(&ev).unwrap();
    tick().await;
    assert!(find("[role=\"dialog\"]").is_none());
    assert!(find(".cs-banner").is_some(), "no choice yet: the banner comes back");
    assert!(stored().is_none());
}

#[wasm_bindgen_test]
async fn gated_script_runs_once_only_after_consent_and_iframe_loads() {
    let _widget = mount(CONFIG, Store::open()).await;
    let doc = document();
    let script = doc.create_element("script").unwrap();
    script.set_attribute("type", "text/plain").unwrap();
    script.set_attribute("data-consent", "marketing").unwrap();
    script.set_text_content(Some("window.__csRuns = (window.__csRuns || 0) + 1;"));
    doc.body().unwrap().append_child(&script).unwrap();
    let frame = doc.create_element("iframe").unwrap();
    frame.set_attribute("data-consent", "marketing").unwrap();
    frame.set_attribute("data-src", "frame.html#video").unwrap();
    doc.body().unwrap().append_child(&frame).unwrap();
    tick().await;
    let runs = || js_sys::Reflect::get(&web_sys::window().unwrap(), &"__csRuns".into()).unwrap().as_f64();
    assert_eq!(runs(), None);
    assert!(!frame.has_attribute("src"));
    api_call("acceptAll", None);
    tick().await;
    assert_eq!(runs(), Some(1.0));
    assert_eq!(frame.get_attribute("src").as_deref(), Some("frame.html#video"));
    api_call("rejectAll", None);
    api_call("acceptAll", None);
    tick().await;
    assert_eq!(runs(), Some(1.0), "a gated script never runs twice");
    script.remove();
    frame.remove();
}

#[wasm_bindgen_test]
async fn withdrawal_deletes_the_services_cookies() {
    let _widget = mount(CONFIG, Store::open()).await;
    let doc: web_sys::HtmlDocument = document().unchecked_into();
    api_call("acceptAll", None);
    doc.set_cookie("_pk_id.test=1; path=/").unwrap();
    doc.set_cookie("keepme=1; path=/").unwrap();
    api_call("rejectAll", None);
    let cookies = doc.cookie().unwrap();
    assert!(!cookies.contains("_pk_id.test"), "{cookies}");
    assert!(cookies.contains("keepme=1"));
    doc.set_cookie("keepme=; Max-Age=0; path=/").unwrap();
}

#[wasm_bindgen_test]
async fn memory_store_keeps_the_choice_when_storage_is_unavailable() {
    let _widget = mount(CONFIG, Store::memory_only()).await;
    api_call("rejectAll", None);
    let state = api_call("state", None);
    let storage = js_sys::Reflect::get(&state, &"storage".into()).unwrap();
    assert_eq!(storage.as_string().as_deref(), Some("memory"));
    let decided = js_sys::Reflect::get(&state, &"decided".into()).unwrap();
    assert_eq!(decided.as_bool(), Some(true));
    assert!(stored().is_none());
}

#[wasm_bindgen_test]
async fn stored_choice_is_applied_and_french_is_chosen_from_the_page() {
    let first = mount(CONFIG, Store::open()).await;
    api_call("acceptAll", None);
    let raw = stored().unwrap();
    drop(first);
    reset();
    web_sys::window().unwrap().local_storage().unwrap().unwrap().set_item("consentry", &raw).unwrap();
    document().document_element().unwrap().set_attribute("lang", "fr").unwrap();
    // What `boot` does once it has fetched the pack of the language shown (English is built in).
    let mut config = Config::from_json(CONFIG).unwrap();
    assert_eq!(config.needs_pack("fr"), Some("fr"));
    let pack = consentry_model::i18n::Pack::parse("fr", include_str!("../model/src/i18n/packs/fr.json")).unwrap();
    config.ui.pack = Some(pack);
    let _widget = start(config, Store::open()).unwrap();
    tick().await;
    assert!(find(".cs-banner").is_none(), "a stored choice is not asked again");
    assert!(granted("marketing"));
    click(&UiAction::OpenPreferences.selector()).await;
    dialog().await.expect("preference center open");
    let title = find("#cs-prefs-title").unwrap().text_content().unwrap();
    assert_eq!(title, "Préférences de confidentialité");
    let root = find(".cs-root").unwrap();
    assert_eq!(root.get_attribute("lang").as_deref(), Some("fr"));
}

#[wasm_bindgen_test]
async fn a_second_mount_is_refused() {
    let _widget = mount(CONFIG, Store::open()).await;
    let again = start(Config::from_json(CONFIG).unwrap(), Store::open());
    assert!(matches!(again, Err(EmbedError::AlreadyMounted)), "{:?}", again.err());
    let message = start(Config::from_json(CONFIG).unwrap(), Store::open()).err().unwrap().to_string();
    assert_eq!(message, "an element with id \"consentry\" already exists: is the script included twice?");
    assert!(find(".cs-banner").is_some(), "the first widget is untouched");
    assert!(granted("necessary"));
}

#[wasm_bindgen_test]
async fn dropping_the_handle_takes_everything_off_the_page() {
    let widget = mount(CONFIG, Store::open()).await;
    let window = web_sys::window().unwrap();
    let doc = document();
    assert!(js_sys::Reflect::has(&window, &"consentry".into()).unwrap());
    let link = doc.create_element("a").unwrap();
    link.set_attribute("href", "#prefs").unwrap();
    link.set_attribute("data-consentry-open", "").unwrap();
    doc.body().unwrap().append_child(&link).unwrap();
    link.unchecked_ref::<HtmlElement>().click();
    tick().await;
    assert!(dialog().await.is_some(), "the link opens the preference center while mounted");
    drop(widget);
    tick().await;
    assert!(doc.get_element_by_id("consentry").is_none(), "the host element is gone");
    assert!(!js_sys::Reflect::has(&window, &"consentry".into()).unwrap(), "window.consentry is gone");
    // The click listener is gone: a click on the link is the page's own again (no error, no widget).
    link.unchecked_ref::<HtmlElement>().click();
    // The observer is gone: gated content added now stays inert.
    let script = doc.create_element("script").unwrap();
    script.set_attribute("type", "text/plain").unwrap();
    script.set_attribute("data-consent", "necessary").unwrap();
    script.set_text_content(Some("window.__csAfterUnmount = true;"));
    doc.body().unwrap().append_child(&script).unwrap();
    tick().await;
    assert!(js_sys::Reflect::get(&window, &"__csAfterUnmount".into()).unwrap().is_undefined());
    assert!(!script.has_attribute("data-consentry-done"));
    script.remove();
    link.remove();
    // And the page can mount a widget again.
    let _again = mount(CONFIG, Store::open()).await;
    assert!(find(".cs-banner").is_some());
}
