/**
 * A `GraphQL` service that records each call and returns the handler's data, so
 * model tests can check what would be sent without a server.
 */
import { Effect, Layer, Schema } from "effect"
import * as GraphQL from "../../src/GraphQL.js"
import type { KontistError } from "../../src/KontistError.js"

export interface GraphQLCall {
  readonly document: string
  readonly variables: GraphQL.Variables | undefined
}

/** Returns the `data` of a response, or fails as the real service would. */
export type GraphQLHandler = (call: GraphQLCall, index: number) => Effect.Effect<unknown, KontistError>

export interface RecordingGraphQL {
  readonly layer: Layer.Layer<GraphQL.GraphQL>
  /** Every call so far, oldest first. */
  readonly calls: Array<GraphQLCall>
}

/** A handler for tests that expect no request: any call is a defect. */
export const noRequests: GraphQLHandler = (call) =>
  Effect.dieMessage(`unexpected GraphQL request: ${call.document.split("\n")[0]}`)

export const makeRecordingGraphQL = (handler: GraphQLHandler): RecordingGraphQL => {
  const calls: Array<GraphQLCall> = []
  const run = (document: string, variables: GraphQL.Variables | undefined) => {
    const call = { document, variables }
    calls.push(call)
    return handler(call, calls.length - 1)
  }
  const service = GraphQL.GraphQL.of({
    execute: (document, variables, schema) =>
      run(document, variables).pipe(
        // The data goes through the caller's schema, as the real service does it.
        Effect.flatMap((data) => Effect.orDie(Schema.decodeUnknown(schema)(data)))
      ),
    raw: (document, variables) => run(document, variables)
  })
  return { layer: Layer.succeed(GraphQL.GraphQL, service), calls }
}
