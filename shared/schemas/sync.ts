import { z } from 'zod'
import { idSchema } from './common'

/**
 * Wire protocol of the offline sync (sync.md, issue "Offline sync engine").
 * Push: intent-level mutations with a per-client monotonic `seq`; pull: a patch of puts and deletes
 * against the rows the device holds, computed from what the user may see now.
 */
export const SYNC_SCHEMA_VERSION = 1

export const mutationSchema = z.object({
  /** Per-client sequence number, starting at 1, without gaps. */
  seq: z.number().int().min(1),
  /** UUIDv7 of the mutation. */
  id: idSchema,
  /** Mutation name, e.g. `createCustomer`. */
  name: z.string().min(1).max(64),
  /** Version of the mutation's argument shape. */
  v: z.number().int().min(1),
  args: z.unknown(),
})
export type Mutation = z.infer<typeof mutationSchema>

export const pushRequestSchema = z.object({
  clientId: idSchema,
  schemaVersion: z.number().int().min(1),
  mutations: z.array(mutationSchema).max(500),
})
export type PushRequest = z.infer<typeof pushRequestSchema>

export const mutationResultSchema = z.object({
  seq: z.number().int(),
  status: z.enum(['applied', 'rejected']),
  code: z.string().optional(),
  message: z.string().optional(),
})
export type MutationResult = z.infer<typeof mutationResultSchema>

export const pushResponseSchema = z.object({
  lastSeq: z.number().int(),
  results: z.array(mutationResultSchema),
})
export type PushResponse = z.infer<typeof pushResponseSchema>

export const seqGapSchema = z.object({ code: z.literal('SEQ_GAP'), message: z.string(), lastSeq: z.number().int() })

export const pullRequestSchema = z.object({
  clientId: idSchema,
  schemaVersion: z.number().int().min(1),
  /** Opaque cookie from the previous pull; null on the first pull. */
  cookie: z.string().max(200).nullable(),
})
export type PullRequest = z.infer<typeof pullRequestSchema>

export const patchOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('put'), table: z.string(), id: z.string(), row: z.record(z.string(), z.unknown()) }),
  z.object({ op: z.literal('del'), table: z.string(), id: z.string() }),
  z.object({ op: z.literal('clear') }),
])
export type PatchOp = z.infer<typeof patchOpSchema>

export const pullResponseSchema = z.object({
  cookie: z.string(),
  lastSeq: z.number().int(),
  /** More pages follow: pull again with the new cookie before treating the device as complete. */
  more: z.boolean(),
  patch: z.array(patchOpSchema),
})
export type PullResponse = z.infer<typeof pullResponseSchema>
