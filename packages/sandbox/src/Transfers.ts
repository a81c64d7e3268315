/**
 * Transfers of the sandbox's bank: input validation, transfers awaiting SMS
 * confirmation, the SMS outbox and the confirmed transfers. {@link make} gets
 * the clock, the sequence counter and the booking function from `Bank.make`,
 * which wires this module into the bank.
 *
 * @since 0.1.0
 */
import { randomInt, randomUUID } from "node:crypto"
import { BankError } from "./BankError.js"
import { isValidIban, normalizeIban } from "./Iban.js"
import { type Connection, insertNewestFirst, type PageArgs, paginate } from "./Pagination.js"

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

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
 * The fields of a new booking that the caller sets. The bank's booking
 * function fills in the other `TransactionRecord` fields and replaces a null
 * `e2eId` with a generated one.
 *
 * @since 0.1.0
 * @category models
 */
export interface Booking {
  readonly amount: number
  readonly name: string
  readonly iban: string
  readonly purpose: string | null
  readonly personalNote: string | null
  readonly e2eId: string | null
  readonly category: string | null
}

/**
 * The parts of the bank that {@link make} uses: its clock, its sequence
 * counter and its booking function.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransfersOptions {
  /** Time source for `executeAt` checks, SMS timestamps and transfer `createdAt`. */
  readonly clock: () => Date
  /**
   * Returns the next number of the sequence that the bank shares between
   * bookings and transfers. It orders items with equal `bookingTime` and is
   * part of their cursors.
   */
  readonly nextSeq: () => number
  /** Books the outgoing transaction of a confirmed SEPA transfer. */
  readonly book: (entry: Booking) => void
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

export const MAX_PURPOSE_LENGTH = 140
const MAX_PERSONAL_NOTE_LENGTH = 250
/** SEPA limits: 70 characters for a name, 35 for an end-to-end id. */
const MAX_RECIPIENT_LENGTH = 70
const MAX_E2E_ID_LENGTH = 35
export const MAX_INT32 = 2_147_483_647

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

export const validateIban = (iban: string, path: string): string => {
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

export const validateText = (value: string | null | undefined, max: number, path: string): string | null => {
  if (value === null || value === undefined) return null
  if (value.length > max) throw BankError.badUserInput(`Invalid ${path}: ${value.length} characters, at most ${max} allowed`)
  return value
}

export const validateRecipient = (recipient: string, path: string): string => {
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
// Transfers
// ---------------------------------------------------------------------------

interface PendingConfirmation {
  readonly id: string
  readonly kind: "single" | "batch"
  readonly transfers: ReadonlyArray<ValidTransfer>
  readonly code: string
  confirmed: boolean
}

/**
 * The transfer operations of a bank.
 *
 * @since 0.1.0
 * @category models
 */
export interface Transfers {
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
}

/**
 * Creates the transfer operations of a bank, with no confirmations, transfers or SMS yet.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: TransfersOptions): Transfers => {
  const { clock, book } = options
  const transfers: Array<TransferRecord> = []
  const confirmations = new Map<string, PendingConfirmation>()
  const outbox: Array<SmsMessage> = []

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
      seq: options.nextSeq()
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

    sms: () => outbox
  }
}
