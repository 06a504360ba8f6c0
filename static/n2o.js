// n2o.js: the browser client of Nitro, on the wire of Erlang N2O
// (docs/protocol.md). One WebSocket per page; the server sends JavaScript
// that the page evaluates, and the page sends postbacks back as BERT terms.
//
// Globals, for the JavaScript the server sends and for pages:
//
//	qi(id) qs(sel) qa(sel) qn(tag)      DOM shorthands
//	ws.send(bytes)                      send on the open socket; false while disconnected
//	enc(term) dec(bytes)                BERT (Erlang External Term Format)
//	encJSON(term) decJSON(bytes)        JSON in nitro/format's tagged form
//	formatter(name)                     ask the server to switch formatters
//	tuple atom bin string number float list nil map   term constructors
//	querySource(id) validateSources(ids, triggerId)   postback sources
//	direct(term)                        send {direct, Term}
//	ftp                                 resumable uploads
//
// Terms are N2O's {t: tag, v: value}. Decoded atoms and binaries are
// strings (a binary that is not UTF-8 stays a Uint8Array), byte lists
// (tag 107) Uint8Arrays, lists and tuples arrays, maps arrays of {k, v};
// an improper list keeps its tail in .tail, a bit binary its bits in .bits.
//
// Hooks a page may define: $io.do(data) for the Data of every io frame,
// nitroError(reason) for {error, Reason}, nitroStatus('open' |
// 'reconnecting'), nitroMessage(term) for frames of other protocols,
// ftp.progress(item). A <time datetime data-local> (elements.Time) shows
// its moment in the viewer's time zone. Settings: window.nitroWS or the
// script's data-ws attribute (the socket's path or URL), window.persistent
// (keep the token in localStorage rather than sessionStorage).
(function (W, D) {
  'use strict';

  var TE = new TextEncoder(), TD = new TextDecoder(),
    UTF8 = new TextDecoder('utf-8', {fatal: true}),
    ATOMS = [100, 115, 118, 119];

  // ---- Terms

  function tuple(...a) { return {t: 104, v: a}; }
  function list(...a) { return {t: 108, v: a}; }
  function map(...kv) { return {t: 116, v: kv}; } // of {k, v}
  function nil() { return {t: 106, v: []}; }
  function atom(s) { return {t: 119, v: String(s)}; }
  function string(s) { return {t: 107, v: TE.encode(s)}; }
  function bin(x) { return {t: 109, v: x}; }
  function float(x) { return {t: 70, v: +x}; }
  // number is an integer in its smallest form, or a float (N2O: 0).
  function number(x) {
    x = +x;
    return {t: !Number.isInteger(x) ? 70 : x >= 0 && x < 256 ? 97 : x >= -2147483648 && x < 2147483648 ? 98 : 110, v: x};
  }

  function isAtom(x, name) { return !!x && ATOMS.indexOf(x.t) >= 0 && (name == null || x.v === name); }
  // is reports a tuple of n elements tagged with the atom tag.
  function is(x, tag, n) { return !!x && (x.t == 104 || x.t == 105) && x.v.length == n && isAtom(x.v[0], tag); }
  // text is a decoded binary, byte list or atom as a string.
  function text(v) { return typeof v == 'string' ? v : ArrayBuffer.isView(v) ? TD.decode(v) : String(v); }

  // bytes returns what a binary term holds, as a Uint8Array: bytes as
  // they are, anything else as its UTF-8 text (bin(true) is <<"true">>).
  // It checks no instanceof, so buffers of other frames work too.
  function bytes(v) {
    return ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
      : Object.prototype.toString.call(v) == '[object ArrayBuffer]' ? new Uint8Array(v)
      : Array.isArray(v) ? Uint8Array.from(v) : TE.encode(v);
  }

  // ---- Encoder: atoms as SMALL_ATOM_UTF8/ATOM_UTF8, integers in their
  // smallest form (SMALL_INTEGER, INTEGER, SMALL_BIG), fractions as
  // NEW_FLOAT, text as BINARY, as the Go encoder writes them.

  var out, n;
  function need(k) {
    if (n + k > out.length) {
      var b = new Uint8Array(Math.max(2 * out.length, n + k));
      b.set(out);
      out = b;
    }
  }
  function u8(x) { need(1); out[n++] = x; }
  function u16(x) { u8(x >>> 8 & 255); u8(x & 255); }
  function u32(x) { u16(x >>> 16); u16(x & 65535); }
  function raw(b) { need(b.length); out.set(b, n); n += b.length; }

  function enc(term) {
    out = new Uint8Array(256);
    n = 0;
    u8(131);
    ein(term);
    return out.slice(0, n);
  }

  function ein(o) {
    var b, t = o == null ? 106 : o.t;
    if (Array.isArray(o)) return elist(o);
    // Plain values, for convenience: text is a binary, a boolean an atom.
    switch (typeof o) {
      case 'string': return ein(bin(o));
      case 'number': return eint(o);
      case 'boolean': return ein(atom(o));
    }
    switch (t) {
      case 97: case 98: case 110: case 111: return eint(+o.v);
      case 70: case 99: return efloat(+o.v);
      case 100: case 115: case 118: case 119:
        b = bytes(o.v);
        if (b.length < 256) u8(119), u8(b.length);
        else if (b.length < 65536) u8(118), u16(b.length);
        else throw Error('BERT: atom longer than 65535 bytes');
        return raw(b);
      case 104: case 105:
        if (o.v.length < 256) u8(104), u8(o.v.length);
        else u8(105), u32(o.v.length);
        return o.v.forEach(ein);
      case 107: // a byte list: STRING_EXT, or a list of bytes past 65535
        b = bytes(o.v);
        if (b.length > 65535) return elist(Array.from(b));
        if (!b.length) return u8(106);
        u8(107), u16(b.length);
        return raw(b);
      case 108: return elist(o.v, o.tail);
      case 109: b = bytes(o.v); u8(109), u32(b.length); return raw(b);
      case 116:
        u8(116), u32(o.v.length);
        return o.v.forEach(function (p) { ein(p.k); ein(p.v); });
      case 77: b = bytes(o.v); u8(77), u32(b.length), u8(o.bits); return raw(b);
      case 106: case undefined: return u8(106); // N2O: no tag is []
    }
    throw Error('BERT: cannot encode tag ' + t);
  }

  function elist(a, tail) {
    if (!a.length) return tail ? ein(tail) : u8(106);
    u8(108), u32(a.length);
    a.forEach(ein);
    tail ? ein(tail) : u8(106);
  }

  function eint(x) {
    if (!Number.isInteger(x)) return efloat(x);
    if (x >= 0 && x < 256) return u8(97), u8(x);
    if (x >= -2147483648 && x < 2147483648) return u8(98), u32(x);
    // SMALL_BIG: sign and magnitude, little-endian. Division by 256 is
    // exact on doubles, so every integer-valued number encodes exactly.
    var d = [], m = Math.abs(x);
    for (; m; m = Math.floor(m / 256)) d.push(m % 256);
    u8(110), u8(d.length), u8(x < 0 ? 1 : 0);
    raw(d);
  }

  function efloat(x) {
    if (!isFinite(x)) throw Error('BERT: cannot encode ' + x);
    u8(70);
    need(8);
    new DataView(out.buffer).setFloat64(n, x);
    n += 8;
  }

  // ---- Decoder

  var src, view, at;
  function dec(data) {
    src = bytes(data);
    view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    at = 0;
    if (src[skip(1)] !== 131) throw Error('BERT: no version byte 131');
    var t = din();
    if (at < src.length) throw Error('BERT: ' + (src.length - at) + ' bytes after the term');
    return t;
  }
  // skip advances past k bytes and returns where they start.
  function skip(k) {
    var p = at;
    if ((at += k) > src.length) throw Error('BERT: truncated at byte ' + p);
    return p;
  }
  function take(k) { var p = skip(k); return src.slice(p, p + k); }
  function r8() { return src[skip(1)]; }
  function r16() { return view.getUint16(skip(2)); }
  function r32() { return view.getUint32(skip(4)); }
  function big(k) {
    var s = r8(), p = skip(k), x = 0;
    while (k--) x = x * 256 + src[p + k];
    return s ? -x : x;
  }
  // utf8 decodes b, or returns it as it is (a binary) or as Latin-1 (an
  // atom, as Erlang reads ATOM_EXT) when it is not UTF-8.
  function utf8(b, latin1) {
    try { return UTF8.decode(b); } catch (e) { return latin1 ? String.fromCharCode.apply(null, b) : b; }
  }

  function din() {
    var k, p = at, o = {t: r8()}, v = [];
    switch (o.t) {
      case 97: v = r8(); break;
      case 98: v = view.getInt32(skip(4)); break;
      case 110: v = big(r8()); break;
      case 111: v = big(r32()); break;
      case 70: v = view.getFloat64(skip(8)); break;
      case 99: v = parseFloat(TD.decode(take(31))); break;
      case 100: case 118: v = utf8(take(r16()), 1); break;
      case 115: case 119: v = utf8(take(r8()), 1); break;
      case 104: case 105:
        for (k = o.t == 104 ? r8() : r32(); k--;) v.push(din());
        break;
      case 106: break;
      case 107: v = take(r16()); break;
      case 108:
        for (k = r32(); k--;) v.push(din());
        k = din();
        if (k.t != 106) o.tail = k;
        break;
      case 109: v = utf8(take(r32())); break;
      case 116:
        for (k = r32(); k--;) v.push({k: din(), v: din()});
        break;
      case 77: k = r32(); o.bits = r8(); v = take(k); break;
      default:
        throw Error('BERT: unsupported tag ' + o.t + (o.t == 80 ? ' (compressed)' : '') + ' at byte ' + p);
    }
    o.v = v;
    return o;
  }

  // ---- JSON, nitro/format's tagged form: {"t": Tag, "v": Value}. encJSON
  // writes what the Go JSON formatter writes (atoms under 100, integers
  // past 53 bits as decimal text); decJSON gives the terms dec gives.

  function encJSON(term) { return TE.encode(jin(term)); }

  function jstr(s) {
    return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, function (c) { return '\\u' + (c.charCodeAt(0) + 65536).toString(16).slice(1); });
  }
  // jbytes is a binary's "v": its text when UTF-8, else its byte values.
  function jbytes(v) {
    var s = typeof v == 'string' ? v : utf8(bytes(v));
    return typeof s == 'string' ? jstr(s) : '[' + Array.from(s).join(',') + ']';
  }
  function jtag(t, v) { return '{"t":' + t + ',"v":' + v + '}'; }
  function jseq(a) { return '[' + a.map(jin).join(',') + ']'; }

  function jin(o) {
    var t = o == null ? 106 : o.t;
    if (Array.isArray(o)) return jlist(o);
    switch (typeof o) {
      case 'string': return jin(bin(o));
      case 'number': return jint(o);
      case 'boolean': return jin(atom(o));
    }
    switch (t) {
      case 97: case 98: case 110: case 111: return jint(+o.v);
      case 70: case 99: return jfloat(+o.v);
      case 100: case 115: case 118: case 119: return jtag(100, jstr(text(o.v)));
      case 104: case 105: return jtag(104, jseq(o.v));
      case 107: return bytes(o.v).length ? jtag(107, jbytes(o.v)) : '{"t":106}';
      case 108: return jlist(o.v, o.tail);
      case 109: return jtag(109, jbytes(o.v));
      case 116: return jtag(116, '[' + o.v.map(function (p) { return '{"k":' + jin(p.k) + ',"v":' + jin(p.v) + '}'; }).join(',') + ']');
      case 77: throw Error('JSON: cannot encode a bit binary');
      case 106: case undefined: return '{"t":106}';
    }
    throw Error('JSON: cannot encode tag ' + t);
  }
  function jlist(a, tail) {
    if (!a.length) return tail ? jin(tail) : '{"t":106}';
    return tail ? '{"t":108,"v":' + jseq(a) + ',"tail":' + jin(tail) + '}' : jtag(108, jseq(a));
  }
  function jint(x) {
    if (!Number.isInteger(x)) return jfloat(x);
    return Math.abs(x) < 2 ** 53 ? jtag(x >= 0 && x < 256 ? 97 : x >= -2147483648 && x < 2147483648 ? 98 : 110, x)
      : jtag(110, '"' + BigInt(x) + '"');
  }
  function jfloat(x) {
    if (!isFinite(x)) throw Error('JSON: cannot encode ' + x);
    return jtag(70, Object.is(x, -0) ? '-0' : x);
  }

  function decJSON(data) { return jterm(JSON.parse(TD.decode(bytes(data)))); }

  // jterm turns parsed JSON into a term; an array is a list.
  function jterm(j) {
    if (Array.isArray(j)) return {t: 108, v: j.map(jterm)};
    if (!j || typeof j != 'object') throw Error('JSON: not a term: ' + j);
    var o = {t: j.t}, v = j.v;
    switch (j.t) {
      case 97: case 98: case 110: case 111: case 70: v = +v; break;
      case 100: case 115: case 118: case 119: v = String(v); break;
      case 104: case 105: v = v.map(jterm); break;
      case 106: v = []; break;
      case 107: case 77: v = bytes(v); break;
      case 108:
        v = v.map(jterm);
        if (j.tail) o.tail = jterm(j.tail);
        break;
      case 109: v = typeof v == 'string' ? v : utf8(bytes(v)); break;
      case 116: v = v.map(function (p) { return {k: jterm(p.k), v: jterm(p.v)}; }); break;
      default: throw Error('JSON: unsupported tag ' + j.t);
    }
    o.v = v;
    return o;
  }

  // ---- DOM

  function qi(id) { return D.getElementById(id); }
  function qs(sel) { return D.querySelector(sel); }
  function qa(sel) { return D.querySelectorAll(sel); }
  function qn(tag) { return D.createElement(tag); }

  // checked is the value of the checked input named name, or ''.
  function checked(name) {
    var el = qs('input[name="' + String(name).replace(/["\\]/g, '\\$&') + '"]:checked');
    return el ? el.value : '';
  }

  // querySource is the value of the source field id, typed as the server
  // reads it (docs/protocol.md): a binary of its value;
  // <<"true">>/<<"false">> for a checkbox or radio; {Y, M, D} for a date;
  // a list of binaries for a multiple select; for a missing element, the
  // checked input of that name.
  function querySource(id) {
    var m, el = qi(id), type = el && el.tagName == 'INPUT' ? (el.type || '').toLowerCase() : '';
    if (!el) return bin(checked(id));
    if (el.tagName == 'FIELDSET') return m = el.querySelector(':checked'), bin(m ? m.value : '');
    if (type == 'checkbox' || type == 'radio') return bin(el.checked ? 'true' : 'false');
    if (type == 'date') {
      m = /^(\d+)-(\d+)-(\d+)$/.exec(el.value);
      return m ? tuple(number(+m[1]), number(+m[2]), number(+m[3])) : bin('');
    }
    // A hidden input bound to a term (NITRO's data-bind: base64 of its ETF).
    if (type == 'hidden' && el.hasAttribute('data-bind')) {
      return dec(Uint8Array.from(atob(el.getAttribute('data-bind')), function (c) { return c.charCodeAt(0); }));
    }
    if (el.tagName == 'SELECT' && el.multiple) {
      return list(...Array.from(el.selectedOptions || [], function (o) { return bin(o.value); }));
    }
    if (el.isContentEditable || el.contentEditable == 'true') return bin(el.innerHTML);
    return bin(el.value == null ? '' : el.value);
  }

  // validateSources reports whether every source passes the browser's
  // constraint validation and NITRO's 'validation' event; the first that
  // does not is reported to the user. The server checks again.
  function validateSources(ids) {
    var first;
    (ids || []).forEach(function (id) {
      var el = qi(id);
      if (!el) return;
      var bad = el.checkValidity && !el.checkValidity() ||
        el.validation && !el.dispatchEvent(new CustomEvent('validation', {bubbles: true, cancelable: true, detail: el.value}));
      if (el.classList) el.classList.toggle('nitro-invalid', !!bad);
      // The page's own words (a Rule's Message) rather than the browser's,
      // until the field changes; one the server set stays as it is.
      var msg = bad && el.getAttribute && el.getAttribute('data-msg');
      if (msg && el.setCustomValidity && !(el.validity && el.validity.customError)) {
        el.setCustomValidity(msg);
        el.addEventListener('input', function () { el.setCustomValidity(''); }, {once: true});
      }
      first = first || bad && el;
    });
    if (first && first.reportValidity) first.reportValidity();
    return !first;
  }

  // ---- Session token: sessionStorage (localStorage if persistent). The
  // session cookie is HttpOnly: the server sets it, the handshake carries
  // it, and it wins over the token init names.

  function storage() { return W.persistent ? W.localStorage : W.sessionStorage; }
  function token() {
    var t;
    try { t = storage().getItem('token'); } catch (e) {}
    return t || '';
  }
  function keep(t) {
    try { storage().setItem('token', t); } catch (e) {}
  }

  // ---- Transport

  var sock, beat, timer, leaving, last, retries = 0, script = D.currentScript;
  // The page's CSP nonce, for the scripts run() makes: read as the script
  // starts, from the property (browsers hide the attribute once loaded).
  var nonce = script && script.nonce || '';

  // The formatter the client writes ('bert' or 'json'), and the one it
  // asked for and awaits the server's {format, Name} for. A new socket
  // starts in BERT, as the server does.
  var writing = 'bert', asked = '';

  var ws = {
    send: function (b) {
      if (!sock || sock.readyState != 1) return false;
      // The BERT that enc made, in the connection's formatter.
      if (writing == 'json' && typeof b != 'string' && bytes(b)[0] == 131) b = encJSON(dec(b));
      sock.send(b);
      return true;
    }
  };
  function direct(term) { return ws.send(enc(tuple(atom('direct'), term))); }

  // formatter asks the server (its format.Switch) to switch this
  // connection to name ('bert' or 'json'; the client reads and writes no
  // other): the request goes in the formatter in use, and the client
  // writes the new one once the server's {format, Name}, in the old one,
  // arrives. Without a name it returns the formatter the client writes.
  // The client reads each frame by its first byte, so a server that
  // switches on its own is read, but the client keeps writing its own.
  function formatter(name) {
    if (name == null) return writing;
    if (name != 'bert' && name != 'json') throw Error('nitro: no formatter ' + name);
    asked = name;
    return ws.send(enc(tuple(atom('format'), bin(name))));
  }

  function url() {
    var u = W.nitroWS || script && script.getAttribute('data-ws') || '/ws' + location.pathname + location.search;
    return /^wss?:/.test(u) ? u : (location.protocol == 'https:' ? 'wss://' : 'ws://') + location.host + u;
  }

  function connect() {
    clearTimeout(timer);
    timer = 0;
    if (sock || leaving) return;
    var s = sock = new WebSocket(url());
    s.binaryType = 'arraybuffer';
    s.onopen = function () {
      last = Date.now();
      writing = 'bert', asked = '';
      s.send('N2O,' + token());
      // PING every 5 s; a socket that heard nothing for 20 s is dead
      // (the server answers every PING), however long TCP takes to say so.
      beat = setInterval(function () {
        if (Date.now() - last > 20000) lost(s);
        else if (s.readyState == 1) s.send('PING');
      }, 5000);
      status('open');
      ftp.queue.forEach(function (it) { it.busy = 0; ftpInit(it); });
    };
    s.onmessage = function (e) {
      last = Date.now();
      if (sock == s) receive(e.data);
    };
    s.onclose = function () { lost(s); };
  }

  // lost forgets socket s and reconnects, backing off exponentially with
  // jitter from 250 ms to 10 s, for ever.
  function lost(s) {
    if (sock != s) return;
    sock = null;
    clearInterval(beat);
    try { s.close(); } catch (e) {}
    if (leaving) return;
    status('reconnecting');
    var d = Math.min(10000, 250 * Math.pow(2, retries++));
    timer = setTimeout(connect, d / 2 + Math.random() * d / 2);
  }

  function status(state) {
    var down = state == 'reconnecting', el = qi('nitro-status');
    D.documentElement.classList.toggle('nitro-reconnecting', down);
    if (el) {
      if (down && !el.textContent) el.textContent = 'reconnecting…';
      el.hidden = !down;
    }
    if (typeof W.nitroStatus == 'function') W.nitroStatus(state);
  }

  function receive(data) {
    var t;
    if (typeof data == 'string' || !data.byteLength) return; // PONG, NOP
    retries = 0;
    data = bytes(data);
    try { t = data[0] == 123 || data[0] == 91 ? decJSON(data) : dec(data); } catch (e) { return console.error('nitro:', e); }
    if (asked && is(t, 'format', 2) && t.v[1].v == asked) writing = asked, asked = '';
    else if (is(t, 'io', 3)) io(t.v[1], t.v[2]);
    else if (is(t, 'ftpack', 11)) ftpAck(t.v);
    else if (typeof W.nitroMessage == 'function') W.nitroMessage(t);
  }

  // io handles {io, JS, Data}: a token in Data is kept, an error reported,
  // Data goes to $io.do, then JS runs (in a function scope, as N2O's eval).
  function io(js, data) {
    if (is(data, 'Token', 2) || is(data, 'Auth', 2)) keep(text(data.v[1].v));
    if (is(data, 'error', 2)) {
      var why = text(data.v[1].v);
      console.error('nitro: server:', why);
      if (typeof W.nitroError == 'function') W.nitroError(why);
    }
    try {
      if (W.$io && typeof W.$io.do == 'function') W.$io.do(data);
      if ((js.t == 109 || js.t == 107) && js.v.length) {
        var src = text(js.v);
        run(src);
        if (src.indexOf('data-local') >= 0) localTimes(); // it may have added times
      }
    } catch (e) {
      console.error('nitro:', e);
    }
  }

  // run runs the server's JavaScript in a script element that carries the
  // page's nonce: a Content-Security-Policy without 'unsafe-eval' forbids
  // new Function. It runs, in a function scope (its vars stay local), as
  // the element is inserted; what it throws goes to the window's error
  // event rather than to us, so it is logged from there, once.
  function run(js) {
    var s = D.createElement('script');
    function failed(e) {
      e.preventDefault();
      console.error('nitro:', e.error || e.message);
    }
    s.nonce = nonce;
    s.text = '(function(){\n' + js + '\n})()';
    W.addEventListener('error', failed);
    try {
      (D.head || D.documentElement).appendChild(s);
    } finally {
      W.removeEventListener('error', failed);
      s.remove();
    }
  }

  // ---- Uploads: {ftp, Id, Sid, Filename, Meta, Size, Offset, Block, Data,
  // Status, Options}, answered by {ftpack, ...} with the offset the server
  // holds and the block size to send next (0: stop). The server leads: the
  // client sends the block it asks for, from where it says, so an upload
  // resumes after a reconnect by sending init again.

  function uuid() {
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }

  function ftpSend(it, data, status, block) {
    return ws.send(enc(tuple(atom('ftp'), bin(it.id), bin(it.sid), bin(it.name), it.meta,
      number(it.total), number(it.offset), number(block), bin(data), bin(status), it.options)));
  }

  function ftpInit(it) {
    it.busy = ftpSend(it, '', 'init', 1);
  }

  // ftpNext reads and sends the block the server asked for. A block read
  // while the socket changed is dropped: the new socket's init resumes.
  function ftpNext(it) {
    var s = sock;
    it.busy = 1;
    it.file.slice(it.offset, it.offset + it.block).arrayBuffer().then(function (b) {
      if (s == sock && ftp.queue.indexOf(it) >= 0) it.busy = ftpSend(it, b, 'send', it.block);
    }, function (e) {
      ftpEnd(it, 'error', String(e));
    });
  }

  function ftpEnd(it, state, reason) {
    it.state = state;
    it.active = false;
    it.reason = reason;
    var i = ftp.queue.indexOf(it);
    if (i >= 0) ftp.queue.splice(i, 1);
    if (typeof it.end == 'function') it.end(it);
  }

  function ftpAck(a) {
    var it = ftp.item(a[1].v);
    if (!it || ftp.queue.indexOf(it) < 0) return;
    it.busy = 0;
    it.offset = a[6].v;
    it.block = a[7].v;
    it.filename = text(a[3].v);
    if (a[9].v == 'error') {
      var r = (a[10].v || []).filter(function (x) { return is(x, 'reason', 2); })[0];
      ftpEnd(it, 'error', r ? text(r.v[1].v) : 'upload failed');
    } else if (it.block <= 0) {
      ftpEnd(it, it.offset >= it.total ? 'done' : 'stopped');
    } else {
      it.state = 'send';
      if (it.active && it.offset < it.total) ftpNext(it);
    }
    ftpProgress(it);
  }

  function ftpProgress(it) {
    var el = typeof it.progress == 'string' ? qi(it.progress) : it.progress;
    if (el && el.tagName == 'PROGRESS') el.max = it.total, el.value = it.offset;
    else if (el) el.textContent = (it.total ? Math.floor(100 * it.offset / it.total) : 100) + '%';
    if (typeof ftp.progress == 'function') ftp.progress(it);
  }

  var ftp = {
    queue: [],
    // init starts uploading file (a File or Blob) and returns its item:
    // {id, name, total, offset, state: 'init' | 'send' | 'done' |
    // 'stopped' | 'error' | 'aborted', reason, active, ...}. Options:
    // name (file.name), id (random), sid (the session token), meta (a
    // term, <<>>), options (a list of terms, e.g. [tuple(atom('sha256'),
    // bin(Hex))]), sha256 (hex, added to options), progress (a <progress>
    // or any element, or its id; default #ftp_status), autostart (true:
    // send the blocks at once; false: wait for ftp.start), end (called
    // with the item when it ends, whatever its state; or set it.end).
    init: function (file, o) {
      o = o || {};
      var it = {
        id: o.id || uuid(), name: o.name || file.name || 'upload', sid: o.sid || token(),
        meta: o.meta || bin(''), options: (o.options || []).slice(), total: file.size, offset: 0, block: 1,
        file: file, state: 'init', active: o.autostart !== false, progress: o.progress || 'ftp_status', end: o.end
      };
      if (o.sha256) it.options.push(tuple(atom('sha256'), bin(o.sha256)));
      ftp.queue.push(it);
      ftpInit(it);
      return it;
    },
    // upload starts uploading the files chosen in a file input, showing
    // progress in the element named by its data-progress attribute.
    upload: function (input, o) {
      return Array.from(input.files || [], function (f) {
        return ftp.init(f, Object.assign({progress: input.getAttribute('data-progress') || undefined}, o));
      });
    },
    // item returns the item of an id (an item is its own), or the first.
    item: function (x) {
      return x && typeof x == 'object' ? x : ftp.queue.filter(function (it) { return x == null || it.id === x; })[0];
    },
    start: function (x) {
      var it = ftp.item(x);
      if (!it || it.active) return;
      it.active = true;
      if (it.state == 'send' && !it.busy) ftpNext(it);
    },
    stop: function (x) {
      var it = ftp.item(x);
      if (it) it.active = false;
    },
    abort: function (x) {
      var it = ftp.item(x);
      if (it) ftpEnd(it, 'aborted');
    }
  };

  // ---- Local times: a <time datetime data-local="time|date|datetime|auto">
  // shows its moment in the viewer's time zone and language ("auto": the
  // time of day if it is today, else the date and time), titled with the
  // full date. Each is rewritten once, as the page starts and after the
  // server's JavaScript adds times.

  var formats = {};
  function format(kind) {
    var day = {year: 'numeric', month: 'short', day: 'numeric'}, hm = {hour: 'numeric', minute: '2-digit'};
    return formats[kind] || (formats[kind] = new Intl.DateTimeFormat(undefined, kind == 'time' ? hm : kind == 'date' ? day :
      kind == 'full' ? {dateStyle: 'full', timeStyle: 'short'} : Object.assign(day, hm)));
  }

  function localTimes() {
    var today = new Date().toDateString();
    qa('time').forEach(function (el) {
      var kind = el.getAttribute('data-local'), at = el.getAttribute('datetime'), d = new Date(at);
      if (kind == null || el.__nitro_local === at || isNaN(d)) return;
      el.__nitro_local = at;
      if (kind == 'auto') kind = d.toDateString() == today ? 'time' : 'datetime';
      el.textContent = format(kind).format(d);
      el.title = format('full').format(d);
    });
  }

  // ---- Start

  Object.assign(W, {
    qi, qs, qa, qn, ws, enc, dec, encJSON, decJSON, formatter, tuple, atom, bin, string, number, float, list, nil, map,
    querySource, validateSources, direct, ftp, $io: W.$io || {}
  });
  W.addEventListener('online', function () { if (timer) connect(); });
  W.addEventListener('pagehide', function () { leaving = 1; if (sock) lost(sock); });
  W.addEventListener('pageshow', function (e) { if (e.persisted) leaving = 0, connect(); });
  function start() { localTimes(); connect(); }
  if (D.readyState == 'loading') D.addEventListener('DOMContentLoaded', start);
  else start();
})(window, document);
