/**
 * Multi-factor confirmation with a push challenge: the user approves the
 * login on their phone, and the SDK exchanges the challenge for a confirmed
 * token.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Clock, Context, DateTime, Deferred, Duration, Effect, HashSet, Layer, Option, Ref, Schema } from "effect"
import { Auth } from "./Auth.js"
import * as Http from "./internal/http.js"
import type { KontistConfig } from "./KontistConfig.js"
import {
  ChallengeDenied,
  ChallengeExpired,
  type KontistError,
  MFAConfirmationCanceled,
  Unauthorized
} from "./KontistError.js"
import { Token } from "./Token.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface ConfirmOptions {
  /** Time between two status requests. Defaults to the layer's interval (3 seconds). */
  readonly pollInterval?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Starts a push challenge and polls it until the user approves or denies
   * it on the phone. When the challenge is verified, it exchanges it for a
   * confirmed access token and refresh token, stores them through `Auth` and
   * returns the new token.
   *
   * Fails with `ChallengeDenied` when the user denies it, `ChallengeExpired`
   * when it expires unanswered, and `MFAConfirmationCanceled` after `cancel`.
   *
   * The exchange of a verified challenge is uninterruptible until the token
   * is stored, because the challenge can be redeemed only once: neither
   * `cancel` nor an interruption of the waiting fiber loses the confirmed
   * token.
   */
  readonly confirmedToken: (options?: ConfirmOptions) => Effect.Effect<Token, KontistError>

  /**
   * Makes every running `confirmedToken` that has not yet seen its challenge
   * verified fail with `MFAConfirmationCanceled`, interrupting a status
   * request in flight. A confirmation that has seen it verified exchanges and
   * stores the token and succeeds. Does nothing when no confirmation is
   * running.
   */
  readonly cancel: Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Mfa extends Context.Tag("@kontist/core/Mfa")<Mfa, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Time between two status requests. Defaults to 3 seconds. */
  readonly pollInterval?: Duration.DurationInput | undefined
}

/**
 * The poll interval used unless the layer or the call sets another one.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPollInterval: Duration.Duration = Duration.seconds(3)

const Challenge = Schema.Struct({
  id: Schema.String,
  status: Schema.Literal("PENDING", "VERIFIED", "DENIED"),
  expiresAt: Schema.DateTimeUtc
})

const ConfirmedToken = Schema.Struct({
  token: Schema.Redacted(Schema.String),
  refresh_token: Schema.optionalWith(Schema.Redacted(Schema.String), { nullable: true })
})

const challengesPath = "/api/user/mfa/challenges"

/**
 * Creates the service.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Service, never, HttpClient.HttpClient | KontistConfig | Auth> =>
  Effect.gen(function*() {
    const auth = yield* Auth
    const http = yield* Http.make()
    const layerInterval = Duration.decode(options?.pollInterval ?? defaultPollInterval)
    const waiting = yield* Ref.make(HashSet.empty<Deferred.Deferred<never, MFAConfirmationCanceled>>())

    // Only GETs are retried on transient failures. The POSTs create or redeem
    // a challenge, so each is sent once.
    const sendAuthorized = (request: HttpClientRequest.HttpClientRequest) =>
      Http.sendAuthorized(auth, (accessToken) =>
        http.send(HttpClientRequest.bearerToken(request, accessToken), {
          retryTransient: request.method === "GET"
        }))

    const readBody = <A, I>(
      schema: Schema.Schema<A, I, never>,
      response: HttpClientResponse.HttpClientResponse,
      secretBody = false
    ) =>
      Effect.gen(function*() {
        const json = yield* Http.readJson(response, { secretBody })
        if (!Http.isSuccess(response)) return yield* Http.unexpectedStatus(response, json)
        return yield* Http.decode(schema, json, response, { secretBody })
      })

    const createChallenge = sendAuthorized(HttpClientRequest.post(challengesPath)).pipe(
      Effect.flatMap((response) => readBody(Challenge, response))
    )

    const pollChallenge = (id: string) =>
      sendAuthorized(HttpClientRequest.get(`${challengesPath}/${encodeURIComponent(id)}`)).pipe(
        Effect.flatMap((response) => readBody(Challenge, response))
      )

    // The API keeps an unanswered challenge PENDING after it expires, so
    // expiry is decided here from `expiresAt`.
    const checkExpiry = (challenge: typeof Challenge.Type) =>
      Effect.gen(function*() {
        if (challenge.status !== "PENDING") return challenge
        const now = yield* Clock.currentTimeMillis
        if (now < DateTime.toEpochMillis(challenge.expiresAt)) return challenge
        return yield* new ChallengeExpired({
          challengeId: challenge.id,
          expiresAt: DateTime.formatIso(challenge.expiresAt)
        })
      })

    const exchange = (id: string) =>
      Effect.gen(function*() {
        const response = yield* sendAuthorized(
          HttpClientRequest.post(`${challengesPath}/${encodeURIComponent(id)}/token`)
        )
        const confirmed = yield* readBody(ConfirmedToken, response, true)

        const stored = yield* auth.token
        if (Option.isNone(stored)) {
          return yield* new Unauthorized({
            reason: "NoToken",
            description: "The stored token was removed by logout during MFA confirmation; log in again"
          })
        }

        // NOTE: the reply has no expiry, so the stored token's expiry and
        // issue time are reused. The confirmed token was issued later, so this
        // renews early unless the API gives confirmed tokens a shorter lifetime.
        // A reply without refresh_token drops the stored, unconfirmed one.
        return yield* auth.setToken(
          new Token({
            accessToken: confirmed.token,
            refreshToken: Option.fromNullable(confirmed.refresh_token),
            expiresAt: stored.value.expiresAt,
            issuedAt: stored.value.issuedAt,
            scope: stored.value.scope,
            confirmed: true
          })
        )
      })

    // Creates a challenge and polls it until the user approves or denies it, or it expires.
    const awaitAnswer = (interval: Duration.Duration) =>
      Effect.gen(function*() {
        const created = yield* createChallenge
        yield* Effect.annotateCurrentSpan("kontist.mfa.challenge_id", created.id)

        return yield* pollChallenge(created.id).pipe(
          Effect.flatMap(checkExpiry),
          Effect.delay(interval),
          Effect.repeat({ until: (challenge) => challenge.status !== "PENDING" })
        )
      })

    const confirmedToken = (confirmOptions?: ConfirmOptions): Effect.Effect<Token, KontistError> => {
      const interval = confirmOptions?.pollInterval === undefined
        ? layerInterval
        : Duration.decode(confirmOptions.pollInterval)

      // `cancel` fails the Deferred, and raceFirst then interrupts the
      // polling, including a request in flight. The exchange runs after the
      // race, so a cancel that comes once the challenge is verified has no
      // effect on it.
      const answered = Effect.acquireUseRelease(
        Deferred.make<never, MFAConfirmationCanceled>().pipe(
          Effect.tap((canceled) => Ref.update(waiting, HashSet.add(canceled)))
        ),
        (canceled) => Effect.raceFirst(awaitAnswer(interval), Deferred.await(canceled)),
        (canceled) => Ref.update(waiting, HashSet.remove(canceled))
      )

      return answered.pipe(
        Effect.flatMap((challenge) =>
          challenge.status === "DENIED"
            ? Effect.fail(new ChallengeDenied({ challengeId: challenge.id }))
            : Effect.uninterruptible(exchange(challenge.id))
        ),
        Effect.withSpan("Kontist.Mfa.confirmedToken")
      )
    }

    const cancel = Ref.get(waiting).pipe(
      Effect.flatMap((set) =>
        Effect.forEach(set, (deferred) => Deferred.fail(deferred, new MFAConfirmationCanceled()), { discard: true })
      ),
      Effect.withSpan("Kontist.Mfa.cancel")
    )

    return Mfa.of({ confirmedToken, cancel })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<Mfa, never, HttpClient.HttpClient | KontistConfig | Auth> =>
  Layer.effect(Mfa, make(options))
