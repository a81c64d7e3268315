/**
 * The main account (IBAN, BIC, balances) and the user it belongs to.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import { GraphQL } from "./GraphQL.js"
import { type KontistError, NotFound } from "./KontistError.js"
import { Cents } from "./Money.js"
import { selectionSet } from "./internal/selection.js"
import * as Validation from "./internal/validation.js"

const nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { nullable: true })

/**
 * The main bank account. Balances are signed cents.
 *
 * @since 0.1.0
 * @category models
 */
export class Account extends Schema.Class<Account>("@kontist/core/Account")({
  iban: Schema.String,
  bic: Schema.String,
  /** Booked balance in cents. */
  balance: Cents,
  /** Balance available for spending in cents. */
  availableBalance: Cents
}) {}

/**
 * Basic facts about the logged-in user.
 *
 * @since 0.1.0
 * @category models
 */
export class User extends Schema.Class<User>("@kontist/core/User")({
  publicId: Schema.String,
  email: Schema.String,
  firstName: nullable(Schema.String),
  lastName: nullable(Schema.String)
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Fetches the main account with its balances. Needs the `accounts` scope. */
  readonly main: Effect.Effect<Account, KontistError>
  /** Fetches the logged-in user. Needs the `users` scope. */
  readonly viewer: Effect.Effect<User, KontistError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Accounts extends Context.Tag("@kontist/core/Accounts")<Accounts, Service>() {}

const mainDocument = `query MainAccount {
  viewer {
    mainAccount ${selectionSet(Account)}
  }
}`

const viewerDocument = `query Viewer {
  viewer ${selectionSet(User)}
}`

/**
 * The GraphQL documents this module sends, by operation.
 *
 * @since 0.1.0
 * @category documents
 */
export const documents = {
  main: mainDocument,
  viewer: viewerDocument
} as const

const MainResponse = Schema.Struct({
  viewer: Schema.NullOr(Schema.Struct({ mainAccount: Schema.NullOr(Account) }))
})

const ViewerResponse = Schema.Struct({ viewer: Schema.NullOr(User) })

/**
 * Builds the service on top of `GraphQL`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, GraphQL> = Effect.gen(function*() {
  const graphql = yield* GraphQL

  const main = graphql.execute(mainDocument, undefined, MainResponse).pipe(
    Effect.flatMap(Validation.requireMainAccount),
    Effect.withSpan("Kontist.Accounts.main")
  )

  const viewer = graphql.execute(viewerDocument, undefined, ViewerResponse).pipe(
    Effect.flatMap(({ viewer }) =>
      viewer === null
        ? Effect.fail(
          new NotFound({
            resource: "viewer",
            description: "The API returned no user for this access token (viewer is null). Log in again."
          })
        )
        : Effect.succeed(viewer)
    ),
    Effect.withSpan("Kontist.Accounts.viewer")
  )

  return Accounts.of({ main, viewer })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Accounts, never, GraphQL> = Layer.effect(Accounts, make)
