//! `cargo xtask audit --db DIR`: the RustSec advisories check of `deny.toml`, against DIR, a local
//! git clone of the advisory database. The registry mirrors this project is built from do not serve
//! the database and the machines have no other internet, so nothing is fetched from the network:
//! cargo-deny's git fetch of a placeholder URL is redirected to DIR (`url.<DIR>.insteadOf`, given to
//! git through its environment), into a scratch directory, and the dependency graph is checked
//! against that copy. DIR must have a `main` branch, as the RustSec repository does. The known match, `rsa` in Cargo.lock through sqlx's never-compiled MySQL backend, is
//! ignored in `deny.toml` with its reason.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::error::{bail, Context, Result};
use crate::process::run;
use crate::setup;
use crate::workspace::{root, target_dir};

/// The database URL cargo-deny is given (it wants one with a domain); git fetches DIR instead.
const PLACEHOLDER_URL: &str = "https://advisory-db.consentry.invalid/advisory-db";

/// Runs the advisories check against the database cloned at `db`.
pub fn run_audit(db: &Path) -> Result<()> {
    setup::run_lint_tools()?;
    run(&mut audit_command(db)?)
}

/// The lint stage's proof that the audit works: a scratch database holding one made-up advisory
/// against a crate in Cargo.lock must make the check fail and name it. (The real database cannot be
/// fetched here, so this is what CI can check.)
pub fn self_test() -> Result<()> {
    const TITLE: &str = "A made-up advisory that cargo xtask audit must find";
    let lock = fs::read_to_string(root().join("Cargo.lock")).context(|| "reading Cargo.lock".to_string())?;
    if !lock.contains("name = \"itoa\"") {
        bail!("Cargo.lock has no `itoa`; pick another crate for the audit's self-test");
    }
    let db = target_dir().join("audit-self-test-db");
    let _ = fs::remove_dir_all(&db);
    let crate_dir = db.join("crates/itoa");
    fs::create_dir_all(&crate_dir).context(|| format!("creating {}", crate_dir.display()))?;
    let advisory = format!(
        "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"itoa\"\ndate = \"2099-01-01\"\n\n\
         [versions]\npatched = [\">= 99.0.0\"]\n```\n\n# {TITLE}\n\nOnly in a scratch database.\n"
    );
    fs::write(crate_dir.join("RUSTSEC-2099-0001.md"), advisory).context(|| "writing the advisory".to_string())?;
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(&db)
            .args(["-c", "user.name=xtask", "-c", "user.email=xtask@localhost", "-c", "init.defaultBranch=main"])
            .args(args)
            .output()
            .map_err(|e| crate::error::Error::new(format!("running git: {e}")))
            .and_then(|o| if o.status.success() { Ok(()) } else { bail!("git {args:?} failed") })
    };
    git(&["init", "-q"])?;
    git(&["add", "-A"])?;
    git(&["commit", "-q", "-m", "scratch advisory database"])?;
    let output = audit_command(&db)?.output().context(|| "running cargo deny".to_string())?;
    let text = String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout);
    if output.status.success() || !text.contains(TITLE) {
        bail!("the audit did not report the made-up advisory of its scratch database:\n{text}");
    }
    Ok(())
}

fn audit_command(db: &Path) -> Result<Command> {
    if !db.join(".git").exists() || !db.join("crates").is_dir() {
        bail!("{} is not a git clone of the RustSec advisory database (no .git or crates/)", db.display());
    }
    let db = fs::canonicalize(db).context(|| format!("resolving {}", db.display()))?;
    let scratch = target_dir().join("audit");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).context(|| format!("creating {}", scratch.display()))?;
    let deny = fs::read_to_string(root().join("deny.toml")).context(|| "reading deny.toml".to_string())?;
    let config = audit_config(&deny, &scratch)?;
    let config_file = scratch.join("deny.toml");
    fs::write(&config_file, config).context(|| format!("writing {}", config_file.display()))?;
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root())
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", format!("url.file://{}.insteadOf", db.display()))
        .env("GIT_CONFIG_VALUE_0", PLACEHOLDER_URL)
        .args(["deny", "--workspace", "--config"])
        .arg(&config_file)
        .args(["check", "advisories"]);
    Ok(cmd)
}

/// `deny.toml` with its `[advisories]` table told to fetch [`PLACEHOLDER_URL`] and to keep its copy
/// under `scratch`.
fn audit_config(deny: &str, scratch: &Path) -> Result<String> {
    let header = "[advisories]\n";
    let Some(at) = deny.find(header) else { bail!("deny.toml has no [advisories] table") };
    let sets = |key: &str| deny[at..].lines().any(|l| l.trim_start().starts_with(key));
    if sets("db-urls") || sets("db-path") {
        bail!("deny.toml's [advisories] must not set db-urls or db-path: `cargo xtask audit` sets them");
    }
    let quote = |p: &Path| p.display().to_string().replace('\\', "\\\\").replace('"', "\\\"");
    let settings = format!("db-urls = [\"{PLACEHOLDER_URL}\"]\ndb-path = \"{}\"\n", quote(&scratch.join("db")));
    let end = at + header.len();
    Ok(format!("{}{settings}{}", &deny[..end], &deny[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_the_advisories_table_at_the_local_database() {
        let deny = "[licenses]\nallow = [\"MIT\"]\n\n[advisories]\nignore = []\n";
        let out = audit_config(deny, Path::new("/t/audit")).unwrap();
        assert_eq!(
            out,
            format!("[licenses]\nallow = [\"MIT\"]\n\n[advisories]\ndb-urls = [\"{PLACEHOLDER_URL}\"]\ndb-path = \"/t/audit/db\"\nignore = []\n")
        );
        assert!(audit_config("[licenses]\n", Path::new("/t")).is_err());
        assert!(audit_config("[advisories]\ndb-path = \"x\"\n", Path::new("/t")).is_err());
    }

    #[test]
    fn the_repository_deny_toml_can_be_pointed_at_a_database() {
        let deny = include_str!("../../deny.toml");
        assert!(audit_config(deny, Path::new("/t")).unwrap().contains(PLACEHOLDER_URL));
    }
}
