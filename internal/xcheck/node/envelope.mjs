// Verifier of envelope/testdata/vectors/envelopes.json, written from the
// envelope package doc (go doc -all ./envelope) and envelope/testdata/README.md.
import {
  Reporter, readJSON, jcs, assert, eqStr, eqHex, b64u, b58encode, b58decode, hmacSha256,
  ed25519Verify, ed25519FromSeed, strictParse,
} from './lib.mjs';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';

class Malformed extends Error {}
class Unsupported extends Error {}
class BadSignature extends Error {}
class UnknownKey extends Error {}
const CLASSES = { malformed: Malformed, unsupported: Unsupported, bad_signature: BadSignature, unknown_key: UnknownKey };
const mal = (c, m) => {
  if (!c) throw new Malformed(m);
};

const ALGS = ['ed25519', 'hmac-sha256', 'ml-dsa-65', 'ed25519+ml-dsa-65'];
const SIGLEN = { ed25519: 64, 'hmac-sha256': 32, 'ml-dsa-65': 3309, 'ed25519+ml-dsa-65': 3373 };
const MEMBERS = new Set(['alg', 'nonce', 'payload', 'sender_pubkey', 'sender_type', 'signature', 'timestamp', 'type', 'v']);

// ---- key strings ----
export function keyString(kind, raw) {
  const prefix = kind === 'ed25519' ? [0xed, 0x01] : [0x91, 0x24];
  return `${kind}:z` + b58encode(Buffer.concat([Buffer.from(prefix), Buffer.from(raw)]));
}
function parseKey(s) {
  const m = /^(ed25519|mldsa65):z([1-9A-HJ-NP-Za-km-z]+)$/.exec(s);
  if (!m) throw new Malformed(`key string ${s.slice(0, 40)}`);
  const b = b58decode(m[2]);
  const [p, n] = m[1] === 'ed25519' ? [[0xed, 0x01], 32] : [[0x91, 0x24], 1952];
  mal(b.length === n + 2 && b[0] === p[0] && b[1] === p[1], 'multicodec prefix or length');
  return { kind: m[1], raw: b.subarray(2) };
}

// ---- deterministic CBOR (RFC 8949 §4.2.1), the subset envelopes use ----
function head(major, n) {
  const big = BigInt(n);
  if (big < 24n) return Buffer.from([(major << 5) | Number(big)]);
  if (big < 0x100n) return Buffer.from([(major << 5) | 24, Number(big)]);
  if (big < 0x10000n) { const b = Buffer.alloc(3); b[0] = (major << 5) | 25; b.writeUInt16BE(Number(big), 1); return b; }
  if (big < 0x100000000n) { const b = Buffer.alloc(5); b[0] = (major << 5) | 26; b.writeUInt32BE(Number(big), 1); return b; }
  const b = Buffer.alloc(9); b[0] = (major << 5) | 27; b.writeBigUInt64BE(big, 1); return b;
}
export function cborEncode(v) {
  if (v === false) return Buffer.from([0xf4]);
  if (v === true) return Buffer.from([0xf5]);
  if (v === null) return Buffer.from([0xf6]);
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  if (typeof v === 'string') { const b = Buffer.from(v, 'utf8'); return Buffer.concat([head(3, b.length), b]); }
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (typeof v === 'number' && !Number.isInteger(v)) throw new Error('floats are not needed by these vectors');
    return BigInt(v) >= 0n ? head(0, v) : head(1, -1n - BigInt(v));
  }
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(cborEncode)]);
  const entries = Object.entries(v).map(([k, x]) => [cborEncode(k), cborEncode(x)]).sort((a, b) => Buffer.compare(a[0], b[0]));
  return Buffer.concat([head(5, entries.length), ...entries.flat()]);
}
// cborDecode reads one data item, refusing indefinite lengths, tags, simple
// values other than false/true/null, non-shortest heads, unsorted or
// duplicate map keys and trailing data.
export function cborDecode(buf) {
  let i = 0;
  const arg = (ai) => {
    if (ai < 24) return BigInt(ai);
    const n = { 24: 1, 25: 2, 26: 4, 27: 8 }[ai];
    mal(n, `additional info ${ai} (indefinite or reserved)`);
    mal(i + n <= buf.length, 'truncated');
    let v = 0n;
    for (let k = 0; k < n; k++) v = (v << 8n) | BigInt(buf[i + k]);
    i += n;
    const min = { 1: 24n, 2: 0x100n, 4: 0x10000n, 8: 0x100000000n }[n];
    mal(v >= min, 'head not in its shortest form');
    return v;
  };
  const item = () => {
    mal(i < buf.length, 'truncated');
    const ib = buf[i++];
    const major = ib >> 5, ai = ib & 31;
    if (major === 7) {
      if (ai === 20) return false;
      if (ai === 21) return true;
      if (ai === 22) return null;
      throw new Malformed(`simple value or float 0x${ib.toString(16)}`);
    }
    const n = arg(ai);
    switch (major) {
      case 0: return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
      case 1: return -1 - Number(n);
      case 2: case 3: {
        const len = Number(n);
        mal(i + len <= buf.length, 'truncated');
        const b = buf.subarray(i, i + len);
        i += len;
        return major === 2 ? Buffer.from(b) : new TextDecoder('utf-8', { fatal: true }).decode(b);
      }
      case 4: return Array.from({ length: Number(n) }, item);
      case 5: {
        const o = {};
        let prev = null;
        for (let k = 0; k < Number(n); k++) {
          const start = i;
          const key = item();
          const enc = buf.subarray(start, i);
          mal(typeof key === 'string', 'map key is not a text string');
          mal(prev === null || Buffer.compare(prev, enc) < 0, 'map keys not sorted or duplicated');
          prev = enc;
          o[key] = item();
        }
        return o;
      }
      default: throw new Malformed(`tag ${n}`);
    }
  };
  const v = item();
  mal(i === buf.length, 'trailing data');
  return v;
}

// ---- opening ----

// open verifies an envelope (JSON text or CBOR bytes) against the trusted
// keys: shape, then key known, then signature.
function open(format, bytes, trusted) {
  let env;
  if (format === 'json') {
    try {
      env = strictParse(bytes);
    } catch (e) {
      throw new Malformed(e.message);
    }
  } else {
    env = cborDecode(bytes);
  }
  mal(env && typeof env === 'object' && !Array.isArray(env), 'not an object');
  for (const k of Object.keys(env)) mal(MEMBERS.has(k), `unknown member ${k}`);
  for (const k of MEMBERS) if (k !== 'sender_type') mal(k in env, `missing ${k}`);
  if (env.v !== 1) {
    mal(Number.isInteger(env.v), 'v');
    throw new Unsupported(`v ${env.v}`);
  }
  if (!ALGS.includes(env.alg)) throw new Unsupported(`alg ${env.alg}`);
  mal(typeof env.type === 'string' && /^[A-Za-z0-9._:/+-]{1,128}$/.test(env.type), 'type');
  if ('sender_type' in env) mal(typeof env.sender_type === 'string' && /^[A-Za-z0-9._:/+-]{1,64}$/.test(env.sender_type), 'sender_type');
  mal(Number.isSafeInteger(env.timestamp) && env.timestamp >= 0, 'timestamp is not an integer from 0 to 2^53-1');
  const bin = (k, n) => {
    if (format === 'cbor') {
      mal(Buffer.isBuffer(env[k]) && env[k].length === n, `${k} is not a byte string of ${n}`);
      return env[k];
    }
    try {
      return b64u(env[k], n);
    } catch (e) {
      throw new Malformed(`${k}: ${e.message}`);
    }
  };
  bin('nonce', 16);
  const sig = bin('signature', SIGLEN[env.alg]);
  const unsigned = { ...env };
  delete unsigned.signature;
  let signing;
  if (format === 'json') {
    signing = jcs(unsigned);
  } else {
    eqHex(cborEncode(env), bytes, 'CBOR envelope is not in deterministic form');
    signing = cborEncode(unsigned);
  }
  // Keys: the sender_pubkey must be one the verifier trusts, as written.
  const spk = env.sender_pubkey;
  mal(typeof spk === 'string', 'sender_pubkey');
  let ok;
  switch (env.alg) {
    case 'ed25519': case 'ml-dsa-65': {
      const k = parseKey(spk);
      mal(k.kind === (env.alg === 'ed25519' ? 'ed25519' : 'mldsa65'), 'key kind does not match alg');
      if (!trusted.keys.has(spk)) throw new UnknownKey(spk);
      ok = k.kind === 'ed25519' ? ed25519Verify(k.raw, signing, sig) : ml_dsa65.verify(sig, signing, k.raw);
      break;
    }
    case 'hmac-sha256': {
      const m = /^hmac:([A-Za-z0-9._-]{1,64})$/.exec(spk);
      mal(m, 'hmac key id');
      const secret = trusted.secrets.get(m[1]);
      if (!secret) throw new UnknownKey(spk);
      ok = Buffer.compare(hmacSha256(secret, signing), sig) === 0;
      break;
    }
    case 'ed25519+ml-dsa-65': {
      const parts = spk.split('+');
      mal(parts.length === 2, 'hybrid key string');
      const [a, b] = parts.map(parseKey);
      mal(a.kind === 'ed25519' && b.kind === 'mldsa65', 'hybrid key kinds');
      if (!trusted.keys.has(parts[0]) || !trusted.keys.has(parts[1])) throw new UnknownKey(spk);
      ok = ed25519Verify(a.raw, signing, sig.subarray(0, 64)) && ml_dsa65.verify(sig.subarray(64), signing, b.raw);
      break;
    }
  }
  if (!ok) throw new BadSignature('signature does not verify');
  return { env, signing, sig };
}

export function run() {
  const r = new Reporter('envelope');
  const V = readJSON('envelope/testdata/vectors/envelopes.json');
  const K = V.keys;
  r.check('envelopes.json keys: raw keys and key strings from the fixed secrets', () => {
    eqHex(ed25519FromSeed(Buffer.from(K.ed25519.seed, 'hex')).pub, K.ed25519.public_raw, 'ed25519 public');
    eqStr(keyString('ed25519', Buffer.from(K.ed25519.public_raw, 'hex')), K.ed25519.public, 'ed25519 key string');
    const { publicKey } = ml_dsa65.keygen(Buffer.from(K.mldsa65.seed, 'hex'));
    eqHex(publicKey, K.mldsa65.public_raw, 'ml-dsa-65 public (KeyGen_internal from ξ, FIPS 204)');
    eqStr(keyString('mldsa65', publicKey), K.mldsa65.public, 'ml-dsa-65 key string');
    eqStr(K.hmac.public, `hmac:${K.hmac.key_id}`, 'hmac key string');
  });
  const trustedFor = (names) => ({
    keys: new Set(names.filter((n) => n !== 'hmac').map((n) => K[n].public)),
    secrets: new Map(names.includes('hmac') ? [[K.hmac.key_id, Buffer.from(K.hmac.secret, 'hex')]] : []),
  });
  for (const v of V.valid) {
    r.check(`envelopes.json valid ${v.name}`, () => {
      const bytes = v.format === 'json' ? v.envelope : Buffer.from(v.envelope, 'hex');
      const { env, signing, sig } = open(v.format, bytes, trustedFor(v.keys));
      if (v.format === 'json') eqStr(signing.toString('utf8'), v.signing_bytes, 'signing_bytes');
      else eqHex(signing, v.signing_bytes, 'signing_bytes');
      eqHex(sig, v.signature, 'signature');
      // The vector's fields are the envelope's.
      eqStr(env.alg, v.alg, 'alg');
      eqStr(env.type, v.type, 'type');
      eqStr(env.timestamp, v.timestamp, 'timestamp');
      eqStr(env.sender_type, v.sender_type, 'sender_type');
      eqHex(v.format === 'json' ? b64u(env.nonce) : env.nonce, v.nonce, 'nonce');
      eqStr(jcs(env.payload).toString(), jcs(v.payload).toString(), 'payload');
      const wantKey = v.keys.map((n) => K[n].public).join('+');
      eqStr(env.sender_pubkey, wantKey, 'sender_pubkey');
      if (v.format === 'json') eqStr(jcs(env).toString('utf8'), v.envelope, 'JSON envelope is not sealed in canonical form');
    });
  }
  for (const v of V.invalid) {
    r.check(`envelopes.json invalid ${v.name} (${v.error})`, () => {
      const want = CLASSES[v.error];
      assert(want, `unknown error class ${v.error}`);
      const bytes = v.format === 'json' ? v.envelope : Buffer.from(v.envelope, 'hex');
      try {
        open(v.format, bytes, trustedFor(v.keys));
      } catch (e) {
        if (e instanceof want) return;
        throw new Error(`refused with ${e.constructor.name} (${e.message}), want ${v.error}`);
      }
      throw new Error(`accepted, want ${v.error}`);
    });
  }
  return r;
}
