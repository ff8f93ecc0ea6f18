// Types of consentry/react (index.js): React hooks over `window.consentry`. No React types are needed: the
// hooks take and return plain values.
import type { ConsentryState, ConsentryTarget } from 'consentry';

/**
 * Whether `target` (a purpose id or `"purpose/service"`) is granted now. Re-renders on every
 * `consentry:change` and on `consentry:ready`. `false` during server rendering, during hydration and until
 * the widget has started, so server markup and the first client render agree.
 */
export declare function useConsent(target: ConsentryTarget): boolean;

/**
 * `window.consentry.state()`: the same object until the next `consentry:change` or `consentry:ready`, `null`
 * during server rendering, hydration and until the widget has started.
 */
export declare function useConsentState(): ConsentryState | null;
