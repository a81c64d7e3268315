/**
 * The Promise client for Node.js.
 *
 * @since 0.1.0
 */
import { NodeKontist } from "@kontist/node"
import { BaseClient } from "./Client.js"
import { services } from "./internal/layer.js"
import type { ClientOptions as BaseClientOptions } from "./internal/options.js"

export * from "./Client.js"
export * from "./Errors.js"
export { KontistToken } from "./Token.js"

/**
 * Options of the Node client: the classic options plus where the token is
 * kept.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientOptions extends BaseClientOptions {
  /**
   * `"memory"` (the default) keeps the token for the life of the client, as
   * the classic client does. `{ directory?, key? }` keeps it in a file created
   * with mode 0600, so the next run starts logged in. The file name is `key`
   * (default `kontist-token`), in `directory` (default
   * `NodeTokenStore.defaultDirectory()`, such as `~/.config/kontist`).
   */
  readonly tokenStorage?: "memory" | NodeKontist.Options | undefined
}

/**
 * The Kontist client for Node.js, with the classic surface.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * ```ts
 * import { Client } from "@kontist/client/node"
 *
 * const client = new Client({ clientId: "my-client", clientSecret: "…", scopes: ["transactions"] })
 * await client.auth.fetchTokenFromCredentials({ username, password })
 * for await (const transaction of client.models.transaction) {
 *   console.log(transaction.bookingDate, transaction.amount)
 * }
 * await client.dispose()
 * ```
 */
export class Client extends BaseClient {
  constructor(options: ClientOptions) {
    const storage = options?.tokenStorage ?? "memory"
    super(options, services(storage === "memory" ? NodeKontist.layerMemory : NodeKontist.layer(storage)))
  }
}
