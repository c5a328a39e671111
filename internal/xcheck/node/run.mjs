// Runs every verifier (or those named on the command line) and exits non-zero
// on any mismatch.
const all = ['governance', 'federation', 'cahp', 'pairing', 'envelope', 'chp'];
const names = process.argv.length > 2 ? process.argv.slice(2) : all;
let failures = 0, passes = 0;
for (const name of names) {
  const mod = await import(`./${name}.mjs`);
  const r = await mod.run();
  failures += r.failures;
  passes += r.passes;
}
// The mutation self-test runs with the full set.
if (process.argv.length <= 2) {
  const r = await (await import('./selftest.mjs')).run();
  failures += r.failures;
  passes += r.passes;
}
console.log(`${passes} checks passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
