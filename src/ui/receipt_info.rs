//! The visitor's record: the latest consent receipt's id and date, and a button that downloads every
//! receipt this browser holds. Shown in the preference center once a receipt exists.

use leptos::prelude::*;

use consentry_model::contract::UiAction;
use consentry_model::i18n::TextKey;

use super::context::use_widget;
use crate::browser::platform::format_date;

/// The latest receipt and the download button.
#[component]
pub fn ReceiptInfo() -> impl IntoView {
    let ctx = use_widget();
    let label = ctx.t(TextKey::LatestReceipt);
    let download = ctx.t(TextKey::DownloadReceipts);
    let lang = ctx.language();
    move || {
        ctx.latest_receipt.get().map(|latest| {
            let date = format_date(latest.at, &lang);
            view! {
                <p class="cs-meta cs-receipt">
                    {label.clone()}": "<code data-receipt-id=latest.id.clone()>{latest.id.clone()}</code>" · "{date}" "
                    <button type="button" class="cs-link" data-action=UiAction::DownloadReceipts.as_str()
                        on:click=move |_| ctx.act(|r| r.download_receipts())>
                        {download.clone()}
                    </button>
                </p>
            }
        })
    }
}
