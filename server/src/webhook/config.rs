//! The webhooks of `serve`: `--webhook NAME=URL` and `--webhook-secret-file NAME=PATH` (each
//! repeatable, paired by name) and the delivery policy, checked into [`Webhooks`].
//!
//! Hooks are configured where the server's other secrets are (its key file, its admin token), not
//! through the API: a stolen admin token cannot point the log's decisions at another URL, and a
//! copy of the database (a backup, a report's evidence) holds no webhook secret. A secret is read
//! from its file once at start-up; [`HookSecret`]'s `Debug` never shows it, and a URL carrying
//! credentials (`user:pass@`) or a query string is refused, so that nothing secret ends up in
//! logs or in the status endpoint.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use axum::http::Uri;

/// The shortest webhook secret accepted: 32 bytes (`openssl rand -hex 32` gives 64).
pub const MIN_SECRET_LEN: usize = 32;

/// The webhook options of `consentry-server serve`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WebhookOptions {
    /// A webhook receiving each accepted receipt's decisions: `NAME=URL` (NAME: `[a-z0-9_-]{1,40}`,
    /// which keeps the hook's place in the log; URL `https://…`, no credentials or query). Repeat
    /// for several; each needs a `--webhook-secret-file NAME=PATH`.
    #[arg(long = "webhook", value_name = "NAME=URL")]
    pub webhooks: Vec<String>,
    /// The file holding a webhook's HMAC secret (at least 32 bytes; a trailing newline is ignored):
    /// `NAME=PATH`.
    #[arg(long = "webhook-secret-file", value_name = "NAME=PATH")]
    pub webhook_secret_files: Vec<String>,
    /// Events in one delivery at most.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub webhook_batch_size: usize,
    /// Milliseconds an event may wait for others to fill its batch.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub webhook_batch_wait_ms: u64,
    /// Attempts to deliver a batch before it becomes a dead letter.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub webhook_max_attempts: u32,
    /// The first retry's delay, doubled at each further attempt (with jitter).
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub webhook_retry_base_ms: u64,
    /// The longest delay between two attempts.
    #[arg(long, value_name = "MS", default_value_t = 600_000)]
    pub webhook_retry_max_ms: u64,
    /// Seconds a hook has to answer an attempt.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub webhook_timeout: u64,
}

/// How batches are cut and retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Events per batch at most.
    pub batch_size: usize,
    /// How long the oldest event waits for others before a smaller batch goes.
    pub batch_wait: Duration,
    /// Attempts before a dead letter.
    pub max_attempts: u32,
    /// The first retry's delay.
    pub retry_base: Duration,
    /// The longest delay.
    pub retry_max: Duration,
    /// How long an attempt may take.
    pub timeout: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            batch_size: 100,
            batch_wait: Duration::from_secs(1),
            max_attempts: 20,
            retry_base: Duration::from_secs(1),
            retry_max: Duration::from_secs(600),
            timeout: Duration::from_secs(10),
        }
    }
}

/// The configured hooks and their policy; no hooks: no outbox is written.
#[derive(Debug, Clone, Default)]
pub struct Webhooks {
    /// The hooks.
    pub hooks: Vec<Hook>,
    /// The policy, the same for every hook.
    pub policy: Policy,
}

/// One webhook.
#[derive(Debug, Clone)]
pub struct Hook {
    /// Its name (`[a-z0-9_-]{1,40}`): the key of its place in the outbox.
    pub name: String,
    /// Where batches are POSTed.
    pub url: HookUrl,
    /// The HMAC key.
    pub secret: HookSecret,
}

/// A webhook URL: `http` or `https`, with a host, without credentials, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookUrl(Uri);

impl HookUrl {
    /// Checks `text`.
    pub fn parse(text: &str) -> Result<HookUrl, String> {
        let uri: Uri = text.parse().map_err(|_| format!("`{text}` is not a URL"))?;
        let scheme = uri.scheme_str().unwrap_or("");
        if scheme != "http" && scheme != "https" {
            return Err(format!("`{text}`: a webhook URL starts with https:// (or http://)"));
        }
        let Some(authority) = uri.authority() else { return Err(format!("`{text}` names no host")) };
        if authority.as_str().contains('@') {
            return Err("a webhook URL must not carry credentials (user:password@): put the secret in \
                        --webhook-secret-file"
                .into());
        }
        if uri.query().is_some() || text.contains('#') {
            return Err("a webhook URL must not have a query string or fragment (where tokens end up in \
                        logs): put the secret in --webhook-secret-file"
                .into());
        }
        Ok(HookUrl(uri))
    }

    /// The URL.
    pub fn uri(&self) -> &Uri {
        &self.0
    }

    /// Whether it needs TLS.
    pub fn is_https(&self) -> bool {
        self.0.scheme_str() == Some("https")
    }
}

impl fmt::Display for HookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A webhook's HMAC key; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct HookSecret(Vec<u8>);

impl HookSecret {
    /// The key bytes, to sign with.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret of a file's text: without its trailing whitespace, at least [`MIN_SECRET_LEN`]
    /// bytes.
    pub fn from_text(text: &str) -> Result<HookSecret, String> {
        let secret = text.trim_end();
        if secret.len() < MIN_SECRET_LEN {
            return Err(format!(
                "has {} bytes; a webhook secret needs at least {MIN_SECRET_LEN} (make one with `openssl rand -hex 32`)",
                secret.len()
            ));
        }
        Ok(HookSecret(secret.as_bytes().to_vec()))
    }
}

impl fmt::Debug for HookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HookSecret(<redacted>)")
    }
}

/// Whether `name` is a hook name: `[a-z0-9_-]{1,40}`.
pub fn is_name(name: &str) -> bool {
    (1..=40).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn split_pair<'a>(flag: &str, text: &'a str) -> Result<(&'a str, &'a str), String> {
    let (name, rest) =
        text.split_once('=').ok_or_else(|| format!("{flag} takes NAME=VALUE, e.g. `crm=…`; got `{text}`"))?;
    if !is_name(name) {
        return Err(format!("{flag}: `{name}` is not a hook name ([a-z0-9_-], 1 to 40 characters)"));
    }
    Ok((name, rest))
}

impl WebhookOptions {
    /// The hooks these options configure, their secrets read from their files.
    pub fn webhooks(&self) -> Result<Webhooks, String> {
        let mut secrets: Vec<(&str, PathBuf)> = Vec::new();
        for pair in &self.webhook_secret_files {
            let (name, path) = split_pair("--webhook-secret-file", pair)?;
            if secrets.iter().any(|(n, _)| *n == name) {
                return Err(format!("--webhook-secret-file {name}=… is given twice"));
            }
            secrets.push((name, PathBuf::from(path)));
        }
        let mut hooks: Vec<Hook> = Vec::new();
        for pair in &self.webhooks {
            let (name, url) = split_pair("--webhook", pair)?;
            if hooks.iter().any(|h| h.name == name) {
                return Err(format!("--webhook {name}=… is given twice"));
            }
            let url = HookUrl::parse(url).map_err(|e| format!("--webhook {name}: {e}"))?;
            let Some((_, path)) = secrets.iter().find(|(n, _)| *n == name) else {
                return Err(format!("--webhook {name} needs --webhook-secret-file {name}=PATH"));
            };
            hooks.push(Hook { name: name.to_string(), url, secret: read_secret(name, path)? });
        }
        if let Some((name, _)) = secrets.iter().find(|(n, _)| !hooks.iter().any(|h| h.name == *n)) {
            return Err(format!("--webhook-secret-file {name}=… names no --webhook"));
        }
        if !(1..=1000).contains(&self.webhook_batch_size) {
            return Err("--webhook-batch-size must be 1 to 1000".into());
        }
        let policy = Policy {
            batch_size: self.webhook_batch_size,
            batch_wait: Duration::from_millis(self.webhook_batch_wait_ms),
            max_attempts: self.webhook_max_attempts.max(1),
            retry_base: Duration::from_millis(self.webhook_retry_base_ms.max(1)),
            retry_max: Duration::from_millis(self.webhook_retry_max_ms.max(self.webhook_retry_base_ms.max(1))),
            timeout: Duration::from_secs(self.webhook_timeout.max(1)),
        };
        Ok(Webhooks { hooks, policy })
    }
}

fn read_secret(name: &str, path: &std::path::Path) -> Result<HookSecret, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("--webhook-secret-file {name}: cannot read {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(hook = name, path = %path.display(), "webhook secret file is readable by others; chmod 600 it");
            }
        }
    }
    HookSecret::from_text(&text).map_err(|e| format!("--webhook-secret-file {name}: {} {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_without_secrets() {
        assert!(HookUrl::parse("https://crm.example.com/hooks/consent").unwrap().is_https());
        assert!(!HookUrl::parse("http://127.0.0.1:9000/in").unwrap().is_https());
        for bad in ["ftp://x/", "crm.example.com/x", "https://user:pw@crm.example.com/", "https://crm/x?token=1"] {
            assert!(HookUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_never_print_and_short_ones_are_refused() {
        let secret = HookSecret::from_text("0123456789abcdef0123456789abcdef\n").unwrap();
        assert_eq!(secret.expose().len(), 32);
        assert_eq!(format!("{secret:?}"), "HookSecret(<redacted>)");
        assert!(HookSecret::from_text("short").unwrap_err().contains("at least 32"));
    }

    #[test]
    fn hooks_pair_with_their_secret_files() {
        let dir = std::env::temp_dir().join(format!("consentry-webhook-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("crm.secret");
        std::fs::write(&file, "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t\n").unwrap();
        let options = |hooks: &[&str], files: &[String]| WebhookOptions {
            webhooks: hooks.iter().map(|s| s.to_string()).collect(),
            webhook_secret_files: files.to_vec(),
            webhook_batch_size: 100,
            ..WebhookOptions::default()
        };
        let secret = format!("crm={}", file.display());
        let ok = options(&["crm=https://crm.example.com/in"], std::slice::from_ref(&secret)).webhooks().unwrap();
        assert_eq!(ok.hooks.len(), 1);
        assert!(!format!("{ok:?}").contains("s3cr3t"));
        assert!(options(&["crm=https://crm.example.com/in"], &[]).webhooks().unwrap_err().contains("needs"));
        assert!(options(&[], std::slice::from_ref(&secret)).webhooks().unwrap_err().contains("names no"));
        assert!(options(&["CRM=https://x/"], &[]).webhooks().unwrap_err().contains("not a hook name"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
