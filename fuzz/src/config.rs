//! The property the `config_parse` target checks, kept apart from `lib.rs` because it needs
//! `consentry-model` (which the receipt crate's replay test cannot depend on). It is compiled into
//! `fuzz/fuzz_targets/config_parse.rs` and, through `#[path]`, into `model/tests/fuzz_regressions.rs`,
//! which replays the seeds and `fuzz/regressions/config_parse/*` on stable Rust.

use consentry_model::choice::{Action, Choice, Layer, Method};
use consentry_model::config::{Config, ServiceKey};
use consentry_model::consent::Decisions;
use consentry_model::{notice, record, Target};

/// The site owner's configuration parser on any input: it never panics, and whatever it accepts keeps
/// the rules every later step relies on: nothing optional is granted before a choice; "reject all"
/// grants only the required purposes and "accept all" everything; every purpose and service is a
/// [`Target`] that prints back to its own text; the notice can be built and hashed in every offered
/// language; and a choice stored under it decodes back to the same choice.
pub fn config_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(config) = Config::from_json(&text) else { return };

    let none = Decisions::none(&config);
    assert!(!none.any_optional_granted(&config), "something optional is on by default");
    assert_eq!(Decisions::reject_all(&config), none);
    let all = Decisions::accept_all(&config);
    for p in &config.purposes {
        let purpose = Target::Purpose(p.id.clone());
        assert_eq!(purpose.to_string().parse::<Target>().as_ref(), Ok(&purpose));
        assert_eq!(none.granted(&purpose), p.required, "purpose {} before a choice", p.id);
        assert!(all.granted(&purpose), "purpose {} after accept all", p.id);
        for s in &p.services {
            let service = Target::Service(ServiceKey::new(&p.id, &s.id));
            assert_eq!(service.to_string().parse::<Target>().as_ref(), Ok(&service));
            assert_eq!(none.granted(&service), p.required, "service {service} before a choice");
            assert!(all.granted(&service), "service {service} after accept all");
        }
    }

    for lang in &config.languages {
        let shown = notice::notice(&config, lang);
        assert_eq!(shown.hash().len(), 43, "a base64url SHA-256");
    }

    let method = Method { layer: Layer::Preferences, action: Action::Save };
    let choice = Choice::decide(None, &config, all, method, &config.languages[0], 1_790_000_000_000, || {
        "4f1c2a9e-0000-4000-8000-000000000001".to_string()
    });
    let decoded = record::decode(&record::encode(&choice), &config).expect("a stored choice decodes");
    assert_eq!(decoded.choice, choice, "the stored choice round-trips");
}
