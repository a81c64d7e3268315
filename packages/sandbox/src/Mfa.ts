/**
 * MFA push challenges (`/api/user/mfa/challenges`) and the simulated phone
 * that approves or denies them. A verified challenge can be exchanged once for a
 * confirmed access token, plus a confirmed refresh token when the token that
 * created the challenge came with one.
 */
import { randomUUID } from "node:crypto"
import type { Reply, Request } from "./internal/http.js"
import { empty, isRecord, json, jsonBody } from "./internal/http.js"
import type { Settings } from "./internal/settings.js"
import type { AccessTokenRecord, TokenRegistry } from "./Tokens.js"

export type ChallengeStatus = "PENDING" | "VERIFIED" | "DENIED"

/** A challenge as the API returns it. */
export interface ChallengeView {
  readonly id: string
  readonly status: ChallengeStatus
  /** ISO 8601 timestamp. */
  readonly expiresAt: string
}

interface Challenge {
  readonly id: string
  status: ChallengeStatus
  /** Epoch milliseconds. */
  readonly expiresAt: number
  /** The access token record that created the challenge; the exchange copies its grant. */
  readonly creator: AccessTokenRecord
  exchanged: boolean
  timer: ReturnType<typeof setTimeout> | undefined
}

/** Raised by `MfaServer.answer` when a challenge does not exist or can no longer be approved or denied. */
export class ChallengeAnswerError extends Error {
  readonly reason: "NotFound" | "NotPending"
  constructor(reason: "NotFound" | "NotPending", message: string) {
    super(message)
    this.name = "ChallengeAnswerError"
    this.reason = reason
  }
}

const view = (challenge: Challenge): ChallengeView => ({
  id: challenge.id,
  status: challenge.status,
  expiresAt: new Date(challenge.expiresAt).toISOString()
})

const challengeError = (status: number, error: string, description: string): Reply =>
  json(status, { error, error_description: description })

export class MfaServer {
  readonly #tokens: TokenRegistry
  readonly #settings: Settings
  readonly #challenges = new Map<string, Challenge>()

  constructor(options: { readonly tokens: TokenRegistry; readonly settings: Settings }) {
    this.#tokens = options.tokens
    this.#settings = options.settings
  }

  /** `POST /api/user/mfa/challenges`: starts a challenge, which the simulated phone approves, denies or ignores as configured. */
  create(creator: AccessTokenRecord): Reply {
    const { answer, delayMs, challengeTtlSeconds } = this.#settings.mfa
    const challenge: Challenge = {
      id: randomUUID(),
      status: "PENDING",
      expiresAt: Date.now() + challengeTtlSeconds * 1000,
      creator,
      exchanged: false,
      timer: undefined
    }
    if (answer !== "ignore") {
      challenge.timer = setTimeout(() => {
        challenge.timer = undefined
        if (challenge.status === "PENDING" && Date.now() < challenge.expiresAt) {
          challenge.status = answer === "approve" ? "VERIFIED" : "DENIED"
        }
      }, delayMs)
      challenge.timer.unref()
    }
    this.#challenges.set(challenge.id, challenge)
    return json(201, view(challenge))
  }

  /** `GET /api/user/mfa/challenges`: the user's pending, unexpired challenges. */
  listPending(caller: AccessTokenRecord): Reply {
    const now = Date.now()
    const pending = [...this.#challenges.values()].filter(
      (challenge) => challenge.creator.userId === caller.userId && challenge.status === "PENDING" && now < challenge.expiresAt
    )
    return json(200, pending.map(view))
  }

  /** `GET /api/user/mfa/challenges/:id`. The status stays PENDING after expiry; clients compare `expiresAt`. */
  get(id: string, caller: AccessTokenRecord): Reply {
    const challenge = this.#find(id, caller)
    return challenge === undefined ? this.#notFound(id) : json(200, view(challenge))
  }

  /**
   * `PATCH /api/user/mfa/challenges/:id` with `{status}`: approves or denies a
   * challenge from a second device.
   */
  patch(id: string, caller: AccessTokenRecord, request: Request): Reply {
    // NOTE: the Kontist API requires a confirmed device-binding token here. The
    // sandbox has no device binding and accepts any confirmed token instead.
    if (!caller.confirmed) {
      return challengeError(403, "forbidden", "Approving or denying a challenge needs a confirmed token")
    }
    const body = jsonBody(request)
    const status = body.ok && isRecord(body.value) ? body.value["status"] : undefined
    if (status !== "VERIFIED" && status !== "DENIED") {
      return challengeError(400, "invalid_request", "The body must be {\"status\": \"VERIFIED\"} or {\"status\": \"DENIED\"}")
    }
    const challenge = this.#find(id, caller)
    if (challenge === undefined) {
      return this.#notFound(id)
    }
    try {
      this.answer(id, status)
    } catch (error) {
      if (error instanceof ChallengeAnswerError) {
        return challengeError(400, "invalid_request", error.message)
      }
      throw error
    }
    return empty(204)
  }

  /** `POST /api/user/mfa/challenges/:id/token`: the confirmed token, once, after VERIFIED. */
  exchange(id: string, caller: AccessTokenRecord): Reply {
    const challenge = this.#find(id, caller)
    if (challenge === undefined) {
      return this.#notFound(id)
    }
    if (challenge.exchanged) {
      return challengeError(400, "challenge_already_used", `Challenge ${id} was already exchanged for a token; start a new challenge`)
    }
    if (challenge.status === "DENIED") {
      return challengeError(400, "challenge_denied", `Challenge ${id} was denied on the phone`)
    }
    if (challenge.status === "PENDING") {
      return Date.now() >= challenge.expiresAt
        ? challengeError(400, "challenge_expired", `Challenge ${id} expired before it was approved; start a new challenge`)
        : challengeError(400, "challenge_pending", `Challenge ${id} is not verified yet; poll it until its status is VERIFIED`)
    }
    challenge.exchanged = true
    const { creator } = challenge
    const issued = this.#tokens.issue(
      {
        userId: creator.userId,
        scopes: creator.scopes,
        confirmed: true,
        clientId: creator.clientId,
        publicClient: creator.publicClient
      },
      creator.refreshToken === undefined ? "none" : "new"
    )
    return json(201, {
      token: issued.access_token,
      ...(issued.refresh_token === undefined ? {} : { refresh_token: issued.refresh_token })
    })
  }

  /** Approves or denies a pending challenge as the phone would. Throws `ChallengeAnswerError` when it is not pending. */
  answer(id: string, status: "VERIFIED" | "DENIED"): void {
    const challenge = this.#challenges.get(id)
    if (challenge === undefined) {
      throw new ChallengeAnswerError("NotFound", `MFA challenge ${id} not found`)
    }
    if (challenge.status !== "PENDING") {
      throw new ChallengeAnswerError("NotPending", `MFA challenge ${id} is already ${challenge.status}`)
    }
    if (Date.now() >= challenge.expiresAt) {
      throw new ChallengeAnswerError("NotPending", `MFA challenge ${id} has expired`)
    }
    challenge.status = status
    if (challenge.timer !== undefined) {
      clearTimeout(challenge.timer)
      challenge.timer = undefined
    }
  }

  /** Returns every challenge, oldest first, for the admin endpoint. */
  all(): ReadonlyArray<ChallengeView> {
    return [...this.#challenges.values()].map(view)
  }

  /** Cancels the simulated phone's scheduled approvals and denials. */
  close(): void {
    for (const challenge of this.#challenges.values()) {
      if (challenge.timer !== undefined) {
        clearTimeout(challenge.timer)
        challenge.timer = undefined
      }
    }
  }

  #find(id: string, caller: AccessTokenRecord): Challenge | undefined {
    const challenge = this.#challenges.get(id)
    return challenge !== undefined && challenge.creator.userId === caller.userId ? challenge : undefined
  }

  #notFound(id: string): Reply {
    return challengeError(404, "not_found", `MFA challenge ${id} not found`)
  }
}
