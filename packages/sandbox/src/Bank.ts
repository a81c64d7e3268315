/**
 * The sandbox's bank: one user (Lena Schulz) with one account, its booked
 * transactions, transfers awaiting SMS confirmation, the SMS outbox and the
 * `newTransaction` event feed.
 *
 * Everything here is synchronous and in memory. The GraphQL layer maps
 * {@link BankError} to GraphQL errors with `extensions: { status, type }`.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { BankError } from "./BankError.js"
import { type Dataset, generateDataset, type TransactionRecord } from "./Dataset.js"
import { germanIban } from "./Iban.js"
import { type Connection, insertNewestFirst, type PageArgs, paginate } from "./Pagination.js"
import { compileFilter, type TransactionFilter } from "./TransactionFilter.js"
import * as Transfers from "./Transfers.js"

export type { TransactionRecord } from "./Dataset.js"
export { BankError } from "./BankError.js"
export { type Connection, MAX_PAGE_SIZE, type PageArgs, paginate } from "./Pagination.js"
export { compileFilter, type TransactionFilter } from "./TransactionFilter.js"
export type {
  BatchTransferRecord,
  ConfirmationRequest,
  Reoccurrence,
  SmsMessage,
  TransferInput,
  TransferRecord,
  TransferType
} from "./Transfers.js"

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category models
 */
export interface BankOptions {
  /** Data set seed. Default 42. */
  readonly seed?: number | undefined
  /** Number of generated transactions. Default 5,000. */
  readonly transactions?: number | undefined
  /** End of the generated two-year history. Default: the current time. */
  readonly now?: Date | undefined
  /** Time source for new bookings, SMS timestamps and `executeAt` checks. Default: the system clock. */
  readonly clock?: (() => Date) | undefined
}

/**
 * Totals over the booked transactions.
 *
 * @since 0.1.0
 * @category models
 */
export interface DatasetTotals {
  readonly count: number
  readonly sumCents: number
  readonly balanceCents: number
}

/**
 * The sandbox user, with the scalar fields of the schema's `User` type that the sandbox serves.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserProfile {
  readonly publicId: string
  readonly email: string
  readonly createdAt: string
  readonly firstName: string
  readonly lastName: string
  readonly gender: string
  readonly birthDate: string
  readonly birthPlace: string
  readonly nationality: string
  readonly street: string
  readonly postCode: string
  readonly city: string
  readonly country: string
  readonly mobileNumber: string
  readonly language: string
  readonly businessPurpose: string
  readonly businessTradingName: string
  readonly economicSector: string
  readonly businessType: string
  readonly companyType: string
  readonly isSelfEmployed: boolean
  readonly isUSPerson: boolean
  readonly accountState: string
  readonly identificationStatus: string
  readonly vatPaymentFrequency: string
  readonly taxPaymentFrequency: string
  readonly vatRate: string
  readonly cardHolderRepresentation: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface AccountInfo {
  readonly publicId: string
  readonly createdAt: string
  readonly iban: string
  readonly bic: string
}

/**
 * Input of {@link Bank.injectTransaction}: money arriving from (amount > 0)
 * or leaving to (amount < 0) the given counterparty.
 *
 * @since 0.1.0
 * @category models
 */
export interface InjectTransactionInput {
  readonly amount: number
  readonly name: string
  readonly iban: string
  readonly purpose: string
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

const SANDBOX_BIC = "SOBKDEBBXXX"

const LENA: UserProfile = {
  publicId: "9c3e6b1e-4f1a-4c52-9b6d-5a1f0e7d2c41",
  email: "lena.schulz@example.com",
  createdAt: "2021-03-15T09:12:44.000Z",
  firstName: "Lena",
  lastName: "Schulz",
  gender: "FEMALE",
  birthDate: "1990-06-21T00:00:00.000Z",
  birthPlace: "Leipzig",
  nationality: "DE",
  street: "Weserstraße 12",
  postCode: "12047",
  city: "Berlin",
  country: "DE",
  mobileNumber: "+4917612345678",
  language: "de",
  businessPurpose: "Grafik- und UX-Design für kleine Unternehmen und Kulturprojekte",
  businessTradingName: "Lena Schulz Design",
  economicSector: "Freie Berufe",
  businessType: "SELF_EMPLOYED",
  companyType: "FREIBERUFLER",
  isSelfEmployed: true,
  isUSPerson: false,
  accountState: "PREMIUM",
  identificationStatus: "SUCCESSFUL",
  vatPaymentFrequency: "QUARTERLY",
  taxPaymentFrequency: "QUARTERLY",
  vatRate: "VAT_19",
  cardHolderRepresentation: "LENA SCHULZ"
}

const LENAS_ACCOUNT: AccountInfo = {
  publicId: "4b0f2a7e-8d3c-4e61-a2f5-0c9d8e7b6a53",
  createdAt: "2021-03-15T09:31:02.000Z",
  // 11010100 is the bank code of Solaris, the bank behind Kontist accounts.
  iban: germanIban("11010100", "4207150000"),
  bic: SANDBOX_BIC
}

// ---------------------------------------------------------------------------
// Bank
// ---------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category models
 */
export interface Bank extends Transfers.Transfers {
  readonly user: UserProfile
  readonly account: AccountInfo
  /** The generated history the bank started from. */
  readonly initialDataset: Dataset
  /** Booked balance in cents. */
  balance(): number
  /** Balance available for payments, in cents. Equals {@link Bank.balance}: the sandbox has no pending card holds. */
  availableBalance(): number
  dataset(): DatasetTotals
  /** Booked transactions, newest first. */
  transactions(): ReadonlyArray<TransactionRecord>
  transaction(id: string): TransactionRecord | undefined
  /** One relay page of the transactions that match `filter`, newest first. */
  transactionPage(filter: TransactionFilter | null | undefined, args: PageArgs): Connection<TransactionRecord>
  /** Books a transaction from a counterparty and publishes it to `newTransaction` subscribers. */
  injectTransaction(input: InjectTransactionInput): TransactionRecord
  /**
   * Calls `listener` for each new booking, in a later macrotask so that the
   * response to the request that caused it is sent first. Returns the function
   * that unsubscribes.
   */
  onTransaction(listener: (transaction: TransactionRecord) => void): () => void
}

/**
 * Creates a bank holding a freshly generated data set.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: BankOptions = {}): Bank => {
  const clock = options.clock ?? (() => new Date())
  const initialDataset = generateDataset({ seed: options.seed, transactions: options.transactions, now: options.now })

  // Newest first, like Dataset.transactions.
  const transactions: Array<TransactionRecord> = [...initialDataset.transactions]
  const transactionsById = new Map(transactions.map((t) => [t.id, t]))
  let balance = initialDataset.openingBalanceCents + transactions.reduce((sum, t) => sum + t.amount, 0)
  let nextSeq = transactions.length + 1

  const listeners = new Set<(transaction: TransactionRecord) => void>()

  const publish = (transaction: TransactionRecord): void => {
    setTimeout(() => {
      for (const listener of [...listeners]) {
        try {
          listener(transaction)
        } catch (error) {
          console.error(`Sandbox: a newTransaction listener failed for transaction ${transaction.id}`, error)
        }
      }
    }, 0)
  }

  const book = (entry: Transfers.Booking): TransactionRecord => {
    const now = clock()
    const id = randomUUID()
    const bookingDate = now.toISOString()
    const transaction: TransactionRecord = {
      id,
      amount: entry.amount,
      iban: entry.iban,
      name: entry.name,
      purpose: entry.purpose,
      description: entry.purpose ?? entry.name,
      type: "SEPA_CREDIT_TRANSFER",
      source: "SOLARIS",
      bookingDate,
      valutaDate: bookingDate,
      createdAt: bookingDate,
      e2eId: entry.e2eId ?? `E2E-${id.slice(0, 8).toUpperCase()}`,
      mandateNumber: null,
      merchantCountryCode: null,
      merchantCategoryCode: null,
      paymentMethod: "bank_account",
      category: entry.category,
      categorizationType: entry.category === null ? null : "USER",
      categoryCode: null,
      categoryCodeTranslation: null,
      vatCategoryCode: null,
      vatRate: null,
      personalNote: entry.personalNote,
      foreignCurrency: null,
      originalAmount: null,
      bookingTime: now.getTime(),
      valutaTime: now.getTime(),
      seq: nextSeq++
    }
    insertNewestFirst(transactions, transaction)
    transactionsById.set(id, transaction)
    balance += transaction.amount
    publish(transaction)
    return transaction
  }

  const transfers = Transfers.make({ clock, nextSeq: () => nextSeq++, book })

  return {
    user: LENA,
    account: LENAS_ACCOUNT,
    initialDataset,
    balance: () => balance,
    availableBalance: () => balance,
    dataset: () => ({
      count: transactions.length,
      sumCents: transactions.reduce((sum, t) => sum + t.amount, 0),
      balanceCents: balance
    }),
    transactions: () => transactions,
    transaction: (id) => transactionsById.get(id),
    transactionPage: (filter, args) => paginate(transactions, compileFilter(filter), args),

    ...transfers,

    injectTransaction: (input) => {
      if (!Number.isInteger(input.amount) || input.amount === 0 || Math.abs(input.amount) > Transfers.MAX_INT32) {
        throw BankError.badUserInput(`Invalid amount: ${input.amount}. Send a non-zero whole number of cents (positive for incoming money)`)
      }
      return book({
        amount: input.amount,
        name: Transfers.validateRecipient(input.name, "name"),
        iban: Transfers.validateIban(input.iban, "iban"),
        purpose: Transfers.validateText(input.purpose, Transfers.MAX_PURPOSE_LENGTH, "purpose"),
        personalNote: null,
        e2eId: null,
        category: null
      })
    },

    onTransaction: (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    }
  }
}
