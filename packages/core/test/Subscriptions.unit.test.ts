/// <reference types="node" />
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Schema, Stream } from "effect"
import { useServer } from "graphql-ws/use/ws"
import { createServer as createHttpServer } from "node:http"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { WebSocketServer } from "ws"
import { Auth } from "../src/Auth.js"
import * as KontistConfig from "../src/KontistConfig.js"
import type { GraphQLError, SubscriptionError } from "../src/KontistError.js"
import * as Subscriptions from "../src/Subscriptions.js"
import { recordingWebSocketConstructor } from "./utils/SandboxKontist.js"

/** Finds a free loopback port by binding it once and releasing it, so nothing listens there. */
const unusedPort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

const layerFor = (subscriptionUrl: string) =>
  Subscriptions.layer.pipe(
    Layer.provide(KontistConfig.layer({ clientId: "test", subscriptionUrl })),
    Layer.provide(Layer.mock(Auth, { accessToken: Effect.succeed(Redacted.make("token")) })),
    Layer.provide(recordingWebSocketConstructor([]))
  )

describe("Subscriptions without a server", () => {
  it.live("unreachable server fails with ConnectionFailed", () =>
    Effect.gen(function*() {
      const url = `ws://127.0.0.1:${yield* unusedPort}/api/graphql`
      const newTransactions = Effect.map(Subscriptions.Subscriptions, (subscriptions) => subscriptions.newTransactions)

      const error = yield* Stream.unwrap(newTransactions).pipe(
        Stream.runDrain,
        Effect.flip,
        Effect.timeout("5 seconds"),
        Effect.provide(layerFor(url))
      )

      expect(error._tag).toBe("SubscriptionError")
      expect((error as SubscriptionError).reason).toBe("ConnectionFailed")
      expect(error.message).toContain(url)
    }))
})

// graphql-ws runs on Node's CommonJS build of graphql, while vitest would give
// this file the ESM build, and graphql-js rejects a schema or error made by the
// other build. So the server's schema and errors come from the CommonJS build.
const { buildSchema, GraphQLError: ServerGraphQLError } = createRequire(import.meta.url)(
  "graphql"
) as typeof import("graphql")

const errorSchema = buildSchema(`
  type Query { ok: Boolean }
  type Event { first: Int, second: Int }
  type Subscription { failing: Event }
`)

/**
 * Starts a graphql-ws server on a free loopback port for the scope. Its
 * `failing` subscription emits one event whose two fields fail, and a
 * document containing "Rejected" is refused with two errors.
 */
const errorServer = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly close: () => Promise<void> }>((resume) => {
    const http = createHttpServer()
    const sockets = new WebSocketServer({ server: http, path: "/api/graphql" })
    useServer({
      schema: errorSchema,
      roots: {
        subscription: {
          failing: async function*() {
            yield {
              failing: {
                first: () => {
                  throw new ServerGraphQLError("first failed", { extensions: { code: "FORBIDDEN" } })
                },
                second: () => {
                  throw new ServerGraphQLError("second failed", { extensions: { status: 500, type: "INTERNAL" } })
                }
              }
            }
          }
        }
      },
      onSubscribe: (_context, _id, payload) =>
        payload.query.includes("Rejected")
          ? [
            new ServerGraphQLError("not allowed", { extensions: { code: "FORBIDDEN" } }),
            new ServerGraphQLError("also not allowed", { extensions: { status: 403, type: "FORBIDDEN_TOO" } })
          ]
          : undefined
    }, sockets)
    http.listen(0, "127.0.0.1", () => {
      const address = http.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resume(Effect.succeed({
        url: `ws://127.0.0.1:${port}/api/graphql`,
        close: () =>
          new Promise<void>((done) => {
            for (const client of sockets.clients) client.terminate()
            sockets.close(() => http.close(() => done()))
          })
      }))
    })
  }),
  (server) => Effect.promise(server.close)
)

describe("Subscriptions error entries", () => {
  it.scopedLive("errors in an event keep every entry", () =>
    Effect.gen(function*() {
      const { url } = yield* errorServer
      const subscriptions = yield* Effect.provide(Subscriptions.Subscriptions, layerFor(url))

      const error = yield* subscriptions.subscribe("subscription Failing { failing { first second } }", undefined, Schema.Unknown).pipe(
        Stream.runDrain,
        Effect.flip,
        Effect.timeout("5 seconds")
      )

      expect(error._tag).toBe("GraphQLError")
      const graphqlError = error as GraphQLError
      expect(graphqlError.operation).toBe("Failing")
      expect(graphqlError.description).toBe("first failed")
      expect(graphqlError.path).toEqual(["failing", "first"])
      expect(graphqlError.type).toBe("FORBIDDEN")
      expect(graphqlError.status).toBeUndefined()
      expect(graphqlError.otherErrors).toEqual([
        { description: "second failed", path: ["failing", "second"], status: 500, type: "INTERNAL" }
      ])
    }))

  it.scopedLive("rejected operation keeps every entry", () =>
    Effect.gen(function*() {
      const { url } = yield* errorServer
      const subscriptions = yield* Effect.provide(Subscriptions.Subscriptions, layerFor(url))

      const error = yield* subscriptions.subscribe("subscription Rejected { failing { first } }", undefined, Schema.Unknown).pipe(
        Stream.runDrain,
        Effect.flip,
        Effect.timeout("5 seconds")
      )

      expect(error._tag).toBe("GraphQLError")
      const graphqlError = error as GraphQLError
      expect(graphqlError.operation).toBe("Rejected")
      expect(graphqlError.description).toBe("not allowed")
      expect(graphqlError.type).toBe("FORBIDDEN")
      expect(graphqlError.otherErrors).toEqual([
        { description: "also not allowed", path: [], status: 403, type: "FORBIDDEN_TOO" }
      ])
    }))
})
