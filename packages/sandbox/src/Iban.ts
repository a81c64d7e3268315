/**
 * IBAN arithmetic: normalization, ISO 13616 mod-97 check digits, validation
 * and German IBANs built from a bank code and an account number.
 *
 * @since 0.1.0
 */

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
