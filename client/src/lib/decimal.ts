/**
 * Exact parsing of German decimal input ("1.234,56") into scaled integers. Works on the digit
 * string only — never through floats — so "19,99" € is always 1999 cents.
 */
export type DecimalResult = { ok: true; value: number } | { ok: false; message: string }

const GROUPED = /^\d{1,3}(\.\d{3})+$/
const PLAIN = /^\d+$/

/**
 * @param input   text as typed, e.g. "1.234,5", "20", "20,00 €"
 * @param digits  decimal places of the target unit (2 for cents, 1 for per mille from percent)
 */
export function parseDecimal(input: string, digits: number): DecimalResult {
  const text = input.replace(/[\s\u00a0€%]/g, '')
  if (text === '') return { ok: false, message: 'Bitte einen Wert angeben.' }
  if (text.startsWith('-')) return { ok: false, message: 'Negative Werte sind nicht zulässig.' }

  let whole: string
  let fraction: string
  const comma = text.split(',')
  if (comma.length > 2) return invalid()
  if (comma.length === 2) {
    whole = comma[0]!
    fraction = comma[1]!
  } else if (GROUPED.test(text)) {
    // "1.234" is a thousands separator in German, not 1,234.
    whole = text
    fraction = ''
  } else {
    // Tolerate a decimal point ("12.5") typed on a keyboard without comma.
    const dot = text.split('.')
    if (dot.length > 2) return invalid()
    whole = dot[0]!
    fraction = dot[1] ?? ''
    if (dot.length === 2 && fraction === '') return invalid()
  }

  if (whole === '') whole = '0'
  if (GROUPED.test(whole)) whole = whole.replace(/\./g, '')
  if (!PLAIN.test(whole)) return invalid()
  if (fraction !== '' && !PLAIN.test(fraction)) return invalid()
  if (comma.length === 2 && fraction === '') return invalid()
  if (fraction.length > digits) {
    return {
      ok: false,
      message: digits === 0 ? 'Bitte eine ganze Zahl angeben.' : `Höchstens ${digits === 1 ? 'eine Nachkommastelle' : 'zwei Nachkommastellen'}.`,
    }
  }
  const digitsString = (whole + fraction.padEnd(digits, '0')).replace(/^0+(?=\d)/, '')
  if (digitsString.length > 15) return { ok: false, message: 'Der Wert ist zu groß.' }
  return { ok: true, value: Number(digitsString) }
}

function invalid(): DecimalResult {
  return { ok: false, message: 'Bitte eine Zahl im Format 1.234,56 angeben.' }
}

/** Cents → "1234,56" for an input field (no thousands separators, so it parses back unchanged). */
export function formatDecimalInput(value: number, digits: number): string {
  const negative = value < 0
  const s = String(Math.abs(Math.trunc(value))).padStart(digits + 1, '0')
  const whole = s.slice(0, s.length - digits)
  const fraction = s.slice(s.length - digits)
  return (negative ? '-' : '') + (digits > 0 ? `${whole},${fraction}` : whole)
}

export const parseEuroToCents = (input: string) => parseDecimal(input, 2)
export const centsToEuroInput = (cents: number) => formatDecimalInput(cents, 2)

/** "10,5" % → 105 ‰ */
export const parsePercentToPermille = (input: string) => parseDecimal(input, 1)
export const permilleToPercentInput = (permille: number) => formatDecimalInput(permille, 1).replace(/,0$/, '')

const percentFmt = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 })
/** 105 ‰ → "10,5 %" */
export function formatPermilleAsPercent(permille: number): string {
  return `${percentFmt.format(permille / 10)} %`
}
