import { describe, expect, it } from "@effect/vitest"
import { ChallengeDenied, GraphQLError } from "../src/KontistError.js"

describe("ChallengeDenied message", () => {
  it("names the way to try again", () => {
    const message = new ChallengeDenied({ challengeId: "challenge-1" }).message

    expect(message).toContain("challenge-1")
    expect(message).toContain("Mfa.confirmedToken")
    expect(message).toContain("log in again")
    expect(message).not.toContain("start a new login")
  })
})

describe("GraphQLError message", () => {
  const error = (path: ReadonlyArray<string | number>) =>
    new GraphQLError({ description: "MFA required", path, operation: "confirmTransfer" })

  it("omits a path that is the operation", () => {
    expect(error(["confirmTransfer"]).message).toBe("GraphQL confirmTransfer failed: MFA required")
  })

  it("names a path below the operation", () => {
    expect(error(["confirmTransfer", "amount", 0]).message).toBe(
      "GraphQL confirmTransfer failed at confirmTransfer.amount.0: MFA required"
    )
  })

  it("names a path of another field", () => {
    expect(error(["viewer"]).message).toBe("GraphQL confirmTransfer failed at viewer: MFA required")
  })

  it("omits an empty path", () => {
    expect(error([]).message).toBe("GraphQL confirmTransfer failed: MFA required")
  })
})
