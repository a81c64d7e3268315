/**
 * A deterministic, realistic booking history for the sandbox account: Lena
 * Schulz, a freelance designer in Berlin.
 *
 * Amounts, counterparties and the order of bookings depend only on the seed.
 * `now` only moves the dates, and with them the date-dependent parts of
 * purposes (months, quarters, invoice years).
 *
 * @since 0.1.0
 */
import {
  BUSINESS_MERCHANTS,
  CLIENTS,
  DIRECT_DEBIT_CREDITORS,
  FIRST_NAMES,
  FREELANCERS,
  LAST_NAMES,
  type Merchant,
  MONTHS_DE,
  PRIVATE_IN_PURPOSES,
  PRIVATE_MERCHANTS,
  PRIVATE_OUT_PURPOSES,
  RESTAURANTS,
  SAVINGS_ACCOUNT_NAME,
  TAX_NUMBER,
  TAX_OFFICE
} from "./Counterparties.js"
import { germanIban } from "./Iban.js"
import { hashString, Random } from "./Random.js"

export { germanIban, ibanCheckDigits, isValidIban, normalizeIban } from "./Iban.js"
export { Random } from "./Random.js"

/**
 * Options of {@link generateDataset}.
 *
 * @since 0.1.0
 * @category models
 */
export interface DatasetOptions {
  /** PRNG seed; the same seed gives the same amounts and names. Default 42. */
  readonly seed?: number | undefined
  /** Number of transactions. Default 5,000. */
  readonly transactions?: number | undefined
  /** End of the two-year period the bookings are spread over. Default: the current time. */
  readonly now?: Date | undefined
}

/**
 * One booked transaction, with the scalar fields of the schema's `Transaction`
 * type. Dates are ISO 8601 strings; amounts are signed integer cents
 * (incoming > 0, outgoing < 0).
 *
 * @since 0.1.0
 * @category models
 */
export interface TransactionRecord {
  readonly id: string
  readonly amount: number
  readonly iban: string | null
  readonly name: string | null
  readonly purpose: string | null
  readonly description: string | null
  /** A `TransactionProjectionType` value. */
  readonly type: string
  /** A `TransactionSource` value. */
  readonly source: string
  readonly bookingDate: string
  readonly valutaDate: string
  readonly createdAt: string
  readonly e2eId: string | null
  readonly mandateNumber: string | null
  readonly merchantCountryCode: string | null
  readonly merchantCategoryCode: string | null
  readonly paymentMethod: string
  /** A `TransactionCategory` value. */
  readonly category: string | null
  /** A `CategorizationType` value. */
  readonly categorizationType: string | null
  /** A `CategoryCode` value. */
  readonly categoryCode: string | null
  readonly categoryCodeTranslation: string | null
  /** A `VatCategoryCode` value. */
  readonly vatCategoryCode: string | null
  /** A `VatRate` value. */
  readonly vatRate: string | null
  readonly personalNote: string | null
  readonly foreignCurrency: string | null
  readonly originalAmount: number | null
  /** `bookingDate` in epoch milliseconds, kept for sorting and filtering. */
  readonly bookingTime: number
  /** `valutaDate` in epoch milliseconds. */
  readonly valutaTime: number
  /** Insertion order; breaks ties between equal booking times. */
  readonly seq: number
}

/**
 * A generated booking history.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dataset {
  readonly seed: number
  readonly now: Date
  /** Balance before the first booking, chosen so that the running balance stays positive. */
  readonly openingBalanceCents: number
  /** Newest first: `bookingTime` descending, then `seq` descending. */
  readonly transactions: ReadonlyArray<TransactionRecord>
}

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
/** Length of the history. Bookings fall on the 730 days before the day of `now`, so none lies in the future. */
const PERIOD_DAYS = 730
/** Below this size the monthly and quarterly series would crowd out everything else. */
const MIN_SIZE_FOR_SERIES = 200
/** Lowest running balance the opening balance guarantees, in cents. */
const BALANCE_FLOOR_CENTS = 2_500_00

// ---------------------------------------------------------------------------
// Counterparty IBANs
// ---------------------------------------------------------------------------

/** Bank codes of Berlin and online banks, so the generated IBANs look familiar. */
const BANK_CODES: ReadonlyArray<string> = [
  "10050000", // Berliner Sparkasse
  "10070000", // Deutsche Bank Berlin
  "10010010", // Postbank Berlin
  "12030000", // Deutsche Kreditbank (DKB)
  "10090000", // Berliner Volksbank
  "50010517", // ING
  "43060967", // GLS Bank
  "10040000", // Commerzbank Berlin
  "70022200", // Fidor Bank
  "10011001" // N26
]

const ibanCache = new Map<string, string>()

/** A counterparty's IBAN: fixed per seed and name, independent of the main PRNG stream. */
const counterpartyIban = (seed: number, name: string): string => {
  const key = `${seed}:${name}`
  const cached = ibanCache.get(key)
  if (cached !== undefined) return cached
  const random = new Random(hashString(key))
  const iban = germanIban(random.pick(BANK_CODES), random.digits(10))
  // The cache only saves time; clearing it now and then bounds its memory.
  if (ibanCache.size >= 10_000) ibanCache.clear()
  ibanCache.set(key, iban)
  return iban
}

// ---------------------------------------------------------------------------
// Drafts: everything a booking needs except its date-dependent text
// ---------------------------------------------------------------------------

interface Draft {
  /** Days between the booking and the day of `now`, from 1 to {@link PERIOD_DAYS}. */
  readonly daysAgo: number
  /** Milliseconds after midnight UTC. */
  readonly timeOfDay: number
  readonly amount: number
  readonly name: string | null
  readonly iban: string | null
  readonly type: string
  readonly source: string
  readonly paymentMethod: string
  readonly category: string | null
  readonly categoryCode: string | null
  readonly translation: string | null
  readonly vatCategoryCode: string | null
  readonly vatRate: string | null
  readonly merchantCategoryCode: string | null
  readonly merchantCountryCode: string | null
  readonly foreignCurrency: string | null
  readonly mandateNumber: string | null
  /** Days between the card payment and its booking. */
  readonly valutaLagDays: number
  /** Builds the purpose from the booking date; must not draw random numbers. */
  readonly purpose: (bookingDate: Date, context: PurposeContext) => string | null
}

/** Date-dependent counters shared by the purposes of one data set (invoice numbers per year). */
interface PurposeContext {
  nextInvoiceNumber(year: number): number
}

const baseDraft = {
  source: "SOLARIS",
  merchantCategoryCode: null,
  merchantCountryCode: null,
  foreignCurrency: null,
  mandateNumber: null,
  valutaLagDays: 0
} as const

const vatFields = (vat: 19 | 7 | undefined, incoming: boolean) => {
  if (vat === undefined) return { category: "PRIVATE", vatCategoryCode: null, vatRate: null } as const
  const rate = vat === 19 ? "VAT_19" : "VAT_7"
  // Income carries output VAT (INCOME_*); expenses carry deductible input tax (DIT_*).
  const incomeCode = vat === 19 ? "INCOME_19" : "INCOME_7"
  const expenseCode = vat === 19 ? "DIT_19" : "DIT_7"
  return { category: rate, vatCategoryCode: incoming ? incomeCode : expenseCode, vatRate: rate } as const
}

const formatGermanDate = (date: Date): string =>
  `${String(date.getUTCDate()).padStart(2, "0")}.${String(date.getUTCMonth() + 1).padStart(2, "0")}.${date.getUTCFullYear()}`

const monthName = (date: Date): string => `${MONTHS_DE[date.getUTCMonth()] ?? ""} ${date.getUTCFullYear()}`

/** Returns the quarter before the booking date, because tax prepayments are due after the quarter they cover. */
const previousQuarter = (date: Date): { quarter: number; year: number } => {
  const quarter = Math.floor(date.getUTCMonth() / 3)
  return quarter === 0 ? { quarter: 4, year: date.getUTCFullYear() - 1 } : { quarter, year: date.getUTCFullYear() }
}

const personName = (random: Random): string => `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`

/** A time during the bank's processing hours (05:00 to 17:00 UTC). */
const bankHours = (random: Random): number => random.int(5 * HOUR_MS, 17 * HOUR_MS)

/** A time during shop opening hours (07:00 to 21:00 UTC). */
const shopHours = (random: Random): number => random.int(7 * HOUR_MS, 21 * HOUR_MS)

/** Booking days spread evenly over the period, one per slot, with a few days of jitter. */
const seriesSchedule = (random: Random, count: number): Array<{ daysAgo: number; timeOfDay: number }> => {
  const slot = PERIOD_DAYS / count
  const schedule: Array<{ daysAgo: number; timeOfDay: number }> = []
  for (let k = 0; k < count; k++) {
    const daysAgo = Math.min(PERIOD_DAYS, Math.max(1, Math.round((k + 0.5) * slot) + random.int(-2, 2)))
    schedule.push({ daysAgo, timeOfDay: bankHours(random) })
  }
  return schedule
}

/** Builds the monthly and quarterly bookings: rent, coworking, insurance, phone, taxes, savings. */
const seriesDrafts = (random: Random, seed: number): Array<Draft> => {
  const drafts: Array<Draft> = []
  const rentIban = counterpartyIban(seed, "Hausverwaltung Krüger GmbH")

  for (const when of seriesSchedule(random, 24)) {
    // Graduated rent (Staffelmiete): the second year costs more.
    const amount = when.daysAgo > PERIOD_DAYS / 2 ? -1_180_00 : -1_215_00
    drafts.push({
      ...baseDraft, ...when, amount, name: "Hausverwaltung Krüger GmbH", iban: rentIban,
      type: "SEPA_CREDIT_TRANSFER", paymentMethod: "bank_account",
      category: "PRIVATE", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme",
      vatCategoryCode: null, vatRate: null,
      purpose: (date) => `Miete ${monthName(date)} Weserstr. 12, WE 3`
    })
  }

  const coworkingIban = counterpartyIban(seed, "Kreuzberg Coworking GmbH")
  const coworkingMandate = `CW-${random.digits(6)}`
  for (const when of seriesSchedule(random, 24)) {
    drafts.push({
      ...baseDraft, ...when, amount: -249_00, name: "Kreuzberg Coworking GmbH", iban: coworkingIban,
      type: "SEPA_DIRECT_DEBIT", paymentMethod: "direct_debit", mandateNumber: coworkingMandate,
      ...vatFields(19, false), categoryCode: "RENT", translation: "Miete und Raumkosten",
      purpose: (date) => `Fixdesk ${monthName(date)} Rechnung CW-${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`
    })
  }

  const insuranceIban = counterpartyIban(seed, "Techniker Krankenkasse")
  const memberNumber = `T${random.digits(9)}`
  for (const when of seriesSchedule(random, 24)) {
    drafts.push({
      ...baseDraft, ...when, amount: when.daysAgo > PERIOD_DAYS / 2 ? -498_72 : -512_34,
      name: "Techniker Krankenkasse", iban: insuranceIban,
      type: "SEPA_DIRECT_DEBIT", paymentMethod: "direct_debit", mandateNumber: `TK${memberNumber}`,
      category: "PRIVATE", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme",
      vatCategoryCode: null, vatRate: null,
      purpose: (date) => `Beitrag ${monthName(date)} Mitgl.-Nr. ${memberNumber}`
    })
  }

  const phoneIban = counterpartyIban(seed, "Vodafone GmbH")
  const customerNumber = random.digits(9)
  for (const when of seriesSchedule(random, 24)) {
    drafts.push({
      ...baseDraft, ...when, amount: -39_99, name: "Vodafone GmbH", iban: phoneIban,
      type: "SEPA_DIRECT_DEBIT", paymentMethod: "direct_debit", mandateNumber: `VF${customerNumber}`,
      ...vatFields(19, false), categoryCode: "TELECOMMUNICATION", translation: "Telekommunikation",
      purpose: (date) => `Kundennr. ${customerNumber} Rechnung ${monthName(date)} Internet und Telefon`
    })
  }

  const savingsIban = counterpartyIban(seed, "Tagesgeld Lena Schulz")
  for (const when of seriesSchedule(random, 24)) {
    drafts.push({
      ...baseDraft, ...when, amount: -random.int(5, 15) * 100_00, name: SAVINGS_ACCOUNT_NAME, iban: savingsIban,
      type: "SEPA_CREDIT_TRANSFER", paymentMethod: "bank_account",
      category: "PRIVATE", categoryCode: "PRIVATE_WITHDRAWAL", translation: "Privatentnahme",
      vatCategoryCode: null, vatRate: null,
      purpose: (date) => `Umbuchung Tagesgeld ${monthName(date)}`
    })
  }

  const taxOfficeIban = counterpartyIban(seed, TAX_OFFICE)
  for (const when of seriesSchedule(random, 8)) {
    drafts.push({
      ...baseDraft, ...when, amount: -random.int(2_400_00, 5_200_00), name: TAX_OFFICE, iban: taxOfficeIban,
      type: "SEPA_DIRECT_DEBIT", paymentMethod: "direct_debit", mandateNumber: `FA${TAX_NUMBER.replace(/\//g, "")}`,
      category: "VAT_PAYMENT", categoryCode: "VAT_PAYMENT", translation: "Umsatzsteuerzahlung",
      vatCategoryCode: null, vatRate: null,
      purpose: (date) => {
        const { quarter, year } = previousQuarter(date)
        return `StNr ${TAX_NUMBER} USt-VA ${quarter}. Quartal ${year}`
      }
    })
  }
  for (const when of seriesSchedule(random, 8)) {
    drafts.push({
      ...baseDraft, ...when, amount: when.daysAgo > PERIOD_DAYS / 2 ? -1_850_00 : -2_240_00, name: TAX_OFFICE, iban: taxOfficeIban,
      type: "SEPA_DIRECT_DEBIT", paymentMethod: "direct_debit", mandateNumber: `FA${TAX_NUMBER.replace(/\//g, "")}`,
      category: "TAX_PAYMENT", categoryCode: "TAX_PAYMENT", translation: "Steuerzahlung",
      vatCategoryCode: null, vatRate: null,
      purpose: (date) => {
        const { quarter, year } = previousQuarter(date)
        return `StNr ${TAX_NUMBER} ESt-Vorauszahlung ${quarter}/${year}`
      }
    })
  }

  const kontistIban = counterpartyIban(seed, "Kontist GmbH")
  for (const when of seriesSchedule(random, 24)) {
    drafts.push({
      ...baseDraft, ...when, amount: -9_00, name: "Kontist GmbH", iban: kontistIban,
      type: "DIRECT_DEBIT", paymentMethod: "direct_debit", mandateNumber: "KONTIST-PREMIUM",
      ...vatFields(19, false), categoryCode: "BANK_FEES", translation: "Bankgebühren",
      purpose: (date) => `Kontist Premium ${monthName(date)}`
    })
  }

  return drafts
}

type DraftFactory = (random: Random, seed: number, daysAgo: number) => Draft

const cardPayment = (merchant: Merchant, random: Random, daysAgo: number, refund: boolean): Draft => {
  const cents = random.int(merchant.min, merchant.max)
  const business = merchant.business
  const vat = vatFields(business?.vat, false)
  const privateCode = refund ? "PRIVATE_IN" : "PRIVATE_OUT"
  const privateTranslation = refund ? "Privateinlage" : "Privatentnahme"
  return {
    daysAgo,
    timeOfDay: shopHours(random),
    amount: refund ? cents : -cents,
    name: merchant.name,
    iban: null,
    type: refund ? "PURCHASE_REVERSAL" : random.chance(0.5) ? "CARD_USAGE" : "CARD_TRANSACTION",
    source: "SOLARIS",
    paymentMethod: "card",
    category: vat.category,
    categoryCode: business?.categoryCode ?? privateCode,
    translation: business?.translation ?? privateTranslation,
    vatCategoryCode: vat.vatCategoryCode,
    vatRate: vat.vatRate,
    merchantCategoryCode: merchant.mcc,
    merchantCountryCode: merchant.foreign?.country ?? "DE",
    foreignCurrency: merchant.foreign?.currency === "USD" ? "USD" : null,
    mandateNumber: null,
    valutaLagDays: random.int(0, 2),
    purpose: refund ? () => `Erstattung ${merchant.name}` : () => null
  }
}

/** Random bookings by kind, with weights tuned for a freelancer's account. */
const RANDOM_KINDS: ReadonlyArray<readonly [number, DraftFactory]> = [
  [34, (random, _seed, daysAgo) => cardPayment(random.pickWeighted(PRIVATE_MERCHANTS), random, daysAgo, false)],
  [15, (random, _seed, daysAgo) => cardPayment(random.pickWeighted(BUSINESS_MERCHANTS), random, daysAgo, false)],
  [13, (random, _seed, daysAgo) => cardPayment(random.pickWeighted(RESTAURANTS), random, daysAgo, false)],
  [1, (random, _seed, daysAgo) => cardPayment(random.pickWeighted(PRIVATE_MERCHANTS), random, daysAgo, true)],
  // Incoming invoice payments: hours times an hourly rate plus VAT.
  [2.4, (random, seed, daysAgo) => {
    const client = random.pick(CLIENTS)
    const net = random.int(6, 40) * random.pick([75_00, 85_00, 95_00])
    const gross = Math.round((net * (100 + client.vat)) / 100)
    const style = random.int(0, 2)
    return {
      ...baseDraft, daysAgo, timeOfDay: bankHours(random), amount: gross, name: client.name, iban: counterpartyIban(seed, client.name),
      type: "SEPA_CREDIT_TRANSFER", paymentMethod: "bank_account",
      ...vatFields(client.vat, true), categoryCode: "INCOME_GERMANY", translation: "Einnahmen Inland",
      purpose: (date, context) => {
        const number = `RE-${date.getUTCFullYear()}-${String(context.nextInvoiceNumber(date.getUTCFullYear())).padStart(4, "0")}`
        const invoiceDate = new Date(date.getTime() - 14 * DAY_MS)
        if (style === 0) return `Rechnung ${number}`
        if (style === 1) return `${number} ${client.project}`
        return `Rg. Nr. ${number} vom ${formatGermanDate(invoiceDate)}`
      }
    }
  }],
  [9, (random, seed, daysAgo) => {
    const creditor = random.pick(DIRECT_DEBIT_CREDITORS)
    const reference = random.digits(8)
    return {
      ...baseDraft, daysAgo, timeOfDay: bankHours(random), amount: -random.int(creditor.min, creditor.max), name: creditor.name,
      iban: counterpartyIban(seed, creditor.name), type: "SEPA_DIRECT_DEBIT", paymentMethod: "direct_debit",
      mandateNumber: `M-${hashString(creditor.name).toString(36).toUpperCase()}`,
      ...(creditor.vat === 0 ? { category: null, vatCategoryCode: "NO_VAT", vatRate: "VAT_0" } : vatFields(creditor.vat, false)),
      categoryCode: creditor.categoryCode, translation: creditor.translation,
      purpose: (date) => `${creditor.purpose} ${reference} ${monthName(date)}`
    }
  }],
  [6, (random, seed, daysAgo) => {
    const name = personName(random)
    const purpose = random.pick(PRIVATE_OUT_PURPOSES)
    return {
      ...baseDraft, daysAgo, timeOfDay: bankHours(random), amount: -random.int(10, 150) * 100 - random.pick([0, 0, 50, 99]), name,
      iban: counterpartyIban(seed, name), type: "SEPA_CREDIT_TRANSFER", paymentMethod: "bank_account",
      category: "PRIVATE", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme", vatCategoryCode: null, vatRate: null,
      purpose: () => purpose
    }
  }],
  [6, (random, seed, daysAgo) => {
    const name = personName(random)
    const purpose = random.pick(PRIVATE_IN_PURPOSES)
    return {
      ...baseDraft, daysAgo, timeOfDay: bankHours(random), amount: random.int(8, 300) * 100 + random.pick([0, 0, 50]), name,
      iban: counterpartyIban(seed, name), type: "SEPA_CREDIT_TRANSFER", paymentMethod: "bank_account",
      category: "PRIVATE", categoryCode: "PRIVATE_IN", translation: "Privateinlage", vatCategoryCode: null, vatRate: null,
      purpose: () => purpose
    }
  }],
  [1, (random, seed, daysAgo) => {
    const name = personName(random)
    const freelancer = random.pick(FREELANCERS)
    const net = random.int(4, 20) * 60_00
    const invoice = `${random.int(1, 120)}`.padStart(3, "0")
    return {
      ...baseDraft, daysAgo, timeOfDay: bankHours(random), amount: -Math.round(net * 1.19), name,
      iban: counterpartyIban(seed, name), type: "SEPA_CREDIT_TRANSFER", paymentMethod: "bank_account",
      ...vatFields(19, false), categoryCode: "EXTERNAL_FREELANCER", translation: "Fremdleistungen",
      purpose: (date) => `Rechnung ${date.getUTCFullYear()}-${invoice} ${freelancer.service}`
    }
  }],
  [3, (random, _seed, daysAgo) => ({
    ...baseDraft, daysAgo, timeOfDay: bankHours(random), amount: -random.pick([20, 40, 50, 60, 100, 150, 200]) * 100,
    name: random.pick(["Berliner Sparkasse", "Berliner Volksbank", "Deutsche Bank", "Commerzbank"]),
    iban: null, type: "ATM", paymentMethod: "card",
    category: "PRIVATE", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme", vatCategoryCode: null, vatRate: null,
    merchantCategoryCode: "6011", merchantCountryCode: "DE",
    purpose: () => "Bargeldauszahlung"
  })]
]

const RANDOM_KINDS_TOTAL = RANDOM_KINDS.reduce((sum, [weight]) => sum + weight, 0)

const randomDraft = (random: Random, seed: number, daysAgo: number): Draft => {
  let roll = random.next() * RANDOM_KINDS_TOTAL
  for (const [weight, factory] of RANDOM_KINDS) {
    roll -= weight
    if (roll < 0) return factory(random, seed, daysAgo)
  }
  const [, last] = RANDOM_KINDS[RANDOM_KINDS.length - 1]!
  return last(random, seed, daysAgo)
}

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

/**
 * Generates the booking history.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateDataset = (options: DatasetOptions = {}): Dataset => {
  const seed = options.seed ?? 42
  const size = options.transactions ?? 5_000
  const now = options.now ?? new Date()
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`Invalid transaction count ${size}: expected a non-negative integer`)
  }
  if (Number.isNaN(now.getTime())) throw new RangeError("Invalid `now`: expected a valid Date")

  const random = new Random(seed)
  const idRandom = new Random(hashString(`ids:${seed}`))

  const series = size >= MIN_SIZE_FOR_SERIES ? seriesDrafts(random, seed) : []
  const drafts: Array<Draft> = [...series]
  while (drafts.length < size) {
    drafts.push(randomDraft(random, seed, random.int(1, PERIOD_DAYS)))
  }

  // Oldest first, so that invoice numbers and the running balance follow time.
  // Equal times keep their draft order (Array.prototype.sort is stable).
  drafts.sort((a, b) => b.daysAgo - a.daysAgo || a.timeOfDay - b.timeOfDay)

  const invoiceCounters = new Map<number, number>()
  const context: PurposeContext = {
    nextInvoiceNumber: (year) => {
      const next = (invoiceCounters.get(year) ?? 100) + 1 + (hashString(`${seed}:${year}:${invoiceCounters.size}`) % 3)
      invoiceCounters.set(year, next)
      return next
    }
  }

  const startOfToday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  let running = 0
  let lowest = 0
  const oldestFirst: Array<TransactionRecord> = drafts.map((draft, index) => {
    const bookingTime = startOfToday - draft.daysAgo * DAY_MS + draft.timeOfDay
    const valutaTime = bookingTime - draft.valutaLagDays * DAY_MS
    const bookingDate = new Date(bookingTime)
    running += draft.amount
    lowest = Math.min(lowest, running)
    const id = idRandom.uuid()
    const purpose = draft.purpose(bookingDate, context)
    return {
      id,
      amount: draft.amount,
      iban: draft.iban,
      name: draft.name,
      purpose,
      description: purpose ?? draft.name,
      type: draft.type,
      source: draft.source,
      bookingDate: bookingDate.toISOString(),
      valutaDate: new Date(valutaTime).toISOString(),
      createdAt: bookingDate.toISOString(),
      e2eId: draft.paymentMethod === "card" ? null : `E2E-${id.slice(0, 8).toUpperCase()}`,
      mandateNumber: draft.mandateNumber,
      merchantCountryCode: draft.merchantCountryCode,
      merchantCategoryCode: draft.merchantCategoryCode,
      paymentMethod: draft.paymentMethod,
      category: draft.category,
      categorizationType: draft.category === null ? null : "AUTOMATIC_KONTIST_ML",
      categoryCode: draft.categoryCode,
      categoryCodeTranslation: draft.translation,
      vatCategoryCode: draft.vatCategoryCode,
      vatRate: draft.vatRate,
      personalNote: null,
      foreignCurrency: draft.foreignCurrency,
      originalAmount: draft.foreignCurrency === "USD" ? Math.round((draft.amount / 100) * 1.08 * 100) / 100 : null,
      bookingTime,
      valutaTime,
      seq: index + 1
    }
  })

  // Round up to whole euros so the opening balance looks like a deposit.
  const openingBalanceCents = Math.ceil((BALANCE_FLOOR_CENTS - lowest) / 100) * 100
  return { seed, now, openingBalanceCents, transactions: oldestFirst.reverse() }
}
