// Fails when src/api/schema.d.ts no longer matches what openapi-typescript generates from
// ../openapi/openapi.yaml (npm run check:api; `make openapi` regenerates both).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(root, '../openapi/openapi.yaml');
const committed = resolve(root, 'src/api/schema.d.ts');
const bin = resolve(root, 'node_modules/.bin/openapi-typescript');

const dir = mkdtempSync(join(tmpdir(), 'check-api-'));
try {
  const fresh = join(dir, 'schema.d.ts');
  const run = spawnSync(bin, [spec, '-o', fresh], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    console.error(`check:api: openapi-typescript failed on ${spec}`);
    process.exit(1);
  }
  let current = '';
  try {
    current = readFileSync(committed, 'utf8');
  } catch {
    // A missing file is stale too.
  }
  if (readFileSync(fresh, 'utf8') !== current) {
    console.error('frontend/src/api/schema.d.ts is stale: run make openapi');
    process.exit(1);
  }
  console.log('check:api: frontend/src/api/schema.d.ts is fresh');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
