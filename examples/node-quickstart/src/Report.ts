/**
 * Totals per month over a stream of transactions, and their text form.
 */
import { Money } from "@kontist/core"
import type { Transaction } from "@kontist/core/Transactions"
import { DateTime, Effect, Stream } from "effect"

export interface MonthTotal {
  /** `YYYY-MM` of the booking date in UTC. */
  readonly month: string
  readonly count: number
  readonly incomingCents: number
  readonly outgoingCents: number
}

export interface Totals {
  readonly count: number
  readonly sumCents: number
  /** Oldest month first. */
  readonly months: ReadonlyArray<MonthTotal>
}

const monthOf = (transaction: Transaction) => DateTime.formatIso(transaction.bookingDate).slice(0, 7)

/**
 * Folds `transactions` into totals, calling `onProgress` with the running
 * count after each page. Only the totals are kept in memory.
 */
export const collectTotals = <E, R>(
  transactions: Stream.Stream<Transaction, E, R>,
  onProgress: (count: number) => Effect.Effect<void>
): Effect.Effect<Totals, E, R> =>
  Effect.gen(function*() {
    const months = new Map<string, { count: number; incomingCents: number; outgoingCents: number }>()
    let count = 0
    let sumCents = 0

    yield* transactions.pipe(
      Stream.runForEachChunk((chunk) => {
        for (const transaction of chunk) {
          const month = monthOf(transaction)
          const total = months.get(month) ?? { count: 0, incomingCents: 0, outgoingCents: 0 }
          total.count += 1
          if (transaction.amount >= 0) {
            total.incomingCents += transaction.amount
          } else {
            total.outgoingCents += transaction.amount
          }
          months.set(month, total)
          count += 1
          sumCents += transaction.amount
        }
        return onProgress(count)
      })
    )

    const sorted = [...months.entries()]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([month, total]) => ({ month, ...total }))
    return { count, sumCents, months: sorted }
  })

const euros = (cents: number) => Money.format(cents, { locale: "en-GB" })

/** Renders the totals as a table with one row per month and a total row. */
export const formatTotals = (totals: Totals): string => {
  const header = ["Month", "Count", "Incoming", "Outgoing", "Net"]
  const rows = totals.months.map((month) => [
    month.month,
    String(month.count),
    euros(month.incomingCents),
    euros(month.outgoingCents),
    euros(month.incomingCents + month.outgoingCents)
  ])
  const incoming = totals.months.reduce((sum, month) => sum + month.incomingCents, 0)
  const outgoing = totals.months.reduce((sum, month) => sum + month.outgoingCents, 0)
  const footer = ["Total", String(totals.count), euros(incoming), euros(outgoing), euros(totals.sumCents)]

  const table = [header, ...rows, footer]
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]?.length ?? 0)))
  const line = (row: ReadonlyArray<string>) =>
    row.map((cell, column) => column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))
      .join("  ")

  return [line(header), ...rows.map(line), line(footer)].join("\n")
}

/** Formats signed cents as euros, such as `-€12.34`. */
export const formatCents = euros

/** Formats a transaction as one line: booking date, amount, counterparty and purpose. */
export const formatTransaction = (transaction: Transaction): string => {
  const date = DateTime.formatIso(transaction.bookingDate).slice(0, 10)
  const counterparty = transaction.name ?? "(no name)"
  const purpose = transaction.purpose === undefined ? "" : `, "${transaction.purpose}"`
  return `${date}  ${euros(transaction.amount)}  ${counterparty}${purpose}`
}
