//! The PostgreSQL the receipt server's tests run against: Debian's `postgresql` package, its
//! cluster started with `pg_ctlcluster`, and a role and database `consentry` (password
//! `consentry`, allowed to create the per-test databases). Each step checks first and skips what
//! is already there.

use std::process::Command;

use crate::error::{bail, Result};
use crate::process::{apt_get, capture, is_root, run, Outcome};

/// Role, password and database the tests use.
const ROLE: &str = "consentry";

/// One line of `pg_lsclusters --no-header`.
#[derive(Debug, PartialEq, Eq)]
struct Cluster {
    version: String,
    name: String,
    port: String,
    online: bool,
}

/// The clusters Debian's tools know about (empty when the tools are missing).
fn clusters() -> Vec<Cluster> {
    let Ok(text) = capture(Command::new("pg_lsclusters").arg("--no-header")) else {
        return Vec::new();
    };
    parse_clusters(&text)
}

fn parse_clusters(text: &str) -> Vec<Cluster> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [version, name, port, status, ..] = f.as_slice() else {
                return None;
            };
            Some(Cluster {
                version: version.to_string(),
                name: name.to_string(),
                port: port.to_string(),
                online: status.starts_with("online"),
            })
        })
        .collect()
}

/// `apt-get install postgresql` unless a cluster exists.
pub fn install() -> Result<Outcome> {
    if let Some(c) = clusters().first() {
        return Ok(Outcome::Skipped(format!("cluster {}/{} present", c.version, c.name)));
    }
    let install = ["install", "-y", "postgresql"];
    if run(&mut apt_get(&install)).is_err() {
        eprintln!("  apt-get install failed; refreshing the package lists and retrying");
        run(&mut apt_get(&["update"]))?;
        run(&mut apt_get(&install))?;
    }
    if clusters().is_empty() {
        bail!("postgresql is installed but `pg_lsclusters` lists no cluster");
    }
    Ok(Outcome::Installed)
}

/// Starts the first cluster unless it is online.
pub fn start() -> Result<Outcome> {
    let Some(c) = clusters().into_iter().next() else { bail!("no PostgreSQL cluster (run the install step)") };
    if c.online {
        return Ok(Outcome::Skipped(format!("{}/{} online on port {}", c.version, c.name, c.port)));
    }
    run(&mut as_root("pg_ctlcluster", &[&c.version, &c.name, "start"]))?;
    Ok(Outcome::Started)
}

/// Creates the role and database unless they exist.
pub fn role_and_database() -> Result<Outcome> {
    let exists = |sql: &str| psql(sql).map(|out| out.trim() == "1");
    let mut made = Vec::new();
    if !exists(&format!("SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}'"))? {
        psql(&format!("CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{ROLE}'"))?;
        made.push("role");
    }
    if !exists(&format!("SELECT 1 FROM pg_database WHERE datname = '{ROLE}'"))? {
        psql(&format!("CREATE DATABASE {ROLE} OWNER {ROLE}"))?;
        made.push("database");
    }
    if made.is_empty() {
        return Ok(Outcome::Skipped(format!("role and database `{ROLE}` exist")));
    }
    Ok(Outcome::Installed)
}

/// The URL the server tests use (`CONSENTRY_TEST_POSTGRES_URL`).
pub fn test_url() -> String {
    let port = clusters().into_iter().next().map_or_else(|| "5432".to_string(), |c| c.port);
    format!("postgres://{ROLE}:{ROLE}@127.0.0.1:{port}/{ROLE}")
}

/// `psql -tAc SQL` as the `postgres` superuser.
fn psql(sql: &str) -> Result<String> {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "psql"]);
        c
    } else {
        let mut c = Command::new("sudo");
        c.args(["-u", "postgres", "psql"]);
        c
    };
    cmd.current_dir("/").args(["-tAc", sql]);
    capture(&mut cmd)
}

/// `program ARGS` as root (through `sudo` unless already root).
fn as_root(program: &str, args: &[&str]) -> Command {
    let mut cmd = if is_root() {
        Command::new(program)
    } else {
        let mut c = Command::new("sudo");
        c.arg(program);
        c
    };
    cmd.args(args);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pg_lsclusters() {
        let text = "15  main    5432 down   postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log\n\
                    16  test    5433 online postgres /var/lib/postgresql/16/test /var/log/postgresql/postgresql-16-test.log\n";
        let c = parse_clusters(text);
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].version.as_str(), c[0].port.as_str(), c[0].online), ("15", "5432", false));
        assert!(c[1].online);
        assert!(parse_clusters("").is_empty());
    }
}
