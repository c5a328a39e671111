// Compiles src/*.sol with the pinned solc-js and writes, for each contract,
// <out>/<Name>.abi, <out>/<Name>.bin and <out>/<Name>.bin-runtime.
// Usage: node compile.js <out-dir>
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const EVM_VERSION = 'prague';
const CONTRACTS = ['Anchor', 'InstanceController', 'InstanceFactory', 'ReleaseRegistry'];

const out = process.argv[2];
if (!out) {
  console.error('usage: node compile.js <out-dir>');
  process.exit(2);
}
const srcDir = path.join(__dirname, 'src');
const sources = {};
for (const f of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources['src/' + f] = { content: fs.readFileSync(path.join(srcDir, f), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: { enabled: true, runs: 200 },
    metadata: { bytecodeHash: 'ipfs' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.deployedBytecode.immutableReferences'] } },
  },
};
const result = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (result.errors || []).filter((e) => e.severity === 'error');
for (const e of result.errors || []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

fs.mkdirSync(out, { recursive: true });
for (const name of CONTRACTS) {
  const c = result.contracts['src/' + name + '.sol'][name];
  fs.writeFileSync(path.join(out, name + '.abi'), JSON.stringify(c.abi, null, 2) + '\n');
  fs.writeFileSync(path.join(out, name + '.bin'), c.evm.bytecode.object + '\n');
  fs.writeFileSync(path.join(out, name + '.bin-runtime'), c.evm.deployedBytecode.object + '\n');
  // Byte ranges of immutables in the runtime code, which the deployed code
  // fills in (a verifier needs them to predict the deployed code).
  const refs = Object.values(c.evm.deployedBytecode.immutableReferences || {}).flat();
  if (refs.length > 0) {
    refs.sort((a, b) => a.start - b.start);
    fs.writeFileSync(path.join(out, name + '.immutables.json'), JSON.stringify(refs) + '\n');
  }
}
console.error('compiled ' + CONTRACTS.join(', ') + ' with solc ' + solc.version() + ' (evm ' + EVM_VERSION + ')');
