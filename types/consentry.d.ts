// TypeScript types for a page that embeds Consentry: `window.consentry`, what `state()` returns, the
// `consentry:*` events on `document`, and the configuration (`./config.d.ts`, generated from the JSON Schema
// by `node types/generate.mjs`). Written by hand from README "JavaScript API and events", `src/loader.js`
// (the stand-in) and `src/browser/api.rs` (the API); `tests/e2e/types.test.mjs` compiles a sample page
// script against them with `tsc --strict`, and `tests/e2e/npm.test.mjs` checks the objects the built widget
// really returns against these types.
//
// Types only: the loader itself is a classic script, never imported. Bring the globals into a project with
// `import type {} from 'consentry'` in one file, `"types": ["consentry"]` in tsconfig.json, or
// `/// <reference types="consentry" />`.

export * from './config.js';

/** A purpose id (`"analytics"`) or `"purpose/service"` (`"analytics/matomo"`). */
export type ConsentryTarget = string;

/** Where the visitor's choice is kept: `localStorage`, the `consentry` cookie (`storage: "cookie"`), or memory for this page view only. */
export type ConsentryStorage = 'local' | 'cookie' | 'memory';

/** Where a decision was made. */
export type ConsentryLayer = 'banner' | 'preferences' | 'api';

/** What the decision was (the same names as the buttons' `data-action`). */
export type ConsentryAction = 'accept-all' | 'reject-all' | 'save';

/** The latest receipt of this browser. */
export interface ConsentryLatestReceipt {
  /** The receipt's `consentReceiptID`. */
  id: string;
  /** When it was made, in milliseconds since the epoch. */
  at: number;
}

/** `state().receipts`: this browser's consent receipts. */
export interface ConsentryReceipts {
  /** Receipts kept (at most 200). */
  count: number;
  /** Waiting for the endpoint. */
  pending: number;
  /** Acknowledged by the endpoint. */
  delivered: number;
  /** Refused by the endpoint for good. */
  rejected: number;
  /** Not queued because the outbox was full. */
  overflow: number;
  /** Old receipts removed from a full archive. */
  trimmed: number;
  /** `true` while a receipt is being made. */
  signing: boolean;
  /** The latest receipt, or `null` before the first. */
  latest: ConsentryLatestReceipt | null;
}

/** What `window.consentry.state()` returns once the widget has started: the consent in force. */
export interface ConsentryState {
  /**
   * A choice is in force and nothing needs asking (or a Global Privacy Control signal applies). `false`
   * before the first choice, after expiry or a policy change, and while the banner asks about new purposes.
   */
  decided: boolean;
  /** The random id (UUID v4) of this browser's consent record, `null` before any choice. */
  id: string | null;
  /** `policy_version` of the configuration. */
  policyVersion: string;
  /** The language shown. */
  language: string;
  /** Milliseconds since the epoch, `null` before any choice. */
  updatedAt: number | null;
  /** Milliseconds since the epoch, `null` before any choice. */
  expiresAt: number | null;
  /** Every purpose by id; required ones `true`, everything optional `false` until granted. */
  purposes: Record<string, boolean>;
  /** Every service as `"purpose/service"`. */
  services: Record<string, boolean>;
  /** Where the choice is kept. */
  storage: ConsentryStorage;
  /** Whether the browser sends a Global Privacy Control signal. */
  gpc: boolean;
  /** The purposes the signal keeps off now (empty when it changes nothing). */
  gpcApplied: string[];
  /** This browser's receipts. */
  receipts: ConsentryReceipts;
}

interface ConsentryChangeDetailBase {
  /** The purposes in force, as in `state()`. */
  purposes: Record<string, boolean>;
  /** The services in force, as in `state()`. */
  services: Record<string, boolean>;
  /** The consent record's id, as in `state()`. */
  id: string | null;
  /** As in `state()`. */
  gpc: boolean;
  /** As in `state()`. */
  gpcApplied: string[];
}

/** `consentry:change` at start-up, when a stored choice is applied. */
export interface ConsentryStoredChangeDetail extends ConsentryChangeDetailBase {
  source: 'stored';
  action: null;
}

/** `consentry:change` after a decision on the banner, in the preference center or through the API. */
export interface ConsentryDecisionChangeDetail extends ConsentryChangeDetailBase {
  source: ConsentryLayer;
  action: ConsentryAction;
}

/** The `detail` of `consentry:change`; `source` tells the two kinds apart. */
export type ConsentryChangeDetail = ConsentryStoredChangeDetail | ConsentryDecisionChangeDetail;

/** The `detail` of `consentry:error`. */
export interface ConsentryErrorDetail {
  /** The console text, for example `consentry: invalid configuration: purposes[1].description: missing …`. */
  message: `consentry: ${string}`;
}

/**
 * `window.consentry`: defined as soon as `consentry.js` has run. Until the widget has started it is a
 * stand-in: `show`, `acceptAll`, `rejectAll`, `identify`, `whenReady` and `rescan` are kept and replayed in order, `get` answers
 * `false` and `state` `null`. If the widget cannot start, the stand-in stays and the kept calls never run.
 */
export interface ConsentryApi {
  /** Whether `target` is granted now; unknown ids give `false` (and so does every id before start). */
  get(target: ConsentryTarget): boolean;
  /** A fresh object describing the consent in force; `null` until the widget has started. */
  state(): ConsentryState | null;
  /** Opens the preference center. */
  show(): void;
  /** Records "accept all" (layer `api`). Call it only from the visitor's own explicit action. */
  acceptAll(): void;
  /** Records "reject all" (layer `api`). Call it only from the visitor's own explicit action. */
  rejectAll(): void;
  /**
   * Calls `callback` with the started API once the widget has started (at once if it has). What it throws
   * is reported as a `consentry:` warning and stops nothing else.
   */
  whenReady(callback: (api: ConsentryReadyApi) => void): void;
  /**
   * Attaches the site's own opaque, already pseudonymous customer id (1 to 64 characters among
   * `A-Z a-z 0-9 . _ : -`, never an e-mail address) to the receipts of the decisions made after it on
   * this page view, as `subjectId`; `null` removes it. An invalid id is refused with a `consentry:`
   * warning and changes nothing. It is not stored in the browser: call it on every page view.
   */
  identify(id: string | null): void;
  /**
   * Runs the gated content inside `root` that the choice in force grants: for content the document's
   * observer cannot see, such as a web component's shadow root. Without `root`, the whole document.
   */
  rescan(root?: Element | ShadowRoot | Document): void;
  /** `document.addEventListener('consentry:' + name, listener)`, available before the widget starts. */
  on<K extends ConsentryEventName>(name: K, listener: (event: DocumentEventMap[`consentry:${K}`]) => void): void;
  /** Removes a listener added with `on`. */
  off<K extends ConsentryEventName>(name: K, listener: (event: DocumentEventMap[`consentry:${K}`]) => void): void;
}

/** The events `on` and `off` take, without their `consentry:` prefix. */
export type ConsentryEventName = 'change' | 'ready' | 'error';

/** The API once the widget has started (what `whenReady` passes): `state()` is never `null`. */
export interface ConsentryReadyApi extends ConsentryApi {
  state(): ConsentryState;
}

declare global {
  interface Window {
    /** Consentry's API (`consentry.js` defines it; a frozen object, not to be replaced). */
    readonly consentry: ConsentryApi;
  }

  // The events are dispatched on `document` and do not bubble: listen there, not on `window`.
  interface DocumentEventMap {
    /** After every decision, and once at start-up when a stored choice is applied. */
    'consentry:change': CustomEvent<ConsentryChangeDetail>;
    /** The configuration is refused, loading or starting fails, or a receipt cannot be made or sent. */
    'consentry:error': CustomEvent<ConsentryErrorDetail>;
    /** Once, when the widget is mounted and `window.consentry` is the real API. */
    'consentry:ready': CustomEvent<null>;
  }
}
