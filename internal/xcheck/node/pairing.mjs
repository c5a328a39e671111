// Verifier of pairing/testdata (pairing-transcript.json,
// recovery-transcript.json, and the draft's CPace vectors), written from the
// pairing package doc (go doc -all ./pairing), pairing/testdata/README.md
// and draft-irtf-cfrg-cpace-21.
import {
  Reporter, readJSON, jcs, assert, eqStr, eqHex, b64u, hex, sha512, crypto, strictParse, hmacSha256, x25519,
} from './lib.mjs';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';

const Point = ristretto255.Point;
const L = Point.Fn.ORDER;

// ---- CPace (draft-irtf-cfrg-cpace-21), CPACE-RISTR255-SHA512 ----

// leb128 encodes a length as the draft's prepend_len does.
function leb128(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}
const prependLen = (b) => Buffer.concat([leb128(b.length), Buffer.from(b)]);
export const lvCat = (...parts) => Buffer.concat(parts.map(prependLen));

const DSI = Buffer.from('CPaceRistretto255');
export function generatorString(prs, ci, sid, sInBytes = 128) {
  const zpad = Math.max(0, sInBytes - 1 - prependLen(prs).length - prependLen(DSI).length);
  return lvCat(DSI, prs, Buffer.alloc(zpad), ci, sid);
}
// calculateGenerator: SHA-512 of the generator string, then the ristretto255
// one-way map of the 64 bytes.
export function generator(prs, ci, sid) {
  return ristretto255_hasher.deriveToCurve(sha512(generatorString(prs, ci, sid)));
}
// Scalars are written as 32 little-endian bytes.
const scalarOf = (b) => {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n;
};
export function share(g, y) {
  return Buffer.from(g.multiply(scalarOf(y) % L).toBytes());
}
// scalarMultVfy decodes the peer's share, refuses an invalid encoding or the
// neutral element, and returns K.
export function scalarMultVfy(y, Y) {
  const P = Point.fromBytes(Y);
  const K = P.multiply(scalarOf(y) % L);
  assert(!K.equals(Point.ZERO), 'neutral element');
  return Buffer.from(K.toBytes());
}
export const iskIR = (sid, K, Ya, ADa, Yb, ADb) =>
  sha512(lvCat(Buffer.from('CPaceRistretto255_ISK'), sid, K), lvCat(Ya, ADa), lvCat(Yb, ADb));
export function confirmTags(sid, isk, Ya, ADa, Yb, ADb) {
  const macKey = sha512(Buffer.from('CPaceMac'), sid, isk);
  const h = (m) => crypto.createHmac('sha512', macKey).update(m).digest();
  return { Ta: h(lvCat(Ya, ADa)), Tb: h(lvCat(Yb, ADb)) };
}

// ---- sealing ----

const gcm = (key, nonce, aad, pt) => {
  const c = crypto.createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
};
const ungcm = (key, nonce, aad, ct) => {
  const d = crypto.createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(aad);
  d.setAuthTag(ct.subarray(ct.length - 16));
  return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
};
const hkdf = (hash, ikm, salt, info, n) => Buffer.from(crypto.hkdfSync(hash, ikm, salt, Buffer.from(info), n));
// sealKey: HKDF-SHA512(ISK, salt sid, info "accord-pairing-v1 seal " + type).
const sealKey = (isk, sid, type) => hkdf('sha512', isk, sid, 'accord-pairing-v1 seal ' + type, 32);
const openSealed = (isk, sid, type, sealed) => ungcm(sealKey(isk, sid, type), Buffer.alloc(12), Buffer.from(type), b64u(sealed));
const seal = (isk, sid, type, body) => gcm(sealKey(isk, sid, type), Buffer.alloc(12), Buffer.from(type), jcs(body));

// ---- swarm channel ----

export function swarmKeys(secret, swarm, epoch) {
  const k = (info, n) => hkdf('sha256', secret, Buffer.from('accord-swarm-v1'), `${info} ${swarm} ${epoch}`, n);
  return { mac: k('mac', 32), enc: k('enc', 32), id: `e${epoch}-` + k('id', 8).toString('hex') };
}
// openSwarm checks an hmac-sha256 envelope under the epoch's keys and
// decrypts its frame.
function openSwarm(text, keys) {
  const env = strictParse(text);
  eqStr(env.alg, 'hmac-sha256', 'alg');
  eqStr(env.sender_pubkey, 'hmac:' + keys.id, 'sender_pubkey');
  const unsigned = { ...env };
  delete unsigned.signature;
  eqHex(b64u(env.signature, 32), hmacSha256(keys.mac, jcs(unsigned)), 'HMAC');
  assert(/^swarm\/(ANNOUNCE|DISCOVER|PERIPH_ANNOUNCE|PERIPH_CALL|PERIPH_RESULT|REKEY)$/.test(env.type), `type ${env.type}`);
  assert(Object.keys(env.payload).length === 1 && 'ct' in env.payload, 'payload is not {"ct"}');
  const frame = ungcm(keys.enc, b64u(env.nonce, 16), Buffer.from(env.type), b64u(env.payload.ct));
  return { env, frame: frame.toString('utf8') };
}


// ---- pairing messages ----

const MEMBERS = {
  PAIR_READY: ['label', 'computerId', 'session'],
  PAIR_OFFER: ['label', 'computerId', 'session', 'sid', 'share'],
  PAIR_ANSWER: ['label', 'computerId', 'sid', 'share', 'confirm'],
  PAIR_DELIVER: ['sid', 'confirm', 'sealed'],
  PAIR_COMPLETE: ['sid', 'sealed'],
  pair_request: ['label', 'computerId', 'sid', 'share'],
  pair_confirm: ['sid', 'confirm'],
  pair_response: ['sid', 'sealed'],
};
const SIZES = { session: 16, sid: 16, share: 32, confirm: 64 };
function parseMessage(text, wantType) {
  assert(Buffer.byteLength(text) <= 4096, 'message above 4096 bytes');
  const m = strictParse(text);
  eqStr(jcs(m).toString(), text, 'message is not sent in RFC 8785 form');
  eqStr(m.type, wantType, 'type');
  eqStr(m.v, 1, 'v');
  let want = MEMBERS[m.type];
  if (m.type === 'PAIR_REJECT') want = 'reason' in m ? ['sid', 'reason'] : ['sid', 'sealed'];
  assert(want, `unknown type ${m.type}`);
  const keys = Object.keys(m).filter((k) => k !== 'type' && k !== 'v').sort();
  eqStr(keys.join(','), [...want].sort().join(','), `${m.type} members`);
  for (const [k, n] of Object.entries(SIZES)) if (k in m) b64u(m[k], n);
  if ('computerId' in m) assert(/^[A-Za-z0-9._-]{1,64}$/.test(m.computerId), 'computerId');
  if ('label' in m) assert([...m.label].length >= 1 && [...m.label].length <= 64, 'label');
  return m;
}

// checkRun verifies one pairing run: A (the typist, initiator) and B (the
// code holder, responder), their scalars, the messages' shares, ISK and tags.
function checkRun(r, name, V, roles) {
  const prs = Buffer.from(V.code.replace('-', ''), 'ascii');
  const ci = lvCat(Buffer.from('accord-pairing-v1'), Buffer.from(V.flow));
  const ctx = {};
  r.check(`${name}: CI, messages, shares and the generator`, () => {
    eqHex(ci, V.ci, 'ci');
    const msgs = V.messages.map((x) => ({ ...x, m: parseMessage(x.json, x.type) }));
    ctx.msgs = msgs;
    const byType = (t) => msgs.find((x) => x.type === t).m;
    const aMsg = byType(roles.offer), bMsg = byType('PAIR_ANSWER');
    const sid = b64u(aMsg.sid, 16);
    for (const x of msgs) if ('sid' in x.m) eqStr(x.m.sid, aMsg.sid, `${x.type} sid`);
    const g = generator(prs, ci, sid);
    const ya = hex(V.ya, 32), yb = hex(V.yb, 32);
    assert((ya[31] & 0xf0) === 0 && (yb[31] & 0xf0) === 0, 'scalars do not have their top four bits cleared');
    const Ya = share(g, ya), Yb = share(g, yb);
    eqStr(aMsg.share, Ya.toString('base64url'), `${roles.offer} share = ya*g`);
    eqStr(bMsg.share, Yb.toString('base64url'), 'PAIR_ANSWER share = yb*g');
    const ADa = Buffer.from(V[roles.a].computerId), ADb = Buffer.from(V[roles.b].computerId);
    eqStr(aMsg.computerId, V[roles.a].computerId, 'ADa');
    eqStr(bMsg.computerId, V[roles.b].computerId, 'ADb');
    Object.assign(ctx, { sid, Ya, Yb, ADa, ADb, ya, yb, byType });
  });
  r.check(`${name}: K on both sides, ISK`, () => {
    const { sid, Ya, Yb, ADa, ADb, ya, yb } = ctx;
    const Ka = scalarMultVfy(ya, Yb), Kb = scalarMultVfy(yb, Ya);
    eqHex(Ka, Kb, 'K');
    ctx.isk = iskIR(sid, Ka, Ya, ADa, Yb, ADb);
    eqHex(ctx.isk, V.isk, 'ISK');
  });
  r.check(`${name}: confirmation tags Tb (PAIR_ANSWER) and Ta (${roles.confirm})`, () => {
    const { sid, Ya, Yb, ADa, ADb, isk, byType } = ctx;
    const { Ta, Tb } = confirmTags(sid, isk, Ya, ADa, Yb, ADb);
    eqStr(byType('PAIR_ANSWER').confirm, Tb.toString('base64url'), 'Tb');
    eqStr(byType(roles.confirm).confirm, Ta.toString('base64url'), 'Ta');
  });
  r.check(`${name}: a wrong code gives tags that do not match (one symbol changed)`, () => {
    const { sid, ADa, ADb, ya, yb, byType } = ctx;
    const wrong = Buffer.from(prs);
    wrong[0] = wrong[0] === 0x41 ? 0x42 : 0x41;
    // B holds the right code, A typed the wrong one.
    const gA = generator(wrong, ci, sid), gB = generator(prs, ci, sid);
    const Ya = share(gA, ya), Yb = share(gB, yb);
    const iskA = iskIR(sid, scalarMultVfy(ya, Yb), Ya, ADa, Yb, ADb);
    const iskB = iskIR(sid, scalarMultVfy(yb, Ya), Ya, ADa, Yb, ADb);
    assert(Buffer.compare(iskA, iskB) !== 0, 'both sides agree on ISK with a wrong code');
    const tA = confirmTags(sid, iskA, Ya, ADa, Yb, ADb), tB = confirmTags(sid, iskB, Ya, ADa, Yb, ADb);
    assert(Buffer.compare(tA.Tb, tB.Tb) !== 0 && Buffer.compare(tA.Ta, tB.Ta) !== 0, 'tags match with a wrong code');
    assert(byType('PAIR_ANSWER').confirm !== tA.Tb.toString('base64url'), 'the recorded Tb matches a wrong code');
  });
  r.check(`${name}: sealed grant (${roles.grant})`, () => {
    const { sid, isk, byType } = ctx;
    const m = byType(roles.grant);
    const pt = openSealed(isk, sid, roles.grant, m.sealed).toString('utf8');
    eqStr(pt, V.grant, 'grant');
    eqStr(jcs(JSON.parse(pt)).toString(), pt, 'grant is not canonical JSON');
    eqStr(seal(isk, sid, roles.grant, JSON.parse(pt)).toString('base64url'), m.sealed, 'resealed grant');
    const g = JSON.parse(pt);
    const want = roles.grant === 'pair_response' ? ['epoch', 'secret', 'success', 'swarm', 'zoneId', 'zoneName'] : ['epoch', 'secret', 'swarm', 'zoneId', 'zoneName'];
    eqStr(Object.keys(g).sort().join(','), want.join(','), 'grant members');
    b64u(g.secret, 32);
    eqStr(g.zoneId, V[roles.b === 'zone' ? 'pocket' : 'host'].computerId, 'zoneId is the giver\'s');
  });
  return ctx;
}

function checkSwarmMessage(r, name, S, extra) {
  r.check(name, () => {
    const keys = swarmKeys(hex(S.secret, 32), S.swarm, S.epoch);
    eqStr(keys.id, S.keyId ?? extra?.keyId, 'key id');
    const { env, frame } = openSwarm(S.envelope, keys);
    eqStr(frame, S.frame, 'frame');
    eqStr(env.timestamp, S.timestamp, 'timestamp');
    const f = strictParse(frame);
    eqStr(jcs(f).toString(), frame, 'frame is not canonical JSON');
    assert(Number.isSafeInteger(f.seq) && f.seq >= S.timestamp * 1e6, 'seq is not the sender\'s clock in microseconds');
    if (S.type) eqStr(env.type, S.type, 'type');
    if (extra) extra.check(env, f, keys);
  });
}

export function run() {
  const r = new Reporter('pairing');

  // The draft's vectors first: the CPace steps this verifier uses.
  const D = readJSON('pairing/testdata/cpace-testvectors-master.json');
  r.check('cpace-testvectors-master.json G_Coffee25519: generator, shares, K, ISK_IR', () => {
    const v = D.G_Coffee25519;
    const H = (s) => Buffer.from(s, 'hex');
    const g = generator(H(v.PRS), H(v.CI), H(v.sid));
    eqHex(g.toBytes(), v.g.toLowerCase(), 'g');
    const Ya = share(g, H(v.ya)), Yb = share(g, H(v.yb));
    eqHex(Ya, v.Ya.toLowerCase(), 'Ya');
    eqHex(Yb, v.Yb.toLowerCase(), 'Yb');
    const K = scalarMultVfy(H(v.ya), Yb);
    eqHex(K, v.K.toLowerCase(), 'K');
    eqHex(scalarMultVfy(H(v.yb), Ya), v.K.toLowerCase(), 'K (responder)');
    eqHex(iskIR(H(v.sid), K, Ya, H(v.ADa), Yb, H(v.ADb)), v.ISK_IR.toLowerCase(), 'ISK_IR');
  });
  r.check('cpace-testvectors-master.json G_Coffee25519_points: invalid shares are refused', () => {
    const p = D.G_Coffee25519_points;
    const s = Buffer.from(p.Valid.s, 'hex');
    eqHex(scalarMultVfy(s, Buffer.from(p.Valid.X, 'hex')), p.Valid['G.scalar_mult_vfy(s,X)'].toLowerCase(), 'valid point');
    for (const k of ['Invalid Y1', 'Invalid Y2']) {
      let refused = false;
      try {
        scalarMultVfy(s, Buffer.from(p[k], 'hex'));
      } catch {
        refused = true;
      }
      assert(refused, `${k} accepted`);
    }
  });

  // pairing-transcript.json: flow "deliver", A the pocket, B the zone.
  const P = readJSON('pairing/testdata/pairing-transcript.json');
  const pc = checkRun(r, 'pairing-transcript.json', P, { a: 'pocket', b: 'zone', offer: 'PAIR_OFFER', confirm: 'PAIR_DELIVER', grant: 'PAIR_DELIVER' });
  r.check('pairing-transcript.json: PAIR_READY and PAIR_OFFER name the same session; PAIR_COMPLETE seals {label, success}', () => {
    const ready = pc.byType('PAIR_READY'), offer = pc.byType('PAIR_OFFER');
    eqStr(offer.session, ready.session, 'session');
    const done = openSealed(pc.isk, pc.sid, 'PAIR_COMPLETE', pc.byType('PAIR_COMPLETE').sealed).toString();
    eqStr(done, jcs({ label: P.zone.label, success: true }).toString(), 'PAIR_COMPLETE body');
  });
  checkSwarmMessage(r, 'pairing-transcript.json swarm: the zone\'s first ANNOUNCE under the delivered secret', P.swarm, {
    check: (env, f) => {
      eqStr(b64u(JSON.parse(P.grant).secret).toString('hex'), P.swarm.secret, 'the secret is the delivered one');
      eqStr(JSON.parse(P.grant).swarm, P.swarm.swarm, 'swarm');
      eqStr(env.type, 'swarm/ANNOUNCE', 'type');
      eqStr(f.from, P.zone.computerId, 'from');
      assert(!('to' in f), 'an ANNOUNCE is for everyone');
      b64u(f.body.deviceKey, 32);
    },
  });

  // recovery-transcript.json: flow "join", A the joiner, B the host.
  const R = readJSON('pairing/testdata/recovery-transcript.json');
  const rc = checkRun(r, 'recovery-transcript.json', R, { a: 'joiner', b: 'host', offer: 'pair_request', confirm: 'pair_confirm', grant: 'pair_response' });
  r.check('recovery-transcript.json: sealed PAIR_REJECT under the run\'s key', () => {
    const m = parseMessage(R.reject, 'PAIR_REJECT');
    eqStr(m.sid, rc.byType('pair_request').sid, 'sid');
    const body = openSealed(rc.isk, rc.sid, 'PAIR_REJECT', m.sealed).toString();
    eqStr(body, jcs({ reason: R.rejectReason }).toString(), 'sealed {reason}');
  });
  checkSwarmMessage(r, 'recovery-transcript.json rekey: REKEY under epoch 1, sealed to the member\'s X25519 key', R.rekey, {
    keyId: swarmKeys(hex(R.rekey.secret, 32), R.rekey.swarm, R.rekey.epoch).id,
    check: (env, f) => {
      eqStr(b64u(JSON.parse(R.grant).secret).toString('hex'), R.rekey.secret, 'epoch 1 secret is the granted one');
      eqStr(env.type, 'swarm/REKEY', 'type');
      eqStr(f.to, R.rekey.member, 'addressed to the member');
      const b = f.body;
      eqStr(b.epoch, R.rekey.epoch + 1, 'epoch e+1');
      const eph = b64u(b.ephemeral, 32);
      const { shared, pub } = x25519(hex(R.rekey.memberKey, 32), eph);
      const key = hkdf('sha256', shared, Buffer.concat([eph, pub]), `accord-swarm-v1 rekey ${R.rekey.swarm} ${R.rekey.epoch + 1}`, 32);
      const pt = ungcm(key, Buffer.alloc(12), Buffer.from(R.rekey.member), b64u(b.sealed)).toString();
      eqStr(pt, R.rekey.rekeyed, 'opened {secret, swarm, epoch}');
      const nk = JSON.parse(pt);
      eqStr(swarmKeys(b64u(nk.secret, 32), nk.swarm, nk.epoch).id, R.rekey.newKeyId, 'new key id');
    },
  });
  checkSwarmMessage(r, 'recovery-transcript.json call: PERIPH_CALL under epoch 2', R.call, {
    check: (env, f) => {
      eqStr(b64u(JSON.parse(R.rekey.rekeyed).secret).toString('hex'), R.call.secret, 'epoch 2 secret is the rekeyed one');
      eqStr(f.from, R.host.computerId, 'from');
      eqStr(f.to, R.joiner.computerId, 'to');
    },
  });
  return r;
}
