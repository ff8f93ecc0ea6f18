// Wrong usages that must NOT compile. Each is marked `// @ts-expect-error`, so tsc fails if one starts to
// compile; `tests/e2e/types.test.mjs` also compiles this file without the marks and expects exactly one error
// on each marked line, so a mark cannot hide an unrelated mistake.

import type { ConsentryConfig, ConsentryPurpose } from 'consentry';

const purpose: ConsentryPurpose = {
  id: 'analytics',
  name: 'Analytics',
  description: 'Counts visits.',
  retention: '13 months',
  recipients: 'Us',
};

// @ts-expect-error a configuration without `controller` is refused
export const missingController: ConsentryConfig = { policy_version: '1', languages: ['en'], purposes: [purpose] };

export const preTicked: ConsentryPurpose = {
  ...purpose,
  // @ts-expect-error unknown fields are refused, and no purpose can be on by default
  default: true,
};

export const badTheme: ConsentryConfig['ui'] = {
  // @ts-expect-error `theme` is "auto", "light" or "dark"
  theme: 'blue',
};

export const badConsentType: ConsentryConfig['integrations'] = {
  // @ts-expect-error not one of Consent Mode's seven types
  google_consent_mode: { map: { analytics: ['analytics_cookies'] } },
};

// @ts-expect-error `get` takes a purpose id or "purpose/service", not a number
window.consentry.get(42);

// @ts-expect-error before start `state()` may be null: it must be checked
window.consentry.state().decided;

// @ts-expect-error `window.consentry` is the widget's frozen API, not for the page to replace
window.consentry = { get: () => true };

document.addEventListener('consentry:change', (e) => {
  // @ts-expect-error `source` is "stored", "banner", "preferences" or "api"
  if (e.detail.source === 'page') return;
  // @ts-expect-error the detail has `purposes`, not `purpose`
  console.log(e.detail.purpose);
});

window.addEventListener('consentry:change', (e) => {
  // @ts-expect-error the events are dispatched on `document`; on `window` they are plain events
  console.log(e.detail.purposes);
});

document.addEventListener('consentry:ready', (e) => {
  // @ts-expect-error `consentry:ready` carries no detail
  console.log(e.detail.purposes);
});

// @ts-expect-error `on` takes the event name without its `consentry:` prefix
window.consentry.on('consentry:change', () => {});

// @ts-expect-error `rescan` takes a node to look in, not a selector
window.consentry.rescan('#app');
