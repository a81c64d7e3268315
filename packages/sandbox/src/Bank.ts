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
import { randomInt, randomUUID } from "node:crypto"
import {
  type Dataset,
  generateDataset,
  germanIban,
  isValidIban,
  normalizeIban,
  type TransactionRecord
} from "./Dataset.js"

export type { TransactionRecord } from "./Dataset.js"

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
 * A message in the SMS outbox.
 *
 * @since 0.1.0
 * @category models
 */
export interface SmsMessage {
  readonly confirmationId: string
  /** The 6-digit code the user types as `authorizationToken`. */
  readonly code: string
  readonly text: string
  readonly createdAt: string
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

/** A `TransferType` value. */
export type TransferType = "SEPA_TRANSFER" | "STANDING_ORDER" | "TIMED_ORDER" | "INSTANT_CREDIT_TRANSFER"

/** A `StandingOrderReoccurrenceType` value. */
export type Reoccurrence = "MONTHLY" | "QUARTERLY" | "EVERY_SIX_MONTHS" | "ANNUALLY" | "BIWEEKLY" | "WEEKLY"

/**
 * The fields of the schema's `CreateTransferInput` (and, without the order
 * fields, `CreateSepaTransferInput`). Dates arrive as `Date`.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransferInput {
  readonly recipient: string
  readonly iban: string
  readonly amount: number
  readonly executeAt?: Date | null | undefined
  readonly lastExecutionDate?: Date | null | undefined
  readonly purpose?: string | null | undefined
  readonly personalNote?: string | null | undefined
  readonly e2eId?: string | null | undefined
  readonly reoccurrence?: Reoccurrence | null | undefined
  readonly category?: string | null | undefined
  readonly userSelectedBookingDate?: Date | null | undefined
  readonly type?: TransferType | null | undefined
  readonly reference?: string | null | undefined
}

/**
 * A confirmed transfer, with the fields of the schema's `Transfer` type.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransferRecord {
  readonly id: string
  readonly uuid: string
  readonly type: TransferType
  readonly recipient: string
  readonly iban: string
  /** Positive cents. */
  readonly amount: number
  /** A `TransferStatus` value. */
  readonly status: string
  readonly executeAt: string | null
  readonly lastExecutionDate: string | null
  readonly purpose: string | null
  readonly personalNote: string | null
  readonly e2eId: string | null
  readonly reoccurrence: Reoccurrence | null
  readonly nextOccurrence: string | null
  readonly category: string | null
  readonly userSelectedBookingDate: string | null
  readonly reference: string | null
  readonly createdAt: string
  /** `createdAt` in epoch milliseconds, for sorting. */
  readonly bookingTime: number
  readonly seq: number
}

/**
 * A confirmed batch, with the fields of the schema's `BatchTransfer` type.
 *
 * @since 0.1.0
 * @category models
 */
export interface BatchTransferRecord {
  readonly id: string
  /** A `BatchTransferStatus` value. */
  readonly status: string
  readonly transfers: ReadonlyArray<TransferRecord>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ConfirmationRequest {
  readonly confirmationId: string
  readonly stringToSign: null
}

/**
 * A `TransactionFilter` or `TransactionCondition` input. DateTime fields
 * arrive as `Date`; `null` means the same as an absent field.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransactionFilter {
  readonly operator?: "AND" | "OR" | null | undefined
  readonly conditions?: ReadonlyArray<TransactionFilter> | null | undefined
  readonly [predicate: string]: unknown
}

/**
 * Relay pagination arguments.
 *
 * @since 0.1.0
 * @category models
 */
export interface PageArgs {
  readonly first?: number | null | undefined
  readonly after?: string | null | undefined
  readonly last?: number | null | undefined
  readonly before?: string | null | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Connection<A> {
  readonly edges: ReadonlyArray<{ readonly node: A; readonly cursor: string }>
  readonly pageInfo: {
    readonly startCursor: string | null
    readonly endCursor: string | null
    readonly hasNextPage: boolean
    readonly hasPreviousPage: boolean
  }
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

/**
 * A failure the client caused or can act on, carried to the GraphQL error's
 * `extensions` as `{ status, type }`.
 *
 * @since 0.1.0
 * @category errors
 */
export class BankError extends Error {
  override readonly name = "BankError"
  constructor(
    message: string,
    readonly status: number,
    readonly type: string
  ) {
    super(message)
  }

  static badUserInput(message: string): BankError {
    return new BankError(message, 400, "BAD_USER_INPUT")
  }

  static invalidAuthorizationToken(message: string): BankError {
    return new BankError(message, 400, "INVALID_AUTHORIZATION_TOKEN")
  }

  static notImplemented(message: string): BankError {
    return new BankError(message, 501, "NOT_IMPLEMENTED")
  }
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

/** Largest page the API serves, for `first` and `last`. */
export const MAX_PAGE_SIZE = 50
const MAX_PURPOSE_LENGTH = 140
const MAX_PERSONAL_NOTE_LENGTH = 250
/** SEPA limits: 70 characters for a name, 35 for an end-to-end id. */
const MAX_RECIPIENT_LENGTH = 70
const MAX_E2E_ID_LENGTH = 35
const MAX_INT32 = 2_147_483_647
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
// Pagination
// ---------------------------------------------------------------------------

/** Anything listed newest first: `bookingTime` descending, then `seq` descending. */
interface Sortable {
  readonly bookingTime: number
  readonly seq: number
}

interface SortKey {
  readonly time: number
  readonly seq: number
}

const CURSOR_PREFIX = "cursor:v1:"

/** Cursors are opaque to clients: base64url of the item's sort key. */
const encodeCursor = (item: Sortable): string =>
  Buffer.from(`${CURSOR_PREFIX}${item.bookingTime}:${item.seq}`, "utf8").toString("base64url")

const decodeCursor = (cursor: string, argument: string): SortKey => {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8")
  const match = decoded.startsWith(CURSOR_PREFIX) ? /^(-?\d+):(\d+)$/.exec(decoded.slice(CURSOR_PREFIX.length)) : null
  if (match === null) {
    throw BankError.badUserInput(`Invalid cursor in "${argument}": use a cursor from a previous page of the same list`)
  }
  return { time: Number(match[1]), seq: Number(match[2]) }
}

/** Whether `item` comes after `key` in newest-first order. */
const isAfterKey = (item: Sortable, key: SortKey): boolean =>
  item.bookingTime < key.time || (item.bookingTime === key.time && item.seq < key.seq)

/** Index of the first item for which `test` holds; `test` must be monotone over `items`. */
const firstIndexWhere = <A>(items: ReadonlyArray<A>, test: (item: A) => boolean): number => {
  let low = 0
  let high = items.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (test(items[middle]!)) high = middle
    else low = middle + 1
  }
  return low
}

const validatePageSize = (value: number | null | undefined, argument: string): number | undefined => {
  if (value === null || value === undefined) return undefined
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    throw BankError.badUserInput(`Invalid "${argument}": ${value}. Request between 0 and ${MAX_PAGE_SIZE} items per page`)
  }
  return value
}

/**
 * Returns one relay page of the matching items of a newest-first list.
 *
 * `hasNextPage` and `hasPreviousPage` tell whether matching items exist beyond
 * the page in either direction, whichever of `first`/`last` was used.
 * Without `first` and `last` the page holds up to {@link MAX_PAGE_SIZE} items.
 */
export const paginate = <A extends Sortable>(
  items: ReadonlyArray<A>,
  matches: (item: A) => boolean,
  args: PageArgs
): Connection<A> => {
  let first = validatePageSize(args.first, "first")
  const last = validatePageSize(args.last, "last")
  const afterKey = args.after === null || args.after === undefined ? undefined : decodeCursor(args.after, "after")
  const beforeKey = args.before === null || args.before === undefined ? undefined : decodeCursor(args.before, "before")
  if (first === undefined && last === undefined) first = MAX_PAGE_SIZE

  // The window between the cursors: [start, end).
  const start = afterKey === undefined ? 0 : firstIndexWhere(items, (item) => isAfterKey(item, afterKey))
  const end = beforeKey === undefined
    ? items.length
    : firstIndexWhere(items, (item) => isAfterKey(item, beforeKey) || (item.bookingTime === beforeKey.time && item.seq === beforeKey.seq))

  const selected: Array<number> = []
  if (first !== undefined) {
    for (let i = start; i < end && selected.length < first; i++) if (matches(items[i]!)) selected.push(i)
    if (last !== undefined && selected.length > last) selected.splice(0, selected.length - last)
  } else if (last !== undefined) {
    for (let i = end - 1; i >= start && selected.length < last; i--) if (matches(items[i]!)) selected.unshift(i)
  }

  // With an empty page, the neighbours are judged from the window's edges.
  const lowest = selected[0] ?? (first !== undefined ? start : end)
  const highest = selected[selected.length - 1] ?? lowest - 1
  let hasPreviousPage = false
  for (let i = lowest - 1; i >= 0 && !hasPreviousPage; i--) hasPreviousPage = matches(items[i]!)
  let hasNextPage = false
  for (let i = highest + 1; i < items.length && !hasNextPage; i++) hasNextPage = matches(items[i]!)

  const edges = selected.map((index) => {
    const node = items[index]!
    return { node, cursor: encodeCursor(node) }
  })
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
      hasNextPage,
      hasPreviousPage
    }
  }
}

// ---------------------------------------------------------------------------
// Transaction filters
// ---------------------------------------------------------------------------

type FieldValue = string | number | null

/** Values that filters compare, by the field name used in `TransactionFilter`. */
const FILTER_FIELDS: Readonly<Record<string, (transaction: TransactionRecord) => FieldValue>> = {
  amount: (t) => t.amount,
  iban: (t) => (t.iban === null ? null : normalizeIban(t.iban)),
  type: (t) => t.type,
  valutaDate: (t) => t.valutaTime,
  source: (t) => t.source,
  bookingDate: (t) => t.bookingTime,
  name: (t) => t.name,
  category: (t) => t.category,
  purpose: (t) => t.purpose,
  categoryCode: (t) => t.categoryCode,
  vatCategoryCode: (t) => t.vatCategoryCode
}

/** Collections the sandbox never fills: splits, assets and VAT assets are always empty. */
const EMPTY_COLLECTIONS: ReadonlySet<string> = new Set(["splits", "assets", "vatAssets"])

type Predicate = (transaction: TransactionRecord) => boolean

/** Turns a filter value into the representation `FILTER_FIELDS` returns. */
const comparable = (field: string, value: unknown, key: string): FieldValue => {
  if (value instanceof Date) return value.getTime()
  if (typeof value === "number") return value
  if (typeof value === "string") {
    if (field === "bookingDate" || field === "valutaDate") {
      const time = Date.parse(value)
      if (Number.isNaN(time)) throw BankError.badUserInput(`Invalid date in filter field "${key}": ${value}`)
      return time
    }
    return field === "iban" ? normalizeIban(value) : value
  }
  throw BankError.badUserInput(`Invalid value in filter field "${key}"`)
}

/**
 * Compiles a `_like` pattern: a case-insensitive substring match in which `%`
 * stands for any run of characters.
 */
const likeMatcher = (pattern: string): ((value: string) => boolean) => {
  if (!pattern.includes("%")) {
    const needle = pattern.toLowerCase()
    return (value) => value.toLowerCase().includes(needle)
  }
  const source = pattern
    .split("%")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*")
  const regex = new RegExp(source, "is")
  return (value) => regex.test(value)
}

const compilePredicate = (key: string, value: unknown): Predicate => {
  const separator = key.lastIndexOf("_")
  const field = key.slice(0, separator)
  const op = key.slice(separator + 1)

  if (op === "exist") {
    if (typeof value !== "boolean") throw BankError.badUserInput(`Invalid value in filter field "${key}": expected a boolean`)
    if (EMPTY_COLLECTIONS.has(field)) return () => value === false
    const read = FILTER_FIELDS[field]
    if (read === undefined) throw BankError.badUserInput(`Unknown filter field "${key}"`)
    return (t) => (read(t) !== null) === value
  }

  const read = FILTER_FIELDS[field]
  if (separator <= 0 || read === undefined) throw BankError.badUserInput(`Unknown filter field "${key}"`)

  switch (op) {
    case "eq": {
      const expected = comparable(field, value, key)
      return (t) => read(t) === expected
    }
    case "ne": {
      const expected = comparable(field, value, key)
      return (t) => read(t) !== expected
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const bound = comparable(field, value, key)
      if (typeof bound !== "number") throw BankError.badUserInput(`Invalid value in filter field "${key}": expected a number or date`)
      return (t) => {
        const actual = read(t)
        if (typeof actual !== "number") return false
        if (op === "gt") return actual > bound
        if (op === "gte") return actual >= bound
        if (op === "lt") return actual < bound
        return actual <= bound
      }
    }
    case "in": {
      if (!Array.isArray(value)) throw BankError.badUserInput(`Invalid value in filter field "${key}": expected a list`)
      const allowed = new Set(value.map((item: unknown) => comparable(field, item, key)))
      return (t) => {
        const actual = read(t)
        return actual !== null && allowed.has(actual)
      }
    }
    case "like":
    case "likeAny": {
      const patterns = op === "like" ? [value] : value
      if (!Array.isArray(patterns) || patterns.some((pattern) => typeof pattern !== "string")) {
        throw BankError.badUserInput(`Invalid value in filter field "${key}": expected ${op === "like" ? "a string" : "a list of strings"}`)
      }
      const matchers = (patterns as ReadonlyArray<string>).map((pattern) =>
        likeMatcher(field === "iban" ? normalizeIban(pattern) : pattern)
      )
      return (t) => {
        const actual = read(t)
        return typeof actual === "string" && matchers.some((matcher) => matcher(actual))
      }
    }
    default:
      throw BankError.badUserInput(`Unknown filter field "${key}"`)
  }
}

/**
 * Compiles a `TransactionFilter` into a predicate.
 *
 * The filter's own fields and each entry of `conditions` (evaluated the same
 * way, recursively) are combined with `operator`: AND by default, or OR. Fields
 * set to `null` are ignored, and a filter without any field matches everything.
 *
 * @since 0.1.0
 * @category filters
 */
export const compileFilter = (filter: TransactionFilter | null | undefined): Predicate => {
  if (filter === null || filter === undefined) return () => true
  const parts: Array<Predicate> = []
  for (const [key, value] of Object.entries(filter)) {
    if (key === "operator" || key === "conditions" || value === null || value === undefined) continue
    parts.push(compilePredicate(key, value))
  }
  for (const condition of filter.conditions ?? []) parts.push(compileFilter(condition))

  if (parts.length === 0) return () => true
  if (filter.operator === "OR") return (t) => parts.some((part) => part(t))
  return (t) => parts.every((part) => part(t))
}

// ---------------------------------------------------------------------------
// Transfer validation
// ---------------------------------------------------------------------------

interface ValidTransfer {
  readonly type: TransferType
  readonly recipient: string
  readonly iban: string
  readonly amount: number
  readonly executeAt: Date | null
  readonly lastExecutionDate: Date | null
  readonly purpose: string | null
  readonly personalNote: string | null
  readonly e2eId: string | null
  readonly reoccurrence: Reoccurrence | null
  readonly category: string | null
  readonly userSelectedBookingDate: Date | null
  readonly reference: string | null
}

const validateIban = (iban: string, path: string): string => {
  if (!isValidIban(iban)) {
    throw BankError.badUserInput(`Invalid ${path}: "${iban}" is not a valid IBAN (wrong length, characters or mod-97 check digits)`)
  }
  return normalizeIban(iban)
}

const validateAmount = (amount: number, path: string): number => {
  if (!Number.isInteger(amount) || amount <= 0 || amount > MAX_INT32) {
    throw BankError.badUserInput(`Invalid ${path}: ${amount}. Send a positive whole number of cents (1234 for 12.34 EUR)`)
  }
  return amount
}

const validateText = (value: string | null | undefined, max: number, path: string): string | null => {
  if (value === null || value === undefined) return null
  if (value.length > max) throw BankError.badUserInput(`Invalid ${path}: ${value.length} characters, at most ${max} allowed`)
  return value
}

const validateRecipient = (recipient: string, path: string): string => {
  const trimmed = recipient.trim()
  if (trimmed.length === 0) throw BankError.badUserInput(`Invalid ${path}: the recipient name is empty`)
  validateText(trimmed, MAX_RECIPIENT_LENGTH, path)
  return trimmed
}

/** Infers the transfer type as the API does: `reoccurrence` makes a standing order, `executeAt` alone a timed order. */
const transferTypeOf = (input: TransferInput): TransferType => {
  if (input.type !== null && input.type !== undefined) return input.type
  if (input.reoccurrence !== null && input.reoccurrence !== undefined) return "STANDING_ORDER"
  if (input.executeAt !== null && input.executeAt !== undefined) return "TIMED_ORDER"
  return "SEPA_TRANSFER"
}

const validateTransfer = (input: TransferInput, now: Date, path: string): ValidTransfer => {
  const type = transferTypeOf(input)
  const executeAt = input.executeAt ?? null
  const lastExecutionDate = input.lastExecutionDate ?? null
  const reoccurrence = input.reoccurrence ?? null

  if (type === "INSTANT_CREDIT_TRANSFER") {
    throw BankError.notImplemented("The sandbox does not implement instant credit transfers: send a SEPA_TRANSFER")
  }
  if (type === "SEPA_TRANSFER" && (executeAt !== null || reoccurrence !== null)) {
    throw BankError.badUserInput(`Invalid ${path}: a SEPA_TRANSFER takes neither executeAt nor reoccurrence`)
  }
  if (type === "TIMED_ORDER" && (executeAt === null || reoccurrence !== null)) {
    throw BankError.badUserInput(`Invalid ${path}: a TIMED_ORDER needs executeAt and no reoccurrence`)
  }
  if (type === "STANDING_ORDER" && (executeAt === null || reoccurrence === null)) {
    throw BankError.badUserInput(`Invalid ${path}: a STANDING_ORDER needs executeAt (the first execution) and reoccurrence`)
  }
  if (executeAt !== null && executeAt.getTime() <= now.getTime()) {
    throw BankError.badUserInput(`Invalid ${path}.executeAt: ${executeAt.toISOString()} is not in the future`)
  }
  if (lastExecutionDate !== null) {
    if (type !== "STANDING_ORDER") throw BankError.badUserInput(`Invalid ${path}.lastExecutionDate: only standing orders have one`)
    if (executeAt !== null && lastExecutionDate.getTime() <= executeAt.getTime()) {
      throw BankError.badUserInput(`Invalid ${path}.lastExecutionDate: it must be after executeAt`)
    }
  }

  return {
    type,
    recipient: validateRecipient(input.recipient, `${path}.recipient`),
    iban: validateIban(input.iban, `${path}.iban`),
    amount: validateAmount(input.amount, `${path}.amount`),
    executeAt,
    lastExecutionDate,
    purpose: validateText(input.purpose, MAX_PURPOSE_LENGTH, `${path}.purpose`),
    personalNote: validateText(input.personalNote, MAX_PERSONAL_NOTE_LENGTH, `${path}.personalNote`),
    e2eId: validateText(input.e2eId, MAX_E2E_ID_LENGTH, `${path}.e2eId`),
    reoccurrence,
    category: input.category ?? null,
    userSelectedBookingDate: input.userSelectedBookingDate ?? null,
    reference: input.reference ?? null
  }
}

/** Formats cents as German euros for SMS texts: 1234 → "12,34 EUR". */
const formatEuros = (cents: number): string =>
  `${(cents / 100).toLocaleString("de-DE", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} EUR`

// ---------------------------------------------------------------------------
// Bank
// ---------------------------------------------------------------------------

interface PendingConfirmation {
  readonly id: string
  readonly kind: "single" | "batch"
  readonly transfers: ReadonlyArray<ValidTransfer>
  readonly code: string
  confirmed: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Bank {
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
  /** Creates a transfer awaiting confirmation and sends its code to the SMS outbox. */
  createTransfer(input: TransferInput): ConfirmationRequest
  /** Confirms a transfer once; a SEPA transfer is booked at once and published shortly after. */
  confirmTransfer(confirmationId: string, authorizationToken: string): TransferRecord
  /** Creates a batch of SEPA transfers awaiting one confirmation. */
  createTransfers(inputs: ReadonlyArray<TransferInput>): ConfirmationRequest
  confirmTransfers(confirmationId: string, authorizationToken: string): BatchTransferRecord
  /** One relay page of the confirmed transfers of a type, newest first, optionally with one status. */
  transferPage(type: TransferType, status: string | null | undefined, args: PageArgs): Connection<TransferRecord>
  transfer(id: string, type: TransferType): TransferRecord | undefined
  /** SMS outbox, oldest first. */
  sms(): ReadonlyArray<SmsMessage>
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

  const transfers: Array<TransferRecord> = []
  const confirmations = new Map<string, PendingConfirmation>()
  const outbox: Array<SmsMessage> = []
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

  const insertNewestFirst = <A extends Sortable>(list: Array<A>, item: A): void => {
    list.splice(firstIndexWhere(list, (other) => isAfterKey(other, { time: item.bookingTime, seq: item.seq })), 0, item)
  }

  const book = (entry: {
    amount: number
    name: string
    iban: string
    purpose: string | null
    personalNote: string | null
    e2eId: string | null
    category: string | null
  }): TransactionRecord => {
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

  const sendCode = (confirmationId: string, text: (code: string) => string): string => {
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0")
    outbox.push({ confirmationId, code, text: text(code), createdAt: clock().toISOString() })
    return code
  }

  /**
   * Looks up a confirmation of the given kind, checks the SMS code and marks it confirmed.
   * NOTE: codes never expire and wrong codes are not counted, unlike a real bank's confirmation limits.
   */
  const redeem = (confirmationId: string, authorizationToken: string, kind: PendingConfirmation["kind"]) => {
    const pending = confirmations.get(confirmationId)
    if (pending === undefined || pending.kind !== kind) {
      const mutation = kind === "single" ? "createTransfer" : "createTransfers"
      throw BankError.badUserInput(`Unknown confirmationId "${confirmationId}": use the id returned by ${mutation}`)
    }
    if (pending.confirmed) {
      throw BankError.badUserInput(`Confirmation "${confirmationId}" was already confirmed: create a new transfer to send again`)
    }
    if (authorizationToken !== pending.code) {
      throw BankError.invalidAuthorizationToken("Invalid authorization token: the SMS code does not match")
    }
    pending.confirmed = true
    return pending
  }

  const recordTransfer = (valid: ValidTransfer, status: string): TransferRecord => {
    const now = clock()
    const record: TransferRecord = {
      id: randomUUID().replace(/-/g, ""),
      uuid: randomUUID(),
      type: valid.type,
      recipient: valid.recipient,
      iban: valid.iban,
      amount: valid.amount,
      status,
      executeAt: valid.executeAt?.toISOString() ?? null,
      lastExecutionDate: valid.lastExecutionDate?.toISOString() ?? null,
      purpose: valid.purpose,
      personalNote: valid.personalNote,
      e2eId: valid.e2eId,
      reoccurrence: valid.reoccurrence,
      nextOccurrence: valid.type === "STANDING_ORDER" ? (valid.executeAt?.toISOString() ?? null) : null,
      category: valid.category,
      userSelectedBookingDate: valid.userSelectedBookingDate?.toISOString() ?? null,
      reference: valid.reference,
      createdAt: now.toISOString(),
      bookingTime: now.getTime(),
      seq: nextSeq++
    }
    insertNewestFirst(transfers, record)
    return record
  }

  /** Records a confirmed SEPA transfer, books its outgoing transaction and marks the stored transfer BOOKED. */
  const executeSepa = (valid: ValidTransfer): TransferRecord => {
    const confirmed = recordTransfer(valid, "CONFIRMED")
    book({
      amount: -valid.amount,
      name: valid.recipient,
      iban: valid.iban,
      purpose: valid.purpose,
      personalNote: valid.personalNote,
      e2eId: valid.e2eId,
      category: valid.category
    })
    const index = transfers.indexOf(confirmed)
    transfers[index] = { ...confirmed, status: "BOOKED" }
    return confirmed
  }

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

    createTransfer: (input) => {
      const valid = validateTransfer(input, clock(), "transfer")
      const confirmationId = randomUUID()
      const code = sendCode(confirmationId, (code) =>
        `Kontist: ${code} is your code to confirm the transfer of ${formatEuros(valid.amount)} to ${valid.recipient}. Never share this code.`
      )
      confirmations.set(confirmationId, { id: confirmationId, kind: "single", transfers: [valid], code, confirmed: false })
      return { confirmationId, stringToSign: null }
    },

    confirmTransfer: (confirmationId, authorizationToken) => {
      const pending = redeem(confirmationId, authorizationToken, "single")
      const valid = pending.transfers[0]!
      if (valid.type === "SEPA_TRANSFER") return executeSepa(valid)
      // NOTE: timed and standing orders stay SCHEDULED/ACTIVE: the sandbox never executes them.
      return recordTransfer(valid, valid.type === "TIMED_ORDER" ? "SCHEDULED" : "ACTIVE")
    },

    createTransfers: (inputs) => {
      if (inputs.length === 0) throw BankError.badUserInput("Invalid transfers: the list is empty")
      const now = clock()
      const valid = inputs.map((input, index) => {
        const path = `transfers[${index}]`
        if (input.executeAt || input.reoccurrence || input.lastExecutionDate || (input.type && input.type !== "SEPA_TRANSFER")) {
          throw BankError.badUserInput(`Invalid ${path}: batches support only regular SEPA transfers`)
        }
        return validateTransfer(input, now, path)
      })
      const total = valid.reduce((sum, transfer) => sum + transfer.amount, 0)
      const confirmationId = randomUUID()
      const code = sendCode(confirmationId, (code) =>
        `Kontist: ${code} is your code to confirm ${valid.length} transfers totalling ${formatEuros(total)}. Never share this code.`
      )
      confirmations.set(confirmationId, { id: confirmationId, kind: "batch", transfers: valid, code, confirmed: false })
      return { confirmationId, stringToSign: null }
    },

    confirmTransfers: (confirmationId, authorizationToken) => {
      const pending = redeem(confirmationId, authorizationToken, "batch")
      return { id: randomUUID(), status: "ACCEPTED", transfers: pending.transfers.map(executeSepa) }
    },

    transferPage: (type, status, args) =>
      paginate(transfers, (t) => t.type === type && (status === null || status === undefined || t.status === status), args),
    transfer: (id, type) => transfers.find((t) => t.id === id && t.type === type),

    sms: () => outbox,

    injectTransaction: (input) => {
      if (!Number.isInteger(input.amount) || input.amount === 0 || Math.abs(input.amount) > MAX_INT32) {
        throw BankError.badUserInput(`Invalid amount: ${input.amount}. Send a non-zero whole number of cents (positive for incoming money)`)
      }
      return book({
        amount: input.amount,
        name: validateRecipient(input.name, "name"),
        iban: validateIban(input.iban, "iban"),
        purpose: validateText(input.purpose, MAX_PURPOSE_LENGTH, "purpose"),
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
