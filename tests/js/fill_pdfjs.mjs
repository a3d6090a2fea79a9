// Fill a PDF form the way Firefox does: pdf.js annotationStorage.setValue + saveDocument().
// Usage: node fill_pdfjs.mjs IN.pdf VALUES.json OUT.pdf
// VALUES maps fully qualified field names to a string (text, choice, radio export value)
// or a boolean (checkbox). A name pdf.js does not know is an error, so a test cannot pass
// by filling nothing.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const [input, valuesPath, output] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const fonts = path.join(here, "node_modules", "pdfjs-dist", "standard_fonts") + path.sep;
const values = JSON.parse(fs.readFileSync(valuesPath, "utf8"));
const doc = await getDocument({
  data: new Uint8Array(fs.readFileSync(input)),
  standardFontDataUrl: fonts,
  isEvalSupported: false,
  enableXfa: false,
  verbosity: 0,
}).promise;
const fields = await doc.getFieldObjects();
const storage = doc.annotationStorage;
for (const [name, value] of Object.entries(values)) {
  const widgets = fields?.[name];
  if (!widgets) throw new Error(`pdf.js kennt das Feld nicht: ${name}`);
  for (const w of widgets) {
    if (!w.id) continue; // the parent entry of a field with several widgets
    if (w.type === "checkbox") storage.setValue(w.id, { value: Boolean(value) });
    else if (w.type === "radiobutton") storage.setValue(w.id, { value: w.exportValues === value });
    else storage.setValue(w.id, { value: value ?? "" });
  }
}
fs.writeFileSync(output, await doc.saveDocument());
await doc.destroy();
