use super::*;
use crate::fixtures::config;

#[test]
fn nothing_optional_before_a_choice() {
    let c = config();
    let d = Decisions::none(&c);
    assert!(d.granted("necessary"));
    assert!(!d.granted("analytics"));
    assert!(!d.granted("analytics/matomo"));
    assert!(!d.granted("marketing"));
    assert!(!d.any_optional_granted(&c));
    assert_eq!(d.purposes().len(), 3);
    assert_eq!(d.services().len(), 2);
}

#[test]
fn accept_and_reject_all() {
    let c = config();
    let a = Decisions::accept_all(&c);
    assert!(a.granted("analytics") && a.granted("analytics/hotjar") && a.granted("marketing"));
    let r = Decisions::reject_all(&c);
    assert_eq!(r, Decisions::none(&c));
    assert!(r.granted("necessary"));
}

#[test]
fn purpose_switch_drives_its_services() {
    let c = config();
    let mut d = Decisions::none(&c);
    d.set_purpose(&c, "analytics", true);
    assert!(d.granted("analytics/matomo") && d.granted("analytics/hotjar"));
    d.set_purpose(&c, "analytics", false);
    assert!(!d.granted("analytics/matomo") && !d.granted("analytics"));
}

#[test]
fn one_service_grants_its_purpose_partially() {
    let c = config();
    let mut d = Decisions::none(&c);
    d.set_service(&c, "analytics", "matomo", true);
    assert!(d.granted("analytics"));
    assert!(d.granted("analytics/matomo"));
    assert!(!d.granted("analytics/hotjar"));
    d.set_service(&c, "analytics", "matomo", false);
    assert!(!d.granted("analytics"));
}

#[test]
fn required_purposes_cannot_be_turned_off_and_unknown_ids_are_ignored() {
    let c = config();
    let mut d = Decisions::accept_all(&c);
    d.set_purpose(&c, "necessary", false);
    assert!(d.granted("necessary"));
    let before = d.clone();
    d.set_purpose(&c, "nope", true);
    d.set_service(&c, "analytics", "nope", true);
    assert_eq!(d, before);
    assert!(!d.granted("nope"));
    assert!(!d.granted("analytics/nope"));
    assert!(!d.granted(""));
}

#[test]
fn from_maps_normalises() {
    let c = config();
    let d = Decisions::from_maps(
        &c,
        [("analytics", true), ("necessary", false), ("ghost", true)],
        [("analytics/matomo", true), ("analytics/hotjar", false)],
    );
    assert!(d.granted("necessary"));
    assert!(d.granted("analytics/matomo"));
    assert!(!d.granted("analytics/hotjar"));
    assert!(!d.granted("marketing"));
    assert!(!d.granted("ghost"));
    // A service stored as granted under a refused purpose stays refused.
    let d = Decisions::from_maps(&c, [("analytics", false)], [("analytics/matomo", true)]);
    assert!(!d.granted("analytics/matomo"));
}

#[test]
fn cookies_of_refused_services_are_cleared() {
    let c = config();
    let mut d = Decisions::accept_all(&c);
    assert!(d.cookies_to_clear(&c).is_empty());
    d.set_service(&c, "analytics", "matomo", false);
    let patterns: Vec<&str> = d.cookies_to_clear(&c).iter().map(|p| p.as_str()).collect();
    assert_eq!(patterns, ["_pk_id.*", "_pk_ses.*"]);
    let all: Vec<&str> = Decisions::none(&c).cookies_to_clear(&c).iter().map(|p| p.as_str()).collect();
    assert_eq!(all, ["_pk_id.*", "_pk_ses.*", "_hj*"]);
}
