// Verifier of chp/testdata/vectors, written from the chp package doc
// (go doc -all ./chp) and chp/testdata/vectors/README.md.
import {
  Reporter, readJSON, openEnvelope, jcs, assert, eqStr, eqHex, b64u, b64, sha256, strictParse,
  parseEd25519Key, ed25519Verify, ed25519FromSeed, formatEd25519Key,
} from './lib.mjs';
import { leafHash, verifyInclusion, verifyNoteSig, parseCheckpoint, parseNote } from './tlog.mjs';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const SHA = /^sha256:[A-Fa-f0-9]{64}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const WHOLE_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

// The README's fixed keys: the RFC 8032 private key is 31 zero bytes then one
// byte b.
const keyOf = (b) => formatEd25519Key(ed25519FromSeed(Buffer.concat([Buffer.alloc(31), Buffer.from([b])])).pub);
const fingerprint = (key) => 'sha256:' + sha256(parseEd25519Key(key)).toString('hex');
const lrOrigin = (key) => 'accord.chp/lr/' + fingerprint(key).slice(7, 23);
const grOrigin = (key) => 'accord.chp/gr/' + fingerprint(key).slice(7, 23);

// checkRotationSignatures checks a key rotation record (an LR key rotation
// or a GR root rotation) of vector v: its signed bytes are the record
// without the two signatures, in RFC 8785 form; the old and the new key each
// sign them; and the record's leaf hash.
function checkRotationSignatures(rec, v) {
  const body = { ...rec };
  delete body.old_signature;
  delete body.new_signature;
  eqStr(jcs(body).toString(), v.signed_bytes, 'signed_bytes');
  for (const w of ['old', 'new']) {
    const m = /^ed25519:(.*)$/.exec(rec[`${w}_signature`]);
    assert(m && ed25519Verify(parseEd25519Key(rec[`${w}_key`]), Buffer.from(v.signed_bytes), b64u(m[1], 64)), `${w}_signature`);
  }
  eqHex(leafHash(Buffer.from(v.record)), v.leaf_hash, 'leaf_hash');
}

function exactly(o, req, opt, what) {
  assert(o && typeof o === 'object' && !Array.isArray(o), `${what}: not an object`);
  for (const k of Object.keys(o)) assert(req.includes(k) || opt.includes(k), `${what}: member ${k} not allowed`);
  for (const k of req) assert(k in o, `${what}: missing ${k}`);
}
// heartbeatPacket of the chp-v1 schema.
function checkHeartbeat(h) {
  exactly(h, ['instance_id', 'home_uri', 'version', 'license_hash', 'ethics_signature', 'status', 'timestamp'], ['packet', 'homebase_token', 'meta'], 'heartbeat');
  if ('packet' in h) eqStr(h.packet, 'heartbeat', 'packet');
  assert(UUID.test(h.instance_id), 'instance_id');
  assert(/^[A-Za-z][A-Za-z0-9+.-]*:/.test(h.home_uri), 'home_uri');
  assert(typeof h.version === 'string', 'version');
  assert(SHA.test(h.license_hash), 'license_hash');
  if ('homebase_token' in h) assert(SHA.test(h.homebase_token), 'homebase_token');
  assert(typeof h.ethics_signature === 'string' && h.ethics_signature.length >= 1, 'ethics_signature');
  assert(['coherent', 'review', 'repairing', 'failed', 'quiet'].includes(h.status), 'status');
  assert(DATETIME.test(h.timestamp), 'timestamp');
  if ('meta' in h) for (const k of ['client', 'hostname', 'os']) if (k in h.meta) assert(typeof h.meta[k] === 'string', `meta.${k}`);
}
// verifyAck checks an ACK (text as sent) against the heartbeat it answers
// and the registry key; it returns the signed bytes.
function verifyAck(ackText, heartbeat, key) {
  const ack = strictParse(ackText);
  exactly(ack, ['ack_id', 'instance_ref', 'received', 'registry_signature', 'status'], ['packet', 'notes'], 'ack');
  assert(UUID.test(ack.ack_id) && UUID.test(ack.instance_ref), 'UUIDs');
  assert(/^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(ack.ack_id), 'ack_id is not a UUIDv7');
  eqStr(ack.instance_ref, heartbeat.instance_id.toLowerCase(), 'instance_ref is the lower-case instance_id');
  assert(['verified', 'queued', 'rejected'].includes(ack.status), 'status');
  assert(DATETIME.test(ack.received), 'received');
  eqStr(jcs(ack).toString(), ackText, 'the ACK is not sent in canonical form');
  const m = /^ed25519:(.*)$/.exec(ack.registry_signature);
  assert(m, 'registry_signature');
  const body = { ...ack };
  delete body.registry_signature;
  body.heartbeat_digest = 'sha256:' + sha256(jcs(heartbeat)).toString('hex');
  const signed = jcs(body);
  assert(ed25519Verify(parseEd25519Key(key), signed, b64u(m[1], 64)), 'registry_signature does not verify');
  return { ack, signed };
}

// parseTlogProof reads c2sp.org/tlog-proof@v1 text.
function parseTlogProof(text) {
  const i = text.indexOf('\n\n');
  assert(i >= 0, 'proof without a blank line');
  const lines = text.slice(0, i).split('\n');
  eqStr(lines[0], 'c2sp.org/tlog-proof@v1', 'proof header');
  let k = 1;
  let extra = null;
  if (lines[k].startsWith('extra ')) extra = b64(lines[k++].slice(6));
  const m = /^index (0|[1-9]\d*)$/.exec(lines[k++]);
  assert(m, 'index line');
  return { index: Number(m[1]), extra, hashes: lines.slice(k).map((h) => b64(h, 32)), note: text.slice(i + 2) };
}

export function run() {
  const r = new Reporter('chp');
  const dir = 'chp/testdata/vectors/';
  const lrKey = keyOf(1), rootKey = keyOf(100), admitted = keyOf(50), rotatedTo = keyOf(51), instanceKey = keyOf(21);

  for (const [i, v] of readJSON(dir + 'ack.json').entries()) {
    r.check(`ack.json#${i} ${v.desc}`, () => {
      eqStr(v.registry_public_key, lrKey, 'registry key (31 zero bytes then 1)');
      const hb = strictParse(v.heartbeat);
      checkHeartbeat(hb);
      eqStr(jcs(hb).toString(), v.heartbeat_canonical, 'heartbeat_canonical');
      eqStr('sha256:' + sha256(Buffer.from(v.heartbeat_canonical)).toString('hex'), v.heartbeat_digest, 'heartbeat_digest');
      const { signed } = verifyAck(v.ack, hb, v.registry_public_key);
      eqStr(signed.toString(), v.signed_bytes, 'signed_bytes');
    });
  }
  for (const [i, v] of readJSON(dir + 'rac.json').entries()) {
    r.check(`rac.json#${i} ${v.desc}`, () => {
      eqStr(v.root_public_key, rootKey, 'root key (31 zero bytes then 100)');
      eqStr(v.lr_public_key, admitted, 'admitted key (31 zero bytes then 50)');
      const c = strictParse(v.rac);
      exactly(c, ['rac_id', 'lr_fingerprint', 'issued_by', 'issued_at', 'expires_at', 'signature'], [], 'rac');
      assert(UUID.test(c.rac_id), 'rac_id');
      eqStr(c.lr_fingerprint, fingerprint(v.lr_public_key), 'lr_fingerprint');
      const body = { ...c };
      delete body.signature;
      eqStr(jcs(body).toString(), v.signed_bytes, 'signed_bytes');
      const m = /^ed25519:(.*)$/.exec(c.signature);
      assert(m && ed25519Verify(parseEd25519Key(v.root_public_key), Buffer.from(v.signed_bytes), b64u(m[1], 64)), 'signature');
      const t = Date.parse(v.valid_at);
      assert(Date.parse(c.issued_at) <= t && t < Date.parse(c.expires_at), 'valid_at outside the validity');
    });
  }
  const receipts = readJSON(dir + 'receipt.json');
  for (const [i, v] of receipts.entries()) {
    r.check(`receipt.json#${i} ${v.desc}`, () => {
      eqStr(v.root_public_key, rootKey, 'root key');
      const { env, signing } = openEnvelope(v.receipt);
      eqStr(signing.toString(), v.signed_bytes, 'signed_bytes');
      eqStr(env.type, 'chp/coherence-receipt', 'type');
      eqStr(env.sender_pubkey, v.root_public_key, 'sealed by the root key');
      const p = env.payload;
      exactly(p, ['receipt_id', 'issuer', 'lr_fingerprint', 'rac_id', 'bundle_root', 'bundle_digest', 'from', 'to', 'lr_root', 'accepted', 'duplicate', 'rejected', 'ledger', 'imported_at'], [], 'receipt');
      assert(UUID.test(p.receipt_id), 'receipt_id');
      eqStr(p.lr_fingerprint, fingerprint(admitted), 'lr_fingerprint');
      assert(SHA.test(p.bundle_digest), 'bundle_digest');
      b64(p.bundle_root, 32);
      b64(p.lr_root, 32);
      eqStr(p.accepted + p.duplicate + p.rejected, p.to - p.from, 'accepted + duplicate + rejected = to - from');
      assert(WHOLE_UTC.test(p.imported_at), 'imported_at');
      eqStr(Date.parse(p.imported_at) / 1000, env.timestamp, 'imported_at is the envelope timestamp');
      eqStr(grOrigin(v.root_public_key), v.ledger_origin, 'ledger origin from the root key');
      const text = verifyNoteSig(p.ledger, v.ledger_origin, parseEd25519Key(v.root_public_key));
      eqStr(parseCheckpoint(text).origin, v.ledger_origin, 'ledger checkpoint origin');
    });
  }
  for (const [i, v] of readJSON(dir + 'ledger_proof.json').entries()) {
    r.check(`ledger_proof.json#${i} ${v.desc}`, () => {
      eqStr(v.root_public_key, rootKey, 'root key');
      eqStr(v.lr_public_key, lrKey, 'LR key');
      const lp = strictParse(v.ledger_proof);
      exactly(lp, ['lr_fingerprint', 'lr_index', 'record', 'proof'], [], 'ledger proof');
      const record = b64(lp.record);
      const pr = parseTlogProof(lp.proof);
      const text = verifyNoteSig(pr.note, v.ledger_origin, parseEd25519Key(v.root_public_key));
      const cp = parseCheckpoint(text);
      eqStr(cp.origin, grOrigin(v.root_public_key), 'origin');
      assert(verifyInclusion(leafHash(record), pr.index, cp.size, pr.hashes, cp.root), 'inclusion proof');
      // The record's header names the LR record it copies.
      const head = `accord.chp/ledger/v1\n${lp.lr_fingerprint}\n${lp.lr_index}\n`;
      eqStr(record.subarray(0, head.length).toString(), head, 'ledger record header');
      eqStr(lp.lr_fingerprint, fingerprint(v.lr_public_key), 'lr_fingerprint');
      const leaf = record.subarray(head.length);
      const n = leaf.readUInt32BE(0);
      const hbText = leaf.subarray(4, 4 + n).toString();
      eqStr(hbText, v.heartbeat, 'the heartbeat as posted');
      const ackText = leaf.subarray(4 + n).toString();
      verifyAck(ackText, strictParse(hbText), v.lr_public_key);
      assert(parseNote(pr.note).sigs.length >= 1, 'signatures');
    });
  }
  for (const [i, v] of readJSON(dir + 'late_note.json').entries()) {
    r.check(`late_note.json#${i} ${v.desc}${v.want_err ? ' (refused: ' + v.want_err + ')' : ''}`, () => {
      const lines = v.set_aside.split('\n');
      assert(lines.pop() === '', 'the set-aside file does not end with a newline');
      const errs = [];
      const note = strictParse(v.note);
      try {
        exactly(note, ['count', 'first_index', 'oldest', 'newest', 'digest'], [], 'note');
        assert(Number.isSafeInteger(note.count) && note.count >= 1, 'count');
      } catch (e) {
        errs.push('count:' + e.message);
      }
      if (!errs.length) {
        const batch = lines.slice(note.first_index, note.first_index + note.count);
        const digest = 'sha256:' + sha256(Buffer.from(batch.map((l) => l + '\n').join(''))).toString('hex');
        if (batch.length !== note.count || digest !== note.digest) errs.push('digest');
        else {
          const times = batch.map((l) => {
            const s = strictParse(l);
            exactly(s, ['queue_index', 'heartbeat'], [], 'set-aside line');
            checkHeartbeat(s.heartbeat);
            return s.heartbeat.timestamp;
          });
          const ms = times.map(Date.parse);
          eqStr(Date.parse(note.oldest), Math.min(...ms), 'oldest');
          eqStr(Date.parse(note.newest), Math.max(...ms), 'newest');
        }
      }
      if (v.want_err) {
        assert(errs.length && errs[0].startsWith(v.want_err), `got ${errs.join(', ') || 'accepted'}, want ${v.want_err}`);
      } else {
        assert(!errs.length, errs.join(', '));
      }
    });
  }
  for (const [i, v] of readJSON(dir + 'key_rotation.json').entries()) {
    r.check(`key_rotation.json#${i} ${v.desc}`, () => {
      const rec = strictParse(v.record);
      exactly(rec, ['new_key', 'new_signature', 'old_key', 'old_signature', 'origin', 'root', 'rotated_at', 'size', 'type'], [], 'rotation');
      eqStr(rec.type, 'chp/lr-key-rotation', 'type');
      eqStr(jcs(rec).toString(), v.record, 'record is not in RFC 8785 form');
      eqStr(rec.old_key, admitted, 'old key (31 zero bytes then 50)');
      eqStr(rec.new_key, rotatedTo, 'new key (31 zero bytes then 51)');
      eqStr(rec.origin, lrOrigin(rec.old_key), 'origin');
      b64(rec.root, 32);
      assert(WHOLE_UTC.test(rec.rotated_at), 'rotated_at');
      checkRotationSignatures(rec, v);
      eqStr(v.record[0], '{', 'a registry record starts with {');
    });
  }
  for (const [i, v] of readJSON(dir + 'unpin.json').entries()) {
    r.check(`unpin.json#${i} ${v.desc}`, () => {
      const rec = strictParse(v.record);
      exactly(rec, ['instance_id', 'key', 'reason', 'type', 'unpinned_at'], [], 'unpin');
      eqStr(rec.type, 'chp/unpin', 'type');
      eqStr(jcs(rec).toString(), v.record, 'record is not in RFC 8785 form');
      eqStr(rec.instance_id, rec.instance_id.toLowerCase(), 'instance_id in lower case');
      eqStr(rec.key, instanceKey, 'the pinned key (31 zero bytes then 21)');
      const n = Buffer.byteLength(rec.reason);
      assert(n >= 1 && n <= 1024, 'reason length');
      assert(WHOLE_UTC.test(rec.unpinned_at), 'unpinned_at');
      eqHex(leafHash(Buffer.from(v.record)), v.leaf_hash, 'leaf_hash');
    });
  }
  for (const [i, v] of readJSON(dir + 'revocation.json').entries()) {
    r.check(`revocation.json#${i} ${v.desc}${v.want_err ? ' (refused: ' + v.want_err + ')' : ''}`, () => {
      const rec = strictParse(v.revocation);
      exactly(rec, ['issued_by', 'lr_fingerprint', 'rac_id', 'reason', 'revoked_at', 'signature', 'type'], [], 'revocation');
      eqStr(rec.type, 'chp/rac-revocation', 'type');
      eqStr(jcs(rec).toString(), v.revocation, 'revocation is not in RFC 8785 form');
      const rac = strictParse(v.rac);
      eqStr(rec.rac_id, rac.rac_id, 'rac_id is the certificate\'s');
      eqStr(rec.lr_fingerprint, rac.lr_fingerprint, 'lr_fingerprint is the certificate\'s');
      eqStr(rec.lr_fingerprint, fingerprint(admitted), 'the registry of rac.json (31 zero bytes then 50)');
      assert(UUID.test(rec.rac_id), 'rac_id');
      const n = Buffer.byteLength(rec.reason);
      assert(n >= 1 && n <= 1024, 'reason length');
      assert(WHOLE_UTC.test(rec.revoked_at), 'revoked_at');
      eqStr(v.root_public_key, rootKey, 'root key (31 zero bytes then 100)');
      const body = { ...rec };
      delete body.signature;
      eqStr(jcs(body).toString(), v.signed_bytes, 'signed_bytes');
      const m = /^ed25519:(.*)$/.exec(rec.signature);
      assert(m, 'signature');
      const ok = ed25519Verify(parseEd25519Key(rootKey), Buffer.from(v.signed_bytes), b64u(m[1], 64));
      if (v.want_err) eqStr(String(ok), 'false', 'a revocation signed by another key must not verify with the root');
      else assert(ok, 'signature does not verify with the root key');
      eqHex(leafHash(Buffer.from(v.revocation)), v.leaf_hash, 'leaf_hash');
      eqStr(v.revocation[0], '{', 'a registry record starts with {');
    });
  }
  const colors = { coherent: '#38BDF8', review: '#EAB308', repairing: '#F97316', quiet: '#9CA3AF', failed: '#EF4444' };
  for (const [i, v] of readJSON(dir + 'instance_status.json').entries()) {
    r.check(`instance_status.json#${i} ${v.desc}`, () => {
      assert(v.status_file.endsWith('}\n') && v.status_file.indexOf('\n') === v.status_file.length - 1, 'one JSON object and a newline');
      const st = strictParse(v.status_file.slice(0, -1));
      exactly(st, ['instance_id', 'state', 'color', 'registry_fingerprint', 'fingerprint_short', 'pending', 'set_aside', 'updated'], ['last_ack_id'], 'status');
      eqStr(Object.keys(st).join(','), ['instance_id', 'state', 'color', 'registry_fingerprint', 'fingerprint_short', 'pending', 'set_aside']
        .concat('last_ack_id' in st ? ['last_ack_id'] : [], ['updated']).join(','), 'member order');
      assert(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(st.instance_id), 'instance_id in lower case');
      assert(st.state in colors, 'state');
      eqStr(st.color, colors[st.state], 'color of the state');
      eqStr(st.registry_fingerprint, fingerprint(v.registry_public_key), 'registry_fingerprint');
      eqStr(st.fingerprint_short, st.registry_fingerprint.slice(7, 19), 'fingerprint_short');
      for (const k of ['pending', 'set_aside']) assert(Number.isInteger(st[k]) && st[k] >= 0, k);
      if ('last_ack_id' in st) assert(UUID.test(st.last_ack_id), 'last_ack_id');
      assert(WHOLE_UTC.test(st.updated), 'updated');
    });
  }
  // Root rotation (doc "Key lifecycle"): a ledger record signed by the old
  // and the new root; a receipt after it is sealed by the new root, which
  // signs the ledger checkpoints of sizes above the record's, under the
  // first root's origin; the old root alone does not verify it.
  for (const [i, v] of readJSON(dir + 'root_rotation.json').entries()) {
    r.check(`root_rotation.json#${i} ${v.desc}`, () => {
      const rec = strictParse(v.record);
      exactly(rec, ['new_key', 'new_signature', 'old_key', 'old_signature', 'origin', 'root', 'rotated_at', 'size', 'type'], [], 'root rotation');
      eqStr(rec.type, 'chp/root-rotation', 'type');
      eqStr(jcs(rec).toString(), v.record, 'record is not in RFC 8785 form');
      eqStr(v.root_key, rootKey, 'the root before (31 zero bytes then 100)');
      eqStr(rec.old_key, v.root_key, 'old key');
      eqStr(rec.new_key, keyOf(101), 'new key (31 zero bytes then 101)');
      eqStr(rec.origin, grOrigin(v.root_key), 'the ledger origin is the first root\'s');
      b64(rec.root, 32);
      assert(WHOLE_UTC.test(rec.rotated_at), 'rotated_at');
      assert(Number.isSafeInteger(rec.size) && rec.size >= 0, 'size');
      checkRotationSignatures(rec, v);
      eqStr(v.record[0], '{', 'a Global Registry record starts with {');
      const { env } = openEnvelope(v.receipt);
      eqStr(env.type, 'chp/coherence-receipt', 'type');
      eqStr(env.sender_pubkey, rec.new_key, 'sealed by the new root');
      const p = env.payload;
      assert(Date.parse(p.imported_at) >= Date.parse(rec.rotated_at), 'imported after the rotation');
      const text = verifyNoteSig(p.ledger, rec.origin, parseEd25519Key(rec.new_key));
      const cp = parseCheckpoint(text);
      eqStr(cp.origin, rec.origin, 'ledger checkpoint origin');
      assert(cp.size > rec.size, 'a checkpoint above the rotation');
      let oldVerifies = true;
      try { verifyNoteSig(p.ledger, rec.origin, parseEd25519Key(rec.old_key)); } catch { oldVerifies = false; }
      assert(!oldVerifies, 'the old root does not sign the ledger after the rotation');
    });
  }
  return r;
}
