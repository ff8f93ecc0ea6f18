//! The app: a trailer that shows only once `media` is granted, and a status line.

use consentry::component::{use_consent, use_consent_state, use_consentry, ConsentProvider};
use leptos::prelude::*;

/// The site owner's configuration (the same JSON the script tag reads).
const CONFIG: &str = include_str!("../consentry.json");

/// Mounts the app on `<body>` for the page's lifetime.
pub fn run() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    view! {
        <ConsentProvider config=CONFIG>
            <main>
                <h1>"Example Films"</h1>
                <Status />
                <Trailer />
            </main>
        </ConsentProvider>
    }
}

/// Whether the visitor has decided.
#[component]
fn Status() -> impl IntoView {
    let state = use_consent_state();
    let text = move || if state.get().decided { "Your choice is saved." } else { "Please make a choice." };
    view! { <p id="status">{text}</p> }
}

/// The trailer, rendered only while `media` is granted; otherwise a placeholder that opens the
/// preference center.
#[component]
fn Trailer() -> impl IntoView {
    let media = use_consent("media");
    let consentry = use_consentry();
    view! {
        <Show
            when=move || media.get()
            fallback=move || {
                view! {
                    <div id="video-placeholder">
                        <p>"This trailer is hosted by a video service that sets cookies."</p>
                        <button id="open-preferences" on:click=move |_| consentry.open_preferences()>
                            "Privacy settings"
                        </button>
                    </div>
                }
            }
        >
            <div id="video" role="img" aria-label="Trailer">
                "▶ Trailer playing"
            </div>
        </Show>
    }
}
