//! The real `consentry-server` binary as a child process: started on a free port, waited for until
//! `/healthz` answers, stopped with SIGTERM or killed with SIGKILL.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::client::Client;

/// A running server process.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Server {
    /// Starts `consentry-server serve` on `database` (no rate limit, warnings only) and waits
    /// until it answers.
    pub async fn start(binary: &str, database: &str) -> Server {
        Server::start_logging(binary, database, "warn", Stdio::inherit()).await
    }

    /// Like [`Server::start`], with the log filter `filter` and the log (standard error) going to
    /// `log`.
    pub async fn start_logging(binary: &str, database: &str, filter: &str, log: Stdio) -> Server {
        Server::start_with(binary, database, filter, log, &[]).await
    }

    /// Like [`Server::start_logging`], with more `serve` options.
    pub async fn start_with(binary: &str, database: &str, filter: &str, log: Stdio, extra: &[String]) -> Server {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = Command::new(binary)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--database", database, "--rate-limit", "0"])
            .args(extra)
            .env("CONSENTRY_LOG", filter)
            .env("CONSENTRY_ADMIN_TOKEN", "test-admin-token-0123456789abcdef0123")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start consentry-server");
        let server = Server { child, base: format!("http://127.0.0.1:{port}") };
        let client = Client::new(&server.base);
        let started = Instant::now();
        while !matches!(client.get("/healthz", None).await, Ok((200, _))) {
            assert!(started.elapsed() < Duration::from_secs(60), "consentry-server did not come up on port {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no shutdown, no flush, as a power cut would.
    pub fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn stop(&mut self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill -TERM");
        assert!(status.success());
        let exit = self.child.wait().expect("reap");
        assert!(exit.success(), "consentry-server exited with {exit} on SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
