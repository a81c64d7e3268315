import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { demo } from "@kontist/sandbox"
import { Runtime } from "effect"
import { describe, expect, it } from "vitest"
import {
  Client,
  ClientDisposed,
  GraphQLError,
  OAuthError,
  ResponseError,
  Unauthorized
} from "../src/node.js"
import { allScopes, useSandbox, waitFor } from "./support.js"

/** Awaits `promise`, expecting it to reject, and returns the rejection. */
const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected the promise to reject")
}

describe("rejections", () => {
  const { loggedInClient, newClient, sandbox } = useSandbox({ transactions: 20, mfa: { answer: "ignore" } })

  it("wrong password rejects with OAuthError itself", async () => {
    const error = await rejection(
      newClient().auth.fetchTokenFromCredentials({ username: demo.username, password: "wrong password" })
    )

    expect(error).toBeInstanceOf(OAuthError)
    expect(Runtime.isFiberFailure(error)).toBe(false)
    expect((error as OAuthError).constructor).toBe(OAuthError)
    expect((error as OAuthError).name).toBe("OAuthError")
    expect((error as OAuthError).error).toBe("invalid_grant")
    expect((error as OAuthError).message).toMatch(/^OAuth2 invalid_grant: /)
    expect((error as OAuthError).message).not.toContain("wrong password")
  })

  it("a call without a token rejects with Unauthorized", async () => {
    const error = await rejection(newClient().graphQL.rawQuery("query Viewer { viewer { email } }"))
    expect(error).toBeInstanceOf(Unauthorized)
    expect((error as Unauthorized).reason).toBe("NoToken")
  })

  it("an invalid document rejects with a typed error", async () => {
    const client = await loggedInClient()
    const error = await rejection(client.graphQL.rawQuery("query Broken { viewer { noSuchField } }"))
    expect(error).toBeInstanceOf(GraphQLError)
    expect((error as GraphQLError).message).toContain("noSuchField")
  })

  it("an HTML error page rejects with ResponseError", async () => {
    const client = await loggedInClient()
    sandbox().setFaults({ malformedNext: { count: 1, kind: "html", status: 500, path: "/api/graphql" } })
    const error = await rejection(client.graphQL.rawQuery("mutation Noop { __typename }"))
    sandbox().setFaults({})
    expect(error).toBeInstanceOf(ResponseError)
  })
})

describe("client.dispose", () => {
  const { loggedInClient, newClient, sandbox } = useSandbox({ transactions: 20, mfa: { answer: "ignore" } })

  it("rejects a pending call with ClientDisposed", async () => {
    const client = await loggedInClient()
    sandbox().clearRequests()
    const pending = client.auth.getMFAConfirmedToken()
    await waitFor("the push challenge", () => sandbox().requests().some((request) => request.path === "/api/user/mfa/challenges"))

    await client.dispose()
    const error = await rejection(pending)
    expect(error).toBeInstanceOf(ClientDisposed)
    expect((error as ClientDisposed).operation).toBe("auth.getMFAConfirmedToken")
    expect((error as ClientDisposed).message).toBe(
      "auth.getMFAConfirmedToken did not complete because client.dispose() was called; create a new Client to continue"
    )
  })

  it("rejects later calls and can run twice", async () => {
    const client = newClient()
    await client.dispose()
    await client.dispose()

    const error = await rejection(client.models.transaction.fetch())
    expect(error).toBeInstanceOf(ClientDisposed)
    expect((error as ClientDisposed).operation).toBe("models.transaction.fetch")
    expect(() => client.models.transaction.subscribe(() => undefined, () => undefined)).toThrow(ClientDisposed)
  })

  it("ends a subscription without calling onError", async () => {
    const client = await loggedInClient()
    const errors: Array<unknown> = []
    sandbox().clearRequests()
    client.models.transaction.subscribe(() => undefined, (error) => errors.push(error))
    await waitFor("the subscription to start", () =>
      sandbox().requests().some((request) => request.operationType === "subscription"))

    await client.dispose()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(errors).toEqual([])
  })
})

describe("tokenStorage", () => {
  const { sandbox } = useSandbox({ transactions: 20 })

  it("a token file carries the login to the next client", async () => {
    const directory = await mkdtemp(join(tmpdir(), "kontist-client-"))
    const options = {
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
      scopes: allScopes,
      baseUrl: sandbox().url,
      tokenStorage: { directory }
    }
    try {
      const first = new Client(options)
      await first.auth.fetchTokenFromCredentials({ username: demo.username, password: demo.password })
      await first.dispose()

      const second = new Client(options)
      const data = await second.graphQL.rawQuery("query Viewer { viewer { email } }")
      await second.dispose()
      expect(data.viewer.email).toBe(demo.username)
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })
})
