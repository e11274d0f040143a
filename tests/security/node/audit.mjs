// graphql-http's server audit against the URL in CASEGRAPH_URL, authenticated with the
// bearer token in CASEGRAPH_TOKEN. Prints one JSON object: the audits by status.
import { serverAudits } from 'graphql-http';

const url = process.env.CASEGRAPH_URL;
const token = process.env.CASEGRAPH_TOKEN;

function fetchFn(input, init = {}) {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers, signal: AbortSignal.timeout(10000) });
}

const results = await Promise.all(serverAudits({ url, fetchFn }).map(({ fn }) => fn()));
const summary = { ok: [], warn: [], error: [] };
const bucket = { ok: 'ok', warn: 'warn', notice: 'warn', error: 'error' };
for (const result of results) {
  summary[bucket[result.status] || 'error'].push(`${result.id} ${result.name}` + (result.reason ? `: ${result.reason}` : ''));
}
console.log(JSON.stringify(summary));
