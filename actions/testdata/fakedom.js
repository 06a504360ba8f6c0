// A fake browser, just enough for the JavaScript that package actions
// generates. It reads from stdin
//
//   {"js": "...", "elements": [{"id": "m", "tag": "p"}],
//    "selectors": {"li": ["a", "b"]}, "fire": [{"id": "send", "type": "click"}],
//    "confirm": true}
//
// creates the elements, runs js in a fresh global scope whose client
// globals (qi, qs, qa, alert, confirm, ws, enc, tuple, ...) record what
// they are asked to do, fires the events, and prints
//
//   {"log": [["textContent", "m", "..."], ...], "elements": {...}, "error": "..."}
"use strict";
const vm = require("vm");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const log = [];
const els = Object.create(null);

function element(id, tag) {
  let outer = "", text = "";
  const el = {
    id,
    tagName: (tag || "div").toUpperCase(),
    hidden: true,
    attrs: {},
    classes: [],
    listeners: {},
    style: {
      display: "none",
      cssText: "",
      props: {},
      setProperty(p, v) { this.props[p] = v; log.push(["style.setProperty", id, p, v]); },
    },
    classList: {
      add(...cs) { check(cs); log.push(["classList.add", id, ...cs]); cs.forEach(c => { if (!el.classes.includes(c)) el.classes.push(c); }); },
      remove(...cs) { check(cs); log.push(["classList.remove", id, ...cs]); el.classes = el.classes.filter(c => !cs.includes(c)); },
      toggle(c) { check([c]); log.push(["classList.toggle", id, c]); },
    },
    insertAdjacentHTML(pos, html) { log.push(["insertAdjacentHTML", id, pos, html]); },
    setAttribute(n, v) { el.attrs[n] = String(v); log.push(["setAttribute", id, n, v]); },
    removeAttribute(n) { delete el.attrs[n]; log.push(["removeAttribute", id, n]); },
    addEventListener(t, f) { (el.listeners[t] = el.listeners[t] || []).push(f); log.push(["addEventListener", id, t]); },
    removeEventListener(t, f) { el.listeners[t] = (el.listeners[t] || []).filter(g => g !== f); log.push(["removeEventListener", id, t]); },
    dataset: {},
    focus() { log.push(["focus", id]); },
    remove() { log.push(["remove", id]); },
    method(...args) { log.push(["method", id, ...args]); },
    setCustomValidity(m) { log.push(["setCustomValidity", id, m]); },
    reportValidity() { log.push(["reportValidity", id]); },
    scrollTo(...args) { log.push(["scrollTo", id, ...args]); },
  };
  if (el.tagName === "INPUT") el.select = function () { log.push(["select", id]); };
  if (el.tagName === "TABLE") el.tBodies = [element(id + "/tbody", "tbody")];
  Object.defineProperty(el, "outerHTML", { get: () => outer, set: v => { outer = v; log.push(["outerHTML", id, v]); } });
  Object.defineProperty(el, "textContent", { get: () => text, set: v => { text = v; log.push(["textContent", id, v]); } });
  return el;
}

// check throws as classList does on a token that is empty or has a space.
function check(tokens) {
  for (const t of tokens) if (t === "" || /\s/.test(t)) throw new Error("InvalidCharacterError: " + t);
}

for (const e of input.elements || []) els[e.id] = element(e.id, e.tag);
const selectors = input.selectors || {};

const sandbox = {
  qi: id => (id in els ? els[id] : null),
  qs: sel => ((selectors[sel] || []).map(id => els[id])[0] || null),
  qa: sel => (selectors[sel] || []).map(id => els[id]),
  alert: t => { log.push(["alert", t]); },
  confirm: t => { log.push(["confirm", t]); return !!input.confirm; },
  window: { location: { assign: u => { log.push(["location.assign", u]); } } },
  ws: { send: m => { log.push(["ws.send", m]); } },
  enc: t => t,
  tuple: (...a) => ({ tuple: a }),
  atom: a => ({ atom: a }),
  bin: b => ({ bin: b }),
  querySource: id => ({ querySource: id }),
  validateSources: (ids, id) => { log.push(["validateSources", ids, id]); return true; },
  console: { log: (...a) => { log.push(["console.log", ...a]); }, error: (...a) => { log.push(["console.error", ...a]); } },
};
vm.createContext(sandbox);

const out = { log, elements: {} };
try {
  vm.runInContext(input.js, sandbox);
  for (const f of input.fire || []) {
    const el = els[f.id];
    for (const h of (el.listeners[f.type] || []).slice()) {
      h.call(el, { type: f.type, preventDefault() { log.push(["preventDefault", f.id]); } });
    }
  }
} catch (e) {
  out.error = String(e);
}
for (const id in els) {
  const el = els[id];
  out.elements[id] = {
    hidden: el.hidden, display: el.style.display, cssText: el.style.cssText, props: el.style.props,
    attrs: el.attrs, classes: el.classes, value: el.value, dataset: el.dataset,
    listeners: Object.fromEntries(Object.entries(el.listeners).map(([t, l]) => [t, l.length])),
  };
}
process.stdout.write(JSON.stringify(out));
