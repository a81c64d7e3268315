/**
 * The Promise client for browsers, and the entry point of the script-tag
 * build (`dist/kontist.min.js` defines the global `Kontist` from it).
 *
 * @since 0.1.0
 */
import { BrowserKontist, SilentRenewal } from "@kontist/browser"
import { Layer } from "effect"
import * as TokenStore from "@kontist/core/TokenStore"
import { BaseClient } from "./Client.js"
import { services } from "./internal/layer.js"
import type { ClientOptions as BaseClientOptions } from "./internal/options.js"

export * from "./Client.js"
export * from "./Errors.js"
export { KontistToken } from "./Token.js"

/**
 * Options of the browser client: the classic options plus where the token is
 * kept.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientOptions extends BaseClientOptions {
  /**
   * `"memory"` (the default) keeps the token for the life of the client, as
   * the classic client does. `"session"` keeps it in `sessionStorage` for the
   * tab, `"local"` in `localStorage`; any script on the origin can read
   * either.
   */
  readonly tokenStorage?: "memory" | "session" | "local" | undefined
}

/**
 * The Kontist client for browsers, with the classic surface. A token without
 * a refresh token (a PKCE login) is renewed silently in a hidden iframe.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * ```html
 * <script src="kontist.min.js"></script>
 * <script>
 *   const client = new Kontist.Client({ clientId, redirectUri, scopes: ["transactions"], state, verifier })
 *   location.href = await client.auth.getAuthUri()
 * </script>
 * ```
 */
export class Client extends BaseClient {
  constructor(options: ClientOptions) {
    const storage = options?.tokenStorage ?? "memory"
    const platform = Layer.mergeAll(
      BrowserKontist.layerHttpClient,
      storage === "memory" ? TokenStore.layerMemory : BrowserKontist.layerTokenStore({ storage }),
      BrowserKontist.layerWebSocketConstructor
    )
    super(options, Layer.provideMerge(SilentRenewal.layer(), services(platform)))
  }
}
