// Independent computation of receipt/vectors/notice-escapes.json: plain JSON.stringify (ECMAScript's
// string escaping, which RFC 8785 adopts) on the notice with its keys sorted by UTF-16 code units
// (Array.prototype.sort's default order), SHA-256 and base64url from node's crypto. Nothing here comes from
// consentry-receipt, whose test (receipt/tests/receipts.rs, control_character_vector) must match it.
//
//   node receipt/vectors/notice-escapes.js > receipt/vectors/notice-escapes.json
//
// The file is written as serde_json's pretty printer writes the other vectors (members sorted by UTF-8 bytes).
const crypto = require("crypto");
const notice = {
  policy_version: "2026-11",
  language: "fr",
  controller: {
    name: "Atelier \"Lumen\" SAS",
    contact: "privacy@atelier-lumen.example",
    address: "14 rue des Fournils\n75011 Paris",
    policy_url: "https://atelier-lumen.example/privacy",
  },
  purposes: [{
    id: "analytics",
    required: false,
    name: "Mesure\bd'audience\f\n\u001f",
    description: "NUL \u0000 BEL \u0007 TAB \t CR \r VT \u000b ESC \u001b DEL \u007f backslash \\ slash / LS \u2028 \u00e9 \u{1F600}",
    retention: "13 mois",
    recipients: "Matomo",
    services: [{
      id: "matomo",
      name: "Matomo\f",
      description: "Statistiques\b",
      cookies: ["_pk_id.*", "\u001f"],
      policy_url: null,
    }],
  }],
  interface: {
    accept_all: "Tout accepter",
    "\uFF61": "U+FF61 sorts after U+1F600 by UTF-16 code units, before it by UTF-8 bytes",
    "\u{1F600}": "U+1F600",
  },
};
const sortRec = (v, cmp) => Array.isArray(v) ? v.map(x => sortRec(x, cmp))
  : (v && typeof v === "object") ? Object.fromEntries(Object.keys(v).sort(cmp).map(k => [k, sortRec(v[k], cmp)])) : v;
const canonical = JSON.stringify(sortRec(notice, undefined));
const hash = crypto.createHash("sha256").update(canonical, "utf8").digest("base64url");
const byBytes = (a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
const vector = {
  description: "A notice whose texts hold control characters (\\b and \\f among them) and non-BMP characters, and whose interface keys sort differently by UTF-16 code units and by UTF-8 bytes: its RFC 8785 canonical form and hash.",
  notice,
  notice_canonical: canonical,
  notice_hash: hash,
};
process.stdout.write(JSON.stringify(sortRec(vector, byBytes), null, 2) + "\n");
console.error(canonical);
console.error(hash);
