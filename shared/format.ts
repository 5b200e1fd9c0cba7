/** de-DE display formats. Amounts are integer cents everywhere; only formatting divides. */
const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' })
const dateFmt = new Intl.DateTimeFormat('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' })
const dateTimeFmt = new Intl.DateTimeFormat('de-DE', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Berlin',
})

export function formatCents(cents: number): string {
  return euro.format(cents / 100)
}

/** `2026-03-12` → `12.03.2026` */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–'
  return dateFmt.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`))
}

/** ISO timestamp → `12.03.2026, 14:05` (German time) */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '–'
  return dateTimeFmt.format(new Date(iso))
}
