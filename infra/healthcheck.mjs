// The image's health probe, for compose's healthcheck: `node infra/healthcheck.mjs <url>` exits
// 0 when the URL answers 2xx within the timeout, 1 otherwise (and says why on stderr). Node's own
// fetch, as the slim image has neither curl nor wget.
const url = process.argv[2];
const timeoutMs = Number(process.argv[3] ?? 4000);
if (!url) {
  process.stderr.write('usage: node infra/healthcheck.mjs <url> [timeout ms]\n');
  process.exit(2);
}
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  if (!response.ok) {
    process.stderr.write(`${url}: HTTP ${response.status}\n`);
    process.exit(1);
  }
} catch (error) {
  process.stderr.write(`${url}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
