import { describe, expect, it } from "vitest"
import { Client, type ClientOptions, InvalidInput } from "../src/node.js"

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

const base: ClientOptions = { clientId: "kontist-sandbox", scopes: ["transactions"] }

/** Runs the constructor and returns what it threw, failing when it threw nothing. */
const constructionError = (options: ClientOptions): InvalidInput => {
  try {
    new Client(options)
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput)
    return error as InvalidInput
  }
  throw new Error(`expected new Client(${JSON.stringify(options)}) to throw`)
}

describe("new Client", () => {
  it("rejects verifier with clientSecret", () => {
    const error = constructionError({ ...base, clientSecret: "secret", verifier, state: "s", redirectUri: "http://127.0.0.1:9/cb" })
    expect(error.field).toBe("verifier")
    expect(error.message).toBe(
      "Invalid verifier: pass either verifier (PKCE, for public clients such as browser apps) or clientSecret (confidential server-side clients), not both"
    )
    expect(error.name).toBe("InvalidInput")
  })

  it("rejects verifier without state", () => {
    const error = constructionError({ ...base, verifier, redirectUri: "http://127.0.0.1:9/cb" })
    expect(error.field).toBe("state")
    expect(error.message).toContain("a verifier needs state and redirectUri as well")
  })

  it("rejects verifier without redirectUri", () => {
    const error = constructionError({ ...base, verifier, state: "s" })
    expect(error.field).toBe("redirectUri")
  })

  it("names both missing fields", () => {
    const error = constructionError({ ...base, verifier })
    expect(error.field).toBe("state and redirectUri")
  })

  it("rejects a malformed verifier without echoing it", () => {
    const error = constructionError({ ...base, verifier: "too short!", state: "s", redirectUri: "http://127.0.0.1:9/cb" })
    expect(error.field).toBe("verifier")
    expect(error.message).toContain("has 10 characters")
    expect(error.message).not.toContain("too short!")
  })

  it("rejects a verifier with a character outside the alphabet", () => {
    const invalid = `${verifier.slice(0, 42)}!`
    const error = constructionError({ ...base, verifier: invalid, state: "s", redirectUri: "http://127.0.0.1:9/cb" })
    expect(error.field).toBe("verifier")
    expect(error.message).toContain("has 43 characters")
    expect(error.message).not.toContain(invalid)
  })

  it("does not quote a clientSecret of the wrong type", () => {
    const secret = { value: "s3cret-in-an-object" } as unknown as string
    const error = constructionError({ ...base, clientSecret: secret })
    expect(error.field).toBe("clientSecret")
    expect(error.message).toContain("got an object")
    expect(error.message).not.toContain("s3cret-in-an-object")
  })

  it("does not quote a numeric clientSecret", () => {
    const error = constructionError({ ...base, clientSecret: 987654321 as unknown as string })
    expect(error.field).toBe("clientSecret")
    expect(error.message).toContain("got a number")
    expect(error.message).not.toContain("987654321")
  })

  it("does not quote a verifier of the wrong type", () => {
    const wrapped = [verifier] as unknown as string
    const error = constructionError({ ...base, verifier: wrapped, state: "s", redirectUri: "http://127.0.0.1:9/cb" })
    expect(error.field).toBe("verifier")
    expect(error.message).toContain("got an array")
    expect(error.message).not.toContain(verifier)
  })

  it("quotes a state of the wrong type", () => {
    const error = constructionError({ ...base, state: 42 as unknown as string })
    expect(error.field).toBe("state")
    expect(error.message).toBe("Invalid state: expected a non-empty string or no value, got 42")
  })

  it("rejects a missing clientId", () => {
    expect(constructionError({ ...base, clientId: "" }).field).toBe("clientId")
  })

  it("rejects empty or missing scopes", () => {
    expect(constructionError({ ...base, scopes: [] }).field).toBe("scopes")
    expect(constructionError({ clientId: "x" } as ClientOptions).field).toBe("scopes")
  })

  it("rejects a baseUrl that is not http(s)", () => {
    expect(constructionError({ ...base, baseUrl: "api.kontist.com" }).field).toBe("baseUrl")
    expect(constructionError({ ...base, baseUrl: "ftp://api.kontist.com" }).field).toBe("baseUrl")
  })

  it("rejects a relative redirectUri", () => {
    expect(constructionError({ ...base, redirectUri: "/callback" }).field).toBe("redirectUri")
  })

  it("accepts PKCE and secret options", async () => {
    const pkce = new Client({ ...base, verifier, state: "s", redirectUri: "http://127.0.0.1:9/cb" })
    const confidential = new Client({ ...base, clientSecret: "secret", baseUrl: "http://127.0.0.1:9/" })
    await pkce.dispose()
    await confidential.dispose()
  })
})
