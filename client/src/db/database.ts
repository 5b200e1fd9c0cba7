import Dexie, { type EntityTable } from 'dexie'
import type { ConsentRow } from '../../../shared/schemas/consents'
import type { CustomerRow } from '../../../shared/schemas/customers'
import type { RelationRow, RelationTypeRow } from '../../../shared/schemas/household'
import type { NoteRow } from '../../../shared/schemas/notes'
import { customerNameKey } from './words'

/**
 * A customer as the device stores it: the server's row, search words, and, while this device has
 * unconfirmed changes to it, the server's version from before them (null: not on the server yet).
 */
export interface LocalCustomer extends CustomerRow {
  words: string[]
  /** Name order (see customerNameKey): lists and broad searches walk this index. */
  nameKey: string
  pending?: { base: CustomerRow | null }
}

/** A row of a rep-owned child table; `pending` as on customers. */
export type LocalRelation = RelationRow & { pending?: { base: RelationRow | null } }
export type LocalConsent = ConsentRow & { pending?: { base: ConsentRow | null } }
export type LocalNote = NoteRow & { pending?: { base: NoteRow | null } }

/**
 * The server's version of a row an unconfirmed mutation deleted on the device: a refusal puts it
 * back, an acknowledgement drops it.
 */
export interface Tombstone {
  /** `table/id`. */
  key: string
  table: SyncedTableName
  id: string
  base: Record<string, unknown>
  mutationId: string
}

/** A mutation recorded on the device, waiting for the server's answer. */
export interface OutboxEntry {
  /** Per-client sequence number: 1, 2, 3 … without gaps. */
  seq: number
  /** UUIDv7 of the mutation. */
  id: string
  name: string
  v: number
  args: unknown
  createdAt: string
}

/** A mutation the server refused for good, kept with its full payload for "Benötigt Aufmerksamkeit". */
export interface QuarantineEntry extends OutboxEntry {
  clientId: string
  code: string
  message: string
  rejectedAt: string
}

export interface EvictionMarker {
  clientId: string
  createdAt: string
}

/** Values of the `meta` table by key. */
export interface MetaValues {
  clientId: string
  nextSeq: number
  cookie: string | null
  initialSyncComplete: boolean
  lastSyncAt: string | null
  evictionMarker: EvictionMarker
}
export type MetaKey = keyof MetaValues

export interface MetaRow {
  key: MetaKey
  value: unknown
}

/** Tables filled by pull: a cache that may be cleared and pulled again at any time. */
export const SYNCED_TABLES = ['customers', 'relations', 'consents', 'notes', 'relationTypes'] as const
export type SyncedTableName = (typeof SYNCED_TABLES)[number]

/** How this database came up: a fresh client id after an eviction means a full resync. */
export interface DeviceState {
  clientId: string
  /** The database was created (empty) by this open. */
  created: boolean
  /** It was created although this browser remembers an earlier one for the user: the browser evicted it. */
  evicted: boolean
}

export const dbNameFor = (userId: string): string => `feldakte-${userId}`

/**
 * One IndexedDB database per user. Schema changes are additive: add a `this.version(n + 1)` with
 * the new stores and never change an older version.
 */
export class FeldakteDb extends Dexie {
  declare customers: EntityTable<LocalCustomer, 'id'>
  declare relations: EntityTable<LocalRelation, 'id'>
  declare consents: EntityTable<LocalConsent, 'id'>
  declare notes: EntityTable<LocalNote, 'id'>
  declare tombstones: EntityTable<Tombstone, 'key'>
  /** Reference data from the server, never changed on the device. */
  declare relationTypes: EntityTable<RelationTypeRow, 'code'>
  declare outbox: EntityTable<OutboxEntry, 'seq'>
  declare meta: EntityTable<MetaRow, 'key'>
  declare quarantine: EntityTable<QuarantineEntry, 'id'>
  /** Set by `openUserDb` (and each sync round); null until the device state was checked. */
  device: DeviceState | null = null

  constructor(readonly userId: string) {
    super(dbNameFor(userId))
    this.version(1).stores({
      customers: 'id, lastName, ownerRepId, *words',
      outbox: 'seq',
      meta: 'key',
      quarantine: 'id, seq, rejectedAt',
    })
    // Lists sorted by name without reading every row.
    this.version(2)
      .stores({ customers: 'id, lastName, ownerRepId, *words, nameKey' })
      .upgrade((tx) =>
        tx
          .table<LocalCustomer>('customers')
          .toCollection()
          .modify((c) => {
            c.nameKey = customerNameKey(c)
          }),
      )
    // The customer file: new row shape (contact lists), household, consents, notes. The cached
    // customers are dropped and pulled again in the new shape; the outbox stays.
    this.version(3)
      .stores({
        relations: 'id, customerId, relatedCustomerId',
        consents: 'id, customerId',
        notes: 'id, customerId, followUpOn',
        relationTypes: 'code',
      })
      .upgrade(async (tx) => {
        await tx.table('customers').clear()
        await tx.table('meta').bulkPut([
          { key: 'cookie', value: null },
          { key: 'initialSyncComplete', value: false },
        ])
      })
    this.version(4).stores({ tombstones: 'key, mutationId' })
  }

  /** The Dexie tables of the synced cache (and the tombstones of its pending deletes), for transactions over all of them. */
  syncedTables() {
    return [...SYNCED_TABLES.map((name) => this[name]), this.tombstones]
  }
}
