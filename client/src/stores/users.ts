import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import type {
  DeactivateInput,
  MoveInput,
  PromoteInput,
  User,
  UserCreateInput,
  UserDetail,
  UserUpdateInput,
} from '@shared/schemas'
import { api, type Created, type ItemList, type Ok } from '../api'

/** User administration (admin only on the server). */
export const useUsersStore = defineStore('users', () => {
  const users = ref<User[]>([])
  const loaded = ref(false)
  const details = ref<Record<string, UserDetail>>({})

  const userById = computed(() => new Map(users.value.map((u) => [u.id, u])))
  const activeReps = computed(() =>
    users.value.filter((u) => u.role === 'rep' && u.active).sort((a, b) => a.name.localeCompare(b.name, 'de')),
  )

  function userName(id: string | null): string {
    if (!id) return '–'
    return userById.value.get(id)?.name ?? 'Unbekannt'
  }

  async function loadUsers(force = false): Promise<void> {
    if (loaded.value && !force) return
    users.value = (await api.get<ItemList<User>>('/users')).items
    loaded.value = true
  }

  async function loadUser(id: string): Promise<UserDetail> {
    const detail = await api.get<UserDetail>(`/users/${id}`)
    details.value[id] = detail
    return detail
  }

  /** After a change: the detail (history) and the list (today's upline/level) both move. */
  async function refresh(id: string): Promise<void> {
    await Promise.all([loadUser(id), loadUsers(true)])
  }

  async function createUser(input: UserCreateInput): Promise<string> {
    const { id } = await api.post<Created>('/users', input)
    await loadUsers(true)
    return id
  }

  async function updateUser(id: string, input: UserUpdateInput): Promise<void> {
    await api.patch<Ok>(`/users/${id}`, input)
    await refresh(id)
  }

  async function moveUser(id: string, input: MoveInput): Promise<void> {
    await api.post<Ok>(`/users/${id}/move`, input)
    await refresh(id)
  }

  async function promoteUser(id: string, input: PromoteInput): Promise<void> {
    await api.post<Ok>(`/users/${id}/promote`, input)
    await refresh(id)
  }

  async function deactivateUser(id: string, input: DeactivateInput): Promise<void> {
    await api.post<Ok>(`/users/${id}/deactivate`, input)
    await refresh(id)
  }

  async function reactivateUser(id: string): Promise<void> {
    await api.post<Ok>(`/users/${id}/reactivate`, {})
    await refresh(id)
  }

  async function resetPassword(id: string, password: string): Promise<void> {
    await api.post<Ok>(`/users/${id}/password`, { password })
  }

  function reset(): void {
    users.value = []
    loaded.value = false
    details.value = {}
  }

  return {
    users,
    details,
    userById,
    activeReps,
    userName,
    loadUsers,
    loadUser,
    createUser,
    updateUser,
    moveUser,
    promoteUser,
    deactivateUser,
    reactivateUser,
    resetPassword,
    reset,
  }
})
