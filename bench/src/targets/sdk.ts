/**
 * `@kontist/core` with `@kontist/node`'s layer: `Transactions.stream` run by
 * a `ManagedRuntime` that is built once, so each run measures the stream
 * and not the construction of the layers.
 */
import { Auth, Kontist, KontistConfig, Transactions } from "@kontist/core"
import { NodeKontist } from "@kontist/node"
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import type { Prepare } from "./target.js"

export const prepare: Prepare = async (setup) => {
  const layer = Kontist.layer.pipe(
    Layer.provide(KontistConfig.layer({
      baseUrl: setup.baseUrl,
      clientId: setup.clientId,
      clientSecret: Redacted.make(setup.clientSecret),
      scopes: ["transactions"]
    })),
    Layer.provide(NodeKontist.layerMemory)
  )
  const runtime = ManagedRuntime.make(layer)

  await runtime.runPromise(Effect.flatMap(Auth.Auth, (auth) =>
    auth.loginWithPassword({ username: setup.username, password: Redacted.make(setup.password) })))

  // Counts element by element, as the other clients' loops do, rather than
  // with Stream.runCount, which adds up chunk sizes.
  const countAll = Effect.flatMap(
    Transactions.Transactions,
    (transactions) => Stream.runFold(transactions.stream({ pageSize: setup.pageSize }), 0, (count) => count + 1)
  )

  return {
    streamAll: () => runtime.runPromise(countAll),
    close: () => runtime.dispose()
  }
}
