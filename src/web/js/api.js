// Talking to the server: GraphQL over HTTP, graphql-transport-ws for live
// updates, and the bearer token kept for this browser tab only, or, when
// the user asked to be remembered, on this device (all its tabs).

const TOKEN_KEY = "werkplaats.token";

// This tab's own token (an invitation link opened here) goes before the
// device's remembered one.
export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY);
}

export function storeToken(token, { remember = false } = {}) {
  if (remember) {
    localStorage.setItem(TOKEN_KEY, token.trim());
    sessionStorage.removeItem(TOKEN_KEY);
  } else {
    sessionStorage.setItem(TOKEN_KEY, token.trim());
  }
}

// A new token for the same member (rotated) goes where the old one was.
export function replaceToken(token) {
  const remembered = sessionStorage.getItem(TOKEN_KEY) === null && localStorage.getItem(TOKEN_KEY) !== null;
  storeToken(token, { remember: remembered });
}

export function isRemembered() {
  return sessionStorage.getItem(TOKEN_KEY) === null && localStorage.getItem(TOKEN_KEY) !== null;
}

// Signing out forgets the token in this tab and on the device.
export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
}

// Another tab signed out (or the remembered token was replaced): calls
// `then` when this tab was using the device's token.
export function onTokenChangedElsewhere(then) {
  window.addEventListener("storage", (event) => {
    if (event.key !== TOKEN_KEY || event.storageArea !== localStorage) return;
    if (sessionStorage.getItem(TOKEN_KEY) !== null) return;
    then(event.newValue);
  });
}

// Called when the server no longer knows the token this tab sends: the
// member was removed or forgotten, or a new link replaced theirs.
let accessEnded = () => {};
export function onAccessEnded(then) {
  accessEnded = then;
}

// An invitation link carries the token in the fragment (`/#token=...`),
// which browsers never send to a server. Read it once, keep it in session
// storage and take it out of the address bar and history.
export function takeTokenFromUrl() {
  const match = /^#token=([^&]+)/.exec(location.hash);
  if (!match) return false;
  storeToken(decodeURIComponent(match[1]));
  history.replaceState(null, "", location.pathname + location.search);
  return true;
}

export class GraphQLError extends Error {
  constructor(error) {
    super(error.message);
    this.code = error.extensions?.code ?? "INTERNAL";
    this.extensions = error.extensions ?? {};
  }
}

// Runs one operation; resolves with its data or rejects with the first
// error, so a refused mutation never looks half done.
export async function gql(query, variables = {}) {
  const headers = { "content-type": "application/json" };
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new GraphQLError({ message: "De server is niet bereikbaar.", extensions: { code: "NETWORK" } });
  }
  const body = await response.json().catch(() => ({}));
  if (body.errors?.length) {
    const error = new GraphQLError(body.errors[0]);
    if (error.code === "UNAUTHENTICATED" && token && token === storedToken()) accessEnded();
    throw error;
  }
  if (!body.data) throw new GraphQLError({ message: `HTTP ${response.status}` });
  return body.data;
}

// A request that outlives the page (pagehide, beforeunload): the browser
// still sends it while the tab reloads, closes or navigates away.
export function sendOnLeave(query, variables = {}) {
  const token = storedToken();
  if (!token) return;
  try {
    fetch("/graphql", {
      method: "POST",
      keepalive: true,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    }).catch(() => null);
  } catch {
    // Nothing to tell a page that is going away.
  }
}

// Downloads a file the server only gives to a bearer token (the trail
// export, the report): a plain link cannot send the Authorization header.
export async function download(path, filename) {
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${storedToken()}` },
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// One graphql-transport-ws connection with any number of subscriptions.
// It reconnects after a drop (with back-off) and subscribes again; callers
// refetch on reconnect, so nothing they show stays stale.
export class Live {
  constructor({ onState } = {}) {
    this.subscriptions = new Map();
    this.nextId = 1;
    this.onState = onState ?? (() => {});
    this.retry = 0;
    this.closed = false;
    this.connect();
  }

  connect() {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
    const socket = new WebSocket(url, "graphql-transport-ws");
    this.socket = socket;
    this.acknowledged = false;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({
        type: "connection_init",
        payload: { authorization: `Bearer ${storedToken()}` },
      }));
    });
    socket.addEventListener("message", (message) => this.receive(JSON.parse(message.data)));
    socket.addEventListener("close", (event) => {
      this.acknowledged = false;
      if (this.closed) return;
      // 4403: the server no longer accepts this token. Reconnecting would
      // only be refused again.
      if (event.code === 4403) {
        this.closed = true;
        this.onState("geweigerd");
        accessEnded();
        return;
      }
      this.onState("verbroken");
      const delay = Math.min(10_000, 500 * 2 ** this.retry++);
      setTimeout(() => this.connect(), delay);
    });
  }

  receive(message) {
    switch (message.type) {
      case "connection_ack":
        this.acknowledged = true;
        this.retry = 0;
        this.onState("verbonden");
        for (const [id, sub] of this.subscriptions) this.start(id, sub);
        break;
      case "ping":
        this.socket.send(JSON.stringify({ type: "pong" }));
        break;
      case "next": {
        const sub = this.subscriptions.get(message.id);
        if (sub && message.payload.data) sub.onData(message.payload.data);
        break;
      }
      case "error": {
        const sub = this.subscriptions.get(message.id);
        this.subscriptions.delete(message.id);
        sub?.onError?.(message.payload);
        break;
      }
      default:
        break;
    }
  }

  start(id, { query, variables, onStart }) {
    onStart?.();
    this.socket.send(JSON.stringify({ id, type: "subscribe", payload: { query, variables } }));
  }

  // `onStart` runs on every (re)subscription: the moment to refetch.
  subscribe(query, variables, onData, { onStart, onError } = {}) {
    const id = String(this.nextId++);
    const sub = { query, variables, onData, onStart, onError };
    this.subscriptions.set(id, sub);
    if (this.acknowledged) this.start(id, sub);
    return () => {
      this.subscriptions.delete(id);
      if (this.acknowledged) this.socket.send(JSON.stringify({ id, type: "complete" }));
    };
  }

  close() {
    this.closed = true;
    this.socket.close(1000);
  }
}
