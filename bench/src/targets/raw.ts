/**
 * The floor: `node:http` with a keep-alive agent, the SDK's page document,
 * `JSON.parse`, and no validation or decoding beyond reading `pageInfo`.
 */
import { Agent, request } from "node:http"
import type { Prepare, Setup } from "./target.js"

interface Response {
  readonly status: number
  readonly body: string
}

const post = (agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<Response> =>
  new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
      (incoming) => {
        const chunks: Array<Buffer> = []
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
        incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
        incoming.on("error", reject)
      }
    )
    outgoing.on("error", reject)
    outgoing.end(body)
  })

/** Logs in with the password grant and returns the access token. */
export const passwordGrant = async (agent: Agent, setup: Setup): Promise<string> => {
  const body = new URLSearchParams({
    grant_type: "password",
    username: setup.username,
    password: setup.password,
    client_id: setup.clientId,
    client_secret: setup.clientSecret,
    scope: "transactions"
  }).toString()
  const response = await post(agent, new URL("/api/oauth/token", setup.baseUrl), { "content-type": "application/x-www-form-urlencoded" }, body)
  if (response.status !== 200) {
    throw new Error(`The password grant failed with HTTP ${response.status}: ${response.body}`)
  }
  return (JSON.parse(response.body) as { access_token: string }).access_token
}

export interface PageResponse {
  readonly data?: {
    readonly viewer: {
      readonly mainAccount: {
        readonly transactions: {
          readonly edges: ReadonlyArray<{ readonly node: unknown }>
          readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null }
        }
      }
    }
  }
  readonly errors?: ReadonlyArray<{ readonly message: string }>
}

/** Sends the SDK's `TransactionsPage` document and returns the response body unparsed. */
export const fetchPage = async (agent: Agent, setup: Setup, accessToken: string, after: string | undefined): Promise<string> => {
  const variables = after === undefined ? { first: setup.pageSize } : { first: setup.pageSize, after }
  const body = JSON.stringify({ query: setup.pageDocument, variables, operationName: "TransactionsPage" })
  const headers = { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${accessToken}` }
  const response = await post(agent, new URL("/api/graphql", setup.baseUrl), headers, body)
  if (response.status !== 200) {
    throw new Error(`TransactionsPage failed with HTTP ${response.status}: ${response.body.slice(0, 500)}`)
  }
  return response.body
}

export const prepare: Prepare = async (setup) => {
  const agent = new Agent({ keepAlive: true })
  const accessToken = await passwordGrant(agent, setup)

  const streamAll = async (): Promise<number> => {
    let count = 0
    let after: string | undefined
    for (;;) {
      const body = await fetchPage(agent, setup, accessToken, after)
      const page = JSON.parse(body) as PageResponse
      if (page.errors !== undefined || page.data === undefined) {
        throw new Error(`TransactionsPage returned errors: ${body.slice(0, 500)}`)
      }
      const { edges, pageInfo } = page.data.viewer.mainAccount.transactions
      count += edges.length
      if (!pageInfo.hasNextPage || pageInfo.endCursor === null) return count
      after = pageInfo.endCursor
    }
  }

  return { streamAll, close: async () => agent.destroy() }
}
