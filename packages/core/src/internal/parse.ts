/**
 * Decode-failure formatting shared by the services.
 *
 * @internal
 */
import { ParseResult } from "effect"

/**
 * Formats a decode failure as `path: message` entries. With `withValues`
 * false the messages, which quote the offending values, are left out.
 */
export const formatParseError = (error: ParseResult.ParseError, withValues = true): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => {
      const path = issue.path.length === 0 ? "(root)" : issue.path.map(String).join(".")
      if (withValues) return `${path}: ${issue.message}`
      return issue._tag === "Missing" ? `${path}: is missing` : `${path}: has an unexpected value`
    })
    .join("; ")
