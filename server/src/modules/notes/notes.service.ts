import type { NoteRow } from '../../../../shared/schemas'
import type { notes } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'
import { orgSnapshot } from '../scope/hierarchy'

export function noteRow(db: DbOrTx, r: typeof notes.$inferSelect): NoteRow {
  return {
    id: r.id,
    customerId: r.customerId,
    kind: r.kind,
    direction: r.direction,
    occurredAt: r.occurredAt,
    durationMinutes: r.durationMinutes,
    subject: r.subject,
    text: r.text,
    followUpOn: r.followUpOn,
    assigneeId: r.assigneeId,
    followUpDoneAt: r.followUpDoneAt,
    authorId: r.authorId,
    authorName: orgSnapshot(db).users.get(r.authorId)?.name ?? '',
    ownerRepId: r.ownerRepId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }
}
