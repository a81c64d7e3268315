/**
 * The transactions of the main account: one page at a time, a `Stream` over
 * every transaction matching a filter, and a single transaction by id.
 *
 * @since 0.1.0
 */
import { Chunk, Context, DateTime, Effect, Layer, Option, Schema, Stream } from "effect"
import { GraphQL } from "./GraphQL.js"
import * as Iban from "./Iban.js"
import { InvalidInput, type KontistError, ResponseError } from "./KontistError.js"
import { Cents, validateCents } from "./Money.js"
import { selectionSet } from "./internal/selection.js"
import * as Validation from "./internal/validation.js"

const nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { nullable: true })

/**
 * A booked transaction of the main account. Amounts are signed cents:
 * incoming money is positive, outgoing money negative. Fields the API
 * returns as `null` are absent.
 *
 * Enum fields (`type`, `source`, `category`, `vatRate`) are plain strings so
 * that values the API adds later still decode.
 *
 * @since 0.1.0
 * @category models
 */
export class Transaction extends Schema.Class<Transaction>("@kontist/core/Transaction")({
  id: Schema.String,
  amount: Cents,
  /** Name of the counterparty. */
  name: nullable(Schema.String),
  /** IBAN of the counterparty, as the API returns it. */
  iban: nullable(Schema.String),
  purpose: nullable(Schema.String),
  description: nullable(Schema.String),
  /** A `TransactionProjectionType`, such as `SEPA_CREDIT_TRANSFER` or `CARD_USAGE`. */
  type: Schema.String,
  /** `SOLARIS`, `BACKOFFICE_MANUAL` or `USER`. */
  source: Schema.String,
  paymentMethod: Schema.String,
  /** When the transaction was booked. */
  bookingDate: Schema.DateTimeUtc,
  /** When the amount was credited or debited. */
  valutaDate: nullable(Schema.DateTimeUtc),
  createdAt: Schema.DateTimeUtc,
  /** A `TransactionCategory`, such as `VAT_19` or `PRIVATE`. */
  category: nullable(Schema.String),
  /** A `VatRate`, such as `VAT_19`. */
  vatRate: nullable(Schema.String),
  /** SEPA end-to-end id. */
  e2eId: nullable(Schema.String),
  personalNote: nullable(Schema.String),
  /** Currency code of a foreign-currency payment, with `originalAmount` in that currency. */
  foreignCurrency: nullable(Schema.String),
  originalAmount: nullable(Schema.Number)
}) {}

/**
 * Relay page information of a connection.
 *
 * @since 0.1.0
 * @category models
 */
export class PageInfo extends Schema.Class<PageInfo>("@kontist/core/PageInfo")({
  hasNextPage: Schema.Boolean,
  hasPreviousPage: Schema.Boolean,
  startCursor: nullable(Schema.String),
  endCursor: nullable(Schema.String)
}) {}

/**
 * The API's `TransactionCategory` values.
 *
 * @since 0.1.0
 * @category models
 */
export type TransactionCategory =
  | "PRIVATE"
  | "VAT"
  | "VAT_0"
  | "VAT_5"
  | "VAT_7"
  | "VAT_16"
  | "VAT_19"
  | "TAX_PAYMENT"
  | "VAT_PAYMENT"
  | "TAX_REFUND"
  | "VAT_REFUND"
  | "VAT_SAVING"
  | "TAX_SAVING"
  | "REVERSE_CHARGE"

/**
 * One condition of a `TransactionFilter`: the same fields without nested
 * `conditions`. Dates are ISO 8601 strings, amounts signed cents.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransactionCondition {
  readonly operator?: "AND" | "OR" | undefined
  readonly amount_lt?: number | undefined
  readonly amount_gt?: number | undefined
  readonly amount_gte?: number | undefined
  readonly amount_lte?: number | undefined
  readonly amount_eq?: number | undefined
  readonly amount_ne?: number | undefined
  readonly amount_in?: ReadonlyArray<number> | undefined
  readonly iban_eq?: string | undefined
  readonly iban_ne?: string | undefined
  readonly iban_like?: string | undefined
  readonly iban_likeAny?: ReadonlyArray<string> | undefined
  readonly iban_in?: ReadonlyArray<string> | undefined
  readonly type_eq?: string | undefined
  readonly valutaDate_eq?: string | undefined
  readonly valutaDate_ne?: string | undefined
  readonly valutaDate_gt?: string | undefined
  readonly valutaDate_lt?: string | undefined
  readonly valutaDate_gte?: string | undefined
  readonly valutaDate_lte?: string | undefined
  readonly source_eq?: string | undefined
  readonly source_ne?: string | undefined
  readonly source_in?: ReadonlyArray<string> | undefined
  readonly splits_exist?: boolean | undefined
  readonly assets_exist?: boolean | undefined
  readonly vatAssets_exist?: boolean | undefined
  readonly bookingDate_eq?: string | undefined
  readonly bookingDate_ne?: string | undefined
  readonly bookingDate_gt?: string | undefined
  readonly bookingDate_lt?: string | undefined
  readonly bookingDate_gte?: string | undefined
  readonly bookingDate_lte?: string | undefined
  readonly name_eq?: string | undefined
  readonly name_ne?: string | undefined
  readonly name_like?: string | undefined
  readonly name_likeAny?: ReadonlyArray<string> | undefined
  readonly name_in?: ReadonlyArray<string> | undefined
  readonly category_eq?: TransactionCategory | undefined
  readonly category_in?: ReadonlyArray<TransactionCategory> | undefined
  readonly purpose_eq?: string | undefined
  readonly purpose_ne?: string | undefined
  readonly purpose_like?: string | undefined
  readonly purpose_likeAny?: ReadonlyArray<string> | undefined
  readonly categoryCode_exist?: boolean | undefined
  readonly vatCategoryCode_exist?: boolean | undefined
}

/**
 * The API's `TransactionFilter` input. `operator` (default `AND`) combines
 * the fields and each of the `conditions`.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransactionFilter extends TransactionCondition {
  readonly conditions?: ReadonlyArray<TransactionCondition> | undefined
}

/**
 * A moment given as an Effect `DateTime`, a JavaScript `Date` or an ISO 8601
 * string.
 *
 * @since 0.1.0
 * @category models
 */
export type DateInput = Validation.DateInput

/**
 * Arguments of `page`. Use `first` with `after` to page forward (newest
 * first), or `last` with `before` to page backward.
 *
 * @since 0.1.0
 * @category models
 */
export interface PageOptions {
  /** Page size from 1 to 50. Defaults to 50 when neither `first` nor `last` is given. */
  readonly first?: number | undefined
  /** The `endCursor` of the previous page. */
  readonly after?: string | undefined
  /** Page size from 1 to 50, counted back from `before`. */
  readonly last?: number | undefined
  /** The `startCursor` of the following page. */
  readonly before?: string | undefined
  readonly filter?: TransactionFilter | undefined
}

/**
 * One page of transactions.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page {
  readonly items: ReadonlyArray<Transaction>
  readonly pageInfo: PageInfo
}

/**
 * Options of `stream`. The conditions are combined with AND. Pass either
 * these conditions or a raw `filter`, not both.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamOptions {
  /** Transactions per request, from 1 to 50. Defaults to 50. */
  readonly pageSize?: number | undefined
  /**
   * A cursor, such as the `endCursor` of a page: the stream starts with the
   * transaction after it. Defaults to the newest transaction.
   */
  readonly after?: string | undefined
  /** Booked at or after this moment. */
  readonly bookedFrom?: DateInput | undefined
  /** Booked strictly before this moment. */
  readonly bookedBefore?: DateInput | undefined
  /** Lowest amount in signed cents, inclusive. Incoming amounts are positive, outgoing ones negative. */
  readonly minAmount?: number | undefined
  /** Highest amount in signed cents, inclusive. */
  readonly maxAmount?: number | undefined
  /** Counterparty IBAN. Spaces and case do not matter. */
  readonly iban?: string | undefined
  /** Text the counterparty name or the purpose contains. */
  readonly search?: string | undefined
  /** A raw `TransactionFilter`, sent as it is. */
  readonly filter?: TransactionFilter | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Fetches one page of transactions, newest first. */
  readonly page: (options?: PageOptions) => Effect.Effect<Page, KontistError>

  /**
   * Streams every transaction matching `options`, newest first, starting
   * after `options.after` when given. It requests one page at a time,
   * follows `endCursor` while the API reports `hasNextPage`, and keeps one
   * page in memory. An empty page that reports `hasNextPage` does not end
   * the stream.
   */
  readonly stream: (options?: StreamOptions) => Stream.Stream<Transaction, KontistError>

  /** Fetches one transaction by id, returning `None` when the account has no such transaction. */
  readonly get: (id: string) => Effect.Effect<Option.Option<Transaction>, KontistError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Transactions extends Context.Tag("@kontist/core/Transactions")<Transactions, Service>() {}

const transactionSelection = selectionSet(Transaction)

const pageDocument = `query TransactionsPage($first: Int, $last: Int, $after: String, $before: String, $filter: TransactionFilter) {
  viewer {
    mainAccount {
      transactions(first: $first, last: $last, after: $after, before: $before, filter: $filter) {
        edges { node ${transactionSelection} }
        pageInfo ${selectionSet(PageInfo)}
      }
    }
  }
}`

const getDocument = `query Transaction($id: ID!) {
  viewer {
    mainAccount {
      transaction(id: $id) ${transactionSelection}
    }
  }
}`

/**
 * The GraphQL documents this module sends, by operation.
 *
 * @since 0.1.0
 * @category documents
 */
export const documents = {
  page: pageDocument,
  get: getDocument
} as const

const viewerOf = <A extends Schema.Schema.Any>(mainAccount: A) =>
  Schema.Struct({
    viewer: Schema.NullOr(Schema.Struct({ mainAccount: Schema.NullOr(mainAccount) }))
  })

const PageResponse = viewerOf(
  Schema.Struct({
    transactions: Schema.Struct({
      edges: Schema.Array(Schema.Struct({ node: Transaction })),
      pageInfo: PageInfo
    })
  })
)

const GetResponse = viewerOf(Schema.Struct({ transaction: Schema.NullOr(Transaction) }))

const validatePageOptions = (options: PageOptions) =>
  Effect.gen(function*() {
    if (options.first !== undefined && options.last !== undefined) {
      return yield* new InvalidInput({
        field: "last",
        reason: "first and last cannot be combined. Use first with after to page forward, or last with before to page backward."
      })
    }
    const first = options.first === undefined
      ? options.last === undefined ? Validation.maxPageSize : undefined
      : yield* Validation.validatePageSize(options.first, "first")
    const last = options.last === undefined ? undefined : yield* Validation.validatePageSize(options.last, "last")
    const after = options.after === undefined ? undefined : yield* Validation.validateNonEmpty(options.after, "after")
    const before = options.before === undefined ? undefined : yield* Validation.validateNonEmpty(options.before, "before")
    return { first, last, after, before, filter: options.filter }
  })

/**
 * Maps the friendly `stream` options onto the API's `TransactionFilter`.
 * Returns `undefined` when nothing is selected.
 */
const toFilter = (options: StreamOptions) =>
  Effect.gen(function*() {
    const friendly = [
      options.bookedFrom,
      options.bookedBefore,
      options.minAmount,
      options.maxAmount,
      options.iban,
      options.search
    ].some((value) => value !== undefined)
    if (options.filter !== undefined) {
      if (friendly) {
        return yield* new InvalidInput({
          field: "filter",
          reason: "filter cannot be combined with bookedFrom, bookedBefore, minAmount, maxAmount, iban or search. Put every condition into the filter, or use only the options."
        })
      }
      return options.filter
    }
    if (!friendly) return undefined

    const bookedFrom = options.bookedFrom === undefined ? undefined : yield* Validation.toUtc(options.bookedFrom, "bookedFrom")
    const bookedBefore = options.bookedBefore === undefined
      ? undefined
      : yield* Validation.toUtc(options.bookedBefore, "bookedBefore")
    if (bookedFrom !== undefined && bookedBefore !== undefined && !DateTime.lessThan(bookedFrom, bookedBefore)) {
      return yield* new InvalidInput({
        field: "bookedBefore",
        reason: `${DateTime.formatIso(bookedBefore)} is not after bookedFrom (${DateTime.formatIso(bookedFrom)}). Pass a range whose end comes after its start.`
      })
    }

    const minAmount = options.minAmount === undefined ? undefined : yield* validateCents(options.minAmount, "minAmount")
    const maxAmount = options.maxAmount === undefined ? undefined : yield* validateCents(options.maxAmount, "maxAmount")
    if (minAmount !== undefined && maxAmount !== undefined && minAmount > maxAmount) {
      return yield* new InvalidInput({
        field: "maxAmount",
        reason: `${maxAmount} is less than minAmount (${minAmount}). Amounts are signed cents, so outgoing ranges run from the more negative value up.`
      })
    }

    const iban = options.iban === undefined ? undefined : yield* Iban.validate(options.iban, "iban")
    const search = options.search === undefined ? undefined : (yield* Validation.validateNonEmpty(options.search, "search")).trim()

    const filter: TransactionFilter = {
      ...(bookedFrom === undefined ? {} : { bookingDate_gte: DateTime.formatIso(bookedFrom) }),
      ...(bookedBefore === undefined ? {} : { bookingDate_lt: DateTime.formatIso(bookedBefore) }),
      ...(minAmount === undefined ? {} : { amount_gte: minAmount }),
      ...(maxAmount === undefined ? {} : { amount_lte: maxAmount }),
      ...(iban === undefined ? {} : { iban_eq: iban }),
      ...(search === undefined ? {} : { conditions: [{ operator: "OR", name_like: search, purpose_like: search }] })
    }
    return filter
  })

/**
 * Builds the service on top of `GraphQL`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, GraphQL> = Effect.gen(function*() {
  const graphql = yield* GraphQL

  const fetchPage = (variables: {
    readonly first: number | undefined
    readonly last: number | undefined
    readonly after: string | undefined
    readonly before: string | undefined
    readonly filter: TransactionFilter | undefined
  }) =>
    graphql.execute(pageDocument, variables, PageResponse).pipe(
      Effect.flatMap(Validation.requireMainAccount),
      Effect.map(({ transactions }): Page => ({
        items: transactions.edges.map((edge) => edge.node),
        pageInfo: transactions.pageInfo
      }))
    )

  const page = Effect.fn("Kontist.Transactions.page")(function*(options: PageOptions = {}) {
    const variables = yield* validatePageOptions(options)
    yield* Effect.annotateCurrentSpan({
      "kontist.page.first": variables.first,
      "kontist.page.last": variables.last,
      "kontist.page.filtered": variables.filter !== undefined
    })
    return yield* fetchPage(variables)
  })

  const stream = (options: StreamOptions = {}): Stream.Stream<Transaction, KontistError> =>
    Stream.unwrap(
      Effect.gen(function*() {
        const first = yield* Validation.validatePageSize(options.pageSize ?? Validation.maxPageSize, "pageSize")
        const start: Option.Option<string> = options.after === undefined
          ? Option.none()
          : Option.some(yield* Validation.validateNonEmpty(options.after, "after"))
        const filter = yield* toFilter(options)

        // The state is the cursor to continue after: `None` for the newest transaction.
        return Stream.paginateChunkEffect(start, (after) =>
          Effect.gen(function*() {
            const cursor = Option.getOrUndefined(after)
            const { items, pageInfo } = yield* fetchPage({ first, last: undefined, after: cursor, before: undefined, filter })
            if (!pageInfo.hasNextPage) {
              return [Chunk.unsafeFromArray(items), Option.none()] as const
            }
            // Without a new cursor the next request would repeat this one forever.
            if (pageInfo.endCursor === undefined || pageInfo.endCursor === cursor) {
              return yield* new ResponseError({
                reason: "UnexpectedBody",
                request: "POST /api/graphql (TransactionsPage)",
                description: `the API reported hasNextPage but ${
                  pageInfo.endCursor === undefined ? "no endCursor" : "the same endCursor as the previous page"
                }, so the stream cannot continue. Retry the stream, and report this to Kontist if it repeats.`
              })
            }
            return [Chunk.unsafeFromArray(items), Option.some(Option.some(pageInfo.endCursor))] as const
          }))
      })
    ).pipe(Stream.withSpan("Kontist.Transactions.stream"))

  const get = Effect.fn("Kontist.Transactions.get")(function*(id: string) {
    const validId = yield* Validation.validateNonEmpty(id, "id")
    const account = yield* graphql.execute(getDocument, { id: validId }, GetResponse).pipe(
      Effect.flatMap(Validation.requireMainAccount)
    )
    return Option.fromNullable(account.transaction)
  })

  return Transactions.of({ page, stream, get })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Transactions, never, GraphQL> = Layer.effect(Transactions, make)
