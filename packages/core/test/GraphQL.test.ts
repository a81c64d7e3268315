import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Fiber, Option, Ref, Schema, TestClock } from "effect"
import { GraphQL, operationInfo } from "../src/GraphQL.js"
import {
  assertTag,
  type Handler,
  makeRecordingClient,
  makeToken,
  type RecordedRequest,
  type Reply,
  serviceLayer,
  transportError
} from "./utils/RecordingClient.js"

const viewerQuery = "query Viewer { viewer { email } }"
const createTransfer = "mutation { createTransfer(transfer: { amount: 1 }) { confirmationId } }"
const Viewer = Schema.Struct({ viewer: Schema.Struct({ email: Schema.String }) })

const viewerData = { data: { viewer: { email: "lena@example.com" } } }

const refreshReply: Reply = {
  body: { access_token: "access-2", token_type: "Bearer", expires_in: 3600, scope: "transactions offline" }
}

/** Responds to GraphQL requests with `replies` in turn (the last one repeats) and to token requests with `refreshReply`. */
const sequence = (replies: ReadonlyArray<Reply | "transport">): Effect.Effect<Handler> =>
  Effect.map(Ref.make(0), (calls) => (request: RecordedRequest) => {
    if (request.path === "/api/oauth/token") return Effect.succeed(refreshReply)
    return Ref.getAndUpdate(calls, (n) => n + 1).pipe(
      Effect.flatMap((n) => {
        const reply = replies[Math.min(n, replies.length - 1)]!
        return reply === "transport" ? Effect.fail(transportError(request)) : Effect.succeed(reply)
      })
    )
  })

const graphqlCalls = (requests: ReadonlyArray<RecordedRequest>) =>
  requests.filter((request) => request.path === "/api/graphql")

const run = <A, E>(
  replies: ReadonlyArray<Reply | "transport">,
  body: (graphql: GraphQL["Type"]) => Effect.Effect<A, E>
) =>
  Effect.gen(function*() {
    const { client, requests } = yield* makeRecordingClient(yield* sequence(replies))
    const result = yield* Effect.either(
      Effect.flatMap(GraphQL, body).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))
    )
    return { result, requests: yield* Ref.get(requests) }
  })

describe("GraphQL.execute", () => {
  it.effect("sends the document with bearer and decodes data", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run([{ body: viewerData }], (graphql) =>
        graphql.execute(viewerQuery, { first: 1 }, Viewer))

      expect(Either.getOrThrow(result)).toEqual({ viewer: { email: "lena@example.com" } })
      expect(requests).toHaveLength(1)
      const [request] = requests
      expect(request!.method).toBe("POST")
      expect(request!.url.toString()).toBe("http://127.0.0.1:9/api/graphql")
      expect(request!.headers["authorization"]).toBe("Bearer access-1")
      expect(request!.headers["content-type"]).toBe("application/json")
      expect(request!.headers["traceparent"]).toBeUndefined()
      expect(request!.json).toEqual({ query: viewerQuery, variables: { first: 1 }, operationName: "Viewer" })
    }))

  it.effect("maps each GraphQL error entry", () =>
    Effect.gen(function*() {
      const { result } = yield* run([{
        body: {
          data: null,
          errors: [
            { message: "MFA required", path: ["createTransfer"], extensions: { status: 403, type: "MFA_REQUIRED" } },
            { message: "second", path: ["createTransfer"] },
            { message: "third", path: ["createTransfer", "amount", 0], extensions: { code: "BAD_USER_INPUT" } },
            { path: null, extensions: { status: 422, type: "UNPROCESSABLE", code: "IGNORED" } }
          ]
        }
      }], (graphql) => graphql.raw(createTransfer))

      const error = Either.getLeft(result).pipe(Option.getOrThrow)
      assertTag(error, "GraphQLError")
      expect(error.description).toBe("MFA required")
      expect(error.path).toEqual(["createTransfer"])
      expect(error.status).toBe(403)
      expect(error.type).toBe("MFA_REQUIRED")
      expect(error.operation).toBe("createTransfer")
      expect(error.message).toBe("GraphQL createTransfer failed: MFA required")

      expect(error.otherErrors).toHaveLength(3)
      expect(error.otherErrors[0]).toEqual({ description: "second", path: ["createTransfer"] })
      expect(error.otherErrors[1]).toEqual({
        description: "third",
        path: ["createTransfer", "amount", 0],
        type: "BAD_USER_INPUT"
      })
      expect(error.otherErrors[2]).toEqual({
        description: "the server sent no message",
        path: [],
        status: 422,
        type: "UNPROCESSABLE"
      })
    }))

  it.effect("one error entry leaves otherErrors empty", () =>
    Effect.gen(function*() {
      const { result } = yield* run([{ body: { data: null, errors: [{ message: "only" }] } }], (graphql) =>
        graphql.raw(createTransfer))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "GraphQLError")
      expect(error.description).toBe("only")
      expect(error.otherErrors).toEqual([])
    }))

  it.effect("validation error takes the HTTP status", () =>
    Effect.gen(function*() {
      const { result } = yield* run(
        [{ status: 400, body: { errors: [{ message: "Cannot query field \"nope\" on type \"Query\"." }] } }],
        (graphql) => graphql.raw("{ nope }")
      )

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "GraphQLError")
      expect(error.status).toBe(400)
      expect(error.type).toBeUndefined()
      expect(error.operation).toBe("nope")
      expect(error.path).toEqual([])
    }))

  it.effect("every validation error takes the HTTP status", () =>
    Effect.gen(function*() {
      const { result } = yield* run(
        [{ status: 400, body: { errors: [{ message: "first" }, { message: "second" }] } }],
        (graphql) => graphql.raw("{ nope nada }")
      )

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "GraphQLError")
      expect(error.status).toBe(400)
      expect(error.otherErrors).toEqual([{ description: "second", path: [], status: 400 }])
    }))

  it.effect("data decode failure names the path", () =>
    Effect.gen(function*() {
      const { result } = yield* run([{ body: { data: { viewer: { email: 42 } } } }], (graphql) =>
        graphql.execute(viewerQuery, undefined, Viewer))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "ResponseError")
      expect(error.reason).toBe("Decode")
      expect(error.description).toContain("viewer.email")
    }))

  it.effect("raw returns data undecoded", () =>
    Effect.gen(function*() {
      const { result } = yield* run([{ body: { data: { anything: [1, 2] } } }], (graphql) => graphql.raw("{ anything }"))
      expect(Either.getOrThrow(result)).toEqual({ anything: [1, 2] })
    }))

  it.effect("HTML error body becomes ResponseError", () =>
    Effect.gen(function*() {
      const html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
      const { result, requests } = yield* run(
        [{ status: 502, headers: { "content-type": "text/html" }, body: html }],
        (graphql) => graphql.raw(createTransfer)
      )

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "ResponseError")
      expect(error.reason).toBe("UnexpectedBody")
      expect(error.status).toBe(502)
      expect(error.description).toContain("text/html")
      expect(error.description).toContain("<html><head><title>502 Bad Gateway")
      expect(error.message).toContain("POST http://127.0.0.1:9/api/graphql failed (HTTP 502)")
      // A mutation is never retried.
      expect(graphqlCalls(requests)).toHaveLength(1)
    }))

  it.effect("long body is cut to 100 characters", () =>
    Effect.gen(function*() {
      const { result } = yield* run(
        [{ status: 500, headers: { "content-type": "text/plain" }, body: "x".repeat(500) }],
        (graphql) => graphql.raw(createTransfer)
      )

      const error = Option.getOrThrow(Either.getLeft(result))
      expect(error.message).toContain(`"${"x".repeat(100)}…"`)
      expect(error.message).not.toContain("x".repeat(101))
    }))

  it.effect("empty error body becomes ResponseError", () =>
    Effect.gen(function*() {
      const { result } = yield* run([{ status: 500, headers: { "content-type": "text/plain" } }], (graphql) =>
        graphql.raw(createTransfer))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "ResponseError")
      expect(error.reason).toBe("UnexpectedBody")
      expect(error.status).toBe(500)
      expect(error.description).toContain("the body is empty")
      expect(error.description).toContain("text/plain")
    }))

  it.effect("JSON error body without errors is StatusCode", () =>
    Effect.gen(function*() {
      const { result } = yield* run([{ status: 500, body: { oops: true } }], (graphql) => graphql.raw(createTransfer))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "ResponseError")
      expect(error.reason).toBe("StatusCode")
      expect(error.message).toContain("oops")
    }))

  it.effect("401 renews the token and retries once", () =>
    Effect.gen(function*() {
      const unauthorized: Reply = {
        status: 401,
        body: { errors: [{ message: "Unauthorized", extensions: { status: 401, type: "UNAUTHORIZED" } }] }
      }
      const { result, requests } = yield* run([unauthorized, { body: viewerData }], (graphql) =>
        graphql.execute(viewerQuery, undefined, Viewer))

      expect(Either.isRight(result)).toBe(true)
      expect(requests.map((request) => request.path)).toEqual(["/api/graphql", "/api/oauth/token", "/api/graphql"])
      expect(requests[0]!.headers["authorization"]).toBe("Bearer access-1")
      expect(requests[1]!.form.get("grant_type")).toBe("refresh_token")
      expect(requests[1]!.form.get("refresh_token")).toBe("refresh-1")
      expect(requests[2]!.headers["authorization"]).toBe("Bearer access-2")
    }))

  it.effect("mutation resent once after 401", () =>
    Effect.gen(function*() {
      const unauthorized: Reply = { status: 401, body: { errors: [{ message: "Unauthorized" }] } }
      const created: Reply = { body: { data: { createTransfer: { confirmationId: "c-1" } } } }
      const { result, requests } = yield* run([unauthorized, created], (graphql) => graphql.raw(createTransfer))

      expect(Either.getOrThrow(result)).toEqual({ createTransfer: { confirmationId: "c-1" } })
      expect(requests.map((request) => request.path)).toEqual(["/api/graphql", "/api/oauth/token", "/api/graphql"])
      expect(requests[0]!.headers["authorization"]).toBe("Bearer access-1")
      expect(requests[2]!.headers["authorization"]).toBe("Bearer access-2")
      expect(requests[2]!.body).toBe(requests[0]!.body)
    }))

  it.effect("mutation not resent after a second 401", () =>
    Effect.gen(function*() {
      const unauthorized: Reply = { status: 401, body: { errors: [{ message: "Unauthorized" }] } }
      const { result, requests } = yield* run([unauthorized], (graphql) => graphql.raw(createTransfer))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "Unauthorized")
      expect(error.reason).toBe("Rejected")
      expect(graphqlCalls(requests)).toHaveLength(2)
    }))

  it.effect("second 401 is Unauthorized Rejected", () =>
    Effect.gen(function*() {
      const unauthorized: Reply = { status: 401, body: { errors: [{ message: "Unauthorized" }] } }
      const { result, requests } = yield* run([unauthorized], (graphql) => graphql.raw(viewerQuery))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "Unauthorized")
      expect(error.reason).toBe("Rejected")
      expect(graphqlCalls(requests)).toHaveLength(2)
    }))

  it.effect("query retried after 503", () =>
    Effect.gen(function*() {
      const { client, requests } = yield* makeRecordingClient(
        yield* sequence([{ status: 503, body: "unavailable" }, "transport", { body: viewerData }])
      )
      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork((yield* GraphQL).execute(viewerQuery, undefined, Viewer))
        yield* TestClock.adjust("10 seconds")
        const data = yield* Fiber.join(fiber)
        expect(data.viewer.email).toBe("lena@example.com")
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))

      expect(graphqlCalls(yield* Ref.get(requests))).toHaveLength(3)
    }))

  it.effect("query retries are bounded", () =>
    Effect.gen(function*() {
      const { client, requests } = yield* makeRecordingClient(yield* sequence([{ status: 504, body: "" }]))
      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork((yield* GraphQL).raw(viewerQuery))
        yield* TestClock.adjust("1 minute")
        const error = yield* Effect.flip(Fiber.join(fiber))
        assertTag(error, "ResponseError")
        expect(error.status).toBe(504)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))

      expect(graphqlCalls(yield* Ref.get(requests))).toHaveLength(4)
    }))

  it.effect("query waits for Retry-After on 429", () =>
    Effect.gen(function*() {
      const { client, requests } = yield* makeRecordingClient(
        yield* sequence([{ status: 429, headers: { "retry-after": "5" }, body: "" }, { body: viewerData }])
      )
      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork((yield* GraphQL).raw(viewerQuery))
        yield* TestClock.adjust("4 seconds")
        expect(graphqlCalls(yield* Ref.get(requests))).toHaveLength(1)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(fiber)
      }).pipe(Effect.provide(serviceLayer(client, { initial: makeToken({}) })))

      expect(graphqlCalls(yield* Ref.get(requests))).toHaveLength(2)
    }))

  it.effect("Retry-After over a minute is not waited for", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        [{ status: 429, headers: { "retry-after": "3600" }, body: { errors: [{ message: "Too many requests" }] } }],
        (graphql) => graphql.raw(viewerQuery)
      )

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "GraphQLError")
      expect(error.status).toBe(429)
      expect(graphqlCalls(requests)).toHaveLength(1)
    }))

  it.effect("mutation not retried after 503 or transport error", () =>
    Effect.gen(function*() {
      for (const reply of [{ status: 503, body: "unavailable" }, "transport"] as const) {
        const { result, requests } = yield* run([reply, { body: { data: {} } }], (graphql) => graphql.raw(createTransfer))
        expect(Either.isLeft(result)).toBe(true)
        expect(graphqlCalls(requests)).toHaveLength(1)
      }
    }))

  it.effect("transport error becomes ResponseError Transport", () =>
    Effect.gen(function*() {
      const { result } = yield* run(["transport"], (graphql) => graphql.raw(createTransfer))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "ResponseError")
      expect(error.reason).toBe("Transport")
      expect(error.message).toContain("ECONNREFUSED")
    }))

  it.effect("subscription documents are rejected", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run([{ body: viewerData }], (graphql) =>
        graphql.raw("subscription { newTransaction { id } }"))

      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "InvalidInput")
      expect(error.field).toBe("document")
      expect(requests).toHaveLength(0)
    }))

  it.effect("syntax error is InvalidInput", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run([{ body: viewerData }], (graphql) => graphql.raw("query {"))
      const error = Option.getOrThrow(Either.getLeft(result))
      assertTag(error, "InvalidInput")
      expect(error.field).toBe("document")
      expect(requests).toHaveLength(0)
    }))
})

describe("GraphQL.operationInfo", () => {
  it("reads type and first field", () => {
    const info = Either.getOrThrow(operationInfo(createTransfer))
    expect(info.type).toBe("mutation")
    expect(info.name).toBe("createTransfer")
    expect(Option.isNone(info.operationName)).toBe(true)
  })

  it("follows fragment spreads", () => {
    const info = Either.getOrThrow(
      operationInfo("query Q { ...Viewer } fragment Viewer on Query { viewer { email } }")
    )
    expect(info.type).toBe("query")
    expect(info.name).toBe("viewer")
    expect(Option.getOrThrow(info.operationName)).toBe("Q")
  })

  it("ignores a leading fragment definition", () => {
    const info = Either.getOrThrow(
      operationInfo("fragment F on Transfer { id } mutation Send { confirmTransfer { ...F } }")
    )
    expect(info.type).toBe("mutation")
    expect(info.name).toBe("confirmTransfer")
  })
})
