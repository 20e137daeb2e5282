// The decoder runs here, off the page's thread: the page posts requests, each with an id, and
// gets one reply per request ({id, ok, value} or {id, ok: false, error}); the indexing pass
// reports progress as {type: 'progress', ...} messages between steps.
import init, { Decoder, check_filter, decode_message, message_protocol_names } from './pkg/web.js';

const ready = init();
let decoder = null;
let scanToken = 0;
// Frames indexed per step: small enough for the worker to answer list and tree requests
// between steps.
const STEP = 5000;

function scan(token) {
  if (token !== scanToken || !decoder) return;
  const p = JSON.parse(decoder.step(STEP));
  postMessage({ type: 'progress', token, ...p });
  if (!p.done) setTimeout(() => scan(token), 0);
}

const handlers = {
  async open({ bytes, keylog, filter }) {
    if (decoder) decoder.free();
    decoder = null;
    decoder = new Decoder(new Uint8Array(bytes), keylog || '');
    decoder.start(filter || '');
    const token = ++scanToken;
    setTimeout(() => scan(token), 0);
    return { token };
  },
  async filter({ filter }) {
    if (!decoder) throw new Error('no capture is open');
    decoder.start(filter || '');
    const token = ++scanToken;
    setTimeout(() => scan(token), 0);
    return { token };
  },
  async rows({ offset, limit }) {
    return decoder ? JSON.parse(decoder.rows(offset, limit)) : [];
  },
  async position({ number }) {
    return decoder ? decoder.position(number) : -1;
  },
  async frame({ number }) {
    if (!decoder) throw new Error('no capture is open');
    return JSON.parse(decoder.frame(number));
  },
  async experts() {
    return decoder ? JSON.parse(decoder.experts()) : [];
  },
  async check({ filter }) {
    return check_filter(filter);
  },
  async protocols() {
    return JSON.parse(message_protocol_names());
  },
  async decode({ protocol, hex }) {
    return JSON.parse(decode_message(protocol, hex));
  },
};

onmessage = async (e) => {
  const { id, op, args } = e.data;
  try {
    await ready;
    const value = await handlers[op](args || {});
    postMessage({ id, ok: true, value });
  } catch (err) {
    postMessage({ id, ok: false, error: String(err && err.message ? err.message : err) });
  }
};
