/// <reference types="node" />
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Stream } from "effect"
import { createServer } from "node:net"
import { Auth } from "../src/Auth.js"
import * as KontistConfig from "../src/KontistConfig.js"
import type { SubscriptionError } from "../src/KontistError.js"
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
