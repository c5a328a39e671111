// Mutation self-test: each verifier must fail when one value of its vectors
// is changed. For every mutation below it copies the four packages' testdata
// into a temporary checkout, changes one string in one file, runs that
// package's verifier quietly and expects at least one failure. A verifier
// that passes a mutated file checks less than it claims.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from './lib.mjs';

// [package, file, from, to]: "from" must occur in the file.
const MUTATIONS = [
  ['governance', 'governance/testdata/receipts.json', 'Compliance with EU regulations', 'Compliance with US regulations'],
  ['governance', 'governance/testdata/genesis.json', '"version":"1.0.0"', '"version":"1.0.1"'],
  ['governance', 'governance/testdata/registry.json', '"weight": 4', '"weight": 5'],
  ['governance', 'governance/testdata/scroll.json', '"size": 12', '"size": 11'],
  ['federation', 'federation/testdata/vectors.json', '"record 1"', '"record X"'],
  ['federation', 'federation/testdata/vectors.json', 'VaultMesh Dublin', 'VaultMesh Dublim'],
  ['cahp', 'cahp/testdata/transcript.json', '"session_key": "022f', '"session_key": "022e'],
  ['cahp', 'cahp/testdata/transcript.json', '"shared_secret": "e48e', '"shared_secret": "e48f'],
  ['cahp', 'cahp/testdata/phases.json', '"burn_amount_sats": "1500"', '"burn_amount_sats": "1501"'],
  ['pairing', 'pairing/testdata/pairing-transcript.json', '"isk": "95fc', '"isk": "95fd'],
  ['pairing', 'pairing/testdata/recovery-transcript.json', '"rejectReason": "host is busy"', '"rejectReason": "host is idle"'],
  ['pairing', 'pairing/testdata/recovery-transcript.json', '"newKeyId": "e2-f9', '"newKeyId": "e2-f8'],
  ['envelope', 'envelope/testdata/vectors/envelopes.json', '"key_id": "swarm-1"', '"key_id": "swarm-2"'],
  ['envelope', 'envelope/testdata/vectors/envelopes.json', '"timestamp": 1767657600', '"timestamp": 1767657601'],
  ['chp', 'chp/testdata/vectors/late_note.json', '2025-11-04T08:41:00Z', '2025-11-04T08:40:00Z'],
  ['chp', 'chp/testdata/vectors/ack.json', 'CI:ethics-v1', 'CI:ethics-v2'],
  ['chp', 'chp/testdata/vectors/revocation.json', 'registry decommissioned, ticket 815\\",\\"revoked_at', 'registry decommissioned, ticket 816\\",\\"revoked_at'],
  ['chp', 'chp/testdata/vectors/instance_status.json', '\\"pending\\":2', '\\"pending\\":-2'],
  ['chp', 'chp/testdata/vectors/root_rotation.json', '\\"size\\":7', '\\"size\\":8'],
];

const dirs = ['governance/testdata', 'federation/testdata', 'cahp/testdata', 'pairing/testdata', 'envelope/testdata/vectors', 'chp/testdata/vectors'];

export async function run() {
  let failures = 0, passes = 0;
  const base = root();
  const saved = process.env.ACCORD_ROOT;
  for (const [pkg, file, from, to] of MUTATIONS) {
    const name = `selftest: ${file}: ${from} -> ${to}`;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xcheck-'));
    try {
      for (const d of dirs) fs.cpSync(path.join(base, d), path.join(tmp, d), { recursive: true });
      const p = path.join(tmp, file);
      const text = fs.readFileSync(p, 'utf8');
      if (!text.includes(from)) {
        failures++;
        console.log(`FAIL ${name}: the string is not in the file (update the mutation)`);
        continue;
      }
      fs.writeFileSync(p, text.replace(from, to));
      process.env.ACCORD_ROOT = tmp;
      const log = console.log;
      console.log = () => {};
      let r;
      try {
        // A fresh module instance reads the mutated root.
        r = await (await import(`./${pkg}.mjs?mutation=${encodeURIComponent(name)}`)).run();
      } catch {
        r = { failures: 1 };
      } finally {
        console.log = log;
        if (saved === undefined) delete process.env.ACCORD_ROOT;
        else process.env.ACCORD_ROOT = saved;
      }
      if (r.failures > 0) {
        passes++;
        console.log(`ok   ${name}: caught`);
      } else {
        failures++;
        console.log(`FAIL ${name}: the verifier passed the mutated vectors`);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return { failures, passes };
}
