// Run vhpdf's "Vollständigkeit prüfen" script against field values, outside any PDF viewer.
// Usage: node run_script.mjs SCRIPT.js FIELDS.json  (FIELDS: name -> {type, value})
// Prints the alert's message as JSON. Only vhpdf's own generated script is run here.
import fs from "node:fs";
import vm from "node:vm";

const [scriptPath, fieldsPath] = process.argv.slice(2);
const fields = JSON.parse(fs.readFileSync(fieldsPath, "utf8"));
const doc = {
  getField(name) {
    const f = fields[name];
    if (!f) return null;
    return { type: f.type, value: f.value, valueAsString: String(f.value) };
  },
};
const alerts = [];
const app = { alert(arg) { alerts.push(typeof arg === "string" ? arg : arg.cMsg); } };
vm.runInNewContext(`(function () {\n${fs.readFileSync(scriptPath, "utf8")}\n}).call(doc);`,
                   { doc, app }, { timeout: 5000 });
process.stdout.write(JSON.stringify(alerts));
