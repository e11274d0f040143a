// Reads GATEWAY_SUBGRAPHS ("name=url,name=url") and fetches each subgraph's SDL.
// Shared by gateway.mjs (live composition) and compose.mjs (a supergraph file ahead of time).

export function subgraphsFromEnv(env = process.env) {
  const raw = env.GATEWAY_SUBGRAPHS ?? "";
  const subgraphs = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf("=");
      if (at <= 0) throw new Error(`GATEWAY_SUBGRAPHS: expected name=url, got "${entry}"`);
      return { name: entry.slice(0, at), url: entry.slice(at + 1) };
    });
  if (subgraphs.length === 0) throw new Error("GATEWAY_SUBGRAPHS is empty: name=url,name=url");
  return subgraphs;
}

// Headers the gateway sends when it asks a subgraph for its SDL (Case Graph needs a token).
export function introspectionHeaders(env = process.env) {
  const authorization = env.GATEWAY_INTROSPECTION_AUTHORIZATION;
  return authorization ? { authorization } : {};
}

export async function fetchSdl({ url }, headers) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.json();
  if (!response.ok || body.errors) {
    throw new Error(`${url}: ${response.status} ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data._service.sdl;
}
