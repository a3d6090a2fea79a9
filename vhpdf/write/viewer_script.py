"""The "Vollständigkeit prüfen" script: the catalogue's fehler rules, run inside the viewer.

Generated from forms/ like everything else: the rules and the fields they name are embedded as
data, and one small interpreter (Acrobat JavaScript, ES3-compatible for old readers) evaluates
the same condition tests as check.py. The form never depends on it: with JavaScript off,
nothing is lost but this convenience, and `vhpdf check` remains the authority.
"""

from __future__ import annotations

import json

from vhpdf.form.definition import FieldType, FormDefinition, Requirement, Severity
from vhpdf.form.formats import Format
from vhpdf.form.messages import text

_KIND = {FieldType.TEXT: "t", FieldType.CHOICE: "c", FieldType.CHECKBOX: "x",
         FieldType.RADIO: "r", FieldType.SIGNATURE: "s"}

_ENGINE = r"""
var doc = this;
function fmatch(p, n) {
  var re = "^" + p.replace(/[.+^${}()|\[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$";
  return new RegExp(re).test(n);
}
function expand(ps) {
  var out = [], seen = {};
  for (var i = 0; i < ps.length; i++)
    for (var j = 0; j < NAMES.length; j++)
      if (!seen[NAMES[j]] && fmatch(ps[i], NAMES[j])) { seen[NAMES[j]] = 1; out.push(NAMES[j]); }
  return out;
}
function val(n) {
  var f = doc.getField(n), k = FIELDS[n].k;
  if (!f) return k == "x" ? false : "";
  if (k == "x") return f.value != "Off" && f.value !== "" && f.value != null;
  var v = (k == "r") ? String(f.value) : String(f.valueAsString);
  if (k == "r" && v == "Off") v = "";
  return v;
}
function filled(v) { return typeof v == "string" ? v.replace(/\s+/g, "") != "" : !!v; }
function parseDate(t) {
  var m = DATE.exec(String(t).replace(/^\s+|\s+$/g, ""));
  if (!m) return null;
  var d = +m[1], mo = +m[2], y = +m[3];
  if (y < 1900 || y > 2100) return null;
  var x = new Date(y, mo - 1, d);
  return (x.getFullYear() == y && x.getMonth() == mo - 1 && x.getDate() == d) ? x : null;
}
function parseTime(t) {
  var m = TIME.exec(String(t).replace(/^\s+|\s+$/g, ""));
  if (!m || +m[1] > 23 || +m[2] > 59) return null;
  return +m[1] * 60 + +m[2];
}
function accepts(fmt, t) {
  t = t.replace(/^\s+|\s+$/g, "");
  if (fmt == "datum") return parseDate(t) !== null;
  if (fmt == "uhrzeit") return parseTime(t) !== null;
  if (fmt == "plz") return PLZ.test(t);
  if (fmt == "email") return EMAIL.test(t);
  if (fmt == "telefon") {
    var digits = t.replace(/\D/g, "").length;
    return PHONE.test(t) && digits >= 6 && digits <= 15;
  }
  return NUMBER.test(t);
}
function invalid(names, levels) {
  var bad = [];
  for (var i = 0; i < names.length; i++) {
    var f = FIELDS[names[i]], v = val(names[i]);
    if (typeof v != "string" || !filled(v)) continue;
    if (levels && levels.length && levels.indexOf(f.q || "optional") < 0) continue;
    if (f.f && !accepts(f.f, v)) bad.push(names[i]);
    else if (f.o && (f.k == "c" || f.k == "r") && f.o.indexOf(v) < 0) bad.push(names[i]);
  }
  return bad;
}
function ordered(names) {
  var pts = [], i, j;
  for (i = 0; i < names.length; i++) {
    var v = val(names[i]), t = typeof v == "string" ? v : "";
    if (FIELDS[names[i]].f == "uhrzeit" && pts.length) pts[pts.length - 1][1] = parseTime(t);
    else pts.push([parseDate(t), null]);
  }
  for (i = 0; i < pts.length; i++) {
    if (pts[i][0] === null && pts[i][1] !== null) {
      var others = [];
      for (j = i + 1; j < pts.length; j++) if (pts[j][0]) others.push(pts[j][0]);
      for (j = i - 1; j >= 0; j--) if (pts[j][0]) others.push(pts[j][0]);
      pts[i][0] = others.length ? others[0] : null;
    }
  }
  var dated = [];
  for (i = 0; i < pts.length; i++) if (pts[i][0] !== null) dated.push(pts[i]);
  for (i = 0; i + 1 < dated.length; i++) {
    var a = dated[i], b = dated[i + 1];
    if (a[1] !== null && b[1] !== null) {
      if (a[0].getTime() + a[1] * 60000 > b[0].getTime() + b[1] * 60000) return false;
    } else if (a[0].getTime() > b[0].getTime()) return false;
  }
  return true;
}
function holds(c) {
  var names = expand(c.f), vals = [], i;
  for (i = 0; i < names.length; i++) vals.push(val(names[i]));
  var all = function (p) { for (var k = 0; k < vals.length; k++) if (!p(vals[k])) return false; return true; };
  var any = function (p) { for (var k = 0; k < vals.length; k++) if (p(vals[k])) return true; return false; };
  if (c.t == "filled") return all(filled);
  if (c.t == "any_filled") return any(filled);
  if (c.t == "empty") return !any(filled);
  if (c.t == "checked") return all(function (v) { return v === true; });
  if (c.t == "any_checked") return any(function (v) { return v === true; });
  if (c.t == "one_of") return all(function (v) { return typeof v == "string" && c.v.indexOf(v) >= 0; });
  if (c.t == "time_between") {
    var s = parseTime(c.v[0]), e = parseTime(c.v[1]);
    if (!vals.length) return false;
    return all(function (v) {
      var tm = typeof v == "string" ? parseTime(v) : null;
      return tm !== null && ((s <= e) ? (s <= tm && tm < e) : (tm >= s || tm < e));
    });
  }
  if (c.t == "ordered") return ordered(names);
  if (c.t == "valid") return !invalid(names, c.v).length;
  // a viewer cannot verify a signature: as in vhpdf without verification, presence decides
  if (c.t == "signature_state")
    return c.v.indexOf(any(function (v) { return v === true; }) ? "nicht_geprueft" : "unsigniert") >= 0;
  if (c.t == "signature_trust") return c.v.indexOf("ungeprueft") >= 0;
  return true;
}
function sub(c, n) {
  var f = [];
  for (var i = 0; i < c.f.length; i++) f.push(c.f[i].replace(/\{n\}/g, n));
  return {t: c.t, f: f, v: c.v};
}
function apply(r, out) {
  var i;
  for (i = 0; i < r.when.length; i++) if (!holds(r.when[i])) return;
  var valid = [];
  for (i = 0; i < r.req.length; i++) if (r.req[i].t == "valid") valid.push(r.req[i]);
  if (valid.length) {
    for (i = 0; i < valid.length; i++) {
      var bad = invalid(expand(valid[i].f), valid[i].v);
      for (var j = 0; j < bad.length; j++) {
        var f = FIELDS[bad[j]];
        out.push(r.m.replace("{label}", f.l).replace("{erwartet}", f.e || NO_OPTION));
      }
    }
    return;
  }
  var ok = true;
  for (i = 0; i < r.req.length; i++) ok = ok && holds(r.req[i]);
  if (r.any.length) {
    var some = false;
    for (i = 0; i < r.any.length; i++) some = some || holds(r.any[i]);
    ok = ok && some;
  }
  if (ok && (r.req.length || r.any.length)) return;
  out.push(r.m);
}
function check() {
  var out = [];
  for (var i = 0; i < RULES.length; i++) {
    var r = RULES[i];
    if (!r.each) { apply(r, out); continue; }
    for (var n = 1; n <= PERSONS; n++) {
      var s = function (cs) { var o = []; for (var k = 0; k < cs.length; k++) o.push(sub(cs[k], n)); return o; };
      apply({m: r.m.replace(/\{n\}/g, n), when: s(r.when), req: s(r.req), any: s(r.any)}, out);
    }
  }
  return out;
}
var found = check();
app.alert({cTitle: TITLE, nIcon: found.length ? 1 : 3,
           cMsg: found.length ? HEAD + "\n\n\u2022 " + found.join("\n\u2022 ") : OK});
"""


def _conditions(conds) -> list[dict]:
    return [{"t": c.test.value, "f": list(c.fields), "v": list(c.values)} for c in conds]


def completeness_script(form: FormDefinition, persons: int) -> str:
    """The button's script for a form with `persons` person blocks."""
    fields = {}
    for f in form.fields(persons):
        entry: dict[str, object] = {"k": _KIND[f.type], "l": f.label}
        if f.requirement is not Requirement.OPTIONAL:  # absent = optional (keeps the script small)
            entry["q"] = f.requirement.value
        if f.format:
            entry["f"], entry["e"] = f.format.value, f.format.description
        if f.options:
            entry["o"] = list(f.option_values)
        fields[f.name] = entry
    rules = [{"m": r.message, "each": bool(r.each), "when": _conditions(r.when),
              "req": _conditions(r.require), "any": _conditions(r.require_any)}
             for r in form.rules if r.severity is Severity.FEHLER]

    def data(value) -> str:
        return json.dumps(value, ensure_ascii=True, separators=(",", ":"))

    def regex(pattern) -> str:
        body = pattern.pattern.replace("/", "\\/")
        body = "".join(c if ord(c) < 128 else f"\\u{ord(c):04x}" for c in body)
        return "/^(?:" + body + ")$/"

    head = [f"var RULES = {data(rules)};", f"var FIELDS = {data(fields)};",
            f"var NAMES = {data([f.name for f in form.fields(persons)])};",
            f"var PERSONS = {persons};", f"var TITLE = {data(text('schreiben.pruefen_knopf'))};",
            f"var OK = {data(text('schreiben.pruefen_ok'))};", f"var HEAD = {data(text('schreiben.pruefen_kopf'))};",
            f"var NO_OPTION = {data(text('pruefung.auswahl_nicht_vorgesehen'))};",
            f"var DATE = {regex(Format.DATUM.pattern)}; var TIME = {regex(Format.UHRZEIT.pattern)};",
            f"var PLZ = {regex(Format.PLZ.pattern)}; var EMAIL = {regex(Format.EMAIL.pattern)};",
            f"var PHONE = {regex(Format.TELEFON.pattern)}; var NUMBER = {regex(Format.ZAHL.pattern)};"]
    assert {f.value for f in Format} == {"datum", "uhrzeit", "plz", "email", "telefon", "zahl"}
    script = "\n".join(head) + _ENGINE
    assert script.isascii()  # stored as a plain stream: no encoding questions in any viewer
    return script
