// Verifier of federation/testdata/vectors.json, written from the federation
// package doc (go doc -all ./federation) and federation/testdata/README.md.
import {
  Reporter, readJSON, jcs, assert, eqStr, eqHex, strictParse, blake3hex, b64u, b64,
  parseEd25519Key, ed25519Verify, ed25519FromSeed, formatEd25519Key,
} from './lib.mjs';
import { merkleRoot, verifyNote, verifyCosignature, parseCheckpoint } from './tlog.mjs';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DOMAIN = {
  discovery: 'accord-federation/v1 discovery\n',
  proposal: 'accord-federation/v1 proposal\n',
  receipt: 'accord-federation/v1 fed_witness_event\n',
  cross_anchor: 'accord-federation/v1 fed_cross_anchor\n',
};
const SIGMEMBER = { discovery: 'signature', proposal: 'signature', receipt: 'witness_signature', cross_anchor: 'signature' };

class Malformed extends Error {}
class HashMismatch extends Error {}
class BadSignature extends Error {}
const mal = (c, m) => {
  if (!c) throw new Malformed(m);
};

// Required and optional members, from the doc's record list and the Go
// types' json tags (omitempty members are optional).
const SHAPES = {
  discovery: [['mesh_id', 'display_name', 'endpoints', 'public_key', 'scrolls_available', 'trust_policy', 'attestations', 'issued_at', 'expires_at', 'signature'], []],
  proposal: [['proposal_id', 'proposer', 'target', 'proposed_at', 'expires_at', 'proposed_trust_level', 'proposed_terms', 'signature'], ['proposer_attestations', 'counters']],
  agreement: [['agreement_id', 'proposal_id', 'parties', 'established_at', 'trust_level', 'terms', 'key_exchange', 'signatures', 'agreement_hash'], []],
  receipt: [['type', 'witness_id', 'agreement_id', 'witnessed_mesh', 'witnessing_mesh', 'timestamp', 'scroll', 'witnessed_size', 'witnessed_root', 'verification_method', 'verification_result', 'samples_checked', 'discrepancies', 'witness_signature'], ['witnessed_anchor', 'cosignature']],
};
function members(o, req, opt, where) {
  mal(o && typeof o === 'object' && !Array.isArray(o), `${where}: not an object`);
  for (const k of Object.keys(o)) mal(req.includes(k) || opt.includes(k), `${where}: unknown member ${k}`);
  for (const k of req) mal(k in o, `${where}: missing ${k}`);
}

export const meshName = (id) => id.slice(id.lastIndexOf('-') + 1);
// Multibase base64url signature: "u" and 64 bytes.
function sigOf(s) {
  mal(typeof s === 'string' && s[0] === 'u', `signature ${s} is not multibase base64url`);
  return b64u(s.slice(1), 64);
}

function shape(kind, rec) {
  if (kind === 'cross_anchor') {
    mal(rec.type === 'fed_cross_anchor', 'type');
    const name = meshName(rec.anchored_mesh);
    members(rec, ["type", "anchoring_mesh", "anchored_mesh", "agreement_id", "timestamp", `${name}_roots_included`, "combined_root", "anchor_proof", "signature"], [], kind);
    for (const [scroll, r] of Object.entries(rec[`${name}_roots_included`])) {
      members(r, ['size', 'root'], [], `roots_included.${scroll}`);
      mal(/^sha256:[0-9a-f]{64}$/.test(r.root) && Number.isSafeInteger(r.size), `root of ${scroll}`);
    }
    return;
  }
  const [req, opt] = SHAPES[kind];
  members(rec, req, opt, kind);
  for (const [k, v] of Object.entries(rec)) if (/_at$|^timestamp$/.test(k)) mal(TIME.test(v), `${k} ${v} is not RFC 3339 UTC to the second`);
  if (kind === 'discovery') {
    members(rec.endpoints, ['federation'], ['verification'], 'endpoints');
    members(rec.trust_policy, ['accepts_proposals', 'min_trust_level', 'requires_mutual'], [], 'trust_policy');
    mal(Date.parse(rec.issued_at) < Date.parse(rec.expires_at), 'issued_at not before expires_at');
  }
  if (kind === 'proposal') {
    mal([1, 2, 3, 4].includes(rec.proposed_trust_level), 'proposed_trust_level');
    members(rec.proposed_terms, ['scrolls_to_share', 'verification_frequency', 'retention_period_days', 'audit_rights'], ['data_jurisdiction', 'dispute_resolution'], 'proposed_terms');
    mal(['continuous', 'hourly', 'daily', 'weekly'].includes(rec.proposed_terms.verification_frequency), 'verification_frequency');
    if (rec.proposer_attestations) members(rec.proposer_attestations, [], ['identity_proof', 'compliance_credentials'], 'proposer_attestations');
  }
  if (kind === 'agreement') {
    mal(Array.isArray(rec.parties) && rec.parties.length === 2, 'parties');
    members(rec.terms, ['scrolls_shared', 'verification_frequency', 'retention_period_days', 'audit_rights'], ['data_jurisdiction', 'dispute_resolution'], 'terms');
    members(rec.key_exchange, rec.parties.map((p) => `${meshName(p)}_federation_key`), [], 'key_exchange');
    for (const [p, s] of Object.entries(rec.signatures)) {
      mal(rec.parties.includes(p), `signature by ${p}, not a party`);
      members(s, ['signed_at', 'signature'], [], `signatures.${p}`);
    }
  }
  if (kind === 'receipt') {
    mal(rec.type === 'fed_witness_event', 'type');
    mal(['verified', 'fork_detected', 'anchor_invalid', 'sample_failed', 'unreachable', 'superseded'].includes(rec.verification_result), 'verification_result');
    mal((rec.verification_result === 'verified') === ('cosignature' in rec), 'cosignature present exactly when verified');
    mal(/^sha256:[0-9a-f]{64}$/.test(rec.witnessed_root), 'witnessed_root');
  }
}

// message recomputes the exact bytes a signature covers.
function message(kind, rec, party) {
  if (kind === 'agreement') {
    const body = { ...rec };
    delete body.signatures;
    delete body.agreement_hash;
    const h = 'blake3:' + blake3hex(jcs(body));
    if (h !== rec.agreement_hash) throw new HashMismatch(`agreement_hash ${rec.agreement_hash}, recomputed ${h}`);
    return Buffer.from(`accord-federation/v1 agreement\n${h}\n${party}\n${rec.signatures[party].signed_at}\n`);
  }
  if (kind === 'cross_anchor') {
    const name = meshName(rec.anchored_mesh);
    const c = 'blake3:' + blake3hex(jcs({ anchoring_mesh: rec.anchoring_mesh, anchored_mesh: rec.anchored_mesh, [`${name}_roots_included`]: rec[`${name}_roots_included`] }));
    if (c !== rec.combined_root) throw new HashMismatch(`combined_root ${rec.combined_root}, recomputed ${c}`);
  }
  const body = { ...rec };
  delete body[SIGMEMBER[kind]];
  return Buffer.concat([Buffer.from(DOMAIN[kind]), jcs(body)]);
}

function signature(kind, rec, party) {
  return sigOf(kind === 'agreement' ? rec.signatures[party].signature : rec[SIGMEMBER[kind]]);
}

// The key a record must be signed with, from the record itself.
function signerKey(kind, rec, party) {
  switch (kind) {
    case 'discovery': return rec.public_key;
    case 'agreement': return rec.key_exchange[`${meshName(party)}_federation_key`];
    default: return null; // proposal, receipt, cross anchor: the operator-given key of the mesh
  }
}

function verify(v) {
  let rec;
  try {
    rec = strictParse(v.record);
  } catch (e) {
    throw new Malformed(e.message);
  }
  shape(v.kind, rec);
  const msg = message(v.kind, rec, v.party);
  const sig = signature(v.kind, rec, v.party);
  const own = signerKey(v.kind, rec, v.party);
  if (own) eqStr(own, v.key, 'the key the record names');
  if (!ed25519Verify(parseEd25519Key(v.key), msg, sig)) throw new BadSignature('signature does not verify');
  return { rec, msg, sig };
}

export function run() {
  const r = new Reporter('federation');
  const vectors = readJSON('federation/testdata/vectors.json');
  const keys = {
    'did:vm:mesh:vaultmesh-dublin': formatEd25519Key(ed25519FromSeed(Buffer.alloc(32, 1)).pub),
    'did:vm:mesh:vaultmesh-berlin': formatEd25519Key(ed25519FromSeed(Buffer.alloc(32, 2)).pub),
  };
  const byKind = {};
  for (const [i, v] of vectors.entries()) {
    if (!v.wantErr) {
      r.check(`vectors.json#${i} ${v.desc}`, () => {
        const { rec, msg, sig } = verify(v);
        eqHex(msg, v.message, 'message');
        eqHex(sig, v.signature, 'signature');
        // The signer is the mesh the record says signed it, with its fixed key.
        const signer = { discovery: rec.mesh_id, proposal: rec.proposer, agreement: v.party, receipt: rec.witnessing_mesh, cross_anchor: rec.anchoring_mesh }[v.kind];
        eqStr(v.key, keys[signer], `key of ${signer}`);
        if (v.kind === 'agreement') eqStr(jcs(rec).toString(), v.record, 'agreement is not stored in canonical form');
        (byKind[v.kind] ||= []).push(rec);
      });
    } else {
      r.check(`vectors.json#${i} refused: ${v.desc}`, () => {
        const want = { malformed: Malformed, 'hash mismatch': HashMismatch, 'bad signature': BadSignature }[v.wantErr];
        assert(want, `unknown wantErr ${v.wantErr}`);
        try {
          verify(v);
        } catch (e) {
          if (e instanceof want) return;
          throw new Error(`refused with ${e.constructor.name} (${e.message}), want ${v.wantErr}`);
        }
        throw new Error(`accepted, want ${v.wantErr}`);
      });
    }
  }
  r.check('vectors.json: the agreement carries the proposal it accepts and both keys', () => {
    const [p] = byKind.proposal, [a] = byKind.agreement;
    eqStr(a.proposal_id, p.proposal_id, 'proposal_id');
    eqStr(JSON.stringify(a.parties), JSON.stringify([p.proposer, p.target]), 'parties');
    eqStr(a.trust_level, p.proposed_trust_level, 'trust_level');
    eqStr(JSON.stringify(a.terms.scrolls_shared), JSON.stringify(p.proposed_terms.scrolls_to_share), 'scrolls_shared');
    for (const party of a.parties) eqStr(a.key_exchange[`${meshName(party)}_federation_key`], keys[party], `key_exchange of ${party}`);
  });
  r.check('vectors.json: the cross anchor includes the root the witness receipt verified', () => {
    const [x] = byKind.cross_anchor, [w] = byKind.receipt;
    const roots = x[`${meshName(x.anchored_mesh)}_roots_included`];
    eqStr(roots[w.scroll].root, w.witnessed_root, 'root');
    eqStr(roots[w.scroll].size, w.witnessed_size, 'size');
  });
  r.check('vectors.json: the receipt\'s root, checkpoint and cosignature', () => {
    const v = vectors.find((x) => x.kind === 'receipt' && !x.wantErr);
    const [w] = byKind.receipt;
    assert(v.records && v.checkpoint, 'the receipt vector carries no records or checkpoint');
    // witnessed_root is the RFC 6962 root of the scroll's records.
    eqStr('sha256:' + merkleRoot(v.records.map((x) => Buffer.from(x))).toString('hex'), w.witnessed_root, 'witnessed_root');
    eqStr(w.witnessed_size, v.records.length, 'witnessed_size');
    // The checkpoint: origin "M/S", signed by M's key (type 0x01).
    const origin = `${w.witnessed_mesh}/${w.scroll}`;
    const text = verifyNote(v.checkpoint, origin, parseEd25519Key(keys[w.witnessed_mesh]));
    const cp = parseCheckpoint(text);
    eqStr(cp.origin, origin, 'checkpoint origin');
    eqStr(cp.size, w.witnessed_size, 'checkpoint size');
    eqStr('sha256:' + cp.root.toString('hex'), w.witnessed_root, 'checkpoint root');
    // The cosignature line, by "M/witness" with the witnessing mesh's key
    // (type 0x04), on that checkpoint.
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)\n$/.exec(w.cosignature);
    assert(m, `cosignature ${JSON.stringify(w.cosignature)} is not one signature line`);
    eqStr(m[1], `${w.witnessing_mesh}/witness`, 'cosignature key name');
    const t = verifyCosignature(v.checkpoint + w.cosignature, m[1], parseEd25519Key(keys[w.witnessing_mesh]));
    assert(t <= Date.parse(w.timestamp) / 1000, 'cosigned after the receipt');
  });
  return r;
}
