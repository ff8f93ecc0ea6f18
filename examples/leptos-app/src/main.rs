//! Example: a Leptos app that gates a video on consent with Consentry's Leptos API.
//!
//! Build and serve with Trunk from this directory: `trunk serve --open`.

#[cfg(target_arch = "wasm32")]
mod app;

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::run();
}
