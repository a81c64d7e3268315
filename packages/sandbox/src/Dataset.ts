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
// PRNG and hashing
// ---------------------------------------------------------------------------

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through splitmix32.
 *
 * @since 0.1.0
 * @category random
 */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    let state = seed >>> 0
    const splitmix = (): number => {
      state = (state + 0x9e3779b9) >>> 0
      let z = state
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = splitmix()
    this.b = splitmix()
    this.c = splitmix()
    this.d = splitmix()
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) >>> 0
    return t
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4_294_967_296
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  /** Picks an item with probability proportional to its `weight`. */
  pickWeighted<A extends { readonly weight: number }>(items: ReadonlyArray<A>): A {
    const total = items.reduce((sum, item) => sum + item.weight, 0)
    let roll = this.next() * total
    for (const item of items) {
      roll -= item.weight
      if (roll < 0) return item
    }
    return this.pick(items)
  }

  pick<A>(items: ReadonlyArray<A>): A {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new Error("Random.pick called with an empty array")
    return item
  }

  /** Random digits, leading zeros included. */
  digits(count: number): string {
    let out = ""
    for (let i = 0; i < count; i++) out += String(this.int(0, 9))
    return out
  }

  /** A version 4 UUID built from this generator. */
  uuid(): string {
    const hex = (n: number) => n.toString(16).padStart(8, "0")
    const raw = hex(this.nextUint32()) + hex(this.nextUint32()) + hex(this.nextUint32()) + hex(this.nextUint32())
    const variant = ((parseInt(raw.charAt(16), 16) & 0x3) | 0x8).toString(16)
    return `${raw.slice(0, 8)}-${raw.slice(8, 12)}-4${raw.slice(13, 16)}-${variant}${raw.slice(17, 20)}-${raw.slice(20, 32)}`
  }
}

/** FNV-1a, 32 bit. */
const hashString = (value: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

// ---------------------------------------------------------------------------
// IBAN
// ---------------------------------------------------------------------------

/** Removes spaces and upper-cases, the form in which IBANs are stored and compared. */
export const normalizeIban = (iban: string): string => iban.replace(/\s+/g, "").toUpperCase()

/** Remainder of the IBAN's numeric form (letters as 10..35) modulo 97, computed piecewise. */
const ibanMod97 = (rearranged: string): number => {
  let remainder = 0
  for (const char of rearranged) {
    const code = char.charCodeAt(0)
    const digits = code >= 65 && code <= 90 ? String(code - 55) : char
    for (const digit of digits) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97
  }
  return remainder
}

/**
 * Computes the two ISO 13616 check digits for a country code and BBAN.
 *
 * @since 0.1.0
 * @category iban
 */
export const ibanCheckDigits = (countryCode: string, bban: string): string => {
  const remainder = ibanMod97(bban + countryCode + "00")
  return String(98 - remainder).padStart(2, "0")
}

/**
 * Returns whether `iban` (spaces and case ignored) has a valid shape and passes
 * the mod-97 check. German IBANs must also be 22 characters long.
 *
 * @since 0.1.0
 * @category iban
 */
export const isValidIban = (iban: string): boolean => {
  const normalized = normalizeIban(iban)
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(normalized)) return false
  if (normalized.startsWith("DE") && !/^DE[0-9]{20}$/.test(normalized)) return false
  return ibanMod97(normalized.slice(4) + normalized.slice(0, 4)) === 1
}

/**
 * Builds a German IBAN from an 8-digit bank code (BLZ) and a 10-digit account number.
 *
 * @since 0.1.0
 * @category iban
 */
export const germanIban = (bankCode: string, accountNumber: string): string => {
  const bban = bankCode + accountNumber.padStart(10, "0")
  return `DE${ibanCheckDigits("DE", bban)}${bban}`
}

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
// Counterparties and templates
// ---------------------------------------------------------------------------

const FIRST_NAMES: ReadonlyArray<string> = [
  "Anna", "Jonas", "Sophie", "Felix", "Marie", "Lukas", "Laura", "Paul", "Julia", "Leon",
  "Hannah", "Maximilian", "Lea", "Tim", "Clara", "Moritz", "Emma", "David", "Katharina", "Jan",
  "Mia", "Niklas", "Charlotte", "Tobias", "Johanna", "Elif", "Mehmet", "Aylin", "Piotr", "Greta"
]

const LAST_NAMES: ReadonlyArray<string> = [
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch",
  "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
  "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Yılmaz", "Kaya", "Nowak", "Jäger"
]

interface Client {
  readonly name: string
  readonly project: string
  /** VAT rate in percent that applies to this client's invoices. */
  readonly vat: 19 | 7
}

const CLIENTS: ReadonlyArray<Client> = [
  { name: "Spreewerk Digital GmbH", project: "Webdesign Relaunch", vat: 19 },
  { name: "Havelblick Software GmbH", project: "UX-Konzept App", vat: 19 },
  { name: "Kiezkultur e.V.", project: "Plakatgestaltung Sommerfest", vat: 19 },
  { name: "Atelier Weißensee UG (haftungsbeschränkt)", project: "Corporate Design", vat: 19 },
  { name: "Nordlicht Medien GmbH & Co. KG", project: "Social-Media-Grafiken", vat: 19 },
  { name: "Müller & Partner Architekten PartGmbB", project: "Broschüre Wohnquartier", vat: 19 },
  { name: "Brandenburger Bio-Hof Lindner", project: "Etikettendesign", vat: 19 },
  { name: "Verlag Tempelhofer Ufer GmbH", project: "Buchillustrationen", vat: 7 },
  { name: "Edition Prenzlauer Berg", project: "Covergestaltung", vat: 7 },
  { name: "Startup Factory Adlershof GmbH", project: "Pitch Deck", vat: 19 },
  { name: "Stadtteilzentrum Moabit gGmbH", project: "Flyer und Website", vat: 19 },
  { name: "Fahrradkontor Friedrichshain GmbH", project: "Onlineshop-Design", vat: 19 }
]

interface Merchant {
  readonly name: string
  /** ISO 18245 merchant category code. */
  readonly mcc: string
  /** Relative frequency among the merchants of its list. */
  readonly weight: number
  /** Range of the amount in cents (positive). */
  readonly min: number
  readonly max: number
  readonly business?: {
    readonly categoryCode: string
    readonly translation: string
    readonly vat: 19 | 7
  }
  readonly foreign?: { readonly currency: string; readonly country: string }
}

const PRIVATE_MERCHANTS: ReadonlyArray<Merchant> = [
  { name: "REWE Markt GmbH", mcc: "5411", weight: 6, min: 4_50, max: 95_00 },
  { name: "EDEKA Center", mcc: "5411", weight: 5, min: 3_20, max: 80_00 },
  { name: "Lidl Vertriebs GmbH", mcc: "5411", weight: 5, min: 2_80, max: 65_00 },
  { name: "ALDI Nord", mcc: "5411", weight: 5, min: 2_50, max: 55_00 },
  { name: "Bio Company", mcc: "5411", weight: 3, min: 5_00, max: 70_00 },
  { name: "dm-drogerie markt", mcc: "5912", weight: 4, min: 2_45, max: 45_00 },
  { name: "Rossmann", mcc: "5912", weight: 3, min: 1_99, max: 38_00 },
  { name: "Kaufland", mcc: "5411", weight: 2, min: 6_00, max: 110_00 },
  { name: "IKEA Deutschland", mcc: "5712", weight: 0.4, min: 9_99, max: 149_00 },
  { name: "Apotheke am Hermannplatz", mcc: "5912", weight: 1, min: 4_95, max: 42_00 },
  { name: "Zalando SE", mcc: "5651", weight: 0.8, min: 19_95, max: 139_00 },
  { name: "Späti Weserstraße", mcc: "5499", weight: 3, min: 1_50, max: 12_00 },
  { name: "Backwerk", mcc: "5462", weight: 4, min: 1_80, max: 9_50 },
  { name: "Kino Babylon", mcc: "7832", weight: 0.8, min: 9_00, max: 24_00 },
  { name: "Booking.com", mcc: "4722", weight: 0.15, min: 89_00, max: 320_00, foreign: { currency: "EUR", country: "NL" } },
  { name: "Ryanair", mcc: "4511", weight: 0.15, min: 29_99, max: 189_00, foreign: { currency: "EUR", country: "IE" } }
]

const RESTAURANTS: ReadonlyArray<Merchant> = [
  { name: "Café Rix", mcc: "5814", weight: 4, min: 3_20, max: 18_00 },
  { name: "Mustafas Gemüse Kebap", mcc: "5814", weight: 3, min: 5_50, max: 14_00 },
  { name: "Trattoria da Enzo", mcc: "5812", weight: 1.5, min: 18_00, max: 85_00 },
  { name: "Curry 36", mcc: "5814", weight: 2, min: 4_50, max: 12_00 },
  { name: "The Barn Coffee Roasters", mcc: "5814", weight: 4, min: 3_80, max: 16_00 },
  { name: "Markthalle Neun", mcc: "5812", weight: 1.5, min: 8_00, max: 45_00 },
  { name: "Restaurant Nobelhart", mcc: "5812", weight: 0.3, min: 60_00, max: 240_00,
    business: { categoryCode: "ENTERTAINMENT", translation: "Bewirtung", vat: 19 } }
]

const BUSINESS_MERCHANTS: ReadonlyArray<Merchant> = [
  { name: "Amazon EU S.a.r.l.", mcc: "5942", weight: 2, min: 8_99, max: 189_00,
    business: { categoryCode: "OFFICE_COSTS", translation: "Bürokosten", vat: 19 } },
  { name: "Apple Distribution International", mcc: "5734", weight: 0.4, min: 99, max: 349_00,
    business: { categoryCode: "ASSETS_LESS_THAN_EUR_250", translation: "Anlagegüter bis 250 €", vat: 19 },
    foreign: { currency: "EUR", country: "IE" } },
  { name: "Adobe Systems Software Ireland", mcc: "5734", weight: 1, min: 23_79, max: 71_39,
    business: { categoryCode: "SOFTWARE_AND_LICENSES", translation: "Software und Lizenzen", vat: 19 },
    foreign: { currency: "EUR", country: "IE" } },
  { name: "Figma Inc.", mcc: "5734", weight: 1, min: 14_00, max: 54_00,
    business: { categoryCode: "SOFTWARE_AND_LICENSES", translation: "Software und Lizenzen", vat: 19 },
    foreign: { currency: "USD", country: "US" } },
  { name: "Deutsche Bahn Fernverkehr", mcc: "4112", weight: 1.2, min: 17_90, max: 139_90,
    business: { categoryCode: "TRAVEL_COSTS", translation: "Reisekosten", vat: 7 } },
  { name: "BVG Berliner Verkehrsbetriebe", mcc: "4111", weight: 3, min: 3_50, max: 49_00,
    business: { categoryCode: "PUBLIC_TRANSPORT", translation: "Öffentliche Verkehrsmittel", vat: 7 } },
  { name: "Thalia Bücher GmbH", mcc: "5942", weight: 1, min: 9_99, max: 59_00,
    business: { categoryCode: "BOOKS", translation: "Fachliteratur", vat: 7 } },
  { name: "Modulor GmbH", mcc: "5945", weight: 1, min: 6_50, max: 120_00,
    business: { categoryCode: "OFFICE_COSTS", translation: "Bürokosten", vat: 19 } },
  { name: "MediaMarkt Berlin-Alexanderplatz", mcc: "5732", weight: 0.3, min: 19_99, max: 249_00,
    business: { categoryCode: "ASSETS_LESS_THAN_EUR_250", translation: "Anlagegüter bis 250 €", vat: 19 } },
  { name: "Google Workspace", mcc: "5734", weight: 1, min: 6_90, max: 13_80,
    business: { categoryCode: "IT_COSTS", translation: "IT-Kosten", vat: 19 },
    foreign: { currency: "EUR", country: "IE" } }
]

interface Creditor {
  readonly name: string
  readonly min: number
  readonly max: number
  readonly purpose: string
  readonly categoryCode: string
  readonly translation: string
  /** VAT rate in percent, 0 for a VAT-exempt business expense (insurance), or undefined for a private expense. */
  readonly vat?: 19 | 7 | 0
}

const DIRECT_DEBIT_CREDITORS: ReadonlyArray<Creditor> = [
  { name: "Spotify AB", min: 10_99, max: 10_99, purpose: "Spotify Premium", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Netflix International B.V.", min: 13_99, max: 13_99, purpose: "Netflix Abo", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Vattenfall Europe Sales GmbH", min: 48_00, max: 96_00, purpose: "Abschlag Strom Vertragskonto", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Allianz Versicherungs-AG", min: 8_45, max: 32_10, purpose: "Haftpflichtversicherung Beitrag", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Urban Sports GmbH", min: 39_00, max: 79_00, purpose: "Mitgliedschaft Urban Sports Club", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Hetzner Online GmbH", min: 4_51, max: 42_77, purpose: "Rechnung Cloud Server", categoryCode: "IT_COSTS", translation: "IT-Kosten", vat: 19 },
  { name: "Hiscox SA", min: 19_17, max: 19_17, purpose: "Berufshaftpflicht Versicherungsschein", categoryCode: "INSURANCES", translation: "Versicherungen", vat: 0 },
  { name: "Künstlersozialkasse", min: 96_00, max: 96_00, purpose: "KSK Beitrag Versicherungsnummer", categoryCode: "PRIVATE_OUT", translation: "Privatentnahme" },
  { name: "Telefónica Germany GmbH & Co. OHG", min: 17_99, max: 24_99, purpose: "O2 Mobilfunk Rechnung", categoryCode: "TELECOMMUNICATION", translation: "Telekommunikation", vat: 19 }
]

const FREELANCERS: ReadonlyArray<{ readonly service: string }> = [
  { service: "Illustration" },
  { service: "Fotografie" },
  { service: "Lektorat" },
  { service: "Frontend-Entwicklung" },
  { service: "Übersetzung EN" }
]

const PRIVATE_OUT_PURPOSES: ReadonlyArray<string> = [
  "Anteil Urlaub Ostsee", "Geschenk für Paul", "Konzertkarten", "Anteil Abendessen", "WG-Party Getränke",
  "Rückzahlung Auslage", "Hochzeitsgeschenk", "Anteil Mietwagen", "Kita-Beitrag Patenkind", "Sommerfest Kasse"
]

const PRIVATE_IN_PURPOSES: ReadonlyArray<string> = [
  "Rückzahlung Abendessen", "Anteil Konzertkarten", "Danke fürs Auslegen", "Geburtstagsgeschenk",
  "Anteil Ferienwohnung", "Rückzahlung Bahnticket", "Flohmarkt Verkauf"
]

const MONTHS_DE: ReadonlyArray<string> = [
  "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"
]

/** The sandbox user's own savings account, which receives her monthly transfer. */
const SAVINGS_ACCOUNT_NAME = "Lena Schulz"
const TAX_OFFICE = "Finanzamt Neukölln"
const TAX_NUMBER = "16/262/01234"

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
