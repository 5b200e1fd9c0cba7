import type { CallDirection, NoteKind, NoteRow } from '@shared/schemas/notes'

/** The note form's values as the inputs hold them (strings); `assigneeId` '' = the author. */
export interface NoteFormValues {
  kind: NoteKind
  direction: CallDirection
  /** `datetime-local` value in the device's time zone, e.g. 2026-03-12T14:05. */
  occurredAt: string
  durationMinutes: string
  subject: string
  text: string
  followUpOn: string
  assigneeId: string
}

/** What the form stores; `occurredAt` is left out of an edit that did not change it. */
export interface NoteValues {
  kind: NoteKind
  direction: CallDirection | null
  occurredAt?: string
  durationMinutes: number | null
  subject: string | null
  text: string
  followUpOn: string | null
  assigneeId: string | null
}

export const NOTE_FORM_FIELDS = ['kind', 'direction', 'occurredAt', 'durationMinutes', 'subject', 'text', 'followUpOn', 'assigneeId'] as const

const pad = (n: number) => String(n).padStart(2, '0')

/** An instant as a `datetime-local` value in the device's time zone. */
export function localDateTime(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export function emptyNoteForm(now = new Date()): NoteFormValues {
  return { kind: 'phone', direction: 'outbound', occurredAt: localDateTime(now), durationMinutes: '', subject: '', text: '', followUpOn: '', assigneeId: '' }
}

export function noteFormOf(note: NoteRow): NoteFormValues {
  return {
    kind: note.kind,
    direction: note.direction ?? 'outbound',
    occurredAt: localDateTime(note.occurredAt),
    durationMinutes: note.durationMinutes === null ? '' : String(note.durationMinutes),
    subject: note.subject ?? '',
    text: note.text,
    followUpOn: note.followUpOn ?? '',
    assigneeId: note.assigneeId ?? '',
  }
}

/** A `datetime-local` value as an ISO instant ('' when it is no date, so the schema names the field). */
function instantOf(local: string): string {
  const d = new Date(local)
  return local && !Number.isNaN(d.getTime()) ? d.toISOString() : ''
}

/**
 * The note's values from the form; fields a kind does not have are empty (a memo has only text).
 * `initial` (editing): a time left as it was is not sent, since the form shows whole minutes only.
 */
export function noteValuesOf(form: NoteFormValues, initial?: NoteFormValues): NoteValues {
  const phone = form.kind === 'phone'
  // A number input's v-model hands over a number once typed into.
  const duration = String(form.durationMinutes ?? '').trim()
  const values: NoteValues = {
    kind: form.kind,
    direction: phone ? form.direction : null,
    occurredAt: form.kind === 'memo' && !initial ? new Date().toISOString() : instantOf(form.occurredAt),
    durationMinutes: phone && duration ? Number(duration.replace(',', '.')) : null,
    subject: form.kind === 'memo' ? null : form.subject.trim() || null,
    text: form.text,
    followUpOn: form.followUpOn || null,
    assigneeId: form.followUpOn && form.assigneeId ? form.assigneeId : null,
  }
  if (initial && (form.kind === 'memo' || form.occurredAt === initial.occurredAt)) delete values.occurredAt
  return values
}
