import { describe, expect, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import { Effect } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as NodeKontist from "../src/NodeKontist.js"

/** A server on 127.0.0.1 that responds to every request with a small JSON body and counts TCP connections. */
const countingServer = Effect.acquireRelease(
  Effect.async<{ readonly server: Http.Server; readonly url: string; readonly connections: () => number }>((resume) => {
    let connections = 0
    const server = Http.createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify({ data: null }))
    })
    server.on("connection", () => {
      connections += 1
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resume(Effect.succeed({ server, url: `http://127.0.0.1:${port}/`, connections: () => connections }))
    })
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

describe("NodeKontist.layerHttpClient", () => {
  it.scopedLive("reuses one connection for sequential requests", () =>
    Effect.gen(function*() {
      const { url, connections } = yield* countingServer
      const client = yield* HttpClient.HttpClient

      // Each body is read to the end, as the SDK does, so the socket returns to the agent's pool.
      for (let request = 0; request < 3; request++) {
        const response = yield* client.get(url)
        expect(response.status).toBe(200)
        expect(yield* response.json).toEqual({ data: null })
      }

      expect(connections()).toBe(1)
    }).pipe(Effect.provide(NodeKontist.layerHttpClient)))
})
