/** The Promise client `@kontist/client`, iterated with `for await`. */
import { Client } from "@kontist/client/node"
import type { Prepare } from "./target.js"

export const prepare: Prepare = async (setup) => {
  const client = new Client({
    baseUrl: setup.baseUrl,
    clientId: setup.clientId,
    clientSecret: setup.clientSecret,
    scopes: ["transactions"]
  })
  await client.auth.fetchTokenFromCredentials({ username: setup.username, password: setup.password })

  const streamAll = async (): Promise<number> => {
    let count = 0
    for await (const _transaction of client.models.transaction.fetchAll({ first: setup.pageSize })) {
      count++
    }
    return count
  }

  return { streamAll, close: () => client.dispose() }
}
