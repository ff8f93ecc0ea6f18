use super::*;

const NOW: i64 = 1_790_000_000_000;

#[test]
fn add_chains_and_round_trips() {
    let mut log = ReceiptLog::default();
    assert_eq!(log.add("a", "h.p.s1", NOW, true), Added::Queued);
    assert_eq!(log.chain, Some(consentry_receipt::jws::receipt_hash("h.p.s1")));
    log.add("b", "h.p.s2", NOW + 1, true);
    assert_eq!(log.chain, Some(consentry_receipt::jws::receipt_hash("h.p.s2")));
    let back = ReceiptLog::decode(&log.encode()).unwrap();
    assert_eq!(back, log);
    assert_eq!(back.pending().count(), 2);
}

#[test]
fn without_endpoint_receipts_stay_local() {
    let mut log = ReceiptLog::default();
    log.add("a", "x", NOW, false);
    assert_eq!(log.items[0].delivery, Delivery::Local);
    assert_eq!(log.pending().count(), 0);
    assert_eq!(log.next_due(), None);
}

#[test]
fn delivery_states() {
    let mut log = ReceiptLog::default();
    log.add("a", "x", NOW, true);
    log.add("b", "y", NOW, true);
    log.delivered("a", "{\"ok\":1}".into());
    log.rejected("b");
    assert_eq!(log.items[0].delivery, Delivery::Delivered);
    assert_eq!(log.items[0].ack.as_deref(), Some("{\"ok\":1}"));
    assert_eq!(log.items[1].delivery, Delivery::Rejected);
    assert!(log.due(NOW).is_empty());
}

#[test]
fn backoff_grows_with_jitter_and_is_capped() {
    let mut log = ReceiptLog::default();
    log.add("a", "x", NOW, true);
    log.failed("a", NOW, 0.5);
    assert_eq!(log.items[0].next, NOW + BASE_DELAY_MS);
    log.failed("a", NOW, 0.5);
    assert_eq!(log.items[0].next, NOW + 2 * BASE_DELAY_MS);
    log.failed("a", NOW, 0.0);
    assert_eq!(log.items[0].next, NOW + 2 * BASE_DELAY_MS, "4x nominal, halved by jitter 0");
    for _ in 0..30 {
        log.failed("a", NOW, 0.999);
    }
    assert!(log.items[0].next <= NOW + (MAX_DELAY_MS as f64 * 1.5) as i64);
    assert!(log.due(NOW).is_empty());
    assert_eq!(log.due(log.items[0].next).len(), 1);
}

#[test]
fn the_outbox_is_a_queue_a_later_receipt_never_overtakes_an_earlier_one() {
    let mut log = ReceiptLog::default();
    log.add("a", "x", NOW, true);
    log.add("b", "y", NOW, true);
    let ids = |items: Vec<Item>| items.into_iter().map(|i| i.id).collect::<Vec<_>>();
    assert_eq!(ids(log.due(NOW)), ["a", "b"]);
    // "a" has failed more often than "b", so its retry is later: "b" waits for it.
    log.failed("a", NOW, 0.5);
    log.failed("a", NOW, 0.5);
    log.failed("b", NOW, 0.5);
    let (a_next, b_next) = (log.items[0].next, log.items[1].next);
    assert!(b_next < a_next);
    assert!(log.due(b_next).is_empty(), "b is due but must not overtake a");
    assert_eq!(log.next_due(), Some(a_next), "the queue moves when its head is due");
    assert_eq!(ids(log.due(a_next)), ["a", "b"]);
    // Once the head is acknowledged (or refused for good), the next one leads.
    log.delivered("a", "{}".into());
    assert_eq!(log.next_due(), Some(b_next));
    assert_eq!(ids(log.due(b_next)), ["b"]);
}

#[test]
fn a_full_outbox_is_counted_not_silent() {
    let mut log = ReceiptLog::default();
    for i in 0..MAX_PENDING {
        assert_eq!(log.add(&i.to_string(), "x", NOW, true), Added::Queued);
    }
    assert_eq!(log.add("extra", "x", NOW, true), Added::OutboxFull);
    assert_eq!(log.overflow, 1);
    assert_eq!(log.items.last().unwrap().delivery, Delivery::Overflow);
    assert_eq!(log.pending().count(), MAX_PENDING);
}

#[test]
fn a_full_archive_trims_acknowledged_receipts_first_and_counts_them() {
    let mut log = ReceiptLog::default();
    for i in 0..MAX_ARCHIVE + 5 {
        log.add(&i.to_string(), "x", NOW, false);
    }
    assert_eq!(log.items.len(), MAX_ARCHIVE);
    assert_eq!(log.trimmed, 5);
    assert_eq!(log.items[0].id, "5");
}

#[test]
fn a_full_archive_never_trims_a_receipt_that_waits_for_delivery() {
    let mut log = ReceiptLog::default();
    // Ten receipts wait for the endpoint (the oldest ones), then the archive fills with local ones.
    for i in 0..10 {
        assert_eq!(log.add(&format!("pending-{i}"), "x", NOW, true), Added::Queued);
    }
    for i in 0..MAX_ARCHIVE + 5 {
        log.add(&format!("local-{i}"), "x", NOW, false);
    }
    assert_eq!(log.items.len(), MAX_ARCHIVE);
    assert_eq!(log.trimmed, 15, "the oldest local receipts went, not the pending ones");
    let pending: Vec<&str> = log.pending().map(|i| i.id.as_str()).collect();
    assert_eq!(pending, (0..10).map(|i| format!("pending-{i}")).collect::<Vec<_>>());
    assert_eq!(log.items[10].id, "local-15");
    // Once delivered, they are ordinary archive entries and the oldest go first.
    for i in 0..10 {
        log.delivered(&format!("pending-{i}"), "{}".into());
    }
    log.add("newest", "x", NOW, false);
    assert_eq!(log.items[0].id, "pending-1");
    assert_eq!(log.trimmed, 16);
}

#[test]
fn http_answers_are_classified_as_the_spec_says() {
    for status in [200, 201, 202, 204, 299] {
        assert_eq!(classify(status), Answer::Delivered, "{status}");
    }
    for status in [408, 429, 500, 502, 503, 504, 599] {
        assert_eq!(classify(status), Answer::Retry, "{status}");
    }
    for status in [0, 100, 301, 304, 400, 401, 403, 404, 409, 413, 415, 422, 600] {
        assert_eq!(classify(status), Answer::Refused, "{status}");
    }
}

#[test]
fn corrupt_records_are_refused() {
    for raw in ["", "{", "{\"v\":2}", "{\"v\":1,\"chain\":1,\"items\":[],\"overflow\":0,\"trimmed\":0}"] {
        assert!(ReceiptLog::decode(raw).is_none(), "{raw}");
    }
    let mut log = ReceiptLog::default();
    log.add("a", "x", NOW, true);
    let bad = log.encode().replace("\"pending\"", "\"lost\"");
    assert!(ReceiptLog::decode(&bad).is_none());
}

#[test]
fn export_lists_every_receipt() {
    let mut log = ReceiptLog::default();
    log.add("a", "h.p.s", NOW, true);
    let v: serde_json::Value = serde_json::from_str(&log.export()).unwrap();
    assert_eq!(v["receipts"][0]["jws"], "h.p.s");
    assert_eq!(v["receipts"][0]["delivery"], "pending");
}
