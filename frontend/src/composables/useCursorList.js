import { ref, shallowRef } from 'vue'
import { notifyError } from '@/lib/feedback'

/** useCursorList pages through a `{items, next_cursor}` list with "加载更多". */
export function useCursorList(fetchPage) {
  const items = shallowRef([])
  const nextCursor = ref(null)
  const loading = ref(false)
  const loaded = ref(false)
  const error = shallowRef(null)
  let generation = 0

  async function load(cursor) {
    const gen = ++generation
    loading.value = true
    error.value = null
    try {
      const page = await fetchPage(cursor)
      if (gen !== generation) return
      const got = page?.items || []
      items.value = cursor ? [...items.value, ...got] : got
      nextCursor.value = page?.next_cursor || null
    } catch (e) {
      if (gen !== generation) return
      error.value = e
      if (!cursor) items.value = []
      notifyError(e)
    } finally {
      if (gen === generation) {
        loading.value = false
        loaded.value = true
      }
    }
  }

  return {
    items,
    nextCursor,
    loading,
    loaded,
    error,
    reload: () => load(null),
    loadMore: () => nextCursor.value && load(nextCursor.value),
  }
}
