// Verifier of cahp/testdata (transcript.json, phases.json), written from the
// cahp package doc (go doc -all ./cahp) and cahp/testdata/README.md.
import {
  Reporter, readJSON, openEnvelope, jcs, assert, eqStr, eqHex, b64u, hex, sha256,
  hmacSha256, blake3, crypto, x25519, parseEd25519Key, ed25519FromSeed, formatEd25519Key, strictParse,
} from './lib.mjs';

class Malformed extends Error {}
class WrongChallenge extends Error {}
const mal = (c, m) => {
  if (!c) throw new Malformed(m);
};

// bytesOf reads a fixed-size byte string: unpadded base64url, or 2n hex
// digits for n bytes.
function bytesOf(s, n, what) {
  mal(typeof s === 'string', `${what}: not a string`);
  if (s.length === 2 * n && /^[0-9a-fA-F]+$/.test(s)) return Buffer.from(s, 'hex');
  try {
    return b64u(s, n);
  } catch (e) {
    throw new Malformed(`${what}: ${e.message}`);
  }
}
function members(o, req, what) {
  mal(o && typeof o === 'object' && !Array.isArray(o), `${what}: not an object`);
  for (const k of Object.keys(o)) mal(req.includes(k), `${what}: unknown member ${k}`);
  for (const k of req) mal(k in o, `${what}: missing ${k}`);
}
const DIGEST = (alg) => new RegExp(`^${alg}:[0-9a-f]{64}$`);
const uint = (v, max, what) => mal(Number.isSafeInteger(v) && v >= 0 && v <= max, `${what}: ${v} is not an integer from 0 to ${max}`);
function capabilities(c) {
  mal(Array.isArray(c) && c.length <= 32 && new Set(c).size === c.length, 'capabilities');
  for (const x of c) mal(typeof x === 'string' && /^[a-z0-9._:/-]{1,64}$/.test(x), `capability ${x}`);
}
// targetOf returns 2^(256-d) - 1 as 64 lowercase hex digits.
const targetOf = (d) => ((1n << BigInt(256 - d)) - 1n).toString(16).padStart(64, '0');

// parsePayload checks a payload's members as the doc lists them.
export function parsePayload(type, p) {
  mal(p && typeof p === 'object', 'payload');
  const sid = bytesOf(p.session_id, 16, 'session_id');
  switch (type) {
    case 'cahp/discovery': {
      members(p, ['session_id', 'capabilities', 'parameters'], 'discovery');
      capabilities(p.capabilities);
      const q = p.parameters;
      members(q, ['version', 'kex', 'kex_pubkey', 'challenge_nonce', 'max_difficulty'], 'parameters');
      mal(q.version === 'cahp/1.1' && q.kex === 'x25519', 'version or kex');
      bytesOf(q.kex_pubkey, 32, 'kex_pubkey');
      bytesOf(q.challenge_nonce, 32, 'challenge_nonce');
      uint(q.max_difficulty, 32, 'max_difficulty');
      break;
    }
    case 'cahp/proof':
      if (p.proof_type === 'burn_tx') {
        members(p, ['session_id', 'proof_type', 'chain', 'tx_hash', 'burn_amount_sats', 'session_binding'], 'burn proof');
        mal(/^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$/.test(p.chain), `chain ${p.chain} is not CAIP-2`);
        mal(/^0x[0-9a-f]{64}$/.test(p.tx_hash), 'tx_hash');
        mal(/^(0|[1-9]\d*)$/.test(p.burn_amount_sats), `burn_amount_sats ${p.burn_amount_sats}`);
        bytesOf(p.session_binding, 32, 'session_binding');
      } else {
        mal(p.proof_type === 'weight_commitment', 'proof_type');
        members(p, ['session_id', 'proof_type', 'merkle_root', 'session_nonce_commitment', 'leaf_count', 'chunk_size'], 'weight proof');
        mal(DIGEST('blake3').test(p.merkle_root) && DIGEST('blake3').test(p.session_nonce_commitment), 'digests');
        uint(p.leaf_count, Number.MAX_SAFE_INTEGER, 'leaf_count');
        mal(p.leaf_count >= 1, 'leaf_count');
        mal(Number.isSafeInteger(p.chunk_size) && p.chunk_size >= 1024 && p.chunk_size <= 1 << 20 && (p.chunk_size & (p.chunk_size - 1)) === 0, 'chunk_size');
      }
      break;
    case 'cahp/challenge': {
      members(p, ['session_id', 'challenge_type', 'prefix', 'difficulty', 'target', 'expiry', 'spot_checks'], 'challenge');
      mal(p.challenge_type === 'hashcash', 'challenge_type');
      const pre = Buffer.from(p.prefix, 'base64url');
      mal(pre.length >= 16 && pre.length <= 64 && pre.toString('base64url') === p.prefix, 'prefix');
      uint(p.difficulty, 32, 'difficulty');
      mal(/^[0-9a-f]{64}$/.test(p.target), 'target');
      uint(p.expiry, Number.MAX_SAFE_INTEGER, 'expiry');
      mal(Array.isArray(p.spot_checks) && p.spot_checks.length <= 64, 'spot_checks');
      p.spot_checks.forEach((x, i) => {
        uint(x, Number.MAX_SAFE_INTEGER, 'spot check');
        mal(i === 0 || x > p.spot_checks[i - 1], 'spot checks not ascending and distinct');
      });
      if (p.target !== targetOf(p.difficulty)) throw new WrongChallenge(`target ${p.target} is not that of difficulty ${p.difficulty}`);
      break;
    }
    case 'cahp/response':
      members(p, ['session_id', 'nonce', 'hash', 'runtime_sec', 'openings', 'key_confirmation'], 'response');
      uint(p.nonce, Number.MAX_SAFE_INTEGER, 'nonce');
      mal(DIGEST('sha256').test(p.hash), 'hash');
      mal(typeof p.runtime_sec === 'number' && p.runtime_sec >= 0, 'runtime_sec');
      mal(Array.isArray(p.openings), 'openings');
      for (const o of p.openings) {
        members(o, ['index', 'chunk', 'proof'], 'opening');
        uint(o.index, Number.MAX_SAFE_INTEGER, 'opening index');
        b64u(o.chunk);
        for (const h of o.proof) bytesOf(h, 32, 'proof hash');
      }
      bytesOf(p.key_confirmation, 32, 'key_confirmation');
      break;
    case 'cahp/ticket':
      members(p, ['session_id', 'capabilities', 'expiry', 'trust_score', 'subject', 'subject_type', 'transcript'], 'ticket');
      capabilities(p.capabilities);
      uint(p.expiry, Number.MAX_SAFE_INTEGER, 'expiry');
      uint(p.trust_score, 100, 'trust_score');
      try {
        parseEd25519Key(p.subject);
      } catch (e) {
        throw new Malformed(`subject: ${e.message}`);
      }
      mal(['metabolic', 'open_weight'].includes(p.subject_type), 'subject_type');
      mal(DIGEST('sha256').test(p.transcript), 'transcript');
      break;
    default:
      throw new Malformed(`type ${type}`);
  }
  return { sid };
}

const u16 = (n) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; };

export function transcriptHash(signings) {
  const parts = [Buffer.from('accord-cahp-v1 transcript\0')];
  for (const s of signings) parts.push(u32(s.length), s);
  return sha256(...parts);
}
export function hashcash(prefix, sid, nonce) {
  return sha256(u16(prefix.length), prefix, u16(sid.length), sid, u64(nonce));
}
const leadingZeroBits = (h) => {
  let n = 0;
  for (const b of h) {
    if (b === 0) { n += 8; continue; }
    return n + Math.clz32(b) - 24;
  }
  return n;
};
const hkdf = (ikm, salt, info) => Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from(info), 32));

// BLAKE3 RFC 6962 tree (weight commitment).
const bLeaf = (d) => Buffer.from(blake3(Buffer.concat([Buffer.from([0]), d])));
const bNode = (l, r) => Buffer.from(blake3(Buffer.concat([Buffer.from([1]), l, r])));
// verifyOpening checks an RFC 6962 inclusion proof (leaf to root) of leaf
// index in a tree of n leaves.
function inclusionRoot(leaf, index, n, proof) {
  let fn = index, sn = n - 1, r = leaf;
  for (const p of proof) {
    assert(sn !== 0, 'proof too long');
    if (fn % 2 === 1 || fn === sn) {
      r = bNode(p, r);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = bNode(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  assert(sn === 0, 'proof too short');
  return r;
}


export function run() {
  const r = new Reporter('cahp');
  const T = readJSON('cahp/testdata/transcript.json');
  const keyI = formatEd25519Key(ed25519FromSeed(Buffer.alloc(32, 1)).pub);
  const keyR = formatEd25519Key(ed25519FromSeed(Buffer.alloc(32, 2)).pub);

  // m1..m9 from the four HTTP exchanges.
  const phases = ['discovery', 'proof', 'challenge', 'response'];
  const m = [null];
  const answers = [[2], [4], [6, 7], [9]];
  const envs = {};
  r.check('transcript.json: four HTTP exchanges in phase order', () => {
    assert(T.exchanges.length === 4, 'exchanges');
    T.exchanges.forEach((x, i) => {
      eqStr(x.method, 'POST', 'method');
      eqStr(x.content_type, 'application/json', 'content type');
      eqStr(x.status, 200, 'status');
      const req = strictParse(x.request_body), res = strictParse(x.response_body);
      assert(Array.isArray(req) && req.length === 1, 'request is not [one envelope]');
      assert(Array.isArray(res) && res.length === answers[i].length, 'response length');
      m[[1, 3, 5, 8][i]] = JSON.stringify(req[0]);
      answers[i].forEach((n, j) => { m[n] = JSON.stringify(res[j]); });
    });
    const sid = JSON.parse(m[1]).payload.session_id;
    T.exchanges.forEach((x, i) => eqStr(x.path, `/cahp/v1/sessions/${sid}/${phases[i]}`, 'path'));
  });
  const want = { 1: ['cahp/discovery', keyI], 2: ['cahp/discovery', keyR], 3: ['cahp/proof', keyI], 4: ['cahp/proof', keyR], 5: ['cahp/challenge', keyI], 6: ['cahp/challenge', keyR], 7: ['cahp/response', keyR], 8: ['cahp/response', keyI], 9: ['cahp/ticket', keyR] };
  for (let n = 1; n <= 9; n++) {
    r.check(`transcript.json m${n} ${want[n][0]}: signature, sender, payload`, () => {
      const o = openEnvelope(m[n]);
      eqStr(o.env.type, want[n][0], 'type');
      eqStr(o.env.sender_pubkey, want[n][1], 'sender');
      eqStr(o.env.sender_type, [1, 3, 5, 8].includes(n) ? T.initiator.kind : T.responder.kind, 'sender_type');
      eqStr(T[[1, 3, 5, 8].includes(n) ? 'initiator' : 'responder'].key, want[n][1], 'key in the file');
      assert(Math.abs(o.env.timestamp - T.time) <= 60, 'timestamp outside ±60 s');
      parsePayload(o.env.type, o.env.payload);
      eqStr(o.env.payload.session_id, JSON.parse(m[1]).payload.session_id, 'session_id');
      envs[n] = o;
    });
  }
  const P = (n) => envs[n].env.payload;
  const S = (n) => envs[n].signing;
  const TH = (n) => transcriptHash([1, 2, 3, 4, 5, 6, 7, 8, 9].slice(0, n).map(S));
  r.check('transcript.json: transcript hashes TH(2), TH(6), TH(7), TH(8), TH(9)', () => {
    for (const n of [2, 6, 7, 8, 9]) eqHex(TH(n), T.transcript_hashes[n], `TH(${n})`);
  });
  let shared;
  r.check('transcript.json: X25519 ephemeral keys and shared secret', () => {
    const a = x25519(hex(T.initiator.kex_private, 32), bytesOf(P(2).parameters.kex_pubkey, 32));
    const b = x25519(hex(T.responder.kex_private, 32), bytesOf(P(1).parameters.kex_pubkey, 32));
    eqHex(a.pub, bytesOf(P(1).parameters.kex_pubkey, 32), 'initiator kex_pubkey');
    eqHex(b.pub, bytesOf(P(2).parameters.kex_pubkey, 32), 'responder kex_pubkey');
    eqHex(a.shared, b.shared, 'both sides');
    eqHex(a.shared, T.shared_secret, 'shared secret');
    shared = a.shared;
  });
  r.check('transcript.json: key confirmations m7, m8 and the session key', () => {
    const kR = hkdf(shared, TH(6), 'accord-cahp-v1 responder confirmation');
    const kI = hkdf(shared, TH(6), 'accord-cahp-v1 initiator confirmation');
    eqHex(bytesOf(P(7).key_confirmation, 32), hmacSha256(kR, TH(6)), 'm7 key_confirmation');
    eqHex(bytesOf(P(8).key_confirmation, 32), hmacSha256(kI, TH(7)), 'm8 key_confirmation');
    eqHex(hkdf(shared, TH(9), 'accord-cahp-v1 session key'), T.session_key, 'session key');
  });
  // Each side's proof is of its kind.
  const proofOf = { metabolic: 'burn_tx', open_weight: 'weight_commitment' };
  r.check('transcript.json: burn binding of the metabolic proof', () => {
    const [n, role] = T.initiator.kind === 'metabolic' ? [3, 'initiator'] : [4, 'responder'];
    eqStr(P(n).proof_type, 'burn_tx', 'proof type');
    eqHex(bytesOf(P(n).session_binding, 32), sha256(Buffer.from(`accord-cahp-v1 burn-binding\0${role}\0`), TH(2)), 'session_binding');
  });
  r.check('transcript.json: weight commitment (nonce commitment, openings of the spot checks)', () => {
    const [n, challenge, response, peerDisc] = T.initiator.kind === 'open_weight' ? [3, 6, 8, 2] : [4, 5, 7, 1];
    const p = P(n);
    eqStr(p.proof_type, proofOf.open_weight, 'proof type');
    const root = hex(p.merkle_root.slice('blake3:'.length), 32);
    const sid = bytesOf(p.session_id, 16);
    const nc = Buffer.from(blake3(Buffer.concat([Buffer.from('accord-cahp-v1 session-nonce-commitment\0'), root, bytesOf(P(peerDisc).parameters.challenge_nonce, 32), sid])));
    eqStr(p.session_nonce_commitment, 'blake3:' + nc.toString('hex'), 'session_nonce_commitment');
    const checks = P(challenge).spot_checks, openings = P(response).openings;
    assert(checks.length > 0, 'no spot checks to verify');
    // The last chunk is always asked: leaf_count is the prover's claim.
    eqStr(String(checks[checks.length - 1]), String(p.leaf_count - 2), 'the last chunk is among the spot checks');
    eqStr(JSON.stringify(openings.map((o) => o.index)), JSON.stringify(checks), 'openings answer the spot checks in order');
    for (const o of openings) {
      const chunk = b64u(o.chunk);
      assert(chunk.length > 0 && chunk.length <= p.chunk_size, `chunk ${o.index} size ${chunk.length}`);
      // Chunk i is leaf i+1 (leaf 0 is the listing, never opened).
      const got = inclusionRoot(bLeaf(chunk), o.index + 1, p.leaf_count, o.proof.map((h) => bytesOf(h, 32)));
      eqHex(got, root, `opening of chunk ${o.index}`);
    }
  });
  r.check('transcript.json: the weight commitment is the root of the README\'s model', () => {
    const p = T.initiator.kind === 'open_weight' ? P(3) : P(4);
    const n = 40000;
    const data = Buffer.alloc(n);
    for (let i = 0; i < n; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
    const files = [['layers/0.bin', data.subarray(0, Math.floor(n / 3))], ['config.json', data.subarray(Math.floor(n / 3))]]
      .sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
    const listing = [Buffer.from('accord-cahp-weights-v1'), u64(p.chunk_size), u64(files.length)];
    for (const [name, body] of files) listing.push(u32(Buffer.byteLength(name)), Buffer.from(name), u64(body.length));
    const leaves = [Buffer.concat(listing)];
    for (const [, body] of files) for (let o = 0; o < body.length; o += p.chunk_size) leaves.push(body.subarray(o, o + p.chunk_size));
    eqStr(p.leaf_count, leaves.length, 'leaf_count');
    const rootOf = (hs) => {
      if (hs.length === 1) return hs[0];
      let k = 1;
      while (k * 2 < hs.length) k *= 2;
      return bNode(rootOf(hs.slice(0, k)), rootOf(hs.slice(k)));
    };
    eqStr(p.merkle_root, 'blake3:' + rootOf(leaves.map(bLeaf)).toString('hex'), 'merkle_root');
    const opener = T.initiator.kind === 'open_weight' ? P(8) : P(7);
    for (const o of opener.openings) eqHex(b64u(o.chunk), leaves[o.index + 1], `chunk ${o.index}`);
  });
  r.check('transcript.json: hashcash answers m7 (to m5) and m8 (to m6)', () => {
    for (const [c, a] of [[5, 7], [6, 8]]) {
      const ch = P(c), ans = P(a);
      const h = hashcash(b64u(ch.prefix), bytesOf(ch.session_id, 16), ans.nonce);
      eqStr(ans.hash, 'sha256:' + h.toString('hex'), `m${a} hash`);
      assert(leadingZeroBits(h) >= ch.difficulty, `m${a} does not meet difficulty ${ch.difficulty}`);
      assert(BigInt('0x' + h.toString('hex')) <= BigInt('0x' + ch.target), 'above target');
      assert(envs[a].env.timestamp <= ch.expiry, 'answered after expiry');
    }
    eqStr(P(5).difficulty, 0, 'the challenge to the responder has difficulty 0');
    assert(P(6).difficulty <= P(1).parameters.max_difficulty, 'difficulty above the initiator\'s limit');
    eqStr(P(6).difficulty, P(2).parameters.max_difficulty, 'the responder asks the difficulty it announced');
  });
  r.check('transcript.json: the ticket', () => {
    const t = P(9);
    eqStr(t.transcript, 'sha256:' + TH(8).toString('hex'), 'transcript is TH(8)');
    eqStr(t.subject, keyI, 'subject');
    eqStr(t.subject_type, T.initiator.kind, 'subject_type');
    assert(t.expiry > envs[9].env.timestamp && t.expiry - envs[9].env.timestamp <= 24 * 3600, 'lifetime');
    for (const c of t.capabilities) assert(P(1).capabilities.includes(c), `capability ${c} not asked`);
    // Open-weight subject: 50 at the policy minimum, rising linearly to 100
    // with the chunks opened over min(SpotChecks, chunks).
    if (t.subject_type === 'open_weight') {
      const asked = P(6).spot_checks.length, opened = P(8).openings.length;
      eqStr(t.trust_score, asked === 0 ? 50 : Math.min(100, Math.floor(50 + (50 * opened) / asked)), 'trust_score');
    }
  });

  // phases.json: every message's signing bytes, and negative cases.
  const V = readJSON('cahp/testdata/phases.json');
  for (const [i, v] of V.entries()) {
    const text = JSON.stringify(v.envelope);
    if (!v.wantErr) {
      r.check(`phases.json#${i} ${v.desc}`, () => {
        const o = openEnvelope(text);
        eqStr(o.signing.toString('base64url'), v.signing_bytes, 'signing_bytes');
        eqStr(o.env.type, v.type, 'type');
        parsePayload(o.env.type, o.env.payload);
        const n = Number(/^m(\d)/.exec(v.desc)[1]);
        eqStr(jcs(o.env).toString(), jcs(JSON.parse(m[n])).toString(), `the transcript's m${n}`);
      });
    } else {
      r.check(`phases.json#${i} refused: ${v.desc}`, () => {
        const wantCls = { 'envelope.ErrBadSignature': 'badsig', ErrMalformed: Malformed, ErrWrongChallenge: WrongChallenge }[v.wantErr];
        assert(wantCls, `unknown wantErr ${v.wantErr}`);
        try {
          const o = openEnvelope(text);
          eqStr(o.signing.toString('base64url'), v.signing_bytes, 'signing_bytes');
          parsePayload(o.env.type, o.env.payload);
        } catch (e) {
          if (wantCls === 'badsig' ? e.code === 'badsig' : e instanceof wantCls) return;
          throw new Error(`refused with ${e.constructor.name} (${e.message}), want ${v.wantErr}`);
        }
        throw new Error(`accepted, want ${v.wantErr}`);
      });
    }
  }
  return r;
}
