//! Running external programs.
//!
//! Every command xtask starts goes through here, so they all behave the same: the command line is
//! echoed before it runs, the child shares the terminal, and a spawn failure or a non-zero exit
//! becomes an [`Error`] naming the command.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use crate::error::{bail, Error, Result};

/// Runs `cmd` with the terminal attached; fails unless it exits with status 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    let line = describe(cmd);
    eprintln!("  $ {line}");
    let status = cmd.status().map_err(|e| spawn_error(&line, &e))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// Runs `cmd` like [`run`], but passes each line of its standard error to `on_line` as well as to
/// the terminal (for tools whose figures are only printed there), and returns the exit status
/// whatever it is. No time limit: it waits as long as the child runs.
pub fn run_watching(cmd: &mut Command, mut on_line: impl FnMut(&str)) -> Result<ExitStatus> {
    let line = describe(cmd);
    eprintln!("  $ {line}");
    let mut child = cmd.stderr(Stdio::piped()).spawn().map_err(|e| spawn_error(&line, &e))?;
    if let Some(stderr) = child.stderr.take() {
        let mut reader = BufReader::new(stderr);
        let mut terminal = std::io::stderr();
        let mut buf = Vec::new();
        // Bytes, not `lines()`: a tool may print invalid UTF-8 (libFuzzer prints inputs).
        while reader.read_until(b'\n', &mut buf).is_ok_and(|n| n > 0) {
            let _ = terminal.write_all(&buf);
            on_line(String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']));
            buf.clear();
        }
    }
    child.wait().map_err(|e| Error::new(format!("lost track of `{line}`: {e}")))
}

/// Runs `cmd` silently and returns its standard output; on failure the error shows its stderr.
pub fn capture(cmd: &mut Command) -> Result<String> {
    let line = describe(cmd);
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| spawn_error(&line, &e))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        bail!("`{line}` failed ({}):\n{}", out.status, stderr.trim_end());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What `program --version` prints (stdout then stderr), or `None` when it cannot be run.
pub fn version_of(program: impl AsRef<OsStr>) -> Option<String> {
    let out = Command::new(program).arg("--version").stdin(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Some(text)
}

/// Whether `version_output` names exactly `version` as one of its words (so 0.2.13 ≠ 0.2.130).
pub fn names_version(version_output: &str, version: &str) -> bool {
    version_output
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .any(|word| word.trim_start_matches('v') == version)
}

/// Whether this process runs as root (then `apt-get` needs no `sudo`).
pub fn is_root() -> bool {
    capture(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0")
}

/// A command line for messages: program and arguments separated by spaces.
pub fn describe(cmd: &Command) -> String {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// A wall time for humans: `8.4s` or `3m 05.2s`.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let minutes = (secs / 60.0).floor();
        format!("{minutes:.0}m {:04.1}s", secs - minutes * 60.0)
    }
}

fn spawn_error(line: &str, e: &std::io::Error) -> Error {
    let program = line.split(' ').next().unwrap_or(line);
    if e.kind() == std::io::ErrorKind::NotFound {
        Error::new(format!("`{program}` was not found on PATH (needed for `{line}`); run `cargo xtask setup`"))
    } else {
        Error::new(format!("could not start `{line}`: {e}"))
    }
}

/// What one step did.
pub enum Outcome {
    /// The step installed something.
    Installed,
    /// The step started a service that was installed but not running.
    Started,
    /// Nothing to do; the text says what was found.
    Skipped(String),
}

/// `apt-get ARGS`, non-interactive, through `sudo` unless already root.
pub fn apt_get(args: &[&str]) -> Command {
    let mut cmd = if is_root() {
        Command::new("env")
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg("env");
        sudo
    };
    cmd.arg("DEBIAN_FRONTEND=noninteractive").arg("apt-get").args(args);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_words_match_exactly() {
        assert!(names_version("wasm-bindgen 0.2.130\n", "0.2.130"));
        assert!(names_version("trunk 0.21.14", "0.21.14"));
        assert!(names_version("v20.20.2", "20.20.2"));
        assert!(!names_version("wasm-bindgen 0.2.130", "0.2.13"));
        assert!(!names_version("trunk 0.21.14", "0.21.1"));
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(Duration::from_millis(8400)), "8.4s");
        assert_eq!(format_duration(Duration::from_millis(185_200)), "3m 05.2s");
    }
}
