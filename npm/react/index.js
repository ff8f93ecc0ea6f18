// consentry/react: React hooks over the widget the page's <script> tag starts (README "React"). They only
// read `window.consentry` and listen to its `consentry:change` and `consentry:ready` events on `document`;
// they never load or start the widget, so StrictMode's double renders and effects, remounts and hydration
// cannot make a second one. Nothing touches `window` at import or on the server: the server snapshot is
// "not granted" / `null`, which is also what the first hydration render shows, so the markup matches.
import { useSyncExternalStore } from 'react';

const EVENTS = ['consentry:change', 'consentry:ready'];

function api() {
  return typeof window === 'undefined' ? undefined : window.consentry;
}

function subscribe(callback) {
  track();
  for (const type of EVENTS) document.addEventListener(type, callback);
  return () => {
    for (const type of EVENTS) document.removeEventListener(type, callback);
  };
}

// `state()` answers a fresh object on every call; useSyncExternalStore needs the same one until something
// changes, so it is kept until the next event (the listener below runs before any component's).
let cached;
let tracking = false;
function track() {
  if (tracking || typeof document === 'undefined') return;
  tracking = true;
  for (const type of EVENTS) document.addEventListener(type, () => (cached = undefined));
}

function readState() {
  track();
  if (cached === undefined) {
    const state = api()?.state?.() ?? null;
    if (state === null) return null;
    cached = state;
  }
  return cached;
}

const serverFalse = () => false;
const serverNull = () => null;

/** Whether `target` (`"analytics"`, `"analytics/matomo"`) is granted now; `false` on the server and before start. */
export function useConsent(target) {
  return useSyncExternalStore(subscribe, () => api()?.get?.(target) === true, serverFalse);
}

/** `window.consentry.state()`, the same object until the next decision; `null` on the server and before start. */
export function useConsentState() {
  return useSyncExternalStore(subscribe, readState, serverNull);
}
