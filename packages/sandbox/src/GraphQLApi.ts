/**
 * GraphQL for the sandbox: graphql-js 16 against the shipped copy of the
 * Kontist schema, with resolvers for the banking fields the sandbox serves.
 *
 * Every field without a resolver fails with "The sandbox does not implement
 * Type.field" (`extensions: { status: 501, type: "NOT_IMPLEMENTED" }`) instead
 * of returning null. Scopes and MFA are checked per field:
 * - `User` fields need `users`,
 * - `Account` `publicId`, `createdAt`, `iban`, `bic`, `balance` and `availableBalance` need `accounts`,
 * - `Account.transactions` and `Account.transaction` need `transactions`,
 * - `Account.transfers`, `Account.transfer` and the transfer mutations need `transfers` and a confirmed (MFA) token,
 * - `Subscription.newTransaction` needs `subscriptions`.
 *
 * @since 0.1.0
 */
import {
  execute as executeGraphQL,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type FormattedExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  Kind,
  type DocumentNode,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  subscribe as subscribeGraphQL,
  validate,
  visit
} from "graphql"
import type { ServerOptions } from "graphql-ws"
import { type Bank, BankError } from "./Bank.js"
import { apiError, type Context, loadSchema, notImplementedResolver, type Principal } from "./Resolvers.js"

export { loadSchema, type Principal } from "./Resolvers.js"

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

/**
 * An HTTP status and the JSON body to send.
 *
 * @since 0.1.0
 * @category models
 */
export interface GraphQLResponse {
  readonly status: number
  readonly body: unknown
}

/**
 * Summary of the operation in a request body, for the request log.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationDescription {
  readonly operationType: "query" | "mutation" | "subscription"
  readonly operationName?: string
  /** Names (not aliases) of the operation's top-level fields. */
  readonly fields: ReadonlyArray<string>
}

/** Resolves the principal of a graphql-ws connection from its `connection_init` payload; `undefined` rejects it. */
export type PrincipalResolver = (
  connectionParams: Readonly<Record<string, unknown>> | undefined
) => Principal | undefined | Promise<Principal | undefined>

/**
 * @since 0.1.0
 * @category models
 */
export interface GraphQLApi {
  readonly schema: GraphQLSchema
  /**
   * Executes a query or mutation. `body` is the parsed JSON request body
   * `{query, variables?, operationName?}`. The caller has already checked the
   * access token.
   *
   * Returns 400 for a malformed body, a document that does not parse or
   * validate, a request over the size limits, bad variables, or a
   * subscription. Otherwise it returns 200 with `{data, errors?}`. Every error
   * carries `extensions: { status, type }`, and at most {@link MAX_ERRORS} are returned.
   */
  execute(body: unknown, principal: Principal): Promise<GraphQLResponse>
  /**
   * Starts a subscription without a socket (for tests and in-process use).
   * Returns the event stream, or a response with the errors that prevented it.
   */
  subscribe(body: unknown, principal: Principal): Promise<AsyncIterableIterator<FormattedExecutionResult> | GraphQLResponse>
  /**
   * Options for graphql-ws's `useServer`. Connections whose `connection_init`
   * payload does not resolve to a principal are closed with 4403.
   */
  wsServerOptions(resolvePrincipal: PrincipalResolver): ServerOptions
  /** Describes the operation in `body`, or returns `undefined` when it does not parse. */
  describe(body: unknown): OperationDescription | undefined
}

/** At most this many errors are returned per response, as the Kontist API documents. */
export const MAX_ERRORS = 3
/** The API accepts queries under 10,000 characters. */
export const MAX_QUERY_LENGTH = 9_999
/** The API accepts queries with under 500 fields. */
export const MAX_QUERY_FIELDS = 499

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** Whether `extensions` already carries a numeric `status` and a string `type`. */
const hasStatusAndType = (extensions: Readonly<Record<string, unknown>> | undefined): boolean =>
  typeof extensions?.["status"] === "number" && typeof extensions["type"] === "string"

/**
 * Formats an error for the response, filling in `extensions` from a
 * {@link BankError}, or with `fallback` when neither carries a status.
 */
const formatError = (error: GraphQLError, fallback: { status: number; type: string }): GraphQLFormattedError => {
  const formatted = error.toJSON()
  const original = error.originalError
  if (original instanceof BankError) {
    return { ...formatted, extensions: { ...formatted.extensions, status: original.status, type: original.type } }
  }
  if (hasStatusAndType(formatted.extensions)) return formatted
  return { ...formatted, extensions: { ...formatted.extensions, ...fallback } }
}

const BAD_REQUEST = { status: 400, type: "BAD_REQUEST" } as const
const BAD_USER_INPUT = { status: 400, type: "BAD_USER_INPUT" } as const
const PARSE_FAILED = { status: 400, type: "GRAPHQL_PARSE_FAILED" } as const
const VALIDATION_FAILED = { status: 400, type: "GRAPHQL_VALIDATION_FAILED" } as const
const INTERNAL = { status: 500, type: "INTERNAL_SERVER_ERROR" } as const

const errorResponse = (
  status: number,
  errors: ReadonlyArray<GraphQLError>,
  fallback: { status: number; type: string }
): GraphQLResponse => ({
  status,
  body: { errors: errors.slice(0, MAX_ERRORS).map((error) => formatError(error, fallback)) }
})

/** Formats an execution result: execution errors without a status are internal failures. */
const formatResult = (result: {
  readonly data?: unknown
  readonly errors?: ReadonlyArray<GraphQLError> | undefined
}): FormattedExecutionResult => {
  const formatted: { data?: unknown; errors?: ReadonlyArray<GraphQLFormattedError> } = {}
  if (result.data !== undefined) formatted.data = result.data
  if (result.errors !== undefined && result.errors.length > 0) {
    formatted.errors = result.errors.slice(0, MAX_ERRORS).map((error) => formatError(error, INTERNAL))
  }
  return formatted as FormattedExecutionResult
}


// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

interface RequestBody {
  readonly query: string
  readonly variables: Readonly<Record<string, unknown>> | undefined
  readonly operationName: string | undefined
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const readRequestBody = (body: unknown): RequestBody | GraphQLError => {
  if (!isRecord(body)) return apiError("The request body must be a JSON object {query, variables?, operationName?}", 400, "BAD_REQUEST")
  const { query, variables, operationName } = body
  if (typeof query !== "string" || query.trim().length === 0) return apiError("Missing \"query\": send the GraphQL document as a string", 400, "BAD_REQUEST")
  if (variables !== undefined && variables !== null && !isRecord(variables)) return apiError("\"variables\" must be a JSON object", 400, "BAD_REQUEST")
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    return apiError("\"operationName\" must be a string", 400, "BAD_REQUEST")
  }
  return {
    query,
    variables: isRecord(variables) ? variables : undefined,
    operationName: typeof operationName === "string" ? operationName : undefined
  }
}

const countFields = (document: DocumentNode): number => {
  let count = 0
  visit(document, {
    Field: () => {
      count++
    }
  })
  return count
}

interface PreparedRequest {
  readonly document: DocumentNode
  readonly operation: OperationDefinitionNode
  readonly request: RequestBody
}

/** Most documents the cache of checked documents holds; clients send few distinct ones. */
const DOCUMENT_CACHE_SIZE = 200

/** Results of {@link checkDocument} by query text, oldest first. */
const checkedDocuments = new Map<string, DocumentNode | GraphQLResponse>()

/**
 * Parses and validates a query and checks its size, or returns the 400
 * response. Results are cached by query text because clients repeat the same
 * documents (a paginated stream sends one per page).
 */
const checkDocument = (schema: GraphQLSchema, query: string): DocumentNode | GraphQLResponse => {
  const cached = checkedDocuments.get(query)
  if (cached !== undefined) return cached

  let result: DocumentNode | GraphQLResponse
  try {
    const document = parse(query)
    const validationErrors = validate(schema, document)
    const fieldCount = validationErrors.length === 0 ? countFields(document) : 0
    if (validationErrors.length > 0) {
      result = errorResponse(400, validationErrors, VALIDATION_FAILED)
    } else if (fieldCount > MAX_QUERY_FIELDS) {
      const error = apiError(`The query selects ${fieldCount} fields; the API accepts at most ${MAX_QUERY_FIELDS}`, 400, "BAD_REQUEST")
      result = errorResponse(400, [error], BAD_REQUEST)
    } else {
      result = document
    }
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error
    result = errorResponse(400, [error], PARSE_FAILED)
  }

  if (checkedDocuments.size >= DOCUMENT_CACHE_SIZE) {
    const oldest = checkedDocuments.keys().next()
    if (oldest.done !== true) checkedDocuments.delete(oldest.value)
  }
  checkedDocuments.set(query, result)
  return result
}

/** Reads, parses and validates a request; returns the response for any failure. */
const prepare = (schema: GraphQLSchema, body: unknown): PreparedRequest | GraphQLResponse => {
  const request = readRequestBody(body)
  if (request instanceof GraphQLError) return errorResponse(400, [request], BAD_REQUEST)
  if (request.query.length > MAX_QUERY_LENGTH) {
    const error = apiError(`The query has ${request.query.length} characters; the API accepts at most ${MAX_QUERY_LENGTH}`, 400, "BAD_REQUEST")
    return errorResponse(400, [error], BAD_REQUEST)
  }

  const checked = checkDocument(schema, request.query)
  if (!("kind" in checked)) return checked
  const document = checked

  const operation = getOperationAST(document, request.operationName)
  if (operation === null || operation === undefined) {
    const message = request.operationName === undefined
      ? "The document has several operations: send \"operationName\""
      : `The document has no operation named "${request.operationName}"`
    return errorResponse(400, [apiError(message, 400, "BAD_REQUEST")], BAD_REQUEST)
  }
  return { document, operation, request }
}

const executionArgs = (schema: GraphQLSchema, prepared: PreparedRequest, context: Context): ExecutionArgs => ({
  schema,
  document: prepared.document,
  variableValues: prepared.request.variables,
  operationName: prepared.request.operationName,
  contextValue: context,
  fieldResolver: notImplementedResolver
})

/** Collects the top-level field names of a selection set, following fragments. */
const topLevelFields = (document: DocumentNode, selectionSet: SelectionSetNode, into: Set<string>): void => {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      into.add((selection as FieldNode).name.value)
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      topLevelFields(document, selection.selectionSet, into)
    } else {
      const fragment = document.definitions.find(
        (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value
      )
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) topLevelFields(document, fragment.selectionSet, into)
    }
  }
}

/** Maps formatted results of an event stream; `return()` ends the underlying subscription. */
const mapEvents = (
  source: AsyncGenerator<ExecutionResult> | AsyncIterable<ExecutionResult>
): AsyncIterableIterator<FormattedExecutionResult> => {
  const iterator = source[Symbol.asyncIterator]()
  return {
    next: async () => {
      const result = await iterator.next()
      return result.done === true ? { value: undefined, done: true } : { value: formatResult(result.value), done: false }
    },
    return: async () => {
      await iterator.return?.()
      return { value: undefined, done: true }
    },
    [Symbol.asyncIterator]() {
      return this
    }
  }
}

// ---------------------------------------------------------------------------
// Constructor
// ---------------------------------------------------------------------------

/**
 * Creates the GraphQL API of a bank.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (bank: Bank): GraphQLApi => {
  const schema = loadSchema()
  const principals = new WeakMap<object, Principal>()

  const execute = async (body: unknown, principal: Principal): Promise<GraphQLResponse> => {
    const prepared = prepare(schema, body)
    if (!("document" in prepared)) return prepared
    if (prepared.operation.operation === "subscription") {
      const error = apiError("Subscriptions run over graphql-ws (graphql-transport-ws) on /api/graphql, not over HTTP POST", 400, "BAD_REQUEST")
      return errorResponse(400, [error], BAD_REQUEST)
    }

    const result = await executeGraphQL(executionArgs(schema, prepared, { bank, principal }))
    // Without `data`, the request failed before execution: the variables did not match their types.
    if (!("data" in result) || result.data === undefined) {
      return errorResponse(400, result.errors ?? [], BAD_USER_INPUT)
    }
    return { status: 200, body: formatResult(result) }
  }

  const subscribe = async (
    body: unknown,
    principal: Principal
  ): Promise<AsyncIterableIterator<FormattedExecutionResult> | GraphQLResponse> => {
    const prepared = prepare(schema, body)
    if (!("document" in prepared)) return prepared
    if (prepared.operation.operation !== "subscription") {
      return errorResponse(400, [apiError("The document is not a subscription: run queries and mutations with execute", 400, "BAD_REQUEST")], BAD_REQUEST)
    }
    const result = await subscribeGraphQL(executionArgs(schema, prepared, { bank, principal }))
    if (Symbol.asyncIterator in result) return mapEvents(result)
    return { status: result.data === undefined ? 400 : 200, body: formatResult(result) }
  }

  /**
   * Errors that `onSubscribe` found, by connection context and operation id,
   * waiting for `onError` to send them.
   *
   * graphql-ws accepts errors from `onSubscribe` only if they pass its
   * `instanceof GraphQLError` check, which fails when graphql-ws and this
   * module load different builds of graphql (vitest loads `index.mjs` here and
   * Node loads `index.js` for graphql-ws). So `onSubscribe` returns a document
   * without operations instead, graphql-ws reports "Unable to identify
   * operation", and `onError` replaces that error with the stored ones.
   */
  const rejectedOperations = new WeakMap<object, Map<string, ReadonlyArray<GraphQLFormattedError>>>()

  const rejectOperation = (context: object, id: string, errors: ReadonlyArray<GraphQLFormattedError>): ExecutionArgs => {
    const byId = rejectedOperations.get(context) ?? new Map<string, ReadonlyArray<GraphQLFormattedError>>()
    byId.set(id, errors.slice(0, MAX_ERRORS))
    rejectedOperations.set(context, byId)
    return { schema, document: { kind: Kind.DOCUMENT, definitions: [] } }
  }

  const wsServerOptions = (resolvePrincipal: PrincipalResolver): ServerOptions => ({
    schema,
    onConnect: async (context) => {
      const principal = await resolvePrincipal(context.connectionParams)
      if (principal === undefined) return false
      principals.set(context, principal)
      return true
    },
    onSubscribe: (context, id, payload) => {
      const principal = principals.get(context)
      if (principal === undefined) {
        return rejectOperation(context, id, [formatError(apiError("The connection is not authorized: send a valid bearer token as Authorization in connection_init", 401, "UNAUTHORIZED"), BAD_REQUEST)])
      }
      const prepared = prepare(schema, payload)
      if (!("document" in prepared)) {
        return rejectOperation(context, id, (prepared.body as { errors: ReadonlyArray<GraphQLFormattedError> }).errors)
      }
      if (prepared.operation.operation === "subscription" && !principal.scopes.has("subscriptions")) {
        const error = apiError("Missing scope \"subscriptions\" for Subscription.newTransaction: request it when you log in", 403, "FORBIDDEN")
        return rejectOperation(context, id, [formatError(error, BAD_REQUEST)])
      }
      return executionArgs(schema, prepared, { bank, principal })
    },
    execute: (args) => executeGraphQL(args),
    subscribe: (args) => subscribeGraphQL(args),
    onNext: (_context, _id, _payload, _args, result) => formatResult(result),
    onError: (context, id, _payload, errors) => {
      const byId = rejectedOperations.get(context)
      const rejected = byId?.get(id)
      if (rejected !== undefined) {
        byId?.delete(id)
        return rejected
      }
      return errors.slice(0, MAX_ERRORS).map((error) => formatError(error, INTERNAL))
    }
  })

  const describe = (body: unknown): OperationDescription | undefined => {
    const request = readRequestBody(body)
    if (request instanceof GraphQLError) return undefined
    let document: DocumentNode
    try {
      document = parse(request.query)
    } catch {
      return undefined
    }
    const operation = getOperationAST(document, request.operationName)
    if (operation === null || operation === undefined) return undefined
    const fields = new Set<string>()
    topLevelFields(document, operation.selectionSet, fields)
    const description = { operationType: operation.operation, fields: [...fields] }
    return operation.name === undefined ? description : { ...description, operationName: operation.name.value }
  }

  return { schema, execute, subscribe, wsServerOptions, describe }
}
