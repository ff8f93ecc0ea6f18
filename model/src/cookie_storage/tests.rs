use super::*;

#[test]
fn candidates_go_from_the_shortest_parent_up_without_the_top_level_label() {
    assert_eq!(probe_candidates("www.shop.co.uk"), ["co.uk", "shop.co.uk", "www.shop.co.uk"]);
    assert_eq!(probe_candidates("A.Example.test."), ["example.test", "a.example.test"]);
}

#[test]
fn ip_addresses_and_single_labels_stay_host_only() {
    assert!(probe_candidates("127.0.0.1").is_empty());
    assert!(probe_candidates("[::1]").is_empty());
    assert!(probe_candidates("localhost").is_empty());
    assert!(probe_candidates("").is_empty());
    assert!(probe_candidates("a..b").is_empty());
}

#[test]
fn an_explicit_domain_must_be_the_host_or_a_parent() {
    assert_eq!(check_domain(".Example.co.uk", "www.example.co.uk"), Ok("example.co.uk".into()));
    assert_eq!(check_domain("www.example.co.uk", "www.example.co.uk"), Ok("www.example.co.uk".into()));
    assert!(check_domain("ample.co.uk", "www.example.co.uk").unwrap_err().contains("neither this page's host"));
    assert!(check_domain("other.test", "a.example.test").is_err());
    assert!(check_domain("", "a.example.test").unwrap_err().contains("not a domain name"));
    assert!(check_domain("example.test", "127.0.0.1").unwrap_err().contains("IP address"));
}

#[test]
fn every_value_of_the_name_is_read() {
    let all = "a=1; consentry=old; consentryx=no; consentry=new;b=2";
    assert_eq!(cookie_values(all, "consentry"), ["old", "new"]);
    assert!(cookie_values("", "consentry").is_empty());
}

#[test]
fn the_newest_readable_duplicate_wins_and_duplicates_are_rewritten() {
    assert_eq!(reconcile(&[]), None);
    assert_eq!(reconcile(&[None]), None);
    assert_eq!(reconcile(&[Some(5)]), Some((0, false)));
    assert_eq!(reconcile(&[Some(5), Some(9)]), Some((1, true)));
    assert_eq!(reconcile(&[Some(9), None, Some(5)]), Some((0, true)));
    assert_eq!(reconcile(&[Some(7), Some(7)]), Some((0, true)));
}
