/**
 * Checks the classic constructor options and turns them into the core
 * configuration.
 */
import * as KontistConfig from "@kontist/core/KontistConfig"
import { InvalidInput } from "@kontist/core/KontistError"
import * as Pkce from "@kontist/core/Pkce"
import { Effect, Either, Redacted } from "effect"

/**
 * Options of `new Client(...)`, as the classic Kontist client takes them.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientOptions {
  /** The OAuth2 client id. */
  readonly clientId: string
  /** The secret of a confidential (server-side) client. Do not combine with `verifier`. */
  readonly clientSecret?: string | undefined
  /** The URL the authorization server redirects to after login. Needed for `getAuthUri` and `fetchToken`. */
  readonly redirectUri?: string | undefined
  /** The scopes to request, such as `["transactions", "offline"]`. */
  readonly scopes: ReadonlyArray<KontistConfig.Scope>
  /**
   * The OAuth2 `state` to send and to expect in the callback. Pass the same
   * value to the `Client` on the callback page. Generated when omitted.
   */
  readonly state?: string | undefined
  /**
   * A PKCE code verifier (43 to 128 characters of `A-Z a-z 0-9 - . _ ~`) for
   * public clients such as browser apps. Keep it, with `state`, across the
   * redirect and pass both to the `Client` on the callback page.
   */
  readonly verifier?: string | undefined
  /** Defaults to `https://api.kontist.com`. */
  readonly baseUrl?: string | undefined
}

/** The validated options: the core configuration and the values the facade keeps. */
export interface ValidatedOptions {
  readonly config: KontistConfig.Service
  readonly state: string | undefined
  readonly verifier: Redacted.Redacted<string> | undefined
}

/** Options whose values never appear in an error message, whatever their type. */
const secretFields: ReadonlySet<keyof ClientOptions> = new Set(["clientSecret", "verifier"])

const isNonEmptyString = (value: unknown): value is string => typeof value === "string" && value.trim().length > 0

/** Names the type of `value` without showing it, such as "an array" or "a blank string". */
const describeType = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  if (typeof value === "string") return "a blank string"
  const type = typeof value
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

const checkOptionalString = (options: ClientOptions, field: keyof ClientOptions): void => {
  const value: unknown = options[field]
  if (value === undefined || isNonEmptyString(value)) return

  const got = secretFields.has(field) ? describeType(value) : JSON.stringify(value)
  throw new InvalidInput({ field, reason: `expected a non-empty string or no value, got ${got}` })
}

const isValidVerifier = (verifier: string): boolean =>
  Either.isRight(Effect.runSync(Effect.either(Pkce.validateVerifier(Redacted.make(verifier)))))

const checkUrl = (value: string, field: string, protocols: ReadonlyArray<string> | undefined): void => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidInput({ field, reason: `${JSON.stringify(value)} is not an absolute URL` })
  }
  if (protocols !== undefined && !protocols.includes(url.protocol)) {
    throw new InvalidInput({ field, reason: `${JSON.stringify(value)} must use ${protocols.join(" or ")}` })
  }
}

/**
 * Checks `options` and throws `InvalidInput` for the first problem, the way
 * the classic client throws from its constructor.
 */
export const validate = (options: ClientOptions): ValidatedOptions => {
  if (typeof options !== "object" || options === null) {
    throw new InvalidInput({ field: "options", reason: "pass an object such as { clientId, scopes }" })
  }
  if (!isNonEmptyString(options.clientId)) {
    throw new InvalidInput({ field: "clientId", reason: "the OAuth2 client id is missing; pass the id Kontist issued for your app" })
  }
  for (const field of ["clientSecret", "redirectUri", "state", "verifier", "baseUrl"] as const) {
    checkOptionalString(options, field)
  }
  const scopes: unknown = options.scopes
  if (
    !Array.isArray(scopes) ||
    scopes.length === 0 ||
    !scopes.every((scope: unknown) => isNonEmptyString(scope))
  ) {
    throw new InvalidInput({
      field: "scopes",
      reason: `expected a non-empty array of scope names such as ["transactions", "offline"], got ${JSON.stringify(scopes)}`
    })
  }

  if (options.verifier !== undefined && options.clientSecret !== undefined) {
    throw new InvalidInput({
      field: "verifier",
      reason: "pass either verifier (PKCE, for public clients such as browser apps) or clientSecret (confidential server-side clients), not both"
    })
  }
  if (options.verifier !== undefined && (options.state === undefined || options.redirectUri === undefined)) {
    const missing = [options.state === undefined ? "state" : [], options.redirectUri === undefined ? "redirectUri" : []].flat()
    throw new InvalidInput({
      field: missing.join(" and "),
      reason: "a verifier needs state and redirectUri as well, because the callback page builds a new Client with the same three values"
    })
  }
  if (options.verifier !== undefined && !isValidVerifier(options.verifier)) {
    throw new InvalidInput({
      field: "verifier",
      reason: `the verifier has ${options.verifier.length} characters; a PKCE verifier has 43 to 128, each one of ${Pkce.verifierAlphabet}`
    })
  }

  if (options.baseUrl !== undefined) checkUrl(options.baseUrl, "baseUrl", ["http:", "https:"])
  if (options.redirectUri !== undefined) checkUrl(options.redirectUri, "redirectUri", undefined)

  return {
    config: KontistConfig.make({
      baseUrl: options.baseUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      redirectUri: options.redirectUri,
      scopes: options.scopes
    }),
    state: options.state,
    verifier: options.verifier === undefined ? undefined : Redacted.make(options.verifier)
  }
}
