/**
 * Child process with the micro-benchmarks: IBAN checks and
 * `Transfers.validate` (each call run synchronously with
 * `Effect.runSyncExit`), and the steps of reading one page of transactions:
 * `JSON.parse`, the SDK's Schema decoding, and the Promise client's encoding
 * back to plain JSON. `loadPage` fetches that page from the sandbox, and
 * `run` does no I/O.
 */
import { Agent } from "node:http"
import { performance } from "node:perf_hooks"
import { Iban, Transactions, Transfers } from "@kontist/core"
import { Effect, Exit, Schema } from "effect"
import { serve } from "./ipc.js"
import { summarize, type Summary } from "./stats.js"
import { fetchPage, type PageResponse, passwordGrant } from "./targets/raw.js"
import type { Setup } from "./targets/target.js"

export interface MicroResult {
  readonly name: string
  /** Calls per second, over `batches` batches of `callsPerBatch` calls. */
  readonly callsPerSecond: Summary
  readonly callsPerBatch: number
  /** Whether the call succeeded. A case meant to measure the failure path must fail, or its numbers measure something else. */
  readonly succeeded: boolean
}

const validIban = "DE89 3704 0044 0532 0130 00"
// The same IBAN with its last digit changed, so the checksum is wrong.
const wrongChecksumIban = "DE89 3704 0044 0532 0130 01"

const transfer: Transfers.TransferInput = {
  recipient: "Jonas Becker",
  iban: validIban,
  amount: 1234,
  purpose: "Rechnung 2024-117, Kundennummer 4711",
  e2eId: "INV-2024-117"
}

interface Case {
  readonly name: string
  /** Runs one call and returns whether it succeeded. */
  readonly run: () => boolean
}

const validationCases: ReadonlyArray<Case> = [
  { name: "Iban.isValid (plain function), valid IBAN", run: () => Iban.isValid(validIban) },
  { name: "Iban.validate, valid IBAN", run: () => Exit.isSuccess(Effect.runSyncExit(Iban.validate(validIban, "iban"))) },
  { name: "Iban.validate, wrong checksum", run: () => Exit.isSuccess(Effect.runSyncExit(Iban.validate(wrongChecksumIban, "iban"))) },
  { name: "Transfers.validate, SEPA transfer", run: () => Exit.isSuccess(Effect.runSyncExit(Transfers.validate(transfer))) }
]

const decodeTransactions = Schema.decodeUnknownEither(Schema.Array(Transactions.Transaction))
// `@kontist/client` encodes each decoded transaction back to plain JSON with this.
const encodeTransaction = Schema.encodeSync(Transactions.Transaction)

/** Cases for one page of transactions as the sandbox sent it. */
const pageCases = (body: string): ReadonlyArray<Case> => {
  const nodes = (JSON.parse(body) as PageResponse).data!.viewer.mainAccount.transactions.edges.map((edge) => edge.node)
  const size = `${(Buffer.byteLength(body) / 1024).toFixed(0)} KiB`
  const decoded = decodeTransactions(nodes)
  if (decoded._tag === "Left") {
    throw new Error(`The sandbox's page does not decode as Transaction: ${decoded.left.message}`)
  }
  return [
    { name: `JSON.parse of one page body (${nodes.length} transactions, ${size})`, run: () => JSON.parse(body) !== undefined },
    { name: `Schema decode of one page (${nodes.length} \`Transaction\`s, already parsed)`, run: () => decodeTransactions(nodes)._tag === "Right" },
    {
      name: `Schema encode of one page (${nodes.length} \`Transaction\`s, one by one)`,
      run: () => decoded.right.every((transaction) => encodeTransaction(transaction) !== undefined)
    }
  ]
}

let pageBody: string | undefined

/** Runs `run` `calls` times and returns the elapsed milliseconds. */
const time = (run: () => boolean, calls: number): number => {
  const started = performance.now()
  for (let i = 0; i < calls; i++) run()
  return performance.now() - started
}

const measure = (benchmark: Case, batches: number, batchMilliseconds: number): MicroResult => {
  const succeeded = benchmark.run()

  // Warm up, and grow the batch until one takes at least batchMilliseconds.
  let calls = 1_000
  while (time(benchmark.run, calls) < batchMilliseconds) calls *= 2

  const rates: Array<number> = []
  for (let batch = 0; batch < batches; batch++) {
    rates.push(calls / (time(benchmark.run, calls) / 1_000))
  }
  return { name: benchmark.name, callsPerSecond: summarize(rates), callsPerBatch: calls, succeeded }
}

serve({
  loadPage: async (setup: Setup) => {
    const agent = new Agent({ keepAlive: false })
    pageBody = await fetchPage(agent, setup, await passwordGrant(agent, setup), undefined)
  },
  run: (params: { readonly batches: number; readonly batchMilliseconds: number }): ReadonlyArray<MicroResult> => {
    const cases = pageBody === undefined ? validationCases : [...validationCases, ...pageCases(pageBody)]
    return cases.map((benchmark) => measure(benchmark, params.batches, params.batchMilliseconds))
  }
})
