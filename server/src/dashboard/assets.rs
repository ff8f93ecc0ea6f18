//! The dashboard page's three files (`server/static/dashboard/`), compiled into the binary, and
//! the headers they are served with: a CSP that allows only these files and requests to this
//! origin, so the page runs no inline code and sends the token nowhere else.

/// The Content-Security-Policy of the page and its files.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One file of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// Where it is served.
    pub path: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// Its text.
    pub body: &'static str,
}

/// `GET /dashboard`: the page (the token form and the empty panels).
pub const PAGE: Asset = Asset {
    path: "/dashboard",
    content_type: "text/html; charset=utf-8",
    body: include_str!("../../static/dashboard/index.html"),
};

/// The script: the token in memory, the date range, the requests, the plots.
pub const SCRIPT: Asset = Asset {
    path: "/dashboard/dashboard.js",
    content_type: "text/javascript; charset=utf-8",
    body: include_str!("../../static/dashboard/dashboard.js"),
};

/// The stylesheet, light and dark (`prefers-color-scheme`).
pub const STYLE: Asset = Asset {
    path: "/dashboard/dashboard.css",
    content_type: "text/css; charset=utf-8",
    body: include_str!("../../static/dashboard/dashboard.css"),
};

/// Every file.
pub const ALL: [Asset; 3] = [PAGE, SCRIPT, STYLE];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_its_files_and_holds_no_inline_code() {
        assert!(PAGE.body.contains(r#"src="dashboard/dashboard.js""#));
        assert!(PAGE.body.contains(r#"href="dashboard/dashboard.css""#));
        assert!(!PAGE.body.contains("style="), "no style attributes: the CSP refuses them");
        assert_eq!(PAGE.body.matches("<script").count(), 1, "one script, from a file");
        for never in ["innerHTML =", "localStorage.", "sessionStorage.", "document.cookie", "eval(", "location.search"]
        {
            assert!(!SCRIPT.body.contains(never), "the script uses {never}");
        }
    }
}
