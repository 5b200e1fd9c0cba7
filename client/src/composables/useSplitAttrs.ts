import { computed, useAttrs } from 'vue'

/**
 * For form primitives: `class` styles the wrapper (layout), every other attribute
 * (data-testid, autocomplete, inputmode …) goes to the native control.
 */
export function useSplitAttrs() {
  const attrs = useAttrs()
  const wrapperClass = computed(() => attrs.class)
  const controlAttrs = computed(() => {
    const { class: _class, style: _style, ...rest } = attrs
    return rest
  })
  return { wrapperClass, controlAttrs }
}
