/**
 * Relay pagination over the sandbox's newest-first lists: opaque cursors,
 * page size checks and `hasNextPage`/`hasPreviousPage`.
 *
 * @since 0.1.0
 */
import { BankError } from "./BankError.js"

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------

/** Largest page the API serves, for `first` and `last`. */
export const MAX_PAGE_SIZE = 50

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

/** Inserts `item` into a newest-first list at the position its sort key gives. */
export const insertNewestFirst = <A extends Sortable>(list: Array<A>, item: A): void => {
  list.splice(firstIndexWhere(list, (other) => isAfterKey(other, { time: item.bookingTime, seq: item.seq })), 0, item)
}
