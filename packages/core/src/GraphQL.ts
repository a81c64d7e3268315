/**
 * Sends GraphQL documents to `/api/graphql` with the current access token and
 * decodes the `data` with a Schema.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Array as Arr, Context, Effect, Either, Layer, Option, Schema } from "effect"
import { type DocumentNode, type FragmentDefinitionNode, Kind, parse, type SelectionSetNode } from "graphql"
import { Auth } from "./Auth.js"
import * as GraphQLErrors from "./internal/graphqlErrors.js"
import * as Http from "./internal/http.js"
import type { KontistConfig } from "./KontistConfig.js"
import { InvalidInput, type KontistError, ResponseError } from "./KontistError.js"

/**
 * Variables of a GraphQL operation.
 *
 * @since 0.1.0
 * @category models
 */
export type Variables = Readonly<Record<string, unknown>>

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Runs a query or mutation and decodes `data` with `schema`.
   *
   * A response with `errors` fails with one `GraphQLError`: the first entry
   * is the error itself and every further entry is in its `otherErrors`.
   * HTTP 401 after a renewal becomes `Unauthorized`; a body that is not the
   * JSON the API documents becomes `ResponseError`.
   *
   * Queries are retried on transient failures (connection errors, 502, 503,
   * 504, 429). A mutation is sent again in one case only: after an HTTP 401,
   * once, with a renewed token. The API checks the token before it executes
   * anything, so a 401 means the mutation did not run. After a transient
   * failure a mutation is never resent, because it may have run.
   */
  readonly execute: <A, I>(
    document: string,
    variables: Variables | undefined,
    schema: Schema.Schema<A, I, never>
  ) => Effect.Effect<A, KontistError>

  /** Runs any document and returns `data` undecoded. */
  readonly raw: (document: string, variables?: Variables) => Effect.Effect<unknown, KontistError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class GraphQL extends Context.Tag("@kontist/core/GraphQL")<GraphQL, Service>() {}

/**
 * The kind and name of the first operation in a document.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationInfo {
  readonly type: "query" | "mutation" | "subscription"
  /**
   * The first top-level field, such as `createTransfer`, or the operation
   * name when the selection has no field of its own.
   */
  readonly name: string
  /** The name written after `query` or `mutation`, if any. */
  readonly operationName: Option.Option<string>
}

const firstField = (
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visited: Set<string>
): Option.Option<string> => {
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FIELD:
        return Option.some(selection.name.value)
      case Kind.INLINE_FRAGMENT: {
        const inner = firstField(selection.selectionSet, fragments, visited)
        if (Option.isSome(inner)) return inner
        break
      }
      case Kind.FRAGMENT_SPREAD: {
        const fragment = fragments.get(selection.name.value)
        if (fragment === undefined || visited.has(fragment.name.value)) break
        visited.add(fragment.name.value)
        const inner = firstField(fragment.selectionSet, fragments, visited)
        if (Option.isSome(inner)) return inner
        break
      }
    }
  }
  return Option.none()
}

const readOperationInfo = (document: DocumentNode): Either.Either<OperationInfo, InvalidInput> => {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
  }

  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION)
  if (operation === undefined) {
    return Either.left(new InvalidInput({ field: "document", reason: "the document contains no query or mutation" }))
  }

  const operationName = Option.fromNullable(operation.name?.value)
  const name = firstField(operation.selectionSet, fragments, new Set()).pipe(
    Option.orElse(() => operationName),
    Option.getOrElse(() => "anonymous operation")
  )
  return Either.right({ type: operation.operation, name, operationName })
}

/**
 * Parses `document` with graphql-js and describes its first operation. A
 * syntax error fails with `InvalidInput` on the field `document`.
 *
 * @since 0.1.0
 * @category utils
 */
export const operationInfo = (document: string): Either.Either<OperationInfo, InvalidInput> => {
  let parsed: DocumentNode
  try {
    parsed = parse(document, { noLocation: true })
  } catch (error) {
    return Either.left(
      new InvalidInput({ field: "document", reason: error instanceof Error ? error.message : String(error) })
    )
  }
  return readOperationInfo(parsed)
}

/** Maximum number of documents whose `OperationInfo` a service keeps. */
const operationCacheSize = 500

const ResponseBody = Schema.Struct({
  data: Schema.optional(Schema.Unknown),
  errors: Schema.optionalWith(Schema.Array(GraphQLErrors.ErrorEntry), { nullable: true })
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Wraps the HTTP client used for GraphQL requests, for retries, proxies
   * or logging of your own. It runs after the SDK's base URL and headers.
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * Creates the service.
 *
 * Queries are retried on connection errors, 502, 503, 504 and 429 (after
 * `Retry-After`), at most 3 times. A mutation is never resent after such a
 * failure, because it may have run and a repeated `createTransfer` could
 * move money twice. On HTTP 401 the token is renewed through `Auth` and any
 * request, a mutation included, is sent once more: the API authenticates a
 * request before it executes it, so a 401 means nothing ran.
 * NOTE: that order is checked against the sandbox, not the live API.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options?: Options
): Effect.Effect<Service, never, HttpClient.HttpClient | KontistConfig | Auth> =>
  Effect.gen(function*() {
    const auth = yield* Auth
    const http = yield* Http.make(options)
    const operations = new Map<string, OperationInfo>()

    const cachedOperationInfo = (document: string): Effect.Effect<OperationInfo, InvalidInput> => {
      const cached = operations.get(document)
      if (cached !== undefined) return Effect.succeed(cached)

      return Effect.tap(operationInfo(document), (info) =>
        Effect.sync(() => {
          if (operations.size >= operationCacheSize) operations.clear()
          operations.set(document, info)
        }))
    }

    const send = (document: string, variables: Variables | undefined) =>
      Effect.gen(function*() {
        const operation = yield* cachedOperationInfo(document)
        yield* Effect.annotateCurrentSpan({
          "graphql.operation.type": operation.type,
          "graphql.operation.name": operation.name
        })
        if (operation.type === "subscription") {
          return yield* new InvalidInput({
            field: "document",
            reason: "subscriptions need a WebSocket connection; use the Subscriptions service"
          })
        }

        const request = yield* HttpClientRequest.post("/api/graphql").pipe(
          HttpClientRequest.bodyJson({
            query: document,
            ...(variables === undefined ? {} : { variables }),
            ...Option.match(operation.operationName, {
              onNone: () => ({}),
              onSome: (name) => ({ operationName: name })
            })
          }),
          Effect.mapError((error) =>
            new InvalidInput({
              field: "variables",
              reason: `cannot be encoded as JSON: ${
                error.reason._tag === "JsonError" ? String(error.reason.error) : error.reason.error.message
              }`
            })
          )
        )

        const response = yield* Http.sendAuthorized(
          auth,
          (accessToken) =>
            http.send(HttpClientRequest.bearerToken(request, accessToken), {
              retryTransient: operation.type === "query"
            })
        )
        const json = yield* Http.readJson(response)
        const body = yield* Http.decode(ResponseBody, json, response)

        if (body.errors !== undefined && Arr.isNonEmptyReadonlyArray(body.errors)) {
          const httpStatus = Http.isSuccess(response) ? undefined : response.status
          return yield* GraphQLErrors.fromEntries(body.errors, operation.name, httpStatus)
        }
        if (!Http.isSuccess(response)) return yield* Http.unexpectedStatus(response, json)
        if (body.data === undefined || body.data === null) {
          return yield* new ResponseError({
            reason: "UnexpectedBody",
            request: Http.describeRequest(response.request),
            status: response.status,
            description: "the response has neither data nor errors"
          })
        }
        return { data: body.data, response }
      })

    const execute = <A, I>(
      document: string,
      variables: Variables | undefined,
      schema: Schema.Schema<A, I, never>
    ): Effect.Effect<A, KontistError> =>
      send(document, variables).pipe(
        Effect.flatMap(({ data, response }) => Http.decode(schema, data, response)),
        Effect.withSpan("Kontist.GraphQL.execute")
      )

    const raw = (document: string, variables?: Variables): Effect.Effect<unknown, KontistError> =>
      send(document, variables).pipe(
        Effect.map(({ data }) => data),
        Effect.withSpan("Kontist.GraphQL.raw")
      )

    return GraphQL.of({ execute, raw })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: Options
): Layer.Layer<GraphQL, never, HttpClient.HttpClient | KontistConfig | Auth> => Layer.effect(GraphQL, make(options))
