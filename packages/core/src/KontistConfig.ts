/**
 * The API's location and the OAuth2 client the SDK acts as.
 *
 * @since 0.1.0
 */
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"
import type { ConfigError } from "effect/ConfigError"

/**
 * The OAuth2 scopes the Kontist API accepts.
 *
 * @since 0.1.0
 * @category models
 */
export type Scope =
  | "accounts"
  | "clients"
  | "offline"
  | "statements"
  | "subscriptions"
  | "transactions"
  | "transfers"
  | "users"

/**
 * Every scope, the default request.
 *
 * @since 0.1.0
 * @category constants
 */
export const allScopes: ReadonlyArray<Scope> = [
  "accounts",
  "clients",
  "offline",
  "statements",
  "subscriptions",
  "transactions",
  "transfers",
  "users"
]

/**
 * The production API.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api.kontist.com"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Origin of the API without a trailing slash, such as `https://api.kontist.com`. */
  readonly baseUrl: string
  /** WebSocket URL for GraphQL subscriptions, such as `wss://api.kontist.com/api/graphql`. */
  readonly subscriptionUrl: string
  readonly clientId: string
  /** Present for confidential (server-side) clients; public clients use PKCE. */
  readonly clientSecret: Option.Option<Redacted.Redacted<string>>
  readonly redirectUri: Option.Option<string>
  readonly scopes: ReadonlyArray<Scope>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class KontistConfig extends Context.Tag("@kontist/core/KontistConfig")<KontistConfig, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Defaults to `https://api.kontist.com`. */
  readonly baseUrl?: string | undefined
  /** Defaults to the base URL with a `ws`/`wss` scheme and the path `/api/graphql`. */
  readonly subscriptionUrl?: string | undefined
  readonly clientId: string
  readonly clientSecret?: Redacted.Redacted<string> | string | undefined
  readonly redirectUri?: string | undefined
  /** Defaults to every scope. */
  readonly scopes?: ReadonlyArray<Scope> | undefined
}

/**
 * Builds the configuration, filling in defaults and normalising the URLs.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Service => {
  const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
  const subscriptionUrl = options.subscriptionUrl ?? `${baseUrl.replace(/^http/, "ws")}/api/graphql`
  const clientSecret = options.clientSecret === undefined
    ? Option.none()
    : Option.some(typeof options.clientSecret === "string" ? Redacted.make(options.clientSecret) : options.clientSecret)

  return {
    baseUrl,
    subscriptionUrl,
    clientId: options.clientId,
    clientSecret,
    redirectUri: Option.fromNullable(options.redirectUri),
    scopes: options.scopes ?? allScopes
  }
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<KontistConfig> => Layer.succeed(KontistConfig, make(options))

/**
 * Reads `KONTIST_BASE_URL`, `KONTIST_SUBSCRIPTION_URL`, `KONTIST_CLIENT_ID`,
 * `KONTIST_CLIENT_SECRET`, `KONTIST_REDIRECT_URI` and `KONTIST_SCOPES`
 * (space separated). Only the client id is required.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<KontistConfig, ConfigError> = Layer.effect(
  KontistConfig,
  Effect.gen(function*() {
    const config = yield* Config.all({
      baseUrl: Config.option(Config.string("KONTIST_BASE_URL")),
      subscriptionUrl: Config.option(Config.string("KONTIST_SUBSCRIPTION_URL")),
      clientId: Config.string("KONTIST_CLIENT_ID"),
      clientSecret: Config.option(Config.redacted("KONTIST_CLIENT_SECRET")),
      redirectUri: Config.option(Config.string("KONTIST_REDIRECT_URI")),
      scopes: Config.option(Config.string("KONTIST_SCOPES"))
    })

    return make({
      baseUrl: Option.getOrUndefined(config.baseUrl),
      subscriptionUrl: Option.getOrUndefined(config.subscriptionUrl),
      clientId: config.clientId,
      clientSecret: Option.getOrUndefined(config.clientSecret),
      redirectUri: Option.getOrUndefined(config.redirectUri),
      scopes: Option.getOrUndefined(
        Option.map(config.scopes, (scopes) => scopes.split(/\s+/).filter((scope) => scope.length > 0) as Array<Scope>)
      )
    })
  })
)
