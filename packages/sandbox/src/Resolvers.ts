/**
 * The executable schema of the sandbox's GraphQL API: the resolvers of the
 * fields the sandbox implements, with their scope and MFA checks, and
 * {@link loadSchema}, which attaches them to the shipped copy of the Kontist
 * schema.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import {
  buildSchema,
  GraphQLError,
  type GraphQLFieldResolver,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLSchema,
  Kind
} from "graphql"
import {
  type Bank,
  BankError,
  type TransactionFilter,
  type PageArgs,
  type TransactionRecord,
  type TransferInput,
  type TransferType
} from "./Bank.js"

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

/**
 * The sender of a request: the user and the grants of their access token.
 *
 * @since 0.1.0
 * @category models
 */
export interface Principal {
  readonly userId: string
  readonly scopes: ReadonlySet<string>
  /** Whether the token passed MFA. */
  readonly confirmed: boolean
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** Creates a GraphQL error with the `extensions: { status, type }` that every sandbox error carries. */
export const apiError = (message: string, status: number, type: string): GraphQLError =>
  new GraphQLError(message, { extensions: { status, type } })

const notImplemented = (coordinate: string): GraphQLError =>
  apiError(`The sandbox does not implement ${coordinate}`, 501, "NOT_IMPLEMENTED")

// ---------------------------------------------------------------------------
// Request context and authorization
// ---------------------------------------------------------------------------

/** The context value of one GraphQL operation: the bank it reads and the sender. */
export interface Context {
  readonly bank: Bank
  readonly principal: Principal
}

const requireScope = (context: Context, scope: string, coordinate: string): void => {
  if (!context.principal.scopes.has(scope)) {
    throw apiError(`Missing scope "${scope}" for ${coordinate}: request it when you log in`, 403, "FORBIDDEN")
  }
}

/** Transfers need the `transfers` scope and a token that passed MFA. */
const requireTransferAccess = (context: Context, coordinate: string): void => {
  requireScope(context, "transfers", coordinate)
  if (!context.principal.confirmed) {
    throw apiError(
      `${coordinate} needs a confirmed access token: complete the MFA challenge first`,
      403,
      "MFA_REQUIRED"
    )
  }
}

// ---------------------------------------------------------------------------
// Resolvers
// ---------------------------------------------------------------------------

// The resolver map is typed loosely because each field has its own source and argument types.
type Resolver = GraphQLFieldResolver<any, Context, any>

interface FieldImplementation {
  readonly resolve: Resolver
  readonly subscribe?: Resolver
}

/** Reads one property of the source object. */
const property = (name: string): Resolver => (source: Record<string, unknown>) => source[name]

/** Reads one property after checking a scope. */
const scopedProperty = (scope: string, typeName: string, name: string): Resolver =>
  (source: Record<string, unknown>, _args, context: Context) => {
    requireScope(context, scope, `${typeName}.${name}`)
    return source[name]
  }

const always = (value: unknown): Resolver => () => value

const USER_FIELDS = [
  "publicId", "email", "createdAt", "firstName", "lastName", "gender", "birthDate", "birthPlace", "nationality",
  "street", "postCode", "city", "country", "mobileNumber", "language", "businessPurpose", "businessTradingName",
  "economicSector", "businessType", "companyType", "isSelfEmployed", "isUSPerson", "accountState",
  "identificationStatus", "vatPaymentFrequency", "taxPaymentFrequency", "vatRate", "cardHolderRepresentation"
] as const

const ACCOUNT_FIELDS = ["publicId", "createdAt", "iban", "bic"] as const

const TRANSACTION_PROPERTIES = [
  "id", "amount", "iban", "description", "type", "valutaDate", "e2eId", "mandateNumber", "createdAt",
  "merchantCountryCode", "merchantCategoryCode", "source", "bookingDate", "name", "paymentMethod", "category",
  "categorizationType", "personalNote", "purpose", "foreignCurrency", "originalAmount", "categoryCode",
  "vatCategoryCode", "vatRate", "categoryCodeTranslation"
] as const

/**
 * Transaction fields with a fixed value: the sandbox has no receipts,
 * documents, splits, fees or category predictions.
 */
const TRANSACTION_CONSTANTS: Readonly<Record<string, unknown>> = {
  receiptName: null,
  fees: [],
  splits: [],
  assets: [],
  directDebitFees: [],
  transactionAssets: [],
  userSelectedBookingDate: null,
  predictedCategory: null,
  predictedUserSelectedBookingDate: null,
  documentNumber: null,
  documentPreviewUrl: null,
  documentDownloadUrl: null,
  documentType: null,
  actionReason: null,
  canBeRecategorized: true,
  hasAssets: false,
  verified: null,
  recurlyInvoiceNumber: null
}

const TRANSFER_PROPERTIES = [
  "id", "uuid", "recipient", "iban", "amount", "status", "executeAt", "lastExecutionDate", "purpose",
  "personalNote", "e2eId", "reoccurrence", "nextOccurrence", "category", "userSelectedBookingDate", "reference"
] as const

const SEPA_TRANSFER_PROPERTIES = ["status", "amount", "purpose", "id", "recipient", "iban", "e2eId"] as const

const fromProperties = (names: ReadonlyArray<string>): Record<string, FieldImplementation> =>
  Object.fromEntries(names.map((name) => [name, { resolve: property(name) }]))

const fromConstants = (values: Readonly<Record<string, unknown>>): Record<string, FieldImplementation> =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { resolve: always(value) }]))

const transactionType: Record<string, FieldImplementation> = {
  ...fromProperties(TRANSACTION_PROPERTIES),
  ...fromConstants(TRANSACTION_CONSTANTS)
}

const connectionTypes = (prefix: string): Record<string, Record<string, FieldImplementation>> => ({
  [`${prefix}Connection`]: fromProperties(["edges", "pageInfo"]),
  [`${prefix}ConnectionEdge`]: fromProperties(["node", "cursor"])
})

/** Async iterator over the bank's new bookings; `return()` unsubscribes. */
const transactionEvents = (bank: Bank): AsyncIterableIterator<TransactionRecord> => {
  const buffered: Array<TransactionRecord> = []
  let waiting: ((result: IteratorResult<TransactionRecord>) => void) | undefined
  let finished = false

  const unsubscribe = bank.onTransaction((transaction) => {
    if (waiting !== undefined) {
      const resolve = waiting
      waiting = undefined
      resolve({ value: transaction, done: false })
    } else {
      buffered.push(transaction)
    }
  })

  const finish = (): IteratorResult<TransactionRecord> => {
    finished = true
    unsubscribe()
    buffered.length = 0
    if (waiting !== undefined) {
      const resolve = waiting
      waiting = undefined
      resolve({ value: undefined, done: true })
    }
    return { value: undefined, done: true }
  }

  return {
    next: () => {
      const transaction = buffered.shift()
      if (transaction !== undefined) return Promise.resolve({ value: transaction, done: false })
      if (finished) return Promise.resolve({ value: undefined, done: true })
      return new Promise((resolve) => {
        waiting = resolve
      })
    },
    return: () => Promise.resolve(finish()),
    throw: (error: unknown) => {
      finish()
      return Promise.reject(error)
    },
    [Symbol.asyncIterator]() {
      return this
    }
  }
}

/** Every implemented field, by type and field name. */
const IMPLEMENTATION: Readonly<Record<string, Record<string, FieldImplementation>>> = {
  Query: {
    viewer: { resolve: (_root, _args, context: Context) => context.bank.user }
  },
  User: {
    ...Object.fromEntries(USER_FIELDS.map((name) => [name, { resolve: scopedProperty("users", "User", name) }])),
    mainAccount: { resolve: (_user, _args, context: Context) => context.bank.account }
  },
  Account: {
    ...Object.fromEntries(ACCOUNT_FIELDS.map((name) => [name, { resolve: scopedProperty("accounts", "Account", name) }])),
    balance: {
      resolve: (_account, _args, context: Context) => {
        requireScope(context, "accounts", "Account.balance")
        return context.bank.balance()
      }
    },
    availableBalance: {
      resolve: (_account, _args, context: Context) => {
        requireScope(context, "accounts", "Account.availableBalance")
        return context.bank.availableBalance()
      }
    },
    transactions: {
      resolve: (_account, args: PageArgs & { filter?: TransactionFilter | null; preset?: unknown }, context: Context) => {
        requireScope(context, "transactions", "Account.transactions")
        if (args.preset !== null && args.preset !== undefined) throw notImplemented("Account.transactions(preset)")
        return context.bank.transactionPage(args.filter, args)
      }
    },
    transaction: {
      resolve: (_account, args: { id: string }, context: Context) => {
        requireScope(context, "transactions", "Account.transaction")
        return context.bank.transaction(args.id) ?? null
      }
    },
    transfers: {
      resolve: (_account, args: PageArgs & { type: TransferType; where?: { status?: string | null } | null }, context: Context) => {
        requireTransferAccess(context, "Account.transfers")
        return context.bank.transferPage(args.type, args.where?.status, args)
      }
    },
    transfer: {
      resolve: (_account, args: { id: string; type: TransferType }, context: Context) => {
        requireTransferAccess(context, "Account.transfer")
        return context.bank.transfer(args.id, args.type) ?? null
      }
    }
  },
  Transaction: transactionType,
  RawTransactionProjection: transactionType,
  ...connectionTypes("Transactions"),
  ...connectionTypes("Transfers"),
  PageInfo: fromProperties(["startCursor", "endCursor", "hasNextPage", "hasPreviousPage"]),
  Transfer: { ...fromProperties(TRANSFER_PROPERTIES), assets: { resolve: always([]) } },
  SepaTransfer: { ...fromProperties(SEPA_TRANSFER_PROPERTIES), assets: { resolve: always([]) } },
  BatchTransfer: fromProperties(["id", "status", "transfers"]),
  ConfirmationRequest: fromProperties(["confirmationId", "stringToSign"]),
  Mutation: {
    createTransfer: {
      resolve: (_root, args: { transfer: TransferInput; deliveryMethod?: string | null }, context: Context) => {
        requireTransferAccess(context, "Mutation.createTransfer")
        if (args.deliveryMethod === "DEVICE_SIGNING") throw notImplemented("Mutation.createTransfer(deliveryMethod: DEVICE_SIGNING)")
        return context.bank.createTransfer(args.transfer)
      }
    },
    confirmTransfer: {
      resolve: (
        _root,
        args: { confirmationId: string; authorizationToken?: string | null; signature?: string | null },
        context: Context
      ) => {
        requireTransferAccess(context, "Mutation.confirmTransfer")
        if (args.signature !== null && args.signature !== undefined) throw notImplemented("Mutation.confirmTransfer(signature)")
        if (args.authorizationToken === null || args.authorizationToken === undefined) {
          throw BankError.badUserInput("Missing authorizationToken: send the 6-digit code from the SMS")
        }
        return context.bank.confirmTransfer(args.confirmationId, args.authorizationToken)
      }
    },
    createTransfers: {
      resolve: (_root, args: { transfers: ReadonlyArray<TransferInput> }, context: Context) => {
        requireTransferAccess(context, "Mutation.createTransfers")
        return context.bank.createTransfers(args.transfers)
      }
    },
    confirmTransfers: {
      resolve: (_root, args: { confirmationId: string; authorizationToken: string }, context: Context) => {
        requireTransferAccess(context, "Mutation.confirmTransfers")
        return context.bank.confirmTransfers(args.confirmationId, args.authorizationToken)
      }
    }
  },
  Subscription: {
    newTransaction: {
      subscribe: (_root, _args, context: Context) => {
        requireScope(context, "subscriptions", "Subscription.newTransaction")
        return transactionEvents(context.bank)
      },
      resolve: (transaction: TransactionRecord) => transaction
    }
  }
}

/** The resolver of every field without an implementation. */
export const notImplementedResolver: Resolver = (_source, _args, _context, info) => {
  throw notImplemented(`${info.parentType.name}.${info.fieldName}`)
}

// ---------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------

const parseDateTime = (value: unknown): Date => {
  const date = typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : undefined
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new TypeError(`DateTime must be an ISO 8601 date string such as "2025-04-12T10:00:00.000Z", got ${JSON.stringify(value)}`)
  }
  return date
}

/** Makes `DateTime` inputs arrive as `Date` and outputs leave as ISO strings. */
const configureDateTime = (scalar: GraphQLScalarType): void => {
  scalar.parseValue = parseDateTime
  scalar.parseLiteral = (node) => {
    if (node.kind !== Kind.STRING) throw new TypeError("DateTime must be a string")
    return parseDateTime(node.value)
  }
  scalar.serialize = (value) => {
    if (value instanceof Date) return value.toISOString()
    if (typeof value === "string") return value
    throw new TypeError(`DateTime cannot represent ${JSON.stringify(value)}`)
  }
}

let cachedSchema: GraphQLSchema | undefined

/**
 * Loads the shipped schema and attaches the sandbox's resolvers. The result
 * contains no bank: resolvers read the bank from the execution context, so one
 * schema serves every sandbox in the process.
 *
 * @since 0.1.0
 * @category schema
 */
export const loadSchema = (): GraphQLSchema => {
  if (cachedSchema !== undefined) return cachedSchema
  const sdl = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8")
  const schema = buildSchema(sdl)

  const dateTime = schema.getType("DateTime")
  if (!(dateTime instanceof GraphQLScalarType)) throw new Error("The schema has no DateTime scalar")
  configureDateTime(dateTime)

  for (const [typeName, fields] of Object.entries(IMPLEMENTATION)) {
    const type = schema.getType(typeName)
    if (!(type instanceof GraphQLObjectType)) throw new Error(`The sandbox implements ${typeName}, which is not an object type of the schema`)
    const definitions = type.getFields()
    for (const [fieldName, implementation] of Object.entries(fields)) {
      const definition = definitions[fieldName]
      if (definition === undefined) throw new Error(`The sandbox implements ${typeName}.${fieldName}, which the schema lacks`)
      definition.resolve = implementation.resolve
      if (implementation.subscribe !== undefined) definition.subscribe = implementation.subscribe
    }
  }
  cachedSchema = schema
  return schema
}
