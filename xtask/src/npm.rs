//! The npm side of set-up: Node.js itself and `node_modules` kept in step with `package-lock.json`.
//!
//! The npm packages are build and test tools (wasm-opt from `binaryen`, `esbuild`, `playwright-core`,
//! `axe-core`, `jose`, `ajv`, `react` and `react-dom` for the React app of the SPA tests, and `typescript`, whose
//! `tsc` checks the types of `types/`). `node_modules` counts as fresh when every package the lock file names is
//! installed at the locked version; otherwise `npm ci` rebuilds it from the lock file.

use std::process::Command;

use crate::error::{bail, Result};
use crate::process::{capture, run, version_of, Outcome};
use crate::workspace::root;

/// Oldest Node.js major version the npm tools accept (`playwright-core` needs 20).
const MIN_NODE_MAJOR: u32 = 20;

/// Prints one line per package that `node_modules` lacks or holds at another version than the
/// lock file, and one if `package.json` and the lock file disagree. Silent when all is fresh.
const FRESHNESS_CHECK: &str = r#"
const fs = require('fs');
const read = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
const lock = read('package-lock.json');
const manifest = read('package.json');
const packages = lock.packages || {};
const root = packages[''] || {};
for (const field of ['dependencies', 'devDependencies']) {
  if (JSON.stringify(manifest[field] || {}) !== JSON.stringify(root[field] || {})) {
    console.log(`package.json ${field} differ from package-lock.json`);
  }
}
for (const [path, entry] of Object.entries(packages)) {
  if (!path.startsWith('node_modules/') || entry.link) continue;
  let installed;
  try { installed = read(path + '/package.json').version; } catch { installed = null; }
  if (installed === null && entry.optional) continue; // another platform's binary
  if (installed !== entry.version) console.log(`${path}: ${installed ?? 'missing'} (locked ${entry.version})`);
}
"#;

/// Checks Node.js and installs `node_modules` when missing or stale.
pub fn install() -> Result<Outcome> {
    check_node()?;
    let dir = root();
    if !dir.join("package-lock.json").is_file() {
        run(Command::new("npm").args(["install", "--no-audit", "--no-fund"]).current_dir(&dir))?;
        return Ok(Outcome::Installed);
    }
    let problems = capture(Command::new("node").args(["-e", FRESHNESS_CHECK]).current_dir(&dir))?;
    if problems.trim().is_empty() {
        return Ok(Outcome::Skipped("node_modules matches package-lock.json".into()));
    }
    for line in problems.lines() {
        eprintln!("  stale: {line}");
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))?;
    Ok(Outcome::Installed)
}

fn check_node() -> Result<()> {
    let Some(version) = version_of("node") else {
        bail!("Node.js >= {MIN_NODE_MAJOR} with npm is required but `node` was not found on PATH");
    };
    let version = version.trim();
    let major = version.trim_start_matches('v').split('.').next().and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(m) if m >= MIN_NODE_MAJOR => {}
        _ => bail!("Node.js >= {MIN_NODE_MAJOR} is required, found `{version}`"),
    }
    if version_of("npm").is_none() {
        bail!("`npm` was not found on PATH (it ships with Node.js)");
    }
    Ok(())
}
