// A complete, valid configuration as a site owner would write it (design-notes.md, "Configuration").
// Every call returns a fresh object, so a test may mutate its copy to make it invalid.

export const CONTROLLER_NAME = 'Boulangerie Test SARL';
export const POLICY_URL = 'https://example.test/privacy';

export function baseConfig() {
  return {
    policy_version: '2025-01',
    controller: {
      name: CONTROLLER_NAME,
      contact: 'privacy@example.test',
      address: '1 rue de la Paix, 75002 Paris',
      policy_url: POLICY_URL,
    },
    languages: ['en', 'fr'],
    purposes: [
      {
        id: 'necessary',
        required: true,
        name: { en: 'Strictly necessary', fr: 'Strictement nécessaires' },
        description: {
          en: 'Remembers your consent choice and keeps the shopping basket working.',
          fr: 'Mémorise votre choix et fait fonctionner le panier.',
        },
        retention: { en: '6 months', fr: '6 mois' },
        recipients: { en: 'Only us', fr: 'Nous seulement' },
      },
      {
        id: 'analytics',
        name: { en: 'Audience measurement', fr: "Mesure d'audience" },
        description: {
          en: 'Counts visits to improve the site.',
          fr: 'Compte les visites pour améliorer le site.',
        },
        retention: { en: '13 months', fr: '13 mois' },
        recipients: { en: 'Our Matomo instance', fr: 'Notre instance Matomo' },
        services: [
          {
            id: 'matomo',
            name: 'Matomo',
            description: { en: 'Self-hosted web analytics.', fr: "Mesure d'audience auto-hébergée." },
            cookies: ['_pk_id.*', '_pk_ses.*'],
            policy_url: 'https://matomo.org/privacy-policy/',
          },
        ],
      },
      {
        id: 'marketing',
        name: { en: 'Embedded videos', fr: 'Vidéos intégrées' },
        description: {
          en: 'Shows videos hosted by a third party, which may track you.',
          fr: 'Affiche des vidéos hébergées par un tiers, qui peut vous suivre.',
        },
        retention: { en: 'Set by the video host', fr: "Fixée par l'hébergeur" },
        recipients: { en: 'The video host', fr: "L'hébergeur vidéo" },
        services: [
          {
            id: 'video',
            name: 'Video host',
            description: { en: 'Plays embedded videos.', fr: 'Lit les vidéos intégrées.' },
            cookies: ['vid_*'],
          },
        ],
      },
    ],
  };
}

/** The ids of the purposes that need consent in `baseConfig()`. */
export const OPTIONAL_PURPOSES = ['analytics', 'marketing'];

/**
 * Gated content as a site owner marks it up (design-notes.md, "gating"). Each script records its execution in
 * `window.__e2e.runs`; `/gated/analytics.js` and `/frame.html` are served by the site server.
 */
export const GATED_MARKUP = `
<script type="text/plain" data-consent="analytics">window.__e2e.runs.push('inline:analytics');</script>
<script type="text/plain" data-consent="analytics/matomo">window.__e2e.runs.push('inline:analytics/matomo');</script>
<script type="text/plain" data-consent="marketing">window.__e2e.runs.push('inline:marketing');</script>
<script type="text/plain" data-consent="analytics" src="/gated/analytics.js"></script>
<iframe id="video" title="Video" data-consent="marketing" data-src="/frame.html"></iframe>
`;

/** The labels GATED_MARKUP records once everything is granted. */
export const ALL_GATED_RUNS = ['inline:analytics', 'inline:analytics/matomo', 'inline:marketing', 'src:analytics'];

/** A footer link that opens the preference center. */
export const OPEN_LINK = '<footer><a id="privacy-link" href="#" data-consentry-open>Privacy choices</a></footer>';
