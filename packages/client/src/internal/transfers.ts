/**
 * `client.models.transfer`: create and confirm transfers.
 */
import * as Transfers from "@kontist/core/Transfers"
import { Effect, Schema } from "effect"
import type { ClientServices } from "./layer.js"
import type { Runner } from "./runner.js"

/**
 * A transfer for `createOne`: `recipient`, `iban`, `amount` in whole cents
 * (19.99 EUR is 1999) and optional `purpose`, `e2eId`, `personalNote` and
 * `category`. With `executeAt` it is a timed order, and with `executeAt` and
 * `reoccurrence` a standing order. Dates may be ISO 8601 strings.
 *
 * @since 0.1.0
 * @category models
 */
export type TransferInput = Transfers.TransferInput

/**
 * An immediate SEPA transfer for `createMany`.
 *
 * @since 0.1.0
 * @category models
 */
export type SepaTransferInput = Transfers.SepaTransferInput

/**
 * A confirmed transfer as plain JSON: amounts in cents, dates as ISO 8601
 * strings.
 *
 * @since 0.1.0
 * @category models
 */
export type TransferData = typeof Transfers.Transfer.Encoded

/**
 * A confirmed batch of SEPA transfers as plain JSON.
 *
 * @since 0.1.0
 * @category models
 */
export type BatchTransferData = typeof Transfers.BatchTransfer.Encoded

const encodeTransfer = Schema.encodeSync(Transfers.Transfer)
const encodeBatchTransfer = Schema.encodeSync(Transfers.BatchTransfer)

/**
 * SEPA transfers, timed orders and standing orders. Every input is checked
 * before a request is sent (an invalid IBAN rejects with `InvalidInput`),
 * and no mutation is retried.
 *
 * @since 0.1.0
 * @category facades
 */
export class TransferModel {
  readonly #runner: Runner<ClientServices, unknown>

  /** @internal */
  constructor(runner: Runner<ClientServices, unknown>) {
    this.#runner = runner
  }

  /**
   * Creates a transfer and resolves with the confirmation id. The API sends
   * the user an SMS code to pass to `confirmOne`.
   */
  createOne(transfer: TransferInput): Promise<string> {
    const effect = Effect.flatMap(Transfers.Transfers, (transfers) => transfers.createOne(transfer))
    return this.#runner.run("models.transfer.createOne", effect).then((request) => request.confirmationId)
  }

  /**
   * Confirms a transfer with the SMS code. A wrong code rejects with a
   * `GraphQLError` of type `INVALID_AUTHORIZATION_TOKEN`.
   */
  confirmOne(confirmationId: string, authorizationToken: string): Promise<TransferData> {
    const effect = Effect.flatMap(Transfers.Transfers, (transfers) => transfers.confirmOne(confirmationId, authorizationToken))
    return this.#runner.run("models.transfer.confirmOne", effect).then((transfer) => encodeTransfer(transfer))
  }

  /** Creates immediate SEPA transfers as one batch with one SMS code, and resolves with the confirmation id. */
  createMany(transfers: ReadonlyArray<SepaTransferInput>): Promise<string> {
    const effect = Effect.flatMap(Transfers.Transfers, (service) => service.createMany(transfers))
    return this.#runner.run("models.transfer.createMany", effect).then((request) => request.confirmationId)
  }

  /** Confirms a batch created with `createMany`. */
  confirmMany(confirmationId: string, authorizationToken: string): Promise<BatchTransferData> {
    const effect = Effect.flatMap(Transfers.Transfers, (transfers) => transfers.confirmMany(confirmationId, authorizationToken))
    return this.#runner.run("models.transfer.confirmMany", effect).then((batch) => encodeBatchTransfer(batch))
  }
}
