import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import type { Branch, BranchInput, Level, LevelInput } from '@shared/schemas'
import { api, type Created, type ItemList, type Ok } from '../api'

/** Branches and career levels: small reference lists that many screens name things from. */
export const useOrgStore = defineStore('org', () => {
  const branches = ref<Branch[]>([])
  const levels = ref<Level[]>([])
  const branchesLoaded = ref(false)
  const levelsLoaded = ref(false)

  const branchById = computed(() => new Map(branches.value.map((b) => [b.id, b])))
  const levelById = computed(() => new Map(levels.value.map((l) => [l.id, l])))
  const branchesSorted = computed(() => [...branches.value].sort((a, b) => a.name.localeCompare(b.name, 'de')))

  function branchName(id: string): string {
    return branchById.value.get(id)?.name ?? 'Unbekannte Filiale'
  }
  function levelName(id: string | null): string {
    if (!id) return '–'
    return levelById.value.get(id)?.name ?? 'Unbekannte Stufe'
  }

  async function loadBranches(force = false): Promise<void> {
    if (branchesLoaded.value && !force) return
    branches.value = (await api.get<ItemList<Branch>>('/branches')).items
    branchesLoaded.value = true
  }

  async function createBranch(input: BranchInput): Promise<string> {
    const { id } = await api.post<Created>('/branches', input)
    await loadBranches(true)
    return id
  }

  async function renameBranch(id: string, input: BranchInput): Promise<void> {
    await api.patch<Ok>(`/branches/${id}`, input)
    await loadBranches(true)
  }

  async function loadLevels(force = false): Promise<void> {
    if (levelsLoaded.value && !force) return
    levels.value = (await api.get<ItemList<Level>>('/levels')).items
    levelsLoaded.value = true
  }

  async function createLevel(input: LevelInput): Promise<string> {
    const { id } = await api.post<Created>('/levels', input)
    await loadLevels(true)
    return id
  }

  async function updateLevel(id: string, input: LevelInput): Promise<void> {
    await api.patch<Ok>(`/levels/${id}`, input)
    await loadLevels(true)
  }

  function reset(): void {
    branches.value = []
    levels.value = []
    branchesLoaded.value = false
    levelsLoaded.value = false
  }

  return {
    branches,
    branchesSorted,
    levels,
    branchById,
    levelById,
    branchName,
    levelName,
    loadBranches,
    createBranch,
    renameBranch,
    loadLevels,
    createLevel,
    updateLevel,
    reset,
  }
})
