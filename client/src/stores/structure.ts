import { ref } from 'vue'
import { defineStore } from 'pinia'
import type { StructureNode } from '@shared/schemas'
import { api, type ItemList } from '../api'

/** The sales structure as the caller may see it on one date. */
export const useStructureStore = defineStore('structure', () => {
  const nodes = ref<StructureNode[]>([])
  const date = ref<string | null>(null)
  let latest = 0

  async function loadStructure(on: string): Promise<void> {
    const request = ++latest
    const result = await api.get<ItemList<StructureNode>>('/structure', { date: on })
    // A slower answer for an older date must not overwrite the newer one.
    if (request !== latest) return
    nodes.value = result.items
    date.value = on
  }

  function reset(): void {
    nodes.value = []
    date.value = null
  }

  return { nodes, date, loadStructure, reset }
})
