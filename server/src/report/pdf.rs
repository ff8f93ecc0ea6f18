//! The report as a PDF (A4), written in-process by krilla with DejaVu Sans embedded (subset) from
//! the `dejavu` crate, which covers Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and basic
//! Arabic; scripts outside it (CJK, Indic) appear as empty boxes, and the JSON and HTML reports
//! hold the same texts. Layout is a small pure step ([`Layout`]: wrapped lines placed on pages,
//! measured with the font's advances) followed by drawing, so no page or surface is held across
//! calls.

use std::sync::Arc;

use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use super::document::{AuditReport, TargetCount};
use super::html::summary;
use super::ReportError;
use crate::routes::log::TreeHeadBody;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 48.0;
const BOTTOM: f32 = PAGE_H - 56.0;
const BODY: f32 = 9.0;

/// One line of text placed on a page (`y` is the baseline, from the top).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Left edge.
    pub x: f32,
    /// Baseline.
    pub y: f32,
    /// Font size.
    pub size: f32,
    /// Bold face.
    pub bold: bool,
    /// The text.
    pub text: String,
}

/// Text measured with DejaVu Sans and placed on pages.
pub struct Layout {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
    /// The pages, each a list of runs.
    pub pages: Vec<Vec<Run>>,
    y: f32,
}

fn clean(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

impl Layout {
    /// An empty first page.
    pub fn new() -> Result<Self, ReportError> {
        let face = |data: &'static [u8]| {
            ttf_parser::Face::parse(data, 0).map_err(|e| ReportError::Render(format!("the embedded font: {e}")))
        };
        Ok(Layout {
            regular: face(dejavu::sans::regular())?,
            bold: face(dejavu::sans::bold())?,
            pages: vec![Vec::new()],
            y: MARGIN,
        })
    }

    /// The width of `text` at `size`.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let units = f32::from(face.units_per_em());
        let advance: f32 = text
            .chars()
            .map(|c| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(units / 2.0, f32::from))
            .sum();
        advance * size / units
    }

    /// `text` broken into lines no wider than `width` (at spaces, or inside a word too long).
    pub fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in clean(text).split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if self.width(&candidate, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if self.width(&line, size, bold) > width {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.pages.last().is_some_and(|p| !p.is_empty()) {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn put(&mut self, x: f32, size: f32, bold: bool, text: String) {
        let y = self.y + size;
        if let Some(page) = self.pages.last_mut() {
            page.push(Run { x, y, size, bold, text });
        }
    }

    /// A heading, kept with at least three lines after it.
    pub fn heading(&mut self, text: &str, size: f32) {
        self.y += size * 0.8;
        self.ensure(size * 1.4 + BODY * 4.5);
        self.put(MARGIN, size, true, clean(text));
        self.y += size * 1.5;
    }

    /// A wrapped paragraph.
    pub fn para(&mut self, text: &str, size: f32, indent: f32) {
        for line in self.wrap(text, size, false, PAGE_W - 2.0 * MARGIN - indent) {
            self.ensure(size * 1.4);
            self.put(MARGIN + indent, size, false, line);
            self.y += size * 1.4;
        }
    }

    /// A table row: each cell wrapped in its column (`widths` are fractions of the text width).
    pub fn row(&mut self, cells: &[String], widths: &[f32], bold: bool) {
        let full = PAGE_W - 2.0 * MARGIN;
        let wrapped: Vec<Vec<String>> =
            cells.iter().zip(widths).map(|(c, w)| self.wrap(c, BODY, bold, w * full - 6.0)).collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        self.ensure(lines as f32 * BODY * 1.35 + 2.0);
        let top = self.y;
        let mut x = MARGIN;
        for (cell, w) in wrapped.into_iter().zip(widths) {
            self.y = top;
            for line in cell {
                self.put(x, BODY, bold, line);
                self.y += BODY * 1.35;
            }
            x += w * full;
        }
        self.y = top + lines as f32 * BODY * 1.35 + 2.0;
    }

    /// A table: a bold header row, then the rows (`none` when there are none).
    pub fn table(&mut self, header: &[&str], widths: &[f32], rows: Vec<Vec<String>>) {
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        self.row(&header, widths, true);
        if rows.is_empty() {
            self.row(&["none".to_string()], &[1.0], false);
        }
        for r in rows {
            self.row(&r, widths, false);
        }
        self.y += BODY * 0.6;
    }
}

fn counts(t: &[TargetCount]) -> Vec<Vec<String>> {
    t.iter().map(|c| vec![c.id.clone(), c.granted.to_string(), c.refused.to_string()]).collect()
}

fn head(h: &Option<TreeHeadBody>) -> String {
    match h {
        Some(h) => {
            format!("size {}, root {}, signed {}", h.tree_size, h.root_hash, crate::time::format_millis(h.timestamp))
        }
        None => "none".into(),
    }
}

fn text_of(v: &serde_json::Value, key: &str) -> String {
    v.get(key).and_then(|x| x.as_str()).unwrap_or("").to_string()
}

/// Lays the report out.
pub fn layout(r: &AuditReport) -> Result<Layout, ReportError> {
    let mut l = Layout::new()?;
    l.heading("Consent audit report", 18.0);
    l.para(
        &format!("{} to {} (exclusive) · generated {} · {}", r.period.from, r.period.to, r.generated_at, r.report),
        BODY,
        0.0,
    );
    l.heading("Summary", 13.0);
    for (k, v) in summary(r) {
        l.para(&format!("{k}: {v}"), BODY, 0.0);
    }
    l.heading("Controller", 13.0);
    let controllers = r
        .controllers
        .iter()
        .map(|c| vec![c.name.clone(), c.contact.clone(), c.policy_url.clone(), c.receipts.to_string()]);
    l.table(&["Name", "Contact", "Privacy policy", "Receipts"], &[0.3, 0.25, 0.33, 0.12], controllers.collect());
    l.heading("Decisions per purpose", 13.0);
    l.table(&["Purpose", "Granted", "Refused"], &[0.6, 0.2, 0.2], counts(&r.decisions.purposes));
    l.heading("Decisions per service", 13.0);
    l.table(&["Service", "Granted", "Refused"], &[0.6, 0.2, 0.2], counts(&r.decisions.services));
    l.heading("Receipts per collection method", 13.0);
    let methods = r.decisions.by_method.iter().map(|m| vec![m.method.clone(), m.receipts.to_string()]);
    l.table(&["Method", "Receipts"], &[0.6, 0.4], methods.collect());
    l.heading("Per language", 13.0);
    let languages = r
        .decisions
        .by_language
        .iter()
        .map(|x| vec![x.language.clone(), x.receipts.to_string(), x.granted.to_string(), x.refused.to_string()]);
    l.table(
        &["Language", "Receipts", "Purposes granted", "Purposes refused"],
        &[0.25, 0.25, 0.25, 0.25],
        languages.collect(),
    );
    l.heading("Withdrawals", 13.0);
    let by_target = r.withdrawals.by_target.iter().map(|w| vec![w.id.clone(), w.withdrawals.to_string()]);
    l.table(&["Purpose or service", "Withdrawals"], &[0.6, 0.4], by_target.collect());
    let examples = r.withdrawals.examples.iter().map(|w| {
        vec![
            format!("{} leaf {} {}", w.receipt.consent_timestamp, w.receipt.leaf_index, w.receipt.consent_receipt_id),
            w.principal.clone(),
            w.targets.join(", "),
        ]
    });
    l.table(&["Receipt", "Principal", "Withdrawn"], &[0.4, 0.4, 0.2], examples.collect());
    l.heading("Chain breaks", 13.0);
    let c = &r.chain;
    let links = [
        ("first", c.first),
        ("linked", c.linked),
        ("break:restart", c.restart),
        ("break:gap", c.gap),
        ("break:fork", c.fork),
    ];
    l.table(
        &["Link", "Receipts"],
        &[0.6, 0.4],
        links.iter().map(|(k, n)| vec![k.to_string(), n.to_string()]).collect(),
    );
    l.heading("Unknown notice hashes", 13.0);
    let unknown = r.unknown_notices.hashes.iter().map(|u| {
        vec![
            u.notice_hash.clone(),
            u.policy_version.clone(),
            u.language.clone(),
            u.first_seen.consent_timestamp.clone(),
            u.last_seen.consent_timestamp.clone(),
            u.receipts.to_string(),
        ]
    });
    l.table(
        &["noticeHash", "Policy", "Language", "First", "Last", "Receipts"],
        &[0.3, 0.12, 0.1, 0.2, 0.2, 0.08],
        unknown.collect(),
    );
    l.heading("Notices in force", 13.0);
    if r.notices.is_empty() {
        l.para("none registered for this period's receipts", BODY, 0.0);
    }
    for n in &r.notices {
        l.heading(&format!("Policy {} · {}", n.policy_version, n.language), 11.0);
        l.para(&format!("noticeHash {}", n.notice_hash), BODY, 0.0);
        l.para(
            &format!(
                "{} receipts; first {}; last {}; registered {}",
                n.receipts, n.first_seen.consent_timestamp, n.last_seen.consent_timestamp, n.registered_at
            ),
            BODY,
            0.0,
        );
        let ctl = n.notice.get("controller").cloned().unwrap_or_default();
        l.para(
            &format!(
                "Controller: {} · {} · {}",
                text_of(&ctl, "name"),
                text_of(&ctl, "contact"),
                text_of(&ctl, "policy_url")
            ),
            BODY,
            0.0,
        );
        let purposes = n.notice.get("purposes").and_then(|p| p.as_array()).cloned().unwrap_or_default();
        for p in &purposes {
            let required = p.get("required").and_then(|x| x.as_bool()).unwrap_or(false);
            l.para(
                &format!("{}{}", text_of(p, "name"), if required { " (strictly necessary)" } else { "" }),
                BODY,
                0.0,
            );
            l.para(&text_of(p, "description"), BODY, 12.0);
            l.para(
                &format!("Retention: {} · Recipients: {}", text_of(p, "retention"), text_of(p, "recipients")),
                BODY,
                12.0,
            );
            for s in p.get("services").and_then(|s| s.as_array()).into_iter().flatten() {
                l.para(&format!("{}: {}", text_of(s, "name"), text_of(s, "description")), BODY, 24.0);
            }
        }
        if let Some(ui) = n.notice.get("interface").and_then(|i| i.as_object()) {
            let rows = ui.iter().map(|(k, v)| vec![k.clone(), v.as_str().unwrap_or("").to_string()]).collect();
            l.table(&["Interface text", "As shown"], &[0.3, 0.7], rows);
        }
    }
    l.heading("Log evidence", 13.0);
    let log = &r.log;
    l.para(&format!("Tree head of the report: {}", head(&log.tree_head)), BODY, 0.0);
    l.para(&format!("Last tree head before the period's end: {}", head(&log.period_end_tree_head)), BODY, 0.0);
    l.para(&format!("Previous head ({}): {}", log.previous_tree_head_source, head(&log.previous_tree_head)), BODY, 0.0);
    match &log.consistency {
        Some(c) => {
            let verdict = if c.verified { "verified" } else { "DOES NOT VERIFY" };
            l.para(&format!("Consistency proof {} → {}: {verdict}", c.first, c.second), BODY, 0.0);
            l.para(&c.proof.join(" "), BODY, 12.0);
        }
        None => l.para("Consistency proof: none (no previous head)", BODY, 0.0),
    }
    let v = &log.verify;
    l.para(
        &format!(
            "verify: {}: {} receipts, {} tree heads, {} nodes, {} chain breaks, root {}; {} problems",
            v.status, v.receipts, v.tree_heads, v.nodes, v.chain_breaks, v.root_hash, v.problem_count
        ),
        BODY,
        0.0,
    );
    for p in &v.problems {
        l.para(p, BODY, 12.0);
    }
    l.para(&format!("Server key (kid): {}", log.server_key), BODY, 0.0);
    l.para(
        "This file is signed: a detached JWS (RFC 7515 appendix F) over its exact bytes by the key above, published at /.well-known/jwks.json.",
        BODY,
        0.0,
    );
    Ok(l)
}

/// The PDF's bytes.
pub fn render(r: &AuditReport) -> Result<Vec<u8>, ReportError> {
    let layout = layout(r)?;
    let font = |data: &'static [u8]| {
        let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(data);
        Font::new(data.into(), 0).ok_or_else(|| ReportError::Render("the embedded font cannot be read".into()))
    };
    let (regular, bold) = (font(dejavu::sans::regular())?, font(dejavu::sans::bold())?);
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("Consent audit report {} to {}", r.period.from, r.period.to))
            .creator("consentry-server".to_string())
            .language("en".to_string()),
    );
    let total = layout.pages.len();
    for (i, runs) in layout.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| ReportError::Render("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for run in runs {
            let f = if run.bold { bold.clone() } else { regular.clone() };
            surface.draw_text(Point::from_xy(run.x, run.y), f, run.size, &run.text, false, TextDirection::Auto);
        }
        let footer = format!("Consent audit report {} to {} · page {} of {total}", r.period.from, r.period.to, i + 1);
        surface.draw_text(
            Point::from_xy(MARGIN, PAGE_H - 30.0),
            regular.clone(),
            7.5,
            &footer,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| ReportError::Render(format!("PDF: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_to_the_width_and_breaks_long_words() {
        let l = Layout::new().unwrap();
        let text =
            "Μετρά τις επισκέψεις και τις σελίδες που διαβάζονται, για να μάθουμε ποια βιβλία αναζητούν οι άνθρωποι.";
        let lines = l.wrap(text, 9.0, false, 120.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|line| l.width(line, 9.0, false) <= 120.0));
        assert_eq!(lines.join(" "), text);
        let hash = "x".repeat(200);
        assert!(l.wrap(&hash, 9.0, false, 100.0).len() > 1);
        assert_eq!(l.wrap("", 9.0, false, 100.0), [""]);
    }
}
