//! `cargo xtask demo`: install what the demo needs, then serve it with live rebuilds.
//!
//! Trunk serves `index.html` on <http://127.0.0.1:8080/> and, after each build, runs the
//! `post_build` hook in `Trunk.toml` (`cargo xtask dist --trunk-hook`), which writes
//! `consentry.js` and `consentry.wasm` next to the page. Beside it runs the receipt server on
//! <http://127.0.0.1:8787/> (SQLite file `target/demo/receipts.db`, the demo page's origin
//! allowed), so receipts arrive, are verified and logged as the visitor decides; its dashboard of
//! those receipts is <http://127.0.0.1:8787/dashboard> (the token is printed). Once both answer,
//! the demo page and the dashboard are opened in the desktop's browser (`$BROWSER`, `xdg-open` or
//! `open`; not with `--no-open` or without a display, when the URLs printed are the way in). The
//! demo is a list of [`Service`]s run side by side; when one stops, the others are stopped, and
//! Ctrl-C reaches both (they share the terminal's process group).

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::Duration;

use crate::error::{bail, Context, Result};
use crate::process::{describe, run};
use crate::setup;
use crate::workspace::{root, target_dir, SERVER_PACKAGE};

/// The address the demo is served on.
const ADDRESS: &str = "127.0.0.1";
/// The port the demo is served on.
const PORT: &str = "8080";
/// Where the receipt server listens.
const SERVER_ADDRESS: &str = "127.0.0.1:8787";
/// The admin token of the demo server when `CONSENTRY_ADMIN_TOKEN` is not set.
const DEMO_ADMIN_TOKEN: &str = "consentry-demo-admin-token-for-local-use";

/// One long-running process of the demo.
struct Service {
    /// Short name for messages.
    name: &'static str,
    /// How to start it.
    command: Command,
}

/// Runs set-up with Trunk, then every demo service until one of them stops; `open`: open the
/// demo page and the dashboard in the desktop's browser once they answer.
pub fn run_demo(open: bool) -> Result<()> {
    setup::run_all(&setup::Options { demo: true, fuzz: false, postgres: false })?;
    create_watch_ignores()?;
    run(Command::new("cargo").current_dir(root()).args(["build", "--package", SERVER_PACKAGE]))?;
    let services = vec![receipt_server()?, trunk_serve()];
    println!("demo: http://{ADDRESS}:{PORT}/ (Ctrl-C to stop)");
    println!("demo: receipt server http://{SERVER_ADDRESS}/ (POST /v1/receipts, GET /v1/log/sth, /metrics)");
    println!("demo: dashboard of the demo's receipts http://{SERVER_ADDRESS}/dashboard ({})", token_hint());
    if open {
        let urls = [format!("http://{ADDRESS}:{PORT}/"), format!("http://{SERVER_ADDRESS}/dashboard")];
        thread::spawn(move || open_when_up(&urls));
    }
    supervise(services)
}

/// How long to wait for Trunk's first build (a cold one compiles the widget) and the server.
const OPEN_WAIT: Duration = Duration::from_secs(900);

/// Waits until the page and the receipt server accept connections, then opens `urls`.
fn open_when_up(urls: &[String]) {
    let listening = |addr: &str| {
        addr.parse::<SocketAddr>().is_ok_and(|a| TcpStream::connect_timeout(&a, Duration::from_millis(300)).is_ok())
    };
    let start = std::time::Instant::now();
    while !(listening(&format!("{ADDRESS}:{PORT}")) && listening(SERVER_ADDRESS)) {
        if start.elapsed() > OPEN_WAIT {
            return;
        }
        thread::sleep(Duration::from_millis(500));
    }
    let Some(opener) = opener(std::env::var("BROWSER").ok(), has_display(), cfg!(target_os = "macos")) else {
        println!("demo: no desktop browser to open (no display); open the URLs above");
        return;
    };
    for url in urls {
        let spawned =
            Command::new(&opener).arg(url).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
        match spawned {
            Ok(_) => println!("demo: opened {url}"),
            Err(e) => {
                println!("demo: could not open {url} with `{opener}` ({e}); open it yourself");
                return;
            }
        }
    }
}

/// Whether a graphical session is there to show a browser.
fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

/// The program that opens a URL: `$BROWSER` if set, else `open` on macOS, else `xdg-open` when
/// there is a display; `None` when nothing can show it.
fn opener(browser: Option<String>, display: bool, macos: bool) -> Option<String> {
    match browser.filter(|b| !b.trim().is_empty()) {
        Some(b) => Some(b),
        None if macos => Some("open".into()),
        None if display => Some("xdg-open".into()),
        None => None,
    }
}

fn trunk_serve() -> Service {
    let mut command = Command::new("trunk");
    command.current_dir(root()).args(["serve", "--address", ADDRESS, "--port", PORT]);
    Service { name: "trunk", command }
}

/// The receipt server, built in the dev profile, on a SQLite file under `target/demo/`.
fn receipt_server() -> Result<Service> {
    let data = target_dir().join("demo");
    std::fs::create_dir_all(&data).context(|| format!("creating {}", data.display()))?;
    let mut command = Command::new(target_dir().join("debug").join(SERVER_PACKAGE));
    command.current_dir(root()).args(["serve", "--listen", SERVER_ADDRESS]);
    command.arg("--database").arg(format!("sqlite:{}", data.join("receipts.db").display()));
    for origin in [format!("http://{ADDRESS}:{PORT}"), format!("http://localhost:{PORT}")] {
        command.args(["--allow-origin", &origin]);
    }
    if std::env::var_os("CONSENTRY_ADMIN_TOKEN").is_none() {
        command.env("CONSENTRY_ADMIN_TOKEN", DEMO_ADMIN_TOKEN);
        println!(
            "demo: auditor endpoints: curl -H 'Authorization: Bearer {DEMO_ADMIN_TOKEN}' http://{SERVER_ADDRESS}/v1/export"
        );
    }
    Ok(Service { name: "consentry-server", command })
}

/// What to type into the dashboard's token form.
fn token_hint() -> String {
    if std::env::var_os("CONSENTRY_ADMIN_TOKEN").is_some() {
        "admin token: your CONSENTRY_ADMIN_TOKEN".to_string()
    } else {
        format!("admin token: {DEMO_ADMIN_TOKEN}")
    }
}

/// Trunk refuses to start when a `[watch] ignore` entry of `Trunk.toml` does not exist
/// (on a fresh clone `dist/` does not), so create the missing ones as empty directories.
fn create_watch_ignores() -> Result<()> {
    let path = root().join("Trunk.toml");
    let config = std::fs::read_to_string(&path).context(|| format!("reading {}", path.display()))?;
    for entry in watch_ignores(&config) {
        let dir = root().join(entry);
        if !dir.exists() {
            std::fs::create_dir_all(&dir).context(|| format!("creating {}", dir.display()))?;
        }
    }
    Ok(())
}

/// The quoted entries of the one-line `ignore = [...]` array in a Trunk.toml text.
fn watch_ignores(config: &str) -> Vec<&str> {
    let Some(line) = config.lines().find(|l| l.trim_start().starts_with("ignore")) else {
        return Vec::new();
    };
    let list = line.split_once('[').map_or("", |(_, rest)| rest.split(']').next().unwrap_or(""));
    list.split(',').map(|e| e.trim().trim_matches('"')).filter(|e| !e.is_empty()).collect()
}

/// Starts all services; when the first one exits, stops the rest and reports how it ended.
fn supervise(services: Vec<Service>) -> Result<()> {
    let mut running: Vec<(&'static str, Child)> = Vec::new();
    for mut service in services {
        eprintln!("  $ {}", describe(&service.command));
        match service.command.spawn() {
            Ok(child) => running.push((service.name, child)),
            Err(e) => {
                stop_all(&mut running);
                bail!("could not start {} (`{}`): {e}", service.name, describe(&service.command));
            }
        }
    }
    loop {
        for i in 0..running.len() {
            let (name, child) = &mut running[i];
            let name = *name;
            let status = match child.try_wait() {
                Ok(None) => continue,
                Ok(Some(status)) => status,
                Err(e) => {
                    stop_all(&mut running);
                    bail!("lost track of {name}: {e}");
                }
            };
            running.remove(i);
            stop_all(&mut running);
            if status.success() {
                return Ok(());
            }
            bail!("{name} stopped ({status})");
        }
        thread::sleep(Duration::from_millis(200));
    }
}

/// Stops the children this process started (and only those).
fn stop_all(running: &mut Vec<(&'static str, Child)>) {
    for (_, child) in running.iter_mut() {
        let _ = child.kill();
        let _ = child.wait();
    }
    running.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opener_is_browser_then_the_platforms_then_none() {
        assert_eq!(opener(Some("firefox".into()), false, false).as_deref(), Some("firefox"));
        assert_eq!(opener(Some(" ".into()), true, false).as_deref(), Some("xdg-open"));
        assert_eq!(opener(None, false, true).as_deref(), Some("open"));
        assert_eq!(opener(None, false, false), None, "a headless machine opens nothing");
    }

    #[test]
    fn reads_the_watch_ignore_list() {
        let config = "[watch]\n# the ignore list\nignore = [\"dist\", \"target\",\"tests\"]\n";
        assert_eq!(watch_ignores(config), ["dist", "target", "tests"]);
        assert!(watch_ignores("[build]\n").is_empty());
    }
}
