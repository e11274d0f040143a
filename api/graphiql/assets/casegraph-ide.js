// Case Graph's GraphiQL page: an example query, a headers template, a hint on 401, and the
// demo's one-time sign-in. Case Graph's own code (not vendored). The token never travels in
// the address: a demo's link carries a single-use sign-in code, exchanged here for the token
// and removed from the address before anything else is loaded.
(function () {
  "use strict";

  const EXAMPLE_QUERY = `# Case Graph: one graph of a person on probation,
# over nDelius, OASys and the CRCs.
#
# 1. Every request needs a bearer token, in the Headers
#    tab below: {"Authorization": "Bearer <token>"}
#    Beside a running demo, open the sign-in link it
#    printed, or run this in the folder where it runs:
#      casegraph token --user NAME
#    Otherwise, use a token from your OAuth server.
# 2. Put a CRN in the Variables tab, then press the
#    play button (Ctrl-Enter).
query CaseOverview($crn: ID!) {
  case(crn: $crn) {
    crn
    name { forename surname }
    manager { staff { forename surname unallocated } team { description } }
    riskOfSeriousHarm { overallRiskLevel }
    partner { provider { description } status }
  }
}
`;
  const EXAMPLE_VARIABLES = '{\n  "crn": "X320741"\n}';
  const HEADERS_TEMPLATE = '{\n  "Authorization": "Bearer <token>"\n}';
  const UNAUTHORISED_HINT =
    "Unauthorised: Case Graph needs a bearer token with every request, schema included. " +
    'Put one in the Headers tab as {"Authorization": "Bearer <token>"}. Beside a running ' +
    "demo, open the sign-in link it printed or run `casegraph token --user NAME` in its " +
    "folder; otherwise ask your OAuth server for one.";
  const USED_LINK_HINT = "This sign-in link has been used already (each works once).";
  const SIGN_IN_PATH = "/graphiql/sign-in";
  // Headers (the token) live in this tab's sessionStorage only: a reload keeps them, closing
  // the tab forgets them, and nothing else served later on this origin finds them on disk.
  const SESSION_HEADERS = "casegraph:headers";

  // GraphiQL keeps its tabs and query history in localStorage, headers included in the
  // history: this storage drops every "headers" member before anything is written there.
  function withoutHeaders(value) {
    if (Array.isArray(value)) {
      return value.map(withoutHeaders);
    }
    if (value && typeof value === "object") {
      const kept = {};
      for (const [key, member] of Object.entries(value)) {
        if (key !== "headers") {
          kept[key] = withoutHeaders(member);
        }
      }
      return kept;
    }
    return value;
  }

  const storage = {
    getItem: (key) => localStorage.getItem(key),
    setItem: (key, value) => {
      let stored = value;
      try {
        stored = JSON.stringify(withoutHeaders(JSON.parse(value)));
      } catch (error) {
        // not JSON (a plain query text): nothing to strip
      }
      localStorage.setItem(key, stored);
    },
    removeItem: (key) => localStorage.removeItem(key),
    clear: () => {
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith("graphiql:")) {
          localStorage.removeItem(key);
        }
      }
    },
    get length() {
      return localStorage.length;
    },
  };

  function rememberedHeaders() {
    try {
      return sessionStorage.getItem(SESSION_HEADERS) || undefined;
    } catch (error) {
      return undefined;
    }
  }

  function rememberHeaders(headers) {
    try {
      sessionStorage.setItem(SESSION_HEADERS, headers);
    } catch (error) {
      // storage refused (private mode): the headers simply are not kept across reloads
    }
  }

  const parameters = {};
  for (const entry of window.location.search.slice(1).split("&")) {
    const eq = entry.indexOf("=");
    if (eq >= 0) {
      parameters[decodeURIComponent(entry.slice(0, eq))] = decodeURIComponent(
        entry.slice(eq + 1),
      );
    }
  }
  const signInCode = parameters.signin;
  delete parameters.signin;
  delete parameters.headers; // headers (tokens) are never read from, or written to, the address

  function updateURL(data) {
    Object.assign(parameters, data);
    const search = Object.keys(parameters)
      .filter((key) => Boolean(parameters[key]))
      .map((key) => encodeURIComponent(key) + "=" + encodeURIComponent(parameters[key]))
      .join("&");
    history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }
  updateURL({});

  const hint = document.createElement("div");
  hint.id = "casegraph-hint";
  hint.setAttribute("role", "alert");
  hint.style.cssText =
    "display:none;padding:8px 16px;background:#fff4e5;color:#663c00;" +
    "border-bottom:1px solid #ffb74d;font:14px/1.4 system-ui,sans-serif";
  document.body.insertBefore(hint, document.body.firstChild);

  let signInProblem = "";

  function showHint(text) {
    hint.textContent = text;
    hint.style.display = "block";
  }

  function hideHint() {
    hint.style.display = "none";
  }

  const fetchURL = window.location.pathname;
  const socketURL =
    (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + fetchURL;
  // Subscriptions (caseEvents) run over graphql-transport-ws; GraphiQL's own fetcher sends
  // the Headers tab as connection_init's payload, where the server authenticates them.
  const subscriptionFetcher = GraphiQL.createFetcher({ url: fetchURL, subscriptionUrl: socketURL });

  function isSubscription(params, options) {
    const document = options && options.documentAST;
    if (!document) {
      return false;
    }
    const operations = document.definitions.filter(
      (definition) => definition.kind === "OperationDefinition",
    );
    const chosen =
      operations.length === 1
        ? operations[0]
        : operations.find((o) => o.name && o.name.value === params.operationName);
    return Boolean(chosen) && chosen.operation === "subscription";
  }

  async function fetcher(params, options) {
    if (isSubscription(params, options)) {
      hideHint();
      return subscriptionFetcher(params, options);
    }
    const headers = Object.assign(
      { "content-type": "application/json", accept: "application/json" },
      (options && options.headers) || {},
    );
    const response = await fetch(fetchURL, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(params),
      credentials: "omit",
    });
    if (response.status === 401) {
      showHint(signInProblem + UNAUTHORISED_HINT);
      return { errors: [{ message: UNAUTHORISED_HINT, extensions: { code: "UNAUTHENTICATED" } }] };
    }
    hideHint();
    return response.json();
  }

  async function signedInHeaders() {
    if (!signInCode) {
      return rememberedHeaders();
    }
    const response = await fetch(SIGN_IN_PATH, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: signInCode }),
      credentials: "omit",
    });
    if (!response.ok) {
      signInProblem = USED_LINK_HINT + " ";
      showHint(signInProblem + UNAUTHORISED_HINT);
      return rememberedHeaders();
    }
    const body = await response.json();
    const headers = JSON.stringify({ Authorization: "Bearer " + body.token }, null, 2);
    rememberHeaders(headers);
    return headers;
  }

  function render(headers) {
    function CaseGraphIDE() {
      const [query, setQuery] = React.useState(parameters.q);
      const [variables, setVariables] = React.useState(parameters.variables);

      function onEditQuery(newQuery) {
        setQuery(newQuery);
        updateURL({ q: newQuery });
      }

      function onEditVariables(newVariables) {
        setVariables(newVariables);
        updateURL({ variables: newVariables });
      }

      return React.createElement(GraphiQL, {
        fetcher: fetcher,
        defaultEditorToolsVisibility: true,
        plugins: [GraphiQLPluginExplorer.explorerPlugin()],
        query: query,
        defaultQuery: EXAMPLE_QUERY,
        variables: variables === undefined && !parameters.q ? EXAMPLE_VARIABLES : variables,
        headers: headers,
        defaultHeaders: HEADERS_TEMPLATE,
        onEditQuery: onEditQuery,
        onEditVariables: onEditVariables,
        onEditHeaders: rememberHeaders,
        inputValueDeprecation: true,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
        storage: storage,
      });
    }
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(CaseGraphIDE));
  }

  signedInHeaders().then(render, () => render(undefined));
})();
