import type { SessionUser } from '../../lib/context'

export interface PokeListener {
  user: SessionUser
  poke(): void
  close(): void
}

/**
 * Connected SSE streams. After a commit the sync service asks which listeners may see any of the
 * touched reps (through the scope module) and pokes them; a poke carries no data.
 */
export class PokeHub {
  private readonly listeners = new Set<PokeListener>()

  add(listener: PokeListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get size(): number {
    return this.listeners.size
  }

  /** Pokes every listener for which `visible(user)` holds. */
  pokeWhere(visible: (user: SessionUser) => boolean): number {
    let n = 0
    for (const l of this.listeners) {
      if (visible(l.user)) {
        l.poke()
        n++
      }
    }
    return n
  }

  /** Ends a user's streams, e.g. after deactivation. */
  closeUser(userId: string): void {
    for (const l of this.listeners) if (l.user.id === userId) l.close()
  }
}
