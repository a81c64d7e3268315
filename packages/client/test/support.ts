/**
 * Shared steps of the client tests: a sandbox per suite, clients pointed at
 * it, and the sandbox's login form submitted the way a browser would.
 */
import { demo, type RunningSandbox, type SandboxOptions, start } from "@kontist/sandbox"
import * as Net from "node:net"
import { afterAll, afterEach, beforeAll } from "vitest"
import { Client, type ClientOptions } from "../src/node.js"

/** Every scope the tests need; `offline` makes the sandbox issue refresh tokens. */
export const allScopes = ["accounts", "offline", "subscriptions", "transactions", "transfers", "users"] as const

/** A loopback redirect URI; the tests read the redirect's `Location` and never open it. */
export const redirectUri = "http://127.0.0.1:9/callback"

/**
 * Starts a sandbox before the suite's tests and closes it after them, and
 * disposes every client the tests created. Read `sandbox()` inside a test.
 */
export const useSandbox = (options: SandboxOptions = {}) => {
  let running: RunningSandbox | undefined
  const clients: Array<Client> = []

  beforeAll(async () => {
    running = await start({ port: 0, ...options })
  })
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()))
  })
  afterAll(async () => {
    await running?.close()
  })

  const sandbox = (): RunningSandbox => {
    if (running === undefined) throw new Error("the sandbox has not started; call sandbox() inside a test")
    return running
  }

  /** Creates a client of the demo OAuth2 client with its secret; `options` override any default. */
  const newClient = (options: Partial<ClientOptions> = {}): Client => {
    const client = new Client({
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
      scopes: allScopes,
      redirectUri,
      baseUrl: sandbox().url,
      ...options
    })
    clients.push(client)
    return client
  }

  /** Creates a client and logs it in with the password grant. */
  const loggedInClient = async (options: Partial<ClientOptions> = {}): Promise<Client> => {
    const client = newClient(options)
    await client.auth.fetchTokenFromCredentials({ username: demo.username, password: demo.password })
    return client
  }

  return { sandbox, newClient, loggedInClient }
}

/**
 * Submits the sandbox's login form for `authUri` with the demo user's
 * credentials and returns the URL the sandbox redirects to (`Location`).
 * The form's hidden fields carry the authorization request's parameters.
 */
export const logInThroughForm = async (
  authUri: string,
  credentials: { readonly username: string; readonly password: string } = demo
): Promise<string> => {
  const url = new URL(authUri)
  const form = new URLSearchParams(url.searchParams)
  form.set("username", credentials.username)
  form.set("password", credentials.password)

  const response = await fetch(`${url.origin}${url.pathname}`, { method: "POST", body: form, redirect: "manual" })
  const location = response.headers.get("location")
  if (response.status !== 302 || location === null) {
    throw new Error(`expected the login form to redirect (302), got HTTP ${response.status}: ${await response.text()}`)
  }
  return location
}

/** Waits until `condition` holds, checking every 20 ms, or fails after `timeoutMs`. */
export const waitFor = async (what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A TCP proxy on 127.0.0.1 that counts the WebSocket connections passing through it. */
export interface CountingProxy {
  /** `http://127.0.0.1:PORT`, to use as a client's `baseUrl`. */
  readonly url: string
  /** WebSocket connections whose TCP connection is still open. */
  openWebSockets(): number
  /** WebSocket connections opened since the proxy started. */
  webSocketsOpened(): number
  close(): Promise<void>
}

/**
 * Starts a TCP proxy to `target` (such as `sandbox().port`). A connection
 * counts as a WebSocket when its first bytes are an HTTP request with
 * `Upgrade: websocket`. It stays open until either side closes the TCP
 * connection, so a closed count shows that the client released the socket.
 */
export const startCountingProxy = async (target: number): Promise<CountingProxy> => {
  const sockets = new Set<Net.Socket>()
  let open = 0
  let opened = 0

  const server = Net.createServer((client) => {
    sockets.add(client)
    const upstream = Net.connect(target, "127.0.0.1")
    sockets.add(upstream)
    let isWebSocket = false
    client.once("data", (first: Buffer) => {
      if (/^upgrade:\s*websocket/im.test(first.toString("latin1"))) {
        isWebSocket = true
        open += 1
        opened += 1
      }
    })
    client.once("close", () => {
      if (isWebSocket) open -= 1
      sockets.delete(client)
      upstream.destroy()
    })
    upstream.once("close", () => {
      sockets.delete(upstream)
      client.destroy()
    })
    client.on("error", () => upstream.destroy())
    upstream.on("error", () => client.destroy())
    client.pipe(upstream)
    upstream.pipe(client)
  })

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as Net.AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    openWebSockets: () => open,
    webSocketsOpened: () => opened,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
