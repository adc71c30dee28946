// Validates Kubernetes objects against the Kubernetes API's own schemas (the kubernetes-models packages,
// generated from the API's OpenAPI documents; ServiceMonitor and Gateway API routes from their CRDs):
//   node validate.mjs FILE...   (multi-document YAML or JSON)
// Prints one line per object and a last line "N objects, M failures"; exits 1 on any failure, or on an object
// whose kind has no schema here (an object no cluster would take is a failure, not a skip).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const modules = (apiVersion) => {
  if (!apiVersion.includes("/")) return `kubernetes-models/${apiVersion}`;
  const [group, version] = apiVersion.split("/");
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${group}/${version}`;
  if (group.startsWith("gateway.networking")) return `@kubernetes-models/gateway-api/${group}/${version}`;
  return `kubernetes-models/${group}/${version}`;
};

let objects = 0;
let failures = 0;
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    const object = document.toJSON();
    if (!object) continue;
    objects++;
    const name = `${object.kind}/${object.metadata?.name ?? "?"}`;
    try {
      if (!object.apiVersion || !object.kind) throw new Error("apiVersion and kind are required");
      const module = await import(modules(object.apiVersion)).catch(() => {
        throw new Error(`no schema for apiVersion ${object.apiVersion}`);
      });
      const Model = module[object.kind];
      if (!Model) throw new Error(`no schema for kind ${object.kind} in ${object.apiVersion}`);
      new Model(object).validate();
      console.log(`ok   ${name}`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${name} (${file}): ${error.message}`);
    }
  }
}
console.log(`${objects} objects, ${failures} failures`);
process.exit(failures > 0 || objects === 0 ? 1 : 0);
