/** Business dates are calendar dates in Germany, as `YYYY-MM-DD` strings (they sort as text). */
export type IsoDate = string

const berlin = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The calendar date in Germany at the given instant. */
export function berlinDate(at: Date = new Date()): IsoDate {
  return berlin.format(at)
}

export function isValidIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const d = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

export function addMonths(date: IsoDate, months: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`)
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() + months)
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, last))
  return d.toISOString().slice(0, 10)
}

/** An effective-dated row [validFrom, validTo) covers `date`; `validTo` null means open-ended. */
export function covers(row: { validFrom: IsoDate; validTo: IsoDate | null }, date: IsoDate): boolean {
  return row.validFrom <= date && (row.validTo === null || date < row.validTo)
}
