import { ref } from 'vue'
import { defineStore } from 'pinia'
import type { AuditEntry } from '@shared/schemas'
import { api, type ItemList } from '../api'

/** The audit log, read per entity (admin). */
export const useAuditStore = defineStore('audit', () => {
  const byEntity = ref<Record<string, AuditEntry[]>>({})

  async function loadForEntity(entityId: string, limit = 50): Promise<void> {
    byEntity.value[entityId] = (await api.get<ItemList<AuditEntry>>('/audit', { entityId, limit })).items
  }

  function reset(): void {
    byEntity.value = {}
  }

  return { byEntity, loadForEntity, reset }
})
