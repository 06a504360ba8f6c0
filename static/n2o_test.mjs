// Tests of n2o.js, and of its bundle n2o.min.js, with Node's test runner:
//
//	node --test static/n2o_test.mjs
//
// (static/node_test.go runs this from go test.) Each test loads the script
// into a fresh vm context with a small fake window, document, WebSocket
// and timers. BERT is checked byte for byte against vectors made by the
// Go encoder (testdata/bert_vectors.json, from bert_vectors_test.go).
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import vm from 'node:vm';

const read = (name) => fs.readFileSync(new URL(name, import.meta.url), 'utf8');
const vectors = JSON.parse(read('testdata/bert_vectors.json')).vectors;
const files = ['n2o.js', 'n2o.min.js'];

// ---- A fake browser

class ClassList {
  constructor() { this.set = new Set(); }
  add(c) { this.set.add(c); }
  remove(c) { this.set.delete(c); }
  contains(c) { return this.set.has(c); }
  toggle(c, force) {
    const on = force === undefined ? !this.set.has(c) : !!force;
    on ? this.set.add(c) : this.set.delete(c);
    return on;
  }
}

class El {
  constructor(tag, props = {}, attrs = {}) {
    this.tagName = tag.toUpperCase();
    this.attrs = {...attrs};
    this.classList = new ClassList();
    this.listeners = {};
    this.children = [];
    this.textContent = '';
    this.reported = 0;
    Object.assign(this, props);
  }
  getAttribute(n) { return n in this.attrs ? this.attrs[n] : null; }
  hasAttribute(n) { return n in this.attrs; }
  setAttribute(n, v) { this.attrs[n] = String(v); }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  dispatchEvent(e) {
    for (const fn of this.listeners[e.type] || []) fn(e);
    return !e.defaultPrevented;
  }
  querySelector(sel) {
    assert.equal(sel, ':checked');
    return this.children.find((c) => c.checked) || null;
  }
}

// An input with constraint validation: valid unless props.valid is false.
class Input extends El {
  checkValidity() { return this.valid !== false; }
  reportValidity() { this.reported++; return this.valid !== false; }
}

class CustomEvent {
  constructor(type, init = {}) {
    Object.assign(this, {type, detail: init.detail, cancelable: init.cancelable, defaultPrevented: false});
  }
  preventDefault() { if (this.cancelable) this.defaultPrevented = true; }
}

class Storage {
  constructor() { this.m = new Map(); }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
}

// load runs a script in a fresh browser. opts: file, location (fields),
// token (in sessionStorage), cookie (X-Auth-Token's value), script (the
// <script> element's attributes), globals (set before the script runs),
// elements (added to the document), readyState, nonce (the <script>
// element's nonce property). The scripts the page inserts run as they are
// inserted, and nothing can eval strings, as under a CSP without
// 'unsafe-eval'.
function load(opts = {}) {
  const sockets = [], timers = [], errors = [], elements = [...(opts.elements || [])];
  let nextTimer = 1;
  const jar = new Map(), cookieWrites = [];
  const html = new El('html'), scripts = [];
  const doc = {
    readyState: opts.readyState || 'complete',
    documentElement: html,
    currentScript: opts.script || opts.nonce ? new El('script', {nonce: opts.nonce}, opts.script) : null,
    listeners: {},
    addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); },
    getElementById: (id) => elements.find((e) => e.id === id) || null,
    querySelector(sel) {
      const m = /^input\[name="((?:[^"\\]|\\.)*)"\]:checked$/.exec(sel);
      assert.ok(m, 'unexpected selector ' + sel);
      const name = m[1].replace(/\\(.)/g, '$1');
      return elements.find((e) => e.tagName == 'INPUT' && e.getAttribute('name') === name && e.checked) || null;
    },
    querySelectorAll: (sel) => elements.filter((e) => e.tagName == sel.toUpperCase()),
    createElement: (tag) => new El(tag),
  };
  Object.defineProperty(doc, 'cookie', {
    get: () => [...jar].map(([k, v]) => k + '=' + v).join('; '),
    set(s) {
      cookieWrites.push(s);
      const kv = s.split(';')[0], i = kv.indexOf('=');
      jar.set(kv.slice(0, i).trim(), kv.slice(i + 1));
    },
  });
  if (opts.cookie != null) jar.set('X-Auth-Token', opts.cookie);

  class WebSocket {
    constructor(url) {
      Object.assign(this, {url, readyState: 0, sent: [], cookieAtOpen: doc.cookie});
      sockets.push(this);
    }
    send(x) {
      if (this.readyState !== 1) throw new Error('send on a socket that is not open');
      this.sent.push(typeof x == 'string' ? x : hex(x));
    }
    close() { this.readyState = 3; }
    // What the server and the network do:
    open() { this.readyState = 1; this.onopen({}); }
    drop() { this.readyState = 3; this.onclose({code: 1006}); }
    recv(data) { this.onmessage({data: typeof data == 'string' ? data : new Uint8Array(data).buffer}); }
    recvTerm(js) { this.recv(w.enc(vm.runInContext('(' + js + ')', ctx))); }
  }

  const sessionStorage = new Storage(), localStorage = new Storage();
  if (opts.token != null) sessionStorage.setItem('token', opts.token);
  const winListeners = {};
  const w = {
    document: doc,
    location: {protocol: 'http:', host: 'example.test:8000', pathname: '/app/page', search: '?room=a', ...opts.location},
    sessionStorage, localStorage, WebSocket, CustomEvent,
    TextEncoder, TextDecoder, Blob, crypto: globalThis.crypto, atob,
    console: {log() {}, warn() {}, error: (...a) => errors.push(a.map(String).join(' '))},
    setTimeout: (fn, ms) => (timers.push({id: nextTimer, fn, ms}), nextTimer++),
    clearTimeout: (id) => { const i = timers.findIndex((t) => t.id === id); if (i >= 0) timers.splice(i, 1); },
    setInterval: (fn, ms) => (timers.push({id: nextTimer, fn, ms, every: true}), nextTimer++),
    clearInterval: (id) => w.clearTimeout(id),
    addEventListener(type, fn) { (winListeners[type] ||= []).push(fn); },
    removeEventListener(type, fn) {
      const l = winListeners[type] || [], i = l.indexOf(fn);
      if (i >= 0) l.splice(i, 1);
    },
    ...opts.globals,
  };
  w.window = w;
  const ctx = vm.createContext(w, {codeGeneration: {strings: false}});
  // A script element runs as it is inserted; what it throws goes to the
  // window's error listeners, not to the code that inserted it.
  html.appendChild = (el) => {
    html.children.push(el);
    el.remove = () => {
      const i = html.children.indexOf(el);
      if (i >= 0) html.children.splice(i, 1);
    };
    if (el.tagName != 'SCRIPT') return el;
    scripts.push({nonce: el.nonce, text: el.text});
    try {
      vm.runInContext(el.text, ctx);
    } catch (error) {
      const e = {type: 'error', error, message: String(error), defaultPrevented: false, preventDefault() { this.defaultPrevented = true; }};
      for (const fn of [...(winListeners.error || [])]) fn(e);
      if (!e.defaultPrevented) errors.push('Uncaught ' + error);
    }
    return el;
  };
  vm.runInContext('Date.now = () => globalThis.__now', ctx);
  w.__now = 1e12;
  vm.runInContext(read(opts.file || 'n2o.js'), ctx, {filename: opts.file || 'n2o.js'});
  const b = {
    w, ctx, doc, html, scripts, winListeners, sockets, timers, errors, elements, cookieWrites, sessionStorage, localStorage,
    get sock() { return sockets[sockets.length - 1]; },
    eval: (js) => vm.runInContext(js, ctx),
    term: (js) => vm.runInContext('(' + js + ')', ctx),
    // fire runs the pending timer of ms (or the only one), as time passes.
    fire(pred = () => true) {
      const t = timers.find(pred);
      assert.ok(t, 'no such timer');
      if (!t.every) w.clearTimeout(t.id);
      t.fn();
      return t;
    },
    reconnectTimer: () => timers.find((t) => !t.every),
    beat: () => timers.find((t) => t.every),
    emit: (type, e = {}) => (winListeners[type] || []).forEach((fn) => fn(e)),
  };
  return b;
}

function hex(u8) { return Array.from(u8, (x) => x.toString(16).padStart(2, '0')).join(''); }
function unhex(s) { return Uint8Array.from(Buffer.from(s, 'hex')); }
function sha256(u8) { return crypto.createHash('sha256').update(Uint8Array.from(u8)).digest('hex'); }

// plain turns a term of the context's realm into plain data of this one,
// with bytes as {bytes: [...]}, for deepEqual.
function plain(x) {
  if (ArrayBuffer.isView(x)) return {bytes: Array.from(x)};
  if (Array.isArray(x)) return Array.from(x, plain);
  if (x && typeof x == 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

const tick = () => new Promise((r) => setImmediate(r));

// dec of a frame the page sent, as hex.
const sentTerm = (b, h) => plain(b.w.dec(unhex(h)));

for (const file of files) {
  describe(file, () => {
    test('defines the globals', () => {
      const b = load({file});
      const fns = ['qi', 'qs', 'qa', 'qn', 'enc', 'dec', 'encJSON', 'decJSON', 'formatter', 'tuple', 'atom', 'bin', 'string', 'number', 'float', 'list',
        'nil', 'map', 'querySource', 'validateSources', 'direct'];
      for (const name of fns) assert.equal(typeof b.w[name], 'function', name);
      for (const name of ['ws', 'ftp', '$io']) assert.equal(typeof b.w[name], 'object', name);
      assert.equal(typeof b.w.ws.send, 'function');
      for (const name of ['init', 'start', 'stop', 'abort', 'upload', 'item']) assert.equal(typeof b.w.ftp[name], 'function', 'ftp.' + name);
      // A page that set $io before the script keeps it.
      const io = {do() {}};
      assert.equal(load({file, globals: {$io: io}}).w.$io, io);
    });

    describe('BERT vectors of the Go encoder', () => {
      const b = load({file});
      for (const v of vectors) {
        test(v.name, () => {
          let want = v.hex, input;
          if (v.js) {
            const got = b.w.enc(b.term(v.js));
            assert.equal(got[0], 131);
            if (v.hex) assert.equal(hex(got), v.hex, v.js);
            else assert.deepEqual([got.length, sha256(got)], [v.size, v.sha256], v.js);
            input = got;
          }
          input = v.in ? unhex(v.in) : input || unhex(v.hex);
          const again = b.w.enc(b.w.dec(input));
          if (want) assert.equal(hex(again), want);
          else assert.equal(sha256(again), v.sha256);
        });
      }
    });

    test('dec gives N2O terms', () => {
      const b = load({file});
      const tests = [
        ['836105', {t: 97, v: 5}],
        ['8362ffffffff', {t: 98, v: -1}],
        ['836e040101000080', {t: 110, v: -2147483649}],
        ['836e0900000000000000000001', {t: 110, v: 2 ** 64}],
        ['836e0901000000000000000001', {t: 110, v: -(2 ** 64)}],
        ['83463ff8000000000000', {t: 70, v: 1.5}],
        ['8377026f6b', {t: 119, v: 'ok'}],
        ['837705636166c3a9', {t: 119, v: 'café'}],
        ['83640004636166e9', {t: 100, v: 'café'}], // Latin-1, as Erlang reads ATOM_EXT
        ['836d00000004f09f9880', {t: 109, v: '😀'}],
        ['836d00000003c328ff', {t: 109, v: {bytes: [0xc3, 0x28, 0xff]}}], // not UTF-8: the bytes
        ['836b00036869ff', {t: 107, v: {bytes: [104, 105, 255]}}],
        ['836a', {t: 106, v: []}],
        ['836c000000016101770174', {t: 108, v: [{t: 97, v: 1}], tail: {t: 119, v: 't'}}],
        ['836c00000001610a6a', {t: 108, v: [{t: 97, v: 10}]}],
        ['83680261017700', {t: 104, v: [{t: 97, v: 1}, {t: 119, v: ''}]}],
        ['8374000000017701616101', {t: 116, v: [{k: {t: 119, v: 'a'}, v: {t: 97, v: 1}}]}],
        ['834d0000000203ffe0', {t: 77, bits: 3, v: {bytes: [255, 224]}}],
      ];
      for (const [h, want] of tests) assert.deepEqual(plain(b.w.dec(unhex(h))), want, h);
      // Any view or buffer, at any offset.
      const framed = unhex('00008361070000').subarray(2, 5);
      assert.deepEqual(plain(b.w.dec(framed)), {t: 97, v: 7});
      assert.deepEqual(plain(b.w.dec(unhex('836107').buffer)), {t: 97, v: 7});
    });

    test('dec refuses what it cannot read', () => {
      const b = load({file});
      const tests = [
        ['', /truncated/],
        ['8461', /131/],
        ['8350000000047801', /unsupported tag 80 \(compressed\)/],
        ['83580000', /unsupported tag 88/],
        ['836d0000000a41', /truncated/],
        ['836c00000002610161', /truncated/],
        ['836f7fffffff00', /truncated/],
        ['83610100', /1 bytes after the term/],
        ['8368', /truncated/],
      ];
      for (const [h, want] of tests) assert.throws(() => b.w.dec(unhex(h)), want, h);
    });

    // N2O's example message {io, <<"console.log('hello')">>, 1}, as
    // nitro/format's JSON writes it (its format_test.go holds these bytes).
    const helloJSON = `{"t":104,"v":[{"t":100,"v":"io"},{"t":109,"v":"console.log('hello')"},{"t":97,"v":1}]}`;
    const helloBERT = '8368037702696f6d00000014636f6e736f6c652e6c6f67282768656c6c6f2729' + '6101';

    test('JSON: the bytes of the Go formatter', () => {
      const b = load({file});
      const want = {t: 104, v: [{t: 100, v: 'io'}, {t: 109, v: "console.log('hello')"}, {t: 97, v: 1}]};
      assert.deepEqual(plain(b.w.decJSON(new TextEncoder().encode(helloJSON))), want);
      assert.equal(new TextDecoder().decode(b.w.encJSON(b.w.dec(unhex(helloBERT)))), helloJSON);
      const tests = [
        ['{"t":109,"v":[195,40,255]}', {t: 109, v: {bytes: [0xc3, 0x28, 0xff]}}], // not UTF-8: the bytes
        ['{"t":107,"v":"hi"}', {t: 107, v: {bytes: [104, 105]}}],
        ['{"t":106}', {t: 106, v: []}],
        ['{"t":110,"v":"18446744073709551616"}', {t: 110, v: 2 ** 64}],
        ['{"t":108,"v":[{"t":97,"v":1}],"tail":{"t":100,"v":"t"}}', {t: 108, v: [{t: 97, v: 1}], tail: {t: 100, v: 't'}}],
        ['{"t":116,"v":[{"k":{"t":100,"v":"a"},"v":{"t":97,"v":1}}]}', {t: 116, v: [{k: {t: 100, v: 'a'}, v: {t: 97, v: 1}}]}],
        ['[{"t":97,"v":1}]', {t: 108, v: [{t: 97, v: 1}]}],
      ];
      for (const [j, want] of tests) assert.deepEqual(plain(b.w.decJSON(new TextEncoder().encode(j))), want, j);
      const encs = [
        ["bin('<a & b>\u2028')", String.raw`{"t":109,"v":"\u003ca \u0026 b\u003e\u2028"}`],
        ['number(300)', '{"t":98,"v":300}'],
        ['number(2 ** 40)', '{"t":110,"v":1099511627776}'],
        ['number(-(2 ** 64))', '{"t":110,"v":"-18446744073709551616"}'],
        ['float(-0)', '{"t":70,"v":-0}'],
        ["list(atom('a'))", '{"t":108,"v":[{"t":100,"v":"a"}]}'],
        ["string('')", '{"t":106}'],
      ];
      for (const [js, want] of encs) assert.equal(new TextDecoder().decode(b.w.encJSON(b.term(js))), want, js);
      assert.throws(() => b.w.encJSON(b.term('float(NaN)')), /NaN/);
      assert.throws(() => b.w.decJSON(new TextEncoder().encode('{"t":42,"v":1}')), /tag 42/);
    });

    test('JSON: every BERT vector survives encJSON and decJSON', () => {
      const b = load({file});
      for (const v of vectors) {
        const t = b.w.dec(v.in ? unhex(v.in) : v.js ? b.w.enc(b.term(v.js)) : unhex(v.hex));
        if (JSON.stringify(plain(t)).includes('"t":77')) continue; // JSON keeps no bit count
        assert.equal(hex(b.w.enc(b.w.decJSON(b.w.encJSON(t)))), hex(b.w.enc(t)), v.name);
      }
    });

    test('formatter: a switch to JSON and back', () => {
      const te = new TextEncoder(), td = new TextDecoder();
      const b = load({file});
      b.sock.open();
      assert.equal(b.w.formatter(), 'bert');
      assert.equal(b.w.formatter('json'), true);
      assert.deepEqual(sentTerm(b, b.sock.sent[1]), plain(b.term("tuple(atom('format'), bin('json'))")));
      b.w.direct(b.term("atom('early')")); // before the answer: still BERT
      assert.equal(b.sock.sent[2].slice(0, 2), '83');
      b.sock.recv(te.encode(helloJSON)); // read by its first byte, whatever the client writes
      assert.equal(b.scripts.length, 1);
      assert.match(b.scripts[0].text, /console\.log\('hello'\)/);
      assert.equal(b.w.formatter(), 'bert', 'a JSON frame alone switches nothing');
      b.sock.recvTerm("tuple(atom('format'), atom('json'))"); // the answer, in BERT
      assert.equal(b.w.formatter(), 'json');
      b.w.direct(b.term("atom('hi')"));
      assert.equal(td.decode(unhex(b.sock.sent[3])), '{"t":104,"v":[{"t":100,"v":"direct"},{"t":100,"v":"hi"}]}');
      // And back: asked in JSON, answered in JSON.
      b.w.formatter('bert');
      assert.equal(td.decode(unhex(b.sock.sent[4])), '{"t":104,"v":[{"t":100,"v":"format"},{"t":109,"v":"bert"}]}');
      b.sock.recv(te.encode('{"t":104,"v":[{"t":100,"v":"format"},{"t":100,"v":"bert"}]}'));
      assert.equal(b.w.formatter(), 'bert');
      b.w.direct(b.term("atom('hi')"));
      assert.deepEqual(sentTerm(b, b.sock.sent[5]), plain(b.term("tuple(atom('direct'), atom('hi'))")));
      assert.deepEqual(b.errors, []);
      // A new socket starts in BERT, as the server does.
      b.w.formatter('json');
      b.sock.recvTerm("tuple(atom('format'), atom('json'))");
      assert.equal(b.w.formatter(), 'json');
      b.sock.drop();
      b.fire();
      b.sock.open();
      assert.equal(b.w.formatter(), 'bert');
      assert.throws(() => b.w.formatter('xml'), /no formatter xml/);
    });

    test('enc refuses what BERT cannot hold', () => {
      const b = load({file});
      const tests = [
        ['number(NaN)', /NaN/],
        ['float(Infinity)', /Infinity/],
        ["atom('a'.repeat(65536))", /65535/],
        ['({t: 42, v: 1})', /tag 42/],
      ];
      for (const [js, want] of tests) assert.throws(() => b.w.enc(b.term(js)), want, js);
    });

    test('constructors', () => {
      const b = load({file});
      const tests = [
        ['number(7)', {t: 97, v: 7}],
        ['number(300)', {t: 98, v: 300}],
        ['number(-5)', {t: 98, v: -5}],
        ['number(2 ** 31)', {t: 110, v: 2 ** 31}],
        ['number(0.25)', {t: 70, v: 0.25}],
        ["atom('x')", {t: 119, v: 'x'}],
        ["bin('x')", {t: 109, v: 'x'}],
        ["string('hé')", {t: 107, v: {bytes: [104, 0xc3, 0xa9]}}],
        ['nil()', {t: 106, v: []}],
        ["tuple(atom('a'), list())", {t: 104, v: [{t: 119, v: 'a'}, {t: 108, v: []}]}],
        ["map({k: atom('a'), v: nil()})", {t: 116, v: [{k: {t: 119, v: 'a'}, v: {t: 106, v: []}}]}],
      ];
      for (const [js, want] of tests) assert.deepEqual(plain(b.term(js)), want, js);
    });

    test('querySource types the values', () => {
      const bind = Buffer.from([131, 104, 2, 119, 1, 97, 97, 1]).toString('base64'); // {a, 1}
      const sel = (value, options, multiple) => new El('select', {value, multiple, selectedOptions: options.map((value) => ({value}))});
      const b = load({
        file,
        elements: [
          new Input('input', {id: 'name', type: 'text', value: 'Привет 😀'}),
          new Input('input', {id: 'age', type: 'number', value: '42'}),
          new Input('textarea', {id: 'bio', value: 'a\nb'}),
          Object.assign(sel('b', ['b']), {id: 'pick'}),
          Object.assign(sel('true', ['true']), {id: 'yes'}),
          Object.assign(sel('a', ['a', 'c'], true), {id: 'many'}),
          new Input('input', {id: 'agree', type: 'checkbox', checked: true}),
          new Input('input', {id: 'spam', type: 'checkbox', checked: false}),
          new Input('input', {id: 'r1', type: 'radio', checked: true}, {name: 'color'}),
          new Input('input', {id: 'r2', type: 'radio', checked: false, value: 'green'}, {name: 'color'}),
          new Input('input', {type: 'radio', checked: true, value: 'blue'}, {name: 'shade'}),
          new Input('input', {type: 'radio', checked: false, value: 'x'}, {name: 'size'}),
          new Input('input', {type: 'radio', checked: true, value: 'q'}, {name: 'we"ird'}),
          new Input('input', {id: 'day', type: 'date', value: '2024-02-29'}),
          new Input('input', {id: 'noday', type: 'date', value: ''}),
          new El('div', {id: 'edit', contentEditable: 'true', innerHTML: '<b>hi</b>'}),
          new El('fieldset', {id: 'fs', children: [new El('input', {checked: false, value: 'n'}), new El('input', {checked: true, value: 'y'})]}),
          new Input('input', {id: 'bound', type: 'hidden', value: 'ignored'}, {'data-bind': bind}),
          new Input('input', {id: 'plainhidden', type: 'hidden', value: 'h'}),
          new El('div', {id: 'novalue'}),
        ],
      });
      const tests = [
        ['name', "bin('Привет 😀')"],
        ['age', "bin('42')"],
        ['bio', "bin('a\\nb')"],
        ['pick', "bin('b')"],
        ['yes', "bin('true')"],
        ['many', "list(bin('a'), bin('c'))"],
        ['agree', "bin('true')"],
        ['spam', "bin('false')"],
        ['r1', "bin('true')"],
        ['r2', "bin('false')"],
        ['shade', "bin('blue')"],
        ['size', "bin('')"],
        ['we"ird', "bin('q')"],
        ['nothing', "bin('')"],
        ['day', 'tuple(number(2024), number(2), number(29))'],
        ['noday', "bin('')"],
        ['edit', "bin('<b>hi</b>')"],
        ['fs', "bin('y')"],
        ['bound', "tuple(atom('a'), number(1))"],
        ['plainhidden', "bin('h')"],
        ['novalue', "bin('')"],
      ];
      for (const [id, want] of tests) {
        assert.equal(hex(b.w.enc(b.w.querySource(id))), hex(b.w.enc(b.term(want))), id);
      }
    });

    test('validateSources', () => {
      const tests = [
        {name: 'all valid', els: [{id: 'a'}, {id: 'b'}], ids: ['a', 'b'], want: true},
        {name: 'none', els: [], ids: [], want: true},
        {name: 'missing ids are skipped', els: [], ids: ['radio-group'], want: true},
        {name: 'one invalid', els: [{id: 'a'}, {id: 'b', valid: false}], ids: ['a', 'b'], want: false, invalid: ['b'], reported: 'b'},
        {name: 'first invalid reported', els: [{id: 'a', valid: false}, {id: 'b', valid: false}], ids: ['a', 'b'], want: false, invalid: ['a', 'b'], reported: 'a'},
        {name: 'validation event', els: [{id: 'a', validation: true, veto: true}], ids: ['a'], want: false, invalid: ['a'], reported: 'a'},
        {name: 'validation event passes', els: [{id: 'a', validation: true}], ids: ['a'], want: true},
        {name: 'no constraint API', els: [{id: 'a', tag: 'div'}], ids: ['a'], want: true},
      ];
      for (const tt of tests) {
        const els = tt.els.map((e) => {
          const el = e.tag ? new El(e.tag, {id: e.id}) : new Input('input', {id: e.id, valid: e.valid, validation: e.validation, value: 'v'});
          if (e.veto) el.addEventListener('validation', (ev) => { assert.equal(ev.detail, 'v'); ev.preventDefault(); });
          el.classList.add('nitro-invalid'); // from an earlier try
          return el;
        });
        const b = load({file, elements: els});
        assert.equal(b.w.validateSources(tt.ids, 'btn'), tt.want, tt.name);
        for (const el of els) {
          const bad = (tt.invalid || []).includes(el.id);
          assert.equal(el.classList.contains('nitro-invalid'), bad, tt.name + ': class of ' + el.id);
          assert.equal(el.reported, el.id === tt.reported ? 1 : 0, tt.name + ': reportValidity of ' + el.id);
        }
      }
    });

    test('connects to /ws + the page path, with the token', () => {
      const tests = [
        {name: 'page', want: 'ws://example.test:8000/ws/app/page?room=a'},
        {name: 'https', location: {protocol: 'https:', host: 'x.test', pathname: '/', search: ''}, want: 'wss://x.test/ws/'},
        {name: 'data-ws path', script: {'data-ws': '/ws/other'}, want: 'ws://example.test:8000/ws/other'},
        {name: 'data-ws URL', script: {'data-ws': 'wss://elsewhere.test/ws/x'}, want: 'wss://elsewhere.test/ws/x'},
        {name: 'nitroWS', globals: {nitroWS: '/ws/g'}, want: 'ws://example.test:8000/ws/g'},
      ];
      for (const tt of tests) {
        const b = load({file, ...tt, token: 'T1'});
        assert.equal(b.sockets.length, 1, tt.name);
        assert.equal(b.sock.url, tt.want, tt.name);
        assert.equal(b.sock.binaryType, 'arraybuffer');
        assert.deepEqual(b.cookieWrites, [], 'the session cookie is HttpOnly: the server sets it');
      }
    });

    test('waits for the document when loaded early', () => {
      const b = load({file, readyState: 'loading'});
      assert.equal(b.sockets.length, 0);
      b.doc.listeners.DOMContentLoaded.forEach((fn) => fn());
      assert.equal(b.sockets.length, 1);
    });

    test('init, heartbeat and ws.send', () => {
      const b = load({file, token: 'T1'});
      assert.equal(b.w.ws.send('early'), false, 'send before open');
      b.sock.open();
      assert.deepEqual(b.sock.sent, ['N2O,T1']);
      assert.equal(b.w.ws.send(b.w.enc(b.term("tuple(atom('client'), bin('x'))"))), true);
      assert.equal(b.w.direct(b.term("atom('hi')")), true);
      assert.deepEqual(sentTerm(b, b.sock.sent[1]), plain(b.term("tuple(atom('client'), bin('x'))")));
      assert.deepEqual(sentTerm(b, b.sock.sent[2]), plain(b.term("tuple(atom('direct'), atom('hi'))")));
      const beat = b.beat();
      assert.equal(beat.ms, 5000);
      b.fire((t) => t.every);
      b.fire((t) => t.every);
      assert.deepEqual(b.sock.sent.slice(3), ['PING', 'PING']);
    });

    test('token from storage, never the cookie; persistent storage', () => {
      let b = load({file, cookie: 'C1'});
      b.sock.open();
      assert.equal(b.sock.sent[0], 'N2O,', 'the handshake carries the cookie; init names only a token the client was given');
      assert.deepEqual(b.cookieWrites, []);
      b = load({file, globals: {persistent: true}});
      b.sock.open();
      b.sock.recvTerm("tuple(atom('io'), bin(''), tuple(atom('Token'), bin('P1')))");
      assert.equal(b.localStorage.getItem('token'), 'P1');
      assert.equal(b.sessionStorage.getItem('token'), null);
    });

    test('io: keeps the token, calls $io.do, then runs the JavaScript', () => {
      const order = [];
      const b = load({file, globals: {$io: {do: (d) => order.push(['do', plain(d)])}, order}});
      b.sock.open();
      b.sock.recvTerm("tuple(atom('io'), bin(\"order.push(['js', qi('x') === null, typeof this]); var leaked = 1;\"), tuple(atom('Token'), bin('NEW')))");
      assert.deepEqual(plain(order), [['do', plain(b.term("tuple(atom('Token'), bin('NEW'))"))], ['js', true, 'object']]);
      assert.equal(b.sessionStorage.getItem('token'), 'NEW');
      assert.deepEqual(b.cookieWrites, [], 'the server stores a new session as the cookie');
      assert.equal(b.w.leaked, undefined, 'a var of the JS stays in its function');
      b.sock.recvTerm("tuple(atom('io'), bin(''), tuple(atom('Auth'), bin('A2')))");
      assert.equal(b.sessionStorage.getItem('token'), 'A2');
      // The token a later init sends is the new one.
      b.sock.drop();
      b.fire();
      b.sock.open();
      assert.equal(b.sock.sent[0], 'N2O,A2');
      assert.deepEqual(b.errors, []);
    });

    test('io: Unicode JavaScript', () => {
      const b = load({file, elements: [new El('p', {id: 'x'})]});
      b.sock.open();
      b.sock.recvTerm("tuple(atom('io'), bin(\"qi('x').textContent = 'Привет 😀 \\u2028';\"), bin(''))");
      assert.equal(b.elements[0].textContent, 'Привет 😀 \u2028');
    });

    test('io: runs the JavaScript in a script element with the page nonce', () => {
      const b = load({file, nonce: 'bm9uY2U='});
      b.sock.open();
      b.sock.recvTerm("tuple(atom('io'), bin('globalThis.ran = (globalThis.ran || 0) + 1'), bin(''))");
      b.sock.recvTerm("tuple(atom('io'), bin('// a comment last'), bin(''))");
      assert.equal(b.w.ran, 1);
      assert.deepEqual(b.scripts.map((s) => s.nonce), ['bm9uY2U=', 'bm9uY2U=']);
      assert.deepEqual(b.html.children, [], 'each script element goes once it ran');
      assert.deepEqual(b.errors, []);
      // What fails to parse or throws is logged as the client's, and the
      // client stops listening for errors after each script.
      b.sock.recvTerm("tuple(atom('io'), bin('}{'), bin(''))");
      b.sock.recvTerm("tuple(atom('io'), bin('qi(\"x\").y()'), bin(''))");
      assert.equal(b.errors.length, 2, b.errors.join('\n'));
      assert.match(b.errors[0], /^nitro: SyntaxError/);
      assert.match(b.errors[1], /^nitro: TypeError/);
      assert.deepEqual(b.winListeners.error || [], []);
      // Nor could it eval: the page's CSP forbids that, as this fake does.
      assert.throws(() => b.eval('new Function("return 1")'), {name: 'EvalError'});
    });

    test('ignores PONG, NOP and empty io; reports errors and bad frames', () => {
      const got = [];
      const b = load({file, globals: {nitroError: (r) => got.push(['error', r]), nitroMessage: (t) => got.push(['msg', plain(t)])}});
      b.sock.open();
      b.sock.recv('PONG');
      b.sock.recv('');
      b.sock.recv([]);
      b.sock.recvTerm("tuple(atom('io'), bin(''), bin(''))");
      b.sock.recvTerm("tuple(atom('io'), nil(), bin(''))"); // N2O's crash reply
      assert.deepEqual(got, []);
      assert.deepEqual(b.errors, []);
      b.sock.recvTerm("tuple(atom('io'), bin(''), tuple(atom('error'), bin('EV expected')))");
      b.sock.recvTerm("tuple(atom('io'), bin(''), tuple(atom('error'), string('EV expired')))");
      assert.deepEqual(got, [['error', 'EV expected'], ['error', 'EV expired']]);
      assert.equal(b.errors.length, 2);
      b.sock.recvTerm("tuple(atom('other'), number(1))");
      assert.deepEqual(got[2], ['msg', plain(b.term("tuple(atom('other'), number(1))"))]);
      b.sock.recv([131, 80, 0]);
      assert.match(b.errors[2], /unsupported tag 80/);
      b.sock.recvTerm("tuple(atom('io'), bin('throw new Error(\"boom\")'), bin(''))");
      assert.match(b.errors[3], /boom/);
      b.sock.recvTerm("tuple(atom('io'), bin('globalThis.after = 1'), bin(''))");
      assert.equal(b.w.after, 1, 'a frame after a failed one runs');
    });

    test('reconnects with backoff and shows it', () => {
      const states = [];
      const status = new El('p', {id: 'nitro-status', hidden: true});
      const b = load({file, token: 'T', elements: [status], globals: {nitroStatus: (s) => states.push(s)}});
      b.sock.open();
      assert.deepEqual(states, ['open']);
      b.sock.drop();
      assert.equal(b.beat(), undefined, 'heartbeat stops');
      assert.ok(b.html.classList.contains('nitro-reconnecting'));
      assert.equal(status.hidden, false);
      assert.equal(status.textContent, 'reconnecting…');
      assert.deepEqual(states, ['open', 'reconnecting']);
      assert.equal(b.w.ws.send('x'), false);
      // Each failure doubles the delay, with jitter, up to 10 s.
      const delays = [];
      for (let i = 0; i < 10; i++) {
        delays.push(b.fire().ms);
        b.sock.drop();
      }
      const bounds = [[125, 250], [250, 500], [500, 1000], [1000, 2000], [2000, 4000], [4000, 8000], [5000, 10000], [5000, 10000]];
      bounds.forEach(([lo, hi], i) => assert.ok(delays[i] >= lo && delays[i] <= hi, `delay ${i}: ${delays[i]} not in [${lo}, ${hi}]`));
      assert.equal(b.sockets.length, 11);
      b.fire();
      b.sock.open();
      assert.equal(b.sock.sent[0], 'N2O,T');
      assert.ok(!b.html.classList.contains('nitro-reconnecting'));
      assert.equal(status.hidden, true);
      assert.equal(states[states.length - 1], 'open');
      // A reply resets the backoff.
      b.sock.recvTerm("tuple(atom('io'), bin(''), bin(''))");
      b.sock.drop();
      assert.ok(b.reconnectTimer().ms <= 250);
      // Coming online tries at once.
      b.emit('online');
      assert.equal(b.sockets.length, 13);
      assert.equal(b.reconnectTimer(), undefined);
    });

    test('a silent socket is dropped', () => {
      const b = load({file});
      b.sock.open();
      const first = b.sock;
      b.w.__now += 15000;
      b.fire((t) => t.every);
      assert.equal(first.sent.at(-1), 'PING');
      b.w.__now += 6000;
      b.fire((t) => t.every);
      assert.equal(first.readyState, 3, 'closed');
      assert.ok(b.reconnectTimer(), 'reconnecting');
      first.onclose({}); // the late close event changes nothing
      assert.equal(b.timers.filter((t) => !t.every).length, 1);
    });

    test('leaving the page does not reconnect', () => {
      const b = load({file});
      b.sock.open();
      b.emit('pagehide');
      assert.equal(b.sock.readyState, 3);
      assert.equal(b.reconnectTimer(), undefined);
      assert.ok(!b.html.classList.contains('nitro-reconnecting'));
      b.emit('pageshow', {persisted: true});
      assert.equal(b.sockets.length, 2);
    });

    test('times show in the local time zone', () => {
      const tz = process.env.TZ;
      process.env.TZ = 'Asia/Kolkata'; // UTC+05:30, no summer time
      try {
        const at = '2025-03-12T14:05:09Z', now = new Date().toISOString();
        const local = (iso, o) => new Intl.DateTimeFormat(undefined, {timeZone: 'Asia/Kolkata', ...o}).format(new Date(iso));
        const hm = {hour: 'numeric', minute: '2-digit'}, day = {year: 'numeric', month: 'short', day: 'numeric'};
        const time = (attrs) => new El('time', {textContent: 'UTC'}, attrs);
        const els = [
          time({datetime: at, 'data-local': 'time'}),
          time({datetime: at, 'data-local': 'date'}),
          time({datetime: at, 'data-local': 'datetime'}),
          time({datetime: at, 'data-local': 'auto'}),
          time({datetime: now, 'data-local': 'auto'}),
          time({datetime: at}), // not marked: left as it is
          time({datetime: 'soon', 'data-local': 'time'}),
        ];
        const b = load({file, elements: [...els],
          globals: {addTime: (attrs) => b.elements.push(time(attrs))}});
        assert.deepEqual(els.map((e) => e.textContent), [local(at, hm), local(at, day), local(at, {...day, ...hm}),
          local(at, {...day, ...hm}), local(now, hm), 'UTC', 'UTC']);
        assert.equal(els[0].title, local(at, {dateStyle: 'full', timeStyle: 'short'}));
        assert.ok(/19:35|7:35/.test(els[0].textContent), els[0].textContent);
        // Times the server's JavaScript adds are rewritten too, once.
        els[0].textContent = 'kept';
        b.sock.open();
        b.sock.recvTerm(`tuple(atom('io'), bin("addTime({datetime: '${at}', 'data-local': 'time'})"), bin(''))`);
        assert.deepEqual([b.elements[els.length].textContent, els[0].textContent], [local(at, hm), 'kept']);
        assert.deepEqual(b.errors, []);
      } finally {
        if (tz === undefined) delete process.env.TZ;
        else process.env.TZ = tz;
      }
    });

    describe('ftp', () => {
      const file10 = () => new Blob([Uint8Array.from({length: 10}, (_, i) => i)]);
      const ftpMsg = (b, h) => {
        const t = sentTerm(b, h).v;
        assert.deepEqual(t[0], {t: 119, v: 'ftp'});
        return {id: t[1].v, sid: t[2].v, name: t[3].v, meta: t[4], size: t[5].v, offset: t[6].v, block: t[7].v,
          data: typeof t[8].v == 'string' ? Array.from(new TextEncoder().encode(t[8].v)) : t[8].v.bytes, status: t[9].v, options: t[10]};
      };
      const ack = (b, id, offset, block, status = 'send', opts = 'list()') => b.sock.recvTerm(
        `tuple(atom('ftpack'), bin('${id}'), bin(''), bin('stored.bin'), bin(''), number(10), number(${offset}), number(${block}), bin(''), bin('${status}'), ${opts})`);

      test('uploads the blocks the server asks for', async () => {
        const progress = new El('progress', {id: 'p'});
        const seen = [];
        const b = load({file, token: 'TOK', elements: [progress]});
        b.w.ftp.progress = (it) => seen.push([it.state, it.offset]);
        b.sock.open();
        const it = b.w.ftp.init(file10(), {name: 'a.bin', progress: 'p', id: 'u1', sha256: 'ab'});
        assert.equal(it.state, 'init');
        let m = ftpMsg(b, b.sock.sent[1]);
        assert.deepEqual(m, {id: 'u1', sid: 'TOK', name: 'a.bin', meta: {t: 109, v: ''}, size: 10, offset: 0, block: 1, data: [],
          status: 'init', options: plain(b.term("list(tuple(atom('sha256'), bin('ab')))"))});
        ack(b, 'u1', 0, 4, 'init');
        await tick();
        m = ftpMsg(b, b.sock.sent[2]);
        assert.deepEqual([m.offset, m.block, m.data, m.status], [0, 4, [0, 1, 2, 3], 'send']);
        ack(b, 'u1', 4, 4);
        await tick();
        m = ftpMsg(b, b.sock.sent[3]);
        assert.deepEqual([m.offset, m.data], [4, [4, 5, 6, 7]]);
        assert.deepEqual([progress.max, progress.value], [10, 4]);
        b.w.ftp.stop('u1');
        ack(b, 'u1', 8, 4);
        await tick();
        assert.equal(b.sock.sent.length, 4, 'stopped');
        b.w.ftp.start(it);
        await tick();
        m = ftpMsg(b, b.sock.sent[4]);
        assert.deepEqual([m.offset, m.data], [8, [8, 9]]);
        ack(b, 'u1', 10, 0);
        assert.equal(it.state, 'done');
        assert.equal(it.filename, 'stored.bin');
        assert.equal(b.w.ftp.queue.length, 0);
        assert.deepEqual([progress.max, progress.value], [10, 10]);
        assert.deepEqual(seen, [['send', 0], ['send', 4], ['send', 8], ['done', 10]]);
      });

      test('resumes after a reconnect from where the server is', async () => {
        const status = new El('span', {id: 'ftp_status'});
        const b = load({file, elements: [status]});
        const it = b.w.ftp.init(file10(), {id: 'u2'});
        assert.equal(it.name, 'upload', 'a Blob has no name');
        b.sock.open();
        assert.equal(b.sock.sent[0], 'N2O,');
        assert.equal(ftpMsg(b, b.sock.sent[1]).status, 'init', 'init sent once connected');
        ack(b, 'u2', 0, 3, 'init');
        await tick();
        ack(b, 'u2', 3, 3);
        assert.equal(status.textContent, '30%');
        b.sock.drop(); // the block read meanwhile is dropped
        await tick();
        assert.equal(b.sockets[0].sent.length, 3);
        b.fire();
        b.sock.open();
        let m = ftpMsg(b, b.sock.sent[1]);
        assert.deepEqual([m.status, m.offset, m.block], ['init', 3, 1]);
        ack(b, 'u2', 6, 3, 'init'); // the server had more
        await tick();
        m = ftpMsg(b, b.sock.sent[2]);
        assert.deepEqual([m.status, m.offset, m.data], ['send', 6, [6, 7, 8]]);
        assert.equal(b.sock.sent.length, 3);
      });

      test('refusals, aborts and waiting to start', async () => {
        const b = load({file});
        b.sock.open();
        const bad = b.w.ftp.init(file10(), {id: 'e1'});
        ack(b, 'e1', 0, 0, 'error', "[tuple(atom('reason'), bin('upload too large'))]");
        assert.deepEqual([bad.state, bad.reason, bad.active], ['error', 'upload too large', false]);
        const held = b.w.ftp.init(file10(), {id: 'h1', autostart: false});
        ack(b, 'h1', 0, 5, 'init');
        await tick();
        assert.equal(b.sock.sent.length, 3, 'waits for start');
        assert.equal(b.w.ftp.item('h1'), held);
        b.w.ftp.start();
        await tick();
        assert.deepEqual(ftpMsg(b, b.sock.sent[3]).data, [0, 1, 2, 3, 4]);
        b.w.ftp.abort(held);
        ack(b, 'h1', 5, 5);
        await tick();
        assert.equal(held.state, 'aborted');
        assert.equal(b.sock.sent.length, 4);
        ack(b, 'nobody', 0, 5); // an ack of no upload is ignored
        assert.deepEqual(b.errors, []);
      });

      test('end hears of the upload ending', async () => {
        const b = load({file});
        b.sock.open();
        const ended = [];
        const end = (it) => ended.push([it.id, it.state, it.reason]);
        b.w.ftp.init(file10(), {id: 'd1', end});
        ack(b, 'd1', 0, 10, 'init');
        await tick();
        ack(b, 'd1', 10, 0);
        b.w.ftp.init(file10(), {id: 'e2', end});
        ack(b, 'e2', 0, 0, 'error', "[tuple(atom('reason'), bin('too large'))]");
        b.w.ftp.abort(b.w.ftp.init(file10(), {id: 'a3', end}));
        assert.deepEqual(ended, [['d1', 'done', undefined], ['e2', 'error', 'too large'], ['a3', 'aborted', undefined]]);
      });

      test('upload takes the files of an input', () => {
        const b = load({file});
        b.sock.open();
        const input = new El('input', {files: [new File([new Uint8Array(3)], 'x.txt'), new File([], 'y.txt')]}, {'data-progress': 'bar'});
        const items = b.w.ftp.upload(input);
        assert.deepEqual(Array.from(items, (it) => [it.name, it.total, it.progress]), [['x.txt', 3, 'bar'], ['y.txt', 0, 'bar']]);
        assert.equal(b.sock.sent.length, 3);
      });
    });
  });
}
