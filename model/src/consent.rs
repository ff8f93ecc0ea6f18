//! Decisions per purpose and per service, and the transitions between them.
//!
//! Invariants, kept by every constructor and transition: a required purpose (and its services) is
//! always granted; every optional purpose and service has an explicit entry, `false` until the visitor
//! turns it on; a purpose with services is granted exactly when at least one of its services is.

use crate::config::{Config, PurposeId, ServiceKey};
use crate::cookies::CookiePattern;
use crate::target::Target;

/// What the visitor decided, for every purpose and service of one configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decisions {
    /// One entry per purpose, in configuration order.
    purposes: Vec<(PurposeId, bool)>,
    /// One entry per service, in configuration order.
    services: Vec<(ServiceKey, bool)>,
}

fn put<K: PartialEq>(entries: &mut [(K, bool)], key: &K, on: bool) {
    if let Some(entry) = entries.iter_mut().find(|(k, _)| k == key) {
        entry.1 = on;
    }
}

fn lookup<K: PartialEq>(entries: &[(K, bool)], key: &K) -> bool {
    entries.iter().any(|(k, v)| *v && k == key)
}

impl Decisions {
    /// Nothing granted but the required purposes: the state before any choice, and after "reject all".
    pub fn none(config: &Config) -> Self {
        Self::all(config, false)
    }

    /// Every purpose and service granted.
    pub fn accept_all(config: &Config) -> Self {
        Self::all(config, true)
    }

    /// Only the required purposes: "reject all" leaves exactly the state before any choice.
    pub fn reject_all(config: &Config) -> Self {
        Self::none(config)
    }

    fn all(config: &Config, on: bool) -> Self {
        let mut purposes = Vec::new();
        let mut services = Vec::new();
        for p in &config.purposes {
            let granted = on || p.required;
            purposes.push((p.id.clone(), granted));
            for s in &p.services {
                services.push((ServiceKey::new(&p.id, &s.id), granted));
            }
        }
        Self { purposes, services }
    }

    /// Rebuilds decisions from stored maps, keeping only ids the configuration knows; anything
    /// missing or unknown is treated as refused (a service added to a granted purpose included),
    /// and required purposes as granted.
    pub fn from_maps(
        config: &Config,
        purposes: impl IntoIterator<Item = (PurposeId, bool)>,
        services: impl IntoIterator<Item = (ServiceKey, bool)>,
    ) -> Self {
        let mut out = Self::none(config);
        let services: Vec<(ServiceKey, bool)> = services.into_iter().collect();
        for (id, on) in purposes {
            let Some(p) = config.purpose(id.as_str()) else { continue };
            if p.services.is_empty() {
                out.set_purpose(config, &id, on);
            } else {
                for s in &p.services {
                    let key = ServiceKey::new(&p.id, &s.id);
                    // A service the record does not mention was never asked about: it stays off.
                    let svc_on = services.iter().find(|(k, _)| *k == key).is_some_and(|(_, v)| *v);
                    out.set_service(config, &key, on && svc_on);
                }
            }
        }
        out
    }

    /// Turns `target` on or off: a purpose with all its services, or one service (its purpose is on
    /// while any of its services is). Required purposes stay on; targets the configuration does not
    /// list are ignored.
    pub fn set(&mut self, config: &Config, target: &Target, on: bool) {
        match target {
            Target::Purpose(p) => self.set_purpose(config, p, on),
            Target::Service(k) => self.set_service(config, k, on),
        }
    }

    /// Flips `target`'s switch: what a click on it in the preference center does.
    pub fn toggle(&mut self, config: &Config, target: &Target) {
        let on = !self.granted(target);
        self.set(config, target, on);
    }

    fn set_purpose(&mut self, config: &Config, id: &PurposeId, on: bool) {
        let Some(p) = config.purpose(id.as_str()) else { return };
        if p.required {
            return;
        }
        put(&mut self.purposes, &p.id, on);
        for s in &p.services {
            put(&mut self.services, &ServiceKey::new(&p.id, &s.id), on);
        }
    }

    fn set_service(&mut self, config: &Config, key: &ServiceKey, on: bool) {
        let Some(p) = config.purpose(key.purpose.as_str()) else { return };
        if p.required || !p.services.iter().any(|s| s.id == key.service) {
            return;
        }
        put(&mut self.services, key, on);
        let any = p.services.iter().any(|s| lookup(&self.services, &ServiceKey::new(&p.id, &s.id)));
        put(&mut self.purposes, &p.id, any);
    }

    /// Whether `target` is granted. Targets the configuration does not list are not granted.
    pub fn granted(&self, target: &Target) -> bool {
        match target {
            Target::Purpose(p) => lookup(&self.purposes, p),
            Target::Service(k) => lookup(&self.services, k),
        }
    }

    /// Decisions per purpose, in configuration order.
    pub fn purposes(&self) -> &[(PurposeId, bool)] {
        &self.purposes
    }

    /// Decisions per service, in configuration order.
    pub fn services(&self) -> &[(ServiceKey, bool)] {
        &self.services
    }

    /// Whether any optional purpose is granted.
    pub fn any_optional_granted(&self, config: &Config) -> bool {
        config.optional_purposes().any(|p| lookup(&self.purposes, &p.id))
    }

    /// The cookie patterns of every service that is not granted: deleted after each decision, so a
    /// withdrawal removes what the service left behind.
    pub fn cookies_to_clear<'c>(&self, config: &'c Config) -> Vec<&'c CookiePattern> {
        config
            .purposes
            .iter()
            .flat_map(|p| p.services.iter().map(move |s| (p, s)))
            .filter(|(p, s)| !lookup(&self.services, &ServiceKey::new(&p.id, &s.id)))
            .flat_map(|(_, s)| s.cookies.iter())
            .collect()
    }
}

#[cfg(test)]
mod tests;
