/**
 * Requests to `/api/oauth/token` and the conversion of its replies into
 * `Token`s.
 *
 * @internal
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Clock, Effect, Option, Redacted, Schema } from "effect"
import type * as KontistConfig from "../KontistConfig.js"
import { type KontistError, OAuthError } from "../KontistError.js"
import { Token } from "../Token.js"
import * as Http from "./http.js"

/** A successful reply of `/api/oauth/token`. */
export const TokenResponse = Schema.Struct({
  access_token: Schema.Redacted(Schema.String),
  /** Lifetime of the access token in seconds. */
  expires_in: Schema.Number,
  refresh_token: Schema.optionalWith(Schema.Redacted(Schema.String), { nullable: true }),
  /** Granted scopes, space separated. */
  scope: Schema.optionalWith(Schema.String, { nullable: true })
})

/** An RFC 6749 error reply. */
const OAuthErrorBody = Schema.Struct({
  error: Schema.String,
  error_description: Schema.optionalWith(Schema.String, { nullable: true })
})

const parseScope = (scope: string): ReadonlyArray<string> => scope.split(/\s+/).filter((entry) => entry.length > 0)

const failTokenRequest = (grantType: string, response: HttpClientResponse.HttpClientResponse) =>
  Effect.gen(function*() {
    const json = yield* Http.readJson(response)
    const body = Schema.decodeUnknownOption(OAuthErrorBody)(json)
    if (Option.isNone(body)) return yield* Http.unexpectedStatus(response, json)
    return yield* new OAuthError({
      error: body.value.error,
      description: body.value.error_description ?? `the token endpoint rejected the ${grantType} grant`
    })
  })

/** The token endpoint of one configured client. */
export interface TokenEndpoint {
  /** `{ client_secret }` when a secret is configured, else empty. */
  readonly clientSecretParam: Readonly<Record<string, string>>
  /**
   * Sends a form-encoded token request with `grant_type` and `client_id`
   * added. Sent once, never retried. RFC 6749 error replies fail with
   * `OAuthError`.
   */
  readonly request: (
    grantType: string,
    params: Readonly<Record<string, string>>
  ) => Effect.Effect<typeof TokenResponse.Type, KontistError>
  /**
   * Builds the token to store from a reply. A reply without `refresh_token`
   * or `scope` keeps those of `previous`.
   */
  readonly toToken: (
    response: typeof TokenResponse.Type,
    previous: Option.Option<Token>,
    confirmed: boolean
  ) => Effect.Effect<Token>
}

export const make = (config: KontistConfig.Service, http: Http.Pipeline): TokenEndpoint => {
  const clientSecretParam = Option.match(config.clientSecret, {
    onNone: (): Record<string, string> => ({}),
    onSome: (secret): Record<string, string> => ({ client_secret: Redacted.value(secret) })
  })

  const request = (grantType: string, params: Readonly<Record<string, string>>) =>
    Effect.gen(function*() {
      const tokenRequest = HttpClientRequest.post("/api/oauth/token").pipe(
        HttpClientRequest.bodyUrlParams({ grant_type: grantType, client_id: config.clientId, ...params })
      )
      const response = yield* http.send(tokenRequest)
      if (!Http.isSuccess(response)) return yield* failTokenRequest(grantType, response)

      const json = yield* Http.readJson(response, { secretBody: true })
      return yield* Http.decode(TokenResponse, json, response, { secretBody: true })
    })

  const toToken = (response: typeof TokenResponse.Type, previous: Option.Option<Token>, confirmed: boolean) =>
    Effect.map(Clock.currentTimeMillis, (now) =>
      new Token({
        accessToken: response.access_token,
        refreshToken: response.refresh_token === undefined
          ? Option.flatMap(previous, (token) => token.refreshToken)
          : Option.some(response.refresh_token),
        expiresAt: now + response.expires_in * 1000,
        issuedAt: now,
        scope: response.scope === undefined
          ? Option.match(previous, { onNone: () => config.scopes, onSome: (token) => token.scope })
          : parseScope(response.scope),
        confirmed
      }))

  return { clientSecretParam, request, toToken }
}
