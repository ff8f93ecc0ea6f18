// The React hooks `consentry/react` as a component's code uses them (`npm/react/index.d.ts`); compiled by
// `tests/e2e/types.test.mjs` with tsc --strict (tsconfig.json beside it). The hooks need no React types:
// they take and return plain values. The marked lines must not compile.

import type { ConsentryState } from 'consentry';
import { useConsent, useConsentState } from 'consentry/react';

export function videoLabel(): string {
  const granted: boolean = useConsent('marketing/video');
  return granted ? 'videos allowed' : 'videos blocked';
}

export function decided(): boolean {
  const state: ConsentryState | null = useConsentState();
  // `null` on the server, during hydration and before the widget has started: it must be checked.
  return state !== null && state.decided && state.purposes['analytics'] === true;
}

export function wrong(): void {
  // @ts-expect-error the target is a purpose or "purpose/service" string
  useConsent(42);
  // @ts-expect-error useConsent takes one target
  useConsent();
  // @ts-expect-error the state may be null
  useConsentState().decided;
  // @ts-expect-error useConsent answers a boolean, not the state
  useConsent('analytics').purposes;
}
