#!/usr/bin/env node
// Writes `types/config.d.ts`, the TypeScript types of the configuration, from the JSON Schema
// `schema/consentry.config.schema.json`, so the two cannot drift: `tests/e2e/types.test.mjs` runs this
// generator with `--check` and fails when the committed file differs from what it would write.
//
//   node types/generate.mjs           rewrite types/config.d.ts
//   node types/generate.mjs --check   exit 1 (naming the command above) if it is out of date
//
// No dependencies. It understands the subset of JSON Schema 2020-12 the schema uses, and refuses
// anything else by name rather than guess:
// - `type` (one or several), `enum`, `const`, `anyOf`/`oneOf` (a union), `$ref` to `#/$defs/NAME`;
// - objects: `properties`, `required`, `additionalProperties` (false: closed; a schema: an index
//   signature); arrays: `items`; `true` or a schema with no type: `unknown`;
// - pure validation keywords become documentation or are left out: `pattern`, `minimum`, `maximum`,
//   `minItems`, `minProperties`, `uniqueItems`, `format`, `propertyNames`, `contains`, `not`,
//   `if`/`then`, `dependentSchemas` (rules on values, which types cannot express; the widget checks them all).
// Every `$defs` entry becomes an exported type `Consentry<Name>`; an inline object with `properties`
// becomes one named after its member (`gpc` → `ConsentryGpc`, an item of `regions` → `ConsentryRegion`).

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA = path.join(ROOT, 'schema', 'consentry.config.schema.json');
const OUTPUT = path.join(ROOT, 'types', 'config.d.ts');

/** Keywords that only constrain values: documented (some) or ignored, never typed. */
const VALIDATION_ONLY = new Set([
  'pattern', 'minimum', 'maximum', 'minItems', 'minProperties', 'uniqueItems', 'format', 'propertyNames',
  'contains', 'not', 'if', 'then', 'dependentSchemas', 'default', 'description', 'title', '$schema', '$id', '$defs',
]);
const TYPED = new Set(['type', 'enum', 'const', 'anyOf', 'oneOf', '$ref', 'properties', 'required', 'additionalProperties', 'items']);

/** `google_consent_mode` → `GoogleConsentMode`, `httpUrl` → `HttpUrl`. */
function pascal(name) {
  return name
    .split(/[_\-\s]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** `regions` → `region`: the name of one item of an array member. */
function singular(name) {
  return name.endsWith('s') ? name.slice(0, -1) : `${name}Item`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function propertyKey(name) {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** A JSDoc block (indented by `indent`) from a schema's description, default and simple bounds. */
function doc(schema, indent) {
  if (typeof schema !== 'object' || schema === null) return '';
  const lines = [];
  if (schema.description) lines.push(...schema.description.split('\n'));
  const bounds = [];
  // Bounds inside `anyOf` (`{"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]}`) too.
  const withBounds = [schema, ...(schema.anyOf ?? [])].filter((s) => typeof s === 'object' && s !== null);
  for (const s of withBounds) {
    if (s.minimum !== undefined) bounds.push(`minimum ${s.minimum}`);
    if (s.maximum !== undefined) bounds.push(`maximum ${s.maximum}`);
  }
  if (schema.minItems !== undefined) bounds.push(`at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
  if (schema.uniqueItems) bounds.push('no duplicates');
  if (bounds.length > 0) lines.push(`Schema: ${bounds.join(', ')}.`);
  if (schema.default !== undefined) lines.push(`@default ${JSON.stringify(schema.default)}`);
  if (lines.length === 0) return '';
  const safe = lines.flatMap((l) => wrap(l.replace(/\*\//g, '*\\/'), WIDTH - indent.length - 3));
  if (safe.length === 1) return `${indent}/** ${safe[0]} */\n`;
  return `${indent}/**\n${safe.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

/** Doc comments are wrapped to this many columns. */
const WIDTH = 110;

/** `text` broken at spaces into lines of at most `width` characters (a longer word stays whole). */
function wrap(text, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}

/** Fails on a keyword this generator does not know, so that a new one is handled, not silently dropped. */
function checkKeywords(schema, where) {
  if (typeof schema === 'boolean') return;
  if (typeof schema !== 'object' || schema === null) throw new Error(`${where}: not a schema`);
  for (const key of Object.keys(schema)) {
    if (!TYPED.has(key) && !VALIDATION_ONLY.has(key)) throw new Error(`${where}: unsupported keyword "${key}"`);
  }
}

class Generator {
  constructor(schema) {
    this.schema = schema;
    /** name → declaration text, in the order they are first needed. */
    this.declarations = new Map();
    this.defNames = new Map(Object.keys(schema.$defs ?? {}).map((name) => [name, `Consentry${pascal(name)}`]));
  }

  /** Declares the root as `ConsentryConfig` and every `$defs` entry, in schema order. */
  run() {
    this.declare('ConsentryConfig', this.schema, '#');
    for (const [name, schema] of Object.entries(this.schema.$defs ?? {})) {
      this.declare(this.defNames.get(name), schema, `#/$defs/${name}`);
    }
    return [...this.declarations.values()].join('\n');
  }

  declare(name, schema, where) {
    if (this.declarations.has(name)) throw new Error(`${where}: the type name ${name} is used twice; rename a member`);
    this.declarations.set(name, null);
    checkKeywords(schema, where);
    const closedObject = typeof schema === 'object' && schema.properties && !schema.anyOf && !schema.oneOf;
    let text;
    if (closedObject) {
      text = `${doc(schema, '')}export interface ${name} ${this.objectBody(schema, where, '')}\n`;
    } else {
      const type = this.type(schema, where, '', undefined);
      const line = `export type ${name} = ${type};`;
      // A long union of plain members, one per line.
      const split = line.length > WIDTH && type.includes(' | ') && !type.includes('{');
      text = `${doc(schema, '')}${split ? `export type ${name} =\n  | ${type.split(' | ').join('\n  | ')};` : line}\n`;
    }
    this.declarations.set(name, text);
  }

  /** The TypeScript type of `schema`; `hint` names an inline object that gets its own declaration. */
  type(schema, where, indent, hint) {
    if (schema === true) return 'unknown';
    if (schema === false) return 'never';
    checkKeywords(schema, where);
    if (schema.$ref) {
      const match = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
      if (!match || !this.defNames.has(match[1])) throw new Error(`${where}: unsupported $ref ${schema.$ref}`);
      return this.defNames.get(match[1]);
    }
    if (schema.const !== undefined) return JSON.stringify(schema.const);
    if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
    const union = schema.anyOf ?? schema.oneOf;
    if (union) {
      const parts = union.map((member, i) => this.type(member, `${where}/${schema.anyOf ? 'anyOf' : 'oneOf'}/${i}`, indent, hint));
      return [...new Set(parts)].join(' | ');
    }
    const types = schema.type === undefined ? [] : [].concat(schema.type);
    if (types.length === 0) {
      if (schema.properties || schema.additionalProperties !== undefined) types.push('object');
      else if (schema.items) types.push('array');
      else return 'unknown';
    }
    return types.map((t) => this.typeOf(t, schema, where, indent, hint)).join(' | ');
  }

  typeOf(type, schema, where, indent, hint) {
    switch (type) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'array': {
        const item = this.type(schema.items ?? true, `${where}/items`, indent, hint && singular(hint));
        return `readonly ${/[ |&]/.test(item) ? `(${item})` : item}[]`;
      }
      case 'object': {
        // An inline object with named members gets a declaration of its own.
        if (schema.properties && hint) {
          const name = `Consentry${hint}`;
          this.declare(name, schema, where);
          return name;
        }
        return this.objectBody(schema, where, indent);
      }
      default:
        throw new Error(`${where}: unsupported type "${type}"`);
    }
  }

  /** `{ member?: T; … }` for an object schema. */
  objectBody(schema, where, indent) {
    const inner = `${indent}  `;
    const required = new Set(schema.required ?? []);
    const lines = [];
    for (const [key, member] of Object.entries(schema.properties ?? {})) {
      const optional = required.has(key) ? '' : '?';
      const type = this.type(member, `${where}/properties/${key}`, inner, pascal(key));
      lines.push(`${doc(member, inner)}${inner}${propertyKey(key)}${optional}: ${type};`);
    }
    const extra = schema.additionalProperties;
    if (extra !== undefined && extra !== false) {
      const key = schema.propertyNames?.$ref === '#/$defs/languageTag' ? 'language' : 'key';
      lines.push(`${inner}[${key}: string]: ${this.type(extra, `${where}/additionalProperties`, inner, undefined)};`);
    } else if (extra === undefined && schema.properties) {
      // An open object in the schema (no `additionalProperties: false`): other members are allowed.
      lines.push(`${inner}[key: string]: unknown;`);
    }
    if (lines.length === 0) return '{}';
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
}

/** The whole text of `types/config.d.ts` for the schema text `schemaText`. */
export function generate(schemaText) {
  const schema = JSON.parse(schemaText);
  const body = new Generator(schema).run();
  return `// GENERATED by \`node types/generate.mjs\` from schema/consentry.config.schema.json: do not edit.
// Change the schema and run the generator; tests/e2e/types.test.mjs fails while this file is out of date.
// Types say which members exist and what they hold. Rules on values (patterns, bounds, unique ids, a Text
// object holding the default language) are in the schema and checked by the widget when the page loads.

${body}`;
}

function main(args) {
  const check = args.includes('--check');
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]}; usage: node types/generate.mjs [--check]`);
  const text = generate(readFileSync(SCHEMA, 'utf8'));
  if (!check) {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${path.relative(ROOT, OUTPUT)}`);
    return 0;
  }
  let current = null;
  try {
    current = readFileSync(OUTPUT, 'utf8');
  } catch {
    // Missing: reported below.
  }
  if (current === text) return 0;
  console.error(`${path.relative(ROOT, OUTPUT)} is out of date with schema/consentry.config.schema.json: run \`node types/generate.mjs\``);
  return 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`types/generate.mjs: ${error.message}`);
    process.exitCode = 1;
  }
}
