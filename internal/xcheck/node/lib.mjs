// Shared helpers of the independent verifiers: encodings, keys, hashes and
// a reporter that prints one line per checked vector. Everything here is
// written from the accord package docs, not from the Go code.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import canonicalize from 'canonicalize';
import { blake3 } from '@noble/hashes/blake3.js';

// ACCORD_ROOT names the checkout (the CI check runs a copy of the verifiers;
// the self-test points it at mutated copies), read at each call.
const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const root = () => process.env.ACCORD_ROOT || defaultRoot;

export function readRepo(rel) {
  return fs.readFileSync(path.join(root(), rel));
}
export function readJSON(rel) {
  return JSON.parse(readRepo(rel).toString('utf8'));
}

// ---- reporting ----

export class Reporter {
  constructor(pkg) {
    this.pkg = pkg;
    this.failures = 0;
    this.passes = 0;
  }
  // check runs fn; fn throws (or returns a string) on mismatch.
  check(name, fn) {
    try {
      const r = fn();
      if (typeof r === 'string') throw new Error(r);
      this.passes++;
      console.log(`ok   ${this.pkg}: ${name}`);
    } catch (e) {
      this.failures++;
      console.log(`FAIL ${this.pkg}: ${name}: ${e && e.message ? e.message : e}`);
    }
  }
  async checkAsync(name, fn) {
    try {
      const r = await fn();
      if (typeof r === 'string') throw new Error(r);
      this.passes++;
      console.log(`ok   ${this.pkg}: ${name}`);
    } catch (e) {
      this.failures++;
      console.log(`FAIL ${this.pkg}: ${name}: ${e && e.message ? e.message : e}`);
    }
  }
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
export function eqHex(got, want, what) {
  const g = Buffer.from(got).toString('hex');
  const w = typeof want === 'string' ? want.toLowerCase() : Buffer.from(want).toString('hex');
  if (g !== w) throw new Error(`${what}: got ${g}, want ${w}`);
}
export function eqStr(got, want, what) {
  if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// ---- encodings ----

// b64u decodes unpadded base64url strictly: the only accepted spelling is the
// one that re-encodes to the same text.
export function b64u(s, len) {
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]*$/.test(s)) throw new Error(`not unpadded base64url: ${s}`);
  const b = Buffer.from(s, 'base64url');
  if (b.toString('base64url') !== s) throw new Error(`non-canonical base64url: ${s}`);
  if (len !== undefined && b.length !== len) throw new Error(`base64url of ${b.length} bytes, want ${len}`);
  return b;
}
export function b64uEnc(b) {
  return Buffer.from(b).toString('base64url');
}
// b64 decodes padded standard base64 strictly.
export function b64(s, len) {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error(`not base64: ${s}`);
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) throw new Error(`non-canonical base64: ${s}`);
  if (len !== undefined && b.length !== len) throw new Error(`base64 of ${b.length} bytes, want ${len}`);
  return b;
}
export function hex(s, len) {
  if (typeof s !== 'string' || !/^([0-9a-f]{2})*$/.test(s)) throw new Error(`not lowercase hex: ${s}`);
  const b = Buffer.from(s, 'hex');
  if (len !== undefined && b.length !== len) throw new Error(`hex of ${b.length} bytes, want ${len}`);
  return b;
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
export function b58decode(s) {
  let n = 0n;
  for (const c of s) {
    const i = B58.indexOf(c);
    if (i < 0) throw new Error(`bad base58 character ${c}`);
    n = n * 58n + BigInt(i);
  }
  let h = n === 0n ? '' : n.toString(16);
  if (h.length % 2) h = '0' + h;
  let lead = 0;
  while (lead < s.length && s[lead] === '1') lead++;
  return Buffer.concat([Buffer.alloc(lead), Buffer.from(h, 'hex')]);
}
export function b58encode(b) {
  let n = BigInt('0x' + (Buffer.from(b).toString('hex') || '0'));
  let s = '';
  while (n > 0n) {
    s = B58[Number(n % 58n)] + s;
    n /= 58n;
  }
  for (const x of b) {
    if (x !== 0) break;
    s = '1' + s;
  }
  return s;
}

// ---- keys ----

// parseEd25519Key reads "ed25519:z<base58btc(0xed 0x01 || key)>" and returns
// the 32 raw bytes; it insists on the canonical spelling.
export function parseEd25519Key(s) {
  const m = /^ed25519:z([1-9A-HJ-NP-Za-km-z]+)$/.exec(s);
  if (!m) throw new Error(`not an ed25519 key string: ${s}`);
  const b = b58decode(m[1]);
  if (b.length !== 34 || b[0] !== 0xed || b[1] !== 0x01) throw new Error(`bad multicodec key: ${s}`);
  const raw = b.subarray(2);
  if (formatEd25519Key(raw) !== s) throw new Error(`non-canonical key string: ${s}`);
  return raw;
}
export function formatEd25519Key(raw) {
  return 'ed25519:z' + b58encode(Buffer.concat([Buffer.from([0xed, 0x01]), Buffer.from(raw)]));
}

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
export function ed25519PublicKeyObject(raw) {
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519, Buffer.from(raw)]), format: 'der', type: 'spki' });
}
export function ed25519Verify(raw, msg, sig) {
  if (sig.length !== 64) return false;
  return crypto.verify(null, Buffer.from(msg), ed25519PublicKeyObject(raw), Buffer.from(sig));
}
export function ed25519FromSeed(seed) {
  const priv = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, Buffer.from(seed)]), format: 'der', type: 'pkcs8' });
  const pub = crypto.createPublicKey(priv).export({ format: 'der', type: 'spki' }).subarray(12);
  return { priv, pub, sign: (m) => crypto.sign(null, Buffer.from(m), priv) };
}

const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');
// x25519 returns the shared secret of a raw private key and a raw peer
// public key, and the private key's public key.
export function x25519(priv, pub) {
  const k = crypto.createPrivateKey({ key: Buffer.concat([X25519_PKCS8, priv]), format: 'der', type: 'pkcs8' });
  const p = crypto.createPublicKey({ key: Buffer.concat([X25519_SPKI, pub]), format: 'der', type: 'spki' });
  return { shared: crypto.diffieHellman({ privateKey: k, publicKey: p }), pub: crypto.createPublicKey(k).export({ format: 'der', type: 'spki' }).subarray(12) };
}

// ---- hashes ----

export const sha256 = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const sha512 = (...parts) => {
  const h = crypto.createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const hmacSha256 = (key, ...parts) => {
  const h = crypto.createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};
export const blake3hex = (b) => Buffer.from(blake3(b)).toString('hex');
export { blake3, crypto, canonicalize };

// jcs returns the RFC 8785 canonical bytes of a JSON value.
export function jcs(v) {
  return Buffer.from(canonicalize(v), 'utf8');
}

// ---- accord envelopes (package envelope, JSON form) ----

const ENVELOPE_MEMBERS = new Set(['alg', 'nonce', 'payload', 'sender_pubkey', 'sender_type', 'signature', 'timestamp', 'type', 'v']);

// openEnvelope parses a JSON envelope, refuses duplicate or unknown members,
// recomputes the signing bytes (RFC 8785 of the object without "signature")
// and verifies the Ed25519 signature against sender_pubkey. It returns the
// parsed object and its signing bytes; it throws "bad signature" when the
// signature does not verify.
export function openEnvelope(text) {
  const env = strictParse(text);
  assert(env && typeof env === 'object' && !Array.isArray(env), 'envelope is not an object');
  for (const k of Object.keys(env)) assert(ENVELOPE_MEMBERS.has(k), `unknown envelope member ${k}`);
  assert(env.v === 1, 'v is not 1');
  assert(env.alg === 'ed25519', `alg ${env.alg}`);
  assert(typeof env.type === 'string' && /^[A-Za-z0-9._:/+-]{1,128}$/.test(env.type), 'bad type');
  b64u(env.nonce, 16);
  assert(Number.isSafeInteger(env.timestamp) && env.timestamp >= 0, 'bad timestamp');
  const key = parseEd25519Key(env.sender_pubkey);
  const sig = b64u(env.signature, 64);
  const unsigned = { ...env };
  delete unsigned.signature;
  const signing = jcs(unsigned);
  const e = new Error('bad signature');
  e.code = 'badsig';
  if (!ed25519Verify(key, signing, sig)) throw e;
  return { env, signing, key };
}

// strictParse is JSON.parse that refuses duplicate member names (after
// unescaping) at any depth.
export function strictParse(text) {
  const s = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  let i = 0;
  const ws = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i])) i++;
  };
  // seq reads the elements of an object or array up to its closing
  // character, the opening one already read.
  const seq = (close, element) => {
    ws();
    if (s[i] === close) {
      i++;
      return;
    }
    for (;;) {
      element();
      ws();
      const d = s[i++];
      if (d === close) return;
      if (d !== ',') throw new Error(`expected , or ${close}`);
    }
  };
  const val = () => {
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      const seen = new Set();
      seq('}', () => {
        ws();
        const start = i;
        skipString();
        const name = JSON.parse(s.slice(start, i));
        if (seen.has(name)) throw new Error(`duplicate member ${name}`);
        seen.add(name);
        ws();
        if (s[i++] !== ':') throw new Error('expected :');
        val();
      });
    } else if (c === '[') {
      i++;
      seq(']', val);
    } else if (c === '"') {
      skipString();
    } else {
      const m = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(s.slice(i, i + 400));
      if (!m) throw new Error(`bad JSON at ${i}`);
      i += m[0].length;
    }
  };
  const skipString = () => {
    if (s[i] !== '"') throw new Error(`expected string at ${i}`);
    i++;
    while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    if (i >= s.length) throw new Error('unterminated string');
    i++;
  };
  val();
  ws();
  if (i !== s.length) throw new Error('trailing data');
  return JSON.parse(s);
}
