use super::*;
use crate::fixtures::{config, t};
use crate::target::Target;

#[test]
fn nothing_optional_before_a_choice() {
    let c = config();
    let d = Decisions::none(&c);
    assert!(d.granted(&t("necessary")));
    assert!(!d.granted(&t("analytics")));
    assert!(!d.granted(&t("analytics/matomo")));
    assert!(!d.granted(&t("marketing")));
    assert!(!d.any_optional_granted(&c));
    assert_eq!(d.purposes().len(), 3);
    assert_eq!(d.services().len(), 2);
}

#[test]
fn accept_and_reject_all() {
    let c = config();
    let a = Decisions::accept_all(&c);
    assert!(a.granted(&t("analytics")) && a.granted(&t("analytics/hotjar")) && a.granted(&t("marketing")));
    let r = Decisions::reject_all(&c);
    assert_eq!(r, Decisions::none(&c));
    assert!(r.granted(&t("necessary")));
}

#[test]
fn purpose_switch_drives_its_services() {
    let c = config();
    let mut d = Decisions::none(&c);
    d.set(&c, &t("analytics"), true);
    assert!(d.granted(&t("analytics/matomo")) && d.granted(&t("analytics/hotjar")));
    d.set(&c, &t("analytics"), false);
    assert!(!d.granted(&t("analytics/matomo")) && !d.granted(&t("analytics")));
}

#[test]
fn one_service_grants_its_purpose_partially() {
    let c = config();
    let mut d = Decisions::none(&c);
    d.set(&c, &t("analytics/matomo"), true);
    assert!(d.granted(&t("analytics")));
    assert!(d.granted(&t("analytics/matomo")));
    assert!(!d.granted(&t("analytics/hotjar")));
    d.set(&c, &t("analytics/matomo"), false);
    assert!(!d.granted(&t("analytics")));
}

#[test]
fn required_purposes_cannot_be_turned_off_and_unknown_ids_are_ignored() {
    let c = config();
    let mut d = Decisions::accept_all(&c);
    d.set(&c, &t("necessary"), false);
    assert!(d.granted(&t("necessary")));
    let before = d.clone();
    d.set(&c, &t("nope"), true);
    d.set(&c, &t("analytics/nope"), true);
    assert_eq!(d, before);
    assert!(!d.granted(&t("nope")));
    assert!(!d.granted(&t("analytics/nope")));
    assert!("".parse::<Target>().is_err(), "an empty id is not a target, so it can grant nothing");
}

#[test]
fn from_maps_normalises() {
    let c = config();
    let d = Decisions::from_maps(
        &c,
        purposes(&[("analytics", true), ("necessary", false), ("ghost", true)]),
        services(&[("analytics/matomo", true), ("analytics/hotjar", false)]),
    );
    assert!(d.granted(&t("necessary")));
    assert!(d.granted(&t("analytics/matomo")));
    assert!(!d.granted(&t("analytics/hotjar")));
    assert!(!d.granted(&t("marketing")));
    assert!(!d.granted(&t("ghost")));
    // A service stored as granted under a refused purpose stays refused.
    let d = Decisions::from_maps(&c, purposes(&[("analytics", false)]), services(&[("analytics/matomo", true)]));
    assert!(!d.granted(&t("analytics/matomo")));
}

#[test]
fn cookies_of_refused_services_are_cleared() {
    let c = config();
    let mut d = Decisions::accept_all(&c);
    assert!(d.cookies_to_clear(&c).is_empty());
    d.set(&c, &t("analytics/matomo"), false);
    let patterns: Vec<&str> = d.cookies_to_clear(&c).iter().map(|p| p.as_str()).collect();
    assert_eq!(patterns, ["_pk_id.*", "_pk_ses.*"]);
    let all: Vec<&str> = Decisions::none(&c).cookies_to_clear(&c).iter().map(|p| p.as_str()).collect();
    assert_eq!(all, ["_pk_id.*", "_pk_ses.*", "_hj*"]);
}

fn purposes(entries: &[(&str, bool)]) -> Vec<(PurposeId, bool)> {
    entries.iter().map(|(k, on)| (PurposeId::parse(k, "").unwrap(), *on)).collect()
}

fn services(entries: &[(&str, bool)]) -> Vec<(ServiceKey, bool)> {
    entries
        .iter()
        .map(|(k, on)| match t(k) {
            Target::Service(key) => (key, *on),
            Target::Purpose(_) => panic!("{k} is not a service"),
        })
        .collect()
}

#[test]
fn toggle_flips_a_purpose_or_a_service_and_never_a_required_purpose() {
    let c = config();
    let mut d = Decisions::none(&c);
    d.toggle(&c, &t("analytics"));
    assert!(d.granted(&t("analytics/matomo")) && d.granted(&t("analytics/hotjar")));
    d.toggle(&c, &t("analytics/hotjar"));
    assert!(d.granted(&t("analytics")) && !d.granted(&t("analytics/hotjar")));
    d.toggle(&c, &t("analytics/matomo"));
    assert!(!d.granted(&t("analytics")), "the purpose is off once its last service is");
    d.toggle(&c, &t("necessary"));
    assert!(d.granted(&t("necessary")));
    let before = d.clone();
    d.toggle(&c, &t("ghost"));
    d.toggle(&c, &t("analytics/ghost"));
    assert_eq!(d, before);
}
