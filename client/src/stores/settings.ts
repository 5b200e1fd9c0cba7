import { ref } from 'vue'
import { defineStore } from 'pinia'
import type { OrgSettings } from '@shared/constants'
import { api } from '../api'

/** Organisation settings (admin). */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<OrgSettings | null>(null)

  async function loadSettings(): Promise<void> {
    settings.value = await api.get<OrgSettings>('/settings')
  }

  async function saveSettings(patch: Partial<OrgSettings>): Promise<void> {
    settings.value = await api.patch<OrgSettings>('/settings', patch)
  }

  function reset(): void {
    settings.value = null
  }

  return { settings, loadSettings, saveSettings, reset }
})
