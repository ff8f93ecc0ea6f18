//! The size report printed after `cargo xtask dist`: raw, gzip -9 and brotli (quality 11) bytes.
//!
//! Compression runs in Node's `zlib` (already needed for the tools), so xtask needs no
//! compression crates and the figures match what a Node-based server or CDN would send.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{bail, Result};
use crate::process::capture;

/// Prints, for each path given as an argument, `raw<TAB>gzip<TAB>brotli` on one line.
const MEASURE: &str = r#"
const fs = require('fs');
const zlib = require('zlib');
const { constants: c } = zlib;
for (const file of process.argv.slice(1)) {
  const data = fs.readFileSync(file);
  const gzip = zlib.gzipSync(data, { level: 9 }).length;
  const brotli = zlib.brotliCompressSync(data, {
    params: { [c.BROTLI_PARAM_QUALITY]: c.BROTLI_MAX_QUALITY, [c.BROTLI_PARAM_SIZE_HINT]: data.length },
  }).length;
  console.log([data.length, gzip, brotli].join('\t'));
}
"#;

/// The sizes of one file, in bytes.
struct Sizes {
    raw: u64,
    gzip: u64,
    brotli: u64,
}

/// Measures `files` and prints the table with a total row.
pub fn print_table(files: &[PathBuf]) -> Result<()> {
    let out = capture(Command::new("node").args(["-e", MEASURE]).args(files))?;
    let rows: Vec<Sizes> = out.lines().map(parse_row).collect::<Result<_>>()?;
    if rows.len() != files.len() {
        bail!("the size measurement returned {} rows for {} files", rows.len(), files.len());
    }
    println!("{:<16} {:>10} {:>10} {:>10}", "file", "raw", "gzip -9", "brotli 11");
    for (file, s) in files.iter().zip(&rows) {
        println!("{:<16} {}", file_name(file), columns(s));
    }
    let total = Sizes {
        raw: rows.iter().map(|s| s.raw).sum(),
        gzip: rows.iter().map(|s| s.gzip).sum(),
        brotli: rows.iter().map(|s| s.brotli).sum(),
    };
    println!("{:<16} {}", "total", columns(&total));
    Ok(())
}

fn parse_row(line: &str) -> Result<Sizes> {
    let numbers: Vec<u64> = line.split('\t').filter_map(|n| n.trim().parse().ok()).collect();
    let [raw, gzip, brotli] = numbers[..] else { bail!("unexpected size measurement output: {line:?}") };
    Ok(Sizes { raw, gzip, brotli })
}

fn columns(s: &Sizes) -> String {
    format!("{:>10} {:>10} {:>10}", human(s.raw), human(s.gzip), human(s.brotli))
}

/// Bytes with one decimal of KiB, e.g. `187.9 KiB`; small files in plain bytes.
fn human(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_and_formats_sizes() {
        let s = parse_row("192400\t80100\t68000").expect("three numbers");
        assert_eq!((s.raw, s.gzip, s.brotli), (192_400, 80_100, 68_000));
        assert!(parse_row("1\t2").is_err());
        assert_eq!(human(900), "900 B");
        assert_eq!(human(192_400), "187.9 KiB");
    }
}
