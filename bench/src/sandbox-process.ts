/**
 * Child process that runs the sandbox for the benchmark, so that its CPU
 * work does not share the event loop of the client under test. The parent
 * reads and clears the request log over IPC.
 */
import { demo, start } from "@kontist/sandbox"
import { serve } from "./ipc.js"

export interface SandboxInfo {
  readonly url: string
  readonly dataset: { readonly count: number; readonly sumCents: number; readonly balanceCents: number }
  /** The sandbox's demo OAuth2 client and user. */
  readonly credentials: { readonly clientId: string; readonly clientSecret: string; readonly username: string; readonly password: string }
}

export interface RequestCount {
  /** Every logged API request. */
  readonly total: number
  /** Requests to `/api/graphql`. */
  readonly graphql: number
}

const [transactions, now] = process.argv.slice(2)

const sandbox = await start({
  port: 0,
  host: "127.0.0.1",
  seed: 42,
  transactions: Number(transactions),
  now: new Date(now!)
})

serve({
  info: (): SandboxInfo => ({
    url: sandbox.url,
    dataset: sandbox.dataset(),
    credentials: { clientId: demo.clientId, clientSecret: demo.clientSecret, username: demo.username, password: demo.password }
  }),
  clearRequests: () => sandbox.clearRequests(),
  countRequests: (): RequestCount => {
    const requests = sandbox.requests()
    return { total: requests.length, graphql: requests.filter((request) => request.path === "/api/graphql").length }
  },
  close: () => sandbox.close()
})
