// RFC 6962 Merkle trees and C2SP signed notes, checkpoints and
// cosignatures (c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature),
// as the checkpoint package doc describes them.
import { sha256, b64, ed25519Verify, assert } from './lib.mjs';

export const leafHash = (b) => sha256(Buffer.from([0]), Buffer.from(b));
export const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);

// merkleRoot is the RFC 6962 Merkle tree hash of the leaf hashes.
export function merkleRootOfHashes(hs) {
  if (hs.length === 0) return sha256(Buffer.alloc(0));
  if (hs.length === 1) return hs[0];
  let k = 1;
  while (k * 2 < hs.length) k *= 2;
  return nodeHash(merkleRootOfHashes(hs.slice(0, k)), merkleRootOfHashes(hs.slice(k)));
}
export const merkleRoot = (records) => merkleRootOfHashes(records.map(leafHash));

// verifyInclusion checks an RFC 9162 inclusion proof of leaf hash h at index
// in a tree of size n with the given root.
export function verifyInclusion(h, index, n, proof, root) {
  assert(index < n, 'index beyond tree size');
  let fn = index, sn = n - 1, r = h;
  for (const p of proof) {
    assert(sn !== 0, 'proof too long');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  assert(sn === 0, 'proof too short');
  return Buffer.compare(r, root) === 0;
}

export const keyID = (name, type, key) => sha256(Buffer.from(name), Buffer.from([0x0a, type]), key).subarray(0, 4);

// parseNote splits a signed note into its text (ending with "\n") and its
// signature lines [{name, raw}].
export function parseNote(note) {
  const s = Buffer.from(note).toString('utf8');
  const i = s.indexOf('\n\n');
  assert(i >= 0, 'note without a blank line');
  const text = s.slice(0, i + 1);
  const sigs = [];
  for (const line of s.slice(i + 2).split('\n')) {
    if (line === '') continue;
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    assert(m, `bad signature line ${line}`);
    sigs.push({ name: m[1], raw: b64(m[2]) });
  }
  assert(s.endsWith('\n'), 'note does not end with a newline');
  return { text, sigs };
}

// parseCheckpoint reads origin, size and root from a checkpoint's text.
export function parseCheckpoint(text) {
  const lines = text.split('\n');
  assert(lines.length >= 4, 'checkpoint too short');
  assert(/^(0|[1-9]\d*)$/.test(lines[1]), 'bad size');
  return { origin: lines[0], size: Number(lines[1]), root: b64(lines[2], 32), extensions: lines.slice(3, -1) };
}

// verifyNoteSig verifies an Ed25519 (type 0x01) signature of name/key on a note.
export function verifyNoteSig(note, name, key) {
  const { text, sigs } = parseNote(note);
  const id = keyID(name, 0x01, key);
  const s = sigs.find((x) => x.name === name && Buffer.compare(x.raw.subarray(0, 4), id) === 0);
  assert(s, `no signature by ${name}`);
  assert(s.raw.length === 68, 'signature length');
  assert(ed25519Verify(key, Buffer.from(text), s.raw.subarray(4)), `signature by ${name} does not verify`);
  return text;
}

// verifyCosignature verifies a timestamped Ed25519 cosignature (type 0x04)
// of name/key on a note and returns its time.
export function verifyCosignature(note, name, key) {
  const { text, sigs } = parseNote(note);
  const id = keyID(name, 0x04, key);
  const s = sigs.find((x) => x.name === name && Buffer.compare(x.raw.subarray(0, 4), id) === 0);
  assert(s, `no cosignature by ${name}`);
  assert(s.raw.length === 4 + 8 + 64, 'cosignature length');
  const t = s.raw.readBigUInt64BE(4);
  const msg = Buffer.from(`cosignature/v1\ntime ${t}\n${text}`);
  assert(ed25519Verify(key, msg, s.raw.subarray(12)), `cosignature by ${name} does not verify`);
  return Number(t);
}
export const verifyNote = verifyNoteSig;
