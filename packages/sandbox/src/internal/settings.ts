/**
 * The sandbox settings that can change while it runs (`RunningSandbox.configure`
 * and `PUT /sandbox/config`). Modules read them at the moment they need them.
 */

/** The simulated phone's response to MFA push challenges. */
export type MfaAnswer = "approve" | "deny" | "ignore"

export interface MfaSettings {
  answer: MfaAnswer
  /** Delay in milliseconds before the simulated phone responds. */
  delayMs: number
  /** Seconds from creation until a challenge expires. */
  challengeTtlSeconds: number
}

export interface Settings {
  accessTokenTtlSeconds: number
  mfa: MfaSettings
  /** Origins, such as `http://127.0.0.1:5173`, that get CORS headers. */
  corsOrigins: ReadonlyArray<string>
}

/** The settings a caller may change, each optional; `mfa` fields are merged one by one. */
export interface SettingsPatch {
  readonly accessTokenTtlSeconds?: number | undefined
  readonly mfa?: {
    readonly answer?: MfaAnswer | undefined
    readonly delayMs?: number | undefined
    readonly challengeTtlSeconds?: number | undefined
  } | undefined
  readonly corsOrigins?: ReadonlyArray<string> | undefined
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isNonNegativeInteger = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0

/**
 * Validates `patch` (received as JSON or from a caller) and applies it to
 * `settings`. Throws `TypeError` naming the invalid field, and then changes
 * nothing.
 */
export const updateSettings = (settings: Settings, patch: unknown): void => {
  if (!isRecord(patch)) {
    throw new TypeError("The configuration must be an object")
  }
  const known = ["accessTokenTtlSeconds", "mfa", "corsOrigins"]
  const unknownKey = Object.keys(patch).find((key) => !known.includes(key))
  if (unknownKey !== undefined) {
    throw new TypeError(`Unknown setting "${unknownKey}"; use ${known.join(", ")}`)
  }
  const { accessTokenTtlSeconds, mfa, corsOrigins } = patch
  if (accessTokenTtlSeconds !== undefined && !isNonNegativeInteger(accessTokenTtlSeconds)) {
    throw new TypeError("accessTokenTtlSeconds must be a non-negative integer")
  }
  if (corsOrigins !== undefined && !(Array.isArray(corsOrigins) && corsOrigins.every((origin) => typeof origin === "string"))) {
    throw new TypeError("corsOrigins must be an array of origins such as \"http://127.0.0.1:5173\"")
  }
  if (mfa !== undefined) {
    if (!isRecord(mfa)) {
      throw new TypeError("mfa must be an object such as {\"answer\": \"approve\", \"delayMs\": 1500}")
    }
    const unknownMfaKey = Object.keys(mfa).find((key) => !["answer", "delayMs", "challengeTtlSeconds"].includes(key))
    if (unknownMfaKey !== undefined) {
      throw new TypeError(`Unknown MFA setting "${unknownMfaKey}". Valid settings are answer, delayMs and challengeTtlSeconds.`)
    }
    if (mfa["answer"] !== undefined && mfa["answer"] !== "approve" && mfa["answer"] !== "deny" && mfa["answer"] !== "ignore") {
      throw new TypeError("mfa.answer must be \"approve\", \"deny\" or \"ignore\"")
    }
    if (mfa["delayMs"] !== undefined && !isNonNegativeInteger(mfa["delayMs"])) {
      throw new TypeError("mfa.delayMs must be a non-negative integer of milliseconds")
    }
    const ttl = mfa["challengeTtlSeconds"]
    if (ttl !== undefined && !(typeof ttl === "number" && Number.isFinite(ttl) && ttl > 0)) {
      throw new TypeError("mfa.challengeTtlSeconds must be a positive number of seconds")
    }
  }

  const valid = patch as SettingsPatch
  if (valid.accessTokenTtlSeconds !== undefined) {
    settings.accessTokenTtlSeconds = valid.accessTokenTtlSeconds
  }
  if (valid.corsOrigins !== undefined) {
    settings.corsOrigins = [...valid.corsOrigins]
  }
  if (valid.mfa !== undefined) {
    settings.mfa = {
      answer: valid.mfa.answer ?? settings.mfa.answer,
      delayMs: valid.mfa.delayMs ?? settings.mfa.delayMs,
      challengeTtlSeconds: valid.mfa.challengeTtlSeconds ?? settings.mfa.challengeTtlSeconds
    }
  }
}
