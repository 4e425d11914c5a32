// Validates every object of a multi-document Kubernetes YAML (stdin) against the Kubernetes
// OpenAPI schemas shipped by the npm package kubernetes-models (and KEDA's by
// @kubernetes-models/keda). Those compiled validators ignore unknown fields, so each object is
// wrapped in a Proxy that records which properties the validator reads: a property it never
// reads is not in the schema (a typo such as `readinesProbe`) and is reported as an error.
//
// Usage: node validate-k8s.mjs [--no-schema=group/version/Kind ...] < rendered.yaml
// Prints one line per object ("OK kind/name", "SKIP kind/name", "ERROR kind/name: …") and
// exits 1 when any object is invalid or has no schema and was not declared with --no-schema.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const noSchema = new Set(process.argv.slice(2)
    .filter((a) => a.startsWith("--no-schema="))
    .map((a) => a.substring("--no-schema=".length)));

function modulePath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "keda.sh" || group === "eventing.keda.sh") {
    return `@kubernetes-models/keda/${group}/${version}/${kind}`;
  }
  return group === "" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

/** Wraps value (deeply) so that every property read is recorded in `seen`. */
function track(value, seen) {
  if (value === null || typeof value !== "object") return value;
  const keys = seen.get(value) ?? new Set();
  seen.set(value, keys);
  return new Proxy(value, {
    get(target, prop, receiver) {
      if (typeof prop === "string") keys.add(prop);
      return track(Reflect.get(target, prop, receiver), seen);
    },
    has(target, prop) {
      if (typeof prop === "string") keys.add(prop);
      return Reflect.has(target, prop);
    },
    ownKeys(target) {
      // iterating a map (labels, data, …) reads all of its keys
      Reflect.ownKeys(target).forEach((k) => typeof k === "string" && keys.add(k));
      return Reflect.ownKeys(target);
    },
  });
}

function unknownFields(value, seen, path, out) {
  if (value === null || typeof value !== "object") return;
  const keys = seen.get(value) ?? new Set();
  for (const [k, v] of Object.entries(value)) {
    const p = Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`;
    if (!Array.isArray(value) && !keys.has(k)) out.push(p);
    else unknownFields(v, seen, p, out);
  }
}

const input = readFileSync(0, "utf8");
let failures = 0;
let count = 0;
for (const doc of parseAllDocuments(input)) {
  if (doc.errors.length) {
    console.log(`ERROR yaml: ${doc.errors.map((e) => e.message).join("; ")}`);
    failures++;
    continue;
  }
  const obj = doc.toJS();
  if (obj == null) continue;
  count++;
  const id = `${obj.apiVersion}/${obj.kind} ${obj.metadata?.namespace ?? ""}/${obj.metadata?.name}`;
  if (noSchema.has(`${obj.apiVersion}/${obj.kind}`)) {
    console.log(`SKIP ${id} (no published schema; checked by the Java tests)`);
    continue;
  }
  let Model;
  try {
    Model = (await import(modulePath(obj.apiVersion, obj.kind)))[obj.kind];
  } catch (e) {
    console.log(`ERROR ${id}: no schema for ${obj.apiVersion} ${obj.kind}`);
    failures++;
    continue;
  }
  // The model's own validate(), run with `this` = a tracked plain copy, so every property the
  // compiled schema reads is recorded (the constructor copies deeply, which would read them all).
  const plain = structuredClone(obj);
  const seen = new WeakMap();
  const errors = [];
  try {
    Model.prototype.validate.call(track(plain, seen));
  } catch (e) {
    errors.push(e.message);
  }
  const unknown = [];
  unknownFields(plain, seen, "", unknown);
  // apiVersion/kind are checked by the model's type guard, not by the schema
  const reallyUnknown = unknown.filter((p) => p !== ".apiVersion" && p !== ".kind");
  if (reallyUnknown.length) errors.push(`unknown field(s): ${reallyUnknown.join(", ")}`);
  if (errors.length) {
    console.log(`ERROR ${id}: ${errors.join(" | ")}`);
    failures++;
  } else {
    console.log(`OK ${id}`);
  }
}
console.log(`validated ${count} object(s), ${failures} invalid`);
process.exit(failures === 0 && count > 0 ? 0 : 1);
