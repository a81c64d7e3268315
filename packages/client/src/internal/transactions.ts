/**
 * `client.models.transaction`: pages, iteration and live updates of the
 * main account's transactions.
 */
import { InvalidInput, type KontistError } from "@kontist/core/KontistError"
import { Subscriptions } from "@kontist/core/Subscriptions"
import * as Transactions from "@kontist/core/Transactions"
import { Effect, Schema, Stream } from "effect"
import type { ClientServices } from "./layer.js"
import type { Runner } from "./runner.js"

/**
 * A transaction as plain JSON, the way the API returns it: amounts in signed
 * cents, dates as ISO 8601 strings, and absent fields for `null`.
 *
 * @since 0.1.0
 * @category models
 */
export type TransactionData = typeof Transactions.Transaction.Encoded

/**
 * Relay page information.
 *
 * @since 0.1.0
 * @category models
 */
export type PageInfo = typeof Transactions.PageInfo.Encoded

/**
 * Arguments of `fetch`: `first` (1 to 50, default 50) with `after` to page
 * forward, or `last` with `before` to page backward, and a `filter`.
 *
 * @since 0.1.0
 * @category models
 */
export type FetchOptions = Transactions.PageOptions

/**
 * One page of results. `nextPage` and `previousPage` exist only when the
 * API reports such a page.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResultPage<Item> {
  readonly items: ReadonlyArray<Item>
  readonly pageInfo: PageInfo
  readonly nextPage?: () => Promise<ResultPage<Item>>
  readonly previousPage?: () => Promise<ResultPage<Item>>
}

/**
 * The handle that `subscribe` returns.
 *
 * @since 0.1.0
 * @category models
 */
export interface Subscription {
  /** Closes the subscription's WebSocket. No callback runs afterwards. */
  readonly unsubscribe: () => void
}

const encodeTransaction = Schema.encodeSync(Transactions.Transaction)
const encodePageInfo = Schema.encodeSync(Transactions.PageInfo)

// The core stream names its page size `pageSize`, but fetchAll's caller passed `first`.
const renamePageSize = (error: KontistError): KontistError =>
  error._tag === "InvalidInput" && error.field === "pageSize"
    ? new InvalidInput({ field: "first", reason: error.reason })
    : error

/** Streams the transactions matching `args` as plain JSON, starting after `args.after` when given. */
const streamAll = (args: FetchOptions): Stream.Stream<TransactionData, KontistError, Transactions.Transactions> => {
  const transactions = Stream.unwrap(Effect.map(Transactions.Transactions, (service) =>
    service.stream({ pageSize: args.first, after: args.after, filter: args.filter }).pipe(
      Stream.mapError(renamePageSize)
    )))
  return Stream.map(transactions, (transaction) => encodeTransaction(transaction))
}

/**
 * The transactions of the main account, newest first.
 *
 * `for await (const transaction of client.models.transaction)` visits every
 * transaction, one request per 50.
 *
 * @since 0.1.0
 * @category facades
 */
export class TransactionModel implements AsyncIterable<TransactionData> {
  readonly #runner: Runner<ClientServices, unknown>

  /** @internal */
  constructor(runner: Runner<ClientServices, unknown>) {
    this.#runner = runner
  }

  /** Fetches one page of transactions: 50, unless `first` or `last` sets another size. */
  fetch(args?: FetchOptions): Promise<ResultPage<TransactionData>> {
    const effect = Effect.flatMap(Transactions.Transactions, (transactions) => transactions.page(args))
    return this.#runner.run("models.transaction.fetch", effect).then((page) => this.#toResultPage(page, args ?? {}))
  }

  /**
   * Iterates over every transaction matching `args.filter`, newest first,
   * starting after `args.after` when given. It requests one page of
   * `args.first` (default 50) when the loop needs it and keeps only that page
   * in memory. Paging backward (`last`, `before`) is for `fetch` only.
   *
   * Rejects with `ResponseError` (`UnexpectedBody`) when a page reports
   * `hasNextPage` without a new `endCursor`, because the next request would
   * repeat the last one. The transactions of that page are not yielded.
   */
  async *fetchAll(args?: FetchOptions): AsyncGenerator<TransactionData, void, undefined> {
    if (args?.last !== undefined || args?.before !== undefined) {
      throw new InvalidInput({
        field: args.last !== undefined ? "last" : "before",
        reason: "fetchAll pages forward with first and after; use fetch({ last, before }) and previousPage() to page backward"
      })
    }

    yield* this.#runner.iterate("models.transaction.fetchAll", streamAll(args ?? {}))
  }

  [Symbol.asyncIterator](): AsyncIterator<TransactionData> {
    return this.fetchAll()
  }

  /**
   * Calls `onNext` with every transaction booked from now on, over a GraphQL
   * subscription (needs the `subscriptions` scope). When the subscription
   * fails, for example because the server closed the socket, or `onNext`
   * throws, it calls `onError` once with the error and ends. Throws
   * `ClientDisposed` after `client.dispose()`.
   */
  subscribe(onNext: (transaction: TransactionData) => void, onError: (error: unknown) => void): Subscription {
    const effect = Effect.flatMap(Subscriptions, (subscriptions) =>
      Stream.runForEach(subscriptions.newTransactions, (transaction) =>
        Effect.sync(() => onNext(encodeTransaction(transaction)))))
    const fiber = this.#runner.fork("models.transaction.subscribe", effect, (error) => onError(error))
    return { unsubscribe: fiber.interrupt }
  }

  #toResultPage(page: Transactions.Page, args: FetchOptions): ResultPage<TransactionData> {
    const pageInfo = encodePageInfo(page.pageInfo)
    const { endCursor, startCursor } = page.pageInfo
    return {
      items: page.items.map((item) => encodeTransaction(item)),
      pageInfo,
      ...(page.pageInfo.hasNextPage && endCursor !== undefined
        ? {
          nextPage: () =>
            this.fetch({ ...args, first: args.first ?? args.last, last: undefined, before: undefined, after: endCursor })
        }
        : {}),
      ...(page.pageInfo.hasPreviousPage && startCursor !== undefined
        ? {
          previousPage: () =>
            this.fetch({ ...args, last: args.last ?? args.first, first: undefined, after: undefined, before: startCursor })
        }
        : {})
    }
  }
}
