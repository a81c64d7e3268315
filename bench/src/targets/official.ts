/**
 * The official `kontist` npm package (the classic JavaScript SDK), pointed
 * at the sandbox with its `baseUrl` option and logged in with the password
 * grant. It is measured as shipped: it sends its own transaction document
 * through graphql-request and cross-fetch.
 */
import { Client } from "kontist"
import type { Prepare } from "./target.js"

export const prepare: Prepare = async (setup) => {
  const client = new Client({
    baseUrl: setup.baseUrl,
    baseSubscriptionUrl: setup.baseUrl.replace(/^http/, "ws"),
    clientId: setup.clientId,
    clientSecret: setup.clientSecret,
    scopes: ["transactions"]
  })
  await client.auth.tokenManager.fetchTokenFromCredentials({ username: setup.username, password: setup.password })

  const streamAll = async (): Promise<number> => {
    let count = 0
    for await (const _transaction of client.models.transaction.fetchAll({ first: setup.pageSize })) {
      count++
    }
    return count
  }

  return { streamAll, close: async () => undefined }
}
