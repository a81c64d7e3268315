/**
 * Auth, GraphQL and Mfa against a sandbox on 127.0.0.1, over fetch.
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { expect, layer } from "@effect/vitest"
import { demo, Sandbox } from "@kontist/sandbox"
import { Effect, Either, Layer, Option, Redacted, Ref, Schema } from "effect"
import * as Auth from "../src/Auth.js"
import * as GraphQL from "../src/GraphQL.js"
import * as KontistConfig from "../src/KontistConfig.js"
import * as Mfa from "../src/Mfa.js"
import { Token } from "../src/Token.js"
import * as TokenStore from "../src/TokenStore.js"
import { assertTag } from "./utils/RecordingClient.js"

const loopbackRedirect = "http://127.0.0.1:5173/callback"

const viewerQuery = "query Viewer { viewer { email } }"
const Viewer = Schema.Struct({ viewer: Schema.Struct({ email: Schema.String }) })

const transfersQuery =
  "query { viewer { mainAccount { transfers(type: SEPA_TRANSFER, first: 1) { edges { node { id } } } } } }"

/** Form bodies of the token requests the SDK sent, oldest first. */
class TokenRequests extends Effect.Service<TokenRequests>()("test/TokenRequests", {
  effect: Ref.make<ReadonlyArray<URLSearchParams>>([])
}) {}

/** `FetchHttpClient` that also copies the form of each token request into `TokenRequests`. */
const spyingClient = Layer.effect(
  HttpClient.HttpClient,
  Effect.gen(function*() {
    const sent = yield* TokenRequests
    const client = yield* HttpClient.HttpClient
    return HttpClient.tapRequest(client, (request) => {
      const body = request.body
      if (!request.url.endsWith("/api/oauth/token") || body._tag !== "Uint8Array") return Effect.void
      const form = new URLSearchParams(new TextDecoder().decode(body.body))
      return Ref.update(sent, (all) => [...all, form])
    })
  })
).pipe(Layer.provide(FetchHttpClient.layer))

/**
 * Auth, GraphQL and Mfa for the sandbox in the context, with an in-memory
 * token store.
 */
const services = (options: { readonly clientSecret: boolean; readonly redirectUri?: string }) =>
  Layer.unwrapEffect(Effect.map(Sandbox, (sandbox) => {
    const config = KontistConfig.layer({
      baseUrl: sandbox.url,
      clientId: demo.clientId,
      clientSecret: options.clientSecret ? demo.clientSecret : undefined,
      redirectUri: options.redirectUri ?? loopbackRedirect
    })
    const platform = Layer.mergeAll(spyingClient, config, TokenStore.layerMemory).pipe(
      Layer.provideMerge(TokenRequests.Default)
    )
    const auth = Auth.layer.pipe(Layer.provideMerge(platform))
    return Layer.mergeAll(GraphQL.layer(), Mfa.layer({ pollInterval: "50 millis" })).pipe(Layer.provideMerge(auth))
  }))

const unescapeHtml = (text: string) =>
  text.replace(/&quot;/g, "\"").replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(
    /&amp;/g,
    "&"
  )

/**
 * Logs in through the sandbox's HTML form as a browser would and returns the
 * URL the browser is redirected to.
 */
const loginThroughForm = (authorizeUrl: string) =>
  Effect.promise(async () => {
    const page = await fetch(authorizeUrl)
    const html = await page.text()
    const form = new URLSearchParams()
    for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
      form.append(unescapeHtml(match[1]!), unescapeHtml(match[2]!))
    }
    form.set("username", demo.username)
    form.set("password", demo.password)

    const response = await fetch(new URL("/api/oauth/authorize", authorizeUrl), {
      method: "POST",
      body: form,
      redirect: "manual"
    })
    await response.text()
    const location = response.headers.get("location")
    if (response.status !== 302 || location === null) {
      throw new Error(`login form answered ${response.status} without a redirect`)
    }
    return location
  })

const tokenRequestsSeen = (sandbox: Sandbox["Type"]) =>
  sandbox.requests().filter((request) => request.path === "/api/oauth/token")

const loginWithDemoPassword = Effect.flatMap(Auth.Auth, (auth) =>
  auth.loginWithPassword({ username: demo.username, password: Redacted.make(demo.password) }))

layer(Sandbox.layer({ port: 0, transactions: 20, mfa: { delayMs: 100 } }), { excludeTestServices: true })(
  "against the sandbox",
  (it) => {
    it.effect("authorization code with client secret", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        sandbox.clearRequests()
        const auth = yield* Auth.Auth

        const request = yield* auth.authorizationUrl()
        expect(Option.isNone(request.verifier)).toBe(true)
        const callback = yield* loginThroughForm(request.url)
        expect(callback.startsWith(loopbackRedirect)).toBe(true)

        const token = yield* auth.exchangeCode(callback)
        expect(Option.isSome(token.refreshToken)).toBe(true)
        expect(token.confirmed).toBe(false)
        expect(token.scope).toContain("transactions")

        const data = yield* (yield* GraphQL.GraphQL).execute(viewerQuery, undefined, Viewer)
        expect(data.viewer.email).toBe(demo.username)
        expect(tokenRequestsSeen(sandbox).map((entry) => entry.grantType)).toEqual(["authorization_code"])
        const [sent] = yield* Ref.get(yield* TokenRequests)
        expect(sent!.get("client_secret")).toBe(demo.clientSecret)
        expect(sent!.has("code_verifier")).toBe(false)
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("authorization code with PKCE", () =>
      Effect.gen(function*() {
        const auth = yield* Auth.Auth

        const request = yield* auth.authorizationUrl()
        expect(Option.isSome(request.verifier)).toBe(true)
        expect(new URL(request.url).searchParams.get("code_challenge_method")).toBe("S256")
        const token = yield* auth.exchangeCode(yield* loginThroughForm(request.url))

        // A public client with a loopback redirect URI gets no refresh token.
        expect(Option.isNone(token.refreshToken)).toBe(true)
        const data = yield* (yield* GraphQL.GraphQL).execute(viewerQuery, undefined, Viewer)
        expect(data.viewer.email).toBe(demo.username)
        const [sent] = yield* Ref.get(yield* TokenRequests)
        expect(sent!.has("client_secret")).toBe(false)
        expect(sent!.get("code_verifier")).toBe(Redacted.value(Option.getOrThrow(request.verifier)))
      }).pipe(Effect.provide(services({ clientSecret: false }))))

    it.effect("PKCE with a custom scheme gets a refresh token", () =>
      Effect.gen(function*() {
        const auth = yield* Auth.Auth
        const request = yield* auth.authorizationUrl()
        const token = yield* auth.exchangeCode(yield* loginThroughForm(request.url))
        expect(Option.isSome(token.refreshToken)).toBe(true)

        const refreshed = yield* auth.refresh
        expect(Redacted.value(refreshed.accessToken)).not.toBe(Redacted.value(token.accessToken))
      }).pipe(Effect.provide(services({ clientSecret: false, redirectUri: "kontist-sandbox://callback" }))))

    it.effect("state mismatch is rejected", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const auth = yield* Auth.Auth
        const request = yield* auth.authorizationUrl()
        const callback = new URL(yield* loginThroughForm(request.url))
        callback.searchParams.set("state", "forged-state")
        sandbox.clearRequests()

        const error = yield* Effect.flip(auth.exchangeCode(callback.toString()))
        assertTag(error, "OAuthError")
        expect(error.error).toBe("state_mismatch")
        expect(tokenRequestsSeen(sandbox)).toHaveLength(0)
        expect(Option.isNone(yield* auth.token)).toBe(true)
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("password grant", () =>
      Effect.gen(function*() {
        const token = yield* loginWithDemoPassword
        expect(Option.isSome(token.refreshToken)).toBe(true)
        expect(token.confirmed).toBe(false)

        const data = yield* (yield* GraphQL.GraphQL).execute(viewerQuery, undefined, Viewer)
        expect(data.viewer.email).toBe(demo.username)
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("wrong password is invalid_grant", () =>
      Effect.gen(function*() {
        const auth = yield* Auth.Auth
        const error = yield* Effect.flip(auth.loginWithPassword({ username: demo.username, password: "wrong" }))
        assertTag(error, "OAuthError")
        expect(error.error).toBe("invalid_grant")
        expect(error.message).not.toContain("wrong")
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("refresh keeps the stored refresh token", () =>
      Effect.gen(function*() {
        const auth = yield* Auth.Auth
        const login = yield* loginWithDemoPassword
        const refreshed = yield* auth.refresh

        expect(Redacted.value(refreshed.accessToken)).not.toBe(Redacted.value(login.accessToken))
        const stored = Option.getOrThrow(yield* auth.token)
        expect(Redacted.value(Option.getOrThrow(stored.refreshToken))).toBe(
          Redacted.value(Option.getOrThrow(login.refreshToken))
        )
        // The kept refresh token still works.
        yield* auth.refresh
        const sent = yield* Ref.get(yield* TokenRequests)
        expect(sent.map((form) => form.get("grant_type"))).toEqual(["password", "refresh_token", "refresh_token"])
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("50 concurrent calls with an expired token refresh once", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const auth = yield* Auth.Auth
        const graphql = yield* GraphQL.GraphQL
        const login = yield* loginWithDemoPassword
        yield* auth.setToken(new Token({ ...login, expiresAt: Date.now() - 1000 }))
        sandbox.clearRequests()

        const results = yield* Effect.all(
          Array.from({ length: 50 }, () => graphql.execute(viewerQuery, undefined, Viewer)),
          { concurrency: "unbounded" }
        )

        expect(results).toHaveLength(50)
        expect(tokenRequestsSeen(sandbox).map((entry) => entry.grantType)).toEqual(["refresh_token"])
        expect(sandbox.requests().filter((entry) => entry.path === "/api/graphql")).toHaveLength(50)
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("50 concurrent calls share a failed refresh", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const auth = yield* Auth.Auth
        const graphql = yield* GraphQL.GraphQL
        const login = yield* loginWithDemoPassword
        yield* auth.setToken(
          new Token({ ...login, refreshToken: Option.some(Redacted.make("revoked-refresh")), expiresAt: Date.now() - 1000 })
        )
        sandbox.clearRequests()

        const outcomes = yield* Effect.all(
          Array.from({ length: 50 }, () => Effect.either(graphql.execute(viewerQuery, undefined, Viewer))),
          { concurrency: "unbounded" }
        )

        const errors = outcomes.map((outcome) => Option.getOrThrow(Either.getLeft(outcome)))
        expect(errors).toHaveLength(50)
        const first = errors[0]!
        assertTag(first, "OAuthError")
        expect(first.error).toBe("invalid_grant")
        for (const error of errors) expect(error).toBe(first)
        expect(tokenRequestsSeen(sandbox)).toHaveLength(1)
        expect(sandbox.requests().filter((entry) => entry.path === "/api/graphql")).toHaveLength(0)

        // The next call tries again.
        yield* Effect.either(graphql.execute(viewerQuery, undefined, Viewer))
        expect(tokenRequestsSeen(sandbox)).toHaveLength(2)
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("rejected token is renewed once", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const auth = yield* Auth.Auth
        const login = yield* loginWithDemoPassword
        yield* auth.setToken(new Token({ ...login, accessToken: Redacted.make("revoked-token") }))
        sandbox.clearRequests()

        const data = yield* (yield* GraphQL.GraphQL).execute(viewerQuery, undefined, Viewer)
        expect(data.viewer.email).toBe(demo.username)
        expect(sandbox.requests().map((entry) => entry.path)).toEqual([
          "/api/graphql",
          "/api/oauth/token",
          "/api/graphql"
        ])
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("MFA approved end to end", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        sandbox.configure({ mfa: { answer: "approve", delayMs: 100 } })
        const graphql = yield* GraphQL.GraphQL
        const login = yield* loginWithDemoPassword

        const blocked = yield* Effect.flip(graphql.raw(transfersQuery))
        assertTag(blocked, "GraphQLError")
        expect(blocked.type).toBe("MFA_REQUIRED")

        const confirmed = yield* (yield* Mfa.Mfa).confirmedToken()
        expect(confirmed.confirmed).toBe(true)
        expect(Redacted.value(confirmed.accessToken)).not.toBe(Redacted.value(login.accessToken))

        const transfers = yield* graphql.raw(transfersQuery)
        expect(transfers).toHaveProperty("viewer.mainAccount.transfers.edges")
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("confirmed refresh token replaces the stored one", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        sandbox.configure({ mfa: { answer: "approve", delayMs: 100 } })
        const auth = yield* Auth.Auth
        const login = yield* loginWithDemoPassword
        const confirmed = yield* (yield* Mfa.Mfa).confirmedToken()

        const loginRefresh = Redacted.value(Option.getOrThrow(login.refreshToken))
        const confirmedRefresh = Redacted.value(Option.getOrThrow(confirmed.refreshToken))
        expect(confirmedRefresh).not.toBe(loginRefresh)
        const stored = Option.getOrThrow(yield* auth.token)
        expect(Redacted.value(Option.getOrThrow(stored.refreshToken))).toBe(confirmedRefresh)

        const refreshed = yield* auth.refresh
        expect(refreshed.confirmed).toBe(true)
        const sent = yield* Ref.get(yield* TokenRequests)
        expect(sent.at(-1)!.get("refresh_token")).toBe(confirmedRefresh)

        // The server treats the refreshed token as confirmed too.
        const transfers = yield* (yield* GraphQL.GraphQL).raw(transfersQuery)
        expect(transfers).toHaveProperty("viewer.mainAccount.transfers.edges")
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("MFA denied", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        sandbox.configure({ mfa: { answer: "deny", delayMs: 100 } })
        yield* loginWithDemoPassword

        const error = yield* Effect.flip((yield* Mfa.Mfa).confirmedToken()).pipe(
          Effect.ensuring(Effect.sync(() => sandbox.configure({ mfa: { answer: "approve" } })))
        )
        expect(error._tag).toBe("ChallengeDenied")
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("confirmedToken after a denial needs no new login", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        sandbox.configure({ mfa: { answer: "deny", delayMs: 100 } })
        yield* loginWithDemoPassword
        const mfa = yield* Mfa.Mfa

        const denied = yield* Effect.flip(mfa.confirmedToken()).pipe(
          Effect.ensuring(Effect.sync(() => sandbox.configure({ mfa: { answer: "approve" } })))
        )
        assertTag(denied, "ChallengeDenied")
        sandbox.clearRequests()

        const confirmed = yield* mfa.confirmedToken()
        expect(confirmed.confirmed).toBe(true)
        expect(tokenRequestsSeen(sandbox)).toEqual([])
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("HTML error body from the sandbox", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        yield* loginWithDemoPassword
        sandbox.clearRequests()
        sandbox.setFaults({ malformedNext: { count: 1, kind: "html", status: 502, path: "/api/graphql" } })

        const error = yield* Effect.flip((yield* GraphQL.GraphQL).raw(
          "mutation { createTransfer(transfer: { iban: \"DE89370400440532013000\", recipient: \"X\", amount: 1 }) { confirmationId } }"
        )).pipe(Effect.ensuring(Effect.sync(() => sandbox.setFaults({}))))
        assertTag(error, "ResponseError")
        expect(error.reason).toBe("UnexpectedBody")
        expect(error.status).toBe(502)
        expect(error.description).toContain("text/html")
        // A mutation is not retried, even after a 502.
        expect(sandbox.requests().filter((entry) => entry.path === "/api/graphql")).toHaveLength(1)
      }).pipe(Effect.provide(services({ clientSecret: true }))))

    it.effect("query retried after a 503 from the sandbox", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        yield* loginWithDemoPassword
        sandbox.clearRequests()
        sandbox.setFaults({ failNext: { count: 1, status: 503, path: "/api/graphql" } })

        const data = yield* (yield* GraphQL.GraphQL).execute(viewerQuery, undefined, Viewer).pipe(
          Effect.ensuring(Effect.sync(() => sandbox.setFaults({})))
        )
        expect(data.viewer.email).toBe(demo.username)
        expect(sandbox.requests().filter((entry) => entry.path === "/api/graphql")).toHaveLength(2)
      }).pipe(Effect.provide(services({ clientSecret: true }))))
  }
)
