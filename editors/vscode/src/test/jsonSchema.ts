// The part of JSON Schema (2020-12) that docs/schema/*.schema.json use: `type` (one or a list),
// `enum`, `properties`, `required`, `additionalProperties` (false or a schema) and `items`. A
// keyword outside that subset is an error, so a schema never passes by being misread.

export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  [other: string]: unknown;
}

const KNOWN = new Set([
  "$schema", "$id", "title", "description",
  "type", "enum", "properties", "required", "additionalProperties", "items",
]);

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** Every way `value` breaks `schema`, as `path: problem` lines (empty when it conforms). */
export function validate(schema: Schema, value: unknown, at = "$"): string[] {
  const errors: string[] = [];
  for (const k of Object.keys(schema)) {
    if (!KNOWN.has(k)) errors.push(`${at}: the schema uses \`${k}\`, which this checker does not know`);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number"))) {
      return [...errors, `${at}: is ${t}, expected ${types.join(" or ")}`];
    }
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeOf(value) === "object") {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) {
      if (!(r in obj)) errors.push(`${at}: lacks required \`${r}\``);
    }
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k];
      if (sub) errors.push(...validate(sub, v, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: \`${k}\` is not in the schema`);
      else if (typeof schema.additionalProperties === "object") {
        errors.push(...validate(schema.additionalProperties, v, `${at}.${k}`));
      }
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((v, i) => errors.push(...validate(schema.items as Schema, v, `${at}[${i}]`)));
  }
  return errors;
}
