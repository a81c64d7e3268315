/**
 * Evaluation of the schema's `TransactionFilter` input: each predicate field
 * (`amount_gt`, `name_like`, `iban_in`, ...) becomes a test on a
 * {@link TransactionRecord}, and `operator` and `conditions` combine them.
 *
 * @since 0.1.0
 */
import { BankError } from "./BankError.js"
import type { TransactionRecord } from "./Dataset.js"
import { normalizeIban } from "./Iban.js"

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Evaluation
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
