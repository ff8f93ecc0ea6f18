// A page script as a site's developer writes it against the npm package's types: a typed configuration, the
// API before and after start, and the `consentry:*` events. `tests/e2e/types.test.mjs` compiles it with
// `tsc --strict --noEmit` (tsconfig.json beside it); every line here must keep compiling.

import type {
  ConsentryApi,
  ConsentryChangeDetail,
  ConsentryConfig,
  ConsentryPurpose,
  ConsentryReadyApi,
  ConsentryState,
  ConsentryText,
} from 'consentry';

const analytics: ConsentryPurpose = {
  id: 'analytics',
  name: { en: 'Audience measurement', fr: "Mesure d'audience" },
  description: 'Counts visits and pages read.',
  retention: '13 months',
  recipients: 'Example Books only',
  gpc: null,
  services: [{ id: 'matomo', name: 'Matomo', description: 'Self-hosted analytics.', cookies: ['_pk_id.*'] }],
};

export const config: ConsentryConfig = {
  $schema: './consentry.config.schema.json',
  policy_version: '2026-01-15',
  controller: { name: 'Example Books Ltd', contact: 'privacy@books.example', policy_url: 'https://books.example/privacy' },
  languages: ['en', 'fr'],
  expiry_days: 182,
  endpoint: null,
  jurisdiction: 'US-CA',
  gpc: { opt_in: 'treat_as_reject' },
  purposes: [
    {
      id: 'necessary',
      required: true,
      name: 'Strictly necessary',
      description: 'Keeps your basket.',
      retention: 'Until you close the browser',
      recipients: 'Example Books only',
    },
    analytics,
  ],
  ui: { floating_button: 'bottom-right', theme: 'auto', texts: { banner_title: { en: 'Cookies', fr: 'Les cookies' } } },
  integrations: {
    google_consent_mode: {
      map: { analytics: ['analytics_storage'], 'analytics/matomo': ['analytics_storage', 'functionality_storage'] },
      regions: [{ region: ['US-CA'], granted: ['analytics_storage'] }],
      wait_for_update: 500,
    },
    matomo: { consent: 'analytics/matomo', mode: 'cookies' },
  },
};

// A configuration written `as const` (readonly arrays and literals) is a configuration too.
const frozen = {
  policy_version: '1',
  controller: { name: 'A', contact: 'a@b.example', policy_url: 'https://b.example/' },
  languages: ['en'],
  purposes: [{ id: 'ads', name: 'Ads', description: 'Ads', retention: '1 day', recipients: 'Us', gpc: true }],
} as const satisfies ConsentryConfig;

// What a page puts into <script type="application/json" id="consentry-config">.
export const inline: string = JSON.stringify(frozen);

const title: ConsentryText | undefined = config.ui?.texts?.banner_title;

// The stand-in and the started API share one type; only `whenReady` promises a started one.
const api: ConsentryApi = window.consentry;
const early: ConsentryState | null = api.state();
const granted: boolean = window.consentry.get('analytics/matomo');
window.consentry.show();
window.consentry.identify('cust-123');
window.consentry.identify(null);
document.querySelector('#accept')?.addEventListener('click', () => window.consentry.acceptAll());
document.querySelector('#reject')?.addEventListener('click', () => window.consentry.rejectAll());

window.consentry.whenReady((ready: ReadyLike) => {
  const state = ready.state();
  const decided: boolean = state.decided;
  const since: number | null = state.updatedAt;
  const storage: 'local' | 'cookie' | 'memory' = state.storage;
  const gpcOff: string[] = state.gpcApplied;
  const latest = state.receipts.latest;
  const at: number | undefined = latest?.at;
  const analyticsOn: boolean | undefined = state.purposes['analytics'];
  console.log(decided, since, storage, gpcOff, at, analyticsOn, state.receipts.pending + state.receipts.count);
});
type ReadyLike = ConsentryReadyApi;

// Async callbacks are fine: what `whenReady` calls may return anything.
window.consentry.whenReady(async (ready) => {
  await Promise.resolve(ready.get('analytics'));
});

document.addEventListener('consentry:change', (e) => {
  const purposes: Record<string, boolean> = e.detail.purposes;
  const matomo: boolean | undefined = e.detail.services['analytics/matomo'];
  if (e.detail.source === 'stored') {
    const none: null = e.detail.action;
    console.log(none);
  } else {
    const action: 'accept-all' | 'reject-all' | 'save' = e.detail.action;
    console.log(action, e.detail.source);
  }
  console.log(purposes, matomo, e.detail.id, e.detail.gpc, e.detail.gpcApplied.length);
});

document.addEventListener('consentry:error', (e) => {
  const message: string = e.detail.message;
  if (message.startsWith('consentry: invalid configuration')) console.warn(message);
});

document.addEventListener('consentry:ready', (e) => {
  const detail: null = e.detail;
  console.log(detail, window.consentry.state()?.policyVersion);
});

function onChange(detail: ConsentryChangeDetail): string[] {
  return Object.keys(detail.purposes).filter((id) => detail.purposes[id] === true);
}
document.addEventListener('consentry:change', (e) => onChange(e.detail));

console.log(title, early, granted);

// The helpers: `on`/`off` take the event names without their prefix, and the listener gets the event.
const logChange = (e: CustomEvent<ConsentryChangeDetail>) => console.log(e.detail.source);
window.consentry.on('change', logChange);
window.consentry.off('change', logChange);
window.consentry.on('error', (e) => console.warn(e.detail.message));
const widgetRoot = document.querySelector('my-widget')?.shadowRoot;
if (widgetRoot) window.consentry.rescan(widgetRoot);
window.consentry.rescan();
