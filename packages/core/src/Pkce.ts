/**
 * PKCE (RFC 7636) and OAuth2 state values, generated with WebCrypto.
 *
 * @since 0.1.0
 */
import { Effect, Encoding, Redacted } from "effect"
import { InvalidInput } from "./KontistError.js"

/**
 * The characters RFC 7636 allows in a code verifier ("unreserved" in RFC 3986).
 *
 * @since 0.1.0
 * @category constants
 */
export const verifierAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

/**
 * The verifier length `generateVerifier` uses when no length is given.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultVerifierLength = 64

// Random bytes at or above this bound are discarded, so that every character
// of the alphabet is equally likely (198 = 3 * 66).
const unbiasedByteBound = Math.floor(256 / verifierAlphabet.length) * verifierAlphabet.length

const randomCharacters = (length: number): string => {
  const characters: Array<string> = []
  while (characters.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2))
    for (const byte of bytes) {
      if (byte >= unbiasedByteBound) continue
      characters.push(verifierAlphabet[byte % verifierAlphabet.length]!)
      if (characters.length === length) break
    }
  }
  return characters.join("")
}

/**
 * Generates a code verifier of `length` characters (43 to 128, default 64)
 * from `crypto.getRandomValues`, using only unreserved characters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateVerifier = (
  length: number = defaultVerifierLength
): Effect.Effect<Redacted.Redacted<string>, InvalidInput> =>
  Number.isInteger(length) && length >= 43 && length <= 128
    ? Effect.sync(() => Redacted.make(randomCharacters(length)))
    : Effect.fail(
      new InvalidInput({ field: "length", reason: `a PKCE verifier has 43 to 128 characters, got ${length}` })
    )

/**
 * Checks a verifier kept by the caller: 43 to 128 characters of the
 * unreserved alphabet, as RFC 7636 section 4.1 requires. The message never
 * contains the verifier.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateVerifier = (
  verifier: Redacted.Redacted<string>
): Effect.Effect<Redacted.Redacted<string>, InvalidInput> =>
  /^[A-Za-z0-9\-._~]{43,128}$/.test(Redacted.value(verifier))
    ? Effect.succeed(verifier)
    : Effect.fail(
      new InvalidInput({
        field: "verifier",
        reason: "a PKCE verifier has 43 to 128 characters of A-Z a-z 0-9 - . _ ~; generate one with Pkce.generateVerifier"
      })
    )

/**
 * Derives the S256 code challenge: the unpadded base64url SHA-256 digest of
 * the verifier, computed with `crypto.subtle.digest`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const deriveChallenge = (verifier: Redacted.Redacted<string> | string): Effect.Effect<string> =>
  Effect.promise(() =>
    crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(typeof verifier === "string" ? verifier : Redacted.value(verifier))
    )
  ).pipe(Effect.map((digest) => Encoding.encodeBase64Url(new Uint8Array(digest))))

/**
 * Generates an OAuth2 `state` value: 32 random bytes, base64url encoded
 * (43 characters).
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateState: Effect.Effect<string> = Effect.sync(() =>
  Encoding.encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)))
)
