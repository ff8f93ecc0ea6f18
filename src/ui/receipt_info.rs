//! The visitor's record: the latest consent receipt's id and date, and a button that downloads every
//! receipt this browser holds. Shown in the preference center once a receipt exists.

use leptos::prelude::*;

use super::{use_widget, UiAction};
use crate::i18n::TextKey;

/// The latest receipt and the download button.
#[component]
pub fn ReceiptInfo() -> impl IntoView {
    let ctx = use_widget();
    let label = ctx.t(TextKey::LatestReceipt);
    let download = ctx.t(TextKey::DownloadReceipts);
    let lang = ctx.language();
    move || {
        ctx.latest_receipt().map(|latest| {
            let date = js_sys::Date::new(&(latest.at as f64).into())
                .to_locale_string(&lang, &wasm_bindgen::JsValue::UNDEFINED)
                .as_string()
                .unwrap_or_default();
            view! {
                <p class="cs-meta cs-receipt">
                    {label.clone()}": "<code data-receipt-id=latest.id.clone()>{latest.id.clone()}</code>" · "{date}" "
                    <button type="button" class="cs-link" data-action=UiAction::DownloadReceipts.as_str()
                        on:click=move |_| ctx.act(|a| a.receipts.download())>
                        {download.clone()}
                    </button>
                </p>
            }
        })
    }
}
