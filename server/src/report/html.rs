//! The report as one standalone HTML page: no script, no external resource, styles for the screen
//! and for print (A4 margins, headers of long tables repeated, sections kept off page breaks
//! where they fit). Every text from receipts or the registry is escaped.

use std::fmt::Write;

use super::document::{AuditReport, NoticeInForce, ReceiptRef, TargetCount};
use crate::routes::log::TreeHeadBody;

const STYLE: &str = "
:root { color-scheme: light; font-family: system-ui, 'DejaVu Sans', sans-serif; color: #1b1b1b; }
body { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #999; }
h3 { font-size: 1rem; margin-bottom: .3rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code, .hash { font-family: 'DejaVu Sans Mono', monospace; font-size: .8rem; word-break: break-all; }
.status-passed { color: #14622c; font-weight: bold; } .status-failed { color: #a4161a; font-weight: bold; }
.status-inconclusive { color: #8a5a00; font-weight: bold; }
.summary td:first-child { width: 40%; }
section.notice { border: 1px solid #ccc; padding: .5rem 1rem; margin: 1rem 0; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  table, section.notice { break-inside: auto; } tr, h3 { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
";

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn rows(out: &mut String, header: &[&str], numeric_from: usize, body: impl IntoIterator<Item = Vec<String>>) {
    out.push_str("<table><thead><tr>");
    for (i, h) in header.iter().enumerate() {
        let class = if i >= numeric_from { " class=\"n\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    let mut any = false;
    for row in body {
        any = true;
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = if i >= numeric_from { " class=\"n\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        out.push_str("</tr>");
    }
    if !any {
        let _ = write!(out, "<tr><td colspan=\"{}\">none</td></tr>", header.len());
    }
    out.push_str("</tbody></table>\n");
}

fn counts(t: &[TargetCount]) -> impl Iterator<Item = Vec<String>> + '_ {
    t.iter().map(|c| vec![c.id.clone(), c.granted.to_string(), c.refused.to_string()])
}

fn at(r: &ReceiptRef) -> String {
    format!("{} (leaf {}, {})", r.consent_timestamp, r.leaf_index, r.consent_receipt_id)
}

fn head(h: &Option<TreeHeadBody>) -> String {
    match h {
        Some(h) => {
            format!("size {}, root {}, signed {}", h.tree_size, h.root_hash, crate::time::format_millis(h.timestamp))
        }
        None => "none".into(),
    }
}

/// The summary lines, shared with the PDF: `(label, value)`.
pub fn summary(r: &AuditReport) -> Vec<(&'static str, String)> {
    let c = &r.chain;
    vec![
        ("Period", format!("{} to {} (exclusive)", r.period.from, r.period.to)),
        ("Receipts", r.receipts.to_string()),
        ("Principals", r.principals.to_string()),
        ("Withdrawals", format!("{} receipts by {} principals", r.withdrawals.receipts, r.withdrawals.principals)),
        (
            "GPC signals",
            format!("{} receipts, {} of them granting an optional purpose", r.gpc.receipts, r.gpc.with_grants),
        ),
        ("Chain breaks", format!("{} (restart {}, gap {}, fork {})", c.breaks, c.restart, c.gap, c.fork)),
        (
            "Unknown notice hashes",
            format!("{} receipts, {} hashes", r.unknown_notices.receipts, r.unknown_notices.hashes.len()),
        ),
        ("Notices in force", r.notices.len().to_string()),
        ("Verify", format!("{} ({} problems)", r.log.verify.status, r.log.verify.problem_count)),
    ]
}

fn text_of<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
    v.get(key).and_then(|x| x.as_str()).unwrap_or("")
}

fn notice(out: &mut String, n: &NoticeInForce) {
    let _ = write!(
        out,
        "<section class=\"notice\" lang=\"{}\"><h3>Policy {} · {}</h3><p>noticeHash <span class=\"hash\">{}</span><br>\
         {} receipts; first {}; last {}; registered {}</p>",
        escape(&n.language),
        escape(&n.policy_version),
        escape(&n.language),
        escape(&n.notice_hash),
        n.receipts,
        escape(&at(&n.first_seen)),
        escape(&at(&n.last_seen)),
        escape(&n.registered_at)
    );
    let c = n.notice.get("controller").cloned().unwrap_or_default();
    let _ = write!(
        out,
        "<p>Controller: {} · {} · {}</p>",
        escape(text_of(&c, "name")),
        escape(text_of(&c, "contact")),
        escape(text_of(&c, "policy_url"))
    );
    let purposes = n.notice.get("purposes").and_then(|p| p.as_array()).cloned().unwrap_or_default();
    let body = purposes.iter().map(|p| {
        let services: Vec<String> = p
            .get("services")
            .and_then(|s| s.as_array())
            .map(|s| s.iter().map(|s| format!("{}: {}", text_of(s, "name"), text_of(s, "description"))).collect())
            .unwrap_or_default();
        let required = p.get("required").and_then(|r| r.as_bool()).unwrap_or(false);
        vec![
            format!("{}{}", text_of(p, "name"), if required { " (strictly necessary)" } else { "" }),
            text_of(p, "description").to_string(),
            text_of(p, "retention").to_string(),
            text_of(p, "recipients").to_string(),
            services.join("; "),
        ]
    });
    rows(out, &["Purpose", "Description", "Retention", "Recipients", "Services"], 99, body);
    if let Some(ui) = n.notice.get("interface").and_then(|i| i.as_object()) {
        rows(
            out,
            &["Interface text", "As shown"],
            99,
            ui.iter().map(|(k, v)| vec![k.clone(), v.as_str().unwrap_or("").to_string()]),
        );
    }
    out.push_str("</section>\n");
}

/// The whole page.
pub fn render(r: &AuditReport) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Consent audit report {} to {}</title>\
         <style>{STYLE}</style></head><body>\n<h1>Consent audit report</h1><p>{} to {} (exclusive) · generated {} · {}</p>\n",
        escape(&r.period.from),
        escape(&r.period.to),
        escape(&r.period.from),
        escape(&r.period.to),
        escape(&r.generated_at),
        r.report
    );
    out.push_str("<h2>Summary</h2>");
    out.push_str("<table class=\"summary\"><tbody>");
    for (k, v) in summary(r) {
        let _ = write!(out, "<tr><td>{}</td><td>{}</td></tr>", escape(k), escape(&v));
    }
    out.push_str("</tbody></table>\n<h2>Controller</h2>");
    rows(
        &mut out,
        &["Name", "Contact", "Privacy policy", "Receipts"],
        3,
        r.controllers
            .iter()
            .map(|c| vec![c.name.clone(), c.contact.clone(), c.policy_url.clone(), c.receipts.to_string()]),
    );
    out.push_str("<h2>Decisions per purpose</h2>");
    rows(&mut out, &["Purpose", "Granted", "Refused"], 1, counts(&r.decisions.purposes));
    out.push_str("<h2>Decisions per service</h2>");
    rows(&mut out, &["Service", "Granted", "Refused"], 1, counts(&r.decisions.services));
    out.push_str("<h2>Receipts per collection method</h2>");
    rows(
        &mut out,
        &["Method", "Receipts"],
        1,
        r.decisions.by_method.iter().map(|m| vec![m.method.clone(), m.receipts.to_string()]),
    );
    out.push_str("<h2>Per language</h2>");
    rows(
        &mut out,
        &["Language", "Receipts", "Purposes granted", "Purposes refused"],
        1,
        r.decisions
            .by_language
            .iter()
            .map(|l| vec![l.language.clone(), l.receipts.to_string(), l.granted.to_string(), l.refused.to_string()]),
    );
    out.push_str("<h2>Withdrawals</h2>");
    rows(
        &mut out,
        &["Purpose or service", "Withdrawals"],
        1,
        r.withdrawals.by_target.iter().map(|w| vec![w.id.clone(), w.withdrawals.to_string()]),
    );
    rows(
        &mut out,
        &["Receipt", "Principal", "Withdrawn"],
        99,
        r.withdrawals.examples.iter().map(|w| vec![at(&w.receipt), w.principal.clone(), w.targets.join(", ")]),
    );
    out.push_str("<h2>Chain breaks</h2>");
    let c = &r.chain;
    rows(
        &mut out,
        &["Link", "Receipts"],
        1,
        [
            ("first", c.first),
            ("linked", c.linked),
            ("break:restart", c.restart),
            ("break:gap", c.gap),
            ("break:fork", c.fork),
        ]
        .iter()
        .map(|(k, n)| vec![k.to_string(), n.to_string()]),
    );
    out.push_str(
        "<h2>Unknown notice hashes</h2><p>Receipts naming a notice the registry does not hold (accepted, flagged).</p>",
    );
    rows(
        &mut out,
        &["noticeHash", "Policy", "Language", "First", "Last", "Receipts"],
        5,
        r.unknown_notices.hashes.iter().map(|u| {
            vec![
                u.notice_hash.clone(),
                u.policy_version.clone(),
                u.language.clone(),
                at(&u.first_seen),
                at(&u.last_seen),
                u.receipts.to_string(),
            ]
        }),
    );
    out.push_str("<h2>Notices in force</h2>");
    if r.notices.is_empty() {
        out.push_str("<p>none registered for this period's receipts</p>");
    }
    for n in &r.notices {
        notice(&mut out, n);
    }
    out.push_str("<h2>Log evidence</h2>");
    let l = &r.log;
    let consistency = match &l.consistency {
        Some(c) => format!(
            "{} → {}: {} ({} hashes)",
            c.first,
            c.second,
            if c.verified { "verified" } else { "DOES NOT VERIFY" },
            c.proof.len()
        ),
        None => "none (no previous head)".into(),
    };
    let v = &l.verify;
    let lines = [
        ("Tree head of the report", head(&l.tree_head)),
        ("Last tree head before the period's end", head(&l.period_end_tree_head)),
        (&*format!("Previous head ({})", l.previous_tree_head_source), head(&l.previous_tree_head)),
        ("Consistency proof", consistency),
        ("Server key (kid)", l.server_key.clone()),
    ]
    .map(|(k, v)| (k.to_string(), v));
    out.push_str("<table class=\"summary\"><tbody>");
    for (k, val) in lines {
        let _ = write!(out, "<tr><td>{}</td><td class=\"hash\">{}</td></tr>", escape(&k), escape(&val));
    }
    let _ = write!(
        out,
        "<tr><td>verify</td><td><span class=\"status-{0}\">{0}</span>: {1} receipts, {2} tree heads, {3} nodes, {4} chain breaks, root <span class=\"hash\">{5}</span>; {6} problems</td></tr></tbody></table>",
        v.status, v.receipts, v.tree_heads, v.nodes, v.chain_breaks, escape(&v.root_hash), v.problem_count
    );
    if let Some(c) = &l.consistency {
        let _ = write!(out, "<p>Proof: <span class=\"hash\">{}</span></p>", escape(&c.proof.join(" ")));
    }
    for p in &v.problems {
        let _ = write!(out, "<p class=\"status-failed\">{}</p>", escape(p));
    }
    out.push_str(
        "<p>This file is signed: a detached JWS (RFC 7515 appendix F) over its exact bytes by the key above, \
         published at <code>/.well-known/jwks.json</code>.</p>\n</body></html>\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    }
}
