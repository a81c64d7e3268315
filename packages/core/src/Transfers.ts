/**
 * SEPA transfers, timed orders and standing orders: create, confirm with the
 * SMS code, or both at once with `send`. Every input is checked before any
 * request, and no mutation is ever retried, because a repeated
 * `createTransfer` could move money twice.
 *
 * @since 0.1.0
 */
import { Clock, Context, DateTime, Effect, Layer, Redacted, Schema } from "effect"
import { GraphQL } from "./GraphQL.js"
import * as Iban from "./Iban.js"
import { GraphQLError, InvalidInput, type KontistError } from "./KontistError.js"
import { Cents, validatePositiveCents } from "./Money.js"
import type { TransactionCategory } from "./Transactions.js"
import { selectionSet } from "./internal/selection.js"
import * as Validation from "./internal/validation.js"

const nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { nullable: true })

/**
 * How often a standing order repeats.
 *
 * @since 0.1.0
 * @category models
 */
export type StandingOrderReoccurrence = "MONTHLY" | "QUARTERLY" | "EVERY_SIX_MONTHS" | "ANNUALLY" | "BIWEEKLY" | "WEEKLY"

const reoccurrences: ReadonlyArray<StandingOrderReoccurrence> = [
  "MONTHLY",
  "QUARTERLY",
  "EVERY_SIX_MONTHS",
  "ANNUALLY",
  "BIWEEKLY",
  "WEEKLY"
]

/**
 * A moment given as an Effect `DateTime`, a JavaScript `Date` or an ISO 8601
 * string.
 *
 * @since 0.1.0
 * @category models
 */
export type DateInput = Validation.DateInput

/**
 * An immediate SEPA transfer, as `createMany` sends it.
 *
 * @since 0.1.0
 * @category models
 */
export interface SepaTransferInput {
  /** Name of the recipient: up to 70 characters of the SEPA character set. */
  readonly recipient: string
  /** IBAN of the recipient. Spaces and case do not matter. */
  readonly iban: string
  /** Whole cents from 1 to 2147483647: 19.99 EUR is 1999. */
  readonly amount: number
  /** Remittance information: up to 140 characters of the SEPA character set. */
  readonly purpose?: string | undefined
  /** A note visible only to the account holder: up to 250 characters. */
  readonly personalNote?: string | undefined
  /** SEPA end-to-end id: up to 35 characters of the SEPA character set. */
  readonly e2eId?: string | undefined
}

/**
 * A transfer for `createOne`. Without `executeAt` it is an immediate SEPA
 * transfer. With `executeAt` it is a timed order, and with `executeAt` and
 * `reoccurrence` a standing order, optionally ending at `lastExecutionDate`.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransferInput extends SepaTransferInput {
  /** When a timed order executes, or a standing order first executes. Must be in the future. */
  readonly executeAt?: DateInput | undefined
  /** Makes the transfer a standing order, which needs `executeAt`. */
  readonly reoccurrence?: StandingOrderReoccurrence | undefined
  /** The last execution of a standing order. Must come after `executeAt`. */
  readonly lastExecutionDate?: DateInput | undefined
  readonly category?: TransactionCategory | undefined
}

/**
 * Result of a create mutation: the id to confirm with the SMS code.
 * `stringToSign` is set only for device-signing confirmation.
 *
 * @since 0.1.0
 * @category models
 */
export class ConfirmationRequest extends Schema.Class<ConfirmationRequest>("@kontist/core/ConfirmationRequest")({
  confirmationId: Schema.String,
  stringToSign: nullable(Schema.String)
}) {}

/**
 * A confirmed transfer, timed order or standing order. Fields the API
 * returns as `null` are absent. Enum fields are plain strings so that values
 * the API adds later still decode.
 *
 * @since 0.1.0
 * @category models
 */
export class Transfer extends Schema.Class<Transfer>("@kontist/core/Transfer")({
  id: Schema.String,
  recipient: Schema.String,
  iban: Schema.String,
  amount: Cents,
  /** A `TransferStatus`, such as `CONFIRMED`, `SCHEDULED` or `ACTIVE`. */
  status: nullable(Schema.String),
  executeAt: nullable(Schema.DateTimeUtc),
  lastExecutionDate: nullable(Schema.DateTimeUtc),
  purpose: nullable(Schema.String),
  personalNote: nullable(Schema.String),
  e2eId: nullable(Schema.String),
  reoccurrence: nullable(Schema.String),
  nextOccurrence: nullable(Schema.DateTimeUtc),
  category: nullable(Schema.String)
}) {}

/**
 * One transfer of a confirmed batch.
 *
 * @since 0.1.0
 * @category models
 */
export class SepaTransfer extends Schema.Class<SepaTransfer>("@kontist/core/SepaTransfer")({
  id: Schema.String,
  /** `AUTHORIZED`, `CONFIRMED` or `BOOKED`. */
  status: Schema.String,
  amount: Cents,
  recipient: Schema.String,
  iban: Schema.String,
  purpose: nullable(Schema.String),
  e2eId: nullable(Schema.String)
}) {}

/**
 * A confirmed batch of SEPA transfers.
 *
 * @since 0.1.0
 * @category models
 */
export class BatchTransfer extends Schema.Class<BatchTransfer>("@kontist/core/BatchTransfer")({
  id: Schema.String,
  /** A `BatchTransferStatus`, such as `ACCEPTED` or `SUCCESSFUL`. */
  status: Schema.String,
  transfers: Schema.Array(SepaTransfer)
}) {}

/**
 * Options of `send`. `authorize` receives the confirmation request and
 * returns the SMS code, for example by prompting the user.
 *
 * @since 0.1.0
 * @category models
 */
export interface SendOptions<E, R> {
  readonly authorize: (confirmation: ConfirmationRequest) => Effect.Effect<Redacted.Redacted<string> | string, E, R>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Checks `input` and creates the transfer. The API then sends the SMS code that confirms it. */
  readonly createOne: (input: TransferInput) => Effect.Effect<ConfirmationRequest, KontistError>

  /**
   * Confirms a created transfer with the SMS code. A wrong code fails with
   * a `GraphQLError` of type `INVALID_AUTHORIZATION_TOKEN`.
   */
  readonly confirmOne: (
    confirmationId: string,
    smsCode: Redacted.Redacted<string> | string
  ) => Effect.Effect<Transfer, KontistError>

  /** Checks every input and creates the immediate SEPA transfers as one batch with one SMS code. */
  readonly createMany: (inputs: ReadonlyArray<SepaTransferInput>) => Effect.Effect<ConfirmationRequest, KontistError>

  /** Confirms a batch created with `createMany`. */
  readonly confirmMany: (
    confirmationId: string,
    smsCode: Redacted.Redacted<string> | string
  ) => Effect.Effect<BatchTransfer, KontistError>

  /**
   * Creates the transfer, requests the SMS code from `authorize` and
   * confirms it. Each mutation is sent once (again only after an HTTP 401,
   * which the API returns before executing anything), and `send` never
   * creates a transfer a second time.
   *
   * After a failed confirmation, what to do depends on the failure:
   * - `InvalidInput`, `Unauthorized`, or a `GraphQLError` whose `status` is
   *   not 5xx (such as a wrong SMS code, type `INVALID_AUTHORIZATION_TOKEN`)
   *   means the server did not execute the transfer. Confirm the same
   *   `confirmationId` again with a correct code, or create a new transfer
   *   if the code has expired.
   * - A `ResponseError` (the connection failed, a 5xx status, a body that
   *   could not be read), a `GraphQLError` with a 5xx `status`, or an
   *   interruption while the request was in flight leaves the outcome
   *   unknown. The transfer may have been executed, and creating a new one
   *   could pay twice. Look for it in the account's transfers or transactions
   *   first. Confirm the `confirmationId` again only if the server shows that
   *   it was not used, and create a new transfer only once you know the
   *   first was not executed.
   */
  readonly send: <E = never, R = never>(
    input: TransferInput,
    options: SendOptions<E, R>
  ) => Effect.Effect<Transfer, KontistError | E, R>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Transfers extends Context.Tag("@kontist/core/Transfers")<Transfers, Service>() {}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/**
 * Characters SEPA credit transfers carry (the EPC's Latin character set)
 * plus the German umlauts and ß, which Kontist accepts.
 * NOTE: the umlauts were not checked against the live API, only the sandbox.
 */
const sepaCharacter = /[A-Za-z0-9ÄÖÜäöüß/\-?:().,'+ ]/u
const sepaCharacterSet = "letters A-Z (with ä ö ü ß), digits, spaces and / - ? : ( ) . , ' +"

const preview = (text: string): string => {
  const characters = [...text]
  return JSON.stringify(characters.length > 24 ? `${characters.slice(0, 24).join("")}…` : text)
}

interface TextRule {
  readonly maxLength: number
  readonly sepaCharacters: boolean
}

const validateText = (value: unknown, field: string, rule: TextRule): Effect.Effect<string, InvalidInput> => {
  if (typeof value !== "string") {
    return Effect.fail(new InvalidInput({ field, reason: `expected a string, got ${typeof value}.` }))
  }
  const text = value.trim()
  const length = [...text].length
  if (length > rule.maxLength) {
    return Effect.fail(
      new InvalidInput({
        field,
        reason: `${preview(text)} has ${length} characters, but at most ${rule.maxLength} are allowed. Shorten it.`
      })
    )
  }
  if (rule.sepaCharacters) {
    const invalid = [...new Set([...text].filter((character) => !sepaCharacter.test(character)))]
    if (invalid.length > 0) {
      const listed = invalid.map((character) => JSON.stringify(character)).join(", ")
      return Effect.fail(
        new InvalidInput({
          field,
          reason: `${preview(text)} contains ${listed}, which SEPA transfers cannot carry. Use only ${sepaCharacterSet}.`
        })
      )
    }
  }
  return Effect.succeed(text)
}

const validateOptionalText = (value: unknown, field: string, rule: TextRule) =>
  value === undefined ? Effect.succeed(undefined) : validateText(value, field, rule)

const validateRecipient = (value: unknown, field: string) =>
  Effect.flatMap(validateText(value, field, { maxLength: 70, sepaCharacters: true }), (recipient) =>
    recipient.length === 0
      ? Effect.fail(new InvalidInput({ field, reason: "the recipient name is empty. Enter the account holder's name." }))
      : Effect.succeed(recipient))

const validateE2eId = (value: unknown, field: string) =>
  Effect.flatMap(validateOptionalText(value, field, { maxLength: 35, sepaCharacters: true }), (e2eId) =>
    e2eId !== undefined && (e2eId.startsWith("/") || e2eId.endsWith("/") || e2eId.includes("//"))
      ? Effect.fail(
        new InvalidInput({
          field,
          reason: `${preview(e2eId)} starts or ends with "/" or contains "//", which SEPA identifiers must not. Remove those slashes.`
        })
      )
      : Effect.succeed(e2eId))

/** The fields of `CreateSepaTransferInput`, checked and normalised. */
const validateSepaFields = (input: SepaTransferInput, field: string) =>
  Effect.gen(function*() {
    const recipient = yield* validateRecipient(input.recipient, `${field}.recipient`)
    const iban = yield* Iban.validate(input.iban, `${field}.iban`)
    const amount = yield* validatePositiveCents(input.amount, `${field}.amount`)
    const purpose = yield* validateOptionalText(input.purpose, `${field}.purpose`, { maxLength: 140, sepaCharacters: true })
    const personalNote = yield* validateOptionalText(input.personalNote, `${field}.personalNote`, {
      maxLength: 250,
      sepaCharacters: false
    })
    const e2eId = yield* validateE2eId(input.e2eId, `${field}.e2eId`)
    return {
      recipient,
      iban,
      amount,
      ...(purpose === undefined || purpose.length === 0 ? {} : { purpose }),
      ...(personalNote === undefined || personalNote.length === 0 ? {} : { personalNote }),
      ...(e2eId === undefined || e2eId.length === 0 ? {} : { e2eId })
    }
  })

/**
 * The variables of `createTransfer`: the checked input with dates as ISO
 * 8601 strings.
 *
 * @since 0.1.0
 * @category models
 */
export interface ValidatedTransfer {
  readonly recipient: string
  readonly iban: Iban.Iban
  readonly amount: number
  readonly purpose?: string
  readonly personalNote?: string
  readonly e2eId?: string
  readonly executeAt?: string
  readonly reoccurrence?: StandingOrderReoccurrence
  readonly lastExecutionDate?: string
  readonly category?: TransactionCategory
}

/**
 * Checks a transfer without sending anything. It checks the IBAN checksum
 * and a positive whole amount of cents within the API's 32-bit `Int`. The
 * recipient (70 characters), purpose (140) and end-to-end id (35) must fit
 * SEPA length and character set, and the personal note 250 characters.
 * `executeAt` must be in the future by the `Clock`, `lastExecutionDate`
 * after `executeAt`, and `reoccurrence` comes only with `executeAt`. Fails
 * with `InvalidInput` naming the field, such as `transfer.amount`.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (input: TransferInput, field = "transfer"): Effect.Effect<ValidatedTransfer, InvalidInput> =>
  Effect.gen(function*() {
    const sepa = yield* validateSepaFields(input, field)

    if (input.reoccurrence !== undefined && !reoccurrences.includes(input.reoccurrence)) {
      return yield* new InvalidInput({
        field: `${field}.reoccurrence`,
        reason: `${JSON.stringify(input.reoccurrence)} is not a reoccurrence. Use one of ${reoccurrences.join(", ")}.`
      })
    }
    if (input.reoccurrence !== undefined && input.executeAt === undefined) {
      return yield* new InvalidInput({
        field: `${field}.executeAt`,
        reason: "a standing order (reoccurrence) needs executeAt, the date of its first payment. Set executeAt."
      })
    }
    if (input.lastExecutionDate !== undefined && input.reoccurrence === undefined) {
      return yield* new InvalidInput({
        field: `${field}.lastExecutionDate`,
        reason: "lastExecutionDate ends a standing order and needs reoccurrence. Set reoccurrence, or leave lastExecutionDate out."
      })
    }

    const now = DateTime.unsafeMake(yield* Clock.currentTimeMillis)
    const executeAt = input.executeAt === undefined
      ? undefined
      : yield* Validation.toUtc(input.executeAt, `${field}.executeAt`)
    if (executeAt !== undefined && !DateTime.greaterThan(executeAt, now)) {
      return yield* new InvalidInput({
        field: `${field}.executeAt`,
        reason: `${DateTime.formatIso(executeAt)} is not in the future (now is ${DateTime.formatIso(now)}). Pass a later date, or leave executeAt out for an immediate transfer.`
      })
    }

    const lastExecutionDate = input.lastExecutionDate === undefined
      ? undefined
      : yield* Validation.toUtc(input.lastExecutionDate, `${field}.lastExecutionDate`)
    if (executeAt !== undefined && lastExecutionDate !== undefined && !DateTime.greaterThan(lastExecutionDate, executeAt)) {
      return yield* new InvalidInput({
        field: `${field}.lastExecutionDate`,
        reason: `${DateTime.formatIso(lastExecutionDate)} is not after executeAt (${DateTime.formatIso(executeAt)}). Pass a later last execution date.`
      })
    }

    const validated: ValidatedTransfer = {
      ...sepa,
      ...(executeAt === undefined ? {} : { executeAt: DateTime.formatIso(executeAt) }),
      ...(input.reoccurrence === undefined ? {} : { reoccurrence: input.reoccurrence }),
      ...(lastExecutionDate === undefined ? {} : { lastExecutionDate: DateTime.formatIso(lastExecutionDate) }),
      ...(input.category === undefined ? {} : { category: input.category })
    }
    return validated
  })

/** Fields of `TransferInput` that a batch of immediate SEPA transfers cannot carry. */
const orderOnlyFields = ["executeAt", "reoccurrence", "lastExecutionDate", "category"] as const

const validateBatch = (inputs: ReadonlyArray<SepaTransferInput>) =>
  Effect.gen(function*() {
    if (!Array.isArray(inputs) || inputs.length === 0) {
      return yield* new InvalidInput({
        field: "transfers",
        reason: "the batch is empty. Pass at least one transfer."
      })
    }
    const validated = []
    for (const [index, input] of inputs.entries()) {
      const field = `transfers[${index}]`
      // A silently dropped executeAt would turn a planned payment into an immediate one.
      const orderField = orderOnlyFields.find((name) => (input as TransferInput)[name] !== undefined)
      if (orderField !== undefined) {
        return yield* new InvalidInput({
          field: `${field}.${orderField}`,
          reason: `a batch carries only immediate SEPA transfers, without ${orderField}. Create timed and standing orders one by one with createOne.`
        })
      }
      validated.push(yield* validateSepaFields(input, field))
    }
    return validated
  })

const validateConfirmation = (confirmationId: string, smsCode: Redacted.Redacted<string> | string) =>
  Effect.gen(function*() {
    const id = yield* Validation.validateNonEmpty(confirmationId, "confirmationId")
    const code = (Redacted.isRedacted(smsCode) ? Redacted.value(smsCode) : smsCode).replace(/\s+/g, "")
    if (code.length === 0) {
      return yield* new InvalidInput({
        field: "smsCode",
        reason: "the SMS code is empty. Pass the code from the SMS the API sent for this confirmation."
      })
    }
    return { confirmationId: id, authorizationToken: code }
  })

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

const createOneDocument = `mutation CreateTransfer($transfer: CreateTransferInput!) {
  createTransfer(transfer: $transfer) ${selectionSet(ConfirmationRequest)}
}`

const confirmOneDocument = `mutation ConfirmTransfer($confirmationId: String!, $authorizationToken: String!) {
  confirmTransfer(confirmationId: $confirmationId, authorizationToken: $authorizationToken) ${selectionSet(Transfer)}
}`

const createManyDocument = `mutation CreateTransfers($transfers: [CreateSepaTransferInput!]!) {
  createTransfers(transfers: $transfers) ${selectionSet(ConfirmationRequest)}
}`

const confirmManyDocument = `mutation ConfirmTransfers($confirmationId: String!, $authorizationToken: String!) {
  confirmTransfers(confirmationId: $confirmationId, authorizationToken: $authorizationToken) ${selectionSet(BatchTransfer)}
}`

/**
 * The GraphQL documents this module sends, by operation.
 *
 * @since 0.1.0
 * @category documents
 */
export const documents = {
  createOne: createOneDocument,
  confirmOne: confirmOneDocument,
  createMany: createManyDocument,
  confirmMany: confirmManyDocument
} as const

const CreateOneResponse = Schema.Struct({ createTransfer: ConfirmationRequest })
const ConfirmOneResponse = Schema.Struct({ confirmTransfer: Transfer })
const CreateManyResponse = Schema.Struct({ createTransfers: ConfirmationRequest })
const ConfirmManyResponse = Schema.Struct({ confirmTransfers: BatchTransfer })

/**
 * Replaces the API's message for a wrong SMS code with one that names the
 * next step. The message never contains the code.
 */
const explainWrongCode = <A>(effect: Effect.Effect<A, KontistError>): Effect.Effect<A, KontistError> =>
  Effect.catchIf(
    effect,
    (error): error is GraphQLError => error._tag === "GraphQLError" && error.type === "INVALID_AUTHORIZATION_TOKEN",
    (error) =>
      Effect.fail(
        new GraphQLError({
          description: "the SMS code is wrong. Ask the user for the code from the latest SMS for this confirmation and confirm again with it, or create the transfer again if the code has expired.",
          path: error.path,
          operation: error.operation,
          ...(error.status === undefined ? {} : { status: error.status }),
          ...(error.type === undefined ? {} : { type: error.type }),
          otherErrors: error.otherErrors
        })
      )
  )

const kindOf = (transfer: ValidatedTransfer): string => {
  if (transfer.reoccurrence !== undefined) return "STANDING_ORDER"
  if (transfer.executeAt !== undefined) return "TIMED_ORDER"
  return "SEPA_TRANSFER"
}

/**
 * Builds the service on top of `GraphQL`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, GraphQL> = Effect.gen(function*() {
  const graphql = yield* GraphQL

  const createOne = Effect.fn("Kontist.Transfers.createOne")(function*(input: TransferInput) {
    const transfer = yield* validate(input)
    yield* Effect.annotateCurrentSpan({
      "kontist.transfer.kind": kindOf(transfer),
      "kontist.transfer.amount": transfer.amount,
      "kontist.transfer.iban": Iban.mask(transfer.iban)
    })
    const response = yield* graphql.execute(createOneDocument, { transfer }, CreateOneResponse)
    return response.createTransfer
  })

  const confirmOne = Effect.fn("Kontist.Transfers.confirmOne")(
    function*(confirmationId: string, smsCode: Redacted.Redacted<string> | string) {
      const variables = yield* validateConfirmation(confirmationId, smsCode)
      yield* Effect.annotateCurrentSpan("kontist.confirmation_id", variables.confirmationId)
      const response = yield* explainWrongCode(graphql.execute(confirmOneDocument, variables, ConfirmOneResponse))
      return response.confirmTransfer
    }
  )

  const createMany = Effect.fn("Kontist.Transfers.createMany")(function*(inputs: ReadonlyArray<SepaTransferInput>) {
    const transfers = yield* validateBatch(inputs)
    yield* Effect.annotateCurrentSpan({
      "kontist.transfer.count": transfers.length,
      "kontist.transfer.amount": transfers.reduce((sum, transfer) => sum + transfer.amount, 0)
    })
    const response = yield* graphql.execute(createManyDocument, { transfers }, CreateManyResponse)
    return response.createTransfers
  })

  const confirmMany = Effect.fn("Kontist.Transfers.confirmMany")(
    function*(confirmationId: string, smsCode: Redacted.Redacted<string> | string) {
      const variables = yield* validateConfirmation(confirmationId, smsCode)
      yield* Effect.annotateCurrentSpan("kontist.confirmation_id", variables.confirmationId)
      const response = yield* explainWrongCode(graphql.execute(confirmManyDocument, variables, ConfirmManyResponse))
      return response.confirmTransfers
    }
  )

  const send = <E = never, R = never>(
    input: TransferInput,
    options: SendOptions<E, R>
  ): Effect.Effect<Transfer, KontistError | E, R> =>
    Effect.gen(function*() {
      const confirmation = yield* createOne(input)
      const smsCode = yield* options.authorize(confirmation)
      return yield* confirmOne(confirmation.confirmationId, smsCode)
    }).pipe(Effect.withSpan("Kontist.Transfers.send"))

  return Transfers.of({ createOne, confirmOne, createMany, confirmMany, send })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Transfers, never, GraphQL> = Layer.effect(Transfers, make)
